// A real `confrere` process for integration tests: a fresh temporary directory with its own
// config file and SQLite database, the admin CLI, and `serve` on a loopback port chosen by the
// kernel (port 0). Nothing is shared between two Instances, so tests never depend on each other.
#pragma once

#include "tests/support/http_client.hpp"

#include <gtest/gtest.h>

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace confrere::testkit {

struct InstanceOptions {
    std::string name = "Confrère Test";
    std::vector<int> professions{21};    // TRE_G15 codes admitted (21 pharmacist)
    std::string registration = "approval";
    std::int64_t max_body_bytes = 65536;
    std::int64_t max_upload_bytes = 0;   // [http] max_upload_bytes when > 0 (upload routes)
    std::string log_level = "info";
    // [limits]: generous by default, since every test signs in and registers from 127.0.0.1.
    int sign_in_attempts = 10000;
    int registrations = 10000;
    int status_max_characters = 0;       // [limits] status_max_characters when > 0
    std::string extra_toml;              // appended verbatim: whole new [tables] only
};

struct CommandResult {
    int exit_code = -1;  // the exit code; 128 + signal if killed; -1 if it could not run
    std::string out;     // standard output
    std::string err;     // standard error
};

// "exit 2, stdout: …, stderr: …" — for assertion messages.
std::ostream& operator<<(std::ostream& os, const CommandResult& result);

// How long the server may take to answer /health after `start()`, and to exit after `stop()`.
inline constexpr std::chrono::seconds start_timeout{10};
inline constexpr std::chrono::seconds stop_timeout{10};
// How long one CLI command may run before it is killed.
inline constexpr std::chrono::seconds command_timeout{60};

class Instance {
public:
    // Creates the directory, writes confrere.toml and runs `confrere migrate`. Failures are
    // kept for ready() rather than thrown: assert on ready() first.
    explicit Instance(std::filesystem::path binary, InstanceOptions options = {});
    // Kills a still-running server, prints its log tail if the test failed, removes the
    // directory (kept when the environment sets CONFRERE_KEEP_TEST_DIRS).
    ~Instance();
    Instance(const Instance&) = delete;
    Instance& operator=(const Instance&) = delete;

    // Success once the constructor's set-up worked, else why not.
    ::testing::AssertionResult ready() const;

    const std::filesystem::path& dir() const { return dir_; }
    std::filesystem::path config_path() const { return dir_ / "confrere.toml"; }
    std::filesystem::path db_path() const { return dir_ / "data" / "confrere.sqlite3"; }
    std::filesystem::path log_path() const { return dir_ / "serve.stderr.log"; }

    // Runs `confrere <args…>` in the instance directory, bounded by command_timeout.
    CommandResult run(const std::vector<std::string>& args) const;
    // Runs `confrere admin --config <path> <args…>`.
    CommandResult admin_command(const std::vector<std::string>& args) const;
    template <typename... Args>
    CommandResult admin(Args&&... args) const
    {
        return admin_command(std::vector<std::string>{std::string(std::forward<Args>(args))...});
    }

    // Writes a file in the instance directory and returns its absolute path.
    std::filesystem::path write_file(std::string_view name, std::string_view content) const;

    // Launches `confrere serve` (a restart listens on the port of the first start, so the base
    // URL does not change), then waits (bounded by start_timeout, polling every 20 ms)
    // for the port file and a 200 from GET /health. On failure the message has the log tail.
    ::testing::AssertionResult start();
    bool running() const { return pid_ > 0; }
    pid_t pid() const { return pid_; }

    // Sends `signal` and waits up to stop_timeout for the exit; past it, SIGKILL and a test
    // failure. Returns the exit code (128 + signal if killed by one), -1 if not running.
    int stop(int signal = SIGTERM);
    // Waits for an exit the test caused itself (a signal sent with kill(pid(), …)), with the
    // same bound, fallback and result as stop().
    int wait_for_exit();

    int port() const { return port_; }
    std::string host() const;      // "127.0.0.1:PORT"
    std::string base_url() const;  // "http://127.0.0.1:PORT"
    // A new client for this server (an empty cookie jar: an anonymous visitor).
    HttpClient client() const;

    // Everything the server wrote to stderr so far.
    std::string log_text() const;

private:
    std::string write_config() const;

    std::filesystem::path binary_;
    InstanceOptions options_;
    std::filesystem::path dir_;
    std::string setup_error_;
    pid_t pid_ = -1;
    int port_ = 0;
    int fixed_port_ = 0;  // written to the config: 0 (the kernel picks) until a restart
    bool started_once_ = false;
};

} // namespace confrere::testkit
