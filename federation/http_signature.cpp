// draft-cavage-http-signatures-12 as Mastodon, GoToSocial and Fedify speak it: the Signature
// header, the signing string, outbound signing and inbound verification. The cryptographic
// building blocks are in http_signature_primitives.cpp.
#include "federation/http_signature.hpp"

#include <algorithm>
#include <charconv>

namespace confrere::federation {

namespace {

// Unix seconds we accept in created/expires: up to year ~33658, so that adding a skew to them
// or to now never overflows, and far beyond any honest value.
constexpr std::int64_t kMaxUnixSeconds = 1'000'000'000'000;

char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
}

std::string lower(std::string_view s)
{
    std::string out(s);
    std::ranges::transform(out, out.begin(), ascii_lower);
    return out;
}

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::ranges::equal(a, b, {}, ascii_lower, ascii_lower);
}

bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

std::string_view trim_ows(std::string_view s)
{
    while (!s.empty() && is_ows(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back()))
        s.remove_suffix(1);
    return s;
}

// RFC 9110 §5.6.2 tchar.
bool is_tchar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_control(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
}

bool has_control(std::string_view s)
{
    return std::ranges::any_of(s, is_control);
}

// A covered name: a lower-case token, or one of the draft's pseudo-headers in parentheses.
bool is_covered_name(std::string_view name)
{
    if (name.size() > 2 && name.front() == '(' && name.back() == ')')
        name = name.substr(1, name.size() - 2);
    return !name.empty()
        && std::ranges::all_of(name, [](char c) { return is_tchar(c) && ascii_lower(c) == c; });
}

Error malformed(std::string_view what, std::size_t at)
{
    return Error { ErrorKind::InvalidInput,
        "malformed Signature header: " + std::string(what) + " (at byte " + std::to_string(at) + ")", {},
        {} };
}

// Reads a Unix time in whole seconds. A fraction (which draft-cavage-12 allows for expires) is
// refused: the signing string must repeat the value as sent, and no fediverse peer sends one.
std::optional<std::int64_t> parse_unix_seconds(std::string_view s)
{
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || s.front() == '-' || ec != std::errc() || end != s.data() + s.size()
        || n > kMaxUnixSeconds)
        return std::nullopt;
    return n;
}

// Walks `name=value` pairs; `value` is a token or a quoted string whose `\x` pairs are
// unescaped (as Mastodon's SignatureParamsParser does).
class ParamReader {
public:
    // `offset`: where `text` starts in the header value, for the positions in messages.
    ParamReader(std::string_view text, std::size_t offset)
        : text_(text)
        , offset_(offset)
    { }

    bool at_end() const { return pos_ >= text_.size(); }
    std::size_t pos() const { return offset_ + pos_; }

    void skip_ows()
    {
        while (!at_end() && is_ows(text_[pos_]))
            ++pos_;
    }

    bool consume(char c)
    {
        if (at_end() || text_[pos_] != c)
            return false;
        ++pos_;
        return true;
    }

    std::string_view token()
    {
        const std::size_t start = pos_;
        while (!at_end() && is_tchar(text_[pos_]))
            ++pos_;
        return text_.substr(start, pos_ - start);
    }

    Result<std::string> value()
    {
        if (!consume('"')) {
            const std::string_view t = token();
            if (t.empty())
                return std::unexpected(malformed("expected a token or a quoted value", pos()));
            return std::string(t);
        }
        std::string out;
        while (!at_end()) {
            char c = text_[pos_++];
            if (c == '"')
                return out;
            if (c == '\\') {
                if (at_end())
                    break;
                c = text_[pos_++];
            }
            if (is_control(c))
                return std::unexpected(malformed("control character in a quoted value", pos() - 1));
            out += c;
        }
        return std::unexpected(malformed("unterminated quoted value", pos()));
    }

private:
    std::string_view text_;
    std::size_t offset_;
    std::size_t pos_ = 0;
};

// Stores one known parameter; unknown ones are ignored (draft-cavage §2.2).
Status store_param(SignatureParams& params, std::string_view name, std::string value, std::size_t at)
{
    if (name == "keyid") {
        params.key_id = std::move(value);
    } else if (name == "algorithm") {
        if (value.empty())
            return std::unexpected(malformed("the algorithm parameter is empty", at));
        params.algorithm = lower(value);
    } else if (name == "signature") {
        params.signature = std::move(value);
    } else if (name == "headers") {
        params.headers.clear();
        for (std::string_view rest = value; !rest.empty();) {
            const std::size_t space = rest.find_first_of(" \t");
            const std::string_view item = rest.substr(0, space);
            if (!item.empty())
                params.headers.push_back(lower(item));
            rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
        }
        if (params.headers.empty())
            return std::unexpected(malformed("the headers parameter is empty", at));
        if (!std::ranges::all_of(params.headers, is_covered_name))
            return std::unexpected(malformed("the headers parameter holds an invalid name", at));
    } else if (name == "created" || name == "expires") {
        const auto t = parse_unix_seconds(value);
        if (!t)
            return std::unexpected(
                malformed("the " + std::string(name) + " parameter is not a Unix time", at));
        (name == "created" ? params.created : params.expires) = *t;
    }
    return ok();
}

// Skips the auth-scheme of `Authorization: Signature keyId=…` (and the "Signature " prefix old
// node-http-signature put in the Signature header), but not a parameter named "signature".
std::string_view skip_scheme(std::string_view s)
{
    constexpr std::string_view kScheme = "signature";
    if (s.size() <= kScheme.size() || !iequals(s.substr(0, kScheme.size()), kScheme)
        || !is_ows(s[kScheme.size()]))
        return s;
    const std::string_view rest = trim_ows(s.substr(kScheme.size()));
    return !rest.empty() && rest.front() == '=' ? s : rest;
}

} // namespace

std::optional<std::string> SignableRequest::header(std::string_view name) const
{
    std::optional<std::string> joined;
    for (const auto& [key, value] : headers) {
        if (!iequals(key, name))
            continue;
        if (joined)
            *joined += ", ";
        else
            joined.emplace();
        *joined += trim_ows(value);
    }
    return joined;
}

// draft-cavage §2.1 (parameters) and §4.1 (the Signature header).
Result<SignatureParams> parse_signature_header(std::string_view value)
{
    if (value.size() > kMaxSignatureHeaderBytes)
        return fail(ErrorKind::InvalidInput, "the Signature header is too long");
    const std::string_view text = skip_scheme(trim_ows(value));
    const std::size_t offset = static_cast<std::size_t>(text.data() - value.data());
    if (text.empty())
        return fail(ErrorKind::InvalidInput, "the Signature header is empty");

    SignatureParams params;
    std::vector<std::string> seen;
    ParamReader in(text, offset);
    while (true) {
        in.skip_ows();
        const std::size_t at = in.pos();
        const std::string name = lower(in.token());
        if (name.empty())
            return std::unexpected(malformed("expected a parameter name", at));
        in.skip_ows();
        if (!in.consume('='))
            return std::unexpected(malformed("expected '=' after a parameter name", in.pos()));
        in.skip_ows();
        auto v = in.value();
        if (!v)
            return forward(v);
        if (std::ranges::find(seen, name) != seen.end())
            return std::unexpected(malformed("a parameter appears twice", at));
        seen.push_back(name);
        if (auto stored = store_param(params, name, std::move(*v), at); !stored)
            return forward(stored);
        in.skip_ows();
        if (in.at_end())
            break;
        if (!in.consume(','))
            return std::unexpected(malformed("expected ',' between parameters", in.pos()));
        in.skip_ows();
        if (in.at_end())
            return std::unexpected(malformed("trailing ','", in.pos()));
    }

    if (params.key_id.empty())
        return fail(ErrorKind::InvalidInput, "the Signature header has no keyId");
    if (params.signature.empty())
        return fail(ErrorKind::InvalidInput, "the Signature header has no signature");
    if (!base64_decode(params.signature))
        return fail(ErrorKind::InvalidInput, "the signature parameter is not valid base64");
    if (params.algorithm.empty())
        params.algorithm = "hs2019"; // Mastodon: an absent algorithm is hs2019
    if (params.headers.empty())
        params.headers = { "date" }; // draft-cavage-10 §2.1.3 (-12 says "(created)"; both fail verify)
    return params;
}

// draft-cavage §2.3. Values with a line break are refused: they would let one request's lines
// pass for another's.
Result<std::string> signing_string(const SignableRequest& request, const std::vector<std::string>& covered,
    TargetQuery query, std::optional<std::int64_t> created, std::optional<std::int64_t> expires)
{
    if (covered.empty())
        return fail(ErrorKind::InvalidInput, "the signature covers no header");
    std::string out;
    for (const std::string& name : covered) {
        if (!is_covered_name(name))
            return fail(ErrorKind::InvalidInput, "a covered header name is not a lower-case token");
        if (!out.empty())
            out += '\n';
        if (name == "(request-target)") {
            if (request.method.empty() || !std::ranges::all_of(request.method, is_tchar))
                return fail(ErrorKind::InvalidInput, "the request method is not a token");
            if (request.path.empty() || request.path.find_first_of(" ?") != std::string::npos
                || has_control(request.path) || has_control(request.query))
                return fail(ErrorKind::InvalidInput, "the request path cannot be signed");
            out += "(request-target): " + lower(request.method) + " " + request.path;
            if (query == TargetQuery::Included && !request.query.empty())
                out += "?" + request.query;
        } else if (name == "(created)" || name == "(expires)") {
            const auto& t = name == "(created)" ? created : expires;
            if (!t)
                return fail(ErrorKind::InvalidInput, name + " is covered but its parameter is missing");
            out += name + ": " + std::to_string(*t);
        } else if (name.front() == '(') {
            return fail(ErrorKind::InvalidInput, "unsupported pseudo-header " + name);
        } else {
            const auto value = request.header(name);
            if (!value)
                return fail(ErrorKind::InvalidInput, "the covered header " + name + " is missing");
            if (has_control(*value))
                return fail(
                    ErrorKind::InvalidInput, "the covered header " + name + " has a control character");
            out += name + ": " + *value;
        }
    }
    return out;
}

namespace {

// Both signers: Date now, the covered headers in `covered`, the rest already in `request`.
Result<SignedHeaders> sign_request(const crypto::EvpPkeyPtr& key, std::string_view key_id,
    SignableRequest request, const std::vector<std::string>& covered, SignedHeaders headers, TimePoint now)
{
    // The key id goes inside a quoted string; peers differ on escapes, so refuse what needs one.
    if (key_id.empty() || has_control(key_id) || key_id.find_first_of("\"\\") != std::string_view::npos)
        return fail(ErrorKind::InvalidInput, "the key id cannot be put in a Signature header");
    headers.date = format_http_date(now);
    request.headers.emplace_back("date", headers.date);
    // Fedify verifies the pathname only and Mastodon tries both: sign without the query.
    if (const auto q = request.path.find('?'); q != std::string::npos)
        request.path.resize(q);
    auto text = signing_string(request, covered, TargetQuery::Omitted);
    if (!text)
        return forward(text);
    auto signature = sign_rsa_sha256(key, *text);
    if (!signature)
        return forward(signature);
    std::string list;
    for (const std::string& name : covered)
        list += (list.empty() ? "" : " ") + name;
    headers.signature = "keyId=\"" + std::string(key_id) + "\",algorithm=\"rsa-sha256\",headers=\"" + list
        + "\",signature=\"" + *signature + "\"";
    return headers;
}

} // namespace

// Mastodon's deliveries: app/lib/request.rb signs every header it set but User-Agent and
// Accept-Encoding, i.e. "(request-target) host date digest content-type" (interop notes §4.1).
Result<SignedHeaders> sign_post(const crypto::EvpPkeyPtr& key, std::string_view key_id, std::string_view host,
    std::string_view path, std::string_view body, TimePoint now)
{
    SignedHeaders headers;
    headers.digest = digest_header(body);
    if (headers.digest.empty())
        return fail(ErrorKind::Internal, "digest computation failed");
    headers.content_type = kActivityJsonType;
    SignableRequest request { "POST", std::string(path), {}, { { "host", std::string(host) } } };
    request.headers.emplace_back("digest", headers.digest);
    request.headers.emplace_back("content-type", headers.content_type);
    return sign_request(key, key_id, std::move(request),
        { "(request-target)", "host", "date", "digest", "content-type" }, std::move(headers), now);
}

// Mastodon's fetches (jsonld_helper build_request): "(request-target) host date accept".
Result<SignedHeaders> sign_get(const crypto::EvpPkeyPtr& key, std::string_view key_id, std::string_view host,
    std::string_view path, TimePoint now)
{
    SignedHeaders headers;
    headers.accept = kFetchAccept;
    SignableRequest request { "GET", std::string(path), {}, { { "host", std::string(host) } } };
    request.headers.emplace_back("accept", headers.accept);
    return sign_request(key, key_id, std::move(request), { "(request-target)", "host", "date", "accept" },
        std::move(headers), now);
}

namespace {

// The coverage rules of Mastodon's signed_request.rb, made stricter (interop notes §4.2,
// security notes §B): (request-target) and host always, date or (created), digest with a body.
Status check_coverage(const SignableRequest& request, std::string_view body, const SignatureParams& params)
{
    auto refuse = [](std::string message) { return fail(ErrorKind::Unauthorized, std::move(message)); };
    auto covers = [&](std::string_view name) {
        return std::ranges::find(params.headers, name) != params.headers.end();
    };
    const bool hs2019 = params.algorithm == "hs2019";
    if (!hs2019 && params.algorithm != "rsa-sha256")
        return refuse("unsupported signature algorithm (use rsa-sha256 or hs2019)");
    if (!covers("(request-target)"))
        return refuse("the signature does not cover (request-target)");
    if (!covers("host"))
        return refuse("the signature does not cover host");
    if (!covers("date") && !covers("(created)"))
        return refuse("the signature covers neither date nor (created)");
    // draft-cavage-12 §2.3: (created) and (expires) are an error with rsa-* algorithms.
    if (!hs2019 && (covers("(created)") || covers("(expires)")))
        return refuse("(created) and (expires) require algorithm hs2019");
    const bool bodiless = iequals(request.method, "GET") || iequals(request.method, "HEAD");
    if ((!bodiless || !body.empty()) && !covers("digest"))
        return refuse("the signature does not cover digest");
    return ok();
}

// Date and (created) within ±max_skew of now; expires not passed. Returns when it was signed.
Result<TimePoint> check_times(const SignableRequest& request, const SignatureParams& params, TimePoint now,
    std::chrono::seconds max_skew)
{
    auto refuse = [](std::string message) { return fail(ErrorKind::Unauthorized, std::move(message)); };
    auto covers = [&](std::string_view name) {
        return std::ranges::find(params.headers, name) != params.headers.end();
    };
    const std::int64_t now_s
        = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    auto outside
        = [&](std::int64_t t) { return t > now_s + max_skew.count() || t < now_s - max_skew.count(); };
    std::optional<TimePoint> signed_at;
    if (covers("date")) {
        const auto date = request.header("date");
        if (!date)
            return refuse("the Date header is missing");
        const auto t = parse_http_date(*date);
        if (!t)
            return refuse("the Date header is not an IMF-fixdate");
        if (outside(std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count()))
            return refuse("the Date header is outside the accepted time window");
        signed_at = *t;
    }
    if (covers("(created)")) {
        if (!params.created)
            return refuse("(created) is covered but the created parameter is missing");
        if (outside(*params.created))
            return refuse("the signature creation time is outside the accepted time window");
        signed_at = TimePoint(std::chrono::seconds(*params.created));
    }
    // An uncovered expires can only make us stricter, so it is honoured too.
    if (params.expires && now_s > *params.expires)
        return refuse("the signature has expired");
    if (!signed_at)
        return refuse("the signature has no creation time");
    return *signed_at;
}

} // namespace

Result<VerifiedSignature> verify_request(const SignableRequest& request, std::string_view body,
    const SignatureParams& params, EVP_PKEY* public_key, TimePoint now, const VerifyPolicy& policy)
{
    if (auto covered = check_coverage(request, body, params); !covered)
        return forward(covered);
    if (!policy.expected_host.empty()) {
        const auto host = request.header("host");
        if (!host || !iequals(*host, policy.expected_host))
            return fail(ErrorKind::Unauthorized, "the Host header does not name this server");
    }
    auto signed_at = check_times(request, params, now, policy.max_skew);
    if (!signed_at)
        return forward(signed_at);
    // The cheap check before RSA: Misskey's CVE-2023-49079 was a verified signature over a
    // Digest nobody compared with the body.
    if (std::ranges::find(params.headers, "digest") != params.headers.end()) {
        const auto digest = request.header("digest");
        if (!digest)
            return fail(ErrorKind::Unauthorized, "the Digest header is missing");
        if (auto matches = check_digest(*digest, body); !matches)
            return matches.error().kind == ErrorKind::Internal
                ? forward(matches)
                : fail(ErrorKind::Unauthorized, matches.error().public_message);
    }

    // Mastodon's signed_request.rb: the target with its query first, then without (what
    // Fedify, GoToSocial and older Mastodon sign).
    std::vector<TargetQuery> forms { TargetQuery::Omitted };
    if (!request.query.empty())
        forms.insert(forms.begin(), TargetQuery::Included);
    Status last = fail(ErrorKind::Unauthorized, "the signature does not match");
    for (const TargetQuery form : forms) {
        const auto text = signing_string(request, params.headers, form, params.created, params.expires);
        if (!text)
            return fail(ErrorKind::Unauthorized,
                "the signed request cannot be rebuilt: " + text.error().public_message);
        last = verify_rsa_sha256(public_key, *text, params.signature);
        if (last)
            return VerifiedSignature { params.key_id, params.headers, *signed_at, form };
    }
    // Only this failure can come from a rotated key: say so (callers refetch the key for it).
    Error mismatch = last.error();
    mismatch.field = "signature";
    return std::unexpected(std::move(mismatch));
}

// RFC 9421 §4.1: a message signature always comes with a Signature-Input field.
bool has_rfc9421_signature(const SignableRequest& request)
{
    return request.header("signature-input").has_value();
}

} // namespace confrere::federation
