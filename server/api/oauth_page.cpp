#include "server/api/oauth_page.hpp"

#include "core/base/text.hpp"

namespace confrere::server::api {

namespace {

using text::escape_html;

struct Words {
    const char* lang;
    const char* title;
    const char* asks; // "<app> asks for access to your account:"
    const char* login;
    const char* password;
    const char* submit;
    const char* deny;
    const char* denied_title;
    const char* denied_hint;
    const char* error_title;
    const char* code_title;
    const char* code_hint;
};

const Words kFrench { "fr", "Autoriser une application",
    "demande l’accès à votre compte Confrère :", "Identifiant ou adresse e-mail", "Mot de passe",
    "Se connecter et autoriser", "Refuser", "Accès refusé",
    "Vous avez refusé l’accès : l’application ne peut pas utiliser votre compte.", "Autorisation impossible", "Code d’autorisation",
    "Copiez ce code dans l’application. Il est valable dix minutes." };
const Words kEnglish { "en", "Authorize an application",
    "asks for access to your Confrère account:", "Username or e-mail address", "Password",
    "Sign in and authorize", "Deny", "Access denied",
    "You denied access: the application cannot use your account.", "Authorization failed", "Authorization code",
    "Copy this code into the application. It is valid for ten minutes." };

const Words& words(PageLanguage language)
{
    return language == PageLanguage::English ? kEnglish : kFrench;
}

// What each top-level scope lets the application do; sub-scopes are listed by name.
std::string describe_scope(PageLanguage language, std::string_view scope)
{
    bool en = language == PageLanguage::English;
    if (scope == "read")
        return en ? "read your account's data (posts, timelines, follows)"
                  : "lire les données de votre compte (messages, fils, abonnements)";
    if (scope == "write")
        return en ? "post and change data in your name" : "publier et modifier des données en votre nom";
    if (scope == "follow")
        return en ? "manage your follows, blocks and mutes" : "gérer vos abonnements, blocages et masquages";
    if (scope == "push")
        return en ? "receive your notifications" : "recevoir vos notifications";
    if (scope == "profile")
        return en ? "see your profile" : "voir votre profil";
    if (scope.starts_with("admin:"))
        return (en ? "moderation: " : "modération : ") + std::string(scope);
    return std::string(scope);
}

http::Response html(int status, PageLanguage language, std::string_view title, std::string_view body)
{
    const Words& w = words(language);
    std::string page = "<!DOCTYPE html>\n<html lang=\"" + std::string(w.lang)
        + "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
          "content=\"width=device-width, initial-scale=1\"><title>"
        + escape_html(title)
        + "</title><style>body{font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 "
          "1rem}label{display:block;margin-top:1rem}input[type=text],input[type=password]{width:"
          "100%;padding:.4rem}button{margin-top:1.5rem;padding:.5rem 1rem}.error{color:#a00}"
          "code{font-size:1.2rem;word-break:break-all}</style></head><body><h1>"
        + escape_html(title) + "</h1>\n" + std::string(body) + "</body></html>\n";
    http::Response r;
    r.status = status;
    r.content_type = "text/html; charset=utf-8";
    r.body = std::move(page);
    // The page takes a password: never framed (clickjacking), no script, no outside resource.
    r.with_header("Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'");
    r.with_header("X-Frame-Options", "DENY");
    r.with_header("Referrer-Policy", "no-referrer");
    return r;
}

void hidden(std::string& out, std::string_view name, std::string_view value)
{
    out += "<input type=\"hidden\" name=\"" + escape_html(name) + "\" value=\"" + escape_html(value)
        + "\">\n";
}

} // namespace

PageLanguage page_language(std::string_view lang, std::string_view accept_language)
{
    if (lang == "en" || lang.starts_with("en-"))
        return PageLanguage::English;
    if (lang == "fr" || lang.starts_with("fr-"))
        return PageLanguage::French;
    // The first of fr/en in the header's order (q-values are rarely out of order in practice).
    std::size_t pos = 0;
    while (pos < accept_language.size()) {
        while (pos < accept_language.size() && (accept_language[pos] == ' ' || accept_language[pos] == ','))
            ++pos;
        std::string_view tag = accept_language.substr(pos, 2);
        if (tag == "en" || tag == "EN")
            return PageLanguage::English;
        if (tag == "fr" || tag == "FR")
            return PageLanguage::French;
        auto comma = accept_language.find(',', pos);
        if (comma == std::string_view::npos)
            break;
        pos = comma + 1;
    }
    return PageLanguage::French;
}

http::Response authorize_form_page(PageLanguage language, const services::AuthorizationRequest& request,
    const services::CheckedAuthorization& checked, std::string_view form_token, std::string_view lang,
    std::string_view message, int status)
{
    const Words& w = words(language);
    std::string body = "<p><strong>" + escape_html(checked.app.name) + "</strong> " + w.asks + "</p>\n<ul>\n";
    std::string_view scopes = checked.scopes;
    while (!scopes.empty()) {
        auto space = scopes.find(' ');
        body += "<li>" + escape_html(describe_scope(language, scopes.substr(0, space))) + "</li>\n";
        if (space == std::string_view::npos)
            break;
        scopes.remove_prefix(space + 1);
    }
    body += "</ul>\n";
    if (!message.empty())
        body += "<p class=\"error\" role=\"alert\">" + escape_html(message) + "</p>\n";
    body += "<form method=\"post\" action=\"/oauth/authorize\">\n";
    hidden(body, "authenticity_token", form_token);
    hidden(body, "response_type", request.response_type);
    hidden(body, "client_id", request.client_id);
    hidden(body, "redirect_uri", request.redirect_uri);
    hidden(body, "scope", request.scope);
    hidden(body, "state", request.state);
    hidden(body, "code_challenge", request.code_challenge);
    hidden(body, "code_challenge_method", request.code_challenge_method);
    hidden(body, "lang", lang);
    body += "<label for=\"login\">" + std::string(w.login)
        + "</label><input type=\"text\" id=\"login\" name=\"login\" autocomplete=\"username\" required>\n";
    body += "<label for=\"password\">" + std::string(w.password)
        + "</label><input type=\"password\" id=\"password\" name=\"password\" "
          "autocomplete=\"current-password\" required>\n";
    body += "<button type=\"submit\" name=\"decision\" value=\"authorize\">" + std::string(w.submit)
        + "</button>\n";
    // Refusing needs no password: the browser skips the required fields (formnovalidate).
    body += "<button type=\"submit\" name=\"decision\" value=\"deny\" formnovalidate>" + std::string(w.deny)
        + "</button>\n</form>\n";
    return html(status, language, w.title, body);
}

http::Response out_of_band_page(PageLanguage language, std::string_view app_name, std::string_view code)
{
    const Words& w = words(language);
    std::string body = "<p><strong>" + escape_html(app_name) + "</strong></p>\n<p>" + w.code_hint
        + "</p>\n<p><code id=\"code\">" + escape_html(code) + "</code></p>\n";
    return html(200, language, w.code_title, body);
}

http::Response denied_page(PageLanguage language, std::string_view app_name)
{
    const Words& w = words(language);
    return html(200, language, w.denied_title,
        "<p><strong>" + escape_html(app_name) + "</strong></p>\n<p>" + w.denied_hint + "</p>\n");
}

http::Response authorize_error_page(PageLanguage language, int status, std::string_view message)
{
    const Words& w = words(language);
    return html(status, language, w.error_title,
        "<p class=\"error\" role=\"alert\">" + escape_html(message) + "</p>\n");
}

} // namespace confrere::server::api
