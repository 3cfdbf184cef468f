#include "core/services/instance_identity.hpp"

namespace confrere::services {

Result<crypto::KeyPairPem> ensure_instance_key(storage::Store& store)
{
    crypto::KeyPairPem keys;
    Status loaded = store.read([&](storage::Repositories& repos) -> Status {
        auto pub = repos.settings().get("instance_actor.public_key_pem");
        if (!pub)
            return forward(pub);
        auto priv = repos.settings().get("instance_actor.private_key_pem");
        if (!priv)
            return forward(priv);
        if (*pub && *priv)
            keys = crypto::KeyPairPem{**priv, **pub};
        return ok();
    });
    if (!loaded)
        return forward(loaded);
    if (!keys.public_pem.empty())
        return keys;
    auto generated = crypto::generate_rsa_key_pair();
    if (!generated)
        return forward(generated);
    Status stored = store.write([&](storage::Repositories& repos) -> Status {
        // Another process may have raced us: keep the first key written.
        auto existing = repos.settings().get("instance_actor.public_key_pem");
        if (!existing)
            return forward(existing);
        if (*existing) {
            auto priv = repos.settings().get("instance_actor.private_key_pem");
            if (!priv)
                return forward(priv);
            keys = crypto::KeyPairPem{priv->value_or(""), **existing};
            return ok();
        }
        keys = *generated;
        if (auto rc = repos.settings().put("instance_actor.public_key_pem", keys.public_pem); !rc)
            return rc;
        return repos.settings().put("instance_actor.private_key_pem", keys.private_pem);
    });
    if (!stored)
        return forward(stored);
    return keys;
}

} // namespace confrere::services
