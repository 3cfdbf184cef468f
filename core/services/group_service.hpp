// Groups and sub-groups (DESIGN rule 2, audience `group`): creating them, the directory,
// membership, and what group moderators do (remove a post, remove a member, name moderators).
// Posting into a group is SocialService::post with PostRequest::group; what federates is the
// Outbox's business. Groups of other instances are remote Group actors: joining one is a
// follow (SocialService::follow), which join() does for the caller.
#pragma once

#include "core/base/id.hpp"
#include "core/base/result.hpp"
#include "core/model/account.hpp"
#include "core/model/group.hpp"
#include "core/services/outbox.hpp"
#include "core/services/social_service.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace confrere::services {

inline constexpr std::size_t kMaxGroupDisplayNameCharacters = 100;
inline constexpr std::size_t kMaxGroupDescriptionCharacters = 2000;
inline constexpr std::size_t kMaxGroupTags = 10;

struct NewGroup {
    std::string name; // the handle: letters, digits, underscores, at most 30
    std::string display_name;
    std::string description;
    std::vector<std::string> tags; // specialty tags, with or without '#'
    bool interdisciplinary = false;
    std::optional<Id> parent_id;
};

// A group of this instance as a member sees it.
struct GroupView {
    model::Group group;
    std::int64_t members = 0;
    std::optional<model::GroupMember> membership; // the viewer's, if any
    bool can_moderate = false; // the viewer may moderate it (group or instance moderator)
};

// One page of the directory (numbered from 1) and whether others come before and after it.
struct DirectoryPage {
    std::vector<GroupView> groups;
    int page = 1;
    bool has_previous = false;
    bool has_next = false;
};

// Groups a page of the directory shows, and the last page number one may ask for.
inline constexpr int kDirectoryPageSize = 80;
inline constexpr int kMaxDirectoryPage = 10000;

// Where a local account hears about group ids it is given: a group here or a remote Group
// actor; nullopt if the id names neither.
Result<std::optional<model::ActorRef>> find_group(storage::Repositories& repos, Id id);

class GroupService {
public:
    GroupService(storage::Store& store, const Clock& clock, IdGenerator& ids, Outbox& outbox, SocialService& social)
        : store_(store)
        , clock_(clock)
        , ids_(ids)
        , outbox_(outbox)
        , social_(social)
    { }

    // Creates a group; its creator is its first moderator. Unprocessable (with the field) for a
    // bad or taken name (names share the namespace of usernames), an empty or too long display
    // name, a too long description, invalid or too many tags, an unknown parent. Forbidden for
    // an interdisciplinary group unless the creator is an instance moderator (its threads leave
    // the instance), and for a sub-group unless the creator moderates the parent.
    Result<model::Group> create(const model::Account& creator, NewGroup request);

    // A group of this instance; NotFound otherwise.
    Result<GroupView> view(const model::Account& viewer, Id group_id);
    // The group directory, by name.
    Result<std::vector<GroupView>> directory(const model::Account& viewer, storage::GroupQuery query);
    // Page `page` of the directory, kDirectoryPageSize groups a page (query.limit and offset
    // are the service's). Unprocessable (field "page") outside 1…kMaxDirectoryPage.
    Result<DirectoryPage> directory_page(const model::Account& viewer, storage::GroupQuery query, int page);
    // The groups the viewer belongs to here.
    Result<std::vector<model::Group>> memberships(const model::Account& viewer);

    // Joins a group here (accepted at once) or asks a remote Group actor (a follow, Pending
    // until its Accept). Idempotent. NotFound for an unknown group.
    Status join(const model::Account& member, Id group_id);
    // Leaves; no-op if not a member. Unprocessable for the last moderator of a group here.
    Status leave(const model::Account& member, Id group_id);

    // Accepted members of a group here, newest first; the viewer must be a member or moderate
    // it (Forbidden otherwise).
    Result<std::vector<model::GroupMember>> members(
        const model::Account& viewer, Id group_id, const storage::PageQuery& page);
    // A group moderator (or an instance moderator) removes a member; a remote member is told
    // with a Reject of its Follow. Forbidden for others; NotFound if not a member.
    Status remove_member(const model::Account& moderator, Id group_id, model::ActorRef member);
    // Names a member moderator or back to member. Unprocessable to demote the last moderator.
    Result<model::GroupMember> set_role(
        const model::Account& moderator, Id group_id, model::ActorRef member, model::GroupRole role);
    // A group moderator removes a post of the group (the removal federates, announced by the
    // group). Forbidden for others; NotFound if the status is not in this group.
    Result<model::Status> remove_status(const model::Account& moderator, Id group_id, Id status_id);

    // The author of a thread started in a profession-only group here asks to move it into an
    // interdisciplinary group here (where it will federate). Unprocessable (field "status_id")
    // unless it is the author's own first post of a thread in a profession-only group, (field
    // "group_id") unless the target is an interdisciplinary group the author belongs to;
    // Conflict if a request is already pending.
    Result<model::ThreadMove> request_move(const model::Account& author, Id status_id, Id target_group_id);
    // The requests to move threads into a group, for its moderators (Forbidden otherwise).
    Result<std::vector<model::ThreadMove>> moves(const model::Account& moderator, Id group_id);
    // A moderator of the target group approves (the thread's first post and its author's own
    // replies move, and the group announces them to its remote members; others' replies stay
    // where they were, unless their authors post them again) or rejects with a reason.
    // NotFound for an unknown or already decided request.
    Result<model::ThreadMove> decide_move(
        const model::Account& moderator, Id group_id, Id move_id, bool approve, std::string reason);

    // A group's statuses, newest first, for its members (Forbidden otherwise): a group here or a
    // remote Group actor the viewer follows.
    // `filter` narrows it to an author's profession, a hashtag.
    Result<std::vector<model::Status>> timeline(const model::Account& viewer, Id group_id,
        const storage::StatusQuery& query, storage::TimelineFilter filter = {});

private:
    // Whether `account` may moderate `group`: an accepted group moderator, or an instance
    // moderator or admin.
    Result<bool> may_moderate(storage::Repositories& repos, const model::Account& account, Id group_id);
    // The group (here or remote) with this id; NotFound otherwise.
    Result<model::ActorRef> existing_group(Id group_id);
    // The group `moderator` may moderate; NotFound, or Forbidden with `refusal`.
    Result<model::Group> moderated_group(
        storage::Repositories& repos, const model::Account& moderator, Id group_id, std::string_view refusal);
    storage::Store& store_;
    const Clock& clock_;
    IdGenerator& ids_;
    Outbox& outbox_;
    SocialService& social_;
};

} // namespace confrere::services
