// An actor document as Confrère keeps it. The same-host rules follow FEP-fe34 (one origin per
// actor and its endpoints) and GoToSocial's astointernal.go (a foreign sharedInbox is not
// trusted); notes/federation-security.md §A.
#include "core/base/text.hpp"
#include "federation/activitypub/vocabulary.hpp"
#include "federation/html/sanitizer.hpp"

#include <algorithm>
#include <array>

namespace confrere::federation {

namespace {

constexpr std::size_t kMaxDisplayNameChars = 200;

constexpr std::array<std::string_view, 5> kActorTypes
    = { "Person", "Service", "Application", "Group", "Organization" };

// Code point of the UTF-8 sequence at `s[i]` (valid UTF-8 assumed), advancing `i`.
char32_t next_code_point(std::string_view s, std::size_t& i)
{
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char lead = byte(i);
    const std::size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? lead : lead & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k)
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    i += len;
    return cp;
}

bool is_control(char32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
}

// Bidirectional overrides, embeddings, isolates and marks: they let a name display as another.
bool is_bidi_control(char32_t cp)
{
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F
        || cp == 0x061C;
}

// One line of plain text: controls become spaces, bidi controls go, runs of spaces collapse,
// both ends are trimmed, then at most `max_chars` code points are kept.
std::string one_line(std::string_view s, std::size_t max_chars)
{
    std::string out;
    std::size_t chars = 0;
    bool pending_space = false;
    for (std::size_t i = 0; i < s.size() && chars < max_chars;) {
        const std::size_t start = i;
        const char32_t cp = next_code_point(s, i);
        if (is_bidi_control(cp))
            continue;
        if (cp == ' ' || is_control(cp)) {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) {
            if (chars + 2 > max_chars)
                break;
            out += ' ';
            ++chars;
            pending_space = false;
        }
        out.append(s.substr(start, i - start));
        ++chars;
    }
    return out;
}

// preferredUsername is shown as @user@host and used in WebFinger: nothing that could make it
// read as another account ("alice@pharma.example") or as a path. Instance actors
// (Application, Service) are named after their authority, which may carry a port
// ("127.0.0.1:8081"): a colon is allowed for them only.
bool is_username(std::string_view s, bool instance_actor)
{
    return !s.empty() && std::none_of(s.begin(), s.end(), [instance_actor](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7F || c == '@' || c == '/' || (c == ':' && !instance_actor) || c == '%'
            || c == '?' || c == '#';
    });
}

std::unexpected<Error> refused(std::string message, const char* field)
{
    return fail(ErrorKind::Unprocessable, std::move(message), {}, field);
}

} // namespace

Result<model::RemoteActor> to_remote_actor(const AsObject& actor)
{
    if (std::find(kActorTypes.begin(), kActorTypes.end(), actor.type) == kActorTypes.end())
        return fail(ErrorKind::InvalidInput, "The document is not an actor.", actor.type, "type");
    const std::string host = host_of(actor.id);
    const std::string origin = origin_of(actor.id);
    if (host.empty())
        return fail(ErrorKind::InvalidInput, "The actor has no valid id.", {}, "id");
    if (actor.inbox.empty())
        return fail(ErrorKind::InvalidInput, "The actor has no inbox.", {}, "inbox");
    if (!is_username(actor.preferred_username, actor.type == "Application" || actor.type == "Service"))
        return fail(
            ErrorKind::InvalidInput, "The actor has no valid preferredUsername.", {}, "preferredUsername");
    if (!text::is_valid_utf8(actor.name) || !text::is_valid_utf8(actor.summary))
        return fail(ErrorKind::InvalidInput, "The actor's name or summary is not UTF-8.");
    if (!actor.key_owner.empty() && actor.key_owner != actor.id)
        return refused("The actor's key belongs to another actor.", "publicKey");
    if (!actor.key_id.empty() && origin_of(actor.key_id) != origin)
        return refused("The actor's key is not of the actor's origin.", "publicKey");
    if (origin_of(actor.inbox) != origin)
        return refused("The actor's inbox is not of the actor's origin.", "inbox");
    if (!actor.followers.empty() && origin_of(actor.followers) != origin)
        return refused("The actor's followers collection is not of the actor's origin.", "followers");

    auto same_origin_or_empty
        = [&](const std::string& url) { return origin_of(url) == origin ? url : std::string(); };
    model::RemoteActor r;
    r.uri = actor.id;
    r.host = host;
    r.type = actor.type;
    r.username = actor.preferred_username;
    r.display_name = one_line(actor.name, kMaxDisplayNameChars);
    r.summary_html = sanitize_html(actor.summary);
    r.url = actor.url;
    r.inbox = actor.inbox;
    r.shared_inbox = same_origin_or_empty(actor.shared_inbox);
    r.outbox = same_origin_or_empty(actor.outbox);
    r.followers_url = actor.followers;
    r.following_url = same_origin_or_empty(actor.following);
    r.key_id = actor.key_id;
    r.public_key_pem = actor.public_key_pem;
    r.locked = actor.manually_approves_followers;
    return r;
}

} // namespace confrere::federation
