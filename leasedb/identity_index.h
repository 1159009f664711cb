// IdentityIndex: which stored lease keys belong to a client identity, held in
// memory beside the store, for its lookups by hw-address, client-id and DUID.
//
// Three sets of (identity hash, lease key) entries:
//   by key   every v4 lease: its key hash (client-id's, or htype+hw's)
//   by hw    v4 leases keyed by client-id: their htype+hw hash, so they are
//            found by hardware address too
//   by DUID  every v6 lease: DuidHash of its DUID
//
// Contract: every stored lease has its entries; an entry may point at a key that
// is gone or whose lease now has another identity (a client-id lease whose
// hardware address changed keeps its old 'by hw' entry). Callers read the lease
// and compare the full identity, as they would after a hash match anyway.
//
// Why memory and not a RocksDB column family: an index entry's key is a random
// hash, and a random insert into a large memtable skiplist (plus its flushes and
// compactions) cost about 90% of the persister's CPU per record. Why a hash map
// and not the B-tree it was until session 9: a B-tree insert of a random hash is a
// descent of several nodes, which became over a third of the persister's CPU once
// the memtable stopped costing most of it; a hash map insert is about one cache
// miss. The price: 30-60 bytes of RAM per entry, a scan of the stored leases when
// the store opens, and a rehash when the map doubles (the load at open reserves
// room for a quarter more than it found, so a steady population never rehashes;
// a growing one stalls the persister once per doubling, ~35 ms per million
// entries, and the change rings absorb or drop what arrives meanwhile).
//
// Thread safety: Apply() from one writer (the persister, after its WriteBatch
// committed) under an exclusive lock; the Find*() from any thread (shared lock).
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <shared_mutex>
#include <span>
#include <utility>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "leasedb/lease.h"
#include "leasedb/lease6.h"
#include "leasedb/lease_shard.h"

namespace fastlease::leasedb {

inline constexpr size_t kIndexLeaseKeySize = 12;   // == kLeaseKeySize
inline constexpr size_t kIndexLease6KeySize = 25;  // == kLease6KeySize

// Entries of one kind: a set of (hash, lease key). Nearly every hash has one key:
// it lives in a hash map; the rare further keys of a hash (one client's leases in
// several subnets, or a stale 'by hw' entry) in an ordered overflow set.
// Invariant: every hash in `more_` is in `first_` with a different key.
template <size_t KeySize>
class HashedKeySet {
 public:
  using Key = std::array<uint8_t, KeySize>;
  struct Entry {
    uint64_t hash;
    Key key;
    bool operator<(const Entry& o) const {
      return hash != o.hash ? hash < o.hash : std::memcmp(key.data(), o.key.data(), KeySize) < 0;
    }
    bool operator==(const Entry& o) const { return hash == o.hash && key == o.key; }
  };

  static Entry MakeEntry(uint64_t hash, const uint8_t* key) {
    Entry e;
    e.hash = hash;
    std::memcpy(e.key.data(), key, KeySize);
    return e;
  }
  // A batch of inserts (true) and erases (false), applied one by one in order.
  void Apply(const std::vector<std::pair<Entry, bool>>& changes);
  // Bulk load: `entries` need not be sorted or unique.
  void InsertAll(const std::vector<Entry>& entries);
  // The keys filed under `hash`, in key order.
  std::vector<Key> Find(uint64_t hash) const;
  size_t size() const { return first_.size() + more_.size(); }

 private:
  void Insert(const Entry& e);
  void Erase(const Entry& e);

  absl::flat_hash_map<uint64_t, Key> first_;  // one key per hash
  absl::btree_set<Entry> more_;               // the further keys of hashes in first_
};

class IdentityIndex {
 public:
  using Key4 = HashedKeySet<kIndexLeaseKeySize>::Key;
  using Key6 = HashedKeySet<kIndexLease6KeySize>::Key;

  // Writer side: one committed batch of change records, in order (locks exclusive).
  void Apply(std::span<const ChangeRecord> records, std::span<const ChangeRecord6> records6);
  // Bulk load before any reader runs (the store's Open). Not locked.
  void Load(std::vector<HashedKeySet<kIndexLeaseKeySize>::Entry>& by_key,
            std::vector<HashedKeySet<kIndexLeaseKeySize>::Entry>& by_hw,
            std::vector<HashedKeySet<kIndexLease6KeySize>::Entry>& by_duid);

  // Reader side (locks shared).
  std::vector<Key4> FindByKeyHash(uint64_t hash) const;
  std::vector<Key4> FindByHwHash(uint64_t hash) const;
  std::vector<Key6> FindByDuidHash(uint64_t hash) const;
  size_t entries() const;

  // The entries a v4 lease files (by hw only when keyed by client-id).
  static bool HasHwEntry(const Lease& l) { return l.kind == KeyKind::kClientId; }
  static uint64_t HwHash(const Lease& l) { return HwAddressHash(l.htype, {l.hw, l.hlen}); }

 private:
  mutable std::shared_mutex mu_;
  HashedKeySet<kIndexLeaseKeySize> by_key_;
  HashedKeySet<kIndexLeaseKeySize> by_hw_;
  HashedKeySet<kIndexLease6KeySize> by_duid_;
  // Apply() scratch, kept to avoid an allocation per batch.
  std::vector<std::pair<HashedKeySet<kIndexLeaseKeySize>::Entry, bool>> by_key_changes_, by_hw_changes_;
  std::vector<std::pair<HashedKeySet<kIndexLease6KeySize>::Entry, bool>> by_duid_changes_;
};

}  // namespace fastlease::leasedb
