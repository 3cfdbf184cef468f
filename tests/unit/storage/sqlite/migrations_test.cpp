// Opening a database: migrations, refusal of newer schemas, connection settings.
#include "storage/sqlite/migrations.hpp"

#include "storage/sqlite/database.hpp"
#include "storage/store.hpp"
#include "tests/support/test_store.hpp"

#include <gtest/gtest.h>

#include <string>

namespace confrere::storage {
namespace {

using testkit::describe;
using testkit::query_int;
using testkit::query_text;

Result<std::unique_ptr<Store>> reopen(const std::filesystem::path& path, bool migrate = true)
{
    SqliteOptions options;
    options.path = path;
    options.read_connections = 1;
    options.migrate = migrate;
    return open_sqlite_store(options);
}

// Whether `table` exists and was created STRICT.
bool is_strict_table(const std::filesystem::path& database, std::string_view table)
{
    return query_int(database,
               "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '" + std::string(table)
                   + "' AND sql LIKE '%STRICT%'")
        == 1;
}

TEST(Migrations, NewFileReachesTheLatestSchemaVersion)
{
    auto db = testkit::open_test_store();
    ASSERT_TRUE(db) << describe(db);
    EXPECT_GE(latest_schema_version(), 1);
    EXPECT_EQ(query_int(db->database_path, "SELECT max(version) FROM schema_migrations"),
              latest_schema_version());
    EXPECT_EQ(query_int(db->database_path, "SELECT count(*) FROM sqlite_schema"
                                           " WHERE type = 'table' AND name = 'accounts'"),
              1);
}

TEST(Migrations, ReopeningAMigratedFileAppliesNothingTwiceAndKeepsData)
{
    auto db = testkit::open_test_store();
    ASSERT_TRUE(db) << describe(db);
    auto put = db->store->write([](Repositories& r) { return r.settings().put("probe", "kept"); });
    ASSERT_TRUE(put) << describe(put);
    db->store.reset();
    // Versions need not be contiguous (numbers are handed out to branches in advance): what
    // was applied once stays as it was.
    const char* applied = "SELECT group_concat(version || '@' || applied_at, ',') FROM schema_migrations";
    const std::string before = query_text(db->database_path, applied);

    for (int round = 0; round < 2; ++round) {
        auto again = reopen(db->database_path);
        ASSERT_TRUE(again) << describe(again);
    }
    EXPECT_EQ(query_text(db->database_path, applied), before);
    EXPECT_EQ(query_int(db->database_path, "SELECT max(version) FROM schema_migrations"), latest_schema_version());
    EXPECT_EQ(query_text(db->database_path, "SELECT value FROM settings WHERE key = 'probe'"), "kept");
}

TEST(Migrations, DatabaseWrittenByANewerVersionIsRefusedWithConflict)
{
    auto db = testkit::open_test_store();
    ASSERT_TRUE(db) << describe(db);
    db->store.reset();
    const int newer = latest_schema_version() + 1;
    ASSERT_TRUE(testkit::exec_sql(db->database_path,
                                  "INSERT INTO schema_migrations (version, name, applied_at) VALUES (" +
                                      std::to_string(newer) + ", 'from the future', 0)"));

    auto refused = reopen(db->database_path);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Conflict);
    EXPECT_FALSE(refused.error().public_message.empty());
    // Refused means untouched.
    EXPECT_EQ(query_int(db->database_path, "SELECT max(version) FROM schema_migrations"), newer);
}

TEST(Migrations, OpeningWithoutMigratingAnUnmigratedFileIsRefused)
{
    testkit::TempDir dir;
    auto refused = reopen(dir.file("fresh.sqlite3"), false);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Unavailable);
}

TEST(Migrations, OpeningWithoutMigratingAnUpToDateFileSucceeds)
{
    auto db = testkit::open_test_store();
    ASSERT_TRUE(db) << describe(db);
    auto again = reopen(db->database_path, false);
    EXPECT_TRUE(again) << describe(again);
}

TEST(Migrations, SchemaVersionOfANewFileIsZero)
{
    testkit::TempDir dir;
    auto connection = sqlite::Connection::open(dir.file("empty.sqlite3"));
    ASSERT_TRUE(connection) << describe(connection);
    auto version = sqlite::schema_version(**connection);
    ASSERT_TRUE(version) << describe(version);
    EXPECT_EQ(*version, 0);
    ASSERT_TRUE(sqlite::migrate(**connection));
    version = sqlite::schema_version(**connection);
    ASSERT_TRUE(version) << describe(version);
    EXPECT_EQ(*version, sqlite::latest_version());
}

TEST(Migrations, TheFileIsInWalMode)
{
    auto db = testkit::open_test_store();
    ASSERT_TRUE(db) << describe(db);
    // journal_mode=WAL is persistent: a fresh connection that sets nothing still sees it.
    EXPECT_EQ(query_text(db->database_path, "PRAGMA journal_mode"), "wal");
}

TEST(Migrations, ConnectionsHaveForeignKeysOn)
{
    testkit::TempDir dir;
    auto connection = sqlite::Connection::open(dir.file("fk.sqlite3"));
    ASSERT_TRUE(connection) << describe(connection);
    auto stmt = (*connection)->prepare("PRAGMA foreign_keys");
    ASSERT_TRUE(stmt) << describe(stmt);
    auto row = stmt->step();
    ASSERT_TRUE(row && *row);
    EXPECT_EQ(stmt->int64(0), 1);
}

TEST(Migrations, StoreRefusesARowThatPointsAtNoAccount)
{
    auto db = testkit::open_test_store();
    ASSERT_TRUE(db) << describe(db);
    model::Session orphan{1, 424242, "hash", "csrf", from_unix_ms(0), from_unix_ms(1)};
    auto written = db->store->write([&](Repositories& r) { return r.sessions().insert(orphan); });
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().kind, ErrorKind::Unprocessable) << describe(written);
    EXPECT_EQ(query_int(db->database_path, "SELECT count(*) FROM sessions"), 0);
}

TEST(Migrations, TheFederationTablesArriveWithVersionThree)
{
    auto db = testkit::open_test_store();
    ASSERT_TRUE(db) << describe(db);
    EXPECT_GE(latest_schema_version(), 3);
    for (const char* table : { "remote_actors", "follows", "statuses", "mentions", "interactions",
             "inbox_ledger", "outbound_activities", "deliveries", "peer_health" })
        EXPECT_EQ(query_int(db->database_path,
                      std::string("SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
                                  " AND name = '")
                          + table + "' AND sql LIKE '%STRICT%'"),
            1)
            << table;
}

TEST(Migrations, AVersionTwoDatabaseMigratesToThreeKeepingItsRows)
{
    auto db = testkit::open_test_store();
    ASSERT_TRUE(db) << describe(db);
    auto put = db->store->write([](Repositories& r) { return r.settings().put("probe", "kept"); });
    ASSERT_TRUE(put) << describe(put);
    db->store.reset();
    // Back to what version 2 left on disk.
    ASSERT_TRUE(testkit::exec_sql(db->database_path,
        "DROP TABLE report_statuses; DROP TABLE reports; DELETE FROM schema_migrations WHERE version = 13;"
        " DROP INDEX interactions_announces_account; DROP INDEX interactions_announces_remote;"
        " DELETE FROM schema_migrations WHERE version = 12;"
        " ALTER TABLE accounts DROP COLUMN specialties; DELETE FROM schema_migrations WHERE version = 11;"
        " DROP TABLE thread_moves; DELETE FROM schema_migrations WHERE version = 10;"
        " DROP TABLE group_members; DROP TABLE group_tags; DROP TABLE groups;"
        " DELETE FROM schema_migrations WHERE version = 9;"
        " DROP INDEX statuses_recent; DELETE FROM schema_migrations WHERE version = 8;"
        " DROP TABLE status_texts; DROP TABLE status_tags; DROP TABLE tags; DROP TABLE filter_keywords;"
        " DROP TABLE filters; DELETE FROM schema_migrations WHERE version = 7;"
        " DROP TABLE markers; DROP TABLE notifications; DELETE FROM schema_migrations WHERE version = 5;"
        " DROP TABLE bookmarks; DROP TABLE idempotency_keys; DELETE FROM schema_migrations WHERE version = 6;"
        " DROP TABLE oauth_tokens; DROP TABLE oauth_authorization_codes; DROP TABLE oauth_applications;"
        " DELETE FROM schema_migrations WHERE version = 4;"
        " DROP TABLE deliveries; DROP TABLE outbound_activities; DROP TABLE peer_health;"
        " DROP TABLE inbox_ledger; DROP TABLE interactions; DROP TABLE mentions;"
        " DROP TABLE statuses; DROP TABLE follows; DROP TABLE remote_actors;"
        " DELETE FROM schema_migrations WHERE version = 3;"));
    ASSERT_EQ(query_int(db->database_path, "SELECT max(version) FROM schema_migrations"), 2);

    auto again = reopen(db->database_path);
    ASSERT_TRUE(again) << describe(again);
    EXPECT_EQ(query_int(db->database_path, "SELECT max(version) FROM schema_migrations"),
        latest_schema_version());
    EXPECT_EQ(query_text(db->database_path, "SELECT value FROM settings WHERE key = 'probe'"), "kept");
    EXPECT_EQ(query_int(db->database_path, "SELECT count(*) FROM deliveries"), 0);
}

TEST(Migrations, TheOAuthTablesArriveWithVersionFourAndKeepNoSecretInClear)
{
    auto db = testkit::open_test_store();
    ASSERT_TRUE(db) << describe(db);
    EXPECT_GE(latest_schema_version(), 4);
    for (const char* table : { "oauth_applications", "oauth_authorization_codes", "oauth_tokens" })
        EXPECT_EQ(query_int(db->database_path,
                      std::string("SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
                                  " AND name = '")
                          + table + "' AND sql LIKE '%STRICT%'"),
            1)
            << table;
    EXPECT_EQ(query_int(db->database_path,
                  "SELECT count(*) FROM pragma_table_info('oauth_tokens') WHERE name IN ('token', 'refresh_token')"),
        0);
    EXPECT_EQ(query_int(db->database_path,
                  "SELECT count(*) FROM pragma_table_info('oauth_applications') WHERE name = 'client_secret'"),
        0);
}

TEST(Migrations, NotificationsAndMarkersArriveWithVersionFive)
{
    auto db = testkit::open_test_store();
    ASSERT_TRUE(db) << describe(db);
    EXPECT_GE(latest_schema_version(), 5);
    for (const char* table : { "notifications", "markers" })
        EXPECT_TRUE(is_strict_table(db->database_path, table)) << table;
    EXPECT_EQ(query_int(db->database_path,
                  "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'notifications_once'"),
        1);
}

} // namespace
} // namespace confrere::storage
