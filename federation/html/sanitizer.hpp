// HTML from remote ActivityPub objects (`content`, `summary`, actor `summary`), reduced to what
// Confrère displays, and HTML reduced to plain text for previews and search. Pure functions,
// safe to call from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace confrere::federation {

// Work limits. gumbo's tree builder is quadratic on hostile input (each character after N open
// formatting elements costs O(N)): 2,048 `<b>` then 250 KB of text take 0.2-0.3 s (-O2, busy
// 2-core host) where an ordinary 60 KB post with 1,800 tags takes 5 ms. Input over either limit
// is not parsed as markup (see sanitize_html). A Mastodon post is under 5 KiB and 100 tags.
inline constexpr std::size_t kMaxSanitizedHtmlBytes = 256 * 1024;
inline constexpr std::size_t kMaxSanitizedStartTags = 2048;
// Deepest element nesting written; elements below it are unwrapped (their text kept).
inline constexpr int kMaxSanitizedDepth = 32;

// True if `html` is within both work limits above (a caller that would rather refuse a
// too-large object than show it degraded checks this first).
bool within_sanitizer_limits(std::string_view html);

// Mastodon's allow-list (lib/sanitize_ext/sanitize_config.rb), applied to an HTML5 fragment
// parse (WHATWG "parsing HTML fragments", context `div`) and written back with our escaping:
//   - kept: p br span a del s pre blockquote code b strong u i em ul ol li; h1-h6 become
//     <p><strong>…</strong></p>;
//   - dropped with their content: script style noscript template iframe object embed applet
//     noembed noframes xmp textarea title plaintext, and every SVG or MathML element;
//   - any other element is unwrapped (its content kept; block-level ones leave a space);
//   - attributes: lang (any element, BCP 47 characters), a[href class], span[class],
//     ol[start], li[value] (integers); classes only h-* p-* u-* dt-* e-* mention hashtag
//     ellipsis invisible;
//   - href only http://, https://, mailto: (after removing ASCII controls and outer spaces,
//     case-insensitive); any other link, and a link inside a link, becomes its content;
//   - every link gets rel="nofollow noopener noreferrer" target="_blank", nothing copied from
//     the input except a `tag` rel token (hashtags): rel="tag nofollow noopener noreferrer";
//   - text and attribute values lose NUL, CR, other controls but tab and LF, and
//     noncharacters (a parse would not give them back; &#13; or &#x4; put them in the tree).
// The result is well-formed, valid UTF-8, and re-parses to the same tree:
// sanitize_html(sanitize_html(x)) == sanitize_html(x) whenever the first result is itself
// within the limits. Never fails: input beyond the limits is rendered as escaped plain text
// (render_plain_text of html_to_text of its first bytes, without hashtag links).
std::string sanitize_html(std::string_view html);

// The text of an HTML fragment for previews, notifications and search: entities decoded,
// scripts and styles left out, whitespace collapsed except in <pre>, a newline for <br> and
// around block elements, a blank line around paragraphs. Not escaped: escape it before putting
// it in HTML. Input beyond the work limits is cut to them first (never refused).
std::string html_to_text(std::string_view html);

} // namespace confrere::federation
