// `confrere serve`: wires the layers in one readable order and runs the HTTP server.
#include "server/cli/serve.hpp"

#include "core/base/log.hpp"
#include "core/services/instance_identity.hpp"
#include "core/services/instance_settings.hpp"
#include "core/services/peer_service.hpp"
#include "core/services/social_service.hpp"
#include "federation/actor_resolver.hpp"
#include "federation/delivery.hpp"
#include "server/api/streaming.hpp"
#include "federation/documents.hpp"
#include "federation/html/plain_text.hpp"
#include "federation/inbox.hpp"
#include "federation/outbox.hpp"
#include "server/api/routes.hpp"
#include "server/http/server.hpp"
#include "server/web/routes.hpp"

#include <fstream>

namespace confrere::server::cli {

int serve(const Config& config, const std::filesystem::path& port_file)
{
    auto store = storage::open_sqlite_store(
        {config.database_path(), std::max(2, config.worker_threads), /*migrate=*/true});
    if (!store) {
        log::error("storage_open_failed", {{"reason", store.error().public_message}, {"detail", store.error().detail}});
        return 1;
    }
    auto instance_key = services::ensure_instance_key(**store);
    if (!instance_key) {
        log::error("instance_key_failed", {{"detail", instance_key.error().detail}});
        return 1;
    }

    SystemClock clock;
    IdGenerator ids(clock);
    // The admin's settings page overrides these values of the configuration file.
    services::InstanceSettingsService instance_settings(**store,
        {config.name, config.description, config.contact_email, config.registration == "approval", {}});
    services::InstancePolicy policy{config.professions, config.registration == "approval", &instance_settings};
    services::RegistrationService registrations(**store, clock, ids, policy);
    services::ModerationService moderation(**store, clock);
    services::AuthService auth(**store, clock, ids);
    services::OAuthService oauth(**store, clock, ids, auth);
    http::RateLimiter limiter(clock);
    api::PublicCache public_cache(clock, config.public_cache);

    http::ServerOptions options;
    options.address = config.listen_address;
    options.port = config.port;
    options.io_threads = config.io_threads;
    options.worker_threads = config.worker_threads;
    options.max_body_bytes = config.max_body_bytes;
    options.max_header_bytes = config.max_header_bytes;
    options.read_timeout = config.read_timeout;
    options.idle_timeout = config.idle_timeout;
    options.shutdown_grace = config.shutdown_grace;
    options.heartbeat_interval = config.stream_heartbeat;

    http::Router router;
    http::HttpServer server(options, router);
    auto port = server.listen();
    if (!port) {
        log::error("listen_failed", {{"reason", port.error().public_message}});
        return 1;
    }

    api::Context ctx{config, **store, clock, ids, registrations, moderation, auth, limiter, public_cache, config.base_url, {}, instance_key->public_pem, false};
    if (ctx.base_url.empty())
        ctx.base_url = "http://" + config.listen_address + ":" + std::to_string(*port);
    // The authority part of the base URL is the host of every acct: handle.
    std::string_view rest = std::string_view(ctx.base_url).substr(ctx.base_url.find("://") + 3);
    ctx.host = std::string(rest.substr(0, rest.find('/')));
    ctx.secure_cookies = ctx.base_url.starts_with("https://");

    // Federation: one outbound client (SSRF guard; GETs signed by the instance actor), the
    // resolver of remote actors and keys, the inbox, the transactional outbox and its workers.
    auto instance_private = federation::parse_private_key_pem(instance_key->private_pem);
    if (!instance_private) {
        log::error("instance_key_failed", {{"detail", instance_private.error().detail}});
        return 1;
    }
    auto signing_key = std::make_shared<const crypto::EvpPkeyPtr>(std::move(*instance_private));
    std::string instance_key_id = federation::instance_actor_url(ctx.base_url) + "#main-key";
    services::PeerService peers(**store, clock,
        config.federation_mode == "blocklist" ? services::FederationMode::Blocklist : services::FederationMode::Allowlist);
    federation::HttpFetcherOptions fetch_options;
    fetch_options.allow_private = config.allow_private_addresses;
    fetch_options.user_agent = federation::default_user_agent(ctx.base_url);
    federation::HttpFetcher fetcher(
        federation::make_signing_fetcher_options(std::move(fetch_options), signing_key, instance_key_id, clock));
    federation::ResolverOptions resolver_options;
    resolver_options.allow_http = config.allow_private_addresses;
    federation::ActorResolver resolver(**store, fetcher, peers, clock, ids, resolver_options);
    federation::DeliveryOptions delivery_options;
    delivery_options.backoff_unit = config.delivery_backoff_unit;
    federation::DeliveryWorkers delivery(**store, fetcher, peers, clock, ctx.base_url, {instance_key_id, signing_key},
        delivery_options);
    federation::FederationOutbox outbox(ctx.base_url, peers, clock, ids, [&delivery] { delivery.wake(); });
    services::SocialService social(**store, clock, ids, outbox, ctx.base_url,
        [base = ctx.base_url](std::string_view text) { return federation::render_plain_text(text, base); },
        services::PostingLimits { config.status_max_characters });
    services::ProfileService profiles(**store, clock);
    services::GroupService groups(**store, clock, ids, outbox, social);
    services::ReportService reports(**store, clock, ids, social, moderation);
    federation::VerifyPolicy verify_policy;
    verify_policy.expected_host = ctx.host;
    federation::RequestVerifier verifier(resolver, peers, clock, verify_policy);
    federation::JsonLimits inbox_limits;
    inbox_limits.max_bytes = config.max_body_bytes;
    federation::InboxProcessor inbox(**store, verifier, resolver, outbox, clock, ids, {ctx.base_url, inbox_limits});
    api::Social social_context{social, resolver, verifier, inbox, outbox, profiles};
    ctx.social = &social_context;
    ctx.oauth = &oauth;
    ctx.groups = &groups;
    ctx.peers = &peers;
    ctx.instance_settings = &instance_settings;
    ctx.reports = &reports;
    api::register_all_routes(router, ctx);
    auto web_ui = web::WebUi::load();
    if (!web_ui) {
        log::error("webui_load_failed", {{"reason", web_ui.error().public_message}});
        return 1;
    }
    web::register_web_routes(router, ctx, **web_ui);
    api::StreamingHub streaming(ctx);
    streaming.set_notification_renderer(api::notification_entity);
    streaming.register_routes(router);
    social.set_live_events(&streaming);
    inbox.set_live_events(&streaming);
    delivery.start();

    log::info("listening", {{"address", config.listen_address}, {"port", static_cast<int>(*port)},
                            {"base_url", ctx.base_url}});
    if (!port_file.empty()) {
        // Written whole then renamed, so a watcher never reads a half-written number.
        std::filesystem::path tmp = port_file;
        tmp += ".tmp";
        std::ofstream(tmp) << *port << "\n";
        std::error_code ec;
        std::filesystem::rename(tmp, port_file, ec);
        if (ec) {
            log::error("port_file_failed", {{"reason", ec.message()}});
            return 1;
        }
    }
    server.run();
    streaming.stop();
    delivery.stop();
    return 0;
}

} // namespace confrere::server::cli
