#include "server/http/message.hpp"

#include "core/base/log.hpp"

#include <cctype>

namespace confrere::server::http {

std::optional<std::string_view> Request::header(std::string_view lower_name) const
{
    for (const auto& [name, value] : headers)
        if (name == lower_name)
            return std::string_view(value);
    return std::nullopt;
}

std::optional<std::string> Request::query_param(std::string_view name) const
{
    for (auto& [key, value] : parse_urlencoded(query))
        if (key == name)
            return value;
    return std::nullopt;
}

std::optional<std::string> Request::cookie(std::string_view name) const
{
    auto cookies = header("cookie");
    if (!cookies)
        return std::nullopt;
    std::string_view rest = *cookies;
    while (!rest.empty()) {
        auto semi = rest.find(';');
        std::string_view part = rest.substr(0, semi);
        while (!part.empty() && part.front() == ' ')
            part.remove_prefix(1);
        auto eq = part.find('=');
        if (eq != std::string_view::npos && part.substr(0, eq) == name)
            return std::string(part.substr(eq + 1));
        if (semi == std::string_view::npos)
            break;
        rest.remove_prefix(semi + 1);
    }
    return std::nullopt;
}

int status_for(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::InvalidInput: return 400;
    case ErrorKind::Unprocessable: return 422;
    case ErrorKind::Unauthorized: return 401;
    case ErrorKind::Forbidden: return 403;
    case ErrorKind::NotFound: return 404;
    case ErrorKind::MethodNotAllowed: return 405;
    case ErrorKind::Conflict: return 409;
    case ErrorKind::Gone: return 410;
    case ErrorKind::PayloadTooLarge: return 413;
    case ErrorKind::TooManyRequests: return 429;
    case ErrorKind::Unavailable: return 503;
    case ErrorKind::PeerFailed: return 502;
    case ErrorKind::Internal: return 500;
    }
    return 500;
}

Response json_response(int status, std::string body)
{
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

Response error_response(const Error& error)
{
    std::string body = "{\"error\":\"";
    std::string message = error.public_message.empty() ? "Error." : error.public_message;
    if (!error.field.empty() && error.kind == ErrorKind::Unprocessable && !message.starts_with("Validation failed"))
        message = "Validation failed: " + error.field + ": " + message;
    log::append_json_escaped(body, message);
    body += '"';
    if (!error.field.empty()) {
        std::string code = "ERR_INVALID";
        if (error.public_message.find("already") != std::string::npos)
            code = "ERR_TAKEN";
        else if (error.public_message.find("required") != std::string::npos)
            code = "ERR_BLANK";
        body += ",\"details\":{\"";
        log::append_json_escaped(body, error.field);
        body += "\":[{\"error\":\"" + code + "\",\"description\":\"";
        log::append_json_escaped(body, error.public_message);
        body += "\"}]}";
    }
    body += '}';
    Response r = json_response(status_for(error.kind), std::move(body));
    if (error.kind == ErrorKind::Unauthorized)
        r.with_header("WWW-Authenticate", "Bearer realm=\"confrere\"");
    return r;
}

std::string percent_decode(std::string_view s, bool plus_is_space)
{
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '%' && i + 2 < s.size()) {
            int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += (plus_is_space && c == '+') ? ' ' : c;
    }
    return out;
}

std::string percent_encode(std::string_view s)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 15];
        }
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> parse_urlencoded(std::string_view s)
{
    std::vector<std::pair<std::string, std::string>> out;
    while (!s.empty()) {
        auto amp = s.find('&');
        std::string_view part = s.substr(0, amp);
        if (!part.empty()) {
            auto eq = part.find('=');
            std::string_view key = part.substr(0, eq);
            std::string_view value = eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
            out.emplace_back(percent_decode(key, true), percent_decode(value, true));
        }
        if (amp == std::string_view::npos)
            break;
        s.remove_prefix(amp + 1);
    }
    return out;
}

} // namespace confrere::server::http
