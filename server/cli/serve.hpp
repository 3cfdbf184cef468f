#pragma once

#include "server/config/config.hpp"

#include <filesystem>

namespace confrere::server::cli {

// Runs the server until SIGINT/SIGTERM. Writes the bound port to `port_file` if not empty.
// Returns the exit code.
int serve(const Config& config, const std::filesystem::path& port_file);

} // namespace confrere::server::cli
