// Expiry, reload and recovery: the parts of a lease's life that happen between
// requests. See server.h for the contracts.
#include <algorithm>

#include "dataplane/dhcp4/server.h"
#include "dataplane/dhcp4/server_config.h"

namespace fastlease::dhcp4 {
namespace {

using leasedb::ChangeOp;
using leasedb::Lease;
using leasedb::LeaseShard;
using leasedb::LeaseState;

void FreeAddress(const ServerConfig& cfg, uint32_t a) {
  if (cfg.IsReserved(a)) return;
  if (const CompiledPool* p = cfg.PoolFor(a)) p->pool->Free(a);
}

bool ClaimAddress(const ServerConfig& cfg, uint32_t a) {
  if (cfg.IsReserved(a)) return true;  // taken out of the pools at compile time
  const CompiledPool* p = cfg.PoolFor(a);
  // An address outside every pool (a removed pool) cannot be double-allocated.
  return p == nullptr || p->pool->ClaimSpecific(a);
}

}  // namespace

uint32_t ExpireSlice(const ServerConfig& config, LeaseShard& shard, uint32_t now) {
  const uint32_t slots = shard.slot_count();
  if (slots == 0) return 0;
  const config::Dhcp4Config& d = config.dhcp4();
  const uint32_t budget = std::min(d.max_reclaim_leases == 0 ? 100u : d.max_reclaim_leases, slots);
  uint32_t done = 0;
  for (uint32_t n = 0; n < budget; ++n) {
    if (shard.expiry_cursor >= slots) shard.expiry_cursor = 0;
    Lease& l = shard.slot(shard.expiry_cursor);
    switch (l.state) {
      case LeaseState::kFree:
        break;
      case LeaseState::kOffered:
        if (int32_t(now - l.expire) >= 0) {
          if (!shard.CanRecord()) return done;
          FreeAddress(config, l.address);
          if (l.flags & leasedb::kLeasePersisted) shard.Record(ChangeOp::kDelete, l);
          shard.Erase(&l);
          ++done;
        }
        break;
      case LeaseState::kBound:
        if (int32_t(now - l.expire) >= 0) {
          if (!shard.CanRecord()) return done;
          FreeAddress(config, l.address);
          l.state = LeaseState::kExpired;  // kept for affinity from `expire` on
          shard.Record(ChangeOp::kPut, l);
          ++done;
        }
        break;
      case LeaseState::kExpired:
      case LeaseState::kReleased:
        if (int32_t(now - l.expire) >= int32_t(d.hold_reclaimed_time)) {
          if (!shard.CanRecord()) return done;
          if (l.flags & leasedb::kLeasePersisted) shard.Record(ChangeOp::kDelete, l);
          shard.Erase(&l);
          ++done;
        }
        break;
      case LeaseState::kDeclined:
        if (int32_t(now - l.expire) >= 0) {
          if (!shard.CanRecord()) return done;
          FreeAddress(config, l.address);
          if (l.flags & leasedb::kLeasePersisted) shard.Record(ChangeOp::kDelete, l);
          shard.Erase(&l);
          ++done;
        }
        break;
    }
    ++shard.expiry_cursor;
  }
  return done;
}

void ClaimHeldAddresses(const ServerConfig& config, LeaseShard& shard) {
  for (uint32_t i = 0; i < shard.slot_count(); ++i) {
    const Lease& l = shard.slot(i);
    if (l.state == LeaseState::kOffered || l.state == LeaseState::kBound ||
        l.state == LeaseState::kDeclined) {
      ClaimAddress(config, l.address);
    }
  }
}

absl::StatusOr<RecoveryStats> RecoverLeases(const ServerConfig& config,
                                            const leasedb::LeaseStore& store,
                                            std::span<LeaseShard* const> shards,
                                            uint32_t now) {
  RecoveryStats stats;
  const uint32_t n = uint32_t(shards.size());
  auto forget = [&](LeaseShard& shard, Lease& l) {
    ++stats.dropped;
    if (shard.CanRecord()) shard.Record(ChangeOp::kDelete, l);
  };
  absl::Status st = store.ForEach([&](const Lease& stored) {
    ++stats.records;
    Lease l = stored;
    l.flags = leasedb::kLeasePersisted;
    l.persisted_state = stored.state;
    LeaseShard& shard = *shards[leasedb::ShardIndexOf(
        leasedb::HwAddressHash(l.htype, {l.hw, l.hlen}), n)];
    if (l.state == LeaseState::kOffered) {
      forget(shard, l);
      return;
    }
    if (l.state == LeaseState::kBound && int32_t(now - l.expire) >= 0) {
      l.state = LeaseState::kExpired;  // expired while we were down
    }
    if (l.state == LeaseState::kDeclined && int32_t(now - l.expire) >= 0) {
      forget(shard, l);
      return;
    }
    // One record per client: a client seen twice keeps its live or newest lease.
    Lease* existing = shard.FindLike(l);
    if (existing != nullptr) {
      const bool keep_new = (l.state == LeaseState::kBound && existing->state != LeaseState::kBound) ||
                            (l.state == existing->state && int32_t(l.expire - existing->expire) > 0);
      if (!keep_new) {
        forget(shard, l);
        return;
      }
      if (existing->state == LeaseState::kBound || existing->state == LeaseState::kDeclined) {
        FreeAddress(config, existing->address);
      }
      forget(shard, *existing);
      shard.Erase(existing);
    }
    if (l.state == LeaseState::kBound || l.state == LeaseState::kDeclined) {
      if (!ClaimAddress(config, l.address)) {
        // Two live records for one address cannot both be right; the one read
        // second yields (it was never acknowledged after the first, or is stale).
        l.state = LeaseState::kExpired;
      }
    }
    shard.InsertRecovered(l);
    switch (l.state) {
      case LeaseState::kBound: ++stats.bound; break;
      case LeaseState::kDeclined: ++stats.declined; break;
      default: ++stats.affinity; break;
    }
  });
  if (!st.ok()) return st;
  return stats;
}

}  // namespace fastlease::dhcp4

namespace fastlease::dhcp4 {
namespace {

leasedb::ClientKey KeyOf(const Lease& l) {
  leasedb::ClientKey k;
  k.kind = l.kind;
  k.htype = l.htype;
  k.hw = {l.hw, l.hlen};
  k.client_id = {l.client_id, std::min<size_t>(l.client_id_len, leasedb::kInlineClientIdSize)};
  k.hash = l.key_hash;
  return k;
}

LeaseCommandResult Error(const char* text) { return {1, text, 0}; }

}  // namespace

LeaseCommandResult AddLease(const ServerConfig& config, LeaseShard& shard, const Lease& wanted) {
  const CompiledSubnet* s = config.SubnetById(wanted.subnet_id);
  if (s == nullptr) return Error("no subnet with this subnet-id");
  if (!s->Contains(wanted.address)) return Error("the address is not in the subnet");
  if (config.IsReserved(wanted.address)) return Error("the address is reserved for a host");
  if (!shard.CanRecord(2)) return Error("the lease change ring is full; try again");
  Lease* l = shard.FindLike(wanted);
  if (l != nullptr && l->address == wanted.address &&
      (l->state == LeaseState::kBound || l->state == LeaseState::kDeclined)) {
    return Error("a lease for this address already exists");
  }
  if (l != nullptr && l->state == LeaseState::kBound) {
    return Error("the client already has a lease for another address");
  }
  const bool keeps_address = l != nullptr && l->address == wanted.address && leasedb::HoldsPoolSlot(l->state);
  if (!keeps_address && !ClaimAddress(config, wanted.address)) {
    return Error("the address is in use");
  }
  if (l == nullptr) {
    l = shard.Insert(KeyOf(wanted));
    l->client_id_len = wanted.client_id_len;
  } else if (l->address != wanted.address && l->state != LeaseState::kFree) {
    if (leasedb::HoldsPoolSlot(l->state)) FreeAddress(config, l->address);
    if (l->flags & leasedb::kLeasePersisted) shard.Record(ChangeOp::kDelete, *l, true);
  }
  l->state = LeaseState::kBound;
  l->address = wanted.address;
  l->subnet_id = wanted.subnet_id;
  l->valid = wanted.valid;
  l->expire = wanted.expire;
  return {0, "lease added", shard.Record(ChangeOp::kPut, *l, true)};
}

LeaseCommandResult UpdateLease(const ServerConfig& config, LeaseShard& shard,
                               const Lease& wanted) {
  const CompiledSubnet* s = config.SubnetById(wanted.subnet_id);
  if (s == nullptr) return Error("no subnet with this subnet-id");
  if (!s->Contains(wanted.address)) return Error("the address is not in the subnet");
  Lease* l = shard.FindLike(wanted);
  if (l == nullptr || l->address != wanted.address || l->state == LeaseState::kFree ||
      l->state == LeaseState::kOffered) {
    return {3, "no lease of this client at this address", 0};
  }
  if (!shard.CanRecord(1)) return Error("the lease change ring is full; try again");
  if (!leasedb::HoldsPoolSlot(l->state) && !ClaimAddress(config, wanted.address)) {
    return Error("the address is in use");
  }
  l->state = LeaseState::kBound;
  l->subnet_id = wanted.subnet_id;
  l->valid = wanted.valid;
  l->expire = wanted.expire;
  return {0, "lease updated", shard.Record(ChangeOp::kPut, *l, true)};
}

LeaseCommandResult DeleteLease(const ServerConfig& config, LeaseShard& shard, const Lease& stored) {
  if (!shard.CanRecord(1)) return Error("the lease change ring is full; try again");
  Lease* l = shard.FindLike(stored);
  if (l != nullptr && l->address == stored.address && l->state != LeaseState::kFree) {
    if (leasedb::HoldsPoolSlot(l->state)) FreeAddress(config, l->address);
    uint64_t seq = 0;
    if (l->flags & leasedb::kLeasePersisted) seq = shard.Record(ChangeOp::kDelete, *l, true);
    shard.Erase(l);
    return {0, "lease deleted", seq};
  }
  // The store holds a record the shard no longer tracks (an older address of a
  // client that moved on): remove the record only.
  Lease copy = stored;
  copy.flags = leasedb::kLeasePersisted;
  copy.persisted_state = stored.state;
  return {0, "lease deleted", shard.Record(ChangeOp::kDelete, copy, true)};
}

void WipeLeases(const ServerConfig& config, LeaseShard& shard, uint32_t subnet_id,
                uint32_t budget, uint32_t& cursor, uint64_t& deleted, uint64_t& last_seq) {
  shard.WipeSlots(subnet_id, budget, cursor, deleted, last_seq,
                  [&](const Lease& l) { FreeAddress(config, l.address); });
}

}  // namespace fastlease::dhcp4
