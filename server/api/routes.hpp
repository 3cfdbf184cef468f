// Each resource file registers its routes; main() calls register_all_routes once.
#pragma once

#include "server/api/account_json.hpp"
#include "core/services/search_service.hpp"
#include "server/api/context.hpp"
#include "server/http/form.hpp"
#include "server/http/router.hpp"

namespace confrere::server::api {

void register_account_routes(http::Router& router, Context& ctx);
void register_auth_routes(http::Router& router, Context& ctx);
void register_admin_routes(http::Router& router, Context& ctx);
void register_discovery_routes(http::Router& router, Context& ctx);
void register_activitypub_routes(http::Router& router, Context& ctx);
void register_status_routes(http::Router& router, Context& ctx);
void register_oauth_routes(http::Router& router, Context& ctx);
void register_notification_routes(http::Router& router, Context& ctx);

// Bookmarks, favourites, favourited_by and reblogged_by (routes_collections.cpp).
void register_collection_routes(http::Router& router, Context& ctx);
// An account's statuses, followers and following; account search; update_credentials.
void register_profile_routes(http::Router& router, Context& ctx);
// /api/v1/instance, /api/v2/instance, preferences, custom emojis (routes_instance.cpp).
void register_instance_routes(http::Router& router, Context& ctx);

void register_search_routes(http::Router& router, Context& ctx);
// /api/v1/confrere/groups… and the group timeline (routes_groups.cpp).
void register_group_routes(http::Router& router, Context& ctx);
void register_filter_routes(http::Router& router, Context& ctx);
// POST /api/v1/reports and /api/v1/admin/reports… (routes_reports.cpp).
void register_report_routes(http::Router& router, Context& ctx);
// The confrere_action of a report's resolution (API) or the web form's action: dismiss (or
// empty), remove_statuses, suspend; Unprocessable (field "confrere_action") otherwise.
Result<services::ReportResolution> report_resolution(std::string_view action);

// A remote account by handle (WebFinger when unknown), and a known remote account by id.
http::Response remote_lookup(Context& ctx, const http::Request& req, std::string_view acct);
http::Response remote_account(Context& ctx, Id id);

inline void register_all_routes(http::Router& router, Context& ctx)
{
    register_discovery_routes(router, ctx);
    register_activitypub_routes(router, ctx);
    register_auth_routes(router, ctx);
    register_oauth_routes(router, ctx);
    register_account_routes(router, ctx);
    register_status_routes(router, ctx);
    register_notification_routes(router, ctx);

    register_search_routes(router, ctx);
    register_filter_routes(router, ctx);
    register_admin_routes(router, ctx);
    register_collection_routes(router, ctx);
    register_profile_routes(router, ctx);
    register_instance_routes(router, ctx);
    register_group_routes(router, ctx);
    register_report_routes(router, ctx);
}

// A group here as Mastodon's Account entity ("group": true, members as followers).
void write_group_account(JsonWriter& w, const Context& ctx, const model::Group& group, std::int64_t members);
// The Account entity of the group here with this id (or, without an id, this name); nullopt
// when there is none (the caller goes on with accounts and remote actors).
std::optional<http::Response> group_account_response(
    Context& ctx, const model::Account& viewer, std::optional<Id> id, std::string_view name = {});
// Whether `id` names a group here.
Result<bool> is_local_group(Context& ctx, Id id);

// The Notification entity `recipient` would read for this id; nullopt when gone or when its
// status is no longer readable (the streaming API's renderer).
std::optional<std::string> notification_entity(Context& ctx, const model::Account& recipient, Id notification_id);

// The counters of a local account's Account entity (accepted follows, statuses).
Result<AccountStats> account_stats(Context& ctx, Id account_id);

// The accounts a member finds for request.q (services::SearchService's one rule), and with
// `resolve` a user@host handle or actor URL of a trusted peer looked up through federation
// (search v2 and GET /api/v1/accounts/search alike).
Result<services::SearchResults> find_accounts(
    Context& ctx, const model::Account& reader, const services::SearchRequest& request, bool resolve);

// A member's handle, "user" or "user@host" (no leading '@'): an active local account, or a
// remote actor looked up through WebFinger on a trusted peer when not known yet; nullopt if none.
std::optional<model::ActorRef> resolve_handle(Context& ctx, std::string_view handle);
// Who a status's text names (@user, @user@host), at most 20 accounts, resolved by
// resolve_handle, and the groups it names (a group here or a Group actor of a trusted peer);
// unknown handles are left out.
struct Mentioned {
    std::vector<model::ActorRef> actors;
    std::vector<model::ActorRef> groups;
};
Mentioned resolve_mentions(Context& ctx, std::string_view text);
// Sets a post's mentions and its group, for the API and the web alike: `group_id` (an id, may
// be empty), else the group the text mentions (FEP-1b12: mentioning a group posts into it;
// never for a direct message). NotFound (field "group_id") for an unknown group; Unprocessable
// when the text names two groups.
Status address_post(Context& ctx, services::PostRequest& post, std::string_view group_id);

// The fields of a registration form or JSON body (POST /api/v1/accounts and the web page
// alike). Unprocessable (field "profession_code") for a code that is not a number up to 99.
Result<services::RegistrationRequest> registration_request(const http::Params& params);

// The fields of a group creation form or body (POST /api/v1/confrere/groups and /groups alike).
// Unprocessable (field "parent_id") for a parent_id that is not an id.
Result<services::NewGroup> new_group_request(const http::Params& params);

// Parses a decimal id from a path parameter; NotFound if it is not one (ids are opaque).
Result<Id> parse_id(std::string_view text);

} // namespace confrere::server::api
