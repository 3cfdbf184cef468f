#include "server/cli/commands.hpp"

#include "core/services/statistics.hpp"

#include "core/base/log.hpp"
#include "core/crypto/secrets.hpp"
#include "core/services/directory_service.hpp"
#include "core/services/instance_identity.hpp"
#include "core/services/moderation_service.hpp"
#include "core/services/peer_service.hpp"
#include "core/services/registration_service.hpp"
#include "core/services/statistics.hpp"
#include "server/cli/serve.hpp"
#include "server/config/config.hpp"
#include "storage/store.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <tuple>

namespace confrere::server::cli {

namespace {

std::filesystem::path default_config_path()
{
    if (const char* env = std::getenv("CONFRERE_CONFIG"); env != nullptr && *env != '\0')
        return env;
    return "confrere.toml";
}

void print_error(const Error& e)
{
    std::cerr << "confrere: " << e.public_message;
    if (!e.field.empty())
        std::cerr << " (" << e.field << ")";
    std::cerr << "\n";
    if (!e.detail.empty())
        log::debug("cli_error_detail", {{"detail", e.detail}});
}

log::Level level_from(const std::string& name)
{
    if (name == "debug") return log::Level::Debug;
    if (name == "warn") return log::Level::Warn;
    if (name == "error") return log::Level::Error;
    return log::Level::Info;
}

Result<Config> load(const std::filesystem::path& path)
{
    auto config = load_config(path);
    if (!config)
        return config;
    log::set_min_level(level_from(config->log_level));
    std::error_code ec;
    std::filesystem::create_directories(config->data_dir, ec);
    if (ec)
        return fail(ErrorKind::Internal, "cannot create the data directory " + config->data_dir.string() + ": " + ec.message());
    return config;
}

Result<std::unique_ptr<storage::Store>> open_store(const Config& config, bool migrate)
{
    return storage::open_sqlite_store({config.database_path(), 1, migrate});
}

// Everything the admin subcommands need, opened on demand.
struct AdminEnv {
    Config config;
    std::unique_ptr<storage::Store> store;
    SystemClock clock;
    std::unique_ptr<IdGenerator> ids;
};

Result<std::unique_ptr<AdminEnv>> open_admin(const std::filesystem::path& path)
{
    auto config = load(path);
    if (!config)
        return forward(config);
    auto store = open_store(*config, true);
    if (!store)
        return forward(store);
    auto env = std::make_unique<AdminEnv>();
    env->config = std::move(*config);
    env->store = std::move(*store);
    env->ids = std::make_unique<IdGenerator>(env->clock);
    return env;
}

Result<Id> id_of(storage::Store& store, const std::string& username)
{
    Id id = 0;
    Status done = store.read([&](storage::Repositories& repos) -> Status {
        auto a = repos.accounts().find_by_username(username);
        if (!a)
            return forward(a);
        if (!*a)
            return fail(ErrorKind::NotFound, "no account named " + username);
        id = (*a)->id;
        return ok();
    });
    if (!done)
        return forward(done);
    return id;
}

std::string read_password_stdin()
{
    std::string line;
    std::getline(std::cin, line);
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return line;
}

void print_registration(const model::Registration& r)
{
    const model::Account& a = r.account;
    std::cout << a.id << "  @" << a.username << "  " << model::to_string(a.state) << "  "
              << model::to_string(a.role) << "  " << a.first_name << " " << a.last_name << "  profession "
              << a.profession_code << "  " << model::to_string(r.identity.kind) << " " << r.identity.bare_id
              << "  precheck " << model::to_string(r.precheck.outcome)
              << (r.has_attestation ? "  attestation" : "") << (a.directory_flagged ? "  FLAGGED" : "") << "\n";
    if (!r.precheck.detail.empty())
        std::cout << "    " << r.precheck.detail << "\n";
}

} // namespace

int run(int argc, char** argv)
{
    if (auto rc = crypto::init_crypto(); !rc) {
        print_error(rc.error());
        return 1;
    }
    CLI::App app{"Confrère: a federated network for health professionals"};
    app.require_subcommand(1);
    app.set_version_flag("--version", CONFRERE_VERSION);
    std::filesystem::path config_path = default_config_path();
    int exit_code = 0;

    auto* serve_cmd = app.add_subcommand("serve", "Run the HTTP server");
    std::filesystem::path port_file;
    serve_cmd->add_option("--config,-c", config_path, "Configuration file (default $CONFRERE_CONFIG or ./confrere.toml)");
    serve_cmd->add_option("--port-file", port_file, "Write the bound port to this file once listening");
    serve_cmd->callback([&] {
        auto config = load(config_path);
        if (!config) {
            print_error(config.error());
            exit_code = 1;
            return;
        }
        exit_code = serve(*config, port_file);
    });

    auto* migrate_cmd = app.add_subcommand("migrate", "Apply database migrations");
    migrate_cmd->add_option("--config,-c", config_path, "Configuration file");
    migrate_cmd->callback([&] {
        auto config = load(config_path);
        if (!config) {
            print_error(config.error());
            exit_code = 1;
            return;
        }
        auto store = open_store(*config, true);
        if (!store) {
            print_error(store.error());
            exit_code = 1;
            return;
        }
        if (auto key = services::ensure_instance_key(**store); !key) {
            print_error(key.error());
            exit_code = 1;
            return;
        }
        std::cout << "database " << config->database_path().string() << " is at schema version "
                  << storage::latest_schema_version() << "\n";
    });

    auto* admin = app.add_subcommand("admin", "Operator commands");
    admin->add_option("--config,-c", config_path, "Configuration file");
    admin->require_subcommand(1);

    // Runs an admin action with the environment opened, mapping errors to exit code 1.
    auto with_env = [&](auto&& action) {
        return [&, action] {
            auto env = open_admin(config_path);
            if (!env) {
                print_error(env.error());
                exit_code = 1;
                return;
            }
            Status rc = action(**env);
            if (!rc) {
                print_error(rc.error());
                exit_code = 1;
            }
        };
    };

    services::AccountCreation creation;
    std::string role_name = "member";
    std::string password;
    bool password_stdin = false;
    auto* create = admin->add_subcommand("create-account", "Create an account (operators, moderators, partners, demo members)");
    create->add_option("--username", creation.username)->required();
    create->add_option("--email", creation.email)->required();
    create->add_option("--password", password, "Password (prefer --password-stdin: arguments are visible to other users)");
    create->add_flag("--password-stdin", password_stdin, "Read the password from the first line of standard input");
    create->add_option("--role", role_name)->check(CLI::IsMember({"member", "moderator", "admin", "partner"}));
    create->add_flag("--validated", creation.validated, "Active at once (no validation queue)");
    create->add_option("--first-name", creation.first_name);
    create->add_option("--last-name", creation.last_name);
    create->add_option("--profession", creation.profession_code, "Profession code (21 pharmacist, 60 nurse, 80 podiatrist…)")
        ->check(CLI::Range(0, 99));
    create->callback(with_env([&](AdminEnv& env) -> Status {
        creation.role = model::role_from_string(role_name).value_or(model::Role::Member);
        creation.password = password_stdin ? read_password_stdin() : password;
        services::RegistrationService service(*env.store, env.clock, *env.ids,
                                              {env.config.professions, true});
        auto account = service.create_account(creation);
        if (!account)
            return forward(account);
        std::cout << "created @" << account->username << " (id " << account->id << ", "
                  << model::to_string(account->role) << ", " << model::to_string(account->state) << ")\n";
        return ok();
    }));

    std::string target;
    std::string reason;
    auto add_decision = [&](const char* name, const char* help, bool with_reason, auto&& decide) {
        auto* cmd = admin->add_subcommand(name, help);
        cmd->add_option("username", target, "Account's username")->required();
        if (with_reason)
            cmd->add_option("--reason", reason, "Reason, kept for moderators and shown to the applicant");
        cmd->callback(with_env([&, decide](AdminEnv& env) -> Status {
            auto id = id_of(*env.store, target);
            if (!id)
                return forward(id);
            services::ModerationService moderation(*env.store, env.clock);
            auto r = decide(moderation, *id, reason);
            if (!r)
                return forward(r);
            print_registration(*r);
            return ok();
        }));
    };
    add_decision("approve", "Approve a pending registration", false,
                 [](services::ModerationService& m, Id id, const std::string&) { return m.approve(std::nullopt, id); });
    add_decision("reject", "Reject a pending registration", true,
                 [](services::ModerationService& m, Id id, const std::string& why) { return m.reject(std::nullopt, id, why); });
    add_decision("suspend", "Suspend an active account", true,
                 [](services::ModerationService& m, Id id, const std::string& why) { return m.suspend(std::nullopt, id, why); });
    add_decision("unsuspend", "Lift a suspension", false,
                 [](services::ModerationService& m, Id id, const std::string&) { return m.unsuspend(std::nullopt, id); });

    auto* pending = admin->add_subcommand("pending", "List the validation queue");
    pending->callback(with_env([&](AdminEnv& env) -> Status {
        services::ModerationService moderation(*env.store, env.clock);
        storage::AccountQuery q;
        q.state = model::AccountState::Pending;
        q.limit = 200;
        auto list = moderation.list(std::nullopt, q);
        if (!list)
            return forward(list);
        if (list->empty())
            std::cout << "no pending registration\n";
        for (const auto& r : *list)
            print_registration(r);
        return ok();
    }));

    std::filesystem::path extract;
    auto* import = admin->add_subcommand("import-directory", "Import the ANS Annuaire Santé extract (PS_LibreAcces_Personne_activite)");
    import->add_option("file", extract, "The pipe-separated extract file")->required()->check(CLI::ExistingFile);
    import->callback(with_env([&](AdminEnv& env) -> Status {
        auto started = std::chrono::steady_clock::now();
        auto done = services::import_directory(*env.store, env.clock, extract);
        if (!done)
            return forward(done);
        auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::cout << "imported " << done->rows << " rows (" << done->entries << " professionals) in " << seconds
                  << " s; " << done->flagged_members << " active member(s) missing from this extract flagged for review\n";
        return ok();
    }));

    auto* peer = admin->add_subcommand("peer", "Trusted and blocked peer instances (federation)");
    peer->require_subcommand(1);
    std::string peer_host, peer_note;
    auto peer_service = [](AdminEnv& env) {
        return services::PeerService(*env.store, env.clock,
                                     env.config.federation_mode == "blocklist" ? services::FederationMode::Blocklist
                                                                               : services::FederationMode::Allowlist);
    };
    auto print_peer = [](const model::Peer& p) {
        std::cout << p.host << "  " << model::to_string(p.state) << "  since " << format_iso8601(p.created_at)
                  << (p.note.empty() ? "" : "  " + p.note) << "\n";
    };
    for (auto [name, help, state] : {std::tuple{"add", "Trust a peer instance (allowlist)", model::PeerState::Trusted},
                                     std::tuple{"block", "Block a peer instance (blocklist)", model::PeerState::Blocked}}) {
        auto* cmd = peer->add_subcommand(name, help);
        cmd->add_option("host", peer_host, "Host name, e.g. soins.example (a port may follow)")->required();
        cmd->add_option("--note", peer_note, "Why, for the other admins");
        cmd->callback(with_env([&, state](AdminEnv& env) -> Status {
            auto service = peer_service(env);
            auto decided = state == model::PeerState::Trusted ? service.trust(peer_host, peer_note)
                                                              : service.block(peer_host, peer_note);
            if (!decided)
                return forward(decided);
            print_peer(*decided);
            return ok();
        }));
    }
    auto* peer_remove = peer->add_subcommand("remove", "Forget a peer (untrusted again in allowlist mode)");
    peer_remove->add_option("host", peer_host)->required();
    peer_remove->callback(with_env([&](AdminEnv& env) -> Status {
        if (auto rc = peer_service(env).forget(peer_host); !rc)
            return rc;
        std::cout << "removed " << peer_host << "\n";
        return ok();
    }));
    auto* peer_list = peer->add_subcommand("list", "List trusted and blocked peers");
    peer_list->callback(with_env([&](AdminEnv& env) -> Status {
        auto service = peer_service(env);
        auto peers = service.list();
        if (!peers)
            return forward(peers);
        std::cout << "federation mode: " << env.config.federation_mode << "\n";
        for (const auto& p : *peers)
            print_peer(p);
        return ok();
    }));

    auto* stats = admin->add_subcommand("stats", "Show aggregated statistics");
    stats->callback(with_env([&](AdminEnv& env) -> Status {
        auto figures = services::instance_statistics(*env.store);
        if (!figures)
            return forward(figures);
        std::cout << "accounts.active " << figures->active << "\n"
                  << "accounts.pending " << figures->pending << "\n"
                  << "accounts.rejected " << figures->rejected << "\n"
                  << "accounts.suspended " << figures->suspended << "\n";
        if (const auto& d = figures->directory)
            std::cout << "directory.import " << d->source_name << " at " << format_iso8601(d->imported_at) << ", "
                      << d->entries << " professionals, " << d->flagged_members << " flagged members\n";
        else
            std::cout << "directory.import none\n";
        return ok();
    }));

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // CLI11 reports usage errors by exception; this is the one place we catch them.
        return app.exit(e) == 0 ? 0 : 2;
    }
    return exit_code;
}

} // namespace confrere::server::cli
