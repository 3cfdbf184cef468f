#include "federation/html/characters.hpp"

namespace confrere::federation::html {

Decoded decode_utf8_at(std::string_view s, std::size_t i)
{
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80)
        return { c, 1 };
    std::size_t continuation = 0;
    char32_t code_point = 0;
    unsigned char low = 0x80, high = 0xBF; // allowed range of the next byte
    if (c >= 0xC2 && c <= 0xDF) {
        continuation = 1;
        code_point = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        continuation = 2;
        code_point = c & 0x0F;
        low = c == 0xE0 ? 0xA0 : 0x80; // no overlongs
        high = c == 0xED ? 0x9F : 0xBF; // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
        continuation = 3;
        code_point = c & 0x07;
        low = c == 0xF0 ? 0x90 : 0x80;
        high = c == 0xF4 ? 0x8F : 0xBF; // nothing above U+10FFFF
    } else {
        return { 0xFFFD, 1 };
    }
    for (std::size_t k = 1; k <= continuation; ++k) {
        if (i + k >= s.size())
            return { 0xFFFD, k };
        const auto byte = static_cast<unsigned char>(s[i + k]);
        if (byte < low || byte > high)
            return { 0xFFFD, k };
        code_point = (code_point << 6) | (byte & 0x3F);
        low = 0x80;
        high = 0xBF;
    }
    return { code_point, continuation + 1 };
}

void append_utf8(std::string& out, char32_t code_point)
{
    const char32_t cp = code_point;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool is_dropped(char32_t cp)
{
    return (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp <= 0x9F)
        || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}

std::string escape_text(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x7F) { // printable ASCII, the common case
            switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += static_cast<char>(c);
            }
            ++i;
            continue;
        }
        const Decoded d = decode_utf8_at(s, i);
        if (!is_dropped(d.code_point))
            append_utf8(out, d.code_point);
        i += d.length;
    }
    return out;
}

} // namespace confrere::federation::html
