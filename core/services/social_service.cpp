#include "core/services/social_service.hpp"

#include <array>

#include "core/base/text.hpp"
#include "core/crypto/secrets.hpp"
#include "core/services/access_policy.hpp"
#include "core/services/notifications.hpp"

#include "core/services/group_service.hpp"
#include "core/services/hashtags.hpp"

#include <algorithm>

namespace confrere::services {

using model::ActorRef;
using model::Audience;

namespace {

Error not_found(std::string_view what, std::string field = {})
{
    return Error { ErrorKind::NotFound, std::string(what) + " not found.", {}, std::move(field) };
}

void add_unique(std::vector<ActorRef>& refs, ActorRef ref)
{
    if (std::find(refs.begin(), refs.end(), ref) == refs.end())
        refs.push_back(ref);
}

// The target of a follow or a mention: an active local account or a known remote actor.
Result<std::optional<model::RemoteActor>> check_target(storage::Repositories& repos, ActorRef target)
{
    if (target.local) {
        auto account = repos.accounts().find_by_id(target.id);
        if (!account)
            return forward(account);
        if (!*account || (*account)->state != model::AccountState::Active)
            return std::unexpected(not_found("Account"));
        return std::optional<model::RemoteActor> {};
    }
    auto actor = repos.remote_actors().find_by_id(target.id);
    if (!actor)
        return forward(actor);
    if (!*actor)
        return std::unexpected(not_found("Account"));
    return *actor;
}

// The remote actor behind `ref`; nullopt for a local account (or a remote actor gone since).
Result<std::optional<model::RemoteActor>> remote_of(storage::Repositories& repos, ActorRef ref)
{
    if (ref.local)
        return std::optional<model::RemoteActor> {};
    return repos.remote_actors().find_by_id(ref.id);
}

// The rules on what a member types: not empty, not too long, UTF-8.
Status check_text(const PostRequest& request, const PostingLimits& limits)
{
    std::string_view text = text::trim(request.text);
    if (text.empty())
        return fail(ErrorKind::Unprocessable, "The status is empty.", {}, "status");
    if (!text::is_valid_utf8(text) || !text::is_valid_utf8(request.summary))
        return fail(ErrorKind::Unprocessable, "The status is not valid UTF-8 text.", {}, "status");
    // Mastodon's words ("Text character limit of 500 exceeded"), so clients show them as is.
    if (text.size() > kMaxStatusTextBytes || text::count_code_points(text) > limits.max_characters)
        return fail(ErrorKind::Unprocessable,
            "Text character limit of " + std::to_string(limits.max_characters) + " exceeded", {}, "status");
    if (request.summary.size() > kMaxSummaryBytes)
        return fail(ErrorKind::Unprocessable, "The content warning is too long.", {}, "spoiler_text");
    if (request.idempotency_key.size() > kMaxIdempotencyKeyBytes)
        return fail(ErrorKind::Unprocessable,
            "The Idempotency-Key is longer than " + std::to_string(kMaxIdempotencyKeyBytes) + " bytes.", {},
            "Idempotency-Key");
    return ok();
}

} // namespace

std::string local_status_uri(std::string_view base_url, std::string_view username, Id id)
{
    return std::string(base_url) + "/users/" + std::string(username) + "/statuses/" + std::to_string(id);
}

std::string local_follow_uri(std::string_view base_url, std::string_view username, Id id)
{
    return std::string(base_url) + "/users/" + std::string(username) + "/follows/" + std::to_string(id);
}

Result<bool> can_read(storage::Repositories& repos, ActorRef reader, const model::Status& status)
{
    if (status.deleted_at)
        return false;
    if (status.author == reader)
        return true;
    auto mentioned = [&]() -> Result<bool> {
        auto mentions = repos.statuses().mentions(status.id);
        if (!mentions)
            return forward(mentions);
        return std::find(mentions->begin(), mentions->end(), reader) != mentions->end();
    };
    switch (status.audience) {
    case Audience::Instance:
        return status.author.local && reader.local;
    case Audience::Followers: {
        auto follow = repos.follows().find(reader, status.author);
        if (!follow)
            return forward(follow);
        if (*follow && (*follow)->state == model::FollowState::Accepted)
            return true;
        return mentioned();
    }
    case Audience::Direct:
        return mentioned();
    case Audience::Group:
        return is_group_member(repos, reader, status.group);
    }
    return false;
}

Result<bool> is_group_member(storage::Repositories& repos, ActorRef actor, std::optional<ActorRef> group)
{
    if (!group)
        return false;
    if (group->local) {
        auto member = repos.groups().find_member(group->id, actor);
        if (!member)
            return forward(member);
        return *member && (*member)->state == model::FollowState::Accepted;
    }
    // A group of another instance: its local members are the accounts following it here.
    if (!actor.local)
        return false;
    auto follow = repos.follows().find(actor, *group);
    if (!follow)
        return forward(follow);
    return *follow && (*follow)->state == model::FollowState::Accepted;
}

Result<bool> can_read(storage::Repositories& repos, const model::Account& reader, const model::Status& status)
{
    return can_read(repos, model::local_actor(reader.id), status);
}

Status SocialService::write(const std::function<Status(storage::Repositories&)>& work)
{
    auto done = store_.write(work);
    if (done)
        outbox_.committed();
    return done;
}

void SocialService::publish(std::span<const LiveEvent> events)
{
    if (live_ != nullptr && !events.empty())
        live_->publish(events);
}

Result<model::Status> SocialService::post(const model::Account& author, PostRequest request)
{
    if (auto allowed = require_member_reader(author); !allowed)
        return forward(allowed);
    if (auto valid = check_text(request, limits_); !valid)
        return forward(valid);
    std::string_view text = text::trim(request.text);
    if (request.group)
        request.audience = Audience::Group;

    model::Status status;
    status.id = ids_.next();
    status.uri = local_status_uri(base_url_, author.username, status.id);
    status.url = status.uri;
    status.author = model::local_actor(author.id);
    status.audience = request.audience;
    status.source_text = std::string(text);
    status.content_html = render_(text);
    status.summary = std::string(text::trim(request.summary));
    status.sensitive = request.sensitive || !status.summary.empty();
    status.language = request.language.size() <= 8 ? request.language : std::string();
    status.context = status.uri;
    status.published = status.created_at = clock_.now();
    std::vector<ActorRef> mentions;
    for (ActorRef ref : request.mentions)
        if (ref != status.author)
            add_unique(mentions, ref);
    // Hashed like bearer secrets: a key may be anything a client chose.
    const std::string key_hash
        = request.idempotency_key.empty() ? std::string() : crypto::sha256_hex(request.idempotency_key);
    std::optional<model::Status> replayed;

    std::vector<LiveEvent> events { { .kind = LiveEvent::Kind::StatusPosted, .status_id = status.id } };
    auto done = write([&](storage::Repositories& repos) -> Status {
        if (!key_hash.empty()) {
            const TimePoint now = clock_.now();
            if (auto pruned = repos.idempotency_keys().prune(now - kIdempotencyKeyLifetime); !pruned)
                return forward(pruned);
            auto earlier = repos.idempotency_keys().find(author.id, key_hash, now - kIdempotencyKeyLifetime);
            if (!earlier)
                return forward(earlier);
            if (*earlier) {
                auto original = repos.statuses().find_by_id(**earlier);
                if (!original)
                    return forward(original);
                // A status deleted since does not come back: the key then posts anew.
                if (*original && !(*original)->deleted_at) {
                    replayed = std::move(**original);
                    return ok();
                }
            }
        }
        if (request.in_reply_to) {
            auto parent = repos.statuses().find_by_id(*request.in_reply_to);
            if (!parent)
                return forward(parent);
            if (!*parent)
                return std::unexpected(not_found("Status", "in_reply_to_id"));
            auto readable = can_read(repos, author, **parent);
            if (!readable)
                return forward(readable);
            if (!*readable)
                return std::unexpected(not_found("Status", "in_reply_to_id"));
            const model::Status& p = **parent;
            bool own = p.author == status.author;
            if (p.audience == Audience::Group && status.audience != Audience::Direct) {
                // A reply stays in its thread's group, whatever visibility the client sent
                // (Mastodon clients repeat the parent's, shown as "private").
                if (request.group && request.group != p.group)
                    return fail(ErrorKind::Unprocessable, "A reply stays in the group of the post it answers.",
                        {}, "group_id");
                status.audience = Audience::Group;
                status.group = p.group;
            } else if (!own && (p.audience == Audience::Followers || p.audience == Audience::Direct)) {
                // Someone else's restricted post: the reply goes to its author and the people
                // it named, never to the replier's followers.
                if (status.audience != Audience::Direct)
                    return fail(ErrorKind::Unprocessable,
                        "A reply to a restricted post can only be a direct message to its participants.", {},
                        "visibility");
                add_unique(mentions, p.author);
                auto parent_mentions = repos.statuses().mentions(p.id);
                if (!parent_mentions)
                    return forward(parent_mentions);
                for (ActorRef ref : *parent_mentions)
                    if (ref != status.author)
                        add_unique(mentions, ref);
            } else if (!model::is_not_wider(status.audience, p.audience)) {
                return fail(ErrorKind::Unprocessable,
                    "A reply cannot have a wider audience than the post it answers.", {}, "visibility");
            }
            if (!own && status.audience == Audience::Direct)
                add_unique(mentions, p.author);
            status.in_reply_to_id = p.id;
            status.in_reply_to_uri = p.uri;
            status.context = p.context.empty() ? p.uri : p.context;
        }
        if (status.audience == Audience::Group) {
            if (!status.group)
                status.group = request.group;
            if (!status.group)
                return fail(ErrorKind::Unprocessable, "A group post needs a group.", {}, "group_id");
            auto group = find_group(repos, status.group->id);
            if (!group)
                return forward(group);
            if (*group != status.group)
                return std::unexpected(not_found("Group", "group_id"));
            auto member = is_group_member(repos, status.author, status.group);
            if (!member)
                return forward(member);
            if (!*member)
                return fail(ErrorKind::Forbidden, "You are not a member of this group.", {}, "group_id");
        }
                if (status.audience == Audience::Direct && mentions.empty())
            return fail(ErrorKind::Unprocessable, "A direct message needs at least one mentioned account.",
                {}, "visibility");
        for (ActorRef ref : mentions) {
            auto target = check_target(repos, ref);
            if (!target)
                return forward(target);
        }
        if (auto inserted = repos.statuses().insert(status); !inserted)
            return inserted;
        if (!key_hash.empty())
            if (auto kept = repos.idempotency_keys().insert(author.id, key_hash, status.id, status.created_at); !kept)
                return kept;
        if (!mentions.empty())
            if (auto added = repos.statuses().add_mentions(status.id, mentions); !added)
                return added;
        if (auto notified = Notifier(repos, ids_, status.created_at, events).status_created(status);
            !notified)
            return notified;

        if (auto tagged = repos.tags().set_for_status(status.id, extract_hashtags(status.source_text), status.created_at);
            !tagged)
            return tagged;
        if (status.audience == Audience::Instance)
            return ok(); // never leaves the instance (DESIGN rule 2)
        return outbox_.status_published(repos, author, status, mentions);
    });
    if (!done)
        return forward(done);
    if (replayed)
        return std::move(*replayed); // an Idempotency-Key seen before: nothing was written
    publish(events);
    return status;
}

Result<model::Status> SocialService::status(const model::Account& reader, Id status_id)
{
    if (auto allowed = require_member_reader(reader); !allowed)
        return forward(allowed);
    std::optional<model::Status> found;
    auto done = store_.read([&](storage::Repositories& repos) -> Status {
        auto status = repos.statuses().find_by_id(status_id);
        if (!status)
            return forward(status);
        if (!*status)
            return ok();
        auto readable = can_read(repos, reader, **status);
        if (!readable)
            return forward(readable);
        if (*readable)
            found = std::move(*status);
        return ok();
    });
    if (!done)
        return forward(done);
    if (!found)
        return std::unexpected(not_found("Status"));
    return *found;
}

Result<ThreadContext> SocialService::context(const model::Account& reader, Id status_id)
{
    auto start = status(reader, status_id);
    if (!start)
        return forward(start);
    ThreadContext thread;
    auto done = store_.read([&](storage::Repositories& repos) -> Status {
        std::optional<Id> parent = start->in_reply_to_id;
        while (parent && static_cast<int>(thread.ancestors.size()) < kMaxAncestors) {
            auto found = repos.statuses().find_by_id(*parent);
            if (!found)
                return forward(found);
            if (!*found)
                break;
            auto readable = can_read(repos, reader, **found);
            if (!readable)
                return forward(readable);
            if (!*readable)
                break;
            parent = (*found)->in_reply_to_id;
            thread.ancestors.push_back(std::move(**found));
        }
        std::reverse(thread.ancestors.begin(), thread.ancestors.end());
        // Depth-first, oldest reply first at each level, as clients indent threads.
        std::vector<Id> stack { start->id };
        while (!stack.empty() && static_cast<int>(thread.descendants.size()) < kMaxDescendants) {
            Id current = stack.back();
            stack.pop_back();
            if (current != start->id) {
                auto found = repos.statuses().find_by_id(current);
                if (!found)
                    return forward(found);
                if (!*found)
                    continue;
                auto readable = can_read(repos, reader, **found);
                if (!readable)
                    return forward(readable);
                if (!*readable)
                    continue;
                thread.descendants.push_back(std::move(**found));
            }
            auto replies = repos.statuses().replies(current, kMaxDescendants);
            if (!replies)
                return forward(replies);
            for (auto it = replies->rbegin(); it != replies->rend(); ++it)
                stack.push_back(it->id);
        }
        return ok();
    });
    if (!done)
        return forward(done);
    return thread;
}

Result<model::Status> SocialService::edit(const model::Account& author, Id status_id, PostRequest request)
{
    if (auto valid = check_text(request, limits_); !valid)
        return forward(valid);
    auto existing = status(author, status_id);
    if (!existing)
        return existing;
    if (existing->author != model::local_actor(author.id))
        return fail(ErrorKind::Forbidden, "Only its author can edit a status.");
    model::Status edited = *existing;
    edited.source_text = std::string(text::trim(request.text));
    edited.content_html = render_(edited.source_text);
    edited.summary = std::string(text::trim(request.summary));
    edited.sensitive = request.sensitive || !edited.summary.empty();
    if (!request.language.empty() && request.language.size() <= 8)
        edited.language = request.language;
    edited.edited_at = clock_.now();
    std::vector<LiveEvent> events { { .kind = LiveEvent::Kind::StatusEdited, .status_id = status_id } };
    auto done = write([&](storage::Repositories& repos) -> Status {
        if (auto updated = repos.statuses().update_content(edited, *edited.edited_at); !updated)
            return updated;
        if (auto notified = Notifier(repos, ids_, *edited.edited_at, events).status_edited(edited); !notified)
            return notified;

        if (auto tagged = repos.tags().set_for_status(status_id, extract_hashtags(edited.source_text), *edited.edited_at);
            !tagged)
            return tagged;
        if (edited.audience == Audience::Instance)
            return ok();
        auto mentions = repos.statuses().mentions(status_id);
        if (!mentions)
            return forward(mentions);
        return outbox_.status_updated(repos, author, edited, *mentions);
    });
    if (!done)
        return forward(done);
    publish(events);
    return edited;
}

Result<model::Status> SocialService::remove(const model::Account& author, Id status_id)
{
    auto existing = status(author, status_id);
    if (!existing)
        return existing;
    if (existing->author != model::local_actor(author.id))
        return fail(ErrorKind::Forbidden, "Only its author can delete a status.");
    if (auto done = erase(*existing, author); !done)
        return forward(done);
    return existing;
}

Result<model::Status> SocialService::remove_as_moderator(const model::Account& moderator, Id status_id)
{
    if (auto allowed = require_moderator(moderator); !allowed)
        return forward(allowed);
    std::optional<model::Status> found;
    std::optional<model::Account> author;
    auto read = store_.read([&](storage::Repositories& repos) -> Status {
        auto status = repos.statuses().find_by_id(status_id);
        if (!status)
            return forward(status);
        if (!*status)
            return ok();
        found = std::move(*status);
        if (!found->author.local)
            return ok();
        auto account = repos.accounts().find_by_id(found->author.id);
        if (!account)
            return forward(account);
        author = std::move(*account);
        return ok();
    });
    if (!read)
        return forward(read);
    if (!found)
        return std::unexpected(not_found("Status"));
    if (found->deleted_at)
        return *found;
    if (auto done = erase(*found, author); !done)
        return forward(done);
    found->deleted_at = clock_.now();
    return *found;
}

Status SocialService::erase(const model::Status& removed, const std::optional<model::Account>& author)
{
    const Id status_id = removed.id;
    auto done = write([&](storage::Repositories& repos) -> Status {
        auto mentions = repos.statuses().mentions(status_id);
        if (!mentions)
            return forward(mentions);
        if (auto deleted = repos.statuses().mark_deleted(status_id, clock_.now()); !deleted)
            return deleted;
        if (auto notified = Notifier(repos, ids_, clock_.now()).status_deleted(status_id); !notified)
            return notified;
        // A remote author's status is only forgotten here: its origin is not ours to change.
        if (removed.audience == Audience::Instance || !author)
            return ok();
        return outbox_.status_deleted(repos, *author, removed, *mentions);
    });
    if (!done)
        return done;
    publish(std::array { LiveEvent { .kind = LiveEvent::Kind::StatusDeleted, .status_id = status_id } });
    return ok();
}

Result<model::Follow> SocialService::follow(const model::Account& follower, ActorRef target)
{
    if (auto allowed = require_member_reader(follower); !allowed)
        return forward(allowed);
    if (target == model::local_actor(follower.id))
        return fail(ErrorKind::Unprocessable, "You cannot follow yourself.");
    model::Follow result;
    std::vector<LiveEvent> events;
    auto done = write([&](storage::Repositories& repos) -> Status {
        auto existing = repos.follows().find(model::local_actor(follower.id), target);
        if (!existing)
            return forward(existing);
        if (*existing) {
            result = **existing;
            return ok();
        }
        auto remote = check_target(repos, target);
        if (!remote)
            return forward(remote);
        model::Follow follow;
        follow.id = ids_.next();
        follow.follower = model::local_actor(follower.id);
        follow.followee = target;
        follow.uri = local_follow_uri(base_url_, follower.username, follow.id);
        follow.created_at = follow.updated_at = clock_.now();
        if (target.local) {
            auto account = repos.accounts().find_by_id(target.id);
            if (!account)
                return forward(account);
            follow.state = (*account)->locked ? model::FollowState::Pending : model::FollowState::Accepted;
        }
        if (auto inserted = repos.follows().insert(follow); !inserted)
            return inserted;
        result = follow;
        if (auto notified = Notifier(repos, ids_, follow.created_at, events).follow_created(follow);
            !notified)
            return notified;
        if (*remote)
            return outbox_.follow_sent(repos, follower, **remote, follow, /*undo=*/false);
        return ok();
    });
    if (!done)
        return forward(done);
    publish(events);
    return result;
}

Status SocialService::unfollow(const model::Account& follower, ActorRef target)
{
    if (auto allowed = require_member_reader(follower); !allowed)
        return allowed;
    return write([&](storage::Repositories& repos) -> Status {
        auto existing = repos.follows().find(model::local_actor(follower.id), target);
        if (!existing)
            return forward(existing);
        if (!*existing)
            return ok();
        if (auto removed = repos.follows().remove((*existing)->id); !removed)
            return removed;
        if (auto notified = Notifier(repos, ids_, clock_.now()).follow_removed(**existing); !notified)
            return notified;
        auto remote = remote_of(repos, target);
        if (!remote || !*remote)
            return remote ? ok() : forward(remote);
        return outbox_.follow_sent(repos, follower, **remote, **existing, /*undo=*/true);
    });
}

Result<model::Follow> SocialService::authorize_follower(const model::Account& followee, ActorRef follower)
{
    if (auto allowed = require_member_reader(followee); !allowed)
        return forward(allowed);
    model::Follow result;
    auto done = write([&](storage::Repositories& repos) -> Status {
        auto existing = repos.follows().find(follower, model::local_actor(followee.id));
        if (!existing)
            return forward(existing);
        if (!*existing)
            return std::unexpected(not_found("Follow request"));
        result = **existing;
        if (result.state == model::FollowState::Accepted)
            return ok();
        result.state = model::FollowState::Accepted;
        result.updated_at = clock_.now();
        if (auto set = repos.follows().set_state(result.id, result.state, result.updated_at); !set)
            return set;
        if (auto notified = Notifier(repos, ids_, result.updated_at).follow_request_answered(result);
            !notified)
            return notified;
        auto remote = remote_of(repos, follower);
        if (!remote || !*remote)
            return remote ? ok() : forward(remote);
        return outbox_.follow_answered(repos, followee, **remote, result, /*accepted=*/true);
    });
    if (!done)
        return forward(done);
    return result;
}

Status SocialService::reject_follower(const model::Account& followee, ActorRef follower)
{
    if (auto allowed = require_member_reader(followee); !allowed)
        return allowed;
    return write([&](storage::Repositories& repos) -> Status {
        auto existing = repos.follows().find(follower, model::local_actor(followee.id));
        if (!existing)
            return forward(existing);
        if (!*existing)
            return std::unexpected(not_found("Follow request"));
        if (auto removed = repos.follows().remove((*existing)->id); !removed)
            return removed;
        if (auto notified = Notifier(repos, ids_, clock_.now()).follow_request_answered(**existing);
            !notified)
            return notified;
        auto remote = remote_of(repos, follower);
        if (!remote || !*remote)
            return remote ? ok() : forward(remote);
        return outbox_.follow_answered(repos, followee, **remote, **existing, /*accepted=*/false);
    });
}

Result<std::vector<model::Follow>> SocialService::follow_requests(const model::Account& followee, int limit)
{
    if (auto allowed = require_member_reader(followee); !allowed)
        return forward(allowed);
    std::vector<model::Follow> result;
    auto done = store_.read([&](storage::Repositories& repos) -> Status {
        storage::FollowQuery query;
        query.state = model::FollowState::Pending;
        query.limit = limit;
        auto found = repos.follows().followers_of(model::local_actor(followee.id), query);
        result = found ? std::move(*found) : std::vector<model::Follow> {};
        return found ? ok() : forward(found);
    });
    if (!done)
        return forward(done);
    return result;
}

bool can_announce(const model::Account& actor, const model::Status& status)
{
    // A group post stays in its group, even for its author; a direct one with those it names.
    if (status.audience == Audience::Group || status.audience == Audience::Direct)
        return false;
    return status.author == model::local_actor(actor.id) || status.audience == Audience::Instance;
}

Result<model::Interaction> SocialService::interact(
    const model::Account& actor, model::InteractionKind kind, Id status_id)
{
    auto target = status(actor, status_id);
    if (!target)
        return forward(target);
    if (kind == model::InteractionKind::Announce && !can_announce(actor, *target))
        return fail(
            ErrorKind::Unprocessable, "This post is restricted to its audience and cannot be boosted.");
    model::Interaction result;
    std::vector<LiveEvent> events;
    auto done = write([&](storage::Repositories& repos) -> Status {
        auto existing = repos.interactions().find(kind, model::local_actor(actor.id), status_id);
        if (!existing)
            return forward(existing);
        if (*existing) {
            result = **existing;
            return ok();
        }
        result.id = ids_.next();
        result.kind = kind;
        result.actor = model::local_actor(actor.id);
        result.status_id = status_id;
        result.uri = base_url_ + "/users/" + actor.username + "/" + std::string(model::to_string(kind)) + "s/"
            + std::to_string(result.id);
        result.created_at = clock_.now();
        if (auto inserted = repos.interactions().insert(result); !inserted)
            return inserted;
        if (auto notified
            = Notifier(repos, ids_, result.created_at, events).interaction_created(result, *target);
            !notified)
            return notified;
        if (kind != model::InteractionKind::Like) {
            events.push_back(LiveEvent { .kind = LiveEvent::Kind::Boosted, .status_id = status_id,
                .account_id = actor.id, .boost_id = result.id });
            return ok(); // Announces of local statuses stay local
        }
        auto author = remote_of(repos, target->author);
        if (!author || !*author)
            return author ? ok() : forward(author);
        return outbox_.interaction_sent(repos, actor, result, *target, **author, /*undo=*/false);
    });
    if (!done)
        return forward(done);
    publish(events);
    return result;
}

Status SocialService::undo_interaction(const model::Account& actor, model::InteractionKind kind, Id status_id)
{
    auto target = status(actor, status_id);
    if (!target)
        return forward(target);
    std::optional<Id> undone;
    auto done = write([&](storage::Repositories& repos) -> Status {
        auto existing = repos.interactions().find(kind, model::local_actor(actor.id), status_id);
        if (!existing)
            return forward(existing);
        if (!*existing)
            return ok();
        if (auto removed = repos.interactions().remove((*existing)->id); !removed)
            return removed;
        if (auto notified = Notifier(repos, ids_, clock_.now()).interaction_removed(**existing); !notified)
            return notified;
        if (kind != model::InteractionKind::Like) {
            undone = (*existing)->id;
            return ok(); // Announces of local statuses stay local
        }
        auto author = remote_of(repos, target->author);
        if (!author || !*author)
            return author ? ok() : forward(author);
        return outbox_.interaction_sent(repos, actor, **existing, *target, **author, /*undo=*/true);
    });
    if (done && undone)
        publish(std::array { LiveEvent { .kind = LiveEvent::Kind::Unboosted, .status_id = status_id,
            .account_id = actor.id, .boost_id = *undone } });
    return done;
}

Result<std::vector<model::Status>> SocialService::timeline(const model::Account& reader,
    const std::function<Result<std::vector<model::Status>>(storage::Repositories&)>& query)
{
    if (auto allowed = require_member_reader(reader); !allowed)
        return forward(allowed);
    std::vector<model::Status> result;
    auto done = store_.read([&](storage::Repositories& repos) -> Status {
        auto found = query(repos);
        if (!found)
            return forward(found);
        result = std::move(*found);
        return ok();
    });
    if (!done)
        return forward(done);
    return result;
}

std::optional<storage::TimelineFilter> normalize_timeline_filter(storage::TimelineFilter filter)
{
    if (!filter.tag.empty()) {
        std::string_view name = filter.tag;
        if (name.starts_with('#'))
            name.remove_prefix(1);
        if (!is_hashtag_name(name))
            return std::nullopt;
        filter.tag = normalize_hashtag(name);
    }
    return filter;
}

Result<std::vector<model::Status>> SocialService::instance_timeline(
    const model::Account& reader, const storage::StatusQuery& query, storage::TimelineFilter filter)
{
    auto normal = normalize_timeline_filter(std::move(filter));
    if (!normal)
        return timeline(reader, [](storage::Repositories&) { return Result<std::vector<model::Status>> {}; });
    return timeline(
        reader, [&](storage::Repositories& repos) { return repos.statuses().instance_timeline(query, *normal); });
}

} // namespace confrere::services
