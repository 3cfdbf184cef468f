// A SAX handler between RapidJSON's iterative reader and the Document: it checks every limit on
// each event and stops the reader (kParseErrorTermination) before the tree grows past one.
// kParseIterativeFlag keeps the reader off the call stack; the depth limit keeps the Document's
// own recursive operations (copy, write, compare) shallow (notes/federation-security.md §E).
#include "federation/activitypub/json.hpp"

#include "core/base/text.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <string>
#include <unordered_set>
#include <vector>

namespace confrere::federation {

namespace {

enum class Refusal { None, NotAnObject, TooDeep, TooManyValues, StringTooLong, BadUtf8, DuplicateKey };

class LimitingHandler {
public:
    using Ch = char;
    using SizeType = rapidjson::SizeType;

    LimitingHandler(rapidjson::Document& doc, const JsonLimits& limits)
        : doc_(doc)
        , limits_(limits)
    { }

    Refusal refusal() const { return refusal_; }

    bool Null() { return scalar() && doc_.Null(); }
    bool Bool(bool b) { return scalar() && doc_.Bool(b); }
    bool Int(int i) { return scalar() && doc_.Int(i); }
    bool Uint(unsigned u) { return scalar() && doc_.Uint(u); }
    bool Int64(std::int64_t i) { return scalar() && doc_.Int64(i); }
    bool Uint64(std::uint64_t u) { return scalar() && doc_.Uint64(u); }
    bool Double(double d) { return scalar() && doc_.Double(d); }
    // Only called with kParseNumbersAsStringsFlag, which parse_json does not set.
    bool RawNumber(const Ch* s, SizeType n, bool copy) { return scalar() && doc_.RawNumber(s, n, copy); }
    bool String(const Ch* s, SizeType n, bool copy)
    {
        return scalar() && text_ok(s, n) && doc_.String(s, n, copy);
    }

    bool Key(const Ch* s, SizeType n, bool copy)
    {
        if (!text_ok(s, n))
            return false;
        if (!keys_.back().emplace(s, n).second)
            return refuse(Refusal::DuplicateKey);
        return doc_.Key(s, n, copy);
    }

    bool StartObject()
    {
        if (!open(true))
            return false;
        keys_.emplace_back();
        return doc_.StartObject();
    }
    bool EndObject(SizeType members)
    {
        keys_.pop_back();
        --depth_;
        return doc_.EndObject(members);
    }
    bool StartArray() { return open(false) && doc_.StartArray(); }
    bool EndArray(SizeType elements)
    {
        --depth_;
        return doc_.EndArray(elements);
    }

private:
    bool refuse(Refusal r)
    {
        refusal_ = r;
        return false;
    }

    // Counts a value; the root is not a member of anything and must be an object.
    bool count(bool is_object)
    {
        if (!root_seen_) {
            root_seen_ = true;
            return is_object || refuse(Refusal::NotAnObject);
        }
        return ++values_ <= limits_.max_members || refuse(Refusal::TooManyValues);
    }
    bool scalar() { return count(false); }
    bool open(bool is_object)
    {
        if (!count(is_object))
            return false;
        return ++depth_ <= limits_.max_depth || refuse(Refusal::TooDeep);
    }

    // kParseValidateEncodingFlag checks raw bytes, but RapidJSON 1.1 turns an escaped lone low
    // surrogate ("\udc00") into invalid UTF-8 without complaint: check what it decoded.
    bool text_ok(const Ch* s, SizeType n)
    {
        if (n > limits_.max_string_bytes)
            return refuse(Refusal::StringTooLong);
        return text::is_valid_utf8({ s, n }) || refuse(Refusal::BadUtf8);
    }

    rapidjson::Document& doc_;
    const JsonLimits& limits_;
    Refusal refusal_ = Refusal::None;
    bool root_seen_ = false;
    int depth_ = 0;
    std::size_t values_ = 0;
    std::vector<std::unordered_set<std::string>> keys_; // one set per open object
};

std::string at(std::size_t offset)
{
    return " at offset " + std::to_string(offset) + ".";
}

std::unexpected<Error> refusal_error(Refusal r, const JsonLimits& limits, std::size_t offset)
{
    switch (r) {
    case Refusal::NotAnObject:
        return fail(ErrorKind::InvalidInput, "The JSON document must be an object.");
    case Refusal::TooDeep:
        return fail(ErrorKind::InvalidInput,
            "JSON nested deeper than " + std::to_string(limits.max_depth) + " levels" + at(offset));
    case Refusal::TooManyValues:
        return fail(ErrorKind::InvalidInput,
            "JSON with more than " + std::to_string(limits.max_members) + " values" + at(offset));
    case Refusal::StringTooLong:
        return fail(ErrorKind::InvalidInput,
            "JSON string longer than " + std::to_string(limits.max_string_bytes) + " bytes" + at(offset));
    case Refusal::BadUtf8:
        return fail(ErrorKind::InvalidInput, "Invalid UTF-8 in a JSON string" + at(offset));
    case Refusal::DuplicateKey:
        return fail(ErrorKind::InvalidInput, "Duplicate key in a JSON object" + at(offset));
    case Refusal::None:
        break;
    }
    return fail(ErrorKind::Internal, "JSON parser error.");
}

} // namespace

Result<rapidjson::Document> parse_json(std::string_view text, const JsonLimits& limits)
{
    if (text.size() > limits.max_bytes)
        return fail(ErrorKind::PayloadTooLarge,
            "JSON document larger than " + std::to_string(limits.max_bytes) + " bytes.");
    std::size_t skipped = 0;
    if (text.starts_with("\xEF\xBB\xBF")) {
        text.remove_prefix(3);
        skipped = 3;
    }
    // The reader's streams end at a NUL byte: "{}\0junk" would pass as "{}". JSON has no place
    // for a raw NUL (in strings it must be escaped), so any is an error.
    if (auto nul = text.find('\0'); nul != std::string_view::npos)
        return fail(ErrorKind::InvalidInput, "Malformed JSON" + at(nul + skipped), "raw NUL byte");

    constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
    rapidjson::Document doc;
    LimitingHandler handler(doc, limits);
    rapidjson::ParseResult parsed;
    auto generate = [&](rapidjson::Document&) {
        rapidjson::MemoryStream stream(text.data(), text.size());
        rapidjson::Reader reader;
        parsed = reader.Parse<kFlags>(stream, handler);
        return !parsed.IsError();
    };
    doc.Populate(generate);
    if (!parsed.IsError())
        return doc;
    const std::size_t offset = parsed.Offset() + skipped;
    if (handler.refusal() != Refusal::None)
        return refusal_error(handler.refusal(), limits, offset);
    if (parsed.Code() == rapidjson::kParseErrorStringInvalidEncoding)
        return fail(ErrorKind::InvalidInput, "Invalid UTF-8 in a JSON string" + at(offset));
    return fail(
        ErrorKind::InvalidInput, "Malformed JSON" + at(offset), rapidjson::GetParseError_En(parsed.Code()));
}

} // namespace confrere::federation
