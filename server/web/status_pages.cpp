// Timelines, a thread, writing and replying, and the favourite / boost / bookmark buttons.
// Every rule is SocialService's; these handlers parse forms and render pages.
#include "core/base/text.hpp"
#include "core/services/group_service.hpp"
#include "core/services/search_service.hpp"
#include "core/services/social_service.hpp"
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

// The audiences the picker offers, in order; the first is the default. The member's groups
// follow them, as "group:<id>" choices.
constexpr model::Audience kPickerAudiences[]
    = { model::Audience::Instance, model::Audience::Followers, model::Audience::Direct };
constexpr std::string_view kGroupChoice = "group:";

Value audience_option(std::string value, std::string label, std::string_view hint, bool checked, bool group)
{
    Value option = Value::object();
    option.set("value", std::move(value));
    option.set("label", std::move(label));
    option.set("hint", hint);
    option.set("checked", checked);
    option.set("group", group);
    return option;
}

// A page of timeline entries (`data` holds the rest: heading, empty text, compose form), with
// a link to the older ones when the page is full.
Response entries_page(Visit& v, const model::Account& me, const Result<services::TimelinePage>& timeline,
    std::string_view path, Value data, std::string_view title_key, int status = 200)
{
    if (!timeline)
        return error_page(v, timeline.error());
    auto values = entry_values(v.ctx, me, timeline->entries, *v.texts);
    if (!values)
        return error_page(v, values.error());
    data.set("statuses", std::move(*values));
    if (timeline->full && timeline->oldest)
        data.set("older", std::string(path) + "?max_id=" + std::to_string(*timeline->oldest));
    return page(v, "timeline", title_key, std::move(data), status);
}

Response statuses_page(Visit& v, const model::Account& me, const Result<std::vector<model::Status>>& statuses,
    int limit, std::string_view path, Value data, std::string_view title_key, int status = 200)
{
    if (!statuses)
        return entries_page(v, me, forward(statuses), path, std::move(data), title_key, status);
    services::TimelinePage timeline;
    timeline.full = !statuses->empty() && static_cast<int>(statuses->size()) >= limit;
    if (!statuses->empty())
        timeline.oldest = statuses->back().id;
    for (const model::Status& s : *statuses)
        timeline.entries.push_back(model::TimelineEntry { s, std::nullopt });
    return entries_page(v, me, timeline, path, std::move(data), title_key, status);
}

Response timeline_page(Visit& v, const model::Account& me, bool home, Draft draft = {}, int status = 200)
{
    storage::StatusQuery query = api::page_query(v.req, 20, 40);
    auto& social = v.ctx.social->social;
    Value data = Value::object();
    data.set("heading", v.texts->text(home ? "home.title" : "local.title"));
    data.set("empty", v.texts->text(home ? "home.empty" : "local.empty"));
    data.set("compose", compose_value(v, me, draft));
    if (home)
        return entries_page(v, me, social.home_timeline(me, query), "/home", std::move(data), "home.title", status);
    return statuses_page(v, me, social.instance_timeline(me, query, {}), query.limit, "/local", std::move(data),
        "local.title", status);
}

// Statuses carrying a hashtag (the links in rendered posts point here).
Response tag_page(Visit& v, const model::Account& me, const std::string& name)
{
    storage::TagTimelineQuery query;
    query.any = { name };
    query.page = api::page_query(v.req, 20, 40);
    Value data = Value::object();
    data.set("heading", "#" + name);
    data.set("empty", v.texts->text("tag.empty"));
    return statuses_page(v, me, services::SearchService(v.ctx.store, v.ctx.host).tag_timeline(me, query),
        query.page.limit, "/tags/" + text::percent_encode_word(name), std::move(data), "tag.title");
}

// The thread as nested replies: each status holds the replies to it, depth-first as the
// service ordered them. Past kMaxNesting levels replies stay at that level (narrow screens).
constexpr int kMaxNesting = 6;

Value nest(std::map<Id, std::vector<const Value*>>& children, std::map<const Value*, Id>& ids,
    const Value& node, int depth)
{
    Value out = node;
    Value replies(Value::List {});
    std::vector<const Value*> queue = children[ids[&node]];
    for (std::size_t i = 0; i < queue.size(); ++i) {
        if (depth >= kMaxNesting) {
            replies.push(*queue[i]);
            for (const Value* grandchild : children[ids[queue[i]]])
                queue.push_back(grandchild);
        } else {
            replies.push(nest(children, ids, *queue[i], depth + 1));
        }
    }
    out.set("has_replies", replies.truthy());
    out.set("replies", std::move(replies));
    return out;
}

Response thread_page(Visit& v, const model::Account& me, Id id, Draft draft = {}, int status = 200)
{
    auto& social = v.ctx.social->social;
    auto focus = social.status(me, id);
    if (!focus)
        return error_page(v, focus.error());
    auto context = social.context(me, id);
    if (!context)
        return error_page(v, context.error());

    std::vector<model::Status> all = context->ancestors;
    all.push_back(*focus);
    all.insert(all.end(), context->descendants.begin(), context->descendants.end());
    auto values = status_values(v.ctx, me, all, *v.texts);
    if (!values)
        return error_page(v, values.error());

    // Ancestors are shown flat above the focused status; its descendants nested below it.
    Value ancestors(Value::List {});
    std::map<Id, std::vector<const Value*>> children;
    std::map<const Value*, Id> ids;
    const Value* focused = nullptr;
    std::map<Id, const model::Status*> by_id;
    for (const model::Status& s : all)
        by_id[s.id] = &s;
    for (const Value& value : *values) {
        auto parsed = api::parse_id(*value.find("id")->string()); // written by status_values
        if (!parsed)
            return error_page(v, parsed.error());
        Id value_id = *parsed;
        ids[&value] = value_id;
        const model::Status& s = *by_id[value_id];
        if (value_id == id)
            focused = &value;
        else if (s.id < id && !focused)
            ancestors.push(value);
        else if (s.in_reply_to_id)
            children[*s.in_reply_to_id].push_back(&value);
    }
    if (focused == nullptr)
        return message_page(v, 404, "error.not_found");
    Value focus_value = nest(children, ids, *focused, 0);
    focus_value.set("focus", true);

    if (!draft.in_reply_to) {
        draft.in_reply_to = id;
        // The picker starts at the parent's audience: never wider, and SocialService narrows a
        // reply to someone else's Followers or Direct status to Direct by itself. A reply to a
        // group post stays in its group (the service sees to it; the picker says so).
        draft.audience = focus->audience;
        if (focus->audience == model::Audience::Group && focus->group)
            draft.group_id = focus->group->id;
    }
    Value data = Value::object();
    data.set("ancestors", std::move(ancestors));
    data.set("focus", std::move(focus_value));
    data.set("compose", compose_value(v, me, draft));
    return page(v, "thread", "thread.title", std::move(data), status);
}

Response post_status(Visit& v, const model::Account& me, const http::Params& form)
{
    Draft draft;
    draft.text = form.get_or("status");
    draft.summary = form.get_or("summary");
    // A group of the picker comes as "group:<id>"; a group's page sends a hidden group_id.
    std::string chosen = form.get_or("audience", "instance");
    std::string group_id = form.get_or("group_id");
    if (chosen.starts_with(kGroupChoice)) {
        group_id = chosen.substr(kGroupChoice.size());
        chosen = model::to_string(model::Audience::Group);
    }
    auto audience = model::audience_from_string(chosen);
    if (auto id = api::parse_id(group_id); id && !group_id.empty())
        draft.group_id = *id; // kept for the picker if the post is refused
    if (auto parent = form.get("in_reply_to"); parent && !parent->empty()) {
        auto parent_id = api::parse_id(*parent);
        if (!parent_id)
            return message_page(v, 404, "error.not_found");
        draft.in_reply_to = *parent_id;
    }
    auto back_to_form = [&](Error e) {
        draft.error = std::move(e);
        return draft.in_reply_to ? thread_page(v, me, *draft.in_reply_to, draft, 422)
                                 : timeline_page(v, me, true, draft, 422);
    };
    if (!audience)
        return back_to_form(Error { ErrorKind::Unprocessable, "Unknown visibility.", {}, "visibility" });
    draft.audience = *audience;

    services::PostRequest post;
    post.text = draft.text;
    post.summary = draft.summary;
    post.audience = draft.audience;
    post.in_reply_to = draft.in_reply_to;
    post.language = v.language;
    if (auto addressed = api::address_post(v.ctx, post, group_id); !addressed)
        return back_to_form(addressed.error());
    // The form's CSRF token is per session, so it cannot tell two submissions apart; a
    // double click posting twice is the price of working without JavaScript.
    auto posted = v.ctx.social->social.post(me, std::move(post));
    if (!posted)
        return back_to_form(posted.error());
    return redirect(v, "/statuses/" + std::to_string(posted->id));
}

enum class Toggle { Favourite, Boost, Bookmark };

Response toggle(
    Visit& v, const model::Account& me, const http::Params& form, const PathParams& p, Toggle what)
{
    auto id = api::parse_id(p.at("id"));
    if (!id)
        return message_page(v, 404, "error.not_found");
    bool undo = form.flag("undo");
    auto& social = v.ctx.social->social;
    Status done = ok();
    auto kind = what == Toggle::Favourite ? model::InteractionKind::Like : model::InteractionKind::Announce;
    if (what == Toggle::Bookmark) {
        if (undo)
            done = social.unbookmark(me, *id);
        else if (auto b = social.bookmark(me, *id); !b)
            done = forward(b);
    } else if (undo) {
        done = social.undo_interaction(me, kind, *id);
    } else if (auto i = social.interact(me, kind, *id); !i) {
        done = forward(i);
    }
    if (!done)
        return error_page(v, done.error());
    return redirect(v, local_path_or_home(form.get_or("back", "/home")) + "#s" + std::to_string(*id));
}

} // namespace

Value compose_value(const Visit& v, const model::Account& me, const Draft& draft)
{
    Value c = Value::object();
    c.set("text", draft.text);
    c.set("summary", draft.summary);
    c.set("max", std::to_string(v.ctx.social->social.limits().max_characters));
    if (draft.in_reply_to)
        c.set("in_reply_to", std::to_string(*draft.in_reply_to));
    c.set("picker", !draft.fixed_group);
    if (draft.fixed_group && draft.group_id)
        c.set("group_id", std::to_string(*draft.group_id));
    Value audiences(Value::List {});
    for (model::Audience a : kPickerAudiences) {
        std::string name(model::to_string(a));
        audiences.push(audience_option(name, std::string(v.texts->text("audience." + name)),
            v.texts->text("audience." + name + ".hint"), a == draft.audience, false));
    }
    // A member without groups (or a failed read) simply gets the three audiences.
    if (!draft.fixed_group)
        if (auto groups = v.ctx.groups->memberships(me))
            for (const model::Group& g : *groups)
                audiences.push(audience_option(std::string(kGroupChoice) + std::to_string(g.id), g.display_name,
                    v.texts->text("audience.group.hint"),
                    draft.audience == model::Audience::Group && draft.group_id == g.id, true));
    c.set("audiences", std::move(audiences));
    if (draft.error) {
        Value e = Value::object();
        std::string field = draft.error->field == "visibility" || draft.error->field == "group_id" ? "audience"
            : draft.error->field == "spoiler_text"                                                ? "summary"
                                                                                                   : "text";
        e.set(field, translate_error(v, *draft.error));
        c.set("error", std::move(e));
    }
    return c;
}

void register_status_pages(http::Router& router, api::Context& ctx, const WebUi& ui)
{
    add_member_page(router, ctx, ui, "/home",
        [](Visit& v, const model::Account& me, const PathParams&) { return timeline_page(v, me, true); });
    add_member_page(router, ctx, ui, "/local",
        [](Visit& v, const model::Account& me, const PathParams&) { return timeline_page(v, me, false); });
    add_member_page(
        router, ctx, ui, "/statuses/:id", [](Visit& v, const model::Account& me, const PathParams& p) {
            auto id = api::parse_id(p.at("id"));
            if (!id)
                return message_page(v, 404, "error.not_found");
            return thread_page(v, me, *id);
        });
    add_member_page(
        router, ctx, ui, "/tags/:name", [](Visit& v, const model::Account& me, const PathParams& p) {
            return tag_page(v, me, p.at("name"));
        });
    add_member_action(router, ctx, ui, "/statuses",
        [](Visit& v, const model::Account& me, const http::Params& form, const PathParams&) {
            return post_status(v, me, form);
        });
    for (auto [path, what] : { std::pair { "/statuses/:id/favourite", Toggle::Favourite },
             std::pair { "/statuses/:id/boost", Toggle::Boost },
             std::pair { "/statuses/:id/bookmark", Toggle::Bookmark } })
        add_member_action(router, ctx, ui, path,
            [what](Visit& v, const model::Account& me, const http::Params& form, const PathParams& p) {
                return toggle(v, me, form, p, what);
            });
}

} // namespace confrere::server::web
