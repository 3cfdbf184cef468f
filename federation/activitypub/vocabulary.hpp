// ActivityStreams 2.0 vocabulary as Confrère reads it from peers: one checked struct for any
// object, activity or actor, read as plain JSON (never as JSON-LD: `@context` is not expanded
// and never fetched, notes/federation-security.md §F). Pure functions: no I/O, no storage.
// Authorization (who may send what, same-owner and same-origin rules) is the inbox's business;
// this layer only guarantees shapes, sizes and well-formed ids.
#pragma once

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/model/federation.hpp"

#include <rapidjson/document.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confrere::federation {

// Size caps of parse_object. Longer ids are InvalidInput (no peer mints them); longer texts are
// PayloadTooLarge. Mastodon posts are under 5 KiB; the sanitiser's own limit is 256 KiB.
inline constexpr std::size_t kMaxIdBytes = 2 * 1024; // ids, URLs, hrefs, context, conversation
inline constexpr std::size_t kMaxContentBytes = 100 * 1024; // content and each contentMap value
inline constexpr std::size_t kMaxSummaryBytes = 16 * 1024; // summary (content warning, actor bio)
inline constexpr std::size_t kMaxNameBytes = 2 * 1024; // name, tag names
inline constexpr std::size_t kMaxUsernameBytes = 256; // preferredUsername
inline constexpr std::size_t kMaxTypeBytes = 256; // each `type`
inline constexpr std::size_t kMaxPemBytes = 16 * 1024; // publicKeyPem (RSA-8192 SPKI is 1.4 KiB)
inline constexpr std::size_t kMaxAddressees = 1000; // entries in each of to, cc, bto, bcc
inline constexpr std::size_t kMaxTags = 1000; // entries in `tag`
inline constexpr int kMaxEmbedding = 4; // nested `object`s: Announce(Create(Note)) is 2

inline constexpr std::string_view kPublicCollection = "https://www.w3.org/ns/activitystreams#Public";
inline constexpr std::string_view kActivityStreamsContext = "https://www.w3.org/ns/activitystreams";

// A Mention (href = the actor's id, name "@user@host") or a Hashtag (name "#tag", href = the
// tag's page, may be empty). Other tag types (Emoji…) are not kept.
struct AsTag {
    std::string type, href, name;
    friend bool operator==(const AsTag&, const AsTag&) = default;
};

// Any object, activity or actor, with the fields Confrère uses. Absent and null fields are empty.
// Every id-valued field holds an absolute http(s) URL accepted by host_of (checked), except
// `context` and `conversation`, which are opaque (Mastodon and Pleroma use tag: URIs).
struct AsObject {
    std::string id, type; // `type`: the first known name of an array, else its first string
    std::string actor; // activities: the actor's id (an embedded actor object gives its id)
    std::string attributed_to; // objects: first attributedTo id (string, object or array)
    std::vector<std::string> to, cc, bto, bcc; // ids; Public in any form becomes kPublicCollection
    std::string audience; // first id
    std::string content; // raw HTML, NOT sanitised (the caller sanitises)
    std::string content_language; // first contentMap key (its value is the content if absent)
    std::string summary, name; // raw: HTML for objects, plain text for actor names
    std::string url; // first http(s) href (string, Link object or array of them); others skipped
    std::string in_reply_to; // id (string or embedded object's id)
    std::string context, conversation; // opaque strings (or an embedded object's id)
    std::optional<TimePoint> published, updated;
    bool sensitive = false;
    std::vector<AsTag> tags;
    std::string object_id; // `object` as an id, whether given as a string or embedded
    std::shared_ptr<const AsObject> object; // embedded `object`, parsed (nullptr if a bare id)
    std::string target_id;
    // Actor documents.
    std::string preferred_username, inbox, outbox, followers, following, shared_inbox;
    std::string key_id, key_owner, public_key_pem; // the first usable publicKey entry
    bool manually_approves_followers = false;
};

// Reads `value` (a JSON object, usually a parse_json document) into an AsObject.
// InvalidInput (with `field` set) for: not an object; no `type`; a field of the wrong JSON type
// (e.g. a number for `content`); an id that is not an absolute http(s) URL (no userinfo,
// ≤ kMaxIdBytes) — including entries of to/cc/bto/bcc and Mention hrefs (a malformed `url` or
// Hashtag href is dropped instead: they are only links); several `actor`s or `object`s;
// `object`s nested more than `max_embedding` levels; a date that is not RFC 3339 (one outside
// the years 1900-2200, such as Go's zero time 0001-01-01, reads as absent).
// Ids are required (InvalidInput if absent) on the document and on every embedded `object`,
// i.e. on whatever can be stored or referred to — except an embedded Follow, Like, Announce or
// Block (the object of an Accept, Reject or Undo), which may be anonymous: the caller then
// matches it by actor and object. PayloadTooLarge for a text over its cap (see above).
// Ignored: `@context`, `signature`, `proof`, unknown fields, publicKey entries that are not an
// object with an id and an SPKI PEM ("-----BEGIN PUBLIC KEY-----").
Result<AsObject> parse_object(const rapidjson::Value& value, int max_embedding = kMaxEmbedding);

// True if the document's `@context` is, or is an array containing, the ActivityStreams context
// (Mastodon drops documents without it: jsonld_helper.rb supported_context?).
bool has_activitystreams_context(const rapidjson::Value& document);

// The origin of an id for same-origin checks (FEP-fe34): the lower-case authority, host[:port],
// the port omitted when it is the scheme's default, IPv6 in brackets. Empty when `url` is not an
// absolute http(s) URL with a valid host, or has userinfo ("https://a.example@b.example/").
// It ignores the scheme: use origin_of where http and https must differ.
std::string host_of(std::string_view url);

// The origin of FEP-fe34, (scheme, host, port), as "https://host[:port]" with host_of's rules;
// empty when host_of is.
std::string origin_of(std::string_view url);

// True for the Public collection in any of the forms Mastodon accepts (tag_manager.rb):
// "https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public".
bool is_public_collection(std::string_view id);

// The actor document `actor` (as fetched from its own id) as a model::RemoteActor without its
// storage fields (id, fetched_at, created_at). InvalidInput when the type is not Person,
// Service, Application, Group or Organization, there is no inbox, or preferredUsername is empty
// or has a character that would let "@user@host" read as another account (@ / : % ? # space or
// control). Unprocessable when the key owner is not the actor, or the key id, inbox or followers
// collection is not of the actor's origin (scheme, host, port) — a sharedInbox, outbox or
// following elsewhere is dropped instead. The summary is
// sanitised (sanitize_html); the display name becomes one line of plain text of at most 200
// characters. A missing key is not an error here: signature verification will fail on it.
Result<model::RemoteActor> to_remote_actor(const AsObject& actor);

} // namespace confrere::federation
