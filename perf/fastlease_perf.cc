// fastlease-perf: a stateful DHCPv4 load generator on a DPDK port, for any
// DHCP server reachable on that port's link (fastlease, Kea, ...).
//
//   fastlease-perf --no-huge --no-pci --no-shconf -m 512 -l 0
//       --vdev net_af_packet0,iface=veth0 --
//       --server 192.0.2.1 --relay 192.0.2.2 --clients 50000 --rate 0 --duration 10
//
// EAL arguments come first, then `--`, then the generator's options (--help).
// One lcore runs everything: RX burst → replies to the generator (and ARP
// answered) → Produce → TX burst. A periodic line goes to stderr; the summary
// to stdout (or --out) as a table, CSV or JSON. Exit status: 0 when the run
// finished with no dropped exchange, 3 when some were dropped (as perfdhcp),
// 1 on errors, 2 on usage errors.
#include <signal.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <rte_eth_ring.h>
#include <rte_ring.h>

#include <atomic>
#include <filesystem>

#include "dataplane/dataplane_process.h"
#include "dataplane/mbuf_pool.h"
#include "nlohmann/json.hpp"

#include "perf/loadgen/frames.h"
#include "perf/loadgen/generator.h"
#include "perf/loadgen/report.h"

namespace fastlease::perf {
namespace {

volatile sig_atomic_t g_interrupted = 0;

constexpr char kUsage[] = R"(usage: fastlease-perf [EAL options] -- [options]

Emulates DHCPv4 clients on DPDK port 0 against the server at --server.

  --server IP            the server's address (required)
  --relay GIADDR         act as a relay agent with this address (giaddr, option 82,
                         from port 67); default: clients on the server's link
  --vlan ID              tag frames with this 802.1Q VLAN id
  --server-mac MAC       the server's MAC (default: ARP for it when relaying, else
                         learned from its first reply)
  --scenario NAME        dora | renew | release | init-reboot | mixed | storm (default dora)
  --clients N            distinct clients (default 10000)
  --rate R               new exchanges per second; 0 = flat out (default 0)
  --window W             exchanges in flight at most (default 4096)
  --duration S           stop starting exchanges after S seconds (default 10; 0 = no limit)
  --exchanges N          stop after starting N exchanges
  --passes P             stop after about P exchanges per client
  --timeout-ms T         retransmit after T ms without a reply (default 1000)
  --retries K            retransmissions before an exchange counts as dropped (default 2)
  --renews K             mixed: renews per cycle (default 1)
  --storm-new M          storm: new clients joining at the outage (default 0)
  --mac-prefix HH        first byte of client MACs (default 02)
  --report-interval S    seconds between progress lines on stderr (default 1; 0 = none)
  --idle-sleep-us U      when a loop turn neither receives nor sends, sleep 1, 2, 4 ... up
                         to U microseconds (0 = poll without sleeping, the default); gives
                         the core back to threads sharing it (a server's persister)
  --format F             table | csv | json (default table)
  --label TEXT           label of the summary (default: scenario and rate)
  --out FILE             write the summary to FILE instead of stdout

In-process (the server's own ceiling, no kernel in the way):
  --in-process CONFIG    run fastlease's dataplane in this process on CONFIG, its
                         ports replaced by one ring port joined to the generator's;
                         EAL comes from CONFIG's Dataplane/eal-args, which must give
                         one worker lcore more than Dataplane/workers: the generator's
                         (e.g. "--lcores", "0@0,1@1,2@0"). No EAL options before "--".
  --state-dir DIR        the dataplane's state directory (lease store) in-process

Reflector (the transport's ceiling: what the link and a generator carry with no
server work at all; not a DHCP server):
  --reflect CIDR         answer on the port instead of generating: DISCOVER -> OFFER,
                         REQUEST -> ACK, statelessly, each client's address derived
                         from its chaddr within CIDR (e.g. 198.18.0.0/15); --server is
                         the reflector's own address (option 54, ARP answered). Runs
                         for --duration seconds (0: until SIGINT/SIGTERM), reports
                         replies per second; --idle-sleep-us, --format, --out and
                         --report-interval apply.
)";

struct Args {
  GeneratorOptions gen;
  double duration_s = 10;
  double report_interval_s = 1;
  double idle_sleep_us = 0;
  ReportFormat format = ReportFormat::kTable;
  std::string label;
  std::string out;
  bool server_mac_given = false;
  std::string in_process_config;  // --in-process: run the dataplane here on this config
  std::string state_dir;
  bool reflect = false;      // --reflect: answer instead of generating
  ReflectorSpec reflector;   // its pool (mac and server_ip filled in at start)
};

// Parses the options after `--`; prints the problem and returns false on error.
bool ParseArgs(int argc, char** argv, Args* a) {
  a->gen.clients = 10000;
  bool have_server = false;
  for (int i = 0; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "fastlease-perf: %s needs a value (or is unknown)\n%s", flag.c_str(), kUsage);
      return false;
    }
    const std::string v = argv[++i];
    auto number = [&](double lo, double hi, double* out) {
      char* end = nullptr;
      const double d = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end != '\0' || d < lo || d > hi) {
        std::fprintf(stderr, "fastlease-perf: %s: '%s' is not a number in %g..%g\n", flag.c_str(),
                     v.c_str(), lo, hi);
        return false;
      }
      *out = d;
      return true;
    };
    double d = 0;
    if (flag == "--server") {
      if (!ParseIpv4(v, &a->gen.path.server_ip)) {
        std::fprintf(stderr, "fastlease-perf: --server: '%s' is not an IPv4 address\n", v.c_str());
        return false;
      }
      have_server = true;
    } else if (flag == "--relay") {
      if (!ParseIpv4(v, &a->gen.path.giaddr)) {
        std::fprintf(stderr, "fastlease-perf: --relay: '%s' is not an IPv4 address\n", v.c_str());
        return false;
      }
      a->gen.path.relayed = true;
    } else if (flag == "--server-mac") {
      if (!ParseMac(v, &a->gen.path.server_mac)) {
        std::fprintf(stderr, "fastlease-perf: --server-mac: '%s' is not a MAC address\n", v.c_str());
        return false;
      }
      a->server_mac_given = true;
    } else if (flag == "--scenario") {
      if (!ParseScenario(v, &a->gen.scenario)) {
        std::fprintf(stderr, "fastlease-perf: --scenario: unknown scenario '%s'\n", v.c_str());
        return false;
      }
    } else if (flag == "--format") {
      if (!ParseReportFormat(v, &a->format)) {
        std::fprintf(stderr, "fastlease-perf: --format: '%s' is not table, csv or json\n", v.c_str());
        return false;
      }
    } else if (flag == "--in-process") {
      a->in_process_config = v;
    } else if (flag == "--reflect") {
      const size_t slash = v.find('/');
      uint32_t base = 0;
      char* end = nullptr;
      const long bits = slash == std::string::npos ? -1 : std::strtol(v.c_str() + slash + 1, &end, 10);
      if (slash == std::string::npos || !ParseIpv4(v.substr(0, slash), &base) || *end != '\0' ||
          bits < 8 || bits > 30) {
        std::fprintf(stderr, "fastlease-perf: --reflect: '%s' is not an IPv4 prefix /8 to /30\n",
                     v.c_str());
        return false;
      }
      const uint32_t mask = ~uint32_t{0} << (32 - bits);
      a->reflect = true;
      a->reflector.subnet_mask = mask;
      a->reflector.pool_base = (base & mask) + 1;         // neither the network ...
      a->reflector.pool_size = (~mask) - 1;               // ... nor the broadcast address
    } else if (flag == "--state-dir") {
      a->state_dir = v;
    } else if (flag == "--label") {
      a->label = v;
    } else if (flag == "--out") {
      a->out = v;
    } else if (flag == "--vlan") {
      if (!number(1, 4094, &d)) return false;
      a->gen.path.vlan = static_cast<uint16_t>(d);
    } else if (flag == "--clients") {
      if (!number(1, 100'000'000, &d)) return false;
      a->gen.clients = static_cast<uint32_t>(d);
    } else if (flag == "--rate") {
      if (!number(0, 1e9, &d)) return false;
      a->gen.rate = d;
    } else if (flag == "--window") {
      if (!number(1, 1 << 24, &d)) return false;
      a->gen.window = static_cast<uint32_t>(d);
    } else if (flag == "--duration") {
      if (!number(0, 1e7, &a->duration_s)) return false;
    } else if (flag == "--exchanges") {
      if (!number(1, 1e15, &d)) return false;
      a->gen.max_exchanges = static_cast<uint64_t>(d);
    } else if (flag == "--passes") {
      if (!number(1, 1e6, &d)) return false;
      a->gen.passes = static_cast<uint64_t>(d);
    } else if (flag == "--timeout-ms") {
      if (!number(1, 600'000, &d)) return false;
      a->gen.timeout_us = static_cast<uint32_t>(d * 1000);
    } else if (flag == "--retries") {
      if (!number(0, 255, &d)) return false;
      a->gen.retries = static_cast<uint8_t>(d);
    } else if (flag == "--renews") {
      if (!number(0, 255, &d)) return false;
      a->gen.renews_per_cycle = static_cast<uint32_t>(d);
    } else if (flag == "--storm-new") {
      if (!number(0, 100'000'000, &d)) return false;
      a->gen.storm_new_clients = static_cast<uint32_t>(d);
    } else if (flag == "--mac-prefix") {
      unsigned p = 0;
      if (std::sscanf(v.c_str(), "%x", &p) != 1 || p > 255 || (p & 1)) {
        std::fprintf(stderr, "fastlease-perf: --mac-prefix: '%s' is not a unicast byte in hex\n", v.c_str());
        return false;
      }
      a->gen.mac_prefix = static_cast<uint8_t>(p);
    } else if (flag == "--report-interval") {
      if (!number(0, 3600, &a->report_interval_s)) return false;
    } else if (flag == "--idle-sleep-us") {
      if (!number(0, 100000, &a->idle_sleep_us)) return false;
    } else {
      std::fprintf(stderr, "fastlease-perf: unknown option %s\n%s", flag.c_str(), kUsage);
      return false;
    }
  }
  if (!a->in_process_config.empty() && a->state_dir.empty()) {
    std::fprintf(stderr, "fastlease-perf: --in-process needs --state-dir\n");
    return false;
  }
  if (a->reflect && !a->in_process_config.empty()) {
    std::fprintf(stderr, "fastlease-perf: --reflect and --in-process exclude each other\n");
    return false;
  }
  if (!have_server) {
    std::fprintf(stderr, "fastlease-perf: --server is required\n%s", kUsage);
    return false;
  }
  if (a->label.empty()) {
    a->label = fmt::format("{} {} clients @ {}", ScenarioName(a->gen.scenario), a->gen.clients,
                           a->gen.rate > 0 ? fmt::format("{:.0f}/s", a->gen.rate) : "flat out");
  }
  return true;
}

class Port {
 public:
  bool Open(uint16_t port_id, std::string* error) {
    port_ = port_id;
    pool_ = dataplane::CreateMbufPool(fmt::format("perf_pool{}", port_id).c_str(), 16383, 256, 0,
                                      static_cast<int>(rte_socket_id()));
    if (pool_ == nullptr) return Fail(error, "cannot create the mbuf pool");
    rte_eth_conf conf{};
    if (rte_eth_dev_configure(port_, 1, 1, &conf) != 0) return Fail(error, "rte_eth_dev_configure");
    uint16_t rxd = 1024, txd = 1024;
    rte_eth_dev_adjust_nb_rx_tx_desc(port_, &rxd, &txd);
    const int socket = rte_eth_dev_socket_id(port_);
    if (rte_eth_rx_queue_setup(port_, 0, rxd, socket, nullptr, pool_) != 0) return Fail(error, "rx queue");
    if (rte_eth_tx_queue_setup(port_, 0, txd, socket, nullptr) != 0) return Fail(error, "tx queue");
    if (rte_eth_dev_start(port_) != 0) return Fail(error, "rte_eth_dev_start");
    rte_eth_promiscuous_enable(port_);  // replies go to the emulated clients' MACs
    rte_ether_addr mac;
    rte_eth_macaddr_get(port_, &mac);
    std::memcpy(mac_.data(), mac.addr_bytes, 6);
    return true;
  }
  void Close() {
    rte_eth_dev_stop(port_);
    rte_eth_dev_close(port_);
  }
  uint16_t id() const { return port_; }
  rte_mempool* pool() const { return pool_; }
  const MacAddress& mac() const { return mac_; }

 private:
  static bool Fail(std::string* error, const char* what) {
    *error = fmt::format("{}: {}", what, rte_strerror(rte_errno));
    return false;
  }
  uint16_t port_ = 0;
  rte_mempool* pool_ = nullptr;
  MacAddress mac_{};
};

// On loop turns with nothing received or sent, sleeps 1, 2, 4 ... up to `cap_us`
// microseconds (0: never sleeps, the loop polls); a turn with work resets it.
class IdleBackoff {
 public:
  explicit IdleBackoff(uint32_t cap_us) : cap_us_(cap_us) {}
  void Turn(bool worked) {
    if (cap_us_ == 0) return;
    if (worked) {
      next_us_ = 0;
      return;
    }
    next_us_ = next_us_ == 0 ? 1 : std::min(next_us_ * 2, cap_us_);
    rte_delay_us_sleep(next_us_);
  }

 private:
  uint32_t cap_us_;
  uint32_t next_us_ = 0;
};

std::string MacText(const MacAddress& m) {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4], m[5]);
}

// Runs the generator on DPDK port `port_id` until it finishes; prints the
// summary; returns the exit status. Any lcore.
int RunOnPort(uint16_t port_id, const Args& args) {
  Port port;
  std::string error;
  if (!port.Open(port_id, &error)) {
    std::fprintf(stderr, "fastlease-perf: port %u: %s\n", port_id, error.c_str());
    return 1;
  }
  GeneratorOptions options = args.gen;
  options.path.src_mac = port.mac();
  Generator gen(options);

  const uint64_t hz = rte_get_tsc_hz();
  auto now_us = [hz] { return rte_get_tsc_cycles() / (hz / 1'000'000); };
  bool server_mac_known = args.server_mac_given;
  // Address we ARP from: the relay's, else none (0.0.0.0, an ARP probe).
  const uint32_t our_ip = options.path.relayed ? options.path.giaddr : 0;

  constexpr uint16_t kBurst = 32;
  rte_mbuf* tx[kBurst];
  rte_mbuf* rx[64];
  FrameSlot slots[kBurst];
  uint64_t tx_dropped = 0, arp_answered = 0, other_frames = 0;
  uint64_t tx_full = 0;  // turns on which the TX ring took fewer frames than offered
  rte_mbuf* backlog[kBurst];
  size_t backlog_at = 0, backlog_n = 0;

  auto send_one = [&](auto&& build) {
    rte_mbuf* m = rte_pktmbuf_alloc(port.pool());
    if (m == nullptr) return;
    const size_t len = build(rte_pktmbuf_mtod(m, uint8_t*));
    m->data_len = m->pkt_len = static_cast<uint32_t>(len);
    if (rte_eth_tx_burst(port.id(), 0, &m, 1) != 1) {
      rte_pktmbuf_free(m);
      ++tx_dropped;
    }
  };

  // Relaying needs the server's MAC before the first frame: ask ARP.
  if (options.path.relayed && !server_mac_known) {
    const uint64_t give_up = now_us() + 5'000'000;
    uint64_t next_ask = 0;
    while (!server_mac_known && now_us() < give_up && !g_interrupted) {
      if (now_us() >= next_ask) {
        send_one([&](uint8_t* p) { return BuildArpRequest(port.mac(), our_ip, options.path.server_ip, p,
                                                          options.path.vlan); });
        next_ask = now_us() + 500'000;
      }
      const uint16_t n = rte_eth_rx_burst(port.id(), 0, rx, 64);
      for (uint16_t i = 0; i < n; ++i) {
        const uint8_t* f = rte_pktmbuf_mtod(rx[i], const uint8_t*);
        if (auto r = ParseArpReply(f, rx[i]->data_len); r && r->sender_ip == options.path.server_ip) {
          gen.set_server_mac(r->sender_mac);
          server_mac_known = true;
        }
        rte_pktmbuf_free(rx[i]);
      }
    }
    if (!server_mac_known) {
      std::fprintf(stderr, "fastlease-perf: no ARP answer from %s within 5 s\n",
                   fmt::format("{}.{}.{}.{}", options.path.server_ip >> 24, (options.path.server_ip >> 16) & 255,
                               (options.path.server_ip >> 8) & 255, options.path.server_ip & 255).c_str());
      port.Close();
      return 1;
    }
    std::fprintf(stderr, "fastlease-perf: server at %s\n", MacText(gen.options().path.server_mac).c_str());
  }

  const uint64_t start = now_us();
  const uint64_t stop_starting_at =
      args.duration_s > 0 ? start + static_cast<uint64_t>(args.duration_s * 1e6) : UINT64_MAX;
  // After starting stops, in-flight exchanges get every retry's time to finish.
  const uint64_t drain_us = uint64_t{options.timeout_us} * (options.retries + 1u) + 100'000;
  uint64_t drain_until = UINT64_MAX;
  const uint64_t interval_us = static_cast<uint64_t>(args.report_interval_s * 1e6);
  uint64_t next_report = interval_us ? start + interval_us : UINT64_MAX;
  uint64_t last_report = start;
  Totals previous = gen.totals();
  IdleBackoff idle(static_cast<uint32_t>(args.idle_sleep_us));

  while (true) {
    const uint64_t now = now_us();
    if ((now >= stop_starting_at || g_interrupted) && drain_until == UINT64_MAX) {
      gen.StopStarting();
      drain_until = now + drain_us;
    }
    if (gen.Finished() || now >= drain_until || g_interrupted > 1) break;

    const uint16_t nb_rx = rte_eth_rx_burst(port.id(), 0, rx, 64);
    for (uint16_t i = 0; i < nb_rx; ++i) {
      const uint8_t* f = rte_pktmbuf_mtod(rx[i], const uint8_t*);
      const size_t len = rx[i]->data_len;
      if (!server_mac_known && ParseReply(f, len)) {
        MacAddress mac;
        std::memcpy(mac.data(), f + 6, 6);
        gen.set_server_mac(mac);
        server_mac_known = true;
      }
      if (!gen.OnFrame(f, len, now)) {
        // ARP for the relay's address or a client's (the server answering a
        // renew through its kernel): ours, so that the reply reaches us.
        if (auto q = ParseArpRequest(f, len); q && q->target_ip != options.path.server_ip &&
                                               q->target_ip != 0) {
          const ArpQuery query = *q;
          send_one([&](uint8_t* p) { return BuildArpReply(query, port.mac(), query.target_ip, p, options.path.vlan); });
          ++arp_answered;
        } else {
          ++other_frames;
        }
      }
      rte_pktmbuf_free(rx[i]);
    }

    // Frames the port's TX ring refused wait in `backlog` and go first on the next
    // turns; nothing new is produced until they are out, so a full ring slows the
    // generator down instead of losing frames it has already counted as sent.
    size_t produced = 0;
    if (backlog_n > 0) {
      const uint16_t sent = rte_eth_tx_burst(port.id(), 0, backlog + backlog_at,
                                             static_cast<uint16_t>(backlog_n));
      backlog_at += sent;
      backlog_n -= sent;
      produced = sent;
      if (backlog_n > 0) ++tx_full;
    } else if (rte_pktmbuf_alloc_bulk(port.pool(), tx, kBurst) == 0) {
      for (uint16_t i = 0; i < kBurst; ++i) slots[i] = {rte_pktmbuf_mtod(tx[i], uint8_t*), 0};
      const size_t n = gen.Produce(now, std::span<FrameSlot>(slots, kBurst));
      produced = n;
      for (size_t i = 0; i < n; ++i) tx[i]->data_len = tx[i]->pkt_len = slots[i].len;
      const uint16_t sent = rte_eth_tx_burst(port.id(), 0, tx, static_cast<uint16_t>(n));
      rte_pktmbuf_free_bulk(tx + n, kBurst - n);
      if (sent < n) {
        ++tx_full;
        std::copy(tx + sent, tx + n, backlog);
        backlog_at = 0;
        backlog_n = n - sent;
      }
    }
    idle.Turn(nb_rx != 0 || produced != 0);

    if (now >= next_report) {
      const Totals& current = gen.totals();
      std::fprintf(stderr, "%s\n",
                   PeriodicLine(previous, current, static_cast<double>(now - last_report) / 1e6,
                                static_cast<double>(now - start) / 1e6).c_str());
      previous = current;
      last_report = now;
      next_report = now + interval_us;
    }
  }

  if (backlog_n > 0) rte_pktmbuf_free_bulk(backlog + backlog_at, backlog_n);  // never sent
  const double seconds = static_cast<double>(now_us() - start) / 1e6;
  Summary summary = Summarize(gen.totals(), seconds, args.label, options.scenario == Scenario::kStorm);
  std::string text = FormatSummary(summary, args.format);
  if (args.format == ReportFormat::kTable) {
    text += fmt::format("port: {} tx dropped, {} tx ring full, {} ARP answered, {} other frames\n",
                        tx_dropped, tx_full,
                        arp_answered, other_frames);
  }
  if (args.out.empty()) {
    std::fputs(text.c_str(), stdout);
  } else {
    std::ofstream(args.out) << text;
  }
  port.Close();
  uint64_t dropped = 0;
  for (const KindSummary& k : summary.kinds) dropped += k.dropped;
  if (options.scenario == Scenario::kStorm && summary.storm_seconds < 0) return 3;
  return dropped == 0 ? 0 : 3;
}

// --reflect: answers on DPDK port `port_id` (ReflectFrame, in place in the
// received mbufs) until --duration ends or a signal comes; prints the summary;
// returns 0, or 1 when the port cannot be opened. Answers the TX ring refuses are
// freed and counted (a reflector that queued them would hide its own limit).
int RunReflector(uint16_t port_id, const Args& args) {
  Port port;
  std::string error;
  if (!port.Open(port_id, &error)) {
    std::fprintf(stderr, "fastlease-perf: port %u: %s\n", port_id, error.c_str());
    return 1;
  }
  ReflectorSpec spec = args.reflector;
  spec.mac = port.mac();
  spec.server_ip = args.gen.path.server_ip;
  const uint64_t hz = rte_get_tsc_hz();
  auto now_us = [hz] { return rte_get_tsc_cycles() / (hz / 1'000'000); };
  const uint64_t start = now_us();
  const uint64_t stop_at =
      args.duration_s > 0 ? start + static_cast<uint64_t>(args.duration_s * 1e6) : UINT64_MAX;
  const uint64_t interval_us = static_cast<uint64_t>(args.report_interval_s * 1e6);
  uint64_t next_report = interval_us ? start + interval_us : UINT64_MAX;
  uint64_t last_report = start;
  ReflectorTotals totals, previous;
  IdleBackoff idle(static_cast<uint32_t>(args.idle_sleep_us));
  std::fprintf(stderr, "fastlease-perf: reflecting as %u.%u.%u.%u at %s\n", spec.server_ip >> 24,
               (spec.server_ip >> 16) & 255, (spec.server_ip >> 8) & 255, spec.server_ip & 255,
               MacText(spec.mac).c_str());
  constexpr uint16_t kBurst = 64;
  rte_mbuf* rx[kBurst];
  rte_mbuf* tx[kBurst];
  rte_mbuf* drop[kBurst];
  while (g_interrupted == 0) {
    const uint64_t now = now_us();
    if (now >= stop_at) break;
    const uint16_t n = rte_eth_rx_burst(port.id(), 0, rx, kBurst);
    uint16_t nt = 0, nd = 0;
    for (uint16_t i = 0; i < n; ++i) {
      rte_mbuf* m = rx[i];
      Reflected what = Reflected::kNothing;
      const size_t len = m->nb_segs == 1
          ? ReflectFrame(spec, rte_pktmbuf_mtod(m, uint8_t*), m->data_len,
                         rte_pktmbuf_tailroom(m) + m->data_len, &what)
          : 0;
      switch (what) {
        case Reflected::kOffer: ++totals.offers; break;
        case Reflected::kAck: ++totals.acks; break;
        case Reflected::kArpReply: ++totals.arp_replies; break;
        case Reflected::kNothing: ++totals.ignored; break;
      }
      if (len == 0) {
        drop[nd++] = m;
        continue;
      }
      m->data_len = m->pkt_len = static_cast<uint32_t>(len);
      m->ol_flags = 0;
      tx[nt++] = m;
    }
    totals.received += n;
    const uint16_t sent = nt ? rte_eth_tx_burst(port.id(), 0, tx, nt) : 0;
    if (sent < nt) {
      totals.tx_dropped += nt - sent;
      rte_pktmbuf_free_bulk(tx + sent, nt - sent);
    }
    if (nd) rte_pktmbuf_free_bulk(drop, nd);
    idle.Turn(n != 0);
    if (now >= next_report) {
      std::fprintf(stderr, "%s\n", ReflectorLine(previous, totals, static_cast<double>(now - last_report) / 1e6,
                                                  static_cast<double>(now - start) / 1e6).c_str());
      previous = totals;
      last_report = now;
      next_report = now + interval_us;
    }
  }
  const double seconds = static_cast<double>(now_us() - start) / 1e6;
  const std::string text = FormatReflectorSummary(totals, seconds, args.format);
  if (args.out.empty()) {
    std::fputs(text.c_str(), stdout);
  } else {
    std::ofstream(args.out) << text;
  }
  port.Close();
  return 0;
}

struct GeneratorLaunch {
  uint16_t port = 0;
  const Args* args = nullptr;
  int rc = 1;
  std::atomic<bool> done{false};
};

int GeneratorMain(void* arg) {
  auto* launch = static_cast<GeneratorLaunch*>(arg);
  launch->rc = RunOnPort(launch->port, *launch->args);
  launch->done.store(true, std::memory_order_release);
  return 0;
}

// The dataplane (DataplaneProcess) and the generator in one process, joined by
// two rings: the dataplane's port "net_ring_fldp" receives what the generator's
// "net_ring_flgen" sends, and the other way round.
int RunInProcess(const Args& args, const char* program) {
  nlohmann::json config;
  {
    std::ifstream in(args.in_process_config);
    config = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  }
  if (!config.is_object() || !config.contains("Dataplane") || !config["Dataplane"].is_object()) {
    std::fprintf(stderr, "fastlease-perf: %s: not a fastlease config with a Dataplane section\n",
                 args.in_process_config.c_str());
    return 2;
  }
  std::string address = "192.0.2.1/24";
  const nlohmann::json& ports = config["Dataplane"].value("ports", nlohmann::json::array());
  if (ports.is_array() && !ports.empty() && ports[0].contains("address")) {
    address = ports[0]["address"].get<std::string>();
  }
  config["Dataplane"]["ports"] = nlohmann::json::array({{{"device", "net_ring_fldp"}, {"address", address}}});
  std::error_code ec;
  std::filesystem::create_directories(args.state_dir, ec);
  const std::string config_path = args.state_dir + "/perf-in-process.json";
  std::ofstream(config_path) << config.dump(2);

  rte_ring* to_dataplane = nullptr;
  rte_ring* to_generator = nullptr;
  dataplane::ProcessOptions options;
  options.config_path = config_path;
  options.state_dir = args.state_dir;
  options.after_eal = [&]() -> absl::Status {
    to_dataplane = rte_ring_create("perf_to_dp", 4096, static_cast<int>(rte_socket_id()),
                                   RING_F_SP_ENQ | RING_F_SC_DEQ);
    to_generator = rte_ring_create("perf_to_gen", 4096, static_cast<int>(rte_socket_id()),
                                   RING_F_SP_ENQ | RING_F_SC_DEQ);
    if (to_dataplane == nullptr || to_generator == nullptr) {
      return absl::InternalError(fmt::format("rings: {}", rte_strerror(rte_errno)));
    }
    if (rte_eth_from_rings("fldp", &to_dataplane, 1, &to_generator, 1, 0) < 0 ||
        rte_eth_from_rings("flgen", &to_generator, 1, &to_dataplane, 1, 0) < 0) {
      return absl::InternalError(fmt::format("ring ports: {}", rte_strerror(rte_errno)));
    }
    // Distinct unicast MACs (ring ports start with none).
    rte_ether_addr dp_mac{{0x02, 0xf1, 0, 0, 0, 1}}, gen_mac{{0x02, 0xf1, 0, 0, 0, 2}};
    uint16_t id = 0;
    if (rte_eth_dev_get_port_by_name("net_ring_fldp", &id) == 0) rte_eth_dev_default_mac_addr_set(id, &dp_mac);
    if (rte_eth_dev_get_port_by_name("net_ring_flgen", &id) == 0) rte_eth_dev_default_mac_addr_set(id, &gen_mac);
    return absl::OkStatus();
  };
  dataplane::PrepareMainThread();
  dataplane::DataplaneProcess dp(options);
  if (!dp.Start(program)) {
    dp.Shutdown();
    return 1;
  }
  int rc = 1;
  uint16_t gen_port = 0;
  if (dp.spare_lcores().empty()) {
    std::fprintf(stderr, "fastlease-perf: no lcore left for the generator: give EAL one more "
                         "lcore than Dataplane/workers + 1 in %s's eal-args (e.g. \"--lcores\", "
                         "\"0@0,1@1,2@0\")\n", args.in_process_config.c_str());
  } else if (rte_eth_dev_get_port_by_name("net_ring_flgen", &gen_port) != 0) {
    std::fprintf(stderr, "fastlease-perf: the generator's ring port is missing\n");
  } else {
    GeneratorLaunch launch;
    launch.port = gen_port;
    launch.args = &args;
    const unsigned lcore = dp.spare_lcores().front();
    if (rte_eal_remote_launch(GeneratorMain, &launch, lcore) != 0) {
      std::fprintf(stderr, "fastlease-perf: cannot launch the generator on lcore %u\n", lcore);
    } else {
      dp.Serve([&] { return launch.done.load(std::memory_order_acquire); });
      g_interrupted = 1;  // a signal ended Serve early: stop starting, drain
      rte_eal_wait_lcore(lcore);
      rc = launch.rc;
    }
  }
  dp.Shutdown();
  return rc;
}

}  // namespace
}  // namespace fastlease::perf

int main(int argc, char** argv) {
  using namespace fastlease::perf;
  // Our options follow "--"; the rest is EAL's.
  int split = argc;
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (std::string_view(argv[i]) == "--") {
      split = i;
      break;
    }
  }
  Args args;
  if (!ParseArgs(argc - split - 1 > 0 ? argc - split - 1 : 0, argv + split + 1, &args)) return 2;
  if (!args.in_process_config.empty()) return RunInProcess(args, argv[0]);
  const int eal = rte_eal_init(split, argv);
  if (eal < 0) {
    std::fprintf(stderr, "fastlease-perf: EAL init failed: %s\n", rte_strerror(rte_errno));
    return 1;
  }
  signal(SIGINT, [](int) { g_interrupted = g_interrupted + 1; });
  signal(SIGTERM, [](int) { g_interrupted = g_interrupted + 1; });
  int rc = 1;
  if (rte_eth_dev_count_avail() == 0) {
    std::fprintf(stderr, "fastlease-perf: no DPDK port (give one with --vdev, e.g. "
                         "net_af_packet0,iface=veth0)\n");
  } else {
    rc = args.reflect ? RunReflector(0, args) : RunOnPort(0, args);
  }
  rte_eal_cleanup();
  return rc;
}
