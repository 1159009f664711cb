// LeaseStore: the leases in RocksDB.
//
// Key:   4-byte big-endian address, then the 8-byte big-endian key hash, so a scan
//        runs in address order (pages for lease commands and leasequery) and a
//        client's expired record for an address never collides with the current
//        holder's.
// Value: a versioned little-endian encoding of the Lease (EncodeLease).
//
// Column families:
//   default  the leases, keyed as above
//   events   lease events (leasedb/lease_event.h): one entry per write, key =
//            8-byte big-endian seq of its first event, value = 4-byte count and
//            the events (AppendLeaseEvent); in the same WriteBatch as the leases
//   leases6  the DHCPv6 leases: key = 16-byte address or prefix, prefix length,
//            8-byte big-endian key hash (DUID+IAID+type); value EncodeLease6.
//            v6 changes make no lease events (the event stream is DHCPv4's).
//
// The identity index (lookups by hw-address, client-id, DUID) is not stored: it
// is an IdentityIndex in memory, built from the leases when the store opens and
// updated by Write() once its batch has committed. A store written by an older
// version has an "index" column family; Open drops it.
//
// Write() applies one batch of change records (and their events) as one WriteBatch; with `sync` it returns only after the WAL is on
// stable storage. All rocksdb::Status values are converted to absl::Status here.
// Write() and TrimEvents() are called by the persister thread only; ForEach()
// before the persister starts; the lookups and ReadEvents() from any thread
// (RocksDB reads are thread-safe; they see every completed Write()).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "leasedb/identity_index.h"
#include "leasedb/lease.h"
#include "leasedb/lease_event.h"
#include "leasedb/lease_shard.h"

namespace rocksdb {
class DB;
class WriteBatch;
class ColumnFamilyHandle;
}

namespace fastlease::leasedb {

struct StoreOptions {
  bool disable_wal = false;  // durability none
  bool sync = true;          // durability fsync
};

inline constexpr size_t kLeaseKeySize = 12;
void EncodeLeaseKey(const Lease& lease, uint8_t out[kLeaseKeySize]);
inline constexpr size_t kMaxLeaseValueSize = 18 + kMaxHwAddressSize + kInlineClientIdSize;
// Writes the value into `out` (kMaxLeaseValueSize bytes); returns its length.
size_t EncodeLease(const Lease& lease, uint8_t* out);
// False when `value` is not a lease this version can read.
bool DecodeLease(std::span<const uint8_t> key, std::span<const uint8_t> value, Lease& out);

inline constexpr size_t kLease6KeySize = 16 + 1 + 8;
void EncodeLease6Key(const Lease6& lease, uint8_t out[kLease6KeySize]);
inline constexpr size_t kMaxLease6ValueSize = 32 + kInlineDuidSize;
size_t EncodeLease6(const Lease6& lease, uint8_t* out);
bool DecodeLease6(std::span<const uint8_t> key, std::span<const uint8_t> value, Lease6& out);

class LeaseStore {
 public:
  static absl::StatusOr<std::unique_ptr<LeaseStore>> Open(const std::string& path,
                                                         const StoreOptions& options);
  ~LeaseStore();

  // One WriteBatch for all `records` (kPut writes, kDelete removes). When
  // `first_event_seq` is not 0, record i also becomes lease event
  // first_event_seq + i stamped with `time`.
  // `records6` (v6 changes) go in the same WriteBatch and make no events.
  absl::Status Write(std::span<const ChangeRecord> records, uint64_t first_event_seq = 0,
                     uint32_t time = 0, std::span<const ChangeRecord6> records6 = {});

  // --- lease events ---
  // Highest event seq stored (0 when none) and lowest (last + 1 when none).
  uint64_t LastEventSeq() const;
  uint64_t FirstEventSeq() const;
  // Calls fn for events with seq >= from, ascending, at most `max`; returns how
  // many. Stops early (DataLoss) at an undecodable event.
  absl::StatusOr<size_t> ReadEvents(uint64_t from, size_t max,
                                    const std::function<void(const LeaseEvent&)>& fn) const;
  // Deletes the events with seq < `below` (whole batches: a few older ones in
  // the batch holding `below` stay).
  absl::Status TrimEvents(uint64_t below);

  // --- lookups (any thread) ---
  // The records for `address` (normally one; an old client's expired record may
  // sit beside the current holder's).
  absl::StatusOr<std::vector<Lease>> LeasesAt(uint32_t address) const;
  // Records of the client with this hardware address / client-id (full bytes).
  absl::StatusOr<std::vector<Lease>> LeasesByHwAddress(uint8_t htype,
                                                       std::span<const uint8_t> hw) const;
  absl::StatusOr<std::vector<Lease>> LeasesByClientId(std::span<const uint8_t> client_id) const;
  // Up to `limit` records with address > `after` (0: from the start), in address order.
  absl::StatusOr<std::vector<Lease>> Page(uint32_t after, bool from_start, size_t limit) const;
  // Every stored lease, in key order. Stops at the first undecodable value with
  // DataLoss naming its key.
  absl::Status ForEach(const std::function<void(const Lease&)>& fn) const;
  // --- DHCPv6 leases (any thread; ForEach6 before the persister starts) ---
  // Records whose address (or prefix) is `address`, any prefix length.
  absl::StatusOr<std::vector<Lease6>> Leases6At(const std::array<uint8_t, 16>& address) const;
  // Records of the client with this DUID (full bytes), every IA.
  absl::StatusOr<std::vector<Lease6>> Leases6ByDuid(std::span<const uint8_t> duid) const;
  // Up to `limit` records with an address/prefix > `after`, in address order.
  absl::StatusOr<std::vector<Lease6>> Page6(const std::array<uint8_t, 16>& after,
                                            bool from_start, size_t limit) const;
  absl::Status ForEach6(const std::function<void(const Lease6&)>& fn) const;
  // Flushes memtables to SST files (used at clean shutdown under durability none).
  absl::Status Flush();
  uint64_t writes() const { return writes_; }
  // Entries in the in-memory identity index (by key, by hw, by DUID).
  size_t index_entries() const { return index_.entries(); }

 private:
  LeaseStore(rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*> cfs,
             const StoreOptions& options);
  absl::Status AddToBatch6(rocksdb::WriteBatch& batch, std::span<const ChangeRecord6> records);
  // Fills index_ from the stored leases (Open, before any other call).
  absl::Status LoadIndex();
  // The stored leases under `keys` (keys gone meanwhile are skipped) that `keep` accepts.
  absl::StatusOr<std::vector<Lease>> LeasesWithKeys(std::span<const IdentityIndex::Key4> keys,
                                                    const std::function<bool(const Lease&)>& keep) const;
  rocksdb::DB* db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs_;  // default, events, leases6
  rocksdb::ColumnFamilyHandle* leases_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* events_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* leases6_cf_ = nullptr;
  IdentityIndex index_;
  StoreOptions options_;
  uint64_t writes_ = 0;
  std::string event_buf_;        // Write() scratch
  std::vector<uint32_t> order_;  // Write() scratch: records in key order
};

}  // namespace fastlease::leasedb
