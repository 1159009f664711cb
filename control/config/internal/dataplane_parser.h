// Reads our `Dataplane` section (DPDK ports, lcores, rings) into DataplaneConfig.
#pragma once

#include "absl/strings/string_view.h"
#include "control/config/config.h"
#include "control/config/internal/diagnostics.h"

namespace fastlease::config::internal {

// `node` is the section at `path` ("Dataplane"). Fields not given keep the struct's
// defaults. Ring sizes (powers of two) and duplicate devices are checked here too,
// each reported at the key that breaks them.
DataplaneConfig ParseDataplane(const Json& node, absl::string_view path, Diagnostics& d);

}  // namespace fastlease::config::internal
