#include "server/web/views.hpp"

#include "core/services/social_service.hpp"
#include "server/api/routes.hpp"
#include "server/web/i18n.hpp"

#include <functional>
#include <map>

namespace confrere::server::web {

Value actor_value(const model::Account& account)
{
    Value v = Value::object();
    v.set("name", account.display_name.empty() ? account.username : account.display_name);
    v.set("handle", "@" + account.username);
    v.set("url", "/@" + account.username);
    v.set("local", true);
    return v;
}

Value actor_value(const model::RemoteActor& actor)
{
    Value v = Value::object();
    v.set("name", actor.display_name.empty() ? actor.username : actor.display_name);
    std::string handle = actor.username + "@" + actor.host;
    v.set("handle", "@" + handle);
    v.set("url", "/@" + handle);
    v.set("local", false);
    return v;
}

Value group_link_value(const model::Group& group)
{
    Value v = Value::object();
    v.set("name", group.display_name.empty() ? group.name : group.display_name);
    v.set("url", group_page_path(group.name));
    return v;
}

std::string group_page_path(std::string_view name)
{
    return "/g/" + std::string(name);
}

Value audience_value(model::Audience audience, const Catalogue& texts)
{
    std::string name(model::to_string(audience));
    Value v = Value::object();
    v.set("label", texts.text("audience." + name));
    v.set("name", std::move(name));
    return v;
}

std::string display_time(TimePoint t)
{
    std::string iso = format_iso8601(t); // 2026-03-01T14:05:09.123Z
    if (iso.size() < 16)
        return iso;
    return iso.substr(0, 10) + " " + iso.substr(11, 5);
}

Result<std::optional<Value>> find_actor_value(storage::Repositories& repos, model::ActorRef ref)
{
    if (ref.local) {
        auto account = repos.accounts().find_by_id(ref.id);
        if (!account)
            return forward(account);
        return *account ? std::optional<Value>(actor_value(**account)) : std::nullopt;
    }
    auto actor = repos.remote_actors().find_by_id(ref.id);
    if (!actor)
        return forward(actor);
    return *actor ? std::optional<Value>(actor_value(**actor)) : std::nullopt;
}

Result<Value::List> actor_values(api::Context& ctx, const std::vector<model::ActorRef>& refs)
{
    Value::List out;
    auto done = ctx.store.read([&](storage::Repositories& repos) -> Status {
        for (model::ActorRef ref : refs) {
            auto found = find_actor_value(repos, ref);
            if (!found)
                return forward(found);
            if (!*found)
                continue;
            (*found)->set("ref", std::string(ref.local ? "local:" : "remote:") + std::to_string(ref.id));
            out.push_back(std::move(**found));
        }
        return ok();
    });
    if (!done)
        return forward(done);
    return out;
}

std::optional<model::ActorRef> parse_actor_ref(std::string_view text)
{
    bool local = text.starts_with("local:");
    if (!local && !text.starts_with("remote:"))
        return std::nullopt;
    auto id = api::parse_id(text.substr(local ? 6 : 7));
    if (!id)
        return std::nullopt;
    return model::ActorRef { *id, local };
}

namespace {

// What a page shows of each actor (authors, groups) is looked up once per page.
class RefCache {
public:
    using Finder = std::function<Result<std::optional<Value>>(model::ActorRef)>;
    explicit RefCache(Finder find)
        : find_(std::move(find))
    { }

    Result<const Value*> get(model::ActorRef ref)
    {
        auto key = std::make_pair(ref.id, ref.local);
        if (auto it = cache_.find(key); it != cache_.end())
            return it->second ? &*it->second : nullptr;
        auto found = find_(ref);
        if (!found)
            return forward(found);
        auto& slot = cache_[key] = std::move(*found);
        return slot ? &*slot : nullptr;
    }

private:
    Finder find_;
    std::map<std::pair<Id, bool>, std::optional<Value>> cache_;
};

// The group of a group post: its name and page (a group here) or its profile (a remote Group
// actor); nullopt when it is gone.
Result<std::optional<Value>> find_group_link(storage::Repositories& repos, model::ActorRef ref)
{
    if (!ref.local)
        return find_actor_value(repos, ref);
    auto group = repos.groups().find_by_id(ref.id);
    if (!group)
        return forward(group);
    if (!*group)
        return std::optional<Value> {};
    return std::optional<Value>(group_link_value(**group));
}

Status add_interactions(
    storage::Repositories& repos, const model::Account& viewer, const model::Status& s, Value& v)
{
    for (auto kind : { model::InteractionKind::Like, model::InteractionKind::Announce }) {
        bool like = kind == model::InteractionKind::Like;
        auto count = repos.interactions().count(kind, s.id);
        if (!count)
            return forward(count);
        auto mine = repos.interactions().find(kind, model::local_actor(viewer.id), s.id);
        if (!mine)
            return forward(mine);
        v.set(like ? "favourites" : "boosts", std::to_string(*count));
        v.set(like ? "favourited" : "boosted", mine->has_value());
    }
    auto bookmark = repos.bookmarks().find(viewer.id, s.id);
    if (!bookmark)
        return forward(bookmark);
    v.set("bookmarked", bookmark->has_value());
    return ok();
}

} // namespace

Result<Value::List> entry_values(api::Context& ctx, const model::Account& viewer,
    const std::vector<model::TimelineEntry>& entries, const Catalogue& texts)
{
    Value::List out;
    out.reserve(entries.size());
    auto done = ctx.store.read([&](storage::Repositories& repos) -> Status {
        RefCache authors([&](model::ActorRef ref) { return find_actor_value(repos, ref); });
        RefCache groups([&](model::ActorRef ref) { return find_group_link(repos, ref); });
        for (const model::TimelineEntry& e : entries) {
            const model::Status& s = e.status;
            auto author = authors.get(s.author);
            if (!author)
                return forward(author);
            if (*author == nullptr)
                continue;
            Value v = Value::object();
            if (e.boost) {
                auto booster = authors.get(e.boost->actor);
                if (!booster)
                    return forward(booster);
                if (*booster == nullptr)
                    continue;
                v.set("boosted_by", **booster);
            }
            std::string id = std::to_string(s.id);
            v.set("id", id);
            v.set("url", "/statuses/" + id);
            v.set("author", **author);
            Value audience = audience_value(s.audience, texts);
            if (s.audience == model::Audience::Group && s.group) {
                auto group = groups.get(*s.group);
                if (!group)
                    return forward(group);
                if (*group != nullptr)
                    audience.set("group", **group);
            }
            v.set("audience", std::move(audience));
            v.set("content", Html { s.content_html });
            v.set("summary", s.summary);
            v.set("published", format_iso8601(s.published));
            v.set("published_display", display_time(s.published));
            v.set("reply", s.in_reply_to_id.has_value() || !s.in_reply_to_uri.empty());
            v.set("focus", false); // a section looks names up the stack: say it for each
            v.set("own", s.author == model::local_actor(viewer.id));
            v.set("boostable", services::can_announce(viewer, s));
            if (auto rc = add_interactions(repos, viewer, s, v); !rc)
                return rc;
            out.push_back(std::move(v));
        }
        return ok();
    });
    if (!done)
        return forward(done);
    return out;
}

Result<Value::List> status_values(api::Context& ctx, const model::Account& viewer,
    const std::vector<model::Status>& statuses, const Catalogue& texts)
{
    std::vector<model::TimelineEntry> entries;
    entries.reserve(statuses.size());
    for (const model::Status& s : statuses)
        entries.push_back(model::TimelineEntry { s, std::nullopt });
    return entry_values(ctx, viewer, entries, texts);
}

} // namespace confrere::server::web
