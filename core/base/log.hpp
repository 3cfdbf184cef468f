// Structured logging: one JSON object per line on stderr.
// Never pass secrets, passwords, tokens or professional identifiers as fields.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace confrere::log {

enum class Level { Debug, Info, Warn, Error };

using Value = std::variant<std::string_view, std::int64_t, double, bool>;

struct Field {
    std::string_view key;
    Value value;
    Field(std::string_view k, std::string_view v) : key(k), value(v) {}
    Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
    Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
    Field(std::string_view k, std::int64_t v) : key(k), value(v) {}
    Field(std::string_view k, int v) : key(k), value(static_cast<std::int64_t>(v)) {}
    Field(std::string_view k, unsigned v) : key(k), value(static_cast<std::int64_t>(v)) {}
    Field(std::string_view k, std::size_t v) : key(k), value(static_cast<std::int64_t>(v)) {}
    Field(std::string_view k, double v) : key(k), value(v) {}
    Field(std::string_view k, bool v) : key(k), value(v) {}
};

// Messages below this level are dropped. Thread-safe.
void set_min_level(Level level);

// Writes {"ts":…,"level":…,"event":…, fields…} as one line, atomically with respect to other
// log lines.
void write(Level level, std::string_view event, std::initializer_list<Field> fields = {});

inline void debug(std::string_view e, std::initializer_list<Field> f = {}) { write(Level::Debug, e, f); }
inline void info(std::string_view e, std::initializer_list<Field> f = {}) { write(Level::Info, e, f); }
inline void warn(std::string_view e, std::initializer_list<Field> f = {}) { write(Level::Warn, e, f); }
inline void error(std::string_view e, std::initializer_list<Field> f = {}) { write(Level::Error, e, f); }

// Appends `s` to `out` as the body of a JSON string (without the quotes).
void append_json_escaped(std::string& out, std::string_view s);

} // namespace confrere::log
