// What the inbox's two translation units share (inbox.cpp, group_inbox.cpp): reading a received
// Note into a Status, finding the local actors an id names.
#pragma once

#include "core/base/id.hpp"
#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/model/account.hpp"
#include "core/model/federation.hpp"
#include "core/services/live_events.hpp"
#include "core/services/notifications.hpp"
#include "federation/activitypub/vocabulary.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confrere::federation {

// A Note's hashtags: the names of its Hashtag tags (Mastodon writes "#name"), checked and
// normalised by the rule local posts follow.
std::vector<std::string> hashtags_of(const AsObject& note);

// Note and the types stored as Notes (Article, Page, Question).
bool is_note_like(std::string_view type);

// The local username an actor URI names (<base>/users/<name>), or empty.
std::string local_username(std::string_view base_url, std::string_view uri);

// The active local account an actor URI names, if any.
Result<std::optional<model::Account>> local_account(
    storage::Repositories& repos, std::string_view base_url, std::string_view uri);

// A received Note as a status of `author` (audience and group left to the caller): content
// sanitised, content warning as text, thread context from context, conversation or inReplyTo.
model::Status status_from_note(const AsObject& note, model::ActorRef author, Id id, TimePoint now);

// Links a reply to its parent when it is stored here (in_reply_to_id and the parent's
// context); returns the parent, nullopt if unknown or not a reply.
Result<std::optional<model::Status>> link_parent(storage::Repositories& repos, model::Status& status);

// Stores a received status with its mentions and hashtags, notifies, queues its live event and
// attaches the replies that arrived before it.
Status store_received_status(storage::Repositories& repos, services::Notifier& notify, const model::Status& status,
    const std::vector<model::ActorRef>& mentions, const AsObject& note, TimePoint now,
    std::vector<services::LiveEvent>& events);

// Records an inbound activity's id in the inbox ledger and the sender's host as alive: false
// for an id seen before (a duplicate delivery or a replay, to ignore).
Result<bool> first_delivery(storage::Repositories& repos, std::string_view activity_id, std::string_view host, TimePoint now);
// ok() or the error of `r`.
Status as_status(const Result<bool>& r);

} // namespace confrere::federation
