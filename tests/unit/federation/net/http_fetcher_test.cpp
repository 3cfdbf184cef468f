// The outbound federation client against servers run in the test on 127.0.0.1 (cpp-httplib):
// the SSRF guard before any connection, limits, deadline, redirects, TLS verification.
// Nothing here contacts anything but 127.0.0.1; refused targets are refused before a connection.
#include "core/base/c_handle.hpp"
#include "federation/net/http_fetcher.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace confrere::federation {
namespace {

using namespace std::chrono_literals;

// An httplib server on 127.0.0.1, port 0, that counts the requests it routes.
class LoopbackServer {
public:
    explicit LoopbackServer(std::unique_ptr<httplib::Server> server = std::make_unique<httplib::Server>())
        : server_(std::move(server))
    {
        server_->set_pre_routing_handler([this](const httplib::Request&, httplib::Response&) {
            ++requests_;
            return httplib::Server::HandlerResponse::Unhandled;
        });
    }
    ~LoopbackServer()
    {
        if (thread_.joinable()) {
            server_->stop();
            thread_.join();
        }
    }

    httplib::Server& http() { return *server_; }

    // Binds and serves; waits (bounded) until the server runs, so that stop() cannot be missed.
    void start()
    {
        port_ = server_->bind_to_any_port("127.0.0.1");
        ASSERT_GT(port_, 0);
        thread_ = std::thread([this] { server_->listen_after_bind(); });
        auto limit = std::chrono::steady_clock::now() + 5s;
        while (!server_->is_running() && std::chrono::steady_clock::now() < limit)
            std::this_thread::yield();
        ASSERT_TRUE(server_->is_running());
    }

    int port() const { return port_; }
    std::string url(std::string_view path, std::string_view scheme = "http") const
    {
        return std::string(scheme) + "://127.0.0.1:" + std::to_string(port_) + std::string(path);
    }
    int requests() const { return requests_.load(); }

private:
    std::unique_ptr<httplib::Server> server_;
    std::thread thread_;
    int port_ = 0;
    std::atomic<int> requests_ { 0 };
};

HttpFetcherOptions allowing_private()
{
    HttpFetcherOptions options;
    options.allow_private = true;
    return options;
}

std::string explain(const Result<FetchResponse>& r)
{
    if (r)
        return "HTTP " + std::to_string(r->status);
    return "error " + std::to_string(static_cast<int>(r.error().kind)) + ": " + r.error().public_message
        + " [" + r.error().detail + "]";
}

// --- The address policy applies before any connection -------------------------------------

TEST(HttpFetcher, LoopbackIsRefusedWithoutAllowPrivateAndNoConnectionIsMade)
{
    LoopbackServer server;
    server.http().Get(
        "/", [](const httplib::Request&, httplib::Response& res) { res.set_content("hi", "text/plain"); });
    server.start();
    HttpFetcher fetcher;
    auto r = fetcher.get(server.url("/"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::Forbidden);
    EXPECT_NE(r.error().public_message.find("127.0.0.1"), std::string::npos) << explain(r);
    for (const std::string host : { "localhost", "[::1]", "[::ffff:127.0.0.1]", "0.0.0.0", "127.1.2.3" }) {
        auto other = fetcher.get("http://" + host + ":" + std::to_string(server.port()) + "/");
        ASSERT_FALSE(other) << host;
        EXPECT_EQ(other.error().kind, ErrorKind::Forbidden) << host << " " << explain(other);
    }
    EXPECT_EQ(server.requests(), 0);
}

TEST(HttpFetcher, UnspecifiedAddressIsRefusedEvenWithAllowPrivate)
{
    // Connecting to 0.0.0.0 reaches the local host (Lemmy CVE-2026-33693).
    LoopbackServer server;
    server.http().Get(
        "/", [](const httplib::Request&, httplib::Response& res) { res.set_content("hi", "text/plain"); });
    server.start();
    HttpFetcher fetcher(allowing_private());
    auto r = fetcher.get("http://0.0.0.0:" + std::to_string(server.port()) + "/");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::Forbidden);
    EXPECT_EQ(server.requests(), 0);
}

TEST(HttpFetcher, LoopbackIsAllowedWithAllowPrivate)
{
    LoopbackServer server;
    server.http().Get(
        "/", [](const httplib::Request&, httplib::Response& res) { res.set_content("hi", "text/plain"); });
    server.start();
    HttpFetcher fetcher(allowing_private());
    auto r = fetcher.get(server.url("/"));
    ASSERT_TRUE(r) << explain(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "hi");
    EXPECT_EQ(server.requests(), 1);
}

// --- Requests and answers ------------------------------------------------------------------

TEST(HttpFetcher, GetSendsTheCallersHeadersAndAnswersWithLowerCaseHeaderNames)
{
    LoopbackServer server;
    std::mutex mutex;
    httplib::Headers seen;
    server.http().Get("/users/alice", [&](const httplib::Request& req, httplib::Response& res) {
        {
            std::lock_guard lock(mutex);
            seen = req.headers;
        }
        res.set_header("X-Custom-Header", "value");
        res.status = 203;
        res.set_content(R"({"id":"x"})", "application/activity+json");
    });
    server.start();
    HttpFetcher fetcher(allowing_private());
    std::string url = server.url("/users/alice?page=1");
    auto r = fetcher.get(url, { { "Accept", "application/activity+json" }, { "X-Test", "1" } });
    ASSERT_TRUE(r) << explain(r);
    EXPECT_EQ(r->status, 203);
    EXPECT_EQ(r->body, R"({"id":"x"})");
    EXPECT_EQ(r->final_url, url);
    EXPECT_EQ(r->header("X-CUSTOM-HEADER").value_or(""), "value");
    EXPECT_EQ(r->header("content-type").value_or(""), "application/activity+json");
    EXPECT_FALSE(r->header("x-absent"));
    for (const auto& [name, value] : r->headers)
        for (char c : name)
            EXPECT_FALSE(c >= 'A' && c <= 'Z') << name;
    std::lock_guard lock(mutex);
    auto header = [&](const char* name) {
        auto it = seen.find(name);
        return it == seen.end() ? std::string("(absent)") : it->second;
    };
    EXPECT_EQ(header("Accept"), "application/activity+json");
    EXPECT_EQ(header("X-Test"), "1");
    EXPECT_EQ(header("Host"), "127.0.0.1:" + std::to_string(server.port()));
    EXPECT_EQ(header("User-Agent").rfind("Confrere/", 0), 0u) << header("User-Agent");
}

TEST(HttpFetcher, ConfiguredUserAgentIsSent)
{
    LoopbackServer server;
    std::string agent;
    server.http().Get("/", [&](const httplib::Request& req, httplib::Response& res) {
        agent = req.get_header_value("User-Agent");
        res.set_content("ok", "text/plain");
    });
    server.start();
    auto options = allowing_private();
    options.user_agent = default_user_agent("https://pharma.example");
    HttpFetcher fetcher(options);
    auto r = fetcher.get(server.url("/"));
    ASSERT_TRUE(r) << explain(r);
    EXPECT_EQ(agent.rfind("Confrere/", 0), 0u) << agent;
    EXPECT_NE(agent.find("(+https://pharma.example)"), std::string::npos) << agent;
}

TEST(HttpFetcher, PostDeliversTheBody)
{
    LoopbackServer server;
    std::string body;
    std::string type;
    server.http().Post("/inbox", [&](const httplib::Request& req, httplib::Response& res) {
        body = req.body;
        type = req.get_header_value("Content-Type");
        res.status = 202;
    });
    server.start();
    HttpFetcher fetcher(allowing_private());
    std::string activity = R"({"type":"Create","object":{"content":"é"}})";
    auto r
        = fetcher.post(server.url("/inbox"), { { "Content-Type", "application/activity+json" } }, activity);
    ASSERT_TRUE(r) << explain(r);
    EXPECT_EQ(r->status, 202);
    EXPECT_EQ(body, activity);
    EXPECT_EQ(type, "application/activity+json");
}

TEST(HttpFetcher, PostIsNotRedirected)
{
    LoopbackServer server;
    server.http().Post("/inbox",
        [&](const httplib::Request&, httplib::Response& res) { res.set_redirect("/elsewhere", 307); });
    server.http().Post(
        "/elsewhere", [&](const httplib::Request&, httplib::Response& res) { res.status = 202; });
    server.start();
    HttpFetcher fetcher(allowing_private());
    auto r = fetcher.post(server.url("/inbox"), {}, "{}");
    ASSERT_TRUE(r) << explain(r);
    EXPECT_EQ(r->status, 307);
    EXPECT_EQ(r->header("location").value_or(""), "/elsewhere");
    EXPECT_EQ(server.requests(), 1);
}

TEST(HttpFetcher, HeaderWithALineBreakIsRefusedBeforeAnyConnection)
{
    LoopbackServer server;
    server.start();
    HttpFetcher fetcher(allowing_private());
    auto r = fetcher.get(server.url("/"), { { "X-A", "v\r\nInjected: 1" } });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::InvalidInput);
    auto bad_name = fetcher.get(server.url("/"), { { "Bad Name", "v" } });
    ASSERT_FALSE(bad_name);
    EXPECT_EQ(bad_name.error().kind, ErrorKind::InvalidInput);
    EXPECT_EQ(server.requests(), 0);
}

TEST(HttpFetcher, ManyThreadsMayFetchAtOnce)
{
    LoopbackServer server;
    server.http().Get(R"(/n/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
        res.set_content(req.matches[1].str(), "text/plain");
    });
    server.start();
    HttpFetcher fetcher(allowing_private());
    constexpr int kThreads = 6;
    constexpr int kEach = 5;
    std::atomic<int> right { 0 };
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                std::string n = std::to_string(t * kEach + i);
                auto r = fetcher.get(server.url("/n/" + n));
                if (r && r->status == 200 && r->body == n)
                    ++right;
            }
        });
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(right.load(), kThreads * kEach);
    EXPECT_EQ(server.requests(), kThreads * kEach);
}

// --- Limits and deadline -------------------------------------------------------------------

TEST(HttpFetcher, BodyOverTheLimitIsRefused)
{
    LoopbackServer server;
    server.http().Get("/big", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(std::string(1025, 'x'), "application/activity+json");
    });
    server.http().Get("/exact", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(std::string(1024, 'x'), "application/activity+json");
    });
    server.start();
    auto options = allowing_private();
    options.max_response_bytes = 1024;
    HttpFetcher fetcher(options);
    auto big = fetcher.get(server.url("/big"));
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().kind, ErrorKind::PayloadTooLarge) << explain(big);
    auto exact = fetcher.get(server.url("/exact"));
    ASSERT_TRUE(exact) << explain(exact);
    EXPECT_EQ(exact->body.size(), 1024u);
}

TEST(HttpFetcher, ChunkedBodyOverTheLimitIsRefusedWithoutReadingItAll)
{
    constexpr std::size_t kOffered = 64 * 1024 * 1024;
    LoopbackServer server;
    std::mutex mutex;
    std::condition_variable finished_cv;
    bool finished = false;
    std::atomic<std::size_t> sent { 0 };
    server.http().Get("/stream", [&](const httplib::Request&, httplib::Response& res) {
        res.set_chunked_content_provider(
            "application/activity+json",
            [&](std::size_t, httplib::DataSink& sink) {
                std::string chunk(64 * 1024, 'x');
                if (!sink.write(chunk.data(), chunk.size()))
                    return false;
                if (sent.fetch_add(chunk.size()) + chunk.size() >= kOffered)
                    sink.done();
                return true;
            },
            [&](bool) {
                std::lock_guard lock(mutex);
                finished = true;
                finished_cv.notify_all();
            });
    });
    server.start();
    auto options = allowing_private();
    options.max_response_bytes = 256 * 1024;
    HttpFetcher fetcher(options);
    auto r = fetcher.get(server.url("/stream"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::PayloadTooLarge) << explain(r);
    std::unique_lock lock(mutex);
    ASSERT_TRUE(finished_cv.wait_for(lock, 10s, [&] { return finished; }));
    EXPECT_LT(sent.load(), kOffered);
}

TEST(HttpFetcher, SlowServerHitsTheTotalTimeout)
{
    LoopbackServer server;
    std::mutex mutex;
    std::condition_variable release_cv;
    bool release = false;
    server.http().Get("/slow", [&](const httplib::Request&, httplib::Response& res) {
        std::unique_lock lock(mutex);
        release_cv.wait_for(lock, 10s, [&] { return release; });
        res.set_content("late", "text/plain");
    });
    server.start();
    auto options = allowing_private();
    options.total_timeout = 1s;
    HttpFetcher fetcher(options);
    auto r = fetcher.get(server.url("/slow"));
    {
        std::lock_guard lock(mutex);
        release = true;
        release_cv.notify_all();
    }
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::PeerFailed);
    EXPECT_NE(r.error().public_message.find("Timed out"), std::string::npos) << explain(r);
    // The fetcher's own deadline fired, not the caller's backstop.
    EXPECT_EQ(r.error().detail, "read: timeout") << explain(r);
}

TEST(HttpFetcher, ConnectionRefusedIsAPeerFailure)
{
    int closed_port = 0;
    {
        LoopbackServer gone;
        gone.start();
        closed_port = gone.port();
    }
    HttpFetcher fetcher(allowing_private());
    auto r = fetcher.get("http://127.0.0.1:" + std::to_string(closed_port) + "/");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::PeerFailed) << explain(r);
}

// --- Redirects -----------------------------------------------------------------------------

// /hops/N redirects to /hops/N-1 (relative), /hops/0 answers.
void serve_hops(LoopbackServer& server)
{
    server.http().Get(R"(/hops/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
        int n = std::stoi(req.matches[1]);
        if (n == 0)
            res.set_content("arrived", "text/plain");
        else
            res.set_redirect("/hops/" + std::to_string(n - 1), n % 2 == 0 ? 301 : 302);
    });
}

TEST(HttpFetcher, RedirectsAreFollowedAndCounted)
{
    LoopbackServer server;
    serve_hops(server);
    server.start();
    HttpFetcher fetcher(allowing_private());
    auto r = fetcher.get(server.url("/hops/3"));
    ASSERT_TRUE(r) << explain(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "arrived");
    EXPECT_EQ(r->final_url, server.url("/hops/0"));
    EXPECT_EQ(server.requests(), 4);
}

TEST(HttpFetcher, FiveRedirectsAreFollowedButNotSix)
{
    LoopbackServer server;
    serve_hops(server);
    server.start();
    HttpFetcher fetcher(allowing_private());
    auto five = fetcher.get(server.url("/hops/5"));
    ASSERT_TRUE(five) << explain(five);
    EXPECT_EQ(server.requests(), 6);
    auto six = fetcher.get(server.url("/hops/6"));
    ASSERT_FALSE(six);
    EXPECT_EQ(six.error().kind, ErrorKind::PeerFailed);
    EXPECT_NE(six.error().public_message.find("Too many redirects"), std::string::npos) << explain(six);
    EXPECT_EQ(server.requests(), 6 + 6);
}

TEST(HttpFetcher, AbsoluteRedirectIsRevalidatedAgainstThePolicy)
{
    LoopbackServer server;
    serve_hops(server);
    server.http().Get("/absolute", [&](const httplib::Request&, httplib::Response& res) {
        res.set_redirect(server.url("/hops/0"), 308);
    });
    server.start();
    HttpFetcher fetcher(allowing_private());
    auto r = fetcher.get(server.url("/absolute"));
    ASSERT_TRUE(r) << explain(r);
    EXPECT_EQ(r->final_url, server.url("/hops/0"));
}

TEST(HttpFetcher, RedirectToTheMetadataAddressIsRefusedWithoutConnecting)
{
    LoopbackServer server;
    server.http().Get("/", [](const httplib::Request&, httplib::Response& res) {
        res.set_redirect("http://169.254.169.254/latest/meta-data/", 302);
    });
    server.start();
    HttpFetcher fetcher(allowing_private());
    auto r = fetcher.get(server.url("/"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::Forbidden) << explain(r);
    EXPECT_NE(r.error().public_message.find("169.254.169.254"), std::string::npos);
    EXPECT_EQ(server.requests(), 1);
}

TEST(HttpFetcher, RedirectToTheUnspecifiedAddressIsRefused)
{
    // 0.0.0.0 would reach this very server: the second hop must be refused, not sent.
    LoopbackServer server;
    server.http().Get("/", [&](const httplib::Request&, httplib::Response& res) {
        res.set_redirect("http://0.0.0.0:" + std::to_string(server.port()) + "/", 302);
    });
    server.start();
    HttpFetcher fetcher(allowing_private());
    auto r = fetcher.get(server.url("/"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::Forbidden) << explain(r);
    EXPECT_EQ(server.requests(), 1);
}

TEST(HttpFetcher, RedirectToAnotherSchemeIsRefused)
{
    LoopbackServer server;
    server.http().Get("/file",
        [](const httplib::Request&, httplib::Response& res) { res.set_redirect("file:///etc/passwd", 302); });
    server.http().Get("/gopher", [](const httplib::Request&, httplib::Response& res) {
        res.set_redirect("gopher://127.0.0.1:70/", 302);
    });
    server.start();
    HttpFetcher fetcher(allowing_private());
    for (const char* path : { "/file", "/gopher" }) {
        auto r = fetcher.get(server.url(path));
        ASSERT_FALSE(r) << path;
        EXPECT_EQ(r.error().kind, ErrorKind::PeerFailed) << explain(r);
    }
    EXPECT_EQ(server.requests(), 2);
}

TEST(HttpFetcher, RedirectedRequestLosesItsCredentialsAndIsShownToBeforeSendAgain)
{
    LoopbackServer server;
    std::mutex mutex;
    std::vector<std::string> signatures;
    server.http().Get(R"(/hops/(\d+))", [&](const httplib::Request& req, httplib::Response& res) {
        {
            std::lock_guard lock(mutex);
            signatures.push_back(
                req.get_header_value("Signature") + "|" + req.get_header_value("Authorization"));
        }
        if (req.matches[1] == "1")
            res.set_redirect("/hops/0", 302);
        else
            res.set_content("ok", "text/plain");
    });
    server.start();
    std::vector<std::string> hops; // only the I/O thread appends, the test reads after get()
    auto options = allowing_private();
    options.before_send = [&hops](OutgoingRequest& out) {
        hops.push_back(out.method + " " + out.url + " " + out.target);
        out.headers.emplace_back("x-hook", "1");
    };
    HttpFetcher fetcher(options);
    auto r = fetcher.get(
        server.url("/hops/1"), { { "Signature", "keyId=\"k\"" }, { "Authorization", "Bearer t" } });
    ASSERT_TRUE(r) << explain(r);
    ASSERT_EQ(hops.size(), 2u);
    EXPECT_EQ(hops[0], "GET " + server.url("/hops/1") + " /hops/1");
    EXPECT_EQ(hops[1], "GET " + server.url("/hops/0") + " /hops/0");
    std::lock_guard lock(mutex);
    ASSERT_EQ(signatures.size(), 2u);
    EXPECT_EQ(signatures[0], "keyId=\"k\"|Bearer t");
    EXPECT_EQ(signatures[1], "|");
}

// --- URLs ----------------------------------------------------------------------------------

TEST(HttpFetcher, NonHttpSchemesAreRefused)
{
    LoopbackServer server;
    server.start();
    HttpFetcher fetcher(allowing_private());
    std::string port = std::to_string(server.port());
    for (const std::string& url :
        std::vector<std::string> { "file:///etc/passwd", "gopher://127.0.0.1:" + port + "/",
            "ftp://127.0.0.1:" + port + "/", std::string("data:application/activity+json,{}"),
            std::string("javascript:alert(1)"), "ws://127.0.0.1:" + port + "/" }) {
        auto r = fetcher.get(url);
        ASSERT_FALSE(r) << url;
        EXPECT_EQ(r.error().kind, ErrorKind::InvalidInput) << url;
    }
    EXPECT_EQ(server.requests(), 0);
}

TEST(HttpFetcher, UrlWithUserinfoIsRefused)
{
    LoopbackServer server;
    server.start();
    HttpFetcher fetcher(allowing_private());
    std::string port = std::to_string(server.port());
    for (const std::string& url : std::vector<std::string> { "http://user:secret@127.0.0.1:" + port + "/",
             "http://user@127.0.0.1:" + port + "/", "http://@127.0.0.1:" + port + "/",
             "http://public.example@127.0.0.1:" + port + "/" }) {
        auto r = fetcher.get(url);
        ASSERT_FALSE(r) << url;
        EXPECT_EQ(r.error().kind, ErrorKind::InvalidInput) << url;
        EXPECT_EQ(r.error().public_message.find("secret"), std::string::npos);
    }
    EXPECT_EQ(server.requests(), 0);
}

TEST(HttpFetcher, MalformedUrlsAreRefused)
{
    LoopbackServer server;
    server.start();
    HttpFetcher fetcher(allowing_private());
    std::string port = std::to_string(server.port());
    for (const std::string& url : std::vector<std::string> { std::string(), std::string("/relative/path"),
             std::string("http://"), std::string("http:///path"), std::string("http://127.0.0.1:0/"),
             std::string("http://127.0.0.1:99999/"), std::string("http://127.0.0.1:65536/"),
             std::string("http://127.0.0.1:4294967377/"), "http://127.0.0.1:/",
             std::string("http://exa%6dple.com/"), std::string("http://[v7.abc]/"),
             "http://127.0.0.1:" + port + "/a b", "http://127.0.0.1:" + port + "/\r\nX-Injected: 1",
             "http://127.0.0.1:" + port + "/" + std::string(9000, 'a') }) {
        auto r = fetcher.get(url);
        ASSERT_FALSE(r) << url;
        EXPECT_EQ(r.error().kind, ErrorKind::InvalidInput) << url << " " << explain(r);
    }
    EXPECT_EQ(server.requests(), 0);
}

TEST(HttpFetcher, UpperCaseSchemeAndFragmentAreAccepted)
{
    LoopbackServer server;
    server.http().Get(
        "/note", [](const httplib::Request&, httplib::Response& res) { res.set_content("n", "text/plain"); });
    server.start();
    HttpFetcher fetcher(allowing_private());
    auto r = fetcher.get("HTTP://127.0.0.1:" + std::to_string(server.port()) + "/note#part");
    ASSERT_TRUE(r) << explain(r);
    EXPECT_EQ(r->final_url, "HTTP://127.0.0.1:" + std::to_string(server.port()) + "/note");
}

// --- TLS -----------------------------------------------------------------------------------

using X509Handle = CHandle<X509, &X509_free>;
using KeyHandle = CHandle<EVP_PKEY, &EVP_PKEY_free>;

struct TestCertificate {
    X509Handle cert;
    KeyHandle key;
    std::string pem;
};

// A self-signed P-256 certificate valid for an hour with one subjectAltName ("IP:127.0.0.1").
TestCertificate make_certificate(const std::string& alt_name)
{
    TestCertificate t;
    t.key.reset(EVP_EC_gen("P-256"));
    t.cert.reset(X509_new());
    X509* x = t.cert.get();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, t.key.get());
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(
        name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Confrere test"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
    CHandle<X509_EXTENSION, &X509_EXTENSION_free> ext(
        X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, alt_name.c_str()));
    X509_add_ext(x, ext.get(), -1);
    X509_sign(x, t.key.get(), EVP_sha256());
    CHandle<BIO, &BIO_free> bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), x);
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    t.pem.assign(data, static_cast<std::size_t>(size));
    return t;
}

std::unique_ptr<httplib::Server> tls_server(const TestCertificate& certificate)
{
    return std::make_unique<httplib::SSLServer>(certificate.cert.get(), certificate.key.get());
}

TEST(HttpFetcher, HttpsWithATrustedCertificateForTheAddressSucceeds)
{
    auto certificate = make_certificate("IP:127.0.0.1");
    LoopbackServer server(tls_server(certificate));
    server.http().Get("/",
        [](const httplib::Request&, httplib::Response& res) { res.set_content("secure", "text/plain"); });
    server.start();
    auto options = allowing_private();
    options.extra_ca_pem = certificate.pem;
    HttpFetcher fetcher(options);
    auto r = fetcher.get(server.url("/", "https"));
    ASSERT_TRUE(r) << explain(r);
    EXPECT_EQ(r->body, "secure");
}

TEST(HttpFetcher, UntrustedCertificateIsRefused)
{
    auto certificate = make_certificate("IP:127.0.0.1");
    LoopbackServer server(tls_server(certificate));
    server.http().Get("/",
        [](const httplib::Request&, httplib::Response& res) { res.set_content("secure", "text/plain"); });
    server.start();
    HttpFetcher fetcher(allowing_private());
    auto r = fetcher.get(server.url("/", "https"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::PeerFailed) << explain(r);
    EXPECT_NE(r.error().detail.find("tls handshake"), std::string::npos) << explain(r);
    EXPECT_EQ(server.requests(), 0);
}

TEST(HttpFetcher, CertificateForAnotherHostIsRefused)
{
    auto certificate = make_certificate("DNS:other.example");
    LoopbackServer server(tls_server(certificate));
    server.http().Get("/",
        [](const httplib::Request&, httplib::Response& res) { res.set_content("secure", "text/plain"); });
    server.start();
    auto options = allowing_private();
    options.extra_ca_pem = certificate.pem;
    HttpFetcher fetcher(options);
    auto r = fetcher.get(server.url("/", "https"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::PeerFailed) << explain(r);
    EXPECT_EQ(server.requests(), 0);
}

TEST(HttpFetcher, RedirectFromHttpsToHttpIsRefused)
{
    LoopbackServer plain;
    plain.http().Get(
        "/", [](const httplib::Request&, httplib::Response& res) { res.set_content("plain", "text/plain"); });
    plain.start();
    auto certificate = make_certificate("IP:127.0.0.1");
    LoopbackServer secure(tls_server(certificate));
    secure.http().Get(
        "/", [&](const httplib::Request&, httplib::Response& res) { res.set_redirect(plain.url("/"), 301); });
    secure.start();
    auto options = allowing_private();
    options.extra_ca_pem = certificate.pem;
    HttpFetcher fetcher(options);
    auto r = fetcher.get(secure.url("/", "https"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::PeerFailed) << explain(r);
    EXPECT_EQ(secure.requests(), 1);
    EXPECT_EQ(plain.requests(), 0);
}

// --- Content types (activitypub-interop.md §3) ---------------------------------------------

TEST(ActivityPubContentType, ActivityJsonIsAcceptedWithAnyParameters)
{
    EXPECT_TRUE(is_activitypub_content_type("application/activity+json"));
    EXPECT_TRUE(is_activitypub_content_type("application/activity+json; charset=utf-8"));
    EXPECT_TRUE(is_activitypub_content_type("Application/Activity+JSON"));
    EXPECT_TRUE(is_activitypub_content_type("  application/activity+json  ;charset=UTF-8"));
}

TEST(ActivityPubContentType, LdJsonNeedsTheActivityStreamsProfile)
{
    EXPECT_TRUE(is_activitypub_content_type(
        R"(application/ld+json; profile="https://www.w3.org/ns/activitystreams")"));
    EXPECT_TRUE(is_activitypub_content_type(
        R"(application/ld+json;profile="https://www.w3.org/ns/activitystreams";charset=utf-8)"));
    EXPECT_TRUE(is_activitypub_content_type(
        R"(application/ld+json; charset=utf-8; PROFILE="https://www.w3.org/ns/activitystreams")"));
    EXPECT_TRUE(is_activitypub_content_type(
        R"(application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted https://www.w3.org/ns/activitystreams")"));
    EXPECT_TRUE(
        is_activitypub_content_type("application/ld+json; profile=https://www.w3.org/ns/activitystreams"));
    EXPECT_FALSE(is_activitypub_content_type("application/ld+json"));
    EXPECT_FALSE(is_activitypub_content_type("application/ld+json; charset=utf-8"));
    EXPECT_FALSE(is_activitypub_content_type(R"(application/ld+json; profile="https://example.com/other")"));
    EXPECT_FALSE(is_activitypub_content_type(
        R"(application/ld+json; profile="https://www.w3.org/ns/activitystreamsX")"));
    EXPECT_FALSE(is_activitypub_content_type(
        R"(application/ld+json; x="profile=https://www.w3.org/ns/activitystreams")"));
}

TEST(ActivityPubContentType, OtherTypesAreRefused)
{
    for (const char* type : { "", "application/json", "text/html",
             "text/html; profile=\"https://www.w3.org/ns/activitystreams\"", "application/activity+jsonx",
             "application/activity", "application/ld+json+x", "application/activity+json-seq" }) {
        EXPECT_FALSE(is_activitypub_content_type(type)) << type;
    }
}

} // namespace
} // namespace confrere::federation
