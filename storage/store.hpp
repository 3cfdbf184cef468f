// The storage ports: what the domain needs from a database, and nothing of how.
// storage/sqlite/ implements them on SQLite; a PostgreSQL backend would implement the same
// interfaces without touching callers.
#pragma once

#include "core/base/result.hpp"
#include "core/model/account.hpp"
#include "core/model/directory.hpp"
#include "core/model/federation.hpp"
#include "core/model/group.hpp"
#include "core/model/notification.hpp"
#include "core/model/oauth.hpp"
#include "core/model/peer.hpp"
#include "core/model/report.hpp"
#include "core/model/search.hpp"
#include "core/model/session.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace confrere::storage {

struct NewAccount {
    model::Account account;
    std::string password_hash;
    std::string private_key_pem;
    std::optional<model::ProfessionalIdentity> identity;
    std::optional<model::Precheck> precheck;
    std::optional<model::Attestation> attestation;
    std::string motivation;
};

struct Credentials {
    model::Account account;
    std::string password_hash;
};

struct AccountQuery {
    std::optional<model::AccountState> state;
    bool discoverable_only = false;
    std::optional<Id> max_id;  // exclusive upper bound (older than)
    std::optional<Id> min_id;  // exclusive lower bound (newer than)
    int limit = 40;
};

class AccountRepository {
public:
    virtual ~AccountRepository() = default;
    // Conflict with Error::field "username", "email" or "identifier" if one is already taken
    // (identifiers stay taken unless the account holding them was rejected).
    virtual Status insert(const NewAccount& account) = 0;
    virtual Result<std::optional<model::Account>> find_by_id(Id id) = 0;
    // Case-insensitive.
    virtual Result<std::optional<model::Account>> find_by_username(std::string_view username) = 0;
    // `login` is a username or an e-mail address, case-insensitive.
    virtual Result<std::optional<Credentials>> find_credentials(std::string_view login) = 0;
    // Newest first.
    virtual Result<std::vector<model::Account>> list(const AccountQuery& query) = 0;
    virtual Result<std::optional<model::Registration>> find_registration(Id id) = 0;
    virtual Result<std::optional<model::Attestation>> find_attestation(Id id) = 0;
    // Records a moderation decision. NotFound if the account does not exist.
    virtual Status update_state(Id id, model::AccountState state, std::string_view reason,
                                std::optional<Id> moderator, TimePoint at) = 0;
    virtual Status update_password_hash(Id id, std::string_view hash, TimePoint at) = 0;
    // Replaces display_name, note, locked, discoverable, locale and specialties (the profile a
    // member edits).
    // NotFound if the account does not exist.
    virtual Status update_profile(const model::Account& account, TimePoint at) = 0;
    virtual Result<std::string> private_key_pem(Id id) = 0;
    virtual Result<std::int64_t> count(std::optional<model::AccountState> state) = 0;
};

class SessionRepository {
public:
    virtual ~SessionRepository() = default;
    virtual Status insert(const model::Session& session) = 0;
    // Unexpired sessions only.
    virtual Result<std::optional<model::Session>> find_by_token_hash(std::string_view hash,
                                                                      TimePoint now) = 0;
    virtual Status remove(Id session_id) = 0;
    virtual Status remove_for_account(Id account_id) = 0;
};

class DirectoryRepository {
public:
    virtual ~DirectoryRepository() = default;
    // Entries with this Identification nationale PP in the current import.
    virtual Result<std::vector<model::DirectoryEntry>> find(std::string_view national_id) = 0;
    virtual Result<std::optional<model::DirectoryImport>> current_import() = 0;
};

class PeerRepository {
public:
    virtual ~PeerRepository() = default;
    // Inserts or replaces the decision about `peer.host`.
    virtual Status upsert(const model::Peer& peer) = 0;
    // NotFound if the host is not listed.
    virtual Status remove(std::string_view host) = 0;
    virtual Result<std::optional<model::Peer>> find(std::string_view host) = 0;
    // Sorted by host.
    virtual Result<std::vector<model::Peer>> list() = 0;
};

// Instance-wide settings that live in the database (the instance actor's keys, say).
class SettingsRepository {
public:
    virtual ~SettingsRepository() = default;
    virtual Result<std::optional<std::string>> get(std::string_view key) = 0;
    virtual Status put(std::string_view key, std::string_view value) = 0;
};

// Actors of other instances, as fetched from their origin.
class RemoteActorRepository {
public:
    virtual ~RemoteActorRepository() = default;
    // Inserts the actor, or updates the row with the same uri (keeping its id). Returns the
    // stored actor (with its id). `actor.id` is used only for an insert.
    virtual Result<model::RemoteActor> upsert(const model::RemoteActor& actor) = 0;
    virtual Result<std::optional<model::RemoteActor>> find_by_id(Id id) = 0;
    virtual Result<std::optional<model::RemoteActor>> find_by_uri(std::string_view uri) = 0;
    virtual Result<std::optional<model::RemoteActor>> find_by_key_id(std::string_view key_id) = 0;
    // Case-insensitive on both parts; `host` as stored (lower case).
    virtual Result<std::optional<model::RemoteActor>> find_by_handle(std::string_view username,
                                                                     std::string_view host) = 0;
};

// Which end of the window between min_id and max_id a page is cut from. Mastodon's since_id
// takes the newest items above the bound; its min_id takes the items just above the bound
// (what clients use to fill a gap). Both pages are returned newest first.
enum class PageEnd { Newest, Oldest };

// A page of rows ordered by their own id (statuses, follows, bookmarks, interactions).
struct PageQuery {
    std::optional<Id> max_id; // exclusive upper bound (older than)
    std::optional<Id> min_id; // exclusive lower bound (newer than)
    int limit = 20;
    PageEnd end = PageEnd::Newest;
};

struct FollowQuery {
    std::optional<model::FollowState> state; // nullopt: both
    std::optional<Id> max_id; // exclusive, on follows.id (newest first)
    std::optional<Id> min_id; // exclusive lower bound on follows.id
    int limit = 40;
    PageEnd end = PageEnd::Newest;
};

class FollowRepository {
public:
    virtual ~FollowRepository() = default;
    // Conflict (field "followee") if `follower` already follows (or asked to follow) `followee`;
    // Conflict (field "uri") if another follow has this non-empty uri.
    virtual Status insert(const model::Follow& follow) = 0;
    virtual Result<std::optional<model::Follow>> find(model::ActorRef follower, model::ActorRef followee) = 0;
    virtual Result<std::optional<model::Follow>> find_by_id(Id id) = 0;
    virtual Result<std::optional<model::Follow>> find_by_uri(std::string_view uri) = 0;
    // NotFound if there is no such follow.
    virtual Status set_state(Id id, model::FollowState state, TimePoint at) = 0;
    // NotFound if there is no such follow.
    virtual Status remove(Id id) = 0;
    // Newest first.
    virtual Result<std::vector<model::Follow>> followers_of(model::ActorRef followee, const FollowQuery& query) = 0;
    virtual Result<std::vector<model::Follow>> followed_by(model::ActorRef follower, const FollowQuery& query) = 0;
    virtual Result<std::int64_t> count_followers(model::ActorRef followee, model::FollowState state) = 0;
    virtual Result<std::int64_t> count_following(model::ActorRef follower, model::FollowState state) = 0;
    // The distinct inboxes that reach the accepted remote followers of `followee`: each
    // follower's shared inbox when it has one, else its own inbox. Sorted.
    virtual Result<std::vector<std::string>> follower_inboxes(model::ActorRef followee) = 0;
};

// A page of statuses by statuses.id (PageQuery's bounds).
struct StatusQuery : PageQuery {
    bool include_deleted = false;
};

// What the local timelines may be narrowed to, inside their readable-status query (so pages
// stay full).
struct TimelineFilter {
    // TRE_G15 code of the author's profession; 0: any. Only local authors have a known
    // profession, so a set filter leaves remote authors out.
    int author_profession = 0;
    std::string tag; // a normalised hashtag name the status carries; empty: any
};

class StatusRepository {
public:
    virtual ~StatusRepository() = default;
    // Conflict (field "uri") if a status with the same uri exists.
    virtual Status insert(const model::Status& status) = 0;
    virtual Status add_mentions(Id status_id, const std::vector<model::ActorRef>& actors) = 0;
    virtual Result<std::vector<model::ActorRef>> mentions(Id status_id) = 0;
    virtual Result<std::optional<model::Status>> find_by_id(Id id) = 0;
    virtual Result<std::optional<model::Status>> find_by_uri(std::string_view uri) = 0;
    // Replaces content_html, source_text, summary, sensitive, language; sets edited_at.
    // NotFound if absent or deleted.
    virtual Status update_content(const model::Status& status, TimePoint at) = 0;
    // Turns the status into a tombstone: content, source and summary cleared, deleted_at set,
    // its mentions and interactions removed. NotFound if absent; no-op if already deleted.
    virtual Status mark_deleted(Id id, TimePoint at) = 0;
    // Moves a status into another group here (a thread move). NotFound if absent.
    virtual Status set_group(Id id, model::ActorRef group) = 0;
    // Statuses by one author, newest first, whatever their audience (callers filter).
    virtual Result<std::vector<model::Status>> by_author(model::ActorRef author, const StatusQuery& query) = 0;
    // Home timeline of local account `reader`: its own statuses, and those of actors it follows
    // with an accepted follow whose audience is Followers or Instance (Instance only from
    // local authors), plus Direct statuses mentioning `reader`. Newest first, never deleted.
    virtual Result<std::vector<model::Status>> home_timeline(Id reader, const StatusQuery& query) = 0;
    // Local authors' Instance-audience statuses narrowed by `filter`, newest first, never deleted.
    virtual Result<std::vector<model::Status>> instance_timeline(
        const StatusQuery& query, const TimelineFilter& filter)
        = 0;
    // The live statuses of a group (local: groups.id; remote: the Group actor), newest first.
    // narrowed by `filter` (the author's profession, a hashtag).
    virtual Result<std::vector<model::Status>> group_timeline(
        model::ActorRef group, const StatusQuery& query, const TimelineFilter& filter)
        = 0;
    // Replies to `status_id`, oldest first, never deleted.
    virtual Result<std::vector<model::Status>> replies(Id status_id, int limit) = 0;
    // Statuses whose in_reply_to_uri is `uri` but in_reply_to_id is unset get it set to `id`
    // (a parent that arrived after its replies).
    virtual Status attach_orphans(std::string_view uri, Id id) = 0;
    virtual Result<std::int64_t> count_local() = 0;
    // Statuses of one author that are not deleted.
    virtual Result<std::int64_t> count_by_author(model::ActorRef author) = 0;
};

class InteractionRepository {
public:
    virtual ~InteractionRepository() = default;
    // Conflict (field "status_id") if `actor` already has an interaction of this kind with the
    // status; Conflict (field "uri") if another interaction has this non-empty uri.
    virtual Status insert(const model::Interaction& interaction) = 0;
    virtual Result<std::optional<model::Interaction>> find(model::InteractionKind kind, model::ActorRef actor,
                                                           Id status_id) = 0;
    virtual Result<std::optional<model::Interaction>> find_by_uri(std::string_view uri) = 0;
    virtual Result<std::optional<model::Interaction>> find_by_id(Id id) = 0;
    // NotFound if there is no such interaction.
    virtual Status remove(Id id) = 0;
    virtual Result<std::int64_t> count(model::InteractionKind kind, Id status_id) = 0;
    // The actors with an interaction of this kind with the status, oldest first, at most `limit`.
    virtual Result<std::vector<model::ActorRef>> actors(
        model::InteractionKind kind, Id status_id, int limit) = 0;
    // Interactions of one kind by `actor`, newest first, paged by interaction id.
    virtual Result<std::vector<model::Interaction>> by_actor(
        model::InteractionKind kind, model::ActorRef actor, const PageQuery& page) = 0;
    // The Announces (boosts) that reach local account `reader`'s home timeline: its own and
    // those of the actors it follows (accepted), newest first, paged by interaction id. The
    // boosted statuses are not checked here (callers keep those the reader may read).
    virtual Result<std::vector<model::Interaction>> home_boosts(Id reader, const PageQuery& page) = 0;
    // Interactions of one kind with a status, newest first, paged by interaction id.
    virtual Result<std::vector<model::Interaction>> on_status(
        model::InteractionKind kind, Id status_id, const PageQuery& page) = 0;
};

struct NotificationQuery {
    std::optional<Id> max_id; // exclusive upper bound on the id (older than)
    std::optional<Id> since_id; // exclusive lower bound: the newest ones after it
    std::optional<Id> min_id; // exclusive lower bound: the ones just after it (paging backwards)
    int limit = 40;
    // Only these types; empty: none at all (the caller lists every type it wants).
    std::vector<model::NotificationType> types { model::kNotificationTypes.begin(),
        model::kNotificationTypes.end() };
    std::optional<Id> from_id; // only from this local account or remote actor
};

// What concerns local members (mentions, follows, favourites…), newest first.
class NotificationRepository {
public:
    virtual ~NotificationRepository() = default;
    // Stores `n`; false (and nothing written) when the recipient already has a notification of
    // this type from this actor about this status.
    virtual Result<bool> insert(const model::Notification& n) = 0;
    // The recipient's notification with this id; nullopt for anyone else's.
    virtual Result<std::optional<model::Notification>> find(Id recipient_id, Id id) = 0;
    // Newest first (with min_id: the `limit` just after min_id, still returned newest first).
    virtual Result<std::vector<model::Notification>> list(
        Id recipient_id, const NotificationQuery& query) = 0;
    // How many match `query` (its paging bounds included), counting at most `cap`.
    virtual Result<std::int64_t> count(Id recipient_id, const NotificationQuery& query, int cap) = 0;
    // Removes the recipient's notification `id`; false if there is none.
    virtual Result<bool> remove(Id recipient_id, Id id) = 0;
    // Removes all of the recipient's notifications; returns how many.
    virtual Result<std::int64_t> remove_all(Id recipient_id) = 0;
    // Removes the one notification of `type` from `from` about `status_id` (nullopt: none);
    // returns how many (0 or 1).
    virtual Result<std::int64_t> remove_matching(Id recipient_id, model::NotificationType type,
        model::ActorRef from, std::optional<Id> status_id) = 0;
    // Removes every notification about the status, whoever it was for; returns how many.
    virtual Result<std::int64_t> remove_for_status(Id status_id) = 0;
};

// Reading positions (Mastodon markers), one per account and timeline.
class MarkerRepository {
public:
    virtual ~MarkerRepository() = default;
    virtual Result<std::optional<model::Marker>> find(Id account_id, model::MarkerTimeline timeline) = 0;
    // Sets last_read_id and updated_at, version 1 for a new marker and +1 otherwise; returns it.
    virtual Result<model::Marker> save(
        Id account_id, model::MarkerTimeline timeline, Id last_read_id, TimePoint at) = 0;
};

// Statuses a local account keeps for later (private to the account, never federated).
class BookmarkRepository {
public:
    virtual ~BookmarkRepository() = default;
    // Stores the bookmark unless the account already has one for this status (then returns
    // that one).
    virtual Result<model::Bookmark> insert(const model::Bookmark& bookmark) = 0;
    virtual Result<std::optional<model::Bookmark>> find(Id account_id, Id status_id) = 0;
    // No-op if there is none.
    virtual Status remove(Id account_id, Id status_id) = 0;
    // The account's bookmarks, newest first, paged by bookmark id.
    virtual Result<std::vector<model::Bookmark>> list(Id account_id, const PageQuery& page) = 0;
};

// Idempotency-Key of POST /api/v1/statuses: which status a key already created.
class IdempotencyRepository {
public:
    virtual ~IdempotencyRepository() = default;
    // The status created with this key by this account since `not_before`.
    virtual Result<std::optional<Id>> find(Id account_id, std::string_view key_hash, TimePoint not_before) = 0;
    // Records (or, for an expired key, replaces) the key's status.
    virtual Status insert(Id account_id, std::string_view key_hash, Id status_id, TimePoint at) = 0;
    // Forgets keys recorded before `before`; returns how many.
    virtual Result<std::int64_t> prune(TimePoint before) = 0;
};

// Ids of inbound activities already processed (replays and duplicate deliveries are ignored).
class InboxLedger {
public:
    virtual ~InboxLedger() = default;
    // Records `activity_uri`; false if it was already recorded.
    virtual Result<bool> remember(std::string_view activity_uri, TimePoint at) = 0;
    // Forgets entries older than `before`; returns how many.
    virtual Result<std::int64_t> prune(TimePoint before) = 0;
};

// The transactional outbox and its delivery queue (DESIGN rule 5).
class DeliveryRepository {
public:
    virtual ~DeliveryRepository() = default;
    // Stores the activity and one pending delivery per distinct inbox (duplicates in `inboxes`
    // collapse), due at `activity.created_at`. Delivery ids come from `ids`, in order.
    // Conflict (field "uri") if an activity with the same uri was already queued; Unprocessable
    // (field "inbox") if an inbox is not an absolute URL; Internal if `ids` are too few.
    virtual Status enqueue(const model::OutboundActivity& activity, const std::vector<std::string>& inboxes,
                           const std::vector<Id>& delivery_ids) = 0;
    // Claims up to `limit` pending deliveries due at `now` whose lease is free or expired and
    // whose host is not marked unreachable at `now`, oldest due first; leases them until
    // `lease_until` so no other worker (or process) takes them meanwhile. Must run inside
    // Store::write (whose write lock makes select-then-lease atomic); Internal otherwise.
    virtual Result<std::vector<model::DeliveryJob>> claim_due(TimePoint now, TimePoint lease_until, int limit) = 0;
    // The three mark_* settle a pending delivery: NotFound if absent, Conflict if it is already
    // delivered or dead (a worker whose lease expired lost it to another).
    // Delivered: state delivered, lease cleared; records the status.
    virtual Status mark_delivered(Id delivery_id, int http_status, TimePoint at) = 0;
    // Failed, to retry at `next_attempt_at`: attempts+1, lease cleared, status and error kept.
    virtual Status mark_retry(Id delivery_id, int http_status, std::string_view error,
                              TimePoint next_attempt_at, TimePoint at) = 0;
    // Given up (dead letter): attempts+1, state dead.
    virtual Status mark_dead(Id delivery_id, int http_status, std::string_view error, TimePoint at) = 0;
    virtual Result<std::optional<model::Delivery>> find(Id delivery_id) = 0;
    // Deliveries of one activity, by id.
    virtual Result<std::vector<model::Delivery>> for_activity(Id activity_id) = 0;
    virtual Result<std::optional<model::OutboundActivity>> find_activity_by_uri(std::string_view uri) = 0;
    // When the earliest pending delivery becomes claimable (to sleep until): its next_attempt_at,
    // or later while it is leased or its host paused. nullopt if nothing is pending.
    virtual Result<std::optional<TimePoint>> next_due() = 0;
    virtual Result<std::int64_t> count(model::DeliveryState state) = 0;
    // Frees every lease: at start-up, when no other process delivers from this database, so the
    // deliveries a killed process had claimed are sent again at once. Returns how many.
    virtual Result<std::int64_t> release_leases() = 0;

    virtual Result<model::PeerHealth> peer_health(std::string_view host) = 0;
    // A failed attempt against `host`: consecutive_failures+1, last_failure_at; when
    // `unreachable_until` is given the host is paused until then.
    virtual Status record_peer_failure(std::string_view host, TimePoint at,
                                       std::optional<TimePoint> unreachable_until) = 0;
    // Any success (or inbound traffic) clears the failures and the pause.
    virtual Status record_peer_success(std::string_view host, TimePoint at) = 0;
};

// OAuth 2 applications, authorization codes and access tokens (hashed secrets only).
class OAuthRepository {
public:
    virtual ~OAuthRepository() = default;
    // Conflict (field "client_id") if the client id is taken.
    virtual Status insert_application(const model::OAuthApplication& app) = 0;
    virtual Result<std::optional<model::OAuthApplication>> find_application(Id id) = 0;
    virtual Result<std::optional<model::OAuthApplication>> find_application_by_client_id(
        std::string_view client_id) = 0;
    // Stores a code; codes expired at `now` are removed on the way.
    virtual Status insert_code(const model::AuthorizationCode& code, TimePoint now) = 0;
    // Removes and returns the code with this hash if it has not expired at `now`: a code is
    // taken once, a second exchange finds nothing.
    virtual Result<std::optional<model::AuthorizationCode>> take_code(std::string_view code_hash,
                                                                      TimePoint now) = 0;
    virtual Status insert_token(const model::OAuthToken& token) = 0;
    // Unrevoked tokens only.
    virtual Result<std::optional<model::OAuthToken>> find_token(std::string_view token_hash) = 0;
    virtual Result<std::optional<model::OAuthToken>> find_token_by_refresh(std::string_view refresh_hash) = 0;
    // Sets revoked_at (no-op if already revoked). NotFound if there is no such token.
    virtual Status revoke_token(Id id, TimePoint at) = 0;
};

// Hashtags and which statuses carry them.
class TagRepository {
public:
    virtual ~TagRepository() = default;
    // Makes `names` (normalised, see services::normalize_hashtag) the status's hashtags,
    // creating the tags not seen yet; an empty list removes them all.
    virtual Status set_for_status(Id status_id, const std::vector<std::string>& names, TimePoint at) = 0;
    // The status's hashtag names, in the order they were set.
    virtual Result<std::vector<std::string>> for_status(Id status_id) = 0;
    // Case-insensitive (ASCII).
    virtual Result<std::optional<model::Tag>> find(std::string_view name) = 0;
    // Tags whose name starts with `prefix` (case-insensitive, ASCII), shortest name first.
    virtual Result<std::vector<model::Tag>> by_prefix(std::string_view prefix, int limit, int offset) = 0;
};

// GET /api/v1/timelines/tag/:hashtag: statuses carrying any of `any` (the path's tag and
// any[]), all of `all`, none of `none` (names normalised).
struct TagTimelineQuery {
    std::vector<std::string> any, all, none;
    bool local_only = false;
    bool remote_only = false;
    int author_profession = 0; // as TimelineFilter::author_profession
    StatusQuery page;
};

// Mastodon's directory orders: by latest status (members who never posted last), or newest
// account first.
enum class DirectoryOrder { Active, New };

// The members' directory: active local members who chose to appear (discoverable), partners
// excepted.
struct DirectoryQuery {
    std::string name; // username or display name prefix, as typed (search's rule); empty: any
    int profession_code = 0; // TRE_G15; 0: any
    std::string specialty; // a normalised specialty tag; empty: any
    DirectoryOrder order = DirectoryOrder::Active;
    int limit = 40;
    int offset = 0;
};

struct StatusSearchQuery {
    std::string text; // words, as typed; every one must occur (the last as a prefix)
    std::optional<model::ActorRef> author;
    int limit = 20;
    int offset = 0;
};

// Lookups across accounts, remote actors and statuses. Status queries return only statuses
// `reader` (a local account) may read: the SQL mirror of services::can_read.
class SearchRepository {
public:
    virtual ~SearchRepository() = default;
    // Newest first, never deleted.
    virtual Result<std::vector<model::Status>> tag_timeline(Id reader, const TagTimelineQuery& query) = 0;
    // Full-text search over the statuses' plain text and content warnings, newest first.
    virtual Result<std::vector<model::Status>> statuses(Id reader, const StatusSearchQuery& query) = 0;
    // Active local accounts whose username starts with `prefix` (ASCII case-insensitive) or
    // whose display name does once both are folded (case and accents: "elo" finds "Élodie"),
    // by username.
    virtual Result<std::vector<model::Account>> accounts(std::string_view prefix, int limit, int offset) = 0;
    // The members' directory page for `query`: names matched as accounts() does.
    virtual Result<std::vector<model::Account>> directory(const DirectoryQuery& query) = 0;
    // Known remote actors whose username or display name starts with `prefix`, or (with `host`)
    // whose username starts with `prefix` on a host starting with `host`; by username.
    virtual Result<std::vector<model::RemoteActor>> remote_actors(
        std::string_view prefix, std::string_view host, int limit, int offset) = 0;
};

// Members' content filters (Mastodon's Filter v2) and their keywords.
class FilterRepository {
public:
    virtual ~FilterRepository() = default;
    // Inserts the filter and its keywords (ids set by the caller).
    virtual Status insert(const model::Filter& filter) = 0;
    // Replaces title, contexts, action and expiry. NotFound if absent.
    virtual Status update(const model::Filter& filter) = 0;
    // Removes the filter and its keywords. NotFound if absent.
    virtual Status remove(Id id) = 0;
    // With its keywords.
    virtual Result<std::optional<model::Filter>> find(Id id) = 0;
    // An account's filters with their keywords, oldest first.
    virtual Result<std::vector<model::Filter>> for_account(Id account_id) = 0;
    virtual Status insert_keyword(const model::FilterKeyword& keyword) = 0;
    // Replaces keyword and whole_word. NotFound if absent.
    virtual Status update_keyword(const model::FilterKeyword& keyword) = 0;
    // NotFound if absent.
    virtual Status remove_keyword(Id id) = 0;
    virtual Result<std::optional<model::FilterKeyword>> find_keyword(Id id) = 0;
};

// The group directory: groups of this instance, by name.
struct GroupQuery {
    std::string prefix; // start of the name or display name (ASCII case-insensitive); empty: any
    std::string tag; // a specialty tag, normalised; empty: any
    std::optional<bool> interdisciplinary; // nullopt: both
    std::optional<Id> parent_id; // only the sub-groups of this group
    bool top_level = false; // only groups without a parent
    int limit = 40;
    int offset = 0;
};

// Groups hosted here and their members (local accounts and remote actors).
class GroupRepository {
public:
    virtual ~GroupRepository() = default;
    // Inserts the group, its tags and its private key. Conflict (field "name") for a name taken.
    virtual Status insert(const model::Group& group, std::string_view private_key_pem) = 0;
    // Replaces display name, description and tags.
    virtual Status update(const model::Group& group, TimePoint at) = 0;
    virtual Result<std::optional<model::Group>> find_by_id(Id id) = 0;
    // Case-insensitive.
    virtual Result<std::optional<model::Group>> find_by_name(std::string_view name) = 0;
    virtual Result<std::vector<model::Group>> list(const GroupQuery& query) = 0;
    virtual Result<std::string> private_key_pem(Id id) = 0;

    // Conflict (field "member") when the actor is already a member or asked to be.
    virtual Status insert_member(const model::GroupMember& member) = 0;
    virtual Result<std::optional<model::GroupMember>> find_member(Id group_id, model::ActorRef actor) = 0;
    virtual Result<std::optional<model::GroupMember>> find_member_by_follow_uri(std::string_view uri) = 0;
    // Replaces role, state and follow_uri.
    virtual Status update_member(const model::GroupMember& member, TimePoint at) = 0;
    virtual Status remove_member(Id member_id) = 0;
    // Accepted members, newest membership first, paged by membership id.
    virtual Result<std::vector<model::GroupMember>> members(Id group_id, const PageQuery& page) = 0;
    virtual Result<std::int64_t> count_members(Id group_id, std::optional<model::GroupRole> role = {}) = 0;
    // Distinct inboxes of the accepted remote members (shared inbox when they have one): where
    // the group announces, one delivery per inbox.
    virtual Result<std::vector<std::string>> member_inboxes(Id group_id) = 0;
    // Whether an accepted member of the group is an actor of `host`.
    virtual Result<bool> has_member_on(Id group_id, std::string_view host) = 0;
    // The groups a local account belongs to (accepted), by name.
    virtual Result<std::vector<model::Group>> of_account(Id account_id) = 0;

    // Thread moves. Conflict (field "status_id") when the thread already has a pending request.
    virtual Status insert_move(const model::ThreadMove& move) = 0;
    virtual Result<std::optional<model::ThreadMove>> find_move(Id id) = 0;
    // The requests to move threads into a group, pending first, newest first.
    virtual Result<std::vector<model::ThreadMove>> moves_into(Id group_id, int limit) = 0;
    // Records the decision (state, decided_by, reason, decided_at).
    virtual Status decide_move(const model::ThreadMove& move) = 0;
};

// The moderators' queue of reports, newest first, paged by report id.
struct ReportQuery {
    std::optional<model::ReportState> state; // nullopt: both
    std::optional<Id> reporter_id; // filed by this local account
    std::optional<model::ActorRef> target; // about this account
    PageQuery page;
};

class ReportRepository {
public:
    virtual ~ReportRepository() = default;
    // Inserts the report and its status_ids.
    virtual Status insert(const model::Report& report) = 0;
    virtual Result<std::optional<model::Report>> find(Id id) = 0;
    virtual Result<std::vector<model::Report>> list(const ReportQuery& query) = 0;
    // Records state, action, resolved_by, resolved_at, assigned_to and updated_at. NotFound if
    // the report does not exist.
    virtual Status update(const model::Report& report) = 0;
    virtual Result<std::int64_t> count(model::ReportState state) = 0;
};

// The repositories bound to one connection, handed out inside Store::read / Store::write.
class Repositories {
public:
    virtual ~Repositories() = default;
    virtual AccountRepository& accounts() = 0;
    virtual SessionRepository& sessions() = 0;
    virtual DirectoryRepository& directory() = 0;
    virtual SettingsRepository& settings() = 0;
    virtual PeerRepository& peers() = 0;
    virtual RemoteActorRepository& remote_actors() = 0;
    virtual FollowRepository& follows() = 0;
    virtual StatusRepository& statuses() = 0;
    virtual InteractionRepository& interactions() = 0;
    virtual InboxLedger& inbox_ledger() = 0;
    virtual DeliveryRepository& deliveries() = 0;
    virtual OAuthRepository& oauth() = 0;
    virtual NotificationRepository& notifications() = 0;
    virtual MarkerRepository& markers() = 0;

    virtual BookmarkRepository& bookmarks() = 0;
    virtual IdempotencyRepository& idempotency_keys() = 0;

    virtual TagRepository& tags() = 0;
    virtual SearchRepository& search() = 0;
    virtual FilterRepository& filters() = 0;
    virtual GroupRepository& groups() = 0;
    virtual ReportRepository& reports() = 0;
};

// Writes one directory import in several short transactions, so registrations are not blocked
// for the whole import; readers keep using the previous import until commit() switches over.
// Destroying the writer without commit() discards everything it wrote.
class DirectoryImportWriter {
public:
    virtual ~DirectoryImportWriter() = default;
    // Duplicate (national id, profession) rows are merged.
    virtual Status add(const model::DirectoryEntry& entry) = 0;
    // Atomically makes this import the current one, flags active members whose identifier is
    // missing from it (and unflags those present), then removes the previous import's rows.
    virtual Result<model::DirectoryImport> commit(std::int64_t rows_read, TimePoint at) = 0;
};

class Store {
public:
    virtual ~Store() = default;
    // Runs `work` on a consistent snapshot. Work must not write.
    virtual Status read(const std::function<Status(Repositories&)>& work) = 0;
    // Runs `work` in one transaction: committed if it succeeds, rolled back otherwise, so a
    // failure leaves nothing half-written.
    virtual Status write(const std::function<Status(Repositories&)>& work) = 0;
    virtual Result<std::unique_ptr<DirectoryImportWriter>>
    begin_directory_import(std::string_view source_name, TimePoint at) = 0;
    // A cheap query proving the database answers (health endpoint).
    virtual Status ping() = 0;
};

// Runs `query(Repositories&) -> Result<T>` on a consistent snapshot and returns its result.
template <class Query> auto read_value(Store& store, Query query) -> decltype(query(std::declval<Repositories&>()))
{
    using Answer = decltype(query(std::declval<Repositories&>()));
    std::optional<typename Answer::value_type> value;
    auto done = store.read([&](Repositories& repos) -> Status {
        auto found = query(repos);
        if (!found)
            return forward(found);
        value = std::move(*found);
        return ok();
    });
    if (!done)
        return forward(done);
    return std::move(*value);
}

struct SqliteOptions {
    std::filesystem::path path;
    int read_connections = 4;
    // Apply pending migrations on open (serve does; tools may only check).
    bool migrate = true;
};

// Opens (creating if needed) the SQLite database in WAL mode with foreign keys, applying
// migrations when asked. Unavailable if the file is locked; Internal on I/O errors; Conflict
// if the database was written by a newer Confrère.
Result<std::unique_ptr<Store>> open_sqlite_store(const SqliteOptions& options);

// The newest schema version this build knows.
int latest_schema_version();

} // namespace confrere::storage
