#include "core/services/profile_service.hpp"

#include "core/base/text.hpp"
#include "core/services/access_policy.hpp"
#include "core/services/hashtags.hpp"

#include <algorithm>

namespace confrere::services {

namespace {

// Plain text of at most `max` code points, valid UTF-8 without control characters but newlines.
Status check_profile_text(std::string_view value, std::size_t max, const char* field, const char* what)
{
    if (!text::is_valid_utf8(value))
        return fail(ErrorKind::Unprocessable, std::string(what) + " is not valid UTF-8 text.", {}, field);
    for (char c : value)
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r' && c != '\t')
            return fail(
                ErrorKind::Unprocessable, std::string(what) + " contains control characters.", {}, field);
    if (text::count_code_points(value) > max)
        return fail(ErrorKind::Unprocessable,
            std::string(what) + " is too long (maximum is " + std::to_string(max) + " characters).", {},
            field);
    return ok();
}

} // namespace

Result<std::vector<std::string>> normalize_specialties(const std::vector<std::string>& typed)
{
    std::vector<std::string> out;
    for (std::string_view name : typed) {
        if (text::trim(name).empty())
            continue;
        auto normalized = normalize_specialty(name);
        if (!normalized)
            return fail(ErrorKind::Unprocessable,
                "A specialty is one word or hashtag of at most " + std::to_string(kMaxSpecialtyCharacters)
                    + " characters.",
                {}, "confrere_specialties");
        if (std::find(out.begin(), out.end(), *normalized) == out.end())
            out.push_back(std::move(*normalized));
    }
    if (out.size() > kMaxSpecialties)
        return fail(ErrorKind::Unprocessable,
            "At most " + std::to_string(kMaxSpecialties) + " specialties.", {}, "confrere_specialties");
    return out;
}

Result<model::Account> ProfileService::update(const model::Account& member, const ProfileChange& change)
{
    if (auto allowed = require_member_reader(member); !allowed)
        return forward(allowed);
    model::Account updated = member;
    if (change.display_name) {
        std::string_view name = text::trim(*change.display_name);
        if (auto valid = check_profile_text(name, kMaxDisplayNameCharacters, "display_name", "Display name");
            !valid)
            return forward(valid);
        updated.display_name = std::string(name);
    }
    if (change.note) {
        std::string_view note = text::trim(*change.note);
        if (auto valid = check_profile_text(note, kMaxNoteCharacters, "note", "Bio"); !valid)
            return forward(valid);
        updated.note = std::string(note);
    }
    if (change.locked)
        updated.locked = *change.locked;
    if (change.discoverable)
        updated.discoverable = *change.discoverable;
    if (change.specialties) {
        auto specialties = normalize_specialties(*change.specialties);
        if (!specialties)
            return forward(specialties);
        updated.specialties = std::move(*specialties);
    }
    if (change.locale && (*change.locale == "fr" || *change.locale == "en"))
        updated.locale = *change.locale;
    updated.updated_at = clock_.now();
    auto done = store_.write([&](storage::Repositories& repos) -> Status {
        return repos.accounts().update_profile(updated, updated.updated_at);
    });
    if (!done)
        return forward(done);
    return updated;
}

} // namespace confrere::services
