// Groups through the client API. Confrère's own endpoints under /api/v1/confrere/groups (the
// directory, creation, membership, group moderation) and the group timeline; Mastodon clients
// meet groups as accounts with "group": true (lookup, :id, follow = join, unfollow = leave),
// written here too. Every rule is services::GroupService's.
#include "core/base/text.hpp"
#include "core/services/access_policy.hpp"
#include "core/services/group_service.hpp"
#include "federation/documents.hpp"
#include "server/api/routes.hpp"
#include "server/api/status_json.hpp"
#include "server/http/form.hpp"

namespace confrere::server::api {

using http::PathParams;
using http::Request;
using http::Response;

namespace {

void write_group(JsonWriter& w, const Context& ctx, const services::GroupView& view)
{
    const model::Group& g = view.group;
    federation::GroupUrls urls(ctx.base_url, g.name);
    w.StartObject();
    write_string(w, "id", std::to_string(g.id));
    write_string(w, "name", g.name);
    write_string(w, "acct", g.name);
    write_string(w, "display_name", g.display_name);
    write_string(w, "description", g.description);
    w.Key("tags");
    w.StartArray();
    for (const std::string& tag : g.tags)
        w.String(tag.c_str());
    w.EndArray();
    w.Key("interdisciplinary");
    w.Bool(g.interdisciplinary);
    w.Key("parent_id");
    if (g.parent_id)
        w.String(std::to_string(*g.parent_id).c_str());
    else
        w.Null();
    w.Key("members_count");
    w.Int64(view.members);
    write_string(w, "uri", urls.id);
    write_string(w, "url", urls.id);
    write_string(w, "created_at", format_iso8601(g.created_at));
    w.Key("membership");
    if (view.membership) {
        w.StartObject();
        write_string(w, "role", model::to_string(view.membership->role));
        write_string(w, "state", model::to_string(view.membership->state));
        w.EndObject();
    } else {
        w.Null();
    }
    w.Key("can_moderate");
    w.Bool(view.can_moderate);
    w.EndObject();
}

Response group_response(Context& ctx, const services::GroupView& view, int status = 200)
{
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    write_group(w, ctx, view);
    return http::json_response(status, std::string(buf.GetString(), buf.GetSize()));
}

services::GroupService& groups(Context& ctx)
{
    return *ctx.groups;
}

Response handle_create(Context& ctx, const Request& req)
{
    auto caller = authenticate_member(ctx, req, "write");
    if (!caller)
        return http::error_response(caller.error());
    auto params = http::parse_params(req);
    if (!params)
        return http::error_response(params.error());
    auto request = new_group_request(*params);
    if (!request)
        return http::error_response(request.error());
    auto created = groups(ctx).create(caller->auth.account, std::move(*request));
    if (!created)
        return http::error_response(created.error());
    auto view = groups(ctx).view(caller->auth.account, created->id);
    if (!view)
        return http::error_response(view.error());
    return group_response(ctx, *view);
}

Response handle_directory(Context& ctx, const Request& req)
{
    auto caller = authenticate_member(ctx, req);
    if (!caller)
        return http::error_response(caller.error());
    storage::GroupQuery q;
    q.prefix = req.query_param("q").value_or("");
    q.tag = req.query_param("tag").value_or("");
    if (auto v = req.query_param("interdisciplinary"); v)
        q.interdisciplinary = *v == "true" || *v == "1";
    if (auto v = req.query_param("parent_id"); v) {
        auto id = parse_id(*v);
        if (!id)
            return http::json_response(200, "[]");
        q.parent_id = *id;
    }
    q.top_level = req.query_param("top_level").value_or("") == "true";
    if (auto v = req.query_param("limit"); v)
        if (auto n = parse_id(*v); n)
            q.limit = static_cast<int>(std::clamp<Id>(*n, 1, 80));
    if (auto v = req.query_param("offset"); v)
        if (auto n = parse_id(*v); n)
            q.offset = static_cast<int>(std::min<Id>(*n, 100000));
    auto found = groups(ctx).directory(caller->auth.account, std::move(q));
    if (!found)
        return http::error_response(found.error());
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartArray();
    for (const auto& view : *found)
        write_group(w, ctx, view);
    w.EndArray();
    return http::json_response(200, std::string(buf.GetString(), buf.GetSize()));
}

// Runs `action(me, group id, other id)` for /…/groups/:id/<thing>/:other routes.
template <class Action>
Response with_group_and_other(Context& ctx, const Request& req, const PathParams& p, const char* other, Action action)
{
    return with_member_and_id(ctx, req, p, [&](const model::Account& me, Id group_id) {
        auto id = parse_id(p.at(other));
        if (!id)
            return http::error_response(id.error());
        return action(me, group_id, *id);
    });
}

Response members_response(Context& ctx, const Request& req, const model::Account& me, Id group_id)
{
    storage::PageQuery page;
    auto q = page_query(req, 40, 80);
    page.max_id = q.max_id;
    page.min_id = q.min_id;
    page.limit = q.limit;
    page.end = q.end;
    auto members = groups(ctx).members(me, group_id, page);
    if (!members)
        return http::error_response(members.error());
    auto body = entities_json(ctx, *members, true, [&](JsonWriter& w, storage::Repositories& repos, const model::GroupMember& m) -> Status {
        w.StartObject();
        write_string(w, "id", std::to_string(m.id));
        write_string(w, "role", model::to_string(m.role));
        w.Key("account");
        auto written = write_actor(w, repos, ctx, m.member);
        if (!written)
            return forward(written);
        if (!*written)
            w.Null();
        w.EndObject();
        return ok();
    });
    if (!body)
        return http::error_response(body.error());
    Response r = http::json_response(200, std::move(*body));
    if (!members->empty())
        add_link_header(r, ctx, req, members->front().id, members->back().id);
    return r;
}

void write_move(JsonWriter& w, const model::ThreadMove& m)
{
    w.StartObject();
    write_string(w, "id", std::to_string(m.id));
    write_string(w, "status_id", std::to_string(m.status_id));
    write_string(w, "from_group_id", std::to_string(m.from_group_id));
    write_string(w, "to_group_id", std::to_string(m.to_group_id));
    write_string(w, "account_id", std::to_string(m.requested_by));
    write_string(w, "state", model::to_string(m.state));
    write_string(w, "reason", m.reason);
    write_string(w, "created_at", format_iso8601(m.created_at));
    w.Key("decided_at");
    if (m.decided_at)
        w.String(format_iso8601(*m.decided_at).c_str());
    else
        w.Null();
    w.EndObject();
}

Response moves_response(const std::vector<model::ThreadMove>& moves)
{
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartArray();
    for (const auto& m : moves)
        write_move(w, m);
    w.EndArray();
    return http::json_response(200, std::string(buf.GetString(), buf.GetSize()));
}

} // namespace

void write_group_account(JsonWriter& w, const Context& ctx, const model::Group& g, std::int64_t members)
{
    federation::GroupUrls urls(ctx.base_url, g.name);
    w.StartObject();
    write_string(w, "id", std::to_string(g.id));
    write_string(w, "username", g.name);
    write_string(w, "acct", g.name);
    write_string(w, "display_name", g.display_name);
    w.Key("locked");
    w.Bool(false);
    w.Key("bot");
    w.Bool(false);
    w.Key("group");
    w.Bool(true);
    w.Key("discoverable");
    w.Bool(true);
    write_string(w, "created_at", format_iso8601(g.created_at));
    write_string(w, "note", g.description.empty() ? std::string() : "<p>" + text::escape_html(g.description) + "</p>");
    write_string(w, "url", urls.id);
    write_string(w, "uri", urls.id);
    for (const char* key : { "avatar", "avatar_static", "header", "header_static" })
        write_string(w, key, "");
    write_account_counts(w, members, 0, 0);
    w.Key("fields");
    w.StartArray();
    w.StartObject();
    write_string(w, "name", "Interdisciplinaire");
    write_string(w, "value", g.interdisciplinary ? "oui" : "non");
    w.Key("verified_at");
    w.Null();
    w.EndObject();
    w.EndArray();
    w.Key("confrere_interdisciplinary");
    w.Bool(g.interdisciplinary);
    w.EndObject();
}

std::optional<Response> group_account_response(Context& ctx, const model::Account& viewer, std::optional<Id> id,
    std::string_view name)
{
    std::optional<services::GroupView> view;
    auto done = ctx.store.read([&](storage::Repositories& repos) -> Status {
        auto group = id ? repos.groups().find_by_id(*id) : repos.groups().find_by_name(name);
        if (!group)
            return forward(group);
        if (!*group)
            return ok();
        auto count = repos.groups().count_members((*group)->id);
        if (!count)
            return forward(count);
        view = services::GroupView {};
        view->group = std::move(**group);
        view->members = *count;
        return ok();
    });
    if (!done)
        return http::error_response(done.error());
    if (!view || !services::require_member_reader(viewer))
        return std::nullopt;
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    write_group_account(w, ctx, view->group, view->members);
    return http::json_response(200, std::string(buf.GetString(), buf.GetSize()));
}

Result<bool> is_local_group(Context& ctx, Id id)
{
    return storage::read_value(ctx.store, [&](storage::Repositories& repos) -> Result<bool> {
        auto group = repos.groups().find_by_id(id);
        if (!group)
            return forward(group);
        return group->has_value();
    });
}

Result<services::NewGroup> new_group_request(const http::Params& params)
{
    services::NewGroup request;
    request.name = params.get_or("name");
    request.display_name = params.get_or("display_name");
    request.description = params.get_or("description");
    request.tags = params.list("tags").value_or(std::vector<std::string> {});
    request.interdisciplinary = params.flag("interdisciplinary");
    if (auto parent = params.get("parent_id"); parent && !parent->empty()) {
        auto id = parse_id(*parent);
        if (!id)
            return fail(ErrorKind::Unprocessable, "The parent group does not exist.", {}, "parent_id");
        request.parent_id = *id;
    }
    return request;
}

void register_group_routes(http::Router& router, Context& ctx)
{
    router.add("GET", "/api/v1/confrere/groups",
        [&ctx](const Request& req, const PathParams&) { return handle_directory(ctx, req); });
    router.add("POST", "/api/v1/confrere/groups",
        [&ctx](const Request& req, const PathParams&) { return handle_create(ctx, req); });
    router.add("GET", "/api/v1/confrere/groups/:id", [&ctx](const Request& req, const PathParams& p) {
        return with_member_and_id(ctx, req, p, [&](const model::Account& me, Id id) {
            auto view = groups(ctx).view(me, id);
            return view ? group_response(ctx, *view) : http::error_response(view.error());
        });
    });
    for (auto [verb, join] : { std::pair { "join", true }, std::pair { "leave", false } })
        router.add("POST", std::string("/api/v1/confrere/groups/:id/") + verb, [&ctx, join](const Request& req, const PathParams& p) {
            return with_member_and_id(ctx, req, p, [&](const model::Account& me, Id id) {
                Status done = join ? groups(ctx).join(me, id) : groups(ctx).leave(me, id);
                if (!done)
                    return http::error_response(done.error());
                auto view = groups(ctx).view(me, id);
                if (!view && view.error().kind == ErrorKind::NotFound)
                    return http::json_response(200, "{}"); // a remote group: see the relationship
                return view ? group_response(ctx, *view) : http::error_response(view.error());
            }, "write:follows");
        });
    router.add("GET", "/api/v1/confrere/groups/:id/members", [&ctx](const Request& req, const PathParams& p) {
        return with_member_and_id(ctx, req, p, [&](const model::Account& me, Id id) { return members_response(ctx, req, me, id); });
    });
    router.add("DELETE", "/api/v1/confrere/groups/:id/members/:account_id", [&ctx](const Request& req, const PathParams& p) {
        return with_group_and_other(ctx, req, p, "account_id", [&](const model::Account& me, Id group_id, Id account_id) {
            auto ref = actor_ref(ctx, account_id);
            if (!ref)
                return http::error_response(ref.error());
            if (auto done = groups(ctx).remove_member(me, group_id, *ref); !done)
                return http::error_response(done.error());
            return http::json_response(200, "{}");
        });
    });
    for (auto [method, role] : { std::pair { "POST", model::GroupRole::Moderator }, std::pair { "DELETE", model::GroupRole::Member } })
        router.add(method, "/api/v1/confrere/groups/:id/moderators/:account_id", [&ctx, role](const Request& req, const PathParams& p) {
            return with_group_and_other(ctx, req, p, "account_id", [&](const model::Account& me, Id group_id, Id account_id) {
                auto ref = actor_ref(ctx, account_id);
                if (!ref)
                    return http::error_response(ref.error());
                auto changed = groups(ctx).set_role(me, group_id, *ref, role);
                if (!changed)
                    return http::error_response(changed.error());
                return http::json_response(200, std::string("{\"role\":\"") + std::string(model::to_string(changed->role)) + "\"}");
            });
        });
    router.add("DELETE", "/api/v1/confrere/groups/:id/statuses/:status_id", [&ctx](const Request& req, const PathParams& p) {
        return with_group_and_other(ctx, req, p, "status_id", [&](const model::Account& me, Id group_id, Id status_id) {
            auto removed = groups(ctx).remove_status(me, group_id, status_id);
            if (!removed)
                return http::error_response(removed.error());
            return http::json_response(200, "{}");
        });
    });
    // Moving a thread from a profession-only group into an interdisciplinary one: the author
    // asks, a moderator of the target group decides.
    router.add("POST", "/api/v1/confrere/statuses/:id/move", [&ctx](const Request& req, const PathParams& p) {
        return with_member_and_id(ctx, req, p, [&](const model::Account& me, Id id) {
            auto params = http::parse_params(req);
            if (!params)
                return http::error_response(params.error());
            auto target = parse_id(params->get_or("group_id"));
            if (!target)
                return http::error_response(Error { ErrorKind::Unprocessable, "A thread moves into an interdisciplinary group.", {}, "group_id" });
            auto move = groups(ctx).request_move(me, id, *target);
            if (!move)
                return http::error_response(move.error());
            return moves_response({ *move });
        }, "write:statuses");
    });
    router.add("GET", "/api/v1/confrere/groups/:id/moves", [&ctx](const Request& req, const PathParams& p) {
        return with_member_and_id(ctx, req, p, [&](const model::Account& me, Id id) {
            auto list = groups(ctx).moves(me, id);
            return list ? moves_response(*list) : http::error_response(list.error());
        });
    });
    for (auto [verb, approve] : { std::pair { "approve", true }, std::pair { "reject", false } })
        router.add("POST", std::string("/api/v1/confrere/groups/:id/moves/:move_id/") + verb,
            [&ctx, approve](const Request& req, const PathParams& p) {
                return with_group_and_other(ctx, req, p, "move_id", [&](const model::Account& me, Id group_id, Id move_id) {
                    auto params = http::parse_params(req);
                    if (!params)
                        return http::error_response(params.error());
                    auto decided = groups(ctx).decide_move(me, group_id, move_id, approve, params->get_or("reason"));
                    if (!decided)
                        return http::error_response(decided.error());
                    return moves_response({ *decided });
                });
            });
    // The posts of a group (here, or a remote group the member follows), newest first.
    router.add("GET", "/api/v1/timelines/group/:id", [&ctx](const Request& req, const PathParams& p) {
        return with_member_and_id(ctx, req, p, [&](const model::Account& me, Id id) {
            auto q = page_query(req);
            auto profession = profession_param(req);
            if (!profession)
                return http::error_response(profession.error());
            storage::TimelineFilter filter;
            filter.author_profession = *profession;
            filter.tag = req.query_param("tag").value_or("");
            auto list = groups(ctx).timeline(me, id, q, std::move(filter));
            if (!list)
                return http::error_response(list.error());
            auto body = statuses_json(ctx, me, *list, true);
            if (!body)
                return http::error_response(body.error());
            Response r = http::json_response(200, std::move(*body));
            if (!list->empty())
                add_link_header(r, ctx, req, list->front().id, list->back().id);
            return r;
        });
    });
}

} // namespace confrere::server::api
