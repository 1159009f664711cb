#include "control/command_router.h"

#include <unistd.h>

#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "absl/base/config.h"
#include "control/build_info.h"
#include "control/command_table.h"

namespace fastlease::control {
namespace {

nlohmann::json ParseAnswer(std::string_view text) {
  return nlohmann::json::parse(text, nullptr, false);
}

int ResultOf(const nlohmann::json& answer) {
  if (answer.is_object()) {
    auto it = answer.find("result");
    if (it != answer.end() && it->is_number_integer()) return it->get<int>();
  }
  return kResultError;
}

std::string TextOf(const nlohmann::json& answer, std::string_view raw) {
  if (answer.is_object()) {
    auto it = answer.find("text");
    if (it != answer.end() && it->is_string()) return it->get<std::string>();
  }
  return std::string(raw);
}

}  // namespace

std::string BuildReportText() {
  std::string r;
  auto add = [&r](std::string_view key, std::string_view value) {
    fmt::format_to(std::back_inserter(r), "{:<20}{}\n", key, value);
  };
  add("fastlease", FL_VERSION);
  add("build type", fmt::format("{} (optimization {}, assertions {})", FL_BUILD_TYPE,
                                FL_OPTIMIZATION,
#ifdef NDEBUG
                                "off"
#else
                                "on"
#endif
                                ));
  add("compiler", fmt::format("{} ({})", FL_COMPILER, __VERSION__));
  add("C++ standard", FL_CPP_STD);
  add("Boost", FL_BOOST_VERSION);
  add("RocksDB", FL_ROCKSDB_VERSION);
  add("DPDK", FL_DPDK_VERSION);
  add("Abseil", fmt::format("LTS {}", ABSL_LTS_RELEASE_VERSION));
  add("nlohmann_json", fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR,
                                   NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH));
  add("fmt", fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100,
                         FMT_VERSION % 100));
  add("features", fmt::format("dhcp4, dhcp6 with prefix delegation, lease events, lease event log, prometheus endpoint, "
                              "dataplane binary {}",
                              FL_DATAPLANE_BUILT ? "built" : "not built"));
  add("not built yet", "ha, ddns, radius, exporters");
  return r;
}

std::string ListCommandsAnswer() {
  nlohmann::json names = nlohmann::json::array();
  for (const CommandInfo& c : AllCommands()) names.push_back(c.name);
  const size_t count = names.size();
  return AnswerText(kResultSuccess, fmt::format("{} commands supported.", count), std::move(names));
}

std::string VersionGetAnswer() {
  return AnswerText(kResultSuccess, FL_VERSION,
                    {{"extended", fmt::format("fastlease {} ({} build, {}, Boost {}, RocksDB {}, "
                                              "DPDK {})",
                                              FL_VERSION, FL_BUILD_TYPE, FL_COMPILER,
                                              FL_BOOST_VERSION, FL_ROCKSDB_VERSION,
                                              FL_DPDK_VERSION)}});
}

std::string BuildReportAnswer() { return AnswerText(kResultSuccess, BuildReportText()); }

CommandRouter::CommandRouter(CommandForwarder& dataplane, CommandRouterHooks hooks)
    : dataplane_(dataplane),
      hooks_(std::move(hooks)),
      started_(std::chrono::steady_clock::now()) {}

void CommandRouter::Handle(CommandRequest request, ReplyFunction reply) {
  if (shutting_down_) {
    reply(AnswerText(kResultError, "fastlease-control is shutting down"));
    return;
  }
  const CommandInfo* info = FindCommand(request.name);
  if (info == nullptr) {
    reply(AnswerText(kResultUnsupported, UnsupportedText(request.name)));
    return;
  }
  if (info->site == CommandSite::kDataplane) {
    dataplane_.Forward(std::move(request.text), std::move(reply));
    return;
  }
  const std::string_view name = info->name;
  if (name == "list-commands") {
    reply(ListCommandsAnswer());
  } else if (name == "version-get") {
    reply(VersionGetAnswer());
  } else if (name == "build-report") {
    reply(BuildReportAnswer());
  } else if (name == "status-get") {
    StatusGet(std::move(reply));
  } else if (name == "shutdown") {
    Shutdown(request, std::move(reply));
  } else {
    reply(AnswerText(kResultUnsupported, UnsupportedText(request.name)));
  }
}

void CommandRouter::StatusGet(ReplyFunction reply) {
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::steady_clock::now() - started_)
                          .count();
  nlohmann::json args = {
      {"pid", getpid()},
      {"uptime", uptime},
      {"reload", uptime},  // Kea: seconds since the config was (re)loaded
      {"control", hooks_.control_status ? hooks_.control_status() : nlohmann::json::object()},
  };
  if (!dataplane_.connected()) {
    args["dataplane"] = {{"connected", false}};
    reply(AnswerText(kResultSuccess, "Server is running.", std::move(args)));
    return;
  }
  dataplane_.Forward(R"({"command": "status-get"})",
                     [this, args = std::move(args), reply = std::move(reply)](
                         std::string answer) mutable {
                       nlohmann::json dp = ParseAnswer(answer);
                       nlohmann::json status;
                       if (ResultOf(dp) == kResultSuccess && dp.contains("arguments") &&
                           dp["arguments"].is_object()) {
                         status = std::move(dp["arguments"]);
                         status["connected"] = true;
                       } else {
                         status = {{"connected", dataplane_.connected()},
                                   {"error", TextOf(dp, answer)}};
                       }
                       args["dataplane"] = std::move(status);
                       reply(AnswerText(kResultSuccess, "Server is running.", std::move(args)));
                     });
}

void CommandRouter::Shutdown(const CommandRequest& request, ReplyFunction reply) {
  int exit_value = 0;
  if (request.arguments.is_object() && request.arguments.contains("exit-value")) {
    const nlohmann::json& v = request.arguments["exit-value"];
    if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 255) {
      reply(AnswerText(kResultError, "'exit-value' must be an integer 0..255"));
      return;
    }
    exit_value = v.get<int>();
  }
  shutting_down_ = true;
  dataplane_.Forward(request.text, [this, exit_value, reply = std::move(reply)](
                                       std::string answer) {
    const nlohmann::json dp = ParseAnswer(answer);
    if (ResultOf(dp) == kResultSuccess) {
      reply(std::move(answer));
    } else {
      reply(AnswerText(kResultError,
                       fmt::format("{}; fastlease-control shuts down anyway", TextOf(dp, answer))));
    }
    if (hooks_.on_shutdown) hooks_.on_shutdown(exit_value);
  });
}

}  // namespace fastlease::control
