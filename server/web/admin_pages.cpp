// The admins' pages: the trusted peers (PeerService) and the aggregated statistics (counts
// only, DESIGN rule 7). services::require_admin decides who may open them.
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
    add_member_page(
        router, ctx, ui, "/admin/statistics",
        [](Visit& v, const model::Account&, const PathParams&) { return statistics_page(v); }, Gate::Admin);
}

} // namespace confrere::server::web
