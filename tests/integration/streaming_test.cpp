// The streaming API against the real binary: Mastodon's multiplexed WebSocket (token as the
// sub-protocol, as masto.js sends it, or in the query, as megalodon does) and server-sent
// events (as Mastodon.py reads them). The clients here are Beast's WebSocket client and a bare
// socket: independent of the server's code paths.
#include "tests/integration/scenario.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace confrere::testkit {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

// A WebSocket client with deadlines: every wait runs the io_context for at most `timeout`.
class WsClient {
public:
    // Connects to `target`; `protocol` is offered as Sec-WebSocket-Protocol when not empty.
    WsClient(int port, const std::string& target, const std::string& protocol)
        : ws_(ioc_)
    {
        tcp::resolver resolver(ioc_);
        net::connect(ws_.next_layer(), resolver.resolve("127.0.0.1", std::to_string(port)));
        ws_.set_option(websocket::stream_base::decorator([protocol](websocket::request_type& req) {
            if (!protocol.empty())
                req.set(beast::http::field::sec_websocket_protocol, protocol);
        }));
        ws_.handshake(response_, "127.0.0.1:" + std::to_string(port), target, error_);
    }

    const boost::system::error_code& error() const { return error_; }
    const websocket::response_type& response() const { return response_; }

    void send(const std::string& text) { ws_.write(net::buffer(text)); }

    // Sends a subscription and returns once the server has handled it: messages are handled in
    // order, so the error answering an unknown stream sent next comes back after it. Without
    // this, a status posted at once may be delivered before the subscription exists.
    bool subscribe(const std::string& message)
    {
        send(message);
        send(R"({"type":"subscribe","stream":"everything"})");
        auto answer = next();
        return answer && answer->find("Unknown stream type") != std::string::npos;
    }

    // The next text message, or nullopt after `timeout` or if the connection ended.
    std::optional<std::string> next(std::chrono::seconds timeout = 10s)
    {
        beast::flat_buffer buffer;
        std::optional<boost::system::error_code> result;
        ws_.async_read(buffer, [&](boost::system::error_code ec, std::size_t) { result = ec; });
        ioc_.restart();
        ioc_.run_for(timeout);
        if (!result) {
            ws_.next_layer().cancel();
            ioc_.restart();
            ioc_.run();
            return std::nullopt;
        }
        if (*result)
            return std::nullopt;
        return beast::buffers_to_string(buffer.data());
    }

    // The next message whose `event` is `event` (others, like notifications, are skipped).
    std::optional<rapidjson::Document> next_event(const std::string& event, std::chrono::seconds timeout = 10s)
    {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            auto left = std::chrono::duration_cast<std::chrono::seconds>(deadline - std::chrono::steady_clock::now());
            auto text = next(std::max(left, 1s));
            if (!text)
                return std::nullopt;
            auto doc = parse_json(*text);
            if (!doc.HasParseError() && json_string(doc, "/event") == event)
                return doc;
        }
        return std::nullopt;
    }

private:
    net::io_context ioc_;
    websocket::stream<tcp::socket> ws_;
    websocket::response_type response_;
    boost::system::error_code error_;
};

// A server-sent-events reader over a bare socket: sends the request, then collects bytes.
class SseClient {
public:
    SseClient(int port, const std::string& target, const std::string& token)
        : socket_(ioc_)
    {
        tcp::resolver resolver(ioc_);
        net::connect(socket_, resolver.resolve("127.0.0.1", std::to_string(port)));
        std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
        if (!token.empty())
            request += "Authorization: Bearer " + token + "\r\n";
        request += "\r\n";
        net::write(socket_, net::buffer(request));
    }

    // Reads until `needle` appears in what was received, or `timeout`. True if it did.
    bool wait_for(const std::string& needle, std::chrono::seconds timeout = 10s)
    {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (received_.find(needle) == std::string::npos) {
            if (std::chrono::steady_clock::now() >= deadline)
                return false;
            std::array<char, 4096> chunk;
            std::optional<boost::system::error_code> result;
            std::size_t got = 0;
            socket_.async_read_some(net::buffer(chunk), [&](boost::system::error_code ec, std::size_t n) {
                result = ec;
                got = n;
            });
            ioc_.restart();
            ioc_.run_for(std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now()));
            if (!result) {
                socket_.cancel();
                ioc_.restart();
                ioc_.run();
                return false;
            }
            received_.append(chunk.data(), got);
            if (*result)
                return received_.find(needle) != std::string::npos;
        }
        return true;
    }

    const std::string& received() const { return received_; }

    // The data line of the first `event: name` event received, "" if none.
    std::string data_of(const std::string& name) const
    {
        auto at = received_.find("event: " + name + "\ndata: ");
        if (at == std::string::npos)
            return "";
        at += name.size() + 14;
        return received_.substr(at, received_.find("\n\n", at) - at);
    }

private:
    net::io_context ioc_;
    tcp::socket socket_;
    std::string received_;
};

class StreamingTest : public IntegrationTest {
protected:
    void SetUp() override
    {
        IntegrationTest::SetUp();
        alice_.emplace(member("alice"));
        bob_.emplace(member("bob"));
        carol_.emplace(member("carol"));
        for (auto* c : { &*alice_, &*bob_, &*carol_ })
            c->set_bearer(c->session_token());
        bob_id_ = json_string(alice_->get("/api/v1/accounts/lookup?acct=bob").json(), "/id");
        auto followed = alice_->post_form("/api/v1/accounts/" + bob_id_ + "/follow", {});
        ASSERT_EQ(followed.status, 200) << followed;
    }

    std::string post(HttpClient& client, const std::string& text, const std::string& visibility = "public")
    {
        auto r = client.post_form("/api/v1/statuses", { { "status", text }, { "visibility", visibility } });
        EXPECT_EQ(r.status, 200) << r;
        return json_string(r.json(), "/id");
    }

    int port() const { return instance_.port(); }

    std::optional<HttpClient> alice_, bob_, carol_;
    std::string bob_id_;
};

TEST_F(StreamingTest, WebSocketWithTheTokenAsSubProtocolStreamsTheHomeTimeline)
{
    WsClient ws(port(), "/api/v1/streaming", alice_->session_token());
    ASSERT_FALSE(ws.error()) << ws.error().message();
    // masto.js's `ws` aborts unless the offered sub-protocol is echoed.
    EXPECT_EQ(std::string(ws.response()[beast::http::field::sec_websocket_protocol]), alice_->session_token());
    ASSERT_TRUE(ws.subscribe(R"({"type":"subscribe","stream":"user"})"));

    std::string id = post(*bob_, "Protocole de pansement mis à jour");
    auto update = ws.next_event("update");
    ASSERT_TRUE(update) << "no update event";
    const rapidjson::Value* stream = json_at(*update, "/stream");
    ASSERT_TRUE(stream && stream->IsArray() && stream->Size() == 1);
    EXPECT_STREQ((*stream)[0].GetString(), "user");
    // The payload is the Status entity as a JSON string, as Mastodon sends it.
    auto payload = parse_json(json_string(*update, "/payload"));
    ASSERT_FALSE(payload.HasParseError());
    EXPECT_EQ(json_string(payload, "/id"), id);
    EXPECT_EQ(json_string(payload, "/account/username"), "bob");
    EXPECT_NE(json_string(payload, "/content").find("pansement"), std::string::npos);

    auto edited = bob_->request("PUT", "/api/v1/statuses/" + id, url_encode_form({ { "status", "Protocole de pansement v2" } }),
        "application/x-www-form-urlencoded", {});
    ASSERT_EQ(edited.status, 200) << edited;
    auto update2 = ws.next_event("status.update");
    ASSERT_TRUE(update2) << "no status.update event";
    EXPECT_NE(json_string(parse_json(json_string(*update2, "/payload")), "/content").find("v2"), std::string::npos);

    auto deleted = bob_->del("/api/v1/statuses/" + id);
    ASSERT_EQ(deleted.status, 200) << deleted;
    auto gone = ws.next_event("delete");
    ASSERT_TRUE(gone) << "no delete event";
    EXPECT_EQ(json_string(*gone, "/payload"), id);
}

TEST_F(StreamingTest, StreamsShowOnlyWhatTheirTimelineWouldShow)
{
    // Carol follows nobody: her home stream stays silent on Bob's posts; the instance stream
    // (public:local, named in the query with the token, as megalodon connects) shows his
    // instance post but never his followers-only one.
    WsClient home(port(), "/api/v1/streaming?stream=user&access_token=" + carol_->session_token(), "");
    ASSERT_FALSE(home.error()) << home.error().message();
    WsClient local(port(), "/api/v1/streaming?stream=public:local&access_token=" + carol_->session_token(), "");
    ASSERT_FALSE(local.error()) << local.error().message();

    post(*bob_, "Réservé à mes abonnés", "private");
    std::string shared = post(*bob_, "Pour toute l'officine");
    auto seen = local.next_event("update");
    ASSERT_TRUE(seen);
    EXPECT_EQ(json_string(parse_json(json_string(*seen, "/payload")), "/id"), shared)
        << "the followers-only post reached a non-follower";
    EXPECT_FALSE(home.next(2s)) << "Carol's home stream received a post of someone she does not follow";
}

TEST_F(StreamingTest, ABoostStreamsItsWrapperToTheBoostersFollowersAndItsUndoDeletesIt)
{
    // Alice follows Bob; Carol posts, Bob boosts it: Alice's home gets the reblog wrapper
    // (Bob's entry around Carol's post), Carol's own stream (she follows nobody) gets nothing.
    WsClient ws(port(), "/api/v1/streaming?stream=user", alice_->session_token());
    ASSERT_FALSE(ws.error()) << ws.error().message();
    WsClient carols(port(), "/api/v1/streaming?stream=user", carol_->session_token());
    ASSERT_FALSE(carols.error()) << carols.error().message();
    std::string id = post(*carol_, "Nouvelle recommandation HAS sur les plaies");
    auto boosted = bob_->post_form("/api/v1/statuses/" + id + "/reblog", {});
    ASSERT_EQ(boosted.status, 200) << boosted;
    std::string boost_id = json_string(boosted.json(), "/id");
    ASSERT_NE(boost_id, id);

    auto update = ws.next_event("update");
    ASSERT_TRUE(update) << "no update event for the boost";
    auto payload = parse_json(json_string(*update, "/payload"));
    EXPECT_EQ(json_string(payload, "/id"), boost_id);
    EXPECT_EQ(json_string(payload, "/account/username"), "bob");
    EXPECT_EQ(json_string(payload, "/reblog/id"), id);
    EXPECT_EQ(json_string(payload, "/reblog/account/username"), "carol");

    ASSERT_EQ(bob_->post_form("/api/v1/statuses/" + id + "/unreblog", {}).status, 200);
    auto gone = ws.next_event("delete");
    ASSERT_TRUE(gone) << "no delete event for the undone boost";
    EXPECT_EQ(json_string(*gone, "/payload"), boost_id);
    // Carol hears of her own post and of the boost as a notification, never of the wrapper.
    int heard = 0;
    while (auto message = carols.next(2s)) {
        ++heard;
        EXPECT_EQ(message->find(boost_id), std::string::npos)
            << "the boost reached the stream of someone who does not follow the booster: " << *message;
    }
    EXPECT_GE(heard, 2) << "her own post and the reblog notification";
}

TEST_F(StreamingTest, ServerSentEventsStreamTheHomeTimeline)
{
    SseClient sse(port(), "/api/v1/streaming/user", alice_->session_token());
    ASSERT_TRUE(sse.wait_for("\r\n\r\n")) << sse.received();
    EXPECT_NE(sse.received().find("HTTP/1.1 200"), std::string::npos) << sse.received();
    EXPECT_NE(sse.received().find("text/event-stream"), std::string::npos) << sse.received();

    std::string id = post(*bob_, "Nouvelle fiche de liaison");
    ASSERT_TRUE(sse.wait_for("event: update\ndata: ")) << sse.received();
    ASSERT_TRUE(sse.wait_for("\n\n", 5s));
    auto status = parse_json(sse.data_of("update"));
    ASSERT_FALSE(status.HasParseError()) << sse.received();
    EXPECT_EQ(json_string(status, "/id"), id);
}

TEST_F(StreamingTest, NotificationsArriveOnTheUserStreams)
{
    WsClient ws(port(), "/api/v1/streaming?stream=user", alice_->session_token());
    ASSERT_FALSE(ws.error());
    SseClient sse(port(), "/api/v1/streaming/user/notification", alice_->session_token());
    ASSERT_TRUE(sse.wait_for("\r\n\r\n")) << sse.received();
    std::string alice_id = json_string(carol_->get("/api/v1/accounts/lookup?acct=alice").json(), "/id");
    auto followed = carol_->post_form("/api/v1/accounts/" + alice_id + "/follow", {});
    ASSERT_EQ(followed.status, 200) << followed;

    auto event = ws.next_event("notification");
    ASSERT_TRUE(event) << "no notification event";
    auto notification = parse_json(json_string(*event, "/payload"));
    EXPECT_EQ(json_string(notification, "/type"), "follow");
    EXPECT_EQ(json_string(notification, "/account/username"), "carol");
    ASSERT_TRUE(sse.wait_for("event: notification\ndata: ")) << sse.received();
    ASSERT_TRUE(sse.wait_for("\n\n", 5s));
    EXPECT_EQ(json_string(parse_json(sse.data_of("notification")), "/type"), "follow");
}

TEST_F(StreamingTest, HashtagStreamsFollowTheTagTimelinesRule)
{
    // Carol does not follow Bob: she sees his tagged instance post, not his tagged followers-only one.
    WsClient ws(port(), "/api/v1/streaming", carol_->session_token());
    ASSERT_FALSE(ws.error());
    ASSERT_TRUE(ws.subscribe(R"({"type":"subscribe","stream":"hashtag","tag":"PiedDiabetique"})"));
    SseClient sse(port(), "/api/v1/streaming/hashtag/local?tag=piedDIABETIQUE", carol_->session_token());
    ASSERT_TRUE(sse.wait_for("\r\n\r\n")) << sse.received();
    EXPECT_NE(sse.received().find("HTTP/1.1 200"), std::string::npos) << sse.received();

    post(*bob_, "Cas complexe #PiedDiabetique réservé", "private");
    std::string shared = post(*bob_, "Nouvelle fiche #piedDiabetique pour tous");
    auto seen = ws.next_event("update");
    ASSERT_TRUE(seen) << "no update on the hashtag stream";
    EXPECT_EQ(json_string(parse_json(json_string(*seen, "/payload")), "/id"), shared)
        << "the followers-only tagged post reached a non-follower";
    const rapidjson::Value* stream = json_at(*seen, "/stream");
    ASSERT_TRUE(stream && stream->IsArray() && stream->Size() == 2);
    EXPECT_STREQ((*stream)[0].GetString(), "hashtag");
    EXPECT_STREQ((*stream)[1].GetString(), "pieddiabetique");
    ASSERT_TRUE(sse.wait_for("event: update\ndata: ")) << sse.received();
    ASSERT_TRUE(sse.wait_for("\n\n", 5s));
    EXPECT_EQ(json_string(parse_json(sse.data_of("update")), "/id"), shared);

    SseClient untagged(port(), "/api/v1/streaming/hashtag", carol_->session_token());
    ASSERT_TRUE(untagged.wait_for("}"));
    EXPECT_NE(untagged.received().find("HTTP/1.1 400"), std::string::npos) << untagged.received();
}

TEST_F(StreamingTest, RefusesMissingOrBadCredentialsAndUnknownStreams)
{
    SseClient anonymous(port(), "/api/v1/streaming/user", "");
    ASSERT_TRUE(anonymous.wait_for("}"));
    EXPECT_NE(anonymous.received().find("HTTP/1.1 401"), std::string::npos) << anonymous.received();
    EXPECT_NE(anonymous.received().find("\"error\""), std::string::npos) << anonymous.received();

    SseClient unknown(port(), "/api/v1/streaming/everything", alice_->session_token());
    ASSERT_TRUE(unknown.wait_for("}"));
    EXPECT_NE(unknown.received().find("HTTP/1.1 400"), std::string::npos) << unknown.received();

    WsClient forged(port(), "/api/v1/streaming", "not-a-token");
    EXPECT_TRUE(forged.error()) << "a WebSocket opened with a forged token";

    WsClient ws(port(), "/api/v1/streaming", alice_->session_token());
    ASSERT_FALSE(ws.error());
    ws.send(R"({"type":"subscribe","stream":"everything"})");
    auto answer = ws.next();
    ASSERT_TRUE(answer);
    auto doc = parse_json(*answer);
    EXPECT_EQ(json_string(doc, "/error"), "Unknown stream type");

    auto health = alice_->get("/api/v1/streaming/health");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.body, "OK");
}

TEST_F(StreamingTest, AStreamEndsWhenTheServerStops)
{
    WsClient ws(port(), "/api/v1/streaming?stream=user", alice_->session_token());
    ASSERT_FALSE(ws.error());
    SseClient sse(port(), "/api/v1/streaming/public/local", alice_->session_token());
    ASSERT_TRUE(sse.wait_for("\r\n\r\n"));
    // The server closes its streams rather than waiting for the shutdown grace to run out:
    // it exits cleanly (0), not killed past its deadline.
    EXPECT_EQ(instance_.stop(), 0);
    EXPECT_FALSE(ws.next(15s)); // a close frame, not a message
    EXPECT_TRUE(sse.wait_for("0\r\n\r\n", 15s)) << "the event stream did not end: " << sse.received();
}

} // namespace
} // namespace confrere::testkit
