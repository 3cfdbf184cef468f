// Registration with the professional identifier, and the status page a pending applicant sees.
// The rules are RegistrationService's (the same as POST /api/v1/accounts).
#include "server/api/routes.hpp"
#include "server/web/routes.hpp"

namespace confrere::server::web {

using http::PathParams;
using http::Response;

namespace {

// The fields shown back after an error: what was typed, the password excepted.
constexpr std::string_view kKeptFields[] = { "username", "email", "first_name", "last_name",
    "identifier_kind", "identifier", "profession_code", "reason" };

Response register_page(
    Visit& v, const http::Params* typed = nullptr, std::span<const Error> errors = {}, int status = 200)
{
    Value values = Value::object();
    if (typed != nullptr) {
        for (std::string_view field : kKeptFields)
            values.set(field, typed->get_or(field));
        values.set("agreement", typed->flag("agreement"));
    }
    std::string kind = typed != nullptr ? typed->get_or("identifier_kind", "rpps") : "rpps";
    Value kinds(Value::List {});
    for (std::string_view k : { "rpps", "adeli", "student" }) {
        Value option = Value::object();
        option.set("value", k);
        option.set("label", v.texts->text("identifier." + std::string(k)));
        option.set("selected", kind == k);
        kinds.push(std::move(option));
    }
    std::string profession = typed != nullptr ? typed->get_or("profession_code") : "";
    Value professions(Value::List {});
    for (int code : v.ctx.config.professions) {
        Value option = Value::object();
        option.set("value", std::to_string(code));
        option.set("label", profession_name(v, code));
        option.set("selected", profession == std::to_string(code));
        professions.push(std::move(option));
    }
    Value rules(Value::List {});
    for (const std::string& rule : api::instance_settings(v.ctx).rules)
        rules.push(Value(rule));
    Value data = Value::object();
    data.set("has_rules", rules.truthy());
    data.set("rules", std::move(rules));
    data.set("values", std::move(values));
    data.set("kinds", std::move(kinds));
    data.set("professions", std::move(professions));
    data.set("error", field_errors(v, errors));
    data.set("has_errors", !errors.empty());
    return page(v, "register", "register.title", std::move(data), status);
}

Response submit_registration(Visit& v)
{
    if (v.session)
        return redirect(v, "/");
    if (!v.ctx.registrations.registrations_open())
        return message_page(v, 403, "register.closed");
    Response refusal;
    auto form = read_form(
        v, refusal, { "registration", v.ctx.config.registrations, v.ctx.config.registration_window });
    if (!form)
        return refusal;
    auto request = api::registration_request(*form);
    if (!request)
        return register_page(v, &*form, std::span(&request.error(), 1), 422);
    auto account = v.ctx.registrations.register_applicant(*request);
    if (!account) {
        // Every field in error at once, next to each; the refusal itself first (a taken
        // username is known only once the others are valid).
        std::vector<Error> errors { account.error() };
        if (account.error().kind == ErrorKind::Unprocessable)
            for (Error& e : v.ctx.registrations.field_errors(*request))
                errors.push_back(std::move(e));
        return register_page(v, &*form, errors, http::status_for(account.error().kind));
    }
    // The applicant is signed in at once: the status page is all a pending account may see.
    auto signed_in = v.ctx.auth.sign_in(request->username, request->password);
    if (!signed_in)
        return redirect(v, "/login");
    return signed_in_redirect(v, *signed_in, "/registration");
}

Response status_page(Visit& v)
{
    if (!v.session)
        return redirect(v, "/login");
    if (v.session->account.state != model::AccountState::Pending)
        return redirect(v, "/");
    return page(v, "registration", "registration.title", Value::object());
}

} // namespace

void register_registration_routes(http::Router& router, api::Context& ctx, const WebUi& ui)
{
    add_page(router, ctx, ui, "GET", "/register", [](Visit& v, const PathParams&) {
        if (v.session)
            return redirect(v, "/");
        if (!v.ctx.registrations.registrations_open())
            return message_page(v, 403, "register.closed");
        return register_page(v);
    });
    add_page(
        router, ctx, ui, "POST", "/register",
        [](Visit& v, const PathParams&) { return submit_registration(v); },
        static_cast<std::size_t>(ctx.config.max_upload_bytes));
    add_page(
        router, ctx, ui, "GET", "/registration", [](Visit& v, const PathParams&) { return status_page(v); });
}

} // namespace confrere::server::web
