#include "core/services/registration_service.hpp"

#include "core/services/instance_settings.hpp"

#include "core/base/log.hpp"
#include "core/base/text.hpp"
#include "core/crypto/keys.hpp"
#include "core/crypto/secrets.hpp"
#include "core/identifiers/professional_id.hpp"

#include <algorithm>
#include <sstream>

namespace confrere::services {

namespace {

Error unprocessable(std::string field, std::string message)
{
    return Error{ErrorKind::Unprocessable, std::move(message), {}, std::move(field)};
}

Status validate_name(std::string_view field, std::string_view value, bool required)
{
    std::string_view v = text::trim(value);
    if (v.empty())
        return required ? std::unexpected(unprocessable(std::string(field), "This field is required."))
                        : ok();
    if (v.size() > 100 || !text::is_valid_utf8(v))
        return std::unexpected(unprocessable(std::string(field), "This name is too long or malformed."));
    return ok();
}

bool admitted(const InstancePolicy& policy, int code)
{
    return std::find(policy.professions.begin(), policy.professions.end(), code) !=
           policy.professions.end();
}

std::string professions_list(const std::vector<int>& codes)
{
    std::ostringstream out;
    for (std::size_t i = 0; i < codes.size(); ++i)
        out << (i ? ", " : "") << codes[i];
    return out.str();
}

// Compound first names ("Jean-Pierre" registered as "Jean") match when every declared word
// appears in the directory's first name.
bool first_names_match(const std::string& declared, const std::string& directory)
{
    if (declared == directory)
        return true;
    std::istringstream words(declared);
    std::string directory_padded = " " + directory + " ";
    std::string word;
    bool any = false;
    while (words >> word) {
        any = true;
        if (directory_padded.find(" " + word + " ") == std::string::npos)
            return false;
    }
    return any;
}

// Checks the fields people choose in the order they fill them, so that the first conflict
// reported is the username's when both username and e-mail are taken.
Status check_available(storage::Repositories& repos, const model::Account& account)
{
    auto by_name = repos.accounts().find_by_username(account.username);
    if (!by_name)
        return forward(by_name);
    if (*by_name)
        return std::unexpected(unprocessable("username", "This username is already taken."));
    // A group's name is a handle too (acct:name@host names one actor).
    auto group = repos.groups().find_by_name(account.username);
    if (!group)
        return forward(group);
    if (*group)
        return std::unexpected(unprocessable("username", "This username is already taken."));
    auto by_email = repos.accounts().find_credentials(account.email);
    if (!by_email)
        return forward(by_email);
    if (*by_email)
        return std::unexpected(unprocessable("email", "This e-mail address is already registered."));
    return ok();
}

} // namespace

Status validate_username(std::string_view username)
{
    if (username.empty())
        return std::unexpected(unprocessable("username", "A username is required."));
    if (username.size() > 30)
        return std::unexpected(unprocessable("username", "A username has at most 30 characters."));
    bool valid = std::all_of(username.begin(), username.end(), [](unsigned char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (!valid)
        return std::unexpected(
            unprocessable("username", "A username may contain only letters, digits and underscores."));
    return ok();
}

Status validate_email(std::string_view email)
{
    auto at = email.find('@');
    bool valid = email.size() <= 254 && at != std::string_view::npos && at > 0 &&
                 email.find('@', at + 1) == std::string_view::npos &&
                 email.find('.', at) != std::string_view::npos && email.back() != '.' &&
                 std::none_of(email.begin(), email.end(),
                              [](unsigned char c) { return c <= ' ' || c == 0x7f; });
    if (!valid)
        return std::unexpected(unprocessable("email", "This e-mail address is not valid."));
    return ok();
}

Status validate_password(std::string_view password)
{
    if (password.size() < 8)
        return std::unexpected(unprocessable("password", "A password has at least 8 characters."));
    if (password.size() > 1024)
        return std::unexpected(unprocessable("password", "This password is too long."));
    return ok();
}

Result<std::string> sniff_attestation_type(std::string_view data)
{
    if (data.starts_with("%PDF-"))
        return std::string("application/pdf");
    if (data.starts_with("\x89PNG\r\n\x1a\n"))
        return std::string("image/png");
    if (data.starts_with("\xFF\xD8\xFF"))
        return std::string("image/jpeg");
    return std::unexpected(
        unprocessable("attestation", "The attestation must be a PDF, PNG or JPEG file."));
}

RegistrationService::RegistrationService(storage::Store& store, const Clock& clock,
                                         IdGenerator& ids, InstancePolicy policy)
    : store_(store), clock_(clock), ids_(ids), policy_(std::move(policy))
{
}

Result<model::Precheck> RegistrationService::precheck(storage::Repositories& repos,
                                                      const model::ProfessionalIdentity& identity,
                                                      std::string_view first_name,
                                                      std::string_view last_name) const
{
    model::Precheck result;
    if (identity.kind == model::IdentifierKind::Student) {
        result.outcome = model::PrecheckOutcome::NotApplicable;
        result.detail = "Student or intern: check the attestation.";
        return result;
    }
    auto current = repos.directory().current_import();
    if (!current)
        return forward(current);
    if (!*current) {
        result.outcome = model::PrecheckOutcome::NoDirectory;
        result.detail = "No directory extract has been imported.";
        return result;
    }
    result.import_id = (*current)->id;
    auto entries = repos.directory().find(identity.national_id);
    if (!entries)
        return forward(entries);
    if (entries->empty()) {
        result.outcome = model::PrecheckOutcome::NotFound;
        result.detail = "Identifier not found in the directory extract.";
        return result;
    }
    auto admitted_entry = std::find_if(entries->begin(), entries->end(), [this](const auto& e) {
        return admitted(policy_, e.profession_code);
    });
    const model::DirectoryEntry& entry = admitted_entry != entries->end() ? *admitted_entry : entries->front();
    result.directory_profession_code = entry.profession_code;
    result.directory_name = entry.first_name + " " + entry.last_name;
    if (admitted_entry == entries->end()) {
        result.outcome = model::PrecheckOutcome::ProfessionNotAdmitted;
        result.detail = "Directory profession " + std::to_string(entry.profession_code) + " (" +
                        entry.profession_label + ") is not admitted by this instance (" +
                        professions_list(policy_.professions) + ").";
        return result;
    }
    bool last_ok = text::fold_for_match(last_name) == text::fold_for_match(entry.last_name);
    bool first_ok = first_names_match(text::fold_for_match(first_name), text::fold_for_match(entry.first_name));
    if (last_ok && first_ok) {
        result.outcome = model::PrecheckOutcome::Match;
        result.detail = "Identifier, profession and names match the directory. This proves the "
                        "identity exists, not that the applicant holds it.";
    } else {
        result.outcome = model::PrecheckOutcome::NameMismatch;
        result.detail = std::string("Identifier found, but the ") +
                        (last_ok ? "first name" : first_ok ? "last name" : "names") +
                        " differ from the directory.";
    }
    return result;
}

// Every field's rule, in the order the API reports the first failure; a field that depends on
// another (the identifier on its kind, a student's attestation) is checked once that one is valid.
std::vector<Error> RegistrationService::check_fields(const RegistrationRequest& r, CheckedFields& out) const
{
    std::vector<Error> errors;
    auto check = [&errors](const Status& rc) {
        if (!rc)
            errors.push_back(rc.error());
    };
    check(validate_username(r.username));
    check(validate_email(r.email));
    check(validate_password(r.password));
    if (!r.agreement)
        errors.push_back(unprocessable("agreement", "You must accept the charter."));
    auto kind = model::identifier_kind_from_string(r.identifier_kind);
    if (!kind)
        errors.push_back(unprocessable("identifier_kind", "Choose how you identify: rpps, adeli or student."));
    bool student = kind == model::IdentifierKind::Student;
    check(validate_name("first_name", r.first_name, true));
    check(validate_name("last_name", r.last_name, true));
    if (kind) {
        auto identity = identifiers::parse(*kind, r.identifier);
        if (identity)
            out.identity = std::move(*identity);
        else
            errors.push_back(identity.error());
    }
    if (r.motivation.size() > 2000 || !text::is_valid_utf8(r.motivation))
        errors.push_back(unprocessable("reason", "This text is too long or malformed."));
    if (r.profession_code && !admitted(policy_, *r.profession_code))
        errors.push_back(unprocessable("profession_code",
            "This instance admits only the professions " + professions_list(policy_.professions) + "."));
    bool bad_attestation = false;
    if (r.attestation && !r.attestation->data.empty()) {
        auto type = sniff_attestation_type(r.attestation->data);
        if (type)
            out.attestation = model::Attestation{*type, r.attestation->data};
        else
            errors.push_back(type.error());
        bad_attestation = !type;
    }
    if (student && !r.profession_code)
        errors.push_back(unprocessable(
            "profession_code", "Students and interns must say which profession they train for."));
    if (student && !out.attestation && !bad_attestation)
        errors.push_back(unprocessable(
            "attestation", "Students and interns must attach a school or internship attestation."));
    return errors;
}

std::vector<Error> RegistrationService::field_errors(const RegistrationRequest& request) const
{
    CheckedFields ignored;
    return check_fields(request, ignored);
}

bool RegistrationService::registrations_open() const
{
    if (policy_.settings != nullptr)
        return policy_.settings->current_or_defaults().registrations_open;
    return policy_.registrations_open;
}

Result<model::Account> RegistrationService::register_applicant(const RegistrationRequest& r)
{
    if (!registrations_open())
        return fail(ErrorKind::Forbidden, "Registrations are closed on this instance.");
    CheckedFields checked;
    if (auto errors = check_fields(r, checked); !errors.empty())
        return std::unexpected(std::move(errors.front()));
    auto identity = std::move(checked.identity);
    auto attestation = std::move(checked.attestation);

    auto prepared = prepare_new(r.username, r.email, r.password);
    if (!prepared)
        return forward(prepared);
    storage::NewAccount& n = *prepared;
    n.account.display_name = std::string(text::trim(r.first_name)) + " " + std::string(text::trim(r.last_name));
    n.account.first_name = std::string(text::trim(r.first_name));
    n.account.last_name = std::string(text::trim(r.last_name));
    n.account.state = model::AccountState::Pending;
    n.account.profession_code = r.profession_code.value_or(0);
    n.account.locale = r.locale == "en" ? "en" : "fr";
    n.identity = *identity;
    n.attestation = std::move(attestation);
    n.motivation = r.motivation;

    auto stored = store_new(std::move(n), [&](storage::Repositories& repos, storage::NewAccount& account) -> Status {
        auto check = precheck(repos, *account.identity, account.account.first_name, account.account.last_name);
        if (!check)
            return forward(check);
        if (account.account.profession_code == 0 && check->outcome == model::PrecheckOutcome::Match)
            account.account.profession_code = check->directory_profession_code;
        account.precheck = std::move(*check);
        return ok();
    });
    if (!stored)
        return forward(stored);
    log::info("registration_received", {{"account_id", stored->account.id},
                                         {"kind", model::to_string(stored->identity->kind)},
                                         {"precheck", model::to_string(stored->precheck->outcome)}});
    return stored->account;
}

Result<model::Account> RegistrationService::create_account(const AccountCreation& r)
{
    if (auto rc = validate_credentials(r.username, r.email, r.password); !rc)
        return forward(rc);
    auto prepared = prepare_new(r.username, r.email, r.password);
    if (!prepared)
        return forward(prepared);
    storage::NewAccount& n = *prepared;
    n.account.first_name = r.first_name;
    n.account.last_name = r.last_name;
    n.account.display_name = r.first_name.empty() && r.last_name.empty()
                                 ? r.username
                                 : std::string(text::trim(r.first_name + " " + r.last_name));
    n.account.role = r.role;
    n.account.state = r.validated ? model::AccountState::Active : model::AccountState::Pending;
    n.account.profession_code = r.profession_code;
    auto stored = store_new(std::move(n), {});
    if (!stored)
        return forward(stored);
    log::info("account_created", {{"account_id", stored->account.id}, {"role", model::to_string(stored->account.role)}});
    return stored->account;
}

Status RegistrationService::validate_credentials(std::string_view username, std::string_view email,
                                                 std::string_view password)
{
    if (auto rc = validate_username(username); !rc)
        return rc;
    if (auto rc = validate_email(email); !rc)
        return rc;
    return validate_password(password);
}

Result<storage::NewAccount> RegistrationService::prepare_new(std::string_view username, std::string_view email,
                                                             std::string_view password)
{
    // Expensive work (hashing, key generation) happens before the transaction, which stays short.
    auto hash = crypto::hash_password(password);
    if (!hash)
        return forward(hash);
    auto keys = crypto::generate_rsa_key_pair();
    if (!keys)
        return forward(keys);
    storage::NewAccount n;
    n.account.id = ids_.next();
    n.account.username = std::string(username);
    n.account.email = std::string(email);
    n.account.public_key_pem = std::move(keys->public_pem);
    n.account.created_at = n.account.updated_at = clock_.now();
    n.password_hash = std::move(*hash);
    n.private_key_pem = std::move(keys->private_pem);
    return n;
}

Result<storage::NewAccount> RegistrationService::store_new(storage::NewAccount n, const BeforeInsert& before_insert)
{
    Status stored = store_.write([&](storage::Repositories& repos) -> Status {
        if (before_insert)
            if (auto rc = before_insert(repos, n); !rc)
                return rc;
        if (auto rc = check_available(repos, n.account); !rc)
            return rc;
        return repos.accounts().insert(n);
    });
    if (!stored) {
        Error e = stored.error();
        if (e.kind == ErrorKind::Conflict)
            e.kind = ErrorKind::Unprocessable;  // a taken field is a validation error (422)
        return std::unexpected(std::move(e));
    }
    return n;
}

} // namespace confrere::services
