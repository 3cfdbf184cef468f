// Sign-in, sessions and who is asking.
#pragma once

#include "core/base/id.hpp"
#include "core/base/result.hpp"
#include "core/model/account.hpp"
#include "core/model/session.hpp"
#include "storage/store.hpp"

#include <chrono>
#include <string>

namespace confrere::services {

struct SignedIn {
    model::Account account;
    model::Session session;
    std::string token;  // the bearer secret, returned once (cookie value); only its hash is stored
};

struct Authenticated {
    model::Account account;
    model::Session session;
};

class AuthService {
public:
    AuthService(storage::Store& store, const Clock& clock, IdGenerator& ids,
                std::chrono::hours session_lifetime = std::chrono::hours(24 * 30))
        : store_(store), clock_(clock), ids_(ids), lifetime_(session_lifetime)
    {
    }

    // Unauthorized for an unknown login or a wrong password (same message, same cost);
    // Forbidden for rejected or suspended accounts. Pending accounts do sign in: they may only
    // see their registration status.
    Result<SignedIn> sign_in(std::string_view login, std::string_view password);

    // The account whose login and password these are, with sign_in's refusals (Unauthorized,
    // Forbidden for rejected or suspended accounts) but no session: OAuth grants use it.
    Result<model::Account> check_credentials(std::string_view login, std::string_view password);

    // Unauthorized if the token is unknown or expired, or its account no longer exists.
    Result<Authenticated> authenticate(std::string_view token);

    Status sign_out(const model::Session& session);

    // Replaces the account's password after checking the current one, and ends every session
    // of the account in the same transaction (a stolen session stops with the old password):
    // the member signs in again. Unprocessable (field "current_password") when the current
    // password is wrong, (field "password") when the new one breaks validate_password's rules.
    Status change_password(const model::Account& account, std::string_view current_password,
                           std::string_view new_password);

private:
    Result<std::optional<storage::Credentials>> find_credentials(std::string_view login);

    storage::Store& store_;
    const Clock& clock_;
    IdGenerator& ids_;
    std::chrono::hours lifetime_;
};

} // namespace confrere::services
