// Log: one line to stderr, "<UTC timestamp> fastlease-control: <text>".
//
//   Log("dataplane link: connected to {}", path);
//   // 2026-11-24T15:42:33.123Z fastlease-control: dataplane link: connected to /run/fl/dataplane.sock
//
// Each line is one fwrite, so lines never interleave. Allocates; any thread.
#pragma once

#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace fastlease::control {

void LogLine(std::string_view text);

template <typename... Args>
void Log(fmt::format_string<Args...> format, Args&&... args) {
  LogLine(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace fastlease::control
