// Text helpers for UTF-8 input from people and files.
#pragma once

#include <string>
#include <string_view>

namespace confrere::text {

// True if `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);

// Converts Windows-1252 bytes to UTF-8 (the five undefined bytes become U+FFFD).
std::string cp1252_to_utf8(std::string_view s);

// Folds a person's name for comparison: lower case, accents and ligatures removed (é→e, Œ→oe,
// ß→ss…), every run of non-alphanumerics (space, hyphen, apostrophe) collapsed to one space,
// trimmed. "  Élodie D'ARC-Martin " -> "elodie d arc martin". Input must be UTF-8.
std::string fold_for_match(std::string_view utf8);

// Escapes & < > " ' for HTML and XML text and attribute values.
std::string escape_html(std::string_view s);

// The number of Unicode code points of UTF-8 text (what Mastodon's character limits count);
// each byte that does not start a code point's sequence counts for nothing.
std::size_t count_code_points(std::string_view utf8);

// ASCII letters lower-cased, every other byte unchanged.
std::string ascii_lower(std::string_view s);

// Removes ASCII whitespace at both ends.
std::string_view trim(std::string_view s);

// A letter, mark or digit of any script, or '_': what a hashtag is made of. Above ASCII an
// approximation without Unicode tables: everything but the blocks of punctuation, symbols,
// spaces, emoji and private use.
bool is_word_char(char32_t cp);

// Mastodon's HASHTAG_RE, the one hashtag rule (the renderer links what the extractor stores):
// at byte `i` of `line` ('#'), after the code point `previous` (0 at the start), the end of the
// hashtag (past its last byte), or `i` if none starts there. A hashtag follows no word
// character, '=', '/' or ')' (so URL fragments and "C#" stay text) and has at least one
// letter. `line` must be valid UTF-8.
std::size_t hashtag_end(std::string_view line, std::size_t i, char32_t previous);

// The code point starting at byte `i` of `s` (U+FFFD for a malformed sequence, which counts
// one byte) and, before byte `end`, the code point ending there (0 at the start of `s`).
char32_t code_point_at(std::string_view s, std::size_t i);
char32_t code_point_before(std::string_view s, std::size_t end);

// Percent-encodes every byte but ASCII letters, digits and '_' (a hashtag's name in a URL).
std::string percent_encode_word(std::string_view s);

} // namespace confrere::text
