#include "control/config/internal/option_data_parser.h"

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "control/config/internal/string_view.h"
#include "control/config/option_catalog.h"

namespace fastlease::config::internal {
namespace {

constexpr uint8_t kVivco = 124;
constexpr uint8_t kVivso = 125;
constexpr int kMaxNesting = 8;  // sub-options of sub-options of ...

// One option-data entry, parsed and encoded but not yet assembled.
struct Entry {
  std::string path;
  std::string space;
  uint8_t code = 0;
  const OptionDefinition* def = nullptr;  // nullptr: no definition (hex data)
  std::vector<uint8_t> data;              // the entry's own data, encoded
  bool always_send = false;
  bool raw_vivso = false;  // 125 given as complete RFC 3925 blocks in hex
  bool used = false;       // taken as a sub-option
};

bool IsVivso(const Entry& e) { return e.space == kDhcp4Space && e.code == kVivso; }

// RFC 3925 blocks: enterprise-number (4), data-len (1), data; one or more.
bool AreVivsoBlocks(const std::vector<uint8_t>& wire) {
  size_t i = 0;
  while (i < wire.size()) {
    if (wire.size() - i < 5 || wire.size() - i - 5 < wire[i + 4]) return false;
    i += 5 + wire[i + 4];
  }
  return !wire.empty();
}

// RFC 3925 vendor-class data after the enterprise number: data-len, then (len, data) items.
bool IsVivcoData(const std::vector<uint8_t>& wire) {
  if (wire.size() < 5 || wire[4] != wire.size() - 5) return false;
  size_t i = 5;
  while (i < wire.size()) {
    if (wire.size() - i - 1 < wire[i]) return false;
    i += 1 + wire[i];
  }
  return true;
}

std::optional<Entry> ParseOne(const Json& entry, const std::string& path, const OptionDefs& defs,
                              Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = {"name", "code", "data", "csv-format", "always-send", "space"},
  };
  if (!CheckObject(entry, path, kRules, d)) return std::nullopt;
  bool ok = true;
  Entry e;
  e.path = path;
  e.space = std::string(kDhcp4Space);
  if (const Json* n = Find(entry, "space")) {
    std::optional<std::string> space = ReadString(*n, Child(path, "space"), d);
    if (!space) {
      ok = false;
    } else if (!defs.KnowsSpace(*space)) {
      d.Error(Child(path, "space"),
              absl::StrCat("option space '", *space,
                           "' is not supported: it is not \"dhcp4\", \"vendor-<enterprise-id>\" "
                           "or the space of an option definition"));
      ok = false;
    } else {
      e.space = *std::move(space);
    }
  }
  const std::string in_space = e.space == kDhcp4Space ? "" : absl::StrCat(" in space '", e.space, "'");

  std::optional<uint32_t> code;
  if (const Json* n = Find(entry, "code")) {
    code = ReadUint32(*n, Child(path, "code"), d, 1, 254);
    ok = ok && code.has_value();
  }
  if (const Json* n = Find(entry, "name")) {
    std::optional<std::string> name = ReadString(*n, Child(path, "name"), d);
    if (!name) {
      ok = false;
    } else if (!ok) {
      // The space is unknown or the code bad: the name cannot be resolved.
    } else if ((e.def = defs.Find(e.space, *name)) == nullptr) {
      d.Error(Child(path, "name"), absl::StrCat("unknown option name '", *name, "'", in_space));
      ok = false;
    } else if (code && *code != e.def->code) {
      d.Error(Child(path, "code"), absl::StrCat("code ", *code, " does not match name '", *name,
                                                "' (code ", e.def->code, ")"));
      ok = false;
    }
  } else if (code) {
    e.def = defs.Find(e.space, static_cast<uint8_t>(*code));
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
  e.code = e.def != nullptr ? e.def->code : static_cast<uint8_t>(*code);

  if (e.def != nullptr && e.space == kDhcp4Space) {
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

  if (IsVivso(e) && e.def->type == OptionDataType::kUint32 && !csv_format) {
    absl::StatusOr<std::vector<uint8_t>> wire = DecodeHex(ToStd(data));
    if (wire.ok() && wire->size() != 4 && !AreVivsoBlocks(*wire)) {
      wire = absl::InvalidArgumentError(
          "hex data is neither a 4-byte enterprise id nor RFC 3925 blocks (enterprise-number, "
          "data-len, data)");
    }
    if (!wire.ok()) {
      d.Error(Child(path, "data"), wire.status().message());
      return std::nullopt;
    }
    e.raw_vivso = wire->size() != 4;
    e.data = *std::move(wire);
    return e;
  }
  absl::StatusOr<std::vector<uint8_t>> wire = EncodeOptionData(e.def, data, csv_format);
  if (!wire.ok()) {
    d.Error(Child(path, "data"), wire.status().message());
    return std::nullopt;
  }
  if (e.space == kDhcp4Space && e.code == kVivco && e.def == FindOptionByCode(kVivco) &&
      !IsVivcoData(*wire)) {
    d.Error(Child(path, "data"),
            "after the enterprise number, vivco-suboptions takes RFC 3925 vendor-class data: "
            "data-len, then (len, data) items, in hex");
    return std::nullopt;
  }
  e.data = *std::move(wire);
  return e;
}

// Builds payloads from the parsed entries of one option-data list.
class Assembler {
 public:
  Assembler(std::vector<Entry>& entries, Diagnostics& d) : entries_(entries), d_(d) {}

  // The entry's data followed by the sub-options of the space its definition encapsulates.
  std::vector<uint8_t> Payload(Entry& e, int depth) {
    std::vector<uint8_t> out = e.data;
    if (e.def != nullptr && !e.def->encapsulate.empty() && e.def->encapsulate != kDhcp4Space) {
      AppendSubOptions(e.def->encapsulate, e.path, depth + 1, out);
    }
    return out;
  }

  // Appends code, len, payload for each entry of `space`, in list order.
  void AppendSubOptions(std::string_view space, const std::string& parent_path, int depth,
                        std::vector<uint8_t>& out) {
    if (depth > kMaxNesting) {
      d_.Error(parent_path, absl::StrCat("sub-options nest deeper than ", kMaxNesting,
                                         " levels (does a space encapsulate itself?)"));
      return;
    }
    for (Entry& sub : entries_) {
      if (sub.space != space) continue;
      sub.used = true;
      std::vector<uint8_t> payload = Payload(sub, depth);
      if (payload.size() > 255) {
        d_.Error(sub.path, absl::StrCat("the sub-option is ", payload.size(),
                                        " bytes; a sub-option holds at most 255"));
        continue;
      }
      out.push_back(sub.code);
      out.push_back(static_cast<uint8_t>(payload.size()));
      out.insert(out.end(), payload.begin(), payload.end());
    }
  }

  // One RFC 3925 block for a vivso-suboptions entry, appended to `out`.
  void AppendVivsoBlock(Entry& e, std::map<uint32_t, std::string>& enterprises,
                        std::vector<uint8_t>& out) {
    if (e.raw_vivso) {
      out.insert(out.end(), e.data.begin(), e.data.end());
      return;
    }
    const uint32_t enterprise = static_cast<uint32_t>(e.data[0]) << 24 |
                                static_cast<uint32_t>(e.data[1]) << 16 |
                                static_cast<uint32_t>(e.data[2]) << 8 | e.data[3];
    auto [it, inserted] = enterprises.emplace(enterprise, e.path);
    if (!inserted) {
      d_.Error(e.path, absl::StrCat("enterprise id ", enterprise, " is already set at ",
                                    it->second));
      return;
    }
    std::vector<uint8_t> subs;
    AppendSubOptions(absl::StrCat("vendor-", enterprise), e.path, 1, subs);
    if (subs.size() > 255) {
      d_.Error(e.path, absl::StrCat("the sub-options of enterprise ", enterprise, " are ",
                                    subs.size(), " bytes; RFC 3925 data-len holds at most 255"));
      return;
    }
    out.insert(out.end(), e.data.begin(), e.data.end());
    out.push_back(static_cast<uint8_t>(subs.size()));
    out.insert(out.end(), subs.begin(), subs.end());
  }

  std::vector<OptionData> Assemble() {
    std::vector<OptionData> options;
    std::optional<size_t> vivso_index;
    std::map<uint32_t, std::string> enterprises;
    for (Entry& e : entries_) {
      if (e.space != kDhcp4Space) continue;
      if (IsVivso(e)) {
        if (!vivso_index) {
          vivso_index = options.size();
          options.push_back(OptionData{.code = kVivso});
        }
        OptionData& vivso = options[*vivso_index];
        vivso.always_send = vivso.always_send || e.always_send;
        AppendVivsoBlock(e, enterprises, vivso.data);
        continue;
      }
      options.push_back(OptionData{
          .code = e.code, .data = Payload(e, 0), .always_send = e.always_send});
    }
    for (const Entry& e : entries_) {
      if (e.space == kDhcp4Space || e.used) continue;
      if (e.space.starts_with("vendor-") && e.space != kVendorEncapsulatedSpace) {
        d_.Warn(e.path, absl::StrCat("not sent: no vivso-suboptions (125) entry with enterprise id ",
                                     e.space.substr(7), " in this option-data list"));
      } else {
        d_.Warn(e.path, absl::StrCat("not sent: no option in this option-data list encapsulates "
                                     "space '", e.space, "'"));
      }
    }
    return options;
  }

 private:
  std::vector<Entry>& entries_;
  Diagnostics& d_;
};

}  // namespace

std::vector<OptionData> ParseOptionDataList(const Json& node, absl::string_view path,
                                            const OptionDefs& defs, Diagnostics& d) {
  std::vector<Entry> entries;
  if (!ExpectArray(node, path, d)) return {};
  std::map<std::pair<std::string, uint8_t>, std::string> seen;  // (space, code) -> first path
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string entry_path = Index(path, i);
    std::optional<Entry> e = ParseOne(node[i], entry_path, defs, d);
    if (!e) continue;
    if (!IsVivso(*e)) {  // several 125 entries are several enterprises
      auto [it, inserted] = seen.emplace(std::pair(e->space, e->code), entry_path);
      if (!inserted) {
        d.Error(entry_path, absl::StrCat("option code ", e->code,
                                         e->space == kDhcp4Space
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

std::vector<OptionData> ParseOptionDataList(const Json& node, absl::string_view path,
                                            Diagnostics& d) {
  static const OptionDefs* const kStandard = new OptionDefs();
  return ParseOptionDataList(node, path, *kStandard, d);
}

std::vector<OptionData> MergeOptions(std::vector<OptionData> options,
                                     const std::vector<OptionData>& inherited) {
  const size_t own = options.size();
  for (const OptionData& candidate : inherited) {
    bool overridden = false;
    for (size_t i = 0; i < own; ++i) overridden = overridden || options[i].code == candidate.code;
    if (!overridden) options.push_back(candidate);
  }
  return options;
}

}  // namespace fastlease::config::internal
