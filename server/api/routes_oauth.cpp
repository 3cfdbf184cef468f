// OAuth 2 as Mastodon serves it: client registration (POST /api/v1/apps), the authorization
// page, the token and revocation endpoints. Rules live in services::OAuthService.
#include "core/base/text.hpp"
#include "federation/http_signature.hpp"
#include "server/api/account_json.hpp"
#include "server/api/oauth_page.hpp"
#include "server/api/routes.hpp"
#include "server/http/form.hpp"

#include <cctype>
#include <chrono>

namespace confrere::server::api {

using http::PathParams;
using http::Request;
using http::Response;

namespace {

// RFC 6749 §5.2: {"error": code, "error_description": message}, as JSON, 400/401/403.
Response oauth_error_response(const Error& e)
{
    std::string code = e.field;
    if (code.empty())
        code = e.kind == ErrorKind::Unauthorized ? "invalid_client"
            : e.kind == ErrorKind::Forbidden     ? "access_denied"
                                                 : "invalid_request";
    int status = http::status_for(e.kind);
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    write_string(w, "error", code);
    write_string(w, "error_description", e.public_message);
    w.EndObject();
    Response r = http::json_response(status, buf.GetString());
    r.with_header("Pragma", "no-cache");
    return r;
}

// Mastodon's Application entity; the secret only when just created.
std::string application_json(const model::OAuthApplication& app, const std::string* client_secret)
{
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    write_string(w, "id", std::to_string(app.id));
    write_string(w, "name", app.name);
    w.Key("website");
    if (app.website.empty())
        w.Null();
    else
        w.String(app.website.c_str(), static_cast<rapidjson::SizeType>(app.website.size()));
    w.Key("scopes");
    w.StartArray();
    std::string_view scopes = app.scopes;
    while (!scopes.empty()) {
        auto space = scopes.find(' ');
        std::string_view one = scopes.substr(0, space);
        w.String(one.data(), static_cast<rapidjson::SizeType>(one.size()));
        if (space == std::string_view::npos)
            break;
        scopes.remove_prefix(space + 1);
    }
    w.EndArray();
    write_string(w, "redirect_uri", app.redirect_uris);
    w.Key("redirect_uris");
    w.StartArray();
    std::string_view uris = app.redirect_uris;
    while (!uris.empty()) {
        auto newline = uris.find('\n');
        std::string_view one = uris.substr(0, newline);
        w.String(one.data(), static_cast<rapidjson::SizeType>(one.size()));
        if (newline == std::string_view::npos)
            break;
        uris.remove_prefix(newline + 1);
    }
    w.EndArray();
    write_string(w, "vapid_key", "");
    if (client_secret) {
        write_string(w, "client_id", app.client_id);
        write_string(w, "client_secret", *client_secret);
        w.Key("client_secret_expires_at");
        w.Int(0);
    }
    w.EndObject();
    return buf.GetString();
}

Response handle_register_app(Context& ctx, const Request& req)
{
    auto params = http::parse_params(req);
    if (!params)
        return http::error_response(params.error());
    // One string (several URIs separated by newlines or spaces) or, as Mastodon 4.3 accepts and
    // masto.js types it, an array (redirect_uris[] in a form).
    std::string redirect_uris;
    for (const std::string& uri : params->list("redirect_uris").value_or(std::vector<std::string> {}))
        redirect_uris += (redirect_uris.empty() ? "" : "\n") + uri;
    services::AppRegistration registration { params->get_or("client_name"), std::move(redirect_uris),
        params->get_or("scopes"), params->get_or("website") };
    auto registered = ctx.oauth->register_app(registration);
    if (!registered)
        return http::error_response(registered.error());
    return http::json_response(200, application_json(registered->app, &registered->client_secret));
}

Response handle_verify_app(Context& ctx, const Request& req)
{
    auto holder = authenticate_oauth(ctx, req);
    if (!holder)
        return http::error_response(holder.error());
    return http::json_response(200, application_json(holder->app, nullptr));
}

services::AuthorizationRequest authorization_request(const http::Params& p)
{
    return services::AuthorizationRequest { p.get_or("response_type"), p.get_or("client_id"),
        p.get_or("redirect_uri"), p.get_or("scope"), p.get_or("state"), p.get_or("code_challenge"),
        p.get_or("code_challenge_method") };
}

PageLanguage language_of(const Request& req, const http::Params& p)
{
    return page_language(p.get_or("lang"), req.header("accept-language").value_or(""));
}

Response authorize_error(PageLanguage language, const Error& e)
{
    return authorize_error_page(language, http::status_for(e.kind), e.public_message);
}

Response handle_authorize_page(Context& ctx, const Request& req)
{
    auto params = http::parse_params(req);
    if (!params)
        return authorize_error_page(PageLanguage::French, 400, params.error().public_message);
    PageLanguage language = language_of(req, *params);
    auto request = authorization_request(*params);
    auto checked = ctx.oauth->check_authorization(request);
    if (!checked)
        return authorize_error(language, checked.error());
    return authorize_form_page(
        language, request, *checked, ctx.oauth->issue_form_token(request), params->get_or("lang"), {});
}

// Where the browser goes back to: the registered redirect URI + `query` (+ state).
Response redirect_back(std::string location, std::string_view query, std::string_view state)
{
    location += location.find('?') == std::string::npos ? '?' : '&';
    location += query;
    if (!state.empty())
        location += "&state=" + http::percent_encode(state);
    Response r;
    r.status = 302;
    r.content_type.clear();
    r.with_header("Location", location);
    return r;
}

Response handle_authorize_submit(Context& ctx, const Request& req)
{
    auto params = http::parse_params(req);
    if (!params)
        return authorize_error_page(PageLanguage::French, 400, params.error().public_message);
    PageLanguage language = language_of(req, *params);
    if (auto refused = refuse_if_rate_limited(
            ctx, req, { "sign_in", ctx.config.sign_in_attempts, ctx.config.sign_in_window }))
        return authorize_error_page(language, 429, "Too many requests; please retry later.");
    auto request = authorization_request(*params);
    if (params->get_or("decision") == "deny") {
        // RFC 6749 §4.1.2.1: access_denied, to the registered redirect URI only.
        auto denied = ctx.oauth->deny(request, params->get_or("authenticity_token"));
        if (!denied)
            return authorize_error(language, denied.error());
        if (denied->out_of_band)
            return denied_page(language, denied->app.name);
        return redirect_back(denied->redirect_uri,
            "error=access_denied&error_description="
                + http::percent_encode("The resource owner or authorization server denied the request."),
            request.state);
    }
    auto issued = ctx.oauth->authorize(
        request, params->get_or("authenticity_token"), params->get_or("login"), params->get_or("password"));
    if (!issued) {
        // A wrong password (or a refused account) shows the form again, with a fresh token;
        // a request that is itself invalid shows only the error.
        const Error& e = issued.error();
        if (e.kind != ErrorKind::Unauthorized && e.kind != ErrorKind::Forbidden)
            return authorize_error(language, e);
        auto checked = ctx.oauth->check_authorization(request);
        if (!checked)
            return authorize_error(language, checked.error());
        return authorize_form_page(language, request, *checked, ctx.oauth->issue_form_token(request),
            params->get_or("lang"), e.public_message, http::status_for(e.kind));
    }
    if (issued->authorization.out_of_band)
        return out_of_band_page(language, issued->authorization.app.name, issued->code);
    return redirect_back(issued->authorization.redirect_uri, "code=" + http::percent_encode(issued->code), request.state);
}

// RFC 6749 §2.3.1: a client may authenticate with HTTP Basic (client_id:client_secret, each
// form-urlencoded, then base64) instead of body parameters; never both.
Status apply_basic_client_auth(const Request& req, http::Params& params)
{
    auto header = req.header("authorization");
    if (!header || header->size() < 6
        || (header->substr(0, 6) != "Basic " && header->substr(0, 6) != "basic "))
        return ok();
    auto invalid = [] { return fail(ErrorKind::Unauthorized, "Client authentication failed.", {}, "invalid_client"); };
    auto decoded = federation::base64_decode(text::trim(header->substr(6)));
    if (!decoded)
        return invalid();
    auto colon = decoded->find(':');
    if (colon == std::string::npos)
        return invalid();
    if (params.get("client_id") || params.get("client_secret"))
        return fail(ErrorKind::InvalidInput, "Use one client authentication method only.", {}, "invalid_request");
    params.fields["client_id"] = http::percent_decode(decoded->substr(0, colon), true);
    params.fields["client_secret"] = http::percent_decode(decoded->substr(colon + 1), true);
    return ok();
}

// The parameters of /oauth/token and /oauth/revoke, client credentials included.
Result<http::Params> client_params(const Request& req)
{
    auto params = http::parse_params(req);
    if (!params)
        return fail(ErrorKind::InvalidInput, params.error().public_message, {}, "invalid_request");
    if (auto basic = apply_basic_client_auth(req, *params); !basic)
        return forward(basic);
    return params;
}

Response handle_token(Context& ctx, const Request& req)
{
    auto params = client_params(req);
    if (!params)
        return oauth_error_response(params.error());
    services::TokenRequest request { params->get_or("grant_type"), params->get_or("client_id"),
        params->get_or("client_secret"), params->get_or("code"), params->get_or("redirect_uri"),
        params->get_or("code_verifier"), params->get_or("username"), params->get_or("password"),
        params->get_or("refresh_token"), params->get_or("scope") };
    if (request.grant_type == "password")
        if (auto refused = refuse_if_rate_limited(
                ctx, req, { "sign_in", ctx.config.sign_in_attempts, ctx.config.sign_in_window }))
            return *refused;
    auto issued = ctx.oauth->token(request);
    if (!issued)
        return oauth_error_response(issued.error());
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    write_string(w, "access_token", issued->access_token);
    write_string(w, "token_type", "Bearer");
    write_string(w, "scope", issued->scopes);
    w.Key("created_at");
    w.Int64(std::chrono::duration_cast<std::chrono::seconds>(issued->created_at.time_since_epoch()).count());
    if (!issued->refresh_token.empty())
        write_string(w, "refresh_token", issued->refresh_token);
    w.EndObject();
    Response r = http::json_response(200, buf.GetString());
    r.with_header("Pragma", "no-cache");
    return r;
}

Response handle_revoke(Context& ctx, const Request& req)
{
    auto params = client_params(req);
    if (!params)
        return oauth_error_response(params.error());
    auto revoked = ctx.oauth->revoke(
        params->get_or("client_id"), params->get_or("client_secret"), params->get_or("token"));
    if (!revoked)
        return oauth_error_response(revoked.error());
    return http::json_response(200, "{}");
}

} // namespace

void register_oauth_routes(http::Router& router, Context& ctx)
{
    router.add("POST", "/api/v1/apps",
        [&ctx](const Request& req, const PathParams&) { return handle_register_app(ctx, req); });
    router.add("GET", "/api/v1/apps/verify_credentials",
        [&ctx](const Request& req, const PathParams&) { return handle_verify_app(ctx, req); });
    router.add("GET", "/oauth/authorize",
        [&ctx](const Request& req, const PathParams&) { return handle_authorize_page(ctx, req); });
    router.add("POST", "/oauth/authorize",
        [&ctx](const Request& req, const PathParams&) { return handle_authorize_submit(ctx, req); });
    router.add("POST", "/oauth/token",
        [&ctx](const Request& req, const PathParams&) { return handle_token(ctx, req); });
    router.add("POST", "/oauth/revoke",
        [&ctx](const Request& req, const PathParams&) { return handle_revoke(ctx, req); });
}

} // namespace confrere::server::api
