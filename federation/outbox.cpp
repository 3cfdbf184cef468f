#include "federation/outbox.hpp"

#include "core/services/hashtags.hpp"

#include "federation/activitypub/to_activitystreams.hpp"
#include "federation/documents.hpp"

#include <algorithm>

namespace confrere::federation {

using model::ActorRef;

namespace {

std::string remote_inbox(const model::RemoteActor& actor)
{
    return actor.shared_inbox.empty() ? actor.inbox : actor.shared_inbox;
}

// The ActivityPub id and inbox of a mentioned actor; local ones have no inbox to deliver to.
struct Recipient {
    std::string uri;
    std::string handle; // @user@host
    std::string inbox; // empty for local actors
};

Result<std::vector<Recipient>> recipients(storage::Repositories& repos, std::string_view base_url,
    std::string_view host, const std::vector<ActorRef>& refs)
{
    std::vector<Recipient> out;
    for (ActorRef ref : refs) {
        if (ref.local) {
            auto account = repos.accounts().find_by_id(ref.id);
            if (!account)
                return forward(account);
            if (*account)
                out.push_back({ ActorUrls(base_url, (*account)->username).id,
                    "@" + (*account)->username + "@" + std::string(host), {} });
            continue;
        }
        auto actor = repos.remote_actors().find_by_id(ref.id);
        if (!actor)
            return forward(actor);
        if (*actor)
            out.push_back(
                { (*actor)->uri, "@" + (*actor)->username + "@" + (*actor)->host, remote_inbox(**actor) });
    }
    return out;
}

std::string authority(std::string_view base_url)
{
    auto rest = base_url.substr(base_url.find("://") + 3);
    return std::string(rest.substr(0, rest.find('/')));
}

} // namespace

Result<NoteView> FederationOutbox::note_view(storage::Repositories& repos, const model::Account& author,
    const model::Status& status, const std::vector<ActorRef>& mentions) const
{
    if (status.audience == model::Audience::Instance)
        return fail(ErrorKind::Internal, "This status does not federate.");
    ActorUrls urls(base_url_, author.username);
    auto named = recipients(repos, base_url_, authority(base_url_), mentions);
    if (!named)
        return forward(named);
    NoteView note;
    note.id = status.uri;
    note.url = status.url;
    note.attributed_to = urls.id;
    note.content_html = status.content_html;
    note.summary = status.summary;
    note.sensitive = status.sensitive;
    note.language = status.language;
    note.in_reply_to = status.in_reply_to_uri;
    note.context = status.context;
    note.published = status.published;
    note.updated = status.edited_at;
    for (const Recipient& r : *named) {
        // In a group, a mention names someone without addressing them: only members read it.
        if (status.audience != model::Audience::Group)
            (status.audience == model::Audience::Direct ? note.addressing.to : note.addressing.cc)
                .push_back(r.uri);
        note.tags.push_back(AsTag { "Mention", r.uri, r.handle });
    }
    if (status.audience == model::Audience::Group) {
        auto group = group_actor(repos, status);
        if (!group)
            return forward(group);
        note.addressing.to = { group->id };
        note.addressing.cc.clear();
        if (!group->followers.empty())
            note.addressing.cc.push_back(group->followers);
        note.audience = group->id;
    }
    if (status.audience == model::Audience::Followers)
        note.addressing.to.insert(note.addressing.to.begin(), urls.followers);
    auto tags = repos.tags().for_status(status.id);
    if (!tags)
        return forward(tags);
    for (const std::string& name : *tags)
        note.tags.push_back(AsTag { "Hashtag", services::hashtag_url(base_url_, name), "#" + name });
    return note;
}

Status FederationOutbox::enqueue(storage::Repositories& repos, const std::string& uri, std::string json,
    std::optional<Id> signer, std::vector<std::string> inboxes, std::optional<Id> group_signer)
{
    std::vector<std::string> allowed;
    for (std::string& inbox : inboxes) {
        std::string host = host_of(inbox);
        if (host.empty())
            continue;
        auto may = peers_.may_federate(repos, host);
        if (!may)
            return forward(may);
        if (*may && std::find(allowed.begin(), allowed.end(), inbox) == allowed.end())
            allowed.push_back(std::move(inbox));
    }
    if (allowed.empty())
        return ok();
    model::OutboundActivity activity;
    activity.id = ids_.next();
    activity.uri = uri;
    activity.json = std::move(json);
    activity.signer_account_id = group_signer ? std::nullopt : signer;
    activity.signer_group_id = group_signer;
    activity.created_at = clock_.now();
    std::vector<Id> ids;
    for (std::size_t i = 0; i < allowed.size(); ++i)
        ids.push_back(ids_.next());
    return repos.deliveries().enqueue(activity, allowed, ids);
}

Result<std::vector<std::string>> FederationOutbox::audience_inboxes(storage::Repositories& repos,
    const model::Account& author, const model::Status& status, const std::vector<ActorRef>& mentions) const
{
    auto named = recipients(repos, base_url_, authority(base_url_), mentions);
    if (!named)
        return forward(named);
    std::vector<std::string> inboxes;
    if (status.audience == model::Audience::Followers) {
        auto followers = repos.follows().follower_inboxes(model::local_actor(author.id));
        if (!followers)
            return forward(followers);
        inboxes = std::move(*followers);
    }
    for (const Recipient& r : *named)
        if (!r.inbox.empty())
            inboxes.push_back(r.inbox);
    return inboxes;
}

Status FederationOutbox::status_published(storage::Repositories& repos, const model::Account& author,
    const model::Status& status, const std::vector<ActorRef>& mentions)
{
    auto note = note_view(repos, author, status, mentions);
    if (!note)
        return forward(note);
    if (status.audience == model::Audience::Group) {
        std::string activity_id = status.uri + "/activity";
        return group_send(repos, author, status, activity_id,
            create_json(activity_id, note->attributed_to, *note), note_json(*note));
    }
    auto inboxes = audience_inboxes(repos, author, status, mentions);
    if (!inboxes)
        return forward(inboxes);
    std::string activity_id = status.uri + "/activity";
    return enqueue(repos, activity_id, create_json(activity_id, note->attributed_to, *note), author.id,
        std::move(*inboxes));
}

Status FederationOutbox::status_updated(storage::Repositories& repos, const model::Account& author,
    const model::Status& status, const std::vector<ActorRef>& mentions)
{
    auto note = note_view(repos, author, status, mentions);
    if (!note)
        return forward(note);
    auto inboxes = audience_inboxes(repos, author, status, mentions);
    if (!inboxes)
        return forward(inboxes);
    // One Update per edit: the edit time makes its id unique.
    std::string activity_id
        = status.uri + "#updates/" + std::to_string(to_unix_ms(status.edited_at.value_or(clock_.now())));
    if (status.audience == model::Audience::Group)
        return group_send(repos, author, status, activity_id,
            update_json(activity_id, note->attributed_to, *note), {});
    return enqueue(repos, activity_id, update_json(activity_id, note->attributed_to, *note), author.id,
        std::move(*inboxes));
}

Status FederationOutbox::status_deleted(storage::Repositories& repos, const model::Account& author,
    const model::Status& status, const std::vector<ActorRef>& mentions)
{
    auto note = note_view(repos, author, status, mentions);
    if (!note)
        return forward(note);
    auto inboxes = audience_inboxes(repos, author, status, mentions);
    if (!inboxes)
        return forward(inboxes);
    std::string activity_id = status.uri + "#delete";
    if (status.audience == model::Audience::Group)
        return group_send(repos, author, status, activity_id,
            delete_json(activity_id, note->attributed_to, status.uri, note->addressing), {});
    return enqueue(repos, activity_id,
        delete_json(activity_id, note->attributed_to, status.uri, note->addressing), author.id,
        std::move(*inboxes));
}

Status FederationOutbox::follow_sent(storage::Repositories& repos, const model::Account& follower,
    const model::RemoteActor& followee, const model::Follow& follow, bool undo)
{
    std::string actor = ActorUrls(base_url_, follower.username).id;
    if (!undo)
        return enqueue(
            repos, follow.uri, follow_json(follow.uri, actor, followee.uri), follower.id, { followee.inbox });
    std::string id = follow.uri + "/undo";
    return enqueue(repos, id,
        undo_json(id, actor, ActivityRef { follow.uri, "Follow", actor, followee.uri },
            Addressing { { followee.uri }, {} }),
        follower.id, { followee.inbox });
}

Status FederationOutbox::follow_answered(storage::Repositories& repos, const model::Account& followee,
    const model::RemoteActor& follower, const model::Follow& follow, bool accepted)
{
    std::string actor = ActorUrls(base_url_, followee.username).id;
    // A fresh id each time: a repeated Follow is answered again.
    std::string id
        = actor + (accepted ? "#accepts/follows/" : "#rejects/follows/") + std::to_string(ids_.next());
    ActivityRef answered { follow.uri, "Follow", follower.uri, actor };
    std::string json = accepted ? accept_json(id, actor, answered) : reject_json(id, actor, answered);
    return enqueue(repos, id, std::move(json), followee.id, { follower.inbox });
}

Status FederationOutbox::interaction_sent(storage::Repositories& repos, const model::Account& actor,
    const model::Interaction& interaction, const model::Status& status, const model::RemoteActor& author,
    bool undo)
{
    if (interaction.kind != model::InteractionKind::Like)
        return ok();
    std::string actor_id = ActorUrls(base_url_, actor.username).id;
    Addressing to_author { { author.uri }, {} };
    if (!undo)
        return enqueue(repos, interaction.uri, like_json(interaction.uri, actor_id, status.uri, to_author),
            actor.id, { author.inbox });
    std::string id = interaction.uri + "/undo";
    return enqueue(repos, id,
        undo_json(id, actor_id, ActivityRef { interaction.uri, "Like", actor_id, status.uri }, to_author),
        actor.id, { author.inbox });
}

Result<FederationOutbox::GroupActor> FederationOutbox::group_actor(
    storage::Repositories& repos, const model::Status& status) const
{
    if (!status.group)
        return fail(ErrorKind::Internal, "A group status without its group.");
    if (status.group->local) {
        auto group = repos.groups().find_by_id(status.group->id);
        if (!group)
            return forward(group);
        if (!*group)
            return fail(ErrorKind::NotFound, "Group not found.");
        GroupUrls urls(base_url_, (*group)->name);
        return GroupActor { urls.id, urls.followers, {}, std::move(**group) };
    }
    auto actor = repos.remote_actors().find_by_id(status.group->id);
    if (!actor)
        return forward(actor);
    if (!*actor)
        return fail(ErrorKind::NotFound, "Group not found.");
    return GroupActor { (*actor)->uri, (*actor)->followers_url, (*actor)->inbox, std::nullopt };
}

Status FederationOutbox::group_send(storage::Repositories& repos, const model::Account& author,
    const model::Status& status, const std::string& activity_id, std::string activity_json,
    std::string_view object_json)
{
    auto group = group_actor(repos, status);
    if (!group)
        return forward(group);
    // A group of another instance: to the group only, which announces it to its members
    // (members' activities are delivered to the group alone, FEP-171b's rule).
    if (!group->local)
        return enqueue(repos, activity_id, std::move(activity_json), author.id, { group->inbox });
    return announce_to_members(repos, *group->local, activity_json, object_json);
}

Status FederationOutbox::announce_to_members(storage::Repositories& repos, const model::Group& group,
    std::string_view activity_json, std::string_view object_json)
{
    // Only interdisciplinary groups have members elsewhere; the others never leave.
    if (!group.interdisciplinary)
        return ok();
    auto inboxes = repos.groups().member_inboxes(group.id);
    if (!inboxes)
        return forward(inboxes);
    if (inboxes->empty())
        return ok();
    GroupUrls urls(base_url_, group.name);
    const Addressing to_members { { urls.followers }, {} };
    for (std::string_view embedded : { activity_json, object_json }) {
        if (embedded.empty())
            continue;
        std::string id = urls.id + "/announces/" + std::to_string(ids_.next());
        std::string json = announce_embedded_json(id, urls.id, embedded, to_members, clock_.now());
        if (json.empty())
            return fail(ErrorKind::Internal, "Internal error.", "group announce of a non-object");
        if (auto queued = enqueue(repos, id, std::move(json), std::nullopt, *inboxes, group.id); !queued)
            return queued;
    }
    return ok();
}

Status FederationOutbox::group_status_removed(storage::Repositories& repos, const model::Group& group,
    const model::Account& moderator, const model::Status& status)
{
    GroupUrls urls(base_url_, group.name);
    std::string actor = ActorUrls(base_url_, moderator.username).id;
    std::string id = actor + "#removals/" + std::to_string(ids_.next());
    return announce_to_members(repos, group,
        delete_json(id, actor, status.uri, Addressing { { urls.id }, { urls.followers } }), {});
}

Status FederationOutbox::group_member_removed(storage::Repositories& repos, const model::Group& group,
    const model::RemoteActor& member, const model::GroupMember& membership)
{
    GroupUrls urls(base_url_, group.name);
    std::string id = urls.id + "#rejects/follows/" + std::to_string(ids_.next());
    return enqueue(repos, id,
        reject_json(id, urls.id, ActivityRef { membership.follow_uri, "Follow", member.uri, urls.id }),
        std::nullopt, { member.inbox }, group.id);
}

Status FederationOutbox::group_follow_answered(storage::Repositories& repos, const model::Group& group,
    const model::RemoteActor& follower, const model::GroupMember& membership, bool accepted)
{
    GroupUrls urls(base_url_, group.name);
    std::string id
        = urls.id + (accepted ? "#accepts/follows/" : "#rejects/follows/") + std::to_string(ids_.next());
    ActivityRef answered { membership.follow_uri, "Follow", follower.uri, urls.id };
    std::string json = accepted ? accept_json(id, urls.id, answered) : reject_json(id, urls.id, answered);
    return enqueue(repos, id, std::move(json), std::nullopt, { follower.inbox }, group.id);
}

Status FederationOutbox::group_activity_relayed(storage::Repositories& repos, const model::Group& group,
    std::string_view activity_json, std::string_view object_json)
{
    return announce_to_members(repos, group, activity_json, object_json);
}

void FederationOutbox::committed()
{
    if (wake_)
        wake_();
}

} // namespace confrere::federation
