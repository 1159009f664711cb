// CommandRouter: answers the control channel's commands (docs/commands.md).
//
//   CommandRouter router(io, link, {.on_shutdown = ..., .control_status = ...});
//   CommandSocket socket(io, options, [&](CommandRequest r, CommandSocket::Reply reply) {
//     router.Handle(std::move(r), std::move(reply));
//   });
//
// Answered here: list-commands, version-get, build-report, status-get (with the
// dataplane's own status-get under "dataplane"), shutdown (forwarded to the
// dataplane; once it answers — or cannot — the answer is relayed and
// on_shutdown(exit-value) called). Other known commands are forwarded verbatim
// and their answer relayed verbatim; unknown ones get result 2
// "'x' command not supported.". After shutdown, every command gets result 1.
//
// Single-threaded: the io_context's thread.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "control/command.h"
#include "control/command_forwarder.h"
#include "nlohmann/json.hpp"

namespace fastlease::control {

using ReplyFunction = std::function<void(std::string answer_json)>;

struct CommandRouterHooks {
  // After the shutdown command's answer was handed to its reply.
  std::function<void(int exit_value)> on_shutdown;
  // fastlease-control's own state for status-get's "control" member.
  std::function<nlohmann::json()> control_status;
};

class CommandRouter {
 public:
  CommandRouter(CommandForwarder& dataplane, CommandRouterHooks hooks);

  void Handle(CommandRequest request, ReplyFunction reply);

  bool shutting_down() const { return shutting_down_; }

 private:
  void StatusGet(ReplyFunction reply);
  void Shutdown(const CommandRequest& request, ReplyFunction reply);

  CommandForwarder& dataplane_;
  CommandRouterHooks hooks_;
  std::chrono::steady_clock::time_point started_;
  bool shutting_down_ = false;
};

// The answers that need no state, for tests and the CLI.
std::string ListCommandsAnswer();
std::string VersionGetAnswer();
std::string BuildReportAnswer();
// The multi-line text of build-report.
std::string BuildReportText();

}  // namespace fastlease::control
