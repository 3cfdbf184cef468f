// RPPS and ADELI parsing (health-domain.md §1). Real numbers come from the notes' verified list.
#include "core/identifiers/professional_id.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace confrere::identifiers {
namespace {

using model::IdentifierKind;

std::string message_of(IdentifierKind kind, std::string_view input)
{
    const auto r = parse(kind, input);
    return r ? std::string("(accepted)") : r.error().public_message;
}

// --- Luhn ---------------------------------------------------------------------------------

TEST(Luhn, RealRppsNumbersPass)
{
    for (const auto* n : {"10001045367", "10104335319", "10005814339", "10100224947",
                          "10104257190", "10100124576", "10005810808", "10100356202",
                          "10005173140", "99700771191", "99700237045"})
        EXPECT_TRUE(luhn_valid(n)) << n;
}

TEST(Luhn, WorkedFictitiousExamplesPass)
{
    EXPECT_TRUE(luhn_valid("10000123454"));
    EXPECT_TRUE(luhn_valid("10123456781"));
    EXPECT_TRUE(luhn_valid("756012340"));
    EXPECT_TRUE(luhn_valid("136012341"));
}

TEST(Luhn, MadeUpDocumentationExamplesFail)
{
    EXPECT_FALSE(luhn_valid("10003461033"));
    EXPECT_FALSE(luhn_valid("10005678901"));
}

TEST(Luhn, NationalFormFailsBecauseItsPrefixShiftsTheDigits)
{
    EXPECT_FALSE(luhn_valid("810001045367"));
}

TEST(Luhn, EveryWrongKeyOfAValidNumberFails)
{
    for (char key = '0'; key <= '9'; ++key) {
        const std::string n = std::string("1000104536") + key;
        EXPECT_EQ(luhn_valid(n), key == '7') << n;
    }
}

TEST(Luhn, EmptyStringIsNotValid)
{
    EXPECT_FALSE(luhn_valid(""));
}

TEST(Luhn, NonDigitIsNotValid)
{
    EXPECT_FALSE(luhn_valid("1000104536a"));
    EXPECT_FALSE(luhn_valid("10001 045367"));
}

// --- RPPS ---------------------------------------------------------------------------------

TEST(Rpps, RealNumbersAreAcceptedWithTheirNationalForm)
{
    for (const auto* n : {"10001045367", "10104335319", "10005814339", "10100224947",
                          "10005173140", "99700771191", "10000123454", "10123456781"}) {
        const auto r = parse(IdentifierKind::Rpps, n);
        ASSERT_TRUE(r) << n << ": " << r.error().public_message;
        EXPECT_EQ(r->kind, IdentifierKind::Rpps);
        EXPECT_EQ(r->bare_id, n);
        EXPECT_EQ(r->national_id, std::string("8") + n);
    }
}

TEST(Rpps, NationalFormIsReducedToTheBareNumber)
{
    const auto r = parse(IdentifierKind::Rpps, "810001045367");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->bare_id, "10001045367");
    EXPECT_EQ(r->national_id, "810001045367");
}

TEST(Rpps, SpacesDotsAndHyphensAreIgnored)
{
    for (const auto* typed : {" 100 010 453 67 ", "10.00.10.45.367", "1-0001-0453-67",
                              "8 1000 1045 367", "\t10001045367\n"}) {
        const auto r = parse(IdentifierKind::Rpps, typed);
        ASSERT_TRUE(r) << typed;
        EXPECT_EQ(r->bare_id, "10001045367");
    }
}

TEST(Rpps, NoBreakSpacesPastedFromAWordProcessorAreIgnored)
{
    const auto nbsp = parse(IdentifierKind::Rpps, "100\u00A0010\u00A045367");
    ASSERT_TRUE(nbsp);
    EXPECT_EQ(nbsp->bare_id, "10001045367");
    const auto narrow = parse(IdentifierKind::Rpps, "100\u202F010\u202F453\u202F67");
    ASSERT_TRUE(narrow);
    EXPECT_EQ(narrow->bare_id, "10001045367");
}

TEST(Rpps, EmptyInputIsRejected)
{
    EXPECT_EQ(message_of(IdentifierKind::Rpps, ""), "The RPPS number is empty.");
    EXPECT_EQ(message_of(IdentifierKind::Rpps, " . - "), "The RPPS number is empty.");
}

TEST(Rpps, LetterIsRejectedAndQuoted)
{
    EXPECT_EQ(message_of(IdentifierKind::Rpps, "1000104536x"),
              "The RPPS number must contain digits only (found 'x').");
}

TEST(Rpps, AccentedLetterIsQuotedWhole)
{
    EXPECT_EQ(message_of(IdentifierKind::Rpps, "10001é45367"),
              "The RPPS number must contain digits only (found 'é').");
}

TEST(Rpps, ControlCharacterIsShownAsACodePoint)
{
    EXPECT_EQ(message_of(IdentifierKind::Rpps, std::string_view("1000\x01", 5)),
              "The RPPS number must contain digits only (found U+0001).");
}

TEST(Rpps, InvalidUtf8ByteIsNotEchoed)
{
    EXPECT_EQ(message_of(IdentifierKind::Rpps, "1000\xFF"),
              "The RPPS number must contain digits only (found an invalid byte).");
}

TEST(Rpps, WrongLengthIsRejectedWithTheCount)
{
    EXPECT_EQ(message_of(IdentifierKind::Rpps, "1000104536"),
              "An RPPS number has 11 digits (12 with the leading 8 of the national form); "
              "10 were given.");
    EXPECT_EQ(message_of(IdentifierKind::Rpps, "7"),
              "An RPPS number has 11 digits (12 with the leading 8 of the national form); "
              "1 was given.");
}

TEST(Rpps, TwelveDigitsWithoutTheLeadingEightAreRejected)
{
    EXPECT_EQ(message_of(IdentifierKind::Rpps, "910001045367"),
              "An RPPS number has 11 digits (12 with the leading 8 of the national form); "
              "12 were given.");
}

TEST(Rpps, NineDigitNumberHintsAtAdeli)
{
    EXPECT_EQ(message_of(IdentifierKind::Rpps, "012600631"),
              "An RPPS number has 11 digits (12 with the leading 8 of the national form); "
              "9 were given. It looks like an ADELI number: choose ADELI if that is what you "
              "have.");
}

TEST(Rpps, AdeliNationalFormHintsAtAdeli)
{
    EXPECT_NE(message_of(IdentifierKind::Rpps, "0012600631").find("It looks like an ADELI"),
              std::string::npos);
}

TEST(Rpps, WrongCheckDigitIsRejectedWithAClearMessage)
{
    EXPECT_EQ(message_of(IdentifierKind::Rpps, "10001045368"),
              "The check digit of this RPPS number is wrong: please check for a typo.");
}

TEST(Rpps, DocumentationExampleWithABadKeyIsRejected)
{
    EXPECT_FALSE(parse(IdentifierKind::Rpps, "10003461033"));
    EXPECT_FALSE(parse(IdentifierKind::Rpps, "10005678901"));
}

TEST(Rpps, NationalFormWithAWrongKeyIsRejected)
{
    EXPECT_EQ(message_of(IdentifierKind::Rpps, "810001045368"),
              "The check digit of this RPPS number is wrong: please check for a typo.");
}

TEST(Rpps, ErrorsAreUnprocessableAndNameTheIdentifierField)
{
    const auto r = parse(IdentifierKind::Rpps, "123");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::Unprocessable);
    EXPECT_EQ(r.error().field, "identifier");
}

TEST(Rpps, ErrorDetailNeverContainsTheNumber)
{
    // Identifiers stay out of logs (core/base/log.hpp).
    const auto r = parse(IdentifierKind::Rpps, "10001045368");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().detail.find("1000104536"), std::string::npos);
}

// --- ADELI --------------------------------------------------------------------------------

TEST(Adeli, RealAndWorkedNumbersAreAccepted)
{
    for (const auto* n :
         {"012600631", "759124159", "629400748", "879101558", "756012340", "136012341"}) {
        const auto r = parse(IdentifierKind::Adeli, n);
        ASSERT_TRUE(r) << n << ": " << r.error().public_message;
        EXPECT_EQ(r->kind, IdentifierKind::Adeli);
        EXPECT_EQ(r->bare_id, n);
        EXPECT_EQ(r->national_id, std::string("0") + n);
    }
}

TEST(Adeli, NationalFormIsReducedToTheBareNumber)
{
    const auto r = parse(IdentifierKind::Adeli, "0012600631");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->bare_id, "012600631");
    EXPECT_EQ(r->national_id, "0012600631");
}

TEST(Adeli, GroupedDigitsAreAccepted)
{
    const auto r = parse(IdentifierKind::Adeli, "75 91 2415 9");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->bare_id, "759124159");
}

TEST(Adeli, EmptyInputIsRejected)
{
    EXPECT_EQ(message_of(IdentifierKind::Adeli, "  "), "The ADELI number is empty.");
}

TEST(Adeli, LetterIsRejectedAndQuoted)
{
    // Corsican départements (2A/2B) have no documented ADELI form: they go to manual review.
    EXPECT_EQ(message_of(IdentifierKind::Adeli, "2A6012340"),
              "The ADELI number must contain digits only (found 'A').");
}

TEST(Adeli, WrongLengthIsRejectedWithTheCount)
{
    EXPECT_EQ(message_of(IdentifierKind::Adeli, "75601234"),
              "An ADELI number has 9 digits (10 with the leading 0 of the national form); "
              "8 were given.");
}

TEST(Adeli, ElevenDigitNumberHintsAtRpps)
{
    EXPECT_EQ(message_of(IdentifierKind::Adeli, "10001045367"),
              "An ADELI number has 9 digits (10 with the leading 0 of the national form); "
              "11 were given. It looks like an RPPS number: choose RPPS if that is what you "
              "have.");
}

TEST(Adeli, RppsNationalFormHintsAtRpps)
{
    EXPECT_NE(message_of(IdentifierKind::Adeli, "810001045367").find("It looks like an RPPS"),
              std::string::npos);
}

TEST(Adeli, TenDigitsNotStartingWithZeroAreRejected)
{
    EXPECT_EQ(message_of(IdentifierKind::Adeli, "1012600631"),
              "An ADELI number has 9 digits (10 with the leading 0 of the national form); "
              "10 were given.");
}

TEST(Adeli, WrongCheckDigitIsRejectedWithAClearMessage)
{
    EXPECT_EQ(message_of(IdentifierKind::Adeli, "012600632"),
              "The check digit of this ADELI number is wrong: please check for a typo.");
}

// --- Students -----------------------------------------------------------------------------

TEST(Student, NoNumberIsRequired)
{
    for (const auto* typed : {"", "anything", "10001045367"}) {
        const auto r = parse(IdentifierKind::Student, typed);
        ASSERT_TRUE(r) << typed;
        EXPECT_EQ(r->kind, IdentifierKind::Student);
        EXPECT_TRUE(r->bare_id.empty());
        EXPECT_TRUE(r->national_id.empty());
    }
}

} // namespace
} // namespace confrere::identifiers
