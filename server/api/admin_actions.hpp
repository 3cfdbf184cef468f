// The shape every moderator decision of the admin API shares (accounts, reports): POST on an
// :id path, authenticated with an admin scope, parameters parsed, then the decision.
#pragma once

#include "server/api/context.hpp"
#include "server/http/form.hpp"
#include "server/http/router.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace confrere::server::api {

using IdAction = std::function<http::Response(const model::Account& caller, Id id, const http::Params& params)>;

// Registers POST `pattern` (with an :id segment): 401/403 without credentials or `scope`, 400
// for an unreadable body, 404 for an :id that is not one; otherwise `action`'s answer. Who may
// decide is the service's rule, not this one's.
void add_id_action(http::Router& router, Context& ctx, std::string pattern, std::string scope, IdAction action);

} // namespace confrere::server::api
