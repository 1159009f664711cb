// DHCPv6 message handling (RFC 8415 §18.3), expiry and recovery.
#include "dataplane/dhcp6/server6.h"

#include <algorithm>
#include <cstring>

#include "dataplane/dhcp6/builder6.h"

namespace fastlease::dhcp6 {

using leasedb::ChangeOp;
using leasedb::ClientKey6;
using leasedb::Lease6;
using leasedb::Lease6Shard;
using leasedb::Lease6Type;
using leasedb::LeaseState;

const char* DropReason6Name(DropReason6 r) {
  switch (r) {
#define FASTLEASE_X(name, str) \
  case DropReason6::name:      \
    return str;
    FASTLEASE_DHCP6_DROP_REASONS(FASTLEASE_X)
#undef FASTLEASE_X
    case DropReason6::kCount:
      break;
  }
  return "unknown";
}

uint32_t ShardOf6(const Dhcp6Message& msg, uint32_t shard_count) {
  const std::span<const uint8_t> duid = msg.ClientId();
  if (duid.empty() || shard_count <= 1) return 0;
  return uint32_t(leasedb::DuidHash(duid) % shard_count);
}

namespace {

// The DUID a quarantined (declined) address is kept under: type 0xffff (no real
// DUID has it) then the address, so it never meets a client's key.
ClientKey6 QuarantineKey(const Ip6& address, Lease6Type type, std::array<uint8_t, 18>& buf) {
  buf[0] = 0xff;
  buf[1] = 0xff;
  std::memcpy(buf.data() + 2, address.data(), 16);
  return ClientKey6::Make(buf, 0, type);
}


// The end of a lifetime starting now; an infinite (0xffffffff, RFC 8415 §7.7) or
// too long one ends at the last representable second instead of wrapping.
uint32_t ExpiryOf(uint32_t now, uint32_t lifetime) {
  return lifetime >= UINT32_MAX - now ? UINT32_MAX : now + lifetime;
}

struct Lifetimes {
  uint32_t preferred = 0;
  uint32_t valid = 0;
  uint32_t t1 = 0;
  uint32_t t2 = 0;
};

uint32_t Clamp(uint32_t want, uint32_t dflt, uint32_t lo, uint32_t hi) {
  const uint32_t v = want == 0 ? dflt : want;
  return std::min(std::max(v, lo), hi);
}

Lifetimes LifetimesFor(const config::Subnet6& s, const Ia& ia) {
  Lifetimes t;
  uint32_t want_pref = 0, want_valid = 0;
  if (ia.entry_count > 0) {
    want_pref = ia.entries[0].preferred;
    want_valid = ia.entries[0].valid;
  }
  t.valid = Clamp(want_valid, s.valid_lifetime, s.min_valid_lifetime, s.max_valid_lifetime);
  t.preferred = Clamp(want_pref, s.preferred_lifetime, s.min_preferred_lifetime,
                      s.max_preferred_lifetime);
  if (t.preferred > t.valid) t.preferred = t.valid;
  if (s.renew_timer != 0 || s.rebind_timer != 0) {
    t.t1 = s.renew_timer;
    t.t2 = s.rebind_timer;
  } else if (s.calculate_tee_times) {
    t.t1 = uint32_t(double(t.preferred) * s.t1_percent);
    t.t2 = uint32_t(double(t.preferred) * s.t2_percent);
  }
  if (t.t2 != 0 && t.t1 > t.t2) t.t1 = t.t2;
  return t;
}

Lease6Type TypeOf(IaType t) {
  return t == IaType::kPd ? Lease6Type::kPd : t == IaType::kTa ? Lease6Type::kTa : Lease6Type::kNa;
}
uint16_t OptionOf(IaType t) {
  return t == IaType::kPd ? opt::kIaPd : t == IaType::kTa ? opt::kIaTa : opt::kIaNa;
}
StatusCode NoneAvail(IaType t) {
  return t == IaType::kPd ? StatusCode::kNoPrefixAvail : StatusCode::kNoAddrsAvail;
}

// Everything one request needs while its reply is built.
struct Exchange {
  const ServerConfig6& cfg;
  Lease6Shard& shard;
  const Dhcp6Message& msg;
  const RequestContext6& ctx;
  Dhcp6Builder& b;
  std::array<const CompiledSubnet6*, 64> candidates{};
  size_t candidate_count = 0;
  const config::Reservation6* reservation = nullptr;
  bool commit = false;  // Request, Renew, Rebind, rapid Solicit: leases are written
  uint64_t last_seq = 0;
  uint8_t addresses = 0;
  uint8_t prefixes = 0;
  uint8_t reserved_na_used = 0;
  uint8_t reserved_pd_used = 0;
};

const CompiledSubnet6* SubnetOf(const Exchange& x, uint32_t id) {
  for (size_t i = 0; i < x.candidate_count; ++i) {
    if (x.candidates[i]->id == id) return x.candidates[i];
  }
  return nullptr;
}

bool OnLink(const Exchange& x, const Ip6& a) {
  for (size_t i = 0; i < x.candidate_count; ++i) {
    const config::Subnet6& s = *x.candidates[i]->config;
    if (InPrefix(a, s.prefix, s.prefix_len)) return true;
  }
  return false;
}

}  // namespace

void FreeHeld(const ServerConfig6& cfg, const Lease6& l) {
  if (cfg.IsReserved(l.address)) return;
  const CompiledSubnet6* s = cfg.SubnetById(l.subnet_id);
  if (s == nullptr) return;
  int64_t slot = 0;
  if (const CompiledPool6* p = cfg.PoolOf(*s, l.address, l.prefix_len, &slot)) {
    p->pool->Free(uint32_t(slot + 1));
  }
}

namespace {

uint64_t Record(Exchange& x, ChangeOp op, Lease6& l) {
  x.last_seq = x.shard.Record(op, l);
  return x.last_seq;
}

// Opens an IA option: IAID, then T1/T2 (not in an IA_TA). Returns the handle for EndOption.
size_t BeginIa(Exchange& x, const Ia& ia, uint32_t t1, uint32_t t2) {
  const size_t h = x.b.BeginOption(OptionOf(ia.type));
  x.b.AddU32(ia.iaid);
  if (ia.type != IaType::kTa) {
    x.b.AddU32(t1);
    x.b.AddU32(t2);
  }
  return h;
}

// The lease's IA Address, or its IA Prefix with the pool's PD_EXCLUDE (the excluded
// prefix sits at the same offset inside every delegated prefix); counted.
void AddLeaseEntry(Exchange& x, const Ia& ia, const Lease6& l, const Lifetimes& t,
                   const CompiledPool6* pool) {
  const std::span<const uint8_t, 16> address(l.address);
  if (ia.type != IaType::kPd) {
    x.b.AddIaAddress(address, t.preferred, t.valid);
    ++x.addresses;
    return;
  }
  // RFC 6603 §4.2: the exclusion goes only to a client that asked for it (ORO), as Kea does.
  if (pool != nullptr && pool->excluded_len != 0 && x.msg.Requests(opt::kPdExclude)) {
    const U128 offset = ToU128(pool->excluded) - pool->first;
    const uint8_t host_bits = uint8_t(128 - pool->slot_len);
    const U128 within = host_bits >= 128 ? offset : offset & ((U128(1) << host_bits) - 1);
    const Ip6 excluded = FromU128(ToU128(l.address) + within);
    x.b.AddIaPrefix(address, l.prefix_len, t.preferred, t.valid,
                    std::span<const uint8_t, 16>(excluded), pool->excluded_len);
  } else {
    x.b.AddIaPrefix(address, l.prefix_len, t.preferred, t.valid);
  }
  ++x.prefixes;
}

// The entries the client listed in `ia`, with lifetimes 0 (it may no longer use
// them, §18.3.4/5), except `keep` (the lease it does keep; null: none).
void AddWithdrawnEntries(Exchange& x, const Ia& ia, const Ip6* keep) {
  for (size_t i = 0; i < ia.entry_count; ++i) {
    const IaEntry& e = ia.entries[i];
    if (keep != nullptr && e.address == *keep) continue;
    if (ia.type == IaType::kPd) {
      x.b.AddIaPrefix(std::span<const uint8_t, 16>(e.address), e.prefix_len, 0, 0);
    } else {
      x.b.AddIaAddress(std::span<const uint8_t, 16>(e.address), 0, 0);
    }
  }
}

// Writes one IA with its address or prefix (lifetimes `t`), or with a status.
void EmitIa(Exchange& x, const Ia& ia, const Lease6* l, const Lifetimes& t,
            const CompiledPool6* pool) {
  const size_t h = BeginIa(x, ia, l != nullptr ? t.t1 : 0, l != nullptr ? t.t2 : 0);
  if (l != nullptr) {
    AddLeaseEntry(x, ia, *l, t, pool);
  } else {
    x.b.AddStatus(NoneAvail(ia.type), ia.type == IaType::kPd ? "no prefixes available"
                                                             : "no addresses available");
  }
  x.b.EndOption(h);
}

// Writes an IA with a status code and no leases (NoBinding and friends).
void EmitIaStatus(Exchange& x, const Ia& ia, StatusCode code, std::string_view text) {
  const size_t h = BeginIa(x, ia, 0, 0);
  x.b.AddStatus(code, text);
  x.b.EndOption(h);
}

// Writes an IA whose entries the client may no longer use (lifetimes 0, §18.3.4/5).
void EmitIaWithdrawn(Exchange& x, const Ia& ia) {
  const size_t h = BeginIa(x, ia, 0, 0);
  AddWithdrawnEntries(x, ia, nullptr);
  x.b.EndOption(h);
}

// Is `l` (held by this client) still good on this link: its subnet is a candidate
// and the address is in one of its pools, or reserved for the client.
const CompiledPool6* StillValid(const Exchange& x, const Lease6& l, bool* ok) {
  *ok = false;
  const CompiledSubnet6* s = SubnetOf(x, l.subnet_id);
  if (s == nullptr) return nullptr;
  int64_t slot = 0;
  const CompiledPool6* p = x.cfg.PoolOf(*s, l.address, l.prefix_len, &slot);
  if (p != nullptr) {
    *ok = true;
    return p;
  }
  if (x.cfg.IsReserved(l.address) && x.reservation != nullptr) *ok = true;
  return nullptr;
}

// A reserved address/prefix of the client for the next IA of this type, if any.
bool ReservedFor(Exchange& x, Lease6Type type, Ip6* out, uint8_t* len,
                 const CompiledSubnet6** subnet) {
  if (x.reservation == nullptr) return false;
  const config::Reservation6& r = *x.reservation;
  if (type == Lease6Type::kNa) {
    if (x.reserved_na_used >= r.ip_addresses.size()) return false;
    *out = r.ip_addresses[x.reserved_na_used++];
    *len = 128;
  } else if (type == Lease6Type::kPd) {
    if (x.reserved_pd_used >= r.prefixes.size()) return false;
    *out = r.prefixes[x.reserved_pd_used].first;
    *len = r.prefixes[x.reserved_pd_used].second;
    ++x.reserved_pd_used;
  } else {
    return false;
  }
  for (size_t i = 0; i < x.candidate_count; ++i) {
    const config::Subnet6& s = *x.candidates[i]->config;
    if (InPrefix(*out, s.prefix, s.prefix_len)) {
      *subnet = x.candidates[i];
      return true;
    }
  }
  *subnet = x.candidates[0];  // a global reservation outside every prefix: the selected subnet
  return true;
}

// Finds or makes the lease for one IA_NA/IA_PD: the client's current one when still
// valid, its reservation, its hint when free, else any free slot of the candidate
// subnets' pools in order (shared-network spill-over). Null when none is left.
Lease6* Acquire(Exchange& x, const Ia& ia, const ClientKey6& key, const CompiledPool6** pool_out,
                const CompiledSubnet6** subnet_out) {
  const Lease6Type type = TypeOf(ia.type);
  const uint8_t want_len = type == Lease6Type::kPd ? 0 : 128;
  Lease6* l = x.shard.Find(key);
  if (l != nullptr && l->state != LeaseState::kFree) {
    bool ok = false;
    const CompiledPool6* p = StillValid(x, *l, &ok);
    if (ok) {
      if (l->state == LeaseState::kOffered || l->state == LeaseState::kBound) {
        *pool_out = p;
        *subnet_out = SubnetOf(x, l->subnet_id);
        return l;
      }
      // Expired or released, kept for affinity: the same address if still free.
      int64_t slot = 0;
      const CompiledSubnet6* s = SubnetOf(x, l->subnet_id);
      if (p != nullptr && s != nullptr && x.cfg.PoolOf(*s, l->address, l->prefix_len, &slot) &&
          p->pool->ClaimSpecific(uint32_t(slot + 1))) {
        *pool_out = p;
        *subnet_out = s;
        return l;
      }
    } else if (l->state == LeaseState::kOffered || l->state == LeaseState::kBound) {
      // Held on another link: let it go (the store learns at the next record).
      FreeHeld(x.cfg, *l);
      l->state = LeaseState::kExpired;
    }
  }
  Ip6 chosen{};
  uint8_t chosen_len = 128;
  const CompiledSubnet6* subnet = nullptr;
  const CompiledPool6* pool = nullptr;
  bool found = ReservedFor(x, type, &chosen, &chosen_len, &subnet);
  if (found) {
    // A reservation inside a pool (its bit taken at compile time, never claimed
    // here) still gets the pool's PD_EXCLUDE, as it does on Renew.
    int64_t slot = 0;
    pool = x.cfg.PoolOf(*subnet, chosen, chosen_len, &slot);
  }
  // The client's hint (first entry), when it is in a candidate pool and free.
  if (!found && ia.entry_count > 0) {
    const IaEntry& e = ia.entries[0];
    for (size_t i = 0; i < x.candidate_count && !found; ++i) {
      int64_t slot = 0;
      const uint8_t len = type == Lease6Type::kPd ? e.prefix_len : 128;
      const CompiledPool6* p = x.cfg.PoolOf(*x.candidates[i], e.address, len, &slot);
      if (p != nullptr && p->pool->ClaimSpecific(uint32_t(slot + 1))) {
        chosen = FromU128(p->SlotValue(uint64_t(slot)));
        chosen_len = p->slot_len;
        subnet = x.candidates[i];
        pool = p;
        found = true;
      }
    }
  }
  for (size_t i = 0; i < x.candidate_count && !found; ++i) {
    const CompiledSubnet6& s = *x.candidates[i];
    for (const CompiledPool6& p : type == Lease6Type::kPd ? s.pd_pools : s.pools) {
      (void)want_len;
      const uint32_t bit = p.pool->Claim(x.shard.index());
      if (bit == 0) continue;
      chosen = FromU128(p.SlotValue(bit - 1));
      chosen_len = p.slot_len;
      subnet = &s;
      pool = &p;
      found = true;
      break;
    }
  }
  if (!found) return nullptr;
  if (l != nullptr && (l->flags & leasedb::kLeasePersisted) &&
      (l->address != chosen || l->prefix_len != chosen_len) && x.shard.CanRecord()) {
    // The store keys a lease by its address: the record at the old one goes (else
    // recovery would meet two records of this IA and might keep the stale one).
    x.shard.Record(ChangeOp::kDelete, *l);
  }
  if (l == nullptr) l = x.shard.Insert(key);
  if (l == nullptr) {
    if (pool != nullptr && !x.cfg.IsReserved(chosen)) {
      int64_t slot = pool->SlotOf(ToU128(chosen));
      if (slot >= 0) pool->pool->Free(uint32_t(slot + 1));
    }
    return nullptr;
  }
  l->address = chosen;
  l->prefix_len = chosen_len;
  l->subnet_id = subnet->id;
  l->state = LeaseState::kFree;  // set by the caller
  *pool_out = pool;
  *subnet_out = subnet;
  return l;
}

// ORO-requested options (and always-send ones): reservation, then subnet (network
// merged), then global. Each code once.
void AddConfiguredOptions(Exchange& x, const CompiledSubnet6* subnet) {
  std::array<uint16_t, 64> sent{};
  size_t sent_count = 0;
  auto already = [&](uint16_t code) {
    for (size_t i = 0; i < sent_count; ++i) {
      if (sent[i] == code) return true;
    }
    return false;
  };
  const std::vector<config::OptionData6>* levels[3] = {
      x.reservation != nullptr ? &x.reservation->options : nullptr,
      subnet != nullptr ? subnet->options : nullptr, &x.cfg.global_options()};
  // As in Kea, a code is wanted when the client requests it or any level sends it
  // always; the most specific level that defines it then gives the value.
  auto always = [&](uint16_t code) {
    for (const auto* level : levels) {
      if (level == nullptr) continue;
      for (const config::OptionData6& o : *level) {
        if (o.code == code && o.always_send) return true;
      }
    }
    return false;
  };
  for (const auto* level : levels) {
    if (level == nullptr) continue;
    for (const config::OptionData6& o : *level) {
      if (already(o.code)) continue;
      if (!x.msg.Requests(o.code) && !always(o.code)) continue;
      if (sent_count < sent.size()) sent[sent_count++] = o.code;
      x.b.AddOption(o.code, o.data);
    }
  }
}

void StartReply(Exchange& x, MessageType type) {
  x.b.StartReply(x.msg, type);
  x.b.AddOption(opt::kServerId, x.cfg.server_duid());
  if (x.msg.Has(opt::kClientId)) x.b.AddOption(opt::kClientId, x.msg.ClientId());
}

HandleResult6 Finish(Exchange& x, MessageType type) {
  HandleResult6 r;
  const size_t n = x.b.Finish();
  if (n == 0) {
    r.drop = DropReason6::kReplyTooLarge;
    return r;
  }
  r.length = uint32_t(n);
  r.reply_type = type;
  r.addresses = x.addresses;
  r.prefixes = x.prefixes;
  // Under durability none replies are not gated (the store may lose them anyway).
  const bool gated = x.cfg.config().dhcp4.lease_database.durability != config::Durability::kNone;
  r.outcome = x.last_seq != 0 && gated ? Outcome6::kSendWhenDurable : Outcome6::kSend;
  r.durable_seq = x.last_seq;
  return r;
}

HandleResult6 Drop(DropReason6 why) {
  HandleResult6 r;
  r.drop = why;
  return r;
}

bool ServerIdIsOurs(const Exchange& x) {
  const std::span<const uint8_t> sid = x.msg.ServerId();
  const std::vector<uint8_t>& ours = x.cfg.server_duid();
  return std::equal(sid.begin(), sid.end(), ours.begin(), ours.end());
}

// Solicit (Advertise, or Reply under Rapid Commit) and Request: one lease per IA.
HandleResult6 Allocate(Exchange& x, MessageType reply_type, bool rapid) {
  const CompiledSubnet6* first = x.candidates[0];
  const uint32_t now = x.ctx.now;
  StartReply(x, reply_type);
  for (const Ia& ia : x.msg.ias()) {
    if (ia.type == IaType::kTa) {
      EmitIa(x, ia, nullptr, {}, nullptr);
      continue;
    }
    const ClientKey6 key = ClientKey6::Make(x.msg.ClientId(), ia.iaid, TypeOf(ia.type));
    const CompiledPool6* pool = nullptr;
    const CompiledSubnet6* subnet = nullptr;
    Lease6* l = Acquire(x, ia, key, &pool, &subnet);
    if (l == nullptr) {
      EmitIa(x, ia, nullptr, {}, nullptr);
      continue;
    }
    const Lifetimes t = LifetimesFor(*subnet->config, ia);
    if (x.commit) {
      l->state = LeaseState::kBound;
      l->valid = t.valid;
      l->preferred = t.preferred;
      l->expire = ExpiryOf(now, t.valid);
      Record(x, ChangeOp::kPut, *l);
    } else {
      if (l->state != LeaseState::kBound) {
        l->state = LeaseState::kOffered;
        l->expire = now + x.cfg.offer_lifetime();
        l->valid = t.valid;
        l->preferred = t.preferred;
      }
    }
    EmitIa(x, ia, l, t, pool);
  }
  if (rapid) x.b.AddEmptyOption(opt::kRapidCommit);
  if (reply_type == MessageType::kAdvertise && x.cfg.config().dhcp6.preference != 0) {
    x.b.AddU8Option(opt::kPreference, uint8_t(x.cfg.config().dhcp6.preference));
  }
  AddConfiguredOptions(x, first);
  return Finish(x, reply_type);
}

// Renew and Rebind: extend what the client holds (§18.3.4, §18.3.5).
HandleResult6 Extend(Exchange& x, bool rebind) {
  const uint32_t now = x.ctx.now;
  StartReply(x, MessageType::kReply);
  bool any_known = false;
  for (const Ia& ia : x.msg.ias()) {
    if (ia.type == IaType::kTa) {
      EmitIa(x, ia, nullptr, {}, nullptr);
      continue;
    }
    const ClientKey6 key = ClientKey6::Make(x.msg.ClientId(), ia.iaid, TypeOf(ia.type));
    Lease6* l = x.shard.Find(key);
    bool ok = false;
    const CompiledPool6* pool = nullptr;
    if (l != nullptr && l->state == LeaseState::kBound) pool = StillValid(x, *l, &ok);
    if (!ok && rebind) {
      // Rebind of an IA we have no binding for: bind its hint when it is on the
      // link and free (RFC 8415 §18.3.5 allows it), else withdraw what it holds.
      bool hints_on_link = ia.entry_count > 0;
      for (size_t i = 0; i < ia.entry_count; ++i) {
        hints_on_link &= OnLink(x, ia.entries[i].address);
      }
      const CompiledSubnet6* subnet = nullptr;
      Lease6* got = hints_on_link ? Acquire(x, ia, key, &pool, &subnet) : nullptr;
      if (got == nullptr) {
        EmitIaWithdrawn(x, ia);
        continue;
      }
      l = got;
      ok = true;
    } else if (!ok && l != nullptr && l->state == LeaseState::kBound && ia.entry_count > 0) {
      // A binding that is not appropriate for this link (the client moved, or the
      // pool went): its addresses go back with lifetimes 0 (§18.3.4).
      EmitIaWithdrawn(x, ia);
      continue;
    } else if (!ok) {
      EmitIaStatus(x, ia, StatusCode::kNoBinding, "no binding for this IA");
      continue;
    }
    any_known = true;
    const CompiledSubnet6* s = SubnetOf(x, l->subnet_id);
    const Lifetimes t = LifetimesFor(*(s != nullptr ? s : x.candidates[0])->config, ia);
    l->state = LeaseState::kBound;
    l->valid = t.valid;
    l->preferred = t.preferred;
    l->expire = ExpiryOf(now, t.valid);
    Record(x, ChangeOp::kPut, *l);
    // The lease, then any other address the client listed, withdrawn.
    const size_t h = BeginIa(x, ia, t.t1, t.t2);
    AddLeaseEntry(x, ia, *l, t, pool);
    AddWithdrawnEntries(x, ia, &l->address);
    x.b.EndOption(h);
  }
  if (rebind && !any_known && x.msg.ias().size() > 0 && x.addresses == 0 && x.prefixes == 0) {
    // Nothing we know and nothing we could bind: the withdrawn entries still tell
    // the client to stop (when it listed any); with no entries at all, say nothing.
    bool listed = false;
    for (const Ia& ia : x.msg.ias()) listed |= ia.entry_count > 0;
    if (!listed) return Drop(DropReason6::kRebindUnknown);
  }
  AddConfiguredOptions(x, x.candidates[0]);
  return Finish(x, MessageType::kReply);
}

// Release and Decline (§18.3.7, §18.3.8).
HandleResult6 ReleaseOrDecline(Exchange& x, bool decline) {
  const uint32_t now = x.ctx.now;
  StartReply(x, MessageType::kReply);
  for (const Ia& ia : x.msg.ias()) {
    const ClientKey6 key = ClientKey6::Make(x.msg.ClientId(), ia.iaid, TypeOf(ia.type));
    Lease6* l = x.shard.Find(key);
    bool listed = false;
    if (l != nullptr && (l->state == LeaseState::kBound || l->state == LeaseState::kOffered)) {
      for (size_t i = 0; i < ia.entry_count; ++i) listed |= ia.entries[i].address == l->address;
    }
    if (!listed) {
      EmitIaStatus(x, ia, StatusCode::kNoBinding, "no binding for this IA");
      continue;
    }
    if (decline) {
      // The address goes into quarantine under a lease of its own; the client's
      // IA forgets it (it will Solicit again).
      std::array<uint8_t, 18> buf;
      const ClientKey6 qk = QuarantineKey(l->address, l->type, buf);
      Lease6* q = x.shard.Find(qk);
      if (q == nullptr) q = x.shard.Insert(qk);
      if (q != nullptr) {
        q->address = l->address;
        q->prefix_len = l->prefix_len;
        q->subnet_id = l->subnet_id;
        q->state = LeaseState::kDeclined;
        q->valid = x.cfg.config().dhcp6.decline_probation_period;
        q->preferred = 0;
        q->expire = ExpiryOf(now, q->valid);
        Record(x, ChangeOp::kPut, *q);
      } else {
        FreeHeld(x.cfg, *l);
      }
      if (l->flags & leasedb::kLeasePersisted) Record(x, ChangeOp::kDelete, *l);
      x.shard.Erase(l);
    } else {
      FreeHeld(x.cfg, *l);
      l->state = LeaseState::kReleased;
      l->expire = now;
      l->preferred = 0;
      Record(x, ChangeOp::kPut, *l);
    }
  }
  x.b.AddStatus(StatusCode::kSuccess, decline ? "decline received" : "release received");
  return Finish(x, MessageType::kReply);
}

HandleResult6 Confirm(Exchange& x) {
  size_t listed = 0;
  bool all_on_link = true;
  for (const Ia& ia : x.msg.ias()) {
    if (ia.type == IaType::kPd) continue;
    for (size_t i = 0; i < ia.entry_count; ++i) {
      ++listed;
      all_on_link &= OnLink(x, ia.entries[i].address);
    }
  }
  if (listed == 0) return Drop(DropReason6::kConfirmNothing);
  StartReply(x, MessageType::kReply);
  if (all_on_link) {
    x.b.AddStatus(StatusCode::kSuccess, "all addresses are on-link");
  } else {
    x.b.AddStatus(StatusCode::kNotOnLink, "some addresses are not on-link");
  }
  return Finish(x, MessageType::kReply);
}

}  // namespace

HandleResult6 HandleDhcp6(const ServerConfig6& cfg, Lease6Shard& shard, const Dhcp6Message& msg,
                          const RequestContext6& ctx, std::span<uint8_t> reply) {
  Dhcp6Builder b(reply);
  Exchange x{cfg, shard, msg, ctx, b};
  const MessageType type = msg.type();
  const bool has_client = msg.Has(opt::kClientId);
  const bool has_server = msg.Has(opt::kServerId);

  // Validation (RFC 8415 §16). Solicit, Confirm, Rebind and Information-Request
  // must come to ff02::1:2 (a relay's unicast is fine).
  if (ctx.unicast && msg.relay_depth() == 0 &&
      (type == MessageType::kSolicit || type == MessageType::kConfirm ||
       type == MessageType::kRebind || type == MessageType::kInformationRequest)) {
    return Drop(DropReason6::kUnicast);
  }
  switch (type) {
    case MessageType::kSolicit:
    case MessageType::kConfirm:
    case MessageType::kRebind:
      if (!has_client) return Drop(DropReason6::kNoClientId);
      if (has_server) return Drop(DropReason6::kServerIdInSolicit);
      break;
    case MessageType::kRequest:
    case MessageType::kRenew:
    case MessageType::kRelease:
    case MessageType::kDecline:
      if (!has_client) return Drop(DropReason6::kNoClientId);
      if (!has_server) return Drop(DropReason6::kNoServerId);
      if (!ServerIdIsOurs(x)) return Drop(DropReason6::kOtherServer);
      break;
    case MessageType::kInformationRequest:
      if (has_server && !ServerIdIsOurs(x)) return Drop(DropReason6::kOtherServer);
      if (!msg.ias().empty()) return Drop(DropReason6::kIaInInformationRequest);  // §16.12
      break;
    default:
      return Drop(DropReason6::kNotHandled);
  }

  // A client that was not told it may unicast (we never send Server Unicast) is
  // told to use multicast (§18.3.2, .4, .7, .8).
  if (ctx.unicast && msg.relay_depth() == 0 &&
      (type == MessageType::kRequest || type == MessageType::kRenew ||
       type == MessageType::kRelease || type == MessageType::kDecline)) {
    StartReply(x, MessageType::kReply);
    b.AddStatus(StatusCode::kUseMulticast, "use multicast");
    return Finish(x, MessageType::kReply);
  }

  const CompiledSubnet6* subnet = cfg.Select(msg, ctx);
  if (type == MessageType::kInformationRequest) {
    if (subnet != nullptr && has_client) x.reservation = cfg.FindReservation(*subnet, msg.ClientId());
    StartReply(x, MessageType::kReply);
    AddConfiguredOptions(x, subnet);
    return Finish(x, MessageType::kReply);
  }
  if (subnet == nullptr) return Drop(DropReason6::kNoSubnet);
  x.candidate_count = cfg.Candidates(subnet, x.candidates);
  x.reservation = cfg.FindReservation(*subnet, msg.ClientId());
  if (x.reservation == nullptr) {
    for (size_t i = 1; i < x.candidate_count && x.reservation == nullptr; ++i) {
      x.reservation = cfg.FindReservation(*x.candidates[i], msg.ClientId());
    }
  }

  const size_t writes = msg.ias().size() * 2;
  auto room = [&] { return shard.CanRecord(writes == 0 ? 1 : writes); };
  switch (type) {
    case MessageType::kSolicit: {
      const bool rapid = msg.RapidCommit() && subnet->config->rapid_commit;
      if (rapid && !room()) return Drop(DropReason6::kChangeRingFull);
      x.commit = rapid;
      return Allocate(x, rapid ? MessageType::kReply : MessageType::kAdvertise, rapid);
    }
    case MessageType::kRequest:
      if (!room()) return Drop(DropReason6::kChangeRingFull);
      x.commit = true;
      return Allocate(x, MessageType::kReply, false);
    case MessageType::kRenew:
    case MessageType::kRebind:
      if (!room()) return Drop(DropReason6::kChangeRingFull);
      x.commit = true;
      return Extend(x, type == MessageType::kRebind);
    case MessageType::kRelease:
    case MessageType::kDecline:
      if (!room()) return Drop(DropReason6::kChangeRingFull);
      return ReleaseOrDecline(x, type == MessageType::kDecline);
    case MessageType::kConfirm:
      return Confirm(x);
    default:
      return Drop(DropReason6::kNotHandled);
  }
}

uint32_t ExpireSlice6(const ServerConfig6& cfg, Lease6Shard& shard, uint32_t now,
                      uint32_t budget) {
  uint32_t changed = 0;
  const uint32_t hold = cfg.config().dhcp6.hold_reclaimed_time;
  for (uint32_t n = 0; n < budget && shard.slot_count() > 0; ++n) {
    if (shard.expiry_cursor >= shard.slot_count()) shard.expiry_cursor = 0;
    Lease6& l = shard.slot(shard.expiry_cursor++);
    switch (l.state) {
      case LeaseState::kFree:
        break;
      case LeaseState::kOffered:
        if (now >= l.expire) {
          FreeHeld(cfg, l);
          if (l.flags & leasedb::kLeasePersisted) {
            if (!shard.CanRecord()) return changed;
            shard.Record(ChangeOp::kDelete, l);
          }
          shard.Erase(&l);
          ++changed;
        }
        break;
      case LeaseState::kBound:
        if (now >= l.expire) {
          if (!shard.CanRecord()) return changed;
          FreeHeld(cfg, l);
          l.state = LeaseState::kExpired;
          shard.Record(ChangeOp::kPut, l);
          ++changed;
        }
        break;
      case LeaseState::kDeclined:
        if (now >= l.expire) {
          if (!shard.CanRecord()) return changed;
          // Probation over: the address goes back to its pool.
          const CompiledSubnet6* s = cfg.SubnetById(l.subnet_id);
          int64_t slot = 0;
          const CompiledPool6* p = s != nullptr ? cfg.PoolOf(*s, l.address, l.prefix_len, &slot) : nullptr;
          if (p != nullptr && !cfg.IsReserved(l.address)) p->pool->Free(uint32_t(slot + 1));
          shard.Record(ChangeOp::kDelete, l);
          shard.Erase(&l);
          ++changed;
        }
        break;
      case LeaseState::kExpired:
      case LeaseState::kReleased:
        if (now >= l.expire + hold) {
          if (!shard.CanRecord()) return changed;
          if (l.flags & leasedb::kLeasePersisted) shard.Record(ChangeOp::kDelete, l);
          shard.Erase(&l);
          ++changed;
        }
        break;
    }
  }
  return changed;
}

void ClaimHeldLeases6(const ServerConfig6& cfg, Lease6Shard& shard) {
  for (uint32_t i = 0; i < shard.slot_count(); ++i) {
    Lease6& l = shard.slot(i);
    if (l.state != LeaseState::kBound && l.state != LeaseState::kOffered &&
        l.state != LeaseState::kDeclined) {
      continue;
    }
    const CompiledSubnet6* s = cfg.SubnetById(l.subnet_id);
    int64_t slot = 0;
    const CompiledPool6* p = s != nullptr ? cfg.PoolOf(*s, l.address, l.prefix_len, &slot) : nullptr;
    if (p != nullptr) p->pool->ClaimSpecific(uint32_t(slot + 1));
  }
}

absl::StatusOr<RecoveryStats6> RecoverLeases6(const ServerConfig6& cfg,
                                              const leasedb::LeaseStore& store,
                                              std::span<Lease6Shard* const> shards, uint32_t now) {
  RecoveryStats6 st;
  const uint32_t hold = cfg.config().dhcp6.hold_reclaimed_time;
  absl::Status s = store.ForEach6([&](const Lease6& stored) {
    ++st.records;
    Lease6Shard& shard = *shards[stored.duid_hash % shards.size()];
    Lease6 l = stored;
    l.flags = leasedb::kLeasePersisted;
    l.persisted_state = stored.state;
    auto drop = [&] {
      ++st.dropped;
      Lease6* tmp = shard.InsertRecovered(l);
      if (shard.CanRecord()) shard.Record(ChangeOp::kDelete, *tmp);
      shard.Erase(tmp);
    };
    if (shard.FindLike(l) != nullptr) return drop();  // a duplicate of the same IA
    const CompiledSubnet6* subnet = cfg.SubnetById(l.subnet_id);
    int64_t slot = 0;
    const CompiledPool6* p =
        subnet != nullptr ? cfg.PoolOf(*subnet, l.address, l.prefix_len, &slot) : nullptr;
    if (l.state == LeaseState::kBound && now >= l.expire) l.state = LeaseState::kExpired;
    if ((l.state == LeaseState::kExpired || l.state == LeaseState::kReleased) &&
        now >= l.expire + hold) {
      return drop();
    }
    if (l.state == LeaseState::kBound || l.state == LeaseState::kDeclined) {
      // Reserved ones were taken out of the pool when the config was compiled.
      if (p != nullptr && !cfg.IsReserved(l.address) && !p->pool->ClaimSpecific(uint32_t(slot + 1))) {
        return drop();  // conflict
      }
      if (p == nullptr && !cfg.IsReserved(l.address) && l.state == LeaseState::kBound &&
          !IsQuarantine(l)) {
        // Outside today's pools and not reserved: kept until it expires (Kea keeps
        // leases of removed pools too), but nothing is claimed.
      }
      ++st.bound;
    }
    shard.InsertRecovered(l);
  });
  if (!s.ok()) return s;
  return st;
}

}  // namespace fastlease::dhcp6
