// Reads fastlease-control's settings: our `Control` section and Kea's
// `Dhcp4/control-socket`, both into ControlConfig.
#pragma once

#include "absl/strings/string_view.h"
#include "control/config/config.h"
#include "control/config/internal/diagnostics.h"

namespace fastlease::config::internal {

// Largest request fastlease-control may be configured to accept: a forwarded
// command must fit in one dataplane link message (link::kMaxMessageSize).
inline constexpr uint32_t kMaxCommandSizeLimit = 64u << 20;
inline constexpr uint32_t kMinCommandSize = 1024;
// sockaddr_un::sun_path holds 108 bytes including the terminating NUL.
inline constexpr size_t kMaxUnixSocketPath = 107;

// `node` is the `Control` section at `path`. Keys not given keep `out`'s values
// (the struct defaults); every problem is reported to `d` at its key.
void ParseControl(const Json& node, absl::string_view path, ControlConfig& out, Diagnostics& d);

// `node` is Kea's `Dhcp4/control-socket` at `path`: {"socket-type": "unix",
// "socket-name": path}, both required as in Kea. Sets out.socket_name.
void ParseControlSocket(const Json& node, absl::string_view path, ControlConfig& out,
                        Diagnostics& d);

}  // namespace fastlease::config::internal
