// Reading ActivityStreams 2.0 (https://www.w3.org/TR/activitystreams-core/) as plain JSON. Every
// member is type-checked before it is read: RapidJSON's GetString on a number asserts, and a
// peer must never be able to reach an assertion.
#include "federation/activitypub/vocabulary.hpp"

#include "federation/net/fetch_url.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <variant>

namespace confrere::federation {

namespace {

using Value = rapidjson::Value;

std::string_view view(const Value& v)
{
    return { v.GetString(), v.GetStringLength() };
}

// The member `key`, or nullptr when absent or null (Mastodon writes "inReplyTo": null).
const Value* find(const Value& object, const char* key)
{
    auto it = object.FindMember(key);
    if (it == object.MemberEnd() || it->value.IsNull())
        return nullptr;
    return &it->value;
}

std::unexpected<Error> invalid(const char* field, std::string_view what)
{
    return fail(ErrorKind::InvalidInput, "`" + std::string(field) + "` " + std::string(what), {}, field);
}

bool is_id(std::string_view s)
{
    return s.size() <= kMaxIdBytes && !host_of(s).empty();
}

// An id given as a string or as an embedded object's `id`.
Result<std::string> id_value(const Value& v, const char* field)
{
    const Value* id = &v;
    if (v.IsObject()) {
        id = find(v, "id");
        if (!id)
            return invalid(field, "is an embedded object without an id.");
    }
    if (!id->IsString())
        return invalid(field, "must be an id or an object with an id.");
    if (!is_id(view(*id)))
        return invalid(field, "is not an absolute http(s) URL.");
    return std::string(view(*id));
}

// `actor`, `inReplyTo`, `target`: one id; a one-element array is accepted, more are refused (a
// second actor would be a claim nobody signed).
Result<std::string> single_id(const Value& object, const char* key)
{
    const Value* v = find(object, key);
    if (!v)
        return std::string();
    if (v->IsArray()) {
        if (v->Empty())
            return std::string();
        if (v->Size() > 1)
            return invalid(key, "must name a single object.");
        v = &(*v)[0];
    }
    return id_value(*v, key);
}

// `attributedTo`, `audience`: the first id of a list (PeerTube: [Person, Group]).
Result<std::string> first_id(const Value& object, const char* key)
{
    const Value* v = find(object, key);
    if (!v)
        return std::string();
    if (v->IsArray()) {
        if (v->Empty())
            return std::string();
        v = &(*v)[0];
    }
    return id_value(*v, key);
}

Result<std::string> addressee(const Value& v, const char* key)
{
    if (v.IsString() && is_public_collection(view(v)))
        return std::string(kPublicCollection);
    return id_value(v, key);
}

Result<std::vector<std::string>> addressees(const Value& object, const char* key)
{
    std::vector<std::string> out;
    const Value* v = find(object, key);
    if (!v)
        return out;
    if (!v->IsArray()) {
        auto one = addressee(*v, key);
        if (!one)
            return forward(one);
        out.push_back(std::move(*one));
        return out;
    }
    if (v->Size() > kMaxAddressees)
        return invalid(key, "has more than " + std::to_string(kMaxAddressees) + " entries.");
    for (const auto& e : v->GetArray()) {
        auto one = addressee(e, key);
        if (!one)
            return forward(one);
        out.push_back(std::move(*one));
    }
    return out;
}

// A string member capped at `cap` bytes: longer is `too_long` (InvalidInput or PayloadTooLarge).
Result<std::string> text(
    const Value& object, const char* key, std::size_t cap, ErrorKind too_long = ErrorKind::PayloadTooLarge)
{
    const Value* v = find(object, key);
    if (!v)
        return std::string();
    if (!v->IsString())
        return invalid(key, "must be a string.");
    if (v->GetStringLength() > cap)
        return fail(too_long, "`" + std::string(key) + "` is longer than " + std::to_string(cap) + " bytes.",
            {}, key);
    return std::string(view(*v));
}

// `context`, `conversation`: opaque (tag:…, http(s) or an embedded collection's id).
Result<std::string> opaque_id(const Value& object, const char* key)
{
    const Value* v = find(object, key);
    if (!v)
        return std::string();
    if (v->IsObject())
        v = find(*v, "id");
    if (!v)
        return std::string();
    if (!v->IsString())
        return invalid(key, "must be a string or an object with an id.");
    if (v->GetStringLength() > kMaxIdBytes)
        return invalid(key, "is longer than " + std::to_string(kMaxIdBytes) + " bytes.");
    return std::string(view(*v));
}

Result<bool> flag(const Value& object, const char* key)
{
    const Value* v = find(object, key);
    if (!v)
        return false;
    if (!v->IsBool())
        return invalid(key, "must be true or false.");
    return v->GetBool();
}

// The types Confrère acts on, preferred when `type` is an array (["Note", "schema:Thing"]).
constexpr std::array<std::string_view, 34> kKnownTypes
    = { "Create", "Update", "Delete", "Follow", "Accept", "Reject", "Undo", "Like", "Announce", "Block",
          "Move", "Add", "Remove", "Flag", "Note", "Article", "Page", "Question", "Event", "Image", "Video",
          "Tombstone", "Person", "Service", "Application", "Group", "Organization", "Collection",
          "OrderedCollection", "CollectionPage", "OrderedCollectionPage", "Mention", "Hashtag", "Link" };

bool is_known_type(std::string_view t)
{
    return std::find(kKnownTypes.begin(), kKnownTypes.end(), t) != kKnownTypes.end();
}

Result<std::string> read_type(const Value& object)
{
    const Value* v = find(object, "type");
    std::string_view chosen;
    if (v && v->IsString()) {
        chosen = view(*v);
    } else if (v && v->IsArray()) {
        for (const auto& e : v->GetArray()) {
            if (!e.IsString())
                continue;
            if (chosen.empty() || (is_known_type(view(e)) && !is_known_type(chosen)))
                chosen = view(e);
        }
    } else if (v) {
        return invalid("type", "must be a string or an array of strings.");
    }
    if (chosen.empty())
        return invalid("type", "is missing.");
    if (chosen.size() > kMaxTypeBytes)
        return invalid("type", "is too long.");
    return std::string(chosen);
}

// `url`: a string, a Link ({"href": …}) or an array of them (Lemmy, PeerTube). The first http(s)
// href wins; other schemes (at://, acct:) and malformed entries are skipped, never shown.
Result<std::string> read_url(const Value& object)
{
    const Value* v = find(object, "url");
    if (!v)
        return std::string();
    if (!v->IsString() && !v->IsObject() && !v->IsArray())
        return invalid("url", "must be a URL, a Link or an array of them.");
    auto href = [](const Value& e) -> std::string_view {
        const Value* h = e.IsObject() ? find(e, "href") : &e;
        return h && h->IsString() && is_id(view(*h)) ? view(*h) : std::string_view();
    };
    if (!v->IsArray())
        return std::string(href(*v));
    for (const auto& e : v->GetArray())
        if (auto h = href(e); !h.empty())
            return std::string(h);
    return std::string();
}

bool is_language_tag(std::string_view s)
{
    return !s.empty() && s.size() <= 35 && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    });
}

// `content` and `contentMap` ({"fr": "<p>…</p>"}): the first key is the language, its value the
// content when `content` is absent (GoToSocial and Fedify may send only the map).
Status read_content(const Value& object, AsObject& out)
{
    auto content = text(object, "content", kMaxContentBytes);
    if (!content)
        return forward(content);
    out.content = std::move(*content);
    const Value* map = find(object, "contentMap");
    if (!map)
        return ok();
    if (!map->IsObject())
        return invalid("contentMap", "must be an object.");
    for (const auto& m : map->GetObject()) {
        if (!m.value.IsString())
            return invalid("contentMap", "values must be strings.");
        if (m.value.GetStringLength() > kMaxContentBytes)
            return fail(ErrorKind::PayloadTooLarge,
                "`contentMap` has a value longer than " + std::to_string(kMaxContentBytes) + " bytes.", {},
                "contentMap");
    }
    if (map->MemberCount() == 0)
        return ok();
    const auto& first = *map->MemberBegin();
    if (is_language_tag(view(first.name)))
        out.content_language = std::string(view(first.name));
    if (!find(object, "content"))
        out.content = std::string(view(first.value));
    return ok();
}

// Well-formed dates outside these years read as absent: Go peers write their zero time as
// 0001-01-01T00:00:00Z, and a TimePoint only holds 1678-2262.
constexpr int kMinYear = 1900, kMaxYear = 2200;
struct DateOutOfRange { };

// RFC 3339 date-time (2026-11-23T20:09:00Z, with fraction and/or ±hh:mm offset; 't', 'z' and
// a space separator tolerated as RFC 3339 §5.6 allows). Digits beyond nanoseconds are ignored.
// nullopt when malformed.
std::optional<std::variant<TimePoint, DateOutOfRange>> parse_rfc3339(std::string_view s)
{
    std::size_t i = 0;
    auto digits = [&](std::size_t n, int& out) {
        if (i + n > s.size())
            return false;
        out = 0;
        for (std::size_t k = 0; k < n; ++k, ++i) {
            if (s[i] < '0' || s[i] > '9')
                return false;
            out = out * 10 + (s[i] - '0');
        }
        return true;
    };
    auto literal = [&](std::string_view chars) {
        if (i >= s.size() || chars.find(s[i]) == std::string_view::npos)
            return false;
        ++i;
        return true;
    };
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!digits(4, year) || !literal("-") || !digits(2, month) || !literal("-") || !digits(2, day)
        || !literal("Tt ") || !digits(2, hour) || !literal(":") || !digits(2, minute) || !literal(":")
        || !digits(2, second))
        return std::nullopt;
    std::chrono::nanoseconds fraction { 0 };
    if (i < s.size() && s[i] == '.') {
        ++i;
        std::size_t start = i;
        long long ns = 0, scale = 100000000;
        for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10)
            ns += scale * (s[i] - '0');
        if (i == start)
            return std::nullopt;
        fraction = std::chrono::nanoseconds(ns);
    }
    int offset_minutes = 0;
    if (literal("Zz")) {
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        int sign = s[i++] == '-' ? -1 : 1, oh = 0, om = 0;
        if (!digits(2, oh) || !literal(":") || !digits(2, om) || oh > 23 || om > 59)
            return std::nullopt;
        offset_minutes = sign * (oh * 60 + om);
    } else {
        return std::nullopt;
    }
    using namespace std::chrono;
    year_month_day ymd { std::chrono::year { year }, std::chrono::month { static_cast<unsigned>(month) },
        std::chrono::day { static_cast<unsigned>(day) } };
    if (i != s.size() || !ymd.ok() || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    // A TimePoint (int64 nanoseconds) ends in 2262: out-of-range years would overflow.
    if (year < kMinYear || year > kMaxYear)
        return DateOutOfRange {};
    second = std::min(second, 59); // a leap second is read as :59
    auto t = sys_days { ymd } + hours { hour } + minutes { minute } + seconds { second }
        - minutes { offset_minutes };
    return time_point_cast<TimePoint::duration>(t + fraction);
}

Result<std::optional<TimePoint>> date(const Value& object, const char* key)
{
    const Value* v = find(object, key);
    if (!v)
        return std::optional<TimePoint>();
    if (!v->IsString())
        return invalid(key, "must be a date string.");
    auto t = parse_rfc3339(view(*v));
    if (!t)
        return invalid(key, "is not an RFC 3339 date.");
    if (std::holds_alternative<DateOutOfRange>(*t))
        return std::optional<TimePoint>();
    return std::optional<TimePoint>(std::get<TimePoint>(*t));
}

// `tag`: Mention and Hashtag entries; others (Emoji, Link…) and non-objects are skipped. A Mention
// href, when given, must be an id; a Hashtag href is only a link and is dropped if malformed.
Result<std::vector<AsTag>> read_tags(const Value& object)
{
    std::vector<AsTag> out;
    const Value* v = find(object, "tag");
    if (!v)
        return out;
    if (!v->IsArray() && !v->IsObject())
        return invalid("tag", "must be an object or an array.");
    if (v->IsArray() && v->Size() > kMaxTags)
        return invalid("tag", "has more than " + std::to_string(kMaxTags) + " entries.");
    auto one = [&](const Value& e) -> Status {
        const Value* type = e.IsObject() ? find(e, "type") : nullptr;
        if (!type || !type->IsString() || (view(*type) != "Mention" && view(*type) != "Hashtag"))
            return ok();
        AsTag tag { std::string(view(*type)), {}, {} };
        auto name = text(e, "name", kMaxNameBytes);
        if (!name)
            return invalid(
                "tag", "name must be a string of at most " + std::to_string(kMaxNameBytes) + " bytes.");
        tag.name = std::move(*name);
        if (const Value* href = find(e, "href"); href && tag.type == "Mention") {
            auto id = id_value(*href, "tag");
            if (!id)
                return forward(id);
            tag.href = std::move(*id);
        } else if (href && href->IsString() && is_id(view(*href))) {
            tag.href = std::string(view(*href));
        }
        out.push_back(std::move(tag));
        return ok();
    };
    if (v->IsObject()) {
        if (auto r = one(*v); !r)
            return forward(r);
        return out;
    }
    for (const auto& e : v->GetArray())
        if (auto r = one(e); !r)
            return forward(r);
    return out;
}

bool looks_like_spki_pem(std::string_view pem)
{
    constexpr std::string_view begin = "-----BEGIN PUBLIC KEY-----", end = "-----END PUBLIC KEY-----";
    while (!pem.empty() && (pem.back() == '\n' || pem.back() == '\r' || pem.back() == ' '))
        pem.remove_suffix(1);
    return pem.size() <= kMaxPemBytes && pem.starts_with(begin) && pem.ends_with(end)
        && std::all_of(
            pem.begin(), pem.end(), [](char c) { return (c >= ' ' && c <= '~') || c == '\n' || c == '\r'; });
}

// `publicKey`: an object or an array of them; the first with an id and an SPKI PEM is kept
// (an id-only reference, a Multikey or a PKCS#1 "RSA PUBLIC KEY" is skipped).
void read_public_key(const Value& object, AsObject& out)
{
    const Value* v = find(object, "publicKey");
    if (!v || (!v->IsObject() && !v->IsArray()))
        return;
    auto usable = [](const Value& k) {
        if (!k.IsObject())
            return false;
        const Value* id = find(k, "id");
        const Value* pem = find(k, "publicKeyPem");
        const Value* owner = find(k, "owner");
        return id && id->IsString() && is_id(view(*id)) && pem && pem->IsString()
            && looks_like_spki_pem(view(*pem)) && (!owner || (owner->IsString() && is_id(view(*owner))));
    };
    const Value* chosen = nullptr;
    if (v->IsObject() && usable(*v))
        chosen = v;
    if (v->IsArray()) {
        auto it = std::find_if(v->Begin(), v->End(), usable);
        chosen = it == v->End() ? nullptr : &*it;
    }
    if (!chosen)
        return;
    out.key_id = std::string(view((*chosen)["id"]));
    out.public_key_pem = std::string(view((*chosen)["publicKeyPem"]));
    if (const Value* owner = find(*chosen, "owner"))
        out.key_owner = std::string(view(*owner));
}

// Anonymous objects are accepted only where the receiver can find the activity without its id.
bool may_be_anonymous(std::string_view type)
{
    return type == "Follow" || type == "Like" || type == "Announce" || type == "Block";
}

// Assigns a Result's value to `target`, or returns its error from the enclosing function.
#define CONFRERE_READ(target, expression)                                                                    \
    do {                                                                                                     \
        auto read_ = (expression);                                                                           \
        if (!read_)                                                                                          \
            return forward(read_);                                                                           \
        target = std::move(*read_);                                                                          \
    } while (false)

Status read_addressing(const Value& v, AsObject& out)
{
    CONFRERE_READ(out.to, addressees(v, "to"));
    CONFRERE_READ(out.cc, addressees(v, "cc"));
    CONFRERE_READ(out.bto, addressees(v, "bto"));
    CONFRERE_READ(out.bcc, addressees(v, "bcc"));
    CONFRERE_READ(out.audience, first_id(v, "audience"));
    return ok();
}

Status read_note_fields(const Value& v, AsObject& out)
{
    CONFRERE_READ(out.attributed_to, first_id(v, "attributedTo"));
    if (auto r = read_content(v, out); !r)
        return forward(r);
    CONFRERE_READ(out.summary, text(v, "summary", kMaxSummaryBytes));
    CONFRERE_READ(out.name, text(v, "name", kMaxNameBytes));
    CONFRERE_READ(out.url, read_url(v));
    CONFRERE_READ(out.in_reply_to, single_id(v, "inReplyTo"));
    CONFRERE_READ(out.context, opaque_id(v, "context"));
    CONFRERE_READ(out.conversation, opaque_id(v, "conversation"));
    CONFRERE_READ(out.published, date(v, "published"));
    CONFRERE_READ(out.updated, date(v, "updated"));
    CONFRERE_READ(out.sensitive, flag(v, "sensitive"));
    CONFRERE_READ(out.tags, read_tags(v));
    return ok();
}

Status read_actor_fields(const Value& v, AsObject& out)
{
    CONFRERE_READ(
        out.preferred_username, text(v, "preferredUsername", kMaxUsernameBytes, ErrorKind::InvalidInput));
    CONFRERE_READ(out.inbox, single_id(v, "inbox"));
    CONFRERE_READ(out.outbox, single_id(v, "outbox"));
    CONFRERE_READ(out.followers, single_id(v, "followers"));
    CONFRERE_READ(out.following, single_id(v, "following"));
    if (const Value* endpoints = find(v, "endpoints"); endpoints && endpoints->IsObject())
        CONFRERE_READ(out.shared_inbox, single_id(*endpoints, "sharedInbox"));
    read_public_key(v, out);
    CONFRERE_READ(out.manually_approves_followers, flag(v, "manuallyApprovesFollowers"));
    return ok();
}

Result<AsObject> parse_node(const Value& v, int max_embedding, bool embedded);

// `object`: an id, or an embedded object parsed with one level less to spend.
Status read_object_member(const Value& v, int max_embedding, AsObject& out)
{
    const Value* o = find(v, "object");
    if (o && o->IsArray()) {
        if (o->Size() > 1)
            return invalid("object", "must name a single object.");
        o = o->Empty() ? nullptr : &(*o)[0];
    }
    if (!o || !o->IsObject()) {
        CONFRERE_READ(out.object_id, o ? id_value(*o, "object") : Result<std::string>());
        return ok();
    }
    if (max_embedding <= 0)
        return invalid("object", "is embedded too deeply.");
    auto inner = parse_node(*o, max_embedding - 1, true);
    if (!inner) {
        Error e = inner.error();
        e.field = "object." + e.field;
        return std::unexpected<Error>(std::move(e));
    }
    out.object_id = inner->id;
    out.object = std::make_shared<const AsObject>(std::move(*inner));
    return ok();
}

Result<AsObject> parse_node(const Value& v, int max_embedding, bool embedded)
{
    if (!v.IsObject())
        return fail(ErrorKind::InvalidInput, "An ActivityStreams object must be a JSON object.");
    AsObject out;
    CONFRERE_READ(out.type, read_type(v));
    if (const Value* id = find(v, "id")) {
        if (!id->IsString())
            return invalid("id", "must be a string.");
        CONFRERE_READ(out.id, id_value(*id, "id"));
    } else if (!embedded || !may_be_anonymous(out.type))
        return invalid("id", "is missing.");
    CONFRERE_READ(out.actor, single_id(v, "actor"));
    if (auto r = read_addressing(v, out); !r)
        return forward(r);
    if (auto r = read_note_fields(v, out); !r)
        return forward(r);
    if (auto r = read_actor_fields(v, out); !r)
        return forward(r);
    if (auto r = read_object_member(v, max_embedding, out); !r)
        return forward(r);
    CONFRERE_READ(out.target_id, single_id(v, "target"));
    return out;
}

#undef CONFRERE_READ

} // namespace

Result<AsObject> parse_object(const rapidjson::Value& value, int max_embedding)
{
    return parse_node(value, max_embedding, false);
}

std::string host_of(std::string_view url)
{
    auto parsed = parse_fetch_url(url);
    return parsed ? parsed->host_header : std::string();
}

std::string origin_of(std::string_view url)
{
    auto parsed = parse_fetch_url(url);
    return parsed ? (parsed->tls ? "https://" : "http://") + parsed->host_header : std::string();
}

bool is_public_collection(std::string_view id)
{
    return id == kPublicCollection || id == "as:Public" || id == "Public";
}

bool has_activitystreams_context(const rapidjson::Value& document)
{
    if (!document.IsObject())
        return false;
    const Value* c = find(document, "@context");
    if (c && c->IsString())
        return view(*c) == kActivityStreamsContext;
    if (c && c->IsArray())
        return std::any_of(c->Begin(), c->End(),
            [](const Value& e) { return e.IsString() && view(e) == kActivityStreamsContext; });
    return false;
}

} // namespace confrere::federation
