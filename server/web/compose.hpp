// The compose form, shared by the timelines, a thread and a group's page (status_pages.cpp):
// what was typed, the audience chosen in the picker (the member's groups among them) and the
// error of a refused post.
#pragma once

#include "core/model/account.hpp"
#include "server/web/page.hpp"

#include <optional>
#include <string>

namespace confrere::server::web {

struct Draft {
    std::string text;
    std::string summary;
    model::Audience audience = model::Audience::Instance;
    std::optional<Id> group_id; // with Audience::Group: the group chosen (a group here)
    bool fixed_group = false; // a group's page: no picker, the group in a hidden field
    std::optional<Id> in_reply_to;
    std::optional<Error> error;
};

// The form's template data for `me` (the picker offers the groups `me` belongs to).
Value compose_value(const Visit& v, const model::Account& me, const Draft& draft);

} // namespace confrere::server::web
