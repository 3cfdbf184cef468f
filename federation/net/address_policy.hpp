// Which IP addresses an outbound federation request may connect to: the SSRF guard applied to
// every address the fetcher is about to dial (after DNS resolution, on every redirect hop).
// No Asio here on purpose: addresses are taken as raw network-order bytes or as text.
// See notes/federation-security.md §D (Mastodon CVE-2026-46348 `::`, Lemmy CVE-2026-33693
// `0.0.0.0`, Fedify CVE-2026-50131 special-use ranges, NAT64, 6to4, Teredo).
#pragma once

#include <span>
#include <string_view>

namespace confrere::federation {

// The kind of range an address falls in. Everything but Public is refused by default.
enum class AddressRange {
    Public,
    Unspecified, // 0.0.0.0/8 ("this network"), :: — connecting to it reaches the local host
    Loopback, // 127.0.0.0/8, ::1
    Private, // 10/8, 172.16/12, 192.168/16 (RFC 1918), fc00::/7 (RFC 4193)
    LinkLocal, // 169.254/16 (cloud metadata lives here), fe80::/10
    SharedCgnat, // 100.64/10 (RFC 6598)
    Multicast, // 224/4, ff00::/8
    Broadcast, // 255.255.255.255
    Documentation, // 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20
    Reserved, // other special-purpose ranges: 192.0.0/24, 198.18/15 (benchmarking), 240/4,
              // AS112, AMT, 6to4 (2002::/16), 2001::/23 (Teredo, ORCHID…), and all IPv6
              // outside 2000::/3; also anything that is not a 4- or 16-byte address
};

// The address policy of the federation client. `allow_private` is the configuration's
// `federation.allow_private_addresses` (tests and demo networks only): it admits Loopback and
// Private, never link-local, unspecified, multicast or the other special ranges.
struct AddressPolicy {
    bool allow_private = false;
};

// Classifies an IPv4 (4 bytes) or IPv6 (16 bytes) address given in network byte order.
// IPv4-mapped (::ffff:a.b.c.d) and NAT64 well-known-prefix (64:ff9b::/96, RFC 6052) addresses are
// classified by the IPv4 address they embed; any other length is Reserved.
AddressRange classify_address(std::span<const unsigned char> bytes);

// Classifies a textual address ("192.0.2.1", "::ffff:127.0.0.1", "[::1]"); text that is not an
// IPv4 dotted quad or an IPv6 address is Reserved (refused).
AddressRange classify_address(std::string_view text);

// Whether `policy` refuses connecting to the address (see classify_address for the forms).
bool is_forbidden_address(std::span<const unsigned char> bytes, const AddressPolicy& policy = {});
bool is_forbidden_address(std::string_view text, const AddressPolicy& policy = {});

// A short lower-case name of the range, for error details and logs ("link-local").
std::string_view describe(AddressRange range);

} // namespace confrere::federation
