// LeaseShard: the leases of the clients one worker lcore owns.
//
// A slab of 64-byte Lease slots in fixed chunks (pointers stay valid), an
// open-addressing index from client key to slot, and the shard's outgoing change
// ring to the persister. Only the owning lcore calls the lease methods; the
// persister thread calls only the `Persister side` methods. No locks.
//
//   Lease* l = shard.Find(key);
//   if (!l) l = shard.Insert(key);           // identity set, state kFree
//   ... set fields ...
//   if (!shard.CanRecord()) drop;            // back-pressure: ring full
//   uint64_t seq = shard.Record(ChangeOp::kPut, *l);
//   ... reply may go once shard.durable_seq() >= seq ...
//
// Memory: 64 bytes per slot + 16 bytes per index entry at ≤ 50% load ≈ 96 B/lease.
#pragma once

#include <atomic>
#include <bit>
#include <cassert>
#include <cstdint>
#include <memory>
#include <vector>

#include <boost/lockfree/spsc_queue.hpp>

#include "leasedb/lease.h"
#include "leasedb/lease6.h"

namespace fastlease::leasedb {

enum class ChangeOp : uint8_t {
  kPut = 0,     // write the lease (keyed by address + key hash)
  kDelete = 1,  // forget the lease
};

// One change on its way to the store.
template <class LeaseT>
struct BasicChangeRecord {
  uint64_t seq = 0;
  ChangeOp op = ChangeOp::kPut;
  LeaseT lease;
  LeaseState prev_state = LeaseState::kFree;  // what the store held before
  bool by_command = false;                    // made by a lease command, not a client
};

// LeaseT is Lease (v4, found by ClientKey) or Lease6 (v6, found by ClientKey6): a
// trivially copyable slot with key_hash, state, flags, persisted_state and
// Matches(KeyT) / SameClient(LeaseT) / SetIdentity(KeyT).
template <class LeaseT, class KeyT>
class BasicLeaseShard {
 public:
  using ChangeRecord = BasicChangeRecord<LeaseT>;
  // `expected_leases` pre-sizes slab and index; `ring_size` bounds pending changes.
  BasicLeaseShard(uint32_t index, size_t expected_leases, size_t ring_size);
  BasicLeaseShard(const BasicLeaseShard&) = delete;
  BasicLeaseShard& operator=(const BasicLeaseShard&) = delete;

  uint32_t index() const { return index_; }

  // --- owner lcore ---
  LeaseT* Find(const KeyT& key);
  // The slot of the client `lease` identifies (recovery: no packet at hand).
  LeaseT* FindLike(const LeaseT& lease);
  // Adds a slot for `key` (which must not be present): identity set, state kFree.
  // Allocates only when the pre-sized slab or index is outgrown.
  LeaseT* Insert(const KeyT& key);
  // Inserts a recovered lease as is (identity and fields from the store).
  LeaseT* InsertRecovered(const LeaseT& lease);
  void Erase(LeaseT* lease);
  size_t size() const { return live_; }

  // Burst prefetch, in two passes over a burst: first the index buckets of every
  // request's key hash, then (buckets now cached) the lease slots they point to.
  // Hints only: a wrong or absent key costs a wasted prefetch, nothing else.
  void PrefetchBucket(uint64_t hash) const { __builtin_prefetch(&table_[hash & mask_]); }
  void PrefetchLease(uint64_t hash) {
    const uint64_t e = table_[hash & mask_];
    if (e != 0 && (e >> 32) == (hash >> 32)) __builtin_prefetch(&slot(uint32_t(e) - 1));
  }

  // Slot iteration for expiry: slots [0, slot_count()); free slots have kFree.
  uint32_t slot_count() const { return slot_count_; }
  LeaseT& slot(uint32_t i) { return chunks_[i >> kChunkShift][i & kChunkMask]; }
  uint32_t expiry_cursor = 0;

  // lease*-wipe: removes up to `budget` leases of subnet `subnet_id` (0: every
  // subnet) from slot `cursor` on, recording their deletes; offers are left alone.
  // `release(lease)` gives back the address a bound or declined lease holds. Advances
  // `cursor` (== slot_count() when finished) and `deleted`; `last_seq` is the last
  // change recorded. Stops early, resumable, when the change ring is full.
  template <class Release>
  void WipeSlots(uint32_t subnet_id, uint32_t budget, uint32_t& cursor, uint64_t& deleted,
                 uint64_t& last_seq, Release&& release) {
    for (uint32_t n = 0; n < budget && cursor < slot_count(); ++n, ++cursor) {
      LeaseT& l = slot(cursor);
      if (l.state == LeaseState::kFree || l.state == LeaseState::kOffered) continue;
      if (subnet_id != 0 && l.subnet_id != subnet_id) continue;
      if (!CanRecord(1)) return;  // resume here next turn
      if (HoldsPoolSlot(l.state)) release(l);
      if (l.flags & kLeasePersisted) last_seq = Record(ChangeOp::kDelete, l, true);
      Erase(&l);
      ++deleted;
    }
  }

  // True if `n` more change records fit in the ring now.
  bool CanRecord(size_t n = 1) const { return ring_.write_available() >= n; }
  // Queues a change; returns its sequence number. Call CanRecord() first.
  // Marks the lease persisted (kPut) or not (kDelete) and remembers the state
  // written, so the next change of this lease knows what it replaces.
  uint64_t Record(ChangeOp op, LeaseT& lease, bool by_command = false);
  uint64_t last_seq() const { return next_seq_ - 1; }
  // Highest sequence number the persister has made durable (acquire).
  uint64_t durable_seq() const { return durable_seq_.value.load(std::memory_order_acquire); }

  // --- persister side ---
  size_t DrainChanges(ChangeRecord* out, size_t max) { return ring_.pop(out, max); }
  void PublishDurable(uint64_t seq) {
    durable_seq_.value.store(seq, std::memory_order_release);
  }
  bool HasPendingChanges() const { return ring_.read_available() > 0; }

 private:
  static constexpr uint32_t kChunkShift = 12;
  static constexpr uint32_t kChunkSize = 1u << kChunkShift;
  static constexpr uint32_t kChunkMask = kChunkSize - 1;

  uint32_t AllocateSlot();
  void IndexInsert(uint64_t hash, uint32_t slot);
  void IndexErase(uint64_t hash, uint32_t slot);
  void GrowIndex();

  uint32_t index_;
  std::vector<std::unique_ptr<LeaseT[]>> chunks_;
  uint32_t slot_count_ = 0;          // slots ever handed out (high-water mark)
  std::vector<uint32_t> free_slots_;
  size_t live_ = 0;
  // Index entries: (hash high 32 bits) << 32 | (slot + 1); 0 = empty. Linear probing.
  std::vector<uint64_t> table_;
  uint64_t mask_ = 0;
  uint64_t next_seq_ = 1;

  boost::lockfree::spsc_queue<ChangeRecord> ring_;
  struct alignas(64) PaddedSeq {
    std::atomic<uint64_t> value{0};
  } durable_seq_;
};

// ---- implementation (instantiated for Lease and Lease6 in lease_shard.cc)

namespace shard_internal {

inline constexpr uint64_t kEmpty = 0;

inline uint64_t Entry(uint64_t hash, uint32_t slot) {
  return (hash & 0xffffffff00000000ull) | (uint64_t(slot) + 1);
}
inline uint32_t EntrySlot(uint64_t e) { return uint32_t(e) - 1; }
inline bool SameTag(uint64_t e, uint64_t hash) {
  return (e >> 32) == (hash >> 32);
}
// The home bucket uses the low bits (the tag holds the high bits).
inline uint64_t Home(uint64_t hash, uint64_t mask) { return hash & mask; }

}  // namespace shard_internal

template <class LeaseT, class KeyT>
BasicLeaseShard<LeaseT, KeyT>::BasicLeaseShard(uint32_t index, size_t expected_leases, size_t ring_size)
    : index_(index), ring_(ring_size < 2 ? 2 : ring_size) {
  const size_t slots = expected_leases < kChunkSize ? kChunkSize : expected_leases;
  const size_t chunks = (slots + kChunkSize - 1) / kChunkSize;
  chunks_.reserve(chunks * 2);
  for (size_t i = 0; i < chunks; ++i) chunks_.emplace_back(new LeaseT[kChunkSize]);
  free_slots_.reserve(slots);
  const uint64_t buckets = std::bit_ceil(uint64_t(slots) * 2);
  table_.assign(buckets, shard_internal::kEmpty);
  mask_ = buckets - 1;
}

template <class LeaseT, class KeyT>
LeaseT* BasicLeaseShard<LeaseT, KeyT>::Find(const KeyT& key) {
  for (uint64_t i = shard_internal::Home(key.hash, mask_);; i = (i + 1) & mask_) {
    const uint64_t e = table_[i];
    if (e == shard_internal::kEmpty) return nullptr;
    if (shard_internal::SameTag(e, key.hash)) {
      LeaseT& l = slot(shard_internal::EntrySlot(e));
      if (l.Matches(key)) return &l;
    }
  }
}

template <class LeaseT, class KeyT>
LeaseT* BasicLeaseShard<LeaseT, KeyT>::FindLike(const LeaseT& lease) {
  for (uint64_t i = shard_internal::Home(lease.key_hash, mask_);; i = (i + 1) & mask_) {
    const uint64_t e = table_[i];
    if (e == shard_internal::kEmpty) return nullptr;
    if (shard_internal::SameTag(e, lease.key_hash)) {
      LeaseT& l = slot(shard_internal::EntrySlot(e));
      if (l.SameClient(lease)) return &l;
    }
  }
}

template <class LeaseT, class KeyT>
uint32_t BasicLeaseShard<LeaseT, KeyT>::AllocateSlot() {
  if (!free_slots_.empty()) {
    const uint32_t s = free_slots_.back();
    free_slots_.pop_back();
    return s;
  }
  if ((slot_count_ >> kChunkShift) >= chunks_.size()) {
    chunks_.emplace_back(new LeaseT[kChunkSize]);  // outgrown: rare, allocates
  }
  return slot_count_++;
}

template <class LeaseT, class KeyT>
LeaseT* BasicLeaseShard<LeaseT, KeyT>::Insert(const KeyT& key) {
  const uint32_t s = AllocateSlot();
  LeaseT& l = slot(s);
  l = LeaseT{};
  l.SetIdentity(key);
  IndexInsert(key.hash, s);
  ++live_;
  return &l;
}

template <class LeaseT, class KeyT>
LeaseT* BasicLeaseShard<LeaseT, KeyT>::InsertRecovered(const LeaseT& lease) {
  const uint32_t s = AllocateSlot();
  LeaseT& l = slot(s);
  l = lease;
  IndexInsert(lease.key_hash, s);
  ++live_;
  return &l;
}

template <class LeaseT, class KeyT>
void BasicLeaseShard<LeaseT, KeyT>::Erase(LeaseT* lease) {
  // Find the slot number of `lease` through the index (pointer → slot).
  const uint64_t hash = lease->key_hash;
  for (uint64_t i = shard_internal::Home(hash, mask_);; i = (i + 1) & mask_) {
    const uint64_t e = table_[i];
    assert(e != shard_internal::kEmpty);
    if (e == shard_internal::kEmpty) return;
    if (&slot(shard_internal::EntrySlot(e)) == lease) {
      const uint32_t s = shard_internal::EntrySlot(e);
      IndexErase(hash, s);
      *lease = LeaseT{};
      free_slots_.push_back(s);
      --live_;
      return;
    }
  }
}

template <class LeaseT, class KeyT>
void BasicLeaseShard<LeaseT, KeyT>::IndexInsert(uint64_t hash, uint32_t s) {
  if ((live_ + 1) * 2 > table_.size()) GrowIndex();
  uint64_t i = shard_internal::Home(hash, mask_);
  while (table_[i] != shard_internal::kEmpty) i = (i + 1) & mask_;
  table_[i] = shard_internal::Entry(hash, s);
}

// Backward-shift deletion keeps linear probing tombstone-free.
template <class LeaseT, class KeyT>
void BasicLeaseShard<LeaseT, KeyT>::IndexErase(uint64_t hash, uint32_t s) {
  uint64_t i = shard_internal::Home(hash, mask_);
  while (table_[i] != shard_internal::Entry(hash, s)) i = (i + 1) & mask_;
  uint64_t j = i;
  for (;;) {
    j = (j + 1) & mask_;
    const uint64_t e = table_[j];
    if (e == shard_internal::kEmpty) break;
    const uint64_t home = shard_internal::Home(slot(shard_internal::EntrySlot(e)).key_hash, mask_);
    // Move e back to i if its home is not in the cyclic range (i, j].
    const bool in_range = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (!in_range) {
      table_[i] = e;
      i = j;
    }
  }
  table_[i] = shard_internal::kEmpty;
}

template <class LeaseT, class KeyT>
void BasicLeaseShard<LeaseT, KeyT>::GrowIndex() {
  std::vector<uint64_t> old;
  old.swap(table_);
  table_.assign(old.size() * 2, shard_internal::kEmpty);
  mask_ = table_.size() - 1;
  for (uint64_t e : old) {
    if (e == shard_internal::kEmpty) continue;
    const uint64_t hash = slot(shard_internal::EntrySlot(e)).key_hash;
    uint64_t i = shard_internal::Home(hash, mask_);
    while (table_[i] != shard_internal::kEmpty) i = (i + 1) & mask_;
    table_[i] = e;
  }
}

template <class LeaseT, class KeyT>
uint64_t BasicLeaseShard<LeaseT, KeyT>::Record(ChangeOp op, LeaseT& lease, bool by_command) {
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


using LeaseShard = BasicLeaseShard<Lease, ClientKey>;
using ChangeRecord = BasicChangeRecord<Lease>;
using Lease6Shard = BasicLeaseShard<Lease6, ClientKey6>;
using ChangeRecord6 = BasicChangeRecord<Lease6>;
extern template class BasicLeaseShard<Lease, ClientKey>;
extern template class BasicLeaseShard<Lease6, ClientKey6>;

}  // namespace fastlease::leasedb
