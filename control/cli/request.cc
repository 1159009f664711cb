#include "control/cli/request.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "control/cli/validate.h"
#include "fmt/format.h"
#include "fmt/ranges.h"

namespace fastlease::cli {
namespace {

using nlohmann::json;

// Kea's subnet4[].id and subnet6[].id range is 1..2^32-2.
constexpr uint64_t kMaxSubnetId = 4294967294;

#define FL_ASSIGN_OR_RETURN(lhs, expr)      \
  auto FL_CONCAT(status_or_, __LINE__) = (expr);  \
  if (!FL_CONCAT(status_or_, __LINE__).ok()) return FL_CONCAT(status_or_, __LINE__).status(); \
  lhs = std::move(*FL_CONCAT(status_or_, __LINE__))
#define FL_CONCAT_INNER(a, b) a##b
#define FL_CONCAT(a, b) FL_CONCAT_INNER(a, b)

// An IPv4 address as typed, or an IPv6 address in RFC 5952 form.
absl::StatusOr<std::string> Address(const CommandSpec* spec, IpFamily family,
                                    std::string_view text) {
  if (family == IpFamily::kV4) {
    if (!ParseIpv4(text)) {
      return UsageError(spec, fmt::format("'{}' is not an IPv4 address", text));
    }
    return std::string(text);
  }
  std::optional<std::string> address = NormalizeIpv6(text);
  if (!address) {
    const size_t slash = text.find('/');
    const bool prefix = slash != std::string_view::npos && ParseIpv6(text.substr(0, slash));
    return UsageError(spec, fmt::format("'{}' is not an IPv6 address{}", text,
                                        prefix ? " (give a prefix as its address, with --type "
                                                 "IA_PD and, to add one, --prefix-len)"
                                               : ""));
  }
  return *address;
}

// Hex bytes in Kea's form, or a usage error saying what `text` should have been.
absl::StatusOr<std::string> HexValue(const CommandSpec* spec, std::string_view text,
                                     std::optional<std::string> normalized,
                                     std::string_view what) {
  if (!normalized) return UsageError(spec, fmt::format("'{}' is not {}", text, what));
  return *std::move(normalized);
}

absl::StatusOr<std::string> HwAddress(const CommandSpec* spec, std::string_view text) {
  return HexValue(spec, text, NormalizeHwAddress(text),
                  fmt::format("a hardware address (1 to {} hex bytes such as 52:54:00:12:34:56)",
                              kMaxHwAddressBytes));
}

absl::StatusOr<std::string> ClientId(const CommandSpec* spec, std::string_view text) {
  return HexValue(spec, text, NormalizeClientId(text),
                  "a client identifier (hex bytes such as 01:52:54:00:12:34:56)");
}

absl::StatusOr<std::string> Duid(const CommandSpec* spec, std::string_view text) {
  return HexValue(spec, text, NormalizeDuid(text),
                  fmt::format("a DUID ({} to {} hex bytes such as "
                              "00:01:00:01:2e:3f:4a:5b:52:54:00:12:34:56)",
                              kMinDuidBytes, kMaxDuidBytes));
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

// --type: Kea's "IA_NA" or "IA_PD" (any case).
absl::StatusOr<std::string> LeaseType(const CommandSpec* spec, std::string_view text) {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper != "IA_NA" && upper != "IA_PD") {
    return UsageError(spec, fmt::format("--type must be IA_NA or IA_PD, not '{}'", text));
  }
  return upper;
}

// "lease4-get-page", "lease6-get-all", ...
std::string LeaseCommand(IpFamily family, std::string_view suffix) {
  return fmt::format("lease{}-{}", family == IpFamily::kV4 ? 4 : 6, suffix);
}

// How a lease command names a client instead of an address: one of the
// identifier flags, plus the numbers a client's lease is keyed by besides.
using Normalizer = absl::StatusOr<std::string> (*)(const CommandSpec*, std::string_view);
struct IdentifierFlag {
  std::string_view flag;  // "--hw-address"
  std::string_view type;  // Kea's identifier-type: "hw-address"
  Normalizer normalize;
};
struct KeyFlag {
  std::string_view flag;  // "--subnet-id"
  std::string_view key;   // "subnet-id"
  uint64_t min;
  uint64_t max;
};
struct ClientSelector {
  std::vector<IdentifierFlag> identifiers;
  std::vector<KeyFlag> keys;  // each needed with an identifier
  std::string_view why;       // why they are needed
};

const ClientSelector& SelectorOf(IpFamily family) {
  static const ClientSelector v4{
      .identifiers = {{"--hw-address", "hw-address", HwAddress},
                      {"--client-id", "client-id", ClientId}},
      .keys = {{"--subnet-id", "subnet-id", 1, kMaxSubnetId}},
      .why = "a client's lease is per subnet",
  };
  static const ClientSelector v6{
      .identifiers = {{"--duid", "duid", Duid}},
      .keys = {{"--iaid", "iaid", 0, UINT32_MAX}, {"--subnet-id", "subnet-id", 1, kMaxSubnetId}},
      .why = "a client's lease is per IA and subnet",
  };
  return family == IpFamily::kV4 ? v4 : v6;
}

// {"ip-address"} from the argument, or {"identifier-type", "identifier",
// "subnet-id"} from --hw-address / --client-id and --subnet-id; for DHCPv6
// --duid with "iaid" and "subnet-id" too, and "type" from --type.
absl::StatusOr<json> LeaseSelector(const Invocation& inv) {
  const CommandSpec* spec = inv.command;
  const ClientSelector& selector = SelectorOf(spec->family);
  std::vector<std::string_view> names;
  std::vector<const IdentifierFlag*> given;
  for (const IdentifierFlag& id : selector.identifiers) {
    names.push_back(id.flag);
    if (inv.HasFlag(id.flag)) given.push_back(&id);
  }
  std::vector<std::string_view> key_names;
  bool any_key = false;
  for (const KeyFlag& key : selector.keys) {
    key_names.push_back(key.flag);
    any_key = any_key || inv.HasFlag(key.flag);
  }
  const std::string with = fmt::to_string(fmt::join(key_names, " and "));
  json args;
  if (!inv.args.empty()) {
    if (!given.empty() || any_key) {
      return UsageError(spec, fmt::format("give an address or {} with {}, not both",
                                          fmt::join(names, "/"), with));
    }
    FL_ASSIGN_OR_RETURN(args["ip-address"], Address(spec, spec->family, inv.args[0]));
  } else {
    if (given.size() > 1) {
      return UsageError(spec, fmt::format("give {}, not both", fmt::join(names, " or ")));
    }
    if (given.empty()) {
      return UsageError(spec, fmt::format("give an address, or {} with {}",
                                          fmt::join(names, " or "), with));
    }
    const IdentifierFlag& id = *given.front();
    for (const KeyFlag& key : selector.keys) {
      std::optional<std::string> value = inv.Flag(key.flag);
      if (!value) {
        return UsageError(spec, fmt::format("{} needs {} ({})", id.flag, with, selector.why));
      }
      FL_ASSIGN_OR_RETURN(args[key.key], Number(spec, key.flag, *value, key.min, key.max));
    }
    args["identifier-type"] = id.type;
    FL_ASSIGN_OR_RETURN(args["identifier"], id.normalize(spec, *inv.Flag(id.flag)));
  }
  if (auto v = inv.Flag("--type")) {
    FL_ASSIGN_OR_RETURN(args["type"], LeaseType(spec, *v));
  }
  return args;
}

// lease4-add / lease4-update: IP HW; lease6-add / lease6-update: IP DUID IAID.
absl::StatusOr<json> LeaseValues(const Invocation& inv) {
  const CommandSpec* spec = inv.command;
  const bool v6 = spec->family == IpFamily::kV6;
  json args;
  FL_ASSIGN_OR_RETURN(args["ip-address"], Address(spec, spec->family, inv.args[0]));
  if (v6) {
    FL_ASSIGN_OR_RETURN(args["duid"], Duid(spec, inv.args[1]));
    FL_ASSIGN_OR_RETURN(args["iaid"], Number(spec, "IAID", inv.args[2], 0, UINT32_MAX));
  } else {
    FL_ASSIGN_OR_RETURN(args["hw-address"], HwAddress(spec, inv.args[1]));
  }
  std::string type = "IA_NA";
  if (auto v = inv.Flag("--type")) {
    FL_ASSIGN_OR_RETURN(type, LeaseType(spec, *v));
    args["type"] = type;
  }
  if (auto v = inv.Flag("--prefix-len")) {
    FL_ASSIGN_OR_RETURN(uint64_t len, Number(spec, "--prefix-len", *v, 1, 128));
    if (type == "IA_NA" && len != 128) {
      return UsageError(spec, "--prefix-len must be 128 for an address (IA_NA); a delegated "
                              "prefix needs --type IA_PD");
    }
    if (HasBitsPastPrefix(*ParseIpv6(inv.args[0]), len)) {
      return UsageError(spec, fmt::format("'{}' has bits set past /{}: give the prefix's first "
                                          "address",
                                          inv.args[0], len));
    }
    args["prefix-len"] = len;
  }
  if (auto v = inv.Flag("--subnet-id")) {
    FL_ASSIGN_OR_RETURN(args["subnet-id"], Number(spec, "--subnet-id", *v, 1, kMaxSubnetId));
  }
  if (auto v = inv.Flag("--valid-lft")) {
    FL_ASSIGN_OR_RETURN(args["valid-lft"], Number(spec, "--valid-lft", *v, 0, UINT32_MAX));
  }
  if (auto v = inv.Flag("--preferred-lft")) {
    FL_ASSIGN_OR_RETURN(args["preferred-lft"], Number(spec, "--preferred-lft", *v, 0, UINT32_MAX));
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
    // The DHCPv6 lease store keeps expiry as 32-bit seconds.
    FL_ASSIGN_OR_RETURN(args["expire"],
                        Number(spec, "--expire", *v, 0, v6 ? UINT32_MAX : INT64_MAX));
  }
  if (inv.HasFlag("--force-create")) args["force-create"] = true;
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

// "service": [SERVICE] for the statistics commands, from --service or -6;
// nullopt when neither is given (the server's default, dhcp4).
absl::StatusOr<std::optional<std::string>> Service(const Invocation& inv) {
  std::optional<std::string> service = inv.Flag("--service");
  if (service && *service != "dhcp4" && *service != "dhcp6") {
    return UsageError(inv.command,
                      fmt::format("--service must be dhcp4 or dhcp6, not '{}'", *service));
  }
  if (inv.HasFlag("-6")) {
    if (service && *service != "dhcp6") {
      return UsageError(inv.command,
                        fmt::format("-6 and --service {} contradict each other", *service));
    }
    service = "dhcp6";
  }
  return service;
}

Plan Single(json request, Output output, IpFamily family = IpFamily::kV4) {
  Plan plan;
  plan.output = output;
  plan.family = family;
  plan.requests.push_back(std::move(request));
  return plan;
}

// `leases`, lease6-get-all: every lease page by page, or those of the subnets
// given from one get-all; at most --limit of them.
absl::StatusOr<Plan> LeaseListing(const Invocation& inv, IpFamily family) {
  uint64_t limit = 0;
  if (auto v = inv.Flag("--limit")) {
    FL_ASSIGN_OR_RETURN(limit, Number(inv.command, "--limit", *v, 1, UINT32_MAX));
  }
  FL_ASSIGN_OR_RETURN(json subnets, SubnetList(inv));
  if (!subnets.empty()) {
    Plan plan = Single(MakeRequest(LeaseCommand(family, "get-all"), {{"subnets", subnets}}),
                       Output::kLeases, family);
    plan.max_leases = limit;
    return plan;
  }
  Plan plan;
  plan.mode = Mode::kPaged;
  plan.output = Output::kLeases;
  plan.family = family;
  plan.max_leases = limit;
  plan.page_size = limit != 0 && limit < kLeasePageSize ? limit : kLeasePageSize;
  plan.requests.push_back(MakeRequest(LeaseCommand(family, "get-page"),
                                      {{"from", "start"}, {"limit", plan.page_size}}));
  return plan;
}

// lease4-get-page, lease6-get-page: one page from --from, --limit long.
absl::StatusOr<Plan> LeasePage(const Invocation& inv) {
  const CommandSpec* spec = inv.command;
  std::string from = "start";
  if (auto v = inv.Flag("--from"); v && *v != "start") {
    FL_ASSIGN_OR_RETURN(from, Address(spec, spec->family, *v));
  }
  uint64_t limit = kLeasePageSize;
  if (auto v = inv.Flag("--limit")) {
    FL_ASSIGN_OR_RETURN(limit, Number(spec, "--limit", *v, 1, UINT32_MAX));
  }
  Plan plan = Single(MakeRequest(spec->name, {{"from", from}, {"limit", limit}}),
                     Output::kLeasePage, spec->family);
  plan.page_size = limit;
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

namespace {

absl::StatusOr<Plan> PlanRequests(const Invocation& inv) {
  const CommandSpec* spec = inv.command;
  switch (spec->id) {
    case CommandId::kLease4Get:
    case CommandId::kLease6Get: {
      FL_ASSIGN_OR_RETURN(json args, LeaseSelector(inv));
      return Single(MakeRequest(spec->name, std::move(args)), Output::kLeases, spec->family);
    }
    case CommandId::kLease4Del:
    case CommandId::kLease6Del: {
      FL_ASSIGN_OR_RETURN(json args, LeaseSelector(inv));
      return Single(MakeRequest(spec->name, std::move(args)), Output::kText);
    }
    case CommandId::kLeases:
    case CommandId::kLease6GetAll:
      return LeaseListing(inv, spec->family);
    case CommandId::kLease4Add:
    case CommandId::kLease4Update:
    case CommandId::kLease6Add:
    case CommandId::kLease6Update: {
      FL_ASSIGN_OR_RETURN(json args, LeaseValues(inv));
      return Single(MakeRequest(spec->name, std::move(args)), Output::kText);
    }
    case CommandId::kLease4Wipe:
    case CommandId::kLease6Wipe: {
      json args;
      if (auto v = inv.Flag("--subnet-id")) {
        FL_ASSIGN_OR_RETURN(args["subnet-id"], Number(spec, "--subnet-id", *v, 0, kMaxSubnetId));
      }
      return Single(MakeRequest(spec->name, std::move(args)), Output::kText);
    }
    case CommandId::kLease4GetByHwAddress: {
      FL_ASSIGN_OR_RETURN(std::string hw, HwAddress(spec, inv.args[0]));
      return Single(MakeRequest("lease4-get-by-hw-address", {{"hw-address", hw}}), Output::kLeases);
    }
    case CommandId::kLease6GetByDuid: {
      FL_ASSIGN_OR_RETURN(std::string duid, Duid(spec, inv.args[0]));
      return Single(MakeRequest("lease6-get-by-duid", {{"duid", duid}}), Output::kLeases,
                    IpFamily::kV6);
    }
    case CommandId::kLease4GetAll: {
      FL_ASSIGN_OR_RETURN(json subnets, SubnetList(inv));
      json args = subnets.empty() ? json() : json{{"subnets", subnets}};
      return Single(MakeRequest("lease4-get-all", std::move(args)), Output::kLeases);
    }
    case CommandId::kLease4GetPage:
    case CommandId::kLease6GetPage:
      return LeasePage(inv);
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

}  // namespace

absl::StatusOr<Plan> BuildPlan(const Invocation& inv) {
  FL_ASSIGN_OR_RETURN(std::optional<std::string> service, Service(inv));
  FL_ASSIGN_OR_RETURN(Plan plan, PlanRequests(inv));
  if (service) {
    for (json& request : plan.requests) request["service"] = json::array({*service});
  }
  return plan;
}

}  // namespace fastlease::cli
