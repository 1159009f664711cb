#include "dataplane/park_queue.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "dataplane/config_publisher.h"
#include "leasedb/lease_shard.h"

namespace fastlease::dataplane {
namespace {

struct UpTo {
  uint64_t seq;
  bool Ready(uint64_t s) const { return s <= seq; }
};

TEST(ParkQueue, ReleasesInOrderUpToTheGate) {
  ParkQueue<int> q(4);
  EXPECT_TRUE(q.Push(1, 10));
  EXPECT_TRUE(q.Push(2, 11));
  EXPECT_TRUE(q.Push(3, 12));
  std::vector<int> out;
  EXPECT_EQ(q.Release(UpTo{11}, [&](int v) { out.push_back(v); }), 2u);
  EXPECT_EQ(out, (std::vector<int>{1, 2}));
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.front_seq(), 12u);
  EXPECT_EQ(q.Release(UpTo{11}, [&](int v) { out.push_back(v); }), 0u);
  EXPECT_EQ(q.Release(UpTo{100}, [&](int v) { out.push_back(v); }), 1u);
  EXPECT_TRUE(q.empty());
}

TEST(ParkQueue, BoundedAndWrapsAround) {
  ParkQueue<int> q(3);  // capacity 3 inside a 4-slot ring
  for (int round = 0; round < 10; ++round) {
    EXPECT_TRUE(q.Push(round, uint64_t(round) * 3 + 1));
    EXPECT_TRUE(q.Push(round, uint64_t(round) * 3 + 2));
    EXPECT_TRUE(q.Push(round, uint64_t(round) * 3 + 3));
    EXPECT_FALSE(q.Push(99, 1000));
    EXPECT_TRUE(q.full());
    EXPECT_EQ(q.Release(UpTo{uint64_t(round) * 3 + 3}, [](int) {}), 3u);
  }
  q.Push(5, 1);
  int dropped = 0;
  EXPECT_EQ(q.Clear([&](int) { ++dropped; }), 1u);
  EXPECT_EQ(dropped, 1);
  EXPECT_TRUE(q.empty());
}

TEST(ParkQueue, DurabilityGateFollowsTheShard) {
  leasedb::LeaseShard shard(0, 16, 64);
  DurabilityGate gate{&shard};
  EXPECT_TRUE(gate.Ready(0));
  EXPECT_FALSE(gate.Ready(1));
  shard.PublishDurable(5);
  EXPECT_TRUE(gate.Ready(5));
  EXPECT_FALSE(gate.Ready(6));
}

TEST(ConfigPublisher, ReclaimsOnlyVersionsNoWorkerUses) {
  ConfigPublisher pub(nullptr);
  const ConfigVersion* v1 = pub.Current();
  EXPECT_EQ(v1->epoch, 1u);
  EXPECT_EQ(pub.Publish(nullptr), 2u);
  EXPECT_EQ(pub.Publish(nullptr), 3u);
  EXPECT_EQ(pub.Current()->epoch, 3u);
  EXPECT_EQ(pub.Reclaim(1), 0u);  // a worker still on epoch 1
  EXPECT_EQ(pub.Reclaim(2), 1u);  // every worker on 2 or later: 1 goes
  EXPECT_EQ(pub.retained(), 2u);
  EXPECT_EQ(pub.Reclaim(UINT64_MAX), 1u);  // never the current one
  EXPECT_EQ(pub.retained(), 1u);
  EXPECT_EQ(pub.Current()->epoch, 3u);
}

}  // namespace
}  // namespace fastlease::dataplane
