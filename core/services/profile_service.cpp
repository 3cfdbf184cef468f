#include "core/services/profile_service.hpp"

#include "core/base/text.hpp"
#include "core/services/access_policy.hpp"

namespace confrere::services {

namespace {

// Plain text of at most `max` code points, valid UTF-8 without control characters but newlines.
Status check_profile_text(std::string_view value, std::size_t max, const char* field, const char* what)
{
    if (!text::is_valid_utf8(value))
        return fail(ErrorKind::Unprocessable, std::string(what) + " is not valid UTF-8 text.", {}, field);
    for (char c : value)
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r' && c != '\t')
            return fail(
                ErrorKind::Unprocessable, std::string(what) + " contains control characters.", {}, field);
    if (text::count_code_points(value) > max)
        return fail(ErrorKind::Unprocessable,
            std::string(what) + " is too long (maximum is " + std::to_string(max) + " characters).", {},
            field);
    return ok();
}

// Removes the items `keep` refuses.
template <class T, class Keep> Status keep_if(std::vector<T>& items, Keep keep)
{
    std::vector<T> kept;
    for (T& item : items) {
        auto accepted = keep(item);
        if (!accepted)
            return forward(accepted);
        if (*accepted)
            kept.push_back(std::move(item));
    }
    items = std::move(kept);
    return ok();
}

} // namespace

Result<model::Account> ProfileService::update(const model::Account& member, const ProfileChange& change)
{
    if (auto allowed = require_member_reader(member); !allowed)
        return forward(allowed);
    model::Account updated = member;
    if (change.display_name) {
        std::string_view name = text::trim(*change.display_name);
        if (auto valid = check_profile_text(name, kMaxDisplayNameCharacters, "display_name", "Display name");
            !valid)
            return forward(valid);
        updated.display_name = std::string(name);
    }
    if (change.note) {
        std::string_view note = text::trim(*change.note);
        if (auto valid = check_profile_text(note, kMaxNoteCharacters, "note", "Bio"); !valid)
            return forward(valid);
        updated.note = std::string(note);
    }
    if (change.locked)
        updated.locked = *change.locked;
    if (change.discoverable)
        updated.discoverable = *change.discoverable;
    if (change.locale && (*change.locale == "fr" || *change.locale == "en"))
        updated.locale = *change.locale;
    updated.updated_at = clock_.now();
    auto done = store_.write([&](storage::Repositories& repos) -> Status {
        return repos.accounts().update_profile(updated, updated.updated_at);
    });
    if (!done)
        return forward(done);
    return updated;
}

Result<AccountMatches> ProfileService::search(
    const model::Account& reader, std::string_view query, int limit, bool followed_only)
{
    if (auto allowed = require_member_reader(reader); !allowed)
        return forward(allowed);
    query = text::trim(query);
    if (query.starts_with('@'))
        query.remove_prefix(1);
    AccountMatches matches;
    if (query.empty() || !text::is_valid_utf8(query))
        return matches;
    std::string_view username = query, host;
    if (auto at = query.find('@'); at != std::string_view::npos) {
        username = query.substr(0, at);
        host = query.substr(at + 1);
    }
    auto done = store_.read([&](storage::Repositories& repos) -> Status {
        if (host.empty()) {
            auto local = repos.accounts().search(query, limit);
            if (!local)
                return forward(local);
            matches.local = std::move(*local);
        }
        const int left = limit - static_cast<int>(matches.local.size());
        if (left <= 0 || username.empty())
            return ok();
        auto remote = repos.remote_actors().search(username, host, left);
        if (!remote)
            return forward(remote);
        matches.remote = std::move(*remote);
        return ok();
    });
    if (done && followed_only)
        done = store_.read([&](storage::Repositories& repos) -> Status {
            auto followed = [&](model::ActorRef ref) -> Result<bool> {
                auto follow = repos.follows().find(model::local_actor(reader.id), ref);
                if (!follow)
                    return forward(follow);
                return *follow && (*follow)->state == model::FollowState::Accepted;
            };
            if (auto kept = keep_if(matches.local,
                    [&](const model::Account& a) { return followed(model::local_actor(a.id)); });
                !kept)
                return kept;
            return keep_if(matches.remote,
                [&](const model::RemoteActor& a) { return followed(model::remote_actor(a.id)); });
        });
    if (!done)
        return forward(done);
    return matches;
}

} // namespace confrere::services
