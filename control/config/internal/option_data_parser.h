// Reads a Kea `option-data` list into wire-ready OptionData, reporting every bad entry.
#pragma once

#include <vector>

#include "absl/strings/string_view.h"
#include "control/config/config.h"
#include "control/config/internal/diagnostics.h"

namespace fastlease::config::internal {

// `node` is the list at `path` (e.g. "Dhcp4/subnet4[0]/option-data"). Each entry:
// "name" and/or "code" (must agree), "data", "csv-format" (default true), "always-send"
// (default false), "space" ("dhcp4" only). Two entries with the same code are an error.
// Entries with errors are left out of the result.
std::vector<OptionData> ParseOptionDataList(const Json& node, absl::string_view path,
                                            Diagnostics& d);

// `options` with each of `inherited` whose code is not already there appended, in order.
std::vector<OptionData> MergeOptions(std::vector<OptionData> options,
                                     const std::vector<OptionData>& inherited);

}  // namespace fastlease::config::internal
