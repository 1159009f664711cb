// EAL start-up: the argument vector built from the Dataplane config section.
//
//   std::vector<std::string> args = BuildEalArgs("fastlease-dataplane", config.dataplane);
//   if (absl::Status s = InitEal(args); !s.ok()) { ... }
//
// Arguments are the config's `eal-args` as written, then one `--vdev <device>`
// (except "net_ring_<name>" without arguments: a ring port the program creates
// itself with rte_eth_from_rings after EAL, as fastlease-perf --in-process does)
// for each port whose device is a virtual device (a name starting "net_"), or
// `-a <device>` for a PCI address. A net_af_packet device without `qpairs=` gets
// `,qpairs=<workers>` so that each worker has its own queue.
// Dev boxes pass `--no-huge --no-pci --no-shconf -m 256` in eal-args.
// Start-up only (allocates); InitEal once per process.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "control/config/config.h"

namespace fastlease::dataplane {

// True for a virtual device string ("net_af_packet0,iface=veth0", "net_ring0").
bool IsVdev(std::string_view device);
// True for "net_ring_<name>" with no devargs: created by rte_eth_from_rings("<name>").
bool IsProgramRingDevice(std::string_view device);
// The device name DPDK gives the port: the text before the first ','.
std::string DeviceName(std::string_view device);
// The device string as passed to EAL (af_packet qpairs added when absent).
std::string EalDeviceArg(std::string_view device, uint32_t workers);

std::vector<std::string> BuildEalArgs(std::string_view program,
                                      const config::DataplaneConfig& dataplane);

// rte_eal_init with `args` (args[0] is the program name). The error names the
// rte_errno text.
absl::Status InitEal(const std::vector<std::string>& args);

}  // namespace fastlease::dataplane
