// Log: one line to stderr, prefixed with a UTC timestamp.
//
//   Log("port {} ({}) up, {} queues", port_id, name, queues);
//   // 2026-11-24T15:42:33.123Z port 0 (net_af_packet0) up, 2 queues
//
// Each line is written with one fwrite, so lines from several threads do not
// interleave. Allocates: for start-up, reload, shutdown and management only,
// never on a worker's fast path.
#pragma once

#include <cstdio>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace fastlease::dataplane {

// "YYYY-MM-DDTHH:MM:SS.mmmZ", now.
std::string LogTimestamp();

void LogLine(std::string_view text);

template <typename... Args>
void Log(fmt::format_string<Args...> format, Args&&... args) {
  LogLine(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace fastlease::dataplane
