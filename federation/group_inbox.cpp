// Groups over ActivityPub (FEP-1b12), inbound: what remote members send to a group here, and
// what a group of another instance announces to the members it has here. The rules of who may
// read a group's posts are services::is_group_member's; this file decides what is stored.
#include "core/base/log.hpp"
#include "core/services/notifications.hpp"
#include "core/services/social_service.hpp"
#include "federation/documents.hpp"
#include "federation/html/sanitizer.hpp"
#include "federation/inbox.hpp"
#include "federation/inbox_support.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

namespace confrere::federation {

using model::ActorRef;

namespace {

// Whether `note` (or the activity carrying it) is addressed to the group `uri`: its audience,
// or one of its recipients (Lemmy addresses the community in `to`).
bool addressed_to(const AsObject& note, const AsObject* activity, std::string_view uri)
{
    if (note.audience == uri)
        return true;
    auto in = [&](const std::vector<std::string>& list) { return std::find(list.begin(), list.end(), uri) != list.end(); };
    return in(note.to) || in(note.cc) || (activity != nullptr && (in(activity->to) || in(activity->cc)));
}

// The `object` member of a received document as JSON text, if it is an object (what a group
// announces alongside the activity, for peers that read only announced objects). It takes the
// document's @context when it has none of its own: its terms were compacted against that context
// (JSON-LD 1.1 §3.1), and out of it a term such as Mastodon's `Emoji` means nothing.
std::string embedded_object_json(const rapidjson::Document& document)
{
    auto object = document.FindMember("object");
    if (object == document.MemberEnd() || !object->value.IsObject())
        return {};
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    auto context = document.FindMember("@context");
    if (context == document.MemberEnd() || object->value.HasMember("@context")) {
        object->value.Accept(w);
        return buf.GetString();
    }
    w.StartObject();
    w.Key("@context");
    context->value.Accept(w);
    for (const auto& member : object->value.GetObject()) {
        w.Key(member.name.GetString(), member.name.GetStringLength());
        member.value.Accept(w);
    }
    w.EndObject();
    return buf.GetString();
}

// The local accounts a Note's Mention tags name (for notifications; they read it only as members).
Result<std::vector<ActorRef>> local_mentions(
    storage::Repositories& repos, std::string_view base_url, const AsObject& note)
{
    std::vector<ActorRef> out;
    for (const AsTag& tag : note.tags) {
        if (tag.type != "Mention")
            continue;
        auto account = local_account(repos, base_url, tag.href);
        if (!account)
            return forward(account);
        if (*account) {
            ActorRef ref = model::local_actor((*account)->id);
            if (std::find(out.begin(), out.end(), ref) == out.end())
                out.push_back(ref);
        }
    }
    return out;
}

// Stores a group status received from a member (here) or through a group's Announce.
Status store_group_status(storage::Repositories& repos, std::string_view base_url, services::Notifier& notify,
    model::Status& status, const AsObject& note, TimePoint now, std::vector<services::LiveEvent>& events)
{
    auto mentions = local_mentions(repos, base_url, note);
    if (!mentions)
        return forward(mentions);
    return store_received_status(repos, notify, status, *mentions, note, now, events);
}

Status update_group_status(storage::Repositories& repos, services::Notifier& notify, model::Status status,
    const AsObject& note, TimePoint now, std::vector<services::LiveEvent>& events)
{
    status.content_html = sanitize_html(note.content);
    status.summary = html_to_text(note.summary);
    status.sensitive = note.sensitive || !status.summary.empty();
    events.push_back({ .kind = services::LiveEvent::Kind::StatusEdited, .status_id = status.id });
    if (auto changed = repos.statuses().update_content(status, note.updated.value_or(now)); !changed)
        return changed;
    if (auto tagged = repos.tags().set_for_status(status.id, hashtags_of(note), now); !tagged)
        return tagged;
    return notify.status_edited(status);
}

Status delete_group_status(storage::Repositories& repos, services::Notifier& notify, const model::Status& status,
    TimePoint now, std::vector<services::LiveEvent>& events)
{
    events.push_back({ .kind = services::LiveEvent::Kind::StatusDeleted, .status_id = status.id });
    if (auto notified = notify.status_deleted(status.id); !notified)
        return notified;
    return repos.statuses().mark_deleted(status.id, now);
}

} // namespace

Status InboxProcessor::receive_for_group(
    std::string_view group_name, const SignableRequest& request, std::string_view body)
{
    auto group = storage::read_value(store_, [&](storage::Repositories& repos) { return repos.groups().find_by_name(group_name); });
    if (!group)
        return forward(group);
    if (!*group)
        return fail(ErrorKind::NotFound, "Not found.");
    auto in = authenticate(request, body);
    if (!in)
        return forward(in);
    std::vector<services::LiveEvent> events;
    Status applied = apply_to_group(**group, *in, events); // before `events` is read
    return finish(*in, std::move(applied), events);
}

Status InboxProcessor::apply_to_group(
    const model::Group& group, const Received& in, std::vector<services::LiveEvent>& events)
{
    const std::string& base = options_.base_url;
    const GroupUrls urls(base, group.name);
    const model::RemoteActor& signer = in.signer;
    const AsObject& activity = in.activity;
    const ActorRef me = model::remote_actor(signer.id);
    const ActorRef here = model::local_actor(group.id);
    const TimePoint now = clock_.now();
    return store_.write([&](storage::Repositories& repos) -> Status {
        services::Notifier notify(repos, ids_, now, events);
        auto fresh = first_delivery(repos, activity.id, signer.host, now);
        if (!fresh || !*fresh)
            return as_status(fresh);
        const std::string& type = activity.type;

        if (type == "Follow") {
            if (activity.object_id != urls.id)
                return ok();
            model::GroupMember member;
            auto existing = repos.groups().find_member(group.id, me);
            if (!existing)
                return forward(existing);
            if (*existing) {
                member = **existing;
            } else {
                member.id = ids_.next();
                member.group_id = group.id;
                member.member = me;
                member.role = model::GroupRole::Member;
                member.created_at = now;
            }
            member.follow_uri = activity.id; // answer the Follow that was just sent
            member.state = model::FollowState::Accepted;
            // A profession-only group keeps to this instance's members.
            if (!group.interdisciplinary)
                return outbox_.group_follow_answered(repos, group, signer, member, /*accepted=*/false);
            auto saved = *existing ? repos.groups().update_member(member, now) : repos.groups().insert_member(member);
            if (!saved)
                return saved;
            return outbox_.group_follow_answered(repos, group, signer, member, /*accepted=*/true);
        }

        if (type == "Undo") {
            if (activity.object && activity.object->actor != signer.uri)
                return fail(ErrorKind::Forbidden, "An actor can only undo its own activities.");
            auto member = repos.groups().find_member_by_follow_uri(activity.object_id);
            if (!member)
                return forward(member);
            if (!*member && activity.object && activity.object->type == "Follow")
                member = repos.groups().find_member(group.id, me);
            if (!member)
                return forward(member);
            if (!*member || (*member)->group_id != group.id)
                return ok();
            if ((*member)->member != me)
                return fail(ErrorKind::Forbidden, "An actor can only undo its own follows.");
            return repos.groups().remove_member((*member)->id);
        }

        if (type == "Create" || type == "Update" || type == "Delete") {
            auto member = services::is_group_member(repos, me, here);
            if (!member)
                return forward(member);
            if (!*member)
                return fail(ErrorKind::Forbidden, "The actor is not a member of this group.");
        }

        if (type == "Create") {
            if (!activity.object || !is_note_like(activity.object->type))
                return ok();
            const AsObject& note = *activity.object;
            if (note.attributed_to != signer.uri)
                return fail(ErrorKind::Forbidden, "The object is not attributed to the activity's actor.");
            if (!addressed_to(note, &activity, urls.id))
                return fail(ErrorKind::Unprocessable, "The post is not addressed to this group.");
            auto existing = repos.statuses().find_by_uri(note.id);
            if (!existing)
                return forward(existing);
            if (*existing)
                return ok();
            model::Status status = status_from_note(note, me, ids_.next(), now);
            status.audience = model::Audience::Group;
            status.group = here;
            auto parent = link_parent(repos, status);
            if (!parent)
                return forward(parent);
            // A thread stays in its group: a reply answers a post of this group.
            if (!status.in_reply_to_uri.empty() && (!*parent || (*parent)->group != here))
                return fail(ErrorKind::Unprocessable, "A reply in a group answers a post of this group.");
            if (auto stored = store_group_status(repos, base, notify, status, note, now, events); !stored)
                return stored;
            return outbox_.group_activity_relayed(repos, group, in.body, embedded_object_json(in.document));
        }

        if (type == "Update" || type == "Delete") {
            std::string uri = type == "Update" && activity.object ? activity.object->id : activity.object_id;
            auto existing = repos.statuses().find_by_uri(uri);
            if (!existing)
                return forward(existing);
            if (!*existing || (*existing)->deleted_at || (*existing)->group != here)
                return ok();
            if ((*existing)->author != me)
                return fail(ErrorKind::Forbidden, "An actor can only change its own posts.");
            Status changed = type == "Delete"
                ? delete_group_status(repos, notify, **existing, now, events)
                : (activity.object && is_note_like(activity.object->type)
                          ? update_group_status(repos, notify, **existing, *activity.object, now, events)
                          : ok());
            if (!changed)
                return changed;
            return outbox_.group_activity_relayed(repos, group, in.body, {});
        }
        return ok(); // Likes and the rest are not relayed
    });
}

Status InboxProcessor::apply_group_announce(const Received& in, std::vector<services::LiveEvent>& events)
{
    const model::RemoteActor& group = in.signer;
    const AsObject& announce = in.activity;
    // What is announced: an activity (Create, Update, Delete) or a bare Note; by reference, it
    // is fetched from its origin.
    AsObject inner;
    if (announce.object) {
        inner = *announce.object;
    } else if (!announce.object_id.empty()) {
        auto fetched = resolver_.fetch(announce.object_id);
        if (!fetched)
            return ok(); // gone, or not for us: nothing to store
        if (fetched->object.id != announce.object_id)
            return fail(ErrorKind::Forbidden, "The object fetched is not the one announced.");
        inner = std::move(fetched->object);
    } else {
        return ok();
    }
    std::string kind = inner.type;
    std::optional<AsObject> note;
    std::string author_uri;
    if (is_note_like(inner.type)) {
        kind = "Create";
        author_uri = inner.attributed_to;
        note = inner;
    } else if (inner.type == "Create" || inner.type == "Update") {
        author_uri = inner.actor;
        if (inner.object) {
            note = *inner.object;
        } else if (!inner.object_id.empty() && host_of(inner.object_id) == host_of(inner.actor)) {
            auto fetched = resolver_.fetch(inner.object_id);
            if (!fetched)
                return ok();
            if (fetched->object.id != inner.object_id)
                return fail(ErrorKind::Forbidden, "The object fetched is not the one announced.");
            note = std::move(fetched->object);
        }
        if (!note || !is_note_like(note->type))
            return ok();
    } else if (inner.type != "Delete") {
        return ok(); // Likes, Undo…: not shown here
    }

    std::optional<model::RemoteActor> author;
    if (note) {
        // The group vouches for what it announces only if it is its author's and addressed to it.
        if (note->attributed_to != author_uri || host_of(note->id) != host_of(author_uri)
            || host_of(note->id).empty())
            return fail(ErrorKind::Forbidden, "The announced post is not its author's.");
        if (!addressed_to(*note, inner.type == "Create" || inner.type == "Update" ? &inner : nullptr, group.uri))
            return fail(ErrorKind::Forbidden, "The group does not vouch for this post: it is not addressed to the group.");
        if (author_uri.starts_with(options_.base_url + "/"))
            return ok(); // one of ours, announced back
        auto found = resolver_.actor(author_uri); // on an untrusted host: refused
        if (!found)
            return forward(found);
        author = std::move(*found);
    }

    const ActorRef in_group = model::remote_actor(group.id);
    const TimePoint now = clock_.now();
    return store_.write([&](storage::Repositories& repos) -> Status {
        services::Notifier notify(repos, ids_, now, events);
        auto fresh = first_delivery(repos, announce.id, group.host, now);
        if (!fresh || !*fresh)
            return as_status(fresh);
        // Nothing is stored that no local member may read.
        auto followers = repos.follows().count_followers(in_group, model::FollowState::Accepted);
        if (!followers)
            return forward(followers);
        if (*followers == 0)
            return ok();

        if (kind == "Delete") {
            auto existing = repos.statuses().find_by_uri(inner.object_id);
            if (!existing)
                return forward(existing);
            // The group removes what is in it: its author's deletion or a moderator's removal.
            if (!*existing || (*existing)->deleted_at || (*existing)->group != in_group)
                return ok();
            return delete_group_status(repos, notify, **existing, now, events);
        }
        const ActorRef by = model::remote_actor(author->id);
        auto existing = repos.statuses().find_by_uri(note->id);
        if (!existing)
            return forward(existing);
        if (kind == "Update") {
            if (!*existing || (*existing)->deleted_at || (*existing)->group != in_group || (*existing)->author != by)
                return ok();
            return update_group_status(repos, notify, **existing, *note, now, events);
        }
        if (*existing)
            return ok(); // announced twice (activity and object), or already here
        model::Status status = status_from_note(*note, by, ids_.next(), now);
        status.audience = model::Audience::Group;
        status.group = in_group;
        if (auto parent = link_parent(repos, status); !parent)
            return forward(parent);
        return store_group_status(repos, options_.base_url, notify, status, *note, now, events);
    });
}

} // namespace confrere::federation
