// A thin RAII layer over the sqlite3 C API: connection, cached prepared statements with typed
// bind/column, and a transaction that rolls back unless committed.
#pragma once

#include "core/base/c_handle.hpp"
#include "core/base/result.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace confrere::storage::sqlite {

using DbPtr = CHandle<sqlite3, &sqlite3_close_v2>;
using StmtPtr = CHandle<sqlite3_stmt, &sqlite3_finalize>;

// Maps an SQLite result code to an Error: BUSY/LOCKED → Unavailable, unique/primary-key
// constraint → Conflict, other constraints → Unprocessable, the rest → Internal.
Error map_error(sqlite3* db, int code, std::string_view context);

class Connection;

// A prepared statement borrowed from a connection's cache; reset and unbound when destroyed.
class Statement {
public:
    Statement(Connection& connection, sqlite3_stmt* stmt) : connection_(&connection), stmt_(stmt) {}
    ~Statement();
    Statement(Statement&& other) noexcept : connection_(other.connection_), stmt_(other.stmt_) { other.stmt_ = nullptr; }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement& operator=(Statement&&) = delete;

    // Binds by 1-based index; returns *this for chaining. Errors surface at step().
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind_blob(int index, std::string_view bytes);
    Statement& bind_null(int index);
    template <class T>
    Statement& bind(int index, const std::optional<T>& value)
    {
        return value ? bind(index, *value) : bind_null(index);
    }

    // true: a row is available; false: done.
    Result<bool> step();
    // Steps to completion, for statements that return no rows.
    Status run();

    std::int64_t int64(int column) const { return sqlite3_column_int64(stmt_, column); }
    bool boolean(int column) const { return int64(column) != 0; }
    std::string text(int column) const;
    bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
    std::optional<std::int64_t> optional_int64(int column) const
    {
        return is_null(column) ? std::nullopt : std::optional(int64(column));
    }

private:
    Status bind_result(int rc);
    Connection* connection_;
    sqlite3_stmt* stmt_;
    int bind_error_ = SQLITE_OK;
};

class Connection {
public:
    // Opens with WAL, foreign keys, synchronous=NORMAL and a busy timeout.
    static Result<std::unique_ptr<Connection>> open(const std::filesystem::path& path);

    // Runs one or more statements without results (DDL, PRAGMA).
    Status exec(std::string_view sql);
    // Borrows a cached prepared statement for `sql` (prepared on first use).
    Result<Statement> prepare(std::string_view sql);

    std::int64_t changes() const { return sqlite3_changes64(db_.get()); }
    // True inside BEGIN IMMEDIATE (or once a deferred transaction has written): the write lock
    // is held, so what is read now cannot change before commit, even from another process.
    bool in_write_transaction() const
    {
        return sqlite3_txn_state(db_.get(), "main") == SQLITE_TXN_WRITE;
    }
    sqlite3* handle() const { return db_.get(); }

private:
    explicit Connection(DbPtr db) : db_(std::move(db)) {}
    DbPtr db_;
    std::unordered_map<std::string, StmtPtr> cache_;
};

// BEGIN (IMMEDIATE for writers) in begin(); ROLLBACK on destruction unless commit() succeeded.
class Transaction {
public:
    enum class Mode { Read, Write };
    static Result<Transaction> begin(Connection& connection, Mode mode);
    ~Transaction();
    Transaction(Transaction&& other) noexcept : connection_(other.connection_), open_(other.open_) { other.open_ = false; }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Transaction& operator=(Transaction&&) = delete;
    Status commit();

private:
    explicit Transaction(Connection& connection) : connection_(&connection), open_(true) {}
    Connection* connection_;
    bool open_;
};

} // namespace confrere::storage::sqlite
