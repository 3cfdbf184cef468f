// The URLs the federation client may fetch, and where a redirect leads (Boost.URL, no Beast).
// See notes/federation-security.md §C (redirects) and §D (SSRF).
#pragma once

#include "core/base/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace confrere::federation {

// An absolute http(s) URL checked for fetching, split the way a request needs it.
struct FetchUrl {
    std::string url; // as given, without its fragment
    bool tls = false; // https
    std::string host; // lower-case name, or an address without brackets (DNS, SNI, certificate)
    bool host_is_address = false;
    std::uint16_t port = 0; // explicit, or the scheme's default
    std::string host_header; // the Host header: host or "[v6]", plus ":port" when not the default
    std::string request_target; // raw path ("/" when empty) and "?query", as on the request line
};

// Checks that `text` is a URL the fetcher may request. InvalidInput, saying why, when it is not
// absolute, is longer than 8 KiB, has a scheme other than http/https, userinfo, an empty host, a
// host name with other than ASCII letters, digits, '-', '.', '_' (no percent-encoding: IDNs come
// as punycode), an IPvFuture literal, or an empty, zero or out-of-range port.
Result<FetchUrl> parse_fetch_url(std::string_view text);

// The absolute URL, without fragment, that a Location header leads to from `current` (RFC 9110
// §10.2.2, RFC 3986 §5). PeerFailed when either does not parse. Not checked for fetching: pass
// the result to parse_fetch_url.
Result<std::string> resolve_redirect(std::string_view current, std::string_view location);

} // namespace confrere::federation
