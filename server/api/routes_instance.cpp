// Mastodon's Instance entity (v1 and v2, public like Mastodon's) and the admins' change of it,
// the member's posting preferences, and the (empty) custom emoji list: what clients read once
// at start-up.
#include "server/api/account_json.hpp"
#include "server/api/routes.hpp"

namespace confrere::server::api {

using http::PathParams;
using http::Request;
using http::Response;

namespace {

// Mastodon.py reads the version up to the first space and needs three numbers.
std::string version_string()
{
    return std::string("4.2.0 (compatible; Confrère ") + CONFRERE_VERSION + ")";
}

// ws:// or wss:// on our own host: the streaming API is served by this process.
std::string streaming_url(const Context& ctx)
{
    std::string ws = ctx.base_url;
    ws.replace(0, ws.find(':'), ws.starts_with("https") ? "wss" : "ws");
    return ws;
}

void write_languages(JsonWriter& w, const Context& ctx)
{
    w.Key("languages");
    w.StartArray();
    for (const auto& l : ctx.config.languages)
        w.String(l.c_str());
    w.EndArray();
}

std::uint64_t max_characters(const Context& ctx)
{
    return ctx.social != nullptr ? ctx.social->social.limits().max_characters : ctx.config.status_max_characters;
}

// configuration.statuses, the same in v1 and v2. No media yet: no attachments.
void write_statuses_configuration(JsonWriter& w, const Context& ctx)
{
    w.Key("statuses");
    w.StartObject();
    w.Key("max_characters");
    w.Uint64(ctx.social != nullptr ? ctx.social->social.limits().max_characters
                                   : ctx.config.status_max_characters);
    w.Key("max_media_attachments");
    w.Int(0);
    w.Key("characters_reserved_per_url");
    w.Int(23);
    w.EndObject();
}

void write_confrere(JsonWriter& w, const Context& ctx)
{
    w.Key("confrere");
    w.StartObject();
    w.Key("professions");
    w.StartArray();
    for (int code : ctx.config.professions)
        w.Int(code);
    w.EndArray();
    w.Key("members_only");
    w.Bool(true);
    w.EndObject();
}

// Mastodon's Rule entities: the charter's articles, numbered from 1 in their order.
void write_rules(JsonWriter& w, const services::InstanceSettings& settings)
{
    w.StartArray();
    for (std::size_t i = 0; i < settings.rules.size(); ++i) {
        w.StartObject();
        write_string(w, "id", std::to_string(i + 1));
        write_string(w, "text", settings.rules[i]);
        write_string(w, "hint", "");
        w.EndObject();
    }
    w.EndArray();
}

void write_zeros(JsonWriter& w, std::initializer_list<const char*> keys)
{
    for (const char* key : keys) {
        w.Key(key);
        w.Int(0);
    }
}

// Mastodon's Instance (v1), with what clients read; Mastodon.py needs a parseable version.
Response handle_instance_v1(Context& ctx)
{
    services::InstanceSettings settings = instance_settings(ctx);
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    write_string(w, "uri", ctx.host);
    write_string(w, "title", settings.name);
    write_string(w, "short_description", settings.description);
    write_string(w, "description", settings.description);
    write_string(w, "email", settings.contact_email);
    write_string(w, "version", version_string());
    w.Key("urls");
    w.StartObject();
    write_string(w, "streaming_api", streaming_url(ctx));
    w.EndObject();
    write_languages(w, ctx);
    w.Key("registrations");
    w.Bool(settings.registrations_open);
    w.Key("approval_required");
    w.Bool(true);
    w.Key("invites_enabled");
    w.Bool(false);
    w.Key("configuration");
    w.StartObject();
    write_statuses_configuration(w, ctx);
    w.EndObject();
    // Pleroma's v1 key, which some clients read instead of configuration.statuses.
    w.Key("max_toot_chars");
    w.Uint64(max_characters(ctx));
    w.Key("rules");
    write_rules(w, settings);
    write_confrere(w, ctx);
    w.EndObject();
    return http::json_response(200, buf.GetString());
}

// Mastodon 4.x Instance (GET /api/v2/instance): masto.js takes the streaming URL from
// configuration.urls.streaming.
Response handle_instance_v2(Context& ctx)
{
    std::int64_t members = 0;
    auto done = ctx.store.read([&](storage::Repositories& repos) -> Status {
        auto count = repos.accounts().count(model::AccountState::Active);
        if (!count)
            return forward(count);
        members = *count;
        return ok();
    });
    if (!done)
        return http::error_response(done.error());
    services::InstanceSettings settings = instance_settings(ctx);
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    write_string(w, "domain", ctx.host);
    write_string(w, "title", settings.name);
    write_string(w, "version", version_string());
    write_string(w, "source_url", "https://confrere.example/");
    write_string(w, "description", settings.description);
    w.Key("usage");
    w.StartObject();
    w.Key("users");
    w.StartObject();
    w.Key("active_month"); // members who may sign in: no activity tracking yet
    w.Int64(members);
    w.EndObject();
    w.EndObject();
    w.Key("thumbnail");
    w.StartObject();
    write_string(w, "url", ctx.base_url + "/static/header.png");
    w.EndObject();
    write_languages(w, ctx);
    w.Key("configuration");
    w.StartObject();
    w.Key("urls");
    w.StartObject();
    write_string(w, "streaming", streaming_url(ctx));
    w.EndObject();
    w.Key("accounts");
    w.StartObject();
    write_zeros(w, { "max_featured_tags", "max_pinned_statuses" });
    w.EndObject();
    write_statuses_configuration(w, ctx);
    w.Key("media_attachments");
    w.StartObject();
    w.Key("supported_mime_types");
    w.StartArray();
    w.EndArray();
    write_zeros(w,
        { "image_size_limit", "image_matrix_limit", "video_size_limit", "video_frame_rate_limit",
            "video_matrix_limit" });
    w.EndObject();
    w.Key("polls");
    w.StartObject();
    write_zeros(w, { "max_options", "max_characters_per_option", "min_expiration", "max_expiration" });
    w.EndObject();
    w.Key("translation");
    w.StartObject();
    w.Key("enabled");
    w.Bool(false);
    w.EndObject();
    w.EndObject();
    w.Key("registrations");
    w.StartObject();
    w.Key("enabled");
    w.Bool(settings.registrations_open);
    w.Key("approval_required");
    w.Bool(true);
    w.Key("message");
    w.Null();
    w.Key("url");
    w.Null();
    w.EndObject();
    w.Key("contact");
    w.StartObject();
    write_string(w, "email", settings.contact_email);
    w.Key("account");
    w.Null();
    w.EndObject();
    w.Key("rules");
    write_rules(w, settings);
    write_confrere(w, ctx);
    w.EndObject();
    return http::json_response(200, buf.GetString());
}

// PATCH /api/v1/confrere/admin/instance (admins, admin:write): changes the fields given, the
// others keep their values; the rules of InstanceSettingsService decide, as on /admin/settings.
// Answers the v1 Instance as it now is.
Response handle_update_instance(Context& ctx, const Request& req)
{
    auto caller = authenticate(ctx, req, "admin:write");
    if (!caller)
        return http::error_response(caller.error());
    auto params = http::parse_params(req);
    if (!params)
        return http::error_response(params.error());
    services::InstanceSettings wanted = instance_settings(ctx);
    for (auto [name, target] : { std::pair { "name", &wanted.name }, std::pair { "description", &wanted.description },
             std::pair { "contact_email", &wanted.contact_email } })
        if (auto value = params->get(name))
            *target = std::move(*value);
    if (auto registrations = params->get("registrations")) {
        if (*registrations != "approval" && *registrations != "closed")
            return http::error_response(Error { ErrorKind::Unprocessable,
                "Registrations are \"approval\" or \"closed\".", {}, "registrations" });
        wanted.registrations_open = *registrations == "approval";
    }
    // One rule a line, as the form's text area: blank ones are dropped, one empty value clears.
    if (auto rules = params->list("rules")) {
        std::string lines;
        for (const std::string& rule : *rules)
            lines += rule + "\n";
        wanted.rules = services::rules_from_lines(lines);
    }
    if (auto saved = ctx.instance_settings->update(caller->auth.account, std::move(wanted)); !saved)
        return http::error_response(saved.error());
    return handle_instance_v1(ctx);
}

// GET /api/v1/preferences: new posts default to the widest audience ("public" is the instance).
Response handle_preferences(Context& ctx, const Request& req)
{
    auto caller = authenticate_member(ctx, req, "read:accounts");
    if (!caller)
        return http::error_response(caller.error());
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    write_string(w, "posting:default:visibility", "public");
    w.Key("posting:default:sensitive");
    w.Bool(false);
    write_string(w, "posting:default:language", caller->auth.account.locale);
    write_string(w, "reading:expand:media", "default");
    w.Key("reading:expand:spoilers");
    w.Bool(false);
    w.EndObject();
    return http::json_response(200, buf.GetString());
}

} // namespace

void register_instance_routes(http::Router& router, Context& ctx)
{
    router.add("GET", "/api/v1/instance",
        [&ctx](const Request&, const PathParams&) { return handle_instance_v1(ctx); });
    router.add("GET", "/api/v2/instance",
        [&ctx](const Request&, const PathParams&) { return handle_instance_v2(ctx); });
    // The charter's articles, as the admin set them on /admin/settings.
    router.add("GET", "/api/v1/instance/rules", [&ctx](const Request&, const PathParams&) {
        rapidjson::StringBuffer buf;
        JsonWriter w(buf);
        write_rules(w, instance_settings(ctx));
        return http::json_response(200, buf.GetString());
    });
    if (ctx.instance_settings != nullptr)
        router.add("PATCH", "/api/v1/confrere/admin/instance",
            [&ctx](const Request& req, const PathParams&) { return handle_update_instance(ctx, req); });
    router.add("GET", "/api/v1/preferences",
        [&ctx](const Request& req, const PathParams&) { return handle_preferences(ctx, req); });
    // An instance without custom emojis: the real answer, public as in Mastodon.
    router.add("GET", "/api/v1/custom_emojis",
        [](const Request&, const PathParams&) { return http::json_response(200, "[]"); });
}

} // namespace confrere::server::api
