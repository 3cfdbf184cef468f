// parse_json on hostile input: every limit is checked while parsing, so nothing deep or large
// is built, and nothing a peer sends can crash the parser or hit a RapidJSON assertion.
#include "federation/activitypub/json.hpp"
#include "tests/support/test_store.hpp"

#include <gtest/gtest.h>

#include <string>

namespace confrere::federation {
namespace {

using namespace std::string_literals;
using testkit::describe;

std::string message_of(const Result<rapidjson::Document>& r)
{
    return r ? "(parsed)" : r.error().public_message;
}

TEST(ParseJson, ObjectIsParsedWithItsMembers)
{
    auto doc = parse_json(R"({"id":"https://a.example/1","n":[1,2.5,true,null,{"k":"v"}]})");
    ASSERT_TRUE(doc) << describe(doc);
    ASSERT_TRUE(doc->IsObject());
    EXPECT_STREQ((*doc)["id"].GetString(), "https://a.example/1");
    EXPECT_EQ((*doc)["n"].Size(), 5u);
    EXPECT_EQ((*doc)["n"][1].GetDouble(), 2.5);
}

TEST(ParseJson, HundredThousandNestedArraysAreRefusedWithoutCrashing)
{
    std::string deep = R"({"a":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
    auto doc = parse_json(deep);
    ASSERT_FALSE(doc);
    EXPECT_EQ(doc.error().kind, ErrorKind::InvalidInput);
    // The offset is that of the 33rd opening bracket.
    EXPECT_EQ(message_of(doc), "JSON nested deeper than 32 levels at offset 36.");
}

TEST(ParseJson, HundredThousandNestedObjectsAreRefused)
{
    std::string deep;
    for (int i = 0; i < 100000; ++i)
        deep += R"({"a":)";
    deep += "1" + std::string(100000, '}');
    auto doc = parse_json(deep);
    ASSERT_FALSE(doc);
    EXPECT_TRUE(message_of(doc).starts_with("JSON nested deeper than 32 levels")) << message_of(doc);
}

TEST(ParseJson, UnclosedNestingIsRefusedByDepthBeforeTheEndIsSeen)
{
    auto doc = parse_json(R"({"a":)" + std::string(500000, '['));
    ASSERT_FALSE(doc);
    EXPECT_TRUE(message_of(doc).starts_with("JSON nested deeper than")) << message_of(doc);
}

TEST(ParseJson, DepthUpToTheLimitIsAcceptedAndOneMoreRefused)
{
    auto nested = [](int depth) { // the root object is level 1
        return R"({"a":)" + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
    };
    EXPECT_TRUE(parse_json(nested(32)));
    EXPECT_FALSE(parse_json(nested(33)));
    EXPECT_TRUE(parse_json(nested(4), JsonLimits { .max_depth = 4 }));
    EXPECT_EQ(message_of(parse_json(nested(5), JsonLimits { .max_depth = 4 })),
        "JSON nested deeper than 4 levels at offset 8.");
}

TEST(ParseJson, HugeArrayIsRefusedByTheValueCount)
{
    std::string big = R"({"a":[0)";
    for (int i = 0; i < 200000; ++i)
        big += ",0";
    big += "]}";
    auto doc = parse_json(big);
    ASSERT_FALSE(doc);
    EXPECT_EQ(doc.error().kind, ErrorKind::InvalidInput);
    EXPECT_TRUE(message_of(doc).starts_with("JSON with more than 10000 values")) << message_of(doc);
}

TEST(ParseJson, ValueCountIncludesObjectMembersAndArrayElements)
{
    JsonLimits limits { .max_members = 4 };
    EXPECT_TRUE(parse_json(R"({"a":1,"b":[2,3]})", limits)); // a, b, 2, 3
    EXPECT_FALSE(parse_json(R"({"a":1,"b":[2,3,4]})", limits));
    EXPECT_TRUE(parse_json(R"({"a":1,"b":{"c":2,"d":3}})", limits));
    EXPECT_FALSE(parse_json(R"({"a":1,"b":{"c":2,"d":3,"e":4}})", limits));
}

TEST(ParseJson, DocumentOverTheByteLimitIsPayloadTooLarge)
{
    std::string big = R"({"a":")" + std::string(1024 * 1024, 'x') + R"("})";
    auto doc = parse_json(big);
    ASSERT_FALSE(doc);
    EXPECT_EQ(doc.error().kind, ErrorKind::PayloadTooLarge);
    EXPECT_TRUE(parse_json(R"({"a":"xx"})", JsonLimits { .max_bytes = 10 }));
    EXPECT_EQ(parse_json(R"({"a":"xxx"})", JsonLimits { .max_bytes = 10 }).error().kind,
        ErrorKind::PayloadTooLarge);
}

TEST(ParseJson, StringOrKeyOverTheStringLimitIsRefused)
{
    JsonLimits limits { .max_string_bytes = 4 };
    EXPECT_TRUE(parse_json(R"({"abcd":"wxyz"})", limits));
    EXPECT_TRUE(
        message_of(parse_json(R"({"a":"wxyz!"})", limits)).starts_with("JSON string longer than 4 bytes"));
    EXPECT_FALSE(parse_json(R"({"abcde":1})", limits));
    // The limit is on the decoded string: six escaped characters are six bytes here.
    EXPECT_FALSE(parse_json(R"({"a":"\u0041\u0041\u0041\u0041\u0041"})", limits));
}

TEST(ParseJson, TrailingGarbageIsRefused)
{
    EXPECT_EQ(message_of(parse_json(R"({"a":1} x)")), "Malformed JSON at offset 8.");
    EXPECT_FALSE(parse_json(R"({"a":1}{"b":2})"));
    EXPECT_FALSE(parse_json(R"({"a":1},)"));
    EXPECT_TRUE(parse_json(" \n{\"a\":1}\r\n\t "));
}

TEST(ParseJson, SyntaxErrorsGiveTheirOffset)
{
    EXPECT_EQ(message_of(parse_json(R"({"a":})")), "Malformed JSON at offset 5.");
    EXPECT_EQ(message_of(parse_json("")), "Malformed JSON at offset 0.");
    EXPECT_FALSE(parse_json(R"({"a":1,})")); // trailing comma
    EXPECT_FALSE(parse_json(R"({"a":NaN})"));
    EXPECT_FALSE(parse_json(R"({"a":Infinity})"));
    EXPECT_FALSE(parse_json(R"({"a":1e999})"));
    EXPECT_FALSE(parse_json(R"({"a":1 /* c */})"));
    EXPECT_FALSE(parse_json(R"({'a':1})"));
    EXPECT_FALSE(parse_json(R"({"a":"tab	inside"})")); // raw control character in a string
}

TEST(ParseJson, TopLevelMustBeAnObject)
{
    for (const char* text : { "[]", "\"s\"", "1", "null", "true", "[{\"a\":1}]" }) {
        auto doc = parse_json(text);
        ASSERT_FALSE(doc) << text;
        EXPECT_EQ(doc.error().kind, ErrorKind::InvalidInput);
        EXPECT_EQ(message_of(doc), "The JSON document must be an object.") << text;
    }
}

TEST(ParseJson, TopLevelArrayIsRefusedAtItsFirstByte)
{
    // Refused before anything is read: the array is never built.
    std::string big = "[" + std::string(500000, '[');
    EXPECT_EQ(message_of(parse_json(big)), "The JSON document must be an object.");
}

TEST(ParseJson, Utf8ByteOrderMarkIsSkipped)
{
    auto doc = parse_json("\xEF\xBB\xBF{\"a\":1}");
    ASSERT_TRUE(doc) << describe(doc);
    EXPECT_EQ((*doc)["a"].GetInt(), 1);
    // Offsets stay those of the text as received.
    EXPECT_EQ(message_of(parse_json("\xEF\xBB\xBF{\"a\":}")), "Malformed JSON at offset 8.");
    EXPECT_FALSE(parse_json("\xEF\xBB\xBF\xEF\xBB\xBF{}")); // only one
}

TEST(ParseJson, RawNulByteIsRefusedEvenAfterACompleteDocument)
{
    EXPECT_EQ(message_of(parse_json("{\"a\":1}\0junk"s)), "Malformed JSON at offset 7.");
    EXPECT_EQ(message_of(parse_json("{\"a\":\"x\0y\"}"s)), "Malformed JSON at offset 7.");
}

TEST(ParseJson, EscapedNulInsideAStringIsKeptWithItsLength)
{
    auto doc = parse_json(R"({"a":"x\u0000y"})");
    ASSERT_TRUE(doc) << describe(doc);
    EXPECT_EQ((*doc)["a"].GetStringLength(), 3u);
    EXPECT_EQ(std::string((*doc)["a"].GetString(), 3), "x\0y"s);
}

TEST(ParseJson, InvalidUtf8IsRefused)
{
    EXPECT_EQ(message_of(parse_json("{\"a\":\"\xC3\x28\"}")), "Invalid UTF-8 in a JSON string at offset 6.");
    EXPECT_FALSE(parse_json("{\"a\":\"\xC0\xAF\"}")); // overlong '/'
    EXPECT_FALSE(parse_json("{\"a\":\"\xED\xA0\x80\"}")); // encoded surrogate
    EXPECT_FALSE(parse_json("{\"a\":\"\xF4\x90\x80\x80\"}")); // above U+10FFFF
    EXPECT_FALSE(parse_json("{\"\xFF\":1}")); // in a key
    EXPECT_TRUE(parse_json("{\"a\":\"\xC3\xA9\xF0\x9F\x98\x80\"}")); // é😀
}

TEST(ParseJson, EscapedLoneSurrogatesAreRefused)
{
    EXPECT_FALSE(parse_json(R"({"a":"\udc00"})"));
    EXPECT_FALSE(parse_json(R"({"a":"\ud800"})"));
    EXPECT_FALSE(parse_json(R"({"a":"\ud800\u0041"})"));
    EXPECT_FALSE(parse_json(R"({"\udfff":1})"));
    auto pair = parse_json(R"({"a":"\ud83d\ude00"})");
    ASSERT_TRUE(pair) << describe(pair);
    EXPECT_STREQ((*pair)["a"].GetString(), "\xF0\x9F\x98\x80");
}

TEST(ParseJson, RepeatedKeyInOneObjectIsRefused)
{
    // {"id": mine, "id": yours}: parsers differ on which wins.
    auto doc = parse_json(R"({"id":"https://a.example/1","type":"Note","id":"https://b.example/2"})");
    ASSERT_FALSE(doc);
    EXPECT_EQ(doc.error().kind, ErrorKind::InvalidInput);
    EXPECT_TRUE(message_of(doc).starts_with("Duplicate key in a JSON object")) << message_of(doc);
    EXPECT_FALSE(parse_json(R"({"o":{"a":1,"b":2,"a":3}})"));
    EXPECT_FALSE(parse_json(R"({"a\u0000":1,"a\u0000":2})"));
    // Keys are compared once unescaped: "\u0069d" is "id".
    EXPECT_FALSE(parse_json(R"({"id":"https://a.example/1","\u0069d":"https://b.example/2"})"));
    // The same key in sibling and nested objects is fine.
    EXPECT_TRUE(parse_json(R"({"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}],"a\u0000":1})"));
}

} // namespace
} // namespace confrere::federation
