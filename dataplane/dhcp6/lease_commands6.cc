// lease6-add/-update/-del/-wipe on the owning lcore (see server6.h).
#include <algorithm>

#include "dataplane/dhcp6/server6.h"

namespace fastlease::dhcp6 {

using leasedb::ChangeOp;
using leasedb::ClientKey6;
using leasedb::Lease6;
using leasedb::Lease6Shard;
using leasedb::Lease6Type;
using leasedb::LeaseState;

namespace {

ClientKey6 KeyOf(const Lease6& l) {
  ClientKey6 k;
  k.duid = l.inline_duid();
  k.iaid = l.iaid;
  k.type = l.type;
  k.hash = l.key_hash;
  return k;
}

LeaseCommandResult Error(const char* text) { return {1, text, 0}; }

// Checks `wanted` against its subnet; null when fine, else why not.
const char* CheckPlacement(const ServerConfig6& config, const Lease6& wanted) {
  const CompiledSubnet6* s = config.SubnetById(wanted.subnet_id);
  if (s == nullptr) return "no subnet with this subnet-id";
  if (wanted.type != Lease6Type::kPd &&
      !InPrefix(wanted.address, s->config->prefix, s->config->prefix_len)) {
    return "the address is not in the subnet";
  }
  return nullptr;
}

// Takes the pool bit of `wanted`'s address/prefix when it lies in a pool of its
// subnet. False when the bit is already taken (someone else holds it).
bool ClaimPlacement(const ServerConfig6& config, const Lease6& wanted) {
  const CompiledSubnet6* s = config.SubnetById(wanted.subnet_id);
  int64_t slot = 0;
  const CompiledPool6* p = config.PoolOf(*s, wanted.address, wanted.prefix_len, &slot);
  return p == nullptr || p->pool->ClaimSpecific(uint32_t(slot + 1));
}

}  // namespace

LeaseCommandResult AddLease6(const ServerConfig6& config, Lease6Shard& shard, const Lease6& wanted) {
  if (const char* why = CheckPlacement(config, wanted)) return Error(why);
  if (config.IsReserved(wanted.address)) return Error("the address is reserved for a host");
  if (!shard.CanRecord(2)) return Error("the lease change ring is full; try again");
  Lease6* l = shard.FindLike(wanted);
  if (l != nullptr && (l->state == LeaseState::kBound || l->state == LeaseState::kDeclined)) {
    return Error(l->address == wanted.address ? "a lease for this address already exists"
                                              : "the IA already has a lease for another address");
  }
  const bool keeps = l != nullptr && l->address == wanted.address &&
                     l->prefix_len == wanted.prefix_len && leasedb::HoldsPoolSlot(l->state);
  if (!keeps && !ClaimPlacement(config, wanted)) return Error("the address is in use");
  if (l == nullptr) {
    l = shard.Insert(KeyOf(wanted));
    if (l == nullptr) {
      Lease6 undo = wanted;
      FreeHeld(config, undo);
      return Error("the shard has no free lease slot");
    }
    l->duid_len = wanted.duid_len;
  } else if (!keeps && l->state != LeaseState::kFree) {
    if (leasedb::HoldsPoolSlot(l->state)) FreeHeld(config, *l);
    if (l->flags & leasedb::kLeasePersisted) shard.Record(ChangeOp::kDelete, *l, true);
  }
  l->state = LeaseState::kBound;
  l->address = wanted.address;
  l->prefix_len = wanted.prefix_len;
  l->subnet_id = wanted.subnet_id;
  l->valid = wanted.valid;
  l->preferred = wanted.preferred;
  l->expire = wanted.expire;
  return {0, "lease added", shard.Record(ChangeOp::kPut, *l, true)};
}

LeaseCommandResult UpdateLease6(const ServerConfig6& config, Lease6Shard& shard,
                                const Lease6& wanted) {
  if (const char* why = CheckPlacement(config, wanted)) return Error(why);
  Lease6* l = shard.FindLike(wanted);
  if (l == nullptr || l->address != wanted.address || l->prefix_len != wanted.prefix_len ||
      l->state == LeaseState::kFree || l->state == LeaseState::kOffered) {
    return {3, "no lease of this IA at this address", 0};
  }
  if (!shard.CanRecord(1)) return Error("the lease change ring is full; try again");
  if (!leasedb::HoldsPoolSlot(l->state) && !config.IsReserved(wanted.address) && !ClaimPlacement(config, wanted)) {
    return Error("the address is in use");
  }
  l->state = LeaseState::kBound;
  l->subnet_id = wanted.subnet_id;
  l->valid = wanted.valid;
  l->preferred = wanted.preferred;
  l->expire = wanted.expire;
  return {0, "lease updated", shard.Record(ChangeOp::kPut, *l, true)};
}

LeaseCommandResult DeleteLease6(const ServerConfig6& config, Lease6Shard& shard,
                                const Lease6& stored, bool if_held) {
  if (!shard.CanRecord(1)) return Error("the lease change ring is full; try again");
  Lease6* l = shard.FindLike(stored);
  if (l != nullptr && l->address == stored.address && l->state != LeaseState::kFree) {
    if (leasedb::HoldsPoolSlot(l->state)) FreeHeld(config, *l);
    uint64_t seq = 0;
    if (l->flags & leasedb::kLeasePersisted) seq = shard.Record(ChangeOp::kDelete, *l, true);
    shard.Erase(l);
    return {0, "lease deleted", seq};
  }
  if (if_held) return {3, "not held by this shard", 0};
  // A record the shard no longer tracks (an older address of an IA that moved
  // on, or a quarantine kept by another shard): remove the record only.
  Lease6 copy = stored;
  copy.flags = leasedb::kLeasePersisted;
  copy.persisted_state = stored.state;
  return {0, "lease deleted", shard.Record(ChangeOp::kDelete, copy, true)};
}

void WipeLeases6(const ServerConfig6& config, Lease6Shard& shard, uint32_t subnet_id,
                 uint32_t budget, uint32_t& cursor, uint64_t& deleted, uint64_t& last_seq) {
  shard.WipeSlots(subnet_id, budget, cursor, deleted, last_seq,
                  [&](const Lease6& l) { FreeHeld(config, l); });
}

}  // namespace fastlease::dhcp6
