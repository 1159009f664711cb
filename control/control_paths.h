// Where fastlease-control's files are: the config's paths resolved against the
// state directory (empty → the default name in it; relative → under it).
#pragma once

#include <string>

#include "control/config/config.h"

namespace fastlease::control {

struct ControlPaths {
  std::string command_socket;   // Dhcp4/control-socket/socket-name, default control.sock
  std::string dataplane_link;   // Dataplane/control-link, default dataplane.sock
  std::string lease_event_log;  // Control/lease-event-log
};

ControlPaths ResolvePaths(const config::Config& config, const std::string& state_dir);

// `path` when absolute; `state_dir`/`path` when relative; `state_dir`/`fallback`
// when empty.
std::string UnderStateDir(const std::string& state_dir, const std::string& path,
                          const std::string& fallback);

}  // namespace fastlease::control
