#include "leasedb/lease_shard.h"

#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace fastlease::leasedb {
namespace {

std::vector<uint8_t> MacBytes(uint32_t n) {
  return {0x02, 0, uint8_t(n >> 24), uint8_t(n >> 16), uint8_t(n >> 8), uint8_t(n)};
}

TEST(ClientKey, ClientIdWinsOnlyWhenMatchClientIdIsOn) {
  const auto hw = MacBytes(1);
  const std::vector<uint8_t> cid = {1, 2, 3};
  const ClientKey k1 = ClientKey::Make(1, hw, cid, true);
  const ClientKey k2 = ClientKey::Make(1, hw, cid, false);
  EXPECT_EQ(k1.kind, KeyKind::kClientId);
  EXPECT_EQ(k2.kind, KeyKind::kHwAddress);
  EXPECT_NE(k1.hash, k2.hash);
  EXPECT_EQ(ClientKey::Make(1, hw, {}, true).kind, KeyKind::kHwAddress);
  // htype is part of a hardware key.
  EXPECT_NE(ClientKey::Make(1, hw, {}, true).hash, ClientKey::Make(6, hw, {}, true).hash);
}

TEST(LeaseShard, LongClientIdsAreDistinguishedBeyondTheInlinePrefix) {
  LeaseShard shard(0, 16, 64);
  std::vector<uint8_t> a(40, 0xaa), b(40, 0xaa);
  b[39] = 0xbb;  // differs only after the inline prefix
  const auto hw = MacBytes(1);
  Lease* la = shard.Insert(ClientKey::Make(1, hw, a, true));
  la->address = 1;
  EXPECT_EQ(shard.Find(ClientKey::Make(1, hw, a, true)), la);
  EXPECT_EQ(shard.Find(ClientKey::Make(1, hw, b, true)), nullptr);
}

// Random inserts and erases against a std::map model: the open-addressing index
// with backward-shift deletion and growth must agree with it at every step.
TEST(LeaseShard, IndexAgreesWithAModelUnderRandomOperations) {
  LeaseShard shard(0, 64, 64);  // small: forces slab and index growth
  std::map<uint32_t, uint32_t> model;  // client number → address
  std::mt19937 rng(42);
  std::vector<std::vector<uint8_t>> macs;
  for (uint32_t i = 0; i < 5000; ++i) macs.push_back(MacBytes(i));
  for (int step = 0; step < 60000; ++step) {
    const uint32_t c = rng() % 5000;
    const ClientKey key = ClientKey::Make(1, macs[c], {}, true);
    Lease* l = shard.Find(key);
    ASSERT_EQ(l != nullptr, model.count(c) == 1) << "step " << step;
    if (l != nullptr) {
      ASSERT_EQ(l->address, model[c]);
      if (rng() % 2) {
        shard.Erase(l);
        model.erase(c);
      }
    } else {
      l = shard.Insert(key);
      l->address = rng();
      l->state = LeaseState::kBound;
      model[c] = l->address;
    }
    ASSERT_EQ(shard.size(), model.size());
  }
  for (const auto& [c, addr] : model) {
    Lease* l = shard.Find(ClientKey::Make(1, macs[c], {}, true));
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->address, addr);
    EXPECT_EQ(shard.FindLike(*l), l);
  }
}

TEST(LeaseShard, ChangeRingIsBoundedAndSequenced) {
  LeaseShard shard(3, 16, 4);
  Lease* l = shard.Insert(ClientKey::Make(1, MacBytes(9), {}, true));
  uint64_t last = 0;
  while (shard.CanRecord()) last = shard.Record(ChangeOp::kPut, *l);
  EXPECT_GE(last, 4u);
  EXPECT_FALSE(shard.CanRecord());
  EXPECT_TRUE(l->flags & kLeasePersisted);
  ChangeRecord out[16];
  const size_t n = shard.DrainChanges(out, 16);
  EXPECT_EQ(n, last);
  for (size_t i = 0; i < n; ++i) EXPECT_EQ(out[i].seq, i + 1);
  EXPECT_TRUE(shard.CanRecord());
  EXPECT_EQ(shard.durable_seq(), 0u);
  shard.PublishDurable(n);
  EXPECT_EQ(shard.durable_seq(), n);
}

}  // namespace
}  // namespace fastlease::leasedb
