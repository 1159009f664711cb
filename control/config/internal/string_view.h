// Debian's Abseil is built with its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW
// is 0), which does not convert to or from std::string_view. The public headers of
// control/config use std::string_view; the code behind them uses absl::string_view so
// StrCat and StrSplit take it. These convert at the seams; no copies.
#pragma once

#include <string_view>

#include "absl/strings/string_view.h"

namespace fastlease::config::internal {

inline absl::string_view ToAbsl(std::string_view s) { return {s.data(), s.size()}; }
inline std::string_view ToStd(absl::string_view s) { return {s.data(), s.size()}; }

}  // namespace fastlease::config::internal
