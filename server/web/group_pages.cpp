// The group directory and creation form (/groups), a group's page (/g/:name: its posts for
// members, join and leave, the compose form posting into it) and what its moderators do there
// (remove a post, decide on moved threads). Every rule is GroupService's; posting goes through
// the compose form of status_pages.cpp. A group's page is not /groups/:name: that path is the
// group's ActivityPub actor.
#include "core/base/text.hpp"
#include "core/services/access_policy.hpp"
#include "core/services/group_service.hpp"
#include "server/api/routes.hpp"
#include "server/api/status_json.hpp"
#include "server/web/compose.hpp"
#include "server/web/routes.hpp"
#include "server/web/views.hpp"

#include <map>

namespace confrere::server::web {

using http::PathParams;
using http::Response;

namespace {

// The creation form offers at most this many parents.
constexpr int kDirectoryLimit = services::kDirectoryPageSize;
constexpr std::size_t kMaxQueryBytes = 200;

Value tags_value(const std::vector<std::string>& tags)
{
    Value list(Value::List {});
    for (const std::string& tag : tags) {
        Value t = Value::object();
        t.set("name", tag);
        t.set("url", "/groups?tag=" + text::percent_encode_word(tag));
        list.push(std::move(t));
    }
    return list;
}

Value group_value(const services::GroupView& view)
{
    const model::Group& g = view.group;
    Value v = group_link_value(g);
    v.set("handle", g.name);
    v.set("description", g.description);
    v.set("tags", tags_value(g.tags));
    v.set("interdisciplinary", g.interdisciplinary);
    v.set("members", std::to_string(view.members));
    v.set("member", view.membership && view.membership->state == model::FollowState::Accepted);
    return v;
}

// The groups with their sub-groups nested under their parent when the parent is listed too
// (a search may list a sub-group alone: it is then shown at the top level).
Value group_tree(const std::vector<services::GroupView>& views)
{
    std::map<Id, const services::GroupView*> listed;
    for (const auto& view : views)
        listed[view.group.id] = &view;
    std::map<Id, std::vector<const services::GroupView*>> children;
    std::vector<const services::GroupView*> roots;
    for (const auto& view : views) {
        auto parent = view.group.parent_id;
        if (parent && listed.contains(*parent) && *parent != view.group.id)
            children[*parent].push_back(&view);
        else
            roots.push_back(&view);
    }
    // Each group is shown once: a parent's sub-groups are reached from it only.
    auto build = [&](auto& self, const services::GroupView& view, int depth) -> Value {
        Value v = group_value(view);
        Value subs(Value::List {});
        if (depth < 8)
            for (const services::GroupView* child : children[view.group.id])
                subs.push(self(self, *child, depth + 1));
        v.set("has_subgroups", subs.truthy());
        v.set("subgroups", std::move(subs));
        return v;
    };
    Value list(Value::List {});
    for (const services::GroupView* root : roots)
        list.push(build(build, *root, 0));
    return list;
}

// What the creation form shows again after an error: the fields as typed.
struct GroupForm {
    std::string name, display_name, description, tags, parent_id;
    bool interdisciplinary = false;
    std::optional<Error> error;
};

Value form_value(const Visit& v, const GroupForm& form, const std::vector<services::GroupView>& parents)
{
    Value f = Value::object();
    f.set("name", form.name);
    f.set("display_name", form.display_name);
    f.set("description", form.description);
    f.set("tags", form.tags);
    f.set("interdisciplinary", form.interdisciplinary);
    Value options(Value::List {});
    for (const auto& view : parents) {
        Value o = Value::object();
        std::string id = std::to_string(view.group.id);
        o.set("id", id);
        o.set("name", view.group.display_name);
        o.set("selected", id == form.parent_id);
        options.push(std::move(o));
    }
    f.set("parents", std::move(options));
    if (form.error)
        f.set("error", field_errors(v, std::span<const Error>(&*form.error, 1)));
    return f;
}

// A link to page `page` of the directory, keeping the search and the tag.
std::string directory_link(std::string_view q, std::string_view tag, int page)
{
    std::string link = "/groups?";
    if (!q.empty())
        link += "q=" + http::percent_encode(q) + "&";
    if (!tag.empty())
        link += "tag=" + http::percent_encode(tag) + "&";
    return link + "page=" + std::to_string(page);
}

Response directory_page(Visit& v, const model::Account& me, GroupForm form = {}, int status = 200)
{
    storage::GroupQuery query;
    query.prefix = v.req.query_param("q").value_or("");
    query.tag = v.req.query_param("tag").value_or("");
    if (query.prefix.size() > kMaxQueryBytes || query.tag.size() > kMaxQueryBytes)
        return message_page(v, 422, "error.invalid");
    int page_number = 1;
    if (auto asked = v.req.query_param("page"); asked && !asked->empty()) {
        auto parsed = api::parse_id(*asked);
        page_number = parsed && *parsed <= static_cast<Id>(services::kMaxDirectoryPage) ? static_cast<int>(*parsed) : 0;
    }
    bool searched = !query.prefix.empty() || !query.tag.empty();
    Value data = Value::object();
    data.set("q", query.prefix);
    data.set("tag", query.tag);
    data.set("searched", searched);
    auto& groups = *v.ctx.groups;
    std::string q = query.prefix, tag = query.tag;
    auto found = groups.directory_page(me, std::move(query), page_number);
    if (!found)
        return error_page(v, found.error());
    if (found->has_previous)
        data.set("previous", directory_link(q, tag, found->page - 1));
    if (found->has_next)
        data.set("next", directory_link(q, tag, found->page + 1));
    data.set("groups", group_tree(found->groups));
    // The parent choices: the first groups of the directory (the service refuses a parent one
    // does not moderate).
    std::vector<services::GroupView> all;
    if (!searched && found->page == 1) {
        all = found->groups;
    } else {
        storage::GroupQuery every;
        every.limit = kDirectoryLimit;
        auto listed = groups.directory(me, every);
        if (!listed)
            return error_page(v, listed.error());
        all = std::move(*listed);
    }
    data.set("form", form_value(v, form, all));
    data.set("moderator", services::require_moderator(me).has_value());
    return page(v, "groups", "groups.title", std::move(data), status);
}

Response create_group(Visit& v, const model::Account& me, const http::Params& params)
{
    GroupForm form;
    form.name = params.get_or("name");
    form.display_name = params.get_or("display_name");
    form.description = params.get_or("description");
    form.tags = params.get_or("tags");
    form.parent_id = params.get_or("parent_id");
    form.interdisciplinary = params.flag("interdisciplinary");
    auto refuse = [&](const Error& e) {
        form.error = e;
        return directory_page(v, me, std::move(form), http::status_for(e.kind));
    };
    auto request = api::new_group_request(params);
    if (!request)
        return refuse(request.error());
    // The form has one field for the tags, separated by spaces or commas ("#plaies, pied").
    request->tags.clear();
    for (std::string_view rest = form.tags; !rest.empty();) {
        auto end = rest.find_first_of(" ,");
        if (std::string_view tag = rest.substr(0, end); !tag.empty())
            request->tags.emplace_back(tag);
        rest = end == std::string_view::npos ? std::string_view {} : rest.substr(end + 1);
    }
    auto created = v.ctx.groups->create(me, std::move(*request));
    if (!created)
        return refuse(created.error());
    return redirect(v, group_page_path(created->name));
}

// The group of a page's :name; NotFound for a name that is not a group here.
Result<services::GroupView> group_by_name(Visit& v, const model::Account& me, std::string_view name)
{
    auto id = storage::read_value(v.ctx.store, [&](storage::Repositories& repos) -> Result<Id> {
        auto group = repos.groups().find_by_name(name);
        if (!group)
            return forward(group);
        if (!*group)
            return fail(ErrorKind::NotFound, "Group not found.");
        return (*group)->id;
    });
    if (!id)
        return forward(id);
    return v.ctx.groups->view(me, *id);
}

Result<Value> moves_value(Visit& v, const model::Account& me, Id group_id)
{
    auto moves = v.ctx.groups->moves(me, group_id);
    if (!moves)
        return forward(moves);
    Value list(Value::List {});
    for (const model::ThreadMove& m : *moves) {
        if (m.state != model::MoveState::Pending)
            continue;
        Value item = Value::object();
        item.set("id", std::to_string(m.id));
        item.set("status_url", "/statuses/" + std::to_string(m.status_id));
        list.push(std::move(item));
    }
    return list;
}

Response group_page(Visit& v, const model::Account& me, std::string_view name)
{
    auto view = group_by_name(v, me, name);
    if (!view)
        return error_page(v, view.error());
    const model::Group& g = view->group;
    bool member = view->membership && view->membership->state == model::FollowState::Accepted;
    Value data = Value::object();
    data.set("group", group_value(*view));
    data.set("path", group_page_path(g.name));
    data.set("member", member);
    data.set("pending", view->membership && !member);
    data.set("can_moderate", view->can_moderate);
    // Non-members see what the group is about and the join button, never its posts.
    if (member) {
        storage::StatusQuery query = api::page_query(v.req, 20, 40);
        auto statuses = v.ctx.groups->timeline(me, g.id, query);
        if (!statuses)
            return error_page(v, statuses.error());
        auto values = status_values(v.ctx, me, *statuses, *v.texts);
        if (!values)
            return error_page(v, values.error());
        if (!statuses->empty() && static_cast<int>(statuses->size()) >= query.limit)
            data.set("older", group_page_path(g.name) + "?max_id=" + std::to_string(statuses->back().id));
        data.set("statuses", std::move(*values));
        Draft draft;
        draft.audience = model::Audience::Group;
        draft.group_id = g.id;
        draft.fixed_group = true;
        data.set("compose", compose_value(v, me, draft));
    }
    if (view->can_moderate) {
        auto moves = moves_value(v, me, g.id);
        if (!moves)
            return error_page(v, moves.error());
        data.set("moves", std::move(*moves));
    }
    return page(v, "group", "group.title", std::move(data));
}

// Runs `action` on the group of the path's :name, then back to its page.
template <class Action>
Response on_group(Visit& v, const model::Account& me, const PathParams& p, Action action)
{
    auto view = group_by_name(v, me, p.at("name"));
    if (!view)
        return error_page(v, view.error());
    if (Status done = action(view->group.id); !done)
        return error_page(v, done.error());
    return redirect(v, group_page_path(view->group.name));
}

template <class T> Status as_status(const Result<T>& r)
{
    return r ? ok() : forward(r);
}

} // namespace

void register_group_pages(http::Router& router, api::Context& ctx, const WebUi& ui)
{
    add_member_page(router, ctx, ui, "/groups",
        [](Visit& v, const model::Account& me, const PathParams&) { return directory_page(v, me); });
    add_member_action(router, ctx, ui, "/groups",
        [](Visit& v, const model::Account& me, const http::Params& form, const PathParams&) {
            return create_group(v, me, form);
        });
    add_member_page(router, ctx, ui, "/g/:name",
        [](Visit& v, const model::Account& me, const PathParams& p) { return group_page(v, me, p.at("name")); });
    add_member_action(router, ctx, ui, "/g/:name/join",
        [](Visit& v, const model::Account& me, const http::Params&, const PathParams& p) {
            return on_group(v, me, p, [&](Id id) { return v.ctx.groups->join(me, id); });
        });
    add_member_action(router, ctx, ui, "/g/:name/leave",
        [](Visit& v, const model::Account& me, const http::Params&, const PathParams& p) {
            return on_group(v, me, p, [&](Id id) { return v.ctx.groups->leave(me, id); });
        });
    add_member_action(router, ctx, ui, "/g/:name/statuses/:id/remove",
        [](Visit& v, const model::Account& me, const http::Params&, const PathParams& p) {
            return on_group(v, me, p, [&](Id id) -> Status {
                auto status_id = api::parse_id(p.at("id"));
                if (!status_id)
                    return forward(status_id);
                return as_status(v.ctx.groups->remove_status(me, id, *status_id));
            });
        });
    for (bool approve : { true, false })
        add_member_action(router, ctx, ui, approve ? "/g/:name/moves/:move_id/approve" : "/g/:name/moves/:move_id/reject",
            [approve](Visit& v, const model::Account& me, const http::Params& form, const PathParams& p) {
                return on_group(v, me, p, [&](Id id) -> Status {
                    auto move_id = api::parse_id(p.at("move_id"));
                    if (!move_id)
                        return forward(move_id);
                    return as_status(v.ctx.groups->decide_move(me, id, *move_id, approve, form.get_or("reason")));
                });
            });
}

} // namespace confrere::server::web
