// Bookmarks, favourites and who interacted with a status (Mastodon's bookmarks, favourites,
// favourited_by and reblogged_by). The rules live in services::SocialService.
#include "server/api/list_json.hpp"
#include "server/api/routes.hpp"
#include "server/api/status_json.hpp"

namespace confrere::server::api {

using http::PathParams;
using http::Request;
using http::Response;

namespace {

// GET /api/v1/bookmarks and /api/v1/favourites: the caller's own, paged by their own ids.
template <class List>
Response own_statuses(Context& ctx, const Request& req, std::string_view scope, List list)
{
    auto caller = authenticate_member(ctx, req, scope);
    if (!caller)
        return http::error_response(caller.error());
    const model::Account& me = caller->auth.account;
    auto page = list(me, page_query(req));
    if (!page)
        return http::error_response(page.error());
    return status_page_response(ctx, req, me, *page);
}

} // namespace

void register_collection_routes(http::Router& router, Context& ctx)
{
    router.add("POST", "/api/v1/statuses/:id/bookmark", [&ctx](const Request& req, const PathParams& p) {
        return with_member_and_status_id(
            ctx, req, p,
            [&](const model::Account& me, Id id) {
                auto status = ctx.social->social.bookmark(me, id);
                return status ? status_response(ctx, me, *status) : http::error_response(status.error());
            },
            "write:bookmarks");
    });
    router.add("POST", "/api/v1/statuses/:id/unbookmark", [&ctx](const Request& req, const PathParams& p) {
        return with_member_and_status_id(
            ctx, req, p,
            [&](const model::Account& me, Id id) {
                if (auto done = ctx.social->social.unbookmark(me, id); !done)
                    return http::error_response(done.error());
                auto status = ctx.social->social.status(me, id);
                return status ? status_response(ctx, me, *status) : http::error_response(status.error());
            },
            "write:bookmarks");
    });
    router.add("GET", "/api/v1/bookmarks", [&ctx](const Request& req, const PathParams&) {
        return own_statuses(
            ctx, req, "read:bookmarks", [&](const model::Account& me, const storage::PageQuery& q) {
                return ctx.social->social.bookmarks(me, q);
            });
    });
    router.add("GET", "/api/v1/favourites", [&ctx](const Request& req, const PathParams&) {
        return own_statuses(
            ctx, req, "read:favourites", [&](const model::Account& me, const storage::PageQuery& q) {
                return ctx.social->social.favourites(me, q);
            });
    });
    for (auto [path, kind] :
        { std::pair { "/api/v1/statuses/:id/favourited_by", model::InteractionKind::Like },
            std::pair { "/api/v1/statuses/:id/reblogged_by", model::InteractionKind::Announce } }) {
        router.add("GET", path, [&ctx, kind](const Request& req, const PathParams& p) {
            return with_member_and_status_id(
                ctx, req, p,
                [&](const model::Account& me, Id id) {
                    auto page = ctx.social->social.interacted_by(me, id, kind, page_query(req, 40, 80));
                    return page ? actor_page_response(ctx, req, *page) : http::error_response(page.error());
                },
                "read:accounts");
        });
    }
}

} // namespace confrere::server::api
