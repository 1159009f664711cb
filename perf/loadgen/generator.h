// Generator: the stateful heart of fastlease-perf. It emulates N DHCPv4 clients
// (up to tens of millions, 16 bytes each), decides what each sends next, matches
// replies to clients, retransmits on timeout, gives up after the retries, and
// accounts for every exchange. It knows no sockets and no DPDK: the caller moves
// frames (a DPDK port, a test's fake server) and supplies the clock.
//
//   Generator gen(options);
//   FrameSlot slots[32];                        // buffers of kMaxRequestFrame bytes
//   while (!gen.Finished(now)) {
//     size_t n = gen.Produce(now_us, slots);    // new exchanges + retransmissions
//     ... send slots[0..n) ...
//     for (each received frame) gen.OnFrame(data, len, now_us);
//   }
//   Totals t = gen.totals();
//
// Exchanges (each counted per kind in ExchangeCounters):
//   DORA         DISCOVER → OFFER → REQUEST → ACK; latency from the first DISCOVER
//   renew        REQUEST with ciaddr → ACK (the client must hold a lease)
//   init-reboot  REQUEST with option 50, no server id → ACK (or NAK)
//   release      RELEASE; no answer, complete when sent
// A client in an exchange waits `timeout_us` for the reply, then retransmits the
// same message (same xid) up to `retries` times; then the exchange is abandoned
// ("dropped") and the client starts over without a lease. A NAK completes the
// exchange as `naks` and leaves the client without a lease.
//
// Which exchange a client does next depends on the scenario and its state:
//   kDora        always DORA
//   kRenew       DORA when it has no lease, else renew
//   kRelease     DORA when it has no lease, else RELEASE
//   kInitReboot  DORA when it has no lease, else INIT-REBOOT
//   kMixed       DORA; then `renews_per_cycle` renews; then RELEASE; again
//   kStorm       pass 1: every client of [0, clients) does DORA; when all hold a
//                lease and nothing is in flight, the storm starts: all of them do
//                INIT-REBOOT and `storm_new_clients` more do DORA, at once (paced
//                by rate/window); Finished() when every one of them is served.
// Clients are started round-robin; a client still in an exchange is skipped
// (so with `passes` each client does about, not exactly, that many exchanges).
//
// Pacing: `rate` new exchanges per second (0: flat out), never more than
// `window` exchanges in flight at once. Retransmissions are not paced.
//
// Bounds: the retransmission queue holds `timeout_queue` entries (one per
// message sent and not yet timed out); when it is full no new exchange starts
// (counted as `window_full`), so memory is fixed at construction.
// Single-threaded; no allocation after construction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "perf/loadgen/frames.h"
#include "perf/loadgen/latency_histogram.h"

namespace fastlease::perf {

enum class Scenario : uint8_t { kDora, kRenew, kRelease, kInitReboot, kMixed, kStorm };

// "dora", "renew", "release", "init-reboot", "mixed", "storm".
std::string_view ScenarioName(Scenario s);
bool ParseScenario(std::string_view name, Scenario* out);

enum class ExchangeKind : uint8_t { kDora, kRenew, kInitReboot, kRelease };
inline constexpr int kExchangeKinds = 4;
std::string_view ExchangeKindName(ExchangeKind k);  // "dora", "renew", "init-reboot", "release"

struct GeneratorOptions {
  uint32_t clients = 1000;
  Scenario scenario = Scenario::kDora;
  double rate = 0;                 // new exchanges per second; 0: flat out
  uint32_t window = 4096;          // exchanges in flight at most
  uint32_t timeout_us = 1000000;   // wait for a reply this long before retransmitting
  uint8_t retries = 2;             // retransmissions before an exchange is abandoned
  uint32_t renews_per_cycle = 1;   // kMixed
  uint32_t storm_new_clients = 0;  // kStorm
  uint64_t max_exchanges = 0;      // stop starting new ones after this many; 0: no limit
  uint64_t passes = 0;             // stop after passes × clients exchanges (about this many
                                   // per client: busy clients are skipped); 0: no limit
  uint8_t mac_prefix = 0x02;       // client i's MAC: prefix, 0x5e, i (big-endian, 4 bytes)
  uint32_t timeout_queue = 1u << 22;
  PathSpec path;
};

struct FrameSlot {
  uint8_t* data = nullptr;  // kMaxRequestFrame bytes, owned by the caller
  uint16_t len = 0;
};

struct ExchangeCounters {
  uint64_t started = 0;
  uint64_t completed = 0;
  uint64_t naks = 0;
  uint64_t dropped = 0;          // abandoned after the retries
  uint64_t retransmissions = 0;
  LatencyHistogram latency;      // completed exchanges, µs from first send
};

struct Totals {
  ExchangeCounters kinds[kExchangeKinds];
  uint64_t frames_sent = 0;
  uint64_t replies = 0;          // DHCP replies matched to a client's exchange
  uint64_t unexpected = 0;       // DHCP replies for no exchange (late, duplicate, foreign)
  uint64_t window_full = 0;      // times a new exchange waited for the timeout queue
  uint64_t passes = 0;           // turns of the round-robin cursor over the table
  // kStorm: when the storm began and ended (µs on the caller's clock); 0 until then.
  uint64_t storm_start_us = 0;
  uint64_t storm_end_us = 0;
  uint64_t storm_retransmissions = 0;

  uint64_t in_flight() const;
};

class Generator {
 public:
  explicit Generator(const GeneratorOptions& options);
  ~Generator();
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  // Fills slots with frames to send now (retransmissions due first, then new
  // exchanges as pacing allows); returns how many. Call often: pacing follows now_us.
  size_t Produce(uint64_t now_us, std::span<FrameSlot> slots);

  // A frame received; DHCP replies for our clients move their exchanges.
  // Returns true when it was such a reply.
  bool OnFrame(const uint8_t* frame, size_t len, uint64_t now_us);

  // No new exchange will start (limits reached, or the storm is over) and none
  // is in flight.
  bool Finished() const;
  // Stop starting new exchanges; in-flight ones still complete or time out.
  void StopStarting() { stopping_ = true; }

  // The server's MAC, for unicast frames (learned by the caller from ARP or
  // from the first reply when it was not known at construction).
  void set_server_mac(const MacAddress& mac) { options_.path.server_mac = mac; }

  const Totals& totals() const { return totals_; }
  const GeneratorOptions& options() const { return options_; }

  // Client i's MAC address.
  MacAddress ClientMac(uint32_t i) const;
  // The address client i holds (host order), 0 when none.
  uint32_t ClientAddress(uint32_t i) const;

 private:
  struct Client;
  struct Pending;

  bool StartNext(uint64_t now_us, FrameSlot& slot);
  void Send(uint32_t index, uint64_t now_us, FrameSlot& slot);
  void Complete(uint32_t index, ExchangeKind kind, bool nak, uint64_t now_us);
  void Abandon(uint32_t index);
  // Clients in the table: options.clients, plus the storm's newcomers.
  uint32_t TableSize() const;
  // Clients started from now: the storm's newcomers only once it has begun.
  uint32_t Population() const;
  void EndPass();

  GeneratorOptions options_;
  std::unique_ptr<Client[]> clients_;
  std::unique_ptr<Pending[]> pending_;  // ring of timeouts, deadline order
  uint32_t pending_head_ = 0;
  uint32_t pending_size_ = 0;
  std::unique_ptr<uint32_t[]> ready_;   // ring of clients with a REQUEST to send
  uint32_t ready_head_ = 0;
  uint32_t ready_size_ = 0;
  uint32_t leases_held_ = 0;
  uint64_t paced_since_us_ = 0;         // pacing restarts with the storm
  uint64_t paced_started_ = 0;
  uint32_t cursor_ = 0;
  uint32_t in_flight_ = 0;
  uint64_t started_total_ = 0;
  uint64_t exchange_limit_ = 0;  // max_exchanges and passes combined; 0: none
  uint64_t start_us_ = 0;
  bool started_clock_ = false;
  bool stopping_ = false;
  bool storm_phase_ = false;
  uint32_t storm_remaining_ = 0;
  uint32_t server_id_ = 0;
  Totals totals_;
};

}  // namespace fastlease::perf
