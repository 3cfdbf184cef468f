// Discovery and identity documents: WebFinger (RFC 7033), host-meta (RFC 6415), NodeInfo 2.1,
// ActivityPub actors. Pure functions: no I/O, no storage.
#pragma once

#include "core/base/result.hpp"
#include "core/model/account.hpp"
#include "core/model/group.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace confrere::federation {

// Where an account's ActivityPub objects live, from the base URL ("https://pharma.example").
struct ActorUrls {
    std::string id, inbox, outbox, followers, following, key_id, profile;
    ActorUrls(std::string_view base_url, std::string_view username);
};

// Where a group's ActivityPub objects live: <base>/groups/<name>. `moderators` is the collection
// its `attributedTo` names (FEP-1b12).
struct GroupUrls {
    std::string id, inbox, outbox, followers, moderators, key_id;
    GroupUrls(std::string_view base_url, std::string_view name);
};

// A group as a FEP-1b12 Group actor. Minimal: what peers need to verify its signatures; Full
// adds its name, description, specialty tags, collections and whether it is interdisciplinary.
// No sharedInbox: peers deliver what they address to the group to the group's own inbox.
std::string group_actor_json(const model::Group& group, std::string_view base_url, bool full);

std::string instance_actor_url(std::string_view base_url);
std::string shared_inbox_url(std::string_view base_url);

// Who is asked for in a WebFinger `resource`.
struct WebfingerQuery {
    bool instance_actor = false;
    std::string username;  // when not the instance actor
};

// Parses `acct:user@host` (RFC 7565) or an actor URL of this instance, for `host` (our
// authority, e.g. "pharma.example" or "127.0.0.1:8080"). InvalidInput if malformed, NotFound
// if it names another host. The instance actor answers to acct:<host>@<host> and to its URL.
Result<WebfingerQuery> parse_webfinger_resource(std::string_view resource, std::string_view host,
                                                std::string_view base_url);

// JRD for an account or the instance actor.
std::string webfinger_json(std::string_view subject, std::string_view actor_id,
                           std::string_view profile_url);

// RFC 6415 XRD with the lrdd template pointing at WebFinger.
std::string host_meta_xml(std::string_view base_url);

// Mastodon's two actor views: the minimal document any peer may fetch unsigned to verify
// signatures (id, type, preferredUsername, inbox, outbox, endpoints, publicKey), and the full
// profile for members and trusted peers.
enum class ActorView { Minimal, Full };
std::string actor_json(const model::Account& account, std::string_view base_url, ActorView view);

// The instance actor (type Application), which signs the instance's own fetches.
std::string instance_actor_json(std::string_view base_url, std::string_view host,
                                std::string_view public_key_pem);

struct NodeInfo {
    std::string version;  // software version
    std::string instance_name;
    std::string instance_description;
    std::vector<int> professions;
    std::vector<std::string> languages;
    std::int64_t users_total = 0;
    std::int64_t local_posts = 0;
};

// /.well-known/nodeinfo (links) and /nodeinfo/2.1 (FEP-f1d5 strictness: lower-case software
// name, openRegistrations present).
std::string nodeinfo_links_json(std::string_view base_url);
std::string nodeinfo_json(const NodeInfo& info, std::string_view schema_version);

inline constexpr const char* kActivityJson = "application/activity+json";
inline constexpr const char* kJrdJson = "application/jrd+json";

} // namespace confrere::federation
