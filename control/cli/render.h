// Human-readable rendering of Kea answers: aligned tables of leases and
// statistics, and the status summary.
//
//   RenderTable({{"address"}, {"subnet", /*right=*/true}}, {{"10.0.0.5", "1"}})
//     == "address   subnet\n10.0.0.5       1\n"
//
// Columns are separated by two spaces; no line has trailing spaces. Times are
// local (the TZ environment variable applies). Functions taking answer JSON
// return kDataLoss ("malformed answer: ...") when its shape is not Kea's.
// Pure apart from reading the time zone; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "control/cli/commands.h"
#include "control/config/config_check.h"
#include "nlohmann/json.hpp"

namespace fastlease::cli {

struct Column {
  std::string header;  // empty headers on every column: no header line
  bool right = false;  // right-aligned (numbers)
};

// Rows shorter than the column list are padded with empty cells.
std::string RenderTable(const std::vector<Column>& columns,
                        const std::vector<std::vector<std::string>>& rows);

// "YYYY-MM-DD HH:MM:SS" in local time.
std::string FormatLocalTime(int64_t epoch_seconds);

// "2d 3h 4m 5s", "4m 0s", "5s"; "-" for negative values.
std::string FormatDuration(int64_t seconds);

// Kea's lease state: 0 "bound", 1 "declined", 2 "expired", 2 with
// "released": true "released", anything else "state N".
std::string LeaseStateName(const nlohmann::json& lease);

// The lease table. DHCPv4: address, hw-address, client-id, subnet, state,
// valid-lft, expires. DHCPv6: address ("address/prefix-len" when the length
// is not 128), type (IA_NA, IA_PD), duid, iaid, subnet, state, preferred-lft,
// valid-lft, expires. expires is cltt + valid-lft ("never" for an infinite
// lifetime 0xffffffff). Missing fields show as "-". `leases` must be an
// array of lease objects.
absl::StatusOr<std::string> RenderLeases(const nlohmann::json& leases,
                                         IpFamily family = IpFamily::kV4);

// The statistics table (name, value, timestamp) from {name: [[value, ts], ...]}:
// global statistics, then each subnet[ID], then each lcore[N] (other NAME[N]
// groups after, by name), groups in numeric order and split by a blank line,
// names sorted within a group. The newest sample of each statistic is shown.
absl::StatusOr<std::string> RenderStats(const nlohmann::json& stats);

// The status-get summary as "label  value" lines: known keys first (pids,
// uptimes, last reload, dataplane connection, workers, config epoch, lease
// events), then every other key flattened as a.b.c.
absl::StatusOr<std::string> RenderStatus(const nlohmann::json& status);

// `config check`: the table (path, verdict, note) in the report's order, then
// "N honoured, M ignored (warning), K rejected".
std::string RenderConfigCheck(const config::ConfigCheck& check);

// `config check --json`: {"file": file, "ok": bool, "summary": {"honoured": N,
// "ignored": M, "rejected": K}, "keys": [{"path", "verdict", "message"}, ...],
// "errors": [...], "warnings": [...]}. "message" is left out when empty.
nlohmann::json ConfigCheckJson(std::string_view file, const config::ConfigCheck& check);

}  // namespace fastlease::cli
