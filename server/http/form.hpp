// Request parameters from a form (urlencoded or multipart) or a JSON object, as Mastodon
// accepts all three on the same endpoints. Lists and lists of objects come Rails-style from
// forms (`context[]=home&context[]=public`, `keywords_attributes[][keyword]=x`,
// `keywords_attributes[0][keyword]=x`) and as arrays from JSON.
#pragma once

#include "core/base/result.hpp"
#include "server/http/message.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace confrere::server::http {

struct FilePart {
    std::string filename;
    std::string content_type;  // as declared by the client: never trusted
    std::string data;
};

using ParamObject = std::map<std::string, std::string, std::less<>>;

struct Params {
    // Every form field by its full name ("context[]" holds the last value), and JSON members
    // that are strings, booleans or numbers.
    std::map<std::string, std::string, std::less<>> fields;
    std::map<std::string, FilePart, std::less<>> files;
    // `name[]` form fields in order, and JSON arrays of scalars, by name without "[]".
    std::map<std::string, std::vector<std::string>, std::less<>> lists;
    // `name[][key]` and `name[index][key]` form fields, and JSON arrays of objects (their
    // scalar members), by name. `name[][key]` starts a new object when the last one already
    // has `key` (Rails' rule); `name[index][key]` groups by index, in order of first use.
    std::map<std::string, std::vector<ParamObject>, std::less<>> objects;

    std::optional<std::string> get(std::string_view name) const;
    std::string get_or(std::string_view name, std::string fallback = {}) const;
    // "true", "1", "on" (Mastodon.py sends 1/0, masto.js JSON booleans).
    bool flag(std::string_view name) const;
    // lists[name]; else the single value of a field `name` (a client that sent one value
    // without brackets); else nullopt.
    std::optional<std::vector<std::string>> list(std::string_view name) const;
};

// "true", "1", "on", "yes" (form and JSON booleans as parse_params stores them).
bool is_true(std::string_view value);

// Parses the body according to its Content-Type; query parameters are merged in as a base.
// InvalidInput for malformed JSON or multipart, or a JSON body that is not an object; an
// unsupported content type also gives InvalidInput.
Result<Params> parse_params(const Request& req);

} // namespace confrere::server::http
