#include "federation/documents.hpp"

#include "core/base/text.hpp"
#include "core/model/profession.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <string>

namespace confrere::federation {

namespace {
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void kv(Writer& w, const char* key, std::string_view value)
{
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void context(Writer& w)
{
    w.Key("@context");
    w.StartArray();
    w.String("https://www.w3.org/ns/activitystreams");
    w.String("https://w3id.org/security/v1");
    // Own and Mastodon terms inline, so no extra context document has to be fetched (Fedify
    // preloads only well-known contexts).
    w.StartObject();
    w.Key("manuallyApprovesFollowers");
    w.String("as:manuallyApprovesFollowers");
    w.Key("toot");
    w.String("http://joinmastodon.org/ns#");
    w.Key("discoverable");
    w.String("toot:discoverable");
    w.Key("schema");
    w.String("http://schema.org#");
    w.Key("PropertyValue");
    w.String("schema:PropertyValue");
    w.Key("value");
    w.String("schema:value");
    // A group's specialty tags and Lemmy's group flag (FEP-1b12), as Lemmy's context names them:
    // an undefined term is dropped by JSON-LD readers (Fedify saw no tags).
    w.Key("Hashtag");
    w.String("as:Hashtag");
    w.Key("lemmy");
    w.String("https://join-lemmy.org/ns#");
    w.Key("postingRestrictedToMods");
    w.String("lemmy:postingRestrictedToMods");
    w.EndObject();
    w.EndArray();
}

void public_key(Writer& w, std::string_view key_id, std::string_view owner, std::string_view pem)
{
    w.Key("publicKey");
    w.StartObject();
    kv(w, "id", key_id);
    kv(w, "owner", owner);
    kv(w, "publicKeyPem", pem);
    w.EndObject();
}

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}


} // namespace

ActorUrls::ActorUrls(std::string_view base_url, std::string_view username)
{
    std::string base(base_url);
    id = base + "/users/" + std::string(username);
    inbox = id + "/inbox";
    outbox = id + "/outbox";
    followers = id + "/followers";
    following = id + "/following";
    key_id = id + "#main-key";
    profile = base + "/@" + std::string(username);
}

GroupUrls::GroupUrls(std::string_view base_url, std::string_view name)
{
    id = std::string(base_url) + "/groups/" + std::string(name);
    inbox = id + "/inbox";
    outbox = id + "/outbox";
    followers = id + "/followers";
    moderators = id + "/moderators";
    key_id = id + "#main-key";
}

std::string group_actor_json(const model::Group& group, std::string_view base_url, bool full)
{
    GroupUrls urls(base_url, group.name);
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    context(w);
    kv(w, "id", urls.id);
    kv(w, "type", "Group");
    kv(w, "preferredUsername", group.name);
    kv(w, "inbox", urls.inbox);
    kv(w, "outbox", urls.outbox);
    if (full) {
        kv(w, "followers", urls.followers);
        kv(w, "attributedTo", urls.moderators);
        kv(w, "name", group.display_name);
        kv(w, "summary", group.description.empty() ? std::string() : "<p>" + text::escape_html(group.description) + "</p>");
        kv(w, "url", urls.id);
        w.Key("manuallyApprovesFollowers");
        w.Bool(false);
        w.Key("postingRestrictedToMods");
        w.Bool(false);
        kv(w, "published", format_iso8601(group.created_at));
        w.Key("tag");
        w.StartArray();
        for (const std::string& tag : group.tags) {
            w.StartObject();
            kv(w, "type", "Hashtag");
            kv(w, "name", "#" + tag);
            w.EndObject();
        }
        w.EndArray();
        w.Key("attachment");
        w.StartArray();
        w.StartObject();
        kv(w, "type", "PropertyValue");
        kv(w, "name", "Interdisciplinary");
        kv(w, "value", group.interdisciplinary ? "yes" : "no");
        w.EndObject();
        w.EndArray();
    }
    public_key(w, urls.key_id, urls.id, group.public_key_pem);
    w.EndObject();
    return buf.GetString();
}

std::string instance_actor_url(std::string_view base_url)
{
    return std::string(base_url) + "/actor";
}

std::string shared_inbox_url(std::string_view base_url)
{
    return std::string(base_url) + "/inbox";
}

Result<WebfingerQuery> parse_webfinger_resource(std::string_view resource, std::string_view host,
                                                std::string_view base_url)
{
    if (resource.empty() || resource.size() > 512)
        return fail(ErrorKind::InvalidInput, "The resource parameter is missing or too long.");
    WebfingerQuery q;
    if (resource.starts_with("acct:")) {
        std::string_view acct = resource.substr(5);
        if (acct.starts_with("@"))
            acct.remove_prefix(1);
        auto at = acct.rfind('@');
        if (at == std::string_view::npos || at == 0)
            return fail(ErrorKind::InvalidInput, "The resource must look like acct:user@host.");
        std::string_view user = acct.substr(0, at);
        std::string_view domain = acct.substr(at + 1);
        // RFC 3986 §3.2.2: the host is case-insensitive.
        if (!iequals(domain, host))
            return fail(ErrorKind::NotFound, "Not found.");
        if (iequals(user, host)) {
            q.instance_actor = true;
            return q;
        }
        q.username = std::string(user);
        return q;
    }
    std::string base(base_url);
    if (resource == instance_actor_url(base_url) || resource == base || resource == base + "/") {
        q.instance_actor = true;  // FEP-d556: the server itself
        return q;
    }
    for (std::string prefix : {base + "/users/", base + "/@", base + "/groups/"}) {
        if (resource.starts_with(prefix)) {
            std::string_view user = resource.substr(prefix.size());
            if (user.empty() || user.find('/') != std::string_view::npos)
                return fail(ErrorKind::NotFound, "Not found.");
            q.username = std::string(user);
            return q;
        }
    }
    if (resource.starts_with("http://") || resource.starts_with("https://"))
        return fail(ErrorKind::NotFound, "Not found.");
    return fail(ErrorKind::InvalidInput, "The resource must be an acct: URI or an actor URL.");
}

std::string webfinger_json(std::string_view subject, std::string_view actor_id, std::string_view profile_url)
{
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    kv(w, "subject", subject);
    w.Key("aliases");
    w.StartArray();
    w.String(actor_id.data(), static_cast<rapidjson::SizeType>(actor_id.size()));
    if (!profile_url.empty())
        w.String(profile_url.data(), static_cast<rapidjson::SizeType>(profile_url.size()));
    w.EndArray();
    w.Key("links");
    w.StartArray();
    w.StartObject();
    kv(w, "rel", "self");
    kv(w, "type", kActivityJson);
    kv(w, "href", actor_id);
    w.EndObject();
    if (!profile_url.empty()) {
        w.StartObject();
        kv(w, "rel", "http://webfinger.net/rel/profile-page");
        kv(w, "type", "text/html");
        kv(w, "href", profile_url);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return buf.GetString();
}

std::string host_meta_xml(std::string_view base_url)
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n"
           "  <Link rel=\"lrdd\" type=\"application/xrd+xml\" template=\"" +
           text::escape_html(base_url) + "/.well-known/webfinger?resource={uri}\"/>\n</XRD>\n";
}

std::string actor_json(const model::Account& account, std::string_view base_url, ActorView view)
{
    ActorUrls urls(base_url, account.username);
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    context(w);
    kv(w, "id", urls.id);
    kv(w, "type", "Person");
    kv(w, "preferredUsername", account.username);
    kv(w, "inbox", urls.inbox);
    kv(w, "outbox", urls.outbox);
    if (view == ActorView::Full) {
        kv(w, "followers", urls.followers);
        kv(w, "following", urls.following);
        kv(w, "name", account.display_name);
        // The note is plain text; peers expect HTML, so escape it.
        kv(w, "summary", account.note.empty() ? std::string() : "<p>" + text::escape_html(account.note) + "</p>");
        kv(w, "url", urls.profile);
        w.Key("manuallyApprovesFollowers");
        w.Bool(account.locked);
        w.Key("discoverable");
        w.Bool(account.discoverable);
        kv(w, "published", format_iso8601(account.created_at));
        w.Key("attachment");
        w.StartArray();
        if (std::string label = model::profession_label(account.profession_code); !label.empty()) {
            w.StartObject();
            kv(w, "type", "PropertyValue");
            kv(w, "name", "Profession");
            kv(w, "value", label);
            w.EndObject();
        }
        w.EndArray();
    }
    w.Key("endpoints");
    w.StartObject();
    kv(w, "sharedInbox", shared_inbox_url(base_url));
    w.EndObject();
    public_key(w, urls.key_id, urls.id, account.public_key_pem);
    w.EndObject();
    return buf.GetString();
}

std::string instance_actor_json(std::string_view base_url, std::string_view host,
                                std::string_view public_key_pem)
{
    std::string id = instance_actor_url(base_url);
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    context(w);
    kv(w, "id", id);
    kv(w, "type", "Application");
    kv(w, "preferredUsername", host);
    kv(w, "inbox", id + "/inbox");
    kv(w, "outbox", id + "/outbox");
    kv(w, "url", std::string(base_url) + "/about");
    w.Key("manuallyApprovesFollowers");
    w.Bool(true);
    w.Key("endpoints");
    w.StartObject();
    kv(w, "sharedInbox", shared_inbox_url(base_url));
    w.EndObject();
    public_key(w, id + "#main-key", id, public_key_pem);
    w.EndObject();
    return buf.GetString();
}

std::string nodeinfo_links_json(std::string_view base_url)
{
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    w.Key("links");
    w.StartArray();
    for (const char* v : {"2.0", "2.1"}) {
        w.StartObject();
        kv(w, "rel", std::string("http://nodeinfo.diaspora.software/ns/schema/") + v);
        kv(w, "href", std::string(base_url) + "/nodeinfo/" + v);
        w.EndObject();
    }
    w.StartObject();
    kv(w, "rel", "https://www.w3.org/ns/activitystreams#Application");
    kv(w, "href", instance_actor_url(base_url));
    w.EndObject();
    w.EndArray();
    w.EndObject();
    return buf.GetString();
}

std::string nodeinfo_json(const NodeInfo& info, std::string_view schema_version)
{
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    kv(w, "version", schema_version);
    w.Key("software");
    w.StartObject();
    kv(w, "name", "confrere");
    kv(w, "version", info.version);
    if (schema_version == "2.1")
        kv(w, "homepage", "https://confrere.example/");
    w.EndObject();
    w.Key("protocols");
    w.StartArray();
    w.String("activitypub");
    w.EndArray();
    w.Key("services");
    w.StartObject();
    w.Key("inbound");
    w.StartArray();
    w.EndArray();
    w.Key("outbound");
    w.StartArray();
    w.EndArray();
    w.EndObject();
    // Members only: registrations go through a moderator, never open.
    w.Key("openRegistrations");
    w.Bool(false);
    w.Key("usage");
    w.StartObject();
    w.Key("users");
    w.StartObject();
    w.Key("total");
    w.Int64(info.users_total);
    w.EndObject();
    w.Key("localPosts");
    w.Int64(info.local_posts);
    w.EndObject();
    w.Key("metadata");
    w.StartObject();
    kv(w, "nodeName", info.instance_name);
    kv(w, "nodeDescription", info.instance_description);
    w.Key("professions");
    w.StartArray();
    for (int code : info.professions) {
        w.StartObject();
        w.Key("code");
        w.Int(code);
        kv(w, "label", model::profession_label(code));
        w.EndObject();
    }
    w.EndArray();
    w.Key("languages");
    w.StartArray();
    for (const auto& l : info.languages)
        w.String(l.c_str());
    w.EndArray();
    w.Key("membersOnly");
    w.Bool(true);
    w.EndObject();
    w.EndObject();
    return buf.GetString();
}

} // namespace confrere::federation
