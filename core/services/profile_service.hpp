// A member's own profile (Mastodon's update_credentials) and finding members by name.
#pragma once

#include "core/base/id.hpp"
#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/model/account.hpp"
#include "core/model/federation.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace confrere::services {

// Mastodon's limits on profile text, in code points.
inline constexpr std::size_t kMaxDisplayNameCharacters = 100;
inline constexpr std::size_t kMaxNoteCharacters = 500;

// What a member changes; an unset member stays as it is.
struct ProfileChange {
    std::optional<std::string> display_name; // plain text
    std::optional<std::string> note; // plain text (rendered escaped)
    std::optional<bool> locked;
    std::optional<bool> discoverable; // listed in the members' directory and search
    std::optional<std::string> locale; // "fr" or "en"; anything else is ignored
    // Replaces the specialty tags, as typed ("#plaies", "Diabétologie"); empty strings are
    // skipped, so a list of one empty string clears them.
    std::optional<std::vector<std::string>> specialties;
};

// The specialty tags a member typed, normalised (normalize_specialty), duplicates dropped, in
// order. Unprocessable (field "confrere_specialties") for one that is not a tag or too long,
// or for more than kMaxSpecialties.
Result<std::vector<std::string>> normalize_specialties(const std::vector<std::string>& typed);

class ProfileService {
public:
    ProfileService(storage::Store& store, const Clock& clock)
        : store_(store)
        , clock_(clock)
    { }

    // Applies `change` to the member's own profile in one transaction and returns the account
    // as stored. Unprocessable (field "display_name" or "note") for text too long or not UTF-8;
    // nothing is written then; likewise for specialties (normalize_specialties). Forbidden for a
    // pending, rejected or suspended account.
    Result<model::Account> update(const model::Account& member, const ProfileChange& change);

private:
    storage::Store& store_;
    const Clock& clock_;
};

} // namespace confrere::services
