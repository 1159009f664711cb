// Whole-pipeline benchmarks of the DHCPv6 server logic on one core:
// parse → handle (lease engine) → build, per packet, as a worker lcore runs it.
// Every client holds one IA_NA and one IA_PD, so one exchange commits two leases.
//
//   build/perf/dhcp6_server_benchmark --benchmark_min_time=2
//
// items_per_second is exchanges per second: a whole SARR (Solicit→Advertise,
// Request→Reply) per item in BM_Sarr, one message and its reply in the others.
// Compare BM_Sarr with dhcp4_server_benchmark's DORA (1 / (1/offers + 1/acks) of
// BM_DiscoverToOffer and BM_RequestToAck) run on the same machine at the same time.
#include <benchmark/benchmark.h>

#include <arpa/inet.h>

#include <array>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <vector>

#include "dataplane/dhcp6/builder6.h"
#include "dataplane/dhcp6/message6.h"
#include "dataplane/dhcp6/server6.h"

namespace fastlease::dhcp6 {
namespace {

using Bytes = std::vector<uint8_t>;

// 2 M distinct clients (4 M leases, as many lease slots as the v4 benchmark's
// 4 M clients) before the state is rebuilt outside the timing.
constexpr uint32_t kClients = 1u << 21;
constexpr uint32_t kNow = 1'700'000'000;

const Bytes kServerDuid = {0, 1, 0, 1, 0x2c, 0x9b, 0xf6, 0x00, 2, 0, 0, 0, 0, 1};

Ip6 A(const char* text) {
  Ip6 a{};
  inet_pton(AF_INET6, text, a.data());
  return a;
}

// One /64 with 2^24 addresses and a /33 delegating 2^23 /56s: neither runs out
// before kClients clients.
config::Config BenchConfig() {
  config::Config c;
  c.dhcp6.enabled = true;
  config::Port port;
  port.device = "net_af_packet0,iface=veth0";
  port.addresses6 = {{A("2001:db8:1::1"), 64}};
  c.dataplane.ports = {port};
  config::Subnet6 s;
  s.id = 1;
  s.prefix = A("2001:db8:1::");
  s.prefix_len = 64;
  config::Pool6 pool;
  pool.first = A("2001:db8:1::100:0");
  pool.last = A("2001:db8:1::1ff:ffff");
  pool.size = uint64_t(1) << 24;
  s.pools.push_back(pool);
  config::PdPool pd;
  pd.prefix = A("2001:db8:8000::");
  pd.prefix_len = 33;
  pd.delegated_len = 56;
  pd.size = uint64_t(1) << 23;
  s.pd_pools.push_back(pd);
  s.rapid_commit = true;  // used only by the Solicits that carry Rapid Commit
  const Ip6 dns1 = A("2001:db8:1::53"), dns2 = A("2001:db8:1::54");
  Bytes dns(dns1.begin(), dns1.end());
  dns.insert(dns.end(), dns2.begin(), dns2.end());
  s.options.push_back({opt::kDnsServers, dns, false});
  c.dhcp6.subnets.push_back(s);
  c.dhcp6.options.push_back(
      {opt::kDomainSearch, {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0}, false});
  c.dhcp4.lease_database.durability = config::Durability::kNone;
  return c;
}

// A client message as a typical CPE sends it (~100 bytes): Client ID (DUID-LLT
// whose last four bytes the loop rewrites), Elapsed Time, ORO, then IA_NA and
// IA_PD, each with the address / prefix from the Advertise when `with_leases`.
// Offsets of the parts the loops patch are kept.
struct ClientMessage {
  Bytes bytes;
  size_t duid_tail = 0;  // last four bytes of the DUID
  size_t na_address = 0;  // IA Address: the address
  size_t pd_prefix = 0;   // IA Prefix: the prefix
};

ClientMessage Template(MessageType type, bool with_server, bool with_leases, bool rapid) {
  ClientMessage m;
  Bytes& p = m.bytes;
  p = {uint8_t(type), 0x12, 0x34, 0x56};
  auto u16 = [&](uint16_t v) {
    p.push_back(uint8_t(v >> 8));
    p.push_back(uint8_t(v));
  };
  auto u32 = [&](uint32_t v) {
    u16(uint16_t(v >> 16));
    u16(uint16_t(v));
  };
  auto option = [&](uint16_t code, std::initializer_list<uint8_t> data) {
    u16(code);
    u16(uint16_t(data.size()));
    p.insert(p.end(), data);
  };
  option(opt::kClientId, {0, 1, 0, 1, 0x2c, 0x9b, 0xf6, 0x00, 0x02, 0x00, 0, 0, 0, 0});
  m.duid_tail = p.size() - 4;
  if (with_server) {
    u16(opt::kServerId);
    u16(uint16_t(kServerDuid.size()));
    p.insert(p.end(), kServerDuid.begin(), kServerDuid.end());
  }
  option(opt::kElapsedTime, {0, 0});
  option(opt::kOro, {0, opt::kDnsServers, 0, opt::kDomainSearch, 0, opt::kSolMaxRt});
  if (rapid) option(opt::kRapidCommit, {});
  u16(opt::kIaNa);
  u16(with_leases ? 12 + 28 : 12);
  u32(1); u32(0); u32(0);  // IAID, T1, T2
  if (with_leases) {
    u16(opt::kIaAddr);
    u16(24);
    m.na_address = p.size();
    p.resize(p.size() + 16 + 8, 0);  // address, preferred 0, valid 0
  }
  u16(opt::kIaPd);
  u16(with_leases ? 12 + 29 : 12);
  u32(1); u32(0); u32(0);
  if (with_leases) {
    u16(opt::kIaPrefix);
    u16(25);
    u32(0); u32(0);  // preferred, valid
    p.push_back(56);
    m.pd_prefix = p.size();
    p.resize(p.size() + 16, 0);
  }
  return m;
}

void SetClient(ClientMessage& m, uint32_t i) {
  m.bytes[m.duid_tail] = uint8_t(i >> 24);
  m.bytes[m.duid_tail + 1] = uint8_t(i >> 16);
  m.bytes[m.duid_tail + 2] = uint8_t(i >> 8);
  m.bytes[m.duid_tail + 3] = uint8_t(i);
}

// The client's side between Advertise and Request: the address and prefix of the
// Advertise (or Reply) copied into `m`. False when the reply lacks either.
bool CopyLeases(std::span<const uint8_t> reply, ClientMessage& m) {
  const std::span<const uint8_t> options = reply.subspan(kClientHeaderSize);
  std::span<const uint8_t> na, pd, addr, prefix;
  if (!FindOption(options, opt::kIaNa, &na) || na.size() < 12 ||
      !FindOption(na.subspan(12), opt::kIaAddr, &addr) || addr.size() < 24) {
    return false;
  }
  if (!FindOption(options, opt::kIaPd, &pd) || pd.size() < 12 ||
      !FindOption(pd.subspan(12), opt::kIaPrefix, &prefix) || prefix.size() < 25) {
    return false;
  }
  std::memcpy(&m.bytes[m.na_address], addr.data(), 16);
  std::memcpy(&m.bytes[m.pd_prefix], prefix.data() + 9, 16);
  return true;
}

struct Bench {
  Bench() {
    ctx.now = kNow;
    ctx.src = A("fe80::200:ff:fe00:1");
    Reset();
  }
  // Fresh pools and an empty shard (outside the timing).
  void Reset() {
    shard.reset();
    pools = std::make_unique<leasedb::PoolRegistry>(1);
    cfg = *CompileServerConfig6(BenchConfig(), *pools, kServerDuid);
    shard = std::make_unique<leasedb::Lease6Shard>(0, 2 * size_t(kClients), 1 << 16);
  }
  void Drain() {  // stands in for the persister on the other core
    while (shard->DrainChanges(sink.data(), sink.size()) > 0) {
    }
  }
  HandleResult6 Handle(const ClientMessage& m, benchmark::State& state) {
    if (Parse(m.bytes, msg) != ParseError::kNone) state.SkipWithError("parse");
    return HandleDhcp6(*cfg, *shard, msg, ctx, reply);
  }
  std::span<const uint8_t> Reply(const HandleResult6& r) const { return {reply.data(), r.length}; }
  static bool BothGranted(const HandleResult6& r) { return r.addresses == 1 && r.prefixes == 1; }

  std::unique_ptr<leasedb::PoolRegistry> pools;
  std::shared_ptr<const ServerConfig6> cfg;
  std::unique_ptr<leasedb::Lease6Shard> shard;
  RequestContext6 ctx;
  std::array<leasedb::ChangeRecord6, 256> sink;
  std::array<uint8_t, 1500> reply{};
  Dhcp6Message msg;
};

// Solicit → Advertise, then Request → Reply, for a new client each iteration (the
// client copying the Advertise's address and prefix into its Request is timed too).
void BM_Sarr(benchmark::State& state) {
  Bench b;
  ClientMessage sol = Template(MessageType::kSolicit, false, false, false);
  ClientMessage req = Template(MessageType::kRequest, true, true, false);
  uint32_t i = 0;
  uint64_t bound = 0;
  for (auto _ : state) {
    if (i == kClients) {
      state.PauseTiming();
      b.Reset();
      i = 0;
      state.ResumeTiming();
    }
    SetClient(sol, i);
    SetClient(req, i);
    ++i;
    const HandleResult6 adv = b.Handle(sol, state);
    if (adv.reply_type != MessageType::kAdvertise || !CopyLeases(b.Reply(adv), req)) {
      state.SkipWithError("no Advertise with an address and a prefix");
      break;
    }
    const HandleResult6 rep = b.Handle(req, state);
    bound += rep.reply_type == MessageType::kReply && Bench::BothGranted(rep);
    if ((i & 127) == 0) b.Drain();
    benchmark::DoNotOptimize(rep);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["bound"] = double(bound);
}
BENCHMARK(BM_Sarr);

// Solicit → Advertise alone for new clients (the counterpart of DiscoverToOffer).
void BM_SolicitToAdvertise(benchmark::State& state) {
  Bench b;
  ClientMessage sol = Template(MessageType::kSolicit, false, false, false);
  uint32_t i = 0;
  uint64_t advertised = 0;
  for (auto _ : state) {
    if (i == kClients) {
      state.PauseTiming();
      b.Reset();
      i = 0;
      state.ResumeTiming();
    }
    SetClient(sol, i++);
    const HandleResult6 r = b.Handle(sol, state);
    advertised += r.reply_type == MessageType::kAdvertise && Bench::BothGranted(r);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["advertised"] = double(advertised);
}
BENCHMARK(BM_SolicitToAdvertise);

// Solicit with Rapid Commit → Reply: both leases committed in one exchange.
void BM_RapidSolicitToReply(benchmark::State& state) {
  Bench b;
  ClientMessage sol = Template(MessageType::kSolicit, false, false, true);
  uint32_t i = 0;
  uint64_t bound = 0;
  for (auto _ : state) {
    if (i == kClients) {
      state.PauseTiming();
      b.Reset();
      i = 0;
      state.ResumeTiming();
    }
    SetClient(sol, i++);
    const HandleResult6 r = b.Handle(sol, state);
    bound += r.reply_type == MessageType::kReply && Bench::BothGranted(r);
    if ((i & 127) == 0) b.Drain();
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["bound"] = double(bound);
}
BENCHMARK(BM_RapidSolicitToReply);

// Renew → Reply for bound clients (both leases extended and re-persisted).
void BM_RenewToReply(benchmark::State& state) {
  Bench b;
  constexpr uint32_t kN = 1 << 16;
  ClientMessage rapid = Template(MessageType::kSolicit, false, false, true);
  std::vector<ClientMessage> renew(kN, Template(MessageType::kRenew, true, true, false));
  for (uint32_t j = 0; j < kN; ++j) {
    SetClient(rapid, j);
    const HandleResult6 r = b.Handle(rapid, state);
    SetClient(renew[j], j);
    if (r.reply_type != MessageType::kReply || !CopyLeases(b.Reply(r), renew[j])) {
      state.SkipWithError("binding the clients failed");
      return;
    }
    if ((j & 127) == 0) b.Drain();
  }
  b.Drain();
  uint32_t i = 0;
  uint64_t renewed = 0;
  for (auto _ : state) {
    const HandleResult6 r = b.Handle(renew[i++ & (kN - 1)], state);
    renewed += r.reply_type == MessageType::kReply && Bench::BothGranted(r);
    if ((i & 127) == 0) b.Drain();
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["renewed"] = double(renewed);
}
BENCHMARK(BM_RenewToReply);

// The parse stage alone: a Solicit, and a Request carrying an address and a prefix.
void BM_ParseSolicit(benchmark::State& state) {
  const ClientMessage sol = Template(MessageType::kSolicit, false, false, false);
  Dhcp6Message msg;
  for (auto _ : state) {
    const ParseError e = Parse(sol.bytes, msg);
    benchmark::DoNotOptimize(e);
    benchmark::DoNotOptimize(msg);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseSolicit);

void BM_ParseRequest(benchmark::State& state) {
  ClientMessage req = Template(MessageType::kRequest, true, true, false);
  std::memcpy(&req.bytes[req.na_address], A("2001:db8:1::100:0").data(), 16);
  std::memcpy(&req.bytes[req.pd_prefix], A("2001:db8:8000::").data(), 16);
  Dhcp6Message msg;
  for (auto _ : state) {
    const ParseError e = Parse(req.bytes, msg);
    benchmark::DoNotOptimize(e);
    benchmark::DoNotOptimize(msg);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseRequest);

}  // namespace
}  // namespace fastlease::dhcp6

BENCHMARK_MAIN();
