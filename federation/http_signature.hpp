// HTTP Signatures as the fediverse speaks them: draft-cavage-http-signatures-12 with Mastodon's
// profile (rsa-sha256 or hs2019, always RSASSA-PKCS1-v1_5 over SHA-256), the Digest header
// (RFC 3230, RFC 5843) and the IMF-fixdate Date header (RFC 9110 §5.6.7).
// Pure functions: no network, no storage. Key lookup and the Host check belong to the caller.
// See notes/activitypub-interop.md §4 and notes/federation-security.md §B.
#pragma once

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/crypto/keys.hpp"

#include <openssl/evp.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace confrere::federation {

// The longest Signature header we parse (Mastodon's are about 600 bytes).
inline constexpr std::size_t kMaxSignatureHeaderBytes = 8 * 1024;

// What we send and sign: deliveries carry this Content-Type, fetches this Accept.
inline constexpr std::string_view kActivityJsonType = "application/activity+json";
inline constexpr std::string_view kFetchAccept
    = "application/activity+json, application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"";

// What a signature needs of an HTTP request, as it arrived or as it will leave.
struct SignableRequest {
    std::string method; // any case: "POST"
    std::string path; // raw path as on the request line (not percent-decoded), without '?'
    std::string query; // raw query without the '?', empty when none
    std::vector<std::pair<std::string, std::string>> headers; // lower-case names, wire order

    // Every value of header `name` (matched case-insensitively), each trimmed of spaces and tabs,
    // joined with ", " in wire order (draft-cavage §2.3); nullopt when the header is absent.
    std::optional<std::string> header(std::string_view name) const;
};

// The parameters of a `Signature:` header (draft-cavage §2.1).
struct SignatureParams {
    std::string key_id;
    std::string algorithm; // lower-case; "hs2019" when absent, as Mastodon reads it
    std::vector<std::string> headers; // covered names, lower-case, in order; {"date"} when absent
    std::string signature; // base64, as sent (checked to be valid base64)
    std::optional<std::int64_t> created; // Unix seconds
    std::optional<std::int64_t> expires; // Unix seconds
};

// Parses the value of a `Signature:` header, or of `Authorization:` (a leading "Signature "
// scheme is skipped). Parameters are `name=token` or `name="quoted"` separated by commas outside
// quotes; names are case-insensitive, unknown ones ignored. InvalidInput, saying where, if it
// is longer than kMaxSignatureHeaderBytes, malformed, repeats a parameter, lacks keyId or
// signature, or has a signature that is not base64.
Result<SignatureParams> parse_signature_header(std::string_view value);

// The Digest header value for a body: "SHA-256=<base64 of SHA-256(body)>" (RFC 3230 §4.3.2).
// Empty only if OpenSSL fails.
std::string digest_header(std::string_view body);

// Checks a Digest header (a comma-separated list, algorithm names case-insensitive) against the
// raw body. Every SHA-256 and SHA-512 entry must match and there must be at least one; other
// algorithms are ignored. InvalidInput if malformed, Unauthorized if no entry can be checked or
// one does not match.
Status check_digest(std::string_view header_value, std::string_view body);

// Whether "(request-target)" carries "?query". Current Mastodon signs it; Fedify, GoToSocial
// and older Mastodon do not, so we sign without it and verify both ways.
enum class TargetQuery { Included, Omitted };

// The signing string of draft-cavage §2.3: one "name: value" line per covered name, joined by
// "\n". "(request-target)" is "<lower-case method> <path>[?query]"; "(created)"/"(expires)" come
// from the parameters. InvalidInput if a covered header or parameter is missing, a name is not a
// lower-case token or a supported pseudo-header, or a value contains a line break.
Result<std::string> signing_string(const SignableRequest& request, const std::vector<std::string>& covered,
    TargetQuery query, std::optional<std::int64_t> created = std::nullopt,
    std::optional<std::int64_t> expires = std::nullopt);

// Parses a PEM private key (PKCS#8 or traditional); never prompts for a passphrase.
// InvalidInput if it is not an unencrypted private key.
Result<crypto::EvpPkeyPtr> parse_private_key_pem(std::string_view pem);

// RSASSA-PKCS1-v1_5 with SHA-256 of `data`, base64 (deterministic for a given key and data).
// InvalidInput if the key is not RSA, Internal if OpenSSL fails.
Result<std::string> sign_rsa_sha256(const crypto::EvpPkeyPtr& private_key, std::string_view data);

// Verifies a base64 RSASSA-PKCS1-v1_5 SHA-256 signature of `data`. Unauthorized if the key is
// missing, not RSA or outside 2048–8192 bits, the base64 is malformed, or it does not match.
Status verify_rsa_sha256(EVP_PKEY* public_key, std::string_view data, std::string_view signature_b64);

// The headers a signed request must carry; fields a request kind does not use stay empty.
struct SignedHeaders {
    std::string date; // IMF-fixdate
    std::string digest; // POST
    std::string content_type; // POST: application/activity+json
    std::string accept; // GET: kFetchAccept
    std::string signature; // the Signature header value
};

// Signs an ActivityPub delivery as Mastodon does: covers "(request-target) host date digest
// content-type", algorithm "rsa-sha256". `host` is the Host header exactly as sent; the target
// is signed without any "?query" in `path`. InvalidInput on a key that is not RSA, a key id that
// cannot be quoted, or a host or path with control characters.
Result<SignedHeaders> sign_post(const crypto::EvpPkeyPtr& key, std::string_view key_id, std::string_view host,
    std::string_view path, std::string_view body, TimePoint now);

// Signs a fetch: covers "(request-target) host date accept" with Accept = kFetchAccept; the
// target is signed without the query. Errors as sign_post.
Result<SignedHeaders> sign_get(const crypto::EvpPkeyPtr& key, std::string_view key_id, std::string_view host,
    std::string_view path, TimePoint now);

// What an inbound signature must satisfy beyond the cryptography.
struct VerifyPolicy {
    std::chrono::seconds max_skew { 3600 }; // accepted distance of Date/(created) from now, both ways
    // When not empty, the Host header must equal it (case-insensitively), so that a request
    // signed for another server cannot be replayed here. The `{}` keeps `VerifyPolicy{.max_skew
    // = 60s}` free of -Wmissing-field-initializers.
    std::string expected_host {};
};

// A signature that verified.
struct VerifiedSignature {
    std::string key_id;
    std::vector<std::string> covered;
    TimePoint signed_at; // from Date, or (created) when it is covered
    TargetQuery target = TargetQuery::Omitted; // which request-target form matched
};

// Verifies a draft-cavage signature with the signer's public key, Mastodon-compatible but
// stricter: algorithm rsa-sha256 or hs2019 (RSA); "(request-target)", "host" and "date" or
// "(created)" covered, plus "digest" for any method other than GET/HEAD or any body, checked
// against the raw body; Date/(created) within ±max_skew; `expires` not passed. The target is
// tried with the query, then without. Unauthorized, with a message that names what failed;
// Error::field is "signature" only when the cryptographic check itself failed (everything else
// held), the one failure a key rotation explains.
Result<VerifiedSignature> verify_request(const SignableRequest& request, std::string_view body,
    const SignatureParams& params, EVP_PKEY* public_key, TimePoint now, const VerifyPolicy& policy = {});

// True when the request carries an RFC 9421 signature (a `Signature-Input` header). We do not
// verify those: answer 401 so that Mastodon and Fedify retry with draft-cavage.
bool has_rfc9421_signature(const SignableRequest& request);

// Parses an RFC 9110 §5.6.7 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), the inverse of
// format_http_date. InvalidInput for the obsolete RFC 850 and asctime forms and anything else,
// including a day name that does not match the date.
Result<TimePoint> parse_http_date(std::string_view value);

// Standard base64 (RFC 4648 §4) with padding; the decoder is strict (no whitespace, no missing
// or extra padding) and returns nullopt on malformed input.
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

} // namespace confrere::federation
