#include "core/services/moderation_service.hpp"

#include "core/base/log.hpp"
#include "core/services/access_policy.hpp"

namespace confrere::services {

namespace {
Status check_actor(const std::optional<model::Account>& moderator)
{
    return moderator ? require_moderator(*moderator) : ok();
}

std::string_view verb(model::AccountState to)
{
    switch (to) {
    case model::AccountState::Active: return "approved";
    case model::AccountState::Rejected: return "rejected";
    case model::AccountState::Suspended: return "suspended";
    case model::AccountState::Pending: return "pending";
    }
    return "changed";
}
} // namespace

Result<model::Registration> ModerationService::transition(std::optional<model::Account> moderator,
                                                          Id account_id, model::AccountState from,
                                                          model::AccountState to,
                                                          std::string_view reason)
{
    if (auto rc = check_actor(moderator); !rc)
        return forward(rc);
    if (reason.size() > 2000)
        return fail(ErrorKind::Unprocessable, "The reason is too long.", {}, "reason");
    model::Registration result;
    Status done = store_.write([&](storage::Repositories& repos) -> Status {
        auto account = repos.accounts().find_by_id(account_id);
        if (!account)
            return forward(account);
        if (!*account)
            return fail(ErrorKind::NotFound, "Account not found.");
        if ((*account)->state != from)
            return fail(ErrorKind::Conflict, "This account is " +
                                                 std::string(model::to_string((*account)->state)) +
                                                 ", not " + std::string(model::to_string(from)) + ".");
        std::optional<Id> actor;
        if (moderator)
            actor = moderator->id;
        if (auto rc = repos.accounts().update_state(account_id, to, reason, actor, clock_.now()); !rc)
            return rc;
        if (to != model::AccountState::Active)
            if (auto rc = repos.sessions().remove_for_account(account_id); !rc)
                return rc;
        auto registration = repos.accounts().find_registration(account_id);
        if (!registration)
            return forward(registration);
        result = std::move(**registration);
        return ok();
    });
    if (!done)
        return forward(done);
    log::info("account_moderated", {{"account_id", account_id},
                                    {"decision", verb(to)},
                                    {"moderator_id", moderator ? moderator->id : 0}});
    return result;
}

Result<model::Registration> ModerationService::approve(std::optional<model::Account> moderator, Id id)
{
    return transition(std::move(moderator), id, model::AccountState::Pending,
                      model::AccountState::Active, "");
}

Result<model::Registration> ModerationService::reject(std::optional<model::Account> moderator, Id id,
                                                      std::string_view reason)
{
    return transition(std::move(moderator), id, model::AccountState::Pending,
                      model::AccountState::Rejected, reason);
}

Result<model::Registration> ModerationService::suspend(std::optional<model::Account> moderator, Id id,
                                                       std::string_view reason)
{
    if (moderator && moderator->id == id)
        return fail(ErrorKind::Unprocessable, "You cannot suspend your own account.");
    return transition(std::move(moderator), id, model::AccountState::Active,
                      model::AccountState::Suspended, reason);
}

Result<model::Registration> ModerationService::unsuspend(std::optional<model::Account> moderator, Id id)
{
    return transition(std::move(moderator), id, model::AccountState::Suspended,
                      model::AccountState::Active, "");
}

Result<model::Registration> ModerationService::registration(std::optional<model::Account> moderator, Id id)
{
    if (auto rc = check_actor(moderator); !rc)
        return forward(rc);
    model::Registration result;
    Status done = store_.read([&](storage::Repositories& repos) -> Status {
        auto r = repos.accounts().find_registration(id);
        if (!r)
            return forward(r);
        if (!*r)
            return fail(ErrorKind::NotFound, "Account not found.");
        result = std::move(**r);
        return ok();
    });
    if (!done)
        return forward(done);
    return result;
}

Result<std::vector<model::Registration>> ModerationService::list(std::optional<model::Account> moderator,
                                                                 const storage::AccountQuery& query)
{
    if (auto rc = check_actor(moderator); !rc)
        return forward(rc);
    std::vector<model::Registration> out;
    Status done = store_.read([&](storage::Repositories& repos) -> Status {
        auto accounts = repos.accounts().list(query);
        if (!accounts)
            return forward(accounts);
        for (const model::Account& a : *accounts) {
            auto r = repos.accounts().find_registration(a.id);
            if (!r)
                return forward(r);
            if (*r)
                out.push_back(std::move(**r));
        }
        return ok();
    });
    if (!done)
        return forward(done);
    return out;
}

Result<model::Attestation> ModerationService::attestation(std::optional<model::Account> moderator, Id id)
{
    if (auto rc = check_actor(moderator); !rc)
        return forward(rc);
    model::Attestation result;
    Status done = store_.read([&](storage::Repositories& repos) -> Status {
        auto a = repos.accounts().find_attestation(id);
        if (!a)
            return forward(a);
        if (!*a)
            return fail(ErrorKind::NotFound, "No attestation for this account.");
        result = std::move(**a);
        return ok();
    });
    if (!done)
        return forward(done);
    return result;
}

} // namespace confrere::services
