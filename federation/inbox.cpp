#include "federation/inbox.hpp"
#include "federation/inbox_support.hpp"

#include "core/base/log.hpp"
#include "core/services/access_policy.hpp"
#include "core/services/notifications.hpp"

#include "core/services/hashtags.hpp"
#include "core/services/social_service.hpp"
#include "federation/html/sanitizer.hpp"

#include <algorithm>

namespace confrere::federation {

using model::ActorRef;

// A Note's hashtags: the names of its Hashtag tags (Mastodon writes "#name"), checked and
// normalised by the rule local posts follow.
std::vector<std::string> hashtags_of(const AsObject& note)
{
    std::vector<std::string> names;
    for (const AsTag& tag : note.tags)
        if (tag.type == "Hashtag")
            names.push_back(tag.name);
    return services::hashtags_from_names(names);
}

bool is_note_like(std::string_view type)
{
    return type == "Note" || type == "Article" || type == "Page" || type == "Question";
}

// The local username an actor URI names (<base>/users/<name>), or empty.
std::string local_username(std::string_view base_url, std::string_view uri)
{
    std::string prefix = std::string(base_url) + "/users/";
    if (!uri.starts_with(prefix))
        return {};
    std::string_view name = uri.substr(prefix.size());
    if (name.empty() || name.find_first_of("/#?") != std::string_view::npos)
        return {};
    return std::string(name);
}

Result<std::optional<model::Account>> local_account(
    storage::Repositories& repos, std::string_view base_url, std::string_view uri)
{
    std::string name = local_username(base_url, uri);
    if (name.empty())
        return std::optional<model::Account> {};
    auto account = repos.accounts().find_by_username(name);
    if (!account)
        return forward(account);
    if (*account && !services::is_discoverable_identity(**account))
        return std::optional<model::Account> {};
    return account;
}

model::Status status_from_note(const AsObject& note, ActorRef author, Id id, TimePoint now)
{
    model::Status status;
    status.id = id;
    status.uri = note.id;
    status.url = note.url.empty() ? note.id : note.url;
    status.author = author;
    status.content_html = sanitize_html(note.content);
    status.summary = html_to_text(note.summary);
    status.sensitive = note.sensitive || !status.summary.empty();
    status.language = note.content_language.size() <= 8 ? note.content_language : std::string();
    status.in_reply_to_uri = note.in_reply_to;
    status.published = note.published.value_or(now);
    status.created_at = now;
    status.context = !note.context.empty() ? note.context
        : !note.conversation.empty()       ? note.conversation
        : !note.in_reply_to.empty()        ? note.in_reply_to
                                           : note.id;
    return status;
}

Result<std::optional<model::Status>> link_parent(storage::Repositories& repos, model::Status& status)
{
    if (status.in_reply_to_uri.empty())
        return std::optional<model::Status> {};
    auto parent = repos.statuses().find_by_uri(status.in_reply_to_uri);
    if (!parent)
        return forward(parent);
    if (*parent) {
        status.in_reply_to_id = (*parent)->id;
        status.context = (*parent)->context;
    }
    return parent;
}

Result<model::RemoteActor> RequestVerifier::verify(const SignableRequest& request, std::string_view body)
{
    if (has_rfc9421_signature(request))
        return fail(
            ErrorKind::Unauthorized, "RFC 9421 signatures are not supported: sign with draft-cavage.");
    auto header = request.header("signature");
    if (!header)
        header = request.header("authorization");
    if (!header)
        return fail(ErrorKind::Unauthorized, "Request signature required.");
    auto params = parse_signature_header(*header);
    if (!params)
        return fail(ErrorKind::Unauthorized, "Malformed Signature header.", params.error().public_message);
    std::string host = host_of(params->key_id);
    if (host.empty())
        return fail(ErrorKind::Unauthorized, "The signature's keyId is not an http(s) URL.");
    auto allowed = peers_.may_federate(host);
    if (!allowed)
        return forward(allowed);
    if (!*allowed)
        return fail(ErrorKind::Forbidden, "This instance does not federate with " + host + ".");
    auto key = resolver_.key(params->key_id);
    if (!key) {
        if (key.error().kind == ErrorKind::Forbidden || key.error().kind == ErrorKind::Internal)
            return forward(key);
        return fail(ErrorKind::Unauthorized, "The signing key cannot be found.", key.error().public_message);
    }
    auto verified = verify_request(request, body, *params, key->key->get(), clock_.now(), policy_);
    if (!verified && !key->fresh && verified.error().field == "signature") {
        // The actor may have rotated its key: fetch it again, once (rate-limited).
        auto refreshed = resolver_.key(params->key_id, /*refresh=*/true);
        if (refreshed) {
            key = std::move(refreshed);
            verified = verify_request(request, body, *params, key->key->get(), clock_.now(), policy_);
        }
    }
    if (!verified)
        return fail(ErrorKind::Unauthorized, "Invalid request signature.", verified.error().public_message);
    return key->actor;
}

Result<InboxProcessor::Received> InboxProcessor::authenticate(
    const SignableRequest& request, std::string_view body)
{
    if (body.size() > options_.json.max_bytes)
        return fail(ErrorKind::PayloadTooLarge, "The activity is too large.");
    auto signer = verifier_.verify(request, body);
    if (!signer)
        return forward(signer);
    auto document = parse_json(body, options_.json);
    if (!document)
        return forward(document);
    auto activity = parse_object(*document);
    if (!activity)
        return forward(activity);
    if (activity->actor != signer->uri)
        return fail(ErrorKind::Forbidden, "The activity's actor is not the signer.");
    if (activity->id.empty() || host_of(activity->id) != signer->host)
        return fail(ErrorKind::Forbidden, "The activity's id is not on its actor's host.");

    // Create and Update carry their object; one given by reference is fetched from its origin
    // (which must be the actor's) before the transaction.
    AsObject resolved = *activity;
    if ((resolved.type == "Create" || resolved.type == "Update") && !resolved.object
        && !resolved.object_id.empty()) {
        if (host_of(resolved.object_id) != signer->host)
            return fail(ErrorKind::Forbidden, "The object is not on its actor's host.");
        auto fetched = resolver_.fetch(resolved.object_id);
        if (!fetched)
            return forward(fetched);
        if (fetched->object.id != resolved.object_id)
            return fail(ErrorKind::Forbidden, "The object fetched is not the one the activity names.");
        resolved.object = std::make_shared<const AsObject>(std::move(fetched->object));
    }
    if ((resolved.type == "Create" || resolved.type == "Update" || resolved.type == "Delete")
        && host_of(resolved.object_id) != signer->host)
        return fail(ErrorKind::Forbidden, "The object is not on its actor's host.");
    return Received { std::move(*signer), std::move(*document), std::move(resolved), body };
}

Status InboxProcessor::finish(const Received& in, Status applied, std::span<const services::LiveEvent> events)
{
    if (!applied) {
        log::info("inbox_refused",
            { { "type", in.activity.type }, { "actor_host", in.signer.host },
                { "reason", applied.error().public_message } });
        return applied;
    }
    outbox_.committed();
    if (live_ != nullptr && !events.empty())
        live_->publish(events);
    return ok();
}

Status InboxProcessor::receive(const SignableRequest& request, std::string_view body)
{
    auto in = authenticate(request, body);
    if (!in)
        return forward(in);
    std::vector<services::LiveEvent> events;
    // A group of another instance relays its members' posts (FEP-1b12).
    Status applied = in->activity.type == "Announce" && in->signer.type == "Group"
        ? apply_group_announce(*in, events)
        : apply(in->signer, in->activity, events);
    return finish(*in, std::move(applied), events);
}

Status store_received_status(storage::Repositories& repos, services::Notifier& notify, const model::Status& status,
    const std::vector<ActorRef>& mentions, const AsObject& note, TimePoint now, std::vector<services::LiveEvent>& events)
{
    if (auto inserted = repos.statuses().insert(status); !inserted)
        return inserted;
    if (!mentions.empty())
        if (auto added = repos.statuses().add_mentions(status.id, mentions); !added)
            return added;
    if (auto tagged = repos.tags().set_for_status(status.id, hashtags_of(note), now); !tagged)
        return tagged;
    events.push_back({ .kind = services::LiveEvent::Kind::StatusPosted, .status_id = status.id });
    if (auto notified = notify.status_created(status); !notified)
        return notified;
    return repos.statuses().attach_orphans(status.uri, status.id);
}

Result<bool> first_delivery(storage::Repositories& repos, std::string_view activity_id, std::string_view host, TimePoint now)
{
    auto fresh = repos.inbox_ledger().remember(activity_id, now);
    if (!fresh || !*fresh)
        return fresh;
    if (auto success = repos.deliveries().record_peer_success(host, now); !success)
        return forward(success);
    return true;
}

Status as_status(const Result<bool>& r)
{
    if (!r)
        return forward(r);
    return ok();
}

Status InboxProcessor::apply(
    const model::RemoteActor& signer, const AsObject& activity, std::vector<services::LiveEvent>& events)
{
    const std::string& base = options_.base_url;
    const ActorRef me = model::remote_actor(signer.id);
    const TimePoint now = clock_.now();
    return store_.write([&](storage::Repositories& repos) -> Status {
        services::Notifier notify(repos, ids_, now, events);
        auto fresh = first_delivery(repos, activity.id, signer.host, now);
        if (!fresh || !*fresh)
            return as_status(fresh); // a duplicate delivery or a replay: applied once already
        const std::string& type = activity.type;

        if (type == "Follow") {
            auto followee = local_account(repos, base, activity.object_id);
            if (!followee)
                return forward(followee);
            if (!*followee)
                return ok();
            auto existing = repos.follows().find(me, model::local_actor((*followee)->id));
            if (!existing)
                return forward(existing);
            model::Follow follow;
            if (*existing) {
                follow = **existing;
                follow.uri = activity.id; // answer the Follow that was just sent
                if (follow.state == model::FollowState::Pending)
                    return ok();
            } else {
                follow.id = ids_.next();
                follow.follower = me;
                follow.followee = model::local_actor((*followee)->id);
                follow.uri = activity.id;
                follow.state
                    = (*followee)->locked ? model::FollowState::Pending : model::FollowState::Accepted;
                follow.created_at = follow.updated_at = now;
                if (auto inserted = repos.follows().insert(follow); !inserted)
                    return inserted;
                if (auto notified = notify.follow_created(follow); !notified)
                    return notified;
                if (follow.state == model::FollowState::Pending)
                    return ok();
            }
            return outbox_.follow_answered(repos, **followee, signer, follow, /*accepted=*/true);
        }

        if (type == "Accept" || type == "Reject") {
            auto follow = repos.follows().find_by_uri(activity.object_id);
            if (!follow)
                return forward(follow);
            if (!*follow && activity.object && activity.object->type == "Follow") {
                auto follower = local_account(repos, base, activity.object->actor);
                if (!follower)
                    return forward(follower);
                if (*follower && activity.object->object_id == signer.uri)
                    follow = repos.follows().find(model::local_actor((*follower)->id), me);
                if (!follow)
                    return forward(follow);
            }
            if (!*follow || (*follow)->followee != me || !(*follow)->follower.local)
                return ok();
            if (type == "Accept")
                return repos.follows().set_state((*follow)->id, model::FollowState::Accepted, now);
            return repos.follows().remove((*follow)->id);
        }

        if (type == "Undo") {
            std::string inner_type = activity.object ? activity.object->type : std::string();
            if (activity.object && activity.object->actor != signer.uri)
                return fail(ErrorKind::Forbidden, "An actor can only undo its own activities.");
            auto follow = repos.follows().find_by_uri(activity.object_id);
            if (!follow)
                return forward(follow);
            if (!*follow && inner_type == "Follow") {
                auto followee = local_account(repos, base, activity.object->object_id);
                if (!followee)
                    return forward(followee);
                if (*followee)
                    follow = repos.follows().find(me, model::local_actor((*followee)->id));
                if (!follow)
                    return forward(follow);
            }
            if (*follow) {
                if ((*follow)->follower != me)
                    return fail(ErrorKind::Forbidden, "An actor can only undo its own follows.");
                if (auto notified = notify.follow_removed(**follow); !notified)
                    return notified;
                return repos.follows().remove((*follow)->id);
            }
            auto interaction = repos.interactions().find_by_uri(activity.object_id);
            if (!interaction)
                return forward(interaction);
            if (*interaction) {
                if ((*interaction)->actor != me)
                    return fail(ErrorKind::Forbidden, "An actor can only undo its own activities.");
                if (auto notified = notify.interaction_removed(**interaction); !notified)
                    return notified;
                return repos.interactions().remove((*interaction)->id);
            }
            return ok();
        }

        if (type == "Create" || type == "Update") {
            if (!activity.object || !is_note_like(activity.object->type))
                return ok();
            const AsObject& note = *activity.object;
            if (note.attributed_to != signer.uri)
                return fail(ErrorKind::Forbidden, "The object is not attributed to the activity's actor.");
            auto existing = repos.statuses().find_by_uri(note.id);
            if (!existing)
                return forward(existing);
            if (type == "Update") {
                if (!*existing || (*existing)->deleted_at)
                    return ok();
                if ((*existing)->author != me)
                    return fail(ErrorKind::Forbidden, "An actor can only update its own objects.");
                model::Status updated = **existing;
                updated.content_html = sanitize_html(note.content);
                updated.summary = html_to_text(note.summary);
                updated.sensitive = note.sensitive || !updated.summary.empty();
                events.push_back({ .kind = services::LiveEvent::Kind::StatusEdited, .status_id = updated.id });
                if (auto changed = repos.statuses().update_content(updated, note.updated.value_or(now));
                    !changed)
                    return changed;
                if (auto tagged = repos.tags().set_for_status(updated.id, hashtags_of(note), now); !tagged)
                    return tagged;
                return notify.status_edited(updated);
            }
            if (*existing)
                return ok(); // a Create for a status we have, or a Delete that came first
            // Whom is it for? Public or the author's followers: the followers here; else only
            // the local actors it names. Nothing is stored that no local member may read.
            std::vector<ActorRef> mentions;
            bool to_followers = false;
            for (const auto* list : { &note.to, &note.cc, &activity.to, &activity.cc })
                for (const std::string& address : *list) {
                    if (is_public_collection(address)
                        || (!signer.followers_url.empty() && address == signer.followers_url))
                        to_followers = true;
                    auto account = local_account(repos, base, address);
                    if (!account)
                        return forward(account);
                    if (*account) {
                        ActorRef ref = model::local_actor((*account)->id);
                        if (std::find(mentions.begin(), mentions.end(), ref) == mentions.end())
                            mentions.push_back(ref);
                    }
                }
            bool followed = false;
            if (to_followers) {
                auto count = repos.follows().count_followers(me, model::FollowState::Accepted);
                if (!count)
                    return forward(count);
                followed = *count > 0;
            }
            if (!followed && mentions.empty())
                return ok();
            model::Status status = status_from_note(note, me, ids_.next(), now);
            status.audience = followed ? model::Audience::Followers : model::Audience::Direct;
            if (auto parent = link_parent(repos, status); !parent)
                return forward(parent);
            return store_received_status(repos, notify, status, mentions, note, now, events);
        }

        if (type == "Delete") {
            if (activity.object_id == signer.uri) {
                log::info("remote_actor_deleted", { { "actor_host", signer.host } });
                return ok(); // follows and statuses go with issue 4's account lifecycle
            }
            auto existing = repos.statuses().find_by_uri(activity.object_id);
            if (!existing)
                return forward(existing);
            if (!*existing)
                return ok();
            if ((*existing)->author != me)
                return fail(ErrorKind::Forbidden, "An actor can only delete its own objects.");
            events.push_back({ .kind = services::LiveEvent::Kind::StatusDeleted, .status_id = (*existing)->id });
            if (auto notified = notify.status_deleted((*existing)->id); !notified)
                return notified;
            return repos.statuses().mark_deleted((*existing)->id, now);
        }

        if (type == "Like" || type == "Announce") {
            auto status = repos.statuses().find_by_uri(activity.object_id);
            if (!status)
                return forward(status);
            // Only local statuses the actor may read (received as a follower or a mention).
            if (!*status || !(*status)->author.local)
                return ok();
            auto readable = services::can_read(repos, me, **status);
            if (!readable)
                return forward(readable);
            if (!*readable)
                return ok();
            auto kind = type == "Like" ? model::InteractionKind::Like : model::InteractionKind::Announce;
            auto existing = repos.interactions().find(kind, me, (*status)->id);
            if (!existing)
                return forward(existing);
            if (*existing)
                return ok();
            model::Interaction interaction;
            interaction.id = ids_.next();
            interaction.kind = kind;
            interaction.actor = me;
            interaction.status_id = (*status)->id;
            interaction.uri = activity.id;
            interaction.created_at = now;
            if (auto inserted = repos.interactions().insert(interaction); !inserted)
                return inserted;
            return notify.interaction_created(interaction, **status);
        }

        if (type == "Block") {
            auto blocked = local_account(repos, base, activity.object_id);
            if (!blocked)
                return forward(blocked);
            if (!*blocked)
                return ok();
            ActorRef local = model::local_actor((*blocked)->id);
            for (auto [from, to] : { std::pair { me, local }, std::pair { local, me } }) {
                auto follow = repos.follows().find(from, to);
                if (!follow)
                    return forward(follow);
                if (*follow) {
                    if (auto removed = repos.follows().remove((*follow)->id); !removed)
                        return removed;
                    if (auto notified = notify.follow_removed(**follow); !notified)
                        return notified;
                }
            }
            return ok();
        }
        return ok(); // unknown or unsupported types are accepted and ignored
    });
}

} // namespace confrere::federation
