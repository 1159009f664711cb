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
  rocksdb::ColumnFamilyOptions cf(o);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = {
      {rocksdb::kDefaultColumnFamilyName, cf}, {"events", cf}, {"index", cf}};
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

std::string HwIndexPrefix(uint8_t htype, std::span<const uint8_t> hw) {
  std::string k;
  k.push_back('h');
  k.push_back(char(htype));
  k.push_back(char(uint8_t(hw.size())));
  k.append(reinterpret_cast<const char*>(hw.data()), hw.size());
  return k;
}

std::string ClientIdIndexPrefix(std::span<const uint8_t> client_id) {
  std::string k;
  k.push_back('c');
  k.push_back(char(uint8_t(client_id.size())));
  const size_t inline_size = std::min(client_id.size(), kInlineClientIdSize);
  k.append(reinterpret_cast<const char*>(client_id.data()), inline_size);
  return k;
}

rocksdb::Slice AsSlice(const std::string& s) { return rocksdb::Slice(s.data(), s.size()); }

}  // namespace

absl::Status LeaseStore::Write(std::span<const ChangeRecord> records, uint64_t first_event_seq,
                               uint32_t time) {
  if (records.empty()) return absl::OkStatus();
  rocksdb::WriteBatch batch(records.size() * 160);
  uint8_t key[kLeaseKeySize];
  uint8_t value[kMaxLeaseValueSize];
  uint8_t event[kMaxLeaseEventSize];
  std::string hw_key;
  std::string cid_key;
  for (size_t i = 0; i < records.size(); ++i) {
    const ChangeRecord& r = records[i];
    EncodeLeaseKey(r.lease, key);
    const rocksdb::Slice k(reinterpret_cast<const char*>(key), kLeaseKeySize);
    hw_key = HwIndexPrefix(r.lease.htype, {r.lease.hw, r.lease.hlen});
    hw_key.append(reinterpret_cast<const char*>(key), kLeaseKeySize);
    cid_key.clear();
    if (r.lease.client_id_len != 0) {
      cid_key = ClientIdIndexPrefix({r.lease.client_id, r.lease.client_id_len});
      cid_key.resize(2 + std::min<size_t>(r.lease.client_id_len, kInlineClientIdSize));
      cid_key.append(reinterpret_cast<const char*>(key), kLeaseKeySize);
    }
    rocksdb::Status s;
    if (r.op == ChangeOp::kPut) {
      const size_t n = EncodeLease(r.lease, value);
      s = batch.Put(leases_cf_, k, rocksdb::Slice(reinterpret_cast<const char*>(value), n));
      if (s.ok()) s = batch.Put(index_cf_, AsSlice(hw_key), rocksdb::Slice());
      if (s.ok() && !cid_key.empty()) s = batch.Put(index_cf_, AsSlice(cid_key), rocksdb::Slice());
    } else {
      s = batch.Delete(leases_cf_, k);
      if (s.ok()) s = batch.Delete(index_cf_, AsSlice(hw_key));
      if (s.ok() && !cid_key.empty()) s = batch.Delete(index_cf_, AsSlice(cid_key));
    }
    if (s.ok() && first_event_seq != 0) {
      LeaseEvent e;
      e.seq = first_event_seq + i;
      e.time = time;
      e.prev_state = r.prev_state;
      e.lease = r.lease;
      e.kind = ClassifyChange(r);
      std::string ek;
      AppendBigEndian(ek, e.seq, 8);
      const size_t n = EncodeLeaseEvent(e, event);
      s = batch.Put(events_cf_, AsSlice(ek), rocksdb::Slice(reinterpret_cast<const char*>(event), n));
    }
    if (!s.ok()) return FromRocks(s, "batch");
  }
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync && !options_.disable_wal;
  wo.disableWAL = options_.disable_wal;
  ++writes_;
  return FromRocks(db_->Write(wo, &batch), "write");
}

uint64_t LeaseStore::LastEventSeq() const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), events_cf_));
  it->SeekToLast();
  if (!it->Valid() || it->key().size() != 8) return 0;
  uint64_t seq = 0;
  for (size_t i = 0; i < 8; ++i) seq = seq << 8 | uint8_t(it->key()[i]);
  return seq;
}

uint64_t LeaseStore::FirstEventSeq() const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), events_cf_));
  it->SeekToFirst();
  if (!it->Valid() || it->key().size() != 8) return LastEventSeq() + 1;
  uint64_t seq = 0;
  for (size_t i = 0; i < 8; ++i) seq = seq << 8 | uint8_t(it->key()[i]);
  return seq;
}

absl::StatusOr<size_t> LeaseStore::ReadEvents(
    uint64_t from, size_t max, const std::function<void(const LeaseEvent&)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), events_cf_));
  std::string k;
  AppendBigEndian(k, from, 8);
  size_t n = 0;
  LeaseEvent e;
  for (it->Seek(AsSlice(k)); it->Valid() && n < max; it->Next()) {
    const rocksdb::Slice v = it->value();
    if (!DecodeLeaseEvent({reinterpret_cast<const uint8_t*>(v.data()), v.size()}, e)) {
      return absl::DataLossError(absl::StrCat("undecodable lease event after seq ", from + n));
    }
    fn(e);
    ++n;
  }
  if (absl::Status s = FromRocks(it->status(), "read events"); !s.ok()) return s;
  return n;
}

absl::Status LeaseStore::TrimEvents(uint64_t below) {
  std::string lo;
  std::string hi;
  AppendBigEndian(lo, 0, 8);
  AppendBigEndian(hi, below, 8);
  rocksdb::WriteOptions wo;
  wo.disableWAL = options_.disable_wal;
  return FromRocks(db_->DeleteRange(wo, events_cf_, AsSlice(lo), AsSlice(hi)), "trim events");
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
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), index_cf_));
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
  return ByIndexPrefix(HwIndexPrefix(htype, hw), [](const Lease&) { return true; });
}

absl::StatusOr<std::vector<Lease>> LeaseStore::LeasesByClientId(
    std::span<const uint8_t> client_id) const {
  if (client_id.empty() || client_id.size() > 255) return std::vector<Lease>{};
  const uint64_t full_hash = ClientKey::Make(0, {}, client_id, true).hash;
  return ByIndexPrefix(ClientIdIndexPrefix(client_id), [&](const Lease& l) {
    // A longer id shares its inline prefix with others: its key hash tells them apart.
    return client_id.size() <= kInlineClientIdSize || l.kind != KeyKind::kClientId ||
           l.key_hash == full_hash;
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
