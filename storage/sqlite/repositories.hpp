// SQLite implementations of the storage ports, bound to one connection.
#pragma once

#include "storage/sqlite/database.hpp"
#include "storage/store.hpp"

namespace confrere::storage::sqlite {

class SqliteAccountRepository final : public AccountRepository {
public:
    explicit SqliteAccountRepository(Connection& c) : db_(c) {}
    Status insert(const NewAccount& account) override;
    Result<std::optional<model::Account>> find_by_id(Id id) override;
    Result<std::optional<model::Account>> find_by_username(std::string_view username) override;
    Result<std::optional<Credentials>> find_credentials(std::string_view login) override;
    Result<std::vector<model::Account>> list(const AccountQuery& query) override;
    Result<std::optional<model::Registration>> find_registration(Id id) override;
    Result<std::optional<model::Attestation>> find_attestation(Id id) override;
    Status update_state(Id id, model::AccountState state, std::string_view reason,
                        std::optional<Id> moderator, TimePoint at) override;
    Status update_password_hash(Id id, std::string_view hash, TimePoint at) override;
    Status update_profile(const model::Account& account, TimePoint at) override;
    Result<std::string> private_key_pem(Id id) override;
    Result<std::int64_t> count(std::optional<model::AccountState> state) override;

private:
    Connection& db_;
};

class SqliteSessionRepository final : public SessionRepository {
public:
    explicit SqliteSessionRepository(Connection& c) : db_(c) {}
    Status insert(const model::Session& session) override;
    Result<std::optional<model::Session>> find_by_token_hash(std::string_view hash,
                                                              TimePoint now) override;
    Status remove(Id session_id) override;
    Status remove_for_account(Id account_id) override;

private:
    Connection& db_;
};

class SqliteDirectoryRepository final : public DirectoryRepository {
public:
    explicit SqliteDirectoryRepository(Connection& c) : db_(c) {}
    Result<std::vector<model::DirectoryEntry>> find(std::string_view national_id) override;
    Result<std::optional<model::DirectoryImport>> current_import() override;

private:
    Connection& db_;
};

class SqliteSettingsRepository final : public SettingsRepository {
public:
    explicit SqliteSettingsRepository(Connection& c) : db_(c) {}
    Result<std::optional<std::string>> get(std::string_view key) override;
    Status put(std::string_view key, std::string_view value) override;

private:
    Connection& db_;
};

class SqlitePeerRepository final : public PeerRepository {
public:
    explicit SqlitePeerRepository(Connection& c) : db_(c) {}
    Status upsert(const model::Peer& peer) override;
    Status remove(std::string_view host) override;
    Result<std::optional<model::Peer>> find(std::string_view host) override;
    Result<std::vector<model::Peer>> list() override;

private:
    Connection& db_;
};

class SqliteRemoteActorRepository final : public RemoteActorRepository {
public:
    explicit SqliteRemoteActorRepository(Connection& c) : db_(c) {}
    Result<model::RemoteActor> upsert(const model::RemoteActor& actor) override;
    Result<std::optional<model::RemoteActor>> find_by_id(Id id) override;
    Result<std::optional<model::RemoteActor>> find_by_uri(std::string_view uri) override;
    Result<std::optional<model::RemoteActor>> find_by_key_id(std::string_view key_id) override;
    Result<std::optional<model::RemoteActor>> find_by_handle(
        std::string_view username, std::string_view host) override;

private:
    Connection& db_;
};

class SqliteFollowRepository final : public FollowRepository {
public:
    explicit SqliteFollowRepository(Connection& c) : db_(c) {}
    Status insert(const model::Follow& follow) override;
    Result<std::optional<model::Follow>> find(model::ActorRef follower, model::ActorRef followee) override;
    Result<std::optional<model::Follow>> find_by_id(Id id) override;
    Result<std::optional<model::Follow>> find_by_uri(std::string_view uri) override;
    Status set_state(Id id, model::FollowState state, TimePoint at) override;
    Status remove(Id id) override;
    Result<std::vector<model::Follow>> followers_of(
        model::ActorRef followee, const FollowQuery& query) override;
    Result<std::vector<model::Follow>> followed_by(
        model::ActorRef follower, const FollowQuery& query) override;
    Result<std::int64_t> count_followers(model::ActorRef followee, model::FollowState state) override;
    Result<std::int64_t> count_following(model::ActorRef follower, model::FollowState state) override;
    Result<std::vector<std::string>> follower_inboxes(model::ActorRef followee) override;

private:
    Result<std::vector<model::Follow>> list(
        std::string_view role, model::ActorRef actor, const FollowQuery& query);
    Result<std::int64_t> count(std::string_view role, model::ActorRef actor, model::FollowState state);
    Connection& db_;
};

class SqliteStatusRepository final : public StatusRepository {
public:
    explicit SqliteStatusRepository(Connection& c) : db_(c) {}
    Status insert(const model::Status& status) override;
    Status add_mentions(Id status_id, const std::vector<model::ActorRef>& actors) override;
    Result<std::vector<model::ActorRef>> mentions(Id status_id) override;
    Result<std::optional<model::Status>> find_by_id(Id id) override;
    Result<std::optional<model::Status>> find_by_uri(std::string_view uri) override;
    Status update_content(const model::Status& status, TimePoint at) override;
    Status mark_deleted(Id id, TimePoint at) override;
    Status set_group(Id id, model::ActorRef group) override;
    Result<std::vector<model::Status>> by_author(model::ActorRef author, const StatusQuery& query) override;
    Result<std::vector<model::Status>> home_timeline(Id reader, const StatusQuery& query) override;
    Result<std::vector<model::Status>> instance_timeline(
        const StatusQuery& query, const TimelineFilter& filter) override;
    Result<std::vector<model::Status>> group_timeline(
        model::ActorRef group, const StatusQuery& query, const TimelineFilter& filter) override;
    Result<std::vector<model::Status>> replies(Id status_id, int limit) override;
    Status attach_orphans(std::string_view uri, Id id) override;
    Result<std::int64_t> count_local() override;
    Result<std::int64_t> count_by_author(model::ActorRef author) override;

private:
    Connection& db_;
};

class SqliteInteractionRepository final : public InteractionRepository {
public:
    explicit SqliteInteractionRepository(Connection& c) : db_(c) {}
    Status insert(const model::Interaction& interaction) override;
    Result<std::optional<model::Interaction>> find(
        model::InteractionKind kind, model::ActorRef actor, Id status_id) override;
    Result<std::optional<model::Interaction>> find_by_uri(std::string_view uri) override;
    Result<std::optional<model::Interaction>> find_by_id(Id id) override;
    Result<std::vector<model::Interaction>> home_boosts(Id reader, const PageQuery& page) override;
    Status remove(Id id) override;
    Result<std::int64_t> count(model::InteractionKind kind, Id status_id) override;
    Result<std::vector<model::ActorRef>> actors(
        model::InteractionKind kind, Id status_id, int limit) override;

    Result<std::vector<model::Interaction>> by_actor(
        model::InteractionKind kind, model::ActorRef actor, const PageQuery& page) override;
    Result<std::vector<model::Interaction>> on_status(
        model::InteractionKind kind, Id status_id, const PageQuery& page) override;

private:
    Connection& db_;
};

class SqliteInboxLedger final : public InboxLedger {
public:
    explicit SqliteInboxLedger(Connection& c) : db_(c) {}
    Result<bool> remember(std::string_view activity_uri, TimePoint at) override;
    Result<std::int64_t> prune(TimePoint before) override;

private:
    Connection& db_;
};

class SqliteDeliveryRepository final : public DeliveryRepository {
public:
    explicit SqliteDeliveryRepository(Connection& c) : db_(c) {}
    Status enqueue(const model::OutboundActivity& activity, const std::vector<std::string>& inboxes,
        const std::vector<Id>& delivery_ids) override;
    Result<std::vector<model::DeliveryJob>> claim_due(
        TimePoint now, TimePoint lease_until, int limit) override;
    Status mark_delivered(Id delivery_id, int http_status, TimePoint at) override;
    Status mark_retry(Id delivery_id, int http_status, std::string_view error, TimePoint next_attempt_at,
        TimePoint at) override;
    Status mark_dead(Id delivery_id, int http_status, std::string_view error, TimePoint at) override;
    Result<std::optional<model::Delivery>> find(Id delivery_id) override;
    Result<std::vector<model::Delivery>> for_activity(Id activity_id) override;
    Result<std::optional<model::OutboundActivity>> find_activity_by_uri(std::string_view uri) override;
    Result<std::optional<TimePoint>> next_due() override;
    Result<std::int64_t> release_leases() override;
    Result<std::int64_t> count(model::DeliveryState state) override;
    Result<model::PeerHealth> peer_health(std::string_view host) override;
    Status record_peer_failure(
        std::string_view host, TimePoint at, std::optional<TimePoint> unreachable_until) override;
    Status record_peer_success(std::string_view host, TimePoint at) override;

private:
    // Why a mark_* changed no row: NotFound, or Conflict when the delivery is already settled.
    Status unchanged(Id delivery_id);
    Connection& db_;
};

class SqliteOAuthRepository final : public OAuthRepository {
public:
    explicit SqliteOAuthRepository(Connection& c) : db_(c) {}
    Status insert_application(const model::OAuthApplication& app) override;
    Result<std::optional<model::OAuthApplication>> find_application(Id id) override;
    Result<std::optional<model::OAuthApplication>> find_application_by_client_id(
        std::string_view client_id) override;
    Status insert_code(const model::AuthorizationCode& code, TimePoint now) override;
    Result<std::optional<model::AuthorizationCode>> take_code(std::string_view code_hash, TimePoint now) override;
    Status insert_token(const model::OAuthToken& token) override;
    Result<std::optional<model::OAuthToken>> find_token(std::string_view token_hash) override;
    Result<std::optional<model::OAuthToken>> find_token_by_refresh(std::string_view refresh_hash) override;
    Status revoke_token(Id id, TimePoint at) override;

private:
    Connection& db_;
};

class SqliteNotificationRepository final : public NotificationRepository {
public:
    explicit SqliteNotificationRepository(Connection& c) : db_(c) {}
    Result<bool> insert(const model::Notification& n) override;
    Result<std::optional<model::Notification>> find(Id recipient_id, Id id) override;
    Result<std::vector<model::Notification>> list(Id recipient_id, const NotificationQuery& query) override;
    Result<std::int64_t> count(Id recipient_id, const NotificationQuery& query, int cap) override;
    Result<bool> remove(Id recipient_id, Id id) override;
    Result<std::int64_t> remove_all(Id recipient_id) override;
    Result<std::int64_t> remove_matching(Id recipient_id, model::NotificationType type, model::ActorRef from,
        std::optional<Id> status_id) override;
    Result<std::int64_t> remove_for_status(Id status_id) override;

private:
    Connection& db_;
};

class SqliteTagRepository final : public TagRepository {
public:
    explicit SqliteTagRepository(Connection& c) : db_(c) {}
    Status set_for_status(Id status_id, const std::vector<std::string>& names, TimePoint at) override;
    Result<std::vector<std::string>> for_status(Id status_id) override;
    Result<std::optional<model::Tag>> find(std::string_view name) override;
    Result<std::vector<model::Tag>> by_prefix(std::string_view prefix, int limit, int offset) override;

private:
    Connection& db_;
};

class SqliteBookmarkRepository final : public BookmarkRepository {
public:
    explicit SqliteBookmarkRepository(Connection& c) : db_(c) {}
    Result<model::Bookmark> insert(const model::Bookmark& bookmark) override;
    Result<std::optional<model::Bookmark>> find(Id account_id, Id status_id) override;
    Status remove(Id account_id, Id status_id) override;
    Result<std::vector<model::Bookmark>> list(Id account_id, const PageQuery& page) override;

private:
    Connection& db_;
};

class SqliteSearchRepository final : public SearchRepository {
public:
    explicit SqliteSearchRepository(Connection& c) : db_(c) {}
    Result<std::vector<model::Status>> tag_timeline(Id reader, const TagTimelineQuery& query) override;
    Result<std::vector<model::Status>> statuses(Id reader, const StatusSearchQuery& query) override;
    Result<std::vector<model::Account>> accounts(std::string_view prefix, int limit, int offset) override;
    Result<std::vector<model::Account>> directory(const DirectoryQuery& query) override;
    Result<std::vector<model::RemoteActor>> remote_actors(
        std::string_view prefix, std::string_view host, int limit, int offset) override;

private:
    Connection& db_;
};

class SqliteMarkerRepository final : public MarkerRepository {
public:
    explicit SqliteMarkerRepository(Connection& c) : db_(c) {}
    Result<std::optional<model::Marker>> find(Id account_id, model::MarkerTimeline timeline) override;
    Result<model::Marker> save(
        Id account_id, model::MarkerTimeline timeline, Id last_read_id, TimePoint at) override;

private:
    Connection& db_;
};

class SqliteIdempotencyRepository final : public IdempotencyRepository {
public:
    explicit SqliteIdempotencyRepository(Connection& c) : db_(c) {}
    Result<std::optional<Id>> find(Id account_id, std::string_view key_hash, TimePoint not_before) override;
    Status insert(Id account_id, std::string_view key_hash, Id status_id, TimePoint at) override;
    Result<std::int64_t> prune(TimePoint before) override;

private:
    Connection& db_;
};

class SqliteFilterRepository final : public FilterRepository {
public:
    explicit SqliteFilterRepository(Connection& c) : db_(c) {}
    Status insert(const model::Filter& filter) override;
    Status update(const model::Filter& filter) override;
    Status remove(Id id) override;
    Result<std::optional<model::Filter>> find(Id id) override;
    Result<std::vector<model::Filter>> for_account(Id account_id) override;
    Status insert_keyword(const model::FilterKeyword& keyword) override;
    Status update_keyword(const model::FilterKeyword& keyword) override;
    Status remove_keyword(Id id) override;
    Result<std::optional<model::FilterKeyword>> find_keyword(Id id) override;

private:
    Connection& db_;
};

class SqliteGroupRepository final : public GroupRepository {
public:
    explicit SqliteGroupRepository(Connection& c) : db_(c) {}
    Status insert(const model::Group& group, std::string_view private_key_pem) override;
    Status update(const model::Group& group, TimePoint at) override;
    Result<std::optional<model::Group>> find_by_id(Id id) override;
    Result<std::optional<model::Group>> find_by_name(std::string_view name) override;
    Result<std::vector<model::Group>> list(const GroupQuery& query) override;
    Result<std::string> private_key_pem(Id id) override;
    Status insert_member(const model::GroupMember& member) override;
    Result<std::optional<model::GroupMember>> find_member(Id group_id, model::ActorRef actor) override;
    Result<std::optional<model::GroupMember>> find_member_by_follow_uri(std::string_view uri) override;
    Status update_member(const model::GroupMember& member, TimePoint at) override;
    Status remove_member(Id member_id) override;
    Result<std::vector<model::GroupMember>> members(Id group_id, const PageQuery& page) override;
    Result<std::int64_t> count_members(Id group_id, std::optional<model::GroupRole> role) override;
    Result<std::vector<std::string>> member_inboxes(Id group_id) override;
    Result<bool> has_member_on(Id group_id, std::string_view host) override;
    Result<std::vector<model::Group>> of_account(Id account_id) override;
    Status insert_move(const model::ThreadMove& move) override;
    Result<std::optional<model::ThreadMove>> find_move(Id id) override;
    Result<std::vector<model::ThreadMove>> moves_into(Id group_id, int limit) override;
    Status decide_move(const model::ThreadMove& move) override;

private:
    Result<std::optional<model::Group>> find_where(std::string_view where, auto&& bind);
    Status set_tags(const model::Group& group);
    Result<std::vector<model::Group>> with_tags(std::vector<model::Group> groups);
    Connection& db_;
};

class SqliteReportRepository final : public ReportRepository {
public:
    explicit SqliteReportRepository(Connection& c) : db_(c) {}
    Status insert(const model::Report& report) override;
    Result<std::optional<model::Report>> find(Id id) override;
    Result<std::vector<model::Report>> list(const ReportQuery& query) override;
    Status update(const model::Report& report) override;
    Result<std::int64_t> count(model::ReportState state) override;

private:
    Status load_statuses(model::Report& report);
    Connection& db_;
};

class SqliteRepositories final : public Repositories {
public:
    explicit SqliteRepositories(Connection& c)
        : accounts_(c)
        , sessions_(c)
        , directory_(c)
        , settings_(c)
        , peers_(c)
        , remote_actors_(c)
        , follows_(c)
        , statuses_(c)
        , interactions_(c)
        , inbox_ledger_(c)
        , deliveries_(c)
        , oauth_(c)
        , notifications_(c)
        , markers_(c)

        , bookmarks_(c)
        , idempotency_keys_(c)
        , tags_(c)
        , search_(c)
        , filters_(c)
        , groups_(c)
        , reports_(c)
    { }
    AccountRepository& accounts() override { return accounts_; }
    SessionRepository& sessions() override { return sessions_; }
    DirectoryRepository& directory() override { return directory_; }
    SettingsRepository& settings() override { return settings_; }
    PeerRepository& peers() override { return peers_; }
    RemoteActorRepository& remote_actors() override { return remote_actors_; }
    FollowRepository& follows() override { return follows_; }
    StatusRepository& statuses() override { return statuses_; }
    InteractionRepository& interactions() override { return interactions_; }
    InboxLedger& inbox_ledger() override { return inbox_ledger_; }
    DeliveryRepository& deliveries() override { return deliveries_; }
    OAuthRepository& oauth() override { return oauth_; }
    NotificationRepository& notifications() override { return notifications_; }
    MarkerRepository& markers() override { return markers_; }

    BookmarkRepository& bookmarks() override { return bookmarks_; }
    IdempotencyRepository& idempotency_keys() override { return idempotency_keys_; }
    TagRepository& tags() override { return tags_; }
    SearchRepository& search() override { return search_; }
    FilterRepository& filters() override { return filters_; }
    GroupRepository& groups() override { return groups_; }
    ReportRepository& reports() override { return reports_; }

private:
    SqliteAccountRepository accounts_;
    SqliteSessionRepository sessions_;
    SqliteDirectoryRepository directory_;
    SqliteSettingsRepository settings_;
    SqlitePeerRepository peers_;
    SqliteRemoteActorRepository remote_actors_;
    SqliteFollowRepository follows_;
    SqliteStatusRepository statuses_;
    SqliteInteractionRepository interactions_;
    SqliteInboxLedger inbox_ledger_;
    SqliteDeliveryRepository deliveries_;
    SqliteOAuthRepository oauth_;
    SqliteNotificationRepository notifications_;
    SqliteMarkerRepository markers_;

    SqliteBookmarkRepository bookmarks_;
    SqliteIdempotencyRepository idempotency_keys_;
    SqliteTagRepository tags_;
    SqliteSearchRepository search_;
    SqliteFilterRepository filters_;
    SqliteGroupRepository groups_;
    SqliteReportRepository reports_;
};

} // namespace confrere::storage::sqlite
