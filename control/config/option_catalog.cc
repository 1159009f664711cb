#include "control/config/option_catalog.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "control/config/internal/ip_text.h"
#include "control/config/internal/string_view.h"

namespace fastlease::config {
namespace {

using T = OptionType;
using P = OptionPolicy;

// Kea 2.2 `std_option_defs.h` (DHCPv4 space), the options a server may usefully send
// plus the ones it must refuse. Sorted by code.
constexpr std::array kDefinitions = {
    OptionDefinition{"subnet-mask", 1, T::kIpv4},
    OptionDefinition{"time-offset", 2, T::kInt32},
    OptionDefinition{"routers", 3, T::kIpv4List},
    OptionDefinition{"time-servers", 4, T::kIpv4List},
    OptionDefinition{"name-servers", 5, T::kIpv4List},
    OptionDefinition{"domain-name-servers", 6, T::kIpv4List},
    OptionDefinition{"log-servers", 7, T::kIpv4List},
    OptionDefinition{"cookie-servers", 8, T::kIpv4List},
    OptionDefinition{"lpr-servers", 9, T::kIpv4List},
    OptionDefinition{"impress-servers", 10, T::kIpv4List},
    OptionDefinition{"resource-location-servers", 11, T::kIpv4List},
    OptionDefinition{"host-name", 12, T::kString},
    OptionDefinition{"boot-size", 13, T::kUint16},
    OptionDefinition{"merit-dump", 14, T::kString},
    OptionDefinition{"domain-name", 15, T::kString},
    OptionDefinition{"swap-server", 16, T::kIpv4},
    OptionDefinition{"root-path", 17, T::kString},
    OptionDefinition{"extensions-path", 18, T::kString},
    OptionDefinition{"ip-forwarding", 19, T::kBoolean},
    OptionDefinition{"non-local-source-routing", 20, T::kBoolean},
    OptionDefinition{"policy-filter", 21, T::kIpv4Pairs},
    OptionDefinition{"max-dgram-reassembly", 22, T::kUint16},
    OptionDefinition{"default-ip-ttl", 23, T::kUint8},
    OptionDefinition{"path-mtu-aging-timeout", 24, T::kUint32},
    OptionDefinition{"path-mtu-plateau-table", 25, T::kUint16List},
    OptionDefinition{"interface-mtu", 26, T::kUint16},
    OptionDefinition{"all-subnets-local", 27, T::kBoolean},
    OptionDefinition{"broadcast-address", 28, T::kIpv4},
    OptionDefinition{"perform-mask-discovery", 29, T::kBoolean},
    OptionDefinition{"mask-supplier", 30, T::kBoolean},
    OptionDefinition{"router-discovery", 31, T::kBoolean},
    OptionDefinition{"router-solicitation-address", 32, T::kIpv4},
    OptionDefinition{"static-routes", 33, T::kIpv4Pairs},
    OptionDefinition{"trailer-encapsulation", 34, T::kBoolean},
    OptionDefinition{"arp-cache-timeout", 35, T::kUint32},
    OptionDefinition{"ieee802-3-encapsulation", 36, T::kBoolean},
    OptionDefinition{"default-tcp-ttl", 37, T::kUint8},
    OptionDefinition{"tcp-keepalive-interval", 38, T::kUint32},
    OptionDefinition{"tcp-keepalive-garbage", 39, T::kBoolean},
    OptionDefinition{"nis-domain", 40, T::kString},
    OptionDefinition{"nis-servers", 41, T::kIpv4List},
    OptionDefinition{"ntp-servers", 42, T::kIpv4List},
    OptionDefinition{"vendor-encapsulated-options", 43, T::kBinary},
    OptionDefinition{"netbios-name-servers", 44, T::kIpv4List},
    OptionDefinition{"netbios-dd-server", 45, T::kIpv4List},
    OptionDefinition{"netbios-node-type", 46, T::kUint8},
    OptionDefinition{"netbios-scope", 47, T::kString},
    OptionDefinition{"font-servers", 48, T::kIpv4List},
    OptionDefinition{"x-display-manager", 49, T::kIpv4List},
    OptionDefinition{"dhcp-requested-address", 50, T::kIpv4, P::kClientOnly},
    OptionDefinition{"dhcp-lease-time", 51, T::kUint32, P::kServerManaged},
    OptionDefinition{"dhcp-option-overload", 52, T::kUint8, P::kServerManaged},
    OptionDefinition{"dhcp-message-type", 53, T::kUint8, P::kServerManaged},
    OptionDefinition{"dhcp-server-identifier", 54, T::kIpv4},
    OptionDefinition{"dhcp-parameter-request-list", 55, T::kBinary, P::kClientOnly},
    OptionDefinition{"dhcp-message", 56, T::kString, P::kServerManaged},
    OptionDefinition{"dhcp-max-message-size", 57, T::kUint16, P::kClientOnly},
    OptionDefinition{"dhcp-renewal-time", 58, T::kUint32, P::kServerManaged},
    OptionDefinition{"dhcp-rebinding-time", 59, T::kUint32, P::kServerManaged},
    OptionDefinition{"vendor-class-identifier", 60, T::kString},
    OptionDefinition{"dhcp-client-identifier", 61, T::kBinary, P::kClientOnly},
    OptionDefinition{"nwip-domain-name", 62, T::kString},
    OptionDefinition{"nwip-suboptions", 63, T::kBinary},
    OptionDefinition{"nisplus-domain-name", 64, T::kString},
    OptionDefinition{"nisplus-servers", 65, T::kIpv4List},
    OptionDefinition{"tftp-server-name", 66, T::kString},
    OptionDefinition{"boot-file-name", 67, T::kString},
    OptionDefinition{"mobile-ip-home-agent", 68, T::kIpv4List},
    OptionDefinition{"smtp-server", 69, T::kIpv4List},
    OptionDefinition{"pop-server", 70, T::kIpv4List},
    OptionDefinition{"nntp-server", 71, T::kIpv4List},
    OptionDefinition{"www-server", 72, T::kIpv4List},
    OptionDefinition{"finger-server", 73, T::kIpv4List},
    OptionDefinition{"irc-server", 74, T::kIpv4List},
    OptionDefinition{"streettalk-server", 75, T::kIpv4List},
    OptionDefinition{"streettalk-directory-assistance-server", 76, T::kIpv4List},
    OptionDefinition{"user-class", 77, T::kBinary},
    OptionDefinition{"dhcp-agent-options", 82, T::kBinary, P::kClientOnly},
    OptionDefinition{"nds-servers", 85, T::kIpv4List},
    OptionDefinition{"nds-tree-name", 86, T::kString},
    OptionDefinition{"nds-context", 87, T::kString},
    OptionDefinition{"bcms-controller-names", 88, T::kFqdnList},
    OptionDefinition{"bcms-controller-address", 89, T::kIpv4List},
    OptionDefinition{"client-last-transaction-time", 91, T::kUint32},
    OptionDefinition{"associated-ip", 92, T::kIpv4List},
    OptionDefinition{"client-system", 93, T::kUint16List},
    OptionDefinition{"uap-servers", 98, T::kString},
    OptionDefinition{"geoconf-civic", 99, T::kBinary},
    OptionDefinition{"pcode", 100, T::kString},
    OptionDefinition{"tcode", 101, T::kString},
    OptionDefinition{"v6-only-preferred", 108, T::kUint32},
    OptionDefinition{"netinfo-server-address", 112, T::kIpv4List},
    OptionDefinition{"netinfo-server-tag", 113, T::kString},
    OptionDefinition{"v4-captive-portal", 114, T::kString},
    OptionDefinition{"auto-config", 116, T::kUint8},
    OptionDefinition{"name-service-search", 117, T::kUint16List},
    OptionDefinition{"subnet-selection", 118, T::kIpv4},
    OptionDefinition{"domain-search", 119, T::kFqdnList},
    OptionDefinition{"classless-static-route", 121, T::kClasslessRoutes},
    OptionDefinition{"pana-agent", 136, T::kIpv4List},
    OptionDefinition{"v4-lost", 137, T::kFqdn},
    OptionDefinition{"capwap-ac-v4", 138, T::kIpv4List},
    OptionDefinition{"sip-ua-cs-domains", 141, T::kFqdnList},
    OptionDefinition{"v4-access-domain", 213, T::kFqdn},
};

constexpr bool SortedByCode() {
  for (size_t i = 1; i < kDefinitions.size(); ++i) {
    if (kDefinitions[i - 1].code >= kDefinitions[i].code) return false;
  }
  return true;
}
static_assert(SortedByCode(), "kDefinitions must be sorted by code, one entry per code");

absl::Status Invalid(absl::string_view message) { return absl::InvalidArgumentError(message); }

// Splits on commas and trims each part (list types never contain a literal comma).
std::vector<absl::string_view> SplitCsv(absl::string_view data) {
  std::vector<absl::string_view> parts;
  for (absl::string_view part : absl::StrSplit(data, ',')) {
    parts.push_back(internal::TrimSpace(part));
  }
  return parts;
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

// Length rules for hex given to a typed option (csv-format false).
absl::Status CheckHexLength(OptionType type, const std::vector<uint8_t>& wire) {
  const size_t n = wire.size();
  auto exact = [n](size_t want) -> absl::Status {
    if (n == want) return absl::OkStatus();
    return Invalid(absl::StrCat("hex data is ", n, " bytes; the option takes ", want));
  };
  auto multiple = [n](size_t unit) -> absl::Status {
    if (n > 0 && n % unit == 0) return absl::OkStatus();
    return Invalid(
        absl::StrCat("hex data is ", n, " bytes; the option takes a non-zero multiple of ", unit));
  };
  switch (type) {
    case OptionType::kIpv4:
    case OptionType::kUint32:
    case OptionType::kInt32:
      return exact(4);
    case OptionType::kIpv4List:
      return multiple(4);
    case OptionType::kIpv4Pairs:
      return multiple(8);
    case OptionType::kUint8:
    case OptionType::kBoolean:
      return exact(1);
    case OptionType::kUint16:
      return exact(2);
    case OptionType::kUint16List:
      return multiple(2);
    case OptionType::kString:
    case OptionType::kFqdn:
    case OptionType::kFqdnList:
      return n > 0 ? absl::OkStatus() : Invalid("empty data");
    case OptionType::kClasslessRoutes:
      return CheckClasslessRoutesWire(wire);
    case OptionType::kBinary:
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::span<const OptionDefinition> StandardOptionDefinitions() { return kDefinitions; }

const OptionDefinition* FindOptionByName(std::string_view name) {
  for (const OptionDefinition& def : kDefinitions) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

const OptionDefinition* FindOptionByCode(uint8_t code) {
  auto it = std::lower_bound(kDefinitions.begin(), kDefinitions.end(), code,
                             [](const OptionDefinition& def, uint8_t c) { return def.code < c; });
  if (it == kDefinitions.end() || it->code != code) return nullptr;
  return &*it;
}

std::string_view OptionTypeName(OptionType type) {
  switch (type) {
    case OptionType::kIpv4:
      return "ipv4-address";
    case OptionType::kIpv4List:
      return "ipv4-address list";
    case OptionType::kIpv4Pairs:
      return "ipv4-address pairs";
    case OptionType::kUint8:
      return "uint8";
    case OptionType::kUint16:
      return "uint16";
    case OptionType::kUint16List:
      return "uint16 list";
    case OptionType::kUint32:
      return "uint32";
    case OptionType::kInt32:
      return "int32";
    case OptionType::kBoolean:
      return "boolean";
    case OptionType::kString:
      return "string";
    case OptionType::kFqdn:
      return "fqdn";
    case OptionType::kFqdnList:
      return "fqdn list";
    case OptionType::kBinary:
      return "binary";
    case OptionType::kClasslessRoutes:
      return "classless routes";
  }
  return "unknown";
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
  const absl::string_view data = internal::ToAbsl(std_data);
  const bool hex = def == nullptr || !csv_format || def->type == OptionType::kBinary;
  if (hex) {
    if (def == nullptr && csv_format) {
      return Invalid("the option has no definition: set csv-format to false and give hex data");
    }
    absl::StatusOr<std::vector<uint8_t>> wire = DecodeHex(std_data);
    if (!wire.ok()) return wire.status();
    if (def != nullptr) {
      if (absl::Status s = CheckHexLength(def->type, *wire); !s.ok()) return s;
    }
    return wire;
  }

  std::vector<uint8_t> out;
  const absl::string_view trimmed = internal::TrimSpace(data);
  auto single = [&](absl::string_view what) -> absl::Status {
    if (trimmed.empty()) return Invalid(absl::StrCat("empty data; the option takes ", what));
    if (trimmed.find(',') != absl::string_view::npos) {
      return Invalid(absl::StrCat("'", data, "' has more than one value; the option takes ", what));
    }
    return absl::OkStatus();
  };
  auto list = [&](auto append) -> absl::Status {
    if (trimmed.empty()) return Invalid("empty data; the option takes a list");
    for (absl::string_view part : SplitCsv(trimmed)) {
      if (absl::Status s = append(part); !s.ok()) return s;
    }
    return absl::OkStatus();
  };

  absl::Status status;
  switch (def->type) {
    case OptionType::kIpv4:
      status = single("one IPv4 address");
      if (status.ok()) status = AppendIpv4Text(trimmed, out);
      break;
    case OptionType::kIpv4List:
      status = list([&](absl::string_view p) { return AppendIpv4Text(p, out); });
      break;
    case OptionType::kIpv4Pairs:
      status = list([&](absl::string_view p) { return AppendIpv4Text(p, out); });
      if (status.ok() && out.size() % 8 != 0) {
        status =
            Invalid("the option takes pairs of addresses (destination, router); got an odd count");
      }
      break;
    case OptionType::kUint8:
      status = single("one uint8");
      if (status.ok()) status = AppendInteger(trimmed, 0, 0xff, 1, out);
      break;
    case OptionType::kUint16:
      status = single("one uint16");
      if (status.ok()) status = AppendInteger(trimmed, 0, 0xffff, 2, out);
      break;
    case OptionType::kUint16List:
      status = list([&](absl::string_view p) { return AppendInteger(p, 0, 0xffff, 2, out); });
      break;
    case OptionType::kUint32:
      status = single("one uint32");
      if (status.ok()) status = AppendInteger(trimmed, 0, 0xffffffffLL, 4, out);
      break;
    case OptionType::kInt32:
      status = single("one int32");
      if (status.ok()) status = AppendInteger(trimmed, -2147483648LL, 2147483647LL, 4, out);
      break;
    case OptionType::kBoolean: {
      status = single("one boolean");
      if (!status.ok()) break;
      const std::string lower = absl::AsciiStrToLower(trimmed);
      if (lower == "true" || lower == "1") {
        out.push_back(1);
      } else if (lower == "false" || lower == "0") {
        out.push_back(0);
      } else {
        status = Invalid(absl::StrCat("'", data, "' is not a boolean (true or false)"));
      }
      break;
    }
    case OptionType::kString: {
      // Kea splits csv data on commas; a literal comma is escaped as "\,".
      std::string text;
      for (size_t i = 0; i < data.size(); ++i) {
        if (data[i] == '\\' && i + 1 < data.size() && data[i + 1] == ',') {
          text.push_back(',');
          ++i;
        } else if (data[i] == ',') {
          status = Invalid(absl::StrCat(
              "'", data,
              "' has an unescaped comma; write it as \\\\, in JSON for a literal comma"));
          break;
        } else {
          text.push_back(data[i]);
        }
      }
      if (!status.ok()) break;
      if (text.empty()) {
        status = Invalid("empty string");
        break;
      }
      out.assign(text.begin(), text.end());
      break;
    }
    case OptionType::kFqdn:
      status = single("one domain name");
      if (status.ok()) status = AppendFqdn(trimmed, out);
      break;
    case OptionType::kFqdnList:
      status = list([&](absl::string_view p) { return AppendFqdn(p, out); });
      break;
    case OptionType::kClasslessRoutes:
      status = list([&](absl::string_view p) { return AppendClasslessRoute(p, out); });
      break;
    case OptionType::kBinary:
      break;  // handled as hex above
  }
  if (!status.ok()) return status;
  return out;
}

}  // namespace fastlease::config
