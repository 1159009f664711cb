// LeaseStore: the leases in RocksDB.
//
// Key:   4-byte big-endian address, then the 8-byte big-endian key hash, so a scan
//        runs in address order (pages for lease commands and leasequery) and a
//        client's expired record for an address never collides with the current
//        holder's.
// Value: a versioned little-endian encoding of the Lease (EncodeLease).
//
// Write() applies one batch of change records as one WriteBatch; with
// `sync` it returns only after the WAL is on stable storage. All rocksdb::Status
// values are converted to absl::Status here. Write() is called by the persister
// thread only; ForEach() before the persister starts.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "leasedb/lease.h"
#include "leasedb/lease_shard.h"

namespace rocksdb {
class DB;
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

class LeaseStore {
 public:
  static absl::StatusOr<std::unique_ptr<LeaseStore>> Open(const std::string& path,
                                                         const StoreOptions& options);
  ~LeaseStore();

  // One WriteBatch for all `records` (kPut writes, kDelete removes).
  absl::Status Write(std::span<const ChangeRecord> records);
  // Every stored lease, in key order. Stops at the first undecodable value with
  // DataLoss naming its key.
  absl::Status ForEach(const std::function<void(const Lease&)>& fn) const;
  // Flushes memtables to SST files (used at clean shutdown under durability none).
  absl::Status Flush();
  uint64_t writes() const { return writes_; }

 private:
  LeaseStore(rocksdb::DB* db, const StoreOptions& options) : db_(db), options_(options) {}
  rocksdb::DB* db_;
  StoreOptions options_;
  uint64_t writes_ = 0;
};

}  // namespace fastlease::leasedb
