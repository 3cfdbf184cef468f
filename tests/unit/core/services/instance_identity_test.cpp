// The instance actor's key pair: made once, then always the same.
#include "core/services/instance_identity.hpp"

#include "tests/support/test_store.hpp"

#include <gtest/gtest.h>

namespace confrere::services {
namespace {

using testkit::describe;

TEST(InstanceIdentity, FirstCallCreatesAKeyPairAndStoresIt)
{
    auto db = testkit::open_test_store();
    ASSERT_TRUE(db) << describe(db);
    auto keys = ensure_instance_key(*db->store);
    ASSERT_TRUE(keys) << describe(keys);
    auto parsed = crypto::parse_public_key_pem(keys->public_pem);
    ASSERT_TRUE(parsed) << describe(parsed);
    EXPECT_EQ(EVP_PKEY_get_bits(parsed->get()), 2048);
    EXPECT_EQ(testkit::query_text(db->database_path,
                                  "SELECT value FROM settings WHERE key = 'instance_actor.public_key_pem'"),
              keys->public_pem);
}

TEST(InstanceIdentity, LaterCallsReturnTheSameKeyEvenAfterReopening)
{
    auto db = testkit::open_test_store();
    ASSERT_TRUE(db) << describe(db);
    auto first = ensure_instance_key(*db->store);
    ASSERT_TRUE(first) << describe(first);
    auto second = ensure_instance_key(*db->store);
    ASSERT_TRUE(second) << describe(second);
    EXPECT_EQ(second->public_pem, first->public_pem);
    EXPECT_EQ(second->private_pem, first->private_pem);

    db->store.reset();
    storage::SqliteOptions options;
    options.path = db->database_path;
    auto reopened = storage::open_sqlite_store(options);
    ASSERT_TRUE(reopened) << describe(reopened);
    auto third = ensure_instance_key(**reopened);
    ASSERT_TRUE(third) << describe(third);
    EXPECT_EQ(third->public_pem, first->public_pem);
}

} // namespace
} // namespace confrere::services
