// Cost of the Kea policy engine per packet (issue 6): the same relayed DORA traffic
// handled against
//   plain  — the one-subnet config of dhcp4_server_benchmark (no classes, no
//            reservations, 3 subnet options), and
//   policy — an ISP-shaped Kea config loaded through config::ParseConfig and
//            CompileServerConfig: 1000 subnets behind relays (400 of them in 100
//            shared networks), 50 client classes (option 60 substrings, option 82
//            sub-options via relay4[N], member(), KNOWN/UNKNOWN, only-if-required
//            classes required by pools and subnets, VENDOR_CLASS_ names), class,
//            global, network, subnet, pool and reservation options, pools guarded by
//            client-class, and 300 reservations (hw-address and circuit-id).
// Both see the same packet stream: 2800 request shapes (giaddr, option 60, option 82
// circuit-id/remote-id, option 12, PRL) spread over 700 relay addresses, chaddr
// rewritten per client. The issue's bar: policy items_per_second within 20% of plain.
//
//   build/perf/policy_benchmark --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "control/config/config.h"
#include "dataplane/dhcp4/classify/expression.h"
#include "dataplane/dhcp4/server.h"
#include "dataplane/dhcp4/server_config.h"

namespace fastlease::dhcp4 {
namespace {

constexpr uint32_t kServer = 0x0a000001;  // 10.0.0.1
constexpr uint32_t kClients = 1u << 20;   // distinct clients per run
constexpr uint32_t kNow = 1'700'000'000;

constexpr int kSubnets = 1000;
constexpr int kNetworks = 100;       // shared networks of 4 subnets: subnets 0..399
constexpr int kNetworkSize = 4;
constexpr int kRelayListed = 300;    // standalone subnets 400..699 list their relay
constexpr int kGiaddrs = kNetworks + (kSubnets - kNetworks * kNetworkSize);  // 700
constexpr int kShapes = 4 * kGiaddrs;  // request shapes; client c uses shape c % kShapes
constexpr int kOlts = 20;

// Subnet s is 10.0.0.0/8 + s * 4096, a /20; its relay (giaddr) is its .1.
uint32_t Prefix(int s) { return 0x0a000000u + (uint32_t(s) << 12); }
std::string Ip(uint32_t a) {
  return absl::StrCat(a >> 24, ".", (a >> 16) & 255, ".", (a >> 8) & 255, ".", a & 255);
}
// The giaddr of relay point g: a shared network's first subnet, else a standalone one.
int SubnetOfGiaddr(int g) {
  return g < kNetworks ? g * kNetworkSize : kNetworks * kNetworkSize + (g - kNetworks);
}
uint32_t Giaddr(int g) { return Prefix(SubnetOfGiaddr(g)) + 1; }

// ------------------------------------------------------------ the request stream

struct Shape {
  uint32_t giaddr;
  std::string vendor;      // option 60; empty: none
  std::string circuit_id;  // option 82 sub-option 1
  std::string remote_id;   // option 82 sub-option 2
  std::string hostname;    // option 12; empty: none
  std::vector<uint8_t> prl;
};

Shape ShapeOf(int t) {
  Shape s;
  const int g = t % kGiaddrs;
  s.giaddr = Giaddr(g);
  static const char* const kVendors[10] = {
      "docsis3.1", "docsis3.0", "docsis3.1", "pktc1.5", "MSFT 5.0",
      "MSFT 5.0",  "udhcp 1.36.1", "android-dhcp-13", "dhcpcd-9.4.1:Linux-6.1.0:x86_64", ""};
  s.vendor = kVendors[(t * 7) % 10];
  s.circuit_id = absl::StrCat("ge-", g, "/0/", t / kGiaddrs);
  char olt[8];
  std::snprintf(olt, sizeof olt, "olt-%02d", g % kOlts);
  s.remote_id = olt;
  static const char* const kHosts[4] = {"iPhone-de-Ana", "desktop-7", "ipc-cam-3", ""};
  s.hostname = kHosts[t % 4];
  if (s.vendor.starts_with("docsis") || s.vendor.starts_with("pktc")) {
    s.prl = {1, 2, 3, 4, 7, 66, 67};
  } else {
    s.prl = {1, 3, 6, 15, 28, 42, 119};
  }
  return s;
}

struct Packet {
  std::vector<uint8_t> bytes;
  size_t requested_at = 0;  // offset of option 50's data (REQUEST), else 0
};

Packet Build(const Shape& s, MessageType type) {
  Packet p;
  std::vector<uint8_t>& b = p.bytes;
  b.resize(240, 0);
  b[0] = 1; b[1] = 1; b[2] = 6; b[3] = 1;  // one relay hop
  b[4] = 0x12; b[5] = 0x34;
  b[24] = uint8_t(s.giaddr >> 24); b[25] = uint8_t(s.giaddr >> 16);
  b[26] = uint8_t(s.giaddr >> 8); b[27] = uint8_t(s.giaddr);
  b[28] = 0x02;
  const uint8_t cookie[4] = {0x63, 0x82, 0x53, 0x63};
  std::memcpy(&b[236], cookie, 4);
  auto opt = [&](uint8_t code, const void* data, size_t n) {
    b.push_back(code);
    b.push_back(uint8_t(n));
    const auto* d = static_cast<const uint8_t*>(data);
    b.insert(b.end(), d, d + n);
  };
  const uint8_t t = uint8_t(type);
  opt(53, &t, 1);
  const uint8_t mms[2] = {0x05, 0xdc};
  opt(57, mms, 2);
  opt(55, s.prl.data(), s.prl.size());
  if (!s.hostname.empty()) opt(12, s.hostname.data(), s.hostname.size());
  if (!s.vendor.empty()) opt(60, s.vendor.data(), s.vendor.size());
  if (type == MessageType::kRequest) {
    const uint8_t sid[4] = {10, 0, 0, 1};
    opt(54, sid, 4);
    const uint8_t zero[4] = {};
    opt(50, zero, 4);
    p.requested_at = b.size() - 4;
  }
  std::vector<uint8_t> rai;
  auto sub = [&](uint8_t code, const std::string& v) {
    rai.push_back(code);
    rai.push_back(uint8_t(v.size()));
    rai.insert(rai.end(), v.begin(), v.end());
  };
  sub(1, s.circuit_id);
  sub(2, s.remote_id);
  opt(82, rai.data(), rai.size());
  b.push_back(255);
  if (b.size() < 300) b.resize(300, 0);
  return p;
}

void SetClient(std::vector<uint8_t>& p, uint32_t c) {
  p[30] = uint8_t(c >> 24); p[31] = uint8_t(c >> 16); p[32] = uint8_t(c >> 8); p[33] = uint8_t(c);
}
void SetRequested(Packet& p, uint32_t a) {
  uint8_t* d = &p.bytes[p.requested_at];
  d[0] = uint8_t(a >> 24); d[1] = uint8_t(a >> 16); d[2] = uint8_t(a >> 8); d[3] = uint8_t(a);
}
std::string MacOf(uint32_t c) {
  char m[18];
  std::snprintf(m, sizeof m, "02:00:%02x:%02x:%02x:%02x", c >> 24, (c >> 16) & 255,
                (c >> 8) & 255, c & 255);
  return m;
}

// ------------------------------------------------------------ the configs

config::Config PlainConfig() {  // dhcp4_server_benchmark's
  config::Config c;
  config::Subnet4 s;
  s.id = 1;
  s.prefix = 0x0a000000;
  s.prefix_len = 8;
  s.mask = 0xff000000;
  s.pools.push_back({0x0a000100, 0x0affffff, {}});
  s.valid_lifetime = s.min_valid_lifetime = s.max_valid_lifetime = 3600;
  s.renew_timer = 900;
  s.rebind_timer = 1800;
  s.options.push_back({3, {10, 0, 0, 1}, false});
  s.options.push_back({6, {10, 0, 0, 53, 10, 0, 0, 54}, false});
  s.options.push_back({15, {'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'n', 'e', 't'}, false});
  c.dhcp4.subnets.push_back(s);
  c.dhcp4.lease_database.durability = config::Durability::kNone;
  return c;
}

std::string Opt(const char* name, const std::string& data) {
  return absl::StrCat(R"({"name": ")", name, R"(", "data": ")", data, R"("})");
}

// The 50 client classes, in definition order.
std::vector<std::string> Classes() {
  std::vector<std::string> c;
  auto cls = [&](const std::string& name, const std::string& test, const std::string& extra = "") {
    std::string s = absl::StrCat(R"({"name": ")", name, R"(")");
    if (!test.empty()) absl::StrAppend(&s, R"(, "test": ")", test, R"(")");
    if (!extra.empty()) absl::StrAppend(&s, ", ", extra);
    c.push_back(s + "}");
  };
  auto data = [](std::initializer_list<std::string> opts) {
    std::string s = R"("option-data": [)";
    bool first = true;
    for (const std::string& o : opts) {
      if (!first) s += ", ";
      s += o;
      first = false;
    }
    return s + "]";
  };
  cls("DROP", "option[60].text == 'blocked-cpe' or substring(pkt4.mac,0,3) == 0xdeadbe");
  cls("docsis", "substring(option[60].text,0,6) == 'docsis'",
      data({Opt("tftp-server-name", "tftp.cm.isp.example"), Opt("boot-file-name", "cm.cfg")}) +
          R"(, "next-server": "10.255.0.10", "valid-lifetime": 604800)");
  cls("pktc", "substring(option[60].text,0,4) == 'pktc'",
      data({Opt("domain-name-servers", "10.255.0.20, 10.255.0.21")}));
  cls("VENDOR_CLASS_MSFT 5.0", "", data({Opt("domain-name", "win.isp.example")}));
  cls("VENDOR_CLASS_udhcp 1.36.1", "", data({Opt("ntp-servers", "10.255.0.30")}));
  cls("VENDOR_CLASS_android-dhcp-13", "");
  cls("VENDOR_CLASS_MSFT 98", "");
  cls("VENDOR_CLASS_dhcpcd-9.4.1:Linux-6.1.0:x86_64", "", data({Opt("log-servers", "10.255.0.31")}));
  for (int i = 0; i < kOlts; ++i) {
    char olt[8];
    std::snprintf(olt, sizeof olt, "olt-%02d", i);
    cls(olt, absl::StrCat("relay4[2].hex == '", olt, "'"),
        i % 2 == 0 ? data({Opt("ntp-servers", Ip(0x0afe0000u + uint32_t(i)))}) : "");
  }
  cls("relayed", "relay4[1].exists and relay4[2].exists");
  cls("uplink-ge", "substring(relay4[1].hex,0,3) == 'ge-'");
  static const char* const kOuis[6] = {"0x0050f1", "0x001dce", "0x00155d", "0xa4c361",
                                       "0xb827eb", "0xdca632"};
  for (int i = 0; i < 6; ++i) {
    cls(absl::StrCat("oui-", i), absl::StrCat("substring(pkt4.mac,0,3) == ", kOuis[i]));
  }
  cls("iphone", "substring(option[12].text,0,6) == 'iPhone'");
  cls("voip-cm", "member('docsis') and relay4[2].exists");
  cls("residential", "not member('docsis') and not member('pktc') and option[82].exists",
      data({Opt("domain-name", "home.isp.example")}));
  cls("known-cm", "member('KNOWN') and member('docsis')",
      data({Opt("boot-file-name", "cm-provisioned.cfg")}));
  cls("unknown-cpe", "unknown and option[60].exists");
  cls("prl-subnet-mask", "substring(option[55].hex,0,1) == 0x01");
  cls("business", "", data({Opt("domain-name-servers", "10.255.1.53")}));
  cls("guest-portal", "not member('KNOWN')",
      R"("only-if-required": true, )" + data({Opt("domain-name", "portal.isp.example")}));
  cls("walled-garden", "member('UNKNOWN') and not member('docsis')",
      R"("only-if-required": true, )" + data({Opt("domain-name-servers", "10.255.2.53")}));
  cls("cm-config", "member('docsis')",
      R"("only-if-required": true, )" + data({Opt("log-servers", "10.255.0.40")}));
  cls("cpe-lifetime", "option[60].exists", R"("only-if-required": true)");
  cls("relay-16", "pkt4.giaddr == 10.0.16.1");
  cls("user-class", "option[77].exists");
  cls("ipcam", "substring(option[12].text,0,3) == 'ipc'",
      data({Opt("domain-name", "cam.isp.example")}));
  return c;
}

std::string PolicyJson() {
  std::vector<std::string> classes = Classes();
  if (classes.size() != 50) std::abort();

  // Reservations: 200 by hw-address (an address outside the pools), 100 by circuit-id
  // (class "business", no address), each in the subnet its client's relay selects.
  std::vector<std::vector<std::string>> reservations(kSubnets);
  for (uint32_t k = 0; k < 200; ++k) {
    const uint32_t client = k * 4099 + 17;
    const int s = SubnetOfGiaddr(int(client % kShapes) % kGiaddrs);
    const uint32_t ip = Prefix(s) + 0xfc0 + uint32_t(reservations[size_t(s)].size());
    reservations[size_t(s)].push_back(absl::StrCat(
        R"({"hw-address": ")", MacOf(client), R"(", "ip-address": ")", Ip(ip),
        R"(", "hostname": "host-)", k, R"(", "option-data": [)",
        Opt("domain-name", "static.isp.example"), "]}"));
  }
  for (int k = 0; k < 100; ++k) {
    const Shape sh = ShapeOf(k * 27 + 5);
    const int s = SubnetOfGiaddr((k * 27 + 5) % kGiaddrs);
    reservations[size_t(s)].push_back(absl::StrCat(R"({"circuit-id": "')", sh.circuit_id,
                                                   R"('", "client-classes": ["business"]})"));
  }

  auto subnet = [&](int s, bool list_relay) {
    const uint32_t p = Prefix(s);
    std::string j = absl::StrCat(R"({"id": )", s + 1, R"(, "subnet": ")", Ip(p), R"(/20")");
    if (list_relay) absl::StrAppend(&j, R"(, "relay": {"ip-addresses": [")", Ip(p + 1), R"("]})");
    absl::StrAppend(&j, R"(, "option-data": [)", Opt("routers", Ip(p + 1)));
    if (s % 3 == 0) absl::StrAppend(&j, ", ", Opt("domain-name", absl::StrCat("s", s, ".isp.example")));
    absl::StrAppend(&j, "]");
    if (s % 4 == 0) absl::StrAppend(&j, R"(, "require-client-classes": ["walled-garden"])");
    // Pools: cable modems, everyone (some requiring classes), VoIP adapters.
    absl::StrAppend(&j, R"(, "pools": [{"pool": ")", Ip(p + 0x010), " - ", Ip(p + 0x1ff),
                    R"(", "client-class": "docsis", "require-client-classes": ["cm-config"],)",
                    R"( "option-data": [)", Opt("log-servers", "10.255.0.41"), "]}");
    absl::StrAppend(&j, R"(, {"pool": ")", Ip(p + 0x200), " - ", Ip(p + 0xdff), R"(")");
    if (s % 2 == 0) {
      absl::StrAppend(&j, R"(, "require-client-classes": ["guest-portal", "cpe-lifetime"])");
    }
    absl::StrAppend(&j, "}");
    absl::StrAppend(&j, R"(, {"pool": ")", Ip(p + 0xe00), " - ", Ip(p + 0xfbf),
                    R"(", "client-class": "pktc"}])");
    if (!reservations[size_t(s)].empty()) {
      absl::StrAppend(&j, R"(, "reservations": [)");
      for (size_t i = 0; i < reservations[size_t(s)].size(); ++i) {
        absl::StrAppend(&j, i ? ", " : "", reservations[size_t(s)][i]);
      }
      absl::StrAppend(&j, "]");
    }
    return j + "}";
  };

  std::string j = R"({"Dhcp4": {
    "host-reservation-identifiers": ["hw-address", "circuit-id"],
    "valid-lifetime": 3600, "renew-timer": 900, "rebind-timer": 1800,
    "option-data": [)";
  absl::StrAppend(&j, Opt("domain-name-servers", "10.0.0.53, 10.0.0.54"), ", ",
                  Opt("domain-name", "isp.example"), ", ", Opt("ntp-servers", "10.0.0.123"), ", ",
                  Opt("time-offset", "3600"), "],\n");
  absl::StrAppend(&j, R"("client-classes": [)");
  for (size_t i = 0; i < classes.size(); ++i) absl::StrAppend(&j, i ? ",\n" : "", classes[i]);
  absl::StrAppend(&j, "],\n");
  absl::StrAppend(&j, R"("shared-networks": [)");
  for (int n = 0; n < kNetworks; ++n) {
    const int first = n * kNetworkSize;
    absl::StrAppend(&j, n ? ",\n" : "", R"({"name": "net-)", n, R"(", "relay": {"ip-addresses": [")",
                    Ip(Prefix(first) + 1), R"("]}, "option-data": [)",
                    Opt("domain-name-servers", "10.0.1.53"), R"(], "subnet4": [)");
    for (int k = 0; k < kNetworkSize; ++k) absl::StrAppend(&j, k ? ", " : "", subnet(first + k, false));
    absl::StrAppend(&j, "]}");
  }
  absl::StrAppend(&j, "],\n");
  absl::StrAppend(&j, R"("subnet4": [)");
  for (int s = kNetworks * kNetworkSize; s < kSubnets; ++s) {
    const bool listed = s < kNetworks * kNetworkSize + kRelayListed;
    absl::StrAppend(&j, s > kNetworks * kNetworkSize ? ",\n" : "", subnet(s, listed));
  }
  absl::StrAppend(&j, "]}}");
  return j;
}

// ------------------------------------------------------------ the fixture

enum class Kind { kPlain, kPolicy };

struct Bench {
  explicit Bench(Kind kind) : pools(1), shard(0, kClients, 1 << 16) {
    if (kind == Kind::kPlain) {
      cfg = *CompileServerConfig(PlainConfig(), pools);
    } else {
      absl::StatusOr<config::Config> c = config::ParseConfig(PolicyJson(), "policy-bench.json");
      if (!c.ok()) {
        std::fprintf(stderr, "policy config: %s\n", std::string(c.status().message()).c_str());
        std::abort();
      }
      auto compiled = CompileServerConfig(*c, pools);
      if (!compiled.ok()) {
        std::fprintf(stderr, "policy compile: %s\n",
                     std::string(compiled.status().message()).c_str());
        std::abort();
      }
      cfg = *compiled;
    }
    for (int t = 0; t < kShapes; ++t) {
      const Shape s = ShapeOf(t);
      discover.push_back(Build(s, MessageType::kDiscover));
      request.push_back(Build(s, MessageType::kRequest));
    }
  }
  void Drain() {  // stands in for the persister on the other core
    while (shard.DrainChanges(sink.data(), sink.size()) > 0) {
    }
  }
  HandleResult Handle(std::vector<uint8_t>& bytes) {
    if (Parse(bytes, msg) != ParseError::kNone) std::abort();
    ctx.length = uint32_t(bytes.size());
    return HandleDhcp4(*cfg, shard, msg, ctx, reply);
  }
  leasedb::PoolRegistry pools;
  std::shared_ptr<const ServerConfig> cfg;
  leasedb::LeaseShard shard;
  std::vector<Packet> discover, request;
  std::array<leasedb::ChangeRecord, 256> sink;
  std::array<uint8_t, 1500> reply{};
  Dhcp4Message msg;
  RequestContext ctx{kServer, Prefix(0) + 1, kServer, kNow};
};

// DISCOVER → OFFER, one client after another (each with its shape's relay and options).
void BM_DiscoverToOffer(benchmark::State& state, Kind kind) {
  Bench b(kind);
  uint32_t i = 0;
  uint64_t offers = 0;
  for (auto _ : state) {
    const uint32_t c = i++ & (kClients - 1);
    Packet& p = b.discover[c % kShapes];
    SetClient(p.bytes, c);
    HandleResult r = b.Handle(p.bytes);
    offers += r.reply_type == MessageType::kOffer;
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["offer_ratio"] = double(offers) / double(state.iterations());
}
BENCHMARK_CAPTURE(BM_DiscoverToOffer, plain, Kind::kPlain);
BENCHMARK_CAPTURE(BM_DiscoverToOffer, policy, Kind::kPolicy);

// SELECTING REQUEST → ACK for clients holding an offer; offers are made outside the
// timing, 64 Ki clients at a time.
void BM_RequestToAck(benchmark::State& state, Kind kind) {
  Bench b(kind);
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
        const uint32_t c = (base + j) & (kClients - 1);
        Packet& d = b.discover[c % kShapes];
        SetClient(d.bytes, c);
        b.Handle(d.bytes);
        offered[j] = b.reply[16] << 24 | b.reply[17] << 16 | b.reply[18] << 8 | b.reply[19];
      }
      k = 0;
      state.ResumeTiming();
    }
    const uint32_t c = (base + k) & (kClients - 1);
    Packet& p = b.request[c % kShapes];
    SetClient(p.bytes, c);
    SetRequested(p, offered[k]);
    HandleResult r = b.Handle(p.bytes);
    acks += r.reply_type == MessageType::kAck;
    if ((++k & 127) == 0) b.Drain();
    if (k == kBatch) base += kBatch;
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["ack_ratio"] = double(acks) / double(state.iterations());
}
BENCHMARK_CAPTURE(BM_RequestToAck, plain, Kind::kPlain);
BENCHMARK_CAPTURE(BM_RequestToAck, policy, Kind::kPolicy);

// Classification alone: every class test of the policy config (the 50 user classes'
// and VENDOR_CLASS_ ones, early, late and only-if-required) on one parsed packet,
// cycling through the request shapes.
void BM_Classify50(benchmark::State& state) {
  Bench b(Kind::kPolicy);
  std::vector<Dhcp4Message> msgs(kShapes);
  for (int t = 0; t < kShapes; ++t) {
    if (Parse(b.discover[size_t(t)].bytes, msgs[size_t(t)]) != ParseError::kNone) std::abort();
  }
  std::vector<std::pair<uint16_t, const classify::Expression*>> tests;
  for (size_t k = 0; k < b.cfg->classes().size(); ++k) {
    const CompiledClass& c = b.cfg->classes()[k];
    if (c.test) tests.emplace_back(uint16_t(k), &*c.test);
  }
  classify::EvalScratch scratch;
  uint32_t i = 0;
  uint64_t matched = 0;
  for (auto _ : state) {
    classify::ClassSet set;
    set.Add(classify::kClassAll);
    set.Add(classify::kClassUnknown);
    classify::PacketFacts facts;
    facts.msg = &msgs[i++ % kShapes];
    facts.classes = &set;
    for (const auto& [index, e] : tests) {
      if (e->EvalBool(facts, scratch)) {
        set.Add(index);
        ++matched;
      }
    }
    benchmark::DoNotOptimize(matched);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["tests"] = double(tests.size());
  state.counters["matched_per_pkt"] = double(matched) / double(state.iterations());
}
BENCHMARK(BM_Classify50);

}  // namespace
}  // namespace fastlease::dhcp4

// `policy_benchmark --print-policy-config` prints the policy config's Dhcp4 JSON
// (for perf/policy_in_process.sh, which runs it through the whole dataplane).
int main(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--print-policy-config") {
    std::fputs(fastlease::dhcp4::PolicyJson().c_str(), stdout);
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
