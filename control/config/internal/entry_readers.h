// Small readers the Dhcp4 and Dhcp6 loaders share: names, class-name lists and host
// identifiers. Errors are reported to `d` at the given JSON path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "control/config/internal/diagnostics.h"

namespace fastlease::config::internal {

// The required, non-empty `name` of a shared network or class; nullopt after an error.
std::optional<std::string> ReadName(const Json& node, const std::string& path, Diagnostics& d);

// A list of class names (`require-client-classes`, a reservation's `client-classes`).
std::vector<std::string> ReadClassNames(const Json& node, const std::string& path,
                                        Diagnostics& d);

// "01:aa:bb" (hex, Kea's form) or 'text' (Kea: the bytes of the quoted string).
absl::StatusOr<std::vector<uint8_t>> DecodeIdentifier(absl::string_view text);

// Identifiers are keyed as byte strings: std::map over std::vector<uint8_t> trips a
// GCC 12 -Wstringop-overread false positive at -O3.
std::string BytesKey(const std::vector<uint8_t>& bytes);

}  // namespace fastlease::config::internal
