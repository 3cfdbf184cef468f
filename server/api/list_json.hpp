// Responses for paged lists whose pages are cut by another row's id (bookmarks, favourites,
// follows, interactions): the entities as a JSON array and Mastodon's Link header.
#pragma once

#include "core/services/social_service.hpp"
#include "server/api/context.hpp"
#include "server/http/message.hpp"

namespace confrere::server::api {

// Account entities of the page's actors (those gone since are left out), with a Link header.
http::Response actor_page_response(Context& ctx, const http::Request& req, const services::ActorPage& page);

// Status entities as `viewer` sees them, with a Link header on the page's own ids.
http::Response status_page_response(
    Context& ctx, const http::Request& req, const model::Account& viewer, const services::StatusPage& page);

} // namespace confrere::server::api
