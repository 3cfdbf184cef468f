// OAuth applications, codes and tokens on SQLite: codes taken once, revocation, cascades.
#include "tests/unit/storage/sqlite/federation_store.hpp"

#include <gtest/gtest.h>

namespace confrere::storage {
namespace {

using fedtest::at;
using testkit::describe;
using testkit::query_int;

class OAuthRepositoryTest : public fedtest::FederationStoreTest {
protected:
    model::OAuthApplication app(const std::string& client_id = "client-1")
    {
        model::OAuthApplication a { next_id(), "Tusky", "", "https://app.example/cb", "read write", client_id,
            "secret-hash", at() };
        auto done = write([&](Repositories& r) { return r.oauth().insert_application(a); });
        EXPECT_TRUE(done) << describe(done);
        return a;
    }
    model::OAuthToken token(Id app_id, std::optional<Id> account, std::string hash, std::string refresh = {})
    {
        model::OAuthToken t { next_id(), app_id, account, std::move(hash), std::move(refresh), "read", at(),
            {} };
        auto done = write([&](Repositories& r) { return r.oauth().insert_token(t); });
        EXPECT_TRUE(done) << describe(done);
        return t;
    }
};

TEST_F(OAuthRepositoryTest, ApplicationIsFoundByClientIdAndTheIdIsUnique)
{
    auto a = app();
    auto found = read([&](Repositories& r) { return r.oauth().find_application_by_client_id("client-1"); });
    ASSERT_TRUE(found && *found) << describe(found);
    EXPECT_EQ((*found)->id, a.id);
    EXPECT_EQ((*found)->redirect_uris, "https://app.example/cb");
    model::OAuthApplication twin = a;
    twin.id = next_id();
    auto dup = write([&](Repositories& r) { return r.oauth().insert_application(twin); });
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().kind, ErrorKind::Conflict);
    EXPECT_EQ(dup.error().field, "client_id");
}

TEST_F(OAuthRepositoryTest, CodeIsTakenOnceAndNotAfterItExpires)
{
    auto a = app();
    Id alice = add_account("alice");
    model::AuthorizationCode code { "code-hash", a.id, alice, "https://app.example/cb", "read", "", at(),
        at(600) };
    ASSERT_TRUE(write([&](Repositories& r) { return r.oauth().insert_code(code, at()); }));
    auto first = write([&](Repositories& r) { return r.oauth().take_code("code-hash", at(1)); });
    ASSERT_TRUE(first && *first) << describe(first);
    EXPECT_EQ((*first)->account_id, alice);
    auto second = write([&](Repositories& r) { return r.oauth().take_code("code-hash", at(2)); });
    ASSERT_TRUE(second) << describe(second);
    EXPECT_FALSE(*second);

    code.code_hash = "late";
    ASSERT_TRUE(write([&](Repositories& r) { return r.oauth().insert_code(code, at()); }));
    auto late = write([&](Repositories& r) { return r.oauth().take_code("late", at(600)); });
    ASSERT_TRUE(late) << describe(late);
    EXPECT_FALSE(*late);
}

TEST_F(OAuthRepositoryTest, RevokedTokenIsFoundNeitherByTokenNorByRefresh)
{
    auto a = app();
    Id alice = add_account("alice");
    auto t = token(a.id, alice, "access-hash", "refresh-hash");
    auto found = read([&](Repositories& r) { return r.oauth().find_token_by_refresh("refresh-hash"); });
    ASSERT_TRUE(found && *found) << describe(found);
    EXPECT_EQ((*found)->account_id, alice);
    ASSERT_TRUE(write([&](Repositories& r) { return r.oauth().revoke_token(t.id, at(5)); }));
    auto gone = read([&](Repositories& r) { return r.oauth().find_token("access-hash"); });
    ASSERT_TRUE(gone) << describe(gone);
    EXPECT_FALSE(*gone);
    auto gone_refresh
        = read([&](Repositories& r) { return r.oauth().find_token_by_refresh("refresh-hash"); });
    ASSERT_TRUE(gone_refresh) << describe(gone_refresh);
    EXPECT_FALSE(*gone_refresh);
    auto missing = write([&](Repositories& r) { return r.oauth().revoke_token(424242, at(6)); });
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().kind, ErrorKind::NotFound);
}

TEST_F(OAuthRepositoryTest, AppTokenHasNoAccountAndDeletingTheAppDeletesItsTokens)
{
    auto a = app();
    token(a.id, std::nullopt, "app-token");
    auto found = read([&](Repositories& r) { return r.oauth().find_token("app-token"); });
    ASSERT_TRUE(found && *found) << describe(found);
    EXPECT_FALSE((*found)->account_id);
    EXPECT_TRUE((*found)->refresh_token_hash.empty());
    ASSERT_TRUE(testkit::exec_sql(path(), "PRAGMA foreign_keys = ON; DELETE FROM oauth_applications;"));
    EXPECT_EQ(query_int(path(), "SELECT count(*) FROM oauth_tokens"), 0);
}

} // namespace
} // namespace confrere::storage
