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

bool is_true(std::string_view v)
{
    return v == "true" || v == "1" || v == "on" || v == "yes";
}

bool Params::flag(std::string_view name) const
{
    auto v = get(name);
    return v && is_true(*v);
}

std::optional<std::vector<std::string>> Params::list(std::string_view name) const
{
    if (auto it = lists.find(name); it != lists.end())
        return it->second;
    if (auto v = get(name); v)
        return std::vector<std::string> { *v };
    return std::nullopt;
}

namespace {

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Records one form field: as is in `fields`, and in `lists` or `objects` for the bracketed
// shapes `name[]`, `name[][key]` and `name[index][key]`.
void add_field(Params& out, const std::string& key, const std::string& value)
{
    out.fields[key] = value;
    const auto open = key.find('[');
    if (open == std::string::npos || open == 0 || !key.ends_with(']'))
        return;
    const std::string name = key.substr(0, open);
    std::string_view rest = std::string_view(key).substr(open);
    if (rest == "[]") {
        out.lists[name].push_back(value);
        return;
    }
    const auto close = rest.find(']');
    if (close == std::string_view::npos || rest.size() < close + 3 || rest[close + 1] != '[')
        return;
    const std::string_view index = rest.substr(1, close - 1);
    const std::string_view member = rest.substr(close + 2, rest.size() - close - 3);
    if (member.empty() || member.find_first_of("[]") != std::string_view::npos)
        return;
    auto& list = out.objects[name];
    if (index.empty()) {
        if (list.empty() || list.back().contains(member))
            list.emplace_back();
        list.back()[std::string(member)] = value;
        return;
    }
    // Indexed objects remember their index under a key no client field can have.
    const std::string index_key = "[index]";
    auto it = std::find_if(list.begin(), list.end(), [&](const ParamObject& o) {
        auto found = o.find(index_key);
        return found != o.end() && found->second == index;
    });
    if (it == list.end()) {
        list.emplace_back();
        list.back()[index_key] = std::string(index);
        it = list.end() - 1;
    }
    (*it)[std::string(member)] = value;
}

// A JSON scalar as a form would carry it; nullopt for arrays, objects and null.
std::optional<std::string> scalar(const rapidjson::Value& v)
{
    if (v.IsString())
        return std::string(v.GetString(), v.GetStringLength());
    if (v.IsBool())
        return v.GetBool() ? "true" : "false";
    if (v.IsInt64())
        return std::to_string(v.GetInt64());
    if (v.IsNumber())
        return std::to_string(v.GetDouble());
    return std::nullopt;
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
        const auto& v = m.value;
        if (auto value = scalar(v); value) {
            out.fields[key] = std::move(*value);
            continue;
        }
        if (v.IsObject()) {
            // One level of nesting, named as a form names it: {"home": {"last_read_id": "1"}}
            // gives "home[last_read_id]" (Mastodon's markers, masto.js sends JSON).
            for (const auto& inner : v.GetObject())
                if (auto value = scalar(inner.value); value)
                    out.fields[key + "[" + std::string(inner.name.GetString(), inner.name.GetStringLength()) + "]"]
                        = std::move(*value);
            continue;
        }
        if (!v.IsArray())
            continue;
        // Arrays of scalars are lists; arrays of objects keep their scalar members.
        auto& list = out.lists[key];
        list.clear();
        for (const auto& item : v.GetArray()) {
            if (auto value = scalar(item); value) {
                list.push_back(std::move(*value));
            } else if (item.IsObject()) {
                ParamObject object;
                for (const auto& member : item.GetObject())
                    if (auto member_value = scalar(member.value); member_value)
                        object[std::string(member.name.GetString(), member.name.GetStringLength())]
                            = std::move(*member_value);
                out.objects[key].push_back(std::move(object));
            }
        }
        if (list.empty())
            out.lists.erase(key);
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
            add_field(out, *name, std::string(content));
        pos = next + 2 + delimiter.size();
    }
}

} // namespace

Result<Params> parse_params(const Request& req)
{
    Params out;
    for (auto& [k, v] : parse_urlencoded(req.query))
        add_field(out, k, v);
    if (req.body.empty())
        return out;
    Params body;
    std::string type = lower(req.header("content-type").value_or(""));
    if (type.starts_with("application/json") || type.starts_with("application/activity+json")) {
        if (auto rc = parse_json(req.body, body); !rc)
            return forward(rc);
    } else if (type.starts_with("application/x-www-form-urlencoded")) {
        for (auto& [k, v] : parse_urlencoded(req.body))
            add_field(body, k, v);
    } else if (type.starts_with("multipart/form-data")) {
        auto boundary = header_param(req.header("content-type").value_or(""), "boundary");
        if (auto rc = parse_multipart(req.body, boundary.value_or(""), body); !rc)
            return forward(rc);
    } else {
        return fail(ErrorKind::InvalidInput,
                    "Unsupported Content-Type: send JSON, a URL-encoded form or multipart/form-data.");
    }
    // The body overrides the query string, a list or a list of objects as a whole.
    for (auto& [k, v] : body.fields)
        out.fields[k] = std::move(v);
    for (auto& [k, v] : body.files)
        out.files[k] = std::move(v);
    for (auto& [k, v] : body.lists)
        out.lists[k] = std::move(v);
    for (auto& [k, v] : body.objects)
        out.objects[k] = std::move(v);
    return out;
}

} // namespace confrere::server::http
