#include "control/config/option_catalog.h"

#include <arpa/inet.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <string>
#include <tuple>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "control/config/internal/ip_text.h"
#include "control/config/internal/string_view.h"

namespace fastlease::config {
namespace {

using T = OptionDataType;
using P = OptionPolicy;

// Kea 2.2 `std_option_defs.h` (space "dhcp4", plus the last-resort definition of 43) and
// `docsis3_option_defs.h` (space "vendor-4491"), in code order per space.
std::vector<OptionDefinition> BuildStandardDefinitions() {
  std::vector<OptionDefinition> defs;
  auto add = [&defs](std::string_view name, uint8_t code, T type, bool array = false,
                     P policy = P::kConfigurable) -> OptionDefinition& {
    OptionDefinition& def = defs.emplace_back();
    def.name = std::string(name);
    def.code = code;
    def.type = type;
    def.array = array;
    def.policy = policy;
    return def;
  };
  auto record = [&add](std::string_view name, uint8_t code, std::vector<T> fields,
                       bool array = false, P policy = P::kConfigurable) -> OptionDefinition& {
    OptionDefinition& def = add(name, code, T::kRecord, array, policy);
    def.record_types = std::move(fields);
    return def;
  };
  constexpr bool kArray = true;
  add("subnet-mask", 1, T::kIpv4Address);
  add("time-offset", 2, T::kInt32);
  add("routers", 3, T::kIpv4Address, kArray);
  add("time-servers", 4, T::kIpv4Address, kArray);
  add("name-servers", 5, T::kIpv4Address, kArray);
  add("domain-name-servers", 6, T::kIpv4Address, kArray);
  add("log-servers", 7, T::kIpv4Address, kArray);
  add("cookie-servers", 8, T::kIpv4Address, kArray);
  add("lpr-servers", 9, T::kIpv4Address, kArray);
  add("impress-servers", 10, T::kIpv4Address, kArray);
  add("resource-location-servers", 11, T::kIpv4Address, kArray);
  add("host-name", 12, T::kString);
  add("boot-size", 13, T::kUint16);
  add("merit-dump", 14, T::kString);
  add("domain-name", 15, T::kString);
  add("swap-server", 16, T::kIpv4Address);
  add("root-path", 17, T::kString);
  add("extensions-path", 18, T::kString);
  add("ip-forwarding", 19, T::kBoolean);
  add("non-local-source-routing", 20, T::kBoolean);
  add("policy-filter", 21, T::kIpv4Address, kArray);
  add("max-dgram-reassembly", 22, T::kUint16);
  add("default-ip-ttl", 23, T::kUint8);
  add("path-mtu-aging-timeout", 24, T::kUint32);
  add("path-mtu-plateau-table", 25, T::kUint16, kArray);
  add("interface-mtu", 26, T::kUint16);
  add("all-subnets-local", 27, T::kBoolean);
  add("broadcast-address", 28, T::kIpv4Address);
  add("perform-mask-discovery", 29, T::kBoolean);
  add("mask-supplier", 30, T::kBoolean);
  add("router-discovery", 31, T::kBoolean);
  add("router-solicitation-address", 32, T::kIpv4Address);
  add("static-routes", 33, T::kIpv4Address, kArray);
  add("trailer-encapsulation", 34, T::kBoolean);
  add("arp-cache-timeout", 35, T::kUint32);
  add("ieee802-3-encapsulation", 36, T::kBoolean);
  add("default-tcp-ttl", 37, T::kUint8);
  add("tcp-keepalive-interval", 38, T::kUint32);
  add("tcp-keepalive-garbage", 39, T::kBoolean);
  add("nis-domain", 40, T::kString);
  add("nis-servers", 41, T::kIpv4Address, kArray);
  add("ntp-servers", 42, T::kIpv4Address, kArray);
  // Kea's last-resort definition: payload is the sub-options of its space (or raw hex).
  // Kea 2.2 lets an option-def in "dhcp4" replace it.
  OptionDefinition& vendor = add("vendor-encapsulated-options", 43, T::kEmpty);
  vendor.encapsulate = std::string(kVendorEncapsulatedSpace);
  vendor.kea_standard = false;
  add("netbios-name-servers", 44, T::kIpv4Address, kArray);
  add("netbios-dd-server", 45, T::kIpv4Address, kArray);
  add("netbios-node-type", 46, T::kUint8);
  add("netbios-scope", 47, T::kString);
  add("font-servers", 48, T::kIpv4Address, kArray);
  add("x-display-manager", 49, T::kIpv4Address, kArray);
  add("dhcp-requested-address", 50, T::kIpv4Address, false, P::kClientOnly);
  add("dhcp-lease-time", 51, T::kUint32, false, P::kServerManaged);
  add("dhcp-option-overload", 52, T::kUint8, false, P::kServerManaged);
  add("dhcp-message-type", 53, T::kUint8, false, P::kServerManaged);
  add("dhcp-server-identifier", 54, T::kIpv4Address);
  add("dhcp-parameter-request-list", 55, T::kUint8, kArray, P::kClientOnly);
  add("dhcp-message", 56, T::kString, false, P::kServerManaged);
  add("dhcp-max-message-size", 57, T::kUint16, false, P::kClientOnly);
  add("dhcp-renewal-time", 58, T::kUint32, false, P::kServerManaged);
  add("dhcp-rebinding-time", 59, T::kUint32, false, P::kServerManaged);
  add("vendor-class-identifier", 60, T::kString);
  add("dhcp-client-identifier", 61, T::kBinary, false, P::kClientOnly);
  add("nwip-domain-name", 62, T::kString);
  add("nwip-suboptions", 63, T::kBinary);
  add("nisplus-domain-name", 64, T::kString);
  add("nisplus-servers", 65, T::kIpv4Address, kArray);
  add("tftp-server-name", 66, T::kString);
  add("boot-file-name", 67, T::kString);
  add("mobile-ip-home-agent", 68, T::kIpv4Address, kArray);
  add("smtp-server", 69, T::kIpv4Address, kArray);
  add("pop-server", 70, T::kIpv4Address, kArray);
  add("nntp-server", 71, T::kIpv4Address, kArray);
  add("www-server", 72, T::kIpv4Address, kArray);
  add("finger-server", 73, T::kIpv4Address, kArray);
  add("irc-server", 74, T::kIpv4Address, kArray);
  add("streettalk-server", 75, T::kIpv4Address, kArray);
  add("streettalk-directory-assistance-server", 76, T::kIpv4Address, kArray);
  add("user-class", 77, T::kBinary);
  record("slp-directory-agent", 78, {T::kBoolean, T::kIpv4Address}, kArray);
  record("slp-service-scope", 79, {T::kBoolean, T::kString});
  // The server answers the client's FQDN option itself (DDNS); not configurable here.
  record("fqdn", 81, {T::kUint8, T::kUint8, T::kUint8, T::kFqdn}, false, P::kServerManaged);
  OptionDefinition& agent = add("dhcp-agent-options", 82, T::kEmpty, false, P::kClientOnly);
  agent.encapsulate = "dhcp-agent-options-space";
  add("nds-servers", 85, T::kIpv4Address, kArray);
  add("nds-tree-name", 86, T::kString);
  add("nds-context", 87, T::kString);
  add("bcms-controller-names", 88, T::kFqdn, kArray);
  add("bcms-controller-address", 89, T::kIpv4Address, kArray);
  add("authenticate", 90, T::kBinary);
  add("client-last-transaction-time", 91, T::kUint32);
  add("associated-ip", 92, T::kIpv4Address, kArray);
  add("client-system", 93, T::kUint16, kArray);
  record("client-ndi", 94, {T::kUint8, T::kUint8, T::kUint8});
  record("uuid-guid", 97, {T::kUint8, T::kBinary});
  add("uap-servers", 98, T::kString);
  add("geoconf-civic", 99, T::kBinary);
  add("pcode", 100, T::kString);
  add("tcode", 101, T::kString);
  add("v6-only-preferred", 108, T::kUint32);
  add("netinfo-server-address", 112, T::kIpv4Address, kArray);
  add("netinfo-server-tag", 113, T::kString);
  add("v4-captive-portal", 114, T::kString);
  add("auto-config", 116, T::kUint8);
  add("name-service-search", 117, T::kUint16, kArray);
  add("subnet-selection", 118, T::kIpv4Address);
  add("domain-search", 119, T::kFqdn, kArray);
  OptionDefinition& routes = add("classless-static-route", 121, T::kInternal);
  routes.kea_standard = false;
  // RFC 3925: enterprise number, then data-len and vendor-class-data (given as hex).
  record("vivco-suboptions", 124, {T::kUint32, T::kBinary});
  // RFC 3925: the data is the enterprise number; sub-options come from "vendor-<number>".
  add("vivso-suboptions", 125, T::kUint32);
  add("pana-agent", 136, T::kIpv4Address, kArray);
  add("v4-lost", 137, T::kFqdn);
  add("capwap-ac-v4", 138, T::kIpv4Address, kArray);
  add("sip-ua-cs-domains", 141, T::kFqdn, kArray);
  record("rdnss-selection", 146, {T::kUint8, T::kIpv4Address, T::kIpv4Address, T::kFqdn},
         kArray);
  OptionDefinition& tftp = add("tftp-server-address", 150, T::kIpv4Address, kArray);
  tftp.kea_standard = false;
  record("v4-portparams", 159, {T::kUint8, T::kPsid});
  record("option-6rd", 212, {T::kUint8, T::kUint8, T::kIpv6Address, T::kIpv4Address}, kArray);
  add("v4-access-domain", 213, T::kFqdn);

  // DOCSIS 3.0 (CableLabs, enterprise 4491) sub-options of vivso-suboptions.
  for (auto [name, code, type] : {std::tuple{"oro", 1, T::kUint8},
                                  std::tuple{"tftp-servers", 2, T::kIpv4Address}}) {
    OptionDefinition& def = add(name, static_cast<uint8_t>(code), type, kArray);
    def.space = "vendor-4491";
  }
  return defs;
}

const std::vector<OptionDefinition>& Definitions() {
  static const std::vector<OptionDefinition>* const kDefinitions =
      new std::vector<OptionDefinition>(BuildStandardDefinitions());
  return *kDefinitions;
}

size_t Dhcp4Count() {
  size_t n = 0;
  while (n < Definitions().size() && Definitions()[n].space == kDhcp4Space) ++n;
  return n;
}

absl::string_view TypeName(T type) { return internal::ToAbsl(OptionDataTypeName(type)); }

absl::Status Invalid(absl::string_view message) { return absl::InvalidArgumentError(message); }

// Splits CSV data on commas and trims each value; "\," is a literal comma.
std::vector<std::string> SplitCsv(absl::string_view data) {
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

// Kea accepts decimal and "0x" hex for integer option values.
std::optional<int64_t> ParseInteger(absl::string_view text) {
  text = internal::TrimSpace(text);
  if (text.empty()) return std::nullopt;
  std::string s(text);
  int base = 10;
  const char* start = s.c_str();
  bool negative = false;
  if (*start == '-') {
    negative = true;
    ++start;
  }
  if (start[0] == '0' && (start[1] == 'x' || start[1] == 'X')) {
    base = 16;
    start += 2;
  }
  if (*start == '\0' || *start == '+' || *start == '-' || *start == ' ') return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(start, &end, base);
  if (errno != 0 || *end != '\0') return std::nullopt;
  return negative ? -static_cast<int64_t>(value) : static_cast<int64_t>(value);
}

absl::Status AppendInteger(absl::string_view text, int64_t min, int64_t max, int bytes,
                           std::vector<uint8_t>& out) {
  std::optional<int64_t> value = ParseInteger(text);
  if (!value) return Invalid(absl::StrCat("'", text, "' is not an integer"));
  if (*value < min || *value > max) {
    return Invalid(absl::StrCat(*value, " is out of range ", min, "..", max));
  }
  const uint64_t bits = static_cast<uint64_t>(*value);
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(bits >> (8 * i)));
  return absl::OkStatus();
}

void AppendIpv4(uint32_t address, std::vector<uint8_t>& out) {
  out.push_back(static_cast<uint8_t>(address >> 24));
  out.push_back(static_cast<uint8_t>(address >> 16));
  out.push_back(static_cast<uint8_t>(address >> 8));
  out.push_back(static_cast<uint8_t>(address));
}

absl::Status AppendIpv4Text(absl::string_view text, std::vector<uint8_t>& out) {
  std::optional<uint32_t> address = internal::ParseIpv4(text);
  if (!address) return Invalid(absl::StrCat("'", text, "' is not an IPv4 address"));
  AppendIpv4(*address, out);
  return absl::OkStatus();
}

// Uncompressed RFC 1035 labels ending in the root label.
absl::Status AppendFqdn(absl::string_view name, std::vector<uint8_t>& out) {
  absl::string_view rest = internal::TrimSpace(name);
  if (rest.empty()) return Invalid("empty domain name");
  const size_t start = out.size();
  if (rest != ".") {
    if (rest.back() == '.') rest.remove_suffix(1);
    for (absl::string_view label : absl::StrSplit(rest, '.')) {
      if (label.empty()) {
        return Invalid(absl::StrCat("'", name, "' is not a domain name: empty label"));
      }
      if (label.size() > 63) {
        return Invalid(absl::StrCat("'", name, "' is not a domain name: label '", label,
                                    "' is longer than 63 bytes"));
      }
      for (char c : label) {
        if (c == ' ' || c == ',' || static_cast<unsigned char>(c) < 0x21 ||
            static_cast<unsigned char>(c) > 0x7e) {
          return Invalid(absl::StrCat("'", name, "' is not a domain name: bad character"));
        }
      }
      out.push_back(static_cast<uint8_t>(label.size()));
      out.insert(out.end(), label.begin(), label.end());
    }
  }
  out.push_back(0);
  if (out.size() - start > 255) {
    return Invalid(absl::StrCat("'", name, "' is longer than 255 bytes on the wire"));
  }
  return absl::OkStatus();
}

// RFC 3442: one route is "a.b.c.d/len - router".
absl::Status AppendClasslessRoute(absl::string_view text, std::vector<uint8_t>& out) {
  const size_t dash = text.find('-');
  if (dash == absl::string_view::npos) {
    return Invalid(absl::StrCat("'", text, "' is not a route 'a.b.c.d/len - router'"));
  }
  std::optional<internal::Ipv4Prefix> destination =
      internal::ParseIpv4Prefix(internal::TrimSpace(text.substr(0, dash)));
  std::optional<uint32_t> router = internal::ParseIpv4(internal::TrimSpace(text.substr(dash + 1)));
  if (!destination || !router) {
    return Invalid(absl::StrCat("'", text, "' is not a route 'a.b.c.d/len - router'"));
  }
  if ((destination->address & ~internal::PrefixMask(destination->len)) != 0) {
    return Invalid(absl::StrCat("'", text, "': the destination has host bits set"));
  }
  out.push_back(destination->len);
  const int significant = (destination->len + 7) / 8;
  for (int i = 0; i < significant; ++i) {
    out.push_back(static_cast<uint8_t>(destination->address >> (24 - 8 * i)));
  }
  AppendIpv4(*router, out);
  return absl::OkStatus();
}

absl::Status CheckClasslessRoutesWire(const std::vector<uint8_t>& wire) {
  size_t i = 0;
  while (i < wire.size()) {
    const uint8_t width = wire[i];
    if (width > 32)
      return Invalid(absl::StrCat("route at byte ", i, " has width ", width, " > 32"));
    const size_t need = 1 + static_cast<size_t>((width + 7) / 8) + 4;
    if (i + need > wire.size()) return Invalid(absl::StrCat("route at byte ", i, " is truncated"));
    i += need;
  }
  if (wire.empty()) return Invalid("no routes");
  return absl::OkStatus();
}

absl::Status AppendBoolean(absl::string_view text, std::vector<uint8_t>& out) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower == "true" || lower == "1") {
    out.push_back(1);
  } else if (lower == "false" || lower == "0") {
    out.push_back(0);
  } else {
    return Invalid(absl::StrCat("'", text, "' is not a boolean (true or false)"));
  }
  return absl::OkStatus();
}

std::optional<std::array<uint8_t, 16>> ParseIpv6(absl::string_view text) {
  std::array<uint8_t, 16> bytes{};
  if (inet_pton(AF_INET6, std::string(text).c_str(), bytes.data()) != 1) return std::nullopt;
  return bytes;
}

absl::Status AppendIpv6Text(absl::string_view text, std::vector<uint8_t>& out) {
  std::optional<std::array<uint8_t, 16>> address = ParseIpv6(text);
  if (!address) return Invalid(absl::StrCat("'", text, "' is not an IPv6 address"));
  out.insert(out.end(), address->begin(), address->end());
  return absl::OkStatus();
}

// "2001:db8::/32": the length byte, then the significant bytes with the bits past the
// length cleared (as Kea writes prefixes).
absl::Status AppendIpv6Prefix(absl::string_view text, std::vector<uint8_t>& out) {
  const size_t slash = text.find('/');
  std::optional<std::array<uint8_t, 16>> address;
  std::optional<int64_t> len;
  if (slash != absl::string_view::npos) {
    address = ParseIpv6(internal::TrimSpace(text.substr(0, slash)));
    len = ParseInteger(text.substr(slash + 1));
  }
  if (!address || !len || *len < 0 || *len > 128) {
    return Invalid(absl::StrCat("'", text, "' is not an IPv6 prefix 'address/0..128'"));
  }
  out.push_back(static_cast<uint8_t>(*len));
  const int bytes = static_cast<int>((*len + 7) / 8);
  for (int i = 0; i < bytes; ++i) {
    uint8_t b = (*address)[i];
    const int bits_here = static_cast<int>(*len) - 8 * i;
    if (bits_here < 8) b &= static_cast<uint8_t>(0xff << (8 - bits_here));
    out.push_back(b);
  }
  return absl::OkStatus();
}

// RFC 7597 PSID "psid/psid-len": the length byte, then the PSID left-aligned in 16 bits.
absl::Status AppendPsid(absl::string_view text, std::vector<uint8_t>& out) {
  const size_t slash = text.find('/');
  if (slash == absl::string_view::npos) {
    return Invalid(absl::StrCat("'", text, "' is not a PSID 'psid/psid-len'"));
  }
  std::optional<int64_t> psid = ParseInteger(text.substr(0, slash));
  std::optional<int64_t> len = ParseInteger(text.substr(slash + 1));
  if (!psid || !len || *psid < 0 || *psid > 0xffff) {
    return Invalid(absl::StrCat("'", text, "' is not a PSID 'psid/psid-len'"));
  }
  if (*len < 0 || *len > 16) {
    return Invalid(absl::StrCat("'", text, "': the PSID length must be 0..16"));
  }
  if (*psid >= (int64_t{1} << *len)) {
    return Invalid(absl::StrCat("'", text, "': PSID ", *psid, " does not fit in ", *len, " bits"));
  }
  const uint16_t bits = *len == 0 ? 0 : static_cast<uint16_t>(*psid << (16 - *len));
  out.push_back(static_cast<uint8_t>(*len));
  out.push_back(static_cast<uint8_t>(bits >> 8));
  out.push_back(static_cast<uint8_t>(bits));
  return absl::OkStatus();
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One value of `type` from trimmed `text`. `in_record`: a string field may be empty.
absl::Status AppendValue(T type, absl::string_view text, bool in_record,
                         std::vector<uint8_t>& out) {
  switch (type) {
    case T::kEmpty:
      return text.empty() ? absl::OkStatus() : Invalid("the option is of type empty: no data");
    case T::kBinary: {
      absl::StatusOr<std::vector<uint8_t>> bytes = DecodeHex(internal::ToStd(text));
      if (!bytes.ok()) return bytes.status();
      out.insert(out.end(), bytes->begin(), bytes->end());
      return absl::OkStatus();
    }
    case T::kBoolean:
      return AppendBoolean(text, out);
    case T::kInt8:
      return AppendInteger(text, -128, 127, 1, out);
    case T::kInt16:
      return AppendInteger(text, -32768, 32767, 2, out);
    case T::kInt32:
      return AppendInteger(text, -2147483648LL, 2147483647LL, 4, out);
    case T::kUint8:
      return AppendInteger(text, 0, 0xff, 1, out);
    case T::kUint16:
      return AppendInteger(text, 0, 0xffff, 2, out);
    case T::kUint32:
      return AppendInteger(text, 0, 0xffffffffLL, 4, out);
    case T::kIpv4Address:
      return AppendIpv4Text(text, out);
    case T::kIpv6Address:
      return AppendIpv6Text(text, out);
    case T::kIpv6Prefix:
      return AppendIpv6Prefix(text, out);
    case T::kPsid:
      return AppendPsid(text, out);
    case T::kString:
      if (text.empty() && !in_record) return Invalid("empty string");
      out.insert(out.end(), text.begin(), text.end());
      return absl::OkStatus();
    case T::kFqdn:
      return AppendFqdn(text, out);
    case T::kTuple:
      if (text.size() > 255) return Invalid(absl::StrCat("tuple '", text, "' is over 255 bytes"));
      out.push_back(static_cast<uint8_t>(text.size()));
      out.insert(out.end(), text.begin(), text.end());
      return absl::OkStatus();
    case T::kInternal:
      return AppendClasslessRoute(text, out);
    case T::kRecord:
      break;
  }
  return Invalid("a record cannot be a field");
}

// Wire size of fixed-size types; 0 for variable ones.
size_t FixedSize(T type) {
  switch (type) {
    case T::kBoolean:
    case T::kInt8:
    case T::kUint8:
      return 1;
    case T::kInt16:
    case T::kUint16:
      return 2;
    case T::kPsid:
      return 3;
    case T::kInt32:
    case T::kUint32:
    case T::kIpv4Address:
      return 4;
    case T::kIpv6Address:
      return 16;
    default:
      return 0;
  }
}

// Consumes one `type` value of `wire` at `pos` (string and binary take the rest).
absl::Status ConsumeValue(T type, const std::vector<uint8_t>& wire, size_t& pos) {
  const size_t left = wire.size() - pos;
  auto truncated = [&]() {
    return Invalid(absl::StrCat("hex data ends inside a ", TypeName(type),
                                " value at byte ", pos));
  };
  if (const size_t n = FixedSize(type); n != 0) {
    if (left < n) return truncated();
    if (type == T::kBoolean && wire[pos] > 1) {
      return Invalid(absl::StrCat("byte ", pos, " is not a boolean (0 or 1)"));
    }
    pos += n;
    return absl::OkStatus();
  }
  switch (type) {
    case T::kString:
    case T::kBinary:
      pos = wire.size();
      return absl::OkStatus();
    case T::kTuple:
      if (left < 1 || left - 1 < wire[pos]) return truncated();
      pos += 1 + wire[pos];
      return absl::OkStatus();
    case T::kIpv6Prefix: {
      if (left < 1 || wire[pos] > 128) return truncated();
      const size_t n = 1 + (wire[pos] + 7) / 8;
      if (left < n) return truncated();
      pos += n;
      return absl::OkStatus();
    }
    case T::kFqdn:
      while (true) {
        if (pos >= wire.size()) return truncated();
        const uint8_t label = wire[pos];
        if (label > 63) return Invalid(absl::StrCat("byte ", pos, " is not a label length"));
        if (wire.size() - pos - 1 < label) return truncated();
        pos += 1 + label;
        if (label == 0) return absl::OkStatus();
      }
    default:
      return truncated();
  }
}

// Checks hex data given for a typed option against the definition's layout.
absl::Status CheckWire(const OptionDefinition& def, const std::vector<uint8_t>& wire) {
  const size_t n = wire.size();
  if (def.type == T::kInternal) return CheckClasslessRoutesWire(wire);
  if (def.type == T::kEmpty) {
    return n == 0 || !def.encapsulate.empty() ? absl::OkStatus()
                                              : Invalid("the option is of type empty: no data");
  }
  if (def.type != T::kRecord) {
    if (const size_t unit = FixedSize(def.type); unit != 0) {
      if (!def.array && n != unit) {
        return Invalid(absl::StrCat("hex data is ", n, " bytes; the option takes ", unit));
      }
      if (def.array && (n == 0 || n % unit != 0)) {
        return Invalid(absl::StrCat("hex data is ", n,
                                    " bytes; the option takes a non-zero multiple of ", unit));
      }
    }
    if (n == 0 && def.type != T::kBinary) return Invalid("empty data");
  }
  const std::vector<T> fields =
      def.type == T::kRecord ? def.record_types : std::vector<T>{def.type};
  size_t pos = 0;
  for (T field : fields) {
    if (absl::Status s = ConsumeValue(field, wire, pos); !s.ok()) return s;
  }
  while (def.array && pos < n) {
    if (absl::Status s = ConsumeValue(fields.back(), wire, pos); !s.ok()) return s;
  }
  if (pos != n) {
    return Invalid(absl::StrCat("hex data has ", n - pos, " bytes past the option's fields"));
  }
  return absl::OkStatus();
}

// What one value of the option is, for messages: "one uint8", "a list of ipv4-address".
std::string Describe(const OptionDefinition& def) {
  if (def.type == T::kRecord) {
    std::string fields;
    for (T f : def.record_types) absl::StrAppend(&fields, fields.empty() ? "" : ", ",
                                                 TypeName(f));
    return absl::StrCat(def.array ? "records of " : "a record of ", fields);
  }
  if (def.type == T::kInternal) return "a list of routes";
  return absl::StrCat(def.array ? "a list of " : "one ", TypeName(def.type));
}

bool ValidName(absl::string_view name) {
  if (name.empty() || name.front() == '-' || name.back() == '-') return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

}  // namespace

std::span<const OptionDefinition> StandardOptionDefinitions() {
  return std::span<const OptionDefinition>(Definitions()).first(Dhcp4Count());
}

std::span<const OptionDefinition> AllStandardOptionDefinitions() { return Definitions(); }

const OptionDefinition* FindStandardOption(std::string_view space, std::string_view name) {
  for (const OptionDefinition& def : Definitions()) {
    if (def.space == space && def.name == name) return &def;
  }
  return nullptr;
}

const OptionDefinition* FindStandardOption(std::string_view space, uint8_t code) {
  for (const OptionDefinition& def : Definitions()) {
    if (def.space == space && def.code == code) return &def;
  }
  return nullptr;
}

const OptionDefinition* FindOptionByName(std::string_view name) {
  return FindStandardOption(kDhcp4Space, name);
}

std::optional<uint8_t> OptionCodeByName(std::string_view name) {
  if (const OptionDefinition* def = FindOptionByName(name)) return def->code;
  return std::nullopt;
}

const OptionDefinition* FindOptionByCode(uint8_t code) {
  return FindStandardOption(kDhcp4Space, code);
}

std::string_view OptionDataTypeName(OptionDataType type) {
  switch (type) {
    case T::kEmpty: return "empty";
    case T::kBinary: return "binary";
    case T::kBoolean: return "boolean";
    case T::kInt8: return "int8";
    case T::kInt16: return "int16";
    case T::kInt32: return "int32";
    case T::kUint8: return "uint8";
    case T::kUint16: return "uint16";
    case T::kUint32: return "uint32";
    case T::kIpv4Address: return "ipv4-address";
    case T::kIpv6Address: return "ipv6-address";
    case T::kIpv6Prefix: return "ipv6-prefix";
    case T::kPsid: return "psid";
    case T::kString: return "string";
    case T::kFqdn: return "fqdn";
    case T::kTuple: return "tuple";
    case T::kRecord: return "record";
    case T::kInternal: return "internal";
  }
  return "unknown";
}

std::optional<OptionDataType> ParseOptionDataTypeName(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(T::kRecord); ++i) {
    const T type = static_cast<T>(i);
    if (OptionDataTypeName(type) == name) return type;
  }
  return std::nullopt;
}

absl::Status ValidateOptionDefinition(const OptionDefinition& def) {
  if (!ValidName(def.name)) {
    return Invalid(absl::StrCat("'", def.name, "' is not an option name (letters, digits, '-', "
                                "'_'; not starting or ending with '-')"));
  }
  if (!ValidName(def.space)) {
    return Invalid(absl::StrCat("'", def.space, "' is not an option space name"));
  }
  if (def.code == 0 || def.code == 255) {
    return Invalid(absl::StrCat("code ", def.code, " is reserved (", def.code == 0 ? "PAD" : "END",
                                ")"));
  }
  const absl::string_view type = TypeName(def.type);
  if (def.array &&
      (def.type == T::kString || def.type == T::kBinary || def.type == T::kEmpty)) {
    return Invalid(absl::StrCat("an array of ", type, " is not a valid option definition"));
  }
  if (def.type != T::kRecord && !def.record_types.empty()) {
    return Invalid(absl::StrCat("record-types is given but the type is '", type, "', not 'record'"));
  }
  if (def.type == T::kRecord) {
    const size_t n = def.record_types.size();
    if (n < 2) {
      return Invalid(absl::StrCat("a record needs at least 2 fields in record-types; got ", n));
    }
    for (size_t i = 0; i < n; ++i) {
      const T field = def.record_types[i];
      const absl::string_view field_name = TypeName(field);
      if (field == T::kRecord || field == T::kEmpty || field == T::kInternal) {
        return Invalid(absl::StrCat("'", field_name, "' cannot be a record field"));
      }
      if ((field == T::kString || field == T::kBinary) && i + 1 < n) {
        return Invalid(absl::StrCat("a ", field_name, " field may only be the last field"));
      }
    }
    const T last = def.record_types.back();
    if (def.array && (last == T::kString || last == T::kBinary)) {
      return Invalid(absl::StrCat("an array of records cannot end in a ", TypeName(last),
                                  " field"));
    }
  }
  if (!def.encapsulate.empty()) {
    if (def.array) return Invalid("an array option cannot encapsulate an option space");
    if (!ValidName(def.encapsulate)) {
      return Invalid(absl::StrCat("'", def.encapsulate, "' is not an option space name"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint8_t>> DecodeHex(std::string_view std_text) {
  absl::string_view text = internal::ToAbsl(std_text);
  text = internal::TrimSpace(text);
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
  }
  std::vector<uint8_t> out;
  if (text.empty()) return out;
  const bool grouped = text.find_first_of(":- ") != absl::string_view::npos;
  if (grouped) {
    for (absl::string_view group : absl::StrSplit(text, absl::ByAnyChar(":- "))) {
      if (group.empty() || group.size() > 2) {
        return Invalid(
            absl::StrCat("'", text, "' is not hex: separated groups must have one or two digits"));
      }
      int value = 0;
      for (char c : group) {
        const int digit = HexDigit(c);
        if (digit < 0) return Invalid(absl::StrCat("'", text, "' is not hex"));
        value = value * 16 + digit;
      }
      out.push_back(static_cast<uint8_t>(value));
    }
    return out;
  }
  size_t i = 0;
  if (text.size() % 2 == 1) {
    const int digit = HexDigit(text[0]);
    if (digit < 0) return Invalid(absl::StrCat("'", text, "' is not hex"));
    out.push_back(static_cast<uint8_t>(digit));
    i = 1;
  }
  for (; i < text.size(); i += 2) {
    const int high = HexDigit(text[i]);
    const int low = HexDigit(text[i + 1]);
    if (high < 0 || low < 0) return Invalid(absl::StrCat("'", text, "' is not hex"));
    out.push_back(static_cast<uint8_t>(high * 16 + low));
  }
  return out;
}

absl::StatusOr<std::vector<uint8_t>> EncodeOptionData(const OptionDefinition* def,
                                                      std::string_view std_data, bool csv_format) {
  const absl::string_view data = internal::TrimSpace(internal::ToAbsl(std_data));
  // Hex: no definition, csv-format false, binary, or the raw payload of an encapsulating
  // empty option (43).
  const bool raw_payload = def != nullptr && def->type == T::kEmpty && !def->encapsulate.empty();
  if (def == nullptr || !csv_format || def->type == T::kBinary || raw_payload) {
    if (def == nullptr && csv_format) {
      return Invalid("the option has no definition: set csv-format to false and give hex data");
    }
    absl::StatusOr<std::vector<uint8_t>> wire = DecodeHex(std_data);
    if (!wire.ok()) return wire.status();
    if (def != nullptr) {
      if (absl::Status s = CheckWire(*def, *wire); !s.ok()) return s;
    }
    return wire;
  }

  std::vector<uint8_t> out;
  if (def->type == T::kEmpty) {
    if (!data.empty()) return Invalid("the option is of type empty and takes no data");
    return out;
  }
  const std::vector<std::string> values = SplitCsv(data);
  if (values.size() == 1 && values[0].empty()) {
    return Invalid(absl::StrCat("empty data; the option takes ", Describe(*def)));
  }
  const std::vector<T> fields =
      def->type == T::kRecord ? def->record_types : std::vector<T>{def->type};
  const bool list = def->array || def->type == T::kInternal;
  if (values.size() < fields.size()) {
    return Invalid(absl::StrCat("'", data, "' has ", values.size(), " values; the option takes ",
                                Describe(*def)));
  }
  if (values.size() > fields.size() && !list) {
    if (def->type == T::kString) {
      return Invalid(absl::StrCat(
          "'", data, "' has an unescaped comma; write it as \\\\, in JSON for a literal comma"));
    }
    return Invalid(absl::StrCat("'", data, "' has more than one value; the option takes ",
                                def->type == T::kRecord ? absl::StrCat(fields.size(), " values, ")
                                                        : "",
                                Describe(*def)));
  }
  const bool in_record = def->type == T::kRecord;
  for (size_t i = 0; i < values.size(); ++i) {
    const T field = i < fields.size() ? fields[i] : fields.back();
    if (list && values[i].empty()) return Invalid(absl::StrCat("'", data, "' has an empty value"));
    if (absl::Status s = AppendValue(field, values[i], in_record, out); !s.ok()) return s;
  }
  // RFC 2132 pairs (destination, router) that Kea does not check.
  if (def->space == kDhcp4Space && (def->code == 21 || def->code == 33) && out.size() % 8 != 0) {
    return Invalid("the option takes pairs of addresses (destination, router); got an odd count");
  }
  return out;
}

}  // namespace fastlease::config
