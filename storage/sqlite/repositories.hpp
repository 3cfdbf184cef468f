// SQLite implementations of the storage ports, bound to one connection.
#pragma once

#include "storage/sqlite/database.hpp"
#include "storage/store.hpp"

namespace confrere::storage::sqlite {

class SqliteAccountRepository final : public AccountRepository {
public:
    explicit SqliteAccountRepository(Connection& c) : db_(c) {}
    Status insert(const NewAccount& account) override;
    Result<std::optional<model::Account>> find_by_id(Id id) override;
    Result<std::optional<model::Account>> find_by_username(std::string_view username) override;
    Result<std::optional<Credentials>> find_credentials(std::string_view login) override;
    Result<std::vector<model::Account>> list(const AccountQuery& query) override;
    Result<std::optional<model::Registration>> find_registration(Id id) override;
    Result<std::optional<model::Attestation>> find_attestation(Id id) override;
    Status update_state(Id id, model::AccountState state, std::string_view reason,
                        std::optional<Id> moderator, TimePoint at) override;
    Status update_password_hash(Id id, std::string_view hash, TimePoint at) override;
    Result<std::string> private_key_pem(Id id) override;
    Result<std::int64_t> count(std::optional<model::AccountState> state) override;

private:
    Connection& db_;
};

class SqliteSessionRepository final : public SessionRepository {
public:
    explicit SqliteSessionRepository(Connection& c) : db_(c) {}
    Status insert(const model::Session& session) override;
    Result<std::optional<model::Session>> find_by_token_hash(std::string_view hash,
                                                              TimePoint now) override;
    Status remove(Id session_id) override;
    Status remove_for_account(Id account_id) override;

private:
    Connection& db_;
};

class SqliteDirectoryRepository final : public DirectoryRepository {
public:
    explicit SqliteDirectoryRepository(Connection& c) : db_(c) {}
    Result<std::vector<model::DirectoryEntry>> find(std::string_view national_id) override;
    Result<std::optional<model::DirectoryImport>> current_import() override;

private:
    Connection& db_;
};

class SqliteSettingsRepository final : public SettingsRepository {
public:
    explicit SqliteSettingsRepository(Connection& c) : db_(c) {}
    Result<std::optional<std::string>> get(std::string_view key) override;
    Status put(std::string_view key, std::string_view value) override;

private:
    Connection& db_;
};

class SqlitePeerRepository final : public PeerRepository {
public:
    explicit SqlitePeerRepository(Connection& c) : db_(c) {}
    Status upsert(const model::Peer& peer) override;
    Status remove(std::string_view host) override;
    Result<std::optional<model::Peer>> find(std::string_view host) override;
    Result<std::vector<model::Peer>> list() override;

private:
    Connection& db_;
};

class SqliteRepositories final : public Repositories {
public:
    explicit SqliteRepositories(Connection& c)
        : accounts_(c), sessions_(c), directory_(c), settings_(c), peers_(c)
    {
    }
    AccountRepository& accounts() override { return accounts_; }
    SessionRepository& sessions() override { return sessions_; }
    DirectoryRepository& directory() override { return directory_; }
    SettingsRepository& settings() override { return settings_; }
    PeerRepository& peers() override { return peers_; }

private:
    SqliteAccountRepository accounts_;
    SqliteSessionRepository sessions_;
    SqliteDirectoryRepository directory_;
    SqliteSettingsRepository settings_;
    SqlitePeerRepository peers_;
};

} // namespace confrere::storage::sqlite
