#include "server/http/form.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cctype>

namespace confrere::server::http {

std::optional<std::string> Params::get(std::string_view name) const
{
    auto it = fields.find(name);
    if (it == fields.end())
        return std::nullopt;
    return it->second;
}

std::string Params::get_or(std::string_view name, std::string fallback) const
{
    auto v = get(name);
    return v ? *v : std::move(fallback);
}

bool Params::flag(std::string_view name) const
{
    auto v = get(name);
    return v && (*v == "true" || *v == "1" || *v == "on" || *v == "yes");
}

namespace {

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// The value of a `name=value` parameter in a header like Content-Type or Content-Disposition.
std::optional<std::string> header_param(std::string_view header, std::string_view name)
{
    std::string lowered = lower(header);
    std::string needle = std::string(name) + "=";
    std::size_t pos = 0;
    while ((pos = lowered.find(needle, pos)) != std::string::npos) {
        bool at_boundary = pos == 0 || lowered[pos - 1] == ';' || lowered[pos - 1] == ' ';
        pos += needle.size();
        if (!at_boundary)
            continue;
        std::string_view rest = header.substr(pos);
        if (!rest.empty() && rest.front() == '"') {
            auto end = rest.find('"', 1);
            if (end == std::string_view::npos)
                return std::nullopt;
            return std::string(rest.substr(1, end - 1));
        }
        auto end = rest.find(';');
        std::string_view value = rest.substr(0, end);
        while (!value.empty() && value.back() == ' ')
            value.remove_suffix(1);
        return std::string(value);
    }
    return std::nullopt;
}

// A JSON string, boolean or number as the text a form would carry; other values are skipped.
void set_scalar(Params& out, const std::string& key, const rapidjson::Value& v)
{
    if (v.IsString())
        out.fields[key] = std::string(v.GetString(), v.GetStringLength());
    else if (v.IsBool())
        out.fields[key] = v.GetBool() ? "true" : "false";
    else if (v.IsInt64())
        out.fields[key] = std::to_string(v.GetInt64());
    else if (v.IsNumber())
        out.fields[key] = std::to_string(v.GetDouble());
}

Status parse_json(std::string_view body, Params& out)
{
    rapidjson::Document doc;
    // Default flags only: kParseFullPrecisionFlag crashes on hostile numbers (RapidJSON 1.1).
    doc.Parse(body.data(), body.size());
    if (doc.HasParseError())
        return fail(ErrorKind::InvalidInput,
                    std::string("Malformed JSON body: ") + rapidjson::GetParseError_En(doc.GetParseError()));
    if (!doc.IsObject())
        return fail(ErrorKind::InvalidInput, "The JSON body must be an object.");
    for (auto& m : doc.GetObject()) {
        std::string key(m.name.GetString(), m.name.GetStringLength());
        if (m.value.IsObject()) {
            // One level of nesting, named as a form names it: {"home": {"last_read_id": "1"}}
            // gives "home[last_read_id]" (Mastodon's markers, masto.js sends JSON).
            for (auto& inner : m.value.GetObject())
                set_scalar(out,
                    key + "[" + std::string(inner.name.GetString(), inner.name.GetStringLength()) + "]",
                    inner.value);
            continue;
        }
        set_scalar(out, key, m.value);
        // Arrays and deeper objects are read by the endpoints that need them.
    }
    return ok();
}

// RFC 7578 multipart/form-data.
Status parse_multipart(std::string_view body, std::string_view boundary, Params& out)
{
    if (boundary.empty() || boundary.size() > 200)
        return fail(ErrorKind::InvalidInput, "Malformed multipart body: bad boundary.");
    std::string delimiter = "--" + std::string(boundary);
    auto pos = body.find(delimiter);
    if (pos == std::string_view::npos)
        return fail(ErrorKind::InvalidInput, "Malformed multipart body: no boundary found.");
    pos += delimiter.size();
    while (true) {
        if (body.substr(pos, 2) == "--")
            return ok();  // closing delimiter
        if (body.substr(pos, 2) != "\r\n")
            return fail(ErrorKind::InvalidInput, "Malformed multipart body.");
        pos += 2;
        auto headers_end = body.find("\r\n\r\n", pos);
        if (headers_end == std::string_view::npos)
            return fail(ErrorKind::InvalidInput, "Malformed multipart body: truncated part headers.");
        std::string_view headers = body.substr(pos, headers_end - pos);
        std::size_t content_start = headers_end + 4;
        auto next = body.find("\r\n" + delimiter, content_start);
        if (next == std::string_view::npos)
            return fail(ErrorKind::InvalidInput, "Malformed multipart body: truncated part.");
        std::string_view content = body.substr(content_start, next - content_start);

        std::optional<std::string> name, filename;
        std::string content_type;
        while (!headers.empty()) {
            auto eol = headers.find("\r\n");
            std::string_view line = headers.substr(0, eol);
            std::string lowered = lower(line);
            if (lowered.starts_with("content-disposition:")) {
                name = header_param(line, "name");
                filename = header_param(line, "filename");
            } else if (lowered.starts_with("content-type:")) {
                std::string_view v = line.substr(13);
                while (!v.empty() && v.front() == ' ')
                    v.remove_prefix(1);
                content_type = std::string(v);
            }
            if (eol == std::string_view::npos)
                break;
            headers.remove_prefix(eol + 2);
        }
        if (!name)
            return fail(ErrorKind::InvalidInput, "Malformed multipart body: a part has no name.");
        if (filename)
            out.files[*name] = FilePart{*filename, content_type, std::string(content)};
        else
            out.fields[*name] = std::string(content);
        pos = next + 2 + delimiter.size();
    }
}

} // namespace

Result<Params> parse_params(const Request& req)
{
    Params out;
    for (auto& [k, v] : parse_urlencoded(req.query))
        out.fields[k] = v;
    if (req.body.empty())
        return out;
    std::string type = lower(req.header("content-type").value_or(""));
    if (type.starts_with("application/json") || type.starts_with("application/activity+json")) {
        if (auto rc = parse_json(req.body, out); !rc)
            return forward(rc);
    } else if (type.starts_with("application/x-www-form-urlencoded")) {
        for (auto& [k, v] : parse_urlencoded(req.body))
            out.fields[k] = v;
    } else if (type.starts_with("multipart/form-data")) {
        auto boundary = header_param(req.header("content-type").value_or(""), "boundary");
        if (auto rc = parse_multipart(req.body, boundary.value_or(""), out); !rc)
            return forward(rc);
    } else {
        return fail(ErrorKind::InvalidInput,
                    "Unsupported Content-Type: send JSON, a URL-encoded form or multipart/form-data.");
    }
    return out;
}

} // namespace confrere::server::http
