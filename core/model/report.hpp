// Plain model types of reports: a member tells the moderators that an account (local or of
// another instance) breaks the charter, optionally naming some of its statuses. No behaviour.
#pragma once

#include "core/base/id.hpp"
#include "core/base/time.hpp"
#include "core/model/federation.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confrere::model {

// Mastodon's report categories ("spam", "legal", "violation", "other").
enum class ReportCategory { Spam, Legal, Violation, Other };
std::string_view to_string(ReportCategory c);
std::optional<ReportCategory> report_category_from_string(std::string_view s);

enum class ReportState { Open, Resolved };
std::string_view to_string(ReportState s);
std::optional<ReportState> report_state_from_string(std::string_view s);

// What the moderator did when resolving: "none" (dismissed), "statuses_removed",
// "account_suspended".
enum class ReportAction { None, StatusesRemoved, AccountSuspended };
std::string_view to_string(ReportAction a);
std::optional<ReportAction> report_action_from_string(std::string_view s);

struct Report {
    Id id = 0;
    Id reporter_id = 0; // a local account; never shown to the reported member
    ActorRef target; // the reported account, local or remote
    ReportCategory category = ReportCategory::Other;
    std::string comment; // plain text, at most kMaxReportCommentCharacters code points
    std::vector<Id> status_ids; // statuses of `target` the reporter named
    ReportState state = ReportState::Open;
    ReportAction action = ReportAction::None;
    std::optional<Id> resolved_by; // the moderator who resolved it last
    std::optional<TimePoint> resolved_at;
    std::optional<Id> assigned_to; // the moderator handling it
    TimePoint created_at {};
    TimePoint updated_at {};
};

} // namespace confrere::model
