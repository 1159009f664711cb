// `fastlease help` text, generated from the command table (commands.h).
//
//   std::cout << GlobalHelp();                          // every command, grouped
//   std::cout << CommandHelp(*FindCommand("lease4-add"));  // usage, flags, example
//
// Pure; allocates the text.
#pragma once

#include <string>

#include "control/cli/commands.h"

namespace fastlease::cli {

// The CLI's version ("fastlease 0.1.0"), the project version meson passes in.
std::string VersionText();

// The command list with one-line summaries, global flags and exit statuses.
std::string GlobalHelp();

// "Usage:" lines, the description, sub-commands, flags, global flags,
// examples, and Kea's other name for the command.
std::string CommandHelp(const CommandSpec& spec);

}  // namespace fastlease::cli
