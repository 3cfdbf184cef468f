#include "core/services/filter_service.hpp"

#include "core/base/text.hpp"
#include "core/services/access_policy.hpp"

#include <algorithm>
#include <charconv>

namespace confrere::services {

namespace {

// Lower case for ASCII and the Latin-1 capitals (À-Þ but ×): both keep their byte length, so
// positions in the folded text are positions in the original.
std::string fold_case(std::string_view s)
{
    std::string out(s);
    for (std::size_t i = 0; i < out.size(); ++i) {
        auto c = static_cast<unsigned char>(out[i]);
        if (c >= 'A' && c <= 'Z') {
            out[i] = static_cast<char>(c - 'A' + 'a');
        } else if (c == 0xC3 && i + 1 < out.size()) {
            auto next = static_cast<unsigned char>(out[i + 1]);
            if (next >= 0x80 && next <= 0x9E && next != 0x97)
                out[i + 1] = static_cast<char>(next + 0x20);
            ++i;
        }
    }
    return out;
}

Error not_found(std::string_view what)
{
    return Error { ErrorKind::NotFound, std::string(what) + " not found.", {}, {} };
}

Status check_keyword(const KeywordChange& change)
{
    std::string_view keyword = text::trim(change.keyword);
    if (keyword.empty())
        return fail(
            ErrorKind::Unprocessable, "Validation failed: Keyword can't be blank", {}, "keywords_attributes");
    if (keyword.size() > kMaxFilterKeywordBytes || !text::is_valid_utf8(keyword))
        return fail(ErrorKind::Unprocessable, "Validation failed: Keyword is too long or not text", {},
            "keywords_attributes");
    return ok();
}

} // namespace

bool is_active(const model::Filter& filter, TimePoint now)
{
    return !filter.expires_at || *filter.expires_at > now;
}

bool keyword_matches(std::string_view text, const model::FilterKeyword& keyword)
{
    const std::string needle = fold_case(text::trim(keyword.keyword));
    if (needle.empty())
        return false;
    const std::string haystack = fold_case(text);
    const bool word_start = text::is_word_char(text::code_point_at(needle, 0));
    const bool word_end = text::is_word_char(text::code_point_before(needle, needle.size()));
    for (std::size_t at = haystack.find(needle); at != std::string::npos;
         at = haystack.find(needle, at + 1)) {
        if (!keyword.whole_word)
            return true;
        const std::size_t end = at + needle.size();
        if (word_start && text::is_word_char(text::code_point_before(haystack, at)))
            continue;
        if (word_end && end < haystack.size() && text::is_word_char(text::code_point_at(haystack, end)))
            continue;
        return true;
    }
    return false;
}

std::vector<FilterMatch> match_filters(const std::vector<model::Filter>& filters,
    model::FilterContext context, std::string_view text, TimePoint now)
{
    std::vector<FilterMatch> out;
    for (const model::Filter& filter : filters) {
        if (!is_active(filter, now)
            || std::find(filter.contexts.begin(), filter.contexts.end(), context) == filter.contexts.end())
            continue;
        FilterMatch match { filter, {} };
        for (const model::FilterKeyword& k : filter.keywords)
            if (keyword_matches(text, k))
                match.keyword_matches.push_back(k.keyword);
        if (!match.keyword_matches.empty())
            out.push_back(std::move(match));
    }
    return out;
}

bool hides(const std::vector<FilterMatch>& matches)
{
    return std::any_of(matches.begin(), matches.end(),
        [](const FilterMatch& m) { return m.filter.action == model::FilterAction::Hide; });
}

Status FilterService::apply(model::Filter& filter, const FilterChange& change, std::vector<Id>& removed)
{
    if (change.title) {
        std::string_view title = text::trim(*change.title);
        if (title.empty())
            return fail(ErrorKind::Unprocessable, "Validation failed: Title can't be blank", {}, "title");
        if (title.size() > kMaxFilterTitleBytes || !text::is_valid_utf8(title))
            return fail(ErrorKind::Unprocessable, "Validation failed: Title is too long", {}, "title");
        filter.title = std::string(title);
    }
    if (change.contexts) {
        filter.contexts.clear();
        for (const std::string& name : *change.contexts) {
            auto context = model::filter_context_from_string(name);
            if (!context)
                return fail(ErrorKind::Unprocessable, "Validation failed: Context contains invalid values",
                    {}, "context");
            if (std::find(filter.contexts.begin(), filter.contexts.end(), *context) == filter.contexts.end())
                filter.contexts.push_back(*context);
        }
    }
    if (filter.contexts.empty())
        return fail(ErrorKind::Unprocessable, "Validation failed: Context can't be blank", {}, "context");
    if (change.action) {
        auto action = model::filter_action_from_string(*change.action);
        if (!action)
            return fail(ErrorKind::Unprocessable,
                "Validation failed: Filter action is not included in the list", {}, "filter_action");
        filter.action = *action;
    }
    if (change.expires_in) {
        std::string_view seconds = text::trim(*change.expires_in);
        if (seconds.empty()) {
            filter.expires_at.reset();
        } else {
            std::int64_t n = 0;
            auto [end, ec] = std::from_chars(seconds.data(), seconds.data() + seconds.size(), n);
            if (ec != std::errc {} || end != seconds.data() + seconds.size() || n <= 0
                || n > 10LL * 365 * 86400)
                return fail(ErrorKind::Unprocessable,
                    "Validation failed: Expires in is not a number of seconds", {}, "expires_in");
            filter.expires_at = clock_.now() + std::chrono::seconds(n);
        }
    }
    for (const KeywordChange& k : change.keywords) {
        auto it = k.id ? std::find_if(filter.keywords.begin(), filter.keywords.end(),
                      [&](const model::FilterKeyword& existing) { return existing.id == *k.id; })
                       : filter.keywords.end();
        if (k.id && it == filter.keywords.end())
            return std::unexpected(not_found("Keyword"));
        if (k.destroy) {
            if (it != filter.keywords.end()) {
                removed.push_back(it->id);
                filter.keywords.erase(it);
            }
            continue;
        }
        if (auto valid = check_keyword(k); !valid)
            return valid;
        if (it != filter.keywords.end()) {
            it->keyword = std::string(text::trim(k.keyword));
            it->whole_word = k.whole_word;
        } else {
            filter.keywords.push_back(
                model::FilterKeyword { 0, filter.id, std::string(text::trim(k.keyword)), k.whole_word });
        }
    }
    if (filter.keywords.size() > kMaxKeywordsPerFilter)
        return fail(
            ErrorKind::Unprocessable, "Validation failed: Too many keywords", {}, "keywords_attributes");
    return ok();
}

Result<model::Filter> FilterService::owned(
    storage::Repositories& repos, const model::Account& owner, Id filter_id)
{
    auto found = repos.filters().find(filter_id);
    if (!found)
        return forward(found);
    if (!*found || (*found)->account_id != owner.id)
        return std::unexpected(not_found("Filter"));
    return std::move(**found);
}

Result<std::vector<model::Filter>> FilterService::list(const model::Account& owner)
{
    if (auto allowed = require_member_reader(owner); !allowed)
        return forward(allowed);
    return storage::read_value(
        store_, [&](storage::Repositories& repos) { return repos.filters().for_account(owner.id); });
}

Result<std::vector<model::Filter>> FilterService::active(const model::Account& owner)
{
    auto all = list(owner);
    if (!all)
        return all;
    const TimePoint now = clock_.now();
    std::erase_if(*all, [&](const model::Filter& f) { return !is_active(f, now); });
    return all;
}

Result<model::Filter> FilterService::get(const model::Account& owner, Id filter_id)
{
    if (auto allowed = require_member_reader(owner); !allowed)
        return forward(allowed);
    return storage::read_value(
        store_, [&](storage::Repositories& repos) { return owned(repos, owner, filter_id); });
}

Result<model::Filter> FilterService::create(const model::Account& owner, const FilterChange& change)
{
    if (auto allowed = require_member_reader(owner); !allowed)
        return forward(allowed);
    model::Filter filter;
    filter.id = ids_.next();
    filter.account_id = owner.id;
    filter.created_at = clock_.now();
    if (!change.title)
        return fail(ErrorKind::Unprocessable, "Validation failed: Title can't be blank", {}, "title");
    std::vector<Id> removed;
    if (auto valid = apply(filter, change, removed); !valid)
        return forward(valid);
    for (model::FilterKeyword& k : filter.keywords)
        k.id = ids_.next();
    auto done = store_.write([&](storage::Repositories& repos) -> Status {
        auto existing = repos.filters().for_account(owner.id);
        if (!existing)
            return forward(existing);
        if (existing->size() >= kMaxFiltersPerAccount)
            return fail(ErrorKind::Unprocessable, "Validation failed: Too many filters", {}, "title");
        return repos.filters().insert(filter);
    });
    if (!done)
        return forward(done);
    return filter;
}

Result<model::Filter> FilterService::update(
    const model::Account& owner, Id filter_id, const FilterChange& change)
{
    if (auto allowed = require_member_reader(owner); !allowed)
        return forward(allowed);
    model::Filter result;
    auto done = store_.write([&](storage::Repositories& repos) -> Status {
        auto found = owned(repos, owner, filter_id);
        if (!found)
            return forward(found);
        result = std::move(*found);
        const std::vector<model::FilterKeyword> before = result.keywords;
        std::vector<Id> removed;
        if (auto valid = apply(result, change, removed); !valid)
            return valid;
        if (auto updated = repos.filters().update(result); !updated)
            return updated;
        for (Id id : removed)
            if (auto rc = repos.filters().remove_keyword(id); !rc)
                return rc;
        for (model::FilterKeyword& k : result.keywords) {
            if (k.id == 0) {
                k.id = ids_.next();
                if (auto rc = repos.filters().insert_keyword(k); !rc)
                    return rc;
            } else if (std::find(before.begin(), before.end(), k) == before.end()) {
                if (auto rc = repos.filters().update_keyword(k); !rc)
                    return rc;
            }
        }
        return ok();
    });
    if (!done)
        return forward(done);
    return result;
}

Status FilterService::remove(const model::Account& owner, Id filter_id)
{
    if (auto allowed = require_member_reader(owner); !allowed)
        return allowed;
    return store_.write([&](storage::Repositories& repos) -> Status {
        auto found = owned(repos, owner, filter_id);
        if (!found)
            return forward(found);
        return repos.filters().remove(filter_id);
    });
}

Result<model::FilterKeyword> FilterService::add_keyword(
    const model::Account& owner, Id filter_id, const KeywordChange& change)
{
    FilterChange add;
    add.keywords.push_back(KeywordChange { std::nullopt, change.keyword, change.whole_word, false });
    auto filter = update(owner, filter_id, add);
    if (!filter)
        return forward(filter);
    return filter->keywords.back();
}

Result<model::FilterKeyword> FilterService::keyword(const model::Account& owner, Id keyword_id)
{
    if (auto allowed = require_member_reader(owner); !allowed)
        return forward(allowed);
    return storage::read_value(store_, [&](storage::Repositories& repos) -> Result<model::FilterKeyword> {
        auto found = repos.filters().find_keyword(keyword_id);
        if (!found)
            return forward(found);
        // Someone else's keyword is as absent as a missing one.
        if (!*found || !owned(repos, owner, (*found)->filter_id))
            return std::unexpected(not_found("Keyword"));
        return std::move(**found);
    });
}

Result<model::FilterKeyword> FilterService::update_keyword(
    const model::Account& owner, Id keyword_id, const KeywordChange& change)
{
    auto existing = keyword(owner, keyword_id);
    if (!existing)
        return existing;
    FilterChange edit;
    edit.keywords.push_back(KeywordChange { keyword_id, change.keyword, change.whole_word, false });
    auto filter = update(owner, existing->filter_id, edit);
    if (!filter)
        return forward(filter);
    for (const model::FilterKeyword& k : filter->keywords)
        if (k.id == keyword_id)
            return k;
    return std::unexpected(not_found("Keyword"));
}

Status FilterService::remove_keyword(const model::Account& owner, Id keyword_id)
{
    auto existing = keyword(owner, keyword_id);
    if (!existing)
        return forward(existing);
    FilterChange edit;
    edit.keywords.push_back(KeywordChange { keyword_id, {}, true, true });
    auto filter = update(owner, existing->filter_id, edit);
    if (!filter)
        return forward(filter);
    return ok();
}

} // namespace confrere::services
