#include "control/command_table.h"

#include <algorithm>
#include <array>

namespace fastlease::control {
namespace {

constexpr std::array kCommands = {
    CommandInfo{"build-report", CommandSite::kControl},
    CommandInfo{"config-get", CommandSite::kDataplane},
    CommandInfo{"config-reload", CommandSite::kDataplane},
    CommandInfo{"config-set", CommandSite::kDataplane},
    CommandInfo{"config-test", CommandSite::kDataplane},
    CommandInfo{"config-write", CommandSite::kDataplane},
    CommandInfo{"lease4-add", CommandSite::kDataplane},
    CommandInfo{"lease4-del", CommandSite::kDataplane},
    CommandInfo{"lease4-get", CommandSite::kDataplane},
    CommandInfo{"lease4-get-all", CommandSite::kDataplane},
    CommandInfo{"lease4-get-by-client-id", CommandSite::kDataplane},
    CommandInfo{"lease4-get-by-hw-address", CommandSite::kDataplane},
    CommandInfo{"lease4-get-page", CommandSite::kDataplane},
    CommandInfo{"lease4-update", CommandSite::kDataplane},
    CommandInfo{"lease4-wipe", CommandSite::kDataplane},
    CommandInfo{"lease6-add", CommandSite::kDataplane},
    CommandInfo{"lease6-del", CommandSite::kDataplane},
    CommandInfo{"lease6-get", CommandSite::kDataplane},
    CommandInfo{"lease6-get-all", CommandSite::kDataplane},
    CommandInfo{"lease6-get-by-duid", CommandSite::kDataplane},
    CommandInfo{"lease6-get-page", CommandSite::kDataplane},
    CommandInfo{"lease6-update", CommandSite::kDataplane},
    CommandInfo{"lease6-wipe", CommandSite::kDataplane},
    CommandInfo{"list-commands", CommandSite::kControl},
    CommandInfo{"shutdown", CommandSite::kControl},
    CommandInfo{"statistic-get", CommandSite::kDataplane},
    CommandInfo{"statistic-get-all", CommandSite::kDataplane},
    CommandInfo{"statistic-reset", CommandSite::kDataplane},
    CommandInfo{"statistic-reset-all", CommandSite::kDataplane},
    CommandInfo{"status-get", CommandSite::kControl},
    CommandInfo{"version-get", CommandSite::kControl},
};

constexpr bool Sorted() {
  for (size_t i = 1; i < kCommands.size(); ++i) {
    if (!(kCommands[i - 1].name < kCommands[i].name)) return false;
  }
  return true;
}
static_assert(Sorted(), "kCommands must stay sorted by name");

}  // namespace

std::span<const CommandInfo> AllCommands() { return kCommands; }

const CommandInfo* FindCommand(std::string_view name) {
  auto it = std::lower_bound(kCommands.begin(), kCommands.end(), name,
                             [](const CommandInfo& c, std::string_view n) { return c.name < n; });
  return it != kCommands.end() && it->name == name ? &*it : nullptr;
}

}  // namespace fastlease::control
