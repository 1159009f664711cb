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
#include <cstdint>
#include <memory>
#include <vector>

#include <boost/lockfree/spsc_queue.hpp>

#include "leasedb/lease.h"

namespace fastlease::leasedb {

enum class ChangeOp : uint8_t {
  kPut = 0,     // write the lease (keyed by address + key hash)
  kDelete = 1,  // forget the lease
};

// One change on its way to the store.
struct ChangeRecord {
  uint64_t seq = 0;
  ChangeOp op = ChangeOp::kPut;
  Lease lease;
  LeaseState prev_state = LeaseState::kFree;  // what the store held before
  bool by_command = false;                    // made by a lease command, not a client
};

class LeaseShard {
 public:
  // `expected_leases` pre-sizes slab and index; `ring_size` bounds pending changes.
  LeaseShard(uint32_t index, size_t expected_leases, size_t ring_size);
  LeaseShard(const LeaseShard&) = delete;
  LeaseShard& operator=(const LeaseShard&) = delete;

  uint32_t index() const { return index_; }

  // --- owner lcore ---
  Lease* Find(const ClientKey& key);
  // The slot of the client `lease` identifies (recovery: no packet at hand).
  Lease* FindLike(const Lease& lease);
  // Adds a slot for `key` (which must not be present): identity set, state kFree.
  // Allocates only when the pre-sized slab or index is outgrown.
  Lease* Insert(const ClientKey& key);
  // Inserts a recovered lease as is (identity and fields from the store).
  Lease* InsertRecovered(const Lease& lease);
  void Erase(Lease* lease);
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
  Lease& slot(uint32_t i) { return chunks_[i >> kChunkShift][i & kChunkMask]; }
  uint32_t expiry_cursor = 0;

  // True if `n` more change records fit in the ring now.
  bool CanRecord(size_t n = 1) const { return ring_.write_available() >= n; }
  // Queues a change; returns its sequence number. Call CanRecord() first.
  // Marks the lease persisted (kPut) or not (kDelete) and remembers the state
  // written, so the next change of this lease knows what it replaces.
  uint64_t Record(ChangeOp op, Lease& lease, bool by_command = false);
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
  std::vector<std::unique_ptr<Lease[]>> chunks_;
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

}  // namespace fastlease::leasedb
