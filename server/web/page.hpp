// A web page request from start to answer: who is asking (the session cookie), in which
// language, the CSRF token its forms carry, and the rendering of a page inside the layout
// with the headers every page has (CSP, no framing, no caching of member pages).
#pragma once

#include "server/api/context.hpp"
#include "server/http/form.hpp"
#include "server/web/web_ui.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace confrere::server::web {

// The pre-session cookie: a random value the signed CSRF token of forms shown before sign-in
// (login, registration, language switch) is bound to.
inline constexpr std::string_view kPresessionCookie = "confrere_form";
// The language chosen with the switch by a visitor (a member's comes from the account).
inline constexpr std::string_view kLanguageCookie = "confrere_lang";

inline constexpr std::string_view kContentSecurityPolicy
    = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
      "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

// The largest form body a page accepts (registration with an attestation has its own limit).
inline constexpr std::size_t kMaxFormBytes = 64 * 1024;

struct Visit {
    api::Context& ctx;
    const WebUi& ui;
    const http::Request& req;
    std::optional<services::Authenticated> session; // a valid session cookie, any account state
    std::string language;
    const Catalogue* texts = nullptr;
    std::string csrf; // the token this visitor's forms carry
    std::string new_presession; // a pre-session cookie to set with the answer, if any

    // The signed-in account when it may read (an active member, moderator or admin), else null.
    const model::Account* member() const;
};

// Reads the session cookie, picks the language (the member's locale, else the language
// cookie, else Accept-Language, else French) and the CSRF token.
Visit begin_visit(api::Context& ctx, const WebUi& ui, const http::Request& req);

// The supported languages for a <select> (code, name, current: the visit's language).
Value languages_value(const Visit& visit);

// A TRE_G15 profession's name in the visitor's language (catalogue key "profession.<code>"),
// the model's French label for a code the catalogues do not name.
std::string profession_name(const Visit& visit, int code);

// Whether a submitted form carries this visitor's CSRF token in its "csrf" field.
bool csrf_ok(const Visit& visit, const http::Params& form);

// The form of a POST (urlencoded or multipart) after its CSRF check: nullopt with `refusal`
// set to the 403 page (missing or wrong token) or the 400 page (unreadable body).
std::optional<http::Params> read_form(const Visit& visit, http::Response& refusal);
// read_form, then the rate limit `rule` for the visitor's address (sign-in, registration):
// past it, `refusal` is the 429 page.
std::optional<http::Params> read_form(
    const Visit& visit, http::Response& refusal, const http::RateRule& rule);

// Renders `template_name` with `data` (plus `csrf`, `me` and the language) inside the layout,
// titled with the catalogue's `title_key`.
http::Response page(const Visit& visit, std::string_view template_name, std::string_view title_key,
    Value data, int status = 200);

// 303 See Other to a local path.
http::Response redirect(const Visit& visit, std::string_view location);

// 303 to `location` that also stores the new session's cookie (sign-in, registration).
http::Response signed_in_redirect(
    const Visit& visit, const services::SignedIn& signed_in, std::string_view location);

// A page with a translated message: `message_key` in the catalogue.
http::Response message_page(const Visit& visit, int status, std::string_view message_key);

// The page for a service error: its status, and its message translated (translate_error).
http::Response error_page(const Visit& visit, const Error& error);

// A service's message in the visitor's language: the catalogue's entry for the English message
// itself when there is one, else the catalogue's text for errors of the field ("field.<name>")
// or of the kind; English visitors read the service's message as it is.
std::string translate_error(const Visit& visit, const Error& error);

// The errors of a form by field name, translated, for `{{#error.<field>}}` in templates; an
// error without a field goes under "form". The first error of a field wins.
Value field_errors(const Visit& visit, std::span<const Error> errors);

// Where to go back to: `path` if it is a local path ("/…", not "//…"), else "/".
std::string local_path_or_home(std::string_view path);

// A member page's gate: the signed-in account when it may read. Otherwise `refusal` is set:
// the login page for a visitor, the registration status page for a pending account.
const model::Account* require_member(const Visit& visit, http::Response& refusal);

} // namespace confrere::server::web
