// fanout_ceiling: the simplest deliverer of one activity to N inboxes, the ceiling of
// bench/fanout_bench.sh. For each port it does what a delivery worker must do and nothing else:
// sign the POST as Mastodon does (federation::sign_post, RSA-2048), open a connection to
// 127.0.0.1:PORT, send `POST /inbox` with BODY_FILE (the very body Confrère delivered), read the
// answer, close (Confrère's outbound client closes after each request too). No database, no
// queue, no lease. THREADS threads share the ports, as Confrère's delivery workers share the
// deliveries.
//
// Usage: fanout_ceiling BODY_FILE THREADS PORT [PORT…]
// Prints "ceiling DELIVERED SECONDS FAILED"; exits 1 if any answer was not 2xx.
#include "bench/raw_http.hpp"
#include "core/base/time.hpp"
#include "core/crypto/keys.hpp"
#include "federation/http_signature.hpp"

#include <atomic>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using namespace confrere;

bool parse_number(std::string_view text, int& out)
{
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc {} && end == text.data() + text.size() && out > 0;
}

} // namespace

int main(int argc, char** argv)
{
    int threads = 0;
    if (argc < 4 || !parse_number(argv[2], threads)) {
        std::fprintf(stderr, "usage: %s BODY_FILE THREADS PORT [PORT...]\n", argv[0]);
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    const std::string body = content.str();
    if (body.empty()) {
        std::fprintf(stderr, "fanout_ceiling: %s is empty or missing\n", argv[1]);
        return 1;
    }
    std::vector<int> ports;
    for (int i = 3; i < argc; ++i) {
        int port = 0;
        if (!parse_number(argv[i], port) || port > 65535) {
            std::fprintf(stderr, "fanout_ceiling: bad port '%s'\n", argv[i]);
            return 2;
        }
        ports.push_back(port);
    }
    auto pair = crypto::generate_rsa_key_pair(2048);
    if (!pair) {
        std::fprintf(stderr, "fanout_ceiling: key generation failed\n");
        return 1;
    }
    auto key = federation::parse_private_key_pem(pair->private_pem);
    if (!key) {
        std::fprintf(stderr, "fanout_ceiling: key parsing failed\n");
        return 1;
    }
    const std::string key_id = "http://127.0.0.1:1/users/ceiling#main-key";

    std::atomic<std::size_t> next { 0 };
    std::atomic<int> delivered { 0 }, failed { 0 };
    auto work = [&] {
        SystemClock clock;
        bench::RawHttpConnection connection;
        for (std::size_t i = next++; i < ports.size(); i = next++) {
            const std::string host = "127.0.0.1:" + std::to_string(ports[i]);
            auto h = federation::sign_post(*key, key_id, host, "/inbox", body, clock.now());
            if (!h || !connection.connect(ports[i])) {
                ++failed;
                continue;
            }
            auto request = bench::serialise_post("/inbox",
                { { "Host", host }, { "Content-Type", h->content_type }, { "Date", h->date },
                    { "Digest", h->digest }, { "Signature", h->signature },
                    { "Accept", std::string(federation::kFetchAccept) }, { "Connection", "close" } },
                body);
            auto answer = connection.exchange(request, std::chrono::seconds(10));
            connection.close();
            if (answer.status >= 200 && answer.status < 300)
                ++delivered;
            else
                ++failed;
        }
    };
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i)
        pool.emplace_back(work);
    for (auto& thread : pool)
        thread.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("ceiling %d %.6f %d\n", delivered.load(), seconds, failed.load());
    return failed.load() == 0 ? 0 : 1;
}
