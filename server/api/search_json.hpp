// Entities and helpers of hashtags, search and filters: the Status entity's `tags` and
// `filtered`, Tag and Filter entities, and timelines with the viewer's filters applied.
#pragma once

#include "core/model/account.hpp"
#include "core/model/federation.hpp"
#include "core/model/search.hpp"
#include "core/services/filter_service.hpp"
#include "core/services/social_service.hpp"
#include "server/api/account_json.hpp"
#include "server/api/context.hpp"
#include "server/http/message.hpp"

#include <optional>
#include <vector>

namespace confrere::server::api {

// The viewer's active filters for one context, as statuses are rendered.
struct StatusFilters {
    std::vector<model::Filter> filters;
    model::FilterContext context = model::FilterContext::Home;
    TimePoint now {};
};

Result<StatusFilters> load_status_filters(
    Context& ctx, const model::Account& viewer, model::FilterContext context);

// What filters look at: the status's plain text (typed, or from its HTML) and content warning.
std::string status_filter_text(const model::Status& s);

// The Status entity's "tags": [{name, url}].
Status write_status_tags(
    JsonWriter& w, storage::Repositories& repos, const Context& ctx, const model::Status& s);
// The Status entity's "filtered": [{filter, keyword_matches, status_matches}] (warn filters).
void write_status_filtered(JsonWriter& w, const StatusFilters& filters, const model::Status& s);

// Mastodon's Tag entity (history empty, following false).
void write_tag(JsonWriter& w, const Context& ctx, const model::Tag& tag);
// Mastodon's Filter (v2) and FilterKeyword entities.
void write_filter(JsonWriter& w, const model::Filter& f);
void write_filter_keyword(JsonWriter& w, const model::FilterKeyword& k);

// Leaves out the statuses a hide filter catches.
void drop_hidden(std::vector<model::Status>& list, const StatusFilters& filters);

// A timeline answer: the entries whose status a hide filter of `context` catches are left out,
// the others carry `filtered`; the Link header pages over the page's bounds as read (hidden
// ones included), so paging goes on past a page the filters emptied.
http::Response filtered_timeline_response(Context& ctx, const http::Request& req,
    const model::Account& viewer, services::TimelinePage page, model::FilterContext context);
// The same for a timeline of statuses only, bounded by its first and last.
http::Response filtered_timeline_response(Context& ctx, const http::Request& req,
    const model::Account& viewer, std::vector<model::Status> list, model::FilterContext context);

} // namespace confrere::server::api
