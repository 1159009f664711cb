// Whole-pipeline benchmarks of the DHCPv4 server logic on one core:
// parse → handle (lease engine) → build, per packet, as a worker lcore runs it.
//
//   build/perf/dhcp4_server_benchmark --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <array>
#include <cstring>
#include <vector>

#include "dataplane/dhcp4/builder.h"
#include "dataplane/dhcp4/server.h"
#include "dataplane/dhcp4/server_config.h"

namespace fastlease::dhcp4 {
namespace {

constexpr uint32_t kServer = 0x0a000001;  // 10.0.0.1
constexpr uint32_t kClients = 1u << 22;   // 4 M distinct clients per run

config::Config BenchConfig(config::Durability durability) {
  config::Config c;
  config::Subnet4 s;
  s.id = 1;
  s.prefix = 0x0a000000;
  s.prefix_len = 8;
  s.mask = 0xff000000;
  s.pools.push_back({0x0a000100, 0x0affffff, {}});  // ~16.7 M addresses
  s.valid_lifetime = s.min_valid_lifetime = s.max_valid_lifetime = 3600;
  s.renew_timer = 900;
  s.rebind_timer = 1800;
  s.options.push_back({3, {10, 0, 0, 1}, false});
  s.options.push_back({6, {10, 0, 0, 53, 10, 0, 0, 54}, false});
  s.options.push_back({15, {'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'n', 'e', 't'}, false});
  c.dhcp4.subnets.push_back(s);
  c.dhcp4.lease_database.durability = durability;
  return c;
}

// A typical client message (~300 bytes) whose chaddr the loop rewrites.
std::vector<uint8_t> Template(MessageType type) {
  std::vector<uint8_t> p;
  p.reserve(300);
  p.resize(240, 0);
  p[0] = 1; p[1] = 1; p[2] = 6;
  p[4] = 0x12; p[5] = 0x34;
  p[28] = 0x02;
  const uint8_t cookie[4] = {0x63, 0x82, 0x53, 0x63};
  std::memcpy(&p[236], cookie, 4);
  auto opt = [&](std::initializer_list<uint8_t> o) {
    for (uint8_t b : o) p.push_back(b);
  };
  opt({53, 1, uint8_t(type)});
  opt({57, 2, 0x05, 0xdc});
  opt({55, 7, 1, 3, 6, 15, 28, 42, 119});
  opt({12, 6, 'c', 'l', 'i', 'e', 'n', 't'});
  opt({60, 8, 'M', 'S', 'F', 'T', ' ', '5', '.', '0'});
  if (type == MessageType::kRequest) {
    opt({54, 4, 10, 0, 0, 1});
    opt({50, 4, 0, 0, 0, 0});  // patched per client
  }
  p.push_back(255);
  p.resize(300, 0);
  return p;
}

void SetClient(std::vector<uint8_t>& p, uint32_t i) {
  p[30] = uint8_t(i >> 24); p[31] = uint8_t(i >> 16); p[32] = uint8_t(i >> 8); p[33] = uint8_t(i);
}

// Offset of option 50's data in the REQUEST template: options 53, 57, 55, 12,
// 60 and 54 come first (3 + 4 + 9 + 8 + 10 + 6 bytes), then code and length.
constexpr size_t kRequestedDataOffset = 240 + 3 + 4 + 9 + 8 + 10 + 6 + 2;
void SetRequested(std::vector<uint8_t>& p, uint32_t a) {
  p[kRequestedDataOffset] = uint8_t(a >> 24);
  p[kRequestedDataOffset + 1] = uint8_t(a >> 16);
  p[kRequestedDataOffset + 2] = uint8_t(a >> 8);
  p[kRequestedDataOffset + 3] = uint8_t(a);
}

struct Bench {
  explicit Bench(config::Durability d)
      : pools(1), shard(0, kClients, 1 << 16) {
    cfg = *CompileServerConfig(BenchConfig(d), pools);
  }
  void Drain() {  // stands in for the persister on the other core
    while (shard.DrainChanges(sink.data(), sink.size()) > 0) {
    }
  }
  leasedb::PoolRegistry pools;
  std::shared_ptr<const ServerConfig> cfg;
  leasedb::LeaseShard shard;
  std::array<leasedb::ChangeRecord, 256> sink;
  std::array<uint8_t, 1500> reply{};
  Dhcp4Message msg;
};

void BM_DiscoverToOffer(benchmark::State& state) {
  Bench b(config::Durability::kNone);
  auto pkt = Template(MessageType::kDiscover);
  RequestContext ctx{kServer, 0, 0xffffffff, 1'700'000'000};
  uint32_t i = 0;
  uint64_t offers = 0;
  for (auto _ : state) {
    SetClient(pkt, i++ & (kClients - 1));
    if (Parse(pkt, b.msg) != ParseError::kNone) state.SkipWithError("parse");
    HandleResult r = HandleDhcp4(*b.cfg, b.shard, b.msg, ctx, b.reply);
    offers += r.reply_type == MessageType::kOffer;
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["offers"] = double(offers);
}
BENCHMARK(BM_DiscoverToOffer);

// The same, the way a worker runs a burst of 32: key hints and two prefetch
// passes (index buckets, then lease slots) before parse and handle.
void BM_DiscoverToOfferBurst(benchmark::State& state) {
  Bench b(config::Durability::kNone);
  constexpr uint32_t kBurst = 32;
  std::vector<std::vector<uint8_t>> pkts(kBurst, Template(MessageType::kDiscover));
  std::array<uint64_t, kBurst> hints{};
  RequestContext ctx{kServer, 0, 0xffffffff, 1'700'000'000};
  uint32_t i = 0;
  uint64_t offers = 0;
  for (auto _ : state) {
    for (uint32_t k = 0; k < kBurst; ++k) {
      SetClient(pkts[k], i++ & (kClients - 1));
      hints[k] = ClientKeyHint(pkts[k]);
      b.shard.PrefetchBucket(hints[k]);
    }
    for (uint32_t k = 0; k < kBurst; ++k) b.shard.PrefetchLease(hints[k]);
    for (uint32_t k = 0; k < kBurst; ++k) {
      if (Parse(pkts[k], b.msg) != ParseError::kNone) state.SkipWithError("parse");
      HandleResult r = HandleDhcp4(*b.cfg, b.shard, b.msg, ctx, b.reply);
      offers += r.reply_type == MessageType::kOffer;
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * kBurst);
  state.counters["offers"] = double(offers);
}
BENCHMARK(BM_DiscoverToOfferBurst);

// SELECTING REQUEST → ACK for clients holding an offer: the commit path (lease
// bound, change record queued, ACK built). Offers are made outside the timing.
void BM_RequestToAck(benchmark::State& state) {
  Bench b(config::Durability::kNone);
  auto disc = Template(MessageType::kDiscover);
  auto req = Template(MessageType::kRequest);
  RequestContext ctx{kServer, 0, 0xffffffff, 1'700'000'000};
  constexpr uint32_t kBatch = 1 << 16;
  std::vector<uint32_t> offered(kBatch);
  uint32_t base = 0;
  uint64_t acks = 0;
  uint32_t k = kBatch;
  for (auto _ : state) {
    if (k == kBatch) {
      state.PauseTiming();
      b.Drain();
      for (uint32_t j = 0; j < kBatch; ++j) {
        SetClient(disc, base + j);
        (void)Parse(disc, b.msg);
        HandleDhcp4(*b.cfg, b.shard, b.msg, ctx, b.reply);
        offered[j] = b.shard.Find(leasedb::ClientKey::Make(1, b.msg.chaddr(), {}, true))->address;
      }
      k = 0;
      state.ResumeTiming();
    }
    SetClient(req, base + k);
    const uint32_t a = offered[k];
    SetRequested(req, a);
    (void)Parse(req, b.msg);
    HandleResult r = HandleDhcp4(*b.cfg, b.shard, b.msg, ctx, b.reply);
    acks += r.reply_type == MessageType::kAck;
    if ((++k & 127) == 0) b.Drain();
    if (k == kBatch) base += kBatch;
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["acks"] = double(acks);
}
BENCHMARK(BM_RequestToAck);

// RENEWING REQUEST → ACK for bound clients (lease extended and re-persisted).
void BM_RenewToAck(benchmark::State& state) {
  Bench b(config::Durability::kNone);
  auto disc = Template(MessageType::kDiscover);
  RequestContext ctx{kServer, 0, kServer, 1'700'000'000};
  constexpr uint32_t kN = 1 << 16;
  std::vector<std::vector<uint8_t>> renew(kN);
  for (uint32_t j = 0; j < kN; ++j) {
    SetClient(disc, j);
    (void)Parse(disc, b.msg);
    HandleDhcp4(*b.cfg, b.shard, b.msg, ctx, b.reply);
    const uint32_t a = b.shard.Find(leasedb::ClientKey::Make(1, b.msg.chaddr(), {}, true))->address;
    renew[j] = Template(MessageType::kDiscover);
    renew[j][242] = uint8_t(MessageType::kRequest);
    SetClient(renew[j], j);
    renew[j][12] = uint8_t(a >> 24); renew[j][13] = uint8_t(a >> 16);
    renew[j][14] = uint8_t(a >> 8); renew[j][15] = uint8_t(a);
  }
  uint32_t i = 0;
  uint64_t acks = 0;
  for (auto _ : state) {
    (void)Parse(renew[i++ & (kN - 1)], b.msg);
    HandleResult r = HandleDhcp4(*b.cfg, b.shard, b.msg, ctx, b.reply);
    acks += r.reply_type == MessageType::kAck;
    if ((i & 127) == 0) b.Drain();
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["acks"] = double(acks);
}
BENCHMARK(BM_RenewToAck);

}  // namespace
}  // namespace fastlease::dhcp4

BENCHMARK_MAIN();
