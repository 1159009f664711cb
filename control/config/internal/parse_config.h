// ParseConfig with the caller's Diagnostics, so that a KeyReport attached to it
// (config_check.cc) sees every key, error and warning of the parse.
//
//   internal::KeyReport report;
//   internal::Diagnostics d("kea.json", &report);
//   absl::StatusOr<Config> c = internal::ParseConfigWith(text, d);
//
// Same result as ParseConfig(text, d.source()); `d` keeps its errors and warnings
// afterwards. Defined at the end of config_parser.cc.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "control/config/config.h"
#include "control/config/internal/diagnostics.h"

namespace fastlease::config::internal {

absl::StatusOr<Config> ParseConfigWith(std::string_view json_text, Diagnostics& d);

// The whole file at `path`; NotFound "cannot read config file '<path>': <why>" when it
// is a directory or cannot be read. LoadConfigFile and CheckConfigFile read with it.
absl::StatusOr<std::string> ReadConfigText(const std::string& path);

}  // namespace fastlease::config::internal
