// The admins' pages: the trusted peers (PeerService), the aggregated statistics (counts
// only, DESIGN rule 7) and the instance's settings (InstanceSettingsService).
// services::require_admin decides who may open them.
#include "core/services/statistics.hpp"
#include "server/web/routes.hpp"
#include "server/web/views.hpp"

namespace confrere::server::web {

using http::PathParams;
using http::Response;

namespace {

Response peers_page(
    Visit& v, std::string_view notice_key = {}, std::optional<Error> error = {}, int status = 200)
{
    auto peers = v.ctx.peers->list();
    if (!peers)
        return error_page(v, peers.error());
    Value items(Value::List {});
    for (const model::Peer& p : *peers) {
        Value item = Value::object();
        item.set("host", p.host);
        item.set("state", v.texts->text("peers.state." + std::string(model::to_string(p.state))));
        item.set("note", p.note);
        item.set("since", display_time(p.created_at));
        items.push(std::move(item));
    }
    Value data = Value::object();
    data.set("peers", std::move(items));
    data.set("mode",
        v.texts->text(v.ctx.peers->mode() == services::FederationMode::Allowlist ? "peers.mode.allowlist"
                                                                                 : "peers.mode.blocklist"));
    if (!notice_key.empty())
        data.set("notice", v.texts->text(notice_key));
    if (error)
        data.set("error", field_errors(v, std::span(&*error, 1)));
    return page(v, "peers", "peers.title", std::move(data), status);
}

Response change_peer(Visit& v, const http::Params& form, bool trust)
{
    std::string host = form.get_or("host");
    if (host.size() > 300)
        return peers_page(v, {}, Error { ErrorKind::InvalidInput, "Invalid peer host.", {}, "host" }, 400);
    Status done = ok();
    if (trust) {
        if (auto peer = v.ctx.peers->trust(host, form.get_or("note")); !peer)
            done = forward(peer);
    } else {
        done = v.ctx.peers->forget(host);
    }
    if (!done) {
        Error e = done.error();
        if (e.field.empty() && trust)
            e.field = "host"; // PeerService's host errors name no field: the form has one
        return peers_page(v, {}, e, http::status_for(e.kind));
    }
    return peers_page(v, trust ? "peers.added" : "peers.removed");
}

Response statistics_page(Visit& v)
{
    auto stats = services::instance_statistics(v.ctx.store);
    if (!stats)
        return error_page(v, stats.error());
    Value data = Value::object();
    data.set("active", std::to_string(stats->active));
    data.set("pending", std::to_string(stats->pending));
    data.set("rejected", std::to_string(stats->rejected));
    data.set("suspended", std::to_string(stats->suspended));
    data.set("statuses", std::to_string(stats->local_statuses));
    if (const auto& d = stats->directory) {
        Value directory = Value::object();
        directory.set("source", d->source_name);
        directory.set("imported", display_time(d->imported_at));
        directory.set("entries", std::to_string(d->entries));
        directory.set("flagged", std::to_string(d->flagged_members));
        data.set("directory", std::move(directory));
    }
    return page(v, "statistics", "statistics.title", std::move(data));
}

// The instance settings form: the values in force, or what was typed with the errors beside.
Response instance_settings_page(Visit& v, const http::Params* typed = nullptr, std::span<const Error> errors = {},
    std::string_view notice_key = {}, int status = 200)
{
    services::InstanceSettings current = api::instance_settings(v.ctx);
    std::string rules;
    for (const std::string& rule : current.rules)
        rules += rule + "\n";
    Value values = Value::object();
    values.set("name", typed != nullptr ? typed->get_or("name") : current.name);
    values.set("description", typed != nullptr ? typed->get_or("description") : current.description);
    values.set("contact_email", typed != nullptr ? typed->get_or("contact_email") : current.contact_email);
    values.set("rules", typed != nullptr ? typed->get_or("rules") : rules);
    bool open = typed != nullptr ? typed->get_or("registrations") != "closed" : current.registrations_open;
    values.set("open", open);
    values.set("closed", !open);
    Value data = Value::object();
    data.set("values", std::move(values));
    data.set("error", field_errors(v, errors));
    data.set("has_errors", !errors.empty());
    if (!notice_key.empty())
        data.set("notice", v.texts->text(notice_key));
    return page(v, "instance_settings", "instance_settings.title", std::move(data), status);
}

Response save_instance_settings(Visit& v, const model::Account& me, const http::Params& form)
{
    services::InstanceSettings wanted;
    wanted.name = form.get_or("name");
    wanted.description = form.get_or("description");
    wanted.contact_email = form.get_or("contact_email");
    wanted.registrations_open = form.get_or("registrations") != "closed";
    wanted.rules = services::rules_from_lines(form.get_or("rules"));
    auto saved = v.ctx.instance_settings->update(me, wanted);
    if (!saved) {
        std::vector<Error> errors { saved.error() };
        if (saved.error().kind == ErrorKind::Unprocessable)
            errors = v.ctx.instance_settings->field_errors(wanted);
        return instance_settings_page(v, &form, errors, {}, http::status_for(saved.error().kind));
    }
    return instance_settings_page(v, nullptr, {}, "instance_settings.saved");
}

} // namespace

void register_admin_pages(http::Router& router, api::Context& ctx, const WebUi& ui)
{
    if (ctx.peers != nullptr) {
        add_member_page(
            router, ctx, ui, "/admin/peers",
            [](Visit& v, const model::Account&, const PathParams&) { return peers_page(v); }, Gate::Admin);
        for (auto [path, trust] :
            { std::pair { "/admin/peers/trust", true }, std::pair { "/admin/peers/remove", false } })
            add_member_action(
                router, ctx, ui, path,
                [trust](Visit& v, const model::Account&, const http::Params& form, const PathParams&) {
                    return change_peer(v, form, trust);
                },
                Gate::Admin);
    }
    if (ctx.instance_settings != nullptr) {
        add_member_page(
            router, ctx, ui, "/admin/settings",
            [](Visit& v, const model::Account&, const PathParams&) { return instance_settings_page(v); },
            Gate::Admin);
        add_member_action(
            router, ctx, ui, "/admin/settings",
            [](Visit& v, const model::Account& me, const http::Params& form, const PathParams&) {
                return save_instance_settings(v, me, form);
            },
            Gate::Admin);
    }
    add_member_page(
        router, ctx, ui, "/admin/statistics",
        [](Visit& v, const model::Account&, const PathParams&) { return statistics_page(v); }, Gate::Admin);
}

} // namespace confrere::server::web
