// What every web page shares: the compiled templates, the catalogues, the static assets, and
// the key that signs the forms shown before sign-in. Built once in serve(); read-only after.
#pragma once

#include "core/base/result.hpp"
#include "server/web/i18n.hpp"
#include "server/web/template.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace confrere::server::web {

struct StaticAsset {
    std::string_view content_type;
    std::string_view data;
    std::string etag; // quoted, from the content's digest
};

class WebUi {
public:
    // Compiles the embedded templates and catalogues. InvalidInput when a template does not
    // compile or a catalogue lacks a key a template uses (a build that would show raw keys).
    static Result<std::unique_ptr<WebUi>> load();

    const TemplateSet& templates() const { return templates_; }
    // The catalogue of a supported language (kLanguages); the default one otherwise.
    const Catalogue& texts(std::string_view language) const;

    // "static/app.css" by its file name ("app.css"), or nullopt.
    const StaticAsset* asset(std::string_view file_name) const;
    // The URL of a static asset, with its digest as a cache-busting query.
    std::string asset_url(std::string_view file_name) const;

    // The CSRF token of a form shown before sign-in: HMAC-SHA256 of the visitor's pre-session
    // cookie under a key drawn at start-up (a restart only makes open forms ask again).
    std::string form_token(std::string_view presession) const;

private:
    TemplateSet templates_;
    std::map<std::string, Catalogue, std::less<>> catalogues_;
    std::map<std::string, StaticAsset, std::less<>> assets_;
    std::string form_key_;
};

} // namespace confrere::server::web
