// Our own request and response types: handlers never see Beast, so only server/http/server.cpp
// pays Beast's compile time.
#pragma once

#include "core/base/result.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace confrere::server::http {

using PathParams = std::map<std::string, std::string, std::less<>>;

struct Request {
    std::string method;       // "GET", "POST"…
    std::string target;       // raw request target, with the query
    std::string path;         // percent-decoded path, without the query
    std::string query;        // raw query string, without '?'
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
    std::string body;
    std::string remote_address;
    std::string request_id;

    // First value of a header (name in lower case), or nullopt.
    std::optional<std::string_view> header(std::string_view lower_name) const;
    // The value of cookie `name` from the Cookie header, or nullopt.
    std::optional<std::string> cookie(std::string_view name) const;
    // First value of a query parameter, percent-decoded ('+' as space), or nullopt.
    std::optional<std::string> query_param(std::string_view name) const;
};

struct Response {
    int status = 200;
    std::string content_type = "application/json; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    Response& with_header(std::string name, std::string value)
    {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }
};

// {"error": message} with the status mapped from the error's kind; a field error also gets
// Mastodon's `details` form: {"details": {"field": [{"error": "ERR_INVALID", "description": …}]}}.
Response error_response(const Error& error);

// The status for an error kind (the only place that maps kinds to statuses).
int status_for(ErrorKind kind);

Response json_response(int status, std::string body);

// Splits "a=1&b=2" into decoded pairs ('+' is a space). Malformed escapes are kept literally.
std::vector<std::pair<std::string, std::string>> parse_urlencoded(std::string_view s);

// Escapes every byte but RFC 3986's unreserved characters (a query component or path segment).
std::string percent_encode(std::string_view s);

// Decodes %XX escapes; `plus_is_space` for form bodies and queries.
std::string percent_decode(std::string_view s, bool plus_is_space);

} // namespace confrere::server::http
