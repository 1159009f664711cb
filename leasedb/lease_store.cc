#include "leasedb/lease_store.h"

#include <cstring>

#include <rocksdb/db.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
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

void EncodeLease6Key(const Lease6& l, uint8_t out[kLease6KeySize]) {
  std::memcpy(out, l.address.data(), 16);
  out[16] = l.prefix_len;
  for (int i = 0; i < 8; ++i) out[17 + i] = uint8_t(l.key_hash >> (56 - 8 * i));
}

namespace {
constexpr uint8_t kValue6Version = 1;
// version, state, type, duid_len, iaid, expire, valid, preferred, subnet_id, duid_hash
constexpr size_t kFixedValue6Size = 4 + 4 * 5 + 8;
}  // namespace

size_t EncodeLease6(const Lease6& l, uint8_t* p) {
  static_assert(kFixedValue6Size == 32);
  const size_t duid = std::min<size_t>(l.duid_len, kInlineDuidSize);
  p[0] = kValue6Version;
  p[1] = uint8_t(l.state);
  p[2] = uint8_t(l.type);
  p[3] = l.duid_len;
  Put32(p + 4, l.iaid);
  Put32(p + 8, l.expire);
  Put32(p + 12, l.valid);
  Put32(p + 16, l.preferred);
  Put32(p + 20, l.subnet_id);
  Put32(p + 24, uint32_t(l.duid_hash));
  Put32(p + 28, uint32_t(l.duid_hash >> 32));
  std::memcpy(p + kFixedValue6Size, l.duid, duid);
  return kFixedValue6Size + duid;
}

bool DecodeLease6(std::span<const uint8_t> key, std::span<const uint8_t> v, Lease6& l) {
  if (key.size() != kLease6KeySize || v.size() < kFixedValue6Size || v[0] != kValue6Version) {
    return false;
  }
  if (v[1] < uint8_t(LeaseState::kOffered) || v[1] > uint8_t(LeaseState::kDeclined)) return false;
  if (v[2] > uint8_t(Lease6Type::kPd) || key[16] > 128) return false;
  const size_t duid = std::min<size_t>(v[3], kInlineDuidSize);
  if (v.size() != kFixedValue6Size + duid) return false;
  l = Lease6{};
  std::memcpy(l.address.data(), key.data(), 16);
  l.prefix_len = key[16];
  for (int i = 0; i < 8; ++i) l.key_hash = l.key_hash << 8 | key[17 + i];
  l.state = LeaseState(v[1]);
  l.type = Lease6Type(v[2]);
  l.duid_len = v[3];
  l.iaid = Get32(v.data() + 4);
  l.expire = Get32(v.data() + 8);
  l.valid = Get32(v.data() + 12);
  l.preferred = Get32(v.data() + 16);
  l.subnet_id = Get32(v.data() + 20);
  l.duid_hash = uint64_t(Get32(v.data() + 24)) | uint64_t(Get32(v.data() + 28)) << 32;
  std::memcpy(l.duid, v.data() + kFixedValue6Size, duid);
  return true;
}

absl::StatusOr<std::unique_ptr<LeaseStore>> LeaseStore::Open(const std::string& path,
                                                            const StoreOptions& options) {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.create_missing_column_families = true;
  o.IncreaseParallelism(2);
  o.write_buffer_size = 64 << 20;
  o.max_write_buffer_number = 4;
  o.compression = rocksdb::kNoCompression;
  o.max_background_jobs = 2;
  o.avoid_flush_during_shutdown = false;
  rocksdb::BlockBasedTableOptions t;
  t.block_size = 16 << 10;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  // The index takes one random-key insert per change: a hashed memtable keeps
  // it O(1) (a skiplist insert of a random key costs several cache misses).
  o.allow_concurrent_memtable_write = false;  // required by the hashed memtable
  rocksdb::ColumnFamilyOptions cf(o);
  rocksdb::ColumnFamilyOptions index_cf(o);
  index_cf.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(9));
  index_cf.memtable_factory.reset(rocksdb::NewHashSkipListRepFactory(1 << 20));
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = {
      {rocksdb::kDefaultColumnFamilyName, cf}, {"events", cf}, {"index", index_cf},
      {"leases6", cf}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  absl::Status s = FromRocks(rocksdb::DB::Open(rocksdb::DBOptions(o), path, descriptors, &handles, &db),
                             absl::StrCat("open ", path));
  if (!s.ok()) return s;
  return std::unique_ptr<LeaseStore>(new LeaseStore(db, std::move(handles), options));
}

LeaseStore::LeaseStore(rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*> cfs,
                       const StoreOptions& options)
    : db_(db), cfs_(std::move(cfs)), options_(options) {
  leases_cf_ = cfs_[0];
  events_cf_ = cfs_[1];
  index_cf_ = cfs_[2];
  leases6_cf_ = cfs_[3];
}

LeaseStore::~LeaseStore() {
  if (db_ != nullptr) {
    for (rocksdb::ColumnFamilyHandle* h : cfs_) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    db_->Close().PermitUncheckedError();
    delete db_;
  }
}

namespace {

void AppendBigEndian(std::string& s, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) s.push_back(char(uint8_t(v >> (8 * i))));
}
void PutBigEndian(uint8_t* p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = uint8_t(v >> (8 * (bytes - 1 - i)));
}

// Index keys: tag, 8-byte big-endian hash, lease key. 'k': the lease's key hash
// (its client-id's or its htype+hw's); 'h': htype+hw hash of a lease keyed by
// client-id, so it is found by hardware address too.
constexpr size_t kIndexKeySize = 1 + 8 + kLeaseKeySize;
constexpr size_t kIndexPrefixSize = 9;
void IndexKey(uint8_t* out, char tag, uint64_t hash, const uint8_t* lease_key) {
  out[0] = uint8_t(tag);
  PutBigEndian(out + 1, hash, 8);
  std::memcpy(out + 9, lease_key, kLeaseKeySize);
}
std::string IndexPrefix(char tag, uint64_t hash) {
  std::string k(1, tag);
  AppendBigEndian(k, hash, 8);
  return k;
}

rocksdb::Slice AsSlice(const std::string& s) { return rocksdb::Slice(s.data(), s.size()); }
rocksdb::Slice AsSlice(const uint8_t* p, size_t n) {
  return rocksdb::Slice(reinterpret_cast<const char*>(p), n);
}

}  // namespace

absl::Status LeaseStore::Write(std::span<const ChangeRecord> records, uint64_t first_event_seq,
                               uint32_t time, std::span<const ChangeRecord6> records6) {
  if (records.empty() && records6.empty()) return absl::OkStatus();
  rocksdb::WriteBatch batch((records.size() + records6.size()) * 192);
  if (absl::Status st = AddToBatch6(batch, records6); !st.ok()) return st;
  if (records.empty()) first_event_seq = 0;
  uint8_t key[kLeaseKeySize];
  uint8_t value[kMaxLeaseValueSize];
  uint8_t event_key[8];
  // All of the batch's events in one value under the first one's seq: one
  // sequential insert per batch instead of one per record.
  event_buf_.assign(4, '\0');
  uint8_t by_key[kIndexKeySize];
  uint8_t by_hw[kIndexKeySize];
  LeaseEvent e;
  for (size_t i = 0; i < records.size(); ++i) {
    const ChangeRecord& r = records[i];
    EncodeLeaseKey(r.lease, key);
    const rocksdb::Slice k = AsSlice(key, kLeaseKeySize);
    IndexKey(by_key, 'k', r.lease.key_hash, key);
    const bool by_client_id = r.lease.kind == KeyKind::kClientId;
    if (by_client_id) IndexKey(by_hw, 'h', HwAddressHash(r.lease.htype, {r.lease.hw, r.lease.hlen}), key);
    rocksdb::Status s;
    if (r.op == ChangeOp::kPut) {
      const size_t n = EncodeLease(r.lease, value);
      s = batch.Put(leases_cf_, k, AsSlice(value, n));
      if (s.ok()) s = batch.Put(index_cf_, AsSlice(by_key, kIndexKeySize), rocksdb::Slice());
      if (s.ok() && by_client_id) s = batch.Put(index_cf_, AsSlice(by_hw, kIndexKeySize), rocksdb::Slice());
    } else {
      s = batch.Delete(leases_cf_, k);
      if (s.ok()) s = batch.Delete(index_cf_, AsSlice(by_key, kIndexKeySize));
      if (s.ok() && by_client_id) s = batch.Delete(index_cf_, AsSlice(by_hw, kIndexKeySize));
    }
    if (first_event_seq != 0) {
      e.seq = first_event_seq + i;
      e.time = time;
      e.prev_state = r.prev_state;
      e.lease = r.lease;
      e.kind = ClassifyChange(r);
      AppendLeaseEvent(event_buf_, e);
    }
    if (!s.ok()) return FromRocks(s, "batch");
  }
  if (first_event_seq != 0) {
    const uint32_t count = uint32_t(records.size());
    for (int b = 0; b < 4; ++b) event_buf_[b] = char(uint8_t(count >> (8 * b)));
    PutBigEndian(event_key, first_event_seq, 8);
    rocksdb::Status s = batch.Put(events_cf_, AsSlice(event_key, 8), AsSlice(event_buf_));
    if (!s.ok()) return FromRocks(s, "batch");
  }
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync && !options_.disable_wal;
  wo.disableWAL = options_.disable_wal;
  ++writes_;
  return FromRocks(db_->Write(wo, &batch), "write");
}

namespace {

uint64_t BatchFirstSeq(const rocksdb::Slice& key) {
  uint64_t seq = 0;
  for (size_t i = 0; i < 8 && i < key.size(); ++i) seq = seq << 8 | uint8_t(key[i]);
  return seq;
}
uint32_t BatchCount(const rocksdb::Slice& value) {
  if (value.size() < 4) return 0;
  const auto* p = reinterpret_cast<const uint8_t*>(value.data());
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

}  // namespace

uint64_t LeaseStore::LastEventSeq() const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), events_cf_));
  it->SeekToLast();
  if (!it->Valid() || it->key().size() != 8) return 0;
  return BatchFirstSeq(it->key()) + BatchCount(it->value()) - 1;
}

uint64_t LeaseStore::FirstEventSeq() const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), events_cf_));
  it->SeekToFirst();
  if (!it->Valid() || it->key().size() != 8) return LastEventSeq() + 1;
  return BatchFirstSeq(it->key());
}

absl::StatusOr<size_t> LeaseStore::ReadEvents(
    uint64_t from, size_t max, const std::function<void(const LeaseEvent&)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), events_cf_));
  uint8_t k[8];
  PutBigEndian(k, from, 8);
  it->SeekForPrev(AsSlice(k, 8));  // the batch holding `from`, if any
  if (!it->Valid()) it->SeekToFirst();
  size_t n = 0;
  bool bad = false;
  for (; it->Valid() && n < max && !bad; it->Next()) {
    const rocksdb::Slice v = it->value();
    if (v.size() < 4) return absl::DataLossError(absl::StrCat("short lease event batch near seq ", from));
    const std::span<const uint8_t> events(reinterpret_cast<const uint8_t*>(v.data()) + 4, v.size() - 4);
    const bool ok = ForEachLeaseEvent(events, [&](const LeaseEvent& e) {
      if (e.seq < from || n >= max) return;
      fn(e);
      ++n;
    });
    bad = !ok;
  }
  if (bad) return absl::DataLossError(absl::StrCat("undecodable lease event after seq ", from + n));
  if (absl::Status s = FromRocks(it->status(), "read events"); !s.ok()) return s;
  return n;
}

absl::Status LeaseStore::TrimEvents(uint64_t below) {
  // Whole batches only: the one holding `below` stays.
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), events_cf_));
  uint8_t k[8];
  PutBigEndian(k, below, 8);
  it->SeekForPrev(AsSlice(k, 8));
  if (!it->Valid()) return FromRocks(it->status(), "trim events");
  const std::string keep(it->key().data(), it->key().size());
  uint8_t lo[8] = {};
  rocksdb::WriteOptions wo;
  wo.disableWAL = options_.disable_wal;
  return FromRocks(db_->DeleteRange(wo, events_cf_, AsSlice(lo, 8), AsSlice(keep)), "trim events");
}

namespace {
constexpr size_t kIndex6KeySize = 1 + 8 + kLease6KeySize;
void Index6Key(uint8_t* out, uint64_t duid_hash, const uint8_t* lease_key) {
  out[0] = 'd';
  PutBigEndian(out + 1, duid_hash, 8);
  std::memcpy(out + 9, lease_key, kLease6KeySize);
}
std::span<const uint8_t> AsSpan(const rocksdb::Slice& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
}  // namespace

absl::Status LeaseStore::AddToBatch6(rocksdb::WriteBatch& batch,
                                     std::span<const ChangeRecord6> records) {
  uint8_t key[kLease6KeySize];
  uint8_t value[kMaxLease6ValueSize];
  uint8_t index[kIndex6KeySize];
  for (const ChangeRecord6& r : records) {
    EncodeLease6Key(r.lease, key);
    Index6Key(index, r.lease.duid_hash, key);
    rocksdb::Status s;
    if (r.op == ChangeOp::kPut) {
      const size_t n = EncodeLease6(r.lease, value);
      s = batch.Put(leases6_cf_, AsSlice(key, kLease6KeySize), AsSlice(value, n));
      if (s.ok()) s = batch.Put(index_cf_, AsSlice(index, kIndex6KeySize), rocksdb::Slice());
    } else {
      s = batch.Delete(leases6_cf_, AsSlice(key, kLease6KeySize));
      if (s.ok()) s = batch.Delete(index_cf_, AsSlice(index, kIndex6KeySize));
    }
    if (!s.ok()) return FromRocks(s, "batch");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Lease6>> LeaseStore::Leases6At(
    const std::array<uint8_t, 16>& address) const {
  std::vector<Lease6> out;
  const rocksdb::Slice prefix(reinterpret_cast<const char*>(address.data()), 16);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), leases6_cf_));
  Lease6 l;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (DecodeLease6(AsSpan(it->key()), AsSpan(it->value()), l)) out.push_back(l);
  }
  if (absl::Status s = FromRocks(it->status(), "lookup"); !s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<Lease6>> LeaseStore::Leases6ByDuid(std::span<const uint8_t> duid) const {
  std::vector<Lease6> out;
  if (duid.empty() || duid.size() > 255) return out;
  const uint64_t hash = DuidHash(duid);
  const std::string prefix = IndexPrefix('d', hash);
  rocksdb::ReadOptions ro;
  ro.prefix_same_as_start = true;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, index_cf_));
  std::string value;
  Lease6 l;
  const size_t inline_len = std::min<size_t>(duid.size(), kInlineDuidSize);
  for (it->Seek(AsSlice(prefix)); it->Valid() && it->key().starts_with(AsSlice(prefix)); it->Next()) {
    const rocksdb::Slice k = it->key();
    if (k.size() != kIndex6KeySize) continue;
    const rocksdb::Slice lease_key(k.data() + 9, kLease6KeySize);
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), leases6_cf_, lease_key, &value);
    if (s.IsNotFound()) continue;
    if (!s.ok()) return FromRocks(s, "lookup");
    if (DecodeLease6(AsSpan(lease_key), AsSpan(rocksdb::Slice(value)), l) &&
        l.duid_len == duid.size() && std::memcmp(l.duid, duid.data(), inline_len) == 0) {
      out.push_back(l);
    }
  }
  if (absl::Status s = FromRocks(it->status(), "lookup"); !s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<Lease6>> LeaseStore::Page6(const std::array<uint8_t, 16>& after,
                                                      bool from_start, size_t limit) const {
  std::vector<Lease6> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), leases6_cf_));
  if (from_start) {
    it->SeekToFirst();
  } else {
    // The first key past every record of `after`: after + 0xff (longer than any key prefix).
    std::string k(reinterpret_cast<const char*>(after.data()), 16);
    k.append(kLease6KeySize, '\xff');
    it->Seek(AsSlice(k));
  }
  Lease6 l;
  for (; it->Valid() && out.size() < limit; it->Next()) {
    if (DecodeLease6(AsSpan(it->key()), AsSpan(it->value()), l)) out.push_back(l);
  }
  if (absl::Status s = FromRocks(it->status(), "page"); !s.ok()) return s;
  return out;
}

absl::Status LeaseStore::ForEach6(const std::function<void(const Lease6&)>& fn) const {
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, leases6_cf_));
  Lease6 l;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!DecodeLease6(AsSpan(it->key()), AsSpan(it->value()), l)) {
      const rocksdb::Slice k = it->key();
      return absl::DataLossError(absl::StrCat(
          "undecodable v6 lease record at key ",
          absl::BytesToHexString(absl::string_view(k.data(), k.size()))));
    }
    fn(l);
  }
  return FromRocks(it->status(), "scan");
}

absl::StatusOr<std::vector<Lease>> LeaseStore::LeasesAt(uint32_t address) const {
  std::vector<Lease> out;
  std::string prefix;
  AppendBigEndian(prefix, address, 4);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), leases_cf_));
  Lease l;
  for (it->Seek(AsSlice(prefix)); it->Valid() && it->key().starts_with(AsSlice(prefix)); it->Next()) {
    const rocksdb::Slice k = it->key();
    const rocksdb::Slice v = it->value();
    if (DecodeLease({reinterpret_cast<const uint8_t*>(k.data()), k.size()},
                    {reinterpret_cast<const uint8_t*>(v.data()), v.size()}, l)) {
      out.push_back(l);
    }
  }
  if (absl::Status s = FromRocks(it->status(), "lookup"); !s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<Lease>> LeaseStore::ByIndexPrefix(
    const std::string& prefix, const std::function<bool(const Lease&)>& keep) const {
  std::vector<Lease> out;
  rocksdb::ReadOptions ro;
  ro.prefix_same_as_start = true;  // the index is hashed by its 9-byte prefix
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, index_cf_));
  std::string value;
  Lease l;
  for (it->Seek(AsSlice(prefix)); it->Valid() && it->key().starts_with(AsSlice(prefix)); it->Next()) {
    const rocksdb::Slice k = it->key();
    if (k.size() != prefix.size() + kLeaseKeySize) continue;
    const rocksdb::Slice lease_key(k.data() + prefix.size(), kLeaseKeySize);
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), leases_cf_, lease_key, &value);
    if (s.IsNotFound()) continue;
    if (!s.ok()) return FromRocks(s, "lookup");
    if (DecodeLease({reinterpret_cast<const uint8_t*>(lease_key.data()), lease_key.size()},
                    {reinterpret_cast<const uint8_t*>(value.data()), value.size()}, l) &&
        keep(l)) {
      out.push_back(l);
    }
  }
  if (absl::Status s = FromRocks(it->status(), "lookup"); !s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<Lease>> LeaseStore::LeasesByHwAddress(uint8_t htype,
                                                                 std::span<const uint8_t> hw) const {
  if (hw.size() > kMaxHwAddressSize) return std::vector<Lease>{};
  const uint64_t hash = HwAddressHash(htype, hw);
  auto same_hw = [&](const Lease& l) {
    return l.htype == htype && l.hlen == hw.size() && std::memcmp(l.hw, hw.data(), hw.size()) == 0;
  };
  absl::StatusOr<std::vector<Lease>> keyed = ByIndexPrefix(IndexPrefix('k', hash), same_hw);
  if (!keyed.ok()) return keyed;
  absl::StatusOr<std::vector<Lease>> by_id = ByIndexPrefix(IndexPrefix('h', hash), same_hw);
  if (!by_id.ok()) return by_id;
  keyed->insert(keyed->end(), by_id->begin(), by_id->end());
  return keyed;
}

absl::StatusOr<std::vector<Lease>> LeaseStore::LeasesByClientId(
    std::span<const uint8_t> client_id) const {
  if (client_id.empty() || client_id.size() > 255) return std::vector<Lease>{};
  const ClientKey key = ClientKey::Make(0, {}, client_id, true);
  return ByIndexPrefix(IndexPrefix('k', key.hash), [&](const Lease& l) {
    return l.kind == KeyKind::kClientId && l.Matches(key);
  });
}

absl::StatusOr<std::vector<Lease>> LeaseStore::Page(uint32_t after, bool from_start,
                                                    size_t limit) const {
  std::vector<Lease> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), leases_cf_));
  if (from_start) {
    it->SeekToFirst();
  } else {
    if (after == UINT32_MAX) return out;
    std::string k;
    AppendBigEndian(k, uint64_t(after) + 1, 4);
    it->Seek(AsSlice(k));
  }
  Lease l;
  for (; it->Valid() && out.size() < limit; it->Next()) {
    const rocksdb::Slice k = it->key();
    const rocksdb::Slice v = it->value();
    if (DecodeLease({reinterpret_cast<const uint8_t*>(k.data()), k.size()},
                    {reinterpret_cast<const uint8_t*>(v.data()), v.size()}, l)) {
      out.push_back(l);
    }
  }
  if (absl::Status s = FromRocks(it->status(), "page"); !s.ok()) return s;
  return out;
}

absl::Status LeaseStore::ForEach(const std::function<void(const Lease&)>& fn) const {
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  ro.readahead_size = 4 << 20;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, leases_cf_));
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
  return FromRocks(db_->Flush(rocksdb::FlushOptions(), cfs_), "flush");
}

}  // namespace fastlease::leasedb
