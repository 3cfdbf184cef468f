#include "server/api/public_cache.hpp"

namespace confrere::server::api {

std::shared_ptr<const CachedDocument> PublicCache::get(const std::string& key)
{
    if (ttl_.count() == 0)
        return nullptr;
    TimePoint now = clock_.now();
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end())
        return nullptr;
    if (it->second.expires <= now) {
        entries_.erase(it);
        return nullptr;
    }
    return it->second.document;
}

void PublicCache::put(const std::string& key, CachedDocument document)
{
    if (ttl_.count() == 0)
        return;
    TimePoint expires = clock_.now() + ttl_;
    auto shared = std::make_shared<const CachedDocument>(std::move(document));
    std::lock_guard lock(mutex_);
    // Bounded: a flood of distinct names (each a miss) cannot grow memory without limit.
    if (entries_.size() >= max_entries_)
        entries_.clear();
    entries_[key] = Entry{std::move(shared), expires};
}

void PublicCache::clear()
{
    std::lock_guard lock(mutex_);
    entries_.clear();
}

std::optional<http::Response> cached_response(PublicCache& cache, const std::string& key,
                                              void (*decorate)(http::Response&))
{
    auto document = cache.get(key);
    if (!document)
        return std::nullopt;
    http::Response r;
    r.status = document->status;
    r.content_type = document->content_type;
    r.body = document->body;
    if (r.status == 200 && decorate != nullptr)
        decorate(r);
    return r;
}

void remember(PublicCache& cache, const std::string& key, const http::Response& response)
{
    if (response.status == 200 || response.status == 404)
        cache.put(key, CachedDocument{response.status, response.content_type, response.body});
}

} // namespace confrere::server::api
