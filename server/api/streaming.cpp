#include "server/api/streaming.hpp"

#include "core/base/log.hpp"
#include "core/services/access_policy.hpp"
#include "core/services/hashtags.hpp"
#include "core/services/social_service.hpp"
#include "server/api/routes.hpp"
#include "server/api/status_json.hpp"

#include <rapidjson/document.h>

#include <algorithm>

namespace confrere::server::api {

using http::Request;
using http::Response;
using http::StreamKind;
using services::LiveEvent;

namespace {

enum class Feed { User, UserNotification, Public, PublicLocal, PublicRemote, Hashtag, HashtagLocal };

struct FeedName {
    Feed feed;
    std::string_view name;
};
constexpr FeedName kFeeds[] = {
    { Feed::User, "user" },
    { Feed::UserNotification, "user:notification" },
    { Feed::Public, "public" },
    { Feed::PublicLocal, "public:local" },
    // Nothing remote is public on a members-only network: a valid stream that stays silent.
    { Feed::PublicRemote, "public:remote" },
    // Statuses with a tag, by the tag timeline's rule (local: by members of this instance).
    { Feed::Hashtag, "hashtag" },
    { Feed::HashtagLocal, "hashtag:local" },
};

// One subscription: a feed, and for the hashtag feeds the (normalised) tag.
struct Subscription {
    Feed feed;
    std::string tag;
    bool operator==(const Subscription&) const = default;
};

bool is_hashtag(Feed feed)
{
    return feed == Feed::Hashtag || feed == Feed::HashtagLocal;
}

std::optional<Feed> feed_from_name(std::string_view name)
{
    for (const auto& f : kFeeds)
        if (f.name == name)
            return f.feed;
    return std::nullopt;
}

std::string_view feed_name(Feed feed)
{
    for (const auto& f : kFeeds)
        if (f.feed == feed)
            return f.name;
    return "user";
}

std::string_view feed_scope(Feed feed)
{
    return feed == Feed::UserNotification ? "read:notifications" : "read:statuses";
}

} // namespace

struct StreamingHub::Subscriber {
    Id account_id = 0;
    std::optional<std::string> scopes;  // the OAuth token's; nullopt for a session (every scope)
    StreamKind kind = StreamKind::EventStream;
    std::shared_ptr<http::Channel> channel;
    std::mutex mutex;
    std::vector<Subscription> feeds;  // under mutex

    bool allows(std::string_view scope) const
    {
        return !scopes || services::require_scope(*scopes, scope).has_value();
    }
    std::vector<Subscription> snapshot()
    {
        std::lock_guard lock(mutex);
        return feeds;
    }
};

namespace {

// One event as this subscriber's transport frames it: Mastodon's WebSocket message (the
// payload is a string of JSON) or a server-sent event.
std::string frame(StreamKind kind, const Subscription& to, std::string_view event, std::string_view payload)
{
    if (kind == StreamKind::EventStream) {
        std::string out;
        out.reserve(payload.size() + event.size() + 16);
        out.append("event: ").append(event).append("\ndata: ").append(payload).append("\n\n");
        return out;
    }
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("stream");
    w.StartArray();
    std::string_view name = feed_name(to.feed);
    w.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    if (is_hashtag(to.feed))
        w.String(to.tag.data(), static_cast<rapidjson::SizeType>(to.tag.size()));
    w.EndArray();
    write_string(w, "event", event);
    write_string(w, "payload", payload);
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize());
}

// The subscriber's account into `viewer` if it may still read (nothing if suspended or gone).
Status load_viewer(storage::Repositories& repos, Id account_id, std::optional<model::Account>& viewer)
{
    auto a = repos.accounts().find_by_id(account_id);
    if (!a)
        return forward(a);
    if (*a && services::require_member_reader(**a))
        viewer = std::move(*a);
    return ok();
}

std::string error_frame(std::string_view message, int status)
{
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    write_string(w, "error", message);
    w.Key("status");
    w.Int(status);
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize());
}

// The access token from where clients put it: the Authorization header, the access_token query
// parameter (megalodon, browsers), or the WebSocket sub-protocol (masto.js). The request is
// rewritten to carry it as a bearer token, so authentication is the API's one path.
struct StreamCredentials {
    Request request;
    std::string protocol;  // to echo when the token came as the sub-protocol
};

StreamCredentials credentials_of(const Request& req, StreamKind kind)
{
    StreamCredentials c { req, {} };
    if (req.header("authorization"))
        return c;
    std::optional<std::string> token = req.query_param("access_token");
    if (!token && kind == StreamKind::WebSocket)
        if (auto protocol = req.header("sec-websocket-protocol"); protocol && !protocol->empty()) {
            c.protocol = std::string(*protocol);
            token = c.protocol;
        }
    if (token)
        c.request.headers.emplace_back("authorization", "Bearer " + *token);
    return c;
}

} // namespace

StreamingHub::StreamingHub(Context& ctx)
    : ctx_(ctx)
    , thread_([this] { run(); })
{ }

StreamingHub::~StreamingHub() { stop(); }

void StreamingHub::stop()
{
    std::vector<std::shared_ptr<Subscriber>> subscribers;
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && !thread_.joinable())
            return;
        stopping_ = true;
        subscribers.swap(subscribers_);
    }
    wake_.notify_all();
    if (thread_.joinable())
        thread_.join();
    for (const auto& s : subscribers)
        s->channel->close();
}

void StreamingHub::publish(std::span<const LiveEvent> events)
{
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || subscribers_.empty())
            return; // nobody listens: nothing to render
        pending_.insert(pending_.end(), events.begin(), events.end());
    }
    wake_.notify_one();
}

void StreamingHub::run()
{
    while (true) {
        std::deque<LiveEvent> batch;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
            if (stopping_)
                return;
            batch.swap(pending_);
        }
        for (const LiveEvent& event : batch)
            deliver(event);
    }
}

void StreamingHub::deliver(const LiveEvent& event)
{
    std::vector<std::shared_ptr<Subscriber>> subscribers;
    {
        std::lock_guard lock(mutex_);
        subscribers = subscribers_;
    }
    if (event.kind == LiveEvent::Kind::Notification) {
        if (!render_notification_)
            return;
        std::optional<model::Account> recipient;
        std::optional<std::string> payload;
        for (const auto& s : subscribers) {
            if (s->account_id != event.account_id || !s->allows("read:notifications"))
                continue;
            for (const Subscription& to : s->snapshot()) {
                if (to.feed != Feed::User && to.feed != Feed::UserNotification)
                    continue;
                if (!recipient) {
                    auto found = ctx_.store.read([&](storage::Repositories& repos) -> Status {
                        auto a = repos.accounts().find_by_id(event.account_id);
                        if (!a)
                            return forward(a);
                        recipient = std::move(*a);
                        return ok();
                    });
                    if (!found || !recipient)
                        return;
                    payload = render_notification_(ctx_, *recipient, event.notification_id);
                }
                if (payload)
                    s->channel->send(frame(s->kind, to, "notification", *payload));
            }
        }
        return;
    }

    if (event.kind == LiveEvent::Kind::Boosted || event.kind == LiveEvent::Kind::Unboosted) {
        deliver_boost(event);
        return;
    }

    // Statuses: who may see this one, each by the rule of the timeline it mirrors.
    std::optional<model::Status> status;
    bool in_instance_timeline = false;
    const Id id = event.status_id;
    storage::StatusQuery just_this;
    just_this.max_id = id + 1;
    just_this.min_id = id - 1;
    just_this.limit = 1;
    auto loaded = ctx_.store.read([&](storage::Repositories& repos) -> Status {
        auto s = repos.statuses().find_by_id(id);
        if (!s)
            return forward(s);
        status = std::move(*s);
        if (!status || event.kind == LiveEvent::Kind::StatusDeleted)
            return ok();
        auto local = repos.statuses().instance_timeline(just_this, {});
        if (!local)
            return forward(local);
        in_instance_timeline = !local->empty();
        return ok();
    });
    if (!loaded || !status)
        return;
    bool deleted = event.kind == LiveEvent::Kind::StatusDeleted;
    if (!deleted && status->deleted_at)
        return;
    std::string_view name = event.kind == LiveEvent::Kind::StatusEdited ? "status.update" : "update";
    for (const auto& s : subscribers) {
        if (!s->channel->is_open())
            continue;
        std::vector<Subscription> feeds = s->snapshot();
        std::optional<model::Account> viewer;
        bool in_home = false, could_read = false;
        std::vector<Subscription> tagged; // the hashtag subscriptions whose timeline has it
        auto checked = ctx_.store.read([&](storage::Repositories& repos) -> Status {
            if (auto found = load_viewer(repos, s->account_id, viewer); !found || !viewer)
                return found;
            if (deleted) {
                // Those who could read it hear it is gone; nobody else learns it existed.
                model::Status before = *status;
                before.deleted_at.reset();
                auto readable = services::can_read(repos, *viewer, before);
                if (!readable)
                    return forward(readable);
                could_read = *readable;
                return ok();
            }
            for (const Subscription& to : feeds) {
                if (to.feed == Feed::User) {
                    auto home = repos.statuses().home_timeline(viewer->id, just_this);
                    if (!home)
                        return forward(home);
                    in_home = !home->empty();
                } else if (is_hashtag(to.feed)) {
                    storage::TagTimelineQuery q;
                    q.any = { to.tag };
                    q.local_only = to.feed == Feed::HashtagLocal;
                    q.page = just_this;
                    auto timeline = repos.search().tag_timeline(viewer->id, q);
                    if (!timeline)
                        return forward(timeline);
                    if (!timeline->empty())
                        tagged.push_back(to);
                }
            }
            return ok();
        });
        if (!checked)
            continue;
        if (!viewer) {
            s->channel->close(); // suspended or gone since it connected
            continue;
        }
        std::optional<std::string> payload;
        for (const Subscription& to : feeds) {
            if (deleted) {
                if (could_read && to.feed != Feed::UserNotification && to.feed != Feed::PublicRemote)
                    s->channel->send(frame(s->kind, to, "delete", std::to_string(id)));
                continue;
            }
            bool shown = (to.feed == Feed::User && in_home)
                || ((to.feed == Feed::Public || to.feed == Feed::PublicLocal) && in_instance_timeline)
                || std::find(tagged.begin(), tagged.end(), to) != tagged.end();
            if (!shown)
                continue;
            if (!payload) {
                auto json = statuses_json(ctx_, *viewer, { *status }, false);
                if (!json)
                    break;
                payload = std::move(*json);
            }
            s->channel->send(frame(s->kind, to, name, *payload));
        }
    }
}

// A boost goes to the `user` streams whose home timeline it joins (the rule of
// SocialService::home_timeline: the booster is the reader or one it follows, and the reader
// may read the status), as Mastodon's reblog wrapper rendered for each reader. An undone boost
// is a `delete` of the wrapper's id for the same readers.
void StreamingHub::deliver_boost(const LiveEvent& event)
{
    std::vector<std::shared_ptr<Subscriber>> subscribers;
    {
        std::lock_guard lock(mutex_);
        subscribers = subscribers_;
    }
    storage::PageQuery just_this;
    just_this.max_id = event.boost_id + 1;
    just_this.min_id = event.boost_id - 1;
    just_this.limit = 1;
    const bool undone = event.kind == LiveEvent::Kind::Unboosted;
    for (const auto& s : subscribers) {
        if (!s->channel->is_open())
            continue;
        std::vector<Subscription> feeds = s->snapshot();
        if (std::none_of(feeds.begin(), feeds.end(), [](const Subscription& to) { return to.feed == Feed::User; }))
            continue;
        std::optional<model::Account> viewer;
        std::optional<model::TimelineEntry> entry;
        auto checked = ctx_.store.read([&](storage::Repositories& repos) -> Status {
            if (auto found = load_viewer(repos, s->account_id, viewer); !found || !viewer)
                return found;
            auto status = repos.statuses().find_by_id(event.status_id);
            if (!status)
                return forward(status);
            if (!*status || (*status)->deleted_at)
                return ok();
            auto readable = services::can_read(repos, *viewer, **status);
            if (!readable || !*readable)
                return readable ? ok() : forward(readable);
            if (undone) {
                // The boost is gone: those whose home it was in are the booster and its followers.
                auto follow = repos.follows().find(model::local_actor(viewer->id), model::local_actor(event.account_id));
                if (!follow)
                    return forward(follow);
                if (viewer->id == event.account_id || (*follow && (*follow)->state == model::FollowState::Accepted))
                    entry = model::TimelineEntry { std::move(**status), std::nullopt };
                return ok();
            }
            auto home = repos.interactions().home_boosts(viewer->id, just_this);
            if (!home)
                return forward(home);
            if (!home->empty())
                entry = model::TimelineEntry { std::move(**status), std::move(home->front()) };
            return ok();
        });
        if (!checked || !viewer || !entry)
            continue;
        std::string payload;
        if (undone) {
            payload = std::to_string(event.boost_id);
        } else {
            auto json = entries_json(ctx_, *viewer, { *entry }, false);
            if (!json)
                continue;
            payload = std::move(*json);
        }
        for (const Subscription& to : feeds)
            if (to.feed == Feed::User)
                s->channel->send(frame(s->kind, to, undone ? "delete" : "update", payload));
    }
}

http::StreamOpen StreamingHub::open(
    const Request& req, const http::PathParams& params, StreamKind kind, const std::shared_ptr<http::Channel>& channel)
{
    // The stream named by the path (/api/v1/streaming/public/local) or the query (?stream=).
    std::string requested;
    if (auto it = params.find("stream"); it != params.end()) {
        requested = it->second;
        if (auto sub = params.find("sub"); sub != params.end())
            requested += ":" + sub->second;
    } else if (auto q = req.query_param("stream")) {
        requested = *q;
    }
    std::optional<Feed> feed;
    std::string tag;
    if (!requested.empty()) {
        feed = feed_from_name(requested);
        if (!feed)
            return http::error_response(Error { ErrorKind::InvalidInput, "Unknown stream type", {}, {} });
        if (is_hashtag(*feed)) {
            tag = services::normalize_hashtag(req.query_param("tag").value_or(""));
            if (!services::is_hashtag_name(tag))
                return http::error_response(Error { ErrorKind::InvalidInput, "Missing or invalid tag", {}, "tag" });
        }
    } else if (kind == StreamKind::EventStream) {
        return http::error_response(Error { ErrorKind::InvalidInput, "Unknown stream type", {}, {} });
    }
    StreamCredentials credentials = credentials_of(req, kind);
    auto caller = authenticate_member(ctx_, credentials.request, feed ? feed_scope(*feed) : "read:statuses");
    if (!caller)
        return http::error_response(caller.error());

    auto subscriber = std::make_shared<Subscriber>();
    subscriber->account_id = caller->auth.account.id;
    if (caller->oauth)
        subscriber->scopes = caller->oauth->token.scopes;
    subscriber->kind = kind;
    subscriber->channel = channel;
    if (feed)
        subscriber->feeds.push_back({ *feed, tag });
    {
        std::lock_guard lock(mutex_);
        if (stopping_)
            return http::error_response(Error { ErrorKind::Unavailable, "The server is stopping.", {}, {} });
        auto mine = std::count_if(subscribers_.begin(), subscribers_.end(),
            [&](const auto& s) { return s->account_id == subscriber->account_id; });
        if (static_cast<std::size_t>(mine) >= kMaxStreamsPerAccount)
            return http::error_response(
                Error { ErrorKind::TooManyRequests, "Too many open streams for this account.", {}, {} });
        subscribers_.push_back(subscriber);
    }
    http::StreamSession session;
    std::weak_ptr<Subscriber> weak = subscriber;
    session.on_close = [this, weak] {
        if (auto s = weak.lock())
            detach(s);
    };
    if (kind == StreamKind::WebSocket) {
        session.protocol = credentials.protocol;
        session.on_message = [this, weak](std::string_view message) {
            if (auto s = weak.lock())
                on_message(s, message);
        };
    } else {
        session.heartbeat = ":thump\n"; // a comment without a blank line (Mastodon.py)
    }
    return session;
}

// {"type":"subscribe"|"unsubscribe","stream":"user"}: the multiplexed WebSocket protocol.
void StreamingHub::on_message(const std::shared_ptr<Subscriber>& subscriber, std::string_view message)
{
    rapidjson::Document doc;
    doc.Parse(message.data(), message.size());
    auto text = [&](const char* key) -> std::string_view {
        if (!doc.IsObject())
            return {};
        auto it = doc.FindMember(key);
        return it != doc.MemberEnd() && it->value.IsString()
            ? std::string_view(it->value.GetString(), it->value.GetStringLength())
            : std::string_view {};
    };
    std::string_view type = text("type");
    if (type != "subscribe" && type != "unsubscribe") {
        subscriber->channel->send(error_frame("Unknown message type", 400));
        return;
    }
    auto feed = feed_from_name(text("stream"));
    if (!feed) {
        subscriber->channel->send(error_frame("Unknown stream type", 400));
        return;
    }
    if (!subscriber->allows(feed_scope(*feed))) {
        subscriber->channel->send(error_frame("Access token does not have the required scopes", 401));
        return;
    }
    Subscription wanted { *feed, {} };
    if (is_hashtag(*feed)) {
        wanted.tag = services::normalize_hashtag(text("tag"));
        if (!services::is_hashtag_name(wanted.tag)) {
            subscriber->channel->send(error_frame("Missing or invalid tag", 400));
            return;
        }
    }
    std::lock_guard lock(subscriber->mutex);
    auto& feeds = subscriber->feeds;
    auto found = std::find(feeds.begin(), feeds.end(), wanted);
    if (type == "subscribe" && found == feeds.end())
        feeds.push_back(std::move(wanted));
    else if (type == "unsubscribe" && found != feeds.end())
        feeds.erase(found);
}

void StreamingHub::detach(const std::shared_ptr<Subscriber>& subscriber)
{
    std::lock_guard lock(mutex_);
    std::erase(subscribers_, subscriber);
}

void StreamingHub::register_routes(http::Router& router)
{
    auto open = [this](const Request& req, const http::PathParams& p, StreamKind kind,
                    const std::shared_ptr<http::Channel>& channel) { return this->open(req, p, kind, channel); };
    router.add_stream("/api/v1/streaming", open);
    router.add_stream("/api/v1/streaming/:stream", open);
    router.add_stream("/api/v1/streaming/:stream/:sub", open);
    router.add("GET", "/api/v1/streaming/health", [](const Request&, const http::PathParams&) {
        Response r;
        r.content_type = "text/plain; charset=utf-8";
        r.body = "OK";
        return r;
    });
}

} // namespace confrere::server::api
