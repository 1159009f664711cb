// Every command of the control channel (docs/commands.md) and who answers it.
//
//   const CommandInfo* c = FindCommand("lease4-get");   // nullptr: not supported
//   if (c->site == CommandSite::kDataplane) forward it;
//
// The CLI may use it for completion; list-commands answers with these names.
#pragma once

#include <span>
#include <string_view>

namespace fastlease::control {

enum class CommandSite : uint8_t {
  kControl,    // answered by fastlease-control (it may ask the dataplane too)
  kDataplane,  // forwarded verbatim over the dataplane link
};

struct CommandInfo {
  std::string_view name;
  CommandSite site;
};

// Sorted by name.
std::span<const CommandInfo> AllCommands();
const CommandInfo* FindCommand(std::string_view name);

}  // namespace fastlease::control
