#include "control/config/option_catalog6.h"

#include <cstdlib>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "control/config/internal/ip_text.h"
#include "control/config/internal/string_view.h"

namespace fastlease::config {
namespace {

using T = OptionDataType;
using P = OptionPolicy;

constexpr bool kArray = true;

// Kea 2.2 `std_option_defs.h` (STANDARD_V6_OPTION_DEFINITIONS and the s46 spaces) and
// `docsis3_option_defs.h` (DOCSIS3_V6_DEFS), each entry checked with `kea-dhcp6 -t`.
std::vector<OptionDefinition6> BuildDefinitions() {
  std::vector<OptionDefinition6> defs;
  auto add = [&defs](std::string_view name, uint16_t code, T type, bool array = false,
                     P policy = P::kConfigurable) -> OptionDefinition6& {
    OptionDefinition6& def = defs.emplace_back();
    def.name = std::string(name);
    def.code = code;
    def.type = type;
    def.array = array;
    def.policy = policy;
    return def;
  };
  auto record = [&add](std::string_view name, uint16_t code, std::vector<T> fields,
                       bool array = false, P policy = P::kConfigurable) -> OptionDefinition6& {
    OptionDefinition6& def = add(name, code, T::kRecord, array, policy);
    def.record_types = std::move(fields);
    return def;
  };
  const P server = P::kServerManaged;
  const P client = P::kClientOnly;
  add("clientid", 1, T::kBinary, false, client);
  add("serverid", 2, T::kBinary, false, server);  // Dhcp6/server-id
  record("ia-na", 3, {T::kUint32, T::kUint32, T::kUint32}, false, server);
  add("ia-ta", 4, T::kUint32, false, server);
  record("iaaddr", 5, {T::kIpv6Address, T::kUint32, T::kUint32}, false, server);
  add("oro", 6, T::kUint16, kArray, client);
  add("preference", 7, T::kUint8);
  add("elapsed-time", 8, T::kUint16, false, client);
  add("relay-msg", 9, T::kBinary, false, client);
  add("auth", 11, T::kBinary, false, server);
  add("unicast", 12, T::kIpv6Address);
  record("status-code", 13, {T::kUint16, T::kString}, false, server);
  add("rapid-commit", 14, T::kEmpty, false, server);  // the `rapid-commit` key
  add("user-class", 15, T::kBinary, false, client);
  record("vendor-class", 16, {T::kUint32, T::kBinary}, false, client);
  // RFC 8415 §21.17: the enterprise number, then the sub-options of "vendor-<number>".
  add("vendor-opts", 17, T::kUint32);
  add("interface-id", 18, T::kBinary, false, client);
  add("reconf-msg", 19, T::kUint8, false, server);
  add("reconf-accept", 20, T::kEmpty, false, server);
  add("sip-server-dns", 21, T::kFqdn, kArray);
  add("sip-server-addr", 22, T::kIpv6Address, kArray);
  add("dns-servers", 23, T::kIpv6Address, kArray);
  add("domain-search", 24, T::kFqdn, kArray);
  record("ia-pd", 25, {T::kUint32, T::kUint32, T::kUint32}, false, server);
  record("iaprefix", 26, {T::kUint32, T::kUint32, T::kUint8, T::kIpv6Address}, false, server);
  add("nis-servers", 27, T::kIpv6Address, kArray);
  add("nisp-servers", 28, T::kIpv6Address, kArray);
  add("nis-domain-name", 29, T::kFqdn, kArray);
  add("nisp-domain-name", 30, T::kFqdn, kArray);
  add("sntp-servers", 31, T::kIpv6Address, kArray);
  add("information-refresh-time", 32, T::kUint32);
  add("bcmcs-server-dns", 33, T::kFqdn, kArray);
  add("bcmcs-server-addr", 34, T::kIpv6Address, kArray);
  record("geoconf-civic", 36, {T::kUint8, T::kUint16, T::kBinary});
  record("remote-id", 37, {T::kUint32, T::kBinary}, false, client);
  add("subscriber-id", 38, T::kBinary, false, client);
  record("client-fqdn", 39, {T::kUint8, T::kFqdn}, false, server);  // DDNS
  add("pana-agent", 40, T::kIpv6Address, kArray);
  add("new-posix-timezone", 41, T::kString);
  add("new-tzdb-timezone", 42, T::kString);
  add("ero", 43, T::kUint16, kArray, client);
  // Leasequery (RFC 5007, 5460): answered by the server, never configured.
  record("lq-query", 44, {T::kUint8, T::kIpv6Address}, false, client).encapsulate = kDhcp6Space;
  add("client-data", 45, T::kEmpty, false, server).encapsulate = kDhcp6Space;
  add("clt-time", 46, T::kUint32, false, server);
  record("lq-relay-data", 47, {T::kIpv6Address, T::kBinary}, false, server);
  add("lq-client-link", 48, T::kIpv6Address, kArray, server);
  add("v6-lost", 51, T::kFqdn);
  add("capwap-ac-v6", 52, T::kIpv6Address, kArray);
  add("relay-id", 53, T::kBinary, false, client);
  OptionDefinition6& ntp = add("ntp-server", 56, T::kEmpty);  // RFC 5908; not in Kea 2.2
  ntp.encapsulate = std::string(kNtpServerSpace);
  ntp.kea_standard = false;
  add("v6-access-domain", 57, T::kFqdn);
  add("sip-ua-cs-list", 58, T::kFqdn, kArray);
  add("bootfile-url", 59, T::kString);
  add("bootfile-param", 60, T::kTuple, kArray);
  add("client-arch-type", 61, T::kUint16, kArray, client);
  record("nii", 62, {T::kUint8, T::kUint8, T::kUint8}, false, client);
  add("aftr-name", 64, T::kFqdn);
  add("erp-local-domain-name", 65, T::kFqdn);
  add("rsoo", 66, T::kEmpty, false, client).encapsulate = "rsoo-opts";
  add("pd-exclude", 67, T::kIpv6Prefix, false, server);  // pd-pools excluded-prefix
  record("rdnss-selection", 74, {T::kIpv6Address, T::kUint8, T::kFqdn}, kArray);
  add("client-linklayer-addr", 79, T::kBinary, false, client);
  add("link-address", 80, T::kIpv6Address, false, client);
  add("solmax-rt", 82, T::kUint32);
  add("inf-max-rt", 83, T::kUint32);
  add("dhcpv4-message", 87, T::kBinary, false, server);
  add("dhcp4o6-server-addr", 88, T::kIpv6Address, kArray);
  add("s46-cont-mape", 94, T::kEmpty).encapsulate = "s46-cont-mape-options";
  add("s46-cont-mapt", 95, T::kEmpty).encapsulate = "s46-cont-mapt-options";
  add("s46-cont-lw", 96, T::kEmpty).encapsulate = "s46-cont-lw-options";
  add("v6-captive-portal", 103, T::kString);
  add("relay-source-port", 135, T::kUint16, false, client);
  add("ipv6-address-andsf", 143, T::kIpv6Address, kArray);

  auto in_space = [&defs](std::string_view space) { defs.back().space = std::string(space); };
  // RFC 7598 softwire options (MAP-E, MAP-T, Lightweight 4over6).
  add("s46-br", 90, T::kIpv6Address);
  in_space("s46-cont-mape-options");
  record("s46-rule", 89, {T::kUint8, T::kUint8, T::kUint8, T::kIpv4Address, T::kIpv6Prefix})
      .encapsulate = "s46-rule-options";
  in_space("s46-cont-mape-options");
  record("s46-rule", 89, {T::kUint8, T::kUint8, T::kUint8, T::kIpv4Address, T::kIpv6Prefix})
      .encapsulate = "s46-rule-options";
  in_space("s46-cont-mapt-options");
  add("s46-dmr", 91, T::kIpv6Prefix);
  in_space("s46-cont-mapt-options");
  add("s46-br", 90, T::kIpv6Address);
  in_space("s46-cont-lw-options");
  record("s46-v4v6bind", 92, {T::kIpv4Address, T::kIpv6Prefix}).encapsulate =
      "s46-v4v6bind-options";
  in_space("s46-cont-lw-options");
  record("s46-portparams", 93, {T::kUint8, T::kPsid});
  in_space("s46-rule-options");
  record("s46-portparams", 93, {T::kUint8, T::kPsid});
  in_space("s46-v4v6bind-options");

  // RFC 5908 NTP server sub-options (fastlease extension, with ntp-server above).
  for (auto [name, code, type] : {std::tuple{"ntp-server-address", 1, T::kIpv6Address},
                                  std::tuple{"ntp-server-multicast", 2, T::kIpv6Address},
                                  std::tuple{"ntp-server-fqdn", 3, T::kFqdn}}) {
    add(name, static_cast<uint16_t>(code), type).kea_standard = false;
    in_space(kNtpServerSpace);
  }

  // DOCSIS 3.0 (CableLabs, enterprise 4491) sub-options of vendor-opts.
  for (auto [name, code, type, array] :
       {std::tuple{"oro", 1, T::kUint16, true}, std::tuple{"device-type", 2, T::kString, false},
        std::tuple{"vendor-type", 10, T::kString, false},
        std::tuple{"tftp-servers", 32, T::kIpv6Address, true},
        std::tuple{"config-file", 33, T::kString, false},
        std::tuple{"syslog-servers", 34, T::kIpv6Address, true},
        std::tuple{"device-id", 36, T::kBinary, false},
        std::tuple{"time-servers", 37, T::kIpv6Address, true},
        std::tuple{"time-offset", 38, T::kInt32, false},
        std::tuple{"cmts-cm-mac", 1026, T::kBinary, false}}) {
    add(name, static_cast<uint16_t>(code), type, array);
    in_space("vendor-4491");
  }
  return defs;
}

const std::vector<OptionDefinition6>& Definitions() {
  static const std::vector<OptionDefinition6>* const kDefinitions =
      new std::vector<OptionDefinition6>(BuildDefinitions());
  return *kDefinitions;
}

absl::Status Invalid(absl::string_view message) { return absl::InvalidArgumentError(message); }

// The same layout as a DHCPv4 definition, for EncodeOptionData. Space "dhcp6" keeps the
// DHCPv4-only rules (pairs for 21/33) out; the code is not used for encoding.
OptionDefinition AsLayout(const OptionDefinition6& def) {
  OptionDefinition layout;
  layout.name = def.name;
  layout.code = 0;
  layout.space = std::string(kDhcp6Space);
  layout.type = def.type;
  layout.array = def.array;
  layout.record_types = def.record_types;
  layout.encapsulate = def.encapsulate;
  return layout;
}

// Comma separated values, trimmed; "\," is a literal comma (as option_catalog reads CSV).
std::vector<std::string> SplitValues(absl::string_view data) {
  std::vector<std::string> values(1);
  for (size_t i = 0; i < data.size(); ++i) {
    if (data[i] == '\\' && i + 1 < data.size() && data[i + 1] == ',') {
      values.back().push_back(',');
      ++i;
    } else if (data[i] == ',') {
      values.emplace_back();
    } else {
      values.back().push_back(data[i]);
    }
  }
  for (std::string& v : values) v = std::string(internal::TrimSpace(v));
  return values;
}

// RFC 8415 §21.16 opaque data tuples: a 2-byte length, then the bytes.
absl::StatusOr<std::vector<uint8_t>> EncodeTuples(const OptionDefinition6& def,
                                                  absl::string_view data, bool csv_format) {
  if (!csv_format) {
    absl::StatusOr<std::vector<uint8_t>> wire = DecodeHex(internal::ToStd(data));
    if (!wire.ok()) return wire.status();
    size_t pos = 0;
    size_t count = 0;
    while (pos < wire->size()) {
      if (wire->size() - pos < 2) {
        return Invalid(absl::StrCat("hex data ends inside a tuple length at byte ", pos));
      }
      const size_t len = size_t{(*wire)[pos]} << 8 | (*wire)[pos + 1];
      if (wire->size() - pos - 2 < len) {
        return Invalid(absl::StrCat("the tuple at byte ", pos, " is longer than the data"));
      }
      pos += 2 + len;
      ++count;
    }
    if (count == 0) return Invalid("empty data; the option takes one or more tuples");
    if (count > 1 && !def.array) return Invalid("hex data holds more than one tuple");
    return wire;
  }
  std::vector<std::string> values =
      def.array ? SplitValues(data) : std::vector<std::string>{std::string(data)};
  std::vector<uint8_t> out;
  for (const std::string& v : values) {
    if (v.empty()) return Invalid(absl::StrCat("'", data, "' has an empty value"));
    if (v.size() > 0xffff) return Invalid("a tuple holds at most 65535 bytes");
    out.push_back(static_cast<uint8_t>(v.size() >> 8));
    out.push_back(static_cast<uint8_t>(v.size()));
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

}  // namespace

std::span<const OptionDefinition6> StandardOption6Definitions() { return Definitions(); }

const OptionDefinition6* FindStandardOption6(std::string_view space, std::string_view name) {
  for (const OptionDefinition6& def : Definitions()) {
    if (def.space == space && def.name == name) return &def;
  }
  return nullptr;
}

const OptionDefinition6* FindStandardOption6(std::string_view space, uint16_t code) {
  for (const OptionDefinition6& def : Definitions()) {
    if (def.space == space && def.code == code) return &def;
  }
  return nullptr;
}

const OptionDefinition6* FindOption6ByName(std::string_view name) {
  return FindStandardOption6(kDhcp6Space, name);
}

const OptionDefinition6* FindOption6ByCode(uint16_t code) {
  return FindStandardOption6(kDhcp6Space, code);
}

bool IsOption6Space(std::string_view space) {
  if (space == kDhcp6Space) return true;
  for (const OptionDefinition6& def : Definitions()) {
    if (def.space == space || def.encapsulate == space) return true;
  }
  uint32_t enterprise = 0;
  return space.starts_with("vendor-") && space.size() > 7 && absl::ascii_isdigit(space[7]) &&
         absl::SimpleAtoi(internal::ToAbsl(space.substr(7)), &enterprise);
}

absl::StatusOr<std::vector<uint8_t>> EncodeOption6Data(const OptionDefinition6* def,
                                                       std::string_view std_data,
                                                       bool csv_format) {
  const absl::string_view data = internal::TrimSpace(internal::ToAbsl(std_data));
  if (def != nullptr && def->type == T::kTuple) return EncodeTuples(*def, data, csv_format);
  if (def != nullptr && def->type == T::kRecord) {
    for (T field : def->record_types) {
      if (field == T::kTuple) return Invalid("a tuple record field is not supported");
    }
  }
  if (def == nullptr) return EncodeOptionData(nullptr, std_data, csv_format);
  const OptionDefinition layout = AsLayout(*def);
  return EncodeOptionData(&layout, std_data, csv_format);
}

}  // namespace fastlease::config
