// The building blocks of http_signature.hpp: base64, the Digest header, RSA-SHA256 signing and
// verification, private keys and the IMF-fixdate parser. The protocol rules are in
// http_signature.cpp.
#include "federation/http_signature.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <array>
#include <charconv>
#include <utility>
#include <vector>

namespace confrere::federation {

namespace {

using EvpMdCtxPtr = CHandle<EVP_MD_CTX, &EVP_MD_CTX_free>;
using BioPtr = CHandle<BIO, &BIO_free_all>;

constexpr std::string_view kBase64Alphabet
    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// RSA moduli we verify with: below 2048 bits is forgeable in practice, above 8192 only costs us
// CPU (tootik draws the same bounds).
constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 8192;

// Private keys and public keys in PEM are a few kilobytes; refuse anything absurd before OpenSSL.
constexpr std::size_t kMaxPemBytes = 64 * 1024;

int base64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

// Raw digest of `data` with `md`; empty if OpenSSL fails.
std::string message_digest(const EVP_MD* md, std::string_view data)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> out {};
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1) {
        ERR_clear_error();
        return {};
    }
    return std::string(reinterpret_cast<const char*>(out.data()), len);
}

bool iequals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

std::string_view trim_ows(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

bool is_rsa_key(EVP_PKEY* key)
{
    // "RSA" only: an RSA-PSS key would sign with a padding that no peer verifies.
    return EVP_PKEY_is_a(key, "RSA") == 1;
}

} // namespace

std::string base64_encode(std::string_view bytes)
{
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    auto at = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t v
            = (std::uint32_t { at(i) } << 16) | (std::uint32_t { at(i + 1) } << 8) | at(i + 2);
        out += kBase64Alphabet[(v >> 18) & 63];
        out += kBase64Alphabet[(v >> 12) & 63];
        out += kBase64Alphabet[(v >> 6) & 63];
        out += kBase64Alphabet[v & 63];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        std::uint32_t v = std::uint32_t { at(i) } << 16;
        if (rest == 2)
            v |= std::uint32_t { at(i + 1) } << 8;
        out += kBase64Alphabet[(v >> 18) & 63];
        out += kBase64Alphabet[(v >> 12) & 63];
        out += rest == 2 ? kBase64Alphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text)
{
    if (text.size() % 4 != 0)
        return std::nullopt;
    std::size_t padding = 0;
    if (!text.empty() && text.back() == '=')
        padding = text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : 1;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        std::uint32_t v = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            const bool pad = last && k >= 4 - padding;
            const int d = pad ? 0 : base64_value(text[i + k]);
            if (d < 0)
                return std::nullopt;
            v = (v << 6) | static_cast<std::uint32_t>(d);
        }
        out += static_cast<char>((v >> 16) & 0xff);
        if (!last || padding < 2)
            out += static_cast<char>((v >> 8) & 0xff);
        if (!last || padding < 1)
            out += static_cast<char>(v & 0xff);
    }
    return out;
}

// RFC 3230 §4.3.2 with the RFC 5843 algorithm names: "SHA-256=<base64>".
std::string digest_header(std::string_view body)
{
    const std::string raw = message_digest(EVP_sha256(), body);
    return raw.empty() ? std::string() : "SHA-256=" + base64_encode(raw);
}

// RFC 3230 §4.3.2: `Digest: instance-digest *("," instance-digest)`, names case-insensitive.
// Mastodon requires a sha-256 entry; we also check sha-512 when a peer sends it.
Status check_digest(std::string_view header_value, std::string_view body)
{
    if (header_value.size() > 4096)
        return fail(ErrorKind::InvalidInput, "Digest header is too long");
    // The whole list is read before any comparison, so a malformed list is always InvalidInput.
    std::vector<std::pair<const EVP_MD*, std::string>> expected;
    for (std::string_view rest = header_value;;) {
        const std::size_t comma = rest.find(',');
        const std::string_view item = trim_ows(rest.substr(0, comma));
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos || eq == 0)
            return fail(ErrorKind::InvalidInput, "malformed Digest header: expected <algorithm>=<value>");
        const std::string_view algorithm = item.substr(0, eq);
        const EVP_MD* md = iequals(algorithm, "sha-256") ? EVP_sha256()
            : iequals(algorithm, "sha-512")              ? EVP_sha512()
                                                         : nullptr;
        if (md != nullptr) {
            auto value = base64_decode(item.substr(eq + 1));
            if (!value)
                return fail(ErrorKind::InvalidInput, "malformed Digest header: the value is not base64");
            expected.emplace_back(md, std::move(*value));
        }
        if (comma == std::string_view::npos)
            break;
        rest.remove_prefix(comma + 1);
    }
    if (expected.empty())
        return fail(ErrorKind::Unauthorized, "the Digest header has no SHA-256 value");
    for (const auto& [md, value] : expected) {
        const std::string actual = message_digest(md, body);
        if (actual.empty())
            return fail(ErrorKind::Internal, "digest computation failed");
        // Both sides are public (the body is the sender's): a plain comparison is fine.
        if (value != actual)
            return fail(ErrorKind::Unauthorized, "the Digest header does not match the body");
    }
    return ok();
}

Result<crypto::EvpPkeyPtr> parse_private_key_pem(std::string_view pem)
{
    if (pem.size() > kMaxPemBytes)
        return fail(ErrorKind::InvalidInput, "invalid private key");
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio)
        return fail(ErrorKind::Internal, "out of memory", crypto::drain_openssl_errors());
    // A callback that supplies no passphrase: OpenSSL's default would prompt on the terminal.
    pem_password_cb* no_passphrase = [](char*, int, int, void*) { return 0; };
    crypto::EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
    if (!key)
        return fail(ErrorKind::InvalidInput, "invalid private key", crypto::drain_openssl_errors());
    return key;
}

// draft-cavage §2.1.3: "rsa-sha256" (and Mastodon's "hs2019") are RSASSA-PKCS1-v1_5 (RFC 8017
// §8.2) over SHA-256; the signature is base64 (§2.1.4).
Result<std::string> sign_rsa_sha256(const crypto::EvpPkeyPtr& private_key, std::string_view data)
{
    if (!private_key || !is_rsa_key(private_key.get()))
        return fail(ErrorKind::InvalidInput, "the signing key is not an RSA key");
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    std::size_t len = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, private_key.get()) != 1
        || EVP_DigestSign(
               ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size())
            != 1)
        return fail(ErrorKind::Internal, "signing failed", crypto::drain_openssl_errors());
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
            reinterpret_cast<const unsigned char*>(data.data()), data.size())
        != 1)
        return fail(ErrorKind::Internal, "signing failed", crypto::drain_openssl_errors());
    sig.resize(len);
    return base64_encode(sig);
}

Status verify_rsa_sha256(EVP_PKEY* public_key, std::string_view data, std::string_view signature_b64)
{
    if (public_key == nullptr)
        return fail(ErrorKind::Unauthorized, "no public key to verify the signature with");
    if (!is_rsa_key(public_key))
        return fail(ErrorKind::Unauthorized, "the signer's key is not an RSA key");
    const int bits = EVP_PKEY_get_bits(public_key);
    if (bits < kMinRsaBits || bits > kMaxRsaBits)
        return fail(ErrorKind::Unauthorized, "the signer's RSA key size is not accepted",
            std::to_string(bits) + " bits");
    const auto sig = base64_decode(signature_b64);
    if (!sig)
        return fail(ErrorKind::Unauthorized, "the signature is not valid base64");
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, public_key) != 1)
        return fail(ErrorKind::Unauthorized, "the signer's key cannot verify signatures",
            crypto::drain_openssl_errors());
    const int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig->data()),
        sig->size(), reinterpret_cast<const unsigned char*>(data.data()), data.size());
    if (rc != 1) {
        // A wrong signature leaves reasons in OpenSSL's thread-local queue: keep it clean.
        std::string detail = crypto::drain_openssl_errors();
        return fail(ErrorKind::Unauthorized, "the signature does not match", std::move(detail));
    }
    return ok();
}

// RFC 9110 §5.6.7: IMF-fixdate = day-name "," SP date1 SP time-of-day SP GMT, exactly 29 bytes:
// "Sun, 06 Nov 1994 08:49:37 GMT". Senders MUST generate it; we accept nothing else.
Result<TimePoint> parse_http_date(std::string_view value)
{
    static constexpr std::array<std::string_view, 7> kDays
        = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static constexpr std::array<std::string_view, 12> kMonths
        = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    auto refuse
        = [] { return fail(ErrorKind::InvalidInput, "not an IMF-fixdate (Sun, 06 Nov 1994 08:49:37 GMT)"); };
    if (value.size() != 29 || value.substr(3, 2) != ", " || value[7] != ' ' || value[11] != ' '
        || value[16] != ' ' || value[19] != ':' || value[22] != ':' || value.substr(25) != " GMT")
        return refuse();
    auto number = [&](std::size_t at, std::size_t len) {
        int n = -1;
        const char* first = value.data() + at;
        const auto [end, ec] = std::from_chars(first, first + len, n);
        return ec == std::errc() && end == first + len && first[0] != '-' && first[0] != '+' ? n : -1;
    };
    const int day = number(5, 2), year = number(12, 4);
    const int hour = number(17, 2), minute = number(20, 2), second = number(23, 2);
    int month = 0;
    while (month < 12 && kMonths[static_cast<std::size_t>(month)] != value.substr(8, 3))
        ++month;
    if (day < 0 || year < 0 || hour < 0 || minute < 0 || second < 0 || month == 12)
        return refuse();
    // Beyond these years the nanosecond clock overflows; no honest peer sends them.
    if (year < 1900 || year > 2200 || hour > 23 || minute > 59 || second > 60) // 60: leap second
        return refuse();
    const std::chrono::year_month_day ymd { std::chrono::year(year),
        std::chrono::month(static_cast<unsigned>(month + 1)), std::chrono::day(static_cast<unsigned>(day)) };
    if (!ymd.ok())
        return refuse();
    const std::chrono::sys_days days(ymd);
    const std::chrono::weekday weekday(days);
    if (kDays[weekday.c_encoding()] != value.substr(0, 3))
        return refuse();
    return TimePoint(days) + std::chrono::hours(hour) + std::chrono::minutes(minute)
        + std::chrono::seconds(second);
}

} // namespace confrere::federation
