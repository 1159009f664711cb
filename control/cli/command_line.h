// Parsing `fastlease` arguments against the command table (commands.h).
//
//   fastlease [GLOBAL FLAGS] COMMAND [SUB-COMMAND] [ARGS] [FLAGS]
//
//   absl::StatusOr<Invocation> inv = ParseCommandLine({"lease4-get", "10.0.0.5", "--json"});
//   inv->command->id == CommandId::kLease4Get; inv->args == {"10.0.0.5"}; inv->global.json
//
// Global flags may appear anywhere; a command's flags after the command.
// Flags take their value as the next word or after '=' (--subnet-id=1);
// one-letter flags (-h, -6) take none; "--" ends the flags. Only syntax and
// arity are checked here; values are checked when the request is built
// (request.h). Errors are kInvalidArgument with a message ending in a line
// that names the help to read. Pure.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "control/cli/commands.h"

namespace fastlease::cli {

struct GlobalOptions {
  std::optional<std::string> socket;          // --socket
  bool json = false;                          // --json
  std::optional<std::string> timeout;         // --timeout, unchecked text
  bool help = false;                          // --help / -h
  bool version = false;                       // --version
};

struct Invocation {
  GlobalOptions global;
  const CommandSpec* command = nullptr;  // nullptr: no command word was given
  std::vector<std::string> args;         // positional arguments after the command
  std::vector<std::pair<std::string, std::string>> flags;  // command flags, in order

  bool HasFlag(std::string_view name) const;
  // The value of a non-repeatable flag; nullopt when absent.
  std::optional<std::string> Flag(std::string_view name) const;
  // Every value of a repeatable flag, in order.
  std::vector<std::string> FlagValues(std::string_view name) const;
};

absl::StatusOr<Invocation> ParseCommandLine(std::span<const std::string> args);

// kInvalidArgument "<problem>\nRun 'fastlease help <command>' for usage."
// (or 'fastlease help' when spec is nullptr).
absl::Status UsageError(const CommandSpec* spec, std::string_view problem);

}  // namespace fastlease::cli
