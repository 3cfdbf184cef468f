// Reports: members tell the moderators that an account breaks the charter (a patient
// identified, a drug brand named in an interdisciplinary exchange, advertising, disrespect…);
// moderators and admins handle the queue. The one place of these rules, for the client API
// and the web UI alike.
#pragma once

#include "core/base/id.hpp"
#include "core/base/result.hpp"
#include "core/model/account.hpp"
#include "core/model/federation.hpp"
#include "core/model/report.hpp"
#include "storage/store.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace confrere::services {

class ModerationService;
class SocialService;

inline constexpr std::size_t kMaxReportCommentCharacters = 1000; // code points
inline constexpr std::size_t kMaxReportedStatuses = 20;

struct NewReport {
    model::ActorRef target;
    std::vector<Id> status_ids; // statuses of `target` the reporter can read
    model::ReportCategory category = model::ReportCategory::Other;
    std::string comment; // plain text
};

// How a moderator resolves a report.
enum class ReportResolution { Dismiss, RemoveStatuses, Suspend };

// A report with what a moderator needs to judge it: the reported statuses as they were
// (content included even outside the moderator's audience: that is the point of a report;
// deleted ones too, marked so).
struct ReportDetails {
    model::Report report;
    std::vector<model::Status> statuses;
};

class ReportService {
public:
    ReportService(storage::Store& store, const Clock& clock, IdGenerator& ids, SocialService& social,
        ModerationService& moderation)
        : store_(store)
        , clock_(clock)
        , ids_(ids)
        , social_(social)
        , moderation_(moderation)
    { }

    // An active member reports an account. Unprocessable: oneself (field "account_id"), a
    // comment over kMaxReportCommentCharacters or not UTF-8 ("comment"), more than
    // kMaxReportedStatuses statuses or a status of another account ("status_ids"); NotFound
    // (field "account_id") for an unknown account; NotFound ("status_ids") for a status the
    // reporter cannot read (nothing tells a hidden status from a missing one).
    Result<model::Report> file(const model::Account& reporter, NewReport request);

    // The queue, newest first. Forbidden unless `moderator` is an active moderator or admin.
    Result<std::vector<model::Report>> list(const model::Account& moderator, const storage::ReportQuery& query);
    // One report and its statuses. Forbidden as list(); NotFound.
    Result<ReportDetails> find(const model::Account& moderator, Id report_id);

    // Resolves an open report (Conflict if resolved already): Dismiss; RemoveStatuses removes
    // the reported statuses (SocialService::remove_as_moderator: federated Deletes go out) —
    // Unprocessable when the report names none; Suspend suspends the target through
    // ModerationService (Unprocessable for a remote target: a remote account is not ours to
    // suspend). The sanction comes first: a failure leaves the report open, to try again.
    Result<model::Report> resolve(const model::Account& moderator, Id report_id, ReportResolution resolution);
    // Opens a resolved report again (Conflict if open). The action taken stays recorded.
    Result<model::Report> reopen(const model::Account& moderator, Id report_id);
    Result<model::Report> assign_to_self(const model::Account& moderator, Id report_id);
    Result<model::Report> unassign(const model::Account& moderator, Id report_id);

    // Open reports, for the moderators' navigation. Forbidden as list().
    Result<std::int64_t> open_count(const model::Account& moderator);

private:
    Result<model::Report> change(const model::Account& moderator, Id report_id,
        const std::function<Status(model::Report&)>& edit);
    storage::Store& store_;
    const Clock& clock_;
    IdGenerator& ids_;
    SocialService& social_;
    ModerationService& moderation_;
};

} // namespace confrere::services
