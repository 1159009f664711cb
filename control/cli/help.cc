#include "control/cli/help.h"

#include <algorithm>

#include "fmt/ranges.h"
#include "fmt/format.h"

#ifndef FASTLEASE_VERSION
#define FASTLEASE_VERSION "unknown"
#endif

namespace fastlease::cli {
namespace {

std::string FlagLines(const std::vector<FlagSpec>& flags) {
  std::vector<std::string> left;
  size_t width = 0;
  for (const FlagSpec& f : flags) {
    left.push_back(f.value_name.empty() ? std::string(f.name)
                                        : fmt::format("{} {}", f.name, f.value_name));
    width = std::max(width, left.back().size());
  }
  std::string out;
  for (size_t i = 0; i < flags.size(); ++i) {
    out += fmt::format("  {:<{}}  {}\n", left[i], width, flags[i].help);
  }
  return out;
}

}  // namespace

std::string VersionText() { return "fastlease " FASTLEASE_VERSION; }

std::string GlobalHelp() {
  std::string out =
      "fastlease - command-line client of fastlease-control, speaking Kea's control-channel\n"
      "commands over its Unix socket.\n\n"
      "Usage: fastlease [--socket PATH] [--json] [--timeout SECONDS] COMMAND [ARGS] [FLAGS]\n";
  size_t width = 0;
  for (const CommandSpec& c : Commands()) width = std::max(width, c.name.size());
  std::string_view group;
  std::vector<std::string_view> aliases;
  for (const CommandSpec& c : Commands()) {
    if (c.group != group) {
      group = c.group;
      out += fmt::format("\n{}:\n", group);
    }
    out += fmt::format("  {:<{}}  {}\n", c.name, width, c.summary);
    aliases.insert(aliases.end(), c.aliases.begin(), c.aliases.end());
  }
  out += fmt::format("\nKea's names are accepted too: {}.\n", fmt::to_string(fmt::join(aliases, ", ")));
  out += "\nGlobal flags:\n" + FlagLines(GlobalFlags());
  out +=
      "\nExit status: 0 success; 1 the server answered with an error; 2 usage error;\n"
      "3 nothing found or nothing to do; 4 fastlease-control is not running (cannot\n"
      "connect); 5 timeout or malformed answer.\n"
      "\nRun 'fastlease help COMMAND' for a command's usage, flags and an example.\n";
  return out;
}

std::string CommandHelp(const CommandSpec& spec) {
  std::string out;
  for (size_t i = 0; i < spec.usage.size(); ++i) {
    out += fmt::format("{}fastlease {}\n", i == 0 ? "Usage: " : "       ", spec.usage[i]);
  }
  out += fmt::format("\n{}\n", spec.description);
  if (!spec.subcommands.empty()) {
    std::vector<std::string> left;
    std::vector<std::string_view> help;
    size_t width = 0;
    for (std::string_view sub : spec.subcommands) {
      const CommandSpec* s = FindCommand(fmt::format("{} {}", spec.name, sub));
      left.push_back(std::string(s->usage.front()));
      help.push_back(s->summary);
      width = std::max(width, left.back().size());
    }
    out += "\nSub-commands:\n";
    for (size_t i = 0; i < left.size(); ++i) {
      out += fmt::format("  {:<{}}  {}\n", left[i], width, help[i]);
    }
  }
  if (!spec.flags.empty()) out += "\nFlags:\n" + FlagLines(spec.flags);
  out += "\nGlobal flags:\n" + FlagLines(GlobalFlags());
  out += spec.examples.size() == 1 ? "\nExample:\n" : "\nExamples:\n";
  for (std::string_view e : spec.examples) out += fmt::format("  {}\n", e);
  if (!spec.aliases.empty()) {
    out += fmt::format("\nAlso accepted as: fastlease {}\n", fmt::to_string(fmt::join(spec.aliases, ", ")));
  }
  return out;
}

}  // namespace fastlease::cli
