// All of Beast lives in this translation unit (compile time on 2 cores matters).
// Model: Beast's awaitable examples, with per-request limits, a session registry for a
// graceful drain on shutdown (the examples' ioc.stop() drops in-flight requests), and handlers
// run off the I/O threads.
#include "server/http/server.hpp"

#include "core/base/log.hpp"
#include "core/base/time.hpp"
#include "core/crypto/secrets.hpp"

#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <atomic>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace confrere::server::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;
using namespace boost::asio::experimental::awaitable_operators;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

namespace {

// A stream's outgoing queue. send() and close() come from any thread; the connection's writer
// runs on its strand, pops messages and sleeps on `wake_` when there are none.
class QueuedChannel final : public Channel, public std::enable_shared_from_this<QueuedChannel> {
public:
    explicit QueuedChannel(const net::any_io_executor& strand)
        : strand_(strand), wake_(strand)
    {
    }

    bool send(std::string message) override
    {
        {
            std::lock_guard lock(mutex_);
            if (closed_)
                return false;
            if (queued_bytes_ + message.size() > kMaxQueuedBytes) {
                closed_ = true;
                log::warn("stream_overflow", {{"queued_bytes", queued_bytes_}});
            } else {
                queued_bytes_ += message.size();
                queue_.push_back(std::move(message));
            }
        }
        notify();
        return is_open();
    }

    void close() override
    {
        {
            std::lock_guard lock(mutex_);
            closed_ = true;
        }
        notify();
    }

    bool is_open() const override
    {
        std::lock_guard lock(mutex_);
        return !closed_;
    }

    // Strand only. Queued messages are still written after close(), then the stream ends.
    std::optional<std::string> pop()
    {
        std::lock_guard lock(mutex_);
        if (queue_.empty())
            return std::nullopt;
        std::string message = std::move(queue_.front());
        queue_.pop_front();
        queued_bytes_ -= message.size();
        return message;
    }

    // Strand only: sleeps until a message or close() arrives (true) or `timeout` passes (false).
    net::awaitable<bool> wait(std::chrono::steady_clock::duration timeout)
    {
        wake_.expires_after(timeout);
        auto [ec] = co_await wake_.async_wait(use_tuple);
        co_return ec == net::error::operation_aborted;
    }

private:
    void notify()
    {
        net::post(strand_, [self = shared_from_this()] { self->wake_.cancel(); });
    }

    net::any_io_executor strand_;
    net::steady_timer wake_;  // strand only
    mutable std::mutex mutex_;
    std::deque<std::string> queue_;
    std::size_t queued_bytes_ = 0;
    bool closed_ = false;
};

struct SessionState {
    beast::tcp_stream* stream = nullptr;
    beast::flat_buffer* buffer = nullptr;
    std::atomic<bool> busy{false};
    std::shared_ptr<QueuedChannel> channel;  // a streaming connection's; under sessions_mutex

    // Idle: between requests, with nothing of the next request received yet. Strand only.
    bool idle() const
    {
        boost::system::error_code ec;
        return !busy && buffer->size() == 0 && stream->socket().available(ec) == 0;
    }
};

Response plain_error(int status, std::string_view message)
{
    return error_response(Error{status == 413   ? ErrorKind::PayloadTooLarge
                                : status == 503 ? ErrorKind::Unavailable
                                : status == 500 ? ErrorKind::Internal
                                                : ErrorKind::InvalidInput,
                                std::string(message), {}, {}});
}

bhttp::response<bhttp::string_body> to_beast(Response&& r, unsigned version, bool keep_alive,
                                             bool head, const std::string& request_id)
{
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
    res.set(bhttp::field::date, format_http_date(std::chrono::system_clock::now()));
    if (!r.content_type.empty())
        res.set(bhttp::field::content_type, r.content_type);
    res.set("X-Content-Type-Options", "nosniff");
    res.set("X-Request-Id", request_id);
    bool has_cache_control = false;
    for (auto& [name, value] : r.headers) {
        has_cache_control = has_cache_control || beast::iequals(name, "cache-control");
        res.insert(name, value);
    }
    // Members-only content must not sit in shared caches.
    if (!has_cache_control)
        res.set(bhttp::field::cache_control, "no-store");
    res.keep_alive(keep_alive);
    std::size_t size = r.body.size();
    if (!head)
        res.body() = std::move(r.body);
    res.content_length(size);
    return res;
}

} // namespace

struct HttpServer::Impl {
    ServerOptions options;
    const Router& router;
    net::io_context ioc;
    net::thread_pool workers;
    tcp::acceptor acceptor{ioc};
    net::signal_set signals{ioc, SIGINT, SIGTERM};
    std::atomic<bool> stopping{false};
    std::chrono::steady_clock::time_point shutdown_started;  // by begin_shutdown(), on the I/O threads
    std::mutex sessions_mutex;
    std::set<std::shared_ptr<SessionState>> sessions;
    std::atomic<std::uint64_t> request_counter{0};
    std::string request_prefix = crypto::random_token(6);

    Impl(ServerOptions o, const Router& r)
        : options(std::move(o)), router(r), workers(static_cast<std::size_t>(std::max(1, options.worker_threads)))
    {
    }

    net::awaitable<void> accept_loop()
    {
        while (!stopping) {
            auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(ioc), use_tuple);
            if (ec) {
                if (stopping || ec == net::error::operation_aborted)
                    break;
                // EMFILE and friends: log, breathe, keep accepting rather than die or spin.
                log::warn("accept_failed", {{"reason", ec.message()}});
                net::steady_timer pause(ioc, std::chrono::milliseconds(100));
                co_await pause.async_wait(use_tuple);
                continue;
            }
            auto executor = socket.get_executor();
            net::co_spawn(executor, session(std::move(socket)), net::detached);
        }
    }

    net::awaitable<void> write_response(beast::tcp_stream& stream, Response r, unsigned version,
                                        bool keep_alive, bool head, const std::string& request_id,
                                        bool& failed)
    {
        auto res = to_beast(std::move(r), version, keep_alive, head, request_id);
        stream.expires_after(options.write_timeout);
        auto [ec, n] = co_await bhttp::async_write(stream, res, use_tuple);
        failed = static_cast<bool>(ec);
    }

    net::awaitable<void> session(tcp::socket socket)
    {
        auto state = std::make_shared<SessionState>();
        beast::tcp_stream stream(std::move(socket));
        beast::flat_buffer buffer;
        state->stream = &stream;
        state->buffer = &buffer;
        {
            std::lock_guard lock(sessions_mutex);
            if (stopping)
                co_return;
            sessions.insert(state);
        }
        std::string remote;
        {
            boost::system::error_code ec;
            auto endpoint = stream.socket().remote_endpoint(ec);
            if (!ec)
                remote = endpoint.address().to_string();
        }
        bool first = true;
        bool streamed = false;  // the connection was handed to a stream, which closed it
        while (!stopping) {
            bhttp::request_parser<bhttp::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
            // No body limit while reading the header: the route's limit is applied below, once
            // the route is known (a 413 rather than a parse error).
            parser.body_limit(boost::none);
            stream.expires_after(first ? options.read_timeout : options.idle_timeout);
            first = false;
            auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, use_tuple);
            if (ec) {
                if (ec == bhttp::error::body_limit) {
                    bool failed = false;
                    co_await write_response(stream, plain_error(413, "Request body too large."), 11, false,
                                            false, "-", failed);
                } else if (ec == bhttp::error::header_limit) {
                    bool failed = false;
                    co_await write_response(stream, plain_error(431, "Request header fields too large."), 11,
                                            false, false, "-", failed);
                } else if (ec != bhttp::error::end_of_stream && ec != net::error::operation_aborted &&
                           ec != beast::error::timeout && ec != net::error::connection_reset &&
                           ec != net::error::eof) {
                    bool failed = false;
                    co_await write_response(stream, plain_error(400, "Malformed HTTP request."), 11, false,
                                            false, "-", failed);
                }
                break;
            }
            state->busy = true;
            auto started = std::chrono::steady_clock::now();
            std::string request_id =
                request_prefix + "-" + std::to_string(request_counter.fetch_add(1) + 1);
            auto& header = parser.get();
            unsigned version = header.version();
            bool head = header.method() == bhttp::verb::head;

            Request req;
            req.method = std::string(header.method_string());
            req.target = std::string(header.target());
            auto qpos = req.target.find('?');
            req.path = percent_decode(std::string_view(req.target).substr(0, qpos), false);
            if (qpos != std::string::npos)
                req.query = req.target.substr(qpos + 1);
            req.remote_address = remote;
            req.request_id = request_id;

            Router::Match match = router.match(req.method, req.path);
            std::size_t limit = match.limits.max_body_bytes ? match.limits.max_body_bytes : options.max_body_bytes;
            Response response;
            bool keep_alive = header.keep_alive();
            bool read_body = true;
            if (auto length = parser.content_length(); length && *length > limit) {
                response = plain_error(413, "Request body too large.");
                keep_alive = false;  // the unread body is still on the wire
                read_body = false;
            }
            if (read_body) {
                parser.body_limit(limit);
                if (beast::iequals(header[bhttp::field::expect], "100-continue")) {
                    bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, version};
                    stream.expires_after(options.write_timeout);
                    auto [wec, wn] = co_await bhttp::async_write(stream, cont, use_tuple);
                    if (wec)
                        break;
                }
                stream.expires_after(options.read_timeout);
                auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
                if (bec == bhttp::error::body_limit) {
                    response = plain_error(413, "Request body too large.");
                    keep_alive = false;
                } else if (bec) {
                    if (bec != beast::error::timeout && bec != bhttp::error::end_of_stream &&
                        bec != net::error::operation_aborted) {
                        bool failed = false;
                        co_await write_response(stream, plain_error(400, "Malformed HTTP request."), version,
                                                false, false, request_id, failed);
                    }
                    break;
                } else {
                    auto& message = parser.get();
                    for (const auto& field : message) {
                        std::string name(field.name_string());
                        for (auto& c : name)
                            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                        req.headers.emplace_back(std::move(name), std::string(field.value()));
                    }
                    req.body = std::move(message.body());
                    if (match.stream != nullptr && req.method == "GET") {
                        auto started_stream = std::chrono::steady_clock::now();
                        int stream_status = co_await serve_stream(stream, parser.release(), match, req, *state);
                        auto elapsed = std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - started_stream);
                        log::info("request", {{"request_id", request_id},
                                              {"method", req.method},
                                              {"path", req.path},
                                              {"status", stream_status},
                                              {"ms", elapsed.count()},
                                              {"remote", remote}});
                        streamed = true;
                        break;
                    }
                    response = co_await dispatch(match, req);
                }
            }
            if (stopping)
                keep_alive = false;
            bool failed = false;
            int status = response.status;
            std::size_t bytes = response.body.size();
            co_await write_response(stream, std::move(response), version, keep_alive, head, request_id, failed);
            auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
            // The path only: queries can carry tokens (streaming's access_token).
            log::info("request", {{"request_id", request_id},
                                  {"method", req.method},
                                  {"path", req.path},
                                  {"status", status},
                                  {"bytes", bytes},
                                  {"ms", elapsed.count()},
                                  {"remote", remote}});
            state->busy = false;
            if (failed || !keep_alive)
                break;
        }
        if (!streamed) {
            boost::system::error_code ignored;
            stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
            stream.close();
        }
        std::lock_guard lock(sessions_mutex);
        sessions.erase(state);
    }

    // Opens a stream (the handler runs on the worker pool and may refuse with any response),
    // serves it until either side ends it, and closes the connection. Returns the HTTP status
    // answered (101 for a WebSocket).
    net::awaitable<int> serve_stream(beast::tcp_stream& stream, bhttp::request<bhttp::string_body> upgrade,
                                     const Router::Match& match, const Request& req, SessionState& state)
    {
        bool is_websocket = websocket::is_upgrade(upgrade);
        auto channel = std::make_shared<QueuedChannel>(stream.get_executor());
        const StreamHandler& handler = *match.stream;
        const PathParams& params = match.params;
        StreamKind kind = is_websocket ? StreamKind::WebSocket : StreamKind::EventStream;
        StreamOpen opened = co_await net::co_spawn(
            workers,
            [&handler, &req, &params, kind, &channel]() -> net::awaitable<StreamOpen> {
                try {
                    co_return handler(req, params, kind, channel);
                } catch (const std::exception& e) {
                    log::error("handler_exception", {{"what", e.what()}, {"path", req.path}});
                    co_return error_response(Error{ErrorKind::Internal, "Internal server error.", {}, {}});
                }
            },
            net::use_awaitable);
        if (auto* refusal = std::get_if<Response>(&opened)) {
            int status = refusal->status;
            bool failed = false;
            co_await write_response(stream, std::move(*refusal), upgrade.version(), false, false, req.request_id,
                                    failed);
            boost::system::error_code ignored;
            stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
            stream.close();
            co_return status;
        }
        StreamSession session = std::get<StreamSession>(std::move(opened));
        {
            std::lock_guard lock(sessions_mutex);
            state.channel = channel;
        }
        if (stopping)
            channel->close();
        int status = is_websocket ? co_await serve_websocket(std::move(stream), upgrade, session, channel)
                                  : co_await serve_event_stream(stream, upgrade.version(), req, session, channel);
        channel->close();
        if (session.on_close)
            session.on_close();
        co_return status;
    }

    net::awaitable<int> serve_event_stream(beast::tcp_stream& stream, unsigned version, const Request& req,
                                           const StreamSession& session, std::shared_ptr<QueuedChannel> channel)
    {
        bhttp::response<bhttp::empty_body> res{bhttp::status::ok, version};
        res.set(bhttp::field::date, format_http_date(std::chrono::system_clock::now()));
        res.set(bhttp::field::content_type, "text/event-stream; charset=utf-8");
        res.set(bhttp::field::cache_control, "no-store");
        res.set("X-Content-Type-Options", "nosniff");
        res.set("X-Accel-Buffering", "no");
        res.set("X-Request-Id", req.request_id);
        res.keep_alive(false);
        res.chunked(true);
        bhttp::response_serializer<bhttp::empty_body> serializer{res};
        stream.expires_after(options.write_timeout);
        auto [ec, n] = co_await bhttp::async_write_header(stream, serializer, use_tuple);
        if (!ec)
            co_await (watch_event_stream_client(stream, channel) &&
                      write_event_stream(stream, session, channel));
        boost::system::error_code ignored;
        stream.close();
        co_return 200;
    }

    // The client of an event stream sends nothing: a completed read means it went away.
    net::awaitable<void> watch_event_stream_client(beast::tcp_stream& stream, std::shared_ptr<QueuedChannel> channel)
    {
        std::array<char, 512> discard;
        stream.expires_never();
        while (true) {
            auto [ec, n] = co_await stream.async_read_some(net::buffer(discard), use_tuple);
            if (ec)
                break;
        }
        channel->close();
    }

    net::awaitable<void> write_event_stream(beast::tcp_stream& stream, const StreamSession& session,
                                            std::shared_ptr<QueuedChannel> channel)
    {
        bool failed = false;
        while (!failed) {
            while (auto message = channel->pop()) {
                stream.expires_after(options.write_timeout);
                auto [ec, n] = co_await net::async_write(stream, bhttp::make_chunk(net::buffer(*message)), use_tuple);
                if (ec) {
                    failed = true;
                    break;
                }
            }
            if (failed || !channel->is_open())
                break;
            if (!co_await channel->wait(options.heartbeat_interval) && !session.heartbeat.empty())
                channel->send(session.heartbeat);
        }
        channel->close();
        if (!failed) {
            stream.expires_after(std::chrono::seconds(1));
            co_await net::async_write(stream, bhttp::make_chunk_last(), use_tuple);
        }
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);  // ends the client watch
    }

    net::awaitable<int> serve_websocket(beast::tcp_stream stream, const bhttp::request<bhttp::string_body>& upgrade,
                                        const StreamSession& session, std::shared_ptr<QueuedChannel> channel)
    {
        websocket::stream<beast::tcp_stream> ws(std::move(stream));
        beast::get_lowest_layer(ws).expires_never();  // the WebSocket's own timeouts and pings
        ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        ws.set_option(websocket::stream_base::decorator([protocol = session.protocol](websocket::response_type& res) {
            res.set(bhttp::field::server, "Confrere");
            if (!protocol.empty())
                res.set(bhttp::field::sec_websocket_protocol, protocol);
        }));
        ws.read_message_max(64 * 1024);
        auto [ec] = co_await ws.async_accept(upgrade, use_tuple);
        if (ec)
            co_return 400;
        co_await (read_websocket(ws, session, channel) && write_websocket(ws, channel));
        co_return 101;
    }

    net::awaitable<void> read_websocket(websocket::stream<beast::tcp_stream>& ws, const StreamSession& session,
                                        std::shared_ptr<QueuedChannel> channel)
    {
        beast::flat_buffer buffer;
        while (true) {
            auto [ec, n] = co_await ws.async_read(buffer, use_tuple);
            if (ec)
                break;
            if (ws.got_text() && session.on_message)
                session.on_message(beast::buffers_to_string(buffer.data()));
            buffer.consume(buffer.size());
        }
        channel->close();
    }

    net::awaitable<void> write_websocket(websocket::stream<beast::tcp_stream>& ws, std::shared_ptr<QueuedChannel> channel)
    {
        ws.text(true);
        bool failed = false;
        while (!failed) {
            while (auto message = channel->pop()) {
                auto [ec, n] = co_await ws.async_write(net::buffer(*message), use_tuple);
                if (ec) {
                    failed = true;
                    break;
                }
            }
            if (failed || !channel->is_open())
                break;
            co_await channel->wait(std::chrono::hours(1));
        }
        channel->close();
        if (ws.is_open()) {
            // The client answers our close frame at once, or it is not listening: do not let
            // it hold a shutdown for the 30 s of a handshake.
            websocket::stream_base::timeout timeouts;
            ws.get_option(timeouts);
            timeouts.handshake_timeout = std::chrono::seconds(2);
            ws.set_option(timeouts);
            auto [ec] = co_await ws.async_close(websocket::close_code::normal, use_tuple);
            if (ec) {
                boost::system::error_code ignored;
                beast::get_lowest_layer(ws).socket().shutdown(tcp::socket::shutdown_both, ignored);
            }
        }
    }

    // Runs the handler on the worker pool: SQLite, Argon2 and RSA block, and must never hold
    // an I/O thread.
    net::awaitable<Response> dispatch(const Router::Match& match, const Request& req)
    {
        if (match.handler == nullptr)
            co_return match.path_known
                ? error_response(Error{ErrorKind::MethodNotAllowed, "Method not allowed.", {}, {}})
                      .with_header("Allow", match.allowed)
                : error_response(Error{ErrorKind::NotFound, "Not found.", {}, {}});
        if (match.fast != nullptr)
            if (std::optional<Response> fast = (*match.fast)(req, match.params))
                co_return std::move(*fast);
        const Handler& handler = *match.handler;
        const PathParams& params = match.params;
        Response response = co_await net::co_spawn(
            workers,
            [&handler, &req, &params]() -> net::awaitable<Response> {
                try {
                    co_return handler(req, params);
                } catch (const std::exception& e) {
                    // Our code throws nothing; this is the last line against a library that does.
                    log::error("handler_exception", {{"what", e.what()}, {"path", req.path}});
                    co_return error_response(Error{ErrorKind::Internal, "Internal server error.", {}, {}});
                }
            },
            net::use_awaitable);
        co_return response;
    }

    void begin_shutdown()
    {
        if (stopping.exchange(true))
            return;
        shutdown_started = std::chrono::steady_clock::now();
        log::info("shutdown_started", {});
        boost::system::error_code ignored;
        acceptor.close(ignored);
        signals.cancel(ignored);
        close_idle_sessions();
        net::co_spawn(ioc, drain(), net::detached);
    }

    // A request a client sent just before the signal may still be on its way through the
    // kernel (on a loaded machine, even on loopback): idle connections are left this long to
    // receive it before they are closed. drain() calls close_idle_sessions() every 20 ms.
    static constexpr std::chrono::milliseconds kIdleGrace{150};

    void close_idle_sessions()
    {
        bool in_grace = std::chrono::steady_clock::now() - shutdown_started < kIdleGrace;
        std::lock_guard lock(sessions_mutex);
        for (const auto& s : sessions) {
            if (s->channel)
                s->channel->close();  // streams end at shutdown: clients reconnect elsewhere
            if (s->busy || in_grace)
                continue;  // a busy one closes itself after writing its response
            std::weak_ptr<SessionState> weak = s;
            net::post(s->stream->get_executor(), [weak] {
                // A request already on the wire is served (with Connection: close), not dropped.
                if (auto state = weak.lock(); state && state->idle())
                    state->stream->cancel();
            });
        }
    }

    net::awaitable<void> drain()
    {
        auto deadline = std::chrono::steady_clock::now() + options.shutdown_grace;
        net::steady_timer timer(ioc);
        while (true) {
            {
                std::lock_guard lock(sessions_mutex);
                if (sessions.empty())
                    break;
            }
            if (std::chrono::steady_clock::now() >= deadline) {
                log::warn("shutdown_deadline_reached", {});
                ioc.stop();
                co_return;
            }
            close_idle_sessions();  // a busy session may have become idle
            timer.expires_after(std::chrono::milliseconds(20));
            co_await timer.async_wait(use_tuple);
        }
        log::info("shutdown_drained", {});
    }
};

HttpServer::HttpServer(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router))
{
}

HttpServer::~HttpServer()
{
    impl_->workers.join();
}

Result<std::uint16_t> HttpServer::listen()
{
    boost::system::error_code ec;
    auto address = net::ip::make_address(impl_->options.address, ec);
    if (ec)
        return fail(ErrorKind::InvalidInput, "invalid listen address: " + impl_->options.address);
    tcp::endpoint endpoint(address, impl_->options.port);
    auto& acceptor = impl_->acceptor;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec)
        acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec)
        acceptor.bind(endpoint, ec);
    if (!ec)
        acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
        return fail(ErrorKind::Unavailable,
                    "cannot listen on " + impl_->options.address + ":" + std::to_string(impl_->options.port) +
                        ": " + ec.message());
    return acceptor.local_endpoint().port();
}

void HttpServer::run()
{
    Impl& impl = *impl_;
    impl.signals.async_wait([&impl](const boost::system::error_code& ec, int signal) {
        if (!ec) {
            log::info("signal_received", {{"signal", signal}});
            impl.begin_shutdown();
        }
    });
    net::co_spawn(impl.ioc, impl.accept_loop(), net::detached);
    std::vector<std::thread> threads;
    for (int i = 1; i < impl.options.io_threads; ++i)
        threads.emplace_back([&impl] { impl.ioc.run(); });
    impl.ioc.run();
    for (auto& t : threads)
        t.join();
    impl.workers.join();
    log::info("server_stopped", {});
}

void HttpServer::stop()
{
    net::post(impl_->ioc, [this] { impl_->begin_shutdown(); });
}

} // namespace confrere::server::http
