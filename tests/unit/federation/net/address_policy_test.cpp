// The SSRF address policy (notes/federation-security.md §D): every special-purpose range is
// refused, in its plain, IPv4-mapped and NAT64 forms; public addresses pass; allow_private
// admits loopback and private ranges only.
#include "federation/net/address_policy.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace confrere::federation {
namespace {

constexpr AddressPolicy kAllowPrivate { .allow_private = true };

struct Case {
    const char* address;
    AddressRange range;
};

void expect_refused_always(const std::vector<Case>& cases)
{
    for (const auto& c : cases) {
        EXPECT_EQ(classify_address(std::string_view(c.address)), c.range) << c.address;
        EXPECT_TRUE(is_forbidden_address(std::string_view(c.address))) << c.address;
        EXPECT_TRUE(is_forbidden_address(std::string_view(c.address), kAllowPrivate)) << c.address;
    }
}

TEST(AddressPolicy, LoopbackIsRefusedUnlessPrivateAddressesAreAllowed)
{
    for (const char* a :
        { "127.0.0.1", "127.255.255.254", "127.1.2.3", "::1", "::ffff:127.0.0.1", "[::1]" }) {
        EXPECT_EQ(classify_address(std::string_view(a)), AddressRange::Loopback) << a;
        EXPECT_TRUE(is_forbidden_address(std::string_view(a))) << a;
        EXPECT_FALSE(is_forbidden_address(std::string_view(a), kAllowPrivate)) << a;
    }
}

TEST(AddressPolicy, PrivateRangesAreRefusedUnlessPrivateAddressesAreAllowed)
{
    for (const char* a : { "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.255", "192.168.0.1",
             "192.168.255.255", "fc00::1", "fd12:3456:789a::1", "::ffff:10.1.2.3", "::ffff:192.168.1.1" }) {
        EXPECT_EQ(classify_address(std::string_view(a)), AddressRange::Private) << a;
        EXPECT_TRUE(is_forbidden_address(std::string_view(a))) << a;
        EXPECT_FALSE(is_forbidden_address(std::string_view(a), kAllowPrivate)) << a;
    }
}

TEST(AddressPolicy, PrivateRangeBoundariesArePublic)
{
    for (const char* a : { "172.15.255.255", "172.32.0.0", "11.0.0.0", "9.255.255.255", "192.167.255.255",
             "192.169.0.0", "100.63.255.255", "100.128.0.0", "126.255.255.255", "128.0.0.0" }) {
        EXPECT_EQ(classify_address(std::string_view(a)), AddressRange::Public) << a;
        EXPECT_FALSE(is_forbidden_address(std::string_view(a))) << a;
    }
}

TEST(AddressPolicy, LinkLocalIsRefusedEvenWhenPrivateAddressesAreAllowed)
{
    // 169.254.169.254 is the cloud metadata endpoint: the classic SSRF target.
    expect_refused_always({ { "169.254.169.254", AddressRange::LinkLocal },
        { "169.254.0.1", AddressRange::LinkLocal }, { "fe80::1", AddressRange::LinkLocal },
        { "febf:ffff::1", AddressRange::LinkLocal }, { "::ffff:169.254.169.254", AddressRange::LinkLocal } });
}

TEST(AddressPolicy, UnspecifiedAddressesAreRefusedEvenWhenPrivateAddressesAreAllowed)
{
    // Mastodon CVE-2026-46348 (`::`), Lemmy CVE-2026-33693 (`0.0.0.0`): both reach loopback.
    expect_refused_always(
        { { "0.0.0.0", AddressRange::Unspecified }, { "0.1.2.3", AddressRange::Unspecified },
            { "::", AddressRange::Unspecified }, { "::ffff:0.0.0.0", AddressRange::Unspecified } });
}

TEST(AddressPolicy, MulticastAndBroadcastAreRefused)
{
    expect_refused_always({ { "224.0.0.1", AddressRange::Multicast },
        { "239.255.255.250", AddressRange::Multicast }, { "ff02::1", AddressRange::Multicast },
        { "ff0e::1", AddressRange::Multicast }, { "255.255.255.255", AddressRange::Broadcast },
        { "::ffff:255.255.255.255", AddressRange::Broadcast } });
}

TEST(AddressPolicy, SharedCgnatSpaceIsRefused)
{
    expect_refused_always(
        { { "100.64.0.1", AddressRange::SharedCgnat }, { "100.127.255.255", AddressRange::SharedCgnat },
            { "::ffff:100.64.0.1", AddressRange::SharedCgnat } });
}

TEST(AddressPolicy, DocumentationRangesAreRefused)
{
    expect_refused_always({ { "192.0.2.1", AddressRange::Documentation },
        { "198.51.100.7", AddressRange::Documentation }, { "203.0.113.200", AddressRange::Documentation },
        { "2001:db8::1", AddressRange::Documentation }, { "3fff::1", AddressRange::Documentation } });
}

TEST(AddressPolicy, SpecialPurposeAndReservedRangesAreRefused)
{
    expect_refused_always({ { "192.0.0.8", AddressRange::Reserved }, { "198.18.0.1", AddressRange::Reserved },
        { "198.19.255.255", AddressRange::Reserved }, { "240.0.0.1", AddressRange::Reserved },
        { "250.1.2.3", AddressRange::Reserved }, { "255.255.255.254", AddressRange::Reserved },
        { "192.31.196.1", AddressRange::Reserved }, { "192.52.193.1", AddressRange::Reserved },
        { "192.88.99.1", AddressRange::Reserved }, { "192.175.48.1", AddressRange::Reserved },
        { "2620:4f:8000::1", AddressRange::Reserved } });
}

TEST(AddressPolicy, TunnelledIpv6FormsAreRefused)
{
    // Fedify CVE-2026-50131: 6to4 and Teredo embed an IPv4 address the kernel may reach.
    expect_refused_always({ { "2002:7f00:1::1", AddressRange::Reserved }, // 6to4 of 127.0.0.1
        { "2002:5db8:d822::1", AddressRange::Reserved }, // 6to4 of a public address: still refused
        { "2001:0:4136:e378:8000:63bf:3fff:fdd2", AddressRange::Reserved }, // Teredo
        { "2001:2::1", AddressRange::Reserved }, // benchmarking
        { "::7f00:1", AddressRange::Reserved }, // deprecated IPv4-compatible ::127.0.0.1
        { "::ffff:0:7f00:1", AddressRange::Reserved }, // SIIT IPv4-translated
        { "64:ff9b:1::7f00:1", AddressRange::Reserved }, // local-use NAT64 prefix
        { "100::1", AddressRange::Reserved }, // discard-only
        { "fec0::1", AddressRange::Reserved }, // deprecated site-local
        { "4000::1", AddressRange::Reserved } }); // outside global unicast 2000::/3
}

TEST(AddressPolicy, Nat64AddressesAreJudgedByTheIpv4AddressTheyEmbed)
{
    EXPECT_EQ(classify_address(std::string_view("64:ff9b::7f00:1")), AddressRange::Loopback);
    EXPECT_TRUE(is_forbidden_address(std::string_view("64:ff9b::7f00:1")));
    EXPECT_TRUE(is_forbidden_address(std::string_view("64:ff9b::169.254.169.254"), kAllowPrivate));
    EXPECT_TRUE(is_forbidden_address(std::string_view("64:ff9b::a00:1"))); // 10.0.0.1
    EXPECT_TRUE(is_forbidden_address(std::string_view("64:ff9b::0.0.0.0"), kAllowPrivate));
    // DNS64 synthesises these for IPv4-only peers: a public one must pass.
    EXPECT_FALSE(is_forbidden_address(std::string_view("64:ff9b::5db8:d822"))); // 93.184.216.34
}

TEST(AddressPolicy, Ipv4MappedFormsAreJudgedLikeTheirIpv4Address)
{
    EXPECT_TRUE(is_forbidden_address(std::string_view("::ffff:7f00:1")));
    EXPECT_TRUE(is_forbidden_address(std::string_view("::FFFF:127.0.0.1")));
    EXPECT_TRUE(is_forbidden_address(std::string_view("::ffff:172.16.5.4")));
    EXPECT_TRUE(is_forbidden_address(std::string_view("::ffff:198.18.0.1"), kAllowPrivate));
    EXPECT_FALSE(is_forbidden_address(std::string_view("::ffff:93.184.216.34")));
}

TEST(AddressPolicy, PublicAddressesAreAllowed)
{
    for (const char* a : { "93.184.216.34", "1.1.1.1", "8.8.8.8", "203.0.114.1", "2606:4700::1111",
             "2a00:1450:4007:80e::200e", "2001:4860:4860::8888", "[2606:4700::1111]" }) {
        EXPECT_EQ(classify_address(std::string_view(a)), AddressRange::Public) << a;
        EXPECT_FALSE(is_forbidden_address(std::string_view(a))) << a;
        EXPECT_FALSE(is_forbidden_address(std::string_view(a), kAllowPrivate)) << a;
    }
}

TEST(AddressPolicy, RawBytesAreClassifiedLikeText)
{
    std::array<unsigned char, 4> loopback { 127, 0, 0, 1 };
    std::array<unsigned char, 4> metadata { 169, 254, 169, 254 };
    std::array<unsigned char, 4> public_v4 { 93, 184, 216, 34 };
    std::array<unsigned char, 16> mapped { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1 };
    std::array<unsigned char, 16> unspecified {};
    std::array<unsigned char, 16> public_v6 { 0x26, 0x06, 0x47, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11,
        0x11 };
    EXPECT_TRUE(is_forbidden_address(loopback));
    EXPECT_FALSE(is_forbidden_address(loopback, kAllowPrivate));
    EXPECT_TRUE(is_forbidden_address(metadata, kAllowPrivate));
    EXPECT_FALSE(is_forbidden_address(public_v4));
    EXPECT_EQ(classify_address(mapped), AddressRange::Loopback);
    EXPECT_TRUE(is_forbidden_address(mapped));
    EXPECT_TRUE(is_forbidden_address(unspecified, kAllowPrivate));
    EXPECT_FALSE(is_forbidden_address(public_v6));
}

TEST(AddressPolicy, WhatIsNotAnAddressIsRefused)
{
    for (const char* a : { "", "localhost", "example.com", "127.1", "2130706433", "0x7f.0.0.1", "127.0.0.1 ",
             "1.2.3.4.5", "fe80::1%eth0", "[::1", "::ffff:999.0.0.1" }) {
        EXPECT_EQ(classify_address(std::string_view(a)), AddressRange::Reserved) << a;
        EXPECT_TRUE(is_forbidden_address(std::string_view(a), kAllowPrivate)) << a;
    }
    std::array<unsigned char, 5> five { 1, 2, 3, 4, 5 };
    EXPECT_TRUE(is_forbidden_address(five, kAllowPrivate));
    EXPECT_TRUE(is_forbidden_address(std::span<const unsigned char> {}, kAllowPrivate));
}

TEST(AddressPolicy, RangesHaveReadableNames)
{
    EXPECT_EQ(describe(AddressRange::LinkLocal), "link-local");
    EXPECT_EQ(describe(AddressRange::Loopback), "loopback");
    EXPECT_EQ(describe(AddressRange::Public), "public");
}

} // namespace
} // namespace confrere::federation
