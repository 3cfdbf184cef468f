// Which instances this one federates with (DESIGN rule 3: trusted peers only, by default).
#pragma once

#include "core/base/result.hpp"
#include "core/model/peer.hpp"
#include "storage/store.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace confrere::services {

// allowlist (default): only trusted peers deliver to us or receive from us.
// blocklist: everyone but blocked peers — an admin's deliberate choice.
enum class FederationMode { Allowlist, Blocklist };

// Normalises a peer as an admin types it or as it appears in a URL: "https://Soins.Example/"
// → "soins.example"; a port is kept ("127.0.0.1:8081"). InvalidInput for anything that is not
// a host name, an IPv4 address or a bracketed IPv6 address with an optional port.
Result<std::string> normalize_peer_host(std::string_view input);

class PeerService {
public:
    PeerService(storage::Store& store, const Clock& clock, FederationMode mode)
        : store_(store), clock_(clock), mode_(mode)
    {
    }

    // Records the decision about `host` (replacing an earlier one). InvalidInput for a bad host.
    Result<model::Peer> trust(std::string_view host, std::string_view note);
    Result<model::Peer> block(std::string_view host, std::string_view note);
    // NotFound if the host is not listed.
    Status forget(std::string_view host);
    Result<std::vector<model::Peer>> list();

    // Whether requests signed by `host` are accepted and activities delivered to it.
    Result<bool> may_federate(std::string_view host);
    // The same, inside a transaction the caller holds (the delivery outbox).
    Result<bool> may_federate(storage::Repositories& repos, std::string_view host) const;

    FederationMode mode() const { return mode_; }

private:
    Result<model::Peer> decide(std::string_view host, model::PeerState state, std::string_view note);
    storage::Store& store_;
    const Clock& clock_;
    FederationMode mode_;
};

} // namespace confrere::services
