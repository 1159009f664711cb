// DHCPv6 option definitions in Kea's model (the v6 twin of option_catalog.h): the
// standard ones Kea 2.2 knows, and the encoder that turns an `option-data` entry's text
// into wire bytes.
//
//   const OptionDefinition6* def = FindOption6ByName("dns-servers");  // 23, ipv6-address[]
//   absl::StatusOr<std::vector<uint8_t>> wire =
//       EncodeOption6Data(def, "2001:db8::1, 2001:db8::2", /*csv_format=*/true);
//   // wire == the two addresses, 32 bytes
//
// Names, codes and types follow Kea 2.2's standard DHCPv6 definitions
// (`std_option_defs.h`: spaces "dhcp6", "s46-cont-mape-options", "s46-cont-mapt-options",
// "s46-cont-lw-options", "s46-rule-options", "s46-v4v6bind-options"; and
// `docsis3_option_defs.h`: space "vendor-4491"), checked one by one against
// `kea-dhcp6 -t` 2.2.0. One fastlease extension Kea 2.2 lacks is marked
// `kea_standard = false`: `ntp-server` (56, RFC 5908), which encapsulates space
// "v6-ntp-server-suboptions" (`ntp-server-address` 1, `ntp-server-multicast` 2,
// `ntp-server-fqdn` 3), the names later Kea versions use.
//
// Value encodings are those of option_catalog.h (EncodeOptionData): DHCPv6 lays integers,
// addresses, prefixes and (uncompressed, RFC 8415 §10) domain names out the same way.
// The one difference is `tuple`: a DHCPv6 tuple has a 2-byte length (RFC 8415 §21.16),
// a DHCPv4 one a 1-byte length. The wire bytes carry no code or length; the reply builder
// adds the 2-byte code and length. Everything here is immutable and thread-safe;
// encoding allocates the result only.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "control/config/option_catalog.h"

namespace fastlease::config {

inline constexpr std::string_view kDhcp6Space = "dhcp6";
// The space `ntp-server` (56) encapsulates (a fastlease extension; see above).
inline constexpr std::string_view kNtpServerSpace = "v6-ntp-server-suboptions";

struct OptionDefinition6 {
  std::string name;  // Kea's name, e.g. "dns-servers"
  uint16_t code = 0;
  std::string space{kDhcp6Space};
  OptionDataType type = OptionDataType::kBinary;  // never kInternal
  bool array = false;
  std::vector<OptionDataType> record_types;  // type == kRecord: two or more fields
  std::string encapsulate;                   // space of its sub-options; empty if none
  // kServerManaged: the server builds it (IA options, status, server-id, pd-exclude, …);
  // kClientOnly: only clients or relays send it (ORO, client-id, interface-id, …).
  OptionPolicy policy = OptionPolicy::kConfigurable;
  bool kea_standard = true;  // false: a fastlease extension (ntp-server and its space)
};

// Every standard definition, "dhcp6" first (code order), then the other spaces.
std::span<const OptionDefinition6> StandardOption6Definitions();

// Standard definitions of space "dhcp6"; nullptr when unknown. Names match exactly.
const OptionDefinition6* FindOption6ByName(std::string_view name);
const OptionDefinition6* FindOption6ByCode(uint16_t code);
// Standard definitions of any space.
const OptionDefinition6* FindStandardOption6(std::string_view space, std::string_view name);
const OptionDefinition6* FindStandardOption6(std::string_view space, uint16_t code);

// Whether option-data may name `space`: "dhcp6", a space some standard definition lives
// in or encapsulates, or "vendor-<enterprise-id>" (a uint32; vendor-opts carries it).
bool IsOption6Space(std::string_view space);

// Encodes `data` for `def`, as EncodeOptionData does for DHCPv4 (nullptr: no definition,
// hex only; csv_format false: hex checked against the layout), with 2-byte tuple lengths.
// InvalidArgument names the offending value, not the option.
absl::StatusOr<std::vector<uint8_t>> EncodeOption6Data(const OptionDefinition6* def,
                                                       std::string_view data, bool csv_format);

}  // namespace fastlease::config
