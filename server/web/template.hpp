// The web UI's templates: a small Mustache dialect compiled once at start-up. Every value is
// HTML-escaped when written, unless it is an `Html` value — markup that our code made safe
// (a status's content_html, rendered or sanitised before it was stored) or another rendered
// template. There is no triple-mustache: a template cannot ask for raw output.
//
//   {{name}} {{a.b}} {{.}}    a value from the data, escaped (Html values as they are)
//   {{#name}}…{{/name}}       a list (once per item), an object (pushed), a true value (once)
//   {{^name}}…{{/name}}       when the value is absent, false, "" or an empty list
//   {{>partial}}              another template of the set, with the same data (it may
//                             include itself: the data bounds the recursion)
//   {{@key}} {{@key name}}    the catalogue's text for key; "{}" in it becomes the value of
//                             `name`, escaped
//   {{@key #count}}           a count: the catalogue's `key.one` or `key.other` by the
//                             language's plural rule for the number `count` holds, "{}"
//                             becoming that number
//   {{!comment}}
//
// Decision (docs/architecture.md, "Web UI"): our own engine rather than kainjow/mustache:
// escaping depends on the value's type, templates compile to a flat instruction list at
// start-up (no parsing per request), translation is part of the language, and nothing throws.
#pragma once

#include "core/base/result.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

namespace confrere::server::web {

class Catalogue;

// Markup that is safe as it is. Build one only from our own rendering or the sanitiser's output.
struct Html {
    std::string markup;
};

class Value {
public:
    using List = std::vector<Value>;
    using Members = std::vector<std::pair<std::string, Value>>;

    Value() = default; // absent: false in sections, nothing when written
    Value(bool b)
        : v_(b)
    { }
    Value(std::string s)
        : v_(std::move(s))
    { }
    Value(std::string_view s)
        : v_(std::string(s))
    { }
    Value(const char* s)
        : v_(std::string(s))
    { }
    Value(Html h)
        : v_(std::move(h))
    { }
    Value(List l)
        : v_(std::move(l))
    { }

    static Value object() { return Value(Members {}); }
    // Adds (or replaces) a member of an object (a Value that is not one becomes one).
    Value& set(std::string_view key, Value value);
    // Appends to a list (a Value that is not one becomes an empty list first).
    Value& push(Value item);

    // A member of an object, or null.
    const Value* find(std::string_view key) const;
    bool truthy() const;

    const std::string* string() const { return std::get_if<std::string>(&v_); }
    const Html* html() const { return std::get_if<Html>(&v_); }
    const List* list() const { return std::get_if<List>(&v_); }
    const Members* members() const { return std::get_if<Members>(&v_); }

private:
    explicit Value(Members m)
        : v_(std::move(m))
    { }
    std::variant<std::monostate, bool, std::string, Html, List, Members> v_;
};

// Appends `s` to `out` with & < > " ' escaped.
void append_escaped(std::string& out, std::string_view s);

struct Instruction;

// Compiled templates by name ("home" for webui/templates/home.html).
class TemplateSet {
public:
    // Compiles every template. InvalidInput naming the template and the line for an unclosed
    // or mismatched section, an unknown partial, an unterminated tag.
    static Result<TemplateSet> compile(const std::map<std::string, std::string, std::less<>>& sources);

    bool contains(std::string_view name) const;
    // Appends the rendering of template `name` to `out`. NotFound for an unknown template;
    // Internal when partials nest more than 32 deep (a template including itself unbounded).
    Status render(std::string_view name, const Value& data, const Catalogue& texts, std::string& out) const;
    // Every catalogue key the templates use (checked against each catalogue at start-up).
    std::vector<std::string> text_keys() const;

    TemplateSet();
    ~TemplateSet();
    TemplateSet(TemplateSet&&) noexcept;
    TemplateSet& operator=(TemplateSet&&) noexcept;

private:
    std::unordered_map<std::string, std::vector<Instruction>> templates_;
};

} // namespace confrere::server::web
