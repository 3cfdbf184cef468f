// French health-professional identifiers: RPPS and ADELI, with their Luhn check keys.
// Facts: ../shared/notes/health-domain.md §1 (ANS MOS, Professionnel.idNatPS).
#pragma once

#include "core/base/result.hpp"
#include "core/model/account.hpp"

#include <string_view>

namespace confrere::identifiers {

// Luhn (mod 10) over a string of ASCII digits, the check digit being the last one.
// False for an empty string or any non-digit.
bool luhn_valid(std::string_view digits);

// Parses an identifier as typed by an applicant. Spaces, dots and hyphens are ignored.
//  - Rpps: 11 digits with a valid Luhn key, or the national form "8" + RPPS (12 digits).
//  - Adeli: 9 digits with a valid Luhn key, or the national form "0" + ADELI (10 digits).
//  - Student: no number is required; returns an identity with empty ids.
// Errors (ErrorKind::Unprocessable, field "identifier") say precisely what is wrong: empty,
// non-digit character, wrong length (with the count), wrong check key.
Result<model::ProfessionalIdentity> parse(model::IdentifierKind kind, std::string_view input);

} // namespace confrere::identifiers
