#include "core/directory/extract_reader.hpp"

#include "core/base/c_handle.hpp"
#include "core/base/text.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

namespace confrere::directory {

namespace {

// Both passes read in chunks of this size, so memory stays flat whatever the file size (the
// real extract is ~800 MB). A line must fit in one chunk: real lines are ~350 bytes, so a
// longer one means this is not an extract.
constexpr std::size_t kChunkSize = std::size_t{1} << 20;

void close_file(std::FILE* f)
{
    std::fclose(f);
}
using File = CHandle<std::FILE, close_file>;

Error invalid(std::string message, std::string detail = {})
{
    return Error{ErrorKind::InvalidInput, std::move(message), std::move(detail), {}};
}

Result<File> open(const std::filesystem::path& path)
{
    File file(std::fopen(path.c_str(), "rb"));
    if (!file)
        return std::unexpected(invalid("The directory extract cannot be read.",
                                       path.string() + ": " + std::strerror(errno)));
    // We read in large chunks already: stdio's own buffer would only add a copy.
    std::setvbuf(file.get(), nullptr, _IONBF, 0);
    return file;
}

Error read_error(const std::filesystem::path& path)
{
    return invalid("The directory extract cannot be read.",
                   path.string() + ": read error: " + std::strerror(errno));
}

// How many leading bytes of p[0..n) hold only whole UTF-8 sequences: a chunk boundary can
// split a character, whose first bytes must then wait for the next chunk. Looks back at most
// four bytes; anything odder is invalid anyway and left for the validator to reject.
std::size_t whole_sequences(const unsigned char* p, std::size_t n)
{
    std::size_t k = n;
    for (int back = 0; k > 0 && back < 4; ++back) {
        const unsigned char c = p[k - 1];
        if (c < 0x80)
            return n;
        --k;
        if (c >= 0xC0)
            return k;
    }
    return n;
}

struct Scan {
    Encoding encoding = Encoding::Utf8;
    bool empty = true;
};

// First pass (health-domain.md §2.2): UTF-8 if the whole file is valid UTF-8, else
// Windows-1252. Stops at the first invalid sequence: a CP1252 file fails in its header.
Result<Scan> scan_encoding(std::FILE* f, const std::filesystem::path& path)
{
    std::vector<unsigned char> buf(kChunkSize + 4);
    std::size_t carry = 0;
    Scan scan;
    for (;;) {
        const std::size_t got = std::fread(buf.data() + carry, 1, kChunkSize, f);
        if (got == 0) {
            if (std::ferror(f))
                return std::unexpected(read_error(path));
            // A character cut by the end of the file is invalid.
            const std::string_view rest(reinterpret_cast<const char*>(buf.data()), carry);
            if (!text::is_valid_utf8(rest))
                scan.encoding = Encoding::Cp1252;
            return scan;
        }
        scan.empty = false;
        const std::size_t n = carry + got;
        const std::size_t whole = whole_sequences(buf.data(), n);
        if (!text::is_valid_utf8({reinterpret_cast<const char*>(buf.data()), whole})) {
            scan.encoding = Encoding::Cp1252;
            return scan;
        }
        carry = n - whole;
        std::memmove(buf.data(), buf.data() + whole, carry);
    }
}

// Hands out the file's lines without their terminator ("\n" or "\r\n"). A view stays valid
// until the next call; lines are never copied.
class LineReader {
public:
    LineReader(std::FILE* f, const std::filesystem::path& path)
        : file_(f), path_(path), buf_(kChunkSize)
    {
    }

    // True and a line, false at the end of the file, or an error.
    Result<bool> next(std::string_view& line)
    {
        for (;;) {
            const char* start = buf_.data() + begin_;
            if (const void* nl = std::memchr(start, '\n', end_ - begin_)) {
                const auto len = static_cast<std::size_t>(static_cast<const char*>(nl) - start);
                begin_ += len + 1;
                line = strip_cr({start, len});
                return true;
            }
            if (eof_) {
                if (begin_ == end_)
                    return false;
                line = strip_cr({start, end_ - begin_});  // last line without a newline
                begin_ = end_;
                return true;
            }
            if (auto filled = fill(); !filled)
                return filled;
        }
    }

private:
    static std::string_view strip_cr(std::string_view s)
    {
        if (!s.empty() && s.back() == '\r')
            s.remove_suffix(1);
        return s;
    }

    Result<bool> fill()
    {
        std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
        if (end_ == buf_.size())
            return std::unexpected(invalid(
                "The directory extract has a line longer than 1 MiB: is it the right file?",
                path_.string()));
        const std::size_t got = std::fread(buf_.data() + end_, 1, buf_.size() - end_, file_);
        if (got == 0) {
            if (std::ferror(file_))
                return std::unexpected(read_error(path_));
            eof_ = true;
        }
        end_ += got;
        return true;
    }

    std::FILE* file_;
    const std::filesystem::path& path_;
    std::vector<char> buf_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    bool eof_ = false;
};

// The high bit of each byte of p[0..8) that is a '|'. A byte of word ^ "||||||||" is zero
// exactly where the word holds a '|'; the masked add sets the high bit of every non-zero byte
// without carrying into its neighbour, so there are no false positives.
std::uint64_t bar_mask(const char* p)
{
    constexpr std::uint64_t kBars = 0x7C7C7C7C7C7C7C7CULL;  // '|' in every byte
    constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    const std::uint64_t x = word ^ kBars;
    return ~(((x & kLow7) + kLow7) | x) & ~kLow7;
}

// Number of bits in a bar_mask(). The multiply sums the bytes into the top one: a generic
// x86-64 build has no popcnt instruction, and std::popcount would be a libgcc call.
std::size_t bars_in(std::uint64_t mask)
{
    return static_cast<std::size_t>(((mask >> 7) * 0x0101010101010101ULL) >> 56);
}

std::size_t count_bars(const char* p, const char* end)
{
    std::size_t n = 0;
    for (; end - p >= 8; p += 8)
        n += bars_in(bar_mask(p));
    for (; p != end; ++p)
        n += *p == '|';
    return n;
}

// Splits on '|'. Only the first `wanted` fields are recorded in `fields` (reused across
// lines: no allocation once warm); the rest are only counted, which is most of a 56-column
// line. Returns the number of fields. Eight bytes at a time: this is the reader's hot loop.
// No quoting in this format: names such as "D'ARC" carry apostrophes, and `"` is data too.
std::size_t split(std::string_view line, std::size_t wanted,
                  std::vector<std::string_view>& fields)
{
    fields.clear();
    const char* const end = line.data() + line.size();
    const char* field = line.data();
    const char* p = line.data();
    if (wanted == 0)
        return count_bars(p, end) + 1;
    for (; end - p >= 8; p += 8) {
        for (std::uint64_t mask = bar_mask(p); mask != 0; mask &= mask - 1) {
            const char* bar = p + (std::countr_zero(mask) >> 3);
            fields.emplace_back(field, std::size_t(bar - field));
            field = bar + 1;
            if (fields.size() == wanted)
                return wanted + bars_in(mask & (mask - 1)) + count_bars(p + 8, end) + 1;
        }
    }
    for (; p != end; ++p) {
        if (*p == '|') {
            fields.emplace_back(field, std::size_t(p - field));
            field = p + 1;
            if (fields.size() == wanted)
                return wanted + count_bars(p + 1, end) + 1;
        }
    }
    fields.emplace_back(field, std::size_t(end - field));  // the line ended first
    return fields.size();
}

bool is_ascii(std::string_view s)
{
    for (const char c : s)
        if (static_cast<unsigned char>(c) >= 0x80)
            return false;
    return true;
}

// Assigns into an existing string so its capacity is reused from row to row.
void assign_text(std::string& out, std::string_view field, Encoding encoding)
{
    field = text::trim(field);
    if (encoding == Encoding::Utf8 || is_ascii(field))
        out.assign(field);
    else
        out = text::cp1252_to_utf8(field);
}

// "Code profession" is a TRE_G15 code: two digits in practice. Anything else is unusable.
std::optional<int> parse_code(std::string_view s)
{
    s = text::trim(s);
    if (s.empty() || s.size() > 6)
        return std::nullopt;
    int value = 0;
    for (const char c : s) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

enum class Need { Required, Optional };

struct Column {
    std::string_view label;  // the 2026 spelling, named in errors
    Need need;
};

// The columns a DirectoryEntry needs. Their order is the index into Layout::at.
constexpr std::array<Column, 7> kColumns{{
    {"Identification nationale PP", Need::Required},
    {"Identifiant PP", Need::Required},
    {"Nom d'exercice", Need::Required},
    {"Prénom d'exercice", Need::Required},
    {"Code profession", Need::Required},
    {"Libellé profession", Need::Optional},
    {"Code catégorie professionnelle", Need::Optional},
}};
enum ColumnIndex { kNationalId, kBareId, kLastName, kFirstName, kProfession, kLabel, kCategory };

constexpr std::size_t kAbsent = static_cast<std::size_t>(-1);

struct Layout {
    std::array<std::size_t, kColumns.size()> at{};  // field index of each column, or kAbsent
    std::size_t fields = 0;     // fields per line, trailing empty one included
    std::size_t wanted = 0;     // fields to record: up to the last column we use
    bool trailing_bar = false;  // the header ends with '|' (it does in every ANS release)

    // Field counts as a person reads them: without the empty field after the trailing '|'.
    std::size_t shown(std::size_t n) const { return trailing_bar && n > 0 ? n - 1 : n; }
};

// Finds columns by folded name ("Prénom d'exercice" and "Prenom d’exercice" both fold to
// "prenom d exercice"), because labels drift between releases (§2.2).
Result<Layout> map_header(std::string_view header, Encoding encoding)
{
    if (header.starts_with("\xEF\xBB\xBF"))
        header.remove_prefix(3);
    // The header is decoded on its own: a UTF-8 header stays readable even when a stray
    // byte further down makes the rows CP1252 (CP1252 labels are never valid UTF-8).
    const std::string utf8 = encoding == Encoding::Utf8 || text::is_valid_utf8(header)
        ? std::string(header)
        : text::cp1252_to_utf8(header);

    std::vector<std::string_view> names;
    split(utf8, static_cast<std::size_t>(-1), names);
    std::vector<std::string> folded;
    folded.reserve(names.size());
    for (const auto name : names)
        folded.push_back(text::fold_for_match(name));

    Layout layout;
    layout.fields = names.size();
    layout.trailing_bar = !utf8.empty() && utf8.back() == '|';
    std::string missing;
    for (std::size_t c = 0; c < kColumns.size(); ++c) {
        const std::string folded_label = text::fold_for_match(kColumns[c].label);
        layout.at[c] = kAbsent;
        for (std::size_t i = 0; i < folded.size(); ++i) {
            if (folded[i] == folded_label) {
                layout.at[c] = i;
                break;
            }
        }
        if (layout.at[c] != kAbsent)
            layout.wanted = std::max(layout.wanted, layout.at[c] + 1);
        if (layout.at[c] == kAbsent && kColumns[c].need == Need::Required)
            missing += (missing.empty() ? "\"" : ", \"") + std::string(kColumns[c].label) + "\"";
    }
    if (!missing.empty())
        return fail(ErrorKind::InvalidInput,
                    "The directory extract lacks the required column " + missing
                        + ": is it the ps-libreacces-personne-activite file?",
                    "header: " + utf8.substr(0, 200));
    return layout;
}

std::string_view field_or_empty(const std::vector<std::string_view>& fields, std::size_t at)
{
    return at == kAbsent ? std::string_view{} : fields[at];
}

// A wrong count is how a cut download shows: its last line stops mid-row.
Error wrong_field_count(std::int64_t line_number, const Layout& layout, std::size_t found)
{
    return invalid("line " + std::to_string(line_number) + ": expected "
                   + std::to_string(layout.shown(layout.fields)) + " fields, found "
                   + std::to_string(layout.shown(found)) + " (truncated or corrupt file?)");
}

// Fills `entry` from a row, reusing its strings' capacity. False for a row without a national
// id or with a non-numeric profession code: nothing to match a registration against.
bool fill_entry(model::DirectoryEntry& entry, const std::vector<std::string_view>& fields,
                const Layout& layout, Encoding encoding)
{
    const auto national_id = text::trim(fields[layout.at[kNationalId]]);
    const auto profession = parse_code(fields[layout.at[kProfession]]);
    if (national_id.empty() || !profession)
        return false;
    entry.national_id.assign(national_id);
    entry.bare_id.assign(text::trim(fields[layout.at[kBareId]]));
    entry.profession_code = *profession;
    assign_text(entry.last_name, fields[layout.at[kLastName]], encoding);
    assign_text(entry.first_name, fields[layout.at[kFirstName]], encoding);
    assign_text(entry.profession_label, field_or_empty(fields, layout.at[kLabel]), encoding);
    assign_text(entry.category_code, field_or_empty(fields, layout.at[kCategory]), encoding);
    return true;
}

} // namespace

Result<ExtractStats> read_extract(const std::filesystem::path& file, const EntrySink& sink)
{
    if (!sink)
        return fail(ErrorKind::Internal, "The directory import failed.", "read_extract: no sink");

    auto opened = open(file);
    if (!opened)
        return forward(opened);
    const File f = std::move(*opened);

    const auto scan = scan_encoding(f.get(), file);
    if (!scan)
        return forward(scan);
    if (scan->empty)
        return fail(ErrorKind::InvalidInput, "The directory extract is empty.", file.string());
    if (std::fseek(f.get(), 0, SEEK_SET) != 0)
        return std::unexpected(read_error(file));

    ExtractStats stats;
    stats.encoding = scan->encoding;
    LineReader lines(f.get(), file);
    std::string_view line;

    auto got = lines.next(line);
    if (!got)
        return forward(got);
    if (!*got)
        return fail(ErrorKind::InvalidInput, "The directory extract is empty.", file.string());
    const auto layout = map_header(line, stats.encoding);
    if (!layout)
        return forward(layout);

    std::vector<std::string_view> fields;
    fields.reserve(layout->wanted + 1);
    model::DirectoryEntry entry;
    std::int64_t line_number = 1;
    std::int64_t first_blank = 0;  // a blank line is fine only if nothing but blanks follow

    for (;;) {
        got = lines.next(line);
        if (!got)
            return forward(got);
        if (!*got)
            break;
        ++line_number;
        if (line.empty()) {
            if (first_blank == 0)
                first_blank = line_number;
            continue;
        }
        if (first_blank != 0)
            return std::unexpected(wrong_field_count(first_blank, *layout, 1));

        if (const std::size_t count = split(line, layout->wanted, fields); count != layout->fields)
            return std::unexpected(wrong_field_count(line_number, *layout, count));
        ++stats.rows;
        if (!fill_entry(entry, fields, *layout, stats.encoding)) {
            ++stats.skipped;
            continue;
        }
        if (auto status = sink(entry); !status)
            return std::unexpected(status.error());
    }
    return stats;
}

} // namespace confrere::directory
