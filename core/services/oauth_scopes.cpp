// Mastodon's OAuth scopes and how they cover each other
// (https://docs.joinmastodon.org/api/oauth-scopes/).
#include "core/services/oauth_service.hpp"

#include <algorithm>
#include <array>

namespace confrere::services {

namespace {

// What the deprecated `follow` scope stands for.
constexpr std::array<std::string_view, 6> kFollowScopes { "read:follows", "write:follows", "read:blocks",
    "write:blocks", "read:mutes", "write:mutes" };

std::vector<std::string_view> split_scopes(std::string_view scopes)
{
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < scopes.size()) {
        while (i < scopes.size() && (scopes[i] == ' ' || scopes[i] == '+' || scopes[i] == '\t'))
            ++i;
        std::size_t start = i;
        while (i < scopes.size() && scopes[i] != ' ' && scopes[i] != '+' && scopes[i] != '\t')
            ++i;
        if (i > start)
            out.push_back(scopes.substr(start, i - start));
    }
    return out;
}

bool covers(std::string_view granted, std::string_view required)
{
    if (granted == required)
        return true;
    // A parent covers its sub-scopes: read ⊃ read:statuses, admin:read ⊃ admin:read:accounts.
    if (required.size() > granted.size() && required.starts_with(granted) && required[granted.size()] == ':')
        return true;
    if (granted == "follow")
        return std::find(kFollowScopes.begin(), kFollowScopes.end(), required) != kFollowScopes.end();
    return false;
}

} // namespace

const std::vector<std::string_view>& known_scopes()
{
    static const std::vector<std::string_view> scopes { "read", "read:accounts", "read:blocks",
        "read:bookmarks", "read:favourites", "read:filters", "read:follows", "read:lists", "read:mutes",
        "read:notifications", "read:search", "read:statuses", "write", "write:accounts", "write:blocks",
        "write:bookmarks", "write:conversations", "write:favourites", "write:filters", "write:follows",
        "write:lists", "write:media", "write:mutes", "write:notifications", "write:reports", "write:statuses",
        "follow", "push", "profile", "admin:read", "admin:read:accounts", "admin:read:reports",
        "admin:read:domain_allows", "admin:read:domain_blocks", "admin:read:ip_blocks",
        "admin:read:email_domain_blocks", "admin:read:canonical_email_blocks", "admin:write",
        "admin:write:accounts", "admin:write:reports", "admin:write:domain_allows",
        "admin:write:domain_blocks", "admin:write:ip_blocks", "admin:write:email_domain_blocks",
        "admin:write:canonical_email_blocks" };
    return scopes;
}

Result<std::string> normalize_scopes(std::string_view scopes, std::string_view fallback)
{
    auto parts = split_scopes(scopes);
    if (parts.empty())
        parts = split_scopes(fallback);
    std::vector<std::string_view> kept;
    for (std::string_view scope : parts) {
        const auto& known = known_scopes();
        if (std::find(known.begin(), known.end(), scope) == known.end())
            return fail(ErrorKind::InvalidInput, "The requested scope is invalid, unknown, or malformed.", {},
                "invalid_scope");
        if (std::find(kept.begin(), kept.end(), scope) == kept.end())
            kept.push_back(scope);
    }
    std::string out;
    for (std::string_view scope : kept) {
        if (!out.empty())
            out += ' ';
        out += scope;
    }
    return out;
}

bool scopes_allow(std::string_view granted, std::string_view required)
{
    for (std::string_view g : split_scopes(granted))
        if (covers(g, required))
            return true;
    return false;
}

bool scopes_within(std::string_view requested, std::string_view granted)
{
    for (std::string_view r : split_scopes(requested))
        if (!scopes_allow(granted, r))
            return false;
    return true;
}

Status require_scope(std::string_view granted, std::string_view required)
{
    if (scopes_allow(granted, required))
        return ok();
    // Mastodon's wording, shown by clients as is.
    return fail(ErrorKind::Forbidden, "This action is outside the authorized scopes");
}

} // namespace confrere::services
