// All of the fetcher's Beast, Asio and OpenSSL lives in this translation unit (compile time on
// 2 cores matters). Model: server/http/server.cpp's coroutines; one coroutine per call on the
// fetcher's single I/O thread, the caller blocked on a future.
#include "federation/net/http_fetcher.hpp"

#include "core/base/log.hpp"
#include "core/base/text.hpp"
#include "federation/net/fetch_url.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>

#include <algorithm>
#include <future>
#include <optional>
#include <thread>

#ifndef CONFRERE_VERSION
#define CONFRERE_VERSION "0"
#endif

namespace confrere::federation {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

namespace {

constexpr std::uint32_t kMaxResponseHeaderBytes = 64 * 1024;
constexpr int kMaxInterimResponses = 4; // 1xx answers skipped before the final one
// How long a blocked caller waits past total_timeout before giving up on the I/O thread (a DNS
// lookup in getaddrinfo cannot be interrupted; every other step honours the deadline itself).
constexpr auto kCallerGrace = std::chrono::seconds(2);

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string to_lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size()
        && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

// RFC 9110 §5.6.2 token characters.
bool is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool valid_header(std::string_view name, std::string_view value)
{
    return !name.empty() && std::all_of(name.begin(), name.end(), is_tchar)
        && value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// RFC 9110 §15.4: the redirects a GET may follow.
bool is_redirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::unexpected<Error> peer_failed(
    const std::string& host, std::string_view step, const boost::system::error_code& ec)
{
    if (ec == beast::error::timeout || ec == net::error::operation_aborted)
        return fail(
            ErrorKind::PeerFailed, "Timed out talking to " + host + ".", std::string(step) + ": timeout");
    return fail(
        ErrorKind::PeerFailed, "Could not fetch from " + host + ".", std::string(step) + ": " + ec.message());
}

struct CallState {
    std::string method;
    std::string url;
    HeaderList headers;
    std::string body;
    Clock::time_point deadline;
    std::optional<Result<FetchResponse>> result;
    std::promise<Result<FetchResponse>> promise;
};

} // namespace

struct HttpFetcher::Impl {
    HttpFetcherOptions options;
    AddressPolicy policy;
    std::optional<ssl::context> tls; // nullopt when OpenSSL could not set it up (see tls_error)
    std::string tls_error;
    net::io_context ioc { 1 };
    net::executor_work_guard<net::io_context::executor_type> work = net::make_work_guard(ioc);
    std::thread thread;

    explicit Impl(HttpFetcherOptions o)
        : options(std::move(o))
        , policy { options.allow_private }
    {
        if (options.user_agent.empty())
            options.user_agent = default_user_agent("");
        setup_tls();
        thread = std::thread([this] { run_loop(); });
    }

    ~Impl()
    {
        work.reset();
        ioc.stop();
        thread.join();
    }

    void setup_tls()
    {
        try { // ssl::context's constructor is the one throwing Boost API here
            ssl::context ctx(ssl::context::tls_client);
            SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
            boost::system::error_code ec;
            ctx.set_default_verify_paths(ec);
            if (!ec)
                ctx.set_verify_mode(ssl::verify_peer, ec);
            if (!ec && !options.extra_ca_pem.empty())
                ctx.add_certificate_authority(net::buffer(options.extra_ca_pem), ec);
            if (ec) {
                tls_error = ec.message();
                return;
            }
            tls.emplace(std::move(ctx));
        } catch (const std::exception& e) {
            tls_error = e.what();
        }
    }

    void run_loop()
    {
        for (;;) {
            try {
                ioc.run();
                return;
            } catch (const std::exception& e) {
                // Our handlers throw nothing; a library that does must not end the thread.
                log::error("http_fetcher_exception", { { "what", e.what() } });
            }
        }
    }

    // Resolves the host once and keeps the addresses the policy allows: the connection is then
    // made to exactly these (GoToSocial checks in Dialer.Control for the same reason).
    net::awaitable<Result<std::vector<tcp::endpoint>>> resolve(
        const FetchUrl& target, Clock::time_point deadline)
    {
        auto executor = co_await net::this_coro::executor;
        std::vector<tcp::endpoint> found;
        if (target.host_is_address) {
            boost::system::error_code ec;
            auto address = net::ip::make_address(target.host, ec);
            if (ec)
                co_return fail(ErrorKind::InvalidInput, "URL with an invalid address.", ec.message());
            found.emplace_back(address, target.port);
        } else {
            // getaddrinfo runs on Asio's resolver thread; the watchdog cancels a lookup still
            // queued at the deadline. It holds a weak_ptr: it may fire after this frame is gone.
            auto resolver = std::make_shared<tcp::resolver>(executor);
            net::steady_timer watchdog(executor, deadline);
            watchdog.async_wait(
                [weak = std::weak_ptr<tcp::resolver>(resolver)](boost::system::error_code ec) {
                    if (auto r = weak.lock(); r && !ec)
                        r->cancel();
                });
            auto [ec, results] = co_await resolver->async_resolve(
                target.host, std::to_string(target.port), tcp::resolver::numeric_service, use_tuple);
            watchdog.cancel();
            if (ec)
                co_return peer_failed(target.host, "resolve", ec);
            for (const auto& entry : results)
                found.push_back(entry.endpoint());
        }
        std::vector<tcp::endpoint> allowed;
        std::string refused;
        for (const auto& endpoint : found) {
            auto address = endpoint.address();
            AddressRange range = address.is_v4() ? classify_address(address.to_v4().to_bytes())
                                                 : classify_address(address.to_v6().to_bytes());
            bool forbidden = address.is_v4() ? is_forbidden_address(address.to_v4().to_bytes(), policy)
                                             : is_forbidden_address(address.to_v6().to_bytes(), policy);
            if (!forbidden)
                allowed.push_back(endpoint);
            else
                refused += (refused.empty() ? "" : ", ") + address.to_string() + " ("
                    + std::string(describe(range)) + ")";
        }
        if (allowed.empty())
            co_return fail(ErrorKind::Forbidden,
                "Refused to connect to " + target.host + ": not a public address.",
                "refused addresses: " + refused);
        co_return allowed;
    }

    // Writes the request and reads one final answer, the body capped while it is read.
    template <class Stream>
    net::awaitable<Result<FetchResponse>> exchange(
        Stream& stream, const OutgoingRequest& out, const FetchUrl& target)
    {
        bhttp::request<bhttp::string_body> req { bhttp::string_to_verb(out.method), out.target, 11 };
        for (const auto& [name, value] : out.headers)
            req.insert(name, value);
        req.keep_alive(false);
        if (req.method() != bhttp::verb::get || !out.body.empty()) {
            req.body() = out.body;
            req.prepare_payload();
        }
        auto [write_ec, written] = co_await bhttp::async_write(stream, req, use_tuple);
        if (write_ec)
            co_return peer_failed(target.host, "write", write_ec);
        beast::flat_buffer buffer;
        for (int interim = 0;; ++interim) {
            bhttp::response_parser<bhttp::string_body> parser;
            parser.header_limit(kMaxResponseHeaderBytes);
            parser.body_limit(options.max_response_bytes);
            auto [read_ec, read_bytes] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
            if (read_ec == bhttp::error::body_limit)
                co_return fail(ErrorKind::PayloadTooLarge,
                    "The answer of " + target.host + " is larger than "
                        + std::to_string(options.max_response_bytes) + " bytes.");
            if (read_ec)
                co_return peer_failed(target.host, "read", read_ec);
            auto& message = parser.get();
            int status = static_cast<int>(message.result_int());
            if (status >= 100 && status < 200 && interim < kMaxInterimResponses)
                continue;
            FetchResponse response;
            response.status = status;
            for (const auto& field : message)
                response.headers.emplace_back(to_lower(field.name_string()), std::string(field.value()));
            response.body = std::move(message.body());
            co_return response;
        }
    }

    // One hop: connect to an allowed address (each tried in turn), TLS if https, exchange.
    net::awaitable<Result<FetchResponse>> hop(const FetchUrl& target,
        const std::vector<tcp::endpoint>& endpoints, const OutgoingRequest& out, Clock::time_point deadline)
    {
        auto executor = co_await net::this_coro::executor;
        auto connect_deadline = std::min(deadline, Clock::now() + options.connect_timeout);
        if (!target.tls) {
            beast::tcp_stream stream(executor);
            stream.expires_at(connect_deadline);
            auto [ec, endpoint] = co_await stream.async_connect(endpoints, use_tuple);
            if (ec)
                co_return peer_failed(target.host, "connect", ec);
            stream.expires_at(deadline);
            co_return co_await exchange(stream, out, target);
        }
        if (!tls)
            co_return fail(ErrorKind::Internal, "TLS is unavailable.", tls_error);
        beast::ssl_stream<beast::tcp_stream> stream(executor, *tls);
        // SNI carries names only (RFC 6066 §3); the certificate must match the URL's host, name
        // or address (host_name_verification picks X509_check_host or X509_check_ip_asc).
        if (!target.host_is_address
            && SSL_set_tlsext_host_name(stream.native_handle(), target.host.c_str()) != 1)
            co_return fail(ErrorKind::Internal, "TLS is unavailable.", "SNI could not be set");
        boost::system::error_code ec;
        stream.set_verify_mode(ssl::verify_peer, ec);
        if (!ec)
            stream.set_verify_callback(ssl::host_name_verification(target.host), ec);
        if (ec)
            co_return fail(ErrorKind::Internal, "TLS is unavailable.", ec.message());
        auto& lowest = beast::get_lowest_layer(stream);
        lowest.expires_at(connect_deadline);
        auto [connect_ec, endpoint] = co_await lowest.async_connect(endpoints, use_tuple);
        if (connect_ec)
            co_return peer_failed(target.host, "connect", connect_ec);
        lowest.expires_at(deadline);
        auto [handshake_ec] = co_await stream.async_handshake(ssl::stream_base::client, use_tuple);
        if (handshake_ec)
            co_return peer_failed(target.host, "tls handshake", handshake_ec);
        co_return co_await exchange(stream, out, target);
    }

    // The request for one hop: Host from the URL, our User-Agent unless the caller gave one,
    // framing headers ours. Credentials are for the first target only (a signature covers its
    // host and path; curl and browsers drop Authorization on redirects too).
    OutgoingRequest prepare(const CallState& call, const FetchUrl& target, bool redirected) const
    {
        OutgoingRequest out { call.method, target.url, target.request_target,
            { { "host", target.host_header } }, call.body };
        bool caller_agent = std::any_of(call.headers.begin(), call.headers.end(),
            [](const auto& h) { return iequals(h.first, "user-agent"); });
        if (!caller_agent)
            out.headers.emplace_back("user-agent", options.user_agent);
        for (const auto& [name, value] : call.headers) {
            std::string lname = to_lower(name);
            if (lname == "host" || lname == "content-length" || lname == "transfer-encoding"
                || lname == "connection")
                continue;
            if (redirected && (lname == "signature" || lname == "authorization" || lname == "cookie"))
                continue;
            out.headers.emplace_back(std::move(lname), value);
        }
        return out;
    }

    // notes/federation-security.md §C, §D: every hop re-validated, re-resolved and re-checked;
    // at most max_redirects, GET only, never from https down to http.
    net::awaitable<void> run(std::shared_ptr<CallState> call) { call->result = co_await follow(*call); }

    net::awaitable<Result<FetchResponse>> follow(CallState& call)
    {
        std::string url = call.url;
        bool previous_tls = false;
        for (int redirects = 0;;) {
            auto target = parse_fetch_url(url);
            if (!target && redirects > 0)
                co_return fail(ErrorKind::PeerFailed, "The remote server redirected to an unusable URL.",
                    target.error().public_message);
            if (!target)
                co_return forward(target);
            if (redirects > 0 && previous_tls && !target->tls)
                co_return fail(ErrorKind::PeerFailed, "The remote server redirected from https to http.");
            if (Clock::now() >= call.deadline)
                co_return fail(ErrorKind::PeerFailed, "Timed out talking to " + target->host + ".");
            auto endpoints = co_await resolve(*target, call.deadline);
            if (!endpoints)
                co_return forward(endpoints);
            OutgoingRequest out = prepare(call, *target, redirects > 0);
            if (options.before_send)
                options.before_send(out);
            auto response = co_await hop(*target, *endpoints, out, call.deadline);
            if (!response)
                co_return response;
            auto location = response->header("location");
            if (call.method != "GET" || !is_redirect(response->status) || !location) {
                response->final_url = target->url;
                co_return response;
            }
            if (redirects >= options.max_redirects)
                co_return fail(ErrorKind::PeerFailed, "Too many redirects from " + target->host + ".",
                    "more than " + std::to_string(options.max_redirects));
            auto next = resolve_redirect(target->url, *location);
            if (!next)
                co_return forward(next);
            url = std::move(*next);
            previous_tls = target->tls;
            ++redirects;
        }
    }

    Result<FetchResponse> call(
        std::string method, std::string_view url, const HeaderList& headers, std::string body)
    {
        for (const auto& [name, value] : headers)
            if (!valid_header(name, value))
                return fail(ErrorKind::InvalidInput, "Invalid request header.", "header name: " + name);
        auto state = std::make_shared<CallState>();
        state->method = std::move(method);
        state->url = std::string(url);
        state->headers = headers;
        state->body = std::move(body);
        state->deadline = Clock::now() + options.total_timeout;
        auto future = state->promise.get_future();
        net::co_spawn(ioc, run(state), [state](std::exception_ptr e) {
            if (e || !state->result) {
                std::string what = "no result";
                try { // the edge where an exception from a library would surface
                    if (e)
                        std::rethrow_exception(e);
                } catch (const std::exception& ex) {
                    what = ex.what();
                } catch (...) {
                    what = "unknown exception";
                }
                state->result = fail(ErrorKind::Internal, "Internal error while fetching.", what);
            }
            state->promise.set_value(std::move(*state->result));
        });
        if (future.wait_for(options.total_timeout + kCallerGrace) != std::future_status::ready)
            return fail(ErrorKind::PeerFailed, "Timed out fetching a remote resource.", "caller deadline");
        return future.get();
    }
};

std::optional<std::string_view> FetchResponse::header(std::string_view name) const
{
    for (const auto& [n, v] : headers)
        if (iequals(n, name))
            return std::string_view(v);
    return std::nullopt;
}

std::string default_user_agent(std::string_view base_url)
{
    // ASCII product token: "è" is not a tchar (RFC 9110 §10.1.5, §5.6.2).
    std::string agent = "Confrere/" CONFRERE_VERSION;
    if (!base_url.empty())
        agent += " (+" + std::string(base_url) + ")";
    return agent;
}

HttpFetcher::HttpFetcher(HttpFetcherOptions options)
    : impl_(std::make_unique<Impl>(std::move(options)))
{ }

HttpFetcher::~HttpFetcher() = default;

Result<FetchResponse> HttpFetcher::get(std::string_view url, const HeaderList& headers)
{
    return impl_->call("GET", url, headers, {});
}

Result<FetchResponse> HttpFetcher::post(std::string_view url, const HeaderList& headers, std::string body)
{
    return impl_->call("POST", url, headers, std::move(body));
}

const HttpFetcherOptions& HttpFetcher::options() const
{
    return impl_->options;
}

bool is_activitypub_content_type(std::string_view content_type)
{
    std::size_t semicolon = content_type.find(';');
    std::string_view type = text::trim(content_type.substr(0, semicolon));
    if (iequals(type, "application/activity+json"))
        return true;
    if (!iequals(type, "application/ld+json") || semicolon == std::string_view::npos)
        return false;
    // Parameters (RFC 9110 §5.6.6): `;` name `=` (token / quoted-string).
    std::string_view rest = content_type.substr(semicolon + 1);
    while (!rest.empty()) {
        std::size_t eq = rest.find_first_of("=;");
        std::string_view name = text::trim(rest.substr(0, eq));
        if (eq == std::string_view::npos)
            return false;
        if (rest[eq] == ';') {
            rest.remove_prefix(eq + 1);
            continue;
        }
        rest.remove_prefix(eq + 1);
        while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t'))
            rest.remove_prefix(1);
        std::string value;
        if (!rest.empty() && rest.front() == '"') {
            std::size_t i = 1;
            for (; i < rest.size() && rest[i] != '"'; ++i) {
                if (rest[i] == '\\' && i + 1 < rest.size())
                    ++i;
                value += rest[i];
            }
            rest.remove_prefix(std::min(rest.size(), i + 1));
            std::size_t next = rest.find(';');
            rest = next == std::string_view::npos ? std::string_view {} : rest.substr(next + 1);
        } else {
            std::size_t end = rest.find(';');
            value = text::trim(rest.substr(0, end));
            rest = end == std::string_view::npos ? std::string_view {} : rest.substr(end + 1);
        }
        if (!iequals(name, "profile"))
            continue;
        // A space-separated list of URIs (RFC 6906 §3.1); Mastodon splits on whitespace.
        std::size_t pos = 0;
        while (pos < value.size()) {
            std::size_t start = value.find_first_not_of(" \t", pos);
            if (start == std::string::npos)
                break;
            std::size_t stop = value.find_first_of(" \t", start);
            if (std::string_view(value).substr(start, stop - start)
                == "https://www.w3.org/ns/activitystreams")
                return true;
            pos = stop;
        }
    }
    return false;
}

} // namespace confrere::federation
