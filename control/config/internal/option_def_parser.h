// The option definitions a config may use: Kea's standard ones plus the config's own
// (`Dhcp4/option-def`), looked up by (space, name) and (space, code).
//
//   Diagnostics d("fastlease.json");
//   OptionDefs defs = ParseOptionDefList(dhcp4["option-def"], "Dhcp4/option-def", d);
//   const OptionDefinition* def = defs.Find("vendor-encapsulated-options-space", 1);
//
// Used by the config parser only; single-threaded. Pointers returned by Find stay valid
// as long as the OptionDefs they came from or any copy of it (custom definitions are
// shared, immutable heap objects).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "control/config/internal/diagnostics.h"
#include "control/config/option_catalog.h"

namespace fastlease::config::internal {

class OptionDefs {
 public:
  // The standard definitions only.
  OptionDefs() = default;

  // A custom definition of `space` first, else a standard one; nullptr if none. A custom
  // definition hides the fastlease extension (kea_standard false) with its code or name.
  const OptionDefinition* Find(absl::string_view space, absl::string_view name) const;
  const OptionDefinition* Find(absl::string_view space, uint8_t code) const;

  // Whether option-data may name `space`: "dhcp4", a space some definition (standard or
  // custom) lives in or encapsulates, or "vendor-<enterprise-id>" (uint32).
  bool KnowsSpace(absl::string_view space) const;

  // Adds a custom definition after ValidateOptionDefinition and Kea's rules: in "dhcp4" it
  // may not take the code or name of a standard (Kea 2.2) option; name and code are unique
  // per space among custom definitions. InvalidArgument says which rule broke.
  absl::Status Add(OptionDefinition def);

  // The custom definitions, in the order added.
  const std::vector<std::shared_ptr<const OptionDefinition>>& custom() const { return custom_; }

 private:
  std::vector<std::shared_ptr<const OptionDefinition>> custom_;
};

// Reads `Dhcp4/option-def` (the list at `path`): each entry has "name", "code" (1..254),
// "type" (a Kea type name), and optionally "array" (false), "record-types" (comma
// separated type names, for type "record"), "space" ("dhcp4"), "encapsulate" (""). Every
// bad entry is reported at its path ("Dhcp4/option-def[2]/record-types: 'uint9' is not an
// option type") and left out.
OptionDefs ParseOptionDefList(const Json& node, absl::string_view path, Diagnostics& d);

}  // namespace fastlease::config::internal
