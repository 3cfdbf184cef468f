// OAuth 2 applications, authorization codes and access tokens.
#include "storage/sqlite/repositories.hpp"
#include "storage/sqlite/rows.hpp"

namespace confrere::storage::sqlite {

namespace {

constexpr const char* kApplicationColumns
    = "id, name, website, redirect_uris, scopes, client_id, client_secret_hash, created_at";

model::OAuthApplication read_application(const Statement& s)
{
    return model::OAuthApplication { s.int64(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5),
        s.text(6), from_unix_ms(s.int64(7)) };
}

constexpr const char* kTokenColumns = "id, application_id, account_id, token_hash,"
                                      " ifnull(refresh_token_hash, ''), scopes, created_at, revoked_at";

model::OAuthToken read_token(const Statement& s)
{
    return model::OAuthToken { s.int64(0), s.int64(1), s.optional_int64(2), s.text(3), s.text(4), s.text(5),
        from_unix_ms(s.int64(6)), optional_time(s, 7) };
}

} // namespace

Status SqliteOAuthRepository::insert_application(const model::OAuthApplication& a)
{
    auto stmt = db_.prepare("INSERT INTO oauth_applications (id, name, website, redirect_uris, scopes,"
                            " client_id, client_secret_hash, created_at) VALUES (?,?,?,?,?,?,?,?)");
    if (!stmt)
        return forward(stmt);
    auto rc = stmt->bind(1, a.id)
                  .bind(2, a.name)
                  .bind(3, a.website)
                  .bind(4, a.redirect_uris)
                  .bind(5, a.scopes)
                  .bind(6, a.client_id)
                  .bind(7, a.client_secret_hash)
                  .bind(8, to_unix_ms(a.created_at))
                  .run();
    if (!rc)
        return std::unexpected(name_conflict(
            rc.error(), "oauth_applications.client_id", "client_id", "This client id is taken."));
    return rc;
}

Result<std::optional<model::OAuthApplication>> SqliteOAuthRepository::find_application(Id id)
{
    auto stmt
        = db_.prepare(std::string("SELECT ") + kApplicationColumns + " FROM oauth_applications WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, id);
    return first_row(*stmt, read_application);
}

Result<std::optional<model::OAuthApplication>> SqliteOAuthRepository::find_application_by_client_id(
    std::string_view client_id)
{
    auto stmt = db_.prepare(
        std::string("SELECT ") + kApplicationColumns + " FROM oauth_applications WHERE client_id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, client_id);
    return first_row(*stmt, read_application);
}

Status SqliteOAuthRepository::insert_code(const model::AuthorizationCode& c, TimePoint now)
{
    auto prune = db_.prepare("DELETE FROM oauth_authorization_codes WHERE expires_at <= ?");
    if (!prune)
        return forward(prune);
    if (auto rc = prune->bind(1, to_unix_ms(now)).run(); !rc)
        return rc;
    auto stmt = db_.prepare("INSERT INTO oauth_authorization_codes (code_hash, application_id, account_id,"
                            " redirect_uri, scopes, code_challenge, created_at, expires_at)"
                            " VALUES (?,?,?,?,?,?,?,?)");
    if (!stmt)
        return forward(stmt);
    return stmt->bind(1, c.code_hash)
        .bind(2, c.application_id)
        .bind(3, c.account_id)
        .bind(4, c.redirect_uri)
        .bind(5, c.scopes)
        .bind(6, c.code_challenge)
        .bind(7, to_unix_ms(c.created_at))
        .bind(8, to_unix_ms(c.expires_at))
        .run();
}

Result<std::optional<model::AuthorizationCode>> SqliteOAuthRepository::take_code(
    std::string_view code_hash, TimePoint now)
{
    auto stmt = db_.prepare("DELETE FROM oauth_authorization_codes WHERE code_hash = ?"
                            " RETURNING code_hash, application_id, account_id, redirect_uri, scopes,"
                            " code_challenge, created_at, expires_at");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, code_hash);
    auto code = first_row(*stmt, [](const Statement& s) {
        return model::AuthorizationCode { s.text(0), s.int64(1), s.int64(2), s.text(3), s.text(4), s.text(5),
            from_unix_ms(s.int64(6)), from_unix_ms(s.int64(7)) };
    });
    if (!code)
        return code;
    // Finish the statement so the deletion is complete before we answer.
    if (auto done = stmt->step(); !done)
        return forward(done);
    if (*code && (*code)->expires_at <= now)
        return std::optional<model::AuthorizationCode>();
    return code;
}

Status SqliteOAuthRepository::insert_token(const model::OAuthToken& t)
{
    auto stmt = db_.prepare("INSERT INTO oauth_tokens (id, application_id, account_id, token_hash,"
                            " refresh_token_hash, scopes, created_at, revoked_at) VALUES (?,?,?,?,?,?,?,?)");
    if (!stmt)
        return forward(stmt);
    std::optional<std::string> refresh;
    if (!t.refresh_token_hash.empty())
        refresh = t.refresh_token_hash;
    return stmt->bind(1, t.id)
        .bind(2, t.application_id)
        .bind(3, t.account_id)
        .bind(4, t.token_hash)
        .bind(5, refresh)
        .bind(6, t.scopes)
        .bind(7, to_unix_ms(t.created_at))
        .bind(8, optional_ms(t.revoked_at))
        .run();
}

Result<std::optional<model::OAuthToken>> SqliteOAuthRepository::find_token(std::string_view token_hash)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kTokenColumns
        + " FROM oauth_tokens WHERE token_hash = ? AND revoked_at IS NULL");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, token_hash);
    return first_row(*stmt, read_token);
}

Result<std::optional<model::OAuthToken>> SqliteOAuthRepository::find_token_by_refresh(
    std::string_view refresh_hash)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kTokenColumns
        + " FROM oauth_tokens WHERE refresh_token_hash = ? AND revoked_at IS NULL");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, refresh_hash);
    return first_row(*stmt, read_token);
}

Status SqliteOAuthRepository::revoke_token(Id id, TimePoint at)
{
    auto stmt = db_.prepare("UPDATE oauth_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    if (auto rc = stmt->bind(1, to_unix_ms(at)).bind(2, id).run(); !rc)
        return rc;
    if (db_.changes() == 0)
        return fail(ErrorKind::NotFound, "Record not found");
    return ok();
}

} // namespace confrere::storage::sqlite
