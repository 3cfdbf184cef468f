// Plain model types for accounts and their professional identity. No behaviour, no I/O.
#pragma once

#include "core/base/id.hpp"
#include "core/base/time.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confrere::model {

// Lifecycle of a local account. Only Active accounts read or post (DESIGN rule 1).
enum class AccountState { Pending, Active, Rejected, Suspended };

enum class Role { Member, Moderator, Admin, Partner };

std::string_view to_string(AccountState s);
std::optional<AccountState> account_state_from_string(std::string_view s);
std::string_view to_string(Role r);
std::optional<Role> role_from_string(std::string_view s);

// Moderators and admins run the validation queue.
inline bool can_moderate(Role r)
{
    return r == Role::Moderator || r == Role::Admin;
}

struct Account {
    Id id = 0;
    std::string username;     // local part of @username@host; [a-z0-9_], case-preserving
    std::string email;
    std::string display_name;
    std::string first_name;   // as declared at registration, compared with the directory
    std::string last_name;
    Role role = Role::Member;
    AccountState state = AccountState::Pending;
    int profession_code = 0;  // TRE_G15 code (21 pharmacist, 60 nurse, 80 podiatrist); 0 unknown
    std::string locale = "fr";
    std::string note;         // profile text, plain
    bool discoverable = false;   // listed in the members' directory
    // Specialty tags the member chose (services::normalize_specialties): at most 10, in order.
    std::vector<std::string> specialties;
    bool locked = false;         // follows need approval
    std::string public_key_pem;  // RSA-2048, SubjectPublicKeyInfo PEM
    std::string moderation_reason;  // why rejected or suspended; moderators only
    bool directory_flagged = false; // missing from the latest directory import: to review
    TimePoint created_at{};
    TimePoint updated_at{};
};

// What the applicant declared as proof of being a health professional.
enum class IdentifierKind { Rpps, Adeli, Student };
std::string_view to_string(IdentifierKind k);
std::optional<IdentifierKind> identifier_kind_from_string(std::string_view s);

struct ProfessionalIdentity {
    IdentifierKind kind = IdentifierKind::Rpps;
    std::string bare_id;      // 11-digit RPPS, 9-digit ADELI; empty for students
    std::string national_id;  // "8"+RPPS or "0"+ADELI (Identification nationale PP)
};

// Result of comparing a registration with the imported national directory. It informs the
// moderator; it never validates an account by itself (names and numbers are public).
enum class PrecheckOutcome {
    Match,                  // identifier found, profession admitted, names match
    NameMismatch,           // identifier found, names differ
    ProfessionNotAdmitted,  // identifier found, profession not admitted by this instance
    NotFound,               // identifier absent from the current extract
    NoDirectory,            // no extract imported yet
    NotApplicable,          // student/intern: checked on the attestation
};
std::string_view to_string(PrecheckOutcome o);
std::optional<PrecheckOutcome> precheck_outcome_from_string(std::string_view s);

struct Precheck {
    PrecheckOutcome outcome = PrecheckOutcome::NoDirectory;
    std::optional<Id> import_id;         // which extract it was checked against
    int directory_profession_code = 0;   // what the directory says, 0 if not found
    std::string directory_name;          // "First LAST" as in the directory, moderators only
    std::string detail;                  // human-readable summary for the moderator
};

struct Attestation {
    std::string content_type;  // application/pdf, image/png or image/jpeg
    std::string data;          // raw bytes
};

// A registration as the moderation queue shows it.
struct Registration {
    Account account;
    ProfessionalIdentity identity;
    Precheck precheck;
    bool has_attestation = false;
    std::string motivation;  // free text from the applicant ("reason" in Mastodon's API)
};

} // namespace confrere::model
