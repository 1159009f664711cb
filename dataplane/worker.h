// The worker lcore: one loop per lcore over its queues, its shard and its rings.
//
//   WorkerContext* ctx = ...;          // built by SetupWorkers before launch
//   rte_eal_remote_launch(WorkerMain, ctx, lcore);
//
// One loop turn (PollOnce):
//   adopt a newly published config  →  rx_burst on each of the worker's queues
//   → prefetch → wire parse (ARP and ICMP echo answered in place)
//   → DHCP parse (DHCPLEASEQUERY punted to the control plane) → ShardOf: own shard handled now, others' sent to their
//     owner's dispatch ring (multi-producer, one per worker)
//   (DHCPv6 the same way: dhcp6::Parse, ShardOf6 by DUID, HandleDhcp6 against the
//    worker's Lease6Shard, its own park queue; NDP and ICMPv6 echo answered in place)
//   → dispatch ring in → handle: HandleDhcp4 → reply built in a fresh mbuf
//     → kSend: TX buffer; kSendWhenDurable: park queue
//   → parked replies released whose records are durable
//   → TX handoffs from other workers (shared ports) → TX buffers drained on a
//     TSC timer → expiry slice every ~1 ms or when idle → counters published.
// When a turn finds no work N times in a row, the worker sleeps, doubling up to
// idle_sleep_us.
//
// Shutdown (WorkerControl::stop_rx): the worker stops reading its ports, keeps
// serving its dispatch ring until every worker has stopped reading, waits until
// its parked replies are durable (up to park_deadline), sends them, and returns
// once every worker is done, so TX handoffs reach their queue owner.
//
// Everything a worker touches on the fast path is in its WorkerContext, owned
// by that lcore alone. No allocation, locks, exceptions or virtual calls per packet.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "control/config/config.h"
#include "dataplane/config_publisher.h"
#include "dataplane/counters.h"
#include "dataplane/dhcp4/message.h"
#include "dataplane/dhcp4/server.h"
#include "dataplane/dhcp6/message6.h"
#include "dataplane/dhcp6/server6.h"
#include "dataplane/park_queue.h"
#include "dataplane/port.h"
#include "dataplane/shard_command.h"
#include "dataplane/wire.h"
#include "leasedb/lease_shard.h"

struct rte_mbuf;
struct rte_mempool;
struct rte_ring;
struct rte_eth_dev_tx_buffer;

namespace fastlease::dataplane {

inline constexpr uint32_t kMaxBurstSize = 256;
// Punt and inject rings per worker: a full punt ring drops (drop_punt_full);
// a full inject ring makes the management thread drop the frame and count it.
inline constexpr uint32_t kPuntRingSize = 1024;
inline constexpr uint32_t kInjectRingSize = 256;
// Why a packet was punted (link::PuntHeader::reason).
inline constexpr uint16_t kPuntLeaseQuery = 1;  // DHCPLEASEQUERY (RFC 4388)
// Empty loop turns before the worker starts sleeping.
inline constexpr uint32_t kIdleTurnsBeforeSleep = 64;
// Parked replies wait at most this long for durability at shutdown.
inline constexpr double kParkDeadlineSeconds = 10.0;

// Written by the management thread, read by every worker.
struct alignas(64) WorkerControl {
  std::atomic<bool> stop_rx{false};     // shutdown: stop reading ports
  std::atomic<uint32_t> rx_stopped{0};  // workers that have stopped reading ports
  std::atomic<uint32_t> done{0};        // workers with nothing left but TX handoffs
  const ConfigPublisher* configs = nullptr;
};

// Where a worker transmits on one port.
struct TxPath {
  uint16_t port_id = 0;
  uint16_t queue = 0;
  rte_eth_dev_tx_buffer* buffer = nullptr;  // when this worker owns a TX queue
  rte_ring* handoff = nullptr;              // else: the queue owner's TX ring
  uint64_t failed = 0;                      // counted by the TX buffer's error callback
};

struct RxQueue {
  uint16_t port_id = 0;
  uint16_t queue = 0;
  uint8_t port_index = 0;
};

struct alignas(64) WorkerContext {
  // --- identity and settings ---
  uint32_t index = 0;  // == its shard's index
  uint32_t worker_count = 1;
  unsigned lcore = 0;
  uint32_t burst_size = 32;
  uint32_t idle_sleep_us = 100;
  uint64_t drain_tsc = 0;   // tx_drain_us in TSC cycles
  uint64_t expire_tsc = 0;  // ~1 ms
  uint64_t tsc_hz = 1;
  uint64_t base_tsc = 0;  // TSC at base_unix
  uint32_t base_unix = 0;

  // --- queues and rings ---
  uint8_t rx_count = 0;
  std::array<RxQueue, kMaxPorts> rx{};
  uint8_t port_count = 0;
  std::array<TxPath, kMaxPorts> tx{};
  std::array<LocalInterface, kMaxPorts> local{};
  rte_ring* dispatch_in = nullptr;                    // requests for this worker's shard
  rte_ring* tx_in = nullptr;                          // replies to send on queues this worker owns
  std::array<rte_ring*, kMaxWorkers> dispatch_out{};  // every worker's dispatch_in
  rte_mempool* pool = nullptr;
  ShardCommandRing* commands = nullptr;  // lease commands from the management thread
  rte_ring* punt_out = nullptr;   // packets for the control plane (→ management thread)
  rte_ring* inject_in = nullptr;  // frames from the control plane to send (PacketMeta port)
  ShardCommand* running_command = nullptr;  // a wipe in progress

  // --- state ---
  leasedb::LeaseShard* shard = nullptr;
  WorkerControl* control = nullptr;
  const ConfigVersion* version = nullptr;
  const dhcp4::ServerConfig* config = nullptr;
  ParkQueue<rte_mbuf*> park;
  // DHCPv6: the worker's v6 shard (its own change ring and durable sequence, so
  // its gated replies wait in a park queue of their own) and config (null: no Dhcp6).
  leasedb::Lease6Shard* shard6 = nullptr;
  const dhcp6::ServerConfig6* config6 = nullptr;
  ParkQueue<rte_mbuf*> park6;
  StatsBlock* stats = nullptr;
  Counters counters;

  // --- loop state ---
  uint64_t now_tsc = 0;
  uint32_t now = 0;  // Unix seconds
  uint64_t last_drain = 0;
  uint64_t last_expire = 0;
  uint64_t last_publish = 0;
  uint32_t idle_turns = 0;
  uint32_t sleep_us = 0;
  bool rx_enabled = true;
  uint64_t turns = 0;

  // --- scratch ---
  dhcp4::Dhcp4Message msg;
  dhcp6::Dhcp6Message msg6;
  std::array<rte_mbuf*, kMaxBurstSize> burst{};
  std::array<rte_mbuf*, kMaxBurstSize> dhcp{};
  std::array<std::array<rte_mbuf*, kMaxBurstSize>, kMaxWorkers>* outbox = nullptr;
  std::array<uint16_t, kMaxWorkers> outbox_count{};
};

// Everything SetupWorkers needs.
struct WorkerSetup {
  const config::DataplaneConfig* dataplane = nullptr;
  PortSet* ports = nullptr;
  rte_mempool* pool = nullptr;
  std::vector<leasedb::LeaseShard*> shards;  // one per worker
  std::vector<leasedb::Lease6Shard*> shards6;  // one per worker
  WorkerControl* control = nullptr;
  std::vector<StatsBlock>* stats = nullptr;  // one per worker
};

// Owns the contexts and the rings/buffers they use.
class WorkerSet {
 public:
  WorkerSet() = default;
  ~WorkerSet();
  WorkerSet(const WorkerSet&) = delete;
  WorkerSet& operator=(const WorkerSet&) = delete;

  std::vector<std::unique_ptr<WorkerContext>>& contexts() { return contexts_; }

 private:
  friend absl::StatusOr<std::unique_ptr<WorkerSet>> SetupWorkers(const WorkerSetup& setup);
  std::vector<std::unique_ptr<WorkerContext>> contexts_;
  std::vector<rte_ring*> rings_;
  std::vector<void*> zmallocs_;
  std::vector<std::unique_ptr<std::array<std::array<rte_mbuf*, kMaxBurstSize>, kMaxWorkers>>>
      outboxes_;
  std::vector<std::unique_ptr<ShardCommandRing>> command_rings_;
};

// Builds one context per worker: queue assignment, TX buffers, rings, park
// queues. Start-up only (allocates). Does not assign lcores.
absl::StatusOr<std::unique_ptr<WorkerSet>> SetupWorkers(const WorkerSetup& setup);

// One loop turn; true if it did any work. Only the context's lcore calls it.
bool PollOnce(WorkerContext& ctx);

// The lcore entry point: loops until shutdown completes. `arg` is a WorkerContext*.
int WorkerMain(void* arg);

// Flushes every TX buffer the worker owns.
void FlushTx(WorkerContext& ctx);

}  // namespace fastlease::dataplane
