#include "server/web/i18n.hpp"

#include "core/base/text.hpp"

#include <algorithm>
#include <charconv>

namespace confrere::server::web {

Result<Catalogue> Catalogue::parse(std::string code, std::string_view source)
{
    Catalogue c;
    c.code_ = std::move(code);
    int line_number = 0;
    while (!source.empty()) {
        ++line_number;
        auto newline = source.find('\n');
        std::string_view line = text::trim(source.substr(0, newline));
        source.remove_prefix(newline == std::string_view::npos ? source.size() : newline + 1);
        if (line.empty() || line.front() == '#')
            continue;
        auto eq = line.find('=');
        if (eq == std::string_view::npos)
            return fail(ErrorKind::InvalidInput,
                "catalogue " + c.code_ + ", line " + std::to_string(line_number) + ": no '='");
        std::string key(text::trim(line.substr(0, eq)));
        std::string value(text::trim(line.substr(eq + 1)));
        if (!c.texts_.emplace(key, std::move(value)).second)
            return fail(ErrorKind::InvalidInput,
                "catalogue " + c.code_ + ", line " + std::to_string(line_number) + ": '" + key
                    + "' given twice");
    }
    return c;
}

std::string_view Catalogue::text(std::string_view key) const
{
    auto it = texts_.find(std::string(key));
    return it == texts_.end() ? key : std::string_view(it->second);
}

std::string_view Catalogue::plural(std::string_view key, long long count) const
{
    // CLDR's cardinal rules for integers: "one" is i = 0 or 1 in French, n = 1 in English.
    bool one = code_ == "fr" ? (count == 0 || count == 1) : count == 1;
    return text(std::string(key) + (one ? ".one" : ".other"));
}

std::vector<std::string> Catalogue::plural_keys(std::string_view key)
{
    return { std::string(key) + ".one", std::string(key) + ".other" };
}

bool Catalogue::contains(std::string_view key) const
{
    return texts_.contains(std::string(key));
}

std::vector<std::string> Catalogue::keys() const
{
    std::vector<std::string> out;
    out.reserve(texts_.size());
    for (const auto& [k, v] : texts_)
        out.push_back(k);
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<std::string_view> supported_language(std::string_view code)
{
    std::string primary = text::ascii_lower(code.substr(0, code.find('-')));
    for (std::string_view l : kLanguages)
        if (primary == l)
            return l;
    return std::nullopt;
}

std::optional<std::string_view> language_from_accept(std::string_view header)
{
    std::optional<std::string_view> best;
    int best_quality = 0; // thousandths; q=0 means "not acceptable"
    while (!header.empty()) {
        auto comma = header.find(',');
        std::string_view item = text::trim(header.substr(0, comma));
        header.remove_prefix(comma == std::string_view::npos ? header.size() : comma + 1);
        auto semi = item.find(';');
        std::string_view range = text::trim(item.substr(0, semi));
        int quality = 1000;
        if (semi != std::string_view::npos) {
            std::string_view params = text::trim(item.substr(semi + 1));
            if (params.starts_with("q=")) {
                params.remove_prefix(2);
                double q = 0;
                auto [end, ec] = std::from_chars(params.data(), params.data() + params.size(), q);
                quality = ec == std::errc() ? static_cast<int>(std::clamp(q, 0.0, 1.0) * 1000) : 0;
            }
        }
        auto lang = supported_language(range);
        if (lang && quality > best_quality) {
            best = lang;
            best_quality = quality;
        }
    }
    return best;
}

} // namespace confrere::server::web
