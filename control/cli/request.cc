#include "control/cli/request.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "control/cli/validate.h"
#include "fmt/format.h"

namespace fastlease::cli {
namespace {

using nlohmann::json;

constexpr uint64_t kMaxSubnetId = 4294967294;  // Kea's subnet4[].id range is 1..2^32-2

absl::StatusOr<std::string> Address(const CommandSpec* spec, std::string_view text) {
  if (!ParseIpv4(text)) {
    return UsageError(spec, fmt::format("'{}' is not an IPv4 address", text));
  }
  return std::string(text);
}

absl::StatusOr<std::string> HwAddress(const CommandSpec* spec, std::string_view text) {
  std::optional<std::string> hw = NormalizeHwAddress(text);
  if (!hw) {
    return UsageError(spec, fmt::format("'{}' is not a hardware address (1 to {} hex bytes such "
                                        "as 52:54:00:12:34:56)",
                                        text, kMaxHwAddressBytes));
  }
  return *hw;
}

absl::StatusOr<std::string> ClientId(const CommandSpec* spec, std::string_view text) {
  std::optional<std::string> id = NormalizeClientId(text);
  if (!id) {
    return UsageError(spec, fmt::format("'{}' is not a client identifier (hex bytes such as "
                                        "01:52:54:00:12:34:56)",
                                        text));
  }
  return *id;
}

absl::StatusOr<uint64_t> Number(const CommandSpec* spec, std::string_view flag,
                                std::string_view text, uint64_t min, uint64_t max) {
  std::optional<uint64_t> n = ParseUnsigned(text, max);
  if (!n || *n < min) {
    return UsageError(spec, fmt::format("{} must be a whole number from {} to {}, not '{}'", flag,
                                        min, max, text));
  }
  return *n;
}

#define FL_ASSIGN_OR_RETURN(lhs, expr)      \
  auto FL_CONCAT(status_or_, __LINE__) = (expr);  \
  if (!FL_CONCAT(status_or_, __LINE__).ok()) return FL_CONCAT(status_or_, __LINE__).status(); \
  lhs = std::move(*FL_CONCAT(status_or_, __LINE__))
#define FL_CONCAT_INNER(a, b) a##b
#define FL_CONCAT(a, b) FL_CONCAT_INNER(a, b)

// {"ip-address"} from the argument, or {"identifier-type", "identifier",
// "subnet-id"} from --hw-address / --client-id and --subnet-id.
absl::StatusOr<json> LeaseSelector(const Invocation& inv) {
  const CommandSpec* spec = inv.command;
  const bool by_hw = inv.HasFlag("--hw-address");
  const bool by_client = inv.HasFlag("--client-id");
  if (!inv.args.empty()) {
    if (by_hw || by_client || inv.HasFlag("--subnet-id")) {
      return UsageError(spec, "give an address or --hw-address/--client-id with --subnet-id, not both");
    }
    FL_ASSIGN_OR_RETURN(std::string ip, Address(spec, inv.args[0]));
    return json{{"ip-address", ip}};
  }
  if (by_hw && by_client) return UsageError(spec, "give --hw-address or --client-id, not both");
  if (!by_hw && !by_client) {
    return UsageError(spec, "give an address, or --hw-address or --client-id with --subnet-id");
  }
  std::optional<std::string> subnet = inv.Flag("--subnet-id");
  if (!subnet) {
    return UsageError(spec, fmt::format("{} needs --subnet-id (a client's lease is per subnet)",
                                        by_hw ? "--hw-address" : "--client-id"));
  }
  FL_ASSIGN_OR_RETURN(uint64_t subnet_id, Number(spec, "--subnet-id", *subnet, 1, kMaxSubnetId));
  json args;
  if (by_hw) {
    FL_ASSIGN_OR_RETURN(std::string hw, HwAddress(spec, *inv.Flag("--hw-address")));
    args["identifier-type"] = "hw-address";
    args["identifier"] = hw;
  } else {
    FL_ASSIGN_OR_RETURN(std::string id, ClientId(spec, *inv.Flag("--client-id")));
    args["identifier-type"] = "client-id";
    args["identifier"] = id;
  }
  args["subnet-id"] = subnet_id;
  return args;
}

// lease4-add / lease4-update arguments.
absl::StatusOr<json> LeaseValues(const Invocation& inv) {
  const CommandSpec* spec = inv.command;
  json args;
  FL_ASSIGN_OR_RETURN(args["ip-address"], Address(spec, inv.args[0]));
  FL_ASSIGN_OR_RETURN(args["hw-address"], HwAddress(spec, inv.args[1]));
  if (auto v = inv.Flag("--subnet-id")) {
    FL_ASSIGN_OR_RETURN(args["subnet-id"], Number(spec, "--subnet-id", *v, 1, kMaxSubnetId));
  }
  if (auto v = inv.Flag("--valid-lft")) {
    FL_ASSIGN_OR_RETURN(args["valid-lft"], Number(spec, "--valid-lft", *v, 0, UINT32_MAX));
  }
  if (auto v = inv.Flag("--client-id")) {
    FL_ASSIGN_OR_RETURN(args["client-id"], ClientId(spec, *v));
  }
  if (auto v = inv.Flag("--hostname")) {
    if (v->empty() || v->size() > 255) {
      return UsageError(spec, "--hostname must be 1 to 255 characters");
    }
    args["hostname"] = *v;
  }
  if (auto v = inv.Flag("--expire")) {
    FL_ASSIGN_OR_RETURN(args["expire"], Number(spec, "--expire", *v, 0, INT64_MAX));
  }
  return args;
}

absl::StatusOr<json> SubnetList(const Invocation& inv) {
  json subnets = json::array();
  for (const std::string& v : inv.FlagValues("--subnet-id")) {
    FL_ASSIGN_OR_RETURN(uint64_t id, Number(inv.command, "--subnet-id", v, 1, kMaxSubnetId));
    subnets.push_back(id);
  }
  return subnets;
}

Plan Single(json request, Output output) {
  Plan plan;
  plan.output = output;
  plan.requests.push_back(std::move(request));
  return plan;
}

}  // namespace

json MakeRequest(std::string_view command, json arguments) {
  json request = {{"command", command}};
  if (!arguments.is_null()) request["arguments"] = std::move(arguments);
  return request;
}

absl::StatusOr<json> ReadJsonObjectFile(std::string_view path) {
  std::ifstream in{std::string(path), std::ios::binary};
  if (!in) {
    return absl::InvalidArgumentError(
        fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::InvalidArgumentError(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  }
  json j;
  try {
    j = json::parse(text.str());
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
    if (size_t close = what.find("] "); close != std::string::npos) what = what.substr(close + 2);
    return absl::InvalidArgumentError(fmt::format("{} is not JSON: {}", path, what));
  }
  if (!j.is_object()) {
    return absl::InvalidArgumentError(
        fmt::format("{} does not hold a JSON object (expected {{\"Dhcp4\": ...}})", path));
  }
  return j;
}

absl::StatusOr<Plan> BuildPlan(const Invocation& inv) {
  const CommandSpec* spec = inv.command;
  switch (spec->id) {
    case CommandId::kLease4Get: {
      FL_ASSIGN_OR_RETURN(json args, LeaseSelector(inv));
      return Single(MakeRequest("lease4-get", std::move(args)), Output::kLeases);
    }
    case CommandId::kLease4Del: {
      FL_ASSIGN_OR_RETURN(json args, LeaseSelector(inv));
      return Single(MakeRequest("lease4-del", std::move(args)), Output::kText);
    }
    case CommandId::kLeases: {
      uint64_t limit = 0;
      if (auto v = inv.Flag("--limit")) {
        FL_ASSIGN_OR_RETURN(limit, Number(spec, "--limit", *v, 1, UINT32_MAX));
      }
      FL_ASSIGN_OR_RETURN(json subnets, SubnetList(inv));
      if (!subnets.empty()) {
        Plan plan = Single(MakeRequest("lease4-get-all", {{"subnets", subnets}}), Output::kLeases);
        plan.max_leases = limit;
        return plan;
      }
      Plan plan;
      plan.mode = Mode::kPaged;
      plan.output = Output::kLeases;
      plan.max_leases = limit;
      plan.page_size = limit != 0 && limit < kLeasePageSize ? limit : kLeasePageSize;
      plan.requests.push_back(
          MakeRequest("lease4-get-page", {{"from", "start"}, {"limit", plan.page_size}}));
      return plan;
    }
    case CommandId::kLease4Add:
    case CommandId::kLease4Update: {
      FL_ASSIGN_OR_RETURN(json args, LeaseValues(inv));
      return Single(MakeRequest(spec->name, std::move(args)), Output::kText);
    }
    case CommandId::kLease4Wipe: {
      json args;
      if (auto v = inv.Flag("--subnet-id")) {
        FL_ASSIGN_OR_RETURN(args["subnet-id"], Number(spec, "--subnet-id", *v, 0, kMaxSubnetId));
      }
      return Single(MakeRequest("lease4-wipe", std::move(args)), Output::kText);
    }
    case CommandId::kLease4GetByHwAddress: {
      FL_ASSIGN_OR_RETURN(std::string hw, HwAddress(spec, inv.args[0]));
      return Single(MakeRequest("lease4-get-by-hw-address", {{"hw-address", hw}}), Output::kLeases);
    }
    case CommandId::kLease4GetAll: {
      FL_ASSIGN_OR_RETURN(json subnets, SubnetList(inv));
      json args = subnets.empty() ? json() : json{{"subnets", subnets}};
      return Single(MakeRequest("lease4-get-all", std::move(args)), Output::kLeases);
    }
    case CommandId::kLease4GetPage: {
      std::string from = "start";
      if (auto v = inv.Flag("--from"); v && *v != "start") {
        FL_ASSIGN_OR_RETURN(from, Address(spec, *v));
      }
      uint64_t limit = kLeasePageSize;
      if (auto v = inv.Flag("--limit")) {
        FL_ASSIGN_OR_RETURN(limit, Number(spec, "--limit", *v, 1, UINT32_MAX));
      }
      Plan plan = Single(MakeRequest("lease4-get-page", {{"from", from}, {"limit", limit}}),
                         Output::kLeasePage);
      plan.page_size = limit;
      return plan;
    }
    case CommandId::kStats: {
      if (inv.args.empty()) return Single(MakeRequest("statistic-get-all"), Output::kStats);
      Plan plan;
      plan.mode = Mode::kEachMerged;
      plan.output = Output::kStats;
      for (const std::string& name : inv.args) {
        if (name.empty()) return UsageError(spec, "a statistic name cannot be empty");
        plan.requests.push_back(MakeRequest("statistic-get", {{"name", name}}));
      }
      return plan;
    }
    case CommandId::kStatisticGet: {
      // As `stats NAME`: an unknown name (Kea answers {}) is "nothing found".
      if (inv.args[0].empty()) return UsageError(spec, "a statistic name cannot be empty");
      Plan plan;
      plan.mode = Mode::kEachMerged;
      plan.output = Output::kStats;
      plan.requests.push_back(MakeRequest("statistic-get", {{"name", inv.args[0]}}));
      return plan;
    }
    case CommandId::kStatisticGetAll:
      return Single(MakeRequest("statistic-get-all"), Output::kStats);
    case CommandId::kStatsReset:
    case CommandId::kStatisticReset:
      if (inv.args.empty()) return Single(MakeRequest("statistic-reset-all"), Output::kText);
      if (inv.args[0].empty()) return UsageError(spec, "a statistic name cannot be empty");
      return Single(MakeRequest("statistic-reset", {{"name", inv.args[0]}}), Output::kText);
    case CommandId::kStatisticResetAll:
      return Single(MakeRequest("statistic-reset-all"), Output::kText);
    case CommandId::kConfigGet:
      return Single(MakeRequest("config-get"), Output::kConfig);
    case CommandId::kConfigTest:
    case CommandId::kConfigSet: {
      FL_ASSIGN_OR_RETURN(json config, ReadJsonObjectFile(inv.args[0]));
      Plan plan =
          Single(MakeRequest(spec->id == CommandId::kConfigTest ? "config-test" : "config-set",
                             std::move(config)),
                 Output::kText);
      plan.error_context = inv.args[0];
      return plan;
    }
    case CommandId::kConfigReload:
      return Single(MakeRequest("config-reload"), Output::kText);
    case CommandId::kConfigWrite: {
      json args;
      if (!inv.args.empty()) {
        if (inv.args[0].empty()) return UsageError(spec, "FILE cannot be empty");
        std::error_code ec;
        std::filesystem::path path = std::filesystem::absolute(inv.args[0], ec);
        args["filename"] = ec ? inv.args[0] : path.lexically_normal().string();
      }
      return Single(MakeRequest("config-write", std::move(args)), Output::kConfigWrite);
    }
    case CommandId::kStatus:
      return Single(MakeRequest("status-get"), Output::kStatus);
    case CommandId::kVersion:
      return Single(MakeRequest("version-get"), Output::kVersion);
    case CommandId::kListCommands:
      return Single(MakeRequest("list-commands"), Output::kList);
    case CommandId::kBuildReport:
      return Single(MakeRequest("build-report"), Output::kText);
    case CommandId::kShutdown: {
      json args;
      if (auto v = inv.Flag("--exit-value")) {
        FL_ASSIGN_OR_RETURN(args["exit-value"], Number(spec, "--exit-value", *v, 0, 255));
      }
      return Single(MakeRequest("shutdown", std::move(args)), Output::kText);
    }
    case CommandId::kRaw: {
      const std::string& command = inv.args[0];
      if (command.empty() || command.find_first_of(" \t\n\"{}") != std::string::npos) {
        return UsageError(spec, fmt::format("'{}' is not a command name", command));
      }
      json args;
      if (inv.args.size() > 1) {
        args = json::parse(inv.args[1], nullptr, /*allow_exceptions=*/false);
        if (args.is_discarded() || !args.is_object()) {
          return UsageError(spec, fmt::format("JSON-ARGS must be a JSON object, not '{}'",
                                              inv.args[1]));
        }
      }
      return Single(MakeRequest(command, std::move(args)), Output::kRaw);
    }
    case CommandId::kConfig:
    case CommandId::kConfigCheck:
    case CommandId::kHelp:
    case CommandId::kCompletion:
      break;
  }
  return absl::InternalError(fmt::format("{} sends no request", spec->name));
}

}  // namespace fastlease::cli
