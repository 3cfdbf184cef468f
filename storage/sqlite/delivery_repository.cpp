// The transactional outbox and its delivery queue: enqueue, claim with a lease, settle, and
// the per-host health that pauses deliveries to an unreachable peer.
#include "storage/sqlite/repositories.hpp"
#include "storage/sqlite/rows.hpp"

#include <algorithm>

namespace confrere::storage::sqlite {

namespace {

constexpr const char* kDeliveryColumns = "d.id, d.activity_id, d.inbox, d.host, d.state, d.attempts,"
                                         " d.next_attempt_at, d.lease_until, d.last_status, d.last_error,"
                                         " d.created_at, d.updated_at";
constexpr int kDeliveryColumnCount = 12;
constexpr const char* kActivityColumns
    = "a.id, a.uri, a.json, a.signer_account_id, a.created_at, a.signer_group_id";
constexpr std::size_t kMaxErrorBytes = 512;

model::Delivery read_delivery(const Statement& s)
{
    model::Delivery d;
    d.id = s.int64(0);
    d.activity_id = s.int64(1);
    d.inbox = s.text(2);
    d.host = s.text(3);
    d.state = model::delivery_state_from_string(s.text(4)).value_or(model::DeliveryState::Pending);
    d.attempts = static_cast<int>(s.int64(5));
    d.next_attempt_at = from_unix_ms(s.int64(6));
    d.lease_until = optional_time(s, 7);
    d.last_status = static_cast<int>(s.int64(8));
    d.last_error = s.text(9);
    d.created_at = from_unix_ms(s.int64(10));
    d.updated_at = from_unix_ms(s.int64(11));
    return d;
}

model::OutboundActivity read_activity(const Statement& s, int column)
{
    model::OutboundActivity a;
    a.id = s.int64(column);
    a.uri = s.text(column + 1);
    a.json = s.text(column + 2);
    a.signer_account_id = s.optional_int64(column + 3);
    a.created_at = from_unix_ms(s.int64(column + 4));
    a.signer_group_id = s.optional_int64(column + 5);
    return a;
}

// The lower-case authority of an absolute URL, without userinfo nor the scheme's default port:
// "https://Soins.Example:443/inbox" -> "soins.example". Empty if there is none.
std::string authority_of(std::string_view url)
{
    auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos || scheme_end == 0)
        return {};
    std::string scheme = lower_ascii(url.substr(0, scheme_end));
    std::string_view authority = url.substr(scheme_end + 3);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    if (auto at = authority.rfind('@'); at != std::string_view::npos)
        authority = authority.substr(at + 1);
    std::string host = lower_ascii(authority);
    std::string_view default_port = scheme == "https" ? ":443" : scheme == "http" ? ":80" : "";
    if (!default_port.empty() && host.ends_with(default_port))
        host.resize(host.size() - default_port.size());
    return host;
}

// At most kMaxErrorBytes, cut on a UTF-8 character boundary.
std::string_view short_error(std::string_view error)
{
    if (error.size() <= kMaxErrorBytes)
        return error;
    std::size_t n = kMaxErrorBytes;
    while (n > 0 && (static_cast<unsigned char>(error[n]) & 0xC0) == 0x80)
        --n;
    return error.substr(0, n);
}

} // namespace

Status SqliteDeliveryRepository::enqueue(const model::OutboundActivity& activity,
    const std::vector<std::string>& inboxes, const std::vector<Id>& delivery_ids)
{
    std::vector<std::pair<std::string_view, std::string>> targets; // inbox, host
    for (const std::string& inbox : inboxes) {
        if (std::any_of(targets.begin(), targets.end(), [&](const auto& t) { return t.first == inbox; }))
            continue;
        std::string host = authority_of(inbox);
        if (host.empty())
            return fail(ErrorKind::Unprocessable, "Invalid inbox address.", "enqueue: " + inbox, "inbox");
        targets.emplace_back(inbox, std::move(host));
    }
    if (delivery_ids.size() < targets.size())
        return fail(ErrorKind::Internal, "Internal storage error.",
            "enqueue: " + std::to_string(delivery_ids.size()) + " ids for " + std::to_string(targets.size())
                + " inboxes");

    auto insert = db_.prepare("INSERT INTO outbound_activities (id, uri, json, signer_account_id, created_at,"
                              " signer_group_id) VALUES (?,?,?,?,?,?)");
    if (!insert)
        return forward(insert);
    insert->bind(1, activity.id)
        .bind(2, activity.uri)
        .bind(3, activity.json)
        .bind(4, activity.signer_account_id)
        .bind(5, to_unix_ms(activity.created_at))
        .bind(6, activity.signer_group_id);
    if (auto rc = insert->run(); !rc) {
        Error e = name_conflict(
            rc.error(), "outbound_activities.uri", "uri", "This activity was already queued.");
        return std::unexpected(
            name_conflict(std::move(e), "outbound_activities.id", "id", "This id is already taken."));
    }
    const std::int64_t due = to_unix_ms(activity.created_at);
    for (std::size_t i = 0; i < targets.size(); ++i) {
        auto stmt
            = db_.prepare("INSERT INTO deliveries (id, activity_id, inbox, host, state, next_attempt_at,"
                          " created_at, updated_at) VALUES (?,?,?,?,'pending',?,?,?)");
        if (!stmt)
            return forward(stmt);
        stmt->bind(1, delivery_ids[i])
            .bind(2, activity.id)
            .bind(3, targets[i].first)
            .bind(4, targets[i].second)
            .bind(5, due)
            .bind(6, due)
            .bind(7, due);
        if (auto rc = stmt->run(); !rc)
            return std::unexpected(
                name_conflict(rc.error(), "deliveries.id", "id", "This id is already taken."));
    }
    return ok();
}

Result<std::vector<model::DeliveryJob>> SqliteDeliveryRepository::claim_due(
    TimePoint now, TimePoint lease_until, int limit)
{
    // BEGIN IMMEDIATE holds the database's write lock from the SELECT to the COMMIT, so no
    // other connection, in this process or another, can claim the same rows in between.
    if (!db_.in_write_transaction())
        return fail(ErrorKind::Internal, "Internal storage error.", "claim_due outside a write transaction");
    auto select = db_.prepare(std::string("SELECT ") + kDeliveryColumns + ", " + kActivityColumns
        + " FROM deliveries d JOIN outbound_activities a ON a.id = d.activity_id"
          " WHERE d.state = 'pending' AND d.next_attempt_at <= ?1"
          " AND (d.lease_until IS NULL OR d.lease_until <= ?1)"
          " AND NOT EXISTS (SELECT 1 FROM peer_health h WHERE h.host = d.host AND h.unreachable_until > ?1)"
          " ORDER BY d.next_attempt_at, d.id LIMIT ?2");
    if (!select)
        return forward(select);
    select->bind(1, to_unix_ms(now)).bind(2, std::max(limit, 0));
    auto jobs = collect(*select, [](const Statement& s) {
        return model::DeliveryJob { read_delivery(s), read_activity(s, kDeliveryColumnCount) };
    });
    if (!jobs)
        return jobs;
    for (model::DeliveryJob& job : *jobs) {
        auto lease = db_.prepare("UPDATE deliveries SET lease_until = ?, updated_at = ? WHERE id = ?");
        if (!lease)
            return forward(lease);
        if (auto rc
            = lease->bind(1, to_unix_ms(lease_until)).bind(2, to_unix_ms(now)).bind(3, job.delivery.id).run();
            !rc)
            return forward(rc);
        job.delivery.lease_until = lease_until;
        job.delivery.updated_at = now;
    }
    return jobs;
}

Status SqliteDeliveryRepository::unchanged(Id delivery_id)
{
    auto stmt = db_.prepare("SELECT state FROM deliveries WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, delivery_id);
    auto state = first_row(*stmt, [](const Statement& s) { return s.text(0); });
    if (!state)
        return forward(state);
    if (!*state)
        return fail(ErrorKind::NotFound, "Delivery not found.");
    return fail(ErrorKind::Conflict, "This delivery is already settled.", "delivery state " + **state);
}

Status SqliteDeliveryRepository::mark_delivered(Id delivery_id, int http_status, TimePoint at)
{
    auto stmt = db_.prepare("UPDATE deliveries SET state = 'delivered', lease_until = NULL, last_status = ?,"
                            " last_error = '', updated_at = ? WHERE id = ? AND state = 'pending'");
    if (!stmt)
        return forward(stmt);
    if (auto rc = stmt->bind(1, http_status).bind(2, to_unix_ms(at)).bind(3, delivery_id).run(); !rc)
        return rc;
    return db_.changes() == 0 ? unchanged(delivery_id) : ok();
}

Status SqliteDeliveryRepository::mark_retry(
    Id delivery_id, int http_status, std::string_view error, TimePoint next_attempt_at, TimePoint at)
{
    auto stmt = db_.prepare(
        "UPDATE deliveries SET attempts = attempts + 1, lease_until = NULL, last_status = ?,"
        " last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ? AND state = 'pending'");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, http_status)
        .bind(2, short_error(error))
        .bind(3, to_unix_ms(next_attempt_at))
        .bind(4, to_unix_ms(at))
        .bind(5, delivery_id);
    if (auto rc = stmt->run(); !rc)
        return rc;
    return db_.changes() == 0 ? unchanged(delivery_id) : ok();
}

Status SqliteDeliveryRepository::mark_dead(
    Id delivery_id, int http_status, std::string_view error, TimePoint at)
{
    auto stmt
        = db_.prepare("UPDATE deliveries SET state = 'dead', attempts = attempts + 1, lease_until = NULL,"
                      " last_status = ?, last_error = ?, updated_at = ? WHERE id = ? AND state = 'pending'");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, http_status).bind(2, short_error(error)).bind(3, to_unix_ms(at)).bind(4, delivery_id);
    if (auto rc = stmt->run(); !rc)
        return rc;
    return db_.changes() == 0 ? unchanged(delivery_id) : ok();
}

Result<std::optional<model::Delivery>> SqliteDeliveryRepository::find(Id delivery_id)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kDeliveryColumns + " FROM deliveries d WHERE d.id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, delivery_id);
    return first_row(*stmt, read_delivery);
}

Result<std::vector<model::Delivery>> SqliteDeliveryRepository::for_activity(Id activity_id)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kDeliveryColumns
        + " FROM deliveries d WHERE d.activity_id = ? ORDER BY d.id");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, activity_id);
    return collect(*stmt, read_delivery);
}

Result<std::optional<model::OutboundActivity>> SqliteDeliveryRepository::find_activity_by_uri(
    std::string_view uri)
{
    auto stmt = db_.prepare(
        std::string("SELECT ") + kActivityColumns + " FROM outbound_activities a WHERE a.uri = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, uri);
    return first_row(*stmt, [](const Statement& s) { return read_activity(s, 0); });
}

Result<std::optional<TimePoint>> SqliteDeliveryRepository::next_due()
{
    // When the earliest pending delivery becomes claimable: not before its next attempt, the end
    // of its lease, nor the end of its host's pause (so a worker never wakes to claim nothing).
    auto stmt = db_.prepare("SELECT min(max(d.next_attempt_at, coalesce(d.lease_until, 0),"
                            " coalesce(h.unreachable_until, 0)))"
                            " FROM deliveries d LEFT JOIN peer_health h ON h.host = d.host"
                            " WHERE d.state = 'pending'");
    if (!stmt)
        return forward(stmt);
    auto due = first_row(*stmt, [](const Statement& s) { return optional_time(s, 0); });
    if (!due)
        return forward(due);
    return due->value_or(std::nullopt);
}

Result<std::int64_t> SqliteDeliveryRepository::release_leases()
{
    auto stmt = db_.prepare("UPDATE deliveries SET lease_until = NULL WHERE state = 'pending' AND lease_until IS NOT NULL");
    if (!stmt)
        return forward(stmt);
    if (auto rc = stmt->run(); !rc)
        return forward(rc);
    return db_.changes();
}

Result<std::int64_t> SqliteDeliveryRepository::count(model::DeliveryState state)
{
    auto stmt = db_.prepare("SELECT count(*) FROM deliveries WHERE state = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, model::to_string(state));
    return single_int(*stmt);
}

Result<model::PeerHealth> SqliteDeliveryRepository::peer_health(std::string_view host)
{
    auto stmt = db_.prepare("SELECT host, consecutive_failures, unreachable_until, last_success_at,"
                            " last_failure_at FROM peer_health WHERE host = ?");
    if (!stmt)
        return forward(stmt);
    std::string key = lower_ascii(host);
    stmt->bind(1, key);
    auto health = first_row(*stmt, [](const Statement& s) {
        return model::PeerHealth { s.text(0), static_cast<int>(s.int64(1)), optional_time(s, 2),
            optional_time(s, 3), optional_time(s, 4) };
    });
    if (!health)
        return forward(health);
    // A host never tried is healthy.
    return health->value_or(model::PeerHealth { key, 0, std::nullopt, std::nullopt, std::nullopt });
}

Status SqliteDeliveryRepository::record_peer_failure(
    std::string_view host, TimePoint at, std::optional<TimePoint> unreachable_until)
{
    // Without a new pause, a pause already decided stays.
    auto stmt = db_.prepare("INSERT INTO peer_health (host, consecutive_failures, unreachable_until,"
                            " last_failure_at) VALUES (?, 1, ?, ?) ON CONFLICT (host) DO UPDATE SET"
                            " consecutive_failures = consecutive_failures + 1,"
                            " unreachable_until = coalesce(excluded.unreachable_until, unreachable_until),"
                            " last_failure_at = excluded.last_failure_at");
    if (!stmt)
        return forward(stmt);
    return stmt->bind(1, lower_ascii(host))
        .bind(2, optional_ms(unreachable_until))
        .bind(3, to_unix_ms(at))
        .run();
}

Status SqliteDeliveryRepository::record_peer_success(std::string_view host, TimePoint at)
{
    auto stmt = db_.prepare("INSERT INTO peer_health (host, consecutive_failures, last_success_at)"
                            " VALUES (?, 0, ?) ON CONFLICT (host) DO UPDATE SET consecutive_failures = 0,"
                            " unreachable_until = NULL, last_success_at = excluded.last_success_at");
    if (!stmt)
        return forward(stmt);
    return stmt->bind(1, lower_ascii(host)).bind(2, to_unix_ms(at)).run();
}

} // namespace confrere::storage::sqlite
