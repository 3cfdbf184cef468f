#include "core/services/peer_service.hpp"

#include "core/base/log.hpp"

#include <algorithm>
#include <cctype>

namespace confrere::services {

namespace {
bool valid_port(std::string_view port)
{
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit))
        return false;
    int value = std::stoi(std::string(port));
    return value > 0 && value <= 65535;
}

bool valid_hostname(std::string_view host)
{
    if (host.empty() || host.size() > 253 || host.front() == '.' || host.back() == '.' ||
        host.front() == '-' || host.find("..") != std::string_view::npos)
        return false;
    return std::all_of(host.begin(), host.end(), [](unsigned char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    });
}
} // namespace

Result<std::string> normalize_peer_host(std::string_view input)
{
    std::string s(input);
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (std::string_view scheme : {"https://", "http://"})
        if (s.starts_with(scheme))
            s.erase(0, scheme.size());
    if (auto slash = s.find('/'); slash != std::string::npos) {
        if (s.find_first_not_of('/', slash) != std::string::npos)
            return fail(ErrorKind::InvalidInput, "A peer is a host name, not a URL with a path.");
        s.resize(slash);
    }
    std::string_view host = s, port;
    if (s.starts_with("[")) {
        auto close = s.find(']');
        if (close == std::string::npos)
            return fail(ErrorKind::InvalidInput, "Unclosed IPv6 address.");
        std::string_view literal = std::string_view(s).substr(1, close - 1);
        if (literal.empty() || !std::all_of(literal.begin(), literal.end(), [](unsigned char c) {
                return std::isxdigit(c) || c == ':' || c == '.';
            }))
            return fail(ErrorKind::InvalidInput, "Invalid IPv6 address.");
        host = std::string_view(s).substr(0, close + 1);
        std::string_view rest = std::string_view(s).substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':')
                return fail(ErrorKind::InvalidInput, "Invalid peer host.");
            port = rest.substr(1);
        }
    } else {
        if (auto colon = s.rfind(':'); colon != std::string::npos) {
            host = std::string_view(s).substr(0, colon);
            port = std::string_view(s).substr(colon + 1);
        }
        if (!valid_hostname(host))
            return fail(ErrorKind::InvalidInput, "A peer is a host name such as soins.example (letters, digits, dots, hyphens).");
    }
    if (s.find(':', host.size()) != std::string::npos && !valid_port(port))
        return fail(ErrorKind::InvalidInput, "Invalid port.");
    return s;
}

Result<model::Peer> PeerService::decide(std::string_view input, model::PeerState state, std::string_view note)
{
    auto host = normalize_peer_host(input);
    if (!host)
        return forward(host);
    if (note.size() > 500)
        return fail(ErrorKind::Unprocessable, "The note is too long.", {}, "note");
    model::Peer peer{*host, state, std::string(note), clock_.now(), clock_.now()};
    Status done = store_.write([&](storage::Repositories& repos) -> Status {
        auto existing = repos.peers().find(peer.host);
        if (!existing)
            return forward(existing);
        if (*existing)
            peer.created_at = (*existing)->created_at;
        return repos.peers().upsert(peer);
    });
    if (!done)
        return forward(done);
    log::info("peer_decided", {{"host", peer.host}, {"state", model::to_string(state)}});
    return peer;
}

Result<model::Peer> PeerService::trust(std::string_view host, std::string_view note)
{
    return decide(host, model::PeerState::Trusted, note);
}

Result<model::Peer> PeerService::block(std::string_view host, std::string_view note)
{
    return decide(host, model::PeerState::Blocked, note);
}

Status PeerService::forget(std::string_view input)
{
    auto host = normalize_peer_host(input);
    if (!host)
        return forward(host);
    return store_.write([&](storage::Repositories& repos) { return repos.peers().remove(*host); });
}

Result<std::vector<model::Peer>> PeerService::list()
{
    std::vector<model::Peer> out;
    Status done = store_.read([&](storage::Repositories& repos) -> Status {
        auto peers = repos.peers().list();
        if (!peers)
            return forward(peers);
        out = std::move(*peers);
        return ok();
    });
    if (!done)
        return forward(done);
    return out;
}

Result<bool> PeerService::may_federate(std::string_view input)
{
    Result<bool> result = false;
    Status done = store_.read([&](storage::Repositories& repos) -> Status {
        result = may_federate(repos, input);
        return result ? ok() : forward(result);
    });
    if (!done)
        return forward(done);
    return result;
}

Result<bool> PeerService::may_federate(storage::Repositories& repos, std::string_view input) const
{
    auto host = normalize_peer_host(input);
    if (!host)
        return false;  // nothing that is not a host name federates
    auto peer = repos.peers().find(*host);
    if (!peer)
        return forward(peer);
    if (mode_ == FederationMode::Allowlist)
        return *peer && (*peer)->state == model::PeerState::Trusted;
    return !*peer || (*peer)->state != model::PeerState::Blocked;
}

} // namespace confrere::services
