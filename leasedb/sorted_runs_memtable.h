// SortedRunsRepFactory: a RocksDB memtable representation for the lease column
// families, which are written all the time and read rarely (lease commands, the
// scan at start-up, flushes).
//
// An insert appends the entry's pointer to an unsorted tail, under a mutex held
// for the push only. A read (an iterator, a Get, a flush) first sorts the tail
// into a new sorted run and merges the newest runs while one is not more than
// twice the size of the next, so there are at most log2(n) runs and each entry
// is merged O(log n) times in all. The read then walks a snapshot of the runs
// with a k-way merge.
//
// Why not RocksDB's default skiplist: every insert into a large skiplist is a
// descent with several cache misses; that was about three quarters of the
// persister's CPU per record. Why not RocksDB's VectorRep: it copies and sorts
// the whole mutable memtable on every read (about 92 ms per lease lookup with
// 500,000 unflushed records, against 2 us for the skiplist); here a read sorts
// only what was written since the previous read.
//
// Contract (RocksDB's MemTableRep): Insert() from one writer at a time, so the
// column family's options need allow_concurrent_memtable_write = false; reads
// from any thread, concurrent with Insert(). An iterator sees every entry
// inserted before it was created and none inserted after (RocksDB filters by
// sequence number anyway). Readers serialise on the sort and merge; the writer
// waits only for the tail to be swapped out.
#pragma once

#include <rocksdb/memtablerep.h>

namespace fastlease::leasedb {

class SortedRunsRepFactory : public rocksdb::MemTableRepFactory {
 public:
  static const char* kClassName() { return "FastleaseSortedRunsRepFactory"; }
  const char* Name() const override { return kClassName(); }

  using rocksdb::MemTableRepFactory::CreateMemTableRep;
  rocksdb::MemTableRep* CreateMemTableRep(const rocksdb::MemTableRep::KeyComparator& compare,
                                          rocksdb::Allocator* allocator,
                                          const rocksdb::SliceTransform* prefix_extractor,
                                          rocksdb::Logger* logger) override;
};

}  // namespace fastlease::leasedb
