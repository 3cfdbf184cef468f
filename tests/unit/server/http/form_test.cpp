// Request parameters from URL-encoded forms, flat JSON objects and multipart bodies.
#include "server/http/form.hpp"

#include "tests/support/test_store.hpp"

#include <gtest/gtest.h>

#include <string>

namespace confrere::server::http {
namespace {

using testkit::describe;

Request request(std::string content_type, std::string body, std::string query = {})
{
    Request r;
    r.method = "POST";
    r.path = "/api/v1/accounts";
    r.query = std::move(query);
    if (!content_type.empty())
        r.headers.emplace_back("content-type", std::move(content_type));
    r.body = std::move(body);
    return r;
}

ErrorKind refusal(const Result<Params>& p)
{
    return p ? ErrorKind::Internal : p.error().kind;
}

// RFC 7578 body with CRLF line ends; `parts` are already-formatted part headers + content.
std::string multipart(const std::string& boundary, std::initializer_list<std::string> parts)
{
    std::string body;
    for (const std::string& part : parts)
        body += "--" + boundary + "\r\n" + part + "\r\n";
    body += "--" + boundary + "--\r\n";
    return body;
}

// --- URL-encoded --------------------------------------------------------------------------

TEST(FormUrlencoded, PlusIsASpaceAndPercentEscapesAreDecoded)
{
    auto p = parse_params(request("application/x-www-form-urlencoded",
                                  "first_name=Jean+Pierre&last_name=L%C3%A9ger&note=50%25+off"));
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->get_or("first_name"), "Jean Pierre");
    EXPECT_EQ(p->get_or("last_name"), "Léger");
    EXPECT_EQ(p->get_or("note"), "50% off");
}

TEST(FormUrlencoded, EncodedAmpersandAndEqualsStayInTheValue)
{
    auto p = parse_params(request("application/x-www-form-urlencoded", "reason=a%26b%3Dc&x=1"));
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->get_or("reason"), "a&b=c");
    EXPECT_EQ(p->get_or("x"), "1");
}

TEST(FormUrlencoded, MalformedEscapesAreKeptLiterally)
{
    auto p = parse_params(request("application/x-www-form-urlencoded", "a=%zz&b=100%&c=%4"));
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->get_or("a"), "%zz");
    EXPECT_EQ(p->get_or("b"), "100%");
    EXPECT_EQ(p->get_or("c"), "%4");
}

TEST(FormUrlencoded, KeyWithoutValueIsEmptyAndEmptyPairsAreSkipped)
{
    auto p = parse_params(request("application/x-www-form-urlencoded", "&&agreement&x=&"));
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->get("agreement"), std::optional<std::string>(""));
    EXPECT_EQ(p->get("x"), std::optional<std::string>(""));
    EXPECT_EQ(p->fields.size(), 2u);
}

TEST(FormUrlencoded, BodyOverridesTheQueryString)
{
    auto p = parse_params(request("application/x-www-form-urlencoded", "locale=en", "locale=fr&limit=20"));
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->get_or("locale"), "en");
    EXPECT_EQ(p->get_or("limit"), "20");
}

TEST(FormUrlencoded, ContentTypeIsMatchedWhateverItsCase)
{
    auto p = parse_params(request("Application/X-WWW-Form-URLEncoded; charset=UTF-8", "a=1"));
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->get_or("a"), "1");
}

TEST(FormUrlencoded, EmptyBodyGivesTheQueryOnlyWhateverTheContentType)
{
    auto p = parse_params(request("text/plain", "", "resource=acct%3Aalice%40pharma.example"));
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->get_or("resource"), "acct:alice@pharma.example");
}

// --- JSON ---------------------------------------------------------------------------------

TEST(FormJson, ScalarMembersBecomeFields)
{
    auto p = parse_params(request("application/json; charset=utf-8",
                                  R"({"username":"alice","agreement":true,"profession_code":21,"locked":false})"));
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->get_or("username"), "alice");
    EXPECT_EQ(p->get_or("agreement"), "true");
    EXPECT_EQ(p->get_or("profession_code"), "21");
    EXPECT_EQ(p->get_or("locked"), "false");
    EXPECT_TRUE(p->flag("agreement"));
    EXPECT_FALSE(p->flag("locked"));
}

TEST(FormJson, EscapedStringsAreDecoded)
{
    auto p = parse_params(request("application/json", R"({"note":"L\u00e9ger \"quoted\"\nline"})"));
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->get_or("note"), "Léger \"quoted\"\nline");
}

TEST(FormJson, StringWithAnEmbeddedNulKeepsItsLength)
{
    auto p = parse_params(request("application/json", R"({"a":"x\u0000y"})"));
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->get_or("a"), std::string("x\0y", 3));
}

TEST(FormJson, NestedValuesAreNotFieldsOfTheirOwnName)
{
    auto p = parse_params(request("application/json", R"({"a":"1","fields":{"x":"y"},"ids":[1,2],"n":null})"));
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->get_or("a"), "1");
    EXPECT_FALSE(p->get("fields"));
    EXPECT_FALSE(p->get("ids"));
    EXPECT_FALSE(p->get("n"));
}

TEST(FormJson, AnObjectOneLevelDeepIsNamedAsAFormNamesIt)
{
    auto p = parse_params(request("application/json",
        R"({"home":{"last_read_id":"103","n":7,"on":true},"notifications":{"last_read_id":"5"}})"));
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->get_or("home[last_read_id]"), "103");
    EXPECT_EQ(p->get_or("home[n]"), "7");
    EXPECT_EQ(p->get_or("home[on]"), "true");
    EXPECT_EQ(p->get_or("notifications[last_read_id]"), "5");
    EXPECT_EQ(p->fields.size(), 4u);
}

TEST(FormJson, ObjectsDeeperThanOneLevelAndArraysInsideThemAreSkipped)
{
    auto p = parse_params(request("application/json", R"({"a":{"b":{"c":"d"},"e":[1],"f":null,"g":"h"}})"));
    ASSERT_TRUE(p) << describe(p);
    EXPECT_FALSE(p->get("a[b]"));
    EXPECT_FALSE(p->get("a[b][c]"));
    EXPECT_FALSE(p->get("a[e]"));
    EXPECT_FALSE(p->get("a[f]"));
    EXPECT_EQ(p->get_or("a[g]"), "h");
    EXPECT_EQ(p->fields.size(), 1u);
}

TEST(FormJson, ArrayBodyIsInvalidInput)
{
    EXPECT_EQ(refusal(parse_params(request("application/json", R"(["username","alice"])"))),
              ErrorKind::InvalidInput);
}

TEST(FormJson, ScalarBodyIsInvalidInput)
{
    EXPECT_EQ(refusal(parse_params(request("application/json", "42"))), ErrorKind::InvalidInput);
}

TEST(FormJson, MalformedJsonIsInvalidInput)
{
    for (const char* body : {R"({"username":)", R"({"a":"1",})", "{'a':1}", "{\"a\":\"1\"} trailing"}) {
        auto p = parse_params(request("application/json", body));
        EXPECT_EQ(refusal(p), ErrorKind::InvalidInput) << body;
    }
}

TEST(FormJson, ActivityJsonIsParsedAsJson)
{
    auto p = parse_params(request("application/activity+json", R"({"type":"Follow"})"));
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->get_or("type"), "Follow");
}

// --- Multipart ----------------------------------------------------------------------------

TEST(FormMultipart, FieldsAndAFilePartAreSeparated)
{
    static constexpr char raw[] = "%PDF-1.4\r\n\0binary\r\n--not-the-boundary";
    const std::string pdf(raw, sizeof raw - 1);
    std::string body = multipart("XyZ123", {
        "Content-Disposition: form-data; name=\"username\"\r\n\r\nemma",
        "Content-Disposition: form-data; name=\"agreement\"\r\n\r\n1",
        "Content-Disposition: form-data; name=\"attestation\"; filename=\"attestation IFSI.pdf\"\r\n"
        "Content-Type: application/pdf\r\n\r\n" + pdf,
    });
    auto p = parse_params(request("multipart/form-data; boundary=XyZ123", body));
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->get_or("username"), "emma");
    EXPECT_TRUE(p->flag("agreement"));
    EXPECT_FALSE(p->get("attestation"));
    ASSERT_EQ(p->files.count("attestation"), 1u);
    const FilePart& file = p->files.at("attestation");
    EXPECT_EQ(file.filename, "attestation IFSI.pdf");
    EXPECT_EQ(file.content_type, "application/pdf");
    EXPECT_EQ(file.data, pdf);
}

TEST(FormMultipart, QuotedBoundaryIsAccepted)
{
    std::string body = multipart("a b", {"Content-Disposition: form-data; name=\"x\"\r\n\r\n1"});
    auto p = parse_params(request("multipart/form-data; boundary=\"a b\"", body));
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->get_or("x"), "1");
}

TEST(FormMultipart, EmptyFieldValueIsKept)
{
    std::string body = multipart("B", {"Content-Disposition: form-data; name=\"reason\"\r\n\r\n"});
    auto p = parse_params(request("multipart/form-data; boundary=B", body));
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->get("reason"), std::optional<std::string>(""));
}

TEST(FormMultipart, TruncatedBodyIsInvalidInput)
{
    std::string body = multipart("B", {"Content-Disposition: form-data; name=\"attestation\"; filename=\"a.pdf\"\r\n"
                                       "Content-Type: application/pdf\r\n\r\n%PDF-1.4 and much more"});
    body.resize(body.size() / 2 + 40);
    auto p = parse_params(request("multipart/form-data; boundary=B", body));
    EXPECT_EQ(refusal(p), ErrorKind::InvalidInput);
}

TEST(FormMultipart, BodyCutInThePartHeadersIsInvalidInput)
{
    auto p = parse_params(request("multipart/form-data; boundary=B", "--B\r\nContent-Disposition: form-data; na"));
    EXPECT_EQ(refusal(p), ErrorKind::InvalidInput);
}

TEST(FormMultipart, MissingBoundaryParameterIsInvalidInput)
{
    std::string body = multipart("B", {"Content-Disposition: form-data; name=\"x\"\r\n\r\n1"});
    EXPECT_EQ(refusal(parse_params(request("multipart/form-data", body))), ErrorKind::InvalidInput);
}

TEST(FormMultipart, BodyWithoutTheBoundaryIsInvalidInput)
{
    std::string body = multipart("B", {"Content-Disposition: form-data; name=\"x\"\r\n\r\n1"});
    EXPECT_EQ(refusal(parse_params(request("multipart/form-data; boundary=C", body))), ErrorKind::InvalidInput);
}

TEST(FormMultipart, PartWithoutANameIsInvalidInput)
{
    std::string body = multipart("B", {"Content-Disposition: form-data\r\n\r\n1"});
    EXPECT_EQ(refusal(parse_params(request("multipart/form-data; boundary=B", body))), ErrorKind::InvalidInput);
}

TEST(FormMultipart, FilenameParameterIsNotMistakenForName)
{
    std::string body = multipart("B", {"Content-Disposition: form-data; filename=\"a.pdf\"; name=\"attestation\"\r\n\r\nX"});
    auto p = parse_params(request("multipart/form-data; boundary=B", body));
    ASSERT_TRUE(p) << describe(p);
    ASSERT_EQ(p->files.count("attestation"), 1u);
    EXPECT_EQ(p->files.at("attestation").filename, "a.pdf");
}

// --- Content types ------------------------------------------------------------------------

TEST(FormContentType, UnsupportedContentTypeIsInvalidInput)
{
    EXPECT_EQ(refusal(parse_params(request("text/plain", "username=alice"))), ErrorKind::InvalidInput);
    EXPECT_EQ(refusal(parse_params(request("application/xml", "<a/>"))), ErrorKind::InvalidInput);
}

TEST(FormContentType, MissingContentTypeWithABodyIsInvalidInput)
{
    EXPECT_EQ(refusal(parse_params(request("", "username=alice"))), ErrorKind::InvalidInput);
}

// --- Params -------------------------------------------------------------------------------

TEST(ParamsFlag, TrueOneOnAndYesAreSetAnythingElseIsNot)
{
    Params p;
    for (const char* v : {"true", "1", "on", "yes"})
        p.fields[std::string("t_") + v] = v;
    for (const char* v : {"false", "0", "off", "", "TRUE"})
        p.fields[std::string("f_") + v] = v;
    for (const char* v : {"true", "1", "on", "yes"})
        EXPECT_TRUE(p.flag(std::string("t_") + v)) << v;
    for (const char* v : {"false", "0", "off", "", "TRUE"})
        EXPECT_FALSE(p.flag(std::string("f_") + v)) << v;
    EXPECT_FALSE(p.flag("absent"));
}

TEST(ParamsGetOr, FallbackOnlyWhenAbsent)
{
    Params p;
    p.fields["empty"] = "";
    EXPECT_EQ(p.get_or("empty", "fallback"), "");
    EXPECT_EQ(p.get_or("absent", "fallback"), "fallback");
}

// --- Lists and lists of objects ---------------------------------------------------------------

TEST(FormLists, RepeatedBracketKeysMakeAListInOrderAndKeepTheLastAsAField)
{
    auto p = parse_params(request("application/x-www-form-urlencoded", "context%5B%5D=home&context[]=public&title=x"));
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->list("context"), (std::vector<std::string> { "home", "public" }));
    EXPECT_EQ(p->get_or("context[]"), "public") << "the flat field stays as before";
    EXPECT_EQ(p->list("title"), (std::vector<std::string> { "x" })) << "one plain value is a list of one";
    EXPECT_FALSE(p->list("absent"));
}

TEST(FormLists, RailsObjectArraysStartANewObjectWhenAKeyRepeats)
{
    auto p = parse_params(request("application/x-www-form-urlencoded",
        "keywords_attributes[][keyword]=gr%C3%A8ve&keywords_attributes[][whole_word]=1"
        "&keywords_attributes[][keyword]=manif&keywords_attributes[][whole_word]=0"));
    ASSERT_TRUE(p) << describe(p);
    const auto& objects = p->objects.at("keywords_attributes");
    ASSERT_EQ(objects.size(), 2u);
    EXPECT_EQ(objects[0].at("keyword"), "grève");
    EXPECT_EQ(objects[0].at("whole_word"), "1");
    EXPECT_EQ(objects[1].at("keyword"), "manif");
    EXPECT_EQ(objects[1].at("whole_word"), "0");
}

TEST(FormLists, IndexedObjectsAreGroupedByIndexInOrderOfFirstUse)
{
    auto p = parse_params(request("application/x-www-form-urlencoded",
        "k[1][keyword]=b&k[0][keyword]=a&k[1][_destroy]=true&k[0][id]=7"));
    ASSERT_TRUE(p) << describe(p);
    const auto& objects = p->objects.at("k");
    ASSERT_EQ(objects.size(), 2u);
    EXPECT_EQ(objects[0].at("keyword"), "b");
    EXPECT_EQ(objects[0].at("_destroy"), "true");
    EXPECT_EQ(objects[1].at("keyword"), "a");
    EXPECT_EQ(objects[1].at("id"), "7");
}

TEST(FormLists, MalformedBracketsAreOnlyFlatFields)
{
    auto p = parse_params(request("application/x-www-form-urlencoded", "a[=1&[]=2&b[x=3&c[0][]=4&d[0][e][f]=5"));
    ASSERT_TRUE(p) << describe(p);
    EXPECT_TRUE(p->lists.empty());
    EXPECT_TRUE(p->objects.empty());
    EXPECT_EQ(p->get_or("a["), "1");
}

TEST(JsonLists, ArraysOfScalarsAndOfObjectsAreRead)
{
    auto p = parse_params(request("application/json",
        R"({"title":"t","context":["home","thread"],"keywords_attributes":[{"keyword":"x","whole_word":false},{"id":"5","_destroy":true,"nested":{"a":1}}],"n":[1,true]})"));
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->list("context"), (std::vector<std::string> { "home", "thread" }));
    EXPECT_EQ(p->list("n"), (std::vector<std::string> { "1", "true" }));
    const auto& objects = p->objects.at("keywords_attributes");
    ASSERT_EQ(objects.size(), 2u);
    EXPECT_EQ(objects[0].at("whole_word"), "false");
    EXPECT_EQ(objects[1].at("_destroy"), "true");
    EXPECT_FALSE(objects[1].contains("nested"));
    EXPECT_FALSE(p->get("context")) << "arrays are not flat fields";
}

TEST(FormLists, TheBodyReplacesAQueryListAsAWhole)
{
    auto p = parse_params(request("application/x-www-form-urlencoded", "context[]=public", "context[]=home&context[]=thread"));
    ASSERT_TRUE(p) << describe(p);
    EXPECT_EQ(p->list("context"), (std::vector<std::string> { "public" }));
}

} // namespace
} // namespace confrere::server::http
