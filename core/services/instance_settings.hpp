// The instance's presentation and admission settings an admin changes from the web page (or
// the API will): name, description, contact e-mail, whether registrations are open, and the
// charter's rules. Stored in the key-value `settings` table; the configuration file's values
// are the defaults until an admin saves. Read on every page, so the current values are cached
// and replaced on each save (one process owns the database).
#pragma once

#include "core/base/result.hpp"
#include "core/model/account.hpp"
#include "storage/store.hpp"

#include <mutex>
#include <string>
#include <vector>

namespace confrere::services {

struct InstanceSettings {
    std::string name;
    std::string description;
    std::string contact_email;     // empty: none published
    bool registrations_open = true; // false: the forms and POST /api/v1/accounts refuse
    std::vector<std::string> rules; // the charter's articles, in order (Mastodon's Rule ids 1…n)
};

// Limits of each field, in Unicode code points (rules: at most kMaxRules of kMaxRuleLength).
inline constexpr std::size_t kMaxInstanceNameLength = 100;
inline constexpr std::size_t kMaxInstanceDescriptionLength = 2000;
inline constexpr std::size_t kMaxRules = 20;
inline constexpr std::size_t kMaxRuleLength = 300;

// The rules as typed in a text area: one per line, blank lines and surrounding spaces dropped.
std::vector<std::string> rules_from_lines(std::string_view text);

class InstanceSettingsService {
public:
    InstanceSettingsService(storage::Store& store, InstanceSettings defaults);

    // The settings in force: the stored values over the defaults. Internal only when the
    // database cannot be read (the first time; later reads come from the cache).
    Result<InstanceSettings> current() const;
    // current(), or the defaults when the database cannot be read (what a page title shows).
    InstanceSettings current_or_defaults() const;

    // Every invalid field at once (Unprocessable, field named as the form's: "name",
    // "description", "contact_email", "rules"), empty when all are valid.
    std::vector<Error> field_errors(const InstanceSettings& settings) const;

    // Validates and stores every field in one transaction (nothing written on error).
    // Forbidden unless `actor` is an admin; Unprocessable with the first field error.
    Result<InstanceSettings> update(const model::Account& actor, InstanceSettings settings);

private:
    Result<InstanceSettings> load() const;

    storage::Store& store_;
    InstanceSettings defaults_;
    mutable std::mutex mutex_;
    mutable std::optional<InstanceSettings> cached_;
};

} // namespace confrere::services
