#include "server/web/web_ui.hpp"

#include "core/crypto/secrets.hpp"
#include "core/model/profession.hpp"
#include "server/web/assets.hpp"

namespace confrere::server::web {

namespace {

std::string_view content_type_for(std::string_view name)
{
    if (name.ends_with(".css"))
        return "text/css; charset=utf-8";
    if (name.ends_with(".js"))
        return "text/javascript; charset=utf-8";
    if (name.ends_with(".svg"))
        return "image/svg+xml";
    if (name.ends_with(".png"))
        return "image/png";
    return "application/octet-stream";
}

// Templates, catalogues and assets from the embedded files, by folder.
struct Sources {
    std::map<std::string, std::string, std::less<>> templates;
    std::map<std::string, std::string_view, std::less<>> catalogues;
    std::map<std::string, std::string_view, std::less<>> assets;
};

Sources sort_embedded()
{
    Sources s;
    for (const EmbeddedFile& f : embedded_files()) {
        std::string_view name = f.name;
        if (name.starts_with("templates/") && name.ends_with(".html")) {
            name.remove_prefix(10);
            s.templates.emplace(std::string(name.substr(0, name.size() - 5)), std::string(f.data));
        } else if (name.starts_with("i18n/") && name.ends_with(".txt")) {
            name.remove_prefix(5);
            s.catalogues.emplace(std::string(name.substr(0, name.size() - 4)), f.data);
        } else if (name.starts_with("static/")) {
            s.assets.emplace(std::string(name.substr(7)), f.data);
        }
    }
    return s;
}

// Keys the C++ side asks for (the templates' own keys are collected when they compile).
constexpr std::string_view kCodeKeys[] = { "language.name", "nav.home", "nav.local", "nav.notifications",
    "nav.search", "nav.profile", "nav.settings", "nav.moderation", "nav.peers", "nav.statistics",
    "title.message", "title.error", "error.not_found", "error.forbidden", "error.unauthorized",
    "error.too_many_requests", "error.invalid", "error.too_large", "error.conflict", "error.unavailable",
    "error.internal", "error.csrf", "login.invalid", "home.title", "home.empty", "local.title", "local.empty",
    "audience.instance", "audience.instance.hint", "audience.followers", "audience.followers.hint",
    "audience.direct", "audience.direct.hint", "audience.group", "audience.group.hint", "nav.groups",
    "groups.title", "group.title", "identifier.rpps", "identifier.adeli",
    "identifier.student", "notification.mention", "notification.status", "notification.reblog",
    "notification.follow", "notification.follow_request", "notification.favourite", "notification.update",
    "precheck.match", "precheck.name_mismatch", "precheck.profession_not_admitted", "precheck.not_found",
    "precheck.no_directory", "precheck.not_applicable", "moderation.approved", "moderation.rejected",
    "follow.not_found", "settings.saved", "profile.title", "settings.title", "tag.title", "tag.empty",
    "peers.title", "peers.added", "peers.removed", "peers.state.trusted", "peers.state.blocked",
    "peers.mode.allowlist", "peers.mode.blocklist", "statistics.title", "nav.instance_settings",
    "instance_settings.title", "instance_settings.saved", "register.closed",
    // reports (report_pages.cpp)
    "nav.reports", "report.title", "report.self", "report.sent", "report.category.violation",
    "report.category.violation.hint", "report.category.legal", "report.category.legal.hint",
    "report.category.spam", "report.category.spam.hint", "report.category.other", "report.category.other.hint",
    "report.action.none", "report.action.statuses_removed", "report.action.account_suspended", "reports.title",
    "reports.notice.assigned", "reports.notice.unassigned", "reports.notice.dismissed", "reports.notice.removed",
    "reports.notice.suspended", "reports.notice.reopened" };

} // namespace

Result<std::unique_ptr<WebUi>> WebUi::load()
{
    auto ui = std::make_unique<WebUi>();
    Sources sources = sort_embedded();
    auto templates = TemplateSet::compile(sources.templates);
    if (!templates)
        return forward(templates);
    ui->templates_ = std::move(*templates);
    std::vector<std::string> used = ui->templates_.text_keys();
    used.insert(used.end(), std::begin(kCodeKeys), std::end(kCodeKeys));
    // Every profession the server knows is named in each language (profession_name).
    for (int code = 1; code < 100; ++code)
        if (model::is_known_profession(code))
            used.push_back("profession." + std::to_string(code));
    for (std::string_view language : kLanguages) {
        auto source = sources.catalogues.find(language);
        if (source == sources.catalogues.end())
            return fail(ErrorKind::InvalidInput, "no catalogue for " + std::string(language));
        auto catalogue = Catalogue::parse(std::string(language), source->second);
        if (!catalogue)
            return forward(catalogue);
        for (const std::string& key : used)
            if (!catalogue->contains(key))
                return fail(
                    ErrorKind::InvalidInput, "catalogue " + std::string(language) + " lacks '" + key + "'");
        ui->catalogues_.emplace(std::string(language), std::move(*catalogue));
    }
    for (const auto& [name, data] : sources.assets)
        ui->assets_.emplace(name,
            StaticAsset {
                content_type_for(name), data, "\"" + crypto::sha256_hex(data).substr(0, 16) + "\"" });
    ui->form_key_ = crypto::random_token(32);
    return ui;
}

const Catalogue& WebUi::texts(std::string_view language) const
{
    auto it = catalogues_.find(language);
    if (it == catalogues_.end())
        it = catalogues_.find(kLanguages[0]);
    return it->second;
}

const StaticAsset* WebUi::asset(std::string_view file_name) const
{
    auto it = assets_.find(file_name);
    return it == assets_.end() ? nullptr : &it->second;
}

std::string WebUi::asset_url(std::string_view file_name) const
{
    const StaticAsset* a = asset(file_name);
    std::string url = "/static/" + std::string(file_name);
    if (a != nullptr)
        url += "?v=" + a->etag.substr(1, a->etag.size() - 2);
    return url;
}

std::string WebUi::form_token(std::string_view presession) const
{
    return crypto::hmac_sha256_hex(form_key_, presession);
}

} // namespace confrere::server::web
