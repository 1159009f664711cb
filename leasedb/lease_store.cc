#include "leasedb/lease_store.h"

#include <cstring>

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/escaping.h"

namespace fastlease::leasedb {
namespace {

constexpr uint8_t kValueVersion = 1;
// version, state, kind, htype, hlen, client_id_len, subnet_id, expire, valid
constexpr size_t kFixedValueSize = 6 + 4 * 3;

absl::Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return absl::OkStatus();
  const std::string msg = absl::StrCat(what, ": ", s.ToString());
  if (s.IsCorruption()) return absl::DataLossError(msg);
  if (s.IsIOError()) return absl::UnavailableError(msg);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(msg);
  return absl::InternalError(msg);
}

void Put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
}
uint32_t Get32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

}  // namespace

void EncodeLeaseKey(const Lease& lease, uint8_t out[kLeaseKeySize]) {
  for (int i = 0; i < 4; ++i) out[i] = uint8_t(lease.address >> (24 - 8 * i));
  for (int i = 0; i < 8; ++i) out[4 + i] = uint8_t(lease.key_hash >> (56 - 8 * i));
}

size_t EncodeLease(const Lease& l, uint8_t* p) {
  static_assert(kFixedValueSize == 18);
  const size_t cid = std::min<size_t>(l.client_id_len, kInlineClientIdSize);
  p[0] = kValueVersion;
  p[1] = uint8_t(l.state);
  p[2] = uint8_t(l.kind);
  p[3] = l.htype;
  p[4] = l.hlen;
  p[5] = l.client_id_len;
  Put32(p + 6, l.subnet_id);
  Put32(p + 10, l.expire);
  Put32(p + 14, l.valid);
  std::memcpy(p + kFixedValueSize, l.hw, l.hlen);
  std::memcpy(p + kFixedValueSize + l.hlen, l.client_id, cid);
  return kFixedValueSize + l.hlen + cid;
}

bool DecodeLease(std::span<const uint8_t> key, std::span<const uint8_t> v, Lease& l) {
  if (key.size() != kLeaseKeySize || v.size() < kFixedValueSize || v[0] != kValueVersion) {
    return false;
  }
  l = Lease{};
  l.address = uint32_t(key[0]) << 24 | uint32_t(key[1]) << 16 | uint32_t(key[2]) << 8 | key[3];
  l.key_hash = 0;
  for (int i = 0; i < 8; ++i) l.key_hash = l.key_hash << 8 | key[4 + i];
  if (v[1] < uint8_t(LeaseState::kOffered) || v[1] > uint8_t(LeaseState::kDeclined)) return false;
  if (v[2] > uint8_t(KeyKind::kHwAddress) || v[4] > kMaxHwAddressSize) return false;
  l.state = LeaseState(v[1]);
  l.kind = KeyKind(v[2]);
  l.htype = v[3];
  l.hlen = v[4];
  l.client_id_len = v[5];
  const size_t cid = std::min<size_t>(l.client_id_len, kInlineClientIdSize);
  if (v.size() != kFixedValueSize + l.hlen + cid) return false;
  l.subnet_id = Get32(v.data() + 6);
  l.expire = Get32(v.data() + 10);
  l.valid = Get32(v.data() + 14);
  std::memcpy(l.hw, v.data() + kFixedValueSize, l.hlen);
  std::memcpy(l.client_id, v.data() + kFixedValueSize + l.hlen, cid);
  return true;
}

absl::StatusOr<std::unique_ptr<LeaseStore>> LeaseStore::Open(const std::string& path,
                                                            const StoreOptions& options) {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.IncreaseParallelism(2);
  o.write_buffer_size = 64 << 20;
  o.max_write_buffer_number = 4;
  o.compression = rocksdb::kNoCompression;
  o.max_background_jobs = 2;
  // Leases are small and written at a high rate: a larger WAL buffer and no
  // per-write memtable stalls.
  o.avoid_flush_during_shutdown = false;
  rocksdb::BlockBasedTableOptions t;
  t.block_size = 16 << 10;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  rocksdb::DB* db = nullptr;
  absl::Status s = FromRocks(rocksdb::DB::Open(o, path, &db), absl::StrCat("open ", path));
  if (!s.ok()) return s;
  return std::unique_ptr<LeaseStore>(new LeaseStore(db, options));
}

LeaseStore::~LeaseStore() {
  if (db_ != nullptr) {
    db_->Close().PermitUncheckedError();
    delete db_;
  }
}

absl::Status LeaseStore::Write(std::span<const ChangeRecord> records) {
  if (records.empty()) return absl::OkStatus();
  rocksdb::WriteBatch batch(records.size() * 64);
  uint8_t key[kLeaseKeySize];
  uint8_t value[kMaxLeaseValueSize];
  for (const ChangeRecord& r : records) {
    EncodeLeaseKey(r.lease, key);
    const rocksdb::Slice k(reinterpret_cast<const char*>(key), kLeaseKeySize);
    rocksdb::Status s;
    if (r.op == ChangeOp::kPut) {
      const size_t n = EncodeLease(r.lease, value);
      s = batch.Put(k, rocksdb::Slice(reinterpret_cast<const char*>(value), n));
    } else {
      s = batch.Delete(k);
    }
    if (!s.ok()) return FromRocks(s, "batch");
  }
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync && !options_.disable_wal;
  wo.disableWAL = options_.disable_wal;
  ++writes_;
  return FromRocks(db_->Write(wo, &batch), "write");
}

absl::Status LeaseStore::ForEach(const std::function<void(const Lease&)>& fn) const {
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  ro.readahead_size = 4 << 20;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  Lease l;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const rocksdb::Slice k = it->key();
    const rocksdb::Slice v = it->value();
    const std::span<const uint8_t> ks(reinterpret_cast<const uint8_t*>(k.data()), k.size());
    const std::span<const uint8_t> vs(reinterpret_cast<const uint8_t*>(v.data()), v.size());
    if (!DecodeLease(ks, vs, l)) {
      return absl::DataLossError(
          absl::StrCat("undecodable lease record at key ", absl::BytesToHexString(absl::string_view(k.data(), k.size()))));
    }
    fn(l);
  }
  return FromRocks(it->status(), "scan");
}

absl::Status LeaseStore::Flush() {
  return FromRocks(db_->Flush(rocksdb::FlushOptions()), "flush");
}

}  // namespace fastlease::leasedb
