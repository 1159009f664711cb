// Lease events, the identity index and paging in the store, and the
// persister's event numbering and trimming.
#include "leasedb/lease_event.h"

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "leasedb/lease_store.h"
#include "leasedb/persister.h"

namespace fastlease::leasedb {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/fastlease-events-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string db() const { return path_ + "/db"; }

 private:
  std::string path_;
};

std::vector<uint8_t> Mac(uint32_t n) { return {2, 0, 0, 0, uint8_t(n >> 8), uint8_t(n)}; }

// A lease in `shard` for client n at 192.0.2.n.
Lease* Bind(LeaseShard& shard, uint32_t n, std::span<const uint8_t> client_id = {}) {
  static std::vector<std::vector<uint8_t>> macs;
  macs.push_back(Mac(n));
  const ClientKey key = ClientKey::Make(1, macs.back(), client_id, true);
  Lease* l = shard.Find(key);
  if (l == nullptr) l = shard.Insert(key);
  l->address = 0xc0000200 + n;
  l->state = LeaseState::kBound;
  l->subnet_id = 1;
  l->valid = 3600;
  l->expire = 1800000000;
  return l;
}

std::vector<LeaseEvent> AllEvents(const LeaseStore& store) {
  std::vector<LeaseEvent> out;
  EXPECT_TRUE(store.ReadEvents(1, 1 << 20, [&](const LeaseEvent& e) { out.push_back(e); }).ok());
  return out;
}

TEST(LeaseEventCodec, RoundTripsAndRejectsGarbage) {
  LeaseEvent e;
  e.seq = 0x0102030405060708;
  e.time = 1764000000;
  e.kind = LeaseEventKind::kDeclined;
  e.prev_state = LeaseState::kBound;
  const std::vector<uint8_t> mac = Mac(7);
  e.lease.SetIdentity(ClientKey::Make(1, mac, {}, true));
  e.lease.address = 0x0a000007;
  e.lease.state = LeaseState::kDeclined;
  e.lease.subnet_id = 9;
  std::string batch;
  AppendLeaseEvent(batch, e);
  AppendLeaseEvent(batch, e);
  std::vector<LeaseEvent> got;
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(batch.data()), batch.size());
  ASSERT_TRUE(ForEachLeaseEvent(bytes, [&](const LeaseEvent& x) { got.push_back(x); }));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].seq, e.seq);
  EXPECT_EQ(got[0].time, e.time);
  EXPECT_EQ(got[0].kind, LeaseEventKind::kDeclined);
  EXPECT_EQ(got[0].prev_state, LeaseState::kBound);
  EXPECT_EQ(got[0].lease.address, 0x0a000007u);
  EXPECT_TRUE(got[0].lease.SameClient(e.lease));
  // Truncated anywhere: rejected, never read past the end.
  for (size_t cut = 1; cut < batch.size() / 2; ++cut) {
    size_t n = 0;
    EXPECT_FALSE(ForEachLeaseEvent(bytes.first(batch.size() / 2 - cut), [&](const LeaseEvent&) { ++n; }))
        << cut;
  }
  std::string bad = batch;
  bad[2 + 12] = 99;  // kind
  EXPECT_FALSE(ForEachLeaseEvent({reinterpret_cast<const uint8_t*>(bad.data()), bad.size()},
                                 [](const LeaseEvent&) {}));
}

TEST(LeaseEvents, KindsFollowThePersistedStateOfEachLease) {
  TempDir dir;
  auto store = LeaseStore::Open(dir.db(), {.disable_wal = false, .sync = false});
  ASSERT_TRUE(store.ok()) << store.status();
  LeaseShard shard(0, 64, 256);
  Persister p(**store, {&shard}, 64);
  Lease* l = Bind(shard, 1);
  shard.Record(ChangeOp::kPut, *l);  // created
  shard.Record(ChangeOp::kPut, *l);  // renewed
  shard.Record(ChangeOp::kPut, *l, /*by_command=*/true);  // updated
  l->state = LeaseState::kReleased;
  shard.Record(ChangeOp::kPut, *l);  // released
  l->state = LeaseState::kBound;
  shard.Record(ChangeOp::kPut, *l);  // created again (was released)
  l->state = LeaseState::kExpired;
  shard.Record(ChangeOp::kPut, *l);  // expired
  shard.Record(ChangeOp::kDelete, *l);  // removed, prev expired
  ASSERT_TRUE(p.RunOnce().ok());
  const std::vector<LeaseEvent> ev = AllEvents(**store);
  ASSERT_EQ(ev.size(), 7u);
  const std::vector<LeaseEventKind> kinds = {
      LeaseEventKind::kCreated, LeaseEventKind::kRenewed, LeaseEventKind::kUpdated,
      LeaseEventKind::kReleased, LeaseEventKind::kCreated, LeaseEventKind::kExpired,
      LeaseEventKind::kRemoved};
  for (size_t i = 0; i < ev.size(); ++i) {
    EXPECT_EQ(ev[i].seq, i + 1);
    EXPECT_EQ(ev[i].kind, kinds[i]) << i;
    EXPECT_GT(ev[i].time, 1700000000u);
  }
  EXPECT_EQ(ev[0].prev_state, LeaseState::kFree);
  EXPECT_EQ(ev[3].prev_state, LeaseState::kBound);
  EXPECT_EQ(ev[6].prev_state, LeaseState::kExpired);
  EXPECT_EQ(p.last_event_seq(), 7u);
}

TEST(LeaseEvents, TheObserverSeesWhatTheStoreHoldsInOrder) {
  TempDir dir;
  auto store = LeaseStore::Open(dir.db(), {.disable_wal = false, .sync = false});
  ASSERT_TRUE(store.ok()) << store.status();
  LeaseShard shard(0, 64, 256);
  Persister p(**store, {&shard}, 3);  // several batches
  std::vector<LeaseEvent> seen;
  p.SetEventObserver([&](const LeaseEvent& e) {
    EXPECT_EQ(p.last_event_seq() >= e.seq, true) << "observed before it was published";
    seen.push_back(e);
  });
  Lease* a = Bind(shard, 1);
  Lease* b = Bind(shard, 2);
  shard.Record(ChangeOp::kPut, *a);
  shard.Record(ChangeOp::kPut, *b);
  shard.Record(ChangeOp::kPut, *a);
  b->state = LeaseState::kReleased;
  shard.Record(ChangeOp::kPut, *b);
  shard.Record(ChangeOp::kDelete, *a);
  while (true) {
    auto n = p.RunOnce();
    ASSERT_TRUE(n.ok());
    if (*n == 0) break;
  }
  const std::vector<LeaseEvent> stored = AllEvents(**store);
  ASSERT_EQ(seen.size(), 5u);
  ASSERT_EQ(stored.size(), 5u);
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].seq, stored[i].seq);
    EXPECT_EQ(seen[i].kind, stored[i].kind) << i;
    EXPECT_EQ(seen[i].prev_state, stored[i].prev_state) << i;
    EXPECT_EQ(seen[i].lease.address, stored[i].lease.address) << i;
  }
  p.SetEventObserver(nullptr);
  shard.Record(ChangeOp::kPut, *b);
  ASSERT_TRUE(p.RunOnce().ok());
  EXPECT_EQ(seen.size(), 5u) << "a cleared observer is not called";
}

TEST(LeaseEvents, NumberingContinuesAcrossRestartsAndOldEventsAreTrimmed) {
  TempDir dir;
  {
    auto store = LeaseStore::Open(dir.db(), {.disable_wal = false, .sync = false});
    ASSERT_TRUE(store.ok());
    LeaseShard shard(0, 4096, 4096);
    Persister p(**store, {&shard}, 100, /*event_retention=*/1000);
    for (uint32_t n = 1; n <= 1200; ++n) shard.Record(ChangeOp::kPut, *Bind(shard, n));
    while (*p.RunOnce() > 0) {
    }
    EXPECT_EQ(p.last_event_seq(), 1200u);
    // The newest 1000 are kept; trimming removes whole batches (of 100 here).
    EXPECT_EQ((*store)->FirstEventSeq(), 201u);
    std::vector<uint64_t> seqs;
    ASSERT_TRUE((*store)->ReadEvents(1, 3, [&](const LeaseEvent& e) { seqs.push_back(e.seq); }).ok());
    EXPECT_EQ(seqs, (std::vector<uint64_t>{201, 202, 203}));
    seqs.clear();
    ASSERT_TRUE((*store)->ReadEvents(250, 2, [&](const LeaseEvent& e) { seqs.push_back(e.seq); }).ok());
    EXPECT_EQ(seqs, (std::vector<uint64_t>{250, 251}));  // from the middle of a batch
  }
  auto store = LeaseStore::Open(dir.db(), {.disable_wal = false, .sync = false});
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->LastEventSeq(), 1200u);
  LeaseShard shard(0, 64, 64);
  Persister p(**store, {&shard}, 64, 1000);
  EXPECT_EQ(p.last_event_seq(), 1200u);
  shard.Record(ChangeOp::kPut, *Bind(shard, 5000));
  ASSERT_TRUE(p.RunOnce().ok());
  std::vector<uint64_t> seqs;
  ASSERT_TRUE((*store)->ReadEvents(1199, 10, [&](const LeaseEvent& e) { seqs.push_back(e.seq); }).ok());
  EXPECT_EQ(seqs, (std::vector<uint64_t>{1199, 1200, 1201}));
}

TEST(LeaseStoreLookups, ByAddressHwAddressClientIdAndPages) {
  TempDir dir;
  auto store = LeaseStore::Open(dir.db(), {.disable_wal = false, .sync = false});
  ASSERT_TRUE(store.ok());
  LeaseShard shard(0, 64, 256);
  Persister p(**store, {&shard}, 256);
  const std::vector<uint8_t> long_id(20, 0xab);  // longer than the inline part
  std::vector<uint8_t> other_long = long_id;
  other_long.back() = 0xcd;  // same first 16 bytes
  for (uint32_t n = 1; n <= 10; ++n) shard.Record(ChangeOp::kPut, *Bind(shard, n));
  shard.Record(ChangeOp::kPut, *Bind(shard, 20, long_id));
  shard.Record(ChangeOp::kPut, *Bind(shard, 21, other_long));
  Lease* moved = Bind(shard, 3);
  shard.Record(ChangeOp::kDelete, *moved);
  ASSERT_TRUE(p.RunOnce().ok());

  auto at = (*store)->LeasesAt(0xc0000205);
  ASSERT_TRUE(at.ok());
  ASSERT_EQ(at->size(), 1u);
  EXPECT_TRUE(at->front().SameClient(*Bind(shard, 5)));
  EXPECT_TRUE((*store)->LeasesAt(0xc0000203)->empty());  // deleted

  const std::vector<uint8_t> mac7 = Mac(7);
  auto by_hw = (*store)->LeasesByHwAddress(1, mac7);
  ASSERT_TRUE(by_hw.ok());
  ASSERT_EQ(by_hw->size(), 1u);
  EXPECT_EQ(by_hw->front().address, 0xc0000207u);
  EXPECT_TRUE((*store)->LeasesByHwAddress(1, Mac(3))->empty());  // index entry deleted too

  auto by_id = (*store)->LeasesByClientId(long_id);
  ASSERT_TRUE(by_id.ok());
  ASSERT_EQ(by_id->size(), 1u);  // the other id with the same prefix is told apart
  EXPECT_EQ(by_id->front().address, 0xc0000214u);

  auto first = (*store)->Page(0, true, 4);
  ASSERT_TRUE(first.ok());
  std::vector<uint32_t> got;
  for (const Lease& l : *first) got.push_back(l.address & 0xff);
  EXPECT_EQ(got, (std::vector<uint32_t>{1, 2, 4, 5}));
  auto next = (*store)->Page(0xc0000205, false, 100);
  got.clear();
  for (const Lease& l : *next) got.push_back(l.address & 0xff);
  EXPECT_EQ(got, (std::vector<uint32_t>{6, 7, 8, 9, 10, 20, 21}));
  EXPECT_TRUE((*store)->Page(0xffffffff, false, 10)->empty());
}

}  // namespace
}  // namespace fastlease::leasedb
