// Mastodon's streaming API: the `user`, `user:notification`, `public`, `public:local`,
// `public:remote`, `hashtag` and `hashtag:local` streams, over WebSocket (`/api/v1/streaming`, multiplexed with
// subscribe messages, as masto.js and megalodon use it) and as server-sent events
// (`/api/v1/streaming/user`…, as Mastodon.py uses it).
//
// The hub hears of committed changes through services::LiveEvents and delivers them from its
// own thread, so publishers never wait for clients. What a subscriber receives follows the
// rules of the timelines it mirrors, asked of the store itself (a status is sent on `user` when
// the home-timeline query returns it for that member), so no visibility rule is written twice.
#pragma once

#include "core/services/live_events.hpp"
#include "server/api/context.hpp"
#include "server/http/router.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace confrere::server::api {

// Renders a notification of `recipient` as Mastodon's Notification entity; nullopt when there
// is nothing to show (gone, or its status no longer readable).
using NotificationRenderer = std::function<std::optional<std::string>(
    Context& ctx, const model::Account& recipient, Id notification_id)>;

class StreamingHub final : public services::LiveEvents {
public:
    // At most this many open streams per member (Mastodon has no limit; apps open one or two).
    static constexpr std::size_t kMaxStreamsPerAccount = 16;

    explicit StreamingHub(Context& ctx);
    ~StreamingHub() override;
    StreamingHub(const StreamingHub&) = delete;
    StreamingHub& operator=(const StreamingHub&) = delete;

    void publish(std::span<const services::LiveEvent> events) override;
    void set_notification_renderer(NotificationRenderer renderer) { render_notification_ = std::move(renderer); }

    // Registers the routes: GET /api/v1/streaming (WebSocket), /api/v1/streaming/<stream>
    // (event streams), /api/v1/streaming/health.
    void register_routes(http::Router& router);

    // Stops the delivery thread and closes every stream. Idempotent; also run by the destructor.
    void stop();

    struct Subscriber;

private:
    http::StreamOpen open(const http::Request& req, const http::PathParams& params, http::StreamKind kind,
        const std::shared_ptr<http::Channel>& channel);
    void on_message(const std::shared_ptr<Subscriber>& subscriber, std::string_view message);
    void detach(const std::shared_ptr<Subscriber>& subscriber);
    void run();
    void deliver(const services::LiveEvent& event);
    void deliver_boost(const services::LiveEvent& event);

    Context& ctx_;
    NotificationRenderer render_notification_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<services::LiveEvent> pending_;
    std::vector<std::shared_ptr<Subscriber>> subscribers_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace confrere::server::api
