// Request parameters from a form (urlencoded or multipart) or a flat JSON object, as Mastodon
// accepts all three on the same endpoints.
#pragma once

#include "core/base/result.hpp"
#include "server/http/message.hpp"

#include <map>
#include <optional>
#include <string>

namespace confrere::server::http {

struct FilePart {
    std::string filename;
    std::string content_type;  // as declared by the client: never trusted
    std::string data;
};

struct Params {
    std::map<std::string, std::string, std::less<>> fields;
    std::map<std::string, FilePart, std::less<>> files;

    std::optional<std::string> get(std::string_view name) const;
    std::string get_or(std::string_view name, std::string fallback = {}) const;
    // "true", "1", "on" (Mastodon.py sends 1/0, masto.js JSON booleans).
    bool flag(std::string_view name) const;
};

// Parses the body according to its Content-Type; query parameters are merged in as a base.
// InvalidInput for malformed JSON or multipart, or a JSON body that is not an object; an
// unsupported content type also gives InvalidInput.
Result<Params> parse_params(const Request& req);

} // namespace confrere::server::http
