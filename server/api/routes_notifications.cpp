// Mastodon's notifications and markers: listing, reading, dismissing and counting a member's
// notifications, and saving where they stopped reading. Notifications are made by
// services::Notifier (social actions and the inbox); this file only translates.
#include "core/services/notification_service.hpp"
#include "server/api/routes.hpp"
#include "server/api/status_json.hpp"
#include "server/http/form.hpp"

#include <algorithm>

namespace confrere::server::api {

using http::PathParams;
using http::Request;
using http::Response;
using model::NotificationType;

namespace {

constexpr int kDefaultLimit = 40;
constexpr int kMaxLimit = 80;
constexpr int kDefaultUnreadCap = 100;

services::NotificationService notifications_of(Context& ctx)
{
    return services::NotificationService(ctx.store, ctx.clock);
}

std::optional<Id> id_param(const Request& req, std::string_view name)
{
    auto value = req.query_param(name);
    if (!value)
        return std::nullopt;
    auto id = parse_id(*value);
    return id ? std::optional(*id) : std::nullopt;
}

// The filters of GET /api/v1/notifications and unread_count: types[], exclude_types[] and
// account_id. Unknown type names are ignored, as Mastodon does; types[] naming none we know
// selects nothing.
storage::NotificationQuery filter_query(const Request& req)
{
    storage::NotificationQuery q;
    bool typed = false;
    std::vector<NotificationType> wanted, excluded;
    for (const auto& [name, value] : http::parse_urlencoded(req.query)) {
        auto type = model::notification_type_from_string(value);
        if (name == "types[]" || name == "types") {
            typed = true;
            if (type)
                wanted.push_back(*type);
        } else if ((name == "exclude_types[]" || name == "exclude_types") && type) {
            excluded.push_back(*type);
        }
    }
    if (typed)
        q.types = wanted;
    std::erase_if(q.types,
        [&](NotificationType t) { return std::find(excluded.begin(), excluded.end(), t) != excluded.end(); });
    std::sort(q.types.begin(), q.types.end());
    q.types.erase(std::unique(q.types.begin(), q.types.end()), q.types.end());
    q.from_id = id_param(req, "account_id");
    return q;
}

int limit_param(const Request& req, int fallback, int max)
{
    auto value = req.query_param("limit");
    if (!value)
        return fallback;
    auto n = parse_id(*value);
    return n ? static_cast<int>(std::clamp<Id>(*n, 1, max)) : fallback;
}

// Mastodon's Notification entity.
Status write_notification(JsonWriter& w, storage::Repositories& repos, const Context& ctx,
    const model::Account& viewer, const services::NotificationView& view)
{
    const model::Notification& n = view.notification;
    w.StartObject();
    write_string(w, "id", std::to_string(n.id));
    write_string(w, "type", model::to_string(n.type));
    write_string(w, "created_at", format_iso8601(n.created_at));
    write_string(w, "group_key", "ungrouped-" + std::to_string(n.id));
    w.Key("account");
    auto written = write_actor(w, repos, ctx, n.from);
    if (!written)
        return forward(written);
    if (!*written)
        w.Null();
    if (view.status) {
        w.Key("status");
        if (auto status = write_status(w, repos, ctx, viewer, *view.status); !status)
            return status;
    }
    w.EndObject();
    return ok();
}

Result<std::string> notifications_json(Context& ctx, const model::Account& viewer,
    const std::vector<services::NotificationView>& views, bool array)
{
    return entities_json(ctx, views, array,
        [&](JsonWriter& w, storage::Repositories& repos, const services::NotificationView& view) {
            return write_notification(w, repos, ctx, viewer, view);
        });
}

Response handle_list(Context& ctx, const Request& req)
{
    auto caller = authenticate_member(ctx, req, "read:notifications");
    if (!caller)
        return http::error_response(caller.error());
    storage::NotificationQuery q = filter_query(req);
    q.max_id = id_param(req, "max_id");
    q.since_id = id_param(req, "since_id");
    q.min_id = id_param(req, "min_id");
    q.limit = limit_param(req, kDefaultLimit, kMaxLimit);
    auto page = notifications_of(ctx).list(caller->auth.account, q);
    if (!page)
        return http::error_response(page.error());
    auto body = notifications_json(ctx, caller->auth.account, page->items, true);
    if (!body)
        return http::error_response(body.error());
    Response response = http::json_response(200, std::move(*body));
    add_link_header(response, ctx, req, page->newest, page->oldest);
    return response;
}

Response handle_unread_count(Context& ctx, const Request& req)
{
    auto caller = authenticate_member(ctx, req, "read:notifications");
    if (!caller)
        return http::error_response(caller.error());
    int cap = limit_param(req, kDefaultUnreadCap, services::kMaxUnreadCount);
    auto count = notifications_of(ctx).unread_count(caller->auth.account, filter_query(req), cap);
    if (!count)
        return http::error_response(count.error());
    return http::json_response(200, "{\"count\":" + std::to_string(*count) + "}");
}

// Mastodon's Marker entities keyed by timeline: {"home": {"last_read_id": …}, …}.
std::string markers_json(const std::vector<model::Marker>& markers)
{
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    for (const model::Marker& m : markers) {
        w.Key(std::string(model::to_string(m.timeline)).c_str());
        w.StartObject();
        write_string(w, "last_read_id", std::to_string(m.last_read_id));
        w.Key("version");
        w.Int64(m.version);
        write_string(w, "updated_at", format_iso8601(m.updated_at));
        w.EndObject();
    }
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize());
}

// GET /api/v1/markers?timeline[]=home&timeline[]=notifications: unknown timelines are ignored.
Response handle_get_markers(Context& ctx, const Request& req)
{
    auto caller = authenticate_member(ctx, req, "read:statuses");
    if (!caller)
        return http::error_response(caller.error());
    std::vector<model::MarkerTimeline> timelines;
    for (const auto& [name, value] : http::parse_urlencoded(req.query))
        if (name == "timeline[]" || name == "timeline")
            if (auto timeline = model::marker_timeline_from_string(value);
                timeline && std::find(timelines.begin(), timelines.end(), *timeline) == timelines.end())
                timelines.push_back(*timeline);
    auto markers = notifications_of(ctx).markers(caller->auth.account, timelines);
    if (!markers)
        return http::error_response(markers.error());
    return http::json_response(200, markers_json(*markers));
}

// POST /api/v1/markers with home[last_read_id] and/or notifications[last_read_id] (a form, or
// JSON {"home": {"last_read_id": "…"}}, which parse_params flattens to the same names).
Response handle_save_markers(Context& ctx, const Request& req)
{
    auto caller = authenticate_member(ctx, req, "write:statuses");
    if (!caller)
        return http::error_response(caller.error());
    auto params = http::parse_params(req);
    if (!params)
        return http::error_response(params.error());
    std::vector<std::pair<model::MarkerTimeline, Id>> positions;
    for (auto timeline : { model::MarkerTimeline::Home, model::MarkerTimeline::Notifications }) {
        auto value = params->get(std::string(model::to_string(timeline)) + "[last_read_id]");
        if (!value)
            continue;
        auto id = parse_id(*value);
        if (!id)
            return http::error_response(
                Error { ErrorKind::Unprocessable, "last_read_id must be an id.", {}, "last_read_id" });
        positions.emplace_back(timeline, *id);
    }
    auto saved = notifications_of(ctx).save_markers(caller->auth.account, positions);
    if (!saved)
        return http::error_response(saved.error());
    return http::json_response(200, markers_json(*saved));
}

} // namespace

std::optional<std::string> notification_entity(Context& ctx, const model::Account& recipient, Id notification_id)
{
    auto view = notifications_of(ctx).get(recipient, notification_id);
    if (!view)
        return std::nullopt;
    auto body = notifications_json(ctx, recipient, { *view }, false);
    if (!body)
        return std::nullopt;
    return std::move(*body);
}

void register_notification_routes(http::Router& router, Context& ctx)
{
    router.add("GET", "/api/v1/notifications",
        [&ctx](const Request& req, const PathParams&) { return handle_list(ctx, req); });
    router.add("GET", "/api/v1/notifications/unread_count",
        [&ctx](const Request& req, const PathParams&) { return handle_unread_count(ctx, req); });
    router.add("GET", "/api/v1/notifications/:id", [&ctx](const Request& req, const PathParams& p) {
        return with_member_and_id(
            ctx, req, p,
            [&](const model::Account& me, Id id) {
                auto view = notifications_of(ctx).get(me, id);
                if (!view)
                    return http::error_response(view.error());
                auto body = notifications_json(ctx, me, { *view }, false);
                return body ? http::json_response(200, std::move(*body)) : http::error_response(body.error());
            },
            "read:notifications");
    });
    router.add("POST", "/api/v1/notifications/clear", [&ctx](const Request& req, const PathParams&) {
        auto caller = authenticate_member(ctx, req, "write:notifications");
        if (!caller)
            return http::error_response(caller.error());
        auto cleared = notifications_of(ctx).clear(caller->auth.account);
        return cleared ? http::json_response(200, "{}") : http::error_response(cleared.error());
    });
    router.add("POST", "/api/v1/notifications/:id/dismiss", [&ctx](const Request& req, const PathParams& p) {
        return with_member_and_id(
            ctx, req, p,
            [&](const model::Account& me, Id id) {
                auto dismissed = notifications_of(ctx).dismiss(me, id);
                return dismissed ? http::json_response(200, "{}") : http::error_response(dismissed.error());
            },
            "write:notifications");
    });
    router.add("GET", "/api/v1/markers",
        [&ctx](const Request& req, const PathParams&) { return handle_get_markers(ctx, req); });
    router.add("POST", "/api/v1/markers",
        [&ctx](const Request& req, const PathParams&) { return handle_save_markers(ctx, req); });
}

} // namespace confrere::server::api
