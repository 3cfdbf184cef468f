// The validation queue: each pending application with its identifier, the directory
// pre-check and the attestation, approved or rejected with a reason through ModerationService
// (which decides who may moderate).
#include "core/services/access_policy.hpp"
#include "server/api/routes.hpp"
#include "server/web/routes.hpp"
#include "server/web/views.hpp"

namespace confrere::server::web {

using http::PathParams;
using http::Response;

namespace {

Value registration_value(const Visit& v, const model::Registration& r)
{
    Value item = Value::object();
    const model::Account& a = r.account;
    item.set("id", std::to_string(a.id));
    item.set("username", a.username);
    item.set("email", a.email);
    item.set("name", a.first_name + " " + a.last_name);
    item.set("kind", v.texts->text("identifier." + std::string(model::to_string(r.identity.kind))));
    item.set("identifier", r.identity.bare_id);
    item.set("profession", profession_name(v, a.profession_code));
    std::string outcome(model::to_string(r.precheck.outcome));
    item.set("outcome", outcome);
    item.set("outcome_label", v.texts->text("precheck." + outcome));
    item.set("match", r.precheck.outcome == model::PrecheckOutcome::Match);
    item.set("directory_name", r.precheck.directory_name);
    item.set("motivation", r.motivation);
    item.set("submitted", display_time(a.created_at));
    item.set("reason", ""); // what a refused rejection had typed (queue_page)
    if (r.has_attestation)
        item.set("attestation", "/api/v1/admin/accounts/" + std::to_string(a.id) + "/attestation");
    return item;
}

// A refused decision: its error, shown next to the reason field of that application when it
// names the reason, at the top otherwise; what was typed as the reason is kept.
struct Refusal {
    Id account_id = 0;
    Error error;
    std::string reason;
};

Response queue_page(Visit& v, const model::Account& me, std::string_view notice_key = {},
    const Refusal* refusal = nullptr, int status = 200)
{
    storage::AccountQuery query;
    query.state = model::AccountState::Pending;
    query.limit = 50;
    auto list = v.ctx.moderation.list(me, query);
    if (!list)
        return error_page(v, list.error());
    Value items(Value::List {});
    for (const model::Registration& r : *list) {
        Value item = registration_value(v, r);
        if (refusal != nullptr && refusal->account_id == r.account.id) {
            item.set("reason", refusal->reason);
            if (refusal->error.field == "reason")
                item.set("reason_error", translate_error(v, refusal->error));
        }
        items.push(std::move(item));
    }
    Value data = Value::object();
    data.set("registrations", std::move(items));
    if (!notice_key.empty())
        data.set("notice", v.texts->text(notice_key));
    if (refusal != nullptr && refusal->error.field != "reason")
        data.set("error", translate_error(v, refusal->error));
    return page(v, "moderation", "moderation.title", std::move(data), status);
}

Response decide(
    Visit& v, const model::Account& me, const http::Params& form, const PathParams& p, bool approve)
{
    auto id = api::parse_id(p.at("id"));
    if (!id)
        return message_page(v, 404, "error.not_found");
    auto decided = approve ? v.ctx.moderation.approve(me, *id)
                           : v.ctx.moderation.reject(me, *id, form.get_or("reason"));
    if (!decided) {
        Refusal refusal { *id, decided.error(), form.get_or("reason") };
        return queue_page(v, me, {}, &refusal, http::status_for(decided.error().kind));
    }
    v.ctx.public_cache.clear(); // the account may have appeared or vanished (WebFinger)
    return queue_page(v, me, approve ? "moderation.approved" : "moderation.rejected");
}

} // namespace

void register_moderation_pages(http::Router& router, api::Context& ctx, const WebUi& ui)
{
    add_member_page(
        router, ctx, ui, "/admin/registrations",
        [](Visit& v, const model::Account& me, const PathParams&) { return queue_page(v, me); },
        Gate::Moderator);
    for (auto [path, approve] : { std::pair { "/admin/registrations/:id/approve", true },
             std::pair { "/admin/registrations/:id/reject", false } })
        add_member_action(
            router, ctx, ui, path,
            [approve](Visit& v, const model::Account& me, const http::Params& form, const PathParams& p) {
                return decide(v, me, form, p, approve);
            },
            Gate::Moderator);
}

} // namespace confrere::server::web
