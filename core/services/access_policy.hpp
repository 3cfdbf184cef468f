// Who may read what (DESIGN rule 1). Every handler asks here; no rule is written twice.
#pragma once

#include "core/base/result.hpp"
#include "core/model/account.hpp"

namespace confrere::services {

// The account is active (validated, not suspended); else Forbidden with Mastodon's wording
// ("Your login is currently pending approval"…), which clients show as is.
Status require_active(const model::Account& viewer);

// The viewer may read members' content and profiles: an active member, moderator or admin.
// Forbidden for pending ("pending approval", Mastodon's wording), rejected, suspended accounts
// and for partners (who read no discussion and no member data).
Status require_member_reader(const model::Account& viewer);

// The viewer may run the validation queue: an active moderator or admin.
Status require_moderator(const model::Account& viewer);

// The viewer administers the instance (trusted peers, statistics): an active admin.
Status require_admin(const model::Account& viewer);

// The account may be discovered by federation (WebFinger, actor document): active only.
bool is_discoverable_identity(const model::Account& account);

} // namespace confrere::services
