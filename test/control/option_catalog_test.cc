#include "control/config/option_catalog.h"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fastlease::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Bytes = std::vector<uint8_t>;

Bytes Encode(std::string_view name, std::string_view data, bool csv = true) {
  const OptionDefinition* def = FindOptionByName(name);
  EXPECT_NE(def, nullptr) << name;
  absl::StatusOr<Bytes> wire = EncodeOptionData(def, data, csv);
  EXPECT_TRUE(wire.ok()) << name << " '" << data << "': " << wire.status();
  return wire.ok() ? *wire : Bytes{};
}

std::string EncodeError(std::string_view name, std::string_view data, bool csv = true) {
  const OptionDefinition* def = name.empty() ? nullptr : FindOptionByName(name);
  absl::StatusOr<Bytes> wire = EncodeOptionData(def, data, csv);
  EXPECT_FALSE(wire.ok()) << name << " '" << data << "' encoded";
  return std::string(wire.status().message());
}

TEST(OptionCatalogTest, FindsByNameAndCode) {
  const OptionDefinition* routers = FindOptionByName("routers");
  ASSERT_NE(routers, nullptr);
  EXPECT_EQ(routers->code, 3);
  EXPECT_EQ(routers->type, OptionType::kIpv4List);
  EXPECT_EQ(FindOptionByCode(3), routers);
  EXPECT_EQ(FindOptionByName("no-such-option"), nullptr);
  EXPECT_EQ(FindOptionByCode(250), nullptr);
  EXPECT_EQ(FindOptionByCode(0), nullptr);
  EXPECT_EQ(FindOptionByCode(255), nullptr);
}

TEST(OptionCatalogTest, NamesAndCodesAreUnique) {
  std::set<std::string_view> names;
  std::set<uint8_t> codes;
  for (const OptionDefinition& def : StandardOptionDefinitions()) {
    EXPECT_TRUE(names.insert(def.name).second) << def.name;
    EXPECT_TRUE(codes.insert(def.code).second) << def.name;
    EXPECT_EQ(FindOptionByName(def.name), &def);
    EXPECT_EQ(FindOptionByCode(def.code), &def);
  }
}

// Spot checks against Kea 2.2's std_option_defs.h.
TEST(OptionCatalogTest, KeaCodesAndTypes) {
  struct Want {
    std::string_view name;
    uint8_t code;
    OptionType type;
  };
  const Want wants[] = {
      {"subnet-mask", 1, OptionType::kIpv4},
      {"time-offset", 2, OptionType::kInt32},
      {"domain-name-servers", 6, OptionType::kIpv4List},
      {"host-name", 12, OptionType::kString},
      {"boot-size", 13, OptionType::kUint16},
      {"domain-name", 15, OptionType::kString},
      {"ip-forwarding", 19, OptionType::kBoolean},
      {"default-ip-ttl", 23, OptionType::kUint8},
      {"interface-mtu", 26, OptionType::kUint16},
      {"static-routes", 33, OptionType::kIpv4Pairs},
      {"arp-cache-timeout", 35, OptionType::kUint32},
      {"ntp-servers", 42, OptionType::kIpv4List},
      {"vendor-encapsulated-options", 43, OptionType::kBinary},
      {"netbios-node-type", 46, OptionType::kUint8},
      {"x-display-manager", 49, OptionType::kIpv4List},
      {"dhcp-server-identifier", 54, OptionType::kIpv4},
      {"nwip-domain-name", 62, OptionType::kString},
      {"tftp-server-name", 66, OptionType::kString},
      {"boot-file-name", 67, OptionType::kString},
      {"streettalk-directory-assistance-server", 76, OptionType::kIpv4List},
      {"v4-captive-portal", 114, OptionType::kString},
      {"domain-search", 119, OptionType::kFqdnList},
      {"classless-static-route", 121, OptionType::kClasslessRoutes},
  };
  for (const Want& w : wants) {
    const OptionDefinition* def = FindOptionByName(w.name);
    ASSERT_NE(def, nullptr) << w.name;
    EXPECT_EQ(def->code, w.code) << w.name;
    EXPECT_EQ(def->type, w.type) << w.name;
  }
  for (uint8_t code : {51, 52, 53, 56, 58, 59}) {
    ASSERT_NE(FindOptionByCode(code), nullptr);
    EXPECT_EQ(FindOptionByCode(code)->policy, OptionPolicy::kServerManaged) << int{code};
  }
  EXPECT_EQ(FindOptionByCode(54)->policy, OptionPolicy::kConfigurable);
}

TEST(OptionEncodeTest, Ipv4) {
  EXPECT_THAT(Encode("subnet-mask", "255.255.255.0"), ElementsAre(255, 255, 255, 0));
  EXPECT_THAT(Encode("routers", "192.0.2.1"), ElementsAre(192, 0, 2, 1));
  EXPECT_THAT(Encode("domain-name-servers", "192.0.2.53, 198.51.100.53"),
              ElementsAre(192, 0, 2, 53, 198, 51, 100, 53));
  EXPECT_THAT(Encode("static-routes", "10.0.0.0, 192.0.2.1"),
              ElementsAre(10, 0, 0, 0, 192, 0, 2, 1));
  EXPECT_THAT(EncodeError("subnet-mask", "255.255.255.0, 255.0.0.0"), HasSubstr("more than one"));
  EXPECT_THAT(EncodeError("routers", "192.0.2.256"), HasSubstr("'192.0.2.256' is not an IPv4"));
  EXPECT_THAT(EncodeError("routers", "192.0.2.01"), HasSubstr("not an IPv4"));
  EXPECT_THAT(EncodeError("routers", ""), HasSubstr("empty data"));
  EXPECT_THAT(EncodeError("static-routes", "10.0.0.0, 192.0.2.1, 10.1.0.0"), HasSubstr("pairs"));
}

TEST(OptionEncodeTest, Integers) {
  EXPECT_THAT(Encode("default-ip-ttl", "64"), ElementsAre(64));
  EXPECT_THAT(Encode("interface-mtu", "1500"), ElementsAre(0x05, 0xdc));
  EXPECT_THAT(Encode("interface-mtu", "0x5dc"), ElementsAre(0x05, 0xdc));
  EXPECT_THAT(Encode("arp-cache-timeout", "4294967295"), ElementsAre(0xff, 0xff, 0xff, 0xff));
  EXPECT_THAT(Encode("time-offset", "-3600"), ElementsAre(0xff, 0xff, 0xf1, 0xf0));
  EXPECT_THAT(Encode("time-offset", "7200"), ElementsAre(0x00, 0x00, 0x1c, 0x20));
  EXPECT_THAT(Encode("path-mtu-plateau-table", "68, 1500"), ElementsAre(0, 68, 0x05, 0xdc));
  EXPECT_THAT(EncodeError("default-ip-ttl", "256"), HasSubstr("out of range 0..255"));
  EXPECT_THAT(EncodeError("interface-mtu", "-1"), HasSubstr("out of range"));
  EXPECT_THAT(EncodeError("arp-cache-timeout", "4294967296"), HasSubstr("out of range"));
  EXPECT_THAT(EncodeError("time-offset", "2147483648"), HasSubstr("out of range"));
  EXPECT_THAT(EncodeError("interface-mtu", "15OO"), HasSubstr("not an integer"));
}

TEST(OptionEncodeTest, Boolean) {
  EXPECT_THAT(Encode("ip-forwarding", "true"), ElementsAre(1));
  EXPECT_THAT(Encode("ip-forwarding", "false"), ElementsAre(0));
  EXPECT_THAT(Encode("all-subnets-local", "1"), ElementsAre(1));
  EXPECT_THAT(EncodeError("ip-forwarding", "yes"), HasSubstr("not a boolean"));
}

TEST(OptionEncodeTest, String) {
  EXPECT_THAT(Encode("domain-name", "example.net"),
              ElementsAre('e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'n', 'e', 't'));
  EXPECT_THAT(Encode("tftp-server-name", "tftp.example.net"), testing::SizeIs(16));
  EXPECT_THAT(Encode("host-name", "a\\,b"), ElementsAre('a', ',', 'b'));
  EXPECT_THAT(EncodeError("host-name", "a,b"), HasSubstr("unescaped comma"));
  EXPECT_THAT(EncodeError("host-name", ""), HasSubstr("empty"));
}

TEST(OptionEncodeTest, Fqdn) {
  EXPECT_THAT(Encode("domain-search", "example.com, a.org."),
              ElementsAre(7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,  //
                          1, 'a', 3, 'o', 'r', 'g', 0));
  EXPECT_THAT(Encode("v4-lost", "lost.example"),
              ElementsAre(4, 'l', 'o', 's', 't', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0));
  EXPECT_THAT(EncodeError("domain-search", "a..b"), HasSubstr("empty label"));
  EXPECT_THAT(EncodeError("domain-search", std::string(64, 'x') + ".com"),
              HasSubstr("longer than 63"));
}

TEST(OptionEncodeTest, Binary) {
  EXPECT_THAT(Encode("vendor-encapsulated-options", "01020304"), ElementsAre(1, 2, 3, 4));
  EXPECT_THAT(Encode("vendor-encapsulated-options", "01:02:0a"), ElementsAre(1, 2, 10));
  EXPECT_THAT(EncodeError("vendor-encapsulated-options", "0g"), HasSubstr("not hex"));
}

TEST(OptionEncodeTest, HexWhenCsvFormatFalse) {
  EXPECT_THAT(Encode("routers", "c0000201", false), ElementsAre(192, 0, 2, 1));
  EXPECT_THAT(Encode("interface-mtu", "0x05dc", false), ElementsAre(0x05, 0xdc));
  EXPECT_THAT(EncodeError("routers", "c00002", false), HasSubstr("multiple of 4"));
  EXPECT_THAT(EncodeError("interface-mtu", "05", false), HasSubstr("takes 2"));
}

TEST(OptionEncodeTest, ClasslessStaticRoutes) {
  // RFC 3442 examples: 10.0.0.0/8 via 192.0.2.1; 0/0 via 192.0.2.1; 10.17.0.0/16.
  EXPECT_THAT(Encode("classless-static-route", "10.0.0.0/8 - 192.0.2.1, 0.0.0.0/0 - 192.0.2.1"),
              ElementsAre(8, 10, 192, 0, 2, 1, 0, 192, 0, 2, 1));
  EXPECT_THAT(Encode("classless-static-route", "10.17.0.0/16-10.0.0.1"),
              ElementsAre(16, 10, 17, 10, 0, 0, 1));
  EXPECT_THAT(Encode("classless-static-route", "080ac0000201", false),
              ElementsAre(8, 10, 192, 0, 2, 1));
  EXPECT_THAT(EncodeError("classless-static-route", "10.0.0.1/8 - 192.0.2.1"),
              HasSubstr("host bits"));
  EXPECT_THAT(EncodeError("classless-static-route", "10.0.0.0/8"), HasSubstr("not a route"));
  EXPECT_THAT(EncodeError("classless-static-route", "180ac000", false), HasSubstr("truncated"));
}

TEST(OptionEncodeTest, NoDefinitionNeedsHex) {
  absl::StatusOr<Bytes> wire = EncodeOptionData(nullptr, "de:ad:be:ef", false);
  ASSERT_TRUE(wire.ok()) << wire.status();
  EXPECT_THAT(*wire, ElementsAre(0xde, 0xad, 0xbe, 0xef));
  EXPECT_THAT(EncodeError("", "deadbeef", true), HasSubstr("csv-format to false"));
}

TEST(OptionEncodeTest, LongDataIsKept) {
  std::string servers;
  for (int i = 1; i <= 80; ++i) absl::StrAppend(&servers, i > 1 ? "," : "", "10.0.0.", i);
  EXPECT_EQ(Encode("ntp-servers", servers).size(), 320u);  // the reply builder splits it
}

TEST(DecodeHexTest, KeaForms) {
  EXPECT_THAT(*DecodeHex("0a0b0c"), ElementsAre(10, 11, 12));
  EXPECT_THAT(*DecodeHex("0a:0b:0c"), ElementsAre(10, 11, 12));
  EXPECT_THAT(*DecodeHex("0A 0B"), ElementsAre(10, 11));
  EXPECT_THAT(*DecodeHex("0x0a0B"), ElementsAre(10, 11));
  EXPECT_THAT(*DecodeHex("a:b:c"), ElementsAre(10, 11, 12));
  EXPECT_THAT(*DecodeHex("abc"), ElementsAre(0x0a, 0xbc));
  EXPECT_THAT(*DecodeHex("aa-bb-cc-dd-ee-ff"), ElementsAre(0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff));
  EXPECT_TRUE(DecodeHex("")->empty());
  EXPECT_FALSE(DecodeHex("0a::0b").ok());
  EXPECT_FALSE(DecodeHex("123:4").ok());
  EXPECT_FALSE(DecodeHex("xyz").ok());
}

}  // namespace
}  // namespace fastlease::config
