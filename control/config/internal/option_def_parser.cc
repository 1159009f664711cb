#include "control/config/internal/option_def_parser.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "control/config/internal/ip_text.h"
#include "control/config/internal/string_view.h"

namespace fastlease::config::internal {
namespace {

bool SameName(const OptionDefinition& def, absl::string_view space, absl::string_view name) {
  return ToAbsl(def.space) == space && ToAbsl(def.name) == name;
}
bool SameCode(const OptionDefinition& def, absl::string_view space, uint8_t code) {
  return ToAbsl(def.space) == space && def.code == code;
}

// "vendor-<enterprise-id>" with a uint32 enterprise id.
bool IsVendorSpace(absl::string_view space) {
  uint32_t id = 0;
  if (!absl::ConsumePrefix(&space, "vendor-") || space.empty()) return false;
  for (char c : space) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return absl::SimpleAtoi(space, &id);
}

std::optional<OptionDefinition> ParseOne(const Json& entry, const std::string& path,
                                         Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = {"name", "code", "type", "array", "record-types", "space", "encapsulate"},
  };
  if (!CheckObject(entry, path, kRules, d)) return std::nullopt;
  bool ok = true;
  OptionDefinition def;
  auto required = [&](absl::string_view key) -> const Json* {
    const Json* n = Find(entry, key);
    if (n == nullptr) {
      d.Error(path, absl::StrCat("needs \"", key, "\""));
      ok = false;
    }
    return n;
  };
  auto read_string = [&](const Json* n, absl::string_view key, std::string& out) {
    if (n == nullptr) return;
    std::optional<std::string> v = ReadString(*n, Child(path, key), d);
    if (v) {
      out = *std::move(v);
    } else {
      ok = false;
    }
  };

  read_string(required("name"), "name", def.name);
  if (const Json* n = required("code")) {
    std::optional<uint32_t> code = ReadUint32(*n, Child(path, "code"), d, 1, 254);
    ok = ok && code.has_value();
    def.code = static_cast<uint8_t>(code.value_or(0));
  }
  std::string type_name;
  read_string(required("type"), "type", type_name);
  if (!type_name.empty() || Find(entry, "type") != nullptr) {
    std::optional<OptionDataType> type = ParseOptionDataTypeName(type_name);
    if (!type && ok) {
      d.Error(Child(path, "type"), absl::StrCat("'", type_name, "' is not an option type"));
      ok = false;
    }
    def.type = type.value_or(OptionDataType::kBinary);
  }
  if (const Json* n = Find(entry, "array")) {
    std::optional<bool> v = ReadBool(*n, Child(path, "array"), d);
    ok = ok && v.has_value();
    def.array = v.value_or(false);
  }
  std::string record_types;
  read_string(Find(entry, "record-types"), "record-types", record_types);
  if (!TrimSpace(record_types).empty()) {
    for (absl::string_view field : absl::StrSplit(record_types, ',')) {
      field = TrimSpace(field);
      std::optional<OptionDataType> type = ParseOptionDataTypeName(ToStd(field));
      if (!type) {
        d.Error(Child(path, "record-types"), absl::StrCat("'", field, "' is not an option type"));
        ok = false;
        continue;
      }
      def.record_types.push_back(*type);
    }
  }
  read_string(Find(entry, "space"), "space", def.space);
  read_string(Find(entry, "encapsulate"), "encapsulate", def.encapsulate);
  if (!ok) return std::nullopt;
  return def;
}

}  // namespace

const OptionDefinition* OptionDefs::Find(absl::string_view space, absl::string_view name) const {
  for (const auto& def : custom_) {
    if (SameName(*def, space, name)) return def.get();
  }
  const OptionDefinition* standard = FindStandardOption(ToStd(space), ToStd(name));
  if (standard != nullptr && !standard->kea_standard) {
    for (const auto& def : custom_) {
      if (SameCode(*def, space, standard->code)) return nullptr;  // hidden by a custom def
    }
  }
  return standard;
}

const OptionDefinition* OptionDefs::Find(absl::string_view space, uint8_t code) const {
  for (const auto& def : custom_) {
    if (SameCode(*def, space, code)) return def.get();
  }
  const OptionDefinition* standard = FindStandardOption(ToStd(space), code);
  if (standard != nullptr && !standard->kea_standard) {
    for (const auto& def : custom_) {
      if (SameName(*def, space, ToAbsl(standard->name))) return nullptr;
    }
  }
  return standard;
}

bool OptionDefs::KnowsSpace(absl::string_view space) const {
  if (space == ToAbsl(kDhcp4Space) || IsVendorSpace(space)) return true;
  for (const auto& def : custom_) {
    if (ToAbsl(def->space) == space || ToAbsl(def->encapsulate) == space) return true;
  }
  for (const OptionDefinition& def : AllStandardOptionDefinitions()) {
    if (ToAbsl(def.space) == space || ToAbsl(def.encapsulate) == space) return true;
  }
  return false;
}

absl::Status OptionDefs::Add(OptionDefinition def) {
  if (absl::Status s = ValidateOptionDefinition(def); !s.ok()) return s;
  if (def.space == kDhcp4Space) {
    for (const OptionDefinition* standard : {FindStandardOption(def.space, def.code),
                                             FindStandardOption(def.space, def.name)}) {
      if (standard != nullptr && standard->kea_standard) {
        return absl::InvalidArgumentError(absl::StrCat(
            "'", def.name, "' (code ", def.code, ") would redefine the standard option '",
            standard->name, "' (code ", standard->code, ") of space dhcp4"));
      }
    }
  }
  for (const auto& other : custom_) {
    if (SameCode(*other, def.space, def.code)) {
      return absl::InvalidArgumentError(absl::StrCat("code ", def.code,
                                                     " is already defined in space '", def.space,
                                                     "' (as '", other->name, "')"));
    }
    if (SameName(*other, def.space, def.name)) {
      return absl::InvalidArgumentError(absl::StrCat("name '", def.name,
                                                     "' is already defined in space '", def.space,
                                                     "' (code ", other->code, ")"));
    }
  }
  custom_.push_back(std::make_shared<const OptionDefinition>(std::move(def)));
  return absl::OkStatus();
}

OptionDefs ParseOptionDefList(const Json& node, absl::string_view path, Diagnostics& d) {
  OptionDefs defs;
  if (!ExpectArray(node, path, d)) return defs;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string entry_path = Index(path, i);
    std::optional<OptionDefinition> def = ParseOne(node[i], entry_path, d);
    if (!def) continue;
    if (absl::Status s = defs.Add(*std::move(def)); !s.ok()) d.Error(entry_path, s.message());
  }
  return defs;
}

}  // namespace fastlease::config::internal
