// Error responses (the one place kinds become statuses), URL decoding, request accessors.
#include "server/http/message.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

namespace confrere::server::http {
namespace {

rapidjson::Document body_of(const Response& r)
{
    rapidjson::Document doc;
    doc.Parse(r.body.c_str(), r.body.size());
    EXPECT_FALSE(doc.HasParseError()) << r.body;
    EXPECT_TRUE(doc.IsObject()) << r.body;
    return doc;
}

std::string error_text(const Response& r)
{
    auto doc = body_of(r);
    if (!doc.IsObject() || !doc.HasMember("error") || !doc["error"].IsString())
        return "(no error member)";
    return doc["error"].GetString();
}

// What `details.<field>[0].error` says, or "" when there are no details.
std::string detail_code(const Response& r, const char* field)
{
    auto doc = body_of(r);
    if (!doc.IsObject() || !doc.HasMember("details"))
        return "";
    const auto& details = doc["details"];
    if (!details.IsObject() || !details.HasMember(field) || !details[field].IsArray() || details[field].Empty())
        return "(malformed details)";
    const auto& first = details[field][0];
    return first.HasMember("error") && first["error"].IsString() ? first["error"].GetString() : "(no code)";
}

TEST(StatusFor, EveryKindHasItsStatus)
{
    EXPECT_EQ(status_for(ErrorKind::InvalidInput), 400);
    EXPECT_EQ(status_for(ErrorKind::Unprocessable), 422);
    EXPECT_EQ(status_for(ErrorKind::Unauthorized), 401);
    EXPECT_EQ(status_for(ErrorKind::Forbidden), 403);
    EXPECT_EQ(status_for(ErrorKind::NotFound), 404);
    EXPECT_EQ(status_for(ErrorKind::Conflict), 409);
    EXPECT_EQ(status_for(ErrorKind::Gone), 410);
    EXPECT_EQ(status_for(ErrorKind::PayloadTooLarge), 413);
    EXPECT_EQ(status_for(ErrorKind::Unavailable), 503);
    EXPECT_EQ(status_for(ErrorKind::PeerFailed), 502);
    EXPECT_EQ(status_for(ErrorKind::Internal), 500);
}

TEST(ErrorResponse, StatusComesFromTheKind)
{
    EXPECT_EQ(error_response(Error{ErrorKind::Forbidden, "No.", {}, {}}).status, 403);
    EXPECT_EQ(error_response(Error{ErrorKind::Unavailable, "Busy.", {}, {}}).status, 503);
}

TEST(ErrorResponse, BodyIsAJsonObjectWithTheMessage)
{
    Response r = error_response(Error{ErrorKind::NotFound, "Record not found", {}, {}});
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
    auto doc = body_of(r);
    EXPECT_EQ(error_text(r), "Record not found");
    EXPECT_FALSE(doc.HasMember("details"));
}

TEST(ErrorResponse, EmptyMessageStillGivesAnErrorMember)
{
    EXPECT_FALSE(error_text(error_response(Error{ErrorKind::Internal, "", {}, {}})).empty());
}

TEST(ErrorResponse, MessageWithQuotesAndControlCharactersStaysValidJson)
{
    Response r = error_response(Error{ErrorKind::InvalidInput, "Bad \"value\"\n\\ here\t", {}, {}});
    EXPECT_EQ(error_text(r), "Bad \"value\"\n\\ here\t");
}

TEST(ErrorResponse, DetailNeverReachesTheBody)
{
    const std::string secret = "INSERT INTO accounts (password_hash) VALUES ('$argon2id$secret')";
    for (ErrorKind kind : {ErrorKind::Internal, ErrorKind::Unprocessable, ErrorKind::Conflict}) {
        Response r = error_response(Error{kind, "Something went wrong.", secret, "username"});
        EXPECT_EQ(r.body.find("argon2id"), std::string::npos) << r.body;
        EXPECT_EQ(r.body.find("INSERT"), std::string::npos) << r.body;
        for (const auto& [name, value] : r.headers)
            EXPECT_EQ(value.find("argon2id"), std::string::npos) << name;
    }
}

TEST(ErrorResponse, TakenFieldIsErrTaken)
{
    Response r = error_response(Error{ErrorKind::Unprocessable, "This username is already taken.", {}, "username"});
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(detail_code(r, "username"), "ERR_TAKEN");
    auto doc = body_of(r);
    EXPECT_EQ(std::string(doc["details"]["username"][0]["description"].GetString()),
              "This username is already taken.");
    // Mastodon's wording: "Validation failed: <field>: <message>".
    EXPECT_NE(error_text(r).find("Validation failed"), std::string::npos) << error_text(r);
}

TEST(ErrorResponse, RequiredFieldIsErrBlank)
{
    Response r = error_response(Error{ErrorKind::Unprocessable, "This field is required.", {}, "first_name"});
    EXPECT_EQ(detail_code(r, "first_name"), "ERR_BLANK");
}

TEST(ErrorResponse, OtherwiseInvalidFieldIsErrInvalid)
{
    Response r = error_response(Error{ErrorKind::Unprocessable, "The check key is wrong.", {}, "identifier"});
    EXPECT_EQ(detail_code(r, "identifier"), "ERR_INVALID");
}

TEST(ErrorResponse, ErrorWithoutFieldHasNoDetails)
{
    Response r = error_response(Error{ErrorKind::Unprocessable, "Nope.", {}, {}});
    EXPECT_EQ(detail_code(r, "anything"), "");
    EXPECT_EQ(error_text(r), "Nope.");
}

TEST(ErrorResponse, UnauthorizedAsksForABearerToken)
{
    Response r = error_response(Error{ErrorKind::Unauthorized, "The access token is invalid", {}, {}});
    EXPECT_EQ(r.status, 401);
    bool found = false;
    for (const auto& [name, value] : r.headers)
        if (name == "WWW-Authenticate") {
            found = true;
            EXPECT_TRUE(value.starts_with("Bearer")) << value;
        }
    EXPECT_TRUE(found);
}

TEST(ErrorResponse, ForbiddenDoesNotAskForCredentials)
{
    Response r = error_response(Error{ErrorKind::Forbidden, "No.", {}, {}});
    for (const auto& [name, value] : r.headers)
        EXPECT_NE(name, "WWW-Authenticate");
}

TEST(PercentDecode, DecodesEscapesInBothCases)
{
    EXPECT_EQ(percent_decode("%41%62%c3%A9", false), "Abé");
}

TEST(PercentDecode, PlusIsASpaceOnlyWhenAsked)
{
    EXPECT_EQ(percent_decode("a+b", true), "a b");
    EXPECT_EQ(percent_decode("a+b", false), "a+b");
    EXPECT_EQ(percent_decode("a%2Bb", true), "a+b");
}

TEST(PercentDecode, IncompleteOrInvalidEscapesAreKept)
{
    EXPECT_EQ(percent_decode("%", false), "%");
    EXPECT_EQ(percent_decode("%4", false), "%4");
    EXPECT_EQ(percent_decode("%G1", false), "%G1");
    EXPECT_EQ(percent_decode("x%4", false), "x%4");
}

TEST(PercentDecode, EscapeAtTheVeryEndIsDecoded)
{
    EXPECT_EQ(percent_decode("a%41", false), "aA");
}

TEST(ParseUrlencoded, KeepsOrderAndDuplicates)
{
    auto pairs = parse_urlencoded("a=1&b=2&a=3");
    ASSERT_EQ(pairs.size(), 3u);
    EXPECT_EQ(pairs[0], (std::pair<std::string, std::string>{"a", "1"}));
    EXPECT_EQ(pairs[1], (std::pair<std::string, std::string>{"b", "2"}));
    EXPECT_EQ(pairs[2], (std::pair<std::string, std::string>{"a", "3"}));
}

TEST(ParseUrlencoded, ValueMayContainEqualsSigns)
{
    auto pairs = parse_urlencoded("token=abc==");
    ASSERT_EQ(pairs.size(), 1u);
    EXPECT_EQ(pairs[0].second, "abc==");
}

TEST(RequestAccessors, HeaderLookupUsesLowerCaseNames)
{
    Request r;
    r.headers = {{"content-type", "application/json"}, {"accept", "a"}, {"accept", "b"}};
    EXPECT_EQ(r.header("content-type"), std::optional<std::string_view>("application/json"));
    EXPECT_EQ(r.header("accept"), std::optional<std::string_view>("a"));
    EXPECT_FALSE(r.header("authorization"));
}

TEST(RequestAccessors, QueryParameterIsDecoded)
{
    Request r;
    r.query = "resource=acct%3Aalice%40pharma.example&limit=20&q=jean+pierre";
    EXPECT_EQ(r.query_param("resource"), std::optional<std::string>("acct:alice@pharma.example"));
    EXPECT_EQ(r.query_param("q"), std::optional<std::string>("jean pierre"));
    EXPECT_FALSE(r.query_param("max_id"));
}

TEST(JsonResponse, CarriesStatusAndBody)
{
    Response r = json_response(201, "{}");
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(r.body, "{}");
    EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
}

} // namespace
} // namespace confrere::server::http
