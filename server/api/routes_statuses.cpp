// The social part of the Mastodon client API: statuses, timelines, follows, favourites, and
// remote accounts. Every rule lives in services::SocialService; this file only translates.
#include "core/services/access_policy.hpp"
#include "federation/activitypub/vocabulary.hpp"
#include "server/api/account_json.hpp"
#include "server/api/routes.hpp"
#include "server/api/search_json.hpp"
#include "server/api/status_json.hpp"
#include "server/http/form.hpp"

namespace confrere::server::api {

using http::PathParams;
using http::Request;
using http::Response;
using model::ActorRef;

std::optional<ActorRef> resolve_handle(Context& ctx, std::string_view handle)
{
    auto at = handle.find('@');
    if (at == std::string_view::npos || handle.substr(at + 1) == ctx.host) {
        auto account = find_account_by_username(ctx, handle.substr(0, at));
        if (account && *account && services::is_discoverable_identity(**account))
            return model::local_actor((*account)->id);
        return std::nullopt;
    }
    auto remote = ctx.social->resolver.resolve_handle(handle);
    if (remote)
        return model::remote_actor(remote->id);
    return std::nullopt;
}

Mentioned resolve_mentions(Context& ctx, std::string_view text)
{
    Mentioned found;
    std::vector<ActorRef>& refs = found.actors;
    for (std::size_t i = 0; i < text.size() && refs.size() < 20; ++i) {
        if (text[i] != '@'
            || (i > 0 && (std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '_')))
            continue;
        std::size_t end = i + 1;
        auto handle_char = [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' || c == '@'
                || c == ':';
        };
        while (end < text.size() && handle_char(text[end]))
            ++end;
        std::string handle(text.substr(i + 1, end - i - 1));
        while (!handle.empty() && (handle.back() == '.' || handle.back() == ':' || handle.back() == '-'))
            handle.pop_back();
        i = end;
        if (handle.empty())
            continue;
        auto ref = resolve_handle(ctx, handle);
        if (!ref) {
            // Not an account: perhaps a group here (groups share the namespace of usernames).
            auto at = handle.find('@');
            if (at != std::string::npos && handle.substr(at + 1) != ctx.host)
                continue;
            std::string name = handle.substr(0, at);
            auto group = storage::read_value(
                ctx.store, [&](storage::Repositories& repos) { return repos.groups().find_by_name(name); });
            if (group && *group)
                found.groups.push_back(model::local_actor((*group)->id));
            continue;
        }
        bool is_group = false;
        if (!ref->local) {
            auto actor = storage::read_value(
                ctx.store, [&](storage::Repositories& repos) { return repos.remote_actors().find_by_id(ref->id); });
            is_group = actor && *actor && (*actor)->type == "Group";
        }
        (is_group ? found.groups : refs).push_back(*ref);
    }
    return found;
}

// The group named by a group_id parameter: a group here or a known remote Group actor.
Result<ActorRef> group_param(Context& ctx, std::string_view value)
{
    Error missing { ErrorKind::NotFound, "Group not found.", {}, "group_id" };
    auto id = parse_id(value);
    if (!id)
        return std::unexpected(missing);
    auto group = storage::read_value(ctx.store, [&](storage::Repositories& repos) { return services::find_group(repos, *id); });
    if (!group)
        return forward(group);
    if (!*group)
        return std::unexpected(missing);
    return **group;
}

Status address_post(Context& ctx, services::PostRequest& post, std::string_view group_id)
{
    Mentioned mentioned = resolve_mentions(ctx, post.text);
    post.mentions = std::move(mentioned.actors);
    if (!group_id.empty()) {
        auto ref = group_param(ctx, group_id);
        if (!ref)
            return forward(ref);
        post.group = *ref;
    } else if (!mentioned.groups.empty() && post.audience != model::Audience::Direct) {
        // Mentioning a group posts into it, as Mastodon users do with Lemmy communities.
        if (mentioned.groups.size() > 1)
            return fail(ErrorKind::Unprocessable, "A post goes into one group at a time.", {}, "status");
        post.group = mentioned.groups.front();
    }
    return ok();
}


namespace {

template <class T> Status as_status(const Result<T>& r)
{
    if (!r)
        return forward(r);
    return ok();
}

Response handle_post_status(Context& ctx, const Request& req)
{
    auto caller = authenticate_member(ctx, req, "write:statuses");
    if (!caller)
        return http::error_response(caller.error());
    auto params = http::parse_params(req);
    if (!params)
        return http::error_response(params.error());
    services::PostRequest post;
    post.text = params->get_or("status");
    auto audience = audience_from_visibility(params->get_or("visibility"));
    if (!audience)
        return http::error_response(
            Error { ErrorKind::Unprocessable, "Unknown visibility.", {}, "visibility" });
    post.audience = *audience;
    post.summary = params->get_or("spoiler_text");
    post.sensitive = params->flag("sensitive");
    post.language = params->get_or("language");
    if (auto parent = params->get("in_reply_to_id"); parent && !parent->empty()) {
        auto id = parse_id(*parent);
        if (!id)
            return http::error_response(
                Error { ErrorKind::NotFound, "Record not found", {}, "in_reply_to_id" });
        post.in_reply_to = *id;
    }
    if (auto addressed = address_post(ctx, post, params->get_or("group_id")); !addressed)
        return http::error_response(addressed.error());
    post.idempotency_key = std::string(req.header("idempotency-key").value_or(""));
    auto status = ctx.social->social.post(caller->auth.account, std::move(post));
    if (!status)
        return http::error_response(status.error());
    return status_response(ctx, caller->auth.account, *status);
}

// Mastodon's Relationship entity, from the follows both ways.
void write_relationship(JsonWriter& w, Id id, const std::optional<model::Follow>& follow,
    const std::optional<model::Follow>& followed_by)
{
    w.StartObject();
    write_string(w, "id", std::to_string(id));
    w.Key("following");
    w.Bool(follow && follow->state == model::FollowState::Accepted);
    w.Key("requested");
    w.Bool(follow && follow->state == model::FollowState::Pending);
    w.Key("followed_by");
    w.Bool(followed_by && followed_by->state == model::FollowState::Accepted);
    w.Key("requested_by");
    w.Bool(followed_by && followed_by->state == model::FollowState::Pending);
    w.Key("showing_reblogs");
    w.Bool(true);
    for (const char* key : { "blocking", "blocked_by", "muting", "muting_notifications", "domain_blocking",
             "endorsed", "notifying" }) {
        w.Key(key);
        w.Bool(false);
    }
    w.Key("languages");
    w.Null();
    write_string(w, "note", "");
    w.EndObject();
}

// The follows both ways between `me` and `ref`; for a group here (`ref.id` naming one), the
// membership stands for the follow.
Status read_follows(storage::Repositories& repos, const model::Account& me, ActorRef ref,
    std::optional<model::Follow>& follow, std::optional<model::Follow>& followed_by)
{
    const auto self = model::local_actor(me.id);
    if (ref.local) {
        auto group = repos.groups().find_by_id(ref.id);
        if (!group)
            return forward(group);
        if (*group) {
            auto member = repos.groups().find_member(ref.id, self);
            if (!member)
                return forward(member);
            if (*member) {
                follow = model::Follow {};
                follow->state = (*member)->state;
            }
            return ok();
        }
    }
    auto out = repos.follows().find(self, ref);
    if (!out)
        return forward(out);
    auto in = repos.follows().find(ref, self);
    if (!in)
        return forward(in);
    follow = std::move(*out);
    followed_by = std::move(*in);
    return ok();
}

// The Relationship of `me` with account, actor or group `id` (`ref`), read after a change.
Response relationship(Context& ctx, const model::Account& me, Id id, ActorRef ref)
{
    std::optional<model::Follow> follow, followed_by;
    auto done = ctx.store.read(
        [&](storage::Repositories& repos) { return read_follows(repos, me, ref, follow, followed_by); });
    if (!done)
        return http::error_response(done.error());
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    write_relationship(w, id, follow, followed_by);
    return http::json_response(200, buf.GetString());
}

// GET /api/v1/accounts/relationships?id[]=…: unknown ids are left out, as Mastodon does.
Response handle_relationships(Context& ctx, const Request& req)
{
    auto caller = authenticate_member(ctx, req, "read:follows");
    if (!caller)
        return http::error_response(caller.error());
    std::vector<Id> ids;
    for (const auto& [name, value] : http::parse_urlencoded(req.query))
        if ((name == "id[]" || name == "id") && ids.size() < 40)
            if (auto id = parse_id(value); id)
                ids.push_back(*id);
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartArray();
    for (Id id : ids) {
        auto ref = actor_ref(ctx, id);
        if (!ref) {
            auto group = is_local_group(ctx, id);
            if (!group || !*group)
                continue;
            ref = model::local_actor(id);
        }
        std::optional<model::Follow> follow, followed_by;
        auto done = ctx.store.read([&](storage::Repositories& repos) {
            return read_follows(repos, caller->auth.account, *ref, follow, followed_by);
        });
        if (!done)
            return http::error_response(done.error());
        write_relationship(w, id, follow, followed_by);
    }
    w.EndArray();
    return http::json_response(200, buf.GetString());
}

Response timeline(Context& ctx, const Request& req, bool home)
{
    auto caller = authenticate_member(ctx, req, "read:statuses");
    if (!caller)
        return http::error_response(caller.error());
    auto q = page_query(req);
    storage::TimelineFilter filter;
    if (!home) {
        auto profession = profession_param(req);
        if (!profession)
            return http::error_response(profession.error());
        filter.author_profession = *profession;
        filter.tag = req.query_param("tag").value_or("");
    }
    if (home) {
        auto page = ctx.social->social.home_timeline(caller->auth.account, q);
        if (!page)
            return http::error_response(page.error());
        return filtered_timeline_response(
            ctx, req, caller->auth.account, std::move(*page), model::FilterContext::Home);
    }
    auto list = ctx.social->social.instance_timeline(caller->auth.account, q, std::move(filter));
    if (!list)
        return http::error_response(list.error());
    return filtered_timeline_response(
        ctx, req, caller->auth.account, std::move(*list), model::FilterContext::Public);
}

} // namespace

Response remote_lookup(Context& ctx, const Request& req, std::string_view acct)
{
    auto caller = authenticate_member(ctx, req, "read:accounts");
    if (!caller)
        return http::error_response(caller.error());
    auto actor = ctx.social->resolver.resolve_handle(acct);
    if (!actor) {
        if (actor.error().kind == ErrorKind::PeerFailed || actor.error().kind == ErrorKind::Forbidden)
            return not_found();
        return http::error_response(actor.error());
    }
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    write_remote_account(w, *actor);
    return http::json_response(200, buf.GetString());
}

Response remote_account(Context& ctx, Id id)
{
    std::optional<model::RemoteActor> found;
    auto done = ctx.store.read([&](storage::Repositories& repos) -> Status {
        auto a = repos.remote_actors().find_by_id(id);
        if (!a)
            return forward(a);
        found = std::move(*a);
        return ok();
    });
    if (!done)
        return http::error_response(done.error());
    if (!found)
        return not_found();
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    write_remote_account(w, *found);
    return http::json_response(200, buf.GetString());
}

void register_status_routes(http::Router& router, Context& ctx)
{
    router.add("POST", "/api/v1/statuses",
        [&ctx](const Request& req, const PathParams&) { return handle_post_status(ctx, req); });
    router.add("GET", "/api/v1/statuses/:id", [&ctx](const Request& req, const PathParams& p) {
        return with_member_and_id(
            ctx, req, p,
            [&](const model::Account& me, Id id) {
                auto status = ctx.social->social.status(me, id);
                if (!status && status.error().kind == ErrorKind::NotFound)
                    if (auto boost = ctx.social->social.boost(me, id); boost)
                        return entry_response(ctx, me, *boost);
                if (!status)
                    return http::error_response(status.error());
                // One status is shown as in its thread: the thread context's filters apply, a
                // hide filter included (the status is still answered, its `filtered` says so,
                // and clients hide it, as Mastodon's do).
                auto filters = load_status_filters(ctx, me, model::FilterContext::Thread);
                if (!filters)
                    return http::error_response(filters.error());
                auto body = statuses_json(ctx, me, { *status }, false, &*filters);
                return body ? http::json_response(200, std::move(*body)) : http::error_response(body.error());
            },
            "read:statuses");
    });
    router.add("GET", "/api/v1/statuses/:id/context", [&ctx](const Request& req, const PathParams& p) {
        return with_member_and_status_id(
            ctx, req, p,
            [&](const model::Account& me, Id id) {
                auto thread = ctx.social->social.context(me, id);
                if (!thread)
                    return http::error_response(thread.error());
                auto filters = load_status_filters(ctx, me, model::FilterContext::Thread);
                if (!filters)
                    return http::error_response(filters.error());
                drop_hidden(thread->ancestors, *filters);
                drop_hidden(thread->descendants, *filters);
                auto ancestors = statuses_json(ctx, me, thread->ancestors, true, &*filters);
                auto descendants = statuses_json(ctx, me, thread->descendants, true, &*filters);
                if (!ancestors || !descendants)
                    return http::error_response(!ancestors ? ancestors.error() : descendants.error());
                return http::json_response(
                    200, "{\"ancestors\":" + *ancestors + ",\"descendants\":" + *descendants + "}");
            },
            "read:statuses");
    });
    router.add("PUT", "/api/v1/statuses/:id", [&ctx](const Request& req, const PathParams& p) {
        return with_member_and_id(
            ctx, req, p,
            [&](const model::Account& me, Id id) {
                auto params = http::parse_params(req);
                if (!params)
                    return http::error_response(params.error());
                services::PostRequest change;
                change.text = params->get_or("status");
                change.summary = params->get_or("spoiler_text");
                change.sensitive = params->flag("sensitive");
                change.language = params->get_or("language");
                auto status = ctx.social->social.edit(me, id, std::move(change));
                return status ? status_response(ctx, me, *status) : http::error_response(status.error());
            },
            "write:statuses");
    });
    router.add("DELETE", "/api/v1/statuses/:id", [&ctx](const Request& req, const PathParams& p) {
        return with_member_and_id(
            ctx, req, p,
            [&](const model::Account& me, Id id) {
                // Deleting one's own boost (the reblog wrapper's id) undoes it, as in Mastodon.
                if (auto boost = ctx.social->social.boost(me, id);
                    boost && boost->boost->actor == model::local_actor(me.id)) {
                    auto undone = ctx.social->social.undo_interaction(me, model::InteractionKind::Announce,
                        boost->status.id);
                    return undone ? entry_response(ctx, me, *boost) : http::error_response(undone.error());
                }
                auto status = ctx.social->social.remove(me, id);
                return status ? status_response(ctx, me, *status) : http::error_response(status.error());
            },
            "write:statuses");
    });
    for (auto [verb, kind, undo] : { std::tuple { "favourite", model::InteractionKind::Like, false },
             std::tuple { "unfavourite", model::InteractionKind::Like, true },
             std::tuple { "reblog", model::InteractionKind::Announce, false },
             std::tuple { "unreblog", model::InteractionKind::Announce, true } }) {
        router.add("POST", std::string("/api/v1/statuses/:id/") + verb,
            [&ctx, kind, undo](const Request& req, const PathParams& p) {
                return with_member_and_status_id(
                    ctx, req, p,
                    [&](const model::Account& me, Id id) {
                        if (kind == model::InteractionKind::Announce && !undo) {
                            // A boost answers Mastodon's reblog wrapper around the status.
                            auto boost = ctx.social->social.interact(me, kind, id);
                            if (!boost)
                                return http::error_response(boost.error());
                            auto entry = ctx.social->social.boost(me, boost->id);
                            return entry ? entry_response(ctx, me, *entry) : http::error_response(entry.error());
                        }
                        Status done = undo ? ctx.social->social.undo_interaction(me, kind, id)
                                           : as_status(ctx.social->social.interact(me, kind, id));
                        if (!done)
                            return http::error_response(done.error());
                        auto status = ctx.social->social.status(me, id);
                        return status ? status_response(ctx, me, *status)
                                      : http::error_response(status.error());
                    },
                    kind == model::InteractionKind::Like ? "write:favourites" : "write:statuses");
            });
    }
    router.add("GET", "/api/v1/timelines/home",
        [&ctx](const Request& req, const PathParams&) { return timeline(ctx, req, true); });
    // The widest timeline of a members-only instance: its members' instance posts.
    router.add("GET", "/api/v1/timelines/public",
        [&ctx](const Request& req, const PathParams&) { return timeline(ctx, req, false); });
    router.add("GET", "/api/v1/accounts/relationships",
        [&ctx](const Request& req, const PathParams&) { return handle_relationships(ctx, req); });
    router.add("POST", "/api/v1/accounts/:id/follow", [&ctx](const Request& req, const PathParams& p) {
        return with_member_and_id(
            ctx, req, p,
            [&](const model::Account& me, Id id) {
                // Following a group here is joining it.
                if (auto group = is_local_group(ctx, id); group && *group) {
                    if (auto joined = ctx.groups->join(me, id); !joined)
                        return http::error_response(joined.error());
                    return relationship(ctx, me, id, model::local_actor(id));
                }
                auto ref = actor_ref(ctx, id);
                if (!ref)
                    return http::error_response(ref.error());
                auto follow = ctx.social->social.follow(me, *ref);
                if (!follow)
                    return http::error_response(follow.error());
                return relationship(ctx, me, id, *ref);
            },
            "write:follows");
    });
    router.add("POST", "/api/v1/accounts/:id/unfollow", [&ctx](const Request& req, const PathParams& p) {
        return with_member_and_id(
            ctx, req, p,
            [&](const model::Account& me, Id id) {
                if (auto group = is_local_group(ctx, id); group && *group) {
                    if (auto left = ctx.groups->leave(me, id); !left)
                        return http::error_response(left.error());
                    return relationship(ctx, me, id, model::local_actor(id));
                }
                auto ref = actor_ref(ctx, id);
                if (!ref)
                    return http::error_response(ref.error());
                if (auto done = ctx.social->social.unfollow(me, *ref); !done)
                    return http::error_response(done.error());
                return relationship(ctx, me, id, *ref);
            },
            "write:follows");
    });
    for (auto [verb, accept] : { std::pair { "authorize", true }, std::pair { "reject", false } }) {
        router.add("POST", std::string("/api/v1/follow_requests/:id/") + verb,
            [&ctx, accept](const Request& req, const PathParams& p) {
                return with_member_and_id(
                    ctx, req, p,
                    [&](const model::Account& me, Id id) {
                        auto ref = actor_ref(ctx, id);
                        if (!ref)
                            return http::error_response(ref.error());
                        Status done = accept ? as_status(ctx.social->social.authorize_follower(me, *ref))
                                             : ctx.social->social.reject_follower(me, *ref);
                        if (!done)
                            return http::error_response(done.error());
                        return relationship(ctx, me, id, *ref);
                    },
                    "write:follows");
            });
    }
}

} // namespace confrere::server::api
