#include "core/services/instance_settings.hpp"

#include "core/base/log.hpp"
#include "core/base/text.hpp"
#include "core/services/access_policy.hpp"
#include "core/services/registration_service.hpp"

#include <algorithm>

namespace confrere::services {

namespace {

// The keys of the settings table; "instance.registration" holds the configuration file's
// words ("approval" or "closed").
constexpr std::string_view kNameKey = "instance.name";
constexpr std::string_view kDescriptionKey = "instance.description";
constexpr std::string_view kContactKey = "instance.contact_email";
constexpr std::string_view kRegistrationKey = "instance.registration";
constexpr std::string_view kRulesKey = "instance.rules";

Error invalid(std::string field, std::string message)
{
    return Error { ErrorKind::Unprocessable, std::move(message), {}, std::move(field) };
}

// Control characters other than the line breaks of a description have no place in a setting.
bool has_control(std::string_view s, bool allow_newlines)
{
    return std::any_of(s.begin(), s.end(), [allow_newlines](unsigned char c) {
        if (allow_newlines && (c == '\n' || c == '\r' || c == '\t'))
            return false;
        return c < 0x20 || c == 0x7f;
    });
}

std::string join_lines(const std::vector<std::string>& lines)
{
    std::string joined;
    for (const std::string& line : lines) {
        if (!joined.empty())
            joined += '\n';
        joined += line;
    }
    return joined;
}

// Surrounding spaces are not part of a value (the form keeps what was typed).
InstanceSettings normalised(InstanceSettings s)
{
    s.name = std::string(text::trim(s.name));
    s.description = std::string(text::trim(s.description));
    s.contact_email = std::string(text::trim(s.contact_email));
    return s;
}

} // namespace

std::vector<std::string> rules_from_lines(std::string_view text)
{
    std::vector<std::string> rules;
    while (!text.empty()) {
        std::size_t end = text.find('\n');
        std::string_view line = text::trim(text.substr(0, end));
        if (!line.empty())
            rules.emplace_back(line);
        if (end == std::string_view::npos)
            break;
        text.remove_prefix(end + 1);
    }
    return rules;
}

InstanceSettingsService::InstanceSettingsService(storage::Store& store, InstanceSettings defaults)
    : store_(store)
    , defaults_(std::move(defaults))
{
}

Result<InstanceSettings> InstanceSettingsService::load() const
{
    return storage::read_value(store_, [&](storage::Repositories& repos) -> Result<InstanceSettings> {
        InstanceSettings s = defaults_;
        for (auto [key, target] : { std::pair { kNameKey, &s.name }, std::pair { kDescriptionKey, &s.description },
                 std::pair { kContactKey, &s.contact_email } }) {
            auto value = repos.settings().get(key);
            if (!value)
                return forward(value);
            if (*value)
                *target = std::move(**value);
        }
        auto registration = repos.settings().get(kRegistrationKey);
        if (!registration)
            return forward(registration);
        if (*registration)
            s.registrations_open = **registration != "closed";
        auto rules = repos.settings().get(kRulesKey);
        if (!rules)
            return forward(rules);
        if (*rules)
            s.rules = rules_from_lines(**rules);
        return s;
    });
}

Result<InstanceSettings> InstanceSettingsService::current() const
{
    std::lock_guard lock(mutex_);
    if (!cached_) {
        auto loaded = load();
        if (!loaded)
            return forward(loaded);
        cached_ = std::move(*loaded);
    }
    return *cached_;
}

InstanceSettings InstanceSettingsService::current_or_defaults() const
{
    auto settings = current();
    return settings ? std::move(*settings) : defaults_;
}

std::vector<Error> InstanceSettingsService::field_errors(const InstanceSettings& typed) const
{
    InstanceSettings s = normalised(typed);
    std::vector<Error> errors;
    std::size_t name_length = text::count_code_points(s.name);
    if (text::trim(s.name).empty())
        errors.push_back(invalid("name", "The instance needs a name."));
    else if (!text::is_valid_utf8(s.name) || has_control(s.name, false) || name_length > kMaxInstanceNameLength)
        errors.push_back(invalid("name", "An instance name has at most 100 characters, on one line."));
    if (!text::is_valid_utf8(s.description) || has_control(s.description, true)
        || text::count_code_points(s.description) > kMaxInstanceDescriptionLength)
        errors.push_back(invalid("description", "A description has at most 2000 characters."));
    if (!s.contact_email.empty() && !validate_email(s.contact_email))
        errors.push_back(invalid("contact_email", "This e-mail address is not valid."));
    if (s.rules.size() > kMaxRules)
        errors.push_back(invalid("rules", "An instance has at most 20 rules."));
    else if (std::any_of(s.rules.begin(), s.rules.end(), [](const std::string& rule) {
                 return !text::is_valid_utf8(rule) || has_control(rule, false)
                     || text::count_code_points(rule) > kMaxRuleLength;
             }))
        errors.push_back(invalid("rules", "A rule has at most 300 characters."));
    return errors;
}

Result<InstanceSettings> InstanceSettingsService::update(const model::Account& actor, InstanceSettings s)
{
    if (auto allowed = require_admin(actor); !allowed)
        return forward(allowed);
    s = normalised(std::move(s));
    if (auto errors = field_errors(s); !errors.empty())
        return std::unexpected(std::move(errors.front()));

    std::lock_guard lock(mutex_);
    Status done = store_.write([&](storage::Repositories& repos) -> Status {
        for (auto [key, value] : { std::pair { kNameKey, std::string_view(s.name) },
                 std::pair { kDescriptionKey, std::string_view(s.description) },
                 std::pair { kContactKey, std::string_view(s.contact_email) },
                 std::pair { kRegistrationKey, std::string_view(s.registrations_open ? "approval" : "closed") } })
            if (auto put = repos.settings().put(key, value); !put)
                return put;
        return repos.settings().put(kRulesKey, join_lines(s.rules));
    });
    if (!done)
        return forward(done);
    cached_ = s;
    log::info("instance_settings_changed", { { "account_id", actor.id } });
    return s;
}

} // namespace confrere::services
