// `confrere serve`: wires the layers in one readable order and runs the HTTP server.
#include "server/cli/serve.hpp"

#include "core/base/log.hpp"
#include "core/services/instance_identity.hpp"
#include "server/api/routes.hpp"
#include "server/http/server.hpp"

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
    services::InstancePolicy policy{config.professions, config.registration == "approval"};
    services::RegistrationService registrations(**store, clock, ids, policy);
    services::ModerationService moderation(**store, clock);
    services::AuthService auth(**store, clock, ids);
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
    api::register_all_routes(router, ctx);

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
    return 0;
}

} // namespace confrere::server::cli
