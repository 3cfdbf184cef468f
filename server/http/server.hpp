// The HTTP/1.1 server: Beast on an Asio thread pool, handlers on a separate worker pool.
#pragma once

#include "core/base/result.hpp"
#include "server/http/router.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace confrere::server::http {

struct ServerOptions {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;
    int io_threads = 2;
    int worker_threads = 4;
    std::size_t max_body_bytes = 1024 * 1024;  // per route unless the route says otherwise
    std::size_t max_header_bytes = 16 * 1024;
    std::chrono::seconds read_timeout{15};   // to receive one whole request once it started
    std::chrono::seconds idle_timeout{60};   // between requests on a kept-alive connection
    std::chrono::seconds write_timeout{30};
    std::chrono::seconds shutdown_grace{10}; // in-flight requests get this long to finish
    std::chrono::seconds heartbeat_interval{15}; // event streams: silence before a heartbeat
};

class HttpServer {
public:
    HttpServer(ServerOptions options, const Router& router);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds and listens. Unavailable with the OS's reason if the address cannot be bound.
    // Returns the bound port (useful with port 0).
    Result<std::uint16_t> listen();

    // Serves until SIGINT or SIGTERM (or stop()), then stops accepting, lets in-flight requests
    // finish (up to shutdown_grace), closes idle connections and returns.
    void run();

    // Asks run() to shut down as on a signal. Thread-safe.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace confrere::server::http
