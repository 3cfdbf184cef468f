// Boost.URL does the RFC 3986 parsing; the rules on top are ours (notes/federation-security.md
// §C, §D): what a server-side fetcher must refuse before it resolves anything.
#include "federation/net/fetch_url.hpp"

#include "core/base/text.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <cctype>

namespace confrere::federation {

namespace urls = boost::urls;

namespace {

constexpr std::size_t kMaxUrlBytes = 8 * 1024;

std::string to_lower(std::string_view s)
{
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

// Userinfo is refused rather than dropped: "https://trusted.example@evil.example/" is phishing,
// and credentials in URLs would travel to whoever answers a redirect.
Result<FetchUrl> parse_fetch_url(std::string_view text)
{
    if (text.size() > kMaxUrlBytes)
        return fail(ErrorKind::InvalidInput, "URL too long.");
    auto parsed = urls::parse_uri(text);
    if (!parsed)
        return fail(ErrorKind::InvalidInput, "Not an absolute URL.", parsed.error().message());
    const urls::url_view& u = *parsed;
    FetchUrl result;
    if (u.scheme_id() == urls::scheme::https)
        result.tls = true;
    else if (u.scheme_id() != urls::scheme::http)
        return fail(ErrorKind::InvalidInput, "Only http and https URLs can be fetched.");
    if (!u.has_authority())
        return fail(ErrorKind::InvalidInput, "URL without a host.");
    if (u.has_userinfo())
        return fail(ErrorKind::InvalidInput, "URLs with user information are refused.");
    switch (u.host_type()) {
    case urls::host_type::name: {
        std::string_view name = u.encoded_host();
        auto allowed = [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
        };
        if (name.empty() || !std::all_of(name.begin(), name.end(), allowed))
            return fail(ErrorKind::InvalidInput, "URL with an empty or invalid host name.");
        result.host = to_lower(name);
        break;
    }
    case urls::host_type::ipv4:
        result.host = u.host_ipv4_address().to_string();
        result.host_is_address = true;
        break;
    case urls::host_type::ipv6:
        result.host = u.host_ipv6_address().to_string();
        result.host_is_address = true;
        break;
    default:
        return fail(ErrorKind::InvalidInput, "URL with an unsupported host.");
    }
    std::uint16_t default_port = result.tls ? 443 : 80;
    result.port = default_port;
    if (u.has_port()) {
        // Parsed here: Boost.URL 1.81's port_number() wraps 99999 around to 34463.
        std::string_view digits = u.port();
        unsigned long port = 0;
        for (char c : digits)
            port = port > 65535 ? port : port * 10 + static_cast<unsigned long>(c - '0');
        if (digits.empty() || port == 0 || port > 65535)
            return fail(ErrorKind::InvalidInput, "URL with an invalid port.");
        result.port = static_cast<std::uint16_t>(port);
    }
    result.host_header = u.host_type() == urls::host_type::ipv6 ? "[" + result.host + "]" : result.host;
    if (result.port != default_port)
        result.host_header += ":" + std::to_string(result.port);
    result.request_target = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
    if (u.has_query())
        result.request_target += "?" + std::string(u.encoded_query());
    urls::url without_fragment(u);
    without_fragment.remove_fragment();
    result.url = std::string(without_fragment.buffer());
    return result;
}

Result<std::string> resolve_redirect(std::string_view current, std::string_view location)
{
    auto base = urls::parse_uri(current);
    auto ref = urls::parse_uri_reference(text::trim(location));
    if (!base || !ref)
        return fail(ErrorKind::PeerFailed, "The remote server redirected to an invalid URL.");
    urls::url dest;
    if (auto resolved = urls::resolve(*base, *ref, dest); !resolved)
        return fail(ErrorKind::PeerFailed, "The remote server redirected to an invalid URL.",
            resolved.error().message());
    dest.remove_fragment();
    return std::string(dest.buffer());
}

} // namespace confrere::federation
