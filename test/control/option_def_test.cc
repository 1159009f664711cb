// option-def and option-data as the config loader reads them: every Kea type through a
// custom definition, Kea's definition rules, encapsulated sub-options (43), vendor
// options (124, 125). Expected bytes are worked out by hand from the RFCs cited.
#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/strings/str_cat.h"
#include "control/config/internal/diagnostics.h"
#include "control/config/internal/option_data_parser.h"
#include "control/config/internal/option_def_parser.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fastlease::config::internal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using Bytes = std::vector<uint8_t>;

// A Dhcp4 fragment with "option-def" and "option-data", parsed as the loader does.
struct Loaded {
  std::vector<OptionData> options;
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
};

Loaded Load(absl::string_view dhcp4_json) {
  const Json dhcp4 = Json::parse(std::string(dhcp4_json));
  Diagnostics d("t.json");
  OptionDefs defs;
  if (dhcp4.contains("option-def")) {
    defs = ParseOptionDefList(dhcp4["option-def"], "Dhcp4/option-def", d);
  }
  Loaded out;
  if (dhcp4.contains("option-data")) {
    out.options = ParseOptionDataList(dhcp4["option-data"], "Dhcp4/option-data", defs, d);
  }
  out.errors = d.errors();
  out.warnings = d.warnings();
  return out;
}

// The payload of the only option a fragment yields; fails the test on any error.
Bytes OnlyPayload(absl::string_view dhcp4_json, uint8_t code) {
  Loaded l = Load(dhcp4_json);
  EXPECT_THAT(l.errors, IsEmpty()) << dhcp4_json;
  EXPECT_THAT(l.options, SizeIs(1)) << dhcp4_json;
  if (l.options.size() != 1) return {};
  EXPECT_EQ(l.options[0].code, code);
  return l.options[0].data;
}

// A fragment with one custom option 222 of `type` (and `extra` keys) set to `data`.
std::string CustomJson(absl::string_view type, absl::string_view data, absl::string_view extra) {
  return absl::StrCat(R"({"option-def": [{"name": "foo", "code": 222, "type": ")", type, "\"",
                      extra, R"(}], "option-data": [{"name": "foo", "data": ")", data, R"("}]})");
}

Bytes Custom(absl::string_view type, absl::string_view data, absl::string_view extra = "") {
  return OnlyPayload(CustomJson(type, data, extra), 222);
}

std::string CustomError(absl::string_view type, absl::string_view data,
                        absl::string_view extra = "") {
  const std::string json = CustomJson(type, data, extra);
  Loaded l = Load(json);
  EXPECT_THAT(l.errors, SizeIs(1)) << json;
  return l.errors.empty() ? "" : l.errors[0];
}

// The errors of an option-def list alone.
std::vector<std::string> DefErrors(absl::string_view defs_json) {
  return Load(absl::StrCat(R"({"option-def": )", defs_json, "}")).errors;
}

TEST(OptionDefTypesTest, Scalars) {
  EXPECT_THAT(Custom("int8", "-1"), ElementsAre(0xff));
  EXPECT_THAT(Custom("int16", "-2"), ElementsAre(0xff, 0xfe));
  EXPECT_THAT(Custom("int32", "-3"), ElementsAre(0xff, 0xff, 0xff, 0xfd));
  EXPECT_THAT(Custom("uint8", "200"), ElementsAre(200));
  EXPECT_THAT(Custom("uint16", "0x1234"), ElementsAre(0x12, 0x34));
  EXPECT_THAT(Custom("uint32", "4294967295"), ElementsAre(0xff, 0xff, 0xff, 0xff));
  EXPECT_THAT(Custom("boolean", "true"), ElementsAre(1));
  EXPECT_THAT(Custom("boolean", "false"), ElementsAre(0));
  EXPECT_THAT(Custom("ipv4-address", "192.0.2.1"), ElementsAre(192, 0, 2, 1));
  EXPECT_THAT(Custom("string", "hi there"), ElementsAre('h', 'i', ' ', 't', 'h', 'e', 'r', 'e'));
  EXPECT_THAT(Custom("binary", "de:ad"), ElementsAre(0xde, 0xad));
  EXPECT_THAT(CustomError("int8", "128"), HasSubstr("Dhcp4/option-data[0]/data: 128 is out of range -128..127"));
  EXPECT_THAT(CustomError("uint16", "1, 2"), HasSubstr("more than one value"));
}

TEST(OptionDefTypesTest, EmptyTakesNoData) {
  Loaded l = Load(R"({"option-def": [{"name": "flag", "code": 224, "type": "empty"}],
                      "option-data": [{"name": "flag"}]})");
  EXPECT_THAT(l.errors, IsEmpty());
  ASSERT_THAT(l.options, SizeIs(1));
  EXPECT_EQ(l.options[0].code, 224);
  EXPECT_THAT(l.options[0].data, IsEmpty());
  EXPECT_THAT(CustomError("empty", "01"), HasSubstr("takes no data"));
}

TEST(OptionDefTypesTest, Ipv6AddressAndPrefix) {
  // RFC 4291 text to 16 bytes.
  EXPECT_THAT(Custom("ipv6-address", "2001:db8::1"),
              ElementsAre(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1));
  // Prefix length, then (len + 7) / 8 bytes, bits past the length cleared: /41 keeps one
  // bit of the sixth byte (0xff -> 0x80).
  EXPECT_THAT(Custom("ipv6-prefix", "2001:db8:ffff::/41"),
              ElementsAre(41, 0x20, 0x01, 0x0d, 0xb8, 0xff, 0x80));
  EXPECT_THAT(Custom("ipv6-prefix", "::/0"), ElementsAre(0));
  EXPECT_THAT(CustomError("ipv6-address", "192.0.2.1"), HasSubstr("not an IPv6 address"));
  EXPECT_THAT(CustomError("ipv6-prefix", "2001:db8::/129"), HasSubstr("not an IPv6 prefix"));
}

TEST(OptionDefTypesTest, Psid) {
  // RFC 7597: PSID 3 in 4 bits sits in the top bits of 16: 0x3000.
  EXPECT_THAT(Custom("psid", "3/4"), ElementsAre(4, 0x30, 0x00));
  EXPECT_THAT(Custom("psid", "0x34/8"), ElementsAre(8, 0x34, 0x00));
  EXPECT_THAT(Custom("psid", "0/0"), ElementsAre(0, 0, 0));
  EXPECT_THAT(CustomError("psid", "16/4"), HasSubstr("does not fit in 4 bits"));
  EXPECT_THAT(CustomError("psid", "1/17"), HasSubstr("0..16"));
}

TEST(OptionDefTypesTest, FqdnAndTuple) {
  EXPECT_THAT(Custom("fqdn", "example.com"),
              ElementsAre(7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0));
  EXPECT_THAT(Custom("tuple", "hello"), ElementsAre(5, 'h', 'e', 'l', 'l', 'o'));
}

TEST(OptionDefTypesTest, ArraysOfEachType) {
  const std::string array = R"(, "array": true)";
  EXPECT_THAT(Custom("int8", "-1, 127", array), ElementsAre(0xff, 0x7f));
  EXPECT_THAT(Custom("int16", "-2, 300", array), ElementsAre(0xff, 0xfe, 0x01, 0x2c));
  EXPECT_THAT(Custom("int32", "-3, 1", array),
              ElementsAre(0xff, 0xff, 0xff, 0xfd, 0, 0, 0, 1));
  EXPECT_THAT(Custom("uint8", "1,2,3", array), ElementsAre(1, 2, 3));
  EXPECT_THAT(Custom("uint16", "1, 65535", array), ElementsAre(0, 1, 0xff, 0xff));
  EXPECT_THAT(Custom("uint32", "1, 4294967295", array),
              ElementsAre(0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff));
  EXPECT_THAT(Custom("boolean", "true, false, 1", array), ElementsAre(1, 0, 1));
  EXPECT_THAT(Custom("ipv4-address", "10.0.0.1, 10.0.0.2", array),
              ElementsAre(10, 0, 0, 1, 10, 0, 0, 2));
  EXPECT_THAT(Custom("ipv6-address", "::1, ::2", array),
              ElementsAre(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,  //
                          0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2));
  EXPECT_THAT(Custom("ipv6-prefix", "2001:db8::/32, 2001:db8:1::/48", array),
              ElementsAre(32, 0x20, 0x01, 0x0d, 0xb8,  //
                          48, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01));
  EXPECT_THAT(Custom("psid", "3/4, 1/1", array), ElementsAre(4, 0x30, 0, 1, 0x80, 0));
  EXPECT_THAT(Custom("fqdn", "a.b, c.", array), ElementsAre(1, 'a', 1, 'b', 0, 1, 'c', 0));
  EXPECT_THAT(Custom("tuple", "abc, de", array), ElementsAre(3, 'a', 'b', 'c', 2, 'd', 'e'));
  EXPECT_THAT(CustomError("uint8", "1,,2", array), HasSubstr("empty value"));
}

TEST(OptionDefTypesTest, Record) {
  const std::string record = R"(, "record-types": "uint8, ipv4-address, uint16, string")";
  EXPECT_THAT(Custom("record", "7, 192.0.2.1, 1000, abc", record),
              ElementsAre(7, 192, 0, 2, 1, 0x03, 0xe8, 'a', 'b', 'c'));
  // A literal comma inside the string field.
  EXPECT_THAT(Custom("record", "7, 192.0.2.1, 1000, a\\\\,b", record),
              ElementsAre(7, 192, 0, 2, 1, 0x03, 0xe8, 'a', ',', 'b'));
  EXPECT_THAT(CustomError("record", "7, 192.0.2.1", record), HasSubstr("has 2 values"));
  EXPECT_THAT(CustomError("record", "7, 192.0.2.1, 1, x, y", record),
              HasSubstr("more than one value"));
  // Fields of every self-delimiting type, then binary last.
  EXPECT_THAT(Custom("record", "true, -1, a.b, xy, 2001:db8::/32, 1/1, 0a0b",
                     R"(, "record-types": "boolean, int16, fqdn, tuple, ipv6-prefix, psid, binary")"),
              ElementsAre(1, 0xff, 0xff, 1, 'a', 1, 'b', 0, 2, 'x', 'y', 32, 0x20, 0x01, 0x0d,
                          0xb8, 1, 0x80, 0, 0x0a, 0x0b));
}

TEST(OptionDefTypesTest, ArrayOfRecordsRepeatsTheLastField) {
  EXPECT_THAT(Custom("record", "5, 10.0.0.1, 10.0.0.2",
                     R"(, "array": true, "record-types": "uint16, ipv4-address")"),
              ElementsAre(0, 5, 10, 0, 0, 1, 10, 0, 0, 2));
}

TEST(OptionDefTypesTest, HexWhenCsvFormatFalseIsCheckedAgainstTheLayout) {
  const char* json = R"({"option-def": [{"name": "foo", "code": 222, "type": "record",
                                         "record-types": "uint8, ipv4-address"}],
                         "option-data": [{"name": "foo", "csv-format": false, "data": "07c0000201"}]})";
  EXPECT_THAT(OnlyPayload(json, 222), ElementsAre(7, 192, 0, 2, 1));
  Loaded bad = Load(R"({"option-def": [{"name": "foo", "code": 222, "type": "record",
                                        "record-types": "uint8, ipv4-address"}],
                        "option-data": [{"name": "foo", "csv-format": false, "data": "07c00002"}]})");
  ASSERT_THAT(bad.errors, SizeIs(1));
  EXPECT_THAT(bad.errors[0], HasSubstr("Dhcp4/option-data[0]/data: hex data ends inside"));
  // A standard option and an option without definition.
  EXPECT_THAT(OnlyPayload(R"({"option-data": [{"name": "routers", "csv-format": false,
                                              "data": "C0 00 02 01"}]})", 3),
              ElementsAre(192, 0, 2, 1));
  EXPECT_THAT(OnlyPayload(R"({"option-data": [{"code": 240, "csv-format": false,
                                              "data": "0x0102"}]})", 240),
              ElementsAre(1, 2));
}

TEST(OptionDefRulesTest, ReportsEachBadEntryAtItsPath) {
  std::vector<std::string> errors = DefErrors(R"([
      {"name": "ok-one", "code": 222, "type": "uint8"},
      {"name": "bad-type", "code": 223, "type": "uint9"},
      {"name": "bad-field", "code": 224, "type": "record", "record-types": "uint8, uint9"},
      {"name": "no-code", "type": "uint8"},
      {"name": "zero", "code": 0, "type": "uint8"},
      {"name": "end", "code": 255, "type": "uint8"}
  ])");
  EXPECT_THAT(errors,
              ElementsAre("t.json: Dhcp4/option-def[1]/type: 'uint9' is not an option type",
                          "t.json: Dhcp4/option-def[2]/record-types: 'uint9' is not an option type",
                          "t.json: Dhcp4/option-def[3]: needs \"code\"",
                          "t.json: Dhcp4/option-def[4]/code: 0 is out of range 1..254",
                          "t.json: Dhcp4/option-def[5]/code: 255 is out of range 1..254"));
}

TEST(OptionDefRulesTest, KeaValidity) {
  struct Case {
    absl::string_view def;
    absl::string_view problem;
  };
  const Case cases[] = {
      {R"({"name": "a", "code": 222, "type": "string", "array": true})",
       "an array of string is not a valid option definition"},
      {R"({"name": "a", "code": 222, "type": "binary", "array": true})",
       "an array of binary is not"},
      {R"({"name": "a", "code": 222, "type": "empty", "array": true})", "an array of empty"},
      {R"({"name": "a", "code": 222, "type": "record", "record-types": "uint8"})",
       "at least 2 fields"},
      {R"({"name": "a", "code": 222, "type": "record"})", "at least 2 fields"},
      {R"({"name": "a", "code": 222, "type": "record", "record-types": "string, uint8"})",
       "a string field may only be the last field"},
      {R"({"name": "a", "code": 222, "type": "record", "record-types": "binary, uint8"})",
       "a binary field may only be the last field"},
      {R"({"name": "a", "code": 222, "type": "record", "record-types": "uint8, record"})",
       "'record' cannot be a record field"},
      {R"({"name": "a", "code": 222, "type": "record", "record-types": "uint8, empty"})",
       "'empty' cannot be a record field"},
      {R"({"name": "a", "code": 222, "type": "record", "array": true, "record-types": "uint8, string"})",
       "an array of records cannot end in a string field"},
      {R"({"name": "a", "code": 222, "type": "uint8", "record-types": "uint8, uint8"})",
       "record-types is given but the type is 'uint8'"},
      {R"({"name": "a", "code": 222, "type": "uint8", "array": true, "encapsulate": "x"})",
       "an array option cannot encapsulate"},
      {R"({"name": "a b", "code": 222, "type": "uint8"})", "'a b' is not an option name"},
      {R"({"name": "-a", "code": 222, "type": "uint8"})", "'-a' is not an option name"},
      {R"({"name": "a", "code": 222, "type": "uint8", "space": "no space"})",
       "'no space' is not an option space name"},
      {R"({"name": "a", "code": 222, "type": "uint8", "encapsulate": "bad!"})",
       "'bad!' is not an option space name"},
      {R"({"name": "my-routers", "code": 3, "type": "ipv4-address"})",
       "'my-routers' (code 3) would redefine the standard option 'routers' (code 3) of space dhcp4"},
      {R"({"name": "routers", "code": 222, "type": "ipv4-address"})",
       "would redefine the standard option 'routers' (code 3)"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> errors = DefErrors(absl::StrCat("[", c.def, "]"));
    ASSERT_THAT(errors, SizeIs(1)) << c.def;
    EXPECT_THAT(errors[0], HasSubstr("t.json: Dhcp4/option-def[0]")) << c.def;
    EXPECT_THAT(errors[0], HasSubstr(c.problem)) << c.def;
  }
}

TEST(OptionDefRulesTest, NamesAndCodesUniquePerSpace) {
  std::vector<std::string> errors = DefErrors(R"([
      {"name": "a", "code": 1, "type": "uint8", "space": "acme"},
      {"name": "b", "code": 1, "type": "uint8", "space": "acme"},
      {"name": "a", "code": 2, "type": "uint8", "space": "acme"},
      {"name": "a", "code": 1, "type": "uint8", "space": "other"},
      {"name": "a", "code": 222, "type": "uint8"}
  ])");
  EXPECT_THAT(errors, ElementsAre(
                          "t.json: Dhcp4/option-def[1]: code 1 is already defined in space "
                          "'acme' (as 'a')",
                          "t.json: Dhcp4/option-def[2]: name 'a' is already defined in space "
                          "'acme' (code 1)"));
}

TEST(OptionDefRulesTest, ExtensionsAndLastResortMayBeRedefined) {
  // Kea 2.2 has no standard 121, 150 or (outside last resort) 43: configs define them.
  Loaded l = Load(R"({"option-def": [
      {"name": "classless-static-route", "code": 121, "type": "binary"},
      {"name": "tftp-server-address", "code": 150, "type": "ipv4-address"},
      {"name": "vendor-encapsulated-options", "code": 43, "type": "uint32"}],
    "option-data": [
      {"name": "classless-static-route", "data": "18c0000ac0000201"},
      {"code": 150, "data": "192.0.2.5"},
      {"code": 43, "data": "7"}]})");
  EXPECT_THAT(l.errors, IsEmpty());
  ASSERT_THAT(l.options, SizeIs(3));
  EXPECT_THAT(l.options[0].data, ElementsAre(0x18, 0xc0, 0x00, 0x0a, 0xc0, 0x00, 0x02, 0x01));
  EXPECT_THAT(l.options[1].data, ElementsAre(192, 0, 2, 5));
  EXPECT_THAT(l.options[2].data, ElementsAre(0, 0, 0, 7));
  // Without definitions the extensions keep fastlease's encoding.
  EXPECT_THAT(OnlyPayload(R"({"option-data": [{"name": "tftp-server-address",
                                              "data": "192.0.2.5, 192.0.2.6"}]})", 150),
              ElementsAre(192, 0, 2, 5, 192, 0, 2, 6));
}

TEST(OptionDataTest, CustomOptionInDhcp4ByNameOrCode) {
  Loaded l = Load(R"({"option-def": [{"name": "foo", "code": 222, "type": "uint16"}],
                      "option-data": [{"code": 222, "data": "513", "always-send": true}]})");
  EXPECT_THAT(l.errors, IsEmpty());
  ASSERT_THAT(l.options, SizeIs(1));
  EXPECT_THAT(l.options[0].data, ElementsAre(2, 1));
  EXPECT_TRUE(l.options[0].always_send);
}

TEST(OptionDataTest, SpaceErrors) {
  Loaded l = Load(R"({"option-data": [
      {"name": "routers", "space": "dhcp6", "data": "192.0.2.1"},
      {"name": "nope", "space": "vendor-encapsulated-options-space", "data": "1"},
      {"code": 1, "space": "vendor-encapsulated-options-space", "csv-format": false, "data": "01"},
      {"code": 1, "space": "vendor-encapsulated-options-space", "csv-format": false, "data": "02"}]})");
  EXPECT_THAT(l.errors,
              ElementsAre(HasSubstr("Dhcp4/option-data[0]/space: option space 'dhcp6' is not "
                                    "supported"),
                          "t.json: Dhcp4/option-data[1]/name: unknown option name 'nope' in "
                          "space 'vendor-encapsulated-options-space'",
                          "t.json: Dhcp4/option-data[3]: option code 1 in space "
                          "'vendor-encapsulated-options-space' is already set at "
                          "Dhcp4/option-data[2]"));
}

// Shaped like the ARM's example: sub-options defined in vendor-encapsulated-options-space,
// option 43 configured without data.
TEST(VendorEncapsulatedTest, SubOptionsFromTheSameList) {
  Loaded l = Load(R"({
    "option-def": [
      {"name": "vlan-id", "code": 1, "space": "vendor-encapsulated-options-space", "type": "uint16"},
      {"name": "controllers", "code": 2, "space": "vendor-encapsulated-options-space",
       "type": "ipv4-address", "array": true}],
    "option-data": [
      {"name": "domain-name-servers", "data": "192.0.2.53"},
      {"name": "vendor-encapsulated-options"},
      {"name": "vlan-id", "space": "vendor-encapsulated-options-space", "data": "100"},
      {"name": "controllers", "space": "vendor-encapsulated-options-space",
       "data": "192.0.2.10, 192.0.2.11"},
      {"code": 3, "space": "vendor-encapsulated-options-space", "csv-format": false,
       "data": "cafe"}]})");
  EXPECT_THAT(l.errors, IsEmpty());
  EXPECT_THAT(l.warnings, IsEmpty());
  ASSERT_THAT(l.options, SizeIs(2));  // sub-options are not options of their own
  EXPECT_EQ(l.options[0].code, 6);
  EXPECT_EQ(l.options[1].code, 43);
  // RFC 2132 8.4: code, len, data per sub-option.
  EXPECT_THAT(l.options[1].data, ElementsAre(1, 2, 0x00, 0x64,                           //
                                             2, 8, 192, 0, 2, 10, 192, 0, 2, 11,         //
                                             3, 2, 0xca, 0xfe));
}

TEST(VendorEncapsulatedTest, RawHexAndStrayed) {
  EXPECT_THAT(OnlyPayload(R"({"option-data": [{"name": "vendor-encapsulated-options",
                              "csv-format": false, "data": "01 02 aa bb"}]})", 43),
              ElementsAre(1, 2, 0xaa, 0xbb));
  // Sub-options with no option 43 in the same list are not sent.
  Loaded l = Load(R"({"option-data": [{"code": 1, "space": "vendor-encapsulated-options-space",
                                       "csv-format": false, "data": "01"}]})");
  EXPECT_THAT(l.errors, IsEmpty());
  EXPECT_THAT(l.options, IsEmpty());
  EXPECT_THAT(l.warnings, ElementsAre(HasSubstr("Dhcp4/option-data[0]: not sent: no option in "
                                                "this option-data list encapsulates space "
                                                "'vendor-encapsulated-options-space'")));
}

TEST(VendorEncapsulatedTest, SubOptionOver255BytesIsAnError) {
  std::string servers;
  for (int i = 1; i <= 64; ++i) absl::StrAppend(&servers, i > 1 ? "," : "", "10.0.0.", i);
  Loaded l = Load(absl::StrCat(R"({"option-def": [{"name": "s", "code": 1, "type": "ipv4-address",
      "array": true, "space": "vendor-encapsulated-options-space"}],
      "option-data": [{"name": "vendor-encapsulated-options"},
      {"name": "s", "space": "vendor-encapsulated-options-space", "data": ")",
                               servers, R"("}]})"));
  EXPECT_THAT(l.errors, ElementsAre(HasSubstr("Dhcp4/option-data[1]: the sub-option is 256 bytes")));
}

TEST(VendorEncapsulatedTest, NestedSpaces) {
  // A sub-option that encapsulates a space of its own.
  EXPECT_THAT(OnlyPayload(R"({"option-def": [
      {"name": "outer", "code": 5, "space": "vendor-encapsulated-options-space", "type": "empty",
       "encapsulate": "inner"},
      {"name": "leaf", "code": 9, "space": "inner", "type": "uint8"}],
    "option-data": [{"name": "vendor-encapsulated-options"},
      {"name": "outer", "space": "vendor-encapsulated-options-space"},
      {"name": "leaf", "space": "inner", "data": "7"}]})", 43),
              ElementsAre(5, 3, 9, 1, 7));
}

// RFC 3925 section 4: enterprise-number (4), data-len (1), then code/len/data sub-options.
TEST(VivsoTest, CableLabsWithTwoSubOptions) {
  const Bytes want = {0x00, 0x00, 0x11, 0x8b,  // 4491
                      14,                      // data-len
                      2, 8, 10, 1, 1, 202, 10, 1, 1, 203,
                      3, 2, 0x01, 0x02};
  EXPECT_EQ(OnlyPayload(R"({"option-data": [
      {"name": "vivso-suboptions", "data": "4491"},
      {"name": "tftp-servers", "space": "vendor-4491", "data": "10.1.1.202, 10.1.1.203"},
      {"code": 3, "space": "vendor-4491", "csv-format": false, "data": "0102"}]})", 125),
            want);
  // The enterprise id in hex is the same option.
  EXPECT_EQ(OnlyPayload(R"({"option-data": [
      {"code": 125, "csv-format": false, "data": "0000118b"},
      {"name": "tftp-servers", "space": "vendor-4491", "data": "10.1.1.202, 10.1.1.203"},
      {"code": 3, "space": "vendor-4491", "csv-format": false, "data": "0102"}]})", 125),
            want);
}

TEST(VivsoTest, SeveralEnterprisesMakeOneOption) {
  Loaded l = Load(R"({"option-data": [
      {"name": "vivso-suboptions", "data": "4491"},
      {"name": "routers", "data": "192.0.2.1"},
      {"name": "vivso-suboptions", "data": "9", "always-send": true},
      {"code": 1, "space": "vendor-9", "csv-format": false, "data": "aa"},
      {"code": 2, "space": "vendor-4491", "data": "10.0.0.1"}]})");
  EXPECT_THAT(l.errors, IsEmpty());
  ASSERT_THAT(l.options, SizeIs(2));
  EXPECT_EQ(l.options[0].code, 125);
  EXPECT_TRUE(l.options[0].always_send);
  EXPECT_THAT(l.options[0].data, ElementsAre(0, 0, 0x11, 0x8b, 6, 2, 4, 10, 0, 0, 1,  //
                                             0, 0, 0, 9, 3, 1, 1, 0xaa));
  Loaded dup = Load(R"({"option-data": [{"name": "vivso-suboptions", "data": "9"},
                                        {"name": "vivso-suboptions", "data": "9"}]})");
  EXPECT_THAT(dup.errors, ElementsAre(HasSubstr("Dhcp4/option-data[1]: enterprise id 9 is "
                                                "already set at Dhcp4/option-data[0]")));
  Loaded stray = Load(R"({"option-data": [{"code": 2, "space": "vendor-4491", "data": "10.0.0.1"}]})");
  EXPECT_THAT(stray.options, IsEmpty());
  EXPECT_THAT(stray.warnings, ElementsAre(HasSubstr("no vivso-suboptions (125) entry with "
                                                    "enterprise id 4491")));
}

TEST(VivsoTest, RawBlocks) {
  EXPECT_THAT(OnlyPayload(R"({"option-data": [{"code": 125, "csv-format": false,
                              "data": "00:00:00:09:03:01:01:aa"}]})", 125),
              ElementsAre(0, 0, 0, 9, 3, 1, 1, 0xaa));
  Loaded bad = Load(R"({"option-data": [{"code": 125, "csv-format": false, "data": "0000000903"}]})");
  EXPECT_THAT(bad.errors, ElementsAre(HasSubstr("RFC 3925 blocks")));
}

// RFC 3925 section 3: enterprise-number, data-len, then (len, opaque) vendor-class items.
TEST(VivcoTest, EnterpriseAndVendorClassData) {
  EXPECT_THAT(OnlyPayload(R"({"option-data": [{"name": "vivco-suboptions",
                              "data": "4491, 0a09646f63736973332e30"}]})", 124),
              ElementsAre(0, 0, 0x11, 0x8b, 10, 9, 'd', 'o', 'c', 's', 'i', 's', '3', '.', '0'));
  Loaded bad = Load(R"({"option-data": [{"name": "vivco-suboptions", "data": "4491, 0509aabb"}]})");
  EXPECT_THAT(bad.errors, ElementsAre(HasSubstr("RFC 3925 vendor-class data")));
}

TEST(OptionDataTest, StandardRecordOptions) {
  // RFC 7618 v4-portparams: offset, PSID-len, PSID.
  EXPECT_THAT(OnlyPayload(R"({"option-data": [{"name": "v4-portparams", "data": "6, 0x2a/6"}]})",
                          159),
              ElementsAre(6, 6, 0xa8, 0x00));
  // RFC 5969 option-6rd: IPv4 mask len, 6rd prefix len, prefix, relays.
  EXPECT_THAT(OnlyPayload(R"({"option-data": [{"name": "option-6rd",
                              "data": "8, 32, 2001:db8::, 192.0.2.1, 192.0.2.2"}]})", 212),
              ElementsAre(8, 32, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                          192, 0, 2, 1, 192, 0, 2, 2));
  EXPECT_THAT(OnlyPayload(R"({"option-data": [{"name": "client-ndi", "data": "1, 3, 16"}]})", 94),
              ElementsAre(1, 3, 16));
}

TEST(OptionDataTest, OldSignatureKnowsStandardSpaces) {
  const Json list = Json::parse(R"([{"name": "vivso-suboptions", "data": "4491"},
                                    {"name": "tftp-servers", "space": "vendor-4491",
                                     "data": "10.0.0.1"}])");
  Diagnostics d("t.json");
  std::vector<OptionData> options = ParseOptionDataList(list, "Dhcp4/option-data", d);
  EXPECT_THAT(d.errors(), IsEmpty());
  ASSERT_THAT(options, SizeIs(1));
  EXPECT_THAT(options[0].data, ElementsAre(0, 0, 0x11, 0x8b, 6, 2, 4, 10, 0, 0, 1));
}

}  // namespace
}  // namespace fastlease::config::internal
