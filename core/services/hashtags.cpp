#include "core/services/hashtags.hpp"

#include "core/base/text.hpp"

#include <algorithm>
#include <cctype>

namespace confrere::services {

namespace {

bool starts_with_scheme(std::string_view s)
{
    auto lower_prefix = [&](std::string_view prefix) {
        if (s.size() < prefix.size())
            return false;
        for (std::size_t i = 0; i < prefix.size(); ++i)
            if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i])
                return false;
        return true;
    };
    return lower_prefix("https://") || lower_prefix("http://");
}

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void add(std::vector<std::string>& tags, std::string name)
{
    if (tags.size() >= kMaxHashtagsPerStatus || name.size() > kMaxHashtagBytes)
        return;
    if (std::find(tags.begin(), tags.end(), name) == tags.end())
        tags.push_back(std::move(name));
}

} // namespace

std::string normalize_hashtag(std::string_view name)
{
    return text::ascii_lower(name);
}

std::string hashtag_url(std::string_view base_url, std::string_view name)
{
    return std::string(base_url) + "/tags/" + text::percent_encode_word(name);
}

bool is_hashtag_name(std::string_view name)
{
    if (name.empty() || name.size() > kMaxHashtagBytes || !text::is_valid_utf8(name))
        return false;
    std::string tagged = "#" + std::string(name);
    return text::hashtag_end(tagged, 0, 0) == tagged.size();
}

std::optional<std::string> normalize_specialty(std::string_view typed)
{
    typed = text::trim(typed);
    if (typed.starts_with('#'))
        typed.remove_prefix(1);
    if (!is_hashtag_name(typed) || text::count_code_points(typed) > kMaxSpecialtyCharacters)
        return std::nullopt;
    return normalize_hashtag(typed);
}

std::vector<std::string> extract_hashtags(std::string_view body)
{
    std::vector<std::string> tags;
    if (!text::is_valid_utf8(body))
        return tags;
    std::size_t i = 0;
    while (i < body.size() && tags.size() < kMaxHashtagsPerStatus) {
        const char32_t previous = text::code_point_before(body, i);
        if (starts_with_scheme(body.substr(i)) && !text::is_word_char(previous)) {
            while (i < body.size() && !is_space(body[i]))
                ++i;
            continue;
        }
        if (body[i] == '#') {
            std::size_t end = text::hashtag_end(body, i, previous);
            if (end > i) {
                add(tags, normalize_hashtag(body.substr(i + 1, end - i - 1)));
                i = end;
                continue;
            }
        }
        ++i;
        while (i < body.size() && (static_cast<unsigned char>(body[i]) & 0xC0) == 0x80)
            ++i;
    }
    return tags;
}

std::vector<std::string> hashtags_from_names(const std::vector<std::string>& names)
{
    std::vector<std::string> tags;
    for (std::string_view name : names) {
        if (name.starts_with('#'))
            name.remove_prefix(1);
        if (is_hashtag_name(name))
            add(tags, normalize_hashtag(name));
    }
    return tags;
}

} // namespace confrere::services
