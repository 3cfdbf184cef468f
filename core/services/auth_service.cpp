#include "core/services/auth_service.hpp"

#include "core/base/log.hpp"
#include "core/crypto/secrets.hpp"
#include "core/services/registration_service.hpp"

namespace confrere::services {

namespace {
// Verified against when the login is unknown, so that an unknown login costs the same time as
// a wrong password and does not reveal which accounts exist.
const std::string& dummy_hash()
{
    static const std::string hash = crypto::hash_password("confrere-timing-equaliser").value_or("");
    return hash;
}
} // namespace

Result<std::optional<storage::Credentials>> AuthService::find_credentials(std::string_view login)
{
    std::optional<storage::Credentials> credentials;
    Status found = store_.read([&](storage::Repositories& repos) -> Status {
        auto c = repos.accounts().find_credentials(login);
        if (!c)
            return forward(c);
        credentials = std::move(*c);
        return ok();
    });
    if (!found)
        return forward(found);
    return credentials;
}

Result<model::Account> AuthService::check_credentials(std::string_view login, std::string_view password)
{
    auto credentials = find_credentials(login);
    if (!credentials)
        return forward(credentials);
    if (!*credentials) {
        (void)crypto::verify_password(dummy_hash(), password);
        return fail(ErrorKind::Unauthorized, "Invalid login or password.");
    }
    if (!crypto::verify_password((*credentials)->password_hash, password))
        return fail(ErrorKind::Unauthorized, "Invalid login or password.");
    const model::Account& account = (*credentials)->account;
    if (account.state == model::AccountState::Rejected)
        return fail(ErrorKind::Forbidden, "Your registration was not accepted.");
    if (account.state == model::AccountState::Suspended)
        return fail(ErrorKind::Forbidden, "Your login is currently disabled");
    return account;
}

Result<SignedIn> AuthService::sign_in(std::string_view login, std::string_view password)
{
    auto checked = check_credentials(login, password);
    if (!checked)
        return forward(checked);
    const model::Account& account = *checked;
    SignedIn out;
    out.account = account;
    out.token = crypto::random_token(32);
    TimePoint now = clock_.now();
    out.session = model::Session{ids_.next(), account.id, crypto::sha256_hex(out.token),
                                 crypto::random_token(24), now, now + lifetime_};
    Status stored = store_.write([&](storage::Repositories& repos) { return repos.sessions().insert(out.session); });
    if (!stored)
        return forward(stored);
    log::info("signed_in", {{"account_id", account.id}});
    return out;
}

Result<Authenticated> AuthService::authenticate(std::string_view token)
{
    if (token.empty() || token.size() > 256)
        return fail(ErrorKind::Unauthorized, "The access token is invalid");
    std::string hash = crypto::sha256_hex(token);
    Authenticated out;
    Status found = store_.read([&](storage::Repositories& repos) -> Status {
        auto session = repos.sessions().find_by_token_hash(hash, clock_.now());
        if (!session)
            return forward(session);
        if (!*session)
            return fail(ErrorKind::Unauthorized, "The access token is invalid");
        auto account = repos.accounts().find_by_id((*session)->account_id);
        if (!account)
            return forward(account);
        if (!*account)
            return fail(ErrorKind::Unauthorized, "The access token is invalid");
        out.session = std::move(**session);
        out.account = std::move(**account);
        return ok();
    });
    if (!found)
        return forward(found);
    return out;
}

Status AuthService::sign_out(const model::Session& session)
{
    return store_.write([&](storage::Repositories& repos) { return repos.sessions().remove(session.id); });
}

Status AuthService::change_password(const model::Account& account, std::string_view current_password,
                                    std::string_view new_password)
{
    auto credentials = find_credentials(account.username);
    if (!credentials)
        return forward(credentials);
    if (!*credentials || (*credentials)->account.id != account.id
        || !crypto::verify_password((**credentials).password_hash, current_password))
        return fail(ErrorKind::Unprocessable, "The current password is wrong.", {}, "current_password");
    if (auto rc = validate_password(new_password); !rc)
        return rc;
    auto hash = crypto::hash_password(new_password);
    if (!hash)
        return forward(hash);
    Status changed = store_.write([&](storage::Repositories& repos) -> Status {
        if (auto rc = repos.accounts().update_password_hash(account.id, *hash, clock_.now()); !rc)
            return rc;
        return repos.sessions().remove_for_account(account.id);
    });
    if (!changed)
        return changed;
    log::info("password_changed", {{"account_id", account.id}});
    return ok();
}

} // namespace confrere::services
