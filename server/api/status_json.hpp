// Mastodon's Status entity and the helpers the social routes share: visibilities, the Account
// entity of a local or remote actor, :id routes for members, and timeline pagination (query
// parameters in, `Link` header out).
#pragma once

#include "core/model/federation.hpp"
#include "server/api/account_json.hpp"
#include "server/api/routes.hpp"
#include "server/http/router.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confrere::server::api {

http::Response not_found();

// Mastodon visibility names, and ours ("instance", "followers", "group"). Clients default to
// "public": on a members-only network the widest audience is the instance.
std::optional<model::Audience> audience_from_visibility(std::string_view v);
// The Mastodon visibility shown for an audience: Instance is "public" (every reader of a
// members-only instance is a member), Followers and Group "private", Direct "direct". Statuses
// also carry "confrere_audience" with the exact audience, and "confrere_group" for Group.
std::string_view visibility_name(model::Audience a);

void write_remote_account(JsonWriter& w, const model::RemoteActor& a);
// Writes the Account entity of a local account or a remote actor; false if it is gone.
Result<bool> write_actor(JsonWriter& w, storage::Repositories& repos, const Context& ctx, model::ActorRef ref);

struct StatusFilters; // server/api/search_json.hpp

// Entities written one by one inside one read transaction: a JSON array, or (array false) the
// one item alone. `write(w, repos, item)` writes one entity and returns a Status.
template <class Item, class Write>
Result<std::string> entities_json(Context& ctx, const std::vector<Item>& items, bool array, Write write)
{
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    auto done = ctx.store.read([&](storage::Repositories& repos) -> Status {
        if (array)
            w.StartArray();
        for (const Item& item : items)
            if (auto written = write(w, repos, item); !written)
                return written;
        if (array)
            w.EndArray();
        return ok();
    });
    if (!done)
        return forward(done);
    return std::string(buf.GetString(), buf.GetSize());
}

// Writes one Status entity as `viewer` sees it (favourited, reblogged…); with `filters`, the
// `filtered` array of the viewer's warn filters it matches.
Status write_status(JsonWriter& w, storage::Repositories& repos, const Context& ctx,
    const model::Account& viewer, const model::Status& s, const StatusFilters* filters = nullptr);
// Status entities, as an array or (one status, array false) a single object.
Result<std::string> statuses_json(Context& ctx, const model::Account& viewer,
    const std::vector<model::Status>& list, bool array, const StatusFilters* filters = nullptr);
http::Response status_response(Context& ctx, const model::Account& viewer, const model::Status& status);

// Writes a timeline entry: a status as write_status does, or a boost as Mastodon's reblog
// wrapper — the Announce's id, account and date, no content of its own, the boosted status
// under "reblog", and the viewer's favourited/reblogged/bookmarked of the boosted status
// (what clients act on).
Status write_entry(JsonWriter& w, storage::Repositories& repos, const Context& ctx,
    const model::Account& viewer, const model::TimelineEntry& entry, const StatusFilters* filters = nullptr);
Result<std::string> entries_json(Context& ctx, const model::Account& viewer,
    const std::vector<model::TimelineEntry>& list, bool array, const StatusFilters* filters = nullptr);
http::Response entry_response(Context& ctx, const model::Account& viewer, const model::TimelineEntry& entry);

// The local account or remote actor with this API id, if the caller may see it.
Result<model::ActorRef> actor_ref(Context& ctx, Id id);

// Runs `action(account, id)` for the active member calling, with the :id path parameter parsed.
template <class Action>
http::Response with_member_and_id(Context& ctx, const http::Request& req, const http::PathParams& p,
    Action action, std::string_view scope = kScopeByMethod)
{
    auto caller = authenticate_member(ctx, req, scope);
    if (!caller)
        return http::error_response(caller.error());
    auto id = parse_id(p.at("id"));
    if (!id)
        return http::error_response(id.error());
    return action(caller->auth.account, *id);
}

// The status an action names: the boosted one when `id` is a boost the viewer may read
// (clients act on the reblog wrapper they were shown, as Mastodon lets them), `id` otherwise.
Id proper_status_id(Context& ctx, const model::Account& viewer, Id id);

// with_member_and_id for the actions on a status (favourite, reblog, bookmark, context…).
template <class Action>
http::Response with_member_and_status_id(Context& ctx, const http::Request& req, const http::PathParams& p,
    Action action, std::string_view scope = kScopeByMethod)
{
    return with_member_and_id(
        ctx, req, p,
        [&](const model::Account& me, Id id) { return action(me, proper_status_id(ctx, me, id)); }, scope);
}

// max_id, since_id, min_id and limit (default 20, at most 40) of a paginated list. Ids that do
// not parse are ignored, as Mastodon does. min_id pages from the bound up (PageEnd::Oldest).
storage::StatusQuery page_query(const http::Request& req, int default_limit = 20, int max_limit = 40);

// The `profession` query parameter of the directory and the timelines: a TRE_G15 code this
// server knows, 0 when absent or empty; Unprocessable (field "profession") otherwise.
Result<int> profession_param(const http::Request& req);

// Mastodon's pagination header for a page whose items' ids run from `newest` to `oldest`:
// `<…?max_id=oldest>; rel="next", <…?min_id=newest>; rel="prev"`, keeping the request's other
// query parameters. No header for an empty page.
void add_link_header(http::Response& response, const Context& ctx, const http::Request& req,
    std::optional<Id> newest, std::optional<Id> oldest);

} // namespace confrere::server::api
