// DHCPv6 leases: the slot's identity, the v6 shard (the same template as v4), the
// store's leases6 column family and its DUID index, and the persister draining v6
// rings into the same batches as v4.
#include <unistd.h>

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "leasedb/lease6.h"
#include "leasedb/lease_shard.h"
#include "leasedb/lease_store.h"
#include "leasedb/lease_event.h"
#include "leasedb/persister.h"

namespace fastlease::leasedb {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/fastlease-store6-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<uint8_t> Duid(uint8_t n, size_t len = 14) {
  std::vector<uint8_t> d(len, 0);
  d[0] = 0;
  d[1] = 1;  // DUID-LLT
  d[len - 1] = n;
  return d;
}

std::array<uint8_t, 16> Addr(uint16_t n, uint8_t third = 1) {
  std::array<uint8_t, 16> a{0x20, 0x01, 0x0d, 0xb8, 0, third};
  a[14] = uint8_t(n >> 8);
  a[15] = uint8_t(n);
  return a;
}

Lease6 MakeLease6(const std::vector<uint8_t>& duid, uint32_t iaid, Lease6Type type,
                  const std::array<uint8_t, 16>& address, uint8_t prefix_len = 128) {
  Lease6 l;
  l.SetIdentity(ClientKey6::Make(duid, iaid, type));
  l.address = address;
  l.prefix_len = prefix_len;
  l.state = LeaseState::kBound;
  l.subnet_id = 3;
  l.expire = 1'800'000'000;
  l.valid = 7200;
  l.preferred = 3600;
  return l;
}

TEST(Lease6Test, KeyIsDuidIaidAndType) {
  const std::vector<uint8_t> a = Duid(1), b = Duid(2);
  const ClientKey6 na = ClientKey6::Make(a, 7, Lease6Type::kNa);
  EXPECT_NE(na.hash, ClientKey6::Make(a, 7, Lease6Type::kPd).hash);
  EXPECT_NE(na.hash, ClientKey6::Make(a, 8, Lease6Type::kNa).hash);
  EXPECT_NE(na.hash, ClientKey6::Make(b, 7, Lease6Type::kNa).hash);
  EXPECT_EQ(na.hash, ClientKey6::Make(Duid(1), 7, Lease6Type::kNa).hash);
  Lease6 l;
  l.SetIdentity(na);
  EXPECT_TRUE(l.Matches(na));
  EXPECT_FALSE(l.Matches(ClientKey6::Make(a, 7, Lease6Type::kPd)));
  EXPECT_EQ(l.duid_hash, DuidHash(a));
}

TEST(Lease6Test, LongDuidIsMatchedByPrefixAndHash) {
  std::vector<uint8_t> a = Duid(1, 120), b = Duid(1, 120);
  b[110] = 9;  // differs past the inline part
  Lease6 l;
  l.SetIdentity(ClientKey6::Make(a, 1, Lease6Type::kNa));
  EXPECT_EQ(l.duid_len, 120);
  EXPECT_TRUE(l.Matches(ClientKey6::Make(a, 1, Lease6Type::kNa)));
  EXPECT_FALSE(l.Matches(ClientKey6::Make(b, 1, Lease6Type::kNa)));
}

TEST(Lease6Test, ShardFindsEachIaOfAClient) {
  Lease6Shard shard(0, 16, 64);
  const std::vector<uint8_t> d = Duid(1);
  const ClientKey6 na = ClientKey6::Make(d, 1, Lease6Type::kNa);
  const ClientKey6 pd = ClientKey6::Make(d, 1, Lease6Type::kPd);
  Lease6* l1 = shard.Insert(na);
  l1->address = Addr(1);
  Lease6* l2 = shard.Insert(pd);
  l2->address = Addr(0, 0x80);
  EXPECT_EQ(shard.Find(na), l1);
  EXPECT_EQ(shard.Find(pd), l2);
  EXPECT_EQ(shard.size(), 2u);
  shard.Erase(l1);
  EXPECT_EQ(shard.Find(na), nullptr);
  EXPECT_EQ(shard.Find(pd), l2);
}

TEST(Lease6Test, EncodeDecodeRoundTrip) {
  const Lease6 l = MakeLease6(Duid(5), 0xdeadbeef, Lease6Type::kPd, Addr(0, 0x40), 56);
  uint8_t key[kLease6KeySize];
  uint8_t value[kMaxLease6ValueSize];
  EncodeLease6Key(l, key);
  const size_t n = EncodeLease6(l, value);
  Lease6 back;
  ASSERT_TRUE(DecodeLease6({key, kLease6KeySize}, {value, n}, back));
  EXPECT_EQ(back.address, l.address);
  EXPECT_EQ(back.prefix_len, 56);
  EXPECT_EQ(back.iaid, 0xdeadbeefu);
  EXPECT_EQ(back.type, Lease6Type::kPd);
  EXPECT_EQ(back.preferred, 3600u);
  EXPECT_TRUE(back.SameClient(l));
  // A truncated or unknown-version value is refused.
  EXPECT_FALSE(DecodeLease6({key, kLease6KeySize}, {value, n - 1}, back));
  value[0] = 99;
  EXPECT_FALSE(DecodeLease6({key, kLease6KeySize}, {value, n}, back));
}

TEST(Lease6Test, StoreWritesV6BesideV4AndFindsByDuidAddressAndPage) {
  TempDir dir;
  auto store = LeaseStore::Open(dir.path() + "/db", {});
  ASSERT_TRUE(store.ok()) << store.status();
  std::vector<ChangeRecord6> recs;
  for (uint16_t i = 1; i <= 10; ++i) {
    ChangeRecord6 r;
    r.seq = i;
    r.lease = MakeLease6(Duid(uint8_t(i)), 1, Lease6Type::kNa, Addr(i));
    recs.push_back(r);
  }
  ChangeRecord6 pd;
  pd.lease = MakeLease6(Duid(3), 1, Lease6Type::kPd, Addr(0, 0x83), 56);
  recs.push_back(pd);
  ASSERT_TRUE((*store)->Write({}, 0, 0, recs).ok());
  // v4 unaffected: no v4 leases, no events.
  int v4 = 0;
  ASSERT_TRUE((*store)->ForEach([&](const Lease&) { ++v4; }).ok());
  EXPECT_EQ(v4, 0);
  EXPECT_EQ((*store)->LastEventSeq(), 0u);

  auto by_duid = (*store)->Leases6ByDuid(Duid(3));
  ASSERT_TRUE(by_duid.ok());
  ASSERT_EQ(by_duid->size(), 2u);  // its IA_NA and its IA_PD
  auto at = (*store)->Leases6At(Addr(4));
  ASSERT_TRUE(at.ok());
  ASSERT_EQ(at->size(), 1u);
  EXPECT_TRUE((*at)[0].SameClient(recs[3].lease));
  auto page = (*store)->Page6({}, true, 4);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 4u);
  auto next = (*store)->Page6(page->back().address, false, 100);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(page->size() + next->size(), 11u);

  // Delete one; the index forgets it too.
  ChangeRecord6 del = recs[2];
  del.op = ChangeOp::kDelete;
  ASSERT_TRUE((*store)->Write({}, 0, 0, std::span<const ChangeRecord6>(&del, 1)).ok());
  by_duid = (*store)->Leases6ByDuid(Duid(3));
  ASSERT_TRUE(by_duid.ok());
  ASSERT_EQ(by_duid->size(), 1u);
  EXPECT_EQ((*by_duid)[0].type, Lease6Type::kPd);
  int n = 0;
  ASSERT_TRUE((*store)->ForEach6([&](const Lease6&) { ++n; }).ok());
  EXPECT_EQ(n, 10);
}

TEST(Lease6Test, PersisterDrainsV6RingsAndPublishesTheirDurableSeq) {
  TempDir dir;
  auto store = LeaseStore::Open(dir.path() + "/db", {});
  ASSERT_TRUE(store.ok());
  LeaseShard shard4(0, 16, 64);
  Lease6Shard shard6(0, 16, 64);
  Persister p(**store, {&shard4}, 64);
  p.SetV6Shards({&shard6});
  std::vector<ChangeRecord6> observed;
  p.SetChange6Observer([&](const ChangeRecord6& r) {
    EXPECT_GE(shard6.durable_seq(), r.seq) << "observed only once written";
    observed.push_back(r);
  });
  uint64_t last = 0;
  for (uint8_t i = 1; i <= 5; ++i) {
    const ClientKey6 k = ClientKey6::Make(Duid(i), 1, Lease6Type::kNa);
    Lease6* l = shard6.Insert(k);
    l->address = Addr(i);
    l->state = LeaseState::kBound;
    ASSERT_TRUE(shard6.CanRecord());
    last = shard6.Record(ChangeOp::kPut, *l);
  }
  EXPECT_LT(shard6.durable_seq(), last);
  auto n = p.RunOnce();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 5u);
  EXPECT_EQ(shard6.durable_seq(), last);
  EXPECT_EQ(p.last_event_seq(), 0u);  // v6 changes are not lease events
  // ...but the v6 observer sees each, in order, classified like events.
  ASSERT_EQ(observed.size(), 5u);
  for (uint8_t i = 0; i < 5; ++i) {
    EXPECT_EQ(observed[i].lease.address, Addr(uint8_t(i + 1)));
    EXPECT_EQ(ClassifyChange(observed[i]), LeaseEventKind::kCreated);
  }
  EXPECT_EQ(observed.back().seq, last);
  p.SetChange6Observer(nullptr);
  // Recovery sees them after a reopen.
  store->reset();
  store = LeaseStore::Open(dir.path() + "/db", {});
  ASSERT_TRUE(store.ok());
  int count = 0;
  ASSERT_TRUE((*store)->ForEach6([&](const Lease6& l) {
    ++count;
    EXPECT_EQ(l.state, LeaseState::kBound);
  }).ok());
  EXPECT_EQ(count, 5);
}

}  // namespace
}  // namespace fastlease::leasedb
