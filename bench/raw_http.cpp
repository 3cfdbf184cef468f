#include "bench/raw_http.hpp"

#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace confrere::bench {

namespace {

std::string lower(std::string_view s)
{
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The value of header `name` (lower case, with its colon) in a lower-cased head, or empty.
std::string_view header_value(std::string_view head, std::string_view name)
{
    auto at = head.find(name);
    if (at == std::string_view::npos)
        return {};
    auto value = head.substr(at + name.size());
    value = value.substr(0, value.find("\r\n"));
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    return value;
}

} // namespace

RawHttpConnection::~RawHttpConnection()
{
    close();
}

void RawHttpConnection::close()
{
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
    buffer_.clear();
}

bool RawHttpConnection::connect(int port)
{
    close();
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        error_ = std::string("socket: ") + std::strerror(errno);
        return false;
    }
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        error_ = std::string("connect: ") + std::strerror(errno);
        close();
        return false;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return true;
}

bool RawHttpConnection::send_all(std::string_view bytes)
{
    while (!bytes.empty()) {
        const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            error_ = std::string("send: ") + std::strerror(errno);
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool RawHttpConnection::receive_more(std::chrono::steady_clock::time_point deadline)
{
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            error_ = "timeout";
            return false;
        }
        pollfd waiting { fd_, POLLIN, 0 };
        const int ready = ::poll(&waiting, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0) {
            error_ = std::string("poll: ") + std::strerror(errno);
            return false;
        }
        if (ready == 0)
            continue; // the deadline check above ends it
        char chunk[16384];
        const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error_ = std::string("recv: ") + std::strerror(errno);
            return false;
        }
        if (n == 0) {
            error_ = "connection closed by the server";
            return false;
        }
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return true;
    }
}

RawAnswer RawHttpConnection::exchange(std::string_view request, std::chrono::milliseconds timeout)
{
    RawAnswer answer;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    if (fd_ < 0 || !send_all(request)) {
        answer.error = fd_ < 0 ? "not connected" : error_;
        close();
        return answer;
    }
    auto head_end = buffer_.find("\r\n\r\n");
    while (head_end == std::string::npos) {
        if (!receive_more(deadline)) {
            answer.error = error_;
            close();
            return answer;
        }
        head_end = buffer_.find("\r\n\r\n");
    }
    const std::string head = lower(std::string_view(buffer_).substr(0, head_end + 2));
    // "http/1.1 202 accepted"
    const auto space = head.find(' ');
    int status = 0;
    if (head.starts_with("http/1.") && space != std::string::npos)
        std::from_chars(head.data() + space + 1, head.data() + std::min(head.size(), space + 4), status);
    std::size_t length = 0;
    const auto length_text = header_value(head, "\r\ncontent-length:");
    std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
    if (!header_value(head, "\r\ntransfer-encoding:").empty()) {
        answer.error = "chunked answers are not supported";
        close();
        return answer;
    }
    const std::size_t body_start = head_end + 4;
    while (buffer_.size() < body_start + length) {
        if (!receive_more(deadline)) {
            answer.error = error_;
            close();
            return answer;
        }
    }
    answer.status = status;
    answer.body = buffer_.substr(body_start, length);
    answer.keep_alive = header_value(head, "\r\nconnection:") != "close";
    buffer_.erase(0, body_start + length);
    if (!answer.keep_alive)
        close();
    return answer;
}

std::string serialise_post(std::string_view path, const HeaderLines& headers, std::string_view body)
{
    std::string out;
    out.reserve(body.size() + 1024);
    out.append("POST ").append(path).append(" HTTP/1.1\r\n");
    for (const auto& [name, value] : headers)
        out.append(name).append(": ").append(value).append("\r\n");
    out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n\r\n");
    out.append(body);
    return out;
}

} // namespace confrere::bench
