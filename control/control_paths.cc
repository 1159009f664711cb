#include "control/control_paths.h"

#include <filesystem>

namespace fastlease::control {

std::string UnderStateDir(const std::string& state_dir, const std::string& path,
                          const std::string& fallback) {
  const std::filesystem::path p = path.empty() ? fallback : path;
  if (p.is_absolute()) return p.string();
  return (std::filesystem::path(state_dir) / p).string();
}

ControlPaths ResolvePaths(const config::Config& config, const std::string& state_dir) {
  ControlPaths p;
  p.command_socket = UnderStateDir(state_dir, config.control.socket_name, "control.sock");
  p.dataplane_link = UnderStateDir(state_dir, config.dataplane.control_link, "dataplane.sock");
  p.lease_event_log =
      UnderStateDir(state_dir, config.control.lease_event_log, "lease-events.jsonl");
  return p;
}

}  // namespace fastlease::control
