// The validation queue and account sanctions, for moderators (API) and operators (CLI).
#pragma once

#include "core/base/result.hpp"
#include "core/model/account.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace confrere::services {

class ModerationService {
public:
    ModerationService(storage::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

    // `moderator` is the acting account, or nullopt for an operator at the command line.
    // Forbidden if the actor may not moderate; NotFound; Conflict unless the account is pending.
    Result<model::Registration> approve(std::optional<model::Account> moderator, Id account_id);
    Result<model::Registration> reject(std::optional<model::Account> moderator, Id account_id,
                                       std::string_view reason);
    // Conflict unless the account is active. Its sessions end at once.
    Result<model::Registration> suspend(std::optional<model::Account> moderator, Id account_id,
                                        std::string_view reason);
    // Conflict unless the account is suspended.
    Result<model::Registration> unsuspend(std::optional<model::Account> moderator, Id account_id);

    Result<model::Registration> registration(std::optional<model::Account> moderator, Id account_id);
    Result<std::vector<model::Registration>> list(std::optional<model::Account> moderator,
                                                  const storage::AccountQuery& query);
    Result<model::Attestation> attestation(std::optional<model::Account> moderator, Id account_id);

private:
    Result<model::Registration> transition(std::optional<model::Account> moderator, Id account_id,
                                           model::AccountState from, model::AccountState to,
                                           std::string_view reason);
    storage::Store& store_;
    const Clock& clock_;
};

} // namespace confrere::services
