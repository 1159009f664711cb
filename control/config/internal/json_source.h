// Turns config text into a JSON tree, the only place the config code catches
// nlohmann's exceptions. Accepts what Kea's parser accepts around the JSON itself:
// `#`, `//` and `/* */` comments, and a comma before `}` or `]` (a warning naming the
// line, as Kea warns). Reports duplicate keys in one object (Kea refuses them; nlohmann
// would silently keep the last) with their JSON path.
#pragma once

#include <optional>

#include "absl/strings/string_view.h"
#include "control/config/internal/diagnostics.h"

namespace fastlease::config::internal {

// nullopt after reporting the syntax error to `d` as
//   "<source>: byte N: [json.exception.parse_error.101] parse error at line L, column C: ..."
// Duplicate keys are reported as errors but the tree is still returned.
std::optional<Json> ParseJsonText(absl::string_view text, Diagnostics& d);

}  // namespace fastlease::config::internal
