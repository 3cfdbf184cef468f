#include "core/base/log.hpp"

#include "core/base/time.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace confrere::log {

namespace {
std::atomic<Level> g_min_level{Level::Info};
std::mutex g_write_mutex;

std::string_view level_name(Level level)
{
    switch (level) {
    case Level::Debug: return "debug";
    case Level::Info: return "info";
    case Level::Warn: return "warn";
    case Level::Error: return "error";
    }
    return "info";
}
} // namespace

void set_min_level(Level level)
{
    g_min_level.store(level);
}

void append_json_escaped(std::string& out, std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    for (unsigned char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20 || c == 0x7f) {
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xf];
            } else {
                out += static_cast<char>(c);
            }
        }
    }
}

void write(Level level, std::string_view event, std::initializer_list<Field> fields)
{
    if (level < g_min_level.load())
        return;
    std::string line;
    line.reserve(256);
    line += "{\"ts\":\"";
    line += format_iso8601(SystemClock{}.now());
    line += "\",\"level\":\"";
    line += level_name(level);
    line += "\",\"event\":\"";
    append_json_escaped(line, event);
    line += '"';
    for (const Field& f : fields) {
        line += ",\"";
        append_json_escaped(line, f.key);
        line += "\":";
        std::visit(
            [&line](const auto& v) {
                using V = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<V, std::string_view>) {
                    line += '"';
                    append_json_escaped(line, v);
                    line += '"';
                } else if constexpr (std::is_same_v<V, bool>) {
                    line += v ? "true" : "false";
                } else {
                    line += std::to_string(v);
                }
            },
            f.value);
    }
    line += "}\n";
    std::lock_guard lock(g_write_mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

} // namespace confrere::log
