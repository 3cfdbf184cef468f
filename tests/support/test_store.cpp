#include "tests/support/test_store.hpp"

#include "core/base/c_handle.hpp"
#include "core/crypto/secrets.hpp"

#include <sqlite3.h>
#include <stdlib.h>

#include <optional>
#include <ostream>
#include <system_error>

namespace confrere::testkit {

std::string_view error_kind_name(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::InvalidInput: return "InvalidInput";
    case ErrorKind::Unprocessable: return "Unprocessable";
    case ErrorKind::Unauthorized: return "Unauthorized";
    case ErrorKind::Forbidden: return "Forbidden";
    case ErrorKind::NotFound: return "NotFound";
    case ErrorKind::MethodNotAllowed: return "MethodNotAllowed";
    case ErrorKind::Conflict: return "Conflict";
    case ErrorKind::Gone: return "Gone";
    case ErrorKind::PayloadTooLarge: return "PayloadTooLarge";
    case ErrorKind::TooManyRequests: return "TooManyRequests";
    case ErrorKind::Unavailable: return "Unavailable";
    case ErrorKind::PeerFailed: return "PeerFailed";
    case ErrorKind::Internal: return "Internal";
    }
    return "ErrorKind(?)";
}

} // namespace confrere::testkit

namespace confrere {

void PrintTo(ErrorKind kind, std::ostream* out)
{
    *out << testkit::error_kind_name(kind);
}

} // namespace confrere

namespace confrere::testkit {

namespace fs = std::filesystem;

TempDir::TempDir()
{
    std::string pattern = (fs::temp_directory_path() / "confrere-unit-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr)
        path_ = pattern;
}

TempDir::~TempDir()
{
    remove();
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::move(other.path_))
{
    other.path_.clear();
}

TempDir& TempDir::operator=(TempDir&& other) noexcept
{
    if (this != &other) {
        remove();
        path_ = std::move(other.path_);
        other.path_.clear();
    }
    return *this;
}

void TempDir::remove()
{
    if (path_.empty())
        return;
    std::error_code ec;
    fs::remove_all(path_, ec);
    path_.clear();
}

Result<TestStore> open_test_store()
{
    if (auto rc = crypto::init_crypto(); !rc)
        return forward(rc);
    TestStore t;
    if (t.dir.path().empty())
        return fail(ErrorKind::Internal, "cannot create a temporary directory");
    t.database_path = t.dir.file("confrere.sqlite3");
    storage::SqliteOptions options;
    options.path = t.database_path;
    options.read_connections = 2;
    auto store = storage::open_sqlite_store(options);
    if (!store)
        return forward(store);
    t.store = std::move(*store);
    return t;
}

std::string describe(const Error& error)
{
    std::string out(error_kind_name(error.kind));
    if (!error.field.empty())
        out += " (field=" + error.field + ")";
    out += ": " + error.public_message;
    if (!error.detail.empty())
        out += " [" + error.detail + "]";
    return out;
}

namespace {
using Db = CHandle<sqlite3, &sqlite3_close_v2>;
using Stmt = CHandle<sqlite3_stmt, &sqlite3_finalize>;

// Opens the file without creating it (read-write unless `flags` says otherwise) and prepares
// `sql`; null on failure.
std::pair<Db, Stmt> prepare(const fs::path& database, std::string_view sql, int flags = SQLITE_OPEN_READWRITE)
{
    sqlite3* raw_db = nullptr;
    int rc = sqlite3_open_v2(database.c_str(), &raw_db, flags, nullptr);
    Db db(raw_db);
    if (rc != SQLITE_OK)
        return {std::move(db), nullptr};
    sqlite3_busy_timeout(db.get(), 5000);
    sqlite3_stmt* raw_stmt = nullptr;
    rc = sqlite3_prepare_v2(db.get(), sql.data(), static_cast<int>(sql.size()), &raw_stmt, nullptr);
    Stmt stmt(raw_stmt);
    if (rc != SQLITE_OK)
        return {std::move(db), nullptr};
    return {std::move(db), std::move(stmt)};
}
} // namespace

std::int64_t query_int(const fs::path& database, std::string_view sql)
{
    auto [db, stmt] = prepare(database, sql);
    if (!stmt || sqlite3_step(stmt.get()) != SQLITE_ROW)
        return -1;
    return sqlite3_column_int64(stmt.get(), 0);
}

bool exec_sql(const fs::path& database, std::string_view sql)
{
    sqlite3* raw_db = nullptr;
    int rc = sqlite3_open_v2(database.c_str(), &raw_db, SQLITE_OPEN_READWRITE, nullptr);
    Db db(raw_db);
    if (rc != SQLITE_OK)
        return false;
    sqlite3_busy_timeout(db.get(), 5000);
    std::string copy(sql);
    return sqlite3_exec(db.get(), copy.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
}

std::string query_text(const fs::path& database, std::string_view sql)
{
    auto [db, stmt] = prepare(database, sql);
    if (!stmt || sqlite3_step(stmt.get()) != SQLITE_ROW)
        return {};
    const unsigned char* p = sqlite3_column_text(stmt.get(), 0);
    return p != nullptr ? std::string(reinterpret_cast<const char*>(p)) : std::string();
}

std::optional<std::vector<std::vector<std::string>>> query_rows(
    const fs::path& database, std::string_view sql, const std::vector<std::string>& parameters)
{
    auto [db, stmt] = prepare(database, sql, SQLITE_OPEN_READONLY);
    if (!stmt)
        return std::nullopt;
    for (std::size_t i = 0; i < parameters.size(); ++i)
        if (sqlite3_bind_text(stmt.get(), static_cast<int>(i + 1), parameters[i].data(),
                              static_cast<int>(parameters[i].size()), SQLITE_TRANSIENT)
            != SQLITE_OK)
            return std::nullopt;
    std::vector<std::vector<std::string>> rows;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
        auto& row = rows.emplace_back();
        for (int c = 0; c < sqlite3_column_count(stmt.get()); ++c) {
            const unsigned char* p = sqlite3_column_text(stmt.get(), c);
            row.emplace_back(p != nullptr ? reinterpret_cast<const char*>(p) : "");
        }
    }
    if (rc != SQLITE_DONE)
        return std::nullopt;
    return rows;
}

} // namespace confrere::testkit
