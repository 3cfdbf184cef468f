#include "server/web/page.hpp"

#include "core/crypto/secrets.hpp"
#include "core/model/profession.hpp"
#include "core/services/access_policy.hpp"

namespace confrere::server::web {

namespace {

void add_page_headers(const Visit& visit, http::Response& r)
{
    r.with_header("Content-Security-Policy", std::string(kContentSecurityPolicy));
    r.with_header("X-Frame-Options", "DENY");
    r.with_header("Referrer-Policy", "same-origin");
    r.with_header("Vary", "Cookie, Accept-Language");
    if (!visit.new_presession.empty())
        r.with_header("Set-Cookie",
            api::cookie_header(visit.ctx, kPresessionCookie, visit.new_presession, 60L * 60 * 24 * 30));
}

Value me_value(const model::Account& account)
{
    Value me = Value::object();
    me.set("username", account.username);
    me.set("name", account.display_name.empty() ? account.username : account.display_name);
    me.set("active", account.state == model::AccountState::Active);
    return me;
}

// The main navigation of a reader, the current page marked (aria-current).
Value nav_value(const Visit& visit, const model::Account& account)
{
    struct Item {
        std::string_view href, key;
        bool shown;
    };
    bool moderator = services::require_moderator(account).has_value();
    bool admin = services::require_admin(account).has_value();
    std::string profile = "/@" + account.username;
    const Item items[] = { { "/home", "nav.home", true }, { "/local", "nav.local", true },
        { "/groups", "nav.groups", true },
        { "/notifications", "nav.notifications", true }, { "/search", "nav.search", true },
        { profile, "nav.profile", true }, { "/settings", "nav.settings", true },
        { "/admin/registrations", "nav.moderation", moderator }, { "/moderation/reports", "nav.reports", moderator },
        { "/admin/peers", "nav.peers", admin }, { "/admin/statistics", "nav.statistics", admin },
        { "/admin/settings", "nav.instance_settings", admin } };
    Value list(Value::List {});
    for (const Item& item : items) {
        if (!item.shown)
            continue;
        Value v = Value::object();
        v.set("href", item.href);
        v.set("label", visit.texts->text(item.key));
        v.set("current", visit.req.path == item.href);
        list.push(std::move(v));
    }
    return list;
}

std::string_view kind_key(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::NotFound:
        return "error.not_found";
    case ErrorKind::Forbidden:
        return "error.forbidden";
    case ErrorKind::Unauthorized:
        return "error.unauthorized";
    case ErrorKind::TooManyRequests:
        return "error.too_many_requests";
    case ErrorKind::InvalidInput:
    case ErrorKind::Unprocessable:
        return "error.invalid";
    case ErrorKind::PayloadTooLarge:
        return "error.too_large";
    case ErrorKind::Conflict:
        return "error.conflict";
    case ErrorKind::Unavailable:
        return "error.unavailable";
    default:
        return "error.internal";
    }
}

} // namespace

Value languages_value(const Visit& visit)
{
    Value list(Value::List {});
    for (std::string_view code : kLanguages) {
        Value l = Value::object();
        l.set("code", code);
        l.set("name", visit.ui.texts(code).text("language.name"));
        l.set("current", code == visit.language);
        list.push(std::move(l));
    }
    return list;
}

const model::Account* Visit::member() const
{
    if (!session || !services::require_member_reader(session->account))
        return nullptr;
    return &session->account;
}

Visit begin_visit(api::Context& ctx, const WebUi& ui, const http::Request& req)
{
    Visit v { ctx, ui, req, std::nullopt, {}, nullptr, {}, {} };
    if (auto token = api::session_cookie(req); token && !token->empty() && token->size() < 200)
        if (auto auth = ctx.auth.authenticate(*token))
            v.session = std::move(*auth);

    std::optional<std::string_view> language;
    if (v.session)
        language = supported_language(v.session->account.locale);
    if (!language)
        if (auto chosen = req.cookie(kLanguageCookie))
            language = supported_language(*chosen);
    if (!language)
        if (auto accept = req.header("accept-language"))
            language = language_from_accept(*accept);
    v.language = std::string(language.value_or(kLanguages[0]));
    v.texts = &ui.texts(v.language);

    if (v.session) {
        v.csrf = v.session->session.csrf_token;
    } else {
        auto presession = req.cookie(kPresessionCookie);
        if (!presession || presession->size() < 32 || presession->size() > 64) {
            v.new_presession = crypto::random_token(32);
            presession = v.new_presession;
        }
        v.csrf = ui.form_token(*presession);
    }
    return v;
}

std::string profession_name(const Visit& visit, int code)
{
    if (std::string key = "profession." + std::to_string(code); visit.texts->contains(key))
        return std::string(visit.texts->text(key));
    return model::profession_label(code);
}

bool csrf_ok(const Visit& visit, const http::Params& form)
{
    // A visitor whose pre-session cookie was just made cannot have submitted its token.
    if (!visit.new_presession.empty() || visit.csrf.empty())
        return false;
    auto sent = form.get("csrf");
    return sent && crypto::constant_time_equal(*sent, visit.csrf);
}

std::optional<http::Params> read_form(const Visit& visit, http::Response& refusal)
{
    auto form = http::parse_params(visit.req);
    if (!form) {
        refusal = message_page(visit, 400, "error.invalid");
        return std::nullopt;
    }
    if (!csrf_ok(visit, *form)) {
        refusal = message_page(visit, 403, "error.csrf");
        return std::nullopt;
    }
    return std::move(*form);
}

std::optional<http::Params> read_form(const Visit& visit, http::Response& refusal, const http::RateRule& rule)
{
    auto form = read_form(visit, refusal);
    if (form && api::refuse_if_rate_limited(visit.ctx, visit.req, rule)) {
        refusal = message_page(visit, 429, "error.too_many_requests");
        return std::nullopt;
    }
    return form;
}

http::Response page(
    const Visit& visit, std::string_view template_name, std::string_view title_key, Value data, int status)
{
    data.set("csrf", visit.csrf);
    data.set("back", local_path_or_home(visit.req.target));
    data.set("lang", visit.language);
    if (visit.session)
        data.set("me", me_value(visit.session->account));
    std::string body;
    body.reserve(16 * 1024);
    if (auto rc = visit.ui.templates().render(template_name, data, *visit.texts, body); !rc)
        return message_page(visit, 500, "error.internal");

    std::size_t body_size = body.size();
    services::InstanceSettings instance = api::instance_settings(visit.ctx);
    Value layout = Value::object();
    layout.set("lang", visit.language);
    layout.set("title", visit.texts->text(title_key));
    layout.set("instance", instance.name);
    layout.set("registrations_open", instance.registrations_open);
    layout.set("body", Html { std::move(body) });
    layout.set("css", visit.ui.asset_url("app.css"));
    layout.set("js", visit.ui.asset_url("app.js"));
    layout.set("csrf", visit.csrf);
    layout.set("back", local_path_or_home(visit.req.target));
    layout.set("languages", languages_value(visit));
    if (visit.session)
        layout.set("me", me_value(visit.session->account));
    if (const model::Account* reader = visit.member())
        layout.set("nav", nav_value(visit, *reader));
    http::Response r;
    r.status = status;
    r.content_type = "text/html; charset=utf-8";
    r.body.reserve(body_size + 4096);
    if (auto rc = visit.ui.templates().render("layout", layout, *visit.texts, r.body); !rc) {
        r.status = 500;
        r.body = "Internal error";
        r.content_type = "text/plain; charset=utf-8";
    }
    add_page_headers(visit, r);
    return r;
}

http::Response redirect(const Visit& visit, std::string_view location)
{
    http::Response r;
    r.status = 303;
    r.content_type.clear();
    r.with_header("Location", local_path_or_home(location));
    add_page_headers(visit, r);
    return r;
}

http::Response signed_in_redirect(
    const Visit& visit, const services::SignedIn& signed_in, std::string_view location)
{
    auto max_age = std::chrono::duration_cast<std::chrono::seconds>(
        signed_in.session.expires_at - signed_in.session.created_at)
                       .count();
    http::Response r = redirect(visit, location);
    r.with_header("Set-Cookie", api::session_cookie_header(visit.ctx, signed_in.token, max_age));
    return r;
}

http::Response message_page(const Visit& visit, int status, std::string_view message_key)
{
    Value data = Value::object();
    data.set("message", visit.texts->text(message_key));
    data.set("heading", visit.texts->text(status >= 400 ? "title.error" : "title.message"));
    return page(visit, "message", status >= 400 ? "title.error" : "title.message", std::move(data), status);
}

std::string translate_error(const Visit& visit, const Error& error)
{
    const Catalogue& texts = *visit.texts;
    if (error.kind == ErrorKind::Internal)
        return std::string(texts.text("error.internal"));
    if (texts.contains(error.public_message))
        return std::string(texts.text(error.public_message));
    if (visit.language == "en" && !error.public_message.empty())
        return error.public_message;
    if (std::string key = "field." + error.field; !error.field.empty() && texts.contains(key))
        return std::string(texts.text(key));
    return std::string(texts.text(kind_key(error.kind)));
}

Value field_errors(const Visit& visit, std::span<const Error> errors)
{
    Value by_field = Value::object();
    for (const Error& e : errors) {
        std::string_view field = e.field.empty() ? "form" : std::string_view(e.field);
        if (by_field.find(field) == nullptr)
            by_field.set(field, translate_error(visit, e));
    }
    return by_field;
}

http::Response error_page(const Visit& visit, const Error& error)
{
    Value data = Value::object();
    data.set("message", translate_error(visit, error));
    data.set("heading", visit.texts->text("title.error"));
    int status = http::status_for(error.kind);
    return page(visit, "message", "title.error", std::move(data), status);
}

std::string local_path_or_home(std::string_view path)
{
    if (path.empty() || path.front() != '/' || path.starts_with("//") || path.starts_with("/\\")
        || path.find_first_of("\r\n") != std::string_view::npos)
        return "/";
    return std::string(path);
}

const model::Account* require_member(const Visit& visit, http::Response& refusal)
{
    if (const model::Account* m = visit.member())
        return m;
    if (visit.session && visit.session->account.state == model::AccountState::Pending)
        refusal = redirect(visit, "/registration");
    else if (visit.session)
        refusal = message_page(visit, 403, "error.forbidden");
    else
        refusal = redirect(visit, "/login");
    return nullptr;
}

} // namespace confrere::server::web
