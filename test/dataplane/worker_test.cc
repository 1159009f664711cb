// Drives workers over ring ports (rte_eth_from_rings): frames go in through the
// port's RX ring, PollOnce runs on the test thread, replies come out of the TX ring.
#include "dataplane/worker.h"

#include <gtest/gtest.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "control/config/config.h"
#include "dataplane/config_publisher.h"
#include "dataplane/dhcp4/message.h"
#include "dataplane/dhcp4/server_config.h"
#include "dataplane/port.h"
#include "dataplane/wire.h"
#include "leasedb/lease_shard.h"
#include "leasedb/pool_registry.h"
#include "test/testing/dhcp4_packet.h"
#include "test/testing/eal.h"

namespace fastlease::dataplane {
namespace {

using Bytes = std::vector<uint8_t>;
using dhcp4::MessageType;

rte_mempool* g_pool = nullptr;

class EalEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    ASSERT_TRUE(testing::InitEal("worker_test"));
    config::DataplaneConfig dp;
    dp.mempool_size = 4095;
    dp.mempool_cache = 32;
    g_pool = CreatePacketPool(dp);
    ASSERT_NE(g_pool, nullptr);
  }
  void TearDown() override { rte_eal_cleanup(); }
};

const ::testing::Environment* const kEal = ::testing::AddGlobalTestEnvironment(new EalEnvironment);

constexpr uint32_t kServerIp = testing::Ip(192, 0, 2, 1);
constexpr MacAddress kRouterMac = {0x02, 0xaa, 0, 0, 0, 1};

std::string ConfigJson(const std::string& device, uint32_t workers, const char* durability) {
  return R"({"Dhcp4": {"valid-lifetime": 3600, "authoritative": true,
      "lease-database": {"type": "rocksdb", "name": "unused", "durability": ")" +
         std::string(durability) + R"("},
      "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
                   "pools": [{"pool": "192.0.2.100 - 192.0.2.199"}]}]},
    "Dataplane": {"ports": [{"device": ")" +
         device + R"(", "address": "192.0.2.1/24"}],
      "workers": )" +
         std::to_string(workers) + R"(, "idle-sleep-us": 0, "tx-drain-us": 0,
      "park-queue-size": 64, "dispatch-ring-size": 256}})";
}

// A DHCP client frame, as a client on the wire sends it.
Bytes ClientFrame(const std::array<uint8_t, 6>& mac, const Bytes& dhcp) {
  FrameInfo untagged;
  UdpReplyAddress a;
  a.src_mac = mac;
  a.dst_mac = kBroadcastMac;
  a.src_ip = 0;
  a.dst_ip = kLimitedBroadcast;
  a.src_port = 68;
  a.dst_port = 67;
  Bytes f(2048);
  f.resize(BuildUdpReply(f, untagged, a, dhcp));
  return f;
}

// One test's world: a ring port with `queues` queue pairs, `workers` workers.
class Harness {
 public:
  Harness(uint32_t workers, uint16_t queues, const char* durability) {
    static int serial = 0;
    const std::string tag = std::to_string(serial++);
    for (uint16_t q = 0; q < queues; ++q) {
      rx_.push_back(rte_ring_create(("wrx" + tag + "_" + std::to_string(q)).c_str(), 1024, 0,
                                    RING_F_SP_ENQ | RING_F_SC_DEQ));
      tx_.push_back(rte_ring_create(("wtx" + tag + "_" + std::to_string(q)).c_str(), 1024, 0,
                                    RING_F_SP_ENQ | RING_F_SC_DEQ));
    }
    // rte_eth_from_rings("wN") creates the vdev "net_ring_wN".
    EXPECT_GE(rte_eth_from_rings(("w" + tag).c_str(), rx_.data(), queues, tx_.data(), queues, 0),
              0);
    const std::string device = "net_ring_w" + tag;

    absl::StatusOr<config::Config> c =
        config::ParseConfig(ConfigJson(device, workers, durability), "test.json");
    EXPECT_TRUE(c.ok()) << c.status();
    config_ = *c;
    absl::StatusOr<PortSet> ports = ConfigurePorts(config_.dataplane, g_pool);
    EXPECT_TRUE(ports.ok()) << ports.status();
    ports_ = *ports;
    EXPECT_TRUE(StartPorts(ports_).ok());

    registry_ = std::make_unique<leasedb::PoolRegistry>(workers);
    auto compiled = dhcp4::CompileServerConfig(config_, *registry_);
    EXPECT_TRUE(compiled.ok()) << compiled.status();
    publisher_ = std::make_unique<ConfigPublisher>(*compiled);
    control_.configs = publisher_.get();
    std::vector<leasedb::LeaseShard*> shard_ptrs;
    for (uint32_t w = 0; w < workers; ++w) {
      shards_.push_back(std::make_unique<leasedb::LeaseShard>(w, 1024, 1024));
      shard_ptrs.push_back(shards_.back().get());
    }
    stats_ = std::make_unique<std::vector<StatsBlock>>(workers);
    WorkerSetup setup;
    setup.dataplane = &config_.dataplane;
    setup.ports = &ports_;
    setup.pool = g_pool;
    setup.shards = shard_ptrs;
    setup.control = &control_;
    setup.stats = stats_.get();
    auto set = SetupWorkers(setup);
    EXPECT_TRUE(set.ok()) << set.status();
    workers_ = *std::move(set);
    for (auto& ctx : workers_->contexts()) {
      ctx->version = publisher_->Current();
      ctx->config = ctx->version->config.get();
    }
  }

  ~Harness() {
    StopPorts(ports_);
    workers_.reset();
    for (rte_ring* r : rx_) Drain(r), rte_ring_free(r);
    for (rte_ring* r : tx_) Drain(r), rte_ring_free(r);
  }

  WorkerContext& worker(size_t i) { return *workers_->contexts()[i]; }
  leasedb::LeaseShard& shard(size_t i) { return *shards_[i]; }
  ConfigPublisher& publisher() { return *publisher_; }
  WorkerControl& control() { return control_; }
  StatsBlock& stats(size_t i) { return (*stats_)[i]; }
  const PortRuntime& port() const { return ports_[0]; }
  config::Config& config() { return config_; }
  leasedb::PoolRegistry& registry() { return *registry_; }

  void Inject(const Bytes& frame, uint16_t queue = 0) {
    rte_mbuf* m = rte_pktmbuf_alloc(g_pool);
    ASSERT_NE(m, nullptr);
    char* p = rte_pktmbuf_append(m, uint16_t(frame.size()));
    ASSERT_NE(p, nullptr);
    std::memcpy(p, frame.data(), frame.size());
    ASSERT_EQ(rte_ring_enqueue(rx_[queue], m), 0);
  }

  // Everything transmitted so far on every queue.
  std::vector<Bytes> Sent() {
    std::vector<Bytes> out;
    for (rte_ring* r : tx_) {
      void* obj = nullptr;
      while (rte_ring_dequeue(r, &obj) == 0) {
        auto* m = static_cast<rte_mbuf*>(obj);
        const uint8_t* p = rte_pktmbuf_mtod(m, const uint8_t*);
        out.emplace_back(p, p + m->data_len);
        rte_pktmbuf_free(m);
      }
    }
    return out;
  }

  // Turns on every worker, flushing TX each time.
  void Turn(int times = 1) {
    for (int t = 0; t < times; ++t) {
      for (auto& ctx : workers_->contexts()) {
        PollOnce(*ctx);
        FlushTx(*ctx);
      }
    }
  }

 private:
  static void Drain(rte_ring* r) {
    void* obj = nullptr;
    while (rte_ring_dequeue(r, &obj) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(obj));
  }
  std::vector<rte_ring*> rx_, tx_;
  config::Config config_;
  PortSet ports_;
  std::unique_ptr<leasedb::PoolRegistry> registry_;
  std::unique_ptr<ConfigPublisher> publisher_;
  WorkerControl control_;
  std::vector<std::unique_ptr<leasedb::LeaseShard>> shards_;
  std::unique_ptr<std::vector<StatsBlock>> stats_;
  std::unique_ptr<WorkerSet> workers_;
};

// The DHCP message in an untagged reply frame.
struct Reply {
  MessageType type = MessageType::kNone;
  uint32_t yiaddr = 0;
  uint32_t src_ip = 0;
  uint32_t dst_ip = 0;
  MacAddress dst_mac{};
};

Reply Decode(const Bytes& f) {
  Reply r;
  if (f.size() < 42 + 240) return r;
  std::copy_n(f.begin(), 6, r.dst_mac.begin());
  r.src_ip = uint32_t(f[26]) << 24 | uint32_t(f[27]) << 16 | uint32_t(f[28]) << 8 | f[29];
  r.dst_ip = uint32_t(f[30]) << 24 | uint32_t(f[31]) << 16 | uint32_t(f[32]) << 8 | f[33];
  const size_t udp_len = size_t(f[38]) << 8 | f[39];
  static dhcp4::Dhcp4Message msg;
  if (dhcp4::Parse(std::span<const uint8_t>(f.data() + 42, udp_len - 8), msg) !=
      dhcp4::ParseError::kNone) {
    return r;
  }
  r.type = msg.type();
  r.yiaddr = msg.yiaddr();
  return r;
}

uint64_t Counter(const WorkerContext& ctx, size_t index) { return ctx.counters.v[index]; }

// A client MAC whose shard, among `workers`, is `shard`.
std::array<uint8_t, 6> MacForShard(uint32_t shard, uint32_t workers, uint32_t start = 1) {
  dhcp4::Dhcp4Message msg;
  for (uint32_t n = start;; ++n) {
    Bytes b = testing::ClientPacket(MessageType::kDiscover, testing::Mac(n)).Bytes();
    EXPECT_EQ(dhcp4::Parse(b, msg), dhcp4::ParseError::kNone);
    if (dhcp4::ShardOf(msg, workers) == shard) return testing::Mac(n);
  }
}

TEST(Worker, AnswersArpAndIcmpInPlace) {
  Harness h(1, 1, "none");
  // ARP request for 192.0.2.1 from 192.0.2.50.
  Bytes arp = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  arp.insert(arp.end(), kRouterMac.begin(), kRouterMac.end());
  Bytes body = {0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1};
  arp.insert(arp.end(), body.begin(), body.end());
  arp.insert(arp.end(), kRouterMac.begin(), kRouterMac.end());
  Bytes rest = {192, 0, 2, 50, 0, 0, 0, 0, 0, 0, 192, 0, 2, 1};
  arp.insert(arp.end(), rest.begin(), rest.end());
  h.Inject(arp);
  h.Turn();
  std::vector<Bytes> sent = h.Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].size(), 60u);
  EXPECT_TRUE(std::equal(kRouterMac.begin(), kRouterMac.end(), sent[0].begin()));
  EXPECT_TRUE(std::equal(h.port().mac.begin(), h.port().mac.end(), sent[0].begin() + 6));
  EXPECT_EQ(sent[0][21], 2);  // ARP op reply
  EXPECT_EQ(h.worker(0).counters.Get(WorkerEvent::kArpReplies), 1u);
}

TEST(Worker, DiscoverOfferedAndDropsCounted) {
  Harness h(1, 1, "none");
  h.Inject(ClientFrame(testing::Mac(7),
                       testing::ClientPacket(MessageType::kDiscover, testing::Mac(7)).Bytes()));
  Bytes fragment = ClientFrame(
      testing::Mac(8), testing::ClientPacket(MessageType::kDiscover, testing::Mac(8)).Bytes());
  fragment[20] = 0x20;  // MF (the IP checksum is now wrong too; fragments are checked after)
  h.Inject(fragment);
  Bytes bad_cookie = testing::ClientPacket(MessageType::kDiscover, testing::Mac(9)).Bytes();
  bad_cookie[236] = 0;
  h.Inject(ClientFrame(testing::Mac(9), bad_cookie));
  h.Turn();
  std::vector<Bytes> sent = h.Sent();
  ASSERT_EQ(sent.size(), 1u);
  Reply r = Decode(sent[0]);
  EXPECT_EQ(r.type, MessageType::kOffer);
  EXPECT_GE(r.yiaddr, testing::Ip(192, 0, 2, 100));
  EXPECT_LE(r.yiaddr, testing::Ip(192, 0, 2, 199));
  EXPECT_EQ(r.src_ip, kServerIp);
  const WorkerContext& w = h.worker(0);
  EXPECT_EQ(w.counters.Get(WorkerEvent::kRxPackets), 3u);
  EXPECT_EQ(w.counters.Get(WireDrop::kBadIpChecksum), 1u);
  EXPECT_EQ(Counter(w, CounterLayout::kParseResults + size_t(dhcp4::ParseError::kBadCookie)), 1u);
  EXPECT_EQ(Counter(w, CounterLayout::kSent + size_t(MessageType::kOffer)), 1u);
  // Published to the stats block.
  EXPECT_EQ(h.stats(0).counters[CounterLayout::kEvents + size_t(WorkerEvent::kRxPackets)].load(),
            3u);
}

TEST(Worker, AckParkedUntilDurable) {
  Harness h(1, 1, "fsync");
  const auto mac = testing::Mac(21);
  h.Inject(ClientFrame(mac, testing::ClientPacket(MessageType::kDiscover, mac).Bytes()));
  h.Turn();
  std::vector<Bytes> sent = h.Sent();
  ASSERT_EQ(sent.size(), 1u);
  const Reply offer = Decode(sent[0]);
  ASSERT_EQ(offer.type, MessageType::kOffer);

  h.Inject(ClientFrame(mac, testing::ClientPacket(MessageType::kRequest, mac, 0x1234)
                                .RequestedIp(offer.yiaddr)
                                .ServerId(kServerIp)
                                .Bytes()));
  h.Turn(3);
  EXPECT_TRUE(h.Sent().empty());  // the ACK waits for the persister
  EXPECT_EQ(h.worker(0).park.size(), 1u);
  EXPECT_EQ(h.stats(0).park_depth.load(), 1u);

  // Act as the persister.
  leasedb::ChangeRecord records[16];
  ASSERT_GE(h.shard(0).DrainChanges(records, 16), 1u);
  h.shard(0).PublishDurable(h.shard(0).last_seq());
  h.Turn();
  sent = h.Sent();
  ASSERT_EQ(sent.size(), 1u);
  const Reply ack = Decode(sent[0]);
  EXPECT_EQ(ack.type, MessageType::kAck);
  EXPECT_EQ(ack.yiaddr, offer.yiaddr);
  EXPECT_EQ(h.worker(0).counters.Get(WorkerEvent::kReleased), 1u);
}

TEST(Worker, ParkQueueFullDrops) {
  Harness h(1, 1, "fsync");
  // 64-entry park queue; 70 clients go straight to REQUEST (INIT-REBOOT style
  // through SELECTING requires an offer first, so do DISCOVER then REQUEST).
  std::vector<std::pair<std::array<uint8_t, 6>, uint32_t>> offers;
  for (uint32_t i = 0; i < 70; ++i) {
    const auto mac = testing::Mac(1000 + i);
    h.Inject(ClientFrame(mac, testing::ClientPacket(MessageType::kDiscover, mac).Bytes()));
    h.Turn();
    std::vector<Bytes> sent = h.Sent();
    ASSERT_EQ(sent.size(), 1u);
    offers.emplace_back(mac, Decode(sent[0]).yiaddr);
  }
  leasedb::ChangeRecord records[256];
  for (const auto& [mac, ip] : offers) {
    h.Inject(ClientFrame(mac, testing::ClientPacket(MessageType::kRequest, mac)
                                  .RequestedIp(ip)
                                  .ServerId(kServerIp)
                                  .Bytes()));
    h.Turn();
    h.shard(0).DrainChanges(records, 256);  // keep the change ring from filling
  }
  EXPECT_EQ(h.worker(0).park.size(), 64u);
  EXPECT_EQ(h.worker(0).counters.Get(WorkerDrop::kParkFull), 6u);
  h.shard(0).PublishDurable(h.shard(0).last_seq());
  h.Turn();
  EXPECT_EQ(h.Sent().size(), 64u);
}

TEST(Worker, TwoWorkersOneQueueDispatchAndHandOff) {
  Harness h(2, 1, "none");
  ASSERT_TRUE(h.port().shared);
  const uint32_t owner = h.port().owner;
  const uint32_t other = 1 - owner;
  const auto mac = MacForShard(other, 2);
  h.Inject(ClientFrame(mac, testing::ClientPacket(MessageType::kDiscover, mac).Bytes()));
  h.Turn(2);  // owner reads + dispatches; other handles + hands off; owner transmits
  std::vector<Bytes> sent = h.Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(Decode(sent[0]).type, MessageType::kOffer);
  EXPECT_EQ(h.worker(owner).counters.Get(WorkerEvent::kDispatchedOut), 1u);
  EXPECT_EQ(h.worker(other).counters.Get(WorkerEvent::kDispatchedIn), 1u);
  EXPECT_EQ(h.shard(other).size(), 1u);
  EXPECT_EQ(h.shard(owner).size(), 0u);
}

TEST(Worker, TwoWorkersTwoQueuesOwnShard) {
  Harness h(2, 2, "none");
  ASSERT_FALSE(h.port().shared);
  ASSERT_EQ(h.port().queues, 2);
  // A client of shard 0 arriving on queue 1 is dispatched to worker 0.
  const auto mac0 = MacForShard(0, 2);
  const auto mac1 = MacForShard(1, 2);
  h.Inject(ClientFrame(mac0, testing::ClientPacket(MessageType::kDiscover, mac0).Bytes()), 1);
  h.Inject(ClientFrame(mac1, testing::ClientPacket(MessageType::kDiscover, mac1).Bytes()), 1);
  h.Turn(2);
  std::vector<Bytes> sent = h.Sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(h.shard(0).size(), 1u);
  EXPECT_EQ(h.shard(1).size(), 1u);
  EXPECT_EQ(h.worker(1).counters.Get(WorkerEvent::kDispatchedOut), 1u);
}

TEST(Worker, AdoptsPublishedConfig) {
  Harness h(1, 1, "none");
  const uint64_t before = h.publisher().current_epoch();
  auto compiled = dhcp4::CompileServerConfig(h.config(), h.registry());
  ASSERT_TRUE(compiled.ok());
  const uint64_t epoch = h.publisher().Publish(*compiled);
  EXPECT_GT(epoch, before);
  h.Turn();
  EXPECT_EQ(h.worker(0).version->epoch, epoch);
  EXPECT_EQ(h.stats(0).config_epoch.load(), epoch);
  EXPECT_EQ(h.publisher().Reclaim(h.stats(0).config_epoch.load()), 1u);
  EXPECT_EQ(h.publisher().retained(), 1u);
}

TEST(Worker, ShutdownSendsParkedRepliesOnceDurable) {
  Harness h(1, 1, "fsync");
  const auto mac = testing::Mac(77);
  h.Inject(ClientFrame(mac, testing::ClientPacket(MessageType::kDiscover, mac).Bytes()));
  h.Turn();
  const Reply offer = Decode(h.Sent().at(0));
  h.Inject(ClientFrame(mac, testing::ClientPacket(MessageType::kRequest, mac)
                                .RequestedIp(offer.yiaddr)
                                .ServerId(kServerIp)
                                .Bytes()));
  h.Turn();
  ASSERT_EQ(h.worker(0).park.size(), 1u);

  h.control().stop_rx.store(true);
  std::thread worker([&] { WorkerMain(&h.worker(0)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_TRUE(h.Sent().empty());
  h.shard(0).PublishDurable(h.shard(0).last_seq());
  worker.join();
  std::vector<Bytes> sent = h.Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(Decode(sent[0]).type, MessageType::kAck);
  EXPECT_EQ(h.control().done.load(), 1u);
}

}  // namespace
}  // namespace fastlease::dataplane
