#include "server/http/router.hpp"

#include <algorithm>

namespace confrere::server::http {

std::vector<std::string_view> split_path(std::string_view path)
{
    std::vector<std::string_view> out;
    while (!path.empty()) {
        if (path.front() == '/') {
            path.remove_prefix(1);
            continue;
        }
        auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos)
            break;
        path.remove_prefix(slash);
    }
    return out;
}

void Router::add(std::string_view method, std::string_view pattern, Handler handler, RouteLimits limits)
{
    Route route{std::string(method), {}, std::move(handler), {}, {}, limits, 0};
    for (std::string_view seg : split_path(pattern)) {
        route.segments.emplace_back(seg);
        if (!seg.starts_with(':'))
            ++route.literal_count;
    }
    routes_.push_back(std::move(route));
}

void Router::add(std::string_view method, std::string_view pattern, FastPath fast, Handler handler)
{
    add(method, pattern, std::move(handler));
    routes_.back().fast = std::move(fast);
}

void Router::add_stream(std::string_view pattern, StreamHandler handler)
{
    add("GET", pattern, Handler([](const Request&, const PathParams&) {
        return error_response(Error{ErrorKind::Internal, "Streaming route called as a plain one.", {}, {}});
    }));
    routes_.back().stream = std::move(handler);
}

Router::Match Router::match(std::string_view method, std::string_view path) const
{
    auto segments = split_path(path);
    Match best;
    int best_literals = -1;
    for (const Route& route : routes_) {
        if (route.segments.size() != segments.size())
            continue;
        PathParams params;
        bool matched = true;
        for (std::size_t i = 0; i < segments.size() && matched; ++i) {
            const std::string& seg = route.segments[i];
            if (seg.starts_with("@:")) {
                // "@:name" takes a segment starting with '@' (Mastodon's /@username pages).
                if (segments[i].size() < 2 || segments[i].front() != '@')
                    matched = false;
                else
                    params.emplace(seg.substr(2), std::string(segments[i].substr(1)));
            } else if (seg.starts_with(':')) {
                if (segments[i].empty())
                    matched = false;
                else
                    params.emplace(seg.substr(1), std::string(segments[i]));
            } else if (seg != segments[i]) {
                matched = false;
            }
        }
        if (!matched)
            continue;
        // HEAD is answered by GET handlers (the server drops the body).
        bool method_ok = route.method == method || (method == "HEAD" && route.method == "GET");
        if (!method_ok) {
            best.path_known = true;
            if (best.allowed.find(route.method) == std::string::npos) {
                if (!best.allowed.empty())
                    best.allowed += ", ";
                best.allowed += route.method;
                if (route.method == "GET")
                    best.allowed += ", HEAD";
            }
            continue;
        }
        if (route.literal_count > best_literals) {
            best_literals = route.literal_count;
            best.handler = &route.handler;
            best.fast = route.fast ? &route.fast : nullptr;
            best.stream = route.stream ? &route.stream : nullptr;
            best.params = std::move(params);
            best.limits = route.limits;
        }
    }
    return best;
}

} // namespace confrere::server::http
