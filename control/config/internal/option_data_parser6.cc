#include "control/config/internal/option_data_parser6.h"

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "control/config/internal/string_view.h"
#include "control/config/option_catalog6.h"

namespace fastlease::config::internal {
namespace {

constexpr uint16_t kVendorOpts = 17;
constexpr int kMaxNesting = 8;  // sub-options of sub-options of ...
constexpr size_t kMaxPayload = 0xffff;

// One option-data entry, parsed and encoded but not yet assembled.
struct Entry {
  std::string path;
  std::string space;
  uint16_t code = 0;
  const OptionDefinition6* def = nullptr;  // nullptr: no definition (hex data)
  std::vector<uint8_t> data;               // the entry's own data, encoded
  bool always_send = false;
  bool raw_vendor = false;  // 17 given as its whole payload in hex
  bool used = false;        // taken as a sub-option
};

bool IsVendorOpts(const Entry& e) { return e.space == kDhcp6Space && e.code == kVendorOpts; }

uint32_t Enterprise(const std::vector<uint8_t>& data) {
  return static_cast<uint32_t>(data[0]) << 24 | static_cast<uint32_t>(data[1]) << 16 |
         static_cast<uint32_t>(data[2]) << 8 | data[3];
}

// DHCPv6 options one after another: 2-byte code, 2-byte length, data.
bool AreOptions(const std::vector<uint8_t>& wire, size_t pos) {
  while (pos < wire.size()) {
    if (wire.size() - pos < 4) return false;
    const size_t len = size_t{wire[pos + 2]} << 8 | wire[pos + 3];
    if (wire.size() - pos - 4 < len) return false;
    pos += 4 + len;
  }
  return true;
}

std::optional<Entry> ParseOne(const Json& entry, const std::string& path, Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = {"name", "code", "data", "csv-format", "always-send", "space"},
  };
  if (!CheckObject(entry, path, kRules, d)) return std::nullopt;
  bool ok = true;
  Entry e;
  e.path = path;
  e.space = std::string(kDhcp6Space);
  if (const Json* n = Find(entry, "space")) {
    std::optional<std::string> space = ReadString(*n, Child(path, "space"), d);
    if (!space) {
      ok = false;
    } else if (!IsOption6Space(*space)) {
      d.Error(Child(path, "space"),
              absl::StrCat("option space '", *space,
                           "' is not supported: it is not \"dhcp6\", \"vendor-<enterprise-id>\" "
                           "or a space a standard option encapsulates"));
      ok = false;
    } else {
      e.space = *std::move(space);
    }
  }
  const std::string in_space =
      e.space == kDhcp6Space ? "" : absl::StrCat(" in space '", e.space, "'");

  std::optional<uint32_t> code;
  if (const Json* n = Find(entry, "code")) {
    code = ReadUint32(*n, Child(path, "code"), d, 1, 65535);
    ok = ok && code.has_value();
  }
  if (const Json* n = Find(entry, "name")) {
    std::optional<std::string> name = ReadString(*n, Child(path, "name"), d);
    if (!name) {
      ok = false;
    } else if (!ok) {
      // The space is unknown or the code bad: the name cannot be resolved.
    } else if ((e.def = FindStandardOption6(e.space, *name)) == nullptr) {
      d.Error(Child(path, "name"), absl::StrCat("unknown option name '", *name, "'", in_space,
                                                " (Dhcp6 option-def is not supported; give "
                                                "the code with csv-format false and hex data)"));
      ok = false;
    } else if (code && *code != e.def->code) {
      d.Error(Child(path, "code"), absl::StrCat("code ", *code, " does not match name '", *name,
                                                "' (code ", e.def->code, ")"));
      ok = false;
    }
  } else if (code) {
    e.def = FindStandardOption6(e.space, static_cast<uint16_t>(*code));
  } else if (!Find(entry, "code")) {
    d.Error(path, "needs \"name\" or \"code\"");
    ok = false;
  }

  bool csv_format = true;
  if (const Json* n = Find(entry, "csv-format")) {
    std::optional<bool> v = ReadBool(*n, Child(path, "csv-format"), d);
    ok = ok && v.has_value();
    csv_format = v.value_or(true);
  }
  if (const Json* n = Find(entry, "always-send")) {
    std::optional<bool> v = ReadBool(*n, Child(path, "always-send"), d);
    ok = ok && v.has_value();
    e.always_send = v.value_or(false);
  }
  std::string data;
  if (const Json* n = Find(entry, "data")) {
    std::optional<std::string> v = ReadString(*n, Child(path, "data"), d);
    if (!v) return std::nullopt;
    data = *std::move(v);
  }
  if (!ok) return std::nullopt;
  e.code = e.def != nullptr ? e.def->code : static_cast<uint16_t>(*code);

  if (e.def != nullptr && e.space == kDhcp6Space) {
    if (e.def->policy == OptionPolicy::kServerManaged) {
      d.Error(path, absl::StrCat("option '", e.def->name, "' (", e.def->code,
                                 ") is managed by the server and cannot be configured"));
      return std::nullopt;
    }
    if (e.def->policy == OptionPolicy::kClientOnly) {
      d.Error(path, absl::StrCat("option '", e.def->name, "' (", e.def->code,
                                 ") is sent by clients or relays, not by a server"));
      return std::nullopt;
    }
  }

  if (IsVendorOpts(e) && !csv_format) {
    absl::StatusOr<std::vector<uint8_t>> wire = DecodeHex(ToStd(data));
    if (wire.ok() && (wire->size() < 4 || !AreOptions(*wire, 4))) {
      wire = absl::InvalidArgumentError(
          "hex data is neither a 4-byte enterprise id nor an enterprise id followed by "
          "sub-options (2-byte code, 2-byte length, data)");
    }
    if (!wire.ok()) {
      d.Error(Child(path, "data"), wire.status().message());
      return std::nullopt;
    }
    e.raw_vendor = wire->size() != 4;
    e.data = *std::move(wire);
    return e;
  }
  absl::StatusOr<std::vector<uint8_t>> wire = EncodeOption6Data(e.def, data, csv_format);
  if (!wire.ok()) {
    d.Error(Child(path, "data"), wire.status().message());
    return std::nullopt;
  }
  if (wire->size() > kMaxPayload) {
    d.Error(Child(path, "data"), absl::StrCat("the option is ", wire->size(),
                                              " bytes; a DHCPv6 option holds at most 65535"));
    return std::nullopt;
  }
  e.data = *std::move(wire);
  return e;
}

void AppendUint16(size_t value, std::vector<uint8_t>& out) {
  out.push_back(static_cast<uint8_t>(value >> 8));
  out.push_back(static_cast<uint8_t>(value));
}

// Builds payloads from the parsed entries of one option-data list.
class Assembler {
 public:
  Assembler(std::vector<Entry>& entries, Diagnostics& d) : entries_(entries), d_(d) {}

  // The entry's data followed by the sub-options of the space it encapsulates.
  std::vector<uint8_t> Payload(Entry& e, int depth) {
    std::vector<uint8_t> out = e.data;
    if (IsVendorOpts(e)) {
      if (!e.raw_vendor) {
        AppendSubOptions(absl::StrCat("vendor-", Enterprise(e.data)), e.path, depth + 1, out);
      }
    } else if (e.def != nullptr && !e.def->encapsulate.empty() &&
               e.def->encapsulate != kDhcp6Space) {
      AppendSubOptions(e.def->encapsulate, e.path, depth + 1, out);
    }
    return out;
  }

  // Appends code, length, payload for each entry of `space`, in list order.
  void AppendSubOptions(std::string_view space, const std::string& parent_path, int depth,
                        std::vector<uint8_t>& out) {
    if (depth > kMaxNesting) {
      d_.Error(parent_path, absl::StrCat("sub-options nest deeper than ", kMaxNesting,
                                         " levels"));
      return;
    }
    for (Entry& sub : entries_) {
      if (sub.space != space) continue;
      sub.used = true;
      std::vector<uint8_t> payload = Payload(sub, depth);
      if (payload.size() > kMaxPayload) {
        d_.Error(sub.path, absl::StrCat("the sub-option is ", payload.size(),
                                        " bytes; a DHCPv6 option holds at most 65535"));
        continue;
      }
      AppendUint16(sub.code, out);
      AppendUint16(payload.size(), out);
      out.insert(out.end(), payload.begin(), payload.end());
    }
  }

  std::vector<OptionData6> Assemble() {
    std::vector<OptionData6> options;
    std::map<uint32_t, std::string> enterprises;
    for (Entry& e : entries_) {
      if (e.space != kDhcp6Space) continue;
      if (IsVendorOpts(e)) {
        auto [it, inserted] = enterprises.emplace(Enterprise(e.data), e.path);
        if (!inserted) {
          d_.Error(e.path, absl::StrCat("enterprise id ", Enterprise(e.data),
                                        " is already set at ", it->second));
          continue;
        }
      }
      std::vector<uint8_t> payload = Payload(e, 0);
      if (payload.size() > kMaxPayload) {
        d_.Error(e.path, absl::StrCat("the option with its sub-options is ", payload.size(),
                                      " bytes; a DHCPv6 option holds at most 65535"));
        continue;
      }
      options.push_back(OptionData6{
          .code = e.code, .data = std::move(payload), .always_send = e.always_send});
    }
    for (const Entry& e : entries_) {
      if (e.space == kDhcp6Space || e.used) continue;
      if (e.space.starts_with("vendor-")) {
        d_.Warn(e.path, absl::StrCat("not sent: no vendor-opts (17) entry with enterprise id ",
                                     e.space.substr(7), " in this option-data list"));
      } else {
        d_.Warn(e.path, absl::StrCat("not sent: no option in this option-data list "
                                     "encapsulates space '", e.space, "'"));
      }
    }
    return options;
  }

 private:
  std::vector<Entry>& entries_;
  Diagnostics& d_;
};

// Code, plus the enterprise number for vendor-opts.
std::pair<uint16_t, uint32_t> Identity(const OptionData6& o) {
  if (o.code == kVendorOpts && o.data.size() >= 4) return {o.code, Enterprise(o.data)};
  return {o.code, 0};
}

}  // namespace

std::vector<OptionData6> ParseOption6DataList(const Json& node, absl::string_view path,
                                              Diagnostics& d) {
  std::vector<Entry> entries;
  if (!ExpectArray(node, path, d)) return {};
  std::map<std::pair<std::string, uint16_t>, std::string> seen;  // (space, code) -> path
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string entry_path = Index(path, i);
    std::optional<Entry> e = ParseOne(node[i], entry_path, d);
    if (!e) continue;
    if (!IsVendorOpts(*e)) {  // several 17 entries are several enterprises
      auto [it, inserted] = seen.emplace(std::pair(e->space, e->code), entry_path);
      if (!inserted) {
        d.Error(entry_path, absl::StrCat("option code ", e->code,
                                         e->space == kDhcp6Space
                                             ? ""
                                             : absl::StrCat(" in space '", e->space, "'"),
                                         " is already set at ", it->second));
        continue;
      }
    }
    entries.push_back(*std::move(e));
  }
  return Assembler(entries, d).Assemble();
}

std::vector<OptionData6> MergeOptions6(std::vector<OptionData6> options,
                                       const std::vector<OptionData6>& inherited) {
  const size_t own = options.size();
  for (const OptionData6& candidate : inherited) {
    bool overridden = false;
    for (size_t i = 0; i < own; ++i) {
      overridden = overridden || Identity(options[i]) == Identity(candidate);
    }
    if (!overridden) options.push_back(candidate);
  }
  return options;
}

}  // namespace fastlease::config::internal
