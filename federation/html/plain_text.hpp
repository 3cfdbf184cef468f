// Local posts: the plain text a client sends, rendered as the HTML we store and federate,
// the way Mastodon's TextFormatter does it. Pure function.
#pragma once

#include <string>
#include <string_view>

namespace confrere::federation {

// Renders plain text (`status` as sent by a client) as HTML:
//   - the text is cleaned as a browser would read it (CRLF and CR to LF, invalid UTF-8 to
//     U+FFFD, NUL and other control characters but tab and newline removed) and escaped;
//   - lines separated by a blank line make <p> paragraphs; other newlines become <br>;
//   - http:// and https:// URLs become links, Mastodon-style:
//       <a href="URL" rel="nofollow noopener noreferrer" target="_blank"><span
//       class="invisible">https://</span><span>host/path</span></a>
//     (past 30 characters: <span class="ellipsis">30 first</span><span class="invisible">rest
//     </span>); trailing punctuation and unbalanced closing brackets stay outside the link;
//   - #hashtags (letters of any script, digits, underscore, at least one letter) become
//       <a href="{base_url}/tags/NAME" class="mention hashtag"
//       rel="tag nofollow noopener noreferrer" target="_blank">#<span>NAME</span></a>
//     with NAME percent-encoded in the href; if `base_url` is not an absolute http(s) URL
//     hashtags stay text;
//   - @user@host mentions stay text (resolving them needs the directory).
// The result is a fixed point of sanitize_html (sanitize_html(r) == r) as long as it is
// within the sanitizer's limits (kMaxSanitizedStartTags: some 1,000 hashtags or links).
// Empty or blank text gives "".
std::string render_plain_text(std::string_view text, std::string_view base_url);

} // namespace confrere::federation
