// Names of the report enums, as storage and the API write them.
#include "core/model/report.hpp"

#include "core/model/enum_names.hpp"

namespace confrere::model {

namespace {

constexpr enum_names::Table<ReportCategory, 4> kCategoryNames { {
    { ReportCategory::Spam, "spam" },
    { ReportCategory::Legal, "legal" },
    { ReportCategory::Violation, "violation" },
    { ReportCategory::Other, "other" },
} };

constexpr enum_names::Table<ReportState, 2> kStateNames { {
    { ReportState::Open, "open" },
    { ReportState::Resolved, "resolved" },
} };

constexpr enum_names::Table<ReportAction, 3> kActionNames { {
    { ReportAction::None, "none" },
    { ReportAction::StatusesRemoved, "statuses_removed" },
    { ReportAction::AccountSuspended, "account_suspended" },
} };

using enum_names::lookup;
using enum_names::name_of;

} // namespace

std::string_view to_string(ReportCategory c) { return name_of(kCategoryNames, c); }
std::optional<ReportCategory> report_category_from_string(std::string_view s) { return lookup(kCategoryNames, s); }
std::string_view to_string(ReportState s) { return name_of(kStateNames, s); }
std::optional<ReportState> report_state_from_string(std::string_view s) { return lookup(kStateNames, s); }
std::string_view to_string(ReportAction a) { return name_of(kActionNames, a); }
std::optional<ReportAction> report_action_from_string(std::string_view s) { return lookup(kActionNames, s); }

} // namespace confrere::model
