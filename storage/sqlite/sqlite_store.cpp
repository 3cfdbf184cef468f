// The SQLite Store: one writer connection (writes are serialised in-process, as SQLite
// serialises them anyway) and a small pool of reader connections (WAL lets them run alongside).
#include "core/base/log.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/repositories.hpp"
#include "storage/store.hpp"

#include <condition_variable>
#include <mutex>
#include <vector>

namespace confrere::storage {

namespace sqlite {
namespace {

struct Slot {
    std::unique_ptr<Connection> connection;
    std::unique_ptr<SqliteRepositories> repositories;
};

Result<Slot> open_slot(const std::filesystem::path& path)
{
    auto c = Connection::open(path);
    if (!c)
        return forward(c);
    Slot slot;
    slot.connection = std::move(*c);
    slot.repositories = std::make_unique<SqliteRepositories>(*slot.connection);
    return slot;
}

// Deletes one import's rows in batches so no single transaction holds the write lock long.
Status delete_import_rows(Connection& db, Id import_id)
{
    constexpr int kBatch = 50000;
    while (true) {
        auto tx = Transaction::begin(db, Transaction::Mode::Write);
        if (!tx)
            return forward(tx);
        auto stmt = db.prepare(
            "DELETE FROM directory_entries WHERE import_id = ?1 AND national_id IN"
            " (SELECT national_id FROM directory_entries WHERE import_id = ?1 LIMIT ?2)");
        if (!stmt)
            return forward(stmt);
        if (auto rc = stmt->bind(1, import_id).bind(2, kBatch).run(); !rc)
            return rc;
        std::int64_t deleted = db.changes();
        if (auto rc = tx->commit(); !rc)
            return rc;
        if (deleted == 0)
            break;
    }
    auto stmt = db.prepare("DELETE FROM directory_imports WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    return stmt->bind(1, import_id).run();
}

class SqliteImportWriter final : public DirectoryImportWriter {
public:
    SqliteImportWriter(std::unique_ptr<Connection> db, Id import_id)
        : db_(std::move(db)), import_id_(import_id)
    {
    }

    ~SqliteImportWriter() override
    {
        if (committed_)
            return;
        batch_.reset();  // rolls back the open batch
        if (auto rc = delete_import_rows(*db_, import_id_); !rc)
            log::error("directory_import_cleanup_failed", {{"detail", rc.error().detail}});
    }

    Status add(const model::DirectoryEntry& e) override
    {
        if (!batch_) {
            auto tx = Transaction::begin(*db_, Transaction::Mode::Write);
            if (!tx)
                return forward(tx);
            batch_.emplace(std::move(*tx));
        }
        auto stmt = db_->prepare(
            "INSERT OR IGNORE INTO directory_entries (import_id, national_id, profession_code,"
            " bare_id, last_name, first_name, profession_label, category_code)"
            " VALUES (?,?,?,?,?,?,?,?)");
        if (!stmt)
            return forward(stmt);
        if (auto rc = stmt->bind(1, import_id_).bind(2, e.national_id).bind(3, e.profession_code)
                          .bind(4, e.bare_id).bind(5, e.last_name).bind(6, e.first_name)
                          .bind(7, e.profession_label).bind(8, e.category_code).run();
            !rc)
            return rc;
        entries_ += db_->changes();
        if (++in_batch_ >= kBatchRows) {
            in_batch_ = 0;
            auto rc = batch_->commit();
            batch_.reset();
            if (!rc)
                return rc;
        }
        return ok();
    }

    Result<model::DirectoryImport> commit(std::int64_t rows_read, TimePoint at) override
    {
        if (batch_) {
            auto rc = batch_->commit();
            batch_.reset();
            if (!rc)
                return forward(rc);
        }
        std::vector<Id> previous;
        std::int64_t flagged = 0;
        {
            auto tx = Transaction::begin(*db_, Transaction::Mode::Write);
            if (!tx)
                return forward(tx);
            auto old = db_->prepare("SELECT id FROM directory_imports WHERE state = 'current'");
            if (!old)
                return forward(old);
            while (true) {
                auto row = old->step();
                if (!row)
                    return forward(row);
                if (!*row)
                    break;
                previous.push_back(old->int64(0));
            }
            if (auto rc = db_->exec("UPDATE directory_imports SET state = 'replaced' WHERE state = 'current'"); !rc)
                return forward(rc);
            // Members missing from the new extract are flagged for review, never removed.
            auto flag = db_->prepare(
                "UPDATE accounts SET directory_flagged = NOT EXISTS (SELECT 1 FROM directory_entries e"
                " WHERE e.import_id = ?1 AND e.national_id = p.national_id)"
                " FROM professional_identities p WHERE p.account_id = accounts.id"
                " AND p.national_id IS NOT NULL AND accounts.state = 'active'");
            if (!flag)
                return forward(flag);
            if (auto rc = flag->bind(1, import_id_).run(); !rc)
                return forward(rc);
            auto count = db_->prepare("SELECT count(*) FROM accounts WHERE directory_flagged = 1"
                                      " AND state = 'active'");
            if (!count)
                return forward(count);
            if (auto row = count->step(); !row)
                return forward(row);
            flagged = count->int64(0);
            auto current = db_->prepare(
                "UPDATE directory_imports SET state = 'current', finished_at = ?, rows = ?,"
                " entries = ?, flagged_members = ? WHERE id = ?");
            if (!current)
                return forward(current);
            if (auto rc = current->bind(1, to_unix_ms(at)).bind(2, rows_read).bind(3, entries_)
                              .bind(4, flagged).bind(5, import_id_).run();
                !rc)
                return forward(rc);
            if (auto rc = tx->commit(); !rc)
                return forward(rc);
        }
        committed_ = true;
        for (Id old_id : previous)
            if (auto rc = delete_import_rows(*db_, old_id); !rc)
                log::warn("directory_import_old_rows_kept", {{"detail", rc.error().detail}});
        return model::DirectoryImport{import_id_, at, source_, rows_read, entries_, flagged};
    }

    std::string source_;

private:
    static constexpr int kBatchRows = 50000;
    std::unique_ptr<Connection> db_;
    Id import_id_;
    std::optional<Transaction> batch_;
    int in_batch_ = 0;
    std::int64_t entries_ = 0;
    bool committed_ = false;
};

class SqliteStore final : public Store {
public:
    SqliteStore(std::filesystem::path path, Slot writer, std::vector<Slot> readers)
        : path_(std::move(path)), writer_(std::move(writer)), readers_(std::move(readers))
    {
        for (std::size_t i = 0; i < readers_.size(); ++i)
            free_.push_back(i);
    }

    Status read(const std::function<Status(Repositories&)>& work) override
    {
        std::size_t index = checkout();
        Slot& slot = readers_[index];
        Status result = [&]() -> Status {
            auto tx = Transaction::begin(*slot.connection, Transaction::Mode::Read);
            if (!tx)
                return forward(tx);
            return work(*slot.repositories);  // the transaction only gives a snapshot
        }();
        checkin(index);
        return result;
    }

    Status write(const std::function<Status(Repositories&)>& work) override
    {
        std::lock_guard lock(writer_mutex_);
        auto tx = Transaction::begin(*writer_.connection, Transaction::Mode::Write);
        if (!tx)
            return forward(tx);
        if (auto rc = work(*writer_.repositories); !rc)
            return rc;  // ~Transaction rolls back
        return tx->commit();
    }

    Result<std::unique_ptr<DirectoryImportWriter>> begin_directory_import(std::string_view source,
                                                                          TimePoint at) override
    {
        auto db = Connection::open(path_);
        if (!db)
            return forward(db);
        // A bigger page cache for the bulk insert (bounded: 256 MiB).
        if (auto rc = (*db)->exec("PRAGMA cache_size = -262144"); !rc)
            return forward(rc);
        if (auto rc = clean_abandoned_imports(**db, at); !rc)
            return forward(rc);
        auto stmt = (*db)->prepare("INSERT INTO directory_imports (source_name, state, started_at)"
                                   " VALUES (?, 'loading', ?) RETURNING id");
        if (!stmt)
            return forward(stmt);
        stmt->bind(1, source).bind(2, to_unix_ms(at));
        auto row = stmt->step();
        if (!row)
            return forward(row);
        Id id = stmt->int64(0);
        auto writer = std::make_unique<SqliteImportWriter>(std::move(*db), id);
        writer->source_ = std::string(source);
        return std::unique_ptr<DirectoryImportWriter>(std::move(writer));
    }

    Status ping() override
    {
        return read([](Repositories& r) -> Status {
            auto n = r.accounts().count(std::nullopt);
            return n ? ok() : forward(n);
        });
    }

private:
    // An import left 'loading' by a crashed process is removed; a recent one is another
    // import still running.
    static Status clean_abandoned_imports(Connection& db, TimePoint at)
    {
        auto stmt = db.prepare("SELECT id, started_at FROM directory_imports WHERE state = 'loading'");
        if (!stmt)
            return forward(stmt);
        std::vector<Id> stale;
        while (true) {
            auto row = stmt->step();
            if (!row)
                return forward(row);
            if (!*row)
                break;
            if (to_unix_ms(at) - stmt->int64(1) < 60 * 60 * 1000)
                return fail(ErrorKind::Conflict, "Another directory import is running.");
            stale.push_back(stmt->int64(0));
        }
        for (Id id : stale)
            if (auto rc = delete_import_rows(db, id); !rc)
                return rc;
        return ok();
    }

    std::size_t checkout()
    {
        std::unique_lock lock(pool_mutex_);
        pool_cv_.wait(lock, [this] { return !free_.empty(); });
        std::size_t index = free_.back();
        free_.pop_back();
        return index;
    }

    void checkin(std::size_t index)
    {
        {
            std::lock_guard lock(pool_mutex_);
            free_.push_back(index);
        }
        pool_cv_.notify_one();
    }

    std::filesystem::path path_;
    std::mutex writer_mutex_;
    Slot writer_;
    std::vector<Slot> readers_;
    std::mutex pool_mutex_;
    std::condition_variable pool_cv_;
    std::vector<std::size_t> free_;
};

} // namespace
} // namespace sqlite

int latest_schema_version()
{
    return sqlite::latest_version();
}

Result<std::unique_ptr<Store>> open_sqlite_store(const SqliteOptions& options)
{
    auto writer = sqlite::open_slot(options.path);
    if (!writer)
        return forward(writer);
    if (options.migrate) {
        if (auto rc = sqlite::migrate(*writer->connection); !rc)
            return forward(rc);
    } else {
        auto version = sqlite::schema_version(*writer->connection);
        if (!version)
            return forward(version);
        if (*version != sqlite::latest_version())
            return fail(ErrorKind::Unavailable,
                        "The database schema is not up to date; run `confrere migrate`.",
                        "schema " + std::to_string(*version));
    }
    std::vector<sqlite::Slot> readers;
    for (int i = 0; i < std::max(1, options.read_connections); ++i) {
        auto slot = sqlite::open_slot(options.path);
        if (!slot)
            return forward(slot);
        readers.push_back(std::move(*slot));
    }
    return std::unique_ptr<Store>(
        new sqlite::SqliteStore(options.path, std::move(*writer), std::move(readers)));
}

} // namespace confrere::storage
