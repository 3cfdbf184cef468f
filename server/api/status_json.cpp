#include "server/api/status_json.hpp"

#include "core/model/profession.hpp"
#include "core/services/access_policy.hpp"
#include "core/services/social_service.hpp"
#include "server/api/routes.hpp"
#include "server/api/search_json.hpp"

#include <algorithm>

namespace confrere::server::api {

using http::Request;
using http::Response;
using model::ActorRef;

Response not_found()
{
    return http::error_response(Error { ErrorKind::NotFound, "Record not found", {}, {} });
}

// Mastodon visibility names, and ours. Clients default to "public": on a members-only network
// the widest audience is the instance.
std::optional<model::Audience> audience_from_visibility(std::string_view v)
{
    if (v.empty() || v == "public" || v == "unlisted" || v == "instance" || v == "local")
        return model::Audience::Instance;
    if (v == "private" || v == "followers")
        return model::Audience::Followers;
    if (v == "direct")
        return model::Audience::Direct;
    if (v == "group")
        return model::Audience::Group;
    return std::nullopt;
}

std::string_view visibility_name(model::Audience a)
{
    switch (a) {
    case model::Audience::Instance:
        return "public";
    case model::Audience::Followers:
        return "private";
    case model::Audience::Direct:
        return "direct";
    case model::Audience::Group:
        return "private"; // members only; clients know no other word for it
    }
    return "public";
}

void write_remote_account(JsonWriter& w, const model::RemoteActor& a)
{
    std::string avatar = a.uri; // no media proxy yet: clients show their placeholder
    w.StartObject();
    write_string(w, "id", std::to_string(a.id));
    write_string(w, "username", a.username);
    write_string(w, "acct", a.username + "@" + a.host);
    write_string(w, "display_name", a.display_name);
    w.Key("locked");
    w.Bool(a.locked);
    w.Key("bot");
    w.Bool(a.type == "Service" || a.type == "Application");
    w.Key("group");
    w.Bool(a.type == "Group");
    write_string(w, "created_at", format_iso8601(a.created_at));
    write_string(w, "note", a.summary_html);
    write_string(w, "url", a.url.empty() ? a.uri : a.url);
    write_string(w, "uri", a.uri);
    write_string(w, "avatar", "");
    write_string(w, "avatar_static", "");
    write_string(w, "header", "");
    write_string(w, "header_static", "");
    write_account_counts(w, 0, 0, 0);
    w.Key("fields");
    w.StartArray();
    w.EndArray();
    w.EndObject();
}

// Writes the Account entity of a local account or a remote actor; false if it is gone.
Result<bool> write_actor(JsonWriter& w, storage::Repositories& repos, const Context& ctx, ActorRef ref)
{
    if (ref.local) {
        auto account = repos.accounts().find_by_id(ref.id);
        if (!account)
            return forward(account);
        if (!*account)
            return false;
        write_account(w, **account, ctx.base_url);
        return true;
    }
    auto actor = repos.remote_actors().find_by_id(ref.id);
    if (!actor)
        return forward(actor);
    if (!*actor)
        return false;
    write_remote_account(w, **actor);
    return true;
}

namespace {

// What every Status entity opens with: id, uri, url (null for none), date and account.
Status write_status_head(JsonWriter& w, storage::Repositories& repos, const Context& ctx, Id id,
    std::string_view uri, std::optional<std::string_view> url, TimePoint created, ActorRef by)
{
    w.StartObject();
    write_string(w, "id", std::to_string(id));
    write_string(w, "uri", uri);
    if (url) {
        write_string(w, "url", *url);
    } else {
        w.Key("url");
        w.Null();
    }
    write_string(w, "created_at", format_iso8601(created));
    w.Key("account");
    auto written = write_actor(w, repos, ctx, by);
    if (!written)
        return forward(written);
    if (!*written)
        w.Null();
    return ok();
}

} // namespace

Status write_status(JsonWriter& w, storage::Repositories& repos, const Context& ctx,
    const model::Account& viewer, const model::Status& s, const StatusFilters* filters)
{
    if (auto head = write_status_head(w, repos, ctx, s.id, s.uri, s.url, s.published, s.author); !head)
        return head;
    write_string(w, "content", s.content_html);
    write_string(w, "visibility", visibility_name(s.audience));
    write_string(w, "confrere_audience", model::to_string(s.audience));
    if (s.group) {
        // The group a post lives in: its id (an account id for Mastodon clients) and handle.
        w.Key("confrere_group");
        w.StartObject();
        write_string(w, "id", std::to_string(s.group->id));
        std::string acct;
        if (s.group->local) {
            auto group = repos.groups().find_by_id(s.group->id);
            if (!group)
                return forward(group);
            if (*group)
                acct = (*group)->name;
        } else {
            auto actor = repos.remote_actors().find_by_id(s.group->id);
            if (!actor)
                return forward(actor);
            if (*actor)
                acct = (*actor)->username + "@" + (*actor)->host;
        }
        write_string(w, "acct", acct);
        w.EndObject();
    }
    w.Key("sensitive");
    w.Bool(s.sensitive);
    write_string(w, "spoiler_text", s.summary);
    w.Key("in_reply_to_id");
    if (s.in_reply_to_id)
        w.String(std::to_string(*s.in_reply_to_id).c_str());
    else
        w.Null();
    w.Key("in_reply_to_account_id");
    std::optional<model::Status> parent;
    if (s.in_reply_to_id) {
        auto found = repos.statuses().find_by_id(*s.in_reply_to_id);
        if (!found)
            return forward(found);
        parent = std::move(*found);
    }
    if (parent)
        w.String(std::to_string(parent->author.id).c_str());
    else
        w.Null();
    w.Key("reblog");
    w.Null();
    w.Key("language");
    if (s.language.empty())
        w.Null();
    else
        w.String(s.language.c_str());
    w.Key("edited_at");
    if (s.edited_at)
        w.String(format_iso8601(*s.edited_at).c_str());
    else
        w.Null();
    for (const char* key : { "media_attachments", "emojis" }) {
        w.Key(key);
        w.StartArray();
        w.EndArray();
    }
    // Hashtags and filters: server/api/search_json.cpp.
    if (auto tagged = write_status_tags(w, repos, ctx, s); !tagged)
        return tagged;
    if (filters != nullptr)
        write_status_filtered(w, *filters, s);
    w.Key("mentions");
    w.StartArray();
    auto mentions = repos.statuses().mentions(s.id);
    if (!mentions)
        return forward(mentions);
    for (ActorRef ref : *mentions) {
        std::string id = std::to_string(ref.id), username, acct, url;
        if (ref.local) {
            auto a = repos.accounts().find_by_id(ref.id);
            if (!a)
                return forward(a);
            if (!*a)
                continue;
            username = acct = (*a)->username;
            url = ctx.base_url + "/@" + username;
        } else {
            auto a = repos.remote_actors().find_by_id(ref.id);
            if (!a)
                return forward(a);
            if (!*a)
                continue;
            username = (*a)->username;
            acct = username + "@" + (*a)->host;
            url = (*a)->url.empty() ? (*a)->uri : (*a)->url;
        }
        w.StartObject();
        write_string(w, "id", id);
        write_string(w, "username", username);
        write_string(w, "acct", acct);
        write_string(w, "url", url);
        w.EndObject();
    }
    w.EndArray();
    for (auto kind : { model::InteractionKind::Like, model::InteractionKind::Announce }) {
        auto count = repos.interactions().count(kind, s.id);
        if (!count)
            return forward(count);
        w.Key(kind == model::InteractionKind::Like ? "favourites_count" : "reblogs_count");
        w.Int64(*count);
        auto mine = repos.interactions().find(kind, model::local_actor(viewer.id), s.id);
        if (!mine)
            return forward(mine);
        w.Key(kind == model::InteractionKind::Like ? "favourited" : "reblogged");
        w.Bool(mine->has_value());
    }
    // The replies this viewer may read (of the first hundred): a count must not reveal replies
    // addressed to others.
    auto replies = repos.statuses().replies(s.id, 100);
    if (!replies)
        return forward(replies);
    int readable_replies = 0;
    for (const model::Status& reply : *replies) {
        auto readable = services::can_read(repos, viewer, reply);
        if (!readable)
            return forward(readable);
        readable_replies += *readable ? 1 : 0;
    }

    auto bookmark = repos.bookmarks().find(viewer.id, s.id);
    if (!bookmark)
        return forward(bookmark);
    w.Key("bookmarked");
    w.Bool(bookmark->has_value());
    w.Key("replies_count");
    w.Int(readable_replies);
    w.EndObject();
    return ok();
}

Result<std::string> statuses_json(Context& ctx, const model::Account& viewer,
    const std::vector<model::Status>& list, bool array, const StatusFilters* filters)
{
    return entities_json(ctx, list, array, [&](JsonWriter& w, storage::Repositories& repos, const model::Status& s) {
        return write_status(w, repos, ctx, viewer, s, filters);
    });
}

Status write_entry(JsonWriter& w, storage::Repositories& repos, const Context& ctx,
    const model::Account& viewer, const model::TimelineEntry& entry, const StatusFilters* filters)
{
    if (!entry.boost)
        return write_status(w, repos, ctx, viewer, entry.status, filters);
    const model::Interaction& boost = *entry.boost;
    const model::Status& s = entry.status;
    if (auto head = write_status_head(w, repos, ctx, boost.id, boost.uri, std::nullopt, boost.created_at, boost.actor);
        !head)
        return head;
    write_string(w, "content", "");
    // A boost reaches no-one its status does not (services::can_announce): same audience.
    write_string(w, "visibility", visibility_name(s.audience));
    write_string(w, "confrere_audience", model::to_string(s.audience));
    w.Key("sensitive");
    w.Bool(false);
    write_string(w, "spoiler_text", "");
    for (const char* key : { "in_reply_to_id", "in_reply_to_account_id", "language", "edited_at" }) {
        w.Key(key);
        w.Null();
    }
    for (const char* key : { "media_attachments", "emojis", "tags", "mentions" }) {
        w.Key(key);
        w.StartArray();
        w.EndArray();
    }
    if (filters != nullptr)
        write_status_filtered(w, *filters, s);
    for (const char* key : { "replies_count", "reblogs_count", "favourites_count" }) {
        w.Key(key);
        w.Int(0);
    }
    for (auto kind : { model::InteractionKind::Like, model::InteractionKind::Announce }) {
        auto mine = repos.interactions().find(kind, model::local_actor(viewer.id), s.id);
        if (!mine)
            return forward(mine);
        w.Key(kind == model::InteractionKind::Like ? "favourited" : "reblogged");
        w.Bool(mine->has_value());
    }
    auto bookmark = repos.bookmarks().find(viewer.id, s.id);
    if (!bookmark)
        return forward(bookmark);
    w.Key("bookmarked");
    w.Bool(bookmark->has_value());
    w.Key("reblog");
    if (auto inner = write_status(w, repos, ctx, viewer, s, filters); !inner)
        return inner;
    w.EndObject();
    return ok();
}

Result<std::string> entries_json(Context& ctx, const model::Account& viewer,
    const std::vector<model::TimelineEntry>& list, bool array, const StatusFilters* filters)
{
    return entities_json(ctx, list, array,
        [&](JsonWriter& w, storage::Repositories& repos, const model::TimelineEntry& e) {
            return write_entry(w, repos, ctx, viewer, e, filters);
        });
}

Response entry_response(Context& ctx, const model::Account& viewer, const model::TimelineEntry& entry)
{
    auto body = entries_json(ctx, viewer, { entry }, false);
    if (!body)
        return http::error_response(body.error());
    return http::json_response(200, std::move(*body));
}

Response status_response(Context& ctx, const model::Account& viewer, const model::Status& status)
{
    return entry_response(ctx, viewer, model::TimelineEntry { status, std::nullopt });
}

Id proper_status_id(Context& ctx, const model::Account& viewer, Id id)
{
    auto boost = ctx.social->social.boost(viewer, id);
    return boost ? boost->status.id : id;
}

Result<ActorRef> actor_ref(Context& ctx, Id id)
{
    std::optional<ActorRef> ref;
    auto done = ctx.store.read([&](storage::Repositories& repos) -> Status {
        auto local = repos.accounts().find_by_id(id);
        if (!local)
            return forward(local);
        if (*local) {
            if (services::is_discoverable_identity(**local))
                ref = model::local_actor(id);
            return ok();
        }
        auto remote = repos.remote_actors().find_by_id(id);
        if (!remote)
            return forward(remote);
        if (*remote)
            ref = model::remote_actor(id);
        return ok();
    });
    if (!done)
        return forward(done);
    if (!ref)
        return fail(ErrorKind::NotFound, "Record not found");
    return *ref;
}

Result<int> profession_param(const Request& req)
{
    auto v = req.query_param("profession");
    if (!v || v->empty())
        return 0;
    auto code = parse_id(*v);
    if (!code || *code > 999 || !model::is_known_profession(static_cast<int>(*code)))
        return fail(ErrorKind::Unprocessable, "Unknown profession code.", {}, "profession");
    return static_cast<int>(*code);
}

storage::StatusQuery page_query(const Request& req, int default_limit, int max_limit)
{
    storage::StatusQuery q;
    q.limit = default_limit;
    if (auto v = req.query_param("max_id"); v)
        if (auto id = parse_id(*v); id)
            q.max_id = *id;
    // since_id: the newest items above the bound; min_id: the items just above it (Mastodon's
    // gap filling). min_id wins when both are sent.
    if (auto v = req.query_param("since_id"); v)
        if (auto id = parse_id(*v); id)
            q.min_id = *id;
    if (auto v = req.query_param("min_id"); v)
        if (auto id = parse_id(*v); id) {
            q.min_id = *id;
            q.end = storage::PageEnd::Oldest;
        }
    if (auto v = req.query_param("limit"); v)
        if (auto n = parse_id(*v); n)
            q.limit = static_cast<int>(std::clamp<Id>(*n, 1, max_limit));
    return q;
}

void add_link_header(Response& response, const Context& ctx, const Request& req,
    std::optional<Id> newest, std::optional<Id> oldest)
{
    if (!newest || !oldest)
        return;
    std::string kept;
    for (const auto& [name, value] : http::parse_urlencoded(req.query)) {
        if (name == "max_id" || name == "min_id" || name == "since_id")
            continue;
        kept += http::percent_encode(name) + "=" + http::percent_encode(value) + "&";
    }
    std::string base = ctx.base_url + req.path + "?" + kept;
    response.with_header("Link",
        "<" + base + "max_id=" + std::to_string(*oldest) + ">; rel=\"next\", <" + base + "min_id="
            + std::to_string(*newest) + ">; rel=\"prev\"");
}

} // namespace confrere::server::api
