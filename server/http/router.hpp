// A route table: method + path template ("/users/:username") → handler.
#pragma once

#include "server/http/message.hpp"

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace confrere::server::http {

using PathParams = std::map<std::string, std::string, std::less<>>;
using Handler = std::function<Response(const Request&, const PathParams&)>;

struct RouteLimits {
    std::size_t max_body_bytes = 0;  // 0: the server's default
};

class Router {
public:
    // Registers a handler. Literal segments win over `:param` segments, so
    // "/accounts/verify_credentials" and "/accounts/:id" can coexist.
    void add(std::string_view method, std::string_view pattern, Handler handler, RouteLimits limits = {});

    struct Match {
        const Handler* handler = nullptr;
        PathParams params;
        RouteLimits limits;
        bool path_known = false;  // the path matched another method: 405 rather than 404
        std::string allowed;      // those methods, for the Allow header ("GET, HEAD")
    };
    Match match(std::string_view method, std::string_view path) const;

private:
    struct Route {
        std::string method;
        std::vector<std::string> segments;
        Handler handler;
        RouteLimits limits;
        int literal_count = 0;
    };
    std::vector<Route> routes_;
};

std::vector<std::string_view> split_path(std::string_view path);

} // namespace confrere::server::http
