#include "dataplane/dhcp4/server.h"

#include <algorithm>
#include <array>
#include <memory>

#include "dataplane/dhcp4/builder.h"
#include "dataplane/dhcp4/server_config.h"

namespace fastlease::dhcp4 {
namespace {

using leasedb::ChangeOp;
using leasedb::ClientKey;
using leasedb::Lease;
using leasedb::LeaseShard;
using leasedb::LeaseState;

constexpr uint32_t kBroadcastAll = 0xffffffff;
constexpr uint32_t kInfiniteLifetime = 0xffffffff;  // Kea: a BOOTP lease never expires

// Working memory for class expressions: one per lcore (HandleDhcp4 runs on the
// lcore that owns the shard), allocated once per thread.
thread_local classify::EvalScratch tls_scratch;

// Per-client packet counts for classes with a `rate-limit`: a direct-mapped table
// per lcore, allocated on first use. Two clients hashing to one bucket share it
// (they are limited together); the table is sized so that is rare.
struct RateBucket {
  uint32_t tag = 0;
  uint32_t window = 0;  // now / seconds of the window being counted
  uint32_t count = 0;
};
constexpr size_t kRateBuckets = 1 << 16;
thread_local std::unique_ptr<std::array<RateBucket, kRateBuckets>> tls_rate;

// The facts of one request, gathered once and passed to every step.
struct Exchange {
  const ServerConfig& config;
  LeaseShard& shard;
  const Dhcp4Message& msg;
  const RequestContext& ctx;
  const CompiledSubnet* subnet = nullptr;       // where the client's address is
  const CompiledReservation* reservation = nullptr;
  const CompiledPool* pool = nullptr;           // of the address offered/acked, if any
  ClientKey key;
  uint32_t server_id = 0;
  // Subnets the client may use: the selected subnet's shared network (allowed by
  // the client's classes), or the selected subnet alone.
  std::array<const CompiledSubnet*, 64> candidates{};
  uint8_t candidate_count = 0;
  classify::ClassSet classes;
  // Grouped early classes (CompiledClass::grouped) whose test is true for this packet.
  classify::ClassSet grouped_true;
  // Classes the client got that carry options, fields or lifetimes, in order.
  std::array<uint16_t, 32> ordered{};
  uint8_t ordered_count = 0;
  classify::PacketFacts facts;
  std::array<char, 40> iface_buf{};
};

HandleResult Drop(DropReason r) {
  HandleResult h;
  h.outcome = Outcome::kDrop;
  h.drop = r;
  return h;
}

HandleResult Consumed() {
  HandleResult h;
  h.outcome = Outcome::kConsumed;
  return h;
}

bool HoldsAddress(LeaseState s) {
  return s == LeaseState::kOffered || s == LeaseState::kBound;
}

// ---------------------------------------------------------------- classes

void Assign(Exchange& ex, uint16_t index) {
  if (ex.classes.Has(index)) return;
  ex.classes.Add(index);
  const CompiledClass& c = ex.config.classes()[index];
  if (c.config != nullptr && ex.ordered_count < ex.ordered.size()) {
    ex.ordered[ex.ordered_count++] = index;
  }
}

// Decides every grouped class at once: one selector evaluation and one lookup per
// group, the result in ex.grouped_true. Grouped tests read only the packet, so
// deciding them ahead of their turn changes nothing.
void DecideGroups(Exchange& ex) {
  for (const ClassGroup& g : ex.config.class_groups()) {
    std::span<const uint8_t> v;
    if (!g.selector->EvalSelector(ex.facts, tls_scratch, &v)) continue;  // as EvalBool: false
    auto it = g.by_literal.find(
        absl::string_view(reinterpret_cast<const char*>(v.data()), v.size()));
    if (it == g.by_literal.end()) continue;
    for (uint16_t i : it->second) ex.grouped_true.Add(i);
  }
}

// Evaluates each class of `list` the client is not in yet, in order; a grouped class
// takes DecideGroups()'s answer.
void Classify(Exchange& ex, std::span<const uint16_t> list) {
  for (uint16_t i : list) {
    if (ex.classes.Has(i)) continue;
    const CompiledClass& c = ex.config.classes()[i];
    if (c.grouped) {
      if (ex.grouped_true.Has(i)) Assign(ex, i);
    } else if (c.test && c.test->EvalBool(ex.facts, tls_scratch)) {
      Assign(ex, i);
    }
  }
}

// `require-client-classes` of the subnet (its network's first) and the pool: each
// is evaluated now; one without a test is assigned as is.
void RequireClasses(Exchange& ex) {
  auto require = [&ex](std::span<const uint16_t> list) {
    for (uint16_t i : list) {
      if (ex.classes.Has(i)) continue;
      const CompiledClass& c = ex.config.classes()[i];
      if (!c.test || c.test->EvalBool(ex.facts, tls_scratch)) Assign(ex, i);
    }
  };
  if (ex.subnet != nullptr) require(ex.subnet->require_classes);
  if (ex.pool != nullptr) require(ex.pool->require_classes);
}

// False when one of the client's classes with a `rate-limit` has seen its share of
// packets from this client in the current window.
bool WithinRateLimits(const Exchange& ex) {
  for (uint8_t k = 0; k < ex.ordered_count; ++k) {
    const config::ClientClass* c = ex.config.classes()[ex.ordered[k]].config;
    if (c == nullptr || c->rate_limit.packets == 0) continue;
    if (!tls_rate) tls_rate = std::make_unique<std::array<RateBucket, kRateBuckets>>();
    const uint64_t h = ex.key.hash ^ (uint64_t(ex.ordered[k]) * 0x9e3779b97f4a7c15ull);
    RateBucket& b = (*tls_rate)[h & (kRateBuckets - 1)];
    const uint32_t window = ex.ctx.now / c->rate_limit.seconds;
    const uint32_t tag = uint32_t(h >> 32);
    if (b.tag != tag || b.window != window) b = RateBucket{tag, window, 0};
    if (b.count >= c->rate_limit.packets) return false;
    ++b.count;
  }
  return true;
}

// ---------------------------------------------------------------- subnets

// Kea's subnet selection: Subnet Selection option (RFC 3011), then the relay agent's
// Link Selection sub-option (RFC 3527), then giaddr (relay ip-addresses first); for
// direct clients ciaddr, then the receiving interface's `interface` subnets, then
// the subnet of the port's own address.
const CompiledSubnet* SelectSubnet(const ServerConfig& cfg, const Dhcp4Message& msg,
                                   const RequestContext& ctx) {
  const std::span<const uint8_t> sel = msg.Option(opt::kSubnetSelection);
  if (sel.size() == 4) {
    return cfg.SubnetFor(LoadBe32(sel.data()));
  }
  if (msg.giaddr() != 0) {
    std::span<const uint8_t> link;
    if (FindSubOption(msg.RelayAgentInfo(), opt::kRaiLinkSelection, &link) && link.size() == 4) {
      return cfg.SubnetFor(LoadBe32(link.data()));
    }
    return cfg.SubnetFor(msg.giaddr(), /*as_relay=*/true);
  }
  if (msg.ciaddr() != 0) {
    if (const CompiledSubnet* s = cfg.SubnetFor(msg.ciaddr())) return s;
  }
  if (const CompiledSubnet* s = cfg.SubnetForInterface(ctx.port, ctx.vlan)) return s;
  return cfg.SubnetFor(ctx.local_address);
}

// The candidate subnet containing `a`, else nullptr.
const CompiledSubnet* CandidateFor(const Exchange& ex, uint32_t a) {
  for (uint8_t i = 0; i < ex.candidate_count; ++i) {
    if (ex.candidates[i]->Contains(a)) return ex.candidates[i];
  }
  return nullptr;
}

const CompiledSubnet* CandidateById(const Exchange& ex, uint32_t id) {
  for (uint8_t i = 0; i < ex.candidate_count; ++i) {
    if (ex.candidates[i]->id == id) return ex.candidates[i];
  }
  return nullptr;
}

// ---------------------------------------------------------------- reservations

// The identifier of `type` this request carries; empty when it has none.
std::span<const uint8_t> IdentifierOf(const Exchange& ex, config::HostIdentifier type) {
  const Dhcp4Message& m = ex.msg;
  switch (type) {
    case config::HostIdentifier::kHwAddress:
      return m.chaddr();
    case config::HostIdentifier::kClientId:
      return m.ClientId();
    case config::HostIdentifier::kDuid: {
      // RFC 4361: type 255, 4-byte IAID, then the DUID.
      const std::span<const uint8_t> cid = m.ClientId();
      if (cid.size() > 5 && cid[0] == 255) return cid.subspan(5);
      return {};
    }
    case config::HostIdentifier::kCircuitId: {
      std::span<const uint8_t> circuit;
      return FindSubOption(m.RelayAgentInfo(), opt::kRaiCircuitId, &circuit)
                 ? circuit
                 : std::span<const uint8_t>();
    }
    case config::HostIdentifier::kFlexId:
      if (!ex.config.flex_id()) return {};
      return ex.config.flex_id()->EvalString(ex.facts, tls_scratch);
  }
  return {};
}

// Looks the client up by each identifier in `host-reservation-identifiers` order:
// global reservations (when the subnet allows them), then the candidates' own. A
// reservation found in a candidate subnet moves the client there.
void FindReservation(Exchange& ex) {
  const uint8_t types = ex.config.reservation_types();
  if (types == 0) return;
  const bool global = ex.subnet->config->reservations_global &&
                      !ex.config.global_reservations().empty();
  for (config::HostIdentifier type : ex.config.dhcp4().host_reservation_identifiers) {
    if ((types & (1u << uint8_t(type))) == 0) continue;
    const std::span<const uint8_t> id = IdentifierOf(ex, type);
    if (id.empty()) continue;
    if (global) {
      if (const CompiledReservation* r = ex.config.global_reservations().Find(type, id)) {
        ex.reservation = r;
        // A global reservation's address picks the candidate subnet holding it.
        if (const uint32_t a = r->reservation->ip_address; a != 0) {
          if (const CompiledSubnet* s = CandidateFor(ex, a)) ex.subnet = s;
        }
        return;
      }
    }
    for (uint8_t i = 0; i < ex.candidate_count; ++i) {
      const CompiledSubnet* s = ex.candidates[i];
      if (!s->config->reservations_in_subnet || s->reservations.empty()) continue;
      if (const CompiledReservation* r = s->reservations.Find(type, id)) {
        ex.reservation = r;
        ex.subnet = s;
        return;
      }
    }
  }
}

// The reserved address for this client in its subnet, else 0.
uint32_t ReservedAddress(const Exchange& ex) {
  if (ex.reservation == nullptr) return 0;
  const uint32_t a = ex.reservation->reservation->ip_address;
  return a != 0 && ex.subnet->Contains(a) ? a : 0;
}

// Selection, classification and host lookup, in Kea's order. Returns a drop
// reason, or kCount when the request may go on.
DropReason Prepare(Exchange& ex) {
  const ServerConfig& cfg = ex.config;
  ex.facts.msg = &ex.msg;
  ex.facts.src_ip = ex.ctx.src_ip;
  ex.facts.dst_ip = ex.ctx.dst_ip;
  ex.facts.length = ex.ctx.length;
  ex.facts.classes = &ex.classes;
  ex.classes.Add(classify::kClassAll);
  if (ex.msg.type() == MessageType::kNone) ex.classes.Add(classify::kClassBootp);
  const bool classifying = !cfg.early_classes().empty() || !cfg.late_classes().empty() ||
                           cfg.flex_id().has_value();
  if (classifying) {
    ex.facts.iface = cfg.InterfaceName(ex.ctx.port, ex.ctx.vlan, ex.iface_buf);
    DecideGroups(ex);
    Classify(ex, cfg.early_classes());
    if (cfg.has_drop_class() && ex.classes.Has(classify::kClassDrop)) {
      return DropReason::kDropClass;
    }
  }

  const CompiledSubnet* selected = SelectSubnet(cfg, ex.msg, ex.ctx);
  if (selected == nullptr) return DropReason::kNoSubnet;
  ex.subnet = selected;
  if (selected->network.empty()) {
    ex.candidates[0] = selected;
    ex.candidate_count = 1;
  } else {
    ex.candidates[ex.candidate_count++] = selected;
    for (const CompiledSubnet* s : selected->network) {
      if (s != selected && ex.candidate_count < ex.candidates.size()) {
        ex.candidates[ex.candidate_count++] = s;
      }
    }
  }

  FindReservation(ex);
  ex.classes.Add(ex.reservation != nullptr ? classify::kClassKnown : classify::kClassUnknown);
  if (ex.reservation != nullptr) {
    for (uint16_t c : ex.reservation->classes) Assign(ex, c);
  }
  if (classifying) Classify(ex, cfg.late_classes());

  // Subnets the client's classes do not allow drop out; the reservation's subnet,
  // or else the selected one, stays first.
  uint8_t kept = 0;
  const CompiledSubnet* first = ex.subnet;
  if (first->Allows(ex.classes)) ex.candidates[kept++] = first;
  for (uint8_t i = 0; i < ex.candidate_count; ++i) {
    const CompiledSubnet* s = ex.candidates[i];
    if (s != first && s->Allows(ex.classes)) ex.candidates[kept++] = s;
  }
  ex.candidate_count = kept;
  if (kept == 0) return DropReason::kNoSubnet;
  if (ex.subnet != ex.candidates[0]) ex.reservation = nullptr;  // its subnet is not allowed
  ex.subnet = ex.candidates[0];

  const std::span<const uint8_t> hw = ex.msg.chaddr();
  ex.key = ClientKey::Make(ex.msg.htype(), hw, ex.msg.ClientId(),
                           ex.subnet->config->match_client_id);
  if (!WithinRateLimits(ex)) return DropReason::kRateLimited;
  ex.server_id = ex.subnet->server_id != 0 ? ex.subnet->server_id : ex.ctx.local_address;
  return DropReason::kCount;
}

// ---------------------------------------------------------------- addresses

// Returns `a` to its pool unless it is reserved.
void FreeAddress(const ServerConfig& cfg, uint32_t a) {
  if (cfg.IsReserved(a)) return;
  if (const CompiledPool* p = cfg.PoolFor(a)) p->pool->Free(a);
}

// Claims `a` in a pool of a candidate subnet the client's classes allow; on
// success the exchange moves to that subnet and pool.
bool ClaimCandidate(Exchange& ex, uint32_t a) {
  const CompiledSubnet* s = CandidateFor(ex, a);
  if (s == nullptr || ex.config.IsReserved(a)) return false;
  const CompiledPool* p = s->PoolFor(a);
  if (p == nullptr || !p->Allows(ex.classes) || !p->pool->ClaimSpecific(a)) return false;
  ex.subnet = s;
  ex.pool = p;
  return true;
}

// A free address from the candidates' pools, subnet by subnet in order (a shared
// network spills into its next subnet when one is full); 0 when all are full.
uint32_t ClaimAny(Exchange& ex) {
  for (uint8_t i = 0; i < ex.candidate_count; ++i) {
    const CompiledSubnet* s = ex.candidates[i];
    for (const CompiledPool& p : s->pools) {
      if (!p.Allows(ex.classes)) continue;
      if (const uint32_t a = p.pool->Claim(ex.shard.index()); a != 0) {
        ex.subnet = s;
        ex.pool = &p;
        return a;
      }
    }
  }
  return 0;
}

// Moves the exchange to the candidate subnet holding `a` (an address the client
// already has); false when no candidate holds it.
bool MoveTo(Exchange& ex, uint32_t a) {
  const CompiledSubnet* s = CandidateFor(ex, a);
  if (s == nullptr) return false;
  ex.subnet = s;
  ex.pool = s->PoolFor(a);
  return true;
}

// Lifetimes granted for this exchange: the first of the client's classes that sets
// valid-lifetime decides (with its min/max, which default to it), else the subnet;
// the client's option 51 is honoured within [min, max].
struct Times {
  uint32_t valid, t1, t2;
};
// T1/T2 for a lease granted `age` seconds ago with t.valid seconds left: the
// configured timers less the age, else computed from the percentages when
// calculate-tee-times, else none; a timer not below the next one is not sent.
void SetTeeTimes(const config::Subnet4& c, uint32_t age, Times& t) {
  t.t1 = t.t2 = 0;
  if (c.renew_timer != 0 || c.rebind_timer != 0) {
    t.t1 = c.renew_timer > age ? c.renew_timer - age : 0;
    t.t2 = c.rebind_timer > age ? c.rebind_timer - age : 0;
  } else if (c.calculate_tee_times) {
    t.t1 = uint32_t(double(t.valid) * c.t1_percent);
    t.t2 = uint32_t(double(t.valid) * c.t2_percent);
  }
  if (t.t2 != 0 && t.t2 >= t.valid) t.t2 = 0;
  if (t.t1 != 0 && (t.t1 >= t.valid || (t.t2 != 0 && t.t1 >= t.t2))) t.t1 = 0;
}

Times GrantTimes(const Exchange& ex) {
  const config::Subnet4& c = *ex.subnet->config;
  uint32_t valid = c.valid_lifetime, min = c.min_valid_lifetime, max = c.max_valid_lifetime;
  for (uint8_t k = 0; k < ex.ordered_count; ++k) {
    const config::ClientClass* cc = ex.config.classes()[ex.ordered[k]].config;
    if (cc != nullptr && cc->valid_lifetime) {
      valid = *cc->valid_lifetime;
      min = cc->min_valid_lifetime.value_or(valid);
      max = cc->max_valid_lifetime.value_or(valid);
      break;
    }
  }
  Times t{valid, 0, 0};
  if (auto asked = ex.msg.LeaseTime()) t.valid = std::clamp(*asked, min, std::max(min, max));
  SetTeeTimes(c, /*age=*/0, t);
  return t;
}

// RFC 2131 §4.1, the addressing of a server reply.
ReplyAddress AddressReply(const Exchange& ex, MessageType type, uint32_t yiaddr) {
  ReplyAddress to;
  to.src_ip = ex.ctx.local_address;
  const Dhcp4Message& m = ex.msg;
  if (m.giaddr() != 0) {
    to.dst_ip = m.giaddr();
    to.dst_port = kServerPort;
    to.l2 = ReplyAddress::L2::kFrameSource;
  } else if (type == MessageType::kNak) {
    to.dst_ip = kBroadcastAll;
    to.l2 = ReplyAddress::L2::kBroadcast;
  } else if (m.ciaddr() != 0) {
    to.dst_ip = m.ciaddr();
    to.l2 = ReplyAddress::L2::kFrameSource;
  } else if (m.broadcast_flag() || yiaddr == 0) {
    to.dst_ip = kBroadcastAll;
    to.l2 = ReplyAddress::L2::kBroadcast;
  } else {
    to.dst_ip = yiaddr;
    to.l2 = ReplyAddress::L2::kChaddr;
  }
  return to;
}

bool IsServerManaged(uint8_t code) {
  switch (code) {
    case opt::kPad: case opt::kEnd: case opt::kMessageType: case opt::kServerId:
    case opt::kLeaseTime: case opt::kRenewalTime: case opt::kRebindingTime:
    case opt::kSubnetMask: case opt::kClientId: case opt::kRelayAgentInfo:
    case opt::kOverload: case opt::kRequestedAddress: case opt::kParameterRequestList:
    case opt::kMaxMessageSize: case opt::kMessage:
      return true;
    default:
      return false;
  }
}

// Options Kea sends whether or not the client asked for them.
constexpr uint8_t kBasicOptions[] = {opt::kRouters, opt::kDomainNameServers, opt::kDomainName};

// The option levels of this reply, most specific first: reservation, pool, subnet
// (with its network), the client's classes in the order it got them, global.
struct OptionLevels {
  std::array<const OptionSet*, 40> sets{};
  uint8_t count = 0;

  const config::OptionData* Find(uint8_t code) const {
    for (uint8_t i = 0; i < count; ++i) {
      if (const config::OptionData* o = sets[i]->Find(code)) return o;
    }
    return nullptr;
  }
};

OptionLevels LevelsOf(const Exchange& ex) {
  OptionLevels l;
  auto add = [&l](const OptionSet& s) {
    if (!s.empty() && l.count < l.sets.size()) l.sets[l.count++] = &s;
  };
  if (ex.reservation != nullptr) add(ex.reservation->options);
  if (ex.pool != nullptr) add(ex.pool->options);
  add(ex.subnet->options);
  for (uint8_t k = 0; k < ex.ordered_count; ++k) add(ex.config.classes()[ex.ordered[k]].options);
  add(ex.config.global_options());
  return l;
}

// siaddr, sname and file: the reservation's, else the first of the client's classes
// that sets one, else the subnet's (inherited from its network and global).
struct FixedFields {
  uint32_t next_server;
  std::string_view sname;
  std::string_view file;
};
FixedFields FixedFieldsOf(const Exchange& ex) {
  const config::Subnet4& s = *ex.subnet->config;
  std::optional<uint32_t> next;
  const std::string* sname = nullptr;
  const std::string* file = nullptr;
  if (ex.reservation != nullptr) {
    const config::Reservation& r = *ex.reservation->reservation;
    next = r.next_server;
    if (r.server_hostname) sname = &*r.server_hostname;
    if (r.boot_file_name) file = &*r.boot_file_name;
  }
  for (uint8_t k = 0; k < ex.ordered_count; ++k) {
    const config::ClientClass* c = ex.config.classes()[ex.ordered[k]].config;
    if (c == nullptr) continue;
    if (!next) next = c->next_server;
    if (sname == nullptr && c->server_hostname) sname = &*c->server_hostname;
    if (file == nullptr && c->boot_file_name) file = &*c->boot_file_name;
  }
  return FixedFields{next.value_or(s.next_server), sname ? *sname : s.server_hostname,
                     file ? *file : s.boot_file_name};
}

// Writes the reply: managed options, then options in PRL order, then basic and
// always-send options not asked for, then the client-id echo, then option 82.
// `type` kNone writes a BOOTP reply (no message type, no lease times).
HandleResult BuildReply(Exchange& ex, std::span<uint8_t> out, MessageType type,
                        uint32_t yiaddr, const Times* times) {
  const Dhcp4Message& m = ex.msg;
  HandleResult r;
  r.reply_type = type;
  r.to = AddressReply(ex, type, yiaddr);

  const bool nak = type == MessageType::kNak;
  const bool inform = m.type() == MessageType::kInform;
  if (!nak) RequireClasses(ex);
  const FixedFields fixed = nak ? FixedFields{0, {}, {}} : FixedFieldsOf(ex);
  const uint32_t ciaddr = nak ? 0 : m.ciaddr();
  Dhcp4Builder b(out, ReplySizeLimit(m, out.size()));
  b.StartReply(m, type, ciaddr, nak || inform ? 0 : yiaddr, fixed.next_server);
  if (!nak) b.SetFixedFields(fixed.sname, fixed.file);
  if (nak && m.giaddr() != 0) b.SetFlags(uint16_t(m.flags() | kFlagBroadcast));

  const std::span<const uint8_t> relay_info = m.RelayAgentInfo();
  const bool echo_relay = m.Has(opt::kRelayAgentInfo) && m.giaddr() != 0;
  // Room for option 82 as RFC 3396 splits it: 2 header bytes per 255 data bytes,
  // and at least one header for an empty option.
  const size_t relay_tlv =
      echo_relay ? relay_info.size() + 2 * std::max<size_t>(1, (relay_info.size() + 254) / 255) : 0;
  b.ReserveTail(relay_tlv);

  if (type != MessageType::kNone) b.AddAddress(opt::kServerId, ex.server_id);
  if (!nak) {
    if (times != nullptr && type != MessageType::kNone) {
      b.AddU32(opt::kLeaseTime, times->valid);
      if (times->t1 != 0) b.AddU32(opt::kRenewalTime, times->t1);
      if (times->t2 != 0) b.AddU32(opt::kRebindingTime, times->t2);
    }
    b.AddAddress(opt::kSubnetMask, ex.subnet->mask);

    const OptionLevels levels = LevelsOf(ex);
    // Track what went out so nothing is sent twice (PRL may repeat codes).
    uint64_t sent[4] = {};
    auto mark = [&](uint8_t c) {
      const bool was = (sent[c >> 6] >> (c & 63)) & 1;
      sent[c >> 6] |= uint64_t{1} << (c & 63);
      return was;
    };
    // Only an option that goes out is marked: a PRL code with nothing configured
    // (12 with a reserved hostname) stays free for what follows.
    auto send = [&](uint8_t c) {
      if (IsServerManaged(c)) return;
      const config::OptionData* o = levels.Find(c);
      if (o != nullptr && !mark(c)) b.AddOption(c, o->data);
    };
    for (uint8_t c : m.ParameterRequestList()) send(c);
    for (uint8_t c : kBasicOptions) send(c);
    for (uint8_t i = 0; i < levels.count; ++i) {
      for (const config::OptionData& o : levels.sets[i]->all()) {
        if (o.always_send) send(o.code);
      }
    }
    if (!inform && ex.reservation != nullptr &&
        !ex.reservation->reservation->hostname.empty() && !mark(opt::kHostName)) {
      const std::string& h = ex.reservation->reservation->hostname;
      b.AddOption(opt::kHostName,
                  {reinterpret_cast<const uint8_t*>(h.data()), h.size()});
    }
  }
  if (ex.config.dhcp4().echo_client_id && m.Has(opt::kClientId)) {
    b.AddOption(opt::kClientId, m.ClientId());
  }
  b.ReleaseTail();
  if (echo_relay) b.AddOption(opt::kRelayAgentInfo, relay_info);
  r.length = uint32_t(b.Finish());
  if (r.length == 0) return Drop(DropReason::kReplyTooLarge);
  r.outcome = Outcome::kSend;
  return r;
}

HandleResult Nak(Exchange& ex, std::span<uint8_t> out) {
  return BuildReply(ex, out, MessageType::kNak, 0, nullptr);
}

// Moves the client's lease away from its current address (before it takes
// another): frees the address and forgets the old record.
void LeaveAddress(const Exchange& ex, Lease& l) {
  if (l.state == LeaseState::kFree) return;
  if (HoldsAddress(l.state)) FreeAddress(ex.config, l.address);
  if (l.flags & leasedb::kLeasePersisted) ex.shard.Record(ChangeOp::kDelete, l);
  l.state = LeaseState::kFree;
}

// The address the client keeps or gets back without a new allocation: its
// reservation, its current offer or lease (in a candidate subnet, from a pool its
// classes still allow), or its expired/released address if still free (affinity).
// Sets `keep_bound` when the address is under a bound lease already. 0 if none.
uint32_t ExistingAddress(Exchange& ex, const Lease* l, bool& keep_bound) {
  keep_bound = false;
  if (const uint32_t r = ReservedAddress(ex); r != 0) {
    ex.pool = ex.subnet->PoolFor(r);
    keep_bound = l != nullptr && l->address == r && l->state == LeaseState::kBound;
    return r;
  }
  if (l == nullptr || CandidateById(ex, l->subnet_id) == nullptr) return 0;
  if (HoldsAddress(l->state) && !ex.config.IsReserved(l->address) && MoveTo(ex, l->address) &&
      (ex.pool == nullptr || ex.pool->Allows(ex.classes))) {
    keep_bound = l->state == LeaseState::kBound;
    return l->address;
  }
  if ((l->state == LeaseState::kExpired || l->state == LeaseState::kReleased) &&
      ClaimCandidate(ex, l->address)) {
    return l->address;
  }
  return 0;
}

// ---------------------------------------------------------------- DISCOVER

HandleResult HandleDiscover(Exchange& ex, std::span<uint8_t> out) {
  if (!ex.shard.CanRecord(1)) return Drop(DropReason::kChangeRingFull);
  Lease* l = ex.shard.Find(ex.key);
  bool keep_state = false;
  uint32_t addr = ExistingAddress(ex, l, keep_state);
  if (addr == 0) {
    if (auto want = ex.msg.RequestedAddress(); want && ClaimCandidate(ex, *want)) addr = *want;
    if (addr == 0) addr = ClaimAny(ex);
    if (addr == 0) return Drop(DropReason::kPoolExhausted);
  }
  if (l == nullptr) {
    l = ex.shard.Insert(ex.key);
  } else if (l->address != addr) {
    LeaveAddress(ex, *l);
  }
  const Times times = GrantTimes(ex);
  if (!keep_state) {
    l->state = LeaseState::kOffered;
    l->address = addr;
    l->subnet_id = ex.subnet->id;
    l->valid = times.valid;
    l->expire = ex.ctx.now + ex.config.dhcp4().offer_lifetime;
  }
  return BuildReply(ex, out, MessageType::kOffer, addr, &times);
}

// ---------------------------------------------------------------- REQUEST

enum class RequestState { kSelecting, kInitReboot, kRenewing };

// A renewal answered from the cache (Kea's cache-threshold): the bound lease is
// young enough that its remaining lifetime is sent and nothing is written.
bool CachedTimes(const Exchange& ex, const Lease& l, Times& t) {
  const config::Subnet4& c = *ex.subnet->config;
  if (c.cache_threshold <= 0.0 || l.state != LeaseState::kBound || l.expire <= ex.ctx.now) {
    return false;
  }
  const uint32_t age = ex.ctx.now - l.cltt();
  if (double(age) >= c.cache_threshold * double(l.valid)) return false;
  if (c.cache_max_age != 0 && age >= c.cache_max_age) return false;
  t.valid = l.expire - ex.ctx.now;
  SetTeeTimes(c, age, t);
  return true;
}

HandleResult Commit(Exchange& ex, Lease* l, uint32_t addr, std::span<uint8_t> out) {
  if (l != nullptr && l->address == addr) {
    if (Times cached; CachedTimes(ex, *l, cached) && l->subnet_id == ex.subnet->id) {
      return BuildReply(ex, out, MessageType::kAck, addr, &cached);
    }
  }
  if (l == nullptr) {
    l = ex.shard.Insert(ex.key);
  } else if (l->address != addr && l->state != LeaseState::kFree) {
    LeaveAddress(ex, *l);
  }
  const Times times = GrantTimes(ex);
  l->state = LeaseState::kBound;
  l->address = addr;
  l->subnet_id = ex.subnet->id;
  l->valid = times.valid;
  l->expire = ex.ctx.now + times.valid;
  const uint64_t seq = ex.shard.Record(ChangeOp::kPut, *l);
  HandleResult r = BuildReply(ex, out, MessageType::kAck, addr, &times);
  if (r.outcome == Outcome::kSend && ex.config.gate_replies()) {
    r.outcome = Outcome::kSendWhenDurable;
    r.durable_seq = seq;
  }
  return r;
}

HandleResult HandleRequest(Exchange& ex, std::span<uint8_t> out) {
  // Up to two records (leave an old address, commit the new): check first so a
  // full ring drops the request before any state changes.
  if (!ex.shard.CanRecord(2)) return Drop(DropReason::kChangeRingFull);
  const Dhcp4Message& m = ex.msg;
  const auto server_id = m.ServerId();
  const auto requested = m.RequestedAddress();
  RequestState state;
  uint32_t target;
  if (server_id.has_value()) {
    if (*server_id != ex.server_id) {
      // The client chose another server: our offer is void (RFC 2131 §4.3.2).
      Lease* l = ex.shard.Find(ex.key);
      if (l != nullptr && l->state == LeaseState::kOffered) {
        FreeAddress(ex.config, l->address);
        ex.shard.Erase(l);
      }
      return Drop(DropReason::kOtherServer);
    }
    if (!requested.has_value() || m.ciaddr() != 0) return Drop(DropReason::kBadRequest);
    state = RequestState::kSelecting;
    target = *requested;
  } else if (requested.has_value()) {
    state = RequestState::kInitReboot;
    target = *requested;
  } else if (m.ciaddr() != 0) {
    state = RequestState::kRenewing;  // or REBINDING: same rules here
    target = m.ciaddr();
  } else {
    return Drop(DropReason::kBadRequest);
  }

  Lease* l = ex.shard.Find(ex.key);
  if (const uint32_t reserved = ReservedAddress(ex); reserved != 0) {
    if (target != reserved) return Nak(ex, out);
    ex.pool = ex.subnet->PoolFor(target);
    return Commit(ex, l, target, out);
  }
  // A client on the wrong network is told so (INIT-REBOOT), or its
  // RENEWING/REBINDING address is not ours to confirm.
  if (!MoveTo(ex, target)) return Nak(ex, out);
  if (ex.config.IsReserved(target)) return Nak(ex, out);  // someone else's reservation

  if (l != nullptr && l->address == target && CandidateById(ex, l->subnet_id) != nullptr) {
    if (HoldsAddress(l->state)) return Commit(ex, l, target, out);
    if ((l->state == LeaseState::kExpired || l->state == LeaseState::kReleased) &&
        ClaimCandidate(ex, target)) {
      return Commit(ex, l, target, out);
    }
    return Nak(ex, out);
  }
  const bool known = l != nullptr && l->state != LeaseState::kFree;
  if (state == RequestState::kInitReboot) {
    if (known && HoldsAddress(l->state)) return Nak(ex, out);  // its notion is wrong
    if (!known && !ex.subnet->config->authoritative) return Drop(DropReason::kUnknownClient);
  }
  // No record of this address for this client: take it if it is free.
  if (ClaimCandidate(ex, target)) return Commit(ex, l, target, out);
  return Nak(ex, out);
}

// ---------------------------------------------------------------- BOOTP

// RFC 951/1542 through Kea's BOOTP semantics: one request, one reply, and the
// address is bound at once with an infinite lifetime.
HandleResult HandleBootp(Exchange& ex, std::span<uint8_t> out) {
  if (!ex.shard.CanRecord(2)) return Drop(DropReason::kChangeRingFull);
  Lease* l = ex.shard.Find(ex.key);
  bool keep_bound = false;
  uint32_t addr = ExistingAddress(ex, l, keep_bound);
  if (addr == 0) addr = ClaimAny(ex);
  if (addr == 0) return Drop(DropReason::kPoolExhausted);
  if (l == nullptr) {
    l = ex.shard.Insert(ex.key);
  } else if (l->address != addr && l->state != LeaseState::kFree) {
    LeaveAddress(ex, *l);
  }
  l->state = LeaseState::kBound;
  l->address = addr;
  l->subnet_id = ex.subnet->id;
  l->valid = kInfiniteLifetime;
  l->expire = kInfiniteLifetime;
  const uint64_t seq = ex.shard.Record(ChangeOp::kPut, *l);
  HandleResult r = BuildReply(ex, out, MessageType::kNone, addr, nullptr);
  if (r.outcome == Outcome::kSend && ex.config.gate_replies()) {
    r.outcome = Outcome::kSendWhenDurable;
    r.durable_seq = seq;
  }
  return r;
}

// ---------------------------------------------------------------- DECLINE / RELEASE

HandleResult HandleDecline(Exchange& ex) {
  if (!ex.shard.CanRecord(2)) return Drop(DropReason::kChangeRingFull);
  const auto sid = ex.msg.ServerId();
  if (sid.has_value() && *sid != ex.server_id) return Drop(DropReason::kOtherServer);
  const auto addr = ex.msg.RequestedAddress();
  Lease* l = ex.shard.Find(ex.key);
  if (!addr || l == nullptr || l->address != *addr || !HoldsAddress(l->state)) {
    return Drop(DropReason::kNoLease);
  }
  // The address leaves the client: it is quarantined under a key of its own
  // (htype 0, hw = the address) so the client can get a new address at once.
  const uint32_t a = *addr;
  const uint32_t subnet_id = l->subnet_id;
  if (l->flags & leasedb::kLeasePersisted) ex.shard.Record(ChangeOp::kDelete, *l);
  ex.shard.Erase(l);
  const uint8_t a_bytes[4] = {uint8_t(a >> 24), uint8_t(a >> 16), uint8_t(a >> 8), uint8_t(a)};
  ClientKey qkey = ClientKey::Make(0, a_bytes, {}, false);
  Lease* q = ex.shard.Find(qkey);
  if (q == nullptr) q = ex.shard.Insert(qkey);
  q->state = LeaseState::kDeclined;
  q->address = a;
  q->subnet_id = subnet_id;
  q->valid = ex.config.dhcp4().decline_probation_period;
  q->expire = ex.ctx.now + q->valid;
  ex.shard.Record(ChangeOp::kPut, *q);
  return Consumed();
}

HandleResult HandleRelease(Exchange& ex) {
  if (!ex.shard.CanRecord(1)) return Drop(DropReason::kChangeRingFull);
  const auto sid = ex.msg.ServerId();
  if (sid.has_value() && *sid != ex.server_id) return Drop(DropReason::kOtherServer);
  Lease* l = ex.shard.Find(ex.key);
  if (l == nullptr || l->address != ex.msg.ciaddr() || l->state != LeaseState::kBound) {
    return Drop(DropReason::kNoLease);
  }
  FreeAddress(ex.config, l->address);
  l->state = LeaseState::kReleased;
  l->expire = ex.ctx.now;  // the affinity hold counts from now
  ex.shard.Record(ChangeOp::kPut, *l);
  return Consumed();
}

}  // namespace

const char* DropReasonName(DropReason r) {
  switch (r) {
#define FASTLEASE_X(name, str) \
  case DropReason::name:       \
    return str;
    FASTLEASE_DHCP4_DROP_REASONS(FASTLEASE_X)
#undef FASTLEASE_X
    case DropReason::kCount:
      break;
  }
  return "unknown";
}

absl::StatusOr<std::shared_ptr<const ServerConfig>> CompileServerConfig(
    const config::Config& config, leasedb::PoolRegistry& pools) {
  absl::StatusOr<std::unique_ptr<ServerConfig>> c = ServerConfig::Compile(config, pools);
  if (!c.ok()) return c.status();
  return std::shared_ptr<const ServerConfig>(*std::move(c));
}

uint64_t ClientKeyHint(std::span<const uint8_t> payload) {
  if (payload.size() < kOptionsOffset) return 0;
  const uint8_t htype = payload[1];
  const uint8_t hlen = std::min<uint8_t>(payload[2], kChaddrSize);
  for (size_t i = kOptionsOffset; i + 1 < payload.size();) {
    const uint8_t code = payload[i];
    if (code == opt::kEnd) break;
    if (code == opt::kPad) {
      ++i;
      continue;
    }
    const size_t len = payload[i + 1];
    if (i + 2 + len > payload.size()) break;
    if (code == opt::kClientId && len > 0) {
      return leasedb::ClientKey::Make(htype, payload.subspan(28, hlen),
                                      payload.subspan(i + 2, len), true).hash;
    }
    i += 2 + len;
  }
  return leasedb::HwAddressHash(htype, payload.subspan(28, hlen));
}

uint32_t ShardOf(const Dhcp4Message& msg, uint32_t shard_count) {
  return leasedb::ShardIndexOf(leasedb::HwAddressHash(msg.htype(), msg.chaddr()), shard_count);
}

HandleResult HandleDhcp4(const ServerConfig& config, LeaseShard& shard, const Dhcp4Message& msg,
                         const RequestContext& ctx, std::span<uint8_t> reply) {
  if (msg.op() != kBootRequest) return Drop(DropReason::kNotRequest);
  const MessageType type = msg.type();
  if (type == MessageType::kNone && !config.dhcp4().bootp) {
    return Drop(DropReason::kBootpDisabled);
  }
  switch (type) {
    case MessageType::kNone: case MessageType::kDiscover: case MessageType::kRequest:
    case MessageType::kDecline: case MessageType::kRelease: case MessageType::kInform:
      break;
    default:
      return Drop(DropReason::kUnexpectedType);
  }
  Exchange ex{config, shard, msg, ctx};
  if (const DropReason why = Prepare(ex); why != DropReason::kCount) return Drop(why);
  switch (type) {
    case MessageType::kNone:
      return HandleBootp(ex, reply);
    case MessageType::kDiscover:
      return HandleDiscover(ex, reply);
    case MessageType::kRequest:
      return HandleRequest(ex, reply);
    case MessageType::kDecline:
      return HandleDecline(ex);
    case MessageType::kRelease:
      return HandleRelease(ex);
    default:  // kInform
      return BuildReply(ex, reply, MessageType::kAck, 0, nullptr);
  }
}

}  // namespace fastlease::dhcp4
