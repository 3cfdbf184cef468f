#include "server/api/account_json.hpp"

#include "core/base/text.hpp"
#include "core/model/profession.hpp"

namespace confrere::server::api {

void write_string(JsonWriter& w, const char* key, std::string_view value)
{
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void write_account_counts(JsonWriter& w, std::int64_t followers, std::int64_t following, std::int64_t statuses)
{
    w.Key("followers_count");
    w.Int64(followers);
    w.Key("following_count");
    w.Int64(following);
    w.Key("statuses_count");
    w.Int64(statuses);
    w.Key("last_status_at");
    w.Null();
    w.Key("emojis");
    w.StartArray();
    w.EndArray();
}

void write_account(JsonWriter& w, const model::Account& a, std::string_view base_url, const AccountStats& stats)
{
    std::string created = format_iso8601(a.created_at);
    std::string url = std::string(base_url) + "/@" + a.username;
    std::string avatar = std::string(base_url) + "/static/avatar.png";
    w.StartObject();
    write_string(w, "id", std::to_string(a.id));
    write_string(w, "username", a.username);
    write_string(w, "acct", a.username);
    write_string(w, "display_name", a.display_name);
    w.Key("locked");
    w.Bool(a.locked);
    w.Key("bot");
    w.Bool(false);
    w.Key("discoverable");
    w.Bool(a.discoverable);
    w.Key("group");
    w.Bool(false);
    w.Key("noindex");
    w.Bool(true);
    write_string(w, "created_at", created);
    write_string(w, "note", a.note.empty() ? std::string() : "<p>" + text::escape_html(a.note) + "</p>");
    write_string(w, "url", url);
    write_string(w, "uri", std::string(base_url) + "/users/" + a.username);
    write_string(w, "avatar", avatar);
    write_string(w, "avatar_static", avatar);
    write_string(w, "header", std::string(base_url) + "/static/header.png");
    write_string(w, "header_static", std::string(base_url) + "/static/header.png");
    write_account_counts(w, stats.followers, stats.following, stats.statuses);
    w.Key("fields");
    w.StartArray();
    if (std::string label = model::profession_label(a.profession_code); !label.empty()) {
        w.StartObject();
        write_string(w, "name", "Profession");
        write_string(w, "value", text::escape_html(label));
        w.Key("verified_at");
        // The profession was checked by a moderator when the account was approved.
        if (a.state == model::AccountState::Active)
            w.String(created.c_str(), static_cast<rapidjson::SizeType>(created.size()));
        else
            w.Null();
        w.EndObject();
    }
    if (!a.specialties.empty()) {
        // Declared by the member, so never verified.
        std::string value;
        for (const std::string& name : a.specialties)
            value += (value.empty() ? "" : ", ") + text::escape_html(name);
        w.StartObject();
        write_string(w, "name", "Spécialités");
        write_string(w, "value", value);
        w.Key("verified_at");
        w.Null();
        w.EndObject();
    }
    w.EndArray();
    w.Key("confrere_specialties");
    w.StartArray();
    for (const std::string& name : a.specialties)
        w.String(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.EndArray();
    w.EndObject();
}

std::string account_json(const model::Account& a, std::string_view base_url, const AccountStats& stats)
{
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    write_account(w, a, base_url, stats);
    return buf.GetString();
}

std::string credential_account_json(const model::Account& a, std::string_view base_url, const AccountStats& stats)
{
    // Write the Account, then reopen its object to append source and role.
    std::string account = account_json(a, base_url, stats);
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("source");
    w.StartObject();
    write_string(w, "privacy", "unlisted");
    w.Key("sensitive");
    w.Bool(false);
    write_string(w, "language", a.locale);
    write_string(w, "note", a.note);
    w.Key("fields");
    w.StartArray();
    w.EndArray();
    w.Key("follow_requests_count");
    w.Int64(stats.follow_requests);
    w.EndObject();
    w.Key("role");
    w.StartObject();
    write_string(w, "id", std::to_string(static_cast<int>(a.role)));
    write_string(w, "name", model::to_string(a.role));
    w.Key("permissions");
    w.String(model::can_moderate(a.role) ? "1" : "0");
    write_string(w, "color", "");
    w.Key("highlighted");
    w.Bool(model::can_moderate(a.role));
    w.EndObject();
    w.EndObject();
    std::string extra = buf.GetString();
    // account = "{...}", extra = "{...}": merge the two objects.
    account.pop_back();
    account += ',';
    account.append(extra, 1, std::string::npos);
    return account;
}

void write_admin_account(JsonWriter& w, const model::Registration& r, std::string_view base_url)
{
    const model::Account& a = r.account;
    w.StartObject();
    write_string(w, "id", std::to_string(a.id));
    write_string(w, "username", a.username);
    w.Key("domain");
    w.Null();
    write_string(w, "created_at", format_iso8601(a.created_at));
    write_string(w, "email", a.email);
    w.Key("ip");
    w.Null();
    w.Key("ips");
    w.StartArray();
    w.EndArray();
    write_string(w, "locale", a.locale);
    w.Key("invite_request");
    if (r.motivation.empty())
        w.Null();
    else
        w.String(r.motivation.c_str(), static_cast<rapidjson::SizeType>(r.motivation.size()));
    w.Key("role");
    w.StartObject();
    write_string(w, "id", std::to_string(static_cast<int>(a.role)));
    write_string(w, "name", model::to_string(a.role));
    w.EndObject();
    w.Key("confirmed");
    w.Bool(true);
    w.Key("approved");
    w.Bool(a.state == model::AccountState::Active || a.state == model::AccountState::Suspended);
    w.Key("disabled");
    w.Bool(a.state == model::AccountState::Rejected);
    w.Key("silenced");
    w.Bool(false);
    w.Key("suspended");
    w.Bool(a.state == model::AccountState::Suspended);
    w.Key("account");
    write_account(w, a, base_url);
    w.Key("confrere");
    w.StartObject();
    write_string(w, "state", model::to_string(a.state));
    write_string(w, "identifier_kind", model::to_string(r.identity.kind));
    write_string(w, "identifier", r.identity.bare_id);
    write_string(w, "national_id", r.identity.national_id);
    w.Key("profession_code");
    w.Int(a.profession_code);
    write_string(w, "first_name", a.first_name);
    write_string(w, "last_name", a.last_name);
    w.Key("precheck");
    w.StartObject();
    write_string(w, "outcome", model::to_string(r.precheck.outcome));
    write_string(w, "detail", r.precheck.detail);
    write_string(w, "directory_name", r.precheck.directory_name);
    w.Key("directory_profession_code");
    w.Int(r.precheck.directory_profession_code);
    w.Key("import_id");
    if (r.precheck.import_id)
        w.String(std::to_string(*r.precheck.import_id).c_str());
    else
        w.Null();
    w.EndObject();
    w.Key("has_attestation");
    w.Bool(r.has_attestation);
    write_string(w, "moderation_reason", a.moderation_reason);
    w.Key("directory_flagged");
    w.Bool(a.directory_flagged);
    w.EndObject();
    w.EndObject();
}

std::string admin_account_json(const model::Registration& r, std::string_view base_url)
{
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    write_admin_account(w, r, base_url);
    return buf.GetString();
}

} // namespace confrere::server::api
