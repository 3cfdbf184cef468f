// The web UI's pages (server-side rendered; they work without JavaScript). Each file registers
// its routes; serve() calls register_web_routes once, after the API's.
#pragma once

#include "server/api/context.hpp"
#include "server/http/router.hpp"
#include "server/web/page.hpp"
#include "server/web/web_ui.hpp"

namespace confrere::server::web {

// /, /login, /logout, /language and /static/:file (session_pages.cpp).
void register_session_routes(http::Router& router, api::Context& ctx, const WebUi& ui);
// /register and /registration (registration_pages.cpp).
void register_registration_routes(http::Router& router, api::Context& ctx, const WebUi& ui);
// /home, /local, /statuses/:id, posting and interactions (status_pages.cpp).
void register_status_pages(http::Router& router, api::Context& ctx, const WebUi& ui);
// /@:username, follows, /notifications, /search, /settings (member_pages.cpp).
void register_member_pages(http::Router& router, api::Context& ctx, const WebUi& ui);
// /groups, /g/:name and what members and group moderators do there (group_pages.cpp).
void register_group_pages(http::Router& router, api::Context& ctx, const WebUi& ui);
// /admin/registrations and decisions (moderation_pages.cpp).
void register_moderation_pages(http::Router& router, api::Context& ctx, const WebUi& ui);
// /report (members' report form) and /moderation/reports (the moderators' queue) (report_pages.cpp).
void register_report_pages(http::Router& router, api::Context& ctx, const WebUi& ui);
// /admin/peers and /admin/statistics, for admins (admin_pages.cpp).
void register_admin_pages(http::Router& router, api::Context& ctx, const WebUi& ui);

inline void register_web_routes(http::Router& router, api::Context& ctx, const WebUi& ui)
{
    register_session_routes(router, ctx, ui);
    register_registration_routes(router, ctx, ui);
    register_status_pages(router, ctx, ui);
    register_member_pages(router, ctx, ui);
    register_group_pages(router, ctx, ui);
    register_moderation_pages(router, ctx, ui);
    register_report_pages(router, ctx, ui);
    register_admin_pages(router, ctx, ui);
}

// A page handler: the visit is begun (session, language, CSRF token) before it runs.
using PageHandler = std::function<http::Response(Visit&, const http::PathParams&)>;
void add_page(http::Router& router, api::Context& ctx, const WebUi& ui, std::string_view method,
    std::string_view pattern, PageHandler handler, std::size_t max_body_bytes = kMaxFormBytes);

// Who may open a member page: any account that may read (members, moderators, admins), those
// who may also moderate, or admins.
enum class Gate { Member, Moderator, Admin };

// A GET page for signed-in readers; others get require_member's answer (login or status
// page), non-moderators behind Gate::Moderator the 403 page.
using MemberPage = std::function<http::Response(Visit&, const model::Account& me, const http::PathParams&)>;
void add_member_page(http::Router& router, api::Context& ctx, const WebUi& ui, std::string_view pattern,
    MemberPage handler, Gate gate = Gate::Member);

// A POST form for signed-in readers, run once its CSRF token checked (read_form).
using MemberAction = std::function<http::Response(
    Visit&, const model::Account& me, const http::Params& form, const http::PathParams&)>;
void add_member_action(http::Router& router, api::Context& ctx, const WebUi& ui, std::string_view pattern,
    MemberAction handler, Gate gate = Gate::Member);

} // namespace confrere::server::web
