#include "storage/sqlite/repositories.hpp"

namespace confrere::storage::sqlite {

namespace {
constexpr const char* kColumns = "host, state, note, created_at, updated_at";

model::Peer read_peer(const Statement& s)
{
    return model::Peer{s.text(0), model::peer_state_from_string(s.text(1)).value_or(model::PeerState::Blocked),
                       s.text(2), from_unix_ms(s.int64(3)), from_unix_ms(s.int64(4))};
}
} // namespace

Status SqlitePeerRepository::upsert(const model::Peer& p)
{
    auto stmt = db_.prepare("INSERT INTO peers (host, state, note, created_at, updated_at) VALUES (?,?,?,?,?)"
                            " ON CONFLICT (host) DO UPDATE SET state = excluded.state, note = excluded.note,"
                            " updated_at = excluded.updated_at");
    if (!stmt)
        return forward(stmt);
    return stmt->bind(1, p.host).bind(2, model::to_string(p.state)).bind(3, p.note)
        .bind(4, to_unix_ms(p.created_at)).bind(5, to_unix_ms(p.updated_at)).run();
}

Status SqlitePeerRepository::remove(std::string_view host)
{
    auto stmt = db_.prepare("DELETE FROM peers WHERE host = ?");
    if (!stmt)
        return forward(stmt);
    if (auto rc = stmt->bind(1, host).run(); !rc)
        return rc;
    return db_.changes() == 0 ? fail(ErrorKind::NotFound, "This peer is not listed.") : ok();
}

Result<std::optional<model::Peer>> SqlitePeerRepository::find(std::string_view host)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kColumns + " FROM peers WHERE host = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, host);
    auto row = stmt->step();
    if (!row)
        return forward(row);
    if (!*row)
        return std::optional<model::Peer>();
    return std::optional(read_peer(*stmt));
}

Result<std::vector<model::Peer>> SqlitePeerRepository::list()
{
    auto stmt = db_.prepare(std::string("SELECT ") + kColumns + " FROM peers ORDER BY host");
    if (!stmt)
        return forward(stmt);
    std::vector<model::Peer> out;
    while (true) {
        auto row = stmt->step();
        if (!row)
            return forward(row);
        if (!*row)
            break;
        out.push_back(read_peer(*stmt));
    }
    return out;
}

} // namespace confrere::storage::sqlite
