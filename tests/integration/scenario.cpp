#include "tests/integration/scenario.hpp"

#include <algorithm>
#include <regex>

namespace confrere::testkit {

ExtractPerson pharmacist_elodie()
{
    ExtractPerson p;
    p.rpps = with_luhn_key("1000012345");
    p.last_name = "LEFÈVRE";
    p.first_name = "Élodie";
    p.profession_code = "21";
    p.profession_label = "Pharmacien";
    return p;
}

ExtractPerson pharmacist_francois()
{
    ExtractPerson p;
    p.rpps = with_luhn_key("1000013579");
    p.last_name = "DE LA FONTAINE";
    p.first_name = "François";
    p.profession_code = "21";
    p.profession_label = "Pharmacien";
    return p;
}

ExtractPerson nurse_loic()
{
    ExtractPerson p;
    p.rpps = with_luhn_key("1000067890");
    p.last_name = "LE GOFF";
    p.first_name = "Loïc";
    p.profession_code = "60";
    p.profession_label = "Infirmier";
    return p;
}

ExtractPerson podiatrist_zoe()
{
    ExtractPerson p;
    p.rpps = with_luhn_key("1000024680");
    p.last_name = "N'DIAYE";
    p.first_name = "Zoé";
    p.profession_code = "80";
    p.profession_label = "Pédicure-Podologue";
    return p;
}

std::string unknown_rpps()
{
    return with_luhn_key("1000099991");
}

FormFields Applicant::form() const
{
    FormFields fields{
        {"username", username},
        {"email", email.empty() ? username + "@example.test" : email},
        {"password", password},
        {"agreement", agreement},
        {"locale", locale},
        {"reason", reason},
        {"first_name", first_name},
        {"last_name", last_name},
        {"identifier_kind", identifier_kind},
    };
    if (!identifier.empty())
        fields.emplace_back("identifier", identifier);
    if (!profession_code.empty())
        fields.emplace_back("profession_code", profession_code);
    return fields;
}

std::string Applicant::json() const
{
    rapidjson::Document doc(rapidjson::kObjectType);
    auto& alloc = doc.GetAllocator();
    for (const auto& [name, value] : form()) {
        rapidjson::Value key(name.c_str(), alloc);
        if (name == "agreement" && value == "true")
            doc.AddMember(key, rapidjson::Value(true), alloc);
        else
            doc.AddMember(key, rapidjson::Value(value.c_str(), alloc), alloc);
    }
    return to_json_text(doc);
}

Applicant applicant_for(const std::string& username, const ExtractPerson& person)
{
    Applicant a;
    a.username = username;
    a.first_name = person.first_name;
    a.last_name = person.last_name;
    a.identifier = person.rpps;
    return a;
}

::testing::AssertionResult is_json_error(const HttpResponse& response, int status)
{
    if (response.status != status)
        return ::testing::AssertionFailure() << "expected " << status << ", got " << response;
    if (response.header("Content-Type").find("application/json") == std::string::npos)
        return ::testing::AssertionFailure() << "not application/json: " << response;
    const auto doc = response.json();
    if (doc.HasParseError() || !doc.IsObject() || json_string(doc, "/error").empty())
        return ::testing::AssertionFailure() << "no {\"error\": …} body: " << response;
    return ::testing::AssertionSuccess();
}

std::vector<std::string> ids_of(const HttpResponse& response)
{
    std::vector<std::string> ids;
    auto doc = response.json();
    if (doc.IsArray())
        for (const auto& s : doc.GetArray())
            ids.push_back(json_string(s, "/id"));
    return ids;
}

std::string field_error(const HttpResponse& response, const std::string& field)
{
    const auto doc = response.json();
    if (doc.HasParseError())
        return {};
    return json_string(doc, ("/details/" + field + "/0/error").c_str());
}

std::string field_description(const HttpResponse& response, const std::string& field)
{
    const auto doc = response.json();
    if (doc.HasParseError())
        return {};
    return json_string(doc, ("/details/" + field + "/0/description").c_str());
}

std::string csrf_of(const HttpResponse& page)
{
    std::smatch m;
    static const std::regex field(R"re(name="csrf" value="([^"]+)")re");
    return std::regex_search(page.body, m, field) ? m[1].str() : "";
}

std::string account_id_of(HttpClient& client)
{
    auto me = client.get("/api/v1/accounts/verify_credentials");
    EXPECT_EQ(me.status, 200) << me;
    return json_string(me.json(), "/id");
}

IntegrationTest::IntegrationTest(InstanceOptions options)
    : instance_(CONFRERE_BINARY, std::move(options))
{
}

void IntegrationTest::SetUp()
{
    ASSERT_TRUE(instance_.ready());
    ASSERT_TRUE(instance_.start());
}

void IntegrationTest::create_account(const std::string& username, const std::string& role,
                                     bool validated, const std::string& password)
{
    std::vector<std::string> args{"create-account", "--username", username,
                                  "--email",        username + "@example.test",
                                  "--password",     password,
                                  "--role",         role};
    if (validated)
        args.emplace_back("--validated");
    const auto result = instance_.admin_command(args);
    if (result.exit_code != 0)
        ADD_FAILURE() << "create-account " << username << " failed: " << result;
    created_.push_back(username);
}

HttpClient IntegrationTest::signed_in(const std::string& username, const std::string& password)
{
    auto client = instance_.client();
    const auto response = client.sign_in(username, password);
    if (response.status != 200 || client.session_token().empty() || client.csrf_token().empty())
        ADD_FAILURE() << "sign-in as " << username << " failed: " << response;
    return client;
}

HttpClient IntegrationTest::moderator()
{
    if (std::find(created_.begin(), created_.end(), "moderatrice") == created_.end())
        create_account("moderatrice", "moderator", true);
    return signed_in("moderatrice");
}

HttpClient IntegrationTest::member(const std::string& username)
{
    if (std::find(created_.begin(), created_.end(), username) == created_.end())
        create_account(username, "member", true);
    return signed_in(username);
}

HttpResponse IntegrationTest::register_applicant(const Applicant& applicant)
{
    return instance_.client().post_form("/api/v1/accounts", applicant.form());
}

std::string IntegrationTest::register_pending(const Applicant& applicant)
{
    const auto response = register_applicant(applicant);
    const auto doc = response.json();
    const auto id = doc.HasParseError() ? std::string() : json_string(doc, "/id");
    if (response.status != 200 || id.empty())
        ADD_FAILURE() << "registration of " << applicant.username << " refused: " << response;
    return id;
}

std::string IntegrationTest::register_and_approve(const Applicant& applicant)
{
    const auto id = register_pending(applicant);
    if (id.empty())
        return id;
    auto mod = moderator();
    const auto approved = mod.post_form("/api/v1/admin/accounts/" + id + "/approve", {});
    if (approved.status != 200)
        ADD_FAILURE() << "approval of " << applicant.username << " failed: " << approved;
    return id;
}

void IntegrationTest::import_directory(const std::vector<ExtractPerson>& people,
                                       const std::string& file_name)
{
    const auto path = instance_.dir() / file_name;
    const auto written = write_extract(path, people);
    if (!written) {
        ADD_FAILURE() << "cannot write " << path << ": " << written.error().public_message;
        return;
    }
    const auto result = instance_.admin("import-directory", path.string());
    if (result.exit_code != 0)
        ADD_FAILURE() << "import-directory failed: " << result;
}

std::string IntegrationTest::oauth_token(const std::string& username, const std::string& scope)
{
    auto app = instance_.client().post_form("/api/v1/apps",
        { { "client_name", "Tusky" }, { "redirect_uris", "urn:ietf:wg:oauth:2.0:oob" }, { "scopes", scope } });
    EXPECT_EQ(app.status, 200) << app;
    auto app_doc = app.json();
    auto grant = instance_.client().post_form("/oauth/token",
        { { "grant_type", "password" }, { "client_id", json_string(app_doc, "/client_id") },
            { "client_secret", json_string(app_doc, "/client_secret") }, { "username", username },
            { "password", fixture_password }, { "scope", scope } });
    EXPECT_EQ(grant.status, 200) << grant;
    return json_string(grant.json(), "/access_token");
}

HttpResponse IntegrationTest::admin_account(const std::string& id)
{
    return moderator().get("/api/v1/admin/accounts/" + id);
}

std::string IntegrationTest::precheck_outcome(const std::string& id)
{
    const auto response = admin_account(id);
    if (response.status != 200) {
        ADD_FAILURE() << "admin account " << id << ": " << response;
        return {};
    }
    return json_string(response.json(), "/confrere/precheck/outcome");
}

} // namespace confrere::testkit
