// ParkQueue: replies held until what they acknowledge is durable.
//
//   ParkQueue<rte_mbuf*> park(4096);            // before launch: allocates
//   if (!park.Push(reply, result.durable_seq)) { drop; count park_full; }
//   park.Release(DurabilityGate{&shard}, [&](rte_mbuf* m) { Tx(m); });   // each turn
//
// A bounded FIFO ring. Sequence numbers from one shard only grow, so releasing
// from the front in order releases every reply whose record is durable. The gate
// is a small value type with `bool Ready(uint64_t seq) const`: today the shard's
// durable sequence; HA adds "and the partner acknowledged it" by composing gates.
// One owner (the worker lcore); no allocation after construction; no locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "leasedb/lease_shard.h"

namespace fastlease::dataplane {

// Ready when the shard's persister has made `seq` durable.
template <typename Shard>
struct BasicDurabilityGate {
  const Shard* shard;
  bool Ready(uint64_t seq) const { return shard->durable_seq() >= seq; }
};
using DurabilityGate = BasicDurabilityGate<leasedb::LeaseShard>;
using DurabilityGate6 = BasicDurabilityGate<leasedb::Lease6Shard>;  // v6 replies

template <typename T>
class ParkQueue {
 public:
  ParkQueue() = default;
  // Holds at least `capacity` entries (rounded up to a power of two).
  explicit ParkQueue(size_t capacity) { Reset(capacity); }

  void Reset(size_t capacity) {
    size_t n = 1;
    while (n < capacity) n <<= 1;
    entries_ = std::make_unique<Entry[]>(n);
    mask_ = n - 1;
    capacity_ = capacity;
    head_ = tail_ = 0;
  }

  size_t size() const { return size_t(tail_ - head_); }
  bool empty() const { return head_ == tail_; }
  bool full() const { return size() >= capacity_; }
  size_t capacity() const { return capacity_; }
  // Sequence of the oldest parked entry; only when !empty().
  uint64_t front_seq() const { return entries_[head_ & mask_].seq; }

  // False when full (nothing stored).
  bool Push(T item, uint64_t seq) {
    if (full()) return false;
    entries_[tail_ & mask_] = Entry{item, seq};
    ++tail_;
    return true;
  }

  // Passes, oldest first, every entry the gate allows to `send`; stops at the
  // first one it does not. Returns the number released.
  template <typename Gate, typename Send>
  size_t Release(const Gate& gate, Send&& send) {
    size_t n = 0;
    while (head_ != tail_) {
      Entry& e = entries_[head_ & mask_];
      if (!gate.Ready(e.seq)) break;
      send(e.item);
      ++head_;
      ++n;
    }
    return n;
  }

  // Passes every entry to `drop`, emptying the queue. Returns how many.
  template <typename Drop>
  size_t Clear(Drop&& drop) {
    size_t n = 0;
    for (; head_ != tail_; ++head_, ++n) drop(entries_[head_ & mask_].item);
    return n;
  }

 private:
  struct Entry {
    T item{};
    uint64_t seq = 0;
  };
  std::unique_ptr<Entry[]> entries_;
  size_t mask_ = 0;
  size_t capacity_ = 0;
  uint64_t head_ = 0;
  uint64_t tail_ = 0;
};

}  // namespace fastlease::dataplane
