#include "dataplane/dhcp4/server.h"

#include <algorithm>

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

// The facts of one request, gathered once and passed to every step.
struct Exchange {
  const ServerConfig& config;
  LeaseShard& shard;
  const Dhcp4Message& msg;
  const RequestContext& ctx;
  const CompiledSubnet* subnet = nullptr;
  const CompiledReservation* reservation = nullptr;
  ClientKey key;
  uint32_t server_id = 0;
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

// RFC 2131 §4.3.1 subnet selection: the relay's giaddr, else the client's
// ciaddr when it has one on a known subnet, else the receiving interface.
const CompiledSubnet* SelectSubnet(const ServerConfig& cfg, const Dhcp4Message& msg,
                                   const RequestContext& ctx) {
  if (msg.giaddr() != 0) return cfg.SubnetFor(msg.giaddr(), /*as_relay=*/true);
  if (msg.ciaddr() != 0) {
    if (const CompiledSubnet* s = cfg.SubnetFor(msg.ciaddr())) return s;
  }
  return cfg.SubnetFor(ctx.local_address);
}

bool Prepare(Exchange& ex) {
  ex.subnet = SelectSubnet(ex.config, ex.msg, ex.ctx);
  if (ex.subnet == nullptr) return false;
  const std::span<const uint8_t> hw = ex.msg.chaddr();
  const std::span<const uint8_t> cid = ex.msg.ClientId();
  ex.key = ClientKey::Make(ex.msg.htype(), hw, cid, ex.subnet->config->match_client_id);
  if (!ex.subnet->reservations.empty()) {
    ex.reservation = ex.subnet->FindReservation(hw, cid);
  }
  ex.server_id = ex.subnet->server_id != 0 ? ex.subnet->server_id : ex.ctx.local_address;
  return true;
}

// Returns `a` to its pool unless it is reserved.
void FreeAddress(const ServerConfig& cfg, uint32_t a) {
  if (cfg.IsReserved(a)) return;
  if (const CompiledPool* p = cfg.PoolFor(a)) p->pool->Free(a);
}

bool ClaimInSubnet(const CompiledSubnet& s, uint32_t a) {
  const CompiledPool* p = s.PoolFor(a);
  return p != nullptr && p->pool->ClaimSpecific(a);
}

// Lifetimes granted for this exchange (client's option 51 within [min, max]).
struct Times {
  uint32_t valid, t1, t2;
};
Times GrantTimes(const CompiledSubnet& s, const Dhcp4Message& msg) {
  const config::Subnet4& c = *s.config;
  Times t{c.valid_lifetime, 0, 0};
  if (auto asked = msg.LeaseTime()) {
    t.valid = std::clamp(*asked, c.min_valid_lifetime, c.max_valid_lifetime);
  }
  if (c.renew_timer != 0 || c.rebind_timer != 0) {
    t.t1 = c.renew_timer;
    t.t2 = c.rebind_timer;
  } else if (c.calculate_tee_times) {
    t.t1 = uint32_t(double(t.valid) * c.t1_percent);
    t.t2 = uint32_t(double(t.valid) * c.t2_percent);
  }
  if (t.t2 != 0 && t.t2 >= t.valid) t.t2 = 0;
  if (t.t1 != 0 && (t.t1 >= t.valid || (t.t2 != 0 && t.t1 >= t.t2))) t.t1 = 0;
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

// Writes the reply: managed options, then options in PRL order, then basic and
// always-send options not asked for, then the client-id echo, then option 82.
HandleResult BuildReply(const Exchange& ex, std::span<uint8_t> out, MessageType type,
                        uint32_t yiaddr, const Times* times) {
  const Dhcp4Message& m = ex.msg;
  HandleResult r;
  r.reply_type = type;
  r.to = AddressReply(ex, type, yiaddr);

  const bool nak = type == MessageType::kNak;
  const bool inform = m.type() == MessageType::kInform;
  const uint32_t ciaddr = nak ? 0 : m.ciaddr();
  const uint32_t siaddr = nak ? 0 : ex.subnet->config->next_server;
  Dhcp4Builder b(out, ReplySizeLimit(m, out.size()));
  b.StartReply(m, type, ciaddr, nak || inform ? 0 : yiaddr, siaddr);
  if (nak && m.giaddr() != 0) b.SetFlags(uint16_t(m.flags() | kFlagBroadcast));

  const std::span<const uint8_t> relay_info = m.RelayAgentInfo();
  const bool echo_relay = m.Has(opt::kRelayAgentInfo) && m.giaddr() != 0;
  // Room for option 82 as RFC 3396 splits it: 2 header bytes per 255 data bytes,
  // and at least one header for an empty option.
  const size_t relay_tlv =
      echo_relay ? relay_info.size() + 2 * std::max<size_t>(1, (relay_info.size() + 254) / 255) : 0;
  b.ReserveTail(relay_tlv);

  b.AddAddress(opt::kServerId, ex.server_id);
  if (!nak) {
    if (times != nullptr) {
      b.AddU32(opt::kLeaseTime, times->valid);
      if (times->t1 != 0) b.AddU32(opt::kRenewalTime, times->t1);
      if (times->t2 != 0) b.AddU32(opt::kRebindingTime, times->t2);
    }
    b.AddAddress(opt::kSubnetMask, ex.subnet->mask);

    const OptionSet& options =
        ex.reservation != nullptr ? ex.reservation->options
        : [&]() -> const OptionSet& {
            if (const CompiledPool* p = ex.subnet->PoolFor(yiaddr)) return p->options;
            return ex.subnet->options;
          }();
    // Track what went out so nothing is sent twice (PRL may repeat codes).
    uint64_t sent[4] = {};
    auto mark = [&](uint8_t c) {
      const bool was = (sent[c >> 6] >> (c & 63)) & 1;
      sent[c >> 6] |= uint64_t{1} << (c & 63);
      return was;
    };
    auto send = [&](uint8_t c) {
      if (IsServerManaged(c) || mark(c)) return;
      if (const config::OptionData* o = options.Find(c)) b.AddOption(c, o->data);
    };
    for (uint8_t c : m.ParameterRequestList()) send(c);
    for (uint8_t c : kBasicOptions) send(c);
    for (const config::OptionData& o : options.all()) {
      if (o.always_send) send(o.code);
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

HandleResult Nak(const Exchange& ex, std::span<uint8_t> out) {
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

// ---------------------------------------------------------------- DISCOVER

HandleResult HandleDiscover(Exchange& ex, std::span<uint8_t> out) {
  if (!ex.shard.CanRecord(1)) return Drop(DropReason::kChangeRingFull);
  const CompiledSubnet& s = *ex.subnet;
  Lease* l = ex.shard.Find(ex.key);
  const uint32_t now = ex.ctx.now;
  uint32_t addr = 0;
  bool keep_state = false;  // a bound lease re-offered stays bound

  if (ex.reservation != nullptr && ex.reservation->reservation->ip_address != 0) {
    addr = ex.reservation->reservation->ip_address;
    keep_state = l != nullptr && l->address == addr && l->state == LeaseState::kBound;
  } else if (l != nullptr && l->subnet_id == s.id && HoldsAddress(l->state) &&
             !ex.config.IsReserved(l->address)) {
    addr = l->address;
    keep_state = l->state == LeaseState::kBound;
  } else if (l != nullptr && l->subnet_id == s.id &&
             (l->state == LeaseState::kExpired || l->state == LeaseState::kReleased) &&
             ClaimInSubnet(s, l->address)) {
    addr = l->address;  // affinity: the returning client gets its address back
  } else {
    if (auto want = ex.msg.RequestedAddress(); want && s.Contains(*want) &&
                                               !ex.config.IsReserved(*want) &&
                                               ClaimInSubnet(s, *want)) {
      addr = *want;
    }
    for (size_t i = 0; addr == 0 && i < s.pools.size(); ++i) {
      addr = s.pools[i].pool->Claim(ex.shard.index());
    }
    if (addr == 0) return Drop(DropReason::kPoolExhausted);
  }

  if (l == nullptr) {
    l = ex.shard.Insert(ex.key);
  } else if (l->address != addr) {
    LeaveAddress(ex, *l);
  }
  const Times times = GrantTimes(s, ex.msg);
  if (!keep_state) {
    l->state = LeaseState::kOffered;
    l->address = addr;
    l->subnet_id = s.id;
    l->valid = times.valid;
    l->expire = now + ex.config.dhcp4().offer_lifetime;
  }
  return BuildReply(ex, out, MessageType::kOffer, addr, &times);
}

// ---------------------------------------------------------------- REQUEST

enum class RequestState { kSelecting, kInitReboot, kRenewing };

HandleResult Commit(Exchange& ex, Lease* l, uint32_t addr, std::span<uint8_t> out) {
  const CompiledSubnet& s = *ex.subnet;
  if (l == nullptr) {
    l = ex.shard.Insert(ex.key);
  } else if (l->address != addr && l->state != LeaseState::kFree) {
    LeaveAddress(ex, *l);
  }
  const Times times = GrantTimes(s, ex.msg);
  l->state = LeaseState::kBound;
  l->address = addr;
  l->subnet_id = s.id;
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

  const CompiledSubnet& s = *ex.subnet;
  // A client on the wrong network is told so (INIT-REBOOT), or its
  // RENEWING/REBINDING address is not ours to confirm.
  if (!s.Contains(target)) return Nak(ex, out);

  Lease* l = ex.shard.Find(ex.key);
  if (ex.reservation != nullptr && ex.reservation->reservation->ip_address != 0) {
    if (target != ex.reservation->reservation->ip_address) return Nak(ex, out);
    return Commit(ex, l, target, out);
  }
  if (ex.config.IsReserved(target)) return Nak(ex, out);  // someone else's reservation

  if (l != nullptr && l->address == target && l->subnet_id == s.id) {
    if (HoldsAddress(l->state)) return Commit(ex, l, target, out);
    if ((l->state == LeaseState::kExpired || l->state == LeaseState::kReleased) &&
        ClaimInSubnet(s, target)) {
      return Commit(ex, l, target, out);
    }
    return Nak(ex, out);
  }
  const bool known = l != nullptr && l->state != LeaseState::kFree;
  if (state == RequestState::kInitReboot) {
    if (known && HoldsAddress(l->state)) return Nak(ex, out);  // its notion is wrong
    if (!known && !s.config->authoritative) return Drop(DropReason::kUnknownClient);
  }
  // No record of this address for this client: take it if it is free.
  if (ClaimInSubnet(s, target)) return Commit(ex, l, target, out);
  return Nak(ex, out);
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
  return std::shared_ptr<const ServerConfig>(std::make_shared<ServerConfig>(config, pools));
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
  if (type == MessageType::kNone) return Drop(DropReason::kNoMessageType);
  Exchange ex{config, shard, msg, ctx};
  switch (type) {
    case MessageType::kDiscover:
      if (!Prepare(ex)) return Drop(DropReason::kNoSubnet);
      return HandleDiscover(ex, reply);
    case MessageType::kRequest:
      if (!Prepare(ex)) return Drop(DropReason::kNoSubnet);
      return HandleRequest(ex, reply);
    case MessageType::kDecline:
      if (!Prepare(ex)) return Drop(DropReason::kNoSubnet);
      return HandleDecline(ex);
    case MessageType::kRelease:
      if (!Prepare(ex)) return Drop(DropReason::kNoSubnet);
      return HandleRelease(ex);
    case MessageType::kInform:
      if (!Prepare(ex)) return Drop(DropReason::kNoSubnet);
      return BuildReply(ex, reply, MessageType::kAck, 0, nullptr);
    default:
      return Drop(DropReason::kUnexpectedType);
  }
}

}  // namespace fastlease::dhcp4
