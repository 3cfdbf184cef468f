#include "core/crypto/keys.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace confrere::crypto {

namespace {
using BioPtr = CHandle<BIO, &BIO_free_all>;

std::string bio_to_string(BIO* bio)
{
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}
} // namespace

std::string drain_openssl_errors()
{
    std::string out;
    while (unsigned long code = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        if (!out.empty())
            out += "; ";
        out += buf;
    }
    return out;
}

Result<KeyPairPem> generate_rsa_key_pair(int bits)
{
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nullptr));
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 ||
        EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) <= 0)
        return fail(ErrorKind::Internal, "key generation failed", drain_openssl_errors());
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_keygen(ctx.get(), &raw) <= 0)
        return fail(ErrorKind::Internal, "key generation failed", drain_openssl_errors());
    EvpPkeyPtr key(raw);

    BioPtr priv(BIO_new(BIO_s_mem()));
    BioPtr pub(BIO_new(BIO_s_mem()));
    if (!priv || !pub ||
        PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
        PEM_write_bio_PUBKEY(pub.get(), key.get()) != 1)
        return fail(ErrorKind::Internal, "key serialisation failed", drain_openssl_errors());
    return KeyPairPem{bio_to_string(priv.get()), bio_to_string(pub.get())};
}

Result<EvpPkeyPtr> parse_public_key_pem(std::string_view pem)
{
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio)
        return fail(ErrorKind::Internal, "out of memory", drain_openssl_errors());
    EvpPkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    if (!key)
        return fail(ErrorKind::InvalidInput, "invalid public key", drain_openssl_errors());
    return key;
}

} // namespace confrere::crypto
