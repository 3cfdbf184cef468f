// A real SQLite store on a temporary file, for unit tests of storage and services.
// No mocks: tests run against the same migrations and SQL as the server.
#pragma once

#include "core/base/result.hpp"
#include "storage/store.hpp"

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confrere {
// Lets GoogleTest print error kinds by name in failed EXPECT_EQs (found by ADL).
void PrintTo(ErrorKind kind, std::ostream* out);
} // namespace confrere

namespace confrere::testkit {

// "Conflict", "NotFound"…
std::string_view error_kind_name(ErrorKind kind);

// A fresh directory under the system temp dir, removed with everything in it on destruction.
// Movable, so it can travel with the store that lives in it.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(TempDir&& other) noexcept;
    TempDir& operator=(TempDir&& other) noexcept;
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    // `path() / name`; creates nothing.
    std::filesystem::path file(std::string_view name) const { return path_ / name; }

private:
    void remove();
    std::filesystem::path path_;
};

// A migrated SQLite store in its own temp dir. The store is declared last so it closes its
// connections before the directory is removed.
struct TestStore {
    TempDir dir;
    std::filesystem::path database_path;
    std::unique_ptr<storage::Store> store;
};

// Opens storage::open_sqlite_store on `<tempdir>/confrere.sqlite3` with migrations applied.
// Errors are those of open_sqlite_store.
Result<TestStore> open_test_store();

// "Conflict (field=username): public message [detail]" for failure messages; "ok" on success.
std::string describe(const Error& error);
template <class T>
std::string describe(const Result<T>& r)
{
    return r ? std::string("ok") : describe(r.error());
}

// Runs one SQL query returning a single integer straight on the database file through the
// sqlite3 C API (bypassing the Store, to see what is really on disk). -1 if the query fails.
std::int64_t query_int(const std::filesystem::path& database, std::string_view sql);
// Runs statements without results straight on the file (to forge a state the code cannot make).
bool exec_sql(const std::filesystem::path& database, std::string_view sql);
// Same as query_int, for a single text value ("" if the query fails or returns no row).
std::string query_text(const std::filesystem::path& database, std::string_view sql);
// Every row of a query, each column as text (NULL as ""), with `parameters` bound as text to
// ?1, ?2…, on a read-only connection: what a live server wrote, read without any chance of
// changing it. nullopt if the file cannot be opened or the query fails.
std::optional<std::vector<std::vector<std::string>>> query_rows(const std::filesystem::path& database,
    std::string_view sql, const std::vector<std::string>& parameters = {});

} // namespace confrere::testkit
