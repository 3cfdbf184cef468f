// Model objects as template data (server/web/template.hpp's Value): what a page shows of a
// status or an actor, for one viewer. Reading only; the rules stay in the services.
#pragma once

#include "core/model/account.hpp"
#include "core/model/federation.hpp"
#include "core/model/group.hpp"
#include "server/api/context.hpp"
#include "server/web/template.hpp"

#include <vector>

namespace confrere::server::web {

class Catalogue;

// What a page shows of an actor: name, handle (@user or @user@host) and profile link.
Value actor_value(const model::Account& account);
Value actor_value(const model::RemoteActor& actor);

// actor_value of a local account or remote actor by reference; nullopt when it is gone.
Result<std::optional<Value>> find_actor_value(storage::Repositories& repos, model::ActorRef ref);

// The actors by reference, read in one transaction; those gone are left out. Each value also
// has "ref" ("local:<id>" or "remote:<id>"), for forms that act on the actor.
Result<Value::List> actor_values(api::Context& ctx, const std::vector<model::ActorRef>& refs);
// The reference a form sent back in the "ref" format above; nullopt if it is not one.
std::optional<model::ActorRef> parse_actor_ref(std::string_view text);

// The statuses as `viewer` sees them (author, audience label, content, counters, and whether
// the viewer favourited, boosted or bookmarked each), read in one transaction. Statuses whose
// author is gone are left out.
Result<Value::List> status_values(api::Context& ctx, const model::Account& viewer,
    const std::vector<model::Status>& statuses, const Catalogue& texts);
// The same for timeline entries: a boost shows its status with "boosted_by" (the booster's
// actor_value); a boost whose booster is gone is left out.
Result<Value::List> entry_values(api::Context& ctx, const model::Account& viewer,
    const std::vector<model::TimelineEntry>& entries, const Catalogue& texts);

// A group's page in the web UI: /g/<name> (/groups/<name> is the group's ActivityPub actor).
std::string group_page_path(std::string_view name);
// What a page shows of a group to link to it: its display name and page ("name", "url").
Value group_link_value(const model::Group& group);

// A status's audience: its name ("instance"…, the CSS class) and translated label; status_values
// adds "group" (group_link_value, or the remote Group's actor_value) to group posts.
Value audience_value(model::Audience audience, const Catalogue& texts);

// "2026-03-01 14:05" (UTC) for display; the ISO 8601 form goes in <time datetime>.
std::string display_time(TimePoint t);

} // namespace confrere::server::web
