// The storage ports: what the domain needs from a database, and nothing of how.
// storage/sqlite/ implements them on SQLite; a PostgreSQL backend would implement the same
// interfaces without touching callers.
#pragma once

#include "core/base/result.hpp"
#include "core/model/account.hpp"
#include "core/model/directory.hpp"
#include "core/model/peer.hpp"
#include "core/model/session.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confrere::storage {

struct NewAccount {
    model::Account account;
    std::string password_hash;
    std::string private_key_pem;
    std::optional<model::ProfessionalIdentity> identity;
    std::optional<model::Precheck> precheck;
    std::optional<model::Attestation> attestation;
    std::string motivation;
};

struct Credentials {
    model::Account account;
    std::string password_hash;
};

struct AccountQuery {
    std::optional<model::AccountState> state;
    bool discoverable_only = false;
    std::optional<Id> max_id;  // exclusive upper bound (older than)
    std::optional<Id> min_id;  // exclusive lower bound (newer than)
    int limit = 40;
};

class AccountRepository {
public:
    virtual ~AccountRepository() = default;
    // Conflict with Error::field "username", "email" or "identifier" if one is already taken
    // (identifiers stay taken unless the account holding them was rejected).
    virtual Status insert(const NewAccount& account) = 0;
    virtual Result<std::optional<model::Account>> find_by_id(Id id) = 0;
    // Case-insensitive.
    virtual Result<std::optional<model::Account>> find_by_username(std::string_view username) = 0;
    // `login` is a username or an e-mail address, case-insensitive.
    virtual Result<std::optional<Credentials>> find_credentials(std::string_view login) = 0;
    // Newest first.
    virtual Result<std::vector<model::Account>> list(const AccountQuery& query) = 0;
    virtual Result<std::optional<model::Registration>> find_registration(Id id) = 0;
    virtual Result<std::optional<model::Attestation>> find_attestation(Id id) = 0;
    // Records a moderation decision. NotFound if the account does not exist.
    virtual Status update_state(Id id, model::AccountState state, std::string_view reason,
                                std::optional<Id> moderator, TimePoint at) = 0;
    virtual Status update_password_hash(Id id, std::string_view hash, TimePoint at) = 0;
    virtual Result<std::string> private_key_pem(Id id) = 0;
    virtual Result<std::int64_t> count(std::optional<model::AccountState> state) = 0;
};

class SessionRepository {
public:
    virtual ~SessionRepository() = default;
    virtual Status insert(const model::Session& session) = 0;
    // Unexpired sessions only.
    virtual Result<std::optional<model::Session>> find_by_token_hash(std::string_view hash,
                                                                      TimePoint now) = 0;
    virtual Status remove(Id session_id) = 0;
    virtual Status remove_for_account(Id account_id) = 0;
};

class DirectoryRepository {
public:
    virtual ~DirectoryRepository() = default;
    // Entries with this Identification nationale PP in the current import.
    virtual Result<std::vector<model::DirectoryEntry>> find(std::string_view national_id) = 0;
    virtual Result<std::optional<model::DirectoryImport>> current_import() = 0;
};

class PeerRepository {
public:
    virtual ~PeerRepository() = default;
    // Inserts or replaces the decision about `peer.host`.
    virtual Status upsert(const model::Peer& peer) = 0;
    // NotFound if the host is not listed.
    virtual Status remove(std::string_view host) = 0;
    virtual Result<std::optional<model::Peer>> find(std::string_view host) = 0;
    // Sorted by host.
    virtual Result<std::vector<model::Peer>> list() = 0;
};

// Instance-wide settings that live in the database (the instance actor's keys, say).
class SettingsRepository {
public:
    virtual ~SettingsRepository() = default;
    virtual Result<std::optional<std::string>> get(std::string_view key) = 0;
    virtual Status put(std::string_view key, std::string_view value) = 0;
};

// The repositories bound to one connection, handed out inside Store::read / Store::write.
class Repositories {
public:
    virtual ~Repositories() = default;
    virtual AccountRepository& accounts() = 0;
    virtual SessionRepository& sessions() = 0;
    virtual DirectoryRepository& directory() = 0;
    virtual SettingsRepository& settings() = 0;
    virtual PeerRepository& peers() = 0;
};

// Writes one directory import in several short transactions, so registrations are not blocked
// for the whole import; readers keep using the previous import until commit() switches over.
// Destroying the writer without commit() discards everything it wrote.
class DirectoryImportWriter {
public:
    virtual ~DirectoryImportWriter() = default;
    // Duplicate (national id, profession) rows are merged.
    virtual Status add(const model::DirectoryEntry& entry) = 0;
    // Atomically makes this import the current one, flags active members whose identifier is
    // missing from it (and unflags those present), then removes the previous import's rows.
    virtual Result<model::DirectoryImport> commit(std::int64_t rows_read, TimePoint at) = 0;
};

class Store {
public:
    virtual ~Store() = default;
    // Runs `work` on a consistent snapshot. Work must not write.
    virtual Status read(const std::function<Status(Repositories&)>& work) = 0;
    // Runs `work` in one transaction: committed if it succeeds, rolled back otherwise, so a
    // failure leaves nothing half-written.
    virtual Status write(const std::function<Status(Repositories&)>& work) = 0;
    virtual Result<std::unique_ptr<DirectoryImportWriter>>
    begin_directory_import(std::string_view source_name, TimePoint at) = 0;
    // A cheap query proving the database answers (health endpoint).
    virtual Status ping() = 0;
};

struct SqliteOptions {
    std::filesystem::path path;
    int read_connections = 4;
    // Apply pending migrations on open (serve does; tools may only check).
    bool migrate = true;
};

// Opens (creating if needed) the SQLite database in WAL mode with foreign keys, applying
// migrations when asked. Unavailable if the file is locked; Internal on I/O errors; Conflict
// if the database was written by a newer Confrère.
Result<std::unique_ptr<Store>> open_sqlite_store(const SqliteOptions& options);

// The newest schema version this build knows.
int latest_schema_version();

} // namespace confrere::storage
