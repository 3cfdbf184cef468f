// ceiling_server: the smallest Boost.Beast HTTP/1.1 server we can write, answering every GET
// with a fixed ~700-byte ActivityPub actor document. It does what Confrère's front does per
// request (accept on a strand, fresh parser with limits, read timeout, keep-alive, build and
// send a response) and nothing else: no routing, no worker hop, no database. Its throughput is
// the ceiling of this hardware + kernel + Asio/Beast stack; bench/http_bench.sh reports
// Confrère's figures as a ratio to it.
//
// Usage: ceiling_server THREADS [PORT]
//   Binds 127.0.0.1:PORT (0 or absent: an ephemeral port), prints the bound port on stdout,
//   runs THREADS io threads, stops on SIGINT/SIGTERM (exit 0).
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message_generator.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

// Shaped like a real minimal actor document (id, inbox, outbox, public key) so the bytes on
// the wire match what Confrère sends for GET /users/USER.
constexpr std::string_view actor_body =
    R"({"@context":["https://www.w3.org/ns/activitystreams","https://w3id.org/security/v1"],)"
    R"("id":"http://127.0.0.1:8080/users/bench","type":"Person","preferredUsername":"bench",)"
    R"("inbox":"http://127.0.0.1:8080/users/bench/inbox",)"
    R"("outbox":"http://127.0.0.1:8080/users/bench/outbox",)"
    R"("publicKey":{"id":"http://127.0.0.1:8080/users/bench#main-key",)"
    R"("owner":"http://127.0.0.1:8080/users/bench","publicKeyPem":"-----BEGIN PUBLIC KEY-----\n)"
    R"(MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n)"
    R"(4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u\n)"
    R"(+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyeh\n)"
    R"(kd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ\n)"
    R"(0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdg\n)"
    R"(cKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbc\n)"
    R"(mwIDAQAB\n-----END PUBLIC KEY-----\n"}})";

constexpr auto read_timeout = std::chrono::seconds(30);
constexpr std::uint64_t header_limit = 8 * 1024;
constexpr std::uint64_t body_limit = 64 * 1024;

http::message_generator make_response(const http::request<http::empty_body>& request)
{
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
        http::response<http::string_body> response{http::status::method_not_allowed,
                                                   request.version()};
        response.set(http::field::allow, "GET, HEAD");
        response.keep_alive(request.keep_alive());
        response.prepare_payload();
        return response;
    }
    http::response<http::string_body> response{http::status::ok, request.version()};
    response.set(http::field::content_type, "application/activity+json; charset=utf-8");
    response.keep_alive(request.keep_alive());
    if (request.method() == http::verb::get)
        response.body() = actor_body;
    response.prepare_payload();
    return response;
}

// One connection: read a request, answer it, repeat while the client keeps the connection.
// Errors end the session quietly: a benchmark peer closing its sockets is the normal end.
net::awaitable<void> run_session(beast::tcp_stream stream)
{
    beast::flat_buffer buffer;
    for (;;) {
        // A fresh parser per request, so the limits apply to each one.
        http::request_parser<http::empty_body> parser;
        parser.header_limit(header_limit);
        parser.body_limit(body_limit);
        stream.expires_after(read_timeout);
        auto [read_error, read_bytes] =
            co_await http::async_read(stream, buffer, parser, net::as_tuple(net::use_awaitable));
        if (read_error)
            break;

        auto response = make_response(parser.get());
        bool const keep_alive = response.keep_alive();
        auto [write_error, written_bytes] = co_await beast::async_write(
            stream, std::move(response), net::as_tuple(net::use_awaitable));
        if (write_error || !keep_alive)
            break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// Accepts forever; every connection gets its own strand, as in Beast's examples.
net::awaitable<void> run_listener(tcp::acceptor& acceptor, net::io_context& context)
{
    for (;;) {
        auto [error, socket] = co_await acceptor.async_accept(
            net::make_strand(context), net::as_tuple(net::use_awaitable));
        if (error == net::error::operation_aborted)
            co_return;
        if (error)
            continue; // e.g. EMFILE under load: keep serving the connections we have
        socket.set_option(tcp::no_delay(true));
        net::co_spawn(socket.get_executor(), run_session(beast::tcp_stream(std::move(socket))),
                      net::detached);
    }
}

bool parse_number(std::string_view text, unsigned& out)
{
    auto const* end = text.data() + text.size();
    auto [ptr, error] = std::from_chars(text.data(), end, out);
    return error == std::errc{} && ptr == end;
}

} // namespace

int main(int argc, char** argv)
{
    unsigned threads = 0;
    unsigned port = 0;
    if (argc < 2 || argc > 3 || !parse_number(argv[1], threads) || threads == 0 || threads > 256
        || (argc == 3 && (!parse_number(argv[2], port) || port > 65535))) {
        std::fprintf(stderr, "usage: %s THREADS [PORT]\n", argv[0]);
        return 2;
    }

    net::io_context context{static_cast<int>(threads)};
    tcp::acceptor acceptor{net::make_strand(context)};
    beast::error_code error;
    tcp::endpoint const endpoint{net::ip::make_address_v4("127.0.0.1"),
                                 static_cast<unsigned short>(port)};
    acceptor.open(endpoint.protocol(), error);
    if (!error)
        acceptor.set_option(net::socket_base::reuse_address(true), error);
    if (!error)
        acceptor.bind(endpoint, error);
    if (!error)
        acceptor.listen(net::socket_base::max_listen_connections, error);
    if (error) {
        std::fprintf(stderr, "ceiling_server: cannot listen on 127.0.0.1:%u: %s\n", port,
                     error.message().c_str());
        return 1;
    }
    std::printf("%u\n", static_cast<unsigned>(acceptor.local_endpoint().port()));
    std::fflush(stdout);

    net::co_spawn(acceptor.get_executor(), run_listener(acceptor, context), net::detached);

    // A benchmark server has nothing in flight worth draining: stopping the context is enough.
    net::signal_set signals{context, SIGINT, SIGTERM};
    signals.async_wait([&](beast::error_code const&, int) { context.stop(); });

    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    for (unsigned i = 1; i < threads; ++i)
        pool.emplace_back([&context] { context.run(); });
    context.run();
    for (auto& thread : pool)
        thread.join();
    return 0;
}
