// The stats file: every worker's counters and gauges as JSON.
//
//   StatsWriter w(path, stats_blocks, lcores);
//   w.Write(extra);     // management thread, every second and at exit
//
// Shape (keys are CounterName()s):
//   {"time": 1764000000, "uptime_seconds": 12.5, "config_epoch": 2,
//    "workers": [{"index": 0, "lcore": 1, "config_epoch": 2, "park_depth": 0,
//                 "leases": 3, "durable_seq": 9, "last_seq": 9, "turns": 123456,
//                 "counters": {"rx_packets": 10, "wire_ip_fragment": 1, ...}}],
//    "totals": {"rx_packets": 10, ..., "drops": 1},
//    "persister": {"records_written": 9, "batches_written": 4, "write_errors": 0},
//    "ports": [{"name": "net_af_packet0", "ipackets": 10, "opackets": 9, "imissed": 0,
//               "ierrors": 0, "oerrors": 0, "rx_nombuf": 0}]}
// The file is replaced atomically (write to "<path>.tmp", rename), so a reader
// never sees half of it. Management thread only; allocates.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "dataplane/counters.h"

namespace fastlease::dataplane {

// Counters the PMD keeps per port (rte_eth_stats).
struct PortStats {
  std::string name;
  uint64_t ipackets = 0;
  uint64_t opackets = 0;
  uint64_t imissed = 0;  // dropped by the NIC / socket ring: RX not polled fast enough
  uint64_t ierrors = 0;
  uint64_t oerrors = 0;
  uint64_t rx_nombuf = 0;  // RX mbuf allocation failures
};

struct StatsExtra {
  std::vector<PortStats> ports;
  uint64_t config_epoch = 0;
  uint64_t records_written = 0;
  uint64_t batches_written = 0;
  uint64_t write_errors = 0;
};

std::string StatsJson(const std::vector<StatsBlock>& blocks, const std::vector<unsigned>& lcores,
                      const StatsExtra& extra, double uptime_seconds);

absl::Status WriteFileAtomically(const std::string& path, const std::string& text);

}  // namespace fastlease::dataplane
