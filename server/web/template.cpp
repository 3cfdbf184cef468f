#include "server/web/template.hpp"

#include "server/web/i18n.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <set>

namespace confrere::server::web {

// One step of a compiled template. Sections hold the index just past their closing tag, so a
// template is a flat vector walked by index: no tree, no allocation while rendering.
struct Instruction {
    enum class Op { Text, Var, Section, Inverted, Partial, Translate };
    Op op = Op::Text;
    std::string text; // literal text, partial name or catalogue key
    std::vector<std::string> path; // the value's name split at dots; empty for "."
    std::vector<std::string> arg_path; // Translate: the argument's name
    bool has_arg = false;
    bool plural = false; // Translate: the argument is a count choosing key.one or key.other
    std::size_t end = 0; // Section/Inverted: index past the closing tag
    const std::vector<Instruction>* partial = nullptr; // resolved after compiling every template
};

Value& Value::set(std::string_view key, Value value)
{
    if (!std::holds_alternative<Members>(v_))
        v_ = Members {};
    auto& members = std::get<Members>(v_);
    for (auto& [k, v] : members)
        if (k == key) {
            v = std::move(value);
            return *this;
        }
    members.emplace_back(std::string(key), std::move(value));
    return *this;
}

Value& Value::push(Value item)
{
    if (!std::holds_alternative<List>(v_))
        v_ = List {};
    std::get<List>(v_).push_back(std::move(item));
    return *this;
}

const Value* Value::find(std::string_view key) const
{
    const auto* members = std::get_if<Members>(&v_);
    if (members == nullptr)
        return nullptr;
    for (const auto& [k, v] : *members)
        if (k == key)
            return &v;
    return nullptr;
}

bool Value::truthy() const
{
    return std::visit(
        [](const auto& v) -> bool {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>)
                return false;
            else if constexpr (std::is_same_v<T, bool>)
                return v;
            else if constexpr (std::is_same_v<T, std::string>)
                return !v.empty();
            else if constexpr (std::is_same_v<T, Html>)
                return !v.markup.empty();
            else if constexpr (std::is_same_v<T, List>)
                return !v.empty();
            else
                return true;
        },
        v_);
}

void append_escaped(std::string& out, std::string_view s)
{
    std::size_t start = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char* entity = nullptr;
        switch (s[i]) {
        case '&':
            entity = "&amp;";
            break;
        case '<':
            entity = "&lt;";
            break;
        case '>':
            entity = "&gt;";
            break;
        case '"':
            entity = "&quot;";
            break;
        case '\'':
            entity = "&#39;";
            break;
        default:
            continue;
        }
        out.append(s.substr(start, i - start));
        out.append(entity);
        start = i + 1;
    }
    out.append(s.substr(start));
}

namespace {

std::vector<std::string> split_name(std::string_view name)
{
    std::vector<std::string> path;
    if (name == ".")
        return path;
    while (true) {
        auto dot = name.find('.');
        path.emplace_back(name.substr(0, dot));
        if (dot == std::string_view::npos)
            break;
        name.remove_prefix(dot + 1);
    }
    return path;
}

int line_of(std::string_view source, std::size_t offset)
{
    return 1 + static_cast<int>(std::count(source.begin(), source.begin() + offset, '\n'));
}

bool valid_name(std::string_view name)
{
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
    });
}

Result<std::vector<Instruction>> compile_one(std::string_view name, std::string_view source)
{
    auto error = [&](std::size_t at, std::string_view what) {
        return fail(ErrorKind::InvalidInput,
            "template " + std::string(name) + ", line " + std::to_string(line_of(source, at)) + ": "
                + std::string(what));
    };
    std::vector<Instruction> out;
    std::vector<std::pair<std::size_t, std::string>> open; // section index, name
    std::size_t pos = 0;
    while (pos < source.size()) {
        auto start = source.find("{{", pos);
        if (start != pos) {
            Instruction text;
            text.text
                = std::string(source.substr(pos, start == std::string_view::npos ? start : start - pos));
            out.push_back(std::move(text));
            if (start == std::string_view::npos)
                break;
        }
        auto close = source.find("}}", start + 2);
        if (close == std::string_view::npos)
            return error(start, "unterminated tag");
        std::string_view tag = source.substr(start + 2, close - start - 2);
        pos = close + 2;
        char sigil = tag.empty() ? '\0' : tag.front();
        if (sigil == '!')
            continue;
        if (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '>' || sigil == '@')
            tag.remove_prefix(1);
        while (!tag.empty() && tag.front() == ' ')
            tag.remove_prefix(1);
        while (!tag.empty() && tag.back() == ' ')
            tag.remove_suffix(1);
        Instruction ins;
        if (sigil == '@') {
            auto space = tag.find(' ');
            ins.op = Instruction::Op::Translate;
            ins.text = std::string(tag.substr(0, space));
            if (space != std::string_view::npos) {
                ins.has_arg = true;
                std::string_view arg = tag.substr(space + 1);
                if (arg.starts_with('#')) {
                    ins.plural = true;
                    arg.remove_prefix(1);
                }
                if (!valid_name(arg))
                    return error(start, "bad argument name");
                ins.arg_path = split_name(arg);
            }
            if (!valid_name(ins.text))
                return error(start, "bad catalogue key");
        } else if (!valid_name(tag)) {
            return error(start, "bad tag name '" + std::string(tag) + "'");
        } else if (sigil == '#' || sigil == '^') {
            ins.op = sigil == '#' ? Instruction::Op::Section : Instruction::Op::Inverted;
            ins.path = split_name(tag);
            open.emplace_back(out.size(), std::string(tag));
        } else if (sigil == '/') {
            if (open.empty() || open.back().second != tag)
                return error(start, "closing tag '" + std::string(tag) + "' without its section");
            out[open.back().first].end = out.size();
            open.pop_back();
            continue;
        } else if (sigil == '>') {
            ins.op = Instruction::Op::Partial;
            ins.text = std::string(tag);
        } else {
            ins.op = Instruction::Op::Var;
            ins.path = split_name(tag);
        }
        out.push_back(std::move(ins));
    }
    if (!open.empty())
        return error(source.size(), "section '" + open.back().second + "' is not closed");
    return out;
}

class Renderer {
public:
    Renderer(const Catalogue& texts, std::string& out)
        : texts_(texts)
        , out_(out)
    { }

    void run(const std::vector<Instruction>& code, std::size_t begin, std::size_t end)
    {
        for (std::size_t i = begin; i < end; ++i) {
            const Instruction& ins = code[i];
            switch (ins.op) {
            case Instruction::Op::Text:
                out_.append(ins.text);
                break;
            case Instruction::Op::Var:
                write(lookup(ins.path));
                break;
            case Instruction::Op::Translate:
                translate(ins);
                break;
            case Instruction::Op::Partial:
                if (++depth_ > kMaxDepth) {
                    too_deep = true;
                    return;
                }
                run(*ins.partial, 0, ins.partial->size());
                --depth_;
                break;
            case Instruction::Op::Section:
                section(code, i);
                i = ins.end - 1;
                break;
            case Instruction::Op::Inverted:
                if (const Value* v = lookup(ins.path); v == nullptr || !v->truthy())
                    run(code, i + 1, ins.end);
                i = ins.end - 1;
                break;
            }
        }
    }

    std::vector<const Value*> stack;
    bool too_deep = false;

private:
    static constexpr int kMaxDepth = 32;
    int depth_ = 0;

    const Value* lookup(const std::vector<std::string>& path) const
    {
        if (path.empty())
            return stack.back();
        const Value* found = nullptr;
        for (auto it = stack.rbegin(); it != stack.rend() && found == nullptr; ++it)
            found = (*it)->find(path.front());
        for (std::size_t i = 1; i < path.size() && found != nullptr; ++i)
            found = found->find(path[i]);
        return found;
    }

    // A count given as its decimal string; anything else counts as "many".
    static long long count_of(const Value* v)
    {
        const std::string* s = v != nullptr ? v->string() : nullptr;
        long long n = -1;
        if (s != nullptr)
            std::from_chars(s->data(), s->data() + s->size(), n);
        return n;
    }

    void write(const Value* v)
    {
        if (v == nullptr)
            return;
        if (const Html* h = v->html())
            out_.append(h->markup);
        else if (const std::string* s = v->string())
            append_escaped(out_, *s);
    }

    void translate(const Instruction& ins)
    {
        std::string_view text = ins.plural ? texts_.plural(ins.text, count_of(lookup(ins.arg_path)))
                                           : texts_.text(ins.text);
        auto slot = ins.has_arg ? text.find("{}") : std::string_view::npos;
        if (slot == std::string_view::npos) {
            append_escaped(out_, text);
            return;
        }
        append_escaped(out_, text.substr(0, slot));
        write(lookup(ins.arg_path));
        append_escaped(out_, text.substr(slot + 2));
    }

    void section(const std::vector<Instruction>& code, std::size_t at)
    {
        const Instruction& ins = code[at];
        const Value* v = lookup(ins.path);
        if (v == nullptr || !v->truthy())
            return;
        if (const Value::List* items = v->list()) {
            for (const Value& item : *items) {
                stack.push_back(&item);
                run(code, at + 1, ins.end);
                stack.pop_back();
            }
            return;
        }
        stack.push_back(v);
        run(code, at + 1, ins.end);
        stack.pop_back();
    }

    const Catalogue& texts_;
    std::string& out_;
};

} // namespace

TemplateSet::TemplateSet() = default;
TemplateSet::~TemplateSet() = default;
TemplateSet::TemplateSet(TemplateSet&&) noexcept = default;
TemplateSet& TemplateSet::operator=(TemplateSet&&) noexcept = default;

Result<TemplateSet> TemplateSet::compile(const std::map<std::string, std::string, std::less<>>& sources)
{
    TemplateSet set;
    for (const auto& [name, source] : sources) {
        auto code = compile_one(name, source);
        if (!code)
            return forward(code);
        set.templates_.emplace(name, std::move(*code));
    }
    // Partials are resolved once; a partial may include itself (a thread's replies), the
    // data bounding the recursion and kMaxDepth the rest.
    for (auto& [name, code] : set.templates_)
        for (Instruction& ins : code)
            if (ins.op == Instruction::Op::Partial) {
                auto it = set.templates_.find(ins.text);
                if (it == set.templates_.end())
                    return fail(
                        ErrorKind::InvalidInput, "template " + name + ": unknown partial '" + ins.text + "'");
                ins.partial = &it->second;
            }
    return set;
}

bool TemplateSet::contains(std::string_view name) const
{
    return templates_.find(std::string(name)) != templates_.end();
}

Status TemplateSet::render(
    std::string_view name, const Value& data, const Catalogue& texts, std::string& out) const
{
    auto it = templates_.find(std::string(name));
    if (it == templates_.end())
        return fail(ErrorKind::NotFound, "Page not found.", "no template " + std::string(name));
    Renderer renderer(texts, out);
    renderer.stack.push_back(&data);
    renderer.run(it->second, 0, it->second.size());
    if (renderer.too_deep)
        return fail(ErrorKind::Internal, "Internal error",
            "template " + std::string(name) + ": partials nest too deep");
    return ok();
}

std::vector<std::string> TemplateSet::text_keys() const
{
    std::set<std::string> keys;
    for (const auto& [name, code] : templates_)
        for (const Instruction& ins : code)
            if (ins.op == Instruction::Op::Translate && ins.plural)
                for (std::string& key : Catalogue::plural_keys(ins.text))
                    keys.insert(std::move(key));
            else if (ins.op == Instruction::Op::Translate)
                keys.insert(ins.text);
    return { keys.begin(), keys.end() };
}

} // namespace confrere::server::web
