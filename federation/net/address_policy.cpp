// Special-purpose ranges from the IANA IPv4 and IPv6 Special-Purpose Address Registries
// (RFC 6890 and updates), as GoToSocial's sanitizer and Mastodon's PrivateAddressCheck block
// them. IPv6 is an allow-list (global unicast 2000::/3 only), so a range IANA adds later is
// refused until we look at it; IPv4 is a block-list because its public space has no prefix.
#include "federation/net/address_policy.hpp"

#include <arpa/inet.h>
#include <array>
#include <cstdint>
#include <string>

namespace confrere::federation {

namespace {

struct V4Range {
    std::uint32_t prefix;
    int bits;
    AddressRange range;
};

constexpr std::uint32_t v4(unsigned a, unsigned b, unsigned c, unsigned d)
{
    return (a << 24) | (b << 16) | (c << 8) | d;
}

// First match wins: 255.255.255.255 comes before 240/4.
constexpr std::array kV4Ranges = {
    V4Range { v4(0, 0, 0, 0), 8, AddressRange::Unspecified },
    V4Range { v4(10, 0, 0, 0), 8, AddressRange::Private },
    V4Range { v4(100, 64, 0, 0), 10, AddressRange::SharedCgnat },
    V4Range { v4(127, 0, 0, 0), 8, AddressRange::Loopback },
    V4Range { v4(169, 254, 0, 0), 16, AddressRange::LinkLocal },
    V4Range { v4(172, 16, 0, 0), 12, AddressRange::Private },
    V4Range { v4(192, 0, 0, 0), 24, AddressRange::Reserved }, // IETF protocol assignments
    V4Range { v4(192, 0, 2, 0), 24, AddressRange::Documentation }, // TEST-NET-1
    V4Range { v4(192, 31, 196, 0), 24, AddressRange::Reserved }, // AS112-v4
    V4Range { v4(192, 52, 193, 0), 24, AddressRange::Reserved }, // AMT
    V4Range { v4(192, 88, 99, 0), 24, AddressRange::Reserved }, // 6to4 relay anycast
    V4Range { v4(192, 168, 0, 0), 16, AddressRange::Private },
    V4Range { v4(192, 175, 48, 0), 24, AddressRange::Reserved }, // direct delegation AS112
    V4Range { v4(198, 18, 0, 0), 15, AddressRange::Reserved }, // benchmarking
    V4Range { v4(198, 51, 100, 0), 24, AddressRange::Documentation }, // TEST-NET-2
    V4Range { v4(203, 0, 113, 0), 24, AddressRange::Documentation }, // TEST-NET-3
    V4Range { v4(224, 0, 0, 0), 4, AddressRange::Multicast },
    V4Range { v4(255, 255, 255, 255), 32, AddressRange::Broadcast },
    V4Range { v4(240, 0, 0, 0), 4, AddressRange::Reserved },
};

AddressRange classify_v4(std::uint32_t address)
{
    for (const auto& r : kV4Ranges) {
        std::uint32_t mask = r.bits == 0 ? 0 : ~std::uint32_t { 0 } << (32 - r.bits);
        if ((address & mask) == r.prefix)
            return r.range;
    }
    return AddressRange::Public;
}

using V6 = std::array<unsigned char, 16>;

struct V6Range {
    V6 prefix;
    int bits;
    AddressRange range;
};

// Whether the first `bits` bits of `a` equal those of `prefix`.
bool in_prefix(std::span<const unsigned char> a, const V6& prefix, int bits)
{
    for (int i = 0; bits > 0; ++i, bits -= 8) {
        auto index = static_cast<std::size_t>(i);
        unsigned mask = bits >= 8 ? 0xffu : (0xffu << (8 - bits)) & 0xffu;
        if ((a[index] & mask) != (prefix[index] & mask))
            return false;
    }
    return true;
}

// Ranges checked after the unspecified/loopback/embedded-IPv4 forms; first match wins.
const std::array kV6Ranges = {
    V6Range { { 0xff }, 8, AddressRange::Multicast }, V6Range { { 0xfe, 0x80 }, 10, AddressRange::LinkLocal },
    V6Range { { 0xfe, 0xc0 }, 10, AddressRange::Reserved }, // deprecated site-local
    V6Range { { 0xfc }, 7, AddressRange::Private }, // unique local
    V6Range { { 0x20, 0x01, 0x0d, 0xb8 }, 32, AddressRange::Documentation },
    V6Range { { 0x3f, 0xff }, 20, AddressRange::Documentation }, // RFC 9637
    V6Range { { 0x20, 0x01 }, 23, AddressRange::Reserved }, // Teredo 2001::/32, ORCHID, benchmarking
    V6Range { { 0x20, 0x02 }, 16, AddressRange::Reserved }, // 6to4: embeds any IPv4 address
    V6Range { { 0x26, 0x20, 0x00, 0x4f, 0x80 }, 48, AddressRange::Reserved }, // AS112-v6
};

constexpr V6 kMappedPrefix = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff }; // ::ffff:0:0/96
constexpr V6 kNat64Prefix = { 0x00, 0x64, 0xff, 0x9b }; // 64:ff9b::/96 (RFC 6052)
constexpr V6 kGlobalUnicast = { 0x20 }; // 2000::/3

AddressRange classify_v6(std::span<const unsigned char> a)
{
    bool zero_head = in_prefix(a, V6 {}, 120);
    if (zero_head && a[15] == 0)
        return AddressRange::Unspecified;
    if (zero_head && a[15] == 1)
        return AddressRange::Loopback;
    // An embedded IPv4 address is dialled as that IPv4 address (the kernel for ::ffff:0:0/96, a
    // NAT64 gateway for 64:ff9b::/96), so it gets that address's verdict. DNS64 on IPv6-only
    // hosts synthesises 64:ff9b:: addresses for every IPv4-only peer: public ones must pass.
    if (in_prefix(a, kMappedPrefix, 96) || in_prefix(a, kNat64Prefix, 96))
        return classify_v4(v4(a[12], a[13], a[14], a[15]));
    for (const auto& r : kV6Ranges)
        if (in_prefix(a, r.prefix, r.bits))
            return r.range;
    if (!in_prefix(a, kGlobalUnicast, 3))
        return AddressRange::Reserved;
    return AddressRange::Public;
}

} // namespace

AddressRange classify_address(std::span<const unsigned char> bytes)
{
    if (bytes.size() == 4)
        return classify_v4(v4(bytes[0], bytes[1], bytes[2], bytes[3]));
    if (bytes.size() == 16)
        return classify_v6(bytes);
    return AddressRange::Reserved;
}

AddressRange classify_address(std::string_view text)
{
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
        text = text.substr(1, text.size() - 2);
    if (text.empty() || text.size() > 64)
        return AddressRange::Reserved;
    std::string terminated(text); // inet_pton wants a C string
    std::array<unsigned char, 16> buffer {};
    // inet_pton accepts only the four-part dotted decimal form: "0x7f.1" or "2130706433" are not
    // addresses here (the fetcher checks what the resolver makes of them instead).
    if (inet_pton(AF_INET, terminated.c_str(), buffer.data()) == 1)
        return classify_address(std::span<const unsigned char>(buffer.data(), 4));
    if (inet_pton(AF_INET6, terminated.c_str(), buffer.data()) == 1)
        return classify_address(std::span<const unsigned char>(buffer.data(), 16));
    return AddressRange::Reserved;
}

namespace {

bool refused(AddressRange range, const AddressPolicy& policy)
{
    switch (range) {
    case AddressRange::Public:
        return false;
    case AddressRange::Loopback:
    case AddressRange::Private:
        return !policy.allow_private;
    default:
        return true;
    }
}

} // namespace

bool is_forbidden_address(std::span<const unsigned char> bytes, const AddressPolicy& policy)
{
    return refused(classify_address(bytes), policy);
}

bool is_forbidden_address(std::string_view text, const AddressPolicy& policy)
{
    return refused(classify_address(text), policy);
}

std::string_view describe(AddressRange range)
{
    switch (range) {
    case AddressRange::Public:
        return "public";
    case AddressRange::Unspecified:
        return "unspecified";
    case AddressRange::Loopback:
        return "loopback";
    case AddressRange::Private:
        return "private";
    case AddressRange::LinkLocal:
        return "link-local";
    case AddressRange::SharedCgnat:
        return "shared (CGNAT)";
    case AddressRange::Multicast:
        return "multicast";
    case AddressRange::Broadcast:
        return "broadcast";
    case AddressRange::Documentation:
        return "documentation";
    case AddressRange::Reserved:
        return "reserved";
    }
    return "reserved";
}

} // namespace confrere::federation
