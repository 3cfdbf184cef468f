// Passwords, bearer secrets and digests, with known-answer vectors where there are some.
#include "core/crypto/secrets.hpp"

#include "tests/support/test_store.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace confrere::crypto {
namespace {

class SecretsTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { ASSERT_TRUE(init_crypto()); }
};

// RFC 4231, test case 2.
TEST_F(SecretsTest, HmacSha256MatchesTheKnownAnswer)
{
    EXPECT_EQ(crypto::hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_F(SecretsTest, HashedPasswordVerifies)
{
    auto hash = hash_password("correct horse battery staple");
    ASSERT_TRUE(hash) << testkit::describe(hash);
    EXPECT_TRUE(verify_password(*hash, "correct horse battery staple"));
}

TEST_F(SecretsTest, WrongPasswordDoesNotVerify)
{
    auto hash = hash_password("correct horse battery staple");
    ASSERT_TRUE(hash);
    EXPECT_FALSE(verify_password(*hash, "correct horse battery stapler"));
    EXPECT_FALSE(verify_password(*hash, "Correct horse battery staple"));
    EXPECT_FALSE(verify_password(*hash, ""));
}

TEST_F(SecretsTest, HashIsAnArgon2idPhcString)
{
    auto hash = hash_password("secret-password");
    ASSERT_TRUE(hash);
    EXPECT_TRUE(hash->starts_with("$argon2id$")) << *hash;
    EXPECT_EQ(hash->find("secret-password"), std::string::npos);
}

TEST_F(SecretsTest, SamePasswordHashesDifferentlyEachTime)
{
    auto first = hash_password("same password");
    auto second = hash_password("same password");
    ASSERT_TRUE(first && second);
    EXPECT_NE(*first, *second);  // salted
    EXPECT_TRUE(verify_password(*second, "same password"));
}

TEST_F(SecretsTest, PasswordWithANulByteIsNotTruncated)
{
    const std::string with_nul("abc\0def", 7);
    auto hash = hash_password(with_nul);
    ASSERT_TRUE(hash);
    EXPECT_TRUE(verify_password(*hash, with_nul));
    EXPECT_FALSE(verify_password(*hash, "abc"));
}

TEST_F(SecretsTest, GarbageHashVerifiesNothing)
{
    EXPECT_FALSE(verify_password("", "anything"));
    EXPECT_FALSE(verify_password("$argon2id$v=19$m=65536,t=2,p=1$garbage", "anything"));
    EXPECT_FALSE(verify_password("plain text password", "plain text password"));
}

TEST_F(SecretsTest, RandomTokenIsBase64UrlWithoutPadding)
{
    for (std::size_t bytes : {1u, 2u, 3u, 16u, 24u, 32u, 33u}) {
        std::string token = random_token(bytes);
        EXPECT_EQ(token.size(), (bytes * 4 + 2) / 3) << bytes;
        EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                  std::string::npos)
            << token;
    }
    EXPECT_EQ(random_token().size(), 43u);  // 32 bytes
}

TEST_F(SecretsTest, RandomTokensDoNotRepeat)
{
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i)
        EXPECT_TRUE(seen.insert(random_token(16)).second);
}

TEST_F(SecretsTest, RandomTokensUseTheWholeAlphabet)
{
    std::set<char> used;
    for (int i = 0; i < 200; ++i)
        for (char c : random_token(30))
            used.insert(c);
    EXPECT_EQ(used.size(), 64u);
}

// FIPS 180-2 appendix B.1 and the empty-string vector.
TEST_F(SecretsTest, Sha256OfAbcIsTheKnownAnswer)
{
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(SecretsTest, Sha256OfTheEmptyStringIsTheKnownAnswer)
{
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// FIPS 180-2 appendix B.2 (448 bits, two blocks).
TEST_F(SecretsTest, Sha256OfTheTwoBlockMessageIsTheKnownAnswer)
{
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_F(SecretsTest, ConstantTimeEqualComparesContentAndLength)
{
    EXPECT_TRUE(constant_time_equal("csrf-token", "csrf-token"));
    EXPECT_TRUE(constant_time_equal("", ""));
    EXPECT_FALSE(constant_time_equal("csrf-token", "csrf-tokeN"));
    EXPECT_FALSE(constant_time_equal("csrf-token", "csrf-token-longer"));
    EXPECT_FALSE(constant_time_equal("", "x"));
}

} // namespace
} // namespace confrere::crypto
