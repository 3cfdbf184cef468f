// The server's stderr is JSON lines that may be shipped off the machine: after a full scenario
// (registration, refusals, moderation, sessions) no password, session token, CSRF token or
// professional identifier may appear in it.
#include "tests/integration/scenario.hpp"

#include <sstream>

namespace confrere::testkit {
namespace {

class Logs : public IntegrationTest {};

TEST_F(Logs, NeverContainPasswordsTokensOrIdentifiers)
{
    import_directory({pharmacist_elodie()});
    const std::string password = "Secret-Pharma-7319";
    const std::string refused_password = "Refuse-Secret-4242";
    const std::string wrong_password = "Mauvais-Secret-1111";
    const std::string bad_rpps = "10000123455";

    auto refused = applicant_for("refusee", pharmacist_elodie());
    refused.password = refused_password;
    refused.identifier = bad_rpps;
    ASSERT_EQ(register_applicant(refused).status, 422);

    auto applicant = applicant_for("elodie", pharmacist_elodie());
    applicant.password = password;
    const auto id = register_and_approve(applicant);
    ASSERT_FALSE(id.empty());

    auto mod = moderator();
    ASSERT_EQ(admin_account(id).status, 200);  // the moderator reads the identifier
    auto elodie = signed_in("elodie", password);
    ASSERT_EQ(elodie.get("/api/v1/accounts/verify_credentials").status, 200);
    EXPECT_EQ(instance_.client().sign_in("elodie", wrong_password).status, 401);
    auto forged = instance_.client();
    forged.set_cookie("confrere_session", elodie.session_token() + "x");
    EXPECT_EQ(forged.get("/api/v1/accounts/verify_credentials").status, 401);
    const auto elodie_session = elodie.session_token();
    const auto elodie_csrf = elodie.csrf_token();
    EXPECT_EQ(elodie.post_form("/auth/sign_out", {}).status, 204);

    ASSERT_EQ(instance_.stop(SIGTERM), 0);  // everything flushed
    const auto log = instance_.log_text();
    ASSERT_FALSE(log.empty()) << "the server logs nothing at all";

    const std::vector<std::pair<std::string, std::string>> secrets{
        {"password", password},
        {"password of a refused registration", refused_password},
        {"wrong password", wrong_password},
        {"fixture password", fixture_password},
        {"session token", elodie_session},
        {"CSRF token", elodie_csrf},
        {"moderator session token", mod.session_token()},
        {"moderator CSRF token", mod.csrf_token()},
        {"RPPS", pharmacist_elodie().rpps},
        {"refused RPPS", bad_rpps},
    };
    for (const auto& [what, secret] : secrets) {
        ASSERT_FALSE(secret.empty()) << what;
        const auto at = log.find(secret);
        EXPECT_EQ(at, std::string::npos)
            << "the log contains the " << what << ": …"
            << log.substr(at == std::string::npos ? 0 : (at > 200 ? at - 200 : 0), 400) << "…";
    }
}

TEST_F(Logs, EveryLineIsAJsonObject)
{
    create_account("membre", "member", true);
    auto client = instance_.client();
    client.get("/health");
    client.get("/no/such/page");
    client.sign_in("membre", "pas-le-bon-mot-de-passe");
    ASSERT_EQ(instance_.stop(SIGTERM), 0);

    std::istringstream lines(instance_.log_text());
    std::string line;
    int count = 0;
    while (std::getline(lines, line)) {
        if (line.empty())
            continue;
        ++count;
        const auto doc = parse_json(line);
        EXPECT_TRUE(!doc.HasParseError() && doc.IsObject()) << "not a JSON object: " << line;
    }
    EXPECT_GT(count, 0);
}

} // namespace
} // namespace confrere::testkit
