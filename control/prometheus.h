// Kea statistics → Prometheus text exposition format (version 0.0.4).
//
//   "pkt4-received": [[125, "..."]]          → fastlease_pkt4_received 125
//   "subnet[1].assigned-addresses": [[7, ..]] → fastlease_subnet_assigned_addresses{subnet_id="1"} 7
//   "lcore[2].wire_ip_fragment": [[3, ..]]    → fastlease_lcore_wire_ip_fragment{lcore="2"} 3
//
// Names: "fastlease_" + the Kea name with '-' and '.' (and anything else
// Prometheus does not allow) turned into '_'. Every family gets one `# TYPE`
// line: gauge for names ending in "-addresses", counter otherwise. Families are
// sorted by name, series by label. Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace fastlease::control {

struct PrometheusSeries {
  std::string family;      // "fastlease_subnet_assigned_addresses"
  std::string label_name;  // "subnet_id", "lcore", or empty
  std::string label_value;
  bool gauge = false;
};

// The series a Kea statistic name becomes.
PrometheusSeries SeriesOfStatistic(std::string_view kea_name);

// `statistics` is the `arguments` of a statistic-get-all answer: {name:
// [[value, timestamp], ...]}; the first (newest) sample is used. Statistics
// whose value is not a number are left out. InvalidArgument when `statistics`
// is not an object.
absl::StatusOr<std::string> StatisticsToPrometheus(const nlohmann::json& statistics);

}  // namespace fastlease::control
