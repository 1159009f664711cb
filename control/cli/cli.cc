#include "control/cli/cli.h"

#include <array>
#include <cmath>
#include <vector>

#include "fmt/ranges.h"
#include "control/cli/command_line.h"
#include "control/cli/completion.h"
#include "control/cli/exit_status.h"
#include "control/cli/help.h"
#include "control/cli/render.h"
#include "control/cli/request.h"
#include "control/cli/validate.h"
#include "control/config/config_check.h"
#include "fmt/format.h"

namespace fastlease::cli {
namespace {

using nlohmann::json;

std::string Dump(const json& j) {
  return j.dump(2, ' ', false, json::error_handler_t::replace);
}

int Code(ExitCode code) { return static_cast<int>(code); }

// "IPv4", "IPv6", as in the server's "N IPv4 lease(s) found.".
std::string_view FamilyLabel(IpFamily family) { return family == IpFamily::kV4 ? "IPv4" : "IPv6"; }

// A lease's address as bytes in network order, so that later addresses compare
// greater; nullopt when the lease has no address of `family`.
std::optional<std::array<uint8_t, 16>> AddressKey(IpFamily family, const nlohmann::json& lease) {
  if (!lease.is_object() || !lease.contains("ip-address") || !lease["ip-address"].is_string()) {
    return std::nullopt;
  }
  const std::string text = lease["ip-address"].get<std::string>();
  if (family == IpFamily::kV6) return ParseIpv6(text);
  std::optional<uint32_t> v4 = ParseIpv4(text);
  if (!v4) return std::nullopt;
  return std::array<uint8_t, 16>{static_cast<uint8_t>(*v4 >> 24), static_cast<uint8_t>(*v4 >> 16),
                                 static_cast<uint8_t>(*v4 >> 8), static_cast<uint8_t>(*v4)};
}

class Session {
 public:
  Session(const Endpoint& endpoint, const Transport& transport, std::ostream& out,
          std::ostream& err, bool json)
      : endpoint_(endpoint), transport_(transport), out_(out), err_(err), json_(json) {}

  int Execute(const Plan& plan) {
    switch (plan.mode) {
      case Mode::kSingle:
        return ExecuteSingle(plan);
      case Mode::kEachMerged:
        return ExecuteEachMerged(plan);
      case Mode::kPaged:
        return ExecutePaged(plan);
    }
    return Code(ExitCode::kTransport);
  }

 private:
  absl::StatusOr<Answer> Send(const json& request) {
    absl::StatusOr<std::string> bytes =
        transport_ ? transport_(endpoint_, request.dump(-1, ' ', false, json::error_handler_t::replace))
                   : Exchange(endpoint_, request.dump(-1, ' ', false, json::error_handler_t::replace));
    if (!bytes.ok()) return bytes.status();
    return ParseAnswer(*bytes);
  }

  int Fail(const absl::Status& status) {
    err_ << "fastlease: " << status.message() << "\n";
    return Code(ExitCodeForStatus(status));
  }

  // Prints an error or empty answer; returns its exit status. nullopt for result 0.
  std::optional<int> NotSuccess(const Answer& answer, std::string_view context = {}) {
    ExitCode code = ExitCodeForResult(answer.result);
    if (code == ExitCode::kOk) return std::nullopt;
    if (code == ExitCode::kEmpty) {
      if (!json_) out_ << (answer.text.empty() ? "Nothing found." : answer.text) << "\n";
      return Code(code);
    }
    std::string text = answer.text.empty() ? "the server reported an error" : answer.text;
    if (answer.result != kResultError && answer.result != kResultUnsupported) {
      text += fmt::format(" (result {})", answer.result);
    }
    if (!context.empty()) text = fmt::format("{}: {}", context, text);
    err_ << "fastlease: " << text << "\n";
    return Code(code);
  }

  int ExecuteSingle(const Plan& plan) {
    absl::StatusOr<Answer> answer = Send(plan.requests.front());
    if (!answer.ok()) return Fail(answer.status());
    if (json_) {
      out_ << Dump(answer->raw) << "\n";
      if (std::optional<int> code = NotSuccess(*answer, plan.error_context)) return *code;
      return Code(ExitCode::kOk);
    }
    if (std::optional<int> code = NotSuccess(*answer, plan.error_context)) return *code;
    absl::Status shown = Show(plan, *answer);
    if (!shown.ok()) return Fail(shown);
    return Code(ExitCode::kOk);
  }

  absl::Status Show(const Plan& plan, const Answer& answer) {
    const json& args = answer.arguments;
    switch (plan.output) {
      case Output::kText:
        if (!answer.text.empty()) out_ << answer.text << "\n";
        return absl::OkStatus();
      case Output::kLeases:
      case Output::kLeasePage: {
        json leases;
        if (args.is_object() && args.contains("leases")) {
          leases = args["leases"];
        } else if (args.is_object() && args.contains("ip-address")) {
          leases = json::array({args});
        } else {
          return absl::DataLossError("malformed answer: no lease and no 'leases' in the arguments");
        }
        if (!leases.is_array()) return absl::DataLossError("malformed answer: 'leases' is not a list");
        if (plan.max_leases != 0 && leases.size() > plan.max_leases) {
          leases.erase(leases.begin() + static_cast<std::ptrdiff_t>(plan.max_leases), leases.end());
        }
        if (leases.empty() && !answer.text.empty()) {
          out_ << answer.text << "\n";
          return absl::OkStatus();
        }
        absl::StatusOr<std::string> table = RenderLeases(leases, plan.family);
        if (!table.ok()) return table.status();
        out_ << *table;
        if (plan.output == Output::kLeasePage && leases.size() >= plan.page_size &&
            leases.back().is_object() && leases.back().value("ip-address", json()).is_string()) {
          err_ << fmt::format("next page: fastlease {} --from {} --limit {}\n",
                              plan.requests.front()["command"].get<std::string>(),
                              leases.back()["ip-address"].get<std::string>(), plan.page_size);
        }
        return absl::OkStatus();
      }
      case Output::kStats: {
        absl::StatusOr<std::string> table = RenderStats(args.is_null() ? json::object() : args);
        if (!table.ok()) return table.status();
        out_ << *table;
        return absl::OkStatus();
      }
      case Output::kConfig: {
        if (!args.is_object()) return absl::DataLossError("malformed answer: config-get returned no object");
        json config = args;
        config.erase("hash");
        out_ << Dump(config) << "\n";
        return absl::OkStatus();
      }
      case Output::kConfigWrite:
        if (!answer.text.empty()) {
          out_ << answer.text << "\n";
        } else if (args.is_object()) {
          out_ << fmt::format("Wrote {} bytes to {}.\n", args.value("size", json()).dump(),
                              args.value("filename", json()).dump());
        }
        return absl::OkStatus();
      case Output::kStatus: {
        absl::StatusOr<std::string> text = RenderStatus(args);
        if (!text.ok()) return text.status();
        out_ << *text;
        return absl::OkStatus();
      }
      case Output::kVersion:
        if (args.is_object() && args.contains("extended") && args["extended"].is_string()) {
          out_ << args["extended"].get<std::string>() << "\n";
        } else {
          out_ << answer.text << "\n";
        }
        return absl::OkStatus();
      case Output::kList:
        if (!args.is_array()) return absl::DataLossError("malformed answer: the command list is not a list");
        for (const json& name : args) {
          out_ << (name.is_string() ? name.get<std::string>() : name.dump()) << "\n";
        }
        return absl::OkStatus();
      case Output::kRaw:
        if (!args.is_null()) {
          out_ << Dump(args) << "\n";
        } else if (!answer.text.empty()) {
          out_ << answer.text << "\n";
        }
        return absl::OkStatus();
    }
    return absl::OkStatus();
  }

  // statistic-get for each name; the argument objects merged.
  int ExecuteEachMerged(const Plan& plan) {
    json merged = json::object();
    std::vector<std::string> missing;
    std::optional<Answer> only;
    for (const json& request : plan.requests) {
      absl::StatusOr<Answer> answer = Send(request);
      if (!answer.ok()) return Fail(answer.status());
      const std::string name = request["arguments"].value("name", "");
      if (answer->result == kResultEmpty) {
        missing.push_back(name);
        continue;
      }
      if (ExitCodeForResult(answer->result) != ExitCode::kOk) {
        if (json_) out_ << Dump(answer->raw) << "\n";
        return *NotSuccess(*answer);
      }
      if (!answer->arguments.is_null() && !answer->arguments.is_object()) {
        return Fail(absl::DataLossError("malformed answer: statistics are not an object"));
      }
      if (answer->arguments.is_null() || answer->arguments.empty()) {
        missing.push_back(name);
      } else {
        merged.update(answer->arguments);
      }
      if (plan.requests.size() == 1) only = *answer;
    }
    const ExitCode code = merged.empty() ? ExitCode::kEmpty : ExitCode::kOk;
    if (json_) {
      if (only) {
        out_ << Dump(only->raw) << "\n";
      } else {
        json answer = {{"result", merged.empty() ? kResultEmpty : kResultSuccess},
                       {"text", fmt::format("{} statistic(s) found.", merged.size())},
                       {"arguments", merged}};
        out_ << Dump(answer) << "\n";
      }
    }
    for (const std::string& name : missing) {
      err_ << fmt::format("fastlease: no statistic named '{}'\n", name);
    }
    if (json_) return Code(code);
    if (merged.empty()) {
      out_ << "No such statistic.\n";
      return Code(code);
    }
    absl::StatusOr<std::string> table = RenderStats(merged);
    if (!table.ok()) return Fail(table.status());
    out_ << *table;
    return Code(code);
  }

  // lease4-get-page (lease6-get-page) from "start", then from the last address
  // of each page.
  int ExecutePaged(const Plan& plan) {
    json all = json::array();
    json request = plan.requests.front();
    const std::string command = request["command"].get<std::string>();
    const std::string_view label = FamilyLabel(plan.family);
    std::optional<std::array<uint8_t, 16>> previous;
    std::string empty_text;
    while (true) {
      absl::StatusOr<Answer> answer = Send(request);
      if (!answer.ok()) return Fail(answer.status());
      if (answer->result == kResultEmpty) {
        empty_text = answer->text;
        break;
      }
      if (ExitCodeForResult(answer->result) != ExitCode::kOk) {
        if (json_) out_ << Dump(answer->raw) << "\n";
        return *NotSuccess(*answer);
      }
      const json& args = answer->arguments;
      if (!args.is_object() || !args.contains("leases") || !args["leases"].is_array()) {
        return Fail(absl::DataLossError(
            fmt::format("malformed answer: {} returned no 'leases' list", command)));
      }
      const json& page = args["leases"];
      for (const json& lease : page) {
        if (plan.max_leases != 0 && all.size() >= plan.max_leases) break;
        all.push_back(lease);
      }
      const uint64_t asked = request["arguments"]["limit"].get<uint64_t>();
      if (page.size() < asked || page.empty()) break;
      if (plan.max_leases != 0 && all.size() >= plan.max_leases) break;
      const json& last = page.back();
      std::optional<std::array<uint8_t, 16>> last_address = AddressKey(plan.family, last);
      if (!last_address || (previous && *last_address <= *previous)) {
        return Fail(absl::DataLossError(fmt::format(
            "malformed answer: {} did not advance past the previous page", command)));
      }
      previous = last_address;
      request["arguments"]["from"] = last["ip-address"];
      if (plan.max_leases != 0) {
        request["arguments"]["limit"] =
            std::min<uint64_t>(plan.page_size, plan.max_leases - all.size());
      }
    }
    if (all.empty()) {
      const std::string text =
          empty_text.empty() ? fmt::format("0 {} lease(s) found.", label) : empty_text;
      if (json_) {
        out_ << Dump(json{{"result", kResultEmpty}, {"text", text}}) << "\n";
      } else {
        out_ << text << "\n";
      }
      return Code(ExitCode::kEmpty);
    }
    if (json_) {
      json answer = {{"result", kResultSuccess},
                     {"text", fmt::format("{} {} lease(s) found.", all.size(), label)},
                     {"arguments", {{"leases", all}, {"count", all.size()}}}};
      out_ << Dump(answer) << "\n";
      return Code(ExitCode::kOk);
    }
    absl::StatusOr<std::string> table = RenderLeases(all, plan.family);
    if (!table.ok()) return Fail(table.status());
    out_ << *table;
    return Code(ExitCode::kOk);
  }

  const Endpoint& endpoint_;
  const Transport& transport_;
  std::ostream& out_;
  std::ostream& err_;
  const bool json_;
};

int UsageFailure(std::ostream& err, const absl::Status& status) {
  err << "fastlease: " << status.message() << "\n";
  return Code(ExitCode::kUsage);
}

// `config check FILE`, answered here: the report, then 0 if the file would load and
// 1 (kError, as `config test` on a bad file) if not; 2 if it cannot be read.
int CheckConfig(const Invocation& inv, std::ostream& out, std::ostream& err) {
  const std::string& file = inv.args[0];
  absl::StatusOr<config::ConfigCheck> check = config::CheckConfigFile(file);
  if (!check.ok()) return UsageFailure(err, check.status());
  if (inv.global.json) {
    out << Dump(ConfigCheckJson(file, *check)) << "\n";
  } else {
    out << RenderConfigCheck(*check);
  }
  return Code(check->ok ? ExitCode::kOk : ExitCode::kError);
}

}  // namespace

int Run(std::span<const std::string> args, const Environment& env, std::ostream& out,
        std::ostream& err) {
  absl::StatusOr<Invocation> parsed = ParseCommandLine(args);
  if (!parsed.ok()) return UsageFailure(err, parsed.status());
  const Invocation& inv = *parsed;

  if (inv.global.version) {
    out << VersionText() << "\n";
    return Code(ExitCode::kOk);
  }
  if (inv.global.help) {
    out << (inv.command == nullptr ? GlobalHelp() : CommandHelp(*inv.command));
    return Code(ExitCode::kOk);
  }
  if (inv.command == nullptr) {
    err << "fastlease: no command given\n\n" << GlobalHelp();
    return Code(ExitCode::kUsage);
  }
  if (inv.command->id == CommandId::kHelp) {
    if (inv.args.empty()) {
      out << GlobalHelp();
      return Code(ExitCode::kOk);
    }
    const std::string name = fmt::to_string(fmt::join(inv.args, " "));
    const CommandSpec* spec = FindCommand(name);
    if (spec == nullptr) {
      return UsageFailure(err, UsageError(nullptr, fmt::format("no help for unknown command '{}'", name)));
    }
    out << CommandHelp(*spec);
    return Code(ExitCode::kOk);
  }
  if (inv.command->id == CommandId::kCompletion) {
    if (inv.args[0] != "bash") {
      return UsageFailure(err, UsageError(inv.command, fmt::format("no completion for shell '{}' (only bash)", inv.args[0])));
    }
    out << BashCompletionScript();
    return Code(ExitCode::kOk);
  }

  if (inv.command->id == CommandId::kConfigCheck) return CheckConfig(inv, out, err);

  Endpoint endpoint;
  if (inv.global.socket) {
    endpoint.socket_path = *inv.global.socket;
  } else if (env.socket_env && !env.socket_env->empty()) {
    endpoint.socket_path = *env.socket_env;
  }
  if (inv.global.timeout) {
    std::optional<double> seconds = ParseTimeoutSeconds(*inv.global.timeout);
    if (!seconds) {
      return UsageFailure(err, UsageError(inv.command, fmt::format("--timeout must be a number of seconds above 0 and at most 86400, not '{}'", *inv.global.timeout)));
    }
    endpoint.timeout = std::chrono::milliseconds(static_cast<int64_t>(std::ceil(*seconds * 1000)));
  }

  absl::StatusOr<Plan> plan = BuildPlan(inv);
  if (!plan.ok()) {
    err << "fastlease: " << plan.status().message() << "\n";
    return Code(ExitCodeForStatus(plan.status()));
  }
  Session session(endpoint, env.transport, out, err, inv.global.json);
  return session.Execute(*plan);
}

}  // namespace fastlease::cli
