#include "storage/sqlite/repositories.hpp"
#include "storage/sqlite/rows.hpp"

#include "core/base/text.hpp"

#include <algorithm>

namespace confrere::storage::sqlite {

namespace {

constexpr const char* kAccountColumns =
    "a.id, a.username, a.email, a.display_name, a.first_name, a.last_name, a.role, a.state,"
    " a.profession_code, a.locale, a.note, a.discoverable, a.locked, a.public_key_pem,"
    " a.moderation_reason, a.directory_flagged, a.created_at, a.updated_at, a.specialties";
constexpr int kAccountColumnCount = 19;

// accounts.specialties holds the tags space-separated (a normalised tag has no space).
std::vector<std::string> split_specialties(std::string_view stored)
{
    std::vector<std::string> out;
    while (!stored.empty()) {
        auto space = stored.find(' ');
        if (space != 0)
            out.emplace_back(stored.substr(0, space));
        stored.remove_prefix(space == std::string_view::npos ? stored.size() : space + 1);
    }
    return out;
}

std::string join_specialties(const std::vector<std::string>& names)
{
    std::string out;
    for (const std::string& name : names)
        out += (out.empty() ? "" : " ") + name;
    return out;
}

model::Account read_account(const Statement& s)
{
    model::Account a;
    a.id = s.int64(0);
    a.username = s.text(1);
    a.email = s.text(2);
    a.display_name = s.text(3);
    a.first_name = s.text(4);
    a.last_name = s.text(5);
    a.role = model::role_from_string(s.text(6)).value_or(model::Role::Member);
    a.state = model::account_state_from_string(s.text(7)).value_or(model::AccountState::Pending);
    a.profession_code = static_cast<int>(s.int64(8));
    a.locale = s.text(9);
    a.note = s.text(10);
    a.discoverable = s.boolean(11);
    a.locked = s.boolean(12);
    a.public_key_pem = s.text(13);
    a.moderation_reason = s.text(14);
    a.directory_flagged = s.boolean(15);
    a.created_at = from_unix_ms(s.int64(16));
    a.updated_at = from_unix_ms(s.int64(17));
    a.specialties = split_specialties(s.text(18));
    return a;
}

// Names the field a unique-constraint failure is about, for a precise 422.
Error with_conflict_field(Error e)
{
    if (e.kind != ErrorKind::Conflict)
        return e;
    // SQLite names the violated index's columns: "UNIQUE constraint failed: accounts.email_key".
    // Look only there, not in the statement text that precedes it in the detail.
    auto at = e.detail.rfind("constraint failed: ");
    std::string_view columns = at == std::string::npos ? std::string_view() : std::string_view(e.detail).substr(at);
    if (columns.find("accounts.username_key") != std::string_view::npos) {
        e.field = "username";
        e.public_message = "This username is already taken.";
    } else if (columns.find("accounts.email_key") != std::string_view::npos) {
        e.field = "email";
        e.public_message = "This e-mail address is already registered.";
    } else if (columns.find("professional_identities.national_id") != std::string_view::npos) {
        e.field = "identifier";
        e.public_message = "An account already exists for this professional identifier.";
    }
    return e;
}

Result<std::optional<model::Account>> find_one(Connection& db, const std::string& where,
                                               auto&& binder)
{
    auto stmt = db.prepare(std::string("SELECT ") + kAccountColumns + " FROM accounts a WHERE " + where);
    if (!stmt)
        return forward(stmt);
    binder(*stmt);
    auto row = stmt->step();
    if (!row)
        return forward(row);
    if (!*row)
        return std::optional<model::Account>();
    return std::optional(read_account(*stmt));
}

} // namespace

Status SqliteAccountRepository::insert(const NewAccount& n)
{
    const model::Account& a = n.account;
    auto stmt = db_.prepare(
        "INSERT INTO accounts (id, username, username_key, email, email_key, password_hash,"
        " display_name, first_name, last_name, role, state, profession_code, locale, note,"
        " discoverable, locked, public_key_pem, private_key_pem, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, a.id).bind(2, a.username).bind(3, lower_ascii(a.username)).bind(4, a.email)
        .bind(5, lower_ascii(a.email)).bind(6, n.password_hash).bind(7, a.display_name)
        .bind(8, a.first_name).bind(9, a.last_name).bind(10, model::to_string(a.role))
        .bind(11, model::to_string(a.state)).bind(12, a.profession_code).bind(13, a.locale)
        .bind(14, a.note).bind(15, a.discoverable).bind(16, a.locked).bind(17, a.public_key_pem)
        .bind(18, n.private_key_pem).bind(19, to_unix_ms(a.created_at))
        .bind(20, to_unix_ms(a.updated_at));
    if (auto rc = stmt->run(); !rc)
        return std::unexpected(with_conflict_field(rc.error()));

    if (n.identity) {
        const model::Precheck precheck = n.precheck.value_or(model::Precheck{});
        auto id = db_.prepare(
            "INSERT INTO professional_identities (account_id, kind, bare_id, national_id,"
            " motivation, precheck_outcome, precheck_import_id, precheck_profession_code,"
            " precheck_directory_name, precheck_detail) VALUES (?,?,?,?,?,?,?,?,?,?)");
        if (!id)
            return forward(id);
        std::optional<std::string> national;
        if (!n.identity->national_id.empty())
            national = n.identity->national_id;
        id->bind(1, a.id).bind(2, model::to_string(n.identity->kind)).bind(3, n.identity->bare_id)
            .bind(4, national).bind(5, n.motivation).bind(6, model::to_string(precheck.outcome))
            .bind(7, precheck.import_id).bind(8, precheck.directory_profession_code)
            .bind(9, precheck.directory_name).bind(10, precheck.detail);
        if (auto rc = id->run(); !rc)
            return std::unexpected(with_conflict_field(rc.error()));
    }
    if (n.attestation) {
        auto att = db_.prepare("INSERT INTO attestations (account_id, content_type, data, created_at)"
                               " VALUES (?,?,?,?)");
        if (!att)
            return forward(att);
        att->bind(1, a.id).bind(2, n.attestation->content_type).bind_blob(3, n.attestation->data)
            .bind(4, to_unix_ms(a.created_at));
        if (auto rc = att->run(); !rc)
            return rc;
    }
    return ok();
}

Result<std::optional<model::Account>> SqliteAccountRepository::find_by_id(Id id)
{
    return find_one(db_, "a.id = ?", [id](Statement& s) { s.bind(1, id); });
}

Result<std::optional<model::Account>> SqliteAccountRepository::find_by_username(std::string_view username)
{
    std::string key = lower_ascii(username);
    return find_one(db_, "a.username_key = ?", [&key](Statement& s) { s.bind(1, key); });
}

Result<std::optional<Credentials>> SqliteAccountRepository::find_credentials(std::string_view login)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kAccountColumns +
                            ", a.password_hash FROM accounts a"
                            " WHERE a.username_key = ?1 OR a.email_key = ?1");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, lower_ascii(login));
    auto row = stmt->step();
    if (!row)
        return forward(row);
    if (!*row)
        return std::optional<Credentials>();
    return std::optional(Credentials{read_account(*stmt), stmt->text(kAccountColumnCount)});
}

Result<std::vector<model::Account>> SqliteAccountRepository::list(const AccountQuery& q)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kAccountColumns +
                            " FROM accounts a WHERE (?1 IS NULL OR a.state = ?1)"
                            " AND (?2 = 0 OR a.discoverable = 1)"
                            " AND (?3 IS NULL OR a.id < ?3) AND (?4 IS NULL OR a.id > ?4)"
                            " ORDER BY a.id DESC LIMIT ?5");
    if (!stmt)
        return forward(stmt);
    std::optional<std::string> state;
    if (q.state)
        state = std::string(model::to_string(*q.state));
    stmt->bind(1, state).bind(2, q.discoverable_only).bind(3, q.max_id).bind(4, q.min_id)
        .bind(5, std::clamp(q.limit, 1, 200));
    std::vector<model::Account> out;
    while (true) {
        auto row = stmt->step();
        if (!row)
            return forward(row);
        if (!*row)
            break;
        out.push_back(read_account(*stmt));
    }
    return out;
}

Result<std::optional<model::Registration>> SqliteAccountRepository::find_registration(Id id)
{
    auto account = find_by_id(id);
    if (!account)
        return forward(account);
    if (!*account)
        return std::optional<model::Registration>();
    model::Registration r;
    r.account = std::move(**account);
    auto stmt = db_.prepare(
        "SELECT p.kind, p.bare_id, coalesce(p.national_id, ''), p.motivation, p.precheck_outcome,"
        " p.precheck_import_id, p.precheck_profession_code, p.precheck_directory_name,"
        " p.precheck_detail, EXISTS (SELECT 1 FROM attestations t WHERE t.account_id = p.account_id)"
        " FROM professional_identities p WHERE p.account_id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, id);
    auto row = stmt->step();
    if (!row)
        return forward(row);
    if (*row) {
        r.identity.kind = model::identifier_kind_from_string(stmt->text(0)).value_or(model::IdentifierKind::Rpps);
        r.identity.bare_id = stmt->text(1);
        r.identity.national_id = stmt->text(2);
        r.motivation = stmt->text(3);
        r.precheck.outcome = model::precheck_outcome_from_string(stmt->text(4))
                                 .value_or(model::PrecheckOutcome::NoDirectory);
        r.precheck.import_id = stmt->optional_int64(5);
        r.precheck.directory_profession_code = static_cast<int>(stmt->int64(6));
        r.precheck.directory_name = stmt->text(7);
        r.precheck.detail = stmt->text(8);
        r.has_attestation = stmt->boolean(9);
    } else {
        // Accounts created by an operator have no declared identity.
        r.precheck.outcome = model::PrecheckOutcome::NotApplicable;
    }
    return std::optional(std::move(r));
}

Result<std::optional<model::Attestation>> SqliteAccountRepository::find_attestation(Id id)
{
    auto stmt = db_.prepare("SELECT content_type, data FROM attestations WHERE account_id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, id);
    auto row = stmt->step();
    if (!row)
        return forward(row);
    if (!*row)
        return std::optional<model::Attestation>();
    return std::optional(model::Attestation{stmt->text(0), stmt->text(1)});
}

Status SqliteAccountRepository::update_state(Id id, model::AccountState state,
                                             std::string_view reason, std::optional<Id> moderator,
                                             TimePoint at)
{
    auto stmt = db_.prepare("UPDATE accounts SET state = ?, moderation_reason = ?, moderated_by = ?,"
                            " moderated_at = ?, updated_at = ? WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, model::to_string(state)).bind(2, reason).bind(3, moderator)
        .bind(4, to_unix_ms(at)).bind(5, to_unix_ms(at)).bind(6, id);
    if (auto rc = stmt->run(); !rc)
        return rc;
    if (db_.changes() == 0)
        return fail(ErrorKind::NotFound, "Account not found.");
    // A rejected applicant's identifier is released so that its real holder can register.
    auto claims = db_.prepare("UPDATE professional_identities SET claims = ? WHERE account_id = ?");
    if (!claims)
        return forward(claims);
    return claims->bind(1, state != model::AccountState::Rejected).bind(2, id).run();
}

Status SqliteAccountRepository::update_password_hash(Id id, std::string_view hash, TimePoint at)
{
    auto stmt = db_.prepare("UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    if (auto rc = stmt->bind(1, hash).bind(2, to_unix_ms(at)).bind(3, id).run(); !rc)
        return rc;
    return db_.changes() == 0 ? fail(ErrorKind::NotFound, "Account not found.") : ok();
}

Status SqliteAccountRepository::update_profile(const model::Account& a, TimePoint at)
{
    auto stmt = db_.prepare("UPDATE accounts SET display_name = ?, note = ?, locked = ?, discoverable = ?,"
                            " locale = ?, updated_at = ?, specialties = ? WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, a.display_name).bind(2, a.note).bind(3, a.locked).bind(4, a.discoverable);
    stmt->bind(5, a.locale).bind(6, to_unix_ms(at)).bind(7, join_specialties(a.specialties));
    if (auto rc = stmt->bind(8, a.id).run(); !rc)
        return rc;
    return db_.changes() == 0 ? fail(ErrorKind::NotFound, "Account not found.") : ok();
}

Result<std::string> SqliteAccountRepository::private_key_pem(Id id)
{
    auto stmt = db_.prepare("SELECT private_key_pem FROM accounts WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, id);
    auto row = stmt->step();
    if (!row)
        return forward(row);
    if (!*row)
        return fail(ErrorKind::NotFound, "Account not found.");
    return stmt->text(0);
}

Result<std::int64_t> SqliteAccountRepository::count(std::optional<model::AccountState> state)
{
    auto stmt = db_.prepare("SELECT count(*) FROM accounts WHERE (?1 IS NULL OR state = ?1)");
    if (!stmt)
        return forward(stmt);
    std::optional<std::string> s;
    if (state)
        s = std::string(model::to_string(*state));
    stmt->bind(1, s);
    auto row = stmt->step();
    if (!row)
        return forward(row);
    return stmt->int64(0);
}

// SearchRepository's account look-ups live here, beside the account columns.

namespace {

// The one rule for finding a member by name (account search and the directory): ?1 a prefix of
// the username (ASCII case-insensitive), ?2 a prefix of the display name once both are folded
// by confrere_fold (text::fold_for_match: case, accents, punctuation); ?2 NULL matches nothing.
constexpr const char* kNameMatches
    = "(a.username_key LIKE ?1 ESCAPE '\\' OR confrere_fold(a.display_name) LIKE ?2 ESCAPE '\\')";

Statement& bind_name(Statement& stmt, std::string_view typed)
{
    std::string folded = text::fold_for_match(typed);
    stmt.bind(1, like_prefix(lower_ascii(typed)));
    return folded.empty() ? stmt.bind_null(2) : stmt.bind(2, like_prefix(folded));
}

} // namespace

Result<std::vector<model::Account>> SqliteSearchRepository::accounts(std::string_view prefix, int limit, int offset)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kAccountColumns + " FROM accounts a WHERE a.state = 'active' AND "
        + kNameMatches + " ORDER BY a.username_key LIMIT ?3 OFFSET ?4");
    if (!stmt)
        return forward(stmt);
    bind_name(*stmt, prefix).bind(3, page_limit(limit)).bind(4, std::max(offset, 0));
    return collect(*stmt, read_account);
}

Result<std::vector<model::Account>> SqliteSearchRepository::directory(const DirectoryQuery& q)
{
    // Active: the newest live status of each member (statuses_author_account), never-posted last.
    const char* order = q.order == DirectoryOrder::Active
        ? " ORDER BY (SELECT max(s.id) FROM statuses s WHERE s.author_account_id = a.id AND s.deleted_at IS NULL)"
          " DESC NULLS LAST, a.id DESC"
        : " ORDER BY a.id DESC";
    auto stmt = db_.prepare(std::string("SELECT ") + kAccountColumns
        + " FROM accounts a WHERE a.state = 'active' AND a.discoverable = 1 AND a.role <> 'partner'"
          " AND (?5 = 0 OR "
        + kNameMatches
        + ") AND (?6 = 0 OR a.profession_code = ?6)"
          " AND (?7 = '' OR instr(' ' || a.specialties || ' ', ' ' || ?7 || ' ') > 0)"
        + order + " LIMIT ?3 OFFSET ?4");
    if (!stmt)
        return forward(stmt);
    bind_name(*stmt, q.name).bind(3, page_limit(q.limit)).bind(4, std::max(q.offset, 0));
    stmt->bind(5, !q.name.empty()).bind(6, q.profession_code).bind(7, q.specialty);
    return collect(*stmt, read_account);
}

} // namespace confrere::storage::sqlite
