#include "core/services/notification_service.hpp"

#include "core/services/access_policy.hpp"
#include "core/services/social_service.hpp"

namespace confrere::services {

namespace {

// The notification as `reader` sees it; nullopt when its status is gone or hidden from them.
Result<std::optional<NotificationView>> view_of(
    storage::Repositories& repos, const model::Account& reader, model::Notification n)
{
    NotificationView view { std::move(n), std::nullopt };
    if (!view.notification.status_id)
        return std::optional(std::move(view));
    auto status = repos.statuses().find_by_id(*view.notification.status_id);
    if (!status)
        return forward(status);
    if (!*status)
        return std::optional<NotificationView> {};
    auto readable = can_read(repos, reader, **status);
    if (!readable)
        return forward(readable);
    if (!*readable)
        return std::optional<NotificationView> {};
    view.status = std::move(**status);
    return std::optional(std::move(view));
}

Error not_found()
{
    return Error { ErrorKind::NotFound, "Record not found", {}, {} };
}

} // namespace

Result<NotificationPage> NotificationService::list(
    const model::Account& reader, const storage::NotificationQuery& query)
{
    if (auto allowed = require_member_reader(reader); !allowed)
        return forward(allowed);
    NotificationPage page;
    auto done = store_.read([&](storage::Repositories& repos) -> Status {
        auto found = repos.notifications().list(reader.id, query);
        if (!found)
            return forward(found);
        if (!found->empty()) {
            page.newest = found->front().id;
            page.oldest = found->back().id;
        }
        for (model::Notification& n : *found) {
            auto view = view_of(repos, reader, std::move(n));
            if (!view)
                return forward(view);
            if (*view)
                page.items.push_back(std::move(**view));
        }
        return ok();
    });
    if (!done)
        return forward(done);
    return page;
}

Result<NotificationView> NotificationService::get(const model::Account& reader, Id id)
{
    if (auto allowed = require_member_reader(reader); !allowed)
        return forward(allowed);
    std::optional<NotificationView> result;
    auto done = store_.read([&](storage::Repositories& repos) -> Status {
        auto found = repos.notifications().find(reader.id, id);
        if (!found)
            return forward(found);
        if (!*found)
            return ok();
        auto view = view_of(repos, reader, std::move(**found));
        if (!view)
            return forward(view);
        result = std::move(*view);
        return ok();
    });
    if (!done)
        return forward(done);
    if (!result)
        return std::unexpected(not_found());
    return std::move(*result);
}

Status NotificationService::dismiss(const model::Account& reader, Id id)
{
    if (auto allowed = require_member_reader(reader); !allowed)
        return allowed;
    return store_.write([&](storage::Repositories& repos) -> Status {
        auto removed = repos.notifications().remove(reader.id, id);
        if (!removed)
            return forward(removed);
        return *removed ? ok() : std::unexpected(not_found());
    });
}

Status NotificationService::clear(const model::Account& reader)
{
    if (auto allowed = require_member_reader(reader); !allowed)
        return allowed;
    return store_.write([&](storage::Repositories& repos) -> Status {
        auto removed = repos.notifications().remove_all(reader.id);
        return removed ? ok() : forward(removed);
    });
}

Result<std::int64_t> NotificationService::unread_count(
    const model::Account& reader, storage::NotificationQuery query, int cap)
{
    if (auto allowed = require_member_reader(reader); !allowed)
        return forward(allowed);
    std::int64_t count = 0;
    auto done = store_.read([&](storage::Repositories& repos) -> Status {
        auto marker = repos.markers().find(reader.id, model::MarkerTimeline::Notifications);
        if (!marker)
            return forward(marker);
        query.max_id.reset();
        query.min_id.reset();
        query.since_id.reset();
        if (*marker)
            query.since_id = (*marker)->last_read_id;
        auto counted = repos.notifications().count(reader.id, query, cap);
        if (!counted)
            return forward(counted);
        count = *counted;
        return ok();
    });
    if (!done)
        return forward(done);
    return count;
}

Result<std::vector<model::Marker>> NotificationService::markers(
    const model::Account& reader, const std::vector<model::MarkerTimeline>& timelines)
{
    if (auto allowed = require_member_reader(reader); !allowed)
        return forward(allowed);
    std::vector<model::Marker> result;
    auto done = store_.read([&](storage::Repositories& repos) -> Status {
        for (model::MarkerTimeline timeline : timelines) {
            auto marker = repos.markers().find(reader.id, timeline);
            if (!marker)
                return forward(marker);
            if (*marker)
                result.push_back(**marker);
        }
        return ok();
    });
    if (!done)
        return forward(done);
    return result;
}

Result<std::vector<model::Marker>> NotificationService::save_markers(
    const model::Account& reader, const std::vector<std::pair<model::MarkerTimeline, Id>>& positions)
{
    if (auto allowed = require_member_reader(reader); !allowed)
        return forward(allowed);
    if (positions.empty())
        return fail(ErrorKind::Unprocessable,
            "Nothing to save: send home[last_read_id] or notifications[last_read_id].", {}, "last_read_id");
    std::vector<model::Marker> saved;
    const TimePoint now = clock_.now();
    auto done = store_.write([&](storage::Repositories& repos) -> Status {
        saved.clear();
        for (const auto& [timeline, last_read_id] : positions) {
            auto marker = repos.markers().save(reader.id, timeline, last_read_id, now);
            if (!marker)
                return forward(marker);
            saved.push_back(*marker);
        }
        return ok();
    });
    if (!done)
        return forward(done);
    return saved;
}

} // namespace confrere::services
