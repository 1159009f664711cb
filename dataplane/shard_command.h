// Lease commands handed from the management thread to the worker that owns a
// shard, and the worker's answer.
//
//   management:  ShardCommand cmd{...};  ring.push(&cmd);  ... poll cmd.done ...
//   worker:      RunShardCommands(ctx)   (between bursts; at most a few per turn)
//
// The management thread owns the ShardCommand and keeps it alive until `done`
// is set (release) by the worker; after that only the management thread reads
// it. The ring (kShardCommandRingSize pointers, SPSC) is bounded: a full ring
// makes the management thread answer "busy" (result 1) without queueing.
#pragma once

#include <atomic>
#include <cstdint>

#include <boost/lockfree/spsc_queue.hpp>

#include "leasedb/lease.h"
#include "leasedb/lease6.h"

namespace fastlease::dataplane {

inline constexpr size_t kShardCommandRingSize = 64;
// Slots a wipe examines per loop turn.
inline constexpr uint32_t kWipeSlotsPerTurn = 4096;

struct ShardCommand {
  enum class Op : uint8_t { kAdd, kUpdate, kDelete, kWipe };
  Op op = Op::kAdd;
  bool v6 = false;         // the command is about `lease6` and the worker's v6 shard
  leasedb::Lease lease;    // add/update: the lease wanted; delete: the stored record
  leasedb::Lease6 lease6;  // the same, for v6
  uint32_t subnet_id = 0;  // wipe: 0 = every subnet
  bool if_held = false;    // v6 delete: only where this shard holds it (else result 3)

  // --- written by the worker before `done` ---
  int result = 0;          // Kea's: 0 done, 1 error, 3 nothing to do
  const char* text = "";   // static string
  uint64_t seq = 0;        // the shard's change to wait for (0: none)
  uint64_t deleted = 0;    // wipe
  uint32_t cursor = 0;     // wipe progress across turns
  std::atomic<bool> done{false};
};

using ShardCommandRing =
    boost::lockfree::spsc_queue<ShardCommand*, boost::lockfree::capacity<kShardCommandRingSize>>;

}  // namespace fastlease::dataplane
