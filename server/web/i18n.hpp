// The web UI's translations: one catalogue per language (webui/i18n/<code>.txt, embedded in
// the binary), and the choice of language for a request.
#pragma once

#include "core/base/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace confrere::server::web {

// Texts by key. The file format is one `key = text` per line; blank lines and lines starting
// with '#' are ignored; the text runs to the end of the line (it is escaped when written).
class Catalogue {
public:
    // InvalidInput naming the line for a line without '=' or a key given twice.
    static Result<Catalogue> parse(std::string code, std::string_view source);

    const std::string& code() const { return code_; } // "fr", "en"
    // The text for `key`; the key itself when missing (start-up checks that none is).
    std::string_view text(std::string_view key) const;
    // The text of a count: `key.one` or `key.other` as the language's plural rule says for
    // `count` (French: 0 and 1 are singular; English: 1 only), "{}" left for the number.
    std::string_view plural(std::string_view key, long long count) const;
    // The catalogue keys a plural text of `key` needs.
    static std::vector<std::string> plural_keys(std::string_view key);
    bool contains(std::string_view key) const;
    std::vector<std::string> keys() const;

private:
    std::string code_;
    std::unordered_map<std::string, std::string> texts_;
};

// The languages offered, the first being the default.
inline constexpr std::string_view kLanguages[] = { "fr", "en" };

// A supported language code for `code` ("en-GB" → "en"), else nullopt.
std::optional<std::string_view> supported_language(std::string_view code);

// The first supported language of an Accept-Language header, by quality then order
// (RFC 9110 §12.5.4); nullopt if none is supported.
std::optional<std::string_view> language_from_accept(std::string_view header);

} // namespace confrere::server::web
