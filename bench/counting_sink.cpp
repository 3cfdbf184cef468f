// counting_sink: the 100 peer inboxes of bench/fanout_bench.sh in one process. One io_context on
// one thread, one acceptor per port on 127.0.0.1 (so each port is a distinct peer host for
// Confrère), answering every POST with 202 and counting requests per port; the shape of
// bench/ceiling_server.cpp (Beast, C++20 coroutines, a fresh parser per request, keep-alive).
//
// Usage: counting_sink PORTS LIFETIME_S [BODY_FILE]
//   Binds PORTS ephemeral ports, prints "ports P1 P2 …" on one line, stops after LIFETIME_S
//   seconds or on SIGINT/SIGTERM. BODY_FILE receives the first POST body (the ceiling client
//   replays it).
// On any port:
//   GET /count  → "total T ports_hit H max_per_port M unexpected U first_ns F last_ns L"
//                 (POSTs since the last reset; first/last: CLOCK_REALTIME of the first and last
//                 POST, in ns since the epoch, 0 if none; unexpected: a POST not to /inbox or
//                 without Signature and Digest headers)
//   GET /reset  → zeroes everything
//   GET /wait/TOTAL/MS → waits until TOTAL POSTs arrived or MS milliseconds passed, then answers
//                 as /count (the script's one blocking request instead of polling)
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message_generator.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr auto read_timeout = std::chrono::seconds(30);
constexpr std::uint64_t header_limit = 16 * 1024;
constexpr std::uint64_t body_limit = 1024 * 1024;

// Everything runs on the context's single thread: no locks.
struct Counts {
    std::vector<std::uint64_t> per_port;
    std::uint64_t unexpected = 0;
    std::int64_t first_ns = 0;
    std::int64_t last_ns = 0;
    std::string body_file;
    bool body_saved = false;

    void reset()
    {
        std::fill(per_port.begin(), per_port.end(), 0);
        unexpected = 0;
        first_ns = last_ns = 0;
    }
    std::uint64_t total() const
    {
        std::uint64_t sum = 0;
        for (auto count : per_port)
            sum += count;
        return sum;
    }
    std::string report() const
    {
        std::uint64_t total = 0, hit = 0, most = 0;
        for (auto count : per_port) {
            total += count;
            hit += count > 0 ? 1 : 0;
            most = std::max(most, count);
        }
        return "total " + std::to_string(total) + " ports_hit " + std::to_string(hit) + " max_per_port "
            + std::to_string(most) + " unexpected " + std::to_string(unexpected) + " first_ns "
            + std::to_string(first_ns) + " last_ns " + std::to_string(last_ns) + "\n";
    }
};

std::int64_t realtime_ns()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::system_clock::now().time_since_epoch())
        .count();
}

http::message_generator answer(
    const http::request<http::string_body>& request, Counts& counts, std::size_t port)
{
    http::response<http::string_body> response { http::status::accepted, request.version() };
    response.keep_alive(request.keep_alive());
    if (request.method() == http::verb::post) {
        const auto now = realtime_ns();
        ++counts.per_port[port];
        counts.first_ns = counts.first_ns == 0 ? now : counts.first_ns;
        counts.last_ns = now;
        if (request.target() != "/inbox" || request.find("signature") == request.end()
            || request.find("digest") == request.end())
            ++counts.unexpected;
        if (!counts.body_saved && !counts.body_file.empty()) {
            std::ofstream(counts.body_file, std::ios::binary) << request.body();
            counts.body_saved = true;
        }
    } else if (request.method() == http::verb::get
        && (request.target() == "/count" || request.target().starts_with("/wait/"))) {
        response.result(http::status::ok);
        response.set(http::field::content_type, "text/plain");
        response.body() = counts.report();
    } else if (request.method() == http::verb::get && request.target() == "/reset") {
        counts.reset();
        response.result(http::status::ok);
        response.set(http::field::content_type, "text/plain");
        response.body() = "ok\n";
    } else {
        response.result(http::status::not_found);
    }
    response.prepare_payload();
    return response;
}

// "/wait/TOTAL/MS": sleeps in 2 ms steps until TOTAL POSTs were counted or MS ms passed.
net::awaitable<void> wait_for(std::string_view arguments, const Counts& counts)
{
    std::uint64_t target = 0, limit_ms = 0;
    const auto slash = arguments.find('/');
    if (slash == std::string_view::npos)
        co_return;
    std::from_chars(arguments.data(), arguments.data() + slash, target);
    std::from_chars(arguments.data() + slash + 1, arguments.data() + arguments.size(), limit_ms);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(limit_ms);
    net::steady_timer timer { co_await net::this_coro::executor };
    while (counts.total() < target && std::chrono::steady_clock::now() < deadline) {
        timer.expires_after(std::chrono::milliseconds(2));
        co_await timer.async_wait(net::as_tuple(net::use_awaitable));
    }
}

net::awaitable<void> run_session(beast::tcp_stream stream, Counts& counts, std::size_t port)
{
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(header_limit);
        parser.body_limit(body_limit);
        stream.expires_after(read_timeout);
        auto [read_error, read_bytes]
            = co_await http::async_read(stream, buffer, parser, net::as_tuple(net::use_awaitable));
        if (read_error)
            break;
        if (std::string_view target = parser.get().target(); target.starts_with("/wait/"))
            co_await wait_for(target.substr(6), counts);
        auto response = answer(parser.get(), counts, port);
        const bool keep_alive = response.keep_alive();
        stream.expires_after(read_timeout); // a /wait may have outlived the read's deadline
        auto [write_error, written_bytes]
            = co_await beast::async_write(stream, std::move(response), net::as_tuple(net::use_awaitable));
        if (write_error || !keep_alive)
            break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> run_listener(tcp::acceptor& acceptor, Counts& counts, std::size_t port)
{
    for (;;) {
        auto [error, socket] = co_await acceptor.async_accept(net::as_tuple(net::use_awaitable));
        if (error == net::error::operation_aborted)
            co_return;
        if (error)
            continue;
        socket.set_option(tcp::no_delay(true));
        net::co_spawn(acceptor.get_executor(),
            run_session(beast::tcp_stream(std::move(socket)), counts, port), net::detached);
    }
}

bool parse_number(std::string_view text, unsigned& out)
{
    auto const* end = text.data() + text.size();
    auto [ptr, error] = std::from_chars(text.data(), end, out);
    return error == std::errc {} && ptr == end;
}

} // namespace

int main(int argc, char** argv)
{
    unsigned ports = 0, lifetime = 0;
    if (argc < 3 || argc > 4 || !parse_number(argv[1], ports) || ports == 0 || ports > 1000
        || !parse_number(argv[2], lifetime) || lifetime == 0) {
        std::fprintf(stderr, "usage: %s PORTS LIFETIME_S [BODY_FILE]\n", argv[0]);
        return 2;
    }
    net::io_context context { 1 };
    Counts counts;
    counts.per_port.assign(ports, 0);
    if (argc == 4)
        counts.body_file = argv[3];

    std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
    std::string line = "ports";
    for (unsigned i = 0; i < ports; ++i) {
        auto acceptor = std::make_unique<tcp::acceptor>(context);
        const tcp::endpoint endpoint { net::ip::make_address_v4("127.0.0.1"), 0 };
        beast::error_code error;
        acceptor->open(endpoint.protocol(), error);
        if (!error)
            acceptor->bind(endpoint, error);
        if (!error)
            acceptor->listen(net::socket_base::max_listen_connections, error);
        if (error) {
            std::fprintf(stderr, "counting_sink: cannot listen on 127.0.0.1: %s\n", error.message().c_str());
            return 1;
        }
        line += " " + std::to_string(acceptor->local_endpoint().port());
        net::co_spawn(context, run_listener(*acceptor, counts, i), net::detached);
        acceptors.push_back(std::move(acceptor));
    }
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);

    net::signal_set signals { context, SIGINT, SIGTERM };
    signals.async_wait([&](beast::error_code const&, int) { context.stop(); });
    net::steady_timer deadline { context, std::chrono::seconds(lifetime) };
    deadline.async_wait([&](beast::error_code const&) { context.stop(); });
    context.run();
    return 0;
}
