// A route table: method + path template ("/users/:username") → handler.
#pragma once

#include "server/http/message.hpp"
#include "server/http/stream.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confrere::server::http {

using Handler = std::function<Response(const Request&, const PathParams&)>;

// Runs on the I/O thread before the handler, for answers that need no blocking work (an
// in-memory cache hit). It must not touch SQLite, RSA or the network: returning nullopt sends
// the request on to the handler on the worker pool.
using FastPath = std::function<std::optional<Response>(const Request&, const PathParams&)>;

struct RouteLimits {
    std::size_t max_body_bytes = 0;  // 0: the server's default
};

class Router {
public:
    // Registers a handler. Literal segments win over `:param` segments, so
    // "/accounts/verify_credentials" and "/accounts/:id" can coexist. An `@:param` segment
    // takes a segment starting with '@' and binds what follows it ("/@:username"); it counts
    // as a literal one.
    void add(std::string_view method, std::string_view pattern, Handler handler, RouteLimits limits = {});
    // Registers a route whose requests first try `fast` on the I/O thread.
    void add(std::string_view method, std::string_view pattern, FastPath fast, Handler handler);
    // Registers a streaming GET route: a WebSocket when the request asks for the upgrade, an
    // event stream otherwise.
    void add_stream(std::string_view pattern, StreamHandler handler);

    struct Match {
        const Handler* handler = nullptr;
        const FastPath* fast = nullptr;  // null when the route has none
        const StreamHandler* stream = nullptr;  // set for streaming routes (handler is then unused)
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
        FastPath fast;
        StreamHandler stream;
        RouteLimits limits;
        int literal_count = 0;
    };
    std::vector<Route> routes_;
};

std::vector<std::string_view> split_path(std::string_view path);

} // namespace confrere::server::http
