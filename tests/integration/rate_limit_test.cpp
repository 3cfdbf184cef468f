// Sign-in and registration are rate-limited per address, so a script can neither brute-force
// passwords nor flood the validation queue.
#include "tests/integration/scenario.hpp"

namespace confrere::testkit {
namespace {

InstanceOptions tight_limits()
{
    InstanceOptions options;
    options.sign_in_attempts = 3;
    options.registrations = 2;
    return options;
}

class RateLimits : public IntegrationTest {
protected:
    RateLimits() : IntegrationTest(tight_limits()) {}
};

TEST_F(RateLimits, SignInAttemptsBeyondTheLimitAreRefusedEvenWithTheRightPassword)
{
    create_account("membre", "member", true);
    auto client = instance_.client();
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(client.sign_in("membre", "mauvais-mot-de-passe").status, 401);
    auto refused = client.sign_in("membre", fixture_password);
    EXPECT_TRUE(is_json_error(refused, 429)) << refused;
    EXPECT_EQ(refused.header("X-RateLimit-Limit"), "3");
    EXPECT_EQ(refused.header("X-RateLimit-Remaining"), "0");
    EXPECT_FALSE(refused.header("Retry-After").empty());
    EXPECT_FALSE(refused.header("X-RateLimit-Reset").empty());
}

TEST_F(RateLimits, RegistrationsBeyondTheLimitAreRefusedAndNotStored)
{
    import_directory({pharmacist_elodie()});
    EXPECT_FALSE(register_pending(applicant_for("elodie", pharmacist_elodie())).empty());
    auto second = applicant_for("autre", pharmacist_elodie());
    second.identifier = "10001045367";
    EXPECT_FALSE(register_pending(second).empty());
    auto third = applicant_for("troisieme", pharmacist_elodie());
    third.identifier = "10104335319";
    auto refused = register_applicant(third);
    EXPECT_TRUE(is_json_error(refused, 429)) << refused;

    auto queue = instance_.admin("pending");
    ASSERT_EQ(queue.exit_code, 0) << queue.err;
    EXPECT_EQ(queue.out.find("@troisieme"), std::string::npos) << queue.out;
}

} // namespace
} // namespace confrere::testkit
