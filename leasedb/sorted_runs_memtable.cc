#include "leasedb/sorted_runs_memtable.h"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <deque>
#include <iterator>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

namespace fastlease::leasedb {
namespace {

using Compare = rocksdb::MemTableRep::KeyComparator;
using Run = std::vector<const char*>;  // entries (length-prefixed internal key + value), sorted
using RunPtr = std::shared_ptr<const Run>;

// Walks a snapshot of sorted runs as one sorted sequence. Entries are unique
// (RocksDB never inserts the same internal key twice), so in forward direction
// every run's position is at its first entry > the previous key, and in reverse
// at its last entry < it; changing direction re-positions every run around the
// current key.
class RunsIterator final : public rocksdb::MemTableRep::Iterator {
 public:
  RunsIterator(const Compare& compare, std::vector<RunPtr> runs)
      : compare_(compare), runs_(std::move(runs)), pos_(runs_.size(), 0) {}

  bool Valid() const override { return current_ >= 0; }
  const char* key() const override { return Entry(size_t(current_)); }

  void Next() override {
    if (!forward_) {
      const char* k = key();
      PositionAll([&](const char* e) { return compare_(e, k); }, /*at_or_below=*/true, 0);
      forward_ = true;
    } else {
      ++pos_[size_t(current_)];
    }
    PickSmallest();
  }
  void Prev() override {
    if (forward_) {
      const char* k = key();
      PositionAll([&](const char* e) { return compare_(e, k); }, /*at_or_below=*/false, -1);
      forward_ = false;
    } else {
      --pos_[size_t(current_)];
    }
    PickLargest();
  }
  void Seek(const rocksdb::Slice& internal_key, const char* memtable_key) override {
    PositionAll(ToTarget{compare_, internal_key, memtable_key}, /*at_or_below=*/false, 0);
    forward_ = true;
    PickSmallest();
  }
  void SeekForPrev(const rocksdb::Slice& internal_key, const char* memtable_key) override {
    PositionAll(ToTarget{compare_, internal_key, memtable_key}, /*at_or_below=*/true, -1);
    forward_ = false;
    PickLargest();
  }
  void SeekToFirst() override {
    std::fill(pos_.begin(), pos_.end(), 0);
    forward_ = true;
    PickSmallest();
  }
  void SeekToLast() override {
    for (size_t i = 0; i < runs_.size(); ++i) pos_[i] = ptrdiff_t(runs_[i]->size()) - 1;
    forward_ = false;
    PickLargest();
  }

 private:
  const char* Entry(size_t run) const { return (*runs_[run])[size_t(pos_[run])]; }
  bool InRange(size_t run) const { return pos_[run] >= 0 && size_t(pos_[run]) < runs_[run]->size(); }
  // Compares an entry with a seek target, given as an internal key or, when
  // RocksDB has it, as an encoded memtable key.
  struct ToTarget {
    const Compare& compare;
    const rocksdb::Slice& internal_key;
    const char* memtable_key;
    int operator()(const char* e) const {
      return memtable_key != nullptr ? compare(e, memtable_key) : compare(e, internal_key);
    }
  };
  // Every run's position: the number of its entries below the target (with
  // `at_or_below`, at or below it), plus `shift` (-1: the last such entry).
  template <class CompareToTarget>
  void PositionAll(CompareToTarget compare, bool at_or_below, ptrdiff_t shift) {
    for (size_t i = 0; i < runs_.size(); ++i) {
      const Run& r = *runs_[i];
      pos_[i] = std::partition_point(r.begin(), r.end(), [&](const char* e) {
                  const int c = compare(e);
                  return at_or_below ? c <= 0 : c < 0;
                }) - r.begin() + shift;
    }
  }
  void PickSmallest() {
    current_ = -1;
    for (size_t i = 0; i < runs_.size(); ++i) {
      if (InRange(i) && (current_ < 0 || compare_(Entry(i), key()) < 0)) current_ = ptrdiff_t(i);
    }
  }
  void PickLargest() {
    current_ = -1;
    for (size_t i = 0; i < runs_.size(); ++i) {
      if (InRange(i) && (current_ < 0 || compare_(Entry(i), key()) > 0)) current_ = ptrdiff_t(i);
    }
  }

  const Compare& compare_;
  const std::vector<RunPtr> runs_;
  std::vector<ptrdiff_t> pos_;  // per run: the next candidate in the current direction
  ptrdiff_t current_ = -1;      // the run holding key(), or -1: not Valid()
  bool forward_ = true;
};

class SortedRunsRep final : public rocksdb::MemTableRep {
 public:
  SortedRunsRep(const Compare& compare, rocksdb::Allocator* allocator)
      : MemTableRep(allocator), compare_(compare) {}

  void Insert(rocksdb::KeyHandle handle) override {
    std::lock_guard lock(tail_mu_);
    tail_.push_back(static_cast<const char*>(handle));
    entries_.fetch_add(1, std::memory_order_relaxed);
  }

  bool Contains(const char* key) const override {
    for (const RunPtr& run : Snapshot()) {
      auto it = std::partition_point(run->begin(), run->end(),
                                     [&](const char* e) { return compare_(e, key) < 0; });
      if (it != run->end() && compare_(*it, key) == 0) return true;
    }
    return false;
  }

  // No more inserts: the next read merges everything into one run, which the
  // flush then walks without a k-way merge. The memory reported is frozen here:
  // RocksDB accounts an immutable memtable by the figure it had when it turned
  // immutable, and asserts it never grows after that.
  void MarkReadOnly() override {
    frozen_usage_.store(CurrentUsage(), std::memory_order_relaxed);
    read_only_.store(true, std::memory_order_release);
  }

  size_t ApproximateMemoryUsage() override {
    return read_only_.load(std::memory_order_acquire) ? frozen_usage_.load(std::memory_order_relaxed)
                                                      : CurrentUsage();
  }

  Iterator* GetIterator(rocksdb::Arena* arena) override {
    std::vector<RunPtr> runs = Snapshot();
    if (arena == nullptr) return new RunsIterator(compare_, std::move(runs));
    // With an arena the caller runs the destructor but never frees the memory,
    // and RocksDB's Arena is not public API. The iterator object goes into a
    // slot of this rep's own, which lasts as long as the memtable (an iterator
    // holds the memtable through its super-version). Slots are not reused (the
    // caller's destructor call is the last word on one); while the memtable is
    // mutable they count toward its size, so a stream of lookups makes it flush
    // sooner rather than grow without bound. The runs and positions are on the
    // heap and freed by the destructor.
    void* slot = nullptr;
    {
      std::lock_guard lock(slots_mu_);
      slot = &slots_.emplace_back();
    }
    slot_count_.fetch_add(1, std::memory_order_relaxed);
    return new (slot) RunsIterator(compare_, std::move(runs));
  }

 private:
  struct Less {
    const Compare& compare;
    bool operator()(const char* a, const char* b) const { return compare(a, b) < 0; }
  };

  // The persister writes each batch in key order, so the tail is a sequence of
  // ascending stretches, each in memory that was written in one go. Merging
  // them pairwise takes log2(stretches) passes that read those stretches
  // front to back, where a sort would jump between random entries.
  static void SortAscendingStretches(Run& v, Less less) {
    std::vector<size_t> bounds{0};
    for (size_t i = 1; i < v.size(); ++i) {
      if (less(v[i], v[i - 1])) bounds.push_back(i);
    }
    bounds.push_back(v.size());
    if (bounds.size() <= 2) return;  // one stretch: sorted already
    Run merged(v.size());
    std::vector<size_t> next;
    while (bounds.size() > 2) {
      next.assign(1, 0);
      for (size_t k = 0; k + 1 < bounds.size(); k += 2) {
        const size_t lo = bounds[k], mid = bounds[k + 1];
        const size_t hi = k + 2 < bounds.size() ? bounds[k + 2] : mid;  // an odd one out is copied
        std::merge(v.begin() + lo, v.begin() + mid, v.begin() + mid, v.begin() + hi,
                   merged.begin() + lo, less);
        next.push_back(hi);
      }
      v.swap(merged);
      bounds.swap(next);
    }
  }

  // Sorts the tail into a run, merges as the policy says, and returns the runs.
  std::vector<RunPtr> Snapshot() const {
    std::lock_guard runs_lock(runs_mu_);
    Run fresh;
    {
      std::lock_guard tail_lock(tail_mu_);
      fresh.swap(tail_);
    }
    if (!fresh.empty()) {
      SortAscendingStretches(fresh, Less{compare_});
      runs_.push_back(std::make_shared<const Run>(std::move(fresh)));
    }
    const bool merge_all = read_only_.load(std::memory_order_acquire);
    while (runs_.size() >= 2 &&
           (merge_all || runs_[runs_.size() - 2]->size() <= 2 * runs_.back()->size())) {
      const Run& older = *runs_[runs_.size() - 2];
      const Run& newer = *runs_.back();
      Run merged;
      merged.reserve(older.size() + newer.size());
      std::merge(older.begin(), older.end(), newer.begin(), newer.end(), std::back_inserter(merged),
                 Less{compare_});
      runs_.pop_back();
      runs_.back() = std::make_shared<const Run>(std::move(merged));
    }
    return runs_;
  }

  size_t CurrentUsage() const {
    // The tail's and the runs' pointer arrays (room for growth and a merge), and the slots.
    return 2 * sizeof(const char*) * entries_.load(std::memory_order_relaxed) +
           sizeof(IteratorSlot) * slot_count_.load(std::memory_order_relaxed);
  }

  struct alignas(RunsIterator) IteratorSlot {
    unsigned char bytes[sizeof(RunsIterator)];
  };

  const Compare& compare_;
  mutable std::mutex tail_mu_;  // guards tail_: held by Insert() for a push_back
  mutable Run tail_;            // inserted since the last read, unsorted
  mutable std::mutex runs_mu_;  // guards runs_; serialises readers' sort and merge
  mutable std::vector<RunPtr> runs_;  // oldest first; each more than twice the next
  std::mutex slots_mu_;                // guards slots_
  std::deque<IteratorSlot> slots_;     // arena-mode iterators; stable addresses
  std::atomic<size_t> entries_{0};
  std::atomic<size_t> slot_count_{0};
  std::atomic<size_t> frozen_usage_{0};
  std::atomic<bool> read_only_{false};
};

}  // namespace

rocksdb::MemTableRep* SortedRunsRepFactory::CreateMemTableRep(
    const rocksdb::MemTableRep::KeyComparator& compare, rocksdb::Allocator* allocator,
    const rocksdb::SliceTransform* /*prefix_extractor*/, rocksdb::Logger* /*logger*/) {
  return new SortedRunsRep(compare, allocator);
}

}  // namespace fastlease::leasedb
