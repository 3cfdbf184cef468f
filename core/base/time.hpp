// Time: an injectable clock and the two textual forms the protocols use.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace confrere {

using TimePoint = std::chrono::system_clock::time_point;

// Source of the current time; services take a Clock& so tests can fix it.
class Clock {
public:
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
public:
    TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// A clock that only moves when told to (tests).
class FixedClock final : public Clock {
public:
    explicit FixedClock(TimePoint t) : now_(t) {}
    TimePoint now() const override { return now_; }
    void advance(std::chrono::milliseconds d) { now_ += d; }

private:
    TimePoint now_;
};

// Milliseconds since the Unix epoch (what storage keeps).
std::int64_t to_unix_ms(TimePoint t);
TimePoint from_unix_ms(std::int64_t ms);

// ISO 8601 in UTC with milliseconds, as Mastodon renders `created_at`: 2026-11-23T20:09:00.000Z
std::string format_iso8601(TimePoint t);

// RFC 9110 §5.6.7 IMF-fixdate, for the Date header: Mon, 23 Nov 2026 20:09:00 GMT
std::string format_http_date(TimePoint t);

} // namespace confrere
