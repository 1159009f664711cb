#include "control/cli/command_line.h"

#include <algorithm>

#include "fmt/ranges.h"
#include "fmt/format.h"

namespace fastlease::cli {

bool Invocation::HasFlag(std::string_view name) const {
  return std::any_of(flags.begin(), flags.end(), [&](const auto& f) { return f.first == name; });
}

std::optional<std::string> Invocation::Flag(std::string_view name) const {
  std::optional<std::string> value;
  for (const auto& [n, v] : flags) {
    if (n == name) value = v;
  }
  return value;
}

std::vector<std::string> Invocation::FlagValues(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [n, v] : flags) {
    if (n == name) values.push_back(v);
  }
  return values;
}

absl::Status UsageError(const CommandSpec* spec, std::string_view problem) {
  if (spec == nullptr) {
    return absl::InvalidArgumentError(
        fmt::format("{}\nRun 'fastlease help' for the list of commands.", problem));
  }
  return absl::InvalidArgumentError(
      fmt::format("{}\nRun 'fastlease help {}' for usage.", problem, spec->name));
}

namespace {

std::string UsageLines(const CommandSpec& spec) {
  std::vector<std::string> lines;
  for (std::string_view u : spec.usage) lines.push_back(fmt::format("fastlease {}", u));
  return fmt::to_string(fmt::join(lines, " | "));
}

absl::Status UnknownCommand(std::string_view word) {
  std::string suggestion = SuggestCommand(word);
  if (!suggestion.empty()) {
    return UsageError(nullptr, fmt::format("unknown command '{}'; did you mean '{}'?", word,
                                           suggestion));
  }
  return UsageError(nullptr,
                    fmt::format("unknown command '{}' (other Kea commands can be sent with "
                                "'fastlease raw {} [JSON-ARGS]')",
                                word, word));
}

}  // namespace

absl::StatusOr<Invocation> ParseCommandLine(std::span<const std::string> args) {
  Invocation inv;
  bool end_of_flags = false;
  bool subcommand_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (!end_of_flags && word == "--") {
      end_of_flags = true;
      continue;
    }
    if (!end_of_flags && word.size() > 1 && word[0] == '-') {
      std::string name = word;
      std::optional<std::string> inline_value;
      if (word == "-h") {
        name = "--help";
      } else if (word.rfind("--", 0) != 0) {
        // A one-letter flag (-6): looked up as it is; it takes no value.
      } else if (size_t eq = word.find('='); eq != std::string::npos) {
        name = word.substr(0, eq);
        inline_value = word.substr(eq + 1);
      }
      const FlagSpec* flag = FindFlag(nullptr, name);
      const bool global = flag != nullptr;
      if (flag == nullptr && inv.command != nullptr) flag = FindFlag(inv.command, name);
      if (flag == nullptr) {
        return UsageError(inv.command,
                          inv.command == nullptr
                              ? fmt::format("unknown flag '{}'", name)
                              : fmt::format("unknown flag '{}' for {}", name, inv.command->name));
      }
      std::string value;
      if (flag->value_name.empty()) {
        if (inline_value) {
          return UsageError(inv.command, fmt::format("{} takes no value", name));
        }
      } else if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return UsageError(inv.command,
                          fmt::format("{} needs a value ({})", name, flag->value_name));
      }
      if (global) {
        if (name == "--socket") inv.global.socket = value;
        if (name == "--json") inv.global.json = true;
        if (name == "--timeout") inv.global.timeout = value;
        if (name == "--help") inv.global.help = true;
        if (name == "--version") inv.global.version = true;
        continue;
      }
      if (!flag->repeatable && inv.HasFlag(name)) {
        return UsageError(inv.command, fmt::format("{} given more than once", name));
      }
      inv.flags.emplace_back(name, std::move(value));
      continue;
    }
    // A word: the command, its sub-command, or an argument.
    if (inv.command == nullptr) {
      const CommandSpec* spec = FindCommand(word);
      if (spec == nullptr || word.find(' ') != std::string::npos) return UnknownCommand(word);
      inv.command = spec;
      continue;
    }
    if (!subcommand_done && !inv.command->subcommands.empty() && inv.args.empty()) {
      const auto& subs = inv.command->subcommands;
      if (std::find(subs.begin(), subs.end(), word) != subs.end()) {
        inv.command = FindCommand(fmt::format("{} {}", inv.command->name, word));
        subcommand_done = true;
        continue;
      }
      if (inv.command->needs_subcommand) {
        return UsageError(inv.command,
                          fmt::format("unknown sub-command '{}' for {} (one of: {})", word,
                                      inv.command->name, fmt::to_string(fmt::join(subs, ", "))));
      }
    }
    inv.args.push_back(word);
  }

  if (inv.global.help || inv.global.version || inv.command == nullptr) return inv;
  const CommandSpec& spec = *inv.command;
  if (spec.needs_subcommand) {
    return UsageError(&spec, fmt::format("{} needs a sub-command: {}", spec.name,
                                         fmt::to_string(fmt::join(spec.subcommands, ", "))));
  }
  if (inv.args.size() < spec.min_args) {
    return UsageError(&spec, fmt::format("missing argument; usage: {}", UsageLines(spec)));
  }
  if (inv.args.size() > spec.max_args) {
    return UsageError(&spec, fmt::format("unexpected argument '{}'; usage: {}",
                                         inv.args[spec.max_args], UsageLines(spec)));
  }
  return inv;
}

}  // namespace fastlease::cli
