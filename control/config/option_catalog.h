// The catalog of standard DHCPv4 option definitions fastlease knows by name, and the
// encoder that turns an `option-data` entry's text into wire bytes.
//
//   const OptionDefinition* def = FindOptionByName("routers");      // code 3, kIpv4List
//   absl::StatusOr<std::vector<uint8_t>> wire =
//       EncodeOptionData(def, "192.0.2.1, 192.0.2.2", /*csv_format=*/true);
//   // wire == {192,0,2,1, 192,0,2,2}
//
// Names, codes and types follow Kea 2.2's standard DHCPv4 definitions, with one
// deliberate difference Kea also makes in practice: `domain-name` (15) is encoded as a
// plain string, not as DNS labels. The wire bytes carry no code or length byte; the
// reply builder adds those and splits data longer than 255 bytes (RFC 3396).
// Everything here is immutable and thread-safe; encoding allocates the result only.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace fastlease::config {

// How an option's `data` text is read when `csv-format` is true. With csv-format
// false every type takes hex ("0a0b0c", "0a:0b:0c", "0A 0B", optional "0x").
enum class OptionType : uint8_t {
  kIpv4,       // one dotted quad
  kIpv4List,   // one or more dotted quads, comma separated
  kIpv4Pairs,  // an even number of dotted quads (destination, router), comma separated
  kUint8,
  kUint16,
  kUint16List,  // one or more, comma separated
  kUint32,
  kInt32,
  kBoolean,          // "true"/"false" (also "1"/"0"), one byte 1/0
  kString,           // the text itself; a literal comma is written "\\," in JSON
  kFqdn,             // one domain name as uncompressed RFC 1035 labels
  kFqdnList,         // comma separated domain names, each as uncompressed labels
  kBinary,           // hex, whatever csv-format says (as Kea does)
  kClasslessRoutes,  // RFC 3442: "a.b.c.d/len - router, ..." or hex
};

// Whether an option may appear in `option-data`.
enum class OptionPolicy : uint8_t {
  kConfigurable,   // may be configured
  kServerManaged,  // the server sets it from the lease and message (51, 52, 53, 56, 58, 59)
  kClientOnly,     // only clients or relays send it (50, 55, 57, 61, 82)
};

struct OptionDefinition {
  std::string_view name;  // Kea's name, e.g. "domain-name-servers"
  uint8_t code = 0;
  OptionType type = OptionType::kBinary;
  OptionPolicy policy = OptionPolicy::kConfigurable;
};

// Every definition, in code order.
std::span<const OptionDefinition> StandardOptionDefinitions();

// nullptr when unknown. Names are matched exactly (Kea's names are lower case).
const OptionDefinition* FindOptionByName(std::string_view name);
const OptionDefinition* FindOptionByCode(uint8_t code);

// Kea's name for the type, as used in messages and docs ("ipv4-address", "uint16", ...).
std::string_view OptionTypeName(OptionType type);

// Encodes `data` for `def`. `def` == nullptr means an option without a definition, whose
// data must be hex (`csv_format` false). Returns InvalidArgument with a message that
// names the offending part of the data but not the option (the caller adds the path).
absl::StatusOr<std::vector<uint8_t>> EncodeOptionData(const OptionDefinition* def,
                                                      std::string_view data, bool csv_format);

// Decodes hex as Kea does for `csv-format: false` and identifiers: optional "0x" prefix;
// either a plain run of digits (an odd count gets a leading zero) or groups of one or two
// digits separated by ':', '-' or ' '. An empty string is an empty vector.
absl::StatusOr<std::vector<uint8_t>> DecodeHex(std::string_view text);

}  // namespace fastlease::config
