#include "server/api/search_json.hpp"

#include "core/services/hashtags.hpp"
#include "federation/html/sanitizer.hpp"
#include "server/api/status_json.hpp"

namespace confrere::server::api {

Result<StatusFilters> load_status_filters(
    Context& ctx, const model::Account& viewer, model::FilterContext context)
{
    services::FilterService service(ctx.store, ctx.clock, ctx.ids);
    auto active = service.active(viewer);
    if (!active)
        return forward(active);
    return StatusFilters { std::move(*active), context, ctx.clock.now() };
}

std::string status_filter_text(const model::Status& s)
{
    std::string text = s.source_text.empty() ? federation::html_to_text(s.content_html) : s.source_text;
    if (!s.summary.empty())
        text += "\n" + s.summary;
    return text;
}

Status write_status_tags(
    JsonWriter& w, storage::Repositories& repos, const Context& ctx, const model::Status& s)
{
    auto names = repos.tags().for_status(s.id);
    if (!names)
        return forward(names);
    w.Key("tags");
    w.StartArray();
    for (const std::string& name : *names) {
        w.StartObject();
        write_string(w, "name", name);
        write_string(w, "url", services::hashtag_url(ctx.base_url, name));
        w.EndObject();
    }
    w.EndArray();
    return ok();
}

void write_status_filtered(JsonWriter& w, const StatusFilters& filters, const model::Status& s)
{
    w.Key("filtered");
    w.StartArray();
    if (!filters.filters.empty()) {
        for (const services::FilterMatch& match :
            services::match_filters(filters.filters, filters.context, status_filter_text(s), filters.now)) {
            w.StartObject();
            w.Key("filter");
            write_filter(w, match.filter);
            w.Key("keyword_matches");
            w.StartArray();
            for (const std::string& k : match.keyword_matches)
                w.String(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
            w.EndArray();
            w.Key("status_matches");
            w.StartArray();
            w.EndArray();
            w.EndObject();
        }
    }
    w.EndArray();
}

void write_tag(JsonWriter& w, const Context& ctx, const model::Tag& tag)
{
    w.StartObject();
    write_string(w, "name", tag.name);
    write_string(w, "url", services::hashtag_url(ctx.base_url, tag.name));
    w.Key("history");
    w.StartArray();
    w.EndArray();
    w.Key("following");
    w.Bool(false);
    w.EndObject();
}

void write_filter_keyword(JsonWriter& w, const model::FilterKeyword& k)
{
    w.StartObject();
    write_string(w, "id", std::to_string(k.id));
    write_string(w, "keyword", k.keyword);
    w.Key("whole_word");
    w.Bool(k.whole_word);
    w.EndObject();
}

void write_filter(JsonWriter& w, const model::Filter& f)
{
    w.StartObject();
    write_string(w, "id", std::to_string(f.id));
    write_string(w, "title", f.title);
    w.Key("context");
    w.StartArray();
    for (model::FilterContext c : f.contexts)
        w.String(std::string(model::to_string(c)).c_str());
    w.EndArray();
    w.Key("expires_at");
    if (f.expires_at)
        w.String(format_iso8601(*f.expires_at).c_str());
    else
        w.Null();
    write_string(w, "filter_action", model::to_string(f.action));
    w.Key("keywords");
    w.StartArray();
    for (const model::FilterKeyword& k : f.keywords)
        write_filter_keyword(w, k);
    w.EndArray();
    w.Key("statuses");
    w.StartArray();
    w.EndArray();
    w.EndObject();
}

namespace {

bool hidden(const StatusFilters& filters, const model::Status& s)
{
    return services::hides(
        services::match_filters(filters.filters, filters.context, status_filter_text(s), filters.now));
}

} // namespace

void drop_hidden(std::vector<model::Status>& list, const StatusFilters& filters)
{
    if (!filters.filters.empty())
        std::erase_if(list, [&](const model::Status& s) { return hidden(filters, s); });
}

http::Response filtered_timeline_response(Context& ctx, const http::Request& req,
    const model::Account& viewer, services::TimelinePage page, model::FilterContext context)
{
    auto filters = load_status_filters(ctx, viewer, context);
    if (!filters)
        return http::error_response(filters.error());
    if (!filters->filters.empty())
        std::erase_if(page.entries, [&](const model::TimelineEntry& e) { return hidden(*filters, e.status); });
    auto body = entries_json(ctx, viewer, page.entries, true, &*filters);
    if (!body)
        return http::error_response(body.error());
    http::Response response = http::json_response(200, std::move(*body));
    add_link_header(response, ctx, req, page.newest, page.oldest);
    return response;
}

http::Response filtered_timeline_response(Context& ctx, const http::Request& req,
    const model::Account& viewer, std::vector<model::Status> list, model::FilterContext context)
{
    services::TimelinePage page;
    if (!list.empty()) {
        page.newest = list.front().id;
        page.oldest = list.back().id;
    }
    for (model::Status& s : list)
        page.entries.push_back(model::TimelineEntry { std::move(s), std::nullopt });
    return filtered_timeline_response(ctx, req, viewer, std::move(page), context);
}

} // namespace confrere::server::api
