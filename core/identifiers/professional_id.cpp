#include "core/identifiers/professional_id.hpp"

#include "core/base/text.hpp"

#include <cstdio>
#include <string>

namespace confrere::identifiers {

namespace {

constexpr std::string_view kField = "identifier";

// What distinguishes RPPS from ADELI, so that one code path checks both (health-domain.md
// §1.2-1.4): bare length, the national-form prefix, and the other kind's shape for hints.
struct Scheme {
    model::IdentifierKind kind;
    std::string_view name;        // "RPPS"
    std::string_view article;     // "An" (both names start with a vowel sound)
    std::size_t length;           // bare digits
    char national_prefix;         // '8' for RPPS, '0' for ADELI
    std::string_view other_name;  // the kind people confuse it with
    std::size_t other_length;
    char other_prefix;
};

constexpr Scheme kRpps{model::IdentifierKind::Rpps, "RPPS", "An", 11, '8', "ADELI", 9, '0'};
constexpr Scheme kAdeli{model::IdentifierKind::Adeli, "ADELI", "An", 9, '0', "RPPS", 11, '8'};

Result<model::ProfessionalIdentity> refuse(std::string message, std::string detail)
{
    return fail(ErrorKind::Unprocessable, std::move(message), std::move(detail),
                std::string(kField));
}

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

// Length of the UTF-8 sequence announced by `lead`; 1 for a byte that cannot start one.
std::size_t utf8_length(unsigned char lead)
{
    if (lead >= 0xC2 && lead <= 0xDF)
        return 2;
    if (lead >= 0xE0 && lead <= 0xEF)
        return 3;
    if (lead >= 0xF0 && lead <= 0xF4)
        return 4;
    return 1;
}

// The offending character as it can be shown back: itself if printable, its code point if a
// control character. Invalid UTF-8 is never echoed: the message ends up in JSON.
std::string quote_character(std::string_view rest)
{
    const auto lead = static_cast<unsigned char>(rest[0]);
    if (lead < 0x20 || lead == 0x7F) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "U+%04X", unsigned(lead));
        return buf;
    }
    const std::size_t len = utf8_length(lead);
    if ((len == 1 && lead >= 0x80) || len > rest.size()
        || !text::is_valid_utf8(rest.substr(0, len)))
        return "an invalid byte";
    return "'" + std::string(rest.substr(0, len)) + "'";
}

// Length of a separator people type or paste inside a number at the start of `s`, or 0:
// ASCII whitespace, '.', '-', NO-BREAK SPACE (U+00A0) and NARROW NO-BREAK SPACE (U+202F,
// the French thousands separator in word processors).
std::size_t separator_length(std::string_view s)
{
    switch (s[0]) {
    case ' ': case '\t': case '\n': case '\r': case '\v': case '\f': case '.': case '-':
        return 1;
    default:
        break;
    }
    if (s.starts_with("\xC2\xA0"))
        return 2;
    if (s.starts_with("\xE2\x80\xAF"))
        return 3;
    return 0;
}

std::string count_phrase(std::size_t n)
{
    return std::to_string(n) + (n == 1 ? " was given" : " were given");
}

Result<model::ProfessionalIdentity> parse_number(const Scheme& scheme, std::string_view input)
{
    const std::string name(scheme.name);
    std::string digits;
    digits.reserve(input.size());
    for (std::size_t i = 0; i < input.size();) {
        const std::string_view rest = input.substr(i);
        if (const std::size_t sep = separator_length(rest); sep > 0) {
            i += sep;
            continue;
        }
        if (!is_digit(rest[0]))
            return refuse("The " + name + " number must contain digits only (found "
                              + quote_character(rest) + ").",
                          name + ": non-digit character");
        digits += rest[0];
        ++i;
    }

    if (digits.empty())
        return refuse("The " + name + " number is empty.", name + ": empty");

    const std::size_t n = digits.size();
    std::string bare;
    if (n == scheme.length) {
        bare = digits;
    } else if (n == scheme.length + 1 && digits[0] == scheme.national_prefix) {
        bare = digits.substr(1);  // the national form; its prefix digit breaks Luhn (§1.1)
    } else {
        std::string message = std::string(scheme.article) + " " + name + " number has "
            + std::to_string(scheme.length) + " digits (" + std::to_string(scheme.length + 1)
            + " with the leading " + scheme.national_prefix + " of the national form); "
            + count_phrase(n) + ".";
        // The usual mistake is choosing the wrong kind, not mistyping eleven digits.
        const bool looks_like_other = n == scheme.other_length
            || (n == scheme.other_length + 1 && digits[0] == scheme.other_prefix);
        if (looks_like_other)
            message += " It looks like an " + std::string(scheme.other_name)
                + " number: choose " + std::string(scheme.other_name) + " if that is what you have.";
        return refuse(std::move(message), name + ": " + std::to_string(n) + " digits");
    }

    if (!luhn_valid(bare))
        return refuse("The check digit of this " + name
                          + " number is wrong: please check for a typo.",
                      name + ": bad check digit");

    model::ProfessionalIdentity identity;
    identity.kind = scheme.kind;
    identity.national_id = scheme.national_prefix + bare;
    identity.bare_id = std::move(bare);
    return identity;
}

} // namespace

bool luhn_valid(std::string_view digits)
{
    if (digits.empty())
        return false;
    int sum = 0;
    bool doubled = false;  // the check digit itself (rightmost) is not doubled
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        if (!is_digit(*it))
            return false;
        int d = *it - '0';
        if (doubled) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
        doubled = !doubled;
    }
    return sum % 10 == 0;
}

Result<model::ProfessionalIdentity> parse(model::IdentifierKind kind, std::string_view input)
{
    switch (kind) {
    case model::IdentifierKind::Rpps:
        return parse_number(kRpps, input);
    case model::IdentifierKind::Adeli:
        return parse_number(kAdeli, input);
    case model::IdentifierKind::Student:
        // Students prove their status with an attestation, checked by a moderator.
        return model::ProfessionalIdentity{model::IdentifierKind::Student, {}, {}};
    }
    return refuse("Unknown identifier kind.", "kind out of range");
}

} // namespace confrere::identifiers
