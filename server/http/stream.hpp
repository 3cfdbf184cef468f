// Long-lived responses for the streaming API: server-sent events (an HTTP response that never
// ends) and WebSocket connections. Handlers never see Beast: an accepted stream gets a Channel
// to send on, and says what to do with what the client sends.
#pragma once

#include "server/http/message.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

namespace confrere::server::http {

enum class StreamKind { EventStream, WebSocket };

// One open stream. Thread-safe and non-blocking: messages are queued for the connection, which
// writes them in order. A client that falls too far behind (kMaxQueuedBytes) is disconnected
// rather than allowed to grow the server's memory.
class Channel {
public:
    static constexpr std::size_t kMaxQueuedBytes = 4 * 1024 * 1024;

    virtual ~Channel() = default;
    // Queues one message: bytes of the event stream, or one WebSocket text frame. False once
    // the stream is closed (the sender should forget it).
    virtual bool send(std::string message) = 0;
    // Ends the stream (a WebSocket close frame; the end of the event stream).
    virtual void close() = 0;
    virtual bool is_open() const = 0;
};

struct StreamSession {
    // Each text message a WebSocket client sends (never called for event streams). Runs on the
    // connection's I/O strand: it must not block.
    std::function<void(std::string_view message)> on_message;
    // Once, when the connection ends for whatever reason (also if the handshake fails).
    std::function<void()> on_close;
    // WebSocket: the sub-protocol to echo in Sec-WebSocket-Protocol (masto.js sends its token
    // there and aborts unless it is echoed).
    std::string protocol;
    // Event streams: written whenever nothing else was for heartbeat_interval, so proxies and
    // clients see the connection alive (":thump\n" for Mastodon.py).
    std::string heartbeat;
};

// A refusal (any Response: 401, 403…) or an accepted stream.
using StreamOpen = std::variant<Response, StreamSession>;

// Runs on the worker pool (it may authenticate against the store). `channel` may be used at
// once; what is sent before the handshake completes is queued.
using StreamHandler = std::function<StreamOpen(
    const Request& req, const PathParams& params, StreamKind kind, const std::shared_ptr<Channel>& channel)>;

} // namespace confrere::server::http
