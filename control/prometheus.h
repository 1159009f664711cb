// Kea statistics → Prometheus text exposition format (version 0.0.4).
//
//   "pkt4-received": [[125, "..."]]          → fastlease_pkt4_received 125
//   "subnet[1].assigned-addresses": [[7, ..]] → fastlease_subnet_assigned_addresses{subnet_id="1"} 7
//   "lcore[2].wire_ip_fragment": [[3, ..]]    → fastlease_lcore_wire_ip_fragment{lcore="2"} 3
//
// kea-dhcp6's statistics (asked for with "service": ["dhcp6"]) go under
// "fastlease_dhcp6_": "subnet[1].assigned-nas" → fastlease_dhcp6_subnet_assigned_nas{subnet_id="1"}.
//
// Names: "fastlease_" + the Kea name with '-' and '.' (and anything else
// Prometheus does not allow) turned into '_'. Every family gets one `# TYPE`
// line: gauge for names ending in "-addresses", and for the v6 "-nas"/"-pds"
// levels (not the cumulative ones); counter otherwise. Families are
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

// The series a Kea statistic name becomes; `v6` for kea-dhcp6's set.
PrometheusSeries SeriesOfStatistic(std::string_view kea_name, bool v6 = false);

// `statistics` is the `arguments` of a statistic-get-all answer: {name:
// [[value, timestamp], ...]}; the first (newest) sample is used. Statistics
// whose value is not a number are left out. InvalidArgument when `statistics`
// is not an object. `statistics6`, when an object, is the DHCPv6 set, rendered
// beside it.
absl::StatusOr<std::string> StatisticsToPrometheus(const nlohmann::json& statistics,
                                                   const nlohmann::json& statistics6 = nullptr);

}  // namespace fastlease::control
