// libFuzzer target for federation/html: no crash (ASan, UBSan) on any input, and the two
// properties the unit tests check on known shapes:
//   - idempotence: sanitize_html(sanitize_html(x)) == sanitize_html(x);
//   - fixed point: sanitize_html(render_plain_text(x)) == render_plain_text(x);
// each whenever the first result is within the sanitiser's work limits (beyond them the
// output is a degraded rendering by design). See README.md in this folder.
#include "federation/html/plain_text.hpp"
#include "federation/html/sanitizer.hpp"

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace {

void require_equal(std::string_view what, const std::string& first, const std::string& second)
{
    if (first == second)
        return;
    std::fprintf(stderr, "%.*s\n--- first ---\n%s\n--- second ---\n%s\n", static_cast<int>(what.size()),
        what.data(), first.c_str(), second.c_str());
    __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace confrere::federation;
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    const std::string once = sanitize_html(input);
    if (within_sanitizer_limits(once))
        require_equal("sanitize_html is not idempotent", once, sanitize_html(once));

    const std::string rendered = render_plain_text(input, "https://pharma.example");
    if (within_sanitizer_limits(rendered))
        require_equal("render_plain_text is not a fixed point", rendered, sanitize_html(rendered));

    (void)html_to_text(input);
    return 0;
}
