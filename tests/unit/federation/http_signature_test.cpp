// draft-cavage HTTP Signatures as Mastodon speaks them: the Signature header, Digest, the signing
// string, known answers (the draft's Appendix C and a fixed RSA-2048 key), outbound signing and
// inbound verification, mostly the ways a request must be refused.
#include "core/base/time.hpp"
#include "core/crypto/keys.hpp"
#include "federation/http_signature.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/test_store.hpp"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/pem.h>

#include <chrono>
#include <string>
#include <vector>

namespace confrere::federation {
namespace {

using namespace std::chrono_literals;
using testkit::describe;

constexpr std::string_view kKeyId = "https://pharma.example/users/alice#main-key";
constexpr std::string_view kHost = "mastodon.example";
constexpr std::string_view kInbox = "/users/bob/inbox";
constexpr std::string_view kBody = R"({"type":"Follow","actor":"https://pharma.example/users/alice"})";
const TimePoint kNow = testkit::kStartTime; // Mon, 23 Nov 2026 20:00:00 GMT

struct Keys {
    crypto::EvpPkeyPtr private_key;
    crypto::EvpPkeyPtr public_key;
};

Keys make_keys()
{
    auto pair = crypto::generate_rsa_key_pair(2048);
    EXPECT_TRUE(pair) << describe(pair);
    auto private_key = parse_private_key_pem(pair->private_pem);
    auto public_key = crypto::parse_public_key_pem(pair->public_pem);
    EXPECT_TRUE(private_key && public_key);
    return { std::move(*private_key), std::move(*public_key) };
}

// Generated once per run: RSA key generation costs a fraction of a second.
const Keys& signer()
{
    static const Keys keys = make_keys();
    return keys;
}

const Keys& stranger()
{
    static const Keys keys = make_keys();
    return keys;
}

std::int64_t unix_seconds(TimePoint t)
{
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// The request as our inbox would see the delivery `sign_post` prepared.
SignableRequest inbound_post(
    const SignedHeaders& h, std::string path = std::string(kInbox), std::string query = {})
{
    return { "POST", std::move(path), std::move(query),
        { { "host", std::string(kHost) }, { "user-agent", "Mastodon/4.5.0" }, { "date", h.date },
            { "digest", h.digest }, { "content-type", h.content_type }, { "signature", h.signature } } };
}

SignatureParams parsed(const SignedHeaders& h)
{
    auto params = parse_signature_header(h.signature);
    EXPECT_TRUE(params) << describe(params);
    return params ? *params : SignatureParams {};
}

SignedHeaders signed_post(TimePoint at = kNow, std::string_view path = kInbox, std::string_view body = kBody)
{
    auto h = sign_post(signer().private_key, kKeyId, kHost, path, body, at);
    EXPECT_TRUE(h) << describe(h);
    return h ? *h : SignedHeaders {};
}

// A POST with Date and Digest as a peer would send it, before signing.
SignableRequest peer_post(TimePoint at = kNow, std::string query = {})
{
    return { "POST", std::string(kInbox), std::move(query),
        { { "host", std::string(kHost) }, { "date", format_http_date(at) },
            { "digest", digest_header(kBody) }, { "content-type", std::string(kActivityJsonType) } } };
}

// Signs `request` over `covered` with the signer's key, as a peer with other habits would.
SignatureParams peer_sign(const SignableRequest& request, std::vector<std::string> covered,
    std::string algorithm = "rsa-sha256", TargetQuery query = TargetQuery::Omitted,
    std::optional<std::int64_t> created = {}, std::optional<std::int64_t> expires = {})
{
    auto text = signing_string(request, covered, query, created, expires);
    EXPECT_TRUE(text) << describe(text);
    auto signature = sign_rsa_sha256(signer().private_key, text ? *text : "");
    EXPECT_TRUE(signature) << describe(signature);
    return { std::string(kKeyId), std::move(algorithm), std::move(covered), signature ? *signature : "",
        created, expires };
}

Result<VerifiedSignature> verify(const SignableRequest& request, const SignatureParams& params,
    std::string_view body = kBody, TimePoint now = kNow)
{
    return verify_request(request, body, params, signer().public_key.get(), now);
}

void expect_refused(const Result<VerifiedSignature>& r, std::string_view reason)
{
    ASSERT_FALSE(r) << "accepted a request that should be refused for: " << reason;
    EXPECT_EQ(r.error().kind, ErrorKind::Unauthorized) << describe(r);
    EXPECT_NE(r.error().public_message.find(reason), std::string::npos) << describe(r);
}

void expect_invalid(std::string_view header, std::string_view reason = {})
{
    auto r = parse_signature_header(header);
    ASSERT_FALSE(r) << "accepted: " << header;
    EXPECT_EQ(r.error().kind, ErrorKind::InvalidInput) << describe(r);
    EXPECT_NE(r.error().public_message.find(reason), std::string::npos) << describe(r);
}

// --- Signature header -------------------------------------------------------------------------

TEST(SignatureHeader, MastodonHeaderIsParsed)
{
    auto p = parse_signature_header(
        R"(keyId="https://mastodon.example/users/bob#main-key",algorithm="rsa-sha256",)"
        R"(headers="(request-target) host date digest content-type",signature="AAAA")");
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->key_id, "https://mastodon.example/users/bob#main-key");
    EXPECT_EQ(p->algorithm, "rsa-sha256");
    EXPECT_EQ(p->headers,
        (std::vector<std::string> { "(request-target)", "host", "date", "digest", "content-type" }));
    EXPECT_EQ(p->signature, "AAAA");
    EXPECT_FALSE(p->created);
    EXPECT_FALSE(p->expires);
}

TEST(SignatureHeader, AuthorizationSchemePrefixIsSkipped)
{
    auto p = parse_signature_header(R"(Signature keyId="k",headers="Host Date",signature="AAAA")");
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->key_id, "k");
    EXPECT_EQ(p->headers, (std::vector<std::string> { "host", "date" }));
}

TEST(SignatureHeader, ParameterNamedSignatureIsNotMistakenForTheScheme)
{
    auto p = parse_signature_header(R"(signature = "AAAA", keyId = "k")");
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->signature, "AAAA");
}

TEST(SignatureHeader, ParameterNamesAreCaseInsensitiveAndAlgorithmIsLowerCased)
{
    auto p = parse_signature_header(R"(KEYID="k",Algorithm="HS2019",HEADERS="date",Signature="AAAA")");
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->key_id, "k");
    EXPECT_EQ(p->algorithm, "hs2019");
}

TEST(SignatureHeader, QuotedValueMayContainCommasAndEscapedQuotes)
{
    auto p
        = parse_signature_header(R"(keyId="https://x.example/a,b=\"c\"#k",signature="AAAA",headers="date")");
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->key_id, R"(https://x.example/a,b="c"#k)");
    EXPECT_EQ(p->headers, std::vector<std::string> { "date" });
}

TEST(SignatureHeader, UnknownParametersAreIgnored)
{
    auto p = parse_signature_header(R"(keyId="k",x-future=token,other="a, b",signature="AAAA")");
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->key_id, "k");
}

TEST(SignatureHeader, AbsentHeadersDefaultToDateAndAbsentAlgorithmToHs2019)
{
    auto p = parse_signature_header(R"(keyId="k",signature="AAAA")");
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->headers, std::vector<std::string> { "date" });
    EXPECT_EQ(p->algorithm, "hs2019");
}

TEST(SignatureHeader, CreatedAndExpiresAreReadAsUnixTimes)
{
    auto p = parse_signature_header(R"(keyId="k",created=1402170695,expires="1402170699",signature="AAAA")");
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->created, 1402170695);
    EXPECT_EQ(p->expires, 1402170699);
}

TEST(SignatureHeader, DuplicateParameterIsRejected)
{
    expect_invalid(R"(keyId="a",keyId="b",signature="AAAA")", "appears twice");
    expect_invalid(R"(keyId="a",KEYID="a",signature="AAAA")", "appears twice");
    expect_invalid(R"(keyId="a",signature="AAAA",signature="AAAA")", "appears twice");
    expect_invalid(R"(keyId="a",x=1,x=1,signature="AAAA")", "appears twice");
}

TEST(SignatureHeader, MissingKeyIdOrSignatureIsRejected)
{
    expect_invalid(R"(signature="AAAA")", "no keyId");
    expect_invalid(R"(keyId="",signature="AAAA")", "no keyId");
    expect_invalid(R"(keyId="k",headers="date")", "no signature");
}

TEST(SignatureHeader, SignatureThatIsNotBase64IsRejected)
{
    expect_invalid(R"(keyId="k",signature="AAA")", "base64");
    expect_invalid(R"(keyId="k",signature="AA=A")", "base64");
    expect_invalid(R"(keyId="k",signature="AA AA")", "base64");
    expect_invalid(R"(keyId="k",signature="AA-_")", "base64");
}

TEST(SignatureHeader, MalformedSyntaxIsRejectedWithItsPosition)
{
    expect_invalid(R"(keyId="k)", "unterminated quoted value (at byte 8)");
    expect_invalid(R"(keyId="k" signature="AAAA")", "expected ',' between parameters (at byte 10)");
    expect_invalid(R"(keyId "k")", "expected '=' after a parameter name (at byte 6)");
    expect_invalid(R"(keyId=,signature="AAAA")", "expected a token or a quoted value (at byte 6)");
    expect_invalid(R"(keyId="k",,signature="AAAA")", "expected a parameter name (at byte 10)");
    expect_invalid(R"(keyId="k",signature="AAAA",)", "trailing ','");
    expect_invalid(R"(="k")", "expected a parameter name (at byte 0)");
}

TEST(SignatureHeader, GarbageValuesAreRejected)
{
    for (std::string_view garbage : { "", "   ", "Signature", "Signature ", "keyId",
             "keyId=", "\"keyId\"=\"k\"", "keyId=\"k\"\x01,signature=\"AAAA\"",
             "keyId=\"k\x7f\",signature=\"AAAA\"", "keyId=\"a\nb\",signature=\"AAAA\"", "{\"keyId\":\"k\"}",
             "keyId=\xff\xfe", "keyId=\"k\";signature=\"AAAA\"" })
        expect_invalid(garbage);
}

TEST(SignatureHeader, EmptyOrInvalidHeadersParameterIsRejected)
{
    expect_invalid(R"(keyId="k",headers="",signature="AAAA")", "headers");
    expect_invalid(R"(keyId="k",headers="  ",signature="AAAA")", "headers");
    expect_invalid(R"(keyId="k",headers="date (request-target",signature="AAAA")", "invalid name");
    expect_invalid(R"(keyId="k",headers="date ho:st",signature="AAAA")", "invalid name");
}

TEST(SignatureHeader, CreatedOrExpiresThatIsNotAUnixTimeIsRejected)
{
    expect_invalid(R"(keyId="k",created=-5,signature="AAAA")", "created");
    expect_invalid(R"(keyId="k",created=12.5,signature="AAAA")", "created");
    expect_invalid(R"(keyId="k",created=99999999999999999999,signature="AAAA")", "created");
    expect_invalid(R"(keyId="k",expires=soon,signature="AAAA")", "expires");
    expect_invalid(R"(keyId="k",expires="5.",signature="AAAA")", "expires");
    expect_invalid(R"(keyId="k",expires="1402170699.25",signature="AAAA")", "expires");
}

TEST(SignatureHeader, OversizedHeaderIsRejected)
{
    const std::string huge = R"(keyId="k",signature=")" + std::string(kMaxSignatureHeaderBytes, 'A') + "\"";
    expect_invalid(huge, "too long");
}

// --- Digest -----------------------------------------------------------------------------------

TEST(Digest, HeaderMatchesTheDraftsKnownAnswer)
{
    // draft-cavage-http-signatures Appendix C: Digest of {"hello": "world"}.
    EXPECT_EQ(digest_header(R"({"hello": "world"})"), "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=");
}

TEST(Digest, LowerCaseAlgorithmAndAnUnknownExtraAlgorithmAreAccepted)
{
    const std::string value = digest_header(kBody).substr(8);
    EXPECT_TRUE(check_digest("sha-256=" + value, kBody));
    EXPECT_TRUE(check_digest("MD5=Q2hlY2sgSW50ZWdyaXR5IQ==, SHA-256=" + value, kBody));
}

TEST(Digest, Sha512IsCheckedWhenPresent)
{
    // printf '%s' "$body" | openssl dgst -sha512 -binary | base64
    const std::string sha512
        = "SHA-512=iIN2nawsGBpzQRGZ9zvggD41HfKzWRodhyAU1iGCNguG12DXTvpRC2+VKai4jr9kY5f8fbFJVQWqAnENTTVgdw==";
    EXPECT_TRUE(check_digest(sha512, kBody));
    EXPECT_TRUE(check_digest(digest_header(kBody) + ", " + sha512, kBody));
    auto r = check_digest(digest_header(kBody) + ",SHA-512=" + base64_encode(std::string(64, '\0')), kBody);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::Unauthorized);
}

TEST(Digest, ChangedBodyIsRefused)
{
    auto r = check_digest(digest_header(kBody), R"({"type":"Delete"})");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::Unauthorized);
    EXPECT_EQ(r.error().public_message, "the Digest header does not match the body");
}

TEST(Digest, ListWithAMismatchingSha256EntryIsRefused)
{
    auto r = check_digest(digest_header(kBody) + ", " + digest_header("other"), kBody);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::Unauthorized);
}

TEST(Digest, ListWithoutAnySha256IsRefused)
{
    auto r = check_digest("MD5=Q2hlY2sgSW50ZWdyaXR5IQ==", kBody);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::Unauthorized);
}

TEST(Digest, MalformedValuesAreRejected)
{
    for (std::string_view bad :
        { "", "SHA-256", "=abc", "SHA-256=not base64!", "SHA-256=AAAA,", "SHA-256=AA" }) {
        auto r = check_digest(bad, kBody);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().kind, ErrorKind::InvalidInput) << bad;
    }
}

// --- Signing string ---------------------------------------------------------------------------

// The request of draft-cavage Appendix C.
SignableRequest draft_request()
{
    return { "POST", "/foo", "param=value&pet=dog",
        { { "host", "example.com" }, { "date", "Sun, 05 Jan 2014 21:31:40 GMT" },
            { "content-type", "application/json" },
            { "digest", "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=" },
            { "content-length", "18" } } };
}

const std::vector<std::string> kDraftAllHeaders
    = { "(request-target)", "host", "date", "content-type", "digest", "content-length" };

TEST(SigningString, FollowsTheDraftsAllHeadersExample)
{
    auto s = signing_string(draft_request(), kDraftAllHeaders, TargetQuery::Included);
    ASSERT_TRUE(s) << describe(s);
    EXPECT_EQ(*s,
        "(request-target): post /foo?param=value&pet=dog\n"
        "host: example.com\n"
        "date: Sun, 05 Jan 2014 21:31:40 GMT\n"
        "content-type: application/json\n"
        "digest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=\n"
        "content-length: 18");
}

TEST(SigningString, TargetWithoutQueryDropsIt)
{
    auto s = signing_string(draft_request(), { "(request-target)" }, TargetQuery::Omitted);
    ASSERT_TRUE(s) << describe(s);
    EXPECT_EQ(*s, "(request-target): post /foo");
}

TEST(SigningString, RepeatedHeaderValuesAreJoinedWithCommaSpace)
{
    SignableRequest r { "GET", "/", {}, { { "accept", "a/b " }, { "host", "x" }, { "Accept", " c/d" } } };
    auto s = signing_string(r, { "accept" }, TargetQuery::Omitted);
    ASSERT_TRUE(s) << describe(s);
    EXPECT_EQ(*s, "accept: a/b, c/d");
}

TEST(SigningString, CreatedAndExpiresComeFromTheParameters)
{
    auto s = signing_string(
        draft_request(), { "(created)", "(expires)" }, TargetQuery::Omitted, 1402170695, 1402170699);
    ASSERT_TRUE(s) << describe(s);
    EXPECT_EQ(*s, "(created): 1402170695\n(expires): 1402170699");
    auto missing = signing_string(draft_request(), { "(created)" }, TargetQuery::Omitted);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().kind, ErrorKind::InvalidInput);
}

TEST(SigningString, MissingCoveredHeaderIsRejected)
{
    auto s = signing_string(draft_request(), { "host", "x-missing" }, TargetQuery::Omitted);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().kind, ErrorKind::InvalidInput);
    EXPECT_EQ(s.error().public_message, "the covered header x-missing is missing");
}

TEST(SigningString, LineBreakInAValueIsRejected)
{
    SignableRequest r { "POST", "/inbox", {},
        { { "host", "a.example\ndate: Sun, 05 Jan 2014 21:31:40 GMT" } } };
    auto s = signing_string(r, { "host" }, TargetQuery::Omitted);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().kind, ErrorKind::InvalidInput);
}

TEST(SigningString, UnsupportedPseudoHeaderAndBadNamesAreRejected)
{
    const std::vector<std::vector<std::string>> cases
        = { { "(keyid)" }, { "Host" }, { "" }, { "ho st" }, {} };
    for (const auto& covered : cases) {
        auto s = signing_string(draft_request(), covered, TargetQuery::Omitted);
        ASSERT_FALSE(s);
        EXPECT_EQ(s.error().kind, ErrorKind::InvalidInput);
    }
}

TEST(SigningString, EmptyPathOrMethodIsRejected)
{
    SignableRequest r = draft_request();
    r.path.clear();
    EXPECT_FALSE(signing_string(r, { "(request-target)" }, TargetQuery::Omitted));
    r = draft_request();
    r.method.clear();
    EXPECT_FALSE(signing_string(r, { "(request-target)" }, TargetQuery::Omitted));
}

// --- Known answers ----------------------------------------------------------------------------

// draft-cavage-http-signatures Appendix C "Test" key (RSA-1024, too short for us to verify with).
constexpr std::string_view kDraftPrivateKey = R"(-----BEGIN RSA PRIVATE KEY-----
MIICXgIBAAKBgQDCFENGw33yGihy92pDjZQhl0C36rPJj+CvfSC8+q28hxA161QF
NUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6Z4UMR7EOcpfdUE9Hf3m/hs+F
UR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJwoYi+1hqp1fIekaxsyQIDAQAB
AoGBAJR8ZkCUvx5kzv+utdl7T5MnordT1TvoXXJGXK7ZZ+UuvMNUCdN2QPc4sBiA
QWvLw1cSKt5DsKZ8UETpYPy8pPYnnDEz2dDYiaew9+xEpubyeW2oH4Zx71wqBtOK
kqwrXa/pzdpiucRRjk6vE6YY7EBBs/g7uanVpGibOVAEsqH1AkEA7DkjVH28WDUg
f1nqvfn2Kj6CT7nIcE3jGJsZZ7zlZmBmHFDONMLUrXR/Zm3pR5m0tCmBqa5RK95u
412jt1dPIwJBANJT3v8pnkth48bQo/fKel6uEYyboRtA5/uHuHkZ6FQF7OUkGogc
mSJluOdc5t6hI1VsLn0QZEjQZMEOWr+wKSMCQQCC4kXJEsHAve77oP6HtG/IiEn7
kpyUXRNvFsDE0czpJJBvL/aRFUJxuRK91jhjC68sA7NsKMGg5OXb5I5Jj36xAkEA
gIT7aFOYBFwGgQAQkWNKLvySgKbAZRTeLBacpHMuQdl1DfdntvAyqpAZ0lY0RKmW
G6aFKaqQfOXKCyWoUiVknQJAXrlgySFci/2ueKlIE1QqIiLSZ8V8OlpFLRnb1pzI
7U1yQXnTAEFYM560yJlzUpOb1V4cScGd365tiSMvxLOvTA==
-----END RSA PRIVATE KEY-----
)";

// A fixed RSA-2048 test key (openssl genpkey), used only by these tests.
constexpr std::string_view kFixedPrivateKey = R"(-----BEGIN PRIVATE KEY-----
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQC+CoHah/EtEXon
YvUXvDwViMIPr0KnrC4V3SwS3kdMYdEhZ3Fc5aPmrfk9Zy0dWCflwxuKX4oHZ28Y
NGxhpu6AnSAqh/N/qs43RCA3rEe1TTg9IO6I0ebBdJO4LMQjG5tLufqPygrghNvr
yu6jomfEz4DIRhdA6EuTJee00QbvodrR7J6cjUIyh78OSDCsk8p4rcCHE8nIeVlj
o95i1aocTtnOqeIVd+Ic+EiNNPIq0vMqrKcMkSc+/2S+8zPtIkfwNhZXSv78sDA3
KBs4YMv84WcxbOFspQy9kwx3tT44fNu82HgSuwXKhqmOetqg9LCqj6wRWw+ummBP
KODdtB8rAgMBAAECggEACRAsODVSgbE7L6SvBqZCAU7n3mKf3ao++mj1YKL8KH7j
v+GUjPcgtXAnmk+Q3bzmDjWbWyKKTScYK8HYR2H0LusPbSfVq4mEUytrE+yh8NoR
bAzlg13rUN+T6e0sn3YCFn70naXnleSQLnMbpW8p3r98p1B8bGqHrClbHwr29zee
Ude9+Bb7dPCpvB7gBc6PYrrMau0oVhmn4Q+HADf2H6DV9O5zz8hDhOdwm/MX60Pl
EDp5PIDqrSN2bHNMgPTlEPLY0GKV6VmC35r9bR1/ztMJIn9jIqh8zoDNg8vCbV3v
4SIEhIsZaLwH8NuprcsNjqhZME4o7yZM2Od1XGXKOQKBgQDiTKEpHMUfOPE0j5uI
UgK3g0dsRYBTuSR6OlvIQSoibuLFqZDoOEtiwNRoWqDt/cn7evY9kGq2TfeMvi4H
xhsOf81kAEz3SmRar6Ht3HrZuZG6iWVFvhQ9/yhHF7PTmlq+k2mDQLJuxjIYDGlO
c+Qw+32+r7A+EW0C+jtYj0WD6QKBgQDW+6UpldGX0k3LGJwEz89EPiiunzr67sYx
DOiT9hlB2C5QXZRuRn/6FWq5YfxV475dSCNkXh5mSgLXpDz3Dkz3WmIU5VBSe5a4
PPWG6mGhzcmjHIpckaR312PEOGGOkIHC0BTYrjCQelzzEXqhjq2wupXuzWMhcqX5
BSAhExQB8wKBgGDqVn7H7nffqBVNh1uLW9SB6X2qCjpQ6RlbkuEhX00d1gq3AvMg
4NArKwyB+7fQ38bOs1RMXBc1LtZcwFPd+Mpt22V/Z3bkqjPYUe4PZaGHAq0zmGaU
8BBZDUPdF8uAqGpDsYVfmMsuIFgCQLszkL+VhRW8IiuCxP/ocLANs8S5AoGAWpYY
pygw89cy3nRVMZXbETdb7xC7SocYTgzRZ59YTy1nfoegBsOAI4GowcqvCAX57dZ6
y0z5ZEKlZfYXlkaZWdTk5UcnDEp1XNaa4qmaUBKldyyMhKr98V159XGIcgkkFFGX
pyHm5soYpndkA/VZ7NECYmh679oeY4qsWiNu188CgYBS4GGC07dt1Utpxs+YiATp
xNmFOZB6zUZ8uBQfh7Py5kq9wRSLMwIPyFGwX26p3OCv0BQ+DsB6xAwnVc2E3hfF
VKSGPgq7KxRNAtaBWeXcBwfFHaUS3zijPTGaj4ClRRN4abE0ugFFT5ZPOyQy+nYR
kxeO35itFVutezebpMgPgw==
-----END PRIVATE KEY-----
)";

crypto::EvpPkeyPtr load(std::string_view pem)
{
    auto key = parse_private_key_pem(pem);
    EXPECT_TRUE(key) << describe(key);
    return key ? std::move(*key) : crypto::EvpPkeyPtr();
}

TEST(KnownAnswer, DraftBasicTestSignatureIsReproduced)
{
    auto text
        = signing_string(draft_request(), { "(request-target)", "host", "date" }, TargetQuery::Included);
    ASSERT_TRUE(text) << describe(text);
    auto sig = sign_rsa_sha256(load(kDraftPrivateKey), *text);
    ASSERT_TRUE(sig) << describe(sig);
    EXPECT_EQ(*sig,
        "qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3HMbe8"
        "VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0=");
}

TEST(KnownAnswer, DraftAllHeadersTestSignatureIsReproduced)
{
    auto text = signing_string(draft_request(), kDraftAllHeaders, TargetQuery::Included);
    ASSERT_TRUE(text) << describe(text);
    auto sig = sign_rsa_sha256(load(kDraftPrivateKey), *text);
    ASSERT_TRUE(sig) << describe(sig);
    EXPECT_EQ(*sig,
        "vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+MFHB32NfpB2bEKBIvB1q52La"
        "EUHFv120V01IL+TAD48XaERZFukWgHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly4zKH7s1dE=");
}

TEST(KnownAnswer, ValidSignatureFromAKeyShorterThan2048BitsIsRefused)
{
    const auto key = load(kDraftPrivateKey);
    const std::string text = "date: Sun, 05 Jan 2014 21:31:40 GMT";
    auto sig = sign_rsa_sha256(key, text);
    ASSERT_TRUE(sig) << describe(sig);
    EXPECT_EQ(*sig,
        "SjWJWbWN7i0wzBvtPl8rbASWz5xQW6mcJmn+ibttBqtifLN7Sazz6m79cNfwwb8DMJ5cou1s7uEGKKCs+FLEEaDV5l"
        "p7q25WqS+lavg7T8hc0GppauB6hbgEKTwblDHYGEtbGmtdHgVCk9SuS13F0hZ8FD0k/5OxEPXe5WozsbM=");
    auto v = verify_rsa_sha256(key.get(), text, *sig);
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().kind, ErrorKind::Unauthorized);
    EXPECT_EQ(v.error().public_message, "the signer's RSA key size is not accepted");
}

// Expected values computed independently with the openssl command line, e.g.
// printf '(request-target): post /users/bob/inbox\nhost: …' | openssl dgst -sha256 -sign key.pem | base64
TEST(KnownAnswer, SignPostProducesTheExpectedHeaders)
{
    auto h = sign_post(load(kFixedPrivateKey), kKeyId, kHost, kInbox, kBody, kNow);
    ASSERT_TRUE(h) << describe(h);
    EXPECT_EQ(h->date, "Mon, 23 Nov 2026 20:00:00 GMT");
    EXPECT_EQ(h->digest, "SHA-256=D+9nDV6Geqo6z/85Xt4HoQwC6DpIoEI5towsdULodJI=");
    EXPECT_EQ(h->content_type, "application/activity+json");
    EXPECT_EQ(h->accept, "");
    EXPECT_EQ(h->signature,
        R"(keyId="https://pharma.example/users/alice#main-key",algorithm="rsa-sha256",)"
        R"(headers="(request-target) host date digest content-type",)"
        R"(signature="Y8puBeIabW+TPbdiAA18Bmhn9ynbTMf+jYRlU73ARKuQX4YxRzcodHp6CqONoqkxPkvQTNraZYv7CUyMQ0sznu4vly)"
        R"(ZL35nVm4LFCw1VrYgi5W/4eFy/7outUOTxJbKSrxYjldHhnCDObEbBInXC2MrUcdKNgElV6DfxkpUD4wGlcd5QlCdKkmCP2bAP)"
        R"(SlP8bQAPCPZth6G1IDvzodu+api4s3Bf+4+1t7I+3lznpgQwfT+r8RYX22uIG+RRmKS3ZU8l/emoMa8J9MO9N7gNTZP4Gdvl)"
        R"(R+acoz1MdXvPtXY5ykYjxLonP7M+E+LRnROs8qClBw+WEF0bur9maTw6Lw==")");
}

TEST(KnownAnswer, SignGetProducesTheExpectedHeadersWithoutTheQuery)
{
    auto h = sign_get(load(kFixedPrivateKey), kKeyId, kHost, "/users/bob?page=2", kNow);
    ASSERT_TRUE(h) << describe(h);
    EXPECT_EQ(h->accept,
        R"(application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams")");
    EXPECT_EQ(h->digest, "");
    EXPECT_EQ(h->signature,
        R"(keyId="https://pharma.example/users/alice#main-key",algorithm="rsa-sha256",)"
        R"(headers="(request-target) host date accept",)"
        R"(signature="I5+pns8tHrT+fXjZWT5f72g06iv/3wM3qxcKXNqO+5iQnNEudRoD2AN97Zhqf0YpNfIanuKM00WgEq3u1eiMpCXm69)"
        R"(8QkbvP4eEmAxtIDyQO+xtarHghijivG1kD9nwASO+nhO78pLNiFi1Gr57H/+kHXmF/KzXDt9REND13hhLatcg+3W5osQzn2rjf)"
        R"(NmfGvxvDKr6bmeVNGu4Kjg2rDTn+44I3BB4YAMlZo+deXR1RRbGGMT158sN1bqjtiuJhJJoPqiGqRzANLthIMhw3xH5bOTcFwu)"
        R"(3RHedloBQ7h4H4OcU2K6kZrwFQWV5jIu1BpJGG/3psKwkfqMRDDijyhQ==")");
}

// --- Keys -------------------------------------------------------------------------------------

TEST(SigningKey, GarbageOrPublicKeyPemIsNotAPrivateKey)
{
    for (std::string_view pem : { std::string_view(""),
             std::string_view("-----BEGIN PRIVATE KEY-----\nAAAA\n"), std::string_view("not a key") }) {
        auto key = parse_private_key_pem(pem);
        ASSERT_FALSE(key);
        EXPECT_EQ(key.error().kind, ErrorKind::InvalidInput);
    }
    auto pair = crypto::generate_rsa_key_pair(2048);
    ASSERT_TRUE(pair) << describe(pair);
    EXPECT_FALSE(parse_private_key_pem(pair->public_pem));
}

TEST(SigningKey, EncryptedPrivateKeyIsRejectedWithoutPrompting)
{
    using BioPtr = CHandle<BIO, &BIO_free_all>;
    BioPtr bio(BIO_new(BIO_s_mem()));
    char passphrase[] = "secret";
    ASSERT_EQ(PEM_write_bio_PKCS8PrivateKey(
                  bio.get(), signer().private_key.get(), EVP_aes_256_cbc(), nullptr, 0, nullptr, passphrase),
        1);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    auto key = parse_private_key_pem(std::string_view(data, static_cast<std::size_t>(len)));
    ASSERT_FALSE(key);
    EXPECT_EQ(key.error().kind, ErrorKind::InvalidInput);
}

TEST(SigningKey, Ed25519KeyCanNeitherSignNorVerify)
{
    crypto::EvpPkeyPtr ed(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    ASSERT_TRUE(ed);
    auto sig = sign_rsa_sha256(ed, "data");
    ASSERT_FALSE(sig);
    EXPECT_EQ(sig.error().kind, ErrorKind::InvalidInput);
    auto v = verify_rsa_sha256(ed.get(), "data", "AAAA");
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().kind, ErrorKind::Unauthorized);
    EXPECT_FALSE(verify_rsa_sha256(nullptr, "data", "AAAA"));
}

TEST(SigningKey, KeyIdThatCannotBeQuotedIsRejected)
{
    for (std::string_view key_id : { "", "https://x.example/\"k", "https://x.example/\\k", "a\nb" }) {
        auto h = sign_post(signer().private_key, key_id, kHost, kInbox, kBody, kNow);
        ASSERT_FALSE(h) << key_id;
        EXPECT_EQ(h.error().kind, ErrorKind::InvalidInput);
    }
}

// --- Verification: what passes ----------------------------------------------------------------

TEST(VerifyRequest, SignedPostVerifies)
{
    const SignedHeaders h = signed_post();
    auto v = verify(inbound_post(h), parsed(h));
    ASSERT_TRUE(v) << describe(v);
    EXPECT_EQ(v->key_id, kKeyId);
    EXPECT_EQ(v->signed_at, kNow);
    EXPECT_EQ(v->target, TargetQuery::Omitted);
}

TEST(VerifyRequest, SignedGetVerifiesWithoutADigest)
{
    auto h = sign_get(signer().private_key, kKeyId, kHost, "/users/alice/outbox", kNow);
    ASSERT_TRUE(h) << describe(h);
    SignableRequest r { "GET", "/users/alice/outbox", {},
        { { "host", std::string(kHost) }, { "date", h->date }, { "accept", h->accept } } };
    auto params = parse_signature_header(h->signature);
    ASSERT_TRUE(params) << describe(params);
    auto v = verify_request(r, "", *params, signer().public_key.get(), kNow);
    EXPECT_TRUE(v) << describe(v);
}

TEST(VerifyRequest, Hs2019IsAcceptedAsRsaSha256)
{
    const SignableRequest r = peer_post();
    auto v = verify(r, peer_sign(r, { "(request-target)", "host", "date", "digest" }, "hs2019"));
    EXPECT_TRUE(v) << describe(v);
}

TEST(VerifyRequest, CoveredHeadersInAnyOrderVerify)
{
    const SignableRequest r = peer_post();
    auto v = verify(r, peer_sign(r, { "digest", "date", "content-type", "host", "(request-target)" }));
    EXPECT_TRUE(v) << describe(v);
}

TEST(VerifyRequest, TargetSignedWithTheQueryVerifies)
{
    const SignableRequest r = peer_post(kNow, "page=2&x=%20");
    auto v = verify(r,
        peer_sign(r, { "(request-target)", "host", "date", "digest" }, "rsa-sha256", TargetQuery::Included));
    ASSERT_TRUE(v) << describe(v);
    EXPECT_EQ(v->target, TargetQuery::Included);
}

TEST(VerifyRequest, TargetSignedWithoutTheQueryVerifies)
{
    const SignableRequest r = peer_post(kNow, "page=2");
    auto v = verify(r, peer_sign(r, { "(request-target)", "host", "date", "digest" }));
    ASSERT_TRUE(v) << describe(v);
    EXPECT_EQ(v->target, TargetQuery::Omitted);
}

TEST(VerifyRequest, OurDeliveryToAnInboxWithAQueryVerifies)
{
    const SignedHeaders h = signed_post(kNow, "/users/bob/inbox?via=relay");
    auto v = verify(inbound_post(h, std::string(kInbox), "via=relay"), parsed(h));
    ASSERT_TRUE(v) << describe(v);
    EXPECT_EQ(v->target, TargetQuery::Omitted);
}

TEST(VerifyRequest, CreatedAndExpiresWithHs2019Verify)
{
    SignableRequest r = peer_post();
    r.headers.erase(r.headers.begin() + 1); // no Date at all
    const std::int64_t now = unix_seconds(kNow);
    auto v = verify(r,
        peer_sign(r, { "(request-target)", "host", "(created)", "(expires)", "digest" }, "hs2019",
            TargetQuery::Omitted, now - 10, now + 300));
    ASSERT_TRUE(v) << describe(v);
    EXPECT_EQ(v->signed_at, kNow - 10s);
}

TEST(VerifyRequest, DateAtTheEdgeOfTheWindowIsAccepted)
{
    const SignedHeaders old = signed_post(kNow - 3600s);
    EXPECT_TRUE(verify(inbound_post(old), parsed(old)));
    const SignedHeaders ahead = signed_post(kNow + 3600s);
    EXPECT_TRUE(verify(inbound_post(ahead), parsed(ahead)));
}

// --- Verification: tampering ------------------------------------------------------------------

void set_header(SignableRequest& r, std::string_view name, std::string value)
{
    for (auto& [key, v] : r.headers)
        if (key == name)
            v = std::move(value);
}

TEST(VerifyRequest, TamperedHostIsRefused)
{
    const SignedHeaders h = signed_post();
    SignableRequest r = inbound_post(h);
    set_header(r, "host", "victim.example");
    expect_refused(verify(r, parsed(h)), "the signature does not match");
}

TEST(VerifyRequest, TamperedDateIsRefused)
{
    const SignedHeaders h = signed_post();
    SignableRequest r = inbound_post(h);
    set_header(r, "date", format_http_date(kNow + 1s));
    expect_refused(verify(r, parsed(h)), "the signature does not match");
}

TEST(VerifyRequest, TamperedDigestWithAMatchingBodyIsRefused)
{
    const SignedHeaders h = signed_post();
    SignableRequest r = inbound_post(h);
    const std::string forged = R"({"type":"Delete","actor":"https://pharma.example/users/alice"})";
    set_header(r, "digest", digest_header(forged));
    expect_refused(verify(r, parsed(h), forged), "the signature does not match");
}

TEST(VerifyRequest, TamperedContentTypeIsRefused)
{
    const SignedHeaders h = signed_post();
    SignableRequest r = inbound_post(h);
    set_header(r, "content-type", "application/ld+json");
    expect_refused(verify(r, parsed(h)), "the signature does not match");
}

TEST(VerifyRequest, TamperedPathIsRefused)
{
    const SignedHeaders h = signed_post();
    expect_refused(verify(inbound_post(h, "/users/carol/inbox"), parsed(h)), "the signature does not match");
    expect_refused(verify(inbound_post(h, "/inbox"), parsed(h)), "the signature does not match");
}

TEST(VerifyRequest, TamperedMethodIsRefused)
{
    const SignedHeaders h = signed_post();
    SignableRequest r = inbound_post(h);
    r.method = "PUT";
    expect_refused(verify(r, parsed(h)), "the signature does not match");
}

TEST(VerifyRequest, ChangedBodyIsRefusedByTheDigest)
{
    const SignedHeaders h = signed_post();
    expect_refused(verify(inbound_post(h), parsed(h), R"({"type":"Delete"})"),
        "the Digest header does not match the body");
}

TEST(VerifyRequest, SignatureFromAnotherKeyIsRefused)
{
    const SignedHeaders h = signed_post();
    expect_refused(verify_request(inbound_post(h), kBody, parsed(h), stranger().public_key.get(), kNow),
        "the signature does not match");
}

TEST(VerifyRequest, SignatureThatIsNotBase64IsRefused)
{
    const SignedHeaders h = signed_post();
    SignatureParams p = parsed(h);
    p.signature = "%%%%";
    expect_refused(verify(inbound_post(h), p), "not valid base64");
}

TEST(VerifyRequest, RepeatedDateHeaderIsRefused)
{
    const SignedHeaders h = signed_post();
    SignableRequest r = inbound_post(h);
    r.headers.emplace_back("date", h.date);
    expect_refused(verify(r, parsed(h)), "not an IMF-fixdate");
}

// --- Verification: time -----------------------------------------------------------------------

TEST(VerifyRequest, DateMoreThanAnHourOldIsRefused)
{
    const SignedHeaders h = signed_post(kNow - 3601s);
    expect_refused(verify(inbound_post(h), parsed(h)), "outside the accepted time window");
}

TEST(VerifyRequest, DateMoreThanAnHourAheadIsRefused)
{
    const SignedHeaders h = signed_post(kNow + 3601s);
    expect_refused(verify(inbound_post(h), parsed(h)), "outside the accepted time window");
}

TEST(VerifyRequest, ShorterSkewFromThePolicyIsApplied)
{
    const SignedHeaders h = signed_post(kNow - 61s);
    auto v = verify_request(
        inbound_post(h), kBody, parsed(h), signer().public_key.get(), kNow, VerifyPolicy { .max_skew = 60s });
    expect_refused(v, "outside the accepted time window");
}

TEST(VerifyRequest, DateThatIsNotAnImfFixdateIsRefused)
{
    SignableRequest r = peer_post();
    set_header(r, "date", "Monday, 23-Nov-26 20:00:00 GMT");
    expect_refused(
        verify(r, peer_sign(r, { "(request-target)", "host", "date", "digest" })), "not an IMF-fixdate");
}

TEST(VerifyRequest, ExpiredSignatureIsRefused)
{
    const SignableRequest r = peer_post();
    const std::int64_t now = unix_seconds(kNow);
    auto p = peer_sign(r, { "(request-target)", "host", "date", "(expires)", "digest" }, "hs2019",
        TargetQuery::Omitted, std::nullopt, now - 1);
    expect_refused(verify(r, p), "the signature has expired");
}

TEST(VerifyRequest, CreatedOutsideTheWindowIsRefused)
{
    const SignableRequest r = peer_post();
    const std::int64_t now = unix_seconds(kNow);
    auto p = peer_sign(
        r, { "(request-target)", "host", "(created)", "digest" }, "hs2019", TargetQuery::Omitted, now + 3601);
    expect_refused(verify(r, p), "creation time is outside the accepted time window");
}

// --- Verification: coverage and algorithm -----------------------------------------------------

TEST(VerifyRequest, SignatureNotCoveringRequestTargetIsRefused)
{
    const SignableRequest r = peer_post();
    expect_refused(verify(r, peer_sign(r, { "host", "date", "digest" })), "does not cover (request-target)");
}

TEST(VerifyRequest, SignatureNotCoveringHostIsRefused)
{
    const SignableRequest r = peer_post();
    expect_refused(verify(r, peer_sign(r, { "(request-target)", "date", "digest" })), "does not cover host");
}

TEST(VerifyRequest, SignatureCoveringNeitherDateNorCreatedIsRefused)
{
    const SignableRequest r = peer_post();
    expect_refused(
        verify(r, peer_sign(r, { "(request-target)", "host", "digest" })), "neither date nor (created)");
}

TEST(VerifyRequest, PostSignatureNotCoveringDigestIsRefused)
{
    const SignableRequest r = peer_post();
    expect_refused(verify(r, peer_sign(r, { "(request-target)", "host", "date" })), "does not cover digest");
}

TEST(VerifyRequest, GetWithABodyMustCoverDigest)
{
    SignableRequest r = peer_post();
    r.method = "GET";
    expect_refused(verify(r, peer_sign(r, { "(request-target)", "host", "date" })), "does not cover digest");
}

TEST(VerifyRequest, DefaultCoverageOfDateAloneIsRefused)
{
    const SignableRequest r = peer_post();
    auto p = parse_signature_header(R"(keyId="k",algorithm="rsa-sha256",signature="AAAA")");
    ASSERT_TRUE(p) << describe(p);
    expect_refused(verify(r, *p), "does not cover (request-target)");
}

TEST(VerifyRequest, UnknownAlgorithmIsRefused)
{
    const SignableRequest r = peer_post();
    for (std::string algorithm : { "rsa-sha512", "rsa-sha1", "hmac-sha256", "ecdsa-sha256", "ed25519" }) {
        expect_refused(verify(r, peer_sign(r, { "(request-target)", "host", "date", "digest" }, algorithm)),
            "unsupported signature algorithm");
    }
}

TEST(VerifyRequest, CreatedWithRsaSha256IsRefused)
{
    const SignableRequest r = peer_post();
    auto p = peer_sign(r, { "(request-target)", "host", "(created)", "digest" }, "rsa-sha256",
        TargetQuery::Omitted, unix_seconds(kNow));
    expect_refused(verify(r, p), "require algorithm hs2019");
}

TEST(VerifyRequest, HostThatDoesNotNameThisServerIsRefused)
{
    const SignedHeaders h = signed_post();
    auto v = verify_request(inbound_post(h), kBody, parsed(h), signer().public_key.get(), kNow,
        VerifyPolicy { .expected_host = "pharma.example" });
    expect_refused(v, "does not name this server");
    auto same = verify_request(inbound_post(h), kBody, parsed(h), signer().public_key.get(), kNow,
        VerifyPolicy { .expected_host = "MASTODON.example" });
    EXPECT_TRUE(same) << describe(same);
}

TEST(VerifyRequest, MissingCoveredHeaderIsRefused)
{
    const SignedHeaders h = signed_post();
    SignableRequest r = inbound_post(h);
    std::erase_if(r.headers, [](const auto& header) { return header.first == "content-type"; });
    expect_refused(verify(r, parsed(h)), "the covered header content-type is missing");
}

TEST(VerifyRequest, RefusalsDoNotEchoTheSignatureOrTheKeyId)
{
    const SignedHeaders h = signed_post();
    SignatureParams p = parsed(h);
    SignableRequest r = inbound_post(h);
    set_header(r, "host", "victim.example");
    for (const auto& v : { verify(r, p), verify(inbound_post(h), p, "x"),
             verify(inbound_post(signed_post(kNow - 2h)), parsed(signed_post(kNow - 2h))) }) {
        ASSERT_FALSE(v);
        EXPECT_EQ(v.error().public_message.find(p.signature.substr(0, 16)), std::string::npos);
        EXPECT_EQ(v.error().public_message.find(kKeyId), std::string::npos);
        EXPECT_EQ(v.error().public_message.find("victim"), std::string::npos);
    }
}

// --- RFC 9421 ---------------------------------------------------------------------------------

TEST(Rfc9421, SignatureInputHeaderIsDetected)
{
    SignableRequest r = peer_post();
    EXPECT_FALSE(has_rfc9421_signature(r));
    r.headers.emplace_back("Signature-Input", R"(sig1=("@method" "@target-uri");created=1618884473)");
    EXPECT_TRUE(has_rfc9421_signature(r));
}

// --- HTTP dates -------------------------------------------------------------------------------

TEST(HttpDate, RoundTripsWithFormatHttpDate)
{
    for (TimePoint t : { kNow, TimePoint {}, kNow + 24h * 97 + 59min + 59s, from_unix_ms(951'782'400'000) }) {
        const std::string text = format_http_date(t);
        auto back = parse_http_date(text);
        ASSERT_TRUE(back) << text << ": " << describe(back);
        EXPECT_EQ(*back, t) << text;
    }
    auto leap = parse_http_date("Tue, 29 Feb 2000 00:00:00 GMT");
    ASSERT_TRUE(leap) << describe(leap);
    EXPECT_EQ(*leap, from_unix_ms(951'782'400'000));
}

TEST(HttpDate, ObsoleteFormsAreRejected)
{
    EXPECT_FALSE(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT")); // RFC 850
    EXPECT_FALSE(parse_http_date("Sun Nov  6 08:49:37 1994")); // asctime
}

TEST(HttpDate, MalformedOrImpossibleDatesAreRejected)
{
    for (std::string_view bad :
        { "", "Mon, 23 Nov 2026 20:00:00 UTC", "Mon, 23 Nov 2026 20:00:00 +0000",
            "Tue, 23 Nov 2026 20:00:00 GMT", "Mon, 23 nov 2026 20:00:00 GMT", "Mon, 3 Nov 2026 20:00:00 GMT",
            "Mon, 23 Nov 2026 24:00:00 GMT", "Mon, 23 Nov 2026 20:60:00 GMT", "Thu, 31 Nov 2026 20:00:00 GMT",
            "Sun, 29 Feb 2026 20:00:00 GMT", "Mon, -3 Nov 2026 20:00:00 GMT",
            "Mon, 23 Nov 2026 20:00:00 GMT ", " Mon, 23 Nov 2026 20:00:00 GMT",
            "Fri, 01 Jan 9999 00:00:00 GMT", "Mon,23 Nov 2026 20:00:00 GMTxx" }) {
        auto r = parse_http_date(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().kind, ErrorKind::InvalidInput);
    }
}

// --- Base64 -----------------------------------------------------------------------------------

TEST(Base64, RoundTripsEveryPaddingLength)
{
    const std::string bytes = std::string("\x00\xff\x10\x80 ab", 7);
    for (std::size_t n = 0; n <= bytes.size(); ++n) {
        const std::string encoded = base64_encode(bytes.substr(0, n));
        EXPECT_EQ(encoded.size() % 4, 0u);
        EXPECT_EQ(base64_decode(encoded), bytes.substr(0, n)) << encoded;
    }
    EXPECT_EQ(base64_encode("hello"), "aGVsbG8=");
}

TEST(Base64, MalformedInputIsRejected)
{
    for (std::string_view bad :
        { "a", "aGVsbG8", "aGVsbG8==", "aG=sbG8=", "a===", "====", "aGVs\nbG8=", "aGVs bG8=" })
        EXPECT_FALSE(base64_decode(bad)) << bad;
}

} // namespace
} // namespace confrere::federation
