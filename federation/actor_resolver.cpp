#include "federation/actor_resolver.hpp"

#include "core/base/log.hpp"
#include "federation/activitypub/json.hpp"
#include "federation/http_signature.hpp"
#include "federation/net/fetch_url.hpp"

#include <algorithm>

namespace confrere::federation {

namespace {

bool is_well_known(std::string_view target)
{
    return target.starts_with("/.well-known/");
}

std::string lower(std::string_view s)
{
    std::string out(s);
    std::ranges::transform(
        out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// The JRD `self` link of an ActivityPub actor.
Result<std::string> self_link(const rapidjson::Document& jrd)
{
    auto links = jrd.FindMember("links");
    if (links == jrd.MemberEnd() || !links->value.IsArray())
        return fail(ErrorKind::PeerFailed, "The WebFinger answer has no links.");
    for (const auto& link : links->value.GetArray()) {
        if (!link.IsObject())
            continue;
        auto rel = link.FindMember("rel");
        auto type = link.FindMember("type");
        auto href = link.FindMember("href");
        if (rel == link.MemberEnd() || !rel->value.IsString()
            || std::string_view(rel->value.GetString()) != "self")
            continue;
        if (href == link.MemberEnd() || !href->value.IsString())
            continue;
        if (type != link.MemberEnd() && type->value.IsString()
            && !is_activitypub_content_type(type->value.GetString()))
            continue;
        return std::string(href->value.GetString(), href->value.GetStringLength());
    }
    return fail(ErrorKind::PeerFailed, "The WebFinger answer has no ActivityPub actor link.");
}

} // namespace

HttpFetcherOptions make_signing_fetcher_options(HttpFetcherOptions options,
    std::shared_ptr<const crypto::EvpPkeyPtr> key, std::string key_id, const Clock& clock)
{
    options.before_send = [key = std::move(key), key_id = std::move(key_id), &clock](OutgoingRequest& out) {
        if (out.method != "GET" || is_well_known(out.target))
            return;
        std::string host;
        for (const auto& [name, value] : out.headers)
            if (name == "host")
                host = value;
        std::string path = out.target.substr(0, out.target.find('?'));
        auto signed_headers = sign_get(*key, key_id, host, path, clock.now());
        if (!signed_headers) {
            log::warn("fetch_sign_failed", { { "detail", signed_headers.error().detail } });
            return;
        }
        std::erase_if(out.headers,
            [](const auto& h) { return h.first == "accept" || h.first == "date" || h.first == "signature"; });
        out.headers.emplace_back("accept", signed_headers->accept);
        out.headers.emplace_back("date", signed_headers->date);
        out.headers.emplace_back("signature", signed_headers->signature);
    };
    return options;
}

ActorResolver::ActorResolver(storage::Store& store, HttpFetcher& fetcher, services::PeerService& peers,
    const Clock& clock, IdGenerator& ids, ResolverOptions options)
    : store_(store)
    , fetcher_(fetcher)
    , peers_(peers)
    , clock_(clock)
    , ids_(ids)
    , options_(options)
{ }

Result<std::optional<model::RemoteActor>> ActorResolver::stored(
    const std::function<Result<std::optional<model::RemoteActor>>(storage::RemoteActorRepository&)>& find)
{
    std::optional<model::RemoteActor> known;
    auto done = store_.read([&](storage::Repositories& repos) -> Status {
        auto found = find(repos.remote_actors());
        if (!found)
            return forward(found);
        known = std::move(*found);
        return ok();
    });
    if (!done)
        return forward(done);
    return known;
}

Result<FetchedObject> ActorResolver::fetch(std::string_view url)
{
    std::string host = host_of(url);
    if (host.empty())
        return fail(ErrorKind::InvalidInput, "Not an absolute http(s) URL.");
    auto allowed = peers_.may_federate(host);
    if (!allowed)
        return forward(allowed);
    if (!*allowed)
        return fail(ErrorKind::Forbidden, "This instance does not federate with " + host + ".");
    auto response = fetcher_.get(url, { { "accept", std::string(kFetchAccept) } });
    if (!response)
        return forward(response);
    if (response->status == 404)
        return fail(ErrorKind::NotFound, "Not found on " + host + ".");
    if (response->status == 410)
        return fail(ErrorKind::Gone, "Deleted on " + host + ".");
    if (response->status != 200)
        return fail(ErrorKind::PeerFailed, host + " answered " + std::to_string(response->status) + ".");
    auto type = response->header("content-type");
    if (!type || !is_activitypub_content_type(*type))
        return fail(ErrorKind::PeerFailed, host + " did not answer with an ActivityStreams document.");
    std::string final_host = host_of(response->final_url);
    if (final_host != host) {
        auto final_allowed = peers_.may_federate(final_host);
        if (!final_allowed)
            return forward(final_allowed);
        if (!*final_allowed)
            return fail(ErrorKind::Forbidden, "This instance does not federate with " + final_host + ".");
    }
    auto document = parse_json(response->body);
    if (!document)
        return forward(document);
    auto object = parse_object(*document);
    if (!object)
        return forward(object);
    // notes/federation-security.md §C: a document speaks only for its own host.
    if (host_of(object->id) != final_host)
        return fail(
            ErrorKind::PeerFailed, "The document fetched from " + final_host + " claims another origin.");
    return FetchedObject { std::move(*object), std::move(response->final_url) };
}

Result<model::RemoteActor> ActorResolver::store_actor(const AsObject& document)
{
    auto parsed = to_remote_actor(document);
    if (!parsed)
        return forward(parsed);
    model::RemoteActor actor = std::move(*parsed);
    actor.fetched_at = clock_.now();
    actor.created_at = actor.fetched_at;
    actor.id = ids_.next();
    Result<model::RemoteActor> stored = fail(ErrorKind::Internal, "not stored");
    auto done = store_.write([&](storage::Repositories& repos) -> Status {
        stored = repos.remote_actors().upsert(actor);
        if (!stored)
            return forward(stored);
        // Inbound traffic proves the peer is back (Mastodon's track_inverse_success!).
        return ok();
    });
    if (!done)
        return forward(done);
    // Keys the actor no longer publishes stop verifying at once (rotation, a leaked key).
    std::lock_guard lock(mutex_);
    std::erase_if(keys_, [&](const auto& entry) {
        return entry.second.actor.uri == stored->uri && entry.first != stored->key_id;
    });
    return stored;
}

Result<model::RemoteActor> ActorResolver::actor(std::string_view uri, bool refresh)
{
    if (!refresh) {
        auto known = stored([&](storage::RemoteActorRepository& actors) { return actors.find_by_uri(uri); });
        if (!known)
            return forward(known);
        if (*known && clock_.now() - (*known)->fetched_at < options_.actor_max_age)
            return **known;
    }
    auto fetched = fetch(uri);
    if (!fetched)
        return forward(fetched);
    if (fetched->object.id != uri)
        return fail(ErrorKind::PeerFailed, "The actor document has another id than its URL.");
    return store_actor(fetched->object);
}

bool ActorResolver::may_refetch(const std::string& uri)
{
    std::lock_guard lock(mutex_);
    auto now = clock_.now();
    auto [it, inserted] = refetched_.try_emplace(uri, now);
    if (!inserted) {
        if (now - it->second < options_.refetch_interval)
            return false;
        it->second = now;
    }
    if (refetched_.size() > options_.key_cache_entries)
        std::erase_if(refetched_, [&](const auto& e) { return now - e.second >= options_.refetch_interval; });
    return true;
}

Result<model::RemoteActor> ActorResolver::fetch_key_owner(const std::string& url, const std::string& key_id)
{
    auto fetched = fetch(url);
    if (!fetched)
        return forward(fetched);
    // The document at the key's URL only names the key's owner. Unless it is that actor's own
    // document (its id is the URL fetched), the actor is read again from its own id: a document
    // served at an arbitrary path of a trusted host cannot rebind anyone's key (notes §A).
    const AsObject& document = fetched->object;
    std::string owner = !document.inbox.empty() ? document.id : document.key_owner;
    if (owner.empty() || host_of(owner) != host_of(key_id))
        return fail(ErrorKind::Unauthorized, "The signing key has no owner on its host.");
    if (owner == url && document.id == url)
        return store_actor(document);
    return this->actor(owner, /*refresh=*/true);
}

void ActorResolver::remember_missing(const std::string& key_id)
{
    std::lock_guard lock(mutex_);
    if (missing_.size() >= options_.key_cache_entries)
        missing_.clear();
    missing_[key_id] = clock_.now();
}

Result<ActorKey> ActorResolver::key(std::string_view key_id, bool refresh)
{
    std::string id(key_id);
    if (!refresh) {
        std::lock_guard lock(mutex_);
        if (auto it = keys_.find(id);
            it != keys_.end() && clock_.now() - it->second.cached_at < options_.actor_max_age)
            return ActorKey { it->second.actor, it->second.key, false };
        // notes §I: an unknown key is looked up at most once per interval.
        if (auto it = missing_.find(id);
            it != missing_.end() && clock_.now() - it->second < options_.refetch_interval)
            return fail(ErrorKind::Unauthorized, "The signing key is unknown.");
    }
    std::optional<model::RemoteActor> known;
    if (!refresh) {
        auto found
            = stored([&](storage::RemoteActorRepository& actors) { return actors.find_by_key_id(id); });
        if (!found)
            return forward(found);
        known = std::move(*found);
    }
    bool fresh = false;
    if (!known) {
        // The key id names the key's document: usually the actor with a #fragment, sometimes a
        // separate Key object whose owner is the actor (GoToSocial).
        std::string url = id.substr(0, id.find('#'));
        if (refresh) {
            auto cached = [&]() -> std::optional<std::string> {
                std::lock_guard lock(mutex_);
                auto it = keys_.find(id);
                return it == keys_.end() ? std::nullopt : std::optional(it->second.actor.uri);
            }();
            if (cached)
                url = *cached;
            if (!may_refetch(url))
                return fail(ErrorKind::Unauthorized, "The signing key was refreshed a moment ago.");
        }
        auto found = fetch_key_owner(url, id);
        if (!found) {
            if (found.error().kind != ErrorKind::Forbidden && found.error().kind != ErrorKind::Internal)
                remember_missing(id);
            return forward(found);
        }
        known = std::move(*found);
        fresh = true;
    }
    if (known->key_id != id || known->public_key_pem.empty()) {
        remember_missing(id);
        return fail(ErrorKind::Unauthorized, "The signing key does not belong to its actor.");
    }
    auto parsed = crypto::parse_public_key_pem(known->public_key_pem);
    if (!parsed)
        return fail(ErrorKind::Unauthorized, "The actor's public key cannot be read.");
    auto key = std::make_shared<const crypto::EvpPkeyPtr>(std::move(*parsed));
    {
        std::lock_guard lock(mutex_);
        if (keys_.size() >= options_.key_cache_entries)
            keys_.clear(); // crude but bounded; a full cache only costs refetches from the store
        keys_[id] = CachedKey { *known, key, clock_.now() };
        missing_.erase(id);
    }
    return ActorKey { std::move(*known), std::move(key), fresh };
}

Result<model::RemoteActor> ActorResolver::resolve_handle(std::string_view handle)
{
    if (handle.starts_with("acct:"))
        handle.remove_prefix(5);
    if (handle.starts_with('@'))
        handle.remove_prefix(1);
    auto at = handle.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == handle.size())
        return fail(ErrorKind::InvalidInput, "Expected a handle like user@instance.example.", {}, "acct");
    std::string user(handle.substr(0, at));
    auto host = services::normalize_peer_host(handle.substr(at + 1));
    if (!host)
        return fail(ErrorKind::InvalidInput, "Expected a handle like user@instance.example.", {}, "acct");
    if (user.find_first_of("/?#@:% ") != std::string::npos || user.size() > 255)
        return fail(ErrorKind::InvalidInput, "Expected a handle like user@instance.example.", {}, "acct");
    auto allowed = peers_.may_federate(*host);
    if (!allowed)
        return forward(allowed);
    if (!*allowed)
        return fail(ErrorKind::Forbidden, "This instance does not federate with " + *host + ".");

    auto known
        = stored([&](storage::RemoteActorRepository& actors) { return actors.find_by_handle(user, *host); });
    if (!known)
        return forward(known);
    if (*known && clock_.now() - (*known)->fetched_at < options_.actor_max_age)
        return **known;

    std::string query = "/.well-known/webfinger?resource=acct:" + user + "@" + *host;
    auto response = fetcher_.get(
        "https://" + *host + query, { { "accept", "application/jrd+json, application/json" } });
    if (!response && options_.allow_http && response.error().kind == ErrorKind::PeerFailed)
        response = fetcher_.get(
            "http://" + *host + query, { { "accept", "application/jrd+json, application/json" } });
    if (!response)
        return forward(response);
    if (response->status == 404)
        return fail(ErrorKind::NotFound, "No account " + user + " on " + *host + ".");
    if (response->status != 200)
        return fail(ErrorKind::PeerFailed,
            *host + " answered " + std::to_string(response->status) + " to WebFinger.");
    auto jrd = parse_json(response->body);
    if (!jrd)
        return forward(jrd);
    auto href = self_link(*jrd);
    if (!href)
        return forward(href);
    if (host_of(*href) != *host)
        return fail(ErrorKind::PeerFailed, "The WebFinger answer points to another host.");
    auto actor = this->actor(*href, true);
    if (!actor)
        return forward(actor);
    if (lower(actor->username) != lower(user))
        return fail(ErrorKind::PeerFailed, "The actor found by WebFinger has another username.");
    return actor;
}

void ActorResolver::clear_cache()
{
    std::lock_guard lock(mutex_);
    keys_.clear();
    refetched_.clear();
    missing_.clear();
}

} // namespace confrere::federation
