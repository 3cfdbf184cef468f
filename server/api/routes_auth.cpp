// Web sessions: sign in and out with a secure cookie.
#include "server/api/account_json.hpp"
#include "server/api/routes.hpp"
#include "server/http/form.hpp"

namespace confrere::server::api {

using http::PathParams;
using http::Request;
using http::Response;

namespace {

Response handle_sign_in(Context& ctx, const Request& req)
{
    if (auto refused = refuse_if_rate_limited(ctx, req, {"sign_in", ctx.config.sign_in_attempts, ctx.config.sign_in_window}))
        return *refused;
    auto params = http::parse_params(req);
    if (!params)
        return http::error_response(params.error());
    std::string login = params->get_or("login", params->get_or("username", params->get_or("email")));
    std::string password = params->get_or("password");
    if (login.empty() || password.empty())
        return http::error_response(Error{ErrorKind::InvalidInput, "Login and password are required.", {}, {}});
    if (login.size() > 320 || password.size() > 1024)
        return http::error_response(Error{ErrorKind::Unauthorized, "Invalid login or password.", {}, {}});
    auto signed_in = ctx.auth.sign_in(login, password);
    if (!signed_in)
        return http::error_response(signed_in.error());
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    write_string(w, "id", std::to_string(signed_in->account.id));
    write_string(w, "username", signed_in->account.username);
    write_string(w, "state", model::to_string(signed_in->account.state));
    write_string(w, "role", model::to_string(signed_in->account.role));
    write_string(w, "csrf_token", signed_in->session.csrf_token);
    w.EndObject();
    auto max_age = std::chrono::duration_cast<std::chrono::seconds>(signed_in->session.expires_at -
                                                                    signed_in->session.created_at)
                       .count();
    Response r = http::json_response(200, buf.GetString());
    r.with_header("Set-Cookie", session_cookie_header(ctx, signed_in->token, max_age));
    return r;
}

Response handle_sign_out(Context& ctx, const Request& req)
{
    auto caller = authenticate(ctx, req);
    if (!caller)
        return http::error_response(caller.error());
    if (auto rc = ctx.auth.sign_out(caller->auth.session); !rc)
        return http::error_response(rc.error());
    Response r;
    r.status = 204;
    r.content_type.clear();
    r.with_header("Set-Cookie", session_cookie_header(ctx, "", 0));
    return r;
}

} // namespace

void register_auth_routes(http::Router& router, Context& ctx)
{
    router.add("POST", "/auth/sign_in",
               [&ctx](const Request& req, const PathParams&) { return handle_sign_in(ctx, req); });
    router.add("POST", "/auth/sign_out",
               [&ctx](const Request& req, const PathParams&) { return handle_sign_out(ctx, req); });
}

} // namespace confrere::server::api
