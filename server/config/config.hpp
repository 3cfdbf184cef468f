// The configuration file (TOML). docs/configuration.md documents every key and its default.
#pragma once

#include "core/base/result.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace confrere::server {

struct Config {
    // [instance]
    std::string base_url;  // empty: derived from the listen address and the bound port
    std::string name = "Confrère";
    std::string description;
    std::vector<std::string> languages{"fr", "en"};
    std::vector<int> professions{21};
    std::string registration = "approval";  // "approval" | "closed"
    std::string contact_email;

    // [http]
    std::string listen_address = "127.0.0.1";
    std::uint16_t port = 8080;
    int io_threads = 2;
    int worker_threads = 4;
    std::size_t max_body_bytes = 1024 * 1024;
    std::size_t max_upload_bytes = 8 * 1024 * 1024;
    std::size_t max_header_bytes = 16 * 1024;
    std::chrono::seconds read_timeout{15};
    std::chrono::seconds idle_timeout{60};
    std::chrono::seconds shutdown_grace{10};
    std::chrono::seconds stream_heartbeat{15};  // event streams: silence before a heartbeat
    std::chrono::seconds public_cache{10};  // WebFinger/actor answers to anonymous requests

    // [limits] — per peer address (IPv6 by /64), fixed windows; 0 disables a rule
    int sign_in_attempts = 25;
    std::chrono::seconds sign_in_window{300};
    int registrations = 5;
    std::chrono::seconds registration_window{1800};
    std::size_t status_max_characters = 5000;  // a status's text, in Unicode code points

    // [storage]
    std::filesystem::path data_dir = "data";

    // [federation]
    std::string federation_mode = "allowlist";  // "allowlist" | "blocklist"
    bool allow_private_addresses = false;  // test and local-demo switch only
    // Delivery retries wait n^4 + 15 units (plus jitter) after the n-th failure.
    std::chrono::milliseconds delivery_backoff_unit{1000};

    // [log]
    std::string log_level = "info";

    std::filesystem::path config_path;  // where it was read from

    std::filesystem::path database_path() const { return data_dir / "confrere.sqlite3"; }
};

// Reads and validates the file. InvalidInput with the line number for a syntax error, and
// with the key's name for a wrong value or an unknown key.
Result<Config> load_config(const std::filesystem::path& path);

} // namespace confrere::server
