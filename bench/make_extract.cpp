// make_extract OUT_FILE ROWS: writes a synthetic ANS directory extract (UTF-8, 2026 header,
// ~350 bytes a row, valid RPPS numbers) for the import benchmark. The real file has ~2.3 M rows.

#include "tests/support/extract_generator.hpp"

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string_view>

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s OUT_FILE ROWS\n", argc > 0 ? argv[0] : "make_extract");
        return 2;
    }
    const std::string_view rows_text = argv[2];
    std::int64_t rows = 0;
    const auto [end, ec] = std::from_chars(rows_text.data(), rows_text.data() + rows_text.size(), rows);
    if (ec != std::errc{} || end != rows_text.data() + rows_text.size() || rows < 0) {
        std::fprintf(stderr, "make_extract: ROWS must be a non-negative integer, not '%s'\n", argv[2]);
        return 2;
    }

    confrere::testkit::ExtractOptions options;
    options.filler_rows = rows;
    if (const auto written = confrere::testkit::write_extract(argv[1], {}, options); !written) {
        std::fprintf(stderr, "make_extract: %s (%s)\n", written.error().public_message.c_str(),
                     written.error().detail.c_str());
        return 1;
    }
    std::printf("%s: %lld rows\n", argv[1], static_cast<long long>(rows));
    return 0;
}
