#include "tests/support/instance.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>

namespace confrere::testkit {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto poll_interval = std::chrono::milliseconds(20);
constexpr std::size_t log_tail_bytes = 4000;

// An fd closed on scope exit (RAII for the few descriptors a spawn juggles).
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    void reset(int fd = -1)
    {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

int decode_status(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

// Waits for `pid` until `deadline`, polling; the decoded status, or nullopt if still running.
std::optional<int> wait_until(pid_t pid, Clock::time_point deadline)
{
    for (;;) {
        int status = 0;
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid)
            return decode_status(status);
        if (done < 0 && errno != EINTR)
            return -1;  // not our child any more: nothing to wait for
        if (Clock::now() >= deadline)
            return std::nullopt;
        std::this_thread::sleep_for(poll_interval);
    }
}

// Forks and execs `binary args…` in `cwd` with the given standard descriptors. Everything
// the child does between fork and exec is async-signal-safe (the test process has threads).
pid_t spawn(const std::filesystem::path& binary, const std::vector<std::string>& args,
            const std::filesystem::path& cwd, int stdin_fd, int stdout_fd, int stderr_fd)
{
    std::vector<std::string> owned;
    owned.push_back(binary.string());
    owned.insert(owned.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : owned)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    const std::string directory = cwd.string();
    const pid_t parent = ::getpid();

    const pid_t pid = ::fork();
    if (pid != 0)
        return pid;
    // Child. A server outliving a crashed test run would hold its port and directory.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent)
        ::_exit(126);
    ::dup2(stdin_fd, 0);
    ::dup2(stdout_fd, 1);
    ::dup2(stderr_fd, 2);
    if (::chdir(directory.c_str()) != 0)
        ::_exit(126);
    ::execv(argv[0], argv.data());
    static constexpr char message[] = "testkit: execv failed\n";
    [[maybe_unused]] auto ignored = ::write(2, message, sizeof message - 1);
    ::_exit(127);
}

std::string toml_string(std::string_view s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string read_whole_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

std::string tail(const std::string& text)
{
    if (text.size() <= log_tail_bytes)
        return text;
    return "…" + text.substr(text.size() - log_tail_bytes);
}

bool health_answers(int port)
{
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(0, 200'000);
    client.set_read_timeout(2, 0);
    auto result = client.Get("/health");
    return result && result->status == 200;
}

} // namespace

std::ostream& operator<<(std::ostream& os, const CommandResult& result)
{
    return os << "exit " << result.exit_code << "\n--- stdout:\n"
              << result.out << "\n--- stderr:\n"
              << result.err;
}

Instance::Instance(std::filesystem::path binary, InstanceOptions options)
    : binary_(std::move(binary)), options_(std::move(options))
{
    std::string pattern = (std::filesystem::temp_directory_path() / "confrere-it-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        setup_error_ = std::string("mkdtemp: ") + std::strerror(errno);
        return;
    }
    dir_ = pattern;
    setup_error_ = write_config();
    if (!setup_error_.empty())
        return;
    const auto migrated = run({"migrate", "--config", config_path().string()});
    if (migrated.exit_code != 0) {
        std::ostringstream message;
        message << "confrere migrate failed: " << migrated;
        setup_error_ = message.str();
    }
}

Instance::~Instance()
{
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        wait_until(pid_, Clock::now() + stop_timeout);
        pid_ = -1;
    }
    if (started_once_ && ::testing::Test::HasFailure())
        std::cerr << "--- confrere log tail (" << log_path().string() << "):\n"
                  << tail(log_text()) << "\n---\n";
    if (dir_.empty())
        return;
    if (std::getenv("CONFRERE_KEEP_TEST_DIRS") != nullptr) {
        std::cerr << "testkit: kept " << dir_.string() << "\n";
        return;
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

::testing::AssertionResult Instance::ready() const
{
    if (setup_error_.empty())
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << setup_error_;
}

std::string Instance::write_config() const
{
    std::string professions;
    for (int code : options_.professions)
        professions += (professions.empty() ? "" : ", ") + std::to_string(code);
    std::ostringstream toml;
    toml << "[instance]\n"
         << "base_url = \"\"\n"
         << "name = " << toml_string(options_.name) << "\n"
         << "description = \"Instance de test\"\n"
         << "languages = [\"fr\", \"en\"]\n"
         << "professions = [" << professions << "]\n"
         << "registration = " << toml_string(options_.registration) << "\n"
         << "\n[http]\n"
         << "listen_address = \"127.0.0.1\"\n"
         << "port = " << fixed_port_ << "\n"
         << "io_threads = 2\n"
         << "worker_threads = 2\n"
         << "max_body_bytes = " << options_.max_body_bytes << "\n";
    if (options_.max_upload_bytes > 0)
        toml << "max_upload_bytes = " << options_.max_upload_bytes << "\n";
    toml << "\n[limits]\n"
         << "sign_in_attempts = " << options_.sign_in_attempts << "\n"
         << "registrations = " << options_.registrations << "\n";
    if (options_.status_max_characters > 0)
        toml << "status_max_characters = " << options_.status_max_characters << "\n";
    toml << "\n[storage]\n"
         << "data_dir = \"data\"\n"
         << "\n[log]\n"
         << "level = " << toml_string(options_.log_level) << "\n";
    if (!options_.extra_toml.empty())
        toml << "\n" << options_.extra_toml << "\n";
    std::ofstream out(config_path(), std::ios::binary);
    out << toml.str();
    out.close();
    if (!out)
        return "cannot write " + config_path().string();
    return {};
}

CommandResult Instance::run(const std::vector<std::string>& args) const
{
    CommandResult result;
    int out_pipe[2];
    int err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
        result.err = std::string("pipe2: ") + std::strerror(errno);
        return result;
    }
    Fd out_read(out_pipe[0]);
    Fd out_write(out_pipe[1]);
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        result.err = std::string("pipe2: ") + std::strerror(errno);
        return result;
    }
    Fd err_read(err_pipe[0]);
    Fd err_write(err_pipe[1]);
    Fd null_in(::open("/dev/null", O_RDONLY | O_CLOEXEC));

    const pid_t pid = spawn(binary_, args, dir_.empty() ? std::filesystem::current_path() : dir_,
                            null_in.get(), out_write.get(), err_write.get());
    if (pid < 0) {
        result.err = std::string("fork: ") + std::strerror(errno);
        return result;
    }
    out_write.reset();
    err_write.reset();

    // Drain both pipes together so a chatty child never blocks on a full one.
    const auto deadline = Clock::now() + command_timeout;
    bool timed_out = false;
    while (out_read.get() >= 0 || err_read.get() >= 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - Clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        pollfd fds[2] = {{out_read.get(), POLLIN, 0}, {err_read.get(), POLLIN, 0}};
        const int ready = ::poll(fds, 2, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0)
            break;
        Fd* sources[2] = {&out_read, &err_read};
        std::string* sinks[2] = {&result.out, &result.err};
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            char buffer[8192];
            const auto n = ::read(fds[i].fd, buffer, sizeof buffer);
            if (n > 0)
                sinks[i]->append(buffer, static_cast<std::size_t>(n));
            else if (n == 0 || errno != EINTR)
                sources[i]->reset();
        }
    }
    auto status = timed_out ? std::nullopt : wait_until(pid, Clock::now() + command_timeout);
    if (!status) {
        ::kill(pid, SIGKILL);
        status = wait_until(pid, Clock::now() + stop_timeout);
        result.err += "\n[testkit] killed after the time limit";
        result.exit_code = -1;
        return result;
    }
    result.exit_code = *status;
    return result;
}

CommandResult Instance::admin_command(const std::vector<std::string>& args) const
{
    std::vector<std::string> full{"admin", "--config", config_path().string()};
    full.insert(full.end(), args.begin(), args.end());
    return run(full);
}

std::filesystem::path Instance::write_file(std::string_view name, std::string_view content) const
{
    const auto path = dir_ / std::filesystem::path(std::string(name));
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    return path;
}

::testing::AssertionResult Instance::start()
{
    if (!setup_error_.empty())
        return ::testing::AssertionFailure() << "instance not set up: " << setup_error_;
    if (pid_ > 0)
        return ::testing::AssertionFailure() << "already running (pid " << pid_ << ")";
    const auto port_file = dir_ / "port";
    std::error_code ignored;
    std::filesystem::remove(port_file, ignored);
    if (port_ > 0 && fixed_port_ == 0) {
        // A restart keeps its port: the base URL, hence every actor id, stays the same.
        fixed_port_ = port_;
        if (auto error = write_config(); !error.empty())
            return ::testing::AssertionFailure() << error;
    }
    port_ = 0;

    Fd null_in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    Fd out(::open((dir_ / "serve.stdout.log").c_str(),
                  O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
    Fd err(::open(log_path().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
    if (null_in.get() < 0 || out.get() < 0 || err.get() < 0)
        return ::testing::AssertionFailure() << "cannot open log files: " << std::strerror(errno);
    pid_ = spawn(binary_,
                 {"serve", "--config", config_path().string(), "--port-file", port_file.string()},
                 dir_, null_in.get(), out.get(), err.get());
    if (pid_ < 0)
        return ::testing::AssertionFailure() << "fork: " << std::strerror(errno);
    started_once_ = true;

    const auto deadline = Clock::now() + start_timeout;
    for (;;) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return ::testing::AssertionFailure()
                   << "confrere serve exited with " << decode_status(status)
                   << " before answering; log tail:\n"
                   << tail(log_text());
        }
        // Re-read each time: the file may be caught half-written.
        const auto text = read_whole_file(port_file);
        const int port = std::atoi(text.c_str());
        if (port > 0 && port < 65536 && health_answers(port)) {
            port_ = port;
            return ::testing::AssertionSuccess();
        }
        if (Clock::now() >= deadline)
            break;
        std::this_thread::sleep_for(poll_interval);
    }
    ::kill(pid_, SIGKILL);
    wait_until(pid_, Clock::now() + stop_timeout);
    pid_ = -1;
    return ::testing::AssertionFailure()
           << "confrere serve did not answer GET /health within " << start_timeout.count()
           << " s (port file: \"" << read_whole_file(port_file) << "\"); log tail:\n"
           << tail(log_text());
}

int Instance::stop(int signal)
{
    if (pid_ <= 0)
        return -1;
    ::kill(pid_, signal);
    return wait_for_exit();
}

int Instance::wait_for_exit()
{
    if (pid_ <= 0)
        return -1;
    auto status = wait_until(pid_, Clock::now() + stop_timeout);
    if (!status) {
        ADD_FAILURE() << "confrere serve (pid " << pid_ << ") still running "
                      << stop_timeout.count() << " s after it was asked to stop; "
                      << "killed with SIGKILL";
        ::kill(pid_, SIGKILL);
        status = wait_until(pid_, Clock::now() + stop_timeout);
    }
    pid_ = -1;
    return status.value_or(-1);
}

std::string Instance::host() const
{
    return "127.0.0.1:" + std::to_string(port_);
}

std::string Instance::base_url() const
{
    return "http://" + host();
}

HttpClient Instance::client() const
{
    return HttpClient("127.0.0.1", port_);
}

std::string Instance::log_text() const
{
    return read_whole_file(log_path());
}

} // namespace confrere::testkit
