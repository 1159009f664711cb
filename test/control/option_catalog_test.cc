#include "control/config/option_catalog.h"

#include <cstdint>
#include <optional>
#include <set>
#include <utility>
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

using T = OptionDataType;

TEST(OptionCatalogTest, FindsByNameAndCode) {
  const OptionDefinition* routers = FindOptionByName("routers");
  ASSERT_NE(routers, nullptr);
  EXPECT_EQ(routers->code, 3);
  EXPECT_EQ(routers->type, T::kIpv4Address);
  EXPECT_TRUE(routers->array);
  EXPECT_EQ(FindOptionByCode(3), routers);
  EXPECT_EQ(FindOptionByName("no-such-option"), nullptr);
  EXPECT_EQ(FindOptionByCode(250), nullptr);
  EXPECT_EQ(FindOptionByCode(0), nullptr);
  EXPECT_EQ(FindOptionByCode(255), nullptr);
  EXPECT_EQ(FindStandardOption("vendor-4491", "tftp-servers")->code, 2);
  EXPECT_EQ(FindStandardOption("vendor-4491", uint8_t{1})->name, "oro");
  EXPECT_EQ(FindStandardOption("vendor-4491", "routers"), nullptr);
}

TEST(OptionCatalogTest, NamesAndCodesAreUniqueAndSorted) {
  std::set<std::pair<std::string, std::string>> names;
  std::set<std::pair<std::string, int>> codes;
  int previous = 0;
  for (const OptionDefinition& def : StandardOptionDefinitions()) {
    EXPECT_GT(def.code, previous) << def.name;
    previous = def.code;
  }
  for (const OptionDefinition& def : AllStandardOptionDefinitions()) {
    EXPECT_TRUE(names.insert({def.space, def.name}).second) << def.name;
    EXPECT_TRUE(codes.insert({def.space, def.code}).second) << def.name;
    EXPECT_EQ(FindStandardOption(def.space, def.name), &def);
    EXPECT_EQ(FindStandardOption(def.space, def.code), &def);
    EXPECT_TRUE(ValidateOptionDefinition(def).ok()) << def.name << ": "
                                                    << ValidateOptionDefinition(def);
  }
}

// The audit: every DHCPv4 option Kea 2.2 defines (std_option_defs.h, including the
// last-resort 43, and the ARM's table), with Kea's name, type and array flag.
TEST(OptionCatalogTest, KeaStandardTableAudit) {
  struct Want {
    std::string_view name;
    uint8_t code;
    T type;
    bool array;
    std::vector<T> record = {};
  };
  const Want wants[] = {
      {"subnet-mask", 1, T::kIpv4Address, false},
      {"time-offset", 2, T::kInt32, false},
      {"routers", 3, T::kIpv4Address, true},
      {"time-servers", 4, T::kIpv4Address, true},
      {"name-servers", 5, T::kIpv4Address, true},
      {"domain-name-servers", 6, T::kIpv4Address, true},
      {"log-servers", 7, T::kIpv4Address, true},
      {"cookie-servers", 8, T::kIpv4Address, true},
      {"lpr-servers", 9, T::kIpv4Address, true},
      {"impress-servers", 10, T::kIpv4Address, true},
      {"resource-location-servers", 11, T::kIpv4Address, true},
      {"host-name", 12, T::kString, false},
      {"boot-size", 13, T::kUint16, false},
      {"merit-dump", 14, T::kString, false},
      {"domain-name", 15, T::kString, false},
      {"swap-server", 16, T::kIpv4Address, false},
      {"root-path", 17, T::kString, false},
      {"extensions-path", 18, T::kString, false},
      {"ip-forwarding", 19, T::kBoolean, false},
      {"non-local-source-routing", 20, T::kBoolean, false},
      {"policy-filter", 21, T::kIpv4Address, true},
      {"max-dgram-reassembly", 22, T::kUint16, false},
      {"default-ip-ttl", 23, T::kUint8, false},
      {"path-mtu-aging-timeout", 24, T::kUint32, false},
      {"path-mtu-plateau-table", 25, T::kUint16, true},
      {"interface-mtu", 26, T::kUint16, false},
      {"all-subnets-local", 27, T::kBoolean, false},
      {"broadcast-address", 28, T::kIpv4Address, false},
      {"perform-mask-discovery", 29, T::kBoolean, false},
      {"mask-supplier", 30, T::kBoolean, false},
      {"router-discovery", 31, T::kBoolean, false},
      {"router-solicitation-address", 32, T::kIpv4Address, false},
      {"static-routes", 33, T::kIpv4Address, true},
      {"trailer-encapsulation", 34, T::kBoolean, false},
      {"arp-cache-timeout", 35, T::kUint32, false},
      {"ieee802-3-encapsulation", 36, T::kBoolean, false},
      {"default-tcp-ttl", 37, T::kUint8, false},
      {"tcp-keepalive-interval", 38, T::kUint32, false},
      {"tcp-keepalive-garbage", 39, T::kBoolean, false},
      {"nis-domain", 40, T::kString, false},
      {"nis-servers", 41, T::kIpv4Address, true},
      {"ntp-servers", 42, T::kIpv4Address, true},
      {"vendor-encapsulated-options", 43, T::kEmpty, false},
      {"netbios-name-servers", 44, T::kIpv4Address, true},
      {"netbios-dd-server", 45, T::kIpv4Address, true},
      {"netbios-node-type", 46, T::kUint8, false},
      {"netbios-scope", 47, T::kString, false},
      {"font-servers", 48, T::kIpv4Address, true},
      {"x-display-manager", 49, T::kIpv4Address, true},
      {"dhcp-requested-address", 50, T::kIpv4Address, false},
      {"dhcp-lease-time", 51, T::kUint32, false},
      {"dhcp-option-overload", 52, T::kUint8, false},
      {"dhcp-message-type", 53, T::kUint8, false},
      {"dhcp-server-identifier", 54, T::kIpv4Address, false},
      {"dhcp-parameter-request-list", 55, T::kUint8, true},
      {"dhcp-message", 56, T::kString, false},
      {"dhcp-max-message-size", 57, T::kUint16, false},
      {"dhcp-renewal-time", 58, T::kUint32, false},
      {"dhcp-rebinding-time", 59, T::kUint32, false},
      {"vendor-class-identifier", 60, T::kString, false},
      {"dhcp-client-identifier", 61, T::kBinary, false},
      {"nwip-domain-name", 62, T::kString, false},
      {"nwip-suboptions", 63, T::kBinary, false},
      {"nisplus-domain-name", 64, T::kString, false},
      {"nisplus-servers", 65, T::kIpv4Address, true},
      {"tftp-server-name", 66, T::kString, false},
      {"boot-file-name", 67, T::kString, false},
      {"mobile-ip-home-agent", 68, T::kIpv4Address, true},
      {"smtp-server", 69, T::kIpv4Address, true},
      {"pop-server", 70, T::kIpv4Address, true},
      {"nntp-server", 71, T::kIpv4Address, true},
      {"www-server", 72, T::kIpv4Address, true},
      {"finger-server", 73, T::kIpv4Address, true},
      {"irc-server", 74, T::kIpv4Address, true},
      {"streettalk-server", 75, T::kIpv4Address, true},
      {"streettalk-directory-assistance-server", 76, T::kIpv4Address, true},
      {"user-class", 77, T::kBinary, false},
      {"slp-directory-agent", 78, T::kRecord, true, {T::kBoolean, T::kIpv4Address}},
      {"slp-service-scope", 79, T::kRecord, false, {T::kBoolean, T::kString}},
      {"fqdn", 81, T::kRecord, false, {T::kUint8, T::kUint8, T::kUint8, T::kFqdn}},
      {"dhcp-agent-options", 82, T::kEmpty, false},
      {"nds-servers", 85, T::kIpv4Address, true},
      {"nds-tree-name", 86, T::kString, false},
      {"nds-context", 87, T::kString, false},
      {"bcms-controller-names", 88, T::kFqdn, true},
      {"bcms-controller-address", 89, T::kIpv4Address, true},
      {"authenticate", 90, T::kBinary, false},
      {"client-last-transaction-time", 91, T::kUint32, false},
      {"associated-ip", 92, T::kIpv4Address, true},
      {"client-system", 93, T::kUint16, true},
      {"client-ndi", 94, T::kRecord, false, {T::kUint8, T::kUint8, T::kUint8}},
      {"uuid-guid", 97, T::kRecord, false, {T::kUint8, T::kBinary}},
      {"uap-servers", 98, T::kString, false},
      {"geoconf-civic", 99, T::kBinary, false},
      {"pcode", 100, T::kString, false},
      {"tcode", 101, T::kString, false},
      {"v6-only-preferred", 108, T::kUint32, false},
      {"netinfo-server-address", 112, T::kIpv4Address, true},
      {"netinfo-server-tag", 113, T::kString, false},
      {"v4-captive-portal", 114, T::kString, false},
      {"auto-config", 116, T::kUint8, false},
      {"name-service-search", 117, T::kUint16, true},
      {"subnet-selection", 118, T::kIpv4Address, false},
      {"domain-search", 119, T::kFqdn, true},
      {"vivco-suboptions", 124, T::kRecord, false, {T::kUint32, T::kBinary}},
      {"vivso-suboptions", 125, T::kUint32, false},
      {"pana-agent", 136, T::kIpv4Address, true},
      {"v4-lost", 137, T::kFqdn, false},
      {"capwap-ac-v4", 138, T::kIpv4Address, true},
      {"sip-ua-cs-domains", 141, T::kFqdn, true},
      {"rdnss-selection", 146, T::kRecord, true,
       {T::kUint8, T::kIpv4Address, T::kIpv4Address, T::kFqdn}},
      {"v4-portparams", 159, T::kRecord, false, {T::kUint8, T::kPsid}},
      {"option-6rd", 212, T::kRecord, true,
       {T::kUint8, T::kUint8, T::kIpv6Address, T::kIpv4Address}},
      {"v4-access-domain", 213, T::kFqdn, false},
  };
  std::set<uint8_t> kea_codes;
  for (const Want& w : wants) {
    kea_codes.insert(w.code);
    const OptionDefinition* def = FindOptionByName(w.name);
    ASSERT_NE(def, nullptr) << w.name;
    EXPECT_EQ(FindOptionByCode(w.code), def) << w.name;
    EXPECT_EQ(def->code, w.code) << w.name;
    EXPECT_EQ(def->type, w.type) << w.name;
    EXPECT_EQ(def->array, w.array) << w.name;
    EXPECT_EQ(def->record_types, w.record) << w.name;
    EXPECT_EQ(def->space, "dhcp4");
  }
  // Everything else in the table is a marked fastlease extension.
  for (const OptionDefinition& def : StandardOptionDefinitions()) {
    if (kea_codes.count(def.code) == 0) {
      EXPECT_FALSE(def.kea_standard) << def.name;
    }
  }
  EXPECT_EQ(FindOptionByCode(43)->encapsulate, "vendor-encapsulated-options-space");
  EXPECT_EQ(FindOptionByCode(82)->encapsulate, "dhcp-agent-options-space");
  EXPECT_EQ(FindOptionByCode(121)->name, "classless-static-route");
  EXPECT_EQ(FindOptionByCode(150)->name, "tftp-server-address");
  for (uint8_t code : {51, 52, 53, 56, 58, 59, 81}) {
    ASSERT_NE(FindOptionByCode(code), nullptr);
    EXPECT_EQ(FindOptionByCode(code)->policy, OptionPolicy::kServerManaged) << int{code};
  }
  for (uint8_t code : {50, 55, 57, 61, 82}) {
    EXPECT_EQ(FindOptionByCode(code)->policy, OptionPolicy::kClientOnly) << int{code};
  }
  EXPECT_EQ(FindOptionByCode(54)->policy, OptionPolicy::kConfigurable);
}

TEST(OptionCatalogTest, TypeNames) {
  for (std::string_view name : {"empty", "binary", "boolean", "int8", "int16", "int32", "uint8",
                                "uint16", "uint32", "ipv4-address", "ipv6-address",
                                "ipv6-prefix", "psid", "string", "fqdn", "tuple", "record"}) {
    std::optional<OptionDataType> type = ParseOptionDataTypeName(name);
    ASSERT_TRUE(type.has_value()) << name;
    EXPECT_EQ(OptionDataTypeName(*type), name);
  }
  EXPECT_FALSE(ParseOptionDataTypeName("internal").has_value());
  EXPECT_FALSE(ParseOptionDataTypeName("uint9").has_value());
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
  EXPECT_THAT(Encode("user-class", "01020304"), ElementsAre(1, 2, 3, 4));
  EXPECT_THAT(Encode("user-class", "01:02:0a"), ElementsAre(1, 2, 10));
  EXPECT_THAT(EncodeError("user-class", "0g"), HasSubstr("not hex"));
  // 43 is of type empty and encapsulates: its data, if any, is the raw payload in hex.
  EXPECT_THAT(Encode("vendor-encapsulated-options", "01:02:0a"), ElementsAre(1, 2, 10));
  EXPECT_THAT(Encode("vendor-encapsulated-options", ""), testing::IsEmpty());
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
