#include "core/base/text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace confrere::text {
namespace {

// --- is_valid_utf8 ------------------------------------------------------------------------

TEST(Utf8, EmptyAndAsciiAreValid)
{
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("Type d'identifiant PP|Identifiant PP|"));
}

TEST(Utf8, FrenchNamesAreValid)
{
    EXPECT_TRUE(is_valid_utf8("Hélène Françoise Gaëlle Œdipe L’Haÿ-les-Roses"));
}

TEST(Utf8, FourByteSequencesAndTheLastCodePointAreValid)
{
    EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));      // U+1F600
    EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));      // U+10FFFF
    EXPECT_TRUE(is_valid_utf8("\xEF\xBB\xBF" "abc"));    // BOM
}

TEST(Utf8, Latin1BytesAreRejected)
{
    EXPECT_FALSE(is_valid_utf8("H\xE9l\xE8ne"));
}

TEST(Utf8, OverlongEncodingsAreRejected)
{
    EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));
    EXPECT_FALSE(is_valid_utf8("\xC1\xBF"));
    EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));
    EXPECT_FALSE(is_valid_utf8("\xE0\x9F\xBF"));
    EXPECT_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));
    EXPECT_FALSE(is_valid_utf8("\xF0\x8F\xBF\xBF"));
}

TEST(Utf8, SurrogatesAreRejected)
{
    EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));  // U+D800
    EXPECT_FALSE(is_valid_utf8("\xED\xBF\xBF"));  // U+DFFF
    EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF"));   // U+D7FF, just below
}

TEST(Utf8, CodePointsAboveUnicodeAreRejected)
{
    EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000
    EXPECT_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));
    EXPECT_FALSE(is_valid_utf8("\xFF"));
}

TEST(Utf8, TruncatedSequencesAreRejected)
{
    EXPECT_FALSE(is_valid_utf8("abc\xC3"));
    EXPECT_FALSE(is_valid_utf8("abc\xE2\x82"));
    EXPECT_FALSE(is_valid_utf8("abc\xF0\x9F\x98"));
    EXPECT_FALSE(is_valid_utf8("\xC3" "a"));
}

TEST(Utf8, LoneContinuationByteIsRejected)
{
    EXPECT_FALSE(is_valid_utf8("\x80"));
    EXPECT_FALSE(is_valid_utf8("a\xBF" "b"));
}

TEST(Utf8, InvalidByteIsFoundWhereverItSitsInALongAsciiRun)
{
    // The ASCII fast path reads eight bytes at a time: try every offset within a word.
    for (std::size_t at = 0; at < 40; ++at) {
        std::string s(40, 'a');
        s[at] = '\xE9';
        EXPECT_FALSE(is_valid_utf8(s)) << at;
        s.replace(at, 1, "é");
        EXPECT_TRUE(is_valid_utf8(s)) << at;
    }
}

// --- cp1252_to_utf8 -----------------------------------------------------------------------

TEST(Cp1252, AsciiIsUnchanged)
{
    EXPECT_EQ(cp1252_to_utf8("DUPONT|Jean|"), "DUPONT|Jean|");
}

TEST(Cp1252, AccentedLettersBecomeUtf8)
{
    EXPECT_EQ(cp1252_to_utf8("H\xE9l\xE8ne Fran\xE7oise Ga\xEBlle"), "Hélène Françoise Gaëlle");
}

TEST(Cp1252, TheWindowsBlockIsMapped)
{
    EXPECT_EQ(cp1252_to_utf8("\x8C" "dipe \x9C" "uvre"), "Œdipe œuvre");
    EXPECT_EQ(cp1252_to_utf8("d\x92" "Arc"), "d’Arc");
    EXPECT_EQ(cp1252_to_utf8("\x80\x85\x96\x97\x99"), "€…–—™");
    EXPECT_EQ(cp1252_to_utf8("\x8A\x9A\x8E\x9E\x9F"), "ŠšŽžŸ");
}

TEST(Cp1252, UndefinedBytesBecomeTheReplacementCharacter)
{
    for (const char b : {'\x81', '\x8D', '\x8F', '\x90', '\x9D'})
        EXPECT_EQ(cp1252_to_utf8(std::string(1, b)), "\xEF\xBF\xBD") << int(b);
}

TEST(Cp1252, UpperHalfIsLatin1)
{
    EXPECT_EQ(cp1252_to_utf8("\xA0"), "\u00A0");
    EXPECT_EQ(cp1252_to_utf8("\xFF"), "ÿ");
    EXPECT_EQ(cp1252_to_utf8("\xC6\xDF"), "Æß");
}

TEST(Cp1252, EveryByteBecomesValidUtf8)
{
    std::string all;
    for (int b = 0; b < 256; ++b)
        all += static_cast<char>(b);
    EXPECT_TRUE(is_valid_utf8(cp1252_to_utf8(all)));
}

// --- fold_for_match -----------------------------------------------------------------------

TEST(Fold, TheContractExampleHolds)
{
    EXPECT_EQ(fold_for_match("  Élodie D'ARC-Martin "), "elodie d arc martin");
}

TEST(Fold, AccentsAndCaseAreRemoved)
{
    EXPECT_EQ(fold_for_match("HÉLÈNE Françoise GAËLLE ÿ"), "helene francoise gaelle y");
}

TEST(Fold, LigaturesAreExpanded)
{
    EXPECT_EQ(fold_for_match("Œdipe"), "oedipe");
    EXPECT_EQ(fold_for_match("Lætitia CŒUR"), "laetitia coeur");
    EXPECT_EQ(fold_for_match("Straße"), "strasse");
    EXPECT_EQ(fold_for_match("Æsa"), "aesa");
}

TEST(Fold, LatinExtendedALettersLoseTheirMarks)
{
    EXPECT_EQ(fold_for_match("Łukasz Dvořák Şahin Ğ"), "lukasz dvorak sahin g");
    EXPECT_EQ(fold_for_match("Ĳsselmeer"), "ijsselmeer");
}

TEST(Fold, ApostrophesAndDashesOfEveryKindSeparateWords)
{
    const std::string expected = "d arc martin";
    EXPECT_EQ(fold_for_match("d'Arc-Martin"), expected);
    EXPECT_EQ(fold_for_match("d’Arc–Martin"), expected);
    EXPECT_EQ(fold_for_match("dʼArc\u00A0Martin"), expected);
    EXPECT_EQ(fold_for_match("d ' Arc -- Martin"), expected);
}

TEST(Fold, CombiningAccentsAreDropped)
{
    EXPECT_EQ(fold_for_match("E\u0301lodie"), "elodie");
}

TEST(Fold, DigitsAreKept)
{
    EXPECT_EQ(fold_for_match("Code profession (TRE_G15) 10"), "code profession tre g15 10");
}

TEST(Fold, HeaderLabelsOfDifferentReleasesFoldAlike)
{
    EXPECT_EQ(fold_for_match("Prénom d'exercice"), fold_for_match("prenom d’exercice"));
    EXPECT_EQ(fold_for_match("Code Département (structure)"), "code departement structure");
}

TEST(Fold, PunctuationOnlyFoldsToEmpty)
{
    EXPECT_EQ(fold_for_match(""), "");
    EXPECT_EQ(fold_for_match(" -'. "), "");
}

TEST(Fold, OtherScriptsAreKeptAsTheyAre)
{
    EXPECT_EQ(fold_for_match("Дмитрий ЖУКОВ"), "Дмитрий ЖУКОВ");
}

TEST(Fold, InvalidBytesSeparateWords)
{
    EXPECT_EQ(fold_for_match("ab\xFF" "cd"), "ab cd");
}

// --- trim ---------------------------------------------------------------------------------

TEST(CodePoints, AreCountedNotBytes)
{
    EXPECT_EQ(count_code_points(""), 0u);
    EXPECT_EQ(count_code_points("abc"), 3u);
    EXPECT_EQ(count_code_points("Élodie"), 6u);
    EXPECT_EQ(count_code_points("\xF0\x9F\x92\x8A"), 1u); // U+1F48A, four bytes
}

TEST(Trim, RemovesAsciiWhitespaceAtBothEnds)
{
    EXPECT_EQ(trim(" \t DUPONT Jean \r\n"), "DUPONT Jean");
}

TEST(Trim, WhitespaceOnlyBecomesEmpty)
{
    EXPECT_EQ(trim(" \t\r\n"), "");
    EXPECT_EQ(trim(""), "");
}

TEST(Trim, LeavesNonAsciiSpacesAlone)
{
    EXPECT_EQ(trim("\u00A0x\u00A0"), "\u00A0x\u00A0");
}

} // namespace
} // namespace confrere::text
