// Writing ActivityStreams 2.0 with RapidJSON's SAX writer, in the shapes Mastodon sends
// (app/serializers/activitypub/*.rb), so that every peer reads them the way Mastodon's are read.
#include "federation/activitypub/to_activitystreams.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

namespace confrere::federation {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, std::string_view value)
{
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void kv(Writer& w, const char* key, std::string_view value)
{
    w.Key(key);
    str(w, value);
}

void kv_if(Writer& w, const char* key, std::string_view value)
{
    if (!value.empty())
        kv(w, key, value);
}

void ids(Writer& w, const char* key, const std::vector<std::string>& values)
{
    w.Key(key);
    w.StartArray();
    for (const auto& v : values)
        str(w, v);
    w.EndArray();
}

void addressing(Writer& w, const Addressing& a)
{
    ids(w, "to", a.to);
    ids(w, "cc", a.cc);
}

// Mastodon's as: extensions (docs: spec/activitypub.md "JSON-LD Contexts"), declared inline when
// used so that JSON-LD processors keep them.
struct ExtraTerms {
    bool sensitive = false;
    bool hashtag = false;
};

ExtraTerms terms_of(const NoteView& note)
{
    return { note.sensitive,
        std::any_of(note.tags.begin(), note.tags.end(), [](const AsTag& t) { return t.type == "Hashtag"; }) };
}

void context(Writer& w, ExtraTerms terms = {})
{
    w.Key("@context");
    if (!terms.sensitive && !terms.hashtag) {
        str(w, kActivityStreamsContext);
        return;
    }
    w.StartArray();
    str(w, kActivityStreamsContext);
    w.StartObject();
    if (terms.sensitive)
        kv(w, "sensitive", "as:sensitive");
    if (terms.hashtag)
        kv(w, "Hashtag", "as:Hashtag");
    w.EndObject();
    w.EndArray();
}

void note_fields(Writer& w, const NoteView& note)
{
    kv(w, "id", note.id);
    kv(w, "type", "Note");
    kv_if(w, "summary", note.summary);
    kv_if(w, "inReplyTo", note.in_reply_to);
    kv(w, "published", format_iso8601(note.published));
    if (note.updated)
        kv(w, "updated", format_iso8601(*note.updated));
    kv_if(w, "url", note.url);
    kv(w, "attributedTo", note.attributed_to);
    addressing(w, note.addressing);
    kv_if(w, "audience", note.audience);
    kv_if(w, "context", note.context);
    if (note.sensitive) {
        w.Key("sensitive");
        w.Bool(true);
    }
    kv(w, "content", note.content_html);
    if (!note.language.empty()) {
        w.Key("contentMap");
        w.StartObject();
        kv(w, note.language.c_str(), note.content_html);
        w.EndObject();
    }
    if (!note.tags.empty()) {
        w.Key("tag");
        w.StartArray();
        for (const auto& t : note.tags) {
            w.StartObject();
            kv(w, "type", t.type);
            kv_if(w, "href", t.href);
            kv(w, "name", t.name);
            w.EndObject();
        }
        w.EndArray();
    }
    kv_if(w, "replies", note.replies_url);
}

std::string wrap_note(std::string_view type, std::string_view activity_id, std::string_view actor,
    const NoteView& note, TimePoint published)
{
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    context(w, terms_of(note));
    kv(w, "id", activity_id);
    kv(w, "type", type);
    kv(w, "actor", actor);
    kv(w, "published", format_iso8601(published));
    addressing(w, note.addressing);
    kv_if(w, "audience", note.audience);
    w.Key("object");
    w.StartObject();
    note_fields(w, note);
    w.EndObject();
    w.EndObject();
    return buf.GetString();
}

// {"@context", id, type, actor, to/cc when given}: the common head of the small activities.
void head(Writer& w, std::string_view id, std::string_view type, std::string_view actor, const Addressing& a)
{
    context(w);
    kv(w, "id", id);
    kv(w, "type", type);
    kv(w, "actor", actor);
    if (!a.to.empty() || !a.cc.empty())
        addressing(w, a);
}

void embedded_activity(Writer& w, const ActivityRef& ref)
{
    w.Key("object");
    w.StartObject();
    kv_if(w, "id", ref.id);
    kv(w, "type", ref.type);
    kv(w, "actor", ref.actor);
    kv(w, "object", ref.object);
    w.EndObject();
}

std::string answer_follow(
    std::string_view type, std::string_view id, std::string_view actor, const ActivityRef& follow)
{
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    head(w, id, type, actor, Addressing { { follow.actor }, {} });
    embedded_activity(w, follow);
    w.EndObject();
    return buf.GetString();
}

void page_head(Writer& w, std::string_view id, std::string_view part_of, ExtraTerms terms)
{
    context(w, terms);
    kv(w, "id", id);
    kv(w, "type", "OrderedCollectionPage");
    kv(w, "partOf", part_of);
}

// "@context", id, type OrderedCollection and totalItems.
void collection_head(Writer& w, std::string_view id, std::int64_t total_items)
{
    context(w);
    kv(w, "id", id);
    kv(w, "type", "OrderedCollection");
    w.Key("totalItems");
    w.Int64(total_items);
}

// Adds the extra terms an embedded document's own @context defines.
void add_terms(ExtraTerms& terms, const rapidjson::Value& document)
{
    auto c = document.FindMember("@context");
    if (c == document.MemberEnd() || !c->value.IsArray())
        return;
    for (const auto& e : c->value.GetArray()) {
        terms.sensitive = terms.sensitive || (e.IsObject() && e.HasMember("sensitive"));
        terms.hashtag = terms.hashtag || (e.IsObject() && e.HasMember("Hashtag"));
    }
}

} // namespace

std::string note_json(const NoteView& note)
{
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    context(w, terms_of(note));
    note_fields(w, note);
    w.EndObject();
    return buf.GetString();
}

std::string create_json(std::string_view activity_id, std::string_view actor, const NoteView& note)
{
    return wrap_note("Create", activity_id, actor, note, note.published);
}

std::string update_json(std::string_view activity_id, std::string_view actor, const NoteView& note)
{
    return wrap_note("Update", activity_id, actor, note, note.updated.value_or(note.published));
}

std::string delete_json(
    std::string_view activity_id, std::string_view actor, std::string_view object_id, const Addressing& a)
{
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    head(w, activity_id, "Delete", actor, {});
    addressing(w, a);
    w.Key("object");
    w.StartObject();
    kv(w, "id", object_id);
    kv(w, "type", "Tombstone");
    w.EndObject();
    w.EndObject();
    return buf.GetString();
}

std::string tombstone_json(std::string_view object_id, std::optional<TimePoint> deleted)
{
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    context(w);
    kv(w, "id", object_id);
    kv(w, "type", "Tombstone");
    if (deleted)
        kv(w, "deleted", format_iso8601(*deleted));
    w.EndObject();
    return buf.GetString();
}

std::string follow_json(std::string_view id, std::string_view actor, std::string_view object)
{
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    head(w, id, "Follow", actor, {});
    kv(w, "object", object);
    w.EndObject();
    return buf.GetString();
}

std::string accept_json(std::string_view id, std::string_view actor, const ActivityRef& follow)
{
    return answer_follow("Accept", id, actor, follow);
}

std::string reject_json(std::string_view id, std::string_view actor, const ActivityRef& follow)
{
    return answer_follow("Reject", id, actor, follow);
}

std::string undo_json(
    std::string_view id, std::string_view actor, const ActivityRef& undone, const Addressing& a)
{
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    head(w, id, "Undo", actor, a);
    embedded_activity(w, undone);
    w.EndObject();
    return buf.GetString();
}

std::string like_json(
    std::string_view id, std::string_view actor, std::string_view object, const Addressing& a)
{
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    head(w, id, "Like", actor, a);
    kv(w, "object", object);
    w.EndObject();
    return buf.GetString();
}

std::string announce_json(std::string_view id, std::string_view actor, std::string_view object,
    const Addressing& a, TimePoint published)
{
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    head(w, id, "Announce", actor, {});
    kv(w, "published", format_iso8601(published));
    addressing(w, a);
    kv(w, "object", object);
    w.EndObject();
    return buf.GetString();
}

std::string announce_embedded_json(std::string_view id, std::string_view actor, std::string_view object_json,
    const Addressing& a, TimePoint published)
{
    rapidjson::Document object;
    object.Parse(object_json.data(), object_json.size());
    if (object.HasParseError() || !object.IsObject())
        return {};
    ExtraTerms terms;
    add_terms(terms, object);
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    context(w, terms);
    kv(w, "id", id);
    kv(w, "type", "Announce");
    kv(w, "actor", actor);
    kv(w, "published", format_iso8601(published));
    addressing(w, a);
    w.Key("object");
    object.Accept(w); // unchanged, its own @context included (FEP-1b12)
    w.EndObject();
    return buf.GetString();
}

std::string ordered_collection_json(
    std::string_view id, std::int64_t total_items, std::string_view first_page)
{
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    collection_head(w, id, total_items);
    kv_if(w, "first", first_page);
    w.EndObject();
    return buf.GetString();
}

std::string ordered_collection_of_ids_json(std::string_view id, const std::vector<std::string>& item_ids)
{
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    collection_head(w, id, static_cast<std::int64_t>(item_ids.size()));
    ids(w, "orderedItems", item_ids);
    w.EndObject();
    return buf.GetString();
}

std::string ordered_collection_page_of_ids_json(std::string_view id, std::string_view part_of,
    const std::vector<std::string>& item_ids, std::string_view next)
{
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    page_head(w, id, part_of, {});
    kv_if(w, "next", next);
    ids(w, "orderedItems", item_ids);
    w.EndObject();
    return buf.GetString();
}

std::string ordered_collection_page_of_documents_json(std::string_view id, std::string_view part_of,
    const std::vector<std::string>& item_documents, std::string_view next)
{
    std::vector<rapidjson::Document> items;
    ExtraTerms terms;
    for (const auto& text : item_documents) {
        rapidjson::Document& d = items.emplace_back();
        d.Parse(text.data(), text.size());
        if (d.HasParseError() || !d.IsObject()) {
            items.pop_back();
            continue;
        }
        // The page's @context must define what the items' own contexts did.
        add_terms(terms, d);
    }
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    page_head(w, id, part_of, terms);
    kv_if(w, "next", next);
    w.Key("orderedItems");
    w.StartArray();
    for (const auto& d : items) {
        w.StartObject();
        for (const auto& m : d.GetObject()) {
            if (m.name == "@context")
                continue;
            m.name.Accept(w);
            m.value.Accept(w);
        }
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return buf.GetString();
}

} // namespace confrere::federation
