// The outbound HTTP(S) client of federation: fetches remote actors and objects, delivers
// activities. Every address it dials passes the AddressPolicy (SSRF guard), on every redirect
// hop, and the check applies to the very address connected to (no second DNS lookup, so no
// rebinding window). Bodies are capped while reading, the whole call has one deadline.
// See notes/federation-security.md §C (redirects), §D (SSRF), §E (size caps).
// Beast, Asio and OpenSSL stay in http_fetcher.cpp: this header is cheap to include.
#pragma once

#include "core/base/result.hpp"
#include "federation/net/address_policy.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace confrere::federation {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One HTTP request as it is about to leave, on each hop (the first one and every redirect).
struct OutgoingRequest {
    std::string method; // "GET", "POST"
    std::string url; // the absolute URL of this hop
    std::string target; // request-target: raw path and "?query", as on the request line
    // Lower-case names. Holds `host` and `user-agent` as they will be sent, then the caller's
    // headers (on a redirect hop without `signature`, `authorization` and `cookie`).
    HeaderList headers;
    std::string body;
};

struct FetchResponse {
    int status = 0;
    HeaderList headers; // lower-case names, in wire order
    std::string body;
    std::string final_url; // the URL that answered, after redirects

    // The first value of a header (name in any case), or nullopt.
    std::optional<std::string_view> header(std::string_view name) const;
};

struct HttpFetcherOptions {
    // federation.allow_private_addresses (tests, demo networks): admits loopback and private
    // ranges, never link-local, unspecified or other special ranges (see AddressPolicy).
    bool allow_private = false;
    std::chrono::milliseconds connect_timeout { 5000 }; // per hop, all resolved addresses together
    std::chrono::milliseconds total_timeout { 15000 }; // whole call: DNS, redirects, body
    std::size_t max_response_bytes = 1024 * 1024; // body cap (Mastodon: 1 MB)
    int max_redirects = 5; // followed for GET only (Fedify CVE-2025-23221 fix: 5)
    std::string user_agent; // empty: default_user_agent("")
    // PEM certificates trusted in addition to the system store (tests, private demo networks).
    std::string extra_ca_pem;
    // Called on every hop just before sending, e.g. to sign the request (Date, Digest,
    // Signature) for exactly this host and target. A signed GET that is redirected arrives here
    // without its old signature: a caller that wants signed redirects re-signs in this hook.
    // It runs on the fetcher's I/O thread: it must not block for long nor call the fetcher.
    std::function<void(OutgoingRequest&)> before_send;
};

// "Confrère/<version> (+<base_url>)", or without the parenthesis when base_url is empty.
std::string default_user_agent(std::string_view base_url);

// Owns one I/O thread; get() and post() block the calling thread (a worker, never an I/O thread
// of the server) until the answer, an error or the deadline. Safe to call from many threads at
// once. Destroy it only when no call is in progress.
class HttpFetcher {
public:
    explicit HttpFetcher(HttpFetcherOptions options = {});
    ~HttpFetcher();
    HttpFetcher(const HttpFetcher&) = delete;
    HttpFetcher& operator=(const HttpFetcher&) = delete;

    // GET `url` with `headers` (names in any case). Host always comes from the URL (sign
    // parse_fetch_url(url)->host_header); User-Agent is ours unless given; Content-Length,
    // Transfer-Encoding and Connection are the fetcher's. Follows up to max_redirects redirects
    // (301, 302, 303, 307, 308), each target re-validated and re-resolved. Any final status is a
    // success. Errors: InvalidInput for a URL that is not absolute http(s) without userinfo, or
    // a header with a bad name or a line break; Forbidden when no resolved address is allowed
    // (the message names the host); PayloadTooLarge when the body exceeds max_response_bytes;
    // PeerFailed for DNS, connection, TLS and protocol errors, timeouts, too many redirects and
    // redirects to unusable URLs or from https to http.
    Result<FetchResponse> get(std::string_view url, const HeaderList& headers = {});

    // POST `body` to `url`; as get(), but a redirect is returned as the answer, not followed
    // (a delivery is never replayed to another address).
    Result<FetchResponse> post(std::string_view url, const HeaderList& headers, std::string body);

    const HttpFetcherOptions& options() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Whether a Content-Type announces an ActivityStreams document: application/activity+json, or
// application/ld+json whose `profile` parameter lists https://www.w3.org/ns/activitystreams
// (activitypub-interop.md §3, Mastodon's valid_activitypub_content_type?). Type and parameter
// names are case-insensitive; other parameters (charset) are tolerated.
bool is_activitypub_content_type(std::string_view content_type);

} // namespace confrere::federation
