#include "server/config/config.hpp"

#include <toml++/toml.h>

#include <map>
#include <set>
#include <tuple>
#include <sstream>

namespace confrere::server {

namespace {

Error config_error(const std::filesystem::path& path, const std::string& message)
{
    return Error{ErrorKind::InvalidInput, path.string() + ": " + message, {}, {}};
}

// Rejects keys this build does not know: a typo must not silently fall back to a default.
Status check_known_keys(const toml::table& root, const std::filesystem::path& path)
{
    static const std::map<std::string, std::set<std::string>> known{
        {"instance", {"base_url", "name", "description", "languages", "professions", "registration", "contact_email"}},
        {"http", {"listen_address", "port", "io_threads", "worker_threads", "max_body_bytes", "max_upload_bytes",
                  "max_header_bytes", "read_timeout_seconds", "idle_timeout_seconds", "shutdown_grace_seconds", "stream_heartbeat_seconds",
                  "public_cache_seconds"}},
        {"limits", {"sign_in_attempts", "sign_in_window_seconds", "registrations", "registration_window_seconds",
                    "status_max_characters"}},
        {"storage", {"data_dir"}},
        {"federation", {"mode", "allow_private_addresses", "delivery_backoff_unit_ms"}},
        {"log", {"level"}},
    };
    for (const auto& [section, node] : root) {
        auto it = known.find(std::string(section.str()));
        if (it == known.end() || !node.is_table())
            return std::unexpected(config_error(path, "unknown section [" + std::string(section.str()) + "]"));
        for (const auto& [key, value] : *node.as_table())
            if (!it->second.contains(std::string(key.str())))
                return std::unexpected(config_error(
                    path, "unknown key " + std::string(section.str()) + "." + std::string(key.str())));
    }
    return ok();
}

template <class T>
Status read_integer(const toml::table& root, const char* section, const char* key, T& out, long long min,
                    long long max, const std::filesystem::path& path)
{
    auto node = root[section][key];
    if (!node)
        return ok();
    auto v = node.value_exact<long long>();
    if (!v || *v < min || *v > max)
        return std::unexpected(config_error(path, std::string(section) + "." + key + " must be an integer between " +
                                                      std::to_string(min) + " and " + std::to_string(max)));
    out = static_cast<T>(*v);
    return ok();
}

Status read_string(const toml::table& root, const char* section, const char* key, std::string& out,
                   const std::filesystem::path& path)
{
    auto node = root[section][key];
    if (!node)
        return ok();
    auto v = node.value_exact<std::string>();
    if (!v)
        return std::unexpected(config_error(path, std::string(section) + "." + key + " must be a string"));
    out = *v;
    return ok();
}

} // namespace

Result<Config> load_config(const std::filesystem::path& path)
{
    toml::table root;
    try {
        // Debian's toml++ is built with exceptions: this is the one place they are caught.
        root = toml::parse_file(path.string());
    } catch (const toml::parse_error& e) {
        std::ostringstream msg;
        msg << "line " << e.source().begin.line << ": " << e.description();
        return std::unexpected(config_error(path, msg.str()));
    }
    if (auto rc = check_known_keys(root, path); !rc)
        return forward(rc);

    Config c;
    c.config_path = std::filesystem::absolute(path);
    for (auto [section, key, out] : {std::tuple{"instance", "base_url", &c.base_url},
                                     {"instance", "name", &c.name},
                                     {"instance", "description", &c.description},
                                     {"instance", "registration", &c.registration},
                                     {"instance", "contact_email", &c.contact_email},
                                     {"http", "listen_address", &c.listen_address},
                                     {"federation", "mode", &c.federation_mode},
                                     {"log", "level", &c.log_level}})
        if (auto rc = read_string(root, section, key, *out, path); !rc)
            return forward(rc);
    if (c.registration != "approval" && c.registration != "closed")
        return std::unexpected(config_error(path, "instance.registration must be \"approval\" or \"closed\""));
    if (c.federation_mode != "allowlist" && c.federation_mode != "blocklist")
        return std::unexpected(config_error(path, "federation.mode must be \"allowlist\" or \"blocklist\""));
    if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" && c.log_level != "error")
        return std::unexpected(config_error(path, "log.level must be debug, info, warn or error"));
    while (!c.base_url.empty() && c.base_url.back() == '/')
        c.base_url.pop_back();
    if (!c.base_url.empty() && !c.base_url.starts_with("https://") && !c.base_url.starts_with("http://"))
        return std::unexpected(config_error(path, "instance.base_url must start with https:// or http://"));

    if (auto node = root["instance"]["languages"]; node) {
        const toml::array* arr = node.as_array();
        if (arr == nullptr || arr->empty())
            return std::unexpected(config_error(path, "instance.languages must be a non-empty array of strings"));
        c.languages.clear();
        for (const auto& item : *arr) {
            auto v = item.value_exact<std::string>();
            if (!v)
                return std::unexpected(config_error(path, "instance.languages must be a non-empty array of strings"));
            c.languages.push_back(*v);
        }
    }
    if (auto node = root["instance"]["professions"]; node) {
        const toml::array* arr = node.as_array();
        if (arr == nullptr || arr->empty())
            return std::unexpected(config_error(path, "instance.professions must be a non-empty array of profession codes"));
        c.professions.clear();
        for (const auto& item : *arr) {
            auto v = item.value_exact<long long>();
            if (!v || *v < 1 || *v > 99)
                return std::unexpected(config_error(path, "instance.professions: codes are integers such as 21, 60, 80"));
            c.professions.push_back(static_cast<int>(*v));
        }
    }

    long long read_timeout = c.read_timeout.count(), idle = c.idle_timeout.count(), grace = c.shutdown_grace.count(),
              cache = c.public_cache.count(), heartbeat = c.stream_heartbeat.count();
    if (auto rc = read_integer(root, "http", "port", c.port, 0, 65535, path); !rc) return forward(rc);
    if (auto rc = read_integer(root, "http", "io_threads", c.io_threads, 1, 64, path); !rc) return forward(rc);
    if (auto rc = read_integer(root, "http", "worker_threads", c.worker_threads, 1, 256, path); !rc) return forward(rc);
    if (auto rc = read_integer(root, "http", "max_body_bytes", c.max_body_bytes, 1024, 64ll << 20, path); !rc) return forward(rc);
    if (auto rc = read_integer(root, "http", "max_upload_bytes", c.max_upload_bytes, 1024, 256ll << 20, path); !rc) return forward(rc);
    if (auto rc = read_integer(root, "http", "max_header_bytes", c.max_header_bytes, 1024, 1 << 20, path); !rc) return forward(rc);
    if (auto rc = read_integer(root, "http", "read_timeout_seconds", read_timeout, 1, 3600, path); !rc) return forward(rc);
    if (auto rc = read_integer(root, "http", "idle_timeout_seconds", idle, 1, 3600, path); !rc) return forward(rc);
    if (auto rc = read_integer(root, "http", "shutdown_grace_seconds", grace, 0, 600, path); !rc) return forward(rc);
    if (auto rc = read_integer(root, "http", "stream_heartbeat_seconds", heartbeat, 1, 300, path); !rc) return forward(rc);
    c.stream_heartbeat = std::chrono::seconds(heartbeat);
    long long sign_in_window = c.sign_in_window.count(), registration_window = c.registration_window.count();
    if (auto rc = read_integer(root, "limits", "sign_in_attempts", c.sign_in_attempts, 0, 1000000, path); !rc) return forward(rc);
    if (auto rc = read_integer(root, "limits", "sign_in_window_seconds", sign_in_window, 1, 86400, path); !rc) return forward(rc);
    if (auto rc = read_integer(root, "limits", "registrations", c.registrations, 0, 1000000, path); !rc) return forward(rc);
    if (auto rc = read_integer(root, "limits", "registration_window_seconds", registration_window, 1, 86400, path); !rc) return forward(rc);
    // At most services::kMaxStatusCharactersCeiling (its byte safety net allows 4 bytes each).
    if (auto rc = read_integer(root, "limits", "status_max_characters", c.status_max_characters, 1, 25000, path); !rc) return forward(rc);
    c.sign_in_window = std::chrono::seconds(sign_in_window);
    c.registration_window = std::chrono::seconds(registration_window);
    c.read_timeout = std::chrono::seconds(read_timeout);
    c.idle_timeout = std::chrono::seconds(idle);
    if (auto rc = read_integer(root, "http", "public_cache_seconds", cache, 0, 3600, path); !rc) return forward(rc);
    c.shutdown_grace = std::chrono::seconds(grace);
    c.public_cache = std::chrono::seconds(cache);

    std::string data_dir = c.data_dir.string();
    if (auto rc = read_string(root, "storage", "data_dir", data_dir, path); !rc)
        return forward(rc);
    c.data_dir = data_dir;
    if (c.data_dir.is_relative())
        c.data_dir = c.config_path.parent_path() / c.data_dir;

    if (auto node = root["federation"]["allow_private_addresses"]; node) {
        auto v = node.value_exact<bool>();
        if (!v)
            return std::unexpected(config_error(path, "federation.allow_private_addresses must be true or false"));
        c.allow_private_addresses = *v;
    }
    long long backoff = c.delivery_backoff_unit.count();
    if (auto rc = read_integer(root, "federation", "delivery_backoff_unit_ms", backoff, 1, 60000, path); !rc)
        return forward(rc);
    c.delivery_backoff_unit = std::chrono::milliseconds(backoff);
    return c;
}

} // namespace confrere::server
