// A minimal blocking HTTP/1.1 client on a loopback socket for the load generators: it sends
// requests serialised in advance byte for byte and reads back status and body, so that the
// timed loop costs a send and a receive and nothing else. Not a general client: it expects a
// Content-Length (or no body) on every answer, as Beast-based servers give.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace confrere::bench {

// One answer: `status` 0 when none could be read (then `error` says why).
struct RawAnswer {
    int status = 0;
    bool keep_alive = true; // false on "Connection: close" (the caller must reconnect)
    std::string body;
    std::string error;
};

class RawHttpConnection {
public:
    RawHttpConnection() = default;
    ~RawHttpConnection();
    RawHttpConnection(const RawHttpConnection&) = delete;
    RawHttpConnection& operator=(const RawHttpConnection&) = delete;

    // Connects to 127.0.0.1:port with TCP_NODELAY (closing any previous socket). False with
    // error() on failure.
    bool connect(int port);
    void close();
    bool connected() const { return fd_ >= 0; }
    // Sends `request` whole, then reads one answer, waiting at most `timeout` in all.
    RawAnswer exchange(std::string_view request, std::chrono::milliseconds timeout);
    const std::string& error() const { return error_; }

private:
    bool send_all(std::string_view bytes);
    bool receive_more(std::chrono::steady_clock::time_point deadline);

    int fd_ = -1;
    std::string buffer_; // bytes received past the previous answer
    std::string error_;
};

using HeaderLines = std::vector<std::pair<std::string, std::string>>;

// "POST PATH HTTP/1.1" with `headers` in order, a Content-Length and the body, ready for
// RawHttpConnection::exchange.
std::string serialise_post(std::string_view path, const HeaderLines& headers, std::string_view body);

} // namespace confrere::bench
