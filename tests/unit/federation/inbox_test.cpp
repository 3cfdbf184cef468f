// The inbound side of federation (federation/inbox.cpp, federation/actor_resolver.cpp): POSTs
// signed with sign_post exactly as a peer signs them, verified by the real RequestVerifier with
// keys from a real SQLite store, applied by the InboxProcessor. Mostly the ways an activity must
// be refused (docs/federation.md "Inbox", notes/federation-security.md §A, §B, §H, §I), each
// time proving through the repositories that a refusal stored nothing. The peer is an httplib
// server on 127.0.0.1 that serves actor documents and counts the requests it gets; its actors
// are pre-seeded in the store, so that it is asked only when a key must be (re)fetched.
#include "tests/unit/federation/inbox_test_support.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace confrere::federation {
namespace {

using namespace inbox_testing;
using namespace std::chrono_literals;
using model::ActorRef;
using model::Audience;
using model::FollowState;
using testkit::describe;

// --- Follow and duplicates --------------------------------------------------------------------

TEST_F(InboxTest, AValidFollowOfAnUnlockedAccountIsAcceptedAndAnswered)
{
    const std::string id = activity_id(remi_, "follow-1");
    auto r = deliver(remi_, follow_of_alice(remi_, id));
    ASSERT_TRUE(r) << describe(r);

    auto f = follow(model::remote_actor(remi_.actor.id), model::local_actor(alice_.id));
    ASSERT_TRUE(f);
    EXPECT_EQ(f->state, FollowState::Accepted);
    EXPECT_EQ(f->uri, id);
    ASSERT_EQ(outbox_.answers.size(), 1u);
    EXPECT_TRUE(outbox_.answers[0].accepted);
    EXPECT_EQ(outbox_.answers[0].followee, alice_.id);
    EXPECT_EQ(outbox_.answers[0].follower, remi_.actor.id);
    EXPECT_EQ(outbox_.answers[0].follow.uri, id);
    EXPECT_EQ(outbox_.commits, 1);
    EXPECT_TRUE(in_ledger(id));
    EXPECT_EQ(peer_.requests(), 0) << "the stored key needs no fetch";
}

TEST_F(InboxTest, ADuplicateDeliveryOfTheSameActivityIsAppliedOnce)
{
    const std::string id = activity_id(remi_, "follow-1");
    const std::string body = follow_of_alice(remi_, id);
    const SignableRequest request = signed_by(remi_, body);
    auto first = inbox_->receive(request, body);
    ASSERT_TRUE(first) << describe(first);
    auto before = follow(model::remote_actor(remi_.actor.id), model::local_actor(alice_.id));
    ASSERT_TRUE(before);

    // The very same request (a replay), then a fresh delivery of it a minute later (a retry).
    auto replay = inbox_->receive(request, body);
    EXPECT_TRUE(replay) << describe(replay);
    fx_->clock().advance(60s);
    auto retry = deliver(remi_, body);
    EXPECT_TRUE(retry) << describe(retry);

    EXPECT_EQ(outbox_.answers.size(), 1u) << "the Follow was answered more than once";
    auto after = follow(model::remote_actor(remi_.actor.id), model::local_actor(alice_.id));
    ASSERT_TRUE(after);
    EXPECT_EQ(after->id, before->id);
    EXPECT_EQ(after->state, FollowState::Accepted);
    EXPECT_EQ(after->updated_at, before->updated_at);
}

// --- Who signed -------------------------------------------------------------------------------

TEST_F(InboxTest, AnUnsignedPostIsUnauthorized)
{
    const std::string id = activity_id(remi_, "follow-1");
    const std::string body = follow_of_alice(remi_, id);
    SignableRequest request { "POST", std::string(kInboxPath), "",
        { { "host", std::string(kOurHost) }, { "date", format_http_date(now()) },
            { "digest", digest_header(body) }, { "content-type", std::string(kActivityJsonType) } } };
    expect_refused(inbox_->receive(request, body), ErrorKind::Unauthorized, "signature required");
    EXPECT_FALSE(follow_by_uri(id));
    expect_not_applied(id);
    EXPECT_EQ(peer_.requests(), 0);
}

TEST_F(InboxTest, AnRfc9421SignatureIsUnauthorizedSoThePeerRetriesWithDraftCavage)
{
    const std::string id = activity_id(remi_, "follow-1");
    const std::string body = follow_of_alice(remi_, id);
    SignableRequest request { "POST", std::string(kInboxPath), "",
        { { "host", std::string(kOurHost) }, { "date", format_http_date(now()) },
            { "content-digest", "sha-256=:AAAA:" }, { "content-type", std::string(kActivityJsonType) },
            { "signature-input",
                R"(sig1=("@method" "@target-uri" "content-digest");keyid=")" + remi_.key_id
                    + R"(";created=1795464000)" },
            { "signature", "sig1=:AAAA:" } } };
    expect_refused(inbox_->receive(request, body), ErrorKind::Unauthorized, "RFC 9421");

    // Even next to a valid draft-cavage signature: the peer must not mix the two.
    SignableRequest both = signed_by(remi_, body);
    set_header(both, "signature-input", R"(sig1=("@method");keyid=")" + remi_.key_id + R"(")");
    expect_refused(inbox_->receive(both, body), ErrorKind::Unauthorized, "RFC 9421");

    EXPECT_FALSE(follow_by_uri(id));
    expect_not_applied(id);
    EXPECT_EQ(peer_.requests(), 0);
}

TEST_F(InboxTest, ASignatureFromAnUntrustedHostIsForbiddenWithoutAnyFetch)
{
    PeerServer stranger;
    ASSERT_NO_FATAL_FAILURE(stranger.start());
    const std::string eve = stranger.url("/users/eve");
    stranger.publish("/users/eve", actor_json(eve, "eve", eve + "#main-key", third_key().public_pem));
    const std::string id = eve + "/activities/follow-1";
    const std::string body = activity_json("Follow", id, eve, q(local_uri(alice_)));

    auto r = inbox_->receive(signed_request(third_key().private_key, eve + "#main-key", body), body);
    expect_refused(r, ErrorKind::Forbidden, "does not federate with " + stranger.host());
    EXPECT_EQ(stranger.requests(), 0) << "an untrusted host was contacted";
    EXPECT_EQ(peer_.requests(), 0);
    EXPECT_FALSE(stored_actor(eve));
    EXPECT_FALSE(follow_by_uri(id));
    expect_not_applied(id);
}

// Delivers a Follow signed by Rémi, altered by `tamper` after signing: must be Unauthorized.
// Every refusal triggers at most one refetch of Rémi (key rotation), which still serves the
// same key.
class InboxTamperTest : public InboxTest {
protected:
    void expect_tampering_refused(const std::function<void(SignableRequest&, std::string& body)>& tamper,
        std::string_view what, std::string_view reason)
    {
        SCOPED_TRACE(what);
        const std::string id = activity_id(remi_, "follow-1");
        std::string body = follow_of_alice(remi_, id);
        SignableRequest request = signed_by(remi_, body);
        ASSERT_TRUE(verifier_->verify(request, body)) << "the untampered request must verify";
        tamper(request, body);
        expect_refused(inbox_->receive(request, body), ErrorKind::Unauthorized, reason);
        EXPECT_FALSE(follow(model::remote_actor(remi_.actor.id), model::local_actor(alice_.id)));
        EXPECT_FALSE(follow(model::remote_actor(sophie_.actor.id), model::local_actor(alice_.id)));
        expect_not_applied(id);
        EXPECT_LE(peer_.requests(), 1);
    }
};

TEST_F(InboxTamperTest, ADateChangedAfterSigningIsUnauthorized)
{
    expect_tampering_refused(
        [&](SignableRequest& r, std::string&) { set_header(r, "date", format_http_date(now() + 1s)); },
        "date", "the signature does not match");
}

TEST_F(InboxTamperTest, ADigestChangedAfterSigningIsUnauthorized)
{
    // The Digest of another body, sent with that other body: only the signature can tell.
    expect_tampering_refused(
        [&](SignableRequest& r, std::string& body) {
            body = follow_of_alice(sophie_, activity_id(remi_, "follow-1"));
            set_header(r, "digest", digest_header(body));
        },
        "digest", "the signature does not match");
}

TEST_F(InboxTamperTest, AHostChangedAfterSigningIsUnauthorized)
{
    expect_tampering_refused(
        [&](SignableRequest& r, std::string&) { set_header(r, "host", "other.example"); }, "other host",
        "the Host header does not name this server");

    // A delivery Rémi signed for another server, its Host rewritten to ours to pass the Host check.
    const std::string id = activity_id(remi_, "follow-2");
    const std::string body = follow_of_alice(remi_, id);
    auto h = sign_post(remi_.key->private_key, remi_.key_id, "other.example", kInboxPath, body, now());
    ASSERT_TRUE(h) << describe(h);
    SignableRequest replayed { "POST", std::string(kInboxPath), "",
        { { "host", std::string(kOurHost) }, { "date", h->date }, { "digest", h->digest },
            { "content-type", h->content_type }, { "signature", h->signature } } };
    expect_refused(inbox_->receive(replayed, body), ErrorKind::Unauthorized, "the signature does not match");
    EXPECT_FALSE(follow(model::remote_actor(remi_.actor.id), model::local_actor(alice_.id)));
    expect_not_applied(id);
    EXPECT_LE(peer_.requests(), 1);
}

TEST_F(InboxTamperTest, ABodyChangedAfterSigningIsUnauthorized)
{
    expect_tampering_refused(
        [&](SignableRequest&, std::string& body) {
            body = follow_of_alice(sophie_, activity_id(remi_, "follow-1"));
        },
        "body", "the Digest header does not match the body");
}

TEST_F(InboxTamperTest, APathChangedAfterSigningIsUnauthorized)
{
    expect_tampering_refused(
        [&](SignableRequest& r, std::string&) { r.path = "/users/" + alice_.username + "/inbox"; }, "path",
        "the signature does not match");
}

TEST_F(InboxTest, ADateTwoHoursOldIsUnauthorized)
{
    const std::string id = activity_id(remi_, "follow-1");
    const std::string body = follow_of_alice(remi_, id);
    auto request = signed_request(remi_.key->private_key, remi_.key_id, body, now() - 2h);
    expect_refused(inbox_->receive(request, body), ErrorKind::Unauthorized,
        "the Date header is outside the accepted time window");
    EXPECT_FALSE(follow(model::remote_actor(remi_.actor.id), model::local_actor(alice_.id)));
    expect_not_applied(id);
}

TEST_F(InboxTest, AnUnknownKeyOnATrustedHostThatAnswers404IsUnauthorized)
{
    const std::string ghost = peer_.url("/users/ghost");
    const std::string id = ghost + "/activities/follow-1";
    const std::string body = activity_json("Follow", id, ghost, q(local_uri(alice_)));
    auto r = inbox_->receive(signed_request(third_key().private_key, ghost + "#main-key", body), body);
    expect_refused(r, ErrorKind::Unauthorized, "The signing key cannot be found");
    EXPECT_EQ(peer_.requests(), 1) << "the key is looked for at its origin, once";
    EXPECT_FALSE(stored_actor(ghost));
    EXPECT_FALSE(follow_by_uri(id));
    expect_not_applied(id);
}

TEST_F(InboxTest, AnUnknownKeyIsNotFetchedAgainWithinTheRefetchInterval)
{
    // notes/federation-security.md §I: a negative cache for failed key fetches, so that a stream
    // of requests signed with a missing key does not become a stream of fetches.
    const std::string ghost = peer_.url("/users/ghost");
    for (int i = 1; i <= 3; ++i) {
        const std::string id = ghost + "/activities/follow-" + std::to_string(i);
        const std::string body = activity_json("Follow", id, ghost, q(local_uri(alice_)));
        auto r = inbox_->receive(signed_request(third_key().private_key, ghost + "#main-key", body), body);
        expect_refused(r, ErrorKind::Unauthorized, "The signing key cannot be found");
        expect_not_applied(id);
        fx_->clock().advance(1s);
    }
    if (peer_.requests() > 1)
        FAIL() << "actor_resolver.cpp ActorResolver::key has no negative cache (notes §I): "
                     << peer_.requests() << " fetches of the same missing key within 3 seconds";
    EXPECT_EQ(peer_.requests(), 1);
}

TEST_F(InboxTest, AKeyFromADocumentThatIsNotTheActorsOwnIsRefused)
{
    // A document on Rémi's trusted host, but not at Rémi's id (an upload, a misconfigured path),
    // claims to be Rémi with another key. Fetched for that key id, it must not become his key
    // (notes §A: Fedify #963, a key document whose id is not the requested URL is rejected).
    const std::string forged_key_id = peer_.url("/media/forged.json#key");
    peer_.publish("/media/forged.json", actor_json(remi_.uri, "remi", forged_key_id, third_key().public_pem));
    const std::string id = activity_id(remi_, "follow-1");
    const std::string body = follow_of_alice(remi_, id);
    auto r = inbox_->receive(signed_request(third_key().private_key, forged_key_id, body), body);
    auto stored = stored_actor(remi_.uri);
    ASSERT_TRUE(stored);
    const bool key_replaced = stored->public_key_pem != remi_key().public_pem;
    if (r || key_replaced)
        FAIL() << "actor_resolver.cpp ActorResolver::key stores the document fetched from "
                        "the key URL without checking that its id is that URL: "
                     << (r ? "the Follow signed with the forged key was applied; " : "")
                     << (key_replaced ? "Rémi's stored key was replaced by the forged one" : "");
    EXPECT_EQ(r.error().kind, ErrorKind::Unauthorized) << describe(r);
    EXPECT_FALSE(follow(model::remote_actor(remi_.actor.id), model::local_actor(alice_.id)));
    expect_not_applied(id);
}

// --- Key rotation (notes §I) -----------------------------------------------------------------

TEST_F(InboxTest, ARotatedKeyIsAcceptedAfterOneRefetchOfTheActor)
{
    // Rémi's instance replaced his key; our store still holds the old one.
    peer_.publish("/users/remi", actor_json(remi_.uri, "remi", remi_.key_id, rotated_key().public_pem));
    const std::string id = activity_id(remi_, "follow-1");
    const std::string body = follow_of_alice(remi_, id);
    auto r = inbox_->receive(signed_request(rotated_key().private_key, remi_.key_id, body), body);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(peer_.requests(), 1) << "one refetch of the actor";
    EXPECT_TRUE(follow(model::remote_actor(remi_.actor.id), model::local_actor(alice_.id)));
    auto stored = stored_actor(remi_.uri);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->id, remi_.actor.id);
    EXPECT_EQ(stored->public_key_pem, rotated_key().public_pem);

    // The new key is now known: the next activity needs no fetch.
    const std::string next = activity_id(remi_, "like-1");
    auto liked = local_status(alice_, Audience::Followers);
    const std::string like_body = activity_json("Like", next, remi_.uri, q(liked.uri));
    auto again
        = inbox_->receive(signed_request(rotated_key().private_key, remi_.key_id, like_body), like_body);
    EXPECT_TRUE(again) << describe(again);
    EXPECT_EQ(peer_.requests(), 1);
}

TEST_F(InboxTest, ASecondForcedRefetchWithinTheIntervalIsRefused)
{
    peer_.publish("/users/remi", actor_json(remi_.uri, "remi", remi_.key_id, rotated_key().public_pem));
    const std::string first = activity_id(remi_, "follow-1");
    const std::string body = follow_of_alice(remi_, first);
    auto r = inbox_->receive(signed_request(rotated_key().private_key, remi_.key_id, body), body);
    ASSERT_TRUE(r) << describe(r);
    ASSERT_EQ(peer_.requests(), 1);

    // Right after, a third key under the same key id: it would need another refetch.
    fx_->clock().advance(10s);
    const std::string second = activity_id(remi_, "undo-1");
    const std::string undo = activity_json("Undo", second, remi_.uri, q(first));
    auto refused = inbox_->receive(signed_request(third_key().private_key, remi_.key_id, undo), undo);
    expect_refused(refused, ErrorKind::Unauthorized, "the signature does not match");
    EXPECT_EQ(peer_.requests(), 1) << "the actor was fetched again within the refetch interval";
    EXPECT_FALSE(in_ledger(second));
    EXPECT_TRUE(follow_by_uri(first)) << "the refused Undo removed the follow";
}

TEST_F(InboxTest, AnOldKeyIdIsRefusedOnceTheActorRotatedToANewKeyId)
{
    // Rémi signs once with his key (now cached in memory), then his instance moves him to a
    // new key under a new key id, and we learn it from his next activity.
    const std::string first = activity_id(remi_, "follow-1");
    const std::string follow_body = follow_of_alice(remi_, first);
    ASSERT_TRUE(deliver(remi_, follow_body));
    const std::string new_key_id = remi_.uri + "#key-2";
    peer_.publish("/users/remi", actor_json(remi_.uri, "remi", new_key_id, rotated_key().public_pem));
    const std::string liked_uri = local_status(alice_, Audience::Followers).uri;
    const std::string like_body
        = activity_json("Like", activity_id(remi_, "like-1"), remi_.uri, q(liked_uri));
    auto rotated
        = inbox_->receive(signed_request(rotated_key().private_key, new_key_id, like_body), like_body);
    ASSERT_TRUE(rotated) << describe(rotated);
    auto stored = stored_actor(remi_.uri);
    ASSERT_TRUE(stored);
    ASSERT_EQ(stored->key_id, new_key_id);

    // The old key (say it leaked) no longer belongs to Rémi: it must not sign for him.
    const std::string undo_id = activity_id(remi_, "undo-1");
    const std::string undo = activity_json("Undo", undo_id, remi_.uri, q(first));
    auto r = inbox_->receive(signed_by(remi_, undo), undo);
    if (r)
        FAIL() << "actor_resolver.cpp ActorResolver::key serves the in-memory keys_ entry of "
                        "the old key id after the actor was refetched with a new key id: a retired "
                        "key still signs for the actor (the Undo was applied)";
    EXPECT_EQ(r.error().kind, ErrorKind::Unauthorized) << describe(r);
    EXPECT_FALSE(in_ledger(undo_id));
    EXPECT_TRUE(follow_by_uri(first));
}

// --- Origin and ownership (notes §A) ---------------------------------------------------------

TEST_F(InboxTest, AnActivityWhoseActorIsNotTheSignerIsForbidden)
{
    // Rémi signs a Follow that claims to be Sophie's (same host: only the signer tells).
    const std::string id = activity_id(sophie_, "follow-1");
    const std::string body = follow_of_alice(sophie_, id);
    auto r = inbox_->receive(signed_by(remi_, body), body);
    expect_refused(r, ErrorKind::Forbidden, "The activity's actor is not the signer");
    EXPECT_FALSE(follow(model::remote_actor(sophie_.actor.id), model::local_actor(alice_.id)));
    EXPECT_FALSE(follow(model::remote_actor(remi_.actor.id), model::local_actor(alice_.id)));
    expect_not_applied(id);
}

TEST_F(InboxTest, AnActivityIdOnAnotherHostIsForbidden)
{
    const std::string id = "https://elsewhere.example/activities/follow-1";
    expect_refused(deliver(remi_, follow_of_alice(remi_, id)), ErrorKind::Forbidden,
        "The activity's id is not on its actor's host");
    EXPECT_FALSE(follow(model::remote_actor(remi_.actor.id), model::local_actor(alice_.id)));
    expect_not_applied(id);
}

TEST_F(InboxTest, ACreateWhoseObjectIdIsOnAnotherHostIsForbidden)
{
    const std::string id = activity_id(remi_, "create-1");
    Note note;
    note.id = "https://elsewhere.example/notes/1";
    note.attributed_to = remi_.uri;
    note.to = { local_uri(alice_) };
    expect_refused(deliver(remi_, create_of(remi_, id, note)), ErrorKind::Forbidden,
        "The object is not on its actor's host");
    EXPECT_FALSE(status(note.id));
    expect_not_applied(id);
    EXPECT_EQ(peer_.requests(), 0);
}

TEST_F(InboxTest, ACreateOfAnObjectAttributedToAnotherActorIsForbidden)
{
    const std::string id = activity_id(remi_, "create-1");
    Note note;
    note.id = sophie_.uri + "/statuses/1";
    note.attributed_to = sophie_.uri;
    note.to = { local_uri(alice_) };
    expect_refused(deliver(remi_, create_of(remi_, id, note)), ErrorKind::Forbidden,
        "The object is not attributed to the activity's actor");
    EXPECT_FALSE(status(note.id));
    expect_not_applied(id);
}

TEST_F(InboxTest, AnUpdateOfAnotherActorsStatusIsForbiddenAndLeavesItUnchanged)
{
    const model::Status original = remote_status(sophie_, Audience::Direct);
    Note forged;
    forged.id = original.uri;
    forged.content = "<p>Rémi was here</p>";
    forged.to = { local_uri(alice_) };
    // Attributed to Rémi (the signer) or to Sophie (the author): refused either way.
    const std::vector<std::pair<std::string, std::string>> owners {
        { remi_.uri, "An actor can only update its own objects" },
        { sophie_.uri, "The object is not attributed to the activity's actor" },
    };
    int n = 0;
    for (const auto& [owner, reason] : owners) {
        SCOPED_TRACE(owner);
        forged.attributed_to = owner;
        const std::string id = activity_id(remi_, "update-" + std::to_string(++n));
        expect_refused(deliver(remi_, activity_json("Update", id, remi_.uri, note_json(forged))),
            ErrorKind::Forbidden, reason);
        expect_not_applied(id);
    }
    auto after = status(original.uri);
    ASSERT_TRUE(after);
    EXPECT_EQ(after->content_html, original.content_html);
    EXPECT_FALSE(after->edited_at);
    EXPECT_EQ(after->author, original.author);
}

TEST_F(InboxTest, ADeleteOfAnotherActorsStatusIsForbiddenAndLeavesIt)
{
    const model::Status original = remote_status(sophie_, Audience::Direct);
    const std::string id = activity_id(remi_, "delete-1");
    expect_refused(deliver(remi_, activity_json("Delete", id, remi_.uri, q(original.uri))),
        ErrorKind::Forbidden, "An actor can only delete its own objects");
    expect_not_applied(id);

    // Nor a local status (another host than Rémi's).
    const model::Status local = local_status(alice_, Audience::Followers);
    const std::string id2 = activity_id(remi_, "delete-2");
    expect_refused(deliver(remi_, activity_json("Delete", id2, remi_.uri, q(local.uri))),
        ErrorKind::Forbidden, "The object is not on its actor's host");
    expect_not_applied(id2);

    for (const auto& s : { original, local }) {
        auto after = status(s.uri);
        ASSERT_TRUE(after);
        EXPECT_FALSE(after->deleted_at);
        EXPECT_EQ(after->content_html, s.content_html);
    }
}

TEST_F(InboxTest, AnUndoOfAnotherActorsFollowIsForbiddenAndKeepsIt)
{
    const std::string sophies = activity_id(sophie_, "follow-1");
    ASSERT_TRUE(deliver(sophie_, follow_of_alice(sophie_, sophies)));
    const auto answers = outbox_.answers.size();

    struct Attempt {
        std::string what, object;
    };
    const std::vector<Attempt> attempts {
        { "embedded, Sophie's", follow_of_alice(sophie_, sophies) },
        { "by id", q(sophies) },
        { "embedded, claiming to be Remi's", follow_of_alice(remi_, sophies) },
        { "anonymous, Sophie's",
            R"({"type":"Follow","actor":)" + q(sophie_.uri) + R"(,"object":)" + q(local_uri(alice_)) + "}" },
    };
    int n = 0;
    for (const auto& attempt : attempts) {
        SCOPED_TRACE(attempt.what);
        const std::string id = activity_id(remi_, "undo-" + std::to_string(++n));
        expect_refused(deliver(remi_, activity_json("Undo", id, remi_.uri, attempt.object)),
            ErrorKind::Forbidden, "An actor can only undo its own");
        EXPECT_FALSE(in_ledger(id));
        EXPECT_TRUE(follow_by_uri(sophies)) << "Sophie's follow was removed";
    }
    EXPECT_EQ(outbox_.answers.size(), answers);
    EXPECT_EQ(outbox_.other_calls, 0);
}

// --- Create: who may read it (docs/federation.md "Audiences") ---------------------------------

TEST_F(InboxTest, ACreateForTheAuthorsFollowersIsStoredSanitisedWhenSomeoneHereFollows)
{
    alice_follows(remi_);
    const std::string id = activity_id(remi_, "create-1");
    Note note;
    note.id = remi_.uri + "/statuses/1";
    note.attributed_to = remi_.uri;
    note.content = R"(<p>Bonjour<script>alert("xss")</script> <a href="https://soins.example/" )"
                   R"html(onclick="steal()">lien</a></p>)html";
    note.to = { remi_.followers };
    ASSERT_TRUE(deliver(remi_, create_of(remi_, id, note)));

    auto s = status(note.id);
    ASSERT_TRUE(s) << "a note for the followers of an actor followed here was not stored";
    EXPECT_EQ(s->audience, Audience::Followers);
    EXPECT_EQ(s->author, model::remote_actor(remi_.actor.id));
    EXPECT_EQ(s->context, note.id);
    EXPECT_NE(s->content_html.find("Bonjour"), std::string::npos) << s->content_html;
    EXPECT_NE(s->content_html.find("lien"), std::string::npos) << s->content_html;
    EXPECT_EQ(s->content_html.find("<script"), std::string::npos) << s->content_html;
    EXPECT_EQ(s->content_html.find("alert"), std::string::npos) << s->content_html;
    EXPECT_EQ(s->content_html.find("onclick"), std::string::npos) << s->content_html;
    EXPECT_EQ(s->content_html.find("steal"), std::string::npos) << s->content_html;
    EXPECT_TRUE(in_ledger(id));
}

TEST_F(InboxTest, ACreateThatNobodyHereMayReadIsAcceptedButNotStored)
{
    // Nobody here follows Rémi and the note names nobody here.
    const std::string id = activity_id(remi_, "create-1");
    Note note;
    note.id = remi_.uri + "/statuses/1";
    note.attributed_to = remi_.uri;
    note.to = { remi_.followers };
    note.cc = { std::string(kPublicCollection), sophie_.uri };
    auto r = deliver(remi_, create_of(remi_, id, note));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_FALSE(status(note.id)) << "stored a note nobody here may read";

    // A pending follow does not make it readable either.
    insert_follow(model::local_actor(alice_.id), model::remote_actor(remi_.actor.id), FollowState::Pending,
        local_uri(alice_) + "/follows/1");
    note.id = remi_.uri + "/statuses/2";
    ASSERT_TRUE(deliver(remi_, create_of(remi_, activity_id(remi_, "create-2"), note)));
    EXPECT_FALSE(status(note.id));
}

TEST_F(InboxTest, ACreateAddressedToALocalAccountIsStoredAsDirectWithItsMention)
{
    const std::string id = activity_id(remi_, "create-1");
    Note note;
    note.id = remi_.uri + "/statuses/1";
    note.attributed_to = remi_.uri;
    note.to = { local_uri(alice_) };
    ASSERT_TRUE(deliver(remi_, create_of(remi_, id, note)));
    auto s = status(note.id);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->audience, Audience::Direct);
    EXPECT_EQ(mentions(s->id), (std::vector<ActorRef> { model::local_actor(alice_.id) }));
}

// A received Note's Hashtag tags become its hashtags, by the rule local posts follow; an Update
// replaces them.
TEST_F(InboxTest, HashtagTagsOfACreateAreStoredAndAnUpdateReplacesThem)
{
    alice_follows(remi_);
    Note note;
    note.id = remi_.uri + "/statuses/1";
    note.attributed_to = remi_.uri;
    note.to = { remi_.followers };
    note.tags = R"([{"type":"Hashtag","href":"https://soins.example/tags/soins","name":"#Soins"},)"
                R"({"type":"Mention","href":")"
        + remi_.uri + R"(","name":"@remi"},{"type":"Hashtag","name":"#<b>x</b>"},{"type":"Hashtag","name":"#Éthique"}])";
    ASSERT_TRUE(deliver(remi_, create_of(remi_, activity_id(remi_, "create-1"), note)));
    auto s = status(note.id);
    ASSERT_TRUE(s);
    auto tags_of = [&] {
        std::vector<std::string> names;
        auto done = fx_->store().read([&](storage::Repositories& repos) -> Status {
            auto found = repos.tags().for_status(s->id);
            if (found)
                names = *found;
            return found ? ok() : forward(found);
        });
        EXPECT_TRUE(done) << describe(done);
        return names;
    };
    EXPECT_EQ(tags_of(), (std::vector<std::string> { "soins", "Éthique" }));
    note.tags = R"([{"type":"Hashtag","name":"#garde"}])";
    ASSERT_TRUE(deliver(remi_, activity_json("Update", activity_id(remi_, "update-1"), remi_.uri, note_json(note))));
    EXPECT_EQ(tags_of(), (std::vector<std::string> { "garde" }));
}

// --- Threads ----------------------------------------------------------------------------------

TEST_F(InboxTest, AReplyToALocalStatusIsAttachedAndJoinsItsThread)
{
    const model::Status parent = local_status(alice_, Audience::Followers);
    Note reply;
    reply.id = remi_.uri + "/statuses/1";
    reply.attributed_to = remi_.uri;
    reply.to = { local_uri(alice_) };
    reply.in_reply_to = parent.uri;
    reply.context = "tag:" + peer_.host() + ",2026:objectId=1:objectType=Conversation";
    ASSERT_TRUE(deliver(remi_, create_of(remi_, activity_id(remi_, "create-1"), reply)));
    auto s = status(reply.id);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->in_reply_to_id, parent.id);
    EXPECT_EQ(s->in_reply_to_uri, parent.uri);
    EXPECT_EQ(s->context, parent.context) << "the reply must join its parent's thread";
}

TEST_F(InboxTest, AReplyArrivingBeforeItsParentIsAttachedWhenTheParentArrives)
{
    alice_follows(remi_);
    Note parent;
    parent.id = remi_.uri + "/statuses/1";
    parent.attributed_to = remi_.uri;
    parent.to = { remi_.followers };
    Note reply = parent;
    reply.id = remi_.uri + "/statuses/2";
    reply.in_reply_to = parent.id;

    ASSERT_TRUE(deliver(remi_, create_of(remi_, activity_id(remi_, "create-2"), reply)));
    auto orphan = status(reply.id);
    ASSERT_TRUE(orphan);
    EXPECT_FALSE(orphan->in_reply_to_id);
    EXPECT_EQ(orphan->in_reply_to_uri, parent.id);

    ASSERT_TRUE(deliver(remi_, create_of(remi_, activity_id(remi_, "create-1"), parent)));
    auto p = status(parent.id);
    auto attached = status(reply.id);
    ASSERT_TRUE(p && attached);
    EXPECT_EQ(attached->in_reply_to_id, p->id);
}

// --- Delete and Like --------------------------------------------------------------------------

TEST_F(InboxTest, ADeleteByTheAuthorTurnsItsStatusIntoATombstone)
{
    const model::Status s = remote_status(remi_, Audience::Direct);
    const std::string id = activity_id(remi_, "delete-1");
    const std::string tombstone = R"({"id":)" + q(s.uri) + R"(,"type":"Tombstone"})";
    ASSERT_TRUE(deliver(remi_, activity_json("Delete", id, remi_.uri, tombstone)));
    auto after = status(s.uri);
    ASSERT_TRUE(after) << "a tombstone stays, so that a late Create is not stored again";
    ASSERT_TRUE(after->deleted_at);
    EXPECT_EQ(*after->deleted_at, now());
    EXPECT_TRUE(after->content_html.empty());
    EXPECT_TRUE(after->summary.empty());

    // A late (or replayed under a new id) Create of the same note does not bring it back.
    Note note;
    note.id = s.uri;
    note.attributed_to = remi_.uri;
    note.to = { local_uri(alice_) };
    ASSERT_TRUE(deliver(remi_, create_of(remi_, activity_id(remi_, "create-late"), note)));
    auto still = status(s.uri);
    ASSERT_TRUE(still);
    EXPECT_TRUE(still->deleted_at);
    EXPECT_TRUE(still->content_html.empty());
}

TEST_F(InboxTest, ALikeOfALocalFollowersStatusIsStored)
{
    const std::string follow_id = activity_id(remi_, "follow-1");
    ASSERT_TRUE(deliver(remi_, follow_of_alice(remi_, follow_id)));
    const model::Status s = local_status(alice_, Audience::Followers);
    const std::string id = activity_id(remi_, "like-1");
    ASSERT_TRUE(deliver(remi_, activity_json("Like", id, remi_.uri, q(s.uri))));
    auto liked = like(remi_, s.id);
    ASSERT_TRUE(liked);
    EXPECT_EQ(liked->uri, id);
    EXPECT_EQ(liked->actor, model::remote_actor(remi_.actor.id));
}

TEST_F(InboxTest, ALikeOfALocalInstanceStatusIsIgnored)
{
    const model::Status s = local_status(alice_, Audience::Instance);
    const std::string id = activity_id(remi_, "like-1");
    auto r = deliver(remi_, activity_json("Like", id, remi_.uri, q(s.uri)));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_FALSE(like(remi_, s.id)) << "an Instance status never left the instance";
}

// --- Hostile bodies (notes §E), signed correctly so that they reach the parser ----------------

TEST_F(InboxTest, ABodyThatIsNotJsonIsInvalidInput)
{
    const std::vector<std::pair<std::string, std::string>> bodies {
        { "this is not JSON", "Malformed JSON" },
        { R"({"type":"Follow",)", "Malformed JSON" },
        { R"(["not","an","object"])", "must be an object" },
    };
    for (const auto& [body, reason] : bodies) {
        SCOPED_TRACE(body);
        expect_refused(deliver(remi_, body), ErrorKind::InvalidInput, reason);
    }
    EXPECT_FALSE(follow(model::remote_actor(remi_.actor.id), model::local_actor(alice_.id)));
    EXPECT_TRUE(outbox_.answers.empty());
}

TEST_F(InboxTest, ABodyNested1000LevelsDeepIsInvalidInput)
{
    const std::string id = activity_id(remi_, "follow-1");
    std::string deep;
    for (int i = 0; i < 999; ++i)
        deep += R"({"a":)";
    deep += "{}";
    deep += std::string(999, '}');
    const std::string body = activity_json("Follow", id, remi_.uri, q(local_uri(alice_)), R"(,"x":)" + deep);
    expect_refused(deliver(remi_, body), ErrorKind::InvalidInput, "JSON nested deeper than 32 levels");
    EXPECT_FALSE(follow(model::remote_actor(remi_.actor.id), model::local_actor(alice_.id)));
    expect_not_applied(id);
}

TEST_F(InboxTest, ABodyLargerThanTheLimitIsPayloadTooLarge)
{
    alice_follows(remi_);
    const std::string id = activity_id(remi_, "create-1");
    Note note;
    note.id = remi_.uri + "/statuses/1";
    note.attributed_to = remi_.uri;
    note.to = { remi_.followers };
    note.content = "<p>" + std::string(kMaxInboxBytes, 'a') + "</p>";
    const std::string body = create_of(remi_, id, note);
    ASSERT_GT(body.size(), kMaxInboxBytes);
    expect_refused(deliver(remi_, body), ErrorKind::PayloadTooLarge, "too large");
    EXPECT_FALSE(status(note.id));
    expect_not_applied(id);
}

TEST_F(InboxTest, AnUnknownActivityTypeIsAcceptedAndIgnored)
{
    const model::Status s = local_status(alice_, Audience::Followers);
    const std::string id = activity_id(remi_, "teleport-1");
    auto r = deliver(remi_, activity_json("Teleport", id, remi_.uri, q(s.uri)));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_FALSE(like(remi_, s.id));
    EXPECT_FALSE(follow(model::remote_actor(remi_.actor.id), model::local_actor(alice_.id)));
    EXPECT_FALSE(status(id));
    EXPECT_TRUE(outbox_.answers.empty());
    EXPECT_EQ(outbox_.other_calls, 0);
}

} // namespace
} // namespace confrere::federation
