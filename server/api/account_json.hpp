// Mastodon entities for accounts: Account, CredentialAccount, Admin::Account.
#pragma once

#include "core/model/account.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace confrere::server::api {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(JsonWriter& w, const char* key, std::string_view value);

// The counters of an Account entity and what follows them up to its fields: followers_count,
// following_count, statuses_count, last_status_at (null), emojis ([]). Local accounts, remote
// actors and groups alike.
void write_account_counts(JsonWriter& w, std::int64_t followers, std::int64_t following, std::int64_t statuses);

// The counters of an Account entity (accepted follows only).
struct AccountStats {
    std::int64_t followers = 0;
    std::int64_t following = 0;
    std::int64_t follow_requests = 0; // shown to the account itself only
    std::int64_t statuses = 0;
};

// Mastodon Account. Never contains the e-mail or the professional identifier.
void write_account(JsonWriter& w, const model::Account& a, std::string_view base_url, const AccountStats& stats = {});

// CredentialAccount: Account + source + role, for the account itself.
std::string credential_account_json(const model::Account& a, std::string_view base_url,
                                    const AccountStats& stats = {});

std::string account_json(const model::Account& a, std::string_view base_url, const AccountStats& stats = {});

// Admin::Account plus a "confrere" object with the registration (identifier, pre-check).
// Moderators only.
void write_admin_account(JsonWriter& w, const model::Registration& r, std::string_view base_url);
std::string admin_account_json(const model::Registration& r, std::string_view base_url);

} // namespace confrere::server::api
