// Building the control-channel request(s) for a parsed command line, with
// every value checked first (addresses, MACs, numbers, config files).
//
//   absl::StatusOr<Plan> plan = BuildPlan(*ParseCommandLine({"lease4-get", "10.0.0.5"}));
//   plan->requests[0] == {"command": "lease4-get", "arguments": {"ip-address": "10.0.0.5"}}
//
// A request is Kea's {"command": NAME, "arguments": {...}}; "arguments" is
// left out when there are none. Config files named on the command line are
// read here. Errors are kInvalidArgument (usage errors, exit status 2).
// Not for local commands (help, completion, config check).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "control/cli/command_line.h"
#include "nlohmann/json.hpp"

namespace fastlease::cli {

// Page size of `fastlease leases` and lease6-get-all, and the default --limit of
// lease4-get-page and lease6-get-page.
inline constexpr uint64_t kLeasePageSize = 1000;

// How a successful answer is shown.
enum class Output {
  kText,         // the answer's text
  kLeases,       // a lease table (Plan::family's) from {"leases": [...]} or one lease object
  kLeasePage,    // a lease table, then the next-page command on stderr when full
  kStats,        // a statistics table
  kConfig,       // the config object without "hash", as indented JSON
  kConfigWrite,  // the text, else "Wrote N bytes to FILE"
  kStatus,       // the status-get summary
  kVersion,      // arguments.extended, else the text
  kList,         // one array element per line
  kRaw,          // the arguments as indented JSON, else the text
};

enum class Mode {
  kSingle,      // one request
  kEachMerged,  // every request in turn; argument objects merged (statistic-get per name)
  kPaged,       // lease4/6-get-page from requests[0], then from the last address returned
};

struct Plan {
  Mode mode = Mode::kSingle;
  Output output = Output::kText;
  std::vector<nlohmann::json> requests;
  uint64_t max_leases = 0;  // kLeases/kPaged: show at most this many; 0: all
  uint64_t page_size = 0;   // kPaged, kLeasePage: the limit asked for per page
  IpFamily family = IpFamily::kV4;  // kLeases, kLeasePage, kPaged: v4 or v6 leases
  // Put before the server's error text ("FILE: ..."): what the server could not
  // name, such as the file a config came from. Empty: nothing.
  std::string error_context;
};

// Kea's request object: {"command": command, "arguments": arguments} without
// "arguments" when it is null.
nlohmann::json MakeRequest(std::string_view command, nlohmann::json arguments = nullptr);

absl::StatusOr<Plan> BuildPlan(const Invocation& invocation);

// Reads a JSON object from `path` (config test/set). kInvalidArgument naming
// the file when it cannot be read, is not JSON, or is not an object.
absl::StatusOr<nlohmann::json> ReadJsonObjectFile(std::string_view path);

}  // namespace fastlease::cli
