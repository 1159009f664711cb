// Ports: each config port found among the EAL's ethdevs, configured and started.
//
//   rte_mempool* pool = CreatePacketPool(config.dataplane);
//   absl::StatusOr<PortSet> ports = ConfigurePorts(config.dataplane, pool);
//   StartPorts(*ports);  ...  StopPorts(*ports);
//
// A port gets one RX and one TX queue per worker when the PMD offers that many
// (net_af_packet: `qpairs=N`, added by BuildEalArgs). Otherwise it gets one queue
// pair, polled by one worker (`owner`) that also transmits what the other
// workers hand it through its TX ring ("shared" ports).
// Start-up and shutdown only: allocates, logs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "control/config/config.h"
#include "dataplane/wire.h"

struct rte_mempool;

namespace fastlease::dataplane {

inline constexpr size_t kMaxPorts = 8;
inline constexpr size_t kMaxWorkers = 64;

// Bytes of each mbuf's private area: the packet's FrameInfo and port index
// travel with it between workers.
struct PacketMeta {
  FrameInfo info;
  uint8_t port_index = 0;  // index into the config's ports (not the DPDK port id)
};

struct PortRuntime {
  uint16_t port_id = 0;  // DPDK's
  std::string name;      // device name
  MacAddress mac{};
  LocalInterface local;  // the addresses it answers for
  uint16_t queues = 1;   // RX = TX queue pairs configured
  bool shared = false;   // fewer queues than workers: one owner polls and transmits
  uint32_t owner = 0;    // the worker that polls a shared port
  bool started = false;
};

using PortSet = std::vector<PortRuntime>;

// The mempool every port receives into and every reply is built in; mbufs carry a
// PacketMeta in their private area. nullptr (and a log line) on failure.
rte_mempool* CreatePacketPool(const config::DataplaneConfig& dataplane);

absl::StatusOr<PortSet> ConfigurePorts(const config::DataplaneConfig& dataplane, rte_mempool* pool);
absl::Status StartPorts(PortSet& ports);
void StopPorts(PortSet& ports);

}  // namespace fastlease::dataplane
