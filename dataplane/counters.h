// Worker counters: one flat array per worker covering every event and every drop
// reason of every stage, and the stats block it is published into.
//
//   Counters& c = ctx.counters;                  // the worker's own, plain integers
//   c.Count(WorkerEvent::kRxPackets, n);
//   c.Count(WireDrop::kIpFragment);
//   ...once per burst:  stats.Publish(c);        // relaxed atomic stores
//   management thread:  stats.Snapshot(copy);    // relaxed atomic loads
//
// The layout is generated from the drop tables of each stage (X-macros), so a
// reason added to a table gets its counter and its name here. Names
// (CounterName) are the keys of the stats file; the management thread builds
// them; workers never touch strings.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include "dataplane/dhcp4/message.h"
#include "dataplane/dhcp4/server.h"
#include "dataplane/dhcp6/message6.h"
#include "dataplane/dhcp6/server6.h"
#include "dataplane/wire.h"

namespace fastlease::dataplane {

// What a worker did.
#define FASTLEASE_WORKER_EVENTS(X)                                                \
  X(kRxPackets, "rx_packets")                                                     \
  X(kTxPackets, "tx_packets")            /* handed to a TX buffer or handoff */   \
  X(kArpReplies, "arp_replies")                                                   \
  X(kIcmpReplies, "icmp_replies")                                                 \
  X(kDhcpReceived, "dhcp_received")      /* passed the wire stage */              \
  X(kDispatchedOut, "dispatched_out")    /* sent to another worker's shard */     \
  X(kDispatchedIn, "dispatched_in")      /* received from another worker */       \
  X(kDhcpHandled, "dhcp_handled")        /* given to the server logic */          \
  X(kDhcpReplies, "dhcp_replies")        /* replies built */                      \
  X(kParked, "parked")                   /* replies held for durability */        \
  X(kReleased, "released")               /* parked replies sent */                \
  X(kLeasesReclaimed, "leases_reclaimed")                                         \
  X(kConfigAdopted, "config_adopted")    /* reloaded configs picked up */         \
  X(kPunted, "punted")                   /* handed to the control plane */        \
  X(kInjected, "injected")               /* frames sent for the control plane */  \
  X(kIdleSleeps, "idle_sleeps")

// Drops that belong to the worker rather than to a protocol stage.
#define FASTLEASE_WORKER_DROP_REASONS(X)                                               \
  X(kMultiSegment, "multi_segment")          /* chained mbuf: not produced at MTU */  \
  X(kDispatchRingFull, "dispatch_ring_full") /* owner worker's ring full */           \
  X(kParkFull, "park_full")                  /* too many replies awaiting durability */ \
  X(kParkAbandoned, "park_abandoned")        /* still parked at shutdown deadline */  \
  X(kNoMbuf, "no_mbuf")                      /* mempool empty */                      \
  X(kReplyBuildFailed, "reply_build_failed") /* headers + payload did not fit */      \
  X(kTxHandoffFull, "tx_handoff_full")       /* queue owner's TX ring full */         \
  X(kTxFailed, "tx_failed")                  /* the PMD refused a TX buffer flush */  \
  X(kNoPort, "no_port")                      /* mbuf from an unknown port */          \
  X(kPuntRingFull, "punt_ring_full")         /* management thread not keeping up */

enum class WorkerEvent : uint8_t {
#define FASTLEASE_X(name, str) name,
  FASTLEASE_WORKER_EVENTS(FASTLEASE_X)
#undef FASTLEASE_X
  kCount
};

enum class WorkerDrop : uint8_t {
#define FASTLEASE_X(name, str) name,
  FASTLEASE_WORKER_DROP_REASONS(FASTLEASE_X)
#undef FASTLEASE_X
  kCount
};

// DHCP message types 0 (none/BOOTP) .. 8 (INFORM), for Kea's pkt4-*-received/sent.
inline constexpr size_t kMessageTypeSlots = 9;

// DHCPv6 message types 0 .. 13 (Relay-Repl), for Kea's pkt6-*-received/sent.
inline constexpr size_t kMessageType6Slots = 14;
// Offsets of each section of the flat counter array.
struct CounterLayout {
  static constexpr size_t kEvents = 0;
  static constexpr size_t kWorkerDrops = kEvents + size_t(WorkerEvent::kCount);
  static constexpr size_t kWireDrops = kWorkerDrops + size_t(WorkerDrop::kCount);
  static constexpr size_t kParseResults = kWireDrops + kWireDropCount;
  static constexpr size_t kServerDrops = kParseResults + dhcp4::kParseErrorCount;
  static constexpr size_t kReceived = kServerDrops + size_t(dhcp4::DropReason::kCount);
  static constexpr size_t kSent = kReceived + kMessageTypeSlots;
  // DHCPv6: parse results, server drops, messages by type (0..13) received and sent.
  static constexpr size_t kParse6 = kSent + kMessageTypeSlots;
  static constexpr size_t kServer6Drops = kParse6 + dhcp6::kParseErrorCount;
  static constexpr size_t kReceived6 = kServer6Drops + size_t(dhcp6::DropReason6::kCount);
  static constexpr size_t kSent6 = kReceived6 + kMessageType6Slots;
  static constexpr size_t kTotal = kSent6 + kMessageType6Slots;
};
inline constexpr size_t kCounterCount = CounterLayout::kTotal;

// Stats-file names: "rx_packets", "drop_park_full", "wire_ip_fragment",
// "dhcp4_parse_ok", "dhcp4_parse_bad_cookie", "dhcp4_drop_no_subnet",
// "pkt4-discover-received", "pkt4-offer-sent", "dhcp6_parse_bad_ia",
// "dhcp6_drop_no_subnet", "pkt6-solicit-received", "pkt6-advertise-sent", ...
// Built once; not for workers.
const std::string& CounterName(size_t index);
// True for counters that are drops (everything in the drop sections).
bool IsDropCounter(size_t index);

// A worker's counters. Owned by one lcore; plain increments.
struct Counters {
  std::array<uint64_t, kCounterCount> v{};

  void Count(WorkerEvent e, uint64_t n = 1) { v[CounterLayout::kEvents + size_t(e)] += n; }
  void Count(WorkerDrop d, uint64_t n = 1) { v[CounterLayout::kWorkerDrops + size_t(d)] += n; }
  void Count(WireDrop d) { v[CounterLayout::kWireDrops + size_t(d)] += 1; }
  void Count(dhcp4::ParseError e) { v[CounterLayout::kParseResults + size_t(e)] += 1; }
  void Count(dhcp4::DropReason r) { v[CounterLayout::kServerDrops + size_t(r)] += 1; }
  void CountReceived(dhcp4::MessageType t) {
    const size_t i = size_t(t);
    v[CounterLayout::kReceived + (i < kMessageTypeSlots ? i : 0)] += 1;
  }
  void CountSent(dhcp4::MessageType t) {
    const size_t i = size_t(t);
    v[CounterLayout::kSent + (i < kMessageTypeSlots ? i : 0)] += 1;
  }
  void Count(dhcp6::ParseError e) { v[CounterLayout::kParse6 + size_t(e)] += 1; }
  void Count(dhcp6::DropReason6 r) { v[CounterLayout::kServer6Drops + size_t(r)] += 1; }
  void CountReceived(dhcp6::MessageType t) {
    const size_t i = size_t(t);
    v[CounterLayout::kReceived6 + (i < kMessageType6Slots ? i : 0)] += 1;
  }
  void CountSent(dhcp6::MessageType t) {
    const size_t i = size_t(t);
    v[CounterLayout::kSent6 + (i < kMessageType6Slots ? i : 0)] += 1;
  }
  uint64_t Get(WorkerEvent e) const { return v[CounterLayout::kEvents + size_t(e)]; }
  uint64_t Get(WorkerDrop d) const { return v[CounterLayout::kWorkerDrops + size_t(d)]; }
  uint64_t Get(WireDrop d) const { return v[CounterLayout::kWireDrops + size_t(d)]; }
  uint64_t Get(dhcp4::DropReason r) const { return v[CounterLayout::kServerDrops + size_t(r)]; }
  void Set(WorkerDrop d, uint64_t n) { v[CounterLayout::kWorkerDrops + size_t(d)] = n; }
};

// Where a worker publishes its counters and a few gauges for the management
// thread. Single writer (the worker), any number of readers. Cache-line aligned
// so workers never share a line.
struct alignas(64) StatsBlock {
  std::array<std::atomic<uint64_t>, kCounterCount> counters{};
  std::atomic<uint64_t> config_epoch{0};  // epoch of the config the worker uses
  std::atomic<uint64_t> park_depth{0};
  std::atomic<uint64_t> shard_leases{0};
  std::atomic<uint64_t> durable_seq{0};
  std::atomic<uint64_t> last_seq{0};
  std::atomic<uint64_t> heartbeat{0};  // loop turns

  void Publish(const Counters& c) {
    for (size_t i = 0; i < kCounterCount; ++i) {
      counters[i].store(c.v[i], std::memory_order_relaxed);
    }
  }
  void Snapshot(Counters& out) const {
    for (size_t i = 0; i < kCounterCount; ++i) {
      out.v[i] = counters[i].load(std::memory_order_relaxed);
    }
  }
};

}  // namespace fastlease::dataplane
