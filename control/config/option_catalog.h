// DHCPv4 option definitions in Kea's model (name, code, space, data type, array flag,
// record fields, encapsulated space), the standard ones Kea 2.2 knows, and the encoder
// that turns an `option-data` entry's text into wire bytes.
//
//   const OptionDefinition* def = FindOptionByName("routers");  // code 3, ipv4-address[]
//   absl::StatusOr<std::vector<uint8_t>> wire =
//       EncodeOptionData(def, "192.0.2.1, 192.0.2.2", /*csv_format=*/true);
//   // wire == {192,0,2,1, 192,0,2,2}
//
// Names, codes and types follow Kea 2.2's standard DHCPv4 definitions
// (`std_option_defs.h`, the ARM's table of DHCPv4 options), including the DOCSIS
// definitions of space "vendor-4491". `domain-name` (15) is a string, as in Kea. Two
// fastlease extensions Kea 2.2 lacks, `classless-static-route` (121, RFC 3442) and
// `tftp-server-address` (150, RFC 5859), are marked `kea_standard = false`: an
// `option-def` may replace them, as Kea 2.2 configs often do.
//
// The wire bytes carry no code or length byte; the reply builder adds those and splits
// data longer than 255 bytes (RFC 3396). Everything here is immutable and thread-safe;
// encoding allocates the result only.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fastlease::config {

// Kea's option data types. How each reads from CSV text and lays out on the wire:
//   empty          no data at all
//   binary         hex (see DecodeHex), whatever csv-format says
//   boolean        "true"/"false" (also "1"/"0"): one byte 1/0
//   int8..uint32   decimal or "0x" hex, network byte order
//   ipv4-address   dotted quad: 4 bytes
//   ipv6-address   RFC 4291 text: 16 bytes
//   ipv6-prefix    "2001:db8::/32": prefix length byte, then the (len+7)/8 leading bytes
//   psid           "psid/psid-len" (RFC 7597): psid-len byte, then 2 bytes with the PSID
//                  in the high psid-len bits
//   string         the text (a literal comma is "\\," in JSON)
//   fqdn           uncompressed RFC 1035 labels ending in the root label
//   tuple          one length byte, then the text (RFC 3925 style, DHCPv4)
//   record         the fields of `record_types` in order
//   internal       fastlease's own encoder (classless-static-route only)
enum class OptionDataType : uint8_t {
  kEmpty,
  kBinary,
  kBoolean,
  kInt8,
  kInt16,
  kInt32,
  kUint8,
  kUint16,
  kUint32,
  kIpv4Address,
  kIpv6Address,
  kIpv6Prefix,
  kPsid,
  kString,
  kFqdn,
  kTuple,
  kRecord,
  kInternal,
};

// Whether an option may appear in `option-data`.
enum class OptionPolicy : uint8_t {
  kConfigurable,   // may be configured
  kServerManaged,  // the server sets it from the lease and message (51, 52, 53, 56, 58, 59, 81)
  kClientOnly,     // only clients or relays send it (50, 55, 57, 61, 82)
};

inline constexpr std::string_view kDhcp4Space = "dhcp4";
inline constexpr std::string_view kVendorEncapsulatedSpace = "vendor-encapsulated-options-space";

struct OptionDefinition {
  std::string name;  // Kea's name, e.g. "domain-name-servers"
  uint8_t code = 0;
  std::string space{kDhcp4Space};
  OptionDataType type = OptionDataType::kBinary;
  bool array = false;
  std::vector<OptionDataType> record_types;  // type == kRecord: two or more fields
  std::string encapsulate;                   // space of its sub-options; empty if none
  OptionPolicy policy = OptionPolicy::kConfigurable;
  bool kea_standard = true;  // false: a fastlease extension an option-def may replace
};

// Every standard definition of space "dhcp4", in code order.
std::span<const OptionDefinition> StandardOptionDefinitions();
// Every standard definition of any space (dhcp4 first, then vendor-4491).
std::span<const OptionDefinition> AllStandardOptionDefinitions();

// Standard definitions of space "dhcp4"; nullptr when unknown. Names match exactly.
const OptionDefinition* FindOptionByName(std::string_view name);
const OptionDefinition* FindOptionByCode(uint8_t code);
// The code of standard "dhcp4" option `name`; nullopt when unknown. The shape of
// classify::OptionNameResolver, for option[name] in class expressions.
std::optional<uint8_t> OptionCodeByName(std::string_view name);
// Standard definitions of any space.
const OptionDefinition* FindStandardOption(std::string_view space, std::string_view name);
const OptionDefinition* FindStandardOption(std::string_view space, uint8_t code);

// Kea's name of a type ("ipv4-address", "uint16", ...), and back (nullopt if unknown;
// "internal" is not a name an option-def may use and is never returned).
std::string_view OptionDataTypeName(OptionDataType type);
std::optional<OptionDataType> ParseOptionDataTypeName(std::string_view name);

// Kea's rules for a definition: a valid name and space (letters, digits, '-', '_', not
// starting or ending with '-'), code 1..254, no array of string/binary/empty, a record
// has 2+ fields none of them record/empty, string and binary fields only last, an array
// of records does not end in string/binary, record_types only for records, no array
// that encapsulates, an encapsulated space name valid. InvalidArgument names the rule.
absl::Status ValidateOptionDefinition(const OptionDefinition& def);

// Encodes `data` for `def`. `def` == nullptr means an option without a definition, whose
// data must be hex (`csv_format` false). With csv_format false every definition takes hex,
// checked against the definition's layout. Values are separated by commas (trimmed; "\,"
// is a literal comma): a record takes one value per field, an array one or more values
// (an array of records repeats its last field). An option of type empty that encapsulates
// a space (e.g. 43) takes its raw payload as hex in `data`, or nothing. Returns
// InvalidArgument with a message that names the offending value but not the option (the
// caller adds the path).
absl::StatusOr<std::vector<uint8_t>> EncodeOptionData(const OptionDefinition* def,
                                                      std::string_view data, bool csv_format);

// Decodes hex as Kea does for `csv-format: false` and identifiers: optional "0x" prefix;
// either a plain run of digits (an odd count gets a leading zero) or groups of one or two
// digits separated by ':', '-' or ' '. An empty string is an empty vector.
absl::StatusOr<std::vector<uint8_t>> DecodeHex(std::string_view text);

}  // namespace fastlease::config
