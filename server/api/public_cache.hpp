// A small in-memory cache of public federation documents (WebFinger answers, minimal actor
// documents), so the lookups every peer makes are answered on the I/O thread without a
// database read or a thread hop.
//
// Freshness: entries live `ttl` seconds; moderation decisions made through this process clear
// the cache at once; a decision made by another process (`confrere admin suspend` while the
// server runs) shows within `ttl`. Only documents served to anonymous requests are cached.
#pragma once

#include "core/base/time.hpp"
#include "server/http/message.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace confrere::server::api {

struct CachedDocument {
    int status = 200;
    std::string content_type;
    std::string body;
};

class PublicCache {
public:
    PublicCache(const Clock& clock, std::chrono::seconds ttl, std::size_t max_entries = 10000)
        : clock_(clock), ttl_(ttl), max_entries_(max_entries)
    {
    }

    std::shared_ptr<const CachedDocument> get(const std::string& key);
    void put(const std::string& key, CachedDocument document);
    // Forgets everything (after a change to any account's visibility).
    void clear();

private:
    struct Entry {
        std::shared_ptr<const CachedDocument> document;
        TimePoint expires;
    };
    const Clock& clock_;
    std::chrono::seconds ttl_;
    std::size_t max_entries_;
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
};

// Looks `key` up; on a hit returns the response, with `decorate` applied to 200 answers.
std::optional<http::Response> cached_response(PublicCache& cache, const std::string& key,
                                              void (*decorate)(http::Response&));

// Keeps a 200 or 404 answer (other statuses are not worth remembering or must not be).
void remember(PublicCache& cache, const std::string& key, const http::Response& response);

} // namespace confrere::server::api
