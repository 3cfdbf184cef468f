// Registration of applicants and creation of accounts by operators.
#pragma once

#include "core/base/id.hpp"
#include "core/base/result.hpp"
#include "core/model/account.hpp"
#include "storage/store.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace confrere::services {

class InstanceSettingsService;

// What the instance admits, from its configuration.
struct InstancePolicy {
    std::vector<int> professions;   // TRE_G15 codes admitted
    bool registrations_open = true; // false: only operators create accounts
    // When set, its registrations setting (an admin's choice) decides instead of
    // registrations_open, so a change takes effect at once.
    const InstanceSettingsService* settings = nullptr;
};

struct RegistrationRequest {
    std::string username;
    std::string email;
    std::string password;
    std::string first_name;
    std::string last_name;
    std::string identifier_kind;  // "rpps", "adeli" or "student"
    std::string identifier;
    std::optional<int> profession_code;
    std::string locale = "fr";
    std::string motivation;
    bool agreement = false;
    std::optional<model::Attestation> attestation;
};

struct AccountCreation {
    std::string username;
    std::string email;
    std::string password;
    model::Role role = model::Role::Member;
    bool validated = false;
    std::string first_name;
    std::string last_name;
    int profession_code = 0;
};

class RegistrationService {
public:
    RegistrationService(storage::Store& store, const Clock& clock, IdGenerator& ids,
                        InstancePolicy policy);

    // Validates the request, pre-checks the identifier against the imported directory and
    // stores a pending account with its pre-check. Unprocessable (with Error::field) for any
    // invalid or taken field; Forbidden if registrations are closed. Nothing is stored on error.
    Result<model::Account> register_applicant(const RegistrationRequest& request);

    // Every field error of the request at once (a form shows each next to its field), in the
    // order register_applicant reports the first; empty when every field is valid. Availability
    // of the username and e-mail is checked only when registering.
    std::vector<Error> field_errors(const RegistrationRequest& request) const;

    // Whether applicants may register now (the admin's setting, else the configuration's).
    bool registrations_open() const;

    // An operator's account (CLI): any role, optionally active at once.
    // Unprocessable for an invalid or taken username/e-mail.
    Result<model::Account> create_account(const AccountCreation& request);

    // Compares an identity and declared names with the current directory import.
    Result<model::Precheck> precheck(storage::Repositories& repos,
                                     const model::ProfessionalIdentity& identity,
                                     std::string_view first_name, std::string_view last_name) const;

private:
    // What check_fields parsed on the way, for the insert.
    struct CheckedFields {
        std::optional<model::ProfessionalIdentity> identity;
        std::optional<model::Attestation> attestation;
    };
    std::vector<Error> check_fields(const RegistrationRequest& request, CheckedFields& out) const;

    // Runs inside the insert's transaction (the pre-check reads the directory there).
    using BeforeInsert = std::function<Status(storage::Repositories&, storage::NewAccount&)>;

    static Status validate_credentials(std::string_view username, std::string_view email,
                                       std::string_view password);
    // Hashes the password, generates the key pair, assigns id and timestamps.
    Result<storage::NewAccount> prepare_new(std::string_view username, std::string_view email,
                                            std::string_view password);
    // Checks username then e-mail availability and inserts, in one transaction.
    Result<storage::NewAccount> store_new(storage::NewAccount account, const BeforeInsert& before_insert);

    storage::Store& store_;
    const Clock& clock_;
    IdGenerator& ids_;
    InstancePolicy policy_;
};

// Field validators shared by registration and the CLI (Unprocessable with Error::field).
Status validate_username(std::string_view username);
Status validate_email(std::string_view email);
Status validate_password(std::string_view password);

// The attestation's real type from its first bytes: PDF, PNG or JPEG; Unprocessable otherwise.
Result<std::string> sniff_attestation_type(std::string_view data);

} // namespace confrere::services
