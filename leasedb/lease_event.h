// Lease events: what happened to a lease, once it is durable.
//
// The persister turns every change record it writes into one event, numbered by
// a store-wide sequence (1, 2, 3, ... without holes) and written in the same
// RocksDB WriteBatch as the lease itself, in the `events` column family. The
// dataplane streams them to the control plane, which resumes from a sequence
// number after an absence (see control/link/link_protocol.h).
//
// Kinds, from the change and the lease's previously persisted state:
//   created   a binding written where none was (or the address changed hands)
//   renewed   a bound lease written again by its client (REQUEST while bound)
//   updated   a bound lease rewritten by a command (lease4-update, lease4-add over it)
//   released  RELEASE            expired   reclaimed after its lifetime
//   declined  DECLINE: the address is quarantined (the client's lease is removed)
//   removed   the record is gone (affinity hold over, probation over, address
//             moved, lease4-del / lease4-wipe); prev_state says what it was
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "leasedb/lease.h"
#include "leasedb/lease_shard.h"

namespace fastlease::leasedb {

enum class LeaseEventKind : uint8_t {
  kCreated = 1,
  kRenewed = 2,
  kUpdated = 3,
  kReleased = 4,
  kExpired = 5,
  kDeclined = 6,
  kRemoved = 7,
};
const char* LeaseEventKindName(LeaseEventKind k);

struct LeaseEvent {
  uint64_t seq = 0;
  uint32_t time = 0;  // Unix seconds when the persister wrote it
  LeaseEventKind kind = LeaseEventKind::kCreated;
  LeaseState prev_state = LeaseState::kFree;  // as persisted before this change
  Lease lease;                                // as persisted by it (for removed: as it was)
};

// The event a change record becomes.
LeaseEventKind ClassifyChange(const ChangeRecord& r);
LeaseEventKind ClassifyChange(const ChangeRecord6& r);

// seq, time, kind, prev_state, lease key, lease value.
inline constexpr size_t kMaxLeaseEventSize = 14 + 12 + 18 + kMaxHwAddressSize + kInlineClientIdSize;
size_t EncodeLeaseEvent(const LeaseEvent& e, uint8_t* out);
bool DecodeLeaseEvent(std::span<const uint8_t> bytes, LeaseEvent& out);

// A batch on the link: each event as a 2-byte little-endian length and its bytes.
void AppendLeaseEvent(std::string& batch, const LeaseEvent& e);
// Calls fn for every event; false (after the good ones) at the first bad one.
bool ForEachLeaseEvent(std::span<const uint8_t> batch, const std::function<void(const LeaseEvent&)>& fn);

}  // namespace fastlease::leasedb
