#include "perf/loadgen/generator.h"

#include <algorithm>

namespace fastlease::perf {
namespace {

enum ClientState : uint8_t {
  kIdle,
  kAwaitOffer,     // DISCOVER sent
  kReadyRequest,   // OFFER in; REQUEST to send (in the ready queue)
  kAwaitAck,       // REQUEST (selecting) sent
  kAwaitRenewAck,  // renewing REQUEST sent
  kAwaitRebootAck, // INIT-REBOOT REQUEST sent
};

constexpr uint8_t kHasLease = 1;
constexpr uint8_t kStormServed = 2;

uint32_t MixXid(uint32_t index, uint64_t counter) {
  uint64_t z = (uint64_t{index} << 32 ^ counter) + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return static_cast<uint32_t>(z ^ (z >> 31));
}

ExchangeKind KindOfState(uint8_t state) {
  switch (state) {
    case kAwaitRenewAck: return ExchangeKind::kRenew;
    case kAwaitRebootAck: return ExchangeKind::kInitReboot;
    default: return ExchangeKind::kDora;
  }
}

}  // namespace

struct Generator::Client {
  uint32_t ip = 0;          // held or offered address, host order
  uint32_t xid = 0;
  uint32_t first_sent = 0;  // µs since the generator's start, when the exchange began
  uint8_t state = kIdle;
  uint8_t tries = 0;        // retransmissions in this exchange
  uint8_t renews = 0;       // kMixed: renews in this cycle
  uint8_t flags = 0;
};

struct Generator::Pending {
  uint64_t deadline_us = 0;
  uint32_t index = 0;
  uint32_t xid = 0;
  uint8_t state = kIdle;
};

std::string_view ScenarioName(Scenario s) {
  switch (s) {
    case Scenario::kDora: return "dora";
    case Scenario::kRenew: return "renew";
    case Scenario::kRelease: return "release";
    case Scenario::kInitReboot: return "init-reboot";
    case Scenario::kMixed: return "mixed";
    case Scenario::kStorm: return "storm";
  }
  return "?";
}

bool ParseScenario(std::string_view name, Scenario* out) {
  for (Scenario s : {Scenario::kDora, Scenario::kRenew, Scenario::kRelease, Scenario::kInitReboot,
                     Scenario::kMixed, Scenario::kStorm}) {
    if (ScenarioName(s) == name) {
      *out = s;
      return true;
    }
  }
  return false;
}

std::string_view ExchangeKindName(ExchangeKind k) {
  switch (k) {
    case ExchangeKind::kDora: return "dora";
    case ExchangeKind::kRenew: return "renew";
    case ExchangeKind::kInitReboot: return "init-reboot";
    case ExchangeKind::kRelease: return "release";
  }
  return "?";
}

uint64_t Totals::in_flight() const {
  uint64_t n = 0;
  for (const ExchangeCounters& k : kinds) n += k.started - k.completed - k.naks - k.dropped;
  return n;
}

Generator::Generator(const GeneratorOptions& options) : options_(options) {
  options_.window = std::max<uint32_t>(options_.window, 1);
  // Room for one entry per message in flight plus a REQUEST per DORA.
  options_.timeout_queue = std::max<uint32_t>(options_.timeout_queue, 2 * options_.window + 64);
  clients_ = std::make_unique<Client[]>(TableSize());
  pending_ = std::make_unique<Pending[]>(options_.timeout_queue);
  ready_ = std::make_unique<uint32_t[]>(options_.window);
  exchange_limit_ = options_.max_exchanges;
  if (options_.passes != 0 && options_.scenario != Scenario::kStorm) {
    const uint64_t by_passes = options_.passes * options_.clients;
    if (exchange_limit_ == 0 || by_passes < exchange_limit_) exchange_limit_ = by_passes;
  }
}

Generator::~Generator() = default;

MacAddress Generator::ClientMac(uint32_t i) const {
  return {options_.mac_prefix, 0x50, static_cast<uint8_t>(i >> 24), static_cast<uint8_t>(i >> 16),
          static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)};
}

uint32_t Generator::ClientAddress(uint32_t i) const {
  return (clients_[i].flags & kHasLease) ? clients_[i].ip : 0;
}

uint32_t Generator::TableSize() const {
  return options_.clients + (options_.scenario == Scenario::kStorm ? options_.storm_new_clients : 0);
}

uint32_t Generator::Population() const {
  return options_.clients + (storm_phase_ ? options_.storm_new_clients : 0);
}

void Generator::Send(uint32_t index, uint64_t now_us, FrameSlot& slot) {
  Client& c = clients_[index];
  RequestSpec spec;
  spec.client_mac = ClientMac(index);
  spec.xid = c.xid;
  spec.circuit_id = index;
  spec.server_id = server_id_;
  spec.client_ip = c.ip;
  switch (c.state) {
    case kAwaitOffer: spec.kind = RequestKind::kDiscover; break;
    case kAwaitAck: spec.kind = RequestKind::kRequestSelecting; break;
    case kAwaitRenewAck: spec.kind = RequestKind::kRequestRenewing; break;
    case kAwaitRebootAck: spec.kind = RequestKind::kRequestInitReboot; break;
    default: spec.kind = RequestKind::kRelease; break;
  }
  slot.len = static_cast<uint16_t>(BuildRequest(options_.path, spec, slot.data));
  ++totals_.frames_sent;
  if (spec.kind == RequestKind::kRelease) return;
  Pending& p = pending_[(pending_head_ + pending_size_) % options_.timeout_queue];
  p.deadline_us = now_us + options_.timeout_us;
  p.index = index;
  p.xid = c.xid;
  p.state = c.state;
  ++pending_size_;
}

void Generator::Complete(uint32_t index, ExchangeKind kind, bool nak, uint64_t now_us) {
  Client& c = clients_[index];
  ExchangeCounters& k = totals_.kinds[static_cast<int>(kind)];
  if (nak) {
    ++k.naks;
    if (c.flags & kHasLease) --leases_held_;
    c.flags &= static_cast<uint8_t>(~kHasLease);
  } else {
    ++k.completed;
    k.latency.Record(static_cast<uint32_t>(now_us - start_us_) - c.first_sent);
    if (!(c.flags & kHasLease)) ++leases_held_;
    c.flags |= kHasLease;
    if (storm_phase_ && !(c.flags & kStormServed)) {
      c.flags |= kStormServed;
      if (--storm_remaining_ == 0) {
        totals_.storm_end_us = now_us;
        stopping_ = true;
      }
    }
  }
  c.state = kIdle;
  --in_flight_;
}

void Generator::Abandon(uint32_t index) {
  Client& c = clients_[index];
  ++totals_.kinds[static_cast<int>(KindOfState(c.state))].dropped;
  if (c.flags & kHasLease) --leases_held_;
  c.flags &= static_cast<uint8_t>(~kHasLease);
  c.state = kIdle;
  --in_flight_;
}

void Generator::EndPass() { ++totals_.passes; }

bool Generator::StartNext(uint64_t now_us, FrameSlot& slot) {
  const uint32_t population = Population();
  const uint32_t scan = std::min<uint32_t>(population, 256);
  for (uint32_t n = 0; n < scan && !stopping_; ++n) {
    const uint32_t index = cursor_;
    if (++cursor_ >= population) {
      cursor_ = 0;
      EndPass();
    }
    Client& c = clients_[index];
    if (c.state != kIdle) continue;
    const bool has_lease = c.flags & kHasLease;
    uint8_t next = kAwaitOffer;
    switch (options_.scenario) {
      case Scenario::kDora: break;
      case Scenario::kRenew: next = has_lease ? kAwaitRenewAck : kAwaitOffer; break;
      case Scenario::kInitReboot: next = has_lease ? kAwaitRebootAck : kAwaitOffer; break;
      case Scenario::kRelease: next = has_lease ? kIdle : kAwaitOffer; break;
      case Scenario::kMixed:
        if (has_lease) next = c.renews < options_.renews_per_cycle ? kAwaitRenewAck : kIdle;
        break;
      case Scenario::kStorm:
        if (!storm_phase_) {
          if (has_lease) continue;
        } else {
          if (c.flags & kStormServed) continue;
          next = has_lease ? kAwaitRebootAck : kAwaitOffer;
        }
        break;
    }
    ++started_total_;
    if (exchange_limit_ != 0 && started_total_ >= exchange_limit_) stopping_ = true;
    c.xid = MixXid(index, started_total_);
    c.tries = 0;
    c.first_sent = static_cast<uint32_t>(now_us - start_us_);
    if (next == kIdle) {  // RELEASE: sent and done
      ExchangeCounters& k = totals_.kinds[static_cast<int>(ExchangeKind::kRelease)];
      ++k.started;
      ++k.completed;
      c.state = kIdle;
      Send(index, now_us, slot);
      --leases_held_;
      c.flags &= static_cast<uint8_t>(~kHasLease);
      c.renews = 0;
      return true;
    }
    c.state = next;
    if (next == kAwaitRenewAck) ++c.renews;
    if (next == kAwaitOffer) c.renews = 0;
    ++totals_.kinds[static_cast<int>(KindOfState(next))].started;
    ++in_flight_;
    Send(index, now_us, slot);
    return true;
  }
  return false;
}

size_t Generator::Produce(uint64_t now_us, std::span<FrameSlot> slots) {
  if (!started_clock_) {
    start_us_ = now_us;
    paced_since_us_ = now_us;
    started_clock_ = true;
  }
  size_t n = 0;
  // 1. REQUESTs after OFFERs.
  while (n < slots.size() && ready_size_ > 0) {
    const uint32_t index = ready_[ready_head_];
    ready_head_ = (ready_head_ + 1) % options_.window;
    --ready_size_;
    Client& c = clients_[index];
    if (c.state != kReadyRequest) continue;
    c.state = kAwaitAck;
    Send(index, now_us, slots[n++]);
  }
  // 2. Timeouts: retransmit or abandon.
  while (n < slots.size() && pending_size_ > 0) {
    const Pending p = pending_[pending_head_];
    if (p.deadline_us > now_us) break;
    pending_head_ = (pending_head_ + 1) % options_.timeout_queue;
    --pending_size_;
    Client& c = clients_[p.index];
    if (c.state != p.state || c.xid != p.xid) continue;  // answered since
    if (c.tries < options_.retries) {
      ++c.tries;
      ++totals_.kinds[static_cast<int>(KindOfState(c.state))].retransmissions;
      if (storm_phase_) ++totals_.storm_retransmissions;
      Send(p.index, now_us, slots[n++]);
    } else {
      Abandon(p.index);
    }
  }
  // 3. The storm starts once every client holds a lease and all is quiet.
  if (options_.scenario == Scenario::kStorm && !storm_phase_ && in_flight_ == 0 &&
      leases_held_ == options_.clients) {
    storm_phase_ = true;
    storm_remaining_ = options_.clients + options_.storm_new_clients;
    totals_.storm_start_us = now_us;
    cursor_ = 0;
    paced_since_us_ = now_us;
    paced_started_ = 0;
    if (storm_remaining_ == 0) stopping_ = true;
  }
  // 4. New exchanges, paced.
  uint64_t allowed = slots.size() - n;
  if (options_.rate > 0) {
    const double due = options_.rate * static_cast<double>(now_us - paced_since_us_) / 1e6;
    const uint64_t due_total = static_cast<uint64_t>(due);
    allowed = due_total > paced_started_ ? std::min<uint64_t>(allowed, due_total - paced_started_) : 0;
  }
  while (allowed > 0 && !stopping_ && in_flight_ < options_.window) {
    if (pending_size_ + options_.window + 1 >= options_.timeout_queue) {
      ++totals_.window_full;
      break;
    }
    if (!StartNext(now_us, slots[n])) break;
    ++n;
    ++paced_started_;
    --allowed;
  }
  return n;
}

bool Generator::OnFrame(const uint8_t* frame, size_t len, uint64_t now_us) {
  std::optional<ReplyInfo> r = ParseReply(frame, len);
  if (!r) return false;
  const MacAddress& mac = r->chaddr;
  const uint32_t index = uint32_t{mac[2]} << 24 | uint32_t{mac[3]} << 16 | uint32_t{mac[4]} << 8 | mac[5];
  if (mac[0] != options_.mac_prefix || mac[1] != 0x50 || index >= TableSize()) {
    ++totals_.unexpected;
    return false;
  }
  Client& c = clients_[index];
  if (r->xid != c.xid) {
    ++totals_.unexpected;
    return false;
  }
  switch (c.state) {
    case kAwaitOffer:
      if (r->type != ReplyType::kOffer) break;
      c.ip = r->yiaddr;
      if (server_id_ == 0) server_id_ = r->server_id;
      c.state = kReadyRequest;
      ready_[(ready_head_ + ready_size_) % options_.window] = index;
      ++ready_size_;
      ++totals_.replies;
      return true;
    case kAwaitAck:
    case kAwaitRenewAck:
    case kAwaitRebootAck:
      if (r->type == ReplyType::kOffer) break;
      if (r->type == ReplyType::kAck && c.state == kAwaitAck) c.ip = r->yiaddr;
      ++totals_.replies;
      Complete(index, KindOfState(c.state), r->type == ReplyType::kNak, now_us);
      return true;
    default:
      break;
  }
  ++totals_.unexpected;
  return false;
}

bool Generator::Finished() const { return stopping_ && in_flight_ == 0; }

}  // namespace fastlease::perf
