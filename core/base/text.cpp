#include "core/base/text.hpp"

#include <array>
#include <cstdint>
#include <cstring>

namespace confrere::text {

namespace {

constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

// Length of the leading run of ASCII bytes, eight at a time: the directory extract is almost
// all ASCII, and this loop is what keeps its 800 MB validity scan well under a second.
std::size_t ascii_prefix(const unsigned char* p, std::size_t n)
{
    std::size_t i = 0;
    while (i + 8 <= n) {
        std::uint64_t word;
        std::memcpy(&word, p + i, sizeof word);
        if ((word & kHighBits) != 0)
            break;
        i += 8;
    }
    while (i < n && p[i] < 0x80)
        ++i;
    return i;
}

bool in(unsigned char c, unsigned char lo, unsigned char hi)
{
    return c >= lo && c <= hi;
}

// Length of the well-formed sequence at p[0..n), or 0. The ranges are Unicode 15, table 3-7:
// they exclude overlongs (C0, C1, E0 80-9F, F0 80-8F), surrogates (ED A0-BF) and code points
// above U+10FFFF (F4 90-BF, F5-FF).
std::size_t sequence_length(const unsigned char* p, std::size_t n)
{
    const unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    if (in(c, 0xC2, 0xDF))
        return n >= 2 && in(p[1], 0x80, 0xBF) ? 2 : 0;
    if (in(c, 0xE0, 0xEF)) {
        if (n < 3)
            return 0;
        const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
        const unsigned char hi = c == 0xED ? 0x9F : 0xBF;
        return in(p[1], lo, hi) && in(p[2], 0x80, 0xBF) ? 3 : 0;
    }
    if (in(c, 0xF0, 0xF4)) {
        if (n < 4)
            return 0;
        const unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
        const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
        return in(p[1], lo, hi) && in(p[2], 0x80, 0xBF) && in(p[3], 0x80, 0xBF) ? 4 : 0;
    }
    return 0;
}

// Decodes a sequence already known to be well-formed.
char32_t decode(const unsigned char* p, std::size_t len)
{
    switch (len) {
    case 1:
        return p[0];
    case 2:
        return (char32_t(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
    case 3:
        return (char32_t(p[0] & 0x0F) << 12) | (char32_t(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    default:
        return (char32_t(p[0] & 0x07) << 18) | (char32_t(p[1] & 0x3F) << 12)
            | (char32_t(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    }
}

void append_utf8(std::string& out, char32_t cp)
{
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

// Windows-1252 0x80-0x9F (the WHATWG encoding table, which is what Windows actually does);
// the five bytes Microsoft left undefined map to U+FFFD rather than to C1 controls.
constexpr std::array<char16_t, 32> kCp1252High{
    u'\u20AC', u'\uFFFD', u'\u201A', u'\u0192', u'\u201E', u'\u2026', u'\u2020', u'\u2021',
    u'\u02C6', u'\u2030', u'\u0160', u'\u2039', u'\u0152', u'\uFFFD', u'\u017D', u'\uFFFD',
    u'\uFFFD', u'\u2018', u'\u2019', u'\u201C', u'\u201D', u'\u2022', u'\u2013', u'\u2014',
    u'\u02DC', u'\u2122', u'\u0161', u'\u203A', u'\u0153', u'\uFFFD', u'\u017E', u'\u0178',
};

// Base letters for U+00C0-U+00FF. '*' marks a separator (× and ÷); '1' a two-letter
// expansion handled in fold_latin().
constexpr std::string_view kLatin1Letters =
    "aaaaaa1ceeeeiiiidnooooo*ouuuuy11"   // U+00C0-U+00DF: Æ→ae, Þ→th, ß→ss
    "aaaaaa1ceeeeiiiidnooooo*ouuuuy1y";  // U+00E0-U+00FF: æ→ae, þ→th

// Base letters for Latin Extended-A, U+0100-U+017F; '1' marks Ĳ ĳ Œ œ (two letters).
constexpr std::string_view kLatinExtALetters =
    "aaaaaaccccccccdddd"      // 0100-0111
    "eeeeeeeeee"              // 0112-011B
    "gggggggg"                // 011C-0123
    "hhhh"                    // 0124-0127
    "iiiiiiiiii"              // 0128-0131
    "11jjkkk"                 // 0132-0138 (Ĳ ĳ Ĵ ĵ Ķ ķ ĸ)
    "llllllllll"              // 0139-0142
    "nnnnnnnnn"               // 0143-014B (ŉ Ŋ ŋ included)
    "oooooo11"                // 014C-0153
    "rrrrrr"                  // 0154-0159
    "ssssssss"                // 015A-0161
    "tttttt"                  // 0162-0167
    "uuuuuuuuuuuu"            // 0168-0173
    "wwyyyzzzzzzs";           // 0174-017F (ſ long s)
static_assert(kLatinExtALetters.size() == 0x80);
static_assert(kLatin1Letters.size() == 0x40);

enum class Fold { Drop, Separator, Keep };

// Appends the folded form of a non-ASCII code point to `out`, or says what to do with it.
Fold fold_latin(char32_t cp, std::string& out)
{
    if (cp >= 0xC0 && cp <= 0xFF) {
        const char base = kLatin1Letters[cp - 0xC0];
        if (base == '*')
            return Fold::Separator;
        if (base == '1')
            out += (cp == 0xC6 || cp == 0xE6) ? "ae" : (cp == 0xDF ? "ss" : "th");
        else
            out += base;
        return Fold::Drop;
    }
    if (cp >= 0x100 && cp <= 0x17F) {
        const char base = kLatinExtALetters[cp - 0x100];
        if (base == '1')
            out += (cp == 0x132 || cp == 0x133) ? "ij" : "oe";
        else
            out += base;
        return Fold::Drop;
    }
    switch (cp) {
    case 0xAA: out += 'a'; return Fold::Drop;  // ª
    case 0xBA: out += 'o'; return Fold::Drop;  // º
    case 0x218: case 0x219: out += 's'; return Fold::Drop;  // Ș ș (Romanian)
    case 0x21A: case 0x21B: out += 't'; return Fold::Drop;  // Ț ț
    default: break;
    }
    // Combining diacritics (a decomposed "é" is "e" + U+0301): drop the mark, keep the letter.
    if (cp >= 0x300 && cp <= 0x36F)
        return Fold::Drop;
    // Punctuation and spaces people paste into names: Latin-1 symbols and NBSP, spacing
    // modifiers (ʼ), general punctuation (’ ‐ – NNBSP), CJK and full-width punctuation, BOM.
    if ((cp >= 0x80 && cp <= 0xBF) || (cp >= 0x2B0 && cp <= 0x2FF)
        || (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F)
        || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || (cp >= 0xFF00 && cp <= 0xFF0F)
        || cp == 0xFFFD)
        return Fold::Separator;
    return Fold::Keep;
}

} // namespace

std::size_t count_code_points(std::string_view utf8)
{
    std::size_t n = 0;
    for (char c : utf8)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
            ++n;
    return n;
}

bool is_valid_utf8(std::string_view s)
{
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        i += ascii_prefix(p + i, n - i);
        if (i == n)
            break;
        // Accented Latin letters are two-byte sequences: check them without a call.
        if (p[i] >= 0xC2 && p[i] <= 0xDF && i + 1 < n && (p[i + 1] & 0xC0) == 0x80) {
            i += 2;
            continue;
        }
        const std::size_t len = sequence_length(p + i, n - i);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

std::string cp1252_to_utf8(std::string_view s)
{
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x80)
            out += ch;
        else if (c < 0xA0)
            append_utf8(out, kCp1252High[c - 0x80]);
        else
            append_utf8(out, c);  // 0xA0-0xFF are Latin-1, i.e. U+00A0-U+00FF
    }
    return out;
}

std::string fold_for_match(std::string_view utf8)
{
    std::string out;
    out.reserve(utf8.size());
    const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
    const std::size_t n = utf8.size();
    // A separator is only written once a letter follows it: runs collapse and ends trim.
    bool pending_space = false;
    auto emit_separator = [&] { pending_space = !out.empty(); };
    auto before_letter = [&] {
        if (pending_space)
            out += ' ';
        pending_space = false;
    };

    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                before_letter();
                out += char(c);
            } else if (c >= 'A' && c <= 'Z') {
                before_letter();
                out += char(c - 'A' + 'a');
            } else {
                emit_separator();
            }
            ++i;
            continue;
        }
        const std::size_t len = sequence_length(p + i, n - i);
        if (len == 0) {  // not UTF-8 after all: a stray byte separates, it never matches
            emit_separator();
            ++i;
            continue;
        }
        const char32_t cp = decode(p + i, len);
        std::string folded;
        switch (fold_latin(cp, folded)) {
        case Fold::Drop:
            if (!folded.empty()) {
                before_letter();
                out += folded;
            }
            break;
        case Fold::Separator:
            emit_separator();
            break;
        case Fold::Keep:
            before_letter();
            out.append(utf8.substr(i, len));
            break;
        }
        i += len;
    }
    return out;
}

std::string_view trim(std::string_view s)
{
    constexpr std::string_view kSpace = " \t\n\v\f\r";
    const auto first = s.find_first_not_of(kSpace);
    if (first == std::string_view::npos)
        return {};
    const auto last = s.find_last_not_of(kSpace);
    return s.substr(first, last - first + 1);
}

std::string escape_html(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

} // namespace confrere::text

namespace confrere::text {

namespace {

bool is_ascii_alnum(char32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
}

bool is_letter_like(char32_t cp)
{
    if (cp <= 0xBF)
        return cp == 0xAA || cp == 0xB5 || cp == 0xBA; // ª µ º
    return cp != 0xD7 && cp != 0xF7 // × ÷
        && !(cp >= 0x2000 && cp <= 0x2BFF) // punctuation, super/subscripts, symbols, arrows
        && !(cp >= 0x2E00 && cp <= 0x2E7F) // supplemental punctuation
        && !(cp >= 0x3000 && cp <= 0x303F) // CJK punctuation
        && !(cp >= 0xD800 && cp <= 0xF8FF) // surrogates, private use
        && !(cp >= 0xFE00 && cp <= 0xFE6F) // variation selectors, compatibility forms
        && !(cp >= 0xFF00 && cp <= 0xFF0F) && !(cp >= 0xFF1A && cp <= 0xFF20)
        && !(cp >= 0xFF3B && cp <= 0xFF40) && !(cp >= 0xFF5B && cp <= 0xFF65) // full-width
        && !(cp >= 0xFFF0 && cp <= 0xFFFF) // specials, U+FFFD
        && !(cp >= 0x1F000 && cp <= 0x1FAFF) // emoji
        && cp < 0xE0000; // tags, private use planes
}

} // namespace

bool is_word_char(char32_t cp)
{
    return cp < 0x80 ? is_ascii_alnum(cp) || cp == '_' : is_letter_like(cp);
}

std::size_t hashtag_end(std::string_view line, std::size_t i, char32_t previous)
{
    if (i >= line.size() || line[i] != '#')
        return i;
    if (previous != 0 && (is_word_char(previous) || previous == '=' || previous == '/' || previous == ')'))
        return i;
    std::size_t end = i + 1;
    bool letter = false;
    while (end < line.size()) {
        const auto* p = reinterpret_cast<const unsigned char*>(line.data()) + end;
        std::size_t length = sequence_length(p, line.size() - end);
        if (length == 0)
            break;
        char32_t cp = decode(p, length);
        if (!is_word_char(cp))
            break;
        letter = letter || (cp != '_' && !(cp >= '0' && cp <= '9'));
        end += length;
    }
    return letter ? end : i;
}

std::string percent_encode_word(std::string_view s)
{
    constexpr std::string_view hex = "0123456789ABCDEF";
    std::string out;
    for (char c : s) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x80 && (is_ascii_alnum(byte) || byte == '_')) {
            out += c;
        } else {
            out += '%';
            out += hex[byte >> 4];
            out += hex[byte & 0x0F];
        }
    }
    return out;
}

char32_t code_point_at(std::string_view s, std::size_t i)
{
    if (i >= s.size())
        return 0;
    const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
    std::size_t length = sequence_length(p, s.size() - i);
    return length == 0 ? 0xFFFD : decode(p, length);
}

char32_t code_point_before(std::string_view s, std::size_t end)
{
    if (end == 0 || end > s.size())
        return 0;
    std::size_t start = end - 1;
    while (start > 0 && end - start < 4 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80)
        --start;
    const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + start;
    std::size_t length = sequence_length(p, end - start);
    return length == end - start ? decode(p, length) : 0xFFFD;
}

std::string ascii_lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

} // namespace confrere::text
