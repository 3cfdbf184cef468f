// The small server-rendered pages of /oauth/authorize: the sign-in and consent form, the
// out-of-band code, and errors. French first, English on request. Every value is escaped.
#pragma once

#include "core/services/oauth_service.hpp"
#include "server/http/message.hpp"

#include <string>
#include <string_view>

namespace confrere::server::api {

enum class PageLanguage { French, English };

// `lang` when it is "fr" or "en", else the first of fr/en in Accept-Language, else French.
PageLanguage page_language(std::string_view lang, std::string_view accept_language);

// The sign-in form for `request` (already checked), with the one-time `form_token`, the
// scopes to consent to and, after a failed attempt, `message`.
http::Response authorize_form_page(PageLanguage language, const services::AuthorizationRequest& request,
    const services::CheckedAuthorization& checked, std::string_view form_token, std::string_view lang,
    std::string_view message, int status = 200);

// The code to copy into the application (redirect URI urn:ietf:wg:oauth:2.0:oob).
http::Response out_of_band_page(PageLanguage language, std::string_view app_name, std::string_view code);

// The member denied access and the redirect URI is out of band: nothing to send back.
http::Response denied_page(PageLanguage language, std::string_view app_name);
// An error shown instead of any redirect (unknown client, unregistered redirect URI…).
http::Response authorize_error_page(PageLanguage language, int status, std::string_view message);

} // namespace confrere::server::api
