// Remote actors and objects, fetched from their origin and nowhere else: signed GETs by the
// instance actor through the SSRF-guarded HttpFetcher, only from peers we federate with, only
// ActivityStreams content types, ids checked against the host that answered. Actors are kept
// in the store; their parsed public keys in memory (notes/federation-security.md §A, §C, §I).
#pragma once

#include "core/base/id.hpp"
#include "core/base/result.hpp"
#include "core/crypto/keys.hpp"
#include "core/model/federation.hpp"
#include "core/services/peer_service.hpp"
#include "federation/activitypub/vocabulary.hpp"
#include "federation/net/http_fetcher.hpp"
#include "storage/store.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace confrere::federation {

struct ResolverOptions {
    // A stored actor older than this is fetched again when it is needed.
    std::chrono::seconds actor_max_age { 24 * 3600 };
    // At most one forced refetch of a given actor (key rotation, failed signature) per interval.
    std::chrono::seconds refetch_interval { 60 };
    // Parsed keys kept in memory.
    std::size_t key_cache_entries = 4096;
    // Plain http:// for WebFinger when https fails (federation.allow_private_addresses only:
    // tests and local demos run without TLS).
    bool allow_http = false;
};

// A document fetched from its origin.
struct FetchedObject {
    AsObject object;
    std::string final_url; // after redirects
};

// An actor with its key, ready to verify a signature.
struct ActorKey {
    model::RemoteActor actor;
    std::shared_ptr<const crypto::EvpPkeyPtr> key;
    bool fresh = false; // fetched during this call
};

class ActorResolver {
public:
    // `fetcher` signs its GETs (see make_signing_fetcher_options); `peers` decides who we talk to.
    ActorResolver(storage::Store& store, HttpFetcher& fetcher, services::PeerService& peers,
        const Clock& clock, IdGenerator& ids, ResolverOptions options = {});

    // GETs `url` (an absolute http(s) URL) from a peer we federate with. Forbidden if the host is
    // not a trusted peer; PeerFailed if it does not answer 200 with an ActivityStreams type, or
    // the document's id is not on the host that answered; InvalidInput/PayloadTooLarge for
    // malformed or oversized JSON; NotFound/Gone for 404/410.
    Result<FetchedObject> fetch(std::string_view url);

    // The actor with id `uri`: from the store when fresh enough (and not `refresh`), else fetched
    // from its origin and stored. The fetched document must have id == uri.
    Result<model::RemoteActor> actor(std::string_view uri, bool refresh = false);

    // The actor owning `key_id` and its parsed key. Without `refresh`, cached keys (at most
    // actor_max_age old) are used; with it, the actor is fetched again unless that happened
    // within refetch_interval (then Unauthorized: the rate limit of notes §I). A key id that
    // could not be found is not looked up again within refetch_interval. The key's owner is
    // always read from its own id, never from a document found at another URL.
    Result<ActorKey> key(std::string_view key_id, bool refresh = false);

    // user@host (an optional leading '@' and an acct: prefix are accepted) through WebFinger
    // on that host, then the actor; the actor must live on that host.
    Result<model::RemoteActor> resolve_handle(std::string_view handle);

    // Forgets cached keys (tests, admin changes of peers).
    void clear_cache();

private:
    Result<model::RemoteActor> store_actor(const AsObject& document);
    Result<std::optional<model::RemoteActor>> stored(
        const std::function<Result<std::optional<model::RemoteActor>>(storage::RemoteActorRepository&)>&
            find);
    bool may_refetch(const std::string& uri);
    Result<model::RemoteActor> fetch_key_owner(const std::string& url, const std::string& key_id);
    void remember_missing(const std::string& key_id);
    storage::Store& store_;
    HttpFetcher& fetcher_;
    services::PeerService& peers_;
    const Clock& clock_;
    IdGenerator& ids_;
    ResolverOptions options_;
    std::mutex mutex_;
    struct CachedKey {
        model::RemoteActor actor;
        std::shared_ptr<const crypto::EvpPkeyPtr> key;
        TimePoint cached_at;
    };
    std::unordered_map<std::string, CachedKey> keys_; // by key id
    std::unordered_map<std::string, TimePoint> refetched_; // actor uri -> last forced refetch
    std::unordered_map<std::string, TimePoint> missing_; // key id -> last failed look-up
};

// Fetcher options whose before_send signs every GET hop (redirects included) with the
// instance actor's key, as Mastodon's authorized fetch expects; POSTs are signed by the
// delivery code itself. `key` must outlive the fetcher.
HttpFetcherOptions make_signing_fetcher_options(HttpFetcherOptions options,
    std::shared_ptr<const crypto::EvpPkeyPtr> key, std::string key_id, const Clock& clock);

} // namespace confrere::federation
