#include "leasedb/lease_store.h"

#include <algorithm>
#include <cstring>

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "leasedb/sorted_runs_memtable.h"

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
  // The lease families' memtable takes one inserter at a time; with this off,
  // RocksDB applies one write group at a time, whichever thread wrote it.
  o.allow_concurrent_memtable_write = false;
  rocksdb::BlockBasedTableOptions t;
  t.block_size = 16 << 10;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  rocksdb::ColumnFamilyOptions cf(o);
  // Leases are written all the time and read rarely: appended, sorted on read
  // (sorted_runs_memtable.h). Events keep the skiplist: one entry per batch.
  rocksdb::ColumnFamilyOptions lease_cf(o);
  lease_cf.memtable_factory = std::make_shared<SortedRunsRepFactory>();
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = {
      {rocksdb::kDefaultColumnFamilyName, lease_cf}, {"events", cf}, {"leases6", lease_cf}};
  // A store from before the in-memory identity index has an "index" column
  // family; RocksDB opens only with every family named, so it is opened to be dropped.
  std::vector<std::string> existing;
  bool old_index = false;
  if (rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(o), path, &existing).ok()) {
    old_index = std::find(existing.begin(), existing.end(), "index") != existing.end();
  }
  if (old_index) descriptors.push_back({"index", cf});
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  absl::Status s = FromRocks(rocksdb::DB::Open(rocksdb::DBOptions(o), path, descriptors, &handles, &db),
                             absl::StrCat("open ", path));
  if (!s.ok()) return s;
  if (old_index) {
    rocksdb::ColumnFamilyHandle* index = handles.back();
    handles.pop_back();
    s = FromRocks(db->DropColumnFamily(index), "drop the old index column family");
    db->DestroyColumnFamilyHandle(index).PermitUncheckedError();
  }
  std::unique_ptr<LeaseStore> store(new LeaseStore(db, std::move(handles), options));
  if (s.ok()) s = store->LoadIndex();
  if (!s.ok()) return s;
  return store;
}

LeaseStore::LeaseStore(rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*> cfs,
                       const StoreOptions& options)
    : db_(db), cfs_(std::move(cfs)), options_(options) {
  leases_cf_ = cfs_[0];
  events_cf_ = cfs_[1];
  leases6_cf_ = cfs_[2];
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
  // The lease entries go into the batch in key order (stable: two changes of one
  // key keep theirs). RocksDB inserts them into the memtable skiplist in batch
  // order, and each insert then starts from the previous one's position instead
  // of a random descent (several cache misses) from the top.
  order_.resize(records.size());
  for (uint32_t i = 0; i < records.size(); ++i) order_[i] = i;
  std::stable_sort(order_.begin(), order_.end(), [&](uint32_t a, uint32_t b) {
    const Lease& x = records[a].lease;
    const Lease& y = records[b].lease;
    return x.address != y.address ? x.address < y.address : x.key_hash < y.key_hash;
  });
  for (const uint32_t i : order_) {
    const ChangeRecord& r = records[i];
    EncodeLeaseKey(r.lease, key);
    const rocksdb::Slice k = AsSlice(key, kLeaseKeySize);
    rocksdb::Status s;
    if (r.op == ChangeOp::kPut) {
      const size_t n = EncodeLease(r.lease, value);
      s = batch.Put(leases_cf_, k, AsSlice(value, n));
    } else {
      s = batch.Delete(leases_cf_, k);
    }
    if (!s.ok()) return FromRocks(s, "batch");
  }
  LeaseEvent e;
  for (size_t i = 0; first_event_seq != 0 && i < records.size(); ++i) {
    const ChangeRecord& r = records[i];
    e.seq = first_event_seq + i;
    e.time = time;
    e.prev_state = r.prev_state;
    e.lease = r.lease;
    e.kind = ClassifyChange(r);
    AppendLeaseEvent(event_buf_, e);
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
  if (absl::Status st = FromRocks(db_->Write(wo, &batch), "write"); !st.ok()) return st;
  index_.Apply(records, records6);
  return absl::OkStatus();
}

absl::Status LeaseStore::LoadIndex() {
  std::vector<HashedKeySet<kLeaseKeySize>::Entry> by_key, by_hw;
  std::vector<HashedKeySet<kLease6KeySize>::Entry> by_duid;
  uint8_t key[kLeaseKeySize];
  absl::Status s = ForEach([&](const Lease& l) {
    EncodeLeaseKey(l, key);
    by_key.push_back(HashedKeySet<kLeaseKeySize>::MakeEntry(l.key_hash, key));
    if (IdentityIndex::HasHwEntry(l)) {
      by_hw.push_back(HashedKeySet<kLeaseKeySize>::MakeEntry(IdentityIndex::HwHash(l), key));
    }
  });
  if (!s.ok()) return s;
  uint8_t key6[kLease6KeySize];
  s = ForEach6([&](const Lease6& l) {
    EncodeLease6Key(l, key6);
    by_duid.push_back(HashedKeySet<kLease6KeySize>::MakeEntry(l.duid_hash, key6));
  });
  if (!s.ok()) return s;
  index_.Load(by_key, by_hw, by_duid);
  return absl::OkStatus();
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
std::span<const uint8_t> AsSpan(const rocksdb::Slice& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
}  // namespace

absl::Status LeaseStore::AddToBatch6(rocksdb::WriteBatch& batch,
                                     std::span<const ChangeRecord6> records) {
  uint8_t key[kLease6KeySize];
  uint8_t value[kMaxLease6ValueSize];
  for (const ChangeRecord6& r : records) {
    EncodeLease6Key(r.lease, key);
    rocksdb::Status s;
    if (r.op == ChangeOp::kPut) {
      const size_t n = EncodeLease6(r.lease, value);
      s = batch.Put(leases6_cf_, AsSlice(key, kLease6KeySize), AsSlice(value, n));
    } else {
      s = batch.Delete(leases6_cf_, AsSlice(key, kLease6KeySize));
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
  std::string value;
  Lease6 l;
  const size_t inline_len = std::min<size_t>(duid.size(), kInlineDuidSize);
  for (const IdentityIndex::Key6& key : index_.FindByDuidHash(DuidHash(duid))) {
    const rocksdb::Slice lease_key(reinterpret_cast<const char*>(key.data()), key.size());
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), leases6_cf_, lease_key, &value);
    if (s.IsNotFound()) continue;
    if (!s.ok()) return FromRocks(s, "lookup");
    if (DecodeLease6(key, AsSpan(rocksdb::Slice(value)), l) && l.duid_len == duid.size() &&
        std::memcmp(l.duid, duid.data(), inline_len) == 0) {
      out.push_back(l);
    }
  }
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

absl::StatusOr<std::vector<Lease>> LeaseStore::LeasesWithKeys(
    std::span<const IdentityIndex::Key4> keys, const std::function<bool(const Lease&)>& keep) const {
  std::vector<Lease> out;
  std::string value;
  Lease l;
  for (const IdentityIndex::Key4& key : keys) {
    const rocksdb::Slice lease_key(reinterpret_cast<const char*>(key.data()), key.size());
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), leases_cf_, lease_key, &value);
    if (s.IsNotFound()) continue;
    if (!s.ok()) return FromRocks(s, "lookup");
    if (DecodeLease(key, {reinterpret_cast<const uint8_t*>(value.data()), value.size()}, l) && keep(l)) {
      out.push_back(l);
    }
  }
  return out;
}

absl::StatusOr<std::vector<Lease>> LeaseStore::LeasesByHwAddress(uint8_t htype,
                                                                 std::span<const uint8_t> hw) const {
  if (hw.size() > kMaxHwAddressSize) return std::vector<Lease>{};
  const uint64_t hash = HwAddressHash(htype, hw);
  auto same_hw = [&](const Lease& l) {
    return l.htype == htype && l.hlen == hw.size() && std::memcmp(l.hw, hw.data(), hw.size()) == 0;
  };
  absl::StatusOr<std::vector<Lease>> keyed = LeasesWithKeys(index_.FindByKeyHash(hash), same_hw);
  if (!keyed.ok()) return keyed;
  absl::StatusOr<std::vector<Lease>> by_id = LeasesWithKeys(index_.FindByHwHash(hash), same_hw);
  if (!by_id.ok()) return by_id;
  keyed->insert(keyed->end(), by_id->begin(), by_id->end());
  return keyed;
}

absl::StatusOr<std::vector<Lease>> LeaseStore::LeasesByClientId(
    std::span<const uint8_t> client_id) const {
  if (client_id.empty() || client_id.size() > 255) return std::vector<Lease>{};
  const ClientKey key = ClientKey::Make(0, {}, client_id, true);
  return LeasesWithKeys(index_.FindByKeyHash(key.hash), [&](const Lease& l) {
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
