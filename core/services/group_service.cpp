#include "core/services/group_service.hpp"

#include "core/base/text.hpp"
#include "core/crypto/keys.hpp"
#include "core/services/access_policy.hpp"
#include "core/services/hashtags.hpp"
#include "core/services/notifications.hpp"
#include "core/services/registration_service.hpp"

#include <algorithm>

namespace confrere::services {

using model::ActorRef;

namespace {

Error group_not_found()
{
    return Error { ErrorKind::NotFound, "Group not found.", {}, {} };
}

Error unprocessable(std::string field, std::string message)
{
    return Error { ErrorKind::Unprocessable, std::move(message), {}, std::move(field) };
}

// The request's fields as stored: trimmed, checked, tags normalised.
Status check_new_group(NewGroup& r)
{
    if (auto valid = validate_username(r.name); !valid) {
        Error e = valid.error();
        e.field = "name";
        // The rule's words name a username; a group's handle follows the same rule.
        if (e.public_message.starts_with("A username"))
            e.public_message.replace(0, 10, "A group name");
        return std::unexpected(std::move(e));
    }
    r.display_name = std::string(text::trim(r.display_name));
    r.description = std::string(text::trim(r.description));
    if (!text::is_valid_utf8(r.display_name) || !text::is_valid_utf8(r.description))
        return std::unexpected(unprocessable("display_name", "The name and description must be UTF-8 text."));
    if (r.display_name.empty())
        r.display_name = r.name;
    if (text::count_code_points(r.display_name) > kMaxGroupDisplayNameCharacters)
        return std::unexpected(unprocessable("display_name",
            "A group's display name has at most " + std::to_string(kMaxGroupDisplayNameCharacters) + " characters."));
    if (text::count_code_points(r.description) > kMaxGroupDescriptionCharacters)
        return std::unexpected(unprocessable("description",
            "A group's description has at most " + std::to_string(kMaxGroupDescriptionCharacters) + " characters."));
    std::vector<std::string> tags;
    for (const std::string& raw : r.tags) {
        std::string_view name = text::trim(raw);
        if (name.starts_with('#'))
            name.remove_prefix(1);
        if (name.empty())
            continue;
        if (!text::is_valid_utf8(name) || !is_hashtag_name(name) || name.size() > kMaxHashtagBytes)
            return std::unexpected(
                unprocessable("tags", "\"" + std::string(name) + "\" is not a valid tag (letters, digits, _)."));
        std::string normal = normalize_hashtag(name);
        if (std::find(tags.begin(), tags.end(), normal) == tags.end())
            tags.push_back(std::move(normal));
    }
    if (tags.size() > kMaxGroupTags)
        return std::unexpected(
            unprocessable("tags", "A group has at most " + std::to_string(kMaxGroupTags) + " tags."));
    r.tags = std::move(tags);
    return ok();
}

bool instance_moderator(const model::Account& account)
{
    return model::can_moderate(account.role) && account.state == model::AccountState::Active;
}

} // namespace

Result<std::optional<ActorRef>> find_group(storage::Repositories& repos, Id id)
{
    auto local = repos.groups().find_by_id(id);
    if (!local)
        return forward(local);
    if (*local)
        return std::optional(model::local_actor(id));
    auto remote = repos.remote_actors().find_by_id(id);
    if (!remote)
        return forward(remote);
    if (*remote && (*remote)->type == "Group")
        return std::optional(model::remote_actor(id));
    return std::optional<ActorRef> {};
}

Result<bool> GroupService::may_moderate(storage::Repositories& repos, const model::Account& account, Id group_id)
{
    if (instance_moderator(account))
        return true;
    auto member = repos.groups().find_member(group_id, model::local_actor(account.id));
    if (!member)
        return forward(member);
    return *member && (*member)->state == model::FollowState::Accepted
        && (*member)->role == model::GroupRole::Moderator;
}

Result<model::Group> GroupService::moderated_group(
    storage::Repositories& repos, const model::Account& moderator, Id group_id, std::string_view refusal)
{
    auto group = repos.groups().find_by_id(group_id);
    if (!group)
        return forward(group);
    if (!*group)
        return std::unexpected(group_not_found());
    auto moderates = may_moderate(repos, moderator, group_id);
    if (!moderates)
        return forward(moderates);
    if (!*moderates)
        return fail(ErrorKind::Forbidden, std::string(refusal));
    return std::move(**group);
}

Result<model::Group> GroupService::create(const model::Account& creator, NewGroup request)
{
    if (auto allowed = require_member_reader(creator); !allowed)
        return forward(allowed);
    if (auto valid = check_new_group(request); !valid)
        return forward(valid);
    if (request.interdisciplinary && !instance_moderator(creator))
        return fail(ErrorKind::Forbidden,
            "Only moderators can create an interdisciplinary group: its threads leave the instance.", {},
            "interdisciplinary");
    // Outside the transaction: generating a key takes a while.
    auto keys = crypto::generate_rsa_key_pair();
    if (!keys)
        return forward(keys);

    model::Group group;
    group.id = ids_.next();
    group.name = request.name;
    group.display_name = request.display_name;
    group.description = request.description;
    group.tags = request.tags;
    group.interdisciplinary = request.interdisciplinary;
    group.parent_id = request.parent_id;
    group.created_by = creator.id;
    group.public_key_pem = keys->public_pem;
    group.created_at = group.updated_at = clock_.now();
    auto done = store_.write([&](storage::Repositories& repos) -> Status {
        auto account = repos.accounts().find_by_username(group.name);
        if (!account)
            return forward(account);
        auto same = repos.groups().find_by_name(group.name);
        if (!same)
            return forward(same);
        if (*account || *same)
            return std::unexpected(unprocessable("name", "This name is already taken."));
        if (group.parent_id) {
            auto parent = repos.groups().find_by_id(*group.parent_id);
            if (!parent)
                return forward(parent);
            if (!*parent)
                return std::unexpected(unprocessable("parent_id", "The parent group does not exist."));
            auto moderates = may_moderate(repos, creator, *group.parent_id);
            if (!moderates)
                return forward(moderates);
            if (!*moderates)
                return fail(ErrorKind::Forbidden, "Only the parent group's moderators can create a sub-group.", {},
                    "parent_id");
        }
        if (auto inserted = repos.groups().insert(group, keys->private_pem); !inserted)
            return inserted;
        model::GroupMember founder;
        founder.id = ids_.next();
        founder.group_id = group.id;
        founder.member = model::local_actor(creator.id);
        founder.role = model::GroupRole::Moderator;
        founder.state = model::FollowState::Accepted;
        founder.created_at = founder.updated_at = group.created_at;
        return repos.groups().insert_member(founder);
    });
    if (!done)
        return forward(done);
    return group;
}

Result<GroupView> GroupService::view(const model::Account& viewer, Id group_id)
{
    if (auto allowed = require_member_reader(viewer); !allowed)
        return forward(allowed);
    std::optional<GroupView> found;
    auto done = store_.read([&](storage::Repositories& repos) -> Status {
        auto group = repos.groups().find_by_id(group_id);
        if (!group)
            return forward(group);
        if (!*group)
            return std::unexpected(group_not_found());
        GroupView view;
        view.group = std::move(**group);
        auto count = repos.groups().count_members(group_id);
        if (!count)
            return forward(count);
        view.members = *count;
        auto mine = repos.groups().find_member(group_id, model::local_actor(viewer.id));
        if (!mine)
            return forward(mine);
        view.membership = std::move(*mine);
        auto moderates = may_moderate(repos, viewer, group_id);
        if (!moderates)
            return forward(moderates);
        view.can_moderate = *moderates;
        found = std::move(view);
        return ok();
    });
    if (!done)
        return forward(done);
    return std::move(*found);
}

Result<std::vector<GroupView>> GroupService::directory(const model::Account& viewer, storage::GroupQuery query)
{
    if (auto allowed = require_member_reader(viewer); !allowed)
        return forward(allowed);
    if (!query.tag.empty())
        query.tag = normalize_hashtag(query.tag.starts_with('#') ? query.tag.substr(1) : query.tag);
    std::vector<GroupView> out;
    auto done = store_.read([&](storage::Repositories& repos) -> Status {
        auto groups = repos.groups().list(query);
        if (!groups)
            return forward(groups);
        for (model::Group& g : *groups) {
            GroupView view;
            view.group = std::move(g);
            auto count = repos.groups().count_members(view.group.id);
            if (!count)
                return forward(count);
            view.members = *count;
            auto mine = repos.groups().find_member(view.group.id, model::local_actor(viewer.id));
            if (!mine)
                return forward(mine);
            view.membership = std::move(*mine);
            out.push_back(std::move(view));
        }
        return ok();
    });
    if (!done)
        return forward(done);
    return out;
}

Result<DirectoryPage> GroupService::directory_page(const model::Account& viewer, storage::GroupQuery query, int page)
{
    if (page < 1 || page > kMaxDirectoryPage)
        return fail(ErrorKind::Unprocessable, "This page does not exist.", {}, "page");
    // One more than a page tells whether a next one exists.
    query.limit = kDirectoryPageSize + 1;
    query.offset = (page - 1) * kDirectoryPageSize;
    auto groups = directory(viewer, std::move(query));
    if (!groups)
        return forward(groups);
    DirectoryPage out;
    out.page = page;
    out.has_previous = page > 1;
    out.has_next = groups->size() > static_cast<std::size_t>(kDirectoryPageSize);
    if (out.has_next)
        groups->pop_back();
    out.groups = std::move(*groups);
    return out;
}

Result<std::vector<model::Group>> GroupService::memberships(const model::Account& viewer)
{
    if (auto allowed = require_member_reader(viewer); !allowed)
        return forward(allowed);
    return storage::read_value(store_, [&](storage::Repositories& repos) { return repos.groups().of_account(viewer.id); });
}

Result<ActorRef> GroupService::existing_group(Id group_id)
{
    auto which = storage::read_value(store_, [&](storage::Repositories& repos) { return find_group(repos, group_id); });
    if (!which)
        return forward(which);
    if (!*which)
        return std::unexpected(group_not_found());
    return **which;
}

Status GroupService::join(const model::Account& member, Id group_id)
{
    if (auto allowed = require_member_reader(member); !allowed)
        return forward(allowed);
    auto which = existing_group(group_id);
    if (!which)
        return forward(which);
    if (!which->local) {
        auto followed = social_.follow(member, *which);
        if (!followed)
            return forward(followed);
        return ok();
    }
    return store_.write([&](storage::Repositories& repos) -> Status {
        auto existing = repos.groups().find_member(group_id, model::local_actor(member.id));
        if (!existing)
            return forward(existing);
        if (*existing)
            return ok();
        model::GroupMember m;
        m.id = ids_.next();
        m.group_id = group_id;
        m.member = model::local_actor(member.id);
        m.role = model::GroupRole::Member;
        m.state = model::FollowState::Accepted;
        m.created_at = m.updated_at = clock_.now();
        return repos.groups().insert_member(m);
    });
}

Status GroupService::leave(const model::Account& member, Id group_id)
{
    if (auto allowed = require_active(member); !allowed)
        return forward(allowed);
    auto which = existing_group(group_id);
    if (!which)
        return forward(which);
    if (!which->local)
        return social_.unfollow(member, *which);
    return store_.write([&](storage::Repositories& repos) -> Status {
        auto existing = repos.groups().find_member(group_id, model::local_actor(member.id));
        if (!existing)
            return forward(existing);
        if (!*existing)
            return ok();
        if ((*existing)->role == model::GroupRole::Moderator) {
            auto moderators = repos.groups().count_members(group_id, model::GroupRole::Moderator);
            if (!moderators)
                return forward(moderators);
            if (*moderators <= 1)
                return std::unexpected(unprocessable(
                    "group", "You are this group's last moderator: name another moderator before leaving."));
        }
        return repos.groups().remove_member((*existing)->id);
    });
}

Result<std::vector<model::GroupMember>> GroupService::members(
    const model::Account& viewer, Id group_id, const storage::PageQuery& page)
{
    if (auto allowed = require_member_reader(viewer); !allowed)
        return forward(allowed);
    return storage::read_value(store_, [&](storage::Repositories& repos) -> Result<std::vector<model::GroupMember>> {
        auto group = repos.groups().find_by_id(group_id);
        if (!group)
            return forward(group);
        if (!*group)
            return std::unexpected(group_not_found());
        auto member = is_group_member(repos, model::local_actor(viewer.id), model::local_actor(group_id));
        if (!member)
            return forward(member);
        auto moderates = may_moderate(repos, viewer, group_id);
        if (!moderates)
            return forward(moderates);
        if (!*member && !*moderates)
            return fail(ErrorKind::Forbidden, "Only the group's members see who belongs to it.");
        return repos.groups().members(group_id, page);
    });
}

Status GroupService::remove_member(const model::Account& moderator, Id group_id, ActorRef member)
{
    if (auto allowed = require_member_reader(moderator); !allowed)
        return forward(allowed);
    return store_.write([&](storage::Repositories& repos) -> Status {
        auto group = moderated_group(repos, moderator, group_id, "Only the group's moderators can remove a member.");
        if (!group)
            return forward(group);
        auto existing = repos.groups().find_member(group_id, member);
        if (!existing)
            return forward(existing);
        if (!*existing)
            return fail(ErrorKind::NotFound, "This account is not a member of the group.");
        if ((*existing)->role == model::GroupRole::Moderator) {
            auto moderators = repos.groups().count_members(group_id, model::GroupRole::Moderator);
            if (!moderators)
                return forward(moderators);
            if (*moderators <= 1)
                return std::unexpected(unprocessable("account_id", "The group's last moderator cannot be removed."));
        }
        if (auto removed = repos.groups().remove_member((*existing)->id); !removed)
            return removed;
        if (member.local)
            return ok();
        auto actor = repos.remote_actors().find_by_id(member.id);
        if (!actor)
            return forward(actor);
        if (!*actor)
            return ok();
        return outbox_.group_member_removed(repos, *group, **actor, **existing);
    });
}

Result<model::GroupMember> GroupService::set_role(
    const model::Account& moderator, Id group_id, ActorRef member, model::GroupRole role)
{
    if (auto allowed = require_member_reader(moderator); !allowed)
        return forward(allowed);
    std::optional<model::GroupMember> changed;
    auto done = store_.write([&](storage::Repositories& repos) -> Status {
        auto moderates = may_moderate(repos, moderator, group_id);
        if (!moderates)
            return forward(moderates);
        if (!*moderates)
            return fail(ErrorKind::Forbidden, "Only the group's moderators can name moderators.");
        auto existing = repos.groups().find_member(group_id, member);
        if (!existing)
            return forward(existing);
        if (!*existing || (*existing)->state != model::FollowState::Accepted)
            return fail(ErrorKind::NotFound, "This account is not a member of the group.");
        if (!member.local && role == model::GroupRole::Moderator)
            return std::unexpected(
                unprocessable("account_id", "Moderators of a group are members of its own instance."));
        if ((*existing)->role == model::GroupRole::Moderator && role == model::GroupRole::Member) {
            auto moderators = repos.groups().count_members(group_id, model::GroupRole::Moderator);
            if (!moderators)
                return forward(moderators);
            if (*moderators <= 1)
                return std::unexpected(unprocessable("account_id", "A group keeps at least one moderator."));
        }
        model::GroupMember m = **existing;
        m.role = role;
        if (auto updated = repos.groups().update_member(m, clock_.now()); !updated)
            return updated;
        changed = std::move(m);
        return ok();
    });
    if (!done)
        return forward(done);
    return std::move(*changed);
}

Result<model::Status> GroupService::remove_status(const model::Account& moderator, Id group_id, Id status_id)
{
    if (auto allowed = require_member_reader(moderator); !allowed)
        return forward(allowed);
    std::optional<model::Status> removed;
    auto done = store_.write([&](storage::Repositories& repos) -> Status {
        auto group = moderated_group(repos, moderator, group_id, "Only the group's moderators can remove a post.");
        if (!group)
            return forward(group);
        auto status = repos.statuses().find_by_id(status_id);
        if (!status)
            return forward(status);
        if (!*status || (*status)->deleted_at || (*status)->group != model::local_actor(group_id))
            return fail(ErrorKind::NotFound, "Status not found in this group.");
        const TimePoint now = clock_.now();
        if (auto deleted = repos.statuses().mark_deleted(status_id, now); !deleted)
            return deleted;
        if (auto notified = Notifier(repos, ids_, now).status_deleted(status_id); !notified)
            return notified;
        removed = std::move(**status);
        return outbox_.group_status_removed(repos, *group, moderator, *removed);
    });
    if (!done)
        return forward(done);
    outbox_.committed();
    return std::move(*removed);
}

Result<model::ThreadMove> GroupService::request_move(const model::Account& author, Id status_id, Id target_group_id)
{
    if (auto allowed = require_member_reader(author); !allowed)
        return forward(allowed);
    model::ThreadMove move;
    auto done = store_.write([&](storage::Repositories& repos) -> Status {
        auto status = repos.statuses().find_by_id(status_id);
        if (!status)
            return forward(status);
        if (!*status || (*status)->deleted_at || (*status)->author != model::local_actor(author.id))
            return std::unexpected(unprocessable("status_id", "Only the author of a thread can move it."));
        const model::Status& root = **status;
        if (root.in_reply_to_id || !root.in_reply_to_uri.empty())
            return std::unexpected(unprocessable("status_id", "Only a thread's first post can be moved."));
        std::optional<model::Group> from;
        if (root.audience == model::Audience::Group && root.group && root.group->local) {
            auto found = repos.groups().find_by_id(root.group->id);
            if (!found)
                return forward(found);
            from = std::move(*found);
        }
        if (!from || from->interdisciplinary)
            return std::unexpected(unprocessable("status_id", "Only a thread of a profession-only group can be moved."));
        auto target = repos.groups().find_by_id(target_group_id);
        if (!target)
            return forward(target);
        if (!*target || !(*target)->interdisciplinary)
            return std::unexpected(unprocessable("group_id", "A thread moves into an interdisciplinary group."));
        auto member = is_group_member(repos, model::local_actor(author.id), model::local_actor(target_group_id));
        if (!member)
            return forward(member);
        if (!*member)
            return fail(ErrorKind::Forbidden, "Join the interdisciplinary group first.", {}, "group_id");
        move.id = ids_.next();
        move.status_id = status_id;
        move.from_group_id = from->id;
        move.to_group_id = target_group_id;
        move.requested_by = author.id;
        move.created_at = clock_.now();
        return repos.groups().insert_move(move);
    });
    if (!done)
        return forward(done);
    return move;
}

Result<std::vector<model::ThreadMove>> GroupService::moves(const model::Account& moderator, Id group_id)
{
    if (auto allowed = require_member_reader(moderator); !allowed)
        return forward(allowed);
    return storage::read_value(store_, [&](storage::Repositories& repos) -> Result<std::vector<model::ThreadMove>> {
        auto group = moderated_group(repos, moderator, group_id, "Only the group's moderators review moved threads.");
        if (!group)
            return forward(group);
        return repos.groups().moves_into(group_id, 100);
    });
}

Result<model::ThreadMove> GroupService::decide_move(
    const model::Account& moderator, Id group_id, Id move_id, bool approve, std::string reason)
{
    if (auto allowed = require_member_reader(moderator); !allowed)
        return forward(allowed);
    reason = std::string(text::trim(reason));
    if (!text::is_valid_utf8(reason) || text::count_code_points(reason) > 500)
        return fail(ErrorKind::Unprocessable, "The reason has at most 500 characters.", {}, "reason");
    model::ThreadMove move;
    auto done = store_.write([&](storage::Repositories& repos) -> Status {
        auto group = moderated_group(repos, moderator, group_id, "Only the group's moderators review moved threads.");
        if (!group)
            return forward(group);
        auto found = repos.groups().find_move(move_id);
        if (!found)
            return forward(found);
        if (!*found || (*found)->to_group_id != group_id || (*found)->state != model::MoveState::Pending)
            return fail(ErrorKind::NotFound, "No pending request to move this thread.");
        move = **found;
        move.state = approve ? model::MoveState::Approved : model::MoveState::Rejected;
        move.decided_by = moderator.id;
        move.reason = std::move(reason);
        move.decided_at = clock_.now();
        if (auto decided = repos.groups().decide_move(move); !decided)
            return decided;
        if (!approve)
            return ok();
        auto author = repos.accounts().find_by_id(move.requested_by);
        if (!author)
            return forward(author);
        auto root = repos.statuses().find_by_id(move.status_id);
        if (!root)
            return forward(root);
        // Gone since the request (deleted, or moved by another way): nothing to move.
        if (!*author || !*root || (*root)->deleted_at || (*root)->group != model::local_actor(move.from_group_id))
            return ok();
        // The first post and its author's own replies in the thread, depth-first.
        std::vector<model::Status> moving { **root };
        for (std::size_t i = 0; i < moving.size() && moving.size() < 200; ++i) {
            auto replies = repos.statuses().replies(moving[i].id, 200);
            if (!replies)
                return forward(replies);
            for (model::Status& r : *replies)
                if (r.author == (*root)->author && r.group == (*root)->group)
                    moving.push_back(std::move(r));
        }
        for (model::Status& s : moving) {
            if (auto set = repos.statuses().set_group(s.id, model::local_actor(group_id)); !set)
                return set;
            s.group = model::local_actor(group_id);
            auto mentions = repos.statuses().mentions(s.id);
            if (!mentions)
                return forward(mentions);
            if (auto sent = outbox_.status_published(repos, **author, s, *mentions); !sent)
                return sent;
        }
        return ok();
    });
    if (!done)
        return forward(done);
    outbox_.committed();
    return move;
}

Result<std::vector<model::Status>> GroupService::timeline(
    const model::Account& viewer, Id group_id, const storage::StatusQuery& query, storage::TimelineFilter filter)
{
    if (auto allowed = require_member_reader(viewer); !allowed)
        return forward(allowed);
    auto normal = normalize_timeline_filter(std::move(filter));
    return storage::read_value(store_, [&](storage::Repositories& repos) -> Result<std::vector<model::Status>> {
        auto group = find_group(repos, group_id);
        if (!group)
            return forward(group);
        if (!*group)
            return std::unexpected(group_not_found());
        auto member = is_group_member(repos, model::local_actor(viewer.id), **group);
        if (!member)
            return forward(member);
        if (!*member)
            return fail(ErrorKind::Forbidden, "Join the group to read its posts.");
        if (!normal)
            return std::vector<model::Status> {};
        return repos.statuses().group_timeline(**group, query, *normal);
    });
}

} // namespace confrere::services
