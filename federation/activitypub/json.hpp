// JSON from peers (inbox bodies, fetched documents), parsed with limits checked while parsing so
// that hostile input is refused before a large or deep tree exists. See
// notes/federation-security.md §E.
#pragma once

#include "core/base/result.hpp"

#include <rapidjson/document.h>

#include <cstddef>
#include <string_view>

namespace confrere::federation {

struct JsonLimits {
    std::size_t max_bytes = 1024 * 1024; // Mastodon's fetch cap (request.rb body_with_limit)
    int max_depth = 32; // nested objects and arrays, the root counting as 1
    std::size_t max_members = 10000; // total object members + array elements
    std::size_t max_string_bytes = 512 * 1024; // any one string or key, once unescaped
};

// Parses one JSON object (RFC 8259) from `text` with RapidJSON's iterative parser, counting as
// it goes: nothing deeper than `max_depth`, more than `max_members` values or a string longer
// than `max_string_bytes` is ever built. Refuses:
//   - PayloadTooLarge: `text` longer than `max_bytes`;
//   - InvalidInput, each with a message naming the limit or the offset ("JSON nested deeper than
//     32 levels", "Malformed JSON at offset 12"): a limit exceeded, a syntax error, trailing
//     content, invalid UTF-8 (also as escaped lone surrogates such as "\udc00"), a raw NUL byte,
//     a key repeated in one object (parsers disagree on which copy wins, and a signed activity
//     must mean the same thing to every reader), or a root that is not an object.
// A leading UTF-8 byte order mark is skipped (RFC 8259 §8.1 allows parsers to ignore it).
// Strings in the result may contain U+0000 (from "\u0000"): read them with their length.
Result<rapidjson::Document> parse_json(std::string_view text, const JsonLimits& limits = {});

} // namespace confrere::federation
