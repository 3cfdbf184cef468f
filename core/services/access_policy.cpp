#include "core/services/access_policy.hpp"

namespace confrere::services {

Status require_active(const model::Account& viewer)
{
    switch (viewer.state) {
    case model::AccountState::Active:
        return ok();
    case model::AccountState::Pending:
        // Mastodon's exact message: clients show it as is.
        return fail(ErrorKind::Forbidden, "Your login is currently pending approval");
    case model::AccountState::Rejected:
        return fail(ErrorKind::Forbidden, "Your registration was not accepted.");
    case model::AccountState::Suspended:
        return fail(ErrorKind::Forbidden, "Your login is currently disabled");
    }
    return fail(ErrorKind::Forbidden, "Forbidden.");
}

Status require_member_reader(const model::Account& viewer)
{
    if (auto rc = require_active(viewer); !rc)
        return rc;
    if (viewer.role == model::Role::Partner)
        return fail(ErrorKind::Forbidden, "Partner accounts cannot read members' content.");
    return ok();
}

Status require_moderator(const model::Account& viewer)
{
    if (auto rc = require_active(viewer); !rc)
        return rc;
    if (!model::can_moderate(viewer.role))
        return fail(ErrorKind::Forbidden, "This action is reserved for moderators.");
    return ok();
}

Status require_admin(const model::Account& viewer)
{
    if (auto rc = require_active(viewer); !rc)
        return rc;
    if (viewer.role != model::Role::Admin)
        return fail(ErrorKind::Forbidden, "This action is reserved for administrators.");
    return ok();
}

bool is_discoverable_identity(const model::Account& account)
{
    return account.state == model::AccountState::Active;
}

} // namespace confrere::services
