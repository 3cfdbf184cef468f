// ActivityPub actors. Authorized fetch: anonymous requests get the minimal actor document that
// peers need to verify signatures; the full profile goes to members (and, with the federation
// core, to trusted peers' signed requests).
#include "core/base/log.hpp"
#include "core/services/access_policy.hpp"
#include "core/services/social_service.hpp"
#include "federation/activitypub/to_activitystreams.hpp"
#include "federation/documents.hpp"
#include "federation/http_signature.hpp"
#include "server/api/routes.hpp"

#include <cctype>

namespace confrere::server::api {

using http::PathParams;
using http::Request;
using http::Response;

namespace {

void decorate_activity(Response& r)
{
    // The answer depends on who asks (authorized fetch): caches must key on it.
    r.with_header("Vary", "Accept, Authorization, Cookie, Signature");
}

Response activity_json(std::string body)
{
    Response r;
    r.content_type = federation::kActivityJson;
    r.body = std::move(body);
    decorate_activity(r);
    return r;
}

bool anonymous(const Request& req)
{
    return !req.header("authorization") && !session_cookie(req) && !req.header("signature");
}

std::string actor_cache_key(const std::string& username)
{
    std::string key = "actor|" + username;
    for (char& c : key)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return key;
}

// The actor on a trusted peer that signed the request: Unauthorized without a signature or
// with a bad one, Forbidden for an untrusted host (see federation::RequestVerifier).
Result<model::RemoteActor> signed_peer(Context& ctx, const Request& req)
{
    if (!req.header("signature") && !req.header("signature-input"))
        return fail(ErrorKind::Unauthorized, "Request signature required.");
    federation::SignableRequest signable { req.method, req.target.substr(0, req.target.find('?')), req.query,
        req.headers };
    auto signer = ctx.social->verifier.verify(signable, req.body);
    if (!signer)
        log::info("signed_fetch_refused",
            { { "reason", signer.error().public_message }, { "detail", signer.error().detail } });
    return signer;
}

Response handle_status_object(
    Context& ctx, const Request& req, const std::string& username, const std::string& id)
{
    auto signer = signed_peer(ctx, req);
    if (!signer)
        return http::error_response(signer.error());
    auto author = find_account_by_username(ctx, username);
    if (!author)
        return http::error_response(author.error());
    Error not_found { ErrorKind::NotFound, "Not found.", {}, {} };
    if (!*author || !services::is_discoverable_identity(**author))
        return http::error_response(not_found);
    auto status_id = parse_id(id);
    if (!status_id)
        return http::error_response(not_found);
    std::string uri = services::local_status_uri(ctx.base_url, (*author)->username, *status_id);
    Response answer = http::error_response(not_found);
    auto done = ctx.store.read([&](storage::Repositories& repos) -> Status {
        auto status = repos.statuses().find_by_uri(uri);
        if (!status)
            return forward(status);
        if (!*status || (*status)->author != model::local_actor((*author)->id))
            return ok();
        if ((*status)->deleted_at) {
            if ((*status)->audience != model::Audience::Instance) {
                answer = activity_json(federation::tombstone_json(uri, (*status)->deleted_at));
                answer.status = 410;
            }
            return ok();
        }
        auto readable = services::can_read(repos, model::remote_actor(signer->id), **status);
        if (!readable)
            return forward(readable);
        // A post of a group here goes to the instances that have an accepted member in it (their
        // instance actor signs their fetches).
        if (!*readable && (*status)->audience == model::Audience::Group && (*status)->group
            && (*status)->group->local) {
            auto member_there = repos.groups().has_member_on((*status)->group->id, signer->host);
            if (!member_there)
                return forward(member_there);
            readable = *member_there;
        }
        if (!*readable)
            return ok();
        auto mentions = repos.statuses().mentions((*status)->id);
        if (!mentions)
            return forward(mentions);
        auto note = ctx.social->outbox.note_view(repos, **author, **status, *mentions);
        if (!note)
            return forward(note);
        answer = activity_json(federation::note_json(*note));
        return ok();
    });
    if (!done)
        return http::error_response(done.error());
    return answer;
}

constexpr int kOutboxPageSize = 20;
constexpr int kOutboxScanLimit = 1000; // statuses looked at to count or fill a page

// followers and following: their size, and pages listing only the actors of the signer's own
// instance (members' networks are not published, even to peers); outbox: the Create
// activities of the statuses the signer may read, newest first.
Response handle_collection(
    Context& ctx, const Request& req, const std::string& username, std::string_view which)
{
    auto signer = signed_peer(ctx, req);
    if (!signer)
        return http::error_response(signer.error());
    auto author = find_account_by_username(ctx, username);
    if (!author)
        return http::error_response(author.error());
    if (!*author || !services::is_discoverable_identity(**author))
        return http::error_response(Error { ErrorKind::NotFound, "Not found.", {}, {} });
    const model::Account& account = **author;
    federation::ActorUrls urls(ctx.base_url, account.username);
    const auto owner = model::local_actor(account.id);
    const auto reader = model::remote_actor(signer->id);
    const bool page = req.query_param("page").has_value();
    std::optional<Id> max_id;
    if (auto v = req.query_param("max_id"); v)
        if (auto id = parse_id(*v); id)
            max_id = *id;
    std::string body;
    auto done = ctx.store.read([&](storage::Repositories& repos) -> Status {
        if (which != "outbox") {
            const bool followers = which == "followers";
            const std::string& id = followers ? urls.followers : urls.following;
            auto total = followers ? repos.follows().count_followers(owner, model::FollowState::Accepted)
                                   : repos.follows().count_following(owner, model::FollowState::Accepted);
            if (!total)
                return forward(total);
            if (!page) {
                body = federation::ordered_collection_json(id, *total, id + "?page=true");
                return ok();
            }
            // Each peer sees only its own actors in the list (as FEP-8fcf's partial collections
            // do): local members and other instances' actors are never listed to it.
            std::vector<std::string> ids;
            std::optional<Id> last;
            bool more = false;
            storage::FollowQuery q;
            q.state = model::FollowState::Accepted;
            q.max_id = max_id;
            q.limit = 100;
            for (int scanned = 0; scanned < kOutboxScanLimit && !more;) {
                auto batch = followers ? repos.follows().followers_of(owner, q)
                                       : repos.follows().followed_by(owner, q);
                if (!batch)
                    return forward(batch);
                for (const model::Follow& follow : *batch) {
                    const model::ActorRef other = followers ? follow.follower : follow.followee;
                    if (other.local)
                        continue;
                    auto actor = repos.remote_actors().find_by_id(other.id);
                    if (!actor)
                        return forward(actor);
                    if (!*actor || (*actor)->host != signer->host)
                        continue;
                    if (static_cast<int>(ids.size()) == kOutboxPageSize) {
                        more = true;
                        break;
                    }
                    ids.push_back((*actor)->uri);
                    last = follow.id;
                }
                scanned += static_cast<int>(batch->size());
                if (static_cast<int>(batch->size()) < q.limit)
                    break;
                q.max_id = batch->back().id;
            }
            std::string self = id + "?page=true" + (max_id ? "&max_id=" + std::to_string(*max_id) : "");
            std::string next = more && last ? id + "?page=true&max_id=" + std::to_string(*last) : "";
            body = federation::ordered_collection_page_of_ids_json(self, id, ids, next);
            return ok();
        }
        std::vector<std::string> items;
        std::int64_t readable = 0;
        std::optional<Id> last;
        bool more = false;
        storage::StatusQuery q;
        q.max_id = page ? max_id : std::nullopt;
        q.limit = 100;
        for (int scanned = 0; scanned < kOutboxScanLimit;) {
            auto batch = repos.statuses().by_author(owner, q);
            if (!batch)
                return forward(batch);
            for (const model::Status& status : *batch) {
                auto may = services::can_read(repos, reader, status);
                if (!may)
                    return forward(may);
                if (!*may)
                    continue;
                ++readable;
                if (!page)
                    continue;
                if (static_cast<int>(items.size()) == kOutboxPageSize) {
                    more = true;
                    break;
                }
                auto mentions = repos.statuses().mentions(status.id);
                if (!mentions)
                    return forward(mentions);
                auto note = ctx.social->outbox.note_view(repos, account, status, *mentions);
                if (!note)
                    return forward(note);
                items.push_back(federation::create_json(status.uri + "/activity", urls.id, *note));
                last = status.id;
            }
            scanned += static_cast<int>(batch->size());
            if (more || static_cast<int>(batch->size()) < q.limit)
                break;
            q.max_id = batch->back().id;
        }
        if (!page) {
            body = federation::ordered_collection_json(urls.outbox, readable, urls.outbox + "?page=true");
            return ok();
        }
        std::string self = urls.outbox + "?page=true" + (max_id ? "&max_id=" + std::to_string(*max_id) : "");
        std::string next = more && last ? urls.outbox + "?page=true&max_id=" + std::to_string(*last) : "";
        body = federation::ordered_collection_page_of_documents_json(self, urls.outbox, items, next);
        return ok();
    });
    if (!done)
        return http::error_response(done.error());
    return activity_json(std::move(body));
}

Response handle_actor(Context& ctx, const Request& req, const std::string& username)
{
    auto found = find_account_by_username(ctx, username);
    if (!found)
        return http::error_response(found.error());
    const std::optional<model::Account>& account = *found;
    if (!account || !services::is_discoverable_identity(*account))
        return http::error_response(Error { ErrorKind::NotFound, "Not found.", {}, {} });
    bool member = false;
    if (req.header("authorization") || session_cookie(req))
        member = authenticate_member(ctx, req).has_value();
    else if (req.header("signature") && ctx.social)
        member = signed_peer(ctx, req).has_value(); // authorized fetch: the full profile
    return activity_json(federation::actor_json(
        *account, ctx.base_url, member ? federation::ActorView::Full : federation::ActorView::Minimal));
}

Result<std::optional<model::Group>> find_group_by_name(Context& ctx, std::string_view name)
{
    return storage::read_value(ctx.store, [&](storage::Repositories& repos) { return repos.groups().find_by_name(name); });
}

// A group's actor: minimal to anyone (peers verify its Announces' signatures with it), full to
// members and to trusted peers' signed requests.
Response handle_group_actor(Context& ctx, const Request& req, const std::string& name)
{
    auto group = find_group_by_name(ctx, name);
    if (!group)
        return http::error_response(group.error());
    if (!*group)
        return http::error_response(Error { ErrorKind::NotFound, "Not found.", {}, {} });
    bool full = false;
    if (req.header("authorization") || session_cookie(req))
        full = authenticate_member(ctx, req).has_value();
    else if (req.header("signature") && ctx.social)
        full = signed_peer(ctx, req).has_value();
    return activity_json(federation::group_actor_json(**group, ctx.base_url, full));
}

// followers: its size; moderators: the moderators' ids (FEP-1b12 attributedTo); outbox: its
// size only (group posts travel by Announce to member instances, never in a public listing).
// For signed requests of trusted peers.
Response handle_group_collection(Context& ctx, const Request& req, const std::string& name, std::string_view which)
{
    auto signer = signed_peer(ctx, req);
    if (!signer)
        return http::error_response(signer.error());
    auto group = find_group_by_name(ctx, name);
    if (!group)
        return http::error_response(group.error());
    if (!*group)
        return http::error_response(Error { ErrorKind::NotFound, "Not found.", {}, {} });
    federation::GroupUrls urls(ctx.base_url, (*group)->name);
    std::string body;
    auto done = ctx.store.read([&](storage::Repositories& repos) -> Status {
        if (which == "moderators") {
            std::vector<std::string> ids;
            storage::PageQuery page;
            page.limit = 200;
            auto members = repos.groups().members((*group)->id, page);
            if (!members)
                return forward(members);
            for (const model::GroupMember& m : *members) {
                if (m.role != model::GroupRole::Moderator || !m.member.local)
                    continue;
                auto account = repos.accounts().find_by_id(m.member.id);
                if (!account)
                    return forward(account);
                if (*account)
                    ids.push_back(federation::ActorUrls(ctx.base_url, (*account)->username).id);
            }
            body = federation::ordered_collection_of_ids_json(urls.moderators, ids);
            return ok();
        }
        std::int64_t total = 0;
        if (which == "followers") {
            auto count = repos.groups().count_members((*group)->id);
            if (!count)
                return forward(count);
            total = *count;
        }
        body = federation::ordered_collection_json(which == "followers" ? urls.followers : urls.outbox, total, "");
        return ok();
    });
    if (!done)
        return http::error_response(done.error());
    return activity_json(std::move(body));
}

Response accepted()
{
    Response r;
    r.status = 202;
    r.content_type = "application/json; charset=utf-8";
    r.body = "{}";
    return r;
}

} // namespace

void register_activitypub_routes(http::Router& router, Context& ctx)
{
    // Anonymous fetches (peers verifying a signature) get the minimal document, from the cache.
    router.add(
        "GET", "/users/:username",
        [&ctx](const Request& req, const PathParams& p) -> std::optional<Response> {
            if (!anonymous(req))
                return std::nullopt;
            return cached_response(ctx.public_cache, actor_cache_key(p.at("username")), decorate_activity);
        },
        [&ctx](const Request& req, const PathParams& p) {
            Response r = handle_actor(ctx, req, p.at("username"));
            if (anonymous(req))
                remember(ctx.public_cache, actor_cache_key(p.at("username")), r);
            return r;
        });
    router.add("GET", "/actor", [&ctx](const Request&, const PathParams&) {
        return activity_json(
            federation::instance_actor_json(ctx.base_url, ctx.host, ctx.instance_public_key_pem));
    });
    // Inboxes: signed activities from trusted peers (federation/inbox.hpp), 202 once applied.
    for (const char* path : { "/inbox", "/users/:username/inbox", "/actor/inbox" })
        router.add("POST", path, [&ctx](const Request& req, const PathParams& p) {
            if (auto name = p.find("username"); name != p.end()) {
                auto found = find_account_by_username(ctx, name->second);
                if (!found)
                    return http::error_response(found.error());
                if (!*found || !services::is_discoverable_identity(**found))
                    return http::error_response(Error { ErrorKind::NotFound, "Not found.", {}, {} });
            }
            federation::SignableRequest signable { req.method, req.target.substr(0, req.target.find('?')),
                req.query, req.headers };
            auto done = ctx.social->inbox.receive(signable, req.body);
            if (!done)
                return http::error_response(done.error());
            return accepted();
        });
    // Groups (FEP-1b12): the actor, its inbox (remote members join, post, edit, delete) and
    // its collections.
    router.add("GET", "/groups/:name", [&ctx](const Request& req, const PathParams& p) {
        return handle_group_actor(ctx, req, p.at("name"));
    });
    router.add("POST", "/groups/:name/inbox", [&ctx](const Request& req, const PathParams& p) {
        federation::SignableRequest signable { req.method, req.target.substr(0, req.target.find('?')), req.query,
            req.headers };
        auto done = ctx.social->inbox.receive_for_group(p.at("name"), signable, req.body);
        if (!done)
            return http::error_response(done.error());
        return accepted();
    });
    for (const char* which : { "followers", "outbox", "moderators" })
        router.add("GET", std::string("/groups/:name/") + which, [&ctx, which](const Request& req, const PathParams& p) {
            return handle_group_collection(ctx, req, p.at("name"), which);
        });
    // A local status as a Note, for signed requests of actors allowed to read it (authorized
    // fetch); a deleted one answers 410 with its Tombstone. Instance statuses do not exist here.
    router.add("GET", "/users/:username/statuses/:id", [&ctx](const Request& req, const PathParams& p) {
        return handle_status_object(ctx, req, p.at("username"), p.at("id"));
    });
    // Collections, for signed requests of trusted peers only (authorized fetch).
    for (const char* which : { "outbox", "followers", "following" })
        router.add("GET", std::string("/users/:username/") + which,
            [&ctx, which](const Request& req, const PathParams& p) {
                return handle_collection(ctx, req, p.at("username"), which);
            });
}

} // namespace confrere::server::api
