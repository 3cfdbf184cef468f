#include "storage/sqlite/database.hpp"

#include "core/base/text.hpp"

#include <string>

namespace confrere::storage::sqlite {

Error map_error(sqlite3* db, int code, std::string_view context)
{
    std::string detail(context);
    detail += ": ";
    detail += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return Error{ErrorKind::Unavailable, "The server is busy, please retry.", detail, {}};
    case SQLITE_CONSTRAINT:
        if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
            return Error{ErrorKind::Conflict, "Already exists.", detail, {}};
        return Error{ErrorKind::Unprocessable, "Invalid data.", detail, {}};
    case SQLITE_FULL:
        return Error{ErrorKind::Unavailable, "The server is out of storage space.", detail, {}};
    default:
        return Error{ErrorKind::Internal, "Internal storage error.", detail, {}};
    }
}

Statement::~Statement()
{
    if (stmt_ != nullptr) {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
}

Statement& Statement::bind(int index, std::int64_t value)
{
    if (bind_error_ == SQLITE_OK)
        bind_error_ = sqlite3_bind_int64(stmt_, index, value);
    return *this;
}

Statement& Statement::bind(int index, std::string_view text)
{
    if (bind_error_ == SQLITE_OK)
        bind_error_ = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT,
                                          SQLITE_UTF8);
    return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes)
{
    if (bind_error_ == SQLITE_OK)
        bind_error_ = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bind_null(int index)
{
    if (bind_error_ == SQLITE_OK)
        bind_error_ = sqlite3_bind_null(stmt_, index);
    return *this;
}

Result<bool> Statement::step()
{
    if (bind_error_ != SQLITE_OK)
        return std::unexpected(map_error(connection_->handle(), bind_error_, "bind"));
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    // sqlite3_step's code may be generic; the extended code says which constraint failed.
    return std::unexpected(map_error(connection_->handle(),
                                     sqlite3_extended_errcode(connection_->handle()),
                                     sqlite3_sql(stmt_)));
}

Status Statement::run()
{
    while (true) {
        auto more = step();
        if (!more)
            return forward(more);
        if (!*more)
            return ok();
    }
}

std::string Statement::text(int column) const
{
    const unsigned char* p = sqlite3_column_text(stmt_, column);
    int n = sqlite3_column_bytes(stmt_, column);
    return p != nullptr ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n))
                        : std::string();
}

namespace {

// confrere_fold(text): text::fold_for_match in SQL (lower case, accents removed, punctuation
// runs as one space), so that name searches fold accents the way the directory pre-check does.
// NULL for NULL or text that is not UTF-8.
void sql_fold(sqlite3_context* context, int, sqlite3_value** args)
{
    const unsigned char* raw = sqlite3_value_text(args[0]);
    if (raw == nullptr) {
        sqlite3_result_null(context);
        return;
    }
    std::string_view value(reinterpret_cast<const char*>(raw), static_cast<std::size_t>(sqlite3_value_bytes(args[0])));
    if (!text::is_valid_utf8(value)) {
        sqlite3_result_null(context);
        return;
    }
    std::string folded = text::fold_for_match(value);
    sqlite3_result_text(context, folded.data(), static_cast<int>(folded.size()), SQLITE_TRANSIENT);
}

int register_functions(sqlite3* db)
{
    return sqlite3_create_function_v2(db, "confrere_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
        nullptr, sql_fold, nullptr, nullptr, nullptr);
}

} // namespace

Result<std::unique_ptr<Connection>> Connection::open(const std::filesystem::path& path)
{
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    DbPtr db(raw);
    if (rc != SQLITE_OK)
        return std::unexpected(map_error(db.get(), rc, "open " + path.string()));
    sqlite3_extended_result_codes(db.get(), 1);
    // Waits for another process's writer (an admin command while serving) before BUSY.
    sqlite3_busy_timeout(db.get(), 5000);
    if (rc = register_functions(db.get()); rc != SQLITE_OK)
        return std::unexpected(map_error(db.get(), rc, "register functions"));
    std::unique_ptr<Connection> connection(new Connection(std::move(db)));
    // WAL: readers never block the writer; NORMAL: a committed transaction survives a process
    // crash (a power loss may lose the last ones, SQLite's documented trade-off).
    auto pragmas = connection->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                                    "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;");
    if (!pragmas)
        return std::unexpected(pragmas.error());
    return connection;
}

Status Connection::exec(std::string_view sql)
{
    std::string copy(sql);
    char* message = nullptr;
    int rc = sqlite3_exec(db_.get(), copy.c_str(), nullptr, nullptr, &message);
    if (message != nullptr)
        sqlite3_free(message);
    if (rc != SQLITE_OK)
        return std::unexpected(map_error(db_.get(), sqlite3_extended_errcode(db_.get()), copy));
    return ok();
}

Result<Statement> Connection::prepare(std::string_view sql)
{
    std::string key(sql);
    auto it = cache_.find(key);
    if (it == cache_.end()) {
        sqlite3_stmt* raw = nullptr;
        int rc = sqlite3_prepare_v3(db_.get(), key.c_str(), static_cast<int>(key.size()),
                                    SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
        if (rc != SQLITE_OK)
            return std::unexpected(map_error(db_.get(), rc, key));
        it = cache_.emplace(std::move(key), StmtPtr(raw)).first;
    }
    return Statement(*this, it->second.get());
}

// BEGIN, COMMIT and ROLLBACK run once per request: prepared once per connection rather than
// parsed by sqlite3_exec every time.
static Status run_cached(Connection& connection, std::string_view sql)
{
    auto stmt = connection.prepare(sql);
    if (!stmt)
        return forward(stmt);
    return stmt->run();
}

Result<Transaction> Transaction::begin(Connection& connection, Mode mode)
{
    auto rc = run_cached(connection, mode == Mode::Write ? "BEGIN IMMEDIATE" : "BEGIN");
    if (!rc)
        return std::unexpected(rc.error());
    return Transaction(connection);
}

Transaction::~Transaction()
{
    if (open_)
        (void)run_cached(*connection_, "ROLLBACK");
}

Status Transaction::commit()
{
    auto rc = run_cached(*connection_, "COMMIT");
    if (rc)
        open_ = false;
    return rc;
}

} // namespace confrere::storage::sqlite
