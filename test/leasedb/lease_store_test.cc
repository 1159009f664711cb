#include "leasedb/lease_store.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "leasedb/identity_index.h"
#include "leasedb/persister.h"

namespace fastlease::leasedb {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/fastlease-store-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Lease MakeLease(uint32_t n, LeaseState state = LeaseState::kBound) {
  uint8_t mac[6] = {2, 0, 0, 0, uint8_t(n >> 8), uint8_t(n)};
  Lease l;
  l.SetIdentity(ClientKey::Make(1, mac, {}, true));
  l.address = 0xc0000200 + n;
  l.state = state;
  l.subnet_id = 7;
  l.valid = 3600;
  l.expire = 1700000000 + n;
  return l;
}

TEST(LeaseEncoding, RoundTripsEveryField) {
  const uint8_t cid[] = {0xff, 1, 2, 3, 4, 0, 1, 0, 1, 9, 9, 9, 9, 5, 6, 7, 8, 9, 10, 11, 12};
  const uint8_t mac[6] = {1, 2, 3, 4, 5, 6};
  Lease l;
  l.SetIdentity(ClientKey::Make(1, mac, cid, true));
  l.address = 0x0a000001;
  l.state = LeaseState::kReleased;
  l.subnet_id = 42;
  l.valid = 600;
  l.expire = 123456;
  uint8_t key[kLeaseKeySize];
  uint8_t value[kMaxLeaseValueSize];
  EncodeLeaseKey(l, key);
  const size_t n = EncodeLease(l, value);
  Lease d;
  ASSERT_TRUE(DecodeLease(key, {value, n}, d));
  EXPECT_EQ(d.address, l.address);
  EXPECT_EQ(d.state, l.state);
  EXPECT_EQ(d.subnet_id, 42u);
  EXPECT_EQ(d.valid, 600u);
  EXPECT_EQ(d.expire, 123456u);
  EXPECT_TRUE(d.SameClient(l));
  // Keys sort by address first.
  EXPECT_EQ(key[0], 0x0a);
  EXPECT_EQ(key[3], 0x01);
  // Corruptions are refused, not misread.
  value[0] = 99;
  EXPECT_FALSE(DecodeLease(key, {value, n}, d));
  value[0] = 1;
  EXPECT_FALSE(DecodeLease(key, {value, n - 1}, d));
  EXPECT_FALSE(DecodeLease({key, 11}, {value, n}, d));
}

TEST(LeaseStore, WritesPutsAndDeletesAndScansInAddressOrder) {
  TempDir dir;
  auto store = LeaseStore::Open(dir.path() + "/db", {});
  ASSERT_TRUE(store.ok()) << store.status();
  std::vector<ChangeRecord> batch;
  for (uint32_t n : {5u, 1u, 3u, 2u}) batch.push_back({n, ChangeOp::kPut, MakeLease(n)});
  ASSERT_TRUE((*store)->Write(batch).ok());
  ASSERT_TRUE((*store)->Write({{{9, ChangeOp::kDelete, MakeLease(3)}}}).ok());
  std::vector<uint32_t> seen;
  ASSERT_TRUE((*store)->ForEach([&](const Lease& l) { seen.push_back(l.address & 0xff); }).ok());
  EXPECT_EQ(seen, (std::vector<uint32_t>{1, 2, 5}));
}

TEST(IdentityIndex, FindsEveryKeyFiledUnderAHashAndNoOther) {
  using Set = HashedKeySet<kIndexLeaseKeySize>;
  Set set;
  const uint8_t a[12] = {0, 0, 0, 1}, b[12] = {0, 0, 0, 2}, c[12] = {9, 9, 9, 9};
  std::vector<std::pair<Set::Entry, bool>> puts = {
      {Set::MakeEntry(7, b), true}, {Set::MakeEntry(7, a), true},
      {Set::MakeEntry(7, a), true},  // a set: once
      {Set::MakeEntry(6, c), true},  {Set::MakeEntry(8, c), true},
      {Set::MakeEntry(UINT64_MAX, c), true}};
  set.Apply(puts);
  auto seven = set.Find(7);
  ASSERT_EQ(seven.size(), 2u);
  EXPECT_EQ(seven[0][3], 1);  // key order
  EXPECT_EQ(seven[1][3], 2);
  EXPECT_EQ(set.Find(UINT64_MAX).size(), 1u);
  EXPECT_TRUE(set.Find(5).empty());
  std::vector<std::pair<Set::Entry, bool>> erases = {
      {Set::MakeEntry(7, a), false}, {Set::MakeEntry(7, c), false}};  // (7, c): not there, no effect
  set.Apply(erases);
  ASSERT_EQ(set.Find(7).size(), 1u);
  EXPECT_EQ(set.Find(7)[0][3], 2);
  std::vector<Set::Entry> bulk = {Set::MakeEntry(5, b), Set::MakeEntry(5, a), Set::MakeEntry(5, b)};
  set.InsertAll(bulk);
  EXPECT_EQ(set.Find(5).size(), 2u);
  EXPECT_EQ(set.size(), 6u);
}

TEST(IdentityIndex, ErasingAHashsFirstKeyKeepsItsOtherKeys) {
  using Set = HashedKeySet<kIndexLeaseKeySize>;
  Set set;
  const uint8_t a[12] = {1}, b[12] = {2}, c[12] = {3};
  set.Apply({{Set::MakeEntry(4, b), true}, {Set::MakeEntry(4, c), true}, {Set::MakeEntry(4, a), true}});
  set.Apply({{Set::MakeEntry(4, b), false}});  // the first key filed under 4
  auto four = set.Find(4);
  ASSERT_EQ(four.size(), 2u);
  EXPECT_EQ(four[0][0], 1);
  EXPECT_EQ(four[1][0], 3);
  // In one batch, order counts: erased then put again is present, and the reverse absent.
  set.Apply({{Set::MakeEntry(4, a), false}, {Set::MakeEntry(4, a), true},
             {Set::MakeEntry(4, c), true}, {Set::MakeEntry(4, c), false}});
  four = set.Find(4);
  ASSERT_EQ(four.size(), 1u);
  EXPECT_EQ(four[0][0], 1);
  set.Apply({{Set::MakeEntry(4, a), false}});
  EXPECT_TRUE(set.Find(4).empty());
  EXPECT_EQ(set.size(), 0u);
}

// Random puts and erases over few hashes and keys (many keys per hash), against a
// std::set of the same entries.
TEST(IdentityIndex, RandomChangesMatchASetOfEntries) {
  using Set = HashedKeySet<kIndexLeaseKeySize>;
  Set set;
  std::set<std::pair<uint64_t, Set::Key>> want;
  std::mt19937 rng(3);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::pair<Set::Entry, bool>> batch;
    for (int n = 0; n < 20; ++n) {
      uint8_t key[12] = {};
      key[11] = uint8_t(rng() % 6);
      const Set::Entry e = Set::MakeEntry(rng() % 8, key);
      const bool put = rng() % 3 != 0;
      batch.push_back({e, put});
      if (put) {
        want.insert({e.hash, e.key});
      } else {
        want.erase({e.hash, e.key});
      }
    }
    set.Apply(batch);
    ASSERT_EQ(set.size(), want.size()) << "round " << round;
    for (uint64_t h = 0; h < 8; ++h) {
      std::vector<Set::Key> expected;
      for (auto it = want.lower_bound({h, Set::Key{}}); it != want.end() && it->first == h; ++it) {
        expected.push_back(it->second);
      }
      ASSERT_EQ(set.Find(h), expected) << "hash " << h << ", round " << round;
    }
  }
}

Lease ClientIdLease(uint32_t n, uint8_t mac_last) {
  const uint8_t cid[] = {0xff, 0, 0, 0, uint8_t(n), 0, 1};
  const uint8_t mac[6] = {2, 0, 0, 0, 0, mac_last};
  Lease l = MakeLease(n);
  l.SetIdentity(ClientKey::Make(1, mac, cid, true));
  return l;
}

TEST(LeaseStore, IdentityLookupsAreRebuiltWhenTheStoreOpens) {
  TempDir dir;
  const uint8_t mac4[6] = {2, 0, 0, 0, 0, 4};
  const uint8_t cid[] = {0xff, 0, 0, 0, 40, 0, 1};
  {
    auto store = LeaseStore::Open(dir.path() + "/db", {});
    ASSERT_TRUE(store.ok()) << store.status();
    std::vector<ChangeRecord> batch;
    for (uint32_t n = 1; n <= 5; ++n) batch.push_back({n, ChangeOp::kPut, MakeLease(n)});
    batch.push_back({6, ChangeOp::kPut, ClientIdLease(40, 0xaa)});
    // Deleted and put again in one batch: present.
    batch.push_back({7, ChangeOp::kDelete, MakeLease(4)});
    batch.push_back({8, ChangeOp::kPut, MakeLease(4)});
    batch.push_back({9, ChangeOp::kDelete, MakeLease(5)});
    ASSERT_TRUE((*store)->Write(batch).ok());
    EXPECT_EQ((*store)->LeasesByHwAddress(1, mac4)->size(), 1u);
    EXPECT_EQ((*store)->index_entries(), 4u + 2u);  // four by key; the client-id lease also by hw
  }
  auto store = LeaseStore::Open(dir.path() + "/db", {});
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->index_entries(), 6u);
  auto by_hw = (*store)->LeasesByHwAddress(1, mac4);
  ASSERT_TRUE(by_hw.ok());
  ASSERT_EQ(by_hw->size(), 1u);
  EXPECT_EQ(by_hw->front().address, 0xc0000204u);
  const uint8_t mac5[6] = {2, 0, 0, 0, 0, 5};
  EXPECT_TRUE((*store)->LeasesByHwAddress(1, mac5)->empty());
  auto by_id = (*store)->LeasesByClientId(cid);
  ASSERT_TRUE(by_id.ok());
  ASSERT_EQ(by_id->size(), 1u);
  EXPECT_EQ(by_id->front().address, 0xc0000228u);
  const uint8_t mac_aa[6] = {2, 0, 0, 0, 0, 0xaa};
  ASSERT_EQ((*store)->LeasesByHwAddress(1, mac_aa)->size(), 1u);  // a client-id lease, by its hw
  // Deleted after the reopen: gone from the lookups at once.
  ASSERT_TRUE((*store)->Write({{{10, ChangeOp::kDelete, ClientIdLease(40, 0xaa)}}}).ok());
  EXPECT_TRUE((*store)->LeasesByClientId(cid)->empty());
  EXPECT_TRUE((*store)->LeasesByHwAddress(1, mac_aa)->empty());
  EXPECT_EQ((*store)->index_entries(), 4u);
}

TEST(LeaseStore, AStoreWithTheOldIndexColumnFamilyOpensAndDropsIt) {
  TempDir dir;
  const std::string path = dir.path() + "/db";
  {
    // The layout before the in-memory index: default, events, index, leases6.
    rocksdb::Options o;
    o.create_if_missing = true;
    o.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
        {rocksdb::kDefaultColumnFamilyName, {}}, {"events", {}}, {"index", {}}, {"leases6", {}}};
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(o, path, cfs, &handles, &db).ok());
    const Lease l = MakeLease(9);
    uint8_t key[kLeaseKeySize];
    uint8_t value[kMaxLeaseValueSize];
    EncodeLeaseKey(l, key);
    const size_t n = EncodeLease(l, value);
    ASSERT_TRUE(db->Put({}, handles[0], rocksdb::Slice(reinterpret_cast<char*>(key), kLeaseKeySize),
                        rocksdb::Slice(reinterpret_cast<char*>(value), n)).ok());
    ASSERT_TRUE(db->Put({}, handles[2], "k-stale-entry", "").ok());
    for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    delete db;
  }
  {
    auto store = LeaseStore::Open(path, {});
    ASSERT_TRUE(store.ok()) << store.status();
    const uint8_t mac9[6] = {2, 0, 0, 0, 0, 9};
    ASSERT_EQ((*store)->LeasesByHwAddress(1, mac9)->size(), 1u);
  }
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
  EXPECT_EQ(std::count(names.begin(), names.end(), "index"), 0) << names.size();
  EXPECT_TRUE(LeaseStore::Open(path, {}).ok());  // and opens again without it
}

TEST(Persister, PublishesDurableSequencePerShard) {
  TempDir dir;
  auto store = LeaseStore::Open(dir.path() + "/db", {.disable_wal = false, .sync = true});
  ASSERT_TRUE(store.ok());
  LeaseShard a(0, 16, 64), b(1, 16, 64);
  Persister p(**store, {&a, &b}, 8);
  for (uint32_t i = 1; i <= 5; ++i) {
    Lease* l = a.Insert(ClientKey::Make(1, std::vector<uint8_t>{1, 1, 1, 1, 1, uint8_t(i)}, {}, true));
    *l = MakeLease(i);
    a.Record(ChangeOp::kPut, *l);
  }
  Lease* l = b.Insert(ClientKey::Make(1, std::vector<uint8_t>{2, 2, 2, 2, 2, 2}, {}, true));
  *l = MakeLease(100);
  b.Record(ChangeOp::kPut, *l);
  auto n = p.RunOnce();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 6u);  // batch of 8 holds both shards' records
  EXPECT_EQ(a.durable_seq(), 5u);
  EXPECT_EQ(b.durable_seq(), 1u);
  EXPECT_EQ(*p.RunOnce(), 0u);
  size_t count = 0;
  ASSERT_TRUE((*store)->ForEach([&](const Lease&) { ++count; }).ok());
  EXPECT_EQ(count, 6u);
}

TEST(Persister, StopDrainsEverythingQueued) {
  TempDir dir;
  auto store = LeaseStore::Open(dir.path() + "/db", {.disable_wal = false, .sync = false});
  ASSERT_TRUE(store.ok());
  LeaseShard a(0, 4096, 4096);
  for (uint32_t i = 1; i <= 3000; ++i) {
    Lease* l = a.Insert(ClientKey::Make(1, std::vector<uint8_t>{3, 3, 3, uint8_t(i >> 8), uint8_t(i)}, {}, true));
    l->address = i;
    l->state = LeaseState::kBound;
    a.Record(ChangeOp::kPut, *l);
  }
  {
    Persister p(**store, {&a}, 100);
    p.Start();
    p.Stop();
    EXPECT_EQ(p.records_written(), 3000u);
  }
  EXPECT_EQ(a.durable_seq(), 3000u);
}

// A lease acknowledged under fsync survives SIGKILL: a real child process
// commits leases and reports each one once durable; we kill it mid-stream and
// find every reported lease in the store.
TEST(LeaseStore, AcknowledgedUnderFsyncSurvivesSigkill) {
  const char* child = std::getenv("FASTLEASE_STORE_CRASH_CHILD");
  ASSERT_NE(child, nullptr) << "meson passes the child binary's path";
  TempDir dir;
  const std::string db = dir.path() + "/db";
  std::set<uint32_t> acked;
  for (int round = 0; round < 3; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      execl(child, child, db.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    FILE* in = fdopen(fds[0], "r");
    char line[128];
    // Read a varying number of acknowledgements, then kill without warning.
    const size_t want = acked.size() + 200 + size_t(round) * 137;
    while (acked.size() < want && std::fgets(line, sizeof line, in) != nullptr) {
      unsigned a = 0;
      if (std::sscanf(line, "acked %u", &a) == 1) acked.insert(a);
    }
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status));
    std::fclose(in);
    // Reopen (RocksDB recovers its WAL) and check every acknowledged lease.
    auto store = LeaseStore::Open(db, {});
    ASSERT_TRUE(store.ok()) << store.status();
    std::set<uint32_t> stored;
    ASSERT_TRUE((*store)->ForEach([&](const Lease& l) {
                  if (l.state == LeaseState::kBound) stored.insert(l.address);
                }).ok());
    for (uint32_t a : acked) ASSERT_TRUE(stored.count(a)) << "acknowledged lease lost: " << a;
  }
  EXPECT_GE(acked.size(), 600u);
}

}  // namespace
}  // namespace fastlease::leasedb
