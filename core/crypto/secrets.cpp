#include "core/crypto/secrets.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sodium.h>

#include <condition_variable>
#include <mutex>
#include <string>

namespace confrere::crypto {

namespace {
// Argon2id INTERACTIVE uses 64 MiB per hash; two at a time bounds memory on a small machine
// and keeps a flood of sign-in attempts from exhausting it.
class HashGate {
public:
    void acquire()
    {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [this] { return running_ < kMaxConcurrent; });
        ++running_;
    }
    void release()
    {
        {
            std::lock_guard lock(mutex_);
            --running_;
        }
        cv_.notify_one();
    }

private:
    static constexpr int kMaxConcurrent = 2;
    std::mutex mutex_;
    std::condition_variable cv_;
    int running_ = 0;
};

HashGate& gate()
{
    static HashGate g;
    return g;
}

struct GateHold {
    GateHold() { gate().acquire(); }
    ~GateHold() { gate().release(); }
    GateHold(const GateHold&) = delete;
    GateHold& operator=(const GateHold&) = delete;
};
} // namespace

Status init_crypto()
{
    if (sodium_init() < 0)
        return fail(ErrorKind::Internal, "crypto initialisation failed", "sodium_init");
    return ok();
}

Result<std::string> hash_password(std::string_view password)
{
    char out[crypto_pwhash_STRBYTES];
    GateHold hold;
    if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                              crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return fail(ErrorKind::Internal, "password hashing failed", "crypto_pwhash_str_alg");
    return std::string(out);
}

bool verify_password(std::string_view phc_hash, std::string_view password)
{
    std::string hash(phc_hash);  // needs NUL termination
    GateHold hold;
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string random_token(std::size_t bytes)
{
    std::string raw(bytes, '\0');
    // RAND_bytes only fails if the OS entropy source is broken; sodium's source is the same.
    if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
        randombytes_buf(raw.data(), raw.size());
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    out.reserve((bytes * 4 + 2) / 3);
    std::size_t i = 0;
    auto byte = [&raw](std::size_t k) { return static_cast<unsigned char>(raw[k]); };
    for (; i + 3 <= bytes; i += 3) {
        unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    if (bytes - i == 1) {
        unsigned v = byte(i) << 16;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
    } else if (bytes - i == 2) {
        unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
    }
    return out;
}

namespace {

std::string to_hex(const unsigned char* bytes, std::size_t len)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(len * 2);
    for (std::size_t i = 0; i < len; ++i) {
        out += hex[bytes[i] >> 4];
        out += hex[bytes[i] & 0xf];
    }
    return out;
}

} // namespace

std::string sha256_hex(std::string_view data)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
    return to_hex(digest, len);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data)
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    crypto_auth_hmacsha256_final(&state, mac);
    return to_hex(mac, sizeof mac);
}

bool constant_time_equal(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace confrere::crypto
