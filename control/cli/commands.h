// The table of `fastlease` commands: names, aliases, positional arity, flags,
// help text and examples. One CommandSpec per command; the argument parser,
// `fastlease help` and the bash completion script are all generated from it.
//
//   const CommandSpec* spec = FindCommand("config-set");   // alias of "config set"
//   spec->id == CommandId::kConfigSet
//
// Commands with sub-commands ("config", "stats", "completion") are looked up
// by their joined name ("config set", "stats reset"). The table is built on
// first use and never changes; safe to read from any thread after that.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace fastlease::cli {

enum class CommandId {
  kLease4Get,
  kLeases,
  kLease4Add,
  kLease4Update,
  kLease4Del,
  kLease4Wipe,
  kLease4GetByHwAddress,
  kLease4GetAll,
  kLease4GetPage,
  kLease6Get,
  kLease6GetAll,
  kLease6GetPage,
  kLease6GetByDuid,
  kLease6Add,
  kLease6Update,
  kLease6Del,
  kLease6Wipe,
  kStats,
  kStatsReset,
  kStatisticGet,
  kStatisticGetAll,
  kStatisticReset,
  kStatisticResetAll,
  kConfig,  // group: needs a sub-command
  kConfigGet,
  kConfigTest,
  kConfigCheck,
  kConfigSet,
  kConfigReload,
  kConfigWrite,
  kStatus,
  kVersion,
  kListCommands,
  kBuildReport,
  kShutdown,
  kRaw,
  kHelp,
  kCompletion,
};

// Which lease store a lease command works on: DHCPv4 (lease4-*) or DHCPv6 (lease6-*).
enum class IpFamily { kV4, kV6 };

// A --flag (or a one-letter -X). Boolean when value_name is empty.
struct FlagSpec {
  std::string_view name;        // "--subnet-id", "-6"
  std::string_view value_name;  // "N"
  std::string_view help;
  bool repeatable = false;      // may be given more than once (values kept in order)
  std::string_view choices;     // the values completion offers, space-separated; empty: any
};

// What a command's positional arguments are, for completion.
enum class ArgKind { kNone, kAny, kFile, kCommand, kKeaCommand, kStatistic, kShell };

inline constexpr size_t kUnlimited = std::numeric_limits<size_t>::max();

struct CommandSpec {
  CommandId id;
  std::string_view name;                  // "lease4-get", "config set"
  std::vector<std::string_view> aliases;  // Kea's name when it differs: "config-set"
  std::string_view group;                 // heading in the command list
  std::vector<std::string_view> usage;    // lines after "fastlease "
  std::string_view summary;               // one line, for the command list
  std::string_view description;           // paragraph(s), for `help COMMAND`
  std::vector<FlagSpec> flags;
  std::vector<std::string_view> examples;  // whole command lines
  size_t min_args = 0;
  size_t max_args = 0;                     // kUnlimited: any number
  std::vector<std::string_view> subcommands;  // words after the name that select "name word"
  bool needs_subcommand = false;
  ArgKind arg_kind = ArgKind::kNone;
  bool local = false;                      // answered by the CLI without the server
  IpFamily family = IpFamily::kV4;         // lease commands: the lease store (lease4-*, lease6-*)
};

// Every command, in the order `fastlease help` lists them.
const std::vector<CommandSpec>& Commands();

// The flags every command accepts (--socket, --json, --timeout, --help, --version).
const std::vector<FlagSpec>& GlobalFlags();

// Looks a command up by name or alias; nullptr if there is none.
const CommandSpec* FindCommand(std::string_view name);

// The flag of `spec` (or a global flag when spec is nullptr) named `name`.
const FlagSpec* FindFlag(const CommandSpec* spec, std::string_view name);

// Kea command names offered for `fastlease raw` completion.
const std::vector<std::string_view>& KnownKeaCommands();

// Statistic names offered for `fastlease stats` completion (docs/commands.md).
const std::vector<std::string_view>& KnownStatistics();

// The closest command name or alias to a mistyped `word` (edit distance <= 2,
// or a unique prefix); empty when nothing is close.
std::string SuggestCommand(std::string_view word);

}  // namespace fastlease::cli
