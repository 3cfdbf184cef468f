// Profiles and follows, notifications, search and settings. The rules are the services'
// (SocialService, NotificationService, SearchService, ProfileService, AuthService).
#include "core/base/text.hpp"
#include "core/services/access_policy.hpp"
#include "core/services/notification_service.hpp"
#include "core/services/search_service.hpp"
#include "server/api/routes.hpp"
#include "server/api/status_json.hpp"
#include "server/web/routes.hpp"
#include "server/web/views.hpp"

namespace confrere::server::web {

using http::PathParams;
using http::Response;

namespace {

// A profile's subject: a local account or a known remote actor, by "user" or "user@host".
struct Subject {
    model::ActorRef ref;
    Value actor;
    std::string instance;
    std::optional<model::Account> local;
    std::optional<model::RemoteActor> remote;
};

Result<std::optional<Subject>> find_subject(Visit& v, std::string_view handle)
{
    auto at = handle.find('@');
    if (at == std::string_view::npos || handle.substr(at + 1) == v.ctx.host) {
        auto account = api::find_account_by_username(v.ctx, handle.substr(0, at));
        if (!account)
            return forward(account);
        if (!*account || !services::is_discoverable_identity(**account))
            return std::optional<Subject> {};
        Subject s { model::local_actor((*account)->id), actor_value(**account), v.ctx.host, **account, {} };
        return std::optional<Subject>(std::move(s));
    }
    std::optional<model::RemoteActor> remote;
    auto done = v.ctx.store.read([&](storage::Repositories& repos) -> Status {
        auto found = repos.remote_actors().find_by_handle(
            handle.substr(0, at), text::ascii_lower(handle.substr(at + 1)));
        if (!found)
            return forward(found);
        remote = std::move(*found);
        return ok();
    });
    if (!done)
        return forward(done);
    if (!remote)
        return std::optional<Subject> {};
    Subject s { model::remote_actor(remote->id), actor_value(*remote), remote->host, {}, *remote };
    return std::optional<Subject>(std::move(s));
}

Response profile_page(Visit& v, const model::Account& me, const PathParams& p)
{
    auto subject = find_subject(v, p.at("username"));
    if (!subject)
        return error_page(v, subject.error());
    if (!*subject)
        return message_page(v, 404, "error.not_found");
    Subject& s = **subject;
    auto& social = v.ctx.social->social;
    services::AuthorStatusesQuery query;
    query.page = api::page_query(v.req, 20, 40);
    auto statuses = social.author_statuses(me, s.ref, query);
    if (!statuses)
        return error_page(v, statuses.error());
    auto values = entry_values(v.ctx, me, statuses->entries, *v.texts);
    if (!values)
        return error_page(v, values.error());

    std::optional<model::Follow> follow;
    auto done = v.ctx.store.read([&](storage::Repositories& repos) -> Status {
        auto f = repos.follows().find(model::local_actor(me.id), s.ref);
        if (!f)
            return forward(f);
        follow = std::move(*f);
        return ok();
    });
    if (!done)
        return error_page(v, done.error());

    Value data = Value::object();
    data.set("actor", s.actor);
    data.set("instance", s.instance);
    data.set("self", s.ref == model::local_actor(me.id));
    data.set("following", follow && follow->state == model::FollowState::Accepted);
    data.set("requested", follow && follow->state == model::FollowState::Pending);
    data.set("path", "/@" + std::string(p.at("username")));
    data.set("report", "/report?account=" + std::string(s.ref.local ? "local:" : "remote:") + std::to_string(s.ref.id));
    if (s.local) {
        data.set("profession", profession_name(v, s.local->profession_code));
        data.set("note", s.local->note);
        auto stats = api::account_stats(v.ctx, s.local->id);
        if (!stats)
            return error_page(v, stats.error());
        Value counts = Value::object();
        counts.set("statuses", std::to_string(stats->statuses));
        counts.set("followers", std::to_string(stats->followers));
        counts.set("following", std::to_string(stats->following));
        data.set("counts", std::move(counts));
    } else if (s.remote) {
        data.set("note", Html { s.remote->summary_html }); // sanitised when fetched
    }
    data.set("statuses", std::move(*values));
    return page(v, "profile", "profile.title", std::move(data));
}

Response follow_action(
    Visit& v, const model::Account& me, const http::Params& form, std::string_view handle, bool follow)
{
    std::string wanted(handle.empty() ? std::string(text::trim(form.get_or("handle"))) : std::string(handle));
    if (wanted.starts_with('@'))
        wanted.erase(0, 1);
    if (wanted.empty() || wanted.size() > 320)
        return message_page(v, 422, "follow.not_found");
    // The same lookup as the API's mentions and account lookup: local, else WebFinger on a
    // trusted peer.
    auto ref = api::resolve_handle(v.ctx, wanted);
    if (!ref)
        return message_page(v, 404, "follow.not_found");
    auto& social = v.ctx.social->social;
    if (follow) {
        if (auto f = social.follow(me, *ref); !f)
            return error_page(v, f.error());
    } else if (auto rc = social.unfollow(me, *ref); !rc) {
        return error_page(v, rc.error());
    }
    return redirect(v, "/@" + wanted);
}

Response notifications_page(Visit& v, const model::Account& me)
{
    services::NotificationService notifications(v.ctx.store, v.ctx.clock);
    storage::NotificationQuery query;
    query.limit = 30;
    if (auto max = v.req.query_param("max_id"))
        if (auto id = api::parse_id(*max))
            query.max_id = *id;
    auto list = notifications.list(me, query);
    if (!list)
        return error_page(v, list.error());
    Value items(Value::List {});
    for (const services::NotificationView& n : list->items) {
        Value item = Value::object();
        std::string type(model::to_string(n.notification.type));
        item.set("type", type);
        item.set("what", v.texts->text("notification." + type));
        item.set("when", display_time(n.notification.created_at));
        item.set("published", format_iso8601(n.notification.created_at));
        auto from = actor_values(v.ctx, { n.notification.from });
        if (!from)
            return error_page(v, from.error());
        if (!from->empty())
            item.set("from", std::move(from->front()));
        if (n.status) {
            auto status = status_values(v.ctx, me, { *n.status }, *v.texts);
            if (!status)
                return error_page(v, status.error());
            if (!status->empty())
                item.set("status", std::move(status->front()));
        }
        items.push(std::move(item));
    }
    auto requests = v.ctx.social->social.follow_requests(me, 40);
    if (!requests)
        return error_page(v, requests.error());
    std::vector<model::ActorRef> requesters;
    for (const model::Follow& f : *requests)
        requesters.push_back(f.follower);
    auto requester_values = actor_values(v.ctx, requesters);
    if (!requester_values)
        return error_page(v, requester_values.error());
    Value data = Value::object();
    data.set("requests", std::move(*requester_values));
    data.set("notifications", std::move(items));
    if (list->oldest && static_cast<int>(list->items.size()) >= query.limit)
        data.set("older", "/notifications?max_id=" + std::to_string(*list->oldest));
    return page(v, "notifications", "notifications.title", std::move(data));
}

// The member answers a follow request (their account is locked).
Response answer_follow_request(Visit& v, const model::Account& me, const http::Params& form, bool accept)
{
    auto ref = parse_actor_ref(form.get_or("ref"));
    if (!ref)
        return message_page(v, 404, "error.not_found");
    auto& social = v.ctx.social->social;
    Status done = ok();
    if (!accept)
        done = social.reject_follower(me, *ref);
    else if (auto f = social.authorize_follower(me, *ref); !f)
        done = forward(f);
    if (!done)
        return error_page(v, done.error());
    return redirect(v, "/notifications");
}

Response search_page(Visit& v, const model::Account& me)
{
    std::string q = v.req.query_param("q").value_or("");
    if (q.size() > 200)
        q.resize(200);
    Value data = Value::object();
    data.set("q", q);
    if (!text::trim(q).empty()) {
        services::SearchRequest request;
        request.q = q;
        request.limit = 20;
        auto accounts = api::find_accounts(v.ctx, me, request, /*resolve=*/true);
        if (!accounts)
            return error_page(v, accounts.error());
        services::SearchService search(v.ctx.store, v.ctx.host);
        request.type = services::SearchType::Statuses;
        auto statuses = search.search(me, request);
        if (!statuses)
            return error_page(v, statuses.error());
        request.type = services::SearchType::Hashtags;
        auto tags = search.search(me, request);
        if (!tags)
            return error_page(v, tags.error());
        Value people(Value::List {});
        for (const model::Account& a : accounts->accounts)
            people.push(actor_value(a));
        for (const model::RemoteActor& a : accounts->remote_actors)
            people.push(actor_value(a));
        auto values = status_values(v.ctx, me, statuses->statuses, *v.texts);
        if (!values)
            return error_page(v, values.error());
        Value hashtags(Value::List {});
        for (const model::Tag& t : tags->hashtags) {
            Value tag = Value::object();
            tag.set("name", t.name);
            tag.set("url", "/tags/" + text::percent_encode_word(t.name));
            hashtags.push(std::move(tag));
        }
        data.set("searched", true);
        data.set("found", people.truthy() || hashtags.truthy() || !values->empty());
        data.set("accounts", std::move(people));
        data.set("hashtags", std::move(hashtags));
        data.set("statuses", std::move(*values));
    }
    return page(v, "search", "search.title", std::move(data));
}

Response settings_page(Visit& v, const model::Account& me, std::optional<Error> error = {},
    std::string_view notice_key = {}, int status = 200)
{
    Value data = Value::object();
    data.set("display_name", me.display_name);
    data.set("note", me.note);
    data.set("discoverable", me.discoverable);
    data.set("locked", me.locked);
    data.set("languages", languages_value(v));
    if (!notice_key.empty())
        data.set("notice", v.texts->text(notice_key));
    if (error)
        data.set("error", field_errors(v, std::span(&*error, 1)));
    return page(v, "settings", "settings.title", std::move(data), status);
}

Response save_profile(Visit& v, const model::Account& me, const http::Params& form)
{
    services::ProfileChange change;
    change.display_name = form.get_or("display_name");
    change.note = form.get_or("note");
    change.discoverable = form.flag("discoverable");
    change.locked = form.flag("locked");
    auto updated = v.ctx.social->profiles.update(me, change);
    if (!updated) {
        // What was typed is shown back with the error.
        model::Account typed = me;
        typed.display_name = *change.display_name;
        typed.note = *change.note;
        typed.discoverable = *change.discoverable;
        typed.locked = *change.locked;
        return settings_page(v, typed, updated.error(), {}, http::status_for(updated.error().kind));
    }
    return settings_page(v, *updated, std::nullopt, "settings.saved");
}

Response change_password(Visit& v, const model::Account& me, const http::Params& form)
{
    std::string current = form.get_or("current_password");
    std::string wanted = form.get_or("password");
    if (current.size() > 1024 || wanted.size() > 1024)
        return settings_page(
            v, me, Error { ErrorKind::Unprocessable, "This password is too long.", {}, "password" }, {}, 422);
    if (auto rc = v.ctx.auth.change_password(me, current, wanted); !rc)
        return settings_page(v, me, rc.error(), {}, http::status_for(rc.error().kind));
    // Every session ended with the old password, this one too.
    Response r = redirect(v, "/login");
    r.with_header("Set-Cookie", api::session_cookie_header(v.ctx, "", 0));
    return r;
}

} // namespace

void register_member_pages(http::Router& router, api::Context& ctx, const WebUi& ui)
{
    add_member_page(router, ctx, ui, "/@:username",
        [](Visit& v, const model::Account& me, const PathParams& p) { return profile_page(v, me, p); });
    add_member_action(router, ctx, ui, "/@:username/follow",
        [](Visit& v, const model::Account& me, const http::Params& form, const PathParams& p) {
            return follow_action(v, me, form, p.at("username"), true);
        });
    add_member_action(router, ctx, ui, "/@:username/unfollow",
        [](Visit& v, const model::Account& me, const http::Params& form, const PathParams& p) {
            return follow_action(v, me, form, p.at("username"), false);
        });
    add_member_action(router, ctx, ui, "/follow",
        [](Visit& v, const model::Account& me, const http::Params& form, const PathParams&) {
            return follow_action(v, me, form, {}, true);
        });
    add_member_page(router, ctx, ui, "/notifications",
        [](Visit& v, const model::Account& me, const PathParams&) { return notifications_page(v, me); });
    for (auto [path, accept] :
        { std::pair { "/follow_requests/accept", true }, std::pair { "/follow_requests/reject", false } })
        add_member_action(router, ctx, ui, path,
            [accept](Visit& v, const model::Account& me, const http::Params& form, const PathParams&) {
                return answer_follow_request(v, me, form, accept);
            });
    add_member_page(router, ctx, ui, "/search",
        [](Visit& v, const model::Account& me, const PathParams&) { return search_page(v, me); });
    add_member_page(router, ctx, ui, "/settings",
        [](Visit& v, const model::Account& me, const PathParams&) { return settings_page(v, me); });
    add_member_action(router, ctx, ui, "/settings/profile",
        [](Visit& v, const model::Account& me, const http::Params& form, const PathParams&) {
            return save_profile(v, me, form);
        });
    add_member_action(router, ctx, ui, "/settings/password",
        [](Visit& v, const model::Account& me, const http::Params& form, const PathParams&) {
            return change_password(v, me, form);
        });
}

} // namespace confrere::server::web
