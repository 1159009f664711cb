#include "leasedb/address_pool.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace fastlease::leasedb {
namespace {

TEST(AddressPool, ClaimsEveryAddressOnceThenReportsExhaustion) {
  AddressPool pool(1000, 1099, 1);  // 100 addresses: not a multiple of 64
  std::set<uint32_t> seen;
  for (int i = 0; i < 100; ++i) {
    const uint32_t a = pool.Claim(0);
    ASSERT_NE(a, 0u);
    EXPECT_TRUE(pool.Contains(a));
    EXPECT_TRUE(seen.insert(a).second) << "address handed out twice: " << a;
  }
  EXPECT_EQ(pool.Claim(0), 0u);
  EXPECT_EQ(pool.CountFree(), 0u);
  pool.Free(1050);
  EXPECT_EQ(pool.Claim(0), 1050u);
  EXPECT_EQ(pool.Claim(0), 0u);
}

TEST(AddressPool, ClaimSpecificTakesOnlyFreeAddressesInRange) {
  AddressPool pool(10, 20, 2);
  EXPECT_TRUE(pool.ClaimSpecific(15));
  EXPECT_FALSE(pool.ClaimSpecific(15));
  EXPECT_FALSE(pool.ClaimSpecific(9));
  EXPECT_FALSE(pool.ClaimSpecific(21));
  EXPECT_FALSE(pool.IsFree(15));
  pool.Free(15);
  EXPECT_TRUE(pool.IsFree(15));
  pool.Free(15);  // double free is harmless
  EXPECT_EQ(pool.CountFree(), 11u);
}

TEST(AddressPool, ShardsRacingGetDistinctAddresses) {
  constexpr uint32_t kShards = 8;
  constexpr uint32_t kSize = 64 * 1024;
  AddressPool pool(1, kSize, kShards);
  std::vector<std::vector<uint32_t>> got(kShards);
  std::vector<std::thread> threads;
  for (uint32_t s = 0; s < kShards; ++s) {
    threads.emplace_back([&, s] {
      uint32_t frees = 0;
      for (;;) {
        const uint32_t a = pool.Claim(s);
        if (a == 0) break;
        got[s].push_back(a);
        // Give some back (a bounded number) so words are freed and reclaimed
        // while other shards race on them.
        if (a % 7 == 0 && frees < 500) {
          ++frees;
          pool.Free(a);
          got[s].pop_back();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<uint32_t> all;
  for (auto& v : got) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "duplicate claim";
  // Every address is accounted for: held by exactly one shard, or free.
  EXPECT_EQ(all.size() + pool.CountFree(), kSize);
}

TEST(AddressPool, FindsFreeAddressesAtNinetyNinePercent) {
  AddressPool pool(1, 10000, 1);
  for (int i = 0; i < 10000; ++i) ASSERT_NE(pool.Claim(0), 0u);
  // Free 1% scattered over the pool.
  for (uint32_t a = 37; a <= 10000; a += 100) pool.Free(a);
  std::set<uint32_t> again;
  for (int i = 0; i < 100; ++i) {
    const uint32_t a = pool.Claim(0);
    ASSERT_NE(a, 0u);
    EXPECT_EQ(a % 100, 37u);
    again.insert(a);
  }
  EXPECT_EQ(again.size(), 100u);
  EXPECT_EQ(pool.Claim(0), 0u);
}

TEST(PoolRegistry, SameRangeSharesTheBitmapAcrossConfigs) {
  PoolRegistry reg(2);
  auto a = reg.Get(100, 200);
  EXPECT_TRUE(a->ClaimSpecific(150));
  auto b = reg.Get(100, 200);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_FALSE(b->IsFree(150));
  EXPECT_NE(reg.Get(100, 201).get(), a.get());
}

}  // namespace
}  // namespace fastlease::leasedb
