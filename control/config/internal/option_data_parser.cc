#include "control/config/internal/option_data_parser.h"

#include <map>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "control/config/internal/string_view.h"
#include "control/config/option_catalog.h"

namespace fastlease::config::internal {
namespace {

std::optional<OptionData> ParseOne(const Json& entry, const std::string& path, Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = {"name", "code", "data", "csv-format", "always-send", "space"},
  };
  if (!CheckObject(entry, path, kRules, d)) return std::nullopt;
  bool ok = true;

  const OptionDefinition* def = nullptr;
  std::optional<uint32_t> code;
  if (const Json* n = Find(entry, "code")) {
    code = ReadUint32(*n, Child(path, "code"), d, 1, 254);
    ok = ok && code.has_value();
  }
  if (const Json* n = Find(entry, "name")) {
    std::optional<std::string> name = ReadString(*n, Child(path, "name"), d);
    if (!name) {
      ok = false;
    } else if ((def = FindOptionByName(*name)) == nullptr) {
      d.Error(Child(path, "name"), absl::StrCat("unknown option name '", *name, "'"));
      ok = false;
    } else if (code && *code != def->code) {
      d.Error(Child(path, "code"), absl::StrCat("code ", *code, " does not match name '", *name,
                                                "' (code ", def->code, ")"));
      ok = false;
    }
  } else if (code) {
    def = FindOptionByCode(static_cast<uint8_t>(*code));
  } else if (!Find(entry, "code")) {
    d.Error(path, "needs \"name\" or \"code\"");
    ok = false;
  }

  if (const Json* n = Find(entry, "space")) {
    std::optional<std::string> space = ReadString(*n, Child(path, "space"), d);
    if (!space) {
      ok = false;
    } else if (*space != "dhcp4") {
      d.Error(Child(path, "space"),
              absl::StrCat("option space '", *space, "' is not supported (only \"dhcp4\")"));
      ok = false;
    }
  }

  bool csv_format = true;
  if (const Json* n = Find(entry, "csv-format")) {
    std::optional<bool> v = ReadBool(*n, Child(path, "csv-format"), d);
    ok = ok && v.has_value();
    csv_format = v.value_or(true);
  }
  OptionData option;
  if (const Json* n = Find(entry, "always-send")) {
    std::optional<bool> v = ReadBool(*n, Child(path, "always-send"), d);
    ok = ok && v.has_value();
    option.always_send = v.value_or(false);
  }
  std::string data;
  if (const Json* n = Find(entry, "data")) {
    std::optional<std::string> v = ReadString(*n, Child(path, "data"), d);
    if (!v) return std::nullopt;
    data = *v;
  }
  if (!ok) return std::nullopt;

  if (def != nullptr && def->policy == OptionPolicy::kServerManaged) {
    d.Error(path, absl::StrCat("option '", ToAbsl(def->name), "' (", def->code,
                               ") is managed by the server and cannot be configured"));
    return std::nullopt;
  }
  if (def != nullptr && def->policy == OptionPolicy::kClientOnly) {
    d.Error(path, absl::StrCat("option '", ToAbsl(def->name), "' (", def->code,
                               ") is sent by clients or relays, not by a server"));
    return std::nullopt;
  }

  absl::StatusOr<std::vector<uint8_t>> wire = EncodeOptionData(def, data, csv_format);
  if (!wire.ok()) {
    d.Error(Child(path, "data"), wire.status().message());
    return std::nullopt;
  }
  option.code = def != nullptr ? def->code : static_cast<uint8_t>(*code);
  option.data = *std::move(wire);
  return option;
}

}  // namespace

std::vector<OptionData> ParseOptionDataList(const Json& node, absl::string_view path,
                                            Diagnostics& d) {
  std::vector<OptionData> options;
  if (!ExpectArray(node, path, d)) return options;
  std::map<uint8_t, std::string> seen;  // code -> path of its first entry
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string entry_path = Index(path, i);
    std::optional<OptionData> option = ParseOne(node[i], entry_path, d);
    if (!option) continue;
    auto [it, inserted] = seen.emplace(option->code, entry_path);
    if (!inserted) {
      d.Error(entry_path,
              absl::StrCat("option code ", option->code, " is already set at ", it->second));
      continue;
    }
    options.push_back(*std::move(option));
  }
  return options;
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
