// Signing in and out, the language switch, the front door and the static assets.
#include "core/services/access_policy.hpp"
#include "server/web/routes.hpp"

#include <functional>

namespace confrere::server::web {

using http::PathParams;
using http::Request;
using http::Response;

void add_page(http::Router& router, api::Context& ctx, const WebUi& ui, std::string_view method,
    std::string_view pattern, PageHandler handler, std::size_t max_body_bytes)
{
    router.add(
        method, pattern,
        [&ctx, &ui, handler = std::move(handler)](const Request& req, const PathParams& params) {
            Visit visit = begin_visit(ctx, ui, req);
            return handler(visit, params);
        },
        http::RouteLimits { max_body_bytes });
}

namespace {

const model::Account* pass_gate(const Visit& v, Gate gate, Response& refusal)
{
    const model::Account* me = require_member(v, refusal);
    bool allowed = me == nullptr || gate == Gate::Member
        || (gate == Gate::Moderator ? services::require_moderator(*me) : services::require_admin(*me));
    if (!allowed) {
        refusal = message_page(v, 403, "error.forbidden");
        return nullptr;
    }
    return me;
}

} // namespace

void add_member_page(http::Router& router, api::Context& ctx, const WebUi& ui, std::string_view pattern,
    MemberPage handler, Gate gate)
{
    add_page(
        router, ctx, ui, "GET", pattern, [handler = std::move(handler), gate](Visit& v, const PathParams& p) {
            Response refusal;
            const model::Account* me = pass_gate(v, gate, refusal);
            return me ? handler(v, *me, p) : refusal;
        });
}

void add_member_action(http::Router& router, api::Context& ctx, const WebUi& ui, std::string_view pattern,
    MemberAction handler, Gate gate)
{
    add_page(router, ctx, ui, "POST", pattern,
        [handler = std::move(handler), gate](Visit& v, const PathParams& p) {
            Response refusal;
            const model::Account* me = pass_gate(v, gate, refusal);
            if (!me)
                return refusal;
            auto form = read_form(v, refusal);
            return form ? handler(v, *me, *form, p) : refusal;
        });
}

namespace {

// Home for readers; the status page, the login page or a refusal for the others.
Response front_door(Visit& v)
{
    Response refusal;
    return require_member(v, refusal) ? redirect(v, "/home") : refusal;
}

Response login_page(Visit& v, std::string login = {}, std::string error = {}, int status = 200)
{
    Value data = Value::object();
    data.set("login", std::move(login));
    if (!error.empty())
        data.set("error", std::move(error));
    return page(v, "login", "login.title", std::move(data), status);
}

Response sign_in(Visit& v)
{
    Response refusal;
    auto form
        = read_form(v, refusal, { "sign_in", v.ctx.config.sign_in_attempts, v.ctx.config.sign_in_window });
    if (!form)
        return refusal;
    std::string login = form->get_or("login");
    std::string password = form->get_or("password");
    if (login.empty() || password.empty() || login.size() > 320 || password.size() > 1024)
        return login_page(v, login.substr(0, 320), std::string(v.texts->text("login.invalid")), 401);
    auto signed_in = v.ctx.auth.sign_in(login, password);
    if (!signed_in) {
        std::string message = signed_in.error().kind == ErrorKind::Unauthorized
            ? std::string(v.texts->text("login.invalid"))
            : translate_error(v, signed_in.error());
        return login_page(v, login, std::move(message), http::status_for(signed_in.error().kind));
    }
    return signed_in_redirect(
        v, *signed_in, signed_in->account.state == model::AccountState::Active ? "/home" : "/registration");
}

Response sign_out(Visit& v)
{
    Response refusal;
    auto form = read_form(v, refusal);
    if (!form)
        return refusal;
    if (v.session)
        if (auto rc = v.ctx.auth.sign_out(v.session->session); !rc)
            return error_page(v, rc.error());
    Response r = redirect(v, "/login");
    r.with_header("Set-Cookie", api::session_cookie_header(v.ctx, "", 0));
    return r;
}

// The switch sets a cookie for visitors and the account's locale for members, so that the
// choice follows a member to other devices.
Response switch_language(Visit& v)
{
    Response refusal;
    auto form = read_form(v, refusal);
    if (!form)
        return refusal;
    auto language = supported_language(form->get_or("lang"));
    if (!language)
        return message_page(v, 422, "error.invalid");
    if (const model::Account* member = v.member(); member && v.ctx.social != nullptr) {
        services::ProfileChange change;
        change.locale = std::string(*language);
        if (auto updated = v.ctx.social->profiles.update(*member, change); !updated)
            return error_page(v, updated.error());
    }
    Response r = redirect(v, form->get_or("back", "/"));
    r.with_header("Set-Cookie", api::cookie_header(v.ctx, kLanguageCookie, *language, 60L * 60 * 24 * 365));
    return r;
}

Response static_asset(const WebUi& ui, const Request& req, const PathParams& p)
{
    const StaticAsset* asset = ui.asset(p.at("file"));
    Response r;
    if (asset == nullptr) {
        r.status = 404;
        r.content_type = "text/plain; charset=utf-8";
        r.body = "Not found";
        return r;
    }
    // The page links assets with their digest (?v=…), so a cached copy is never stale.
    r.with_header("Cache-Control", "public, max-age=31536000, immutable");
    r.with_header("ETag", asset->etag);
    if (auto match = req.header("if-none-match"); match && *match == asset->etag) {
        r.status = 304;
        r.content_type.clear();
        return r;
    }
    r.content_type = std::string(asset->content_type);
    r.body = std::string(asset->data);
    return r;
}

} // namespace

void register_session_routes(http::Router& router, api::Context& ctx, const WebUi& ui)
{
    add_page(router, ctx, ui, "GET", "/", [](Visit& v, const PathParams&) { return front_door(v); });
    add_page(router, ctx, ui, "GET", "/login", [](Visit& v, const PathParams&) {
        if (v.session)
            return front_door(v);
        return login_page(v);
    });
    add_page(router, ctx, ui, "POST", "/login", [](Visit& v, const PathParams&) { return sign_in(v); });
    add_page(router, ctx, ui, "POST", "/logout", [](Visit& v, const PathParams&) { return sign_out(v); });
    add_page(
        router, ctx, ui, "POST", "/language", [](Visit& v, const PathParams&) { return switch_language(v); });
    // Static files need no database: served on the I/O thread.
    router.add(
        "GET", "/static/:file",
        [&ui](const Request& req, const PathParams& p) -> std::optional<Response> {
            return static_asset(ui, req, p);
        },
        [&ui](const Request& req, const PathParams& p) { return static_asset(ui, req, p); });
}

} // namespace confrere::server::web
