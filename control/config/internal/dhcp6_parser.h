// Reads Kea's `Dhcp6` section into Dhcp6Config (config.h), reporting every problem with
// its JSON path, in the style of the Dhcp4 loader (config_parser.cc):
//
//   Diagnostics d("kea-dhcp6.conf");
//   Dhcp6Config v6 = ParseDhcp6(root["Dhcp6"], "Dhcp6", d);
//   // d.errors(): "kea-dhcp6.conf: Dhcp6/subnet6[0]/pd-pools[0]/delegated-len: ..."
//
// Lease parameters inherit global -> shared network -> subnet as in Dhcp4, with Kea's
// DHCPv6 defaults (preferred 3600, valid 7200, calculate-tee-times true, t1 0.5, t2 0.8).
// Checked across the section: subnet ids and prefixes unique, pools inside their subnet,
// address pools and pd-pools not overlapping anywhere in the file, reserved identifiers
// unique per scope and reserved addresses and prefixes unique in the file. Pools over
// kMaxPool6Size addresses and pd-pools delegating more than 2^24 prefixes are cut, with a
// warning (config.h).
//
// `Dhcp6/lease-database` is not read here: DHCPv4 and DHCPv6 share one lease store, so the
// caller (config_parser.cc), which sees both sections, reads and reconciles it. Used by the
// config loader only; single-threaded.
#pragma once

#include <string>

#include "control/config/config.h"
#include "control/config/internal/diagnostics.h"

namespace fastlease::config::internal {

// The section at `path` ("Dhcp6"). `enabled` is set; after errors the result is partial.
Dhcp6Config ParseDhcp6(const Json& node, const std::string& path, Diagnostics& d);

}  // namespace fastlease::config::internal
