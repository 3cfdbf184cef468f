// Statuses, follows and interactions of local members: the rules of DESIGN rule 2 (audiences
// never widen) written once, for the client API and the web UI alike. Federation learns of
// every change through the Outbox port, inside the same transaction.
#pragma once

#include "core/base/id.hpp"
#include "core/base/result.hpp"
#include "core/model/account.hpp"
#include "core/model/federation.hpp"
#include "core/services/live_events.hpp"
#include "core/services/outbox.hpp"
#include "storage/store.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confrere::services {

// The longest status text, in bytes: a safety net behind PostingLimits::max_characters (which
// the configuration keeps at most kMaxStatusCharactersCeiling, 4 bytes each at worst).
inline constexpr std::size_t kMaxStatusCharactersCeiling = 25'000;
inline constexpr std::size_t kMaxStatusTextBytes = 4 * kMaxStatusCharactersCeiling;
inline constexpr std::size_t kMaxSummaryBytes = 500;
// Idempotency-Key: at most this many bytes; a key is remembered this long.
inline constexpr std::size_t kMaxIdempotencyKeyBytes = 64;
inline constexpr std::chrono::hours kIdempotencyKeyLifetime { 1 };

// Instance-wide posting limits ([limits] in the configuration).
struct PostingLimits {
    // Counted in Unicode code points, as Mastodon counts characters (it allows 500; health case
    // discussions need more).
    std::size_t max_characters = 5000;
};

// A page of statuses listed by another row's id (a bookmark's, a favourite's): `newest` and
// `oldest` are those ids, for the Link header, of the first and last statuses kept.
struct StatusPage {
    std::vector<model::Status> statuses;
    std::optional<Id> newest, oldest;
};

// A page of a timeline that mixes statuses and boosts. `newest` and `oldest` bound the rows
// read, boosts left out included (a boost of a status already in the page), for the Link
// header: the next page starts past everything this one weighed.
struct TimelinePage {
    std::vector<model::TimelineEntry> entries;
    std::optional<Id> newest, oldest;
    bool full = false; // `limit` rows were weighed: there may be more past `oldest`
};

// A page of actors listed by another row's id (a follow's, an interaction's).
struct ActorPage {
    std::vector<model::ActorRef> actors;
    std::optional<Id> newest, oldest;
};

// GET /api/v1/accounts/:id/statuses.
struct AuthorStatusesQuery {
    storage::StatusQuery page;
    bool exclude_replies = false; // replies to others (a reply to oneself stays: a thread)
    bool exclude_reblogs = false; // the author's boosts, listed among its statuses otherwise
};

// A status's place in its thread, as a reader sees it (Mastodon's Context): the readable
// ancestors from the root down, and the readable descendants depth-first.
struct ThreadContext {
    std::vector<model::Status> ancestors;
    std::vector<model::Status> descendants;
};
inline constexpr int kMaxAncestors = 40;
inline constexpr int kMaxDescendants = 60;

struct PostRequest {
    std::string text; // plain text, as typed
    model::Audience audience = model::Audience::Instance;
    std::optional<Id> in_reply_to;
    std::string summary; // content warning
    bool sensitive = false;
    std::string language;
    std::vector<model::ActorRef> mentions; // resolved by the caller (API: @user@host)
    // Posts into this group (audience Group): a group here (local) or a remote Group actor;
    // the author must be a member. A reply to a group post stays in that group anyway.
    std::optional<model::ActorRef> group;
    // Idempotency-Key: a repeated key (same author, within kIdempotencyKeyLifetime) returns the
    // status it created instead of posting again. Empty: none.
    std::string idempotency_key;
};

// Where a local status lives: <base>/users/<username>/statuses/<id>.
std::string local_status_uri(std::string_view base_url, std::string_view username, Id id);
// The id of a Follow sent by a local account: <base>/users/<username>/follows/<id>.
std::string local_follow_uri(std::string_view base_url, std::string_view username, Id id);

// Whether `reader` may read `status` (the one visibility rule; SQL timelines mirror it): never a
// deleted status; always its author; Instance: local readers of a local author's status (never a
// remote actor); Followers: accepted followers and mentioned actors; Direct: mentioned actors;
// Group: the group's accepted members (is_group_member). Mentions never widen an audience.
// Callers check that a local reader is a member.
Result<bool> can_read(storage::Repositories& repos, model::ActorRef reader, const model::Status& status);
Result<bool> can_read(
    storage::Repositories& repos, const model::Account& reader, const model::Status& status);
// Whether `actor` is an accepted member of `group`: a group here (local: groups.id) through its
// membership, a Group actor of another instance (remote) through an accepted follow by a local
// account (remote actors are never known as members of another instance's group). False for
// nullopt.
Result<bool> is_group_member(
    storage::Repositories& repos, model::ActorRef actor, std::optional<model::ActorRef> group);

// Whether `actor` may Announce (boost) a status it can read: an Announce shows the status to the
// announcer's followers, so only Instance statuses (shown again inside the instance) and one's
// own Followers statuses (to the same followers) may be boosted; never a Direct or Group one.
bool can_announce(const model::Account& actor, const model::Status& status);

// A timeline filter as the store reads it: its tag without '#' and normalised; nullopt when
// the tag is no hashtag (the timeline is then empty).
std::optional<storage::TimelineFilter> normalize_timeline_filter(storage::TimelineFilter filter);

class SocialService {
public:
    using Renderer = std::function<std::string(std::string_view text)>;

    // `render` turns plain text into the safe HTML stored and federated
    // (federation::render_plain_text with the base URL).
    SocialService(storage::Store& store, const Clock& clock, IdGenerator& ids, Outbox& outbox,
        std::string base_url, Renderer render, PostingLimits limits = {})
        : store_(store)
        , clock_(clock)
        , ids_(ids)
        , outbox_(outbox)
        , base_url_(std::move(base_url))
        , render_(std::move(render))
        , limits_(limits)
    { }

    const PostingLimits& limits() const { return limits_; }

    // Publishes a status. Unprocessable (field "status") for empty or too long text (more than
    // limits().max_characters code points), text that is not UTF-8; (field "Idempotency-Key")
    // for a key over kMaxIdempotencyKeyBytes; (field "visibility") for an audience wider than the parent's or not
    // available yet (Group); NotFound (field "in_reply_to_id") for a parent the author cannot
    // read. A reply to someone else's Followers or Direct status is Direct to its author and
    // mentions: it is never shown to the replier's own followers.
    Result<model::Status> post(const model::Account& author, PostRequest request);

    // NotFound unless `reader` may read it (nothing tells a hidden status from a missing one).
    Result<model::Status> status(const model::Account& reader, Id status_id);

    // The thread around a status the reader may read (NotFound otherwise). An ancestor the
    // reader may not read ends the climb; a descendant the reader may not read hides its replies.
    Result<ThreadContext> context(const model::Account& reader, Id status_id);

    // Edits the text, content warning and language of the author's own status (the audience
    // never changes). Errors as post() for the text; NotFound if not readable; Forbidden if
    // someone else's. Federated statuses send an Update to the same audience.
    Result<model::Status> edit(const model::Account& author, Id status_id, PostRequest request);

    // Deletes the author's own status (moderators remove others' with remove_as_moderator). NotFound if it
    // is not readable; Forbidden if someone else's.
    Result<model::Status> remove(const model::Account& author, Id status_id);

    // A moderator's removal of a reported status (ReportService), whoever wrote it and whether
    // or not the moderator is in its audience: the deletion remove() makes (a local author's
    // federated status sends its Delete; a remote author's is removed here only). Forbidden
    // unless `moderator` may moderate; NotFound for an unknown status; one already deleted is
    // returned as it is.
    Result<model::Status> remove_as_moderator(const model::Account& moderator, Id status_id);

    // Follows an account (local) or asks a remote actor. Already following or asked: the
    // existing follow. Unprocessable for oneself; NotFound for an unknown or inactive target.
    // Local unlocked targets accept at once; locked ones and remote actors leave it Pending.
    Result<model::Follow> follow(const model::Account& follower, model::ActorRef target);
    // Withdraws a follow or a request (Undo(Follow) to a remote actor). No-op if none.
    Status unfollow(const model::Account& follower, model::ActorRef target);

    // The followee answers a pending request. NotFound if there is none.
    Result<model::Follow> authorize_follower(const model::Account& followee, model::ActorRef follower);
    Status reject_follower(const model::Account& followee, model::ActorRef follower);
    // Pending requests to `followee`, newest first.
    Result<std::vector<model::Follow>> follow_requests(const model::Account& followee, int limit);

    // Like (favourite) or Announce (reblog) a readable status; idempotent. NotFound if it is not
    // readable. An Announce shows the status to the announcer's followers, so it would widen a
    // Followers, Direct or Group audience: Unprocessable unless the status is an Instance one
    // (shown again inside the instance) or the announcer's own. A Like of a remote status is
    // sent to its author.
    Result<model::Interaction> interact(
        const model::Account& actor, model::InteractionKind kind, Id status_id);
    Status undo_interaction(const model::Account& actor, model::InteractionKind kind, Id status_id);
    // The boost with this interaction id as a timeline entry. NotFound unless it is an
    // Announce of a status the reader may read.
    Result<model::TimelineEntry> boost(const model::Account& reader, Id boost_id);

    // The reader's statuses and those of the accounts it follows, groups and direct mentions
    // (StatusRepository::home_timeline), and the boosts of the reader and of those it follows
    // (of statuses it may read). A boost is left out when its status is in the page, as itself
    // or through a newer boost.
    Result<TimelinePage> home_timeline(const model::Account& reader, const storage::StatusQuery& query);
    // The instance's timeline narrowed by `filter`, whose tag is taken as typed (normalised
    // here; a name that is not a hashtag matches nothing).
    Result<std::vector<model::Status>> instance_timeline(
        const model::Account& reader, const storage::StatusQuery& query, storage::TimelineFilter filter);

    // Bookmarks a status the member may read (NotFound otherwise); idempotent. Returns the status.
    Result<model::Status> bookmark(const model::Account& member, Id status_id);
    // Removes the member's bookmark of the status; no-op if there is none.
    Status unbookmark(const model::Account& member, Id status_id);
    // The member's bookmarks, newest first, paged by bookmark id; statuses the member may no
    // longer read are left out.
    Result<StatusPage> bookmarks(const model::Account& member, const storage::PageQuery& page);
    // The member's favourites (Likes), newest first, paged by interaction id; unreadable left out.
    Result<StatusPage> favourites(const model::Account& member, const storage::PageQuery& page);
    // Who liked (Like) or boosted (Announce) a status the reader may read (NotFound otherwise),
    // newest first, paged by interaction id.
    Result<ActorPage> interacted_by(
        const model::Account& reader, Id status_id, model::InteractionKind kind, const storage::PageQuery& page);
    // An author's statuses that `reader` may read (can_read), newest first, with its boosts
    // unless the query excludes them.
    Result<TimelinePage> author_statuses(
        const model::Account& reader, model::ActorRef author, const AuthorStatusesQuery& query);
    // Accepted followers of `account` / accounts it follows (accepted), paged by follow id.
    Result<ActorPage> followers(const model::Account& reader, model::ActorRef account, const storage::PageQuery& page);
    Result<ActorPage> following(const model::Account& reader, model::ActorRef account, const storage::PageQuery& page);

    // Who hears of changes once committed (the streaming API); none by default. Set once,
    // before requests are served.
    void set_live_events(LiveEvents* live) { live_ = live; }

private:
    Status write(const std::function<Status(storage::Repositories&)>& work);
    // Marks `status` deleted and tells federation (a local author's non-Instance status).
    Status erase(const model::Status& status, const std::optional<model::Account>& author);
    void publish(std::span<const LiveEvent> events);
    Result<std::vector<model::Status>> timeline(const model::Account& reader,
        const std::function<Result<std::vector<model::Status>>(storage::Repositories&)>& query);
    storage::Store& store_;
    const Clock& clock_;
    IdGenerator& ids_;
    Outbox& outbox_;
    std::string base_url_;
    Result<ActorPage> follows_page(const model::Account& reader, model::ActorRef account,
        const storage::PageQuery& page, bool followers);
    Renderer render_;
    PostingLimits limits_;
    LiveEvents* live_ = nullptr;
};

} // namespace confrere::services
