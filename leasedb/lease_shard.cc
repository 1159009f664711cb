#include "leasedb/lease_shard.h"

#include <bit>
#include <cassert>

namespace fastlease::leasedb {
namespace {

constexpr uint64_t kEmpty = 0;

inline uint64_t Entry(uint64_t hash, uint32_t slot) {
  return (hash & 0xffffffff00000000ull) | (uint64_t(slot) + 1);
}
inline uint32_t EntrySlot(uint64_t e) { return uint32_t(e) - 1; }
inline bool SameTag(uint64_t e, uint64_t hash) {
  return (e >> 32) == (hash >> 32);
}
// The home bucket uses the low bits (the tag holds the high bits).
inline uint64_t Home(uint64_t hash, uint64_t mask) { return hash & mask; }

}  // namespace

LeaseShard::LeaseShard(uint32_t index, size_t expected_leases, size_t ring_size)
    : index_(index), ring_(ring_size < 2 ? 2 : ring_size) {
  const size_t slots = expected_leases < kChunkSize ? kChunkSize : expected_leases;
  const size_t chunks = (slots + kChunkSize - 1) / kChunkSize;
  chunks_.reserve(chunks * 2);
  for (size_t i = 0; i < chunks; ++i) chunks_.emplace_back(new Lease[kChunkSize]);
  free_slots_.reserve(slots);
  const uint64_t buckets = std::bit_ceil(uint64_t(slots) * 2);
  table_.assign(buckets, kEmpty);
  mask_ = buckets - 1;
}

Lease* LeaseShard::Find(const ClientKey& key) {
  for (uint64_t i = Home(key.hash, mask_);; i = (i + 1) & mask_) {
    const uint64_t e = table_[i];
    if (e == kEmpty) return nullptr;
    if (SameTag(e, key.hash)) {
      Lease& l = slot(EntrySlot(e));
      if (l.Matches(key)) return &l;
    }
  }
}

Lease* LeaseShard::FindLike(const Lease& lease) {
  for (uint64_t i = Home(lease.key_hash, mask_);; i = (i + 1) & mask_) {
    const uint64_t e = table_[i];
    if (e == kEmpty) return nullptr;
    if (SameTag(e, lease.key_hash)) {
      Lease& l = slot(EntrySlot(e));
      if (l.SameClient(lease)) return &l;
    }
  }
}

uint32_t LeaseShard::AllocateSlot() {
  if (!free_slots_.empty()) {
    const uint32_t s = free_slots_.back();
    free_slots_.pop_back();
    return s;
  }
  if ((slot_count_ >> kChunkShift) >= chunks_.size()) {
    chunks_.emplace_back(new Lease[kChunkSize]);  // outgrown: rare, allocates
  }
  return slot_count_++;
}

Lease* LeaseShard::Insert(const ClientKey& key) {
  const uint32_t s = AllocateSlot();
  Lease& l = slot(s);
  l = Lease{};
  l.SetIdentity(key);
  IndexInsert(key.hash, s);
  ++live_;
  return &l;
}

Lease* LeaseShard::InsertRecovered(const Lease& lease) {
  const uint32_t s = AllocateSlot();
  Lease& l = slot(s);
  l = lease;
  IndexInsert(lease.key_hash, s);
  ++live_;
  return &l;
}

void LeaseShard::Erase(Lease* lease) {
  // Find the slot number of `lease` through the index (pointer → slot).
  const uint64_t hash = lease->key_hash;
  for (uint64_t i = Home(hash, mask_);; i = (i + 1) & mask_) {
    const uint64_t e = table_[i];
    assert(e != kEmpty);
    if (e == kEmpty) return;
    if (&slot(EntrySlot(e)) == lease) {
      const uint32_t s = EntrySlot(e);
      IndexErase(hash, s);
      *lease = Lease{};
      free_slots_.push_back(s);
      --live_;
      return;
    }
  }
}

void LeaseShard::IndexInsert(uint64_t hash, uint32_t s) {
  if ((live_ + 1) * 2 > table_.size()) GrowIndex();
  uint64_t i = Home(hash, mask_);
  while (table_[i] != kEmpty) i = (i + 1) & mask_;
  table_[i] = Entry(hash, s);
}

// Backward-shift deletion keeps linear probing tombstone-free.
void LeaseShard::IndexErase(uint64_t hash, uint32_t s) {
  uint64_t i = Home(hash, mask_);
  while (table_[i] != Entry(hash, s)) i = (i + 1) & mask_;
  uint64_t j = i;
  for (;;) {
    j = (j + 1) & mask_;
    const uint64_t e = table_[j];
    if (e == kEmpty) break;
    const uint64_t home = Home(slot(EntrySlot(e)).key_hash, mask_);
    // Move e back to i if its home is not in the cyclic range (i, j].
    const bool in_range = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (!in_range) {
      table_[i] = e;
      i = j;
    }
  }
  table_[i] = kEmpty;
}

void LeaseShard::GrowIndex() {
  std::vector<uint64_t> old;
  old.swap(table_);
  table_.assign(old.size() * 2, kEmpty);
  mask_ = table_.size() - 1;
  for (uint64_t e : old) {
    if (e == kEmpty) continue;
    const uint64_t hash = slot(EntrySlot(e)).key_hash;
    uint64_t i = Home(hash, mask_);
    while (table_[i] != kEmpty) i = (i + 1) & mask_;
    table_[i] = e;
  }
}

uint64_t LeaseShard::Record(ChangeOp op, Lease& lease, bool by_command) {
  ChangeRecord r;
  r.prev_state = (lease.flags & kLeasePersisted) ? lease.persisted_state : LeaseState::kFree;
  r.by_command = by_command;
  if (op == ChangeOp::kPut) {
    lease.flags |= kLeasePersisted;
    lease.persisted_state = lease.state;
  } else {
    lease.flags &= uint8_t(~kLeasePersisted);
    lease.persisted_state = LeaseState::kFree;
  }
  r.seq = next_seq_++;
  r.op = op;
  r.lease = lease;
  const bool pushed = ring_.push(r);
  assert(pushed && "Record() without CanRecord()");
  (void)pushed;
  return r.seq;
}

}  // namespace fastlease::leasedb
