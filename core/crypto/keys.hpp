// Key material for accounts: RSA-2048 pairs used for HTTP Signatures.
#pragma once

#include "core/base/c_handle.hpp"
#include "core/base/result.hpp"

#include <openssl/evp.h>

#include <string>

namespace confrere::crypto {

using EvpPkeyPtr = CHandle<EVP_PKEY, &EVP_PKEY_free>;
using EvpPkeyCtxPtr = CHandle<EVP_PKEY_CTX, &EVP_PKEY_CTX_free>;

struct KeyPairPem {
    std::string private_pem;  // PKCS#8
    std::string public_pem;   // SubjectPublicKeyInfo ("-----BEGIN PUBLIC KEY-----")
};

// Generates an RSA key pair of `bits` bits. Internal error if OpenSSL fails (detail = its queue).
Result<KeyPairPem> generate_rsa_key_pair(int bits = 2048);

// Parses a SubjectPublicKeyInfo PEM. InvalidInput if it is not one.
Result<EvpPkeyPtr> parse_public_key_pem(std::string_view pem);

// Drains OpenSSL's thread-local error queue into one line (for Error::detail).
std::string drain_openssl_errors();

} // namespace confrere::crypto
