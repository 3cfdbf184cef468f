// Registration (Mastodon POST /api/v1/accounts with the professional fields) and member-facing
// account reads.
#include "core/services/access_policy.hpp"
#include "server/api/account_json.hpp"
#include "server/api/routes.hpp"
#include "server/http/form.hpp"

#include <charconv>

namespace confrere::server::api {

using http::Request;
using http::Response;
using http::PathParams;

Result<Id> parse_id(std::string_view text)
{
    Id id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id <= 0)
        return fail(ErrorKind::NotFound, "Record not found");
    return id;
}

Result<AccountStats> account_stats(Context& ctx, Id account_id)
{
    AccountStats stats;
    auto done = ctx.store.read([&](storage::Repositories& repos) -> Status {
        const auto me = model::local_actor(account_id);
        auto followers = repos.follows().count_followers(me, model::FollowState::Accepted);
        auto following = repos.follows().count_following(me, model::FollowState::Accepted);
        auto requests = repos.follows().count_followers(me, model::FollowState::Pending);
        auto statuses = repos.statuses().count_by_author(me);
        if (!followers || !following || !requests || !statuses)
            return fail(ErrorKind::Internal, "Counting follows and statuses failed.");
        stats = AccountStats{*followers, *following, *requests, *statuses};
        return ok();
    });
    if (!done)
        return forward(done);
    return stats;
}

Result<services::RegistrationRequest> registration_request(const http::Params& params)
{
    services::RegistrationRequest r;
    r.username = params.get_or("username");
    r.email = params.get_or("email");
    r.password = params.get_or("password");
    r.first_name = params.get_or("first_name");
    r.last_name = params.get_or("last_name");
    r.identifier_kind = params.get_or("identifier_kind");
    r.identifier = params.get_or("identifier");
    r.locale = params.get_or("locale", "fr");
    r.motivation = params.get_or("reason");
    r.agreement = params.flag("agreement");
    if (auto code = params.get("profession_code"); code && !code->empty()) {
        auto parsed = parse_id(*code);
        if (!parsed || *parsed > 99)
            return fail(ErrorKind::Unprocessable, "Unknown profession code.", {}, "profession_code");
        r.profession_code = static_cast<int>(*parsed);
    }
    if (auto file = params.files.find("attestation"); file != params.files.end())
        r.attestation = model::Attestation{file->second.content_type, file->second.data};
    return r;
}

namespace {

Response handle_register(Context& ctx, const Request& req)
{
    if (auto refused = refuse_if_rate_limited(ctx, req, {"registration", ctx.config.registrations, ctx.config.registration_window}))
        return *refused;
    auto params = http::parse_params(req);
    if (!params)
        return http::error_response(params.error());
    auto r = registration_request(*params);
    if (!r)
        return http::error_response(r.error());
    auto account = ctx.registrations.register_applicant(*r);
    if (!account)
        return http::error_response(account.error());
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    write_string(w, "id", std::to_string(account->id));
    write_string(w, "username", account->username);
    write_string(w, "state", model::to_string(account->state));
    write_string(w, "message", "Your registration is waiting for a moderator's validation.");
    w.EndObject();
    return http::json_response(200, buf.GetString());
}

// The caller's own registration status: the one thing a pending account may read.
Response handle_registration_status(Context& ctx, const Request& req)
{
    auto caller = authenticate(ctx, req);
    if (!caller)
        return http::error_response(caller.error());
    const model::Account& a = caller->auth.account;
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    write_string(w, "id", std::to_string(a.id));
    write_string(w, "username", a.username);
    write_string(w, "state", model::to_string(a.state));
    write_string(w, "role", model::to_string(a.role));
    if (a.state == model::AccountState::Rejected || a.state == model::AccountState::Suspended)
        write_string(w, "reason", a.moderation_reason);
    w.EndObject();
    return http::json_response(200, buf.GetString());
}

Response handle_verify_credentials(Context& ctx, const Request& req)
{
    auto caller = authenticate(ctx, req, "read:accounts");
    if (!caller)
        return http::error_response(caller.error());
    // Partners may see their own account; pending and suspended accounts may not.
    const model::Account& a = caller->auth.account;
    if (a.state != model::AccountState::Active)
        if (auto rc = services::require_member_reader(a); !rc)
            return http::error_response(rc.error());
    auto stats = account_stats(ctx, a.id);
    if (!stats)
        return http::error_response(stats.error());
    return http::json_response(200, credential_account_json(a, ctx.base_url, *stats));
}

Response with_account(Context& ctx, const Request& req,
                      const std::function<Result<std::optional<model::Account>>(storage::Repositories&)>& find)
{
    auto caller = authenticate_member(ctx, req, "read:accounts");
    if (!caller)
        return http::error_response(caller.error());
    std::optional<model::Account> found;
    Status done = ctx.store.read([&](storage::Repositories& repos) -> Status {
        auto a = find(repos);
        if (!a)
            return forward(a);
        found = std::move(*a);
        return ok();
    });
    if (!done)
        return http::error_response(done.error());
    // Only validated members are visible to other members.
    if (!found || !services::is_discoverable_identity(*found))
        return http::error_response(Error{ErrorKind::NotFound, "Record not found", {}, {}});
    auto stats = account_stats(ctx, found->id);
    if (!stats)
        return http::error_response(stats.error());
    stats->follow_requests = 0; // someone else's pending requests are theirs to see
    return http::json_response(200, account_json(*found, ctx.base_url, *stats));
}

} // namespace

void register_account_routes(http::Router& router, Context& ctx)
{
    router.add("POST", "/api/v1/accounts",
               [&ctx](const Request& req, const PathParams&) { return handle_register(ctx, req); },
               http::RouteLimits{ctx.config.max_upload_bytes});
    router.add("GET", "/api/v1/confrere/registration",
               [&ctx](const Request& req, const PathParams&) { return handle_registration_status(ctx, req); });
    router.add("GET", "/api/v1/accounts/verify_credentials",
               [&ctx](const Request& req, const PathParams&) { return handle_verify_credentials(ctx, req); });
    router.add("GET", "/api/v1/accounts/lookup", [&ctx](const Request& req, const PathParams&) {
        std::string acct = req.query_param("acct").value_or("");
        if (acct.starts_with('@'))
            acct.erase(0, 1);
        // "user@ourhost" is a local account; any other host is looked up on that peer.
        if (auto at = acct.find('@'); at != std::string::npos) {
            if (acct.substr(at + 1) != ctx.host)
                return remote_lookup(ctx, req, acct);
            acct.resize(at);
        }
        Response local = with_account(ctx, req, [&acct](storage::Repositories& r) { return r.accounts().find_by_username(acct); });
        if (local.status == 404)
            if (auto caller = authenticate_member(ctx, req); caller)
                if (auto group = group_account_response(ctx, caller->auth.account, std::nullopt, acct); group)
                    return std::move(*group);
        return local;
    });
    router.add("GET", "/api/v1/accounts/:id", [&ctx](const Request& req, const PathParams& p) {
        auto id = parse_id(p.at("id"));
        if (!id) {
            // Authentication first: an anonymous caller learns nothing, not even "not found".
            if (auto caller = authenticate_member(ctx, req); !caller)
                return http::error_response(caller.error());
            return http::error_response(id.error());
        }
        auto caller = authenticate_member(ctx, req);
        if (!caller)
            return http::error_response(caller.error());
        Response local = with_account(ctx, req, [id = *id](storage::Repositories& r) { return r.accounts().find_by_id(id); });
        if (local.status != 404)
            return local;
        if (auto group = group_account_response(ctx, caller->auth.account, *id); group)
            return std::move(*group);
        return remote_account(ctx, *id);
    });
}

} // namespace confrere::server::api
