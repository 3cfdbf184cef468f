// Plain text to HTML for local posts (Mastodon's TextFormatter: simple_format, autolinks,
// hashtags). Every string written is one sanitize_html writes back unchanged: same escaping,
// same attribute order, text the HTML parser keeps as is.
#include "federation/html/plain_text.hpp"

#include "core/base/text.hpp"
#include "federation/html/characters.hpp"

namespace confrere::federation {
namespace {

using html::decode_utf8_at;
using html::Decoded;
using html::escape_text;

constexpr std::string_view kLinkEnd = " rel=\"nofollow noopener noreferrer\" target=\"_blank\">";
constexpr std::size_t kShownUrlLength = 30; // code points, as Mastodon

// The text as the parser reads it back: LF newlines (WHATWG 13.2.3.5), valid UTF-8, no
// dropped code points. Links and hashtags are then found in what readers will see.
std::string clean_text(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        auto [cp, length] = decode_utf8_at(text, i);
        i += length;
        if (cp == '\r') {
            if (i < text.size() && text[i] == '\n')
                continue; // CRLF: the LF follows
            cp = '\n';
        }
        if (!html::is_dropped(cp))
            html::append_utf8(out, cp);
    }
    return out;
}

bool is_ascii_alnum(char32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
}

bool is_word(char32_t cp)
{
    return text::is_word_char(cp);
}

bool is_url_char(char32_t cp)
{
    if (cp >= 0x80)
        return text::is_word_char(cp); // IRIs: https://fr.wikipedia.org/wiki/Pédiatrie
    return is_ascii_alnum(cp)
        || std::string_view("-._~:/?#[]@!$&'()*+,;=%").find(static_cast<char>(cp)) != std::string_view::npos;
}

bool starts_with_ignoring_case(std::string_view s, std::string_view lower_prefix)
{
    if (s.size() < lower_prefix.size())
        return false;
    for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        if (c != lower_prefix[i])
            return false;
    }
    return true;
}

std::size_t scheme_length(std::string_view s)
{
    if (starts_with_ignoring_case(s, "https://"))
        return 8;
    if (starts_with_ignoring_case(s, "http://"))
        return 7;
    return 0;
}

// Where hashtags link to: the base URL without trailing slashes, or "" (hashtags stay text)
// if it is not an absolute http(s) URL of printable ASCII the sanitiser would keep as is.
std::string_view tag_base(std::string_view base_url)
{
    while (base_url.ends_with('/'))
        base_url.remove_suffix(1);
    const std::size_t scheme = scheme_length(base_url);
    if (scheme == 0 || base_url.size() == scheme)
        return {};
    for (char c : base_url) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte >= 0x7F)
            return {};
    }
    return base_url;
}

char32_t last_code_point(std::string_view s)
{
    std::size_t start = s.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80)
        --start;
    return decode_utf8_at(s, start).code_point;
}

class LineWriter {
public:
    LineWriter(std::string& out, std::string_view tag_base)
        : out_(out)
        , tag_base_(tag_base)
    { }

    void write(std::string_view line)
    {
        std::size_t plain = 0; // start of the text not written yet
        std::size_t i = 0;
        char32_t previous = 0; // 0: start of line
        while (i < line.size()) {
            std::size_t end = url_end(line, i, previous);
            const bool url = end > i;
            if (!url)
                end = hashtag_end(line, i, previous);
            if (end > i) {
                out_ += escape_text(line.substr(plain, i - plain));
                if (url)
                    write_url(line.substr(i, end - i));
                else
                    write_hashtag(line.substr(i + 1, end - i - 1));
                previous = last_code_point(line.substr(0, end));
                plain = i = end;
                continue;
            }
            const Decoded d = decode_utf8_at(line, i);
            previous = d.code_point;
            i += d.length;
        }
        out_ += escape_text(line.substr(plain));
    }

private:
    // End of the URL starting at i, or i. Trailing punctuation and unbalanced closing
    // brackets are left out: "(see https://a.example/x)." links "https://a.example/x".
    static std::size_t url_end(std::string_view line, std::size_t i, char32_t previous)
    {
        if (previous != 0 && is_word(previous))
            return i;
        const std::size_t scheme = scheme_length(line.substr(i));
        if (scheme == 0)
            return i;
        std::size_t end = i + scheme;
        std::ptrdiff_t parens = 0, brackets = 0; // opened minus closed
        while (end < line.size()) {
            const Decoded d = decode_utf8_at(line, end);
            if (!is_url_char(d.code_point))
                break;
            parens += d.code_point == '(' ? 1 : d.code_point == ')' ? -1 : 0;
            brackets += d.code_point == '[' ? 1 : d.code_point == ']' ? -1 : 0;
            end += d.length;
        }
        while (end > i + scheme) {
            const char last = line[end - 1];
            if (std::string_view(".,:;!?'*").find(last) != std::string_view::npos) {
                --end;
            } else if (last == ')' && parens < 0) {
                --end;
                ++parens;
            } else if (last == ']' && brackets < 0) {
                --end;
                ++brackets;
            } else {
                break;
            }
        }
        if (end == i + scheme || !is_word(decode_utf8_at(line, i + scheme).code_point))
            return i; // no host
        return end;
    }

    // End of the hashtag starting at i ('#'), or i: the one rule of text::hashtag_end, so
    // what is linked here is what services::extract_hashtags stores.
    std::size_t hashtag_end(std::string_view line, std::size_t i, char32_t previous) const
    {
        if (tag_base_.empty())
            return i;
        return text::hashtag_end(line, i, previous);
    }

    void write_url(std::string_view url)
    {
        std::size_t hidden = scheme_length(url);
        if (starts_with_ignoring_case(url.substr(hidden), "www."))
            hidden += 4;
        const std::string_view shown = url.substr(hidden);
        std::size_t cut = 0;
        for (std::size_t n = 0; cut < shown.size() && n < kShownUrlLength; ++n)
            cut += decode_utf8_at(shown, cut).length;

        out_ += "<a href=\"";
        out_ += escape_text(url);
        out_ += '"';
        out_ += kLinkEnd;
        out_ += "<span class=\"invisible\">";
        out_ += escape_text(url.substr(0, hidden));
        if (cut < shown.size()) {
            out_ += "</span><span class=\"ellipsis\">";
            out_ += escape_text(shown.substr(0, cut));
            out_ += "</span><span class=\"invisible\">";
            out_ += escape_text(shown.substr(cut));
        } else {
            out_ += "</span><span>";
            out_ += escape_text(shown);
        }
        out_ += "</span></a>";
    }

    void write_hashtag(std::string_view name)
    {
        out_ += "<a href=\"";
        out_ += escape_text(tag_base_);
        out_ += "/tags/";
        out_ += text::percent_encode_word(name);
        out_ += "\" class=\"mention hashtag\" rel=\"tag nofollow noopener noreferrer\" "
                "target=\"_blank\">#<span>";
        out_ += escape_text(name);
        out_ += "</span></a>";
    }

    std::string& out_;
    std::string_view tag_base_;
};

bool is_blank(std::string_view line)
{
    return line.find_first_not_of(" \t") == std::string_view::npos;
}

} // namespace

std::string render_plain_text(std::string_view text, std::string_view base_url)
{
    const std::string cleaned = clean_text(text);
    std::string out;
    LineWriter writer(out, tag_base(base_url));
    bool in_paragraph = false;
    std::size_t start = 0;
    while (start <= cleaned.size()) {
        std::size_t end = cleaned.find('\n', start);
        if (end == std::string::npos)
            end = cleaned.size();
        const std::string_view line = std::string_view(cleaned).substr(start, end - start);
        if (is_blank(line)) {
            if (in_paragraph)
                out += "</p>";
            in_paragraph = false;
        } else {
            out += in_paragraph ? "<br>" : "<p>";
            in_paragraph = true;
            writer.write(line);
        }
        start = end + 1;
    }
    if (in_paragraph)
        out += "</p>";
    return out;
}

} // namespace confrere::federation
