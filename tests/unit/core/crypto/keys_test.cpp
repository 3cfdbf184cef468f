// RSA key pairs for HTTP Signatures.
#include "core/crypto/keys.hpp"

#include "tests/support/test_store.hpp"

#include <gtest/gtest.h>

#include <openssl/bio.h>
#include <openssl/pem.h>

#include <string>

namespace confrere::crypto {
namespace {

using BioPtr = CHandle<BIO, &BIO_free_all>;

// Generating keys is slow: one pair for the whole suite.
class KeysTest : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        auto generated = generate_rsa_key_pair();
        ASSERT_TRUE(generated) << testkit::describe(generated);
        pair_ = new KeyPairPem(std::move(*generated));
    }
    static void TearDownTestSuite()
    {
        delete pair_;
        pair_ = nullptr;
    }
    static const KeyPairPem& pair() { return *pair_; }

private:
    static inline KeyPairPem* pair_ = nullptr;
};

TEST_F(KeysTest, PublicPemIsASubjectPublicKeyInfo)
{
    EXPECT_TRUE(pair().public_pem.starts_with("-----BEGIN PUBLIC KEY-----\n")) << pair().public_pem;
    EXPECT_NE(pair().public_pem.find("-----END PUBLIC KEY-----"), std::string::npos);
}

TEST_F(KeysTest, PrivatePemIsPkcs8)
{
    EXPECT_TRUE(pair().private_pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
}

TEST_F(KeysTest, PublicKeyParsesAsRsa2048)
{
    auto key = parse_public_key_pem(pair().public_pem);
    ASSERT_TRUE(key) << testkit::describe(key);
    EXPECT_EQ(EVP_PKEY_get_base_id(key->get()), EVP_PKEY_RSA);
    EXPECT_EQ(EVP_PKEY_get_bits(key->get()), 2048);
}

TEST_F(KeysTest, PrivateKeyParsesAndMatchesThePublicKey)
{
    BioPtr bio(BIO_new_mem_buf(pair().private_pem.data(), static_cast<int>(pair().private_pem.size())));
    ASSERT_TRUE(bio);
    EvpPkeyPtr priv(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    ASSERT_TRUE(priv) << drain_openssl_errors();
    EXPECT_EQ(EVP_PKEY_get_bits(priv.get()), 2048);
    auto pub = parse_public_key_pem(pair().public_pem);
    ASSERT_TRUE(pub);
    EXPECT_EQ(EVP_PKEY_eq(priv.get(), pub->get()), 1);
}

TEST_F(KeysTest, TwoGeneratedPairsDiffer)
{
    auto other = generate_rsa_key_pair();
    ASSERT_TRUE(other) << testkit::describe(other);
    EXPECT_NE(other->public_pem, pair().public_pem);
    EXPECT_NE(other->private_pem, pair().private_pem);
}

TEST_F(KeysTest, PrivateKeyPemIsNotAPublicKey)
{
    auto parsed = parse_public_key_pem(pair().private_pem);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().kind, ErrorKind::InvalidInput);
}

TEST_F(KeysTest, GarbageIsNotAPublicKey)
{
    for (std::string_view garbage : {std::string_view(""), std::string_view("not a key"),
                                     std::string_view("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")}) {
        auto parsed = parse_public_key_pem(garbage);
        ASSERT_FALSE(parsed) << garbage;
        EXPECT_EQ(parsed.error().kind, ErrorKind::InvalidInput);
    }
    drain_openssl_errors();
}

TEST_F(KeysTest, TruncatedPublicKeyIsRejected)
{
    std::string truncated = pair().public_pem.substr(0, pair().public_pem.size() / 2);
    auto parsed = parse_public_key_pem(truncated);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().kind, ErrorKind::InvalidInput);
}

TEST_F(KeysTest, SmallerKeySizeIsHonoured)
{
    auto small = generate_rsa_key_pair(1024);
    ASSERT_TRUE(small) << testkit::describe(small);
    auto key = parse_public_key_pem(small->public_pem);
    ASSERT_TRUE(key);
    EXPECT_EQ(EVP_PKEY_get_bits(key->get()), 1024);
}

TEST_F(KeysTest, AbsurdKeySizeIsAnInternalErrorNotACrash)
{
    auto refused = generate_rsa_key_pair(16);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Internal);
}

} // namespace
} // namespace confrere::crypto
