// Outbound ActivityStreams 2.0 documents: Notes, the activities around them, follows and
// collections. Pure functions: no I/O, no storage; the caller has decided who may see what
// (the audience → addressing mapping of notes/activitypub-interop.md §6 is not made here).
// Every document has "@context": "https://www.w3.org/ns/activitystreams", which Mastodon
// requires; a Note that uses `sensitive` or Hashtag tags adds those two terms inline (they are
// Mastodon's as: extensions, unknown to JSON-LD processors such as Fedify otherwise). Nothing
// else is added: no other context URL, no LD signature, no bto/bcc.
// Empty strings and empty optionals are left out of the output, except to/cc (always arrays).
#pragma once

#include "core/base/time.hpp"
#include "federation/activitypub/vocabulary.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confrere::federation {

// Recipients as written in `to` and `cc` (ids; Public as kPublicCollection when ever used).
struct Addressing {
    std::vector<std::string> to, cc;
};

// What a Note says, ready to write. `content_html` and `summary` are written as given (the
// caller renders and escapes them); `language` is a BCP 47 tag that adds contentMap.
struct NoteView {
    std::string id, url, attributed_to, content_html, summary, in_reply_to, context, language;
    bool sensitive = false;
    TimePoint published {};
    std::optional<TimePoint> updated; // set on edited notes: Mastodon ignores edits without it
    Addressing addressing;
    std::vector<AsTag> tags; // Mention (href = actor id, name "@user@host") and Hashtag
    std::string replies_url; // the replies collection's id
    std::string audience; // the group (FEP-1b12), empty otherwise
};

// An activity embedded in an Accept, Reject or Undo, by its id and what the receiver needs to
// find it without dereferencing it (Mastodon and GoToSocial match on id, others on actor+object).
struct ActivityRef {
    std::string id, type, actor, object;
};

// The Note itself (served at its id, embedded in Create/Update).
std::string note_json(const NoteView& note);

// Create{Note}: same to/cc/audience as the note, published = note.published.
std::string create_json(std::string_view activity_id, std::string_view actor, const NoteView& note);

// Update{Note}: same to/cc/audience as the note, published = note.updated (or note.published).
std::string update_json(std::string_view activity_id, std::string_view actor, const NoteView& note);

// Delete{Tombstone}: object {"id": object_id, "type": "Tombstone"} (Mastodon's shape).
std::string delete_json(std::string_view activity_id, std::string_view actor, std::string_view object_id,
    const Addressing& addressing);

// The Tombstone served (with 410 Gone) at a deleted object's id.
std::string tombstone_json(std::string_view object_id, std::optional<TimePoint> deleted);

std::string follow_json(std::string_view id, std::string_view actor, std::string_view object);

// Accept{Follow} and Reject{Follow}: the Follow embedded, addressed to its actor (the follower).
std::string accept_json(std::string_view id, std::string_view actor, const ActivityRef& follow);
std::string reject_json(std::string_view id, std::string_view actor, const ActivityRef& follow);

// Undo{Follow|Like|Announce|Block}: the undone activity embedded.
std::string undo_json(std::string_view id, std::string_view actor, const ActivityRef& undone,
    const Addressing& addressing = {});

std::string like_json(
    std::string_view id, std::string_view actor, std::string_view object, const Addressing& addressing = {});
std::string announce_json(std::string_view id, std::string_view actor, std::string_view object,
    const Addressing& addressing, TimePoint published);

// Announce{object} with `object_json` (a JSON object as text) embedded unchanged: how a group
// relays its members' activities (FEP-1b12). Empty if `object_json` is not a JSON object.
std::string announce_embedded_json(std::string_view id, std::string_view actor, std::string_view object_json,
    const Addressing& addressing, TimePoint published);

// An OrderedCollection (followers, outbox, replies) with its size and its first page (left out
// when empty).
std::string ordered_collection_json(
    std::string_view id, std::int64_t total_items, std::string_view first_page);

// A small OrderedCollection listing its items inline (a group's moderators, as Lemmy reads them).
std::string ordered_collection_of_ids_json(std::string_view id, const std::vector<std::string>& item_ids);

// An OrderedCollectionPage of ids (followers, following, replies). `next` left out when empty.
std::string ordered_collection_page_of_ids_json(std::string_view id, std::string_view part_of,
    const std::vector<std::string>& item_ids, std::string_view next);

// An OrderedCollectionPage of embedded documents (outbox: Create activities made above), each
// item being one JSON object as text, written as is without its "@context" (the page's applies).
// An item that is not a JSON object is left out.
std::string ordered_collection_page_of_documents_json(std::string_view id, std::string_view part_of,
    const std::vector<std::string>& item_documents, std::string_view next);

} // namespace confrere::federation
