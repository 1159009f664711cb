// A DHCPv6 lease as a shard keeps it in memory, and the key it is found by.
//
// Lease6 is a 128-byte slot (two cache lines) in a shard's slab, owned by the
// shard's lcore: one IA binding — an IA_NA/IA_TA address or an IA_PD prefix — of one
// client, keyed by DUID + IAID + IA type. It holds the DUID inline up to
// kInlineDuidSize bytes; a longer DUID (legal up to 130 bytes, rare) is told apart by
// that prefix and the hash of all of it, and only its prefix is persisted.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <span>

#include "leasedb/lease.h"

namespace fastlease::leasedb {

// What a v6 lease binds (dhcp6::IaType has the same values).
enum class Lease6Type : uint8_t { kNa = 0, kTa = 1, kPd = 2 };
const char* Lease6TypeName(Lease6Type t);  // "IA_NA", "IA_TA", "IA_PD"

inline constexpr size_t kInlineDuidSize = 70;

// A view of an IA's identity in a request. Cheap to build; bytes are borrowed.
struct ClientKey6 {
  std::span<const uint8_t> duid;
  uint32_t iaid = 0;
  Lease6Type type = Lease6Type::kNa;
  uint64_t hash = 0;
  static ClientKey6 Make(std::span<const uint8_t> duid, uint32_t iaid, Lease6Type type);
};

// The hash of a DUID alone: picks a v6 client's shard (every IA of one client
// meets in one shard, and a recovered lease finds its shard without the packet).
uint64_t DuidHash(std::span<const uint8_t> duid);

struct alignas(64) Lease6 {
  std::array<uint8_t, 16> address{};  // the address, or the delegated prefix
  uint32_t expire = 0;      // seconds since epoch: valid-lifetime end, offer end, quarantine end
  uint32_t valid = 0;       // valid lifetime granted (cltt = expire - valid)
  uint32_t preferred = 0;   // preferred lifetime granted
  uint32_t subnet_id = 0;
  uint64_t key_hash = 0;    // ClientKey6::hash
  uint64_t duid_hash = 0;   // DuidHash(duid): the shard choice
  uint32_t iaid = 0;
  LeaseState state = LeaseState::kFree;
  Lease6Type type = Lease6Type::kNa;
  uint8_t prefix_len = 128;  // 128 for addresses
  uint8_t flags = 0;         // kLeasePersisted
  LeaseState persisted_state = LeaseState::kFree;
  uint8_t duid_len = 0;      // full length (may exceed the inline part)
  uint8_t duid[kInlineDuidSize] = {};

  bool Matches(const ClientKey6& key) const;
  bool SameClient(const Lease6& other) const;
  void SetIdentity(const ClientKey6& key);
  std::span<const uint8_t> inline_duid() const {
    return {duid, duid_len < kInlineDuidSize ? duid_len : kInlineDuidSize};
  }
  uint32_t cltt() const { return expire - valid; }
};
static_assert(sizeof(Lease6) == 128, "Lease6 must stay two cache lines");

}  // namespace fastlease::leasedb
