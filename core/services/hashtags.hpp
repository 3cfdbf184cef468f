// Hashtags of statuses: which ones a post carries, found once here for local posts (the text a
// member typed) and received Notes (their Hashtag tags) alike.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confrere::services {

// Mastodon keeps at most this many hashtags of a status.
inline constexpr std::size_t kMaxHashtagsPerStatus = 30;
// Longer names are not hashtags (Mastodon's limit on a tag's name).
inline constexpr std::size_t kMaxHashtagBytes = 100;

// The stored form of a hashtag name (without '#'): ASCII letters lower-cased, anything else
// (accents, other scripts) kept as typed.
std::string normalize_hashtag(std::string_view name);

// A hashtag's page: <base_url>/tags/<name, percent-encoded>.
std::string hashtag_url(std::string_view base_url, std::string_view name);

// True if `name` (without '#') is a whole hashtag by text::hashtag_end's rule.
bool is_hashtag_name(std::string_view name);

// The hashtags of a plain-text post, normalised, first occurrence first, without duplicates,
// at most kMaxHashtagsPerStatus. A '#' inside a URL (http:// or https:// up to the next space)
// or right after a word character (a mention's host, "C#") starts none. Text that is not
// UTF-8 has none (posts are checked before).
std::vector<std::string> extract_hashtags(std::string_view text);

// Specialty tags of a member (the directory's filter): hashtag names, at most this many per
// member, each at most this many characters (code points).
inline constexpr std::size_t kMaxSpecialties = 10;
inline constexpr std::size_t kMaxSpecialtyCharacters = 50;

// A specialty as typed ("#Plaies", " plaies ") in its stored form ("plaies"), or nullopt when it
// is not a hashtag name (spaces, punctuation…) or is longer than kMaxSpecialtyCharacters.
std::optional<std::string> normalize_specialty(std::string_view typed);

// The hashtags of a received Note from its Hashtag tags' names ("#tag" or "tag"): the valid
// ones, normalised, without duplicates, at most kMaxHashtagsPerStatus.
std::vector<std::string> hashtags_from_names(const std::vector<std::string>& names);

} // namespace confrere::services
