// A DHCPv4 lease as a shard keeps it in memory, and the client key it is found by.
//
// Lease is a 64-byte slot in a shard's slab, owned by the shard's lcore. It holds
// the client's identity compactly: a 64-bit hash of the full key, the hardware
// address, and up to kInlineClientIdSize bytes of the client-id. Two keys are the
// same client when kind, hash, length and the inline prefix all match (a longer
// client-id is matched on its prefix plus the hash of all of it).
#pragma once

#include <cstdint>
#include <cstring>
#include <span>

namespace fastlease::leasedb {

enum class LeaseState : uint8_t {
  kFree = 0,       // slot unused
  kOffered = 1,    // address held for an OFFER until offer-lifetime passes
  kBound = 2,      // ACKed
  kExpired = 3,    // reclaimed after expiry; kept for affinity (hold-reclaimed-time)
  kReleased = 4,   // released by the client; kept for affinity
  kDeclined = 5,   // address declined; quarantined until `expire`
};
const char* LeaseStateName(LeaseState s);
// Offered, bound and declined leases take their address's (or prefix's) pool slot.
inline bool HoldsPoolSlot(LeaseState s) {
  return s == LeaseState::kOffered || s == LeaseState::kBound || s == LeaseState::kDeclined;
}

// What the client is known by: option 61 or htype+chaddr.
enum class KeyKind : uint8_t { kClientId = 0, kHwAddress = 1 };

inline constexpr size_t kInlineClientIdSize = 16;
inline constexpr size_t kMaxHwAddressSize = 16;

// A view of a client's identity in a request. Cheap to build; bytes are borrowed.
struct ClientKey {
  KeyKind kind = KeyKind::kHwAddress;
  uint8_t htype = 1;
  std::span<const uint8_t> hw;         // chaddr[0..hlen)
  std::span<const uint8_t> client_id;  // empty unless kind == kClientId
  uint64_t hash = 0;

  // Builds the key per match-client-id: the client-id when present and honoured.
  static ClientKey Make(uint8_t htype, std::span<const uint8_t> hw,
                        std::span<const uint8_t> client_id, bool match_client_id);
  std::span<const uint8_t> identity() const {
    return kind == KeyKind::kClientId ? client_id : hw;
  }
};

// 64-bit hash of a byte string (wyhash-style mixing; stable across runs, so it
// may be persisted). `seed` separates key kinds.
uint64_t HashBytes(std::span<const uint8_t> bytes, uint64_t seed);

// The hash of htype+hardware address: the key hash of a hw-keyed client, and what
// picks a client's shard (so a recovered lease finds its shard without the packet).
uint64_t HwAddressHash(uint8_t htype, std::span<const uint8_t> hw);
inline uint32_t ShardIndexOf(uint64_t hw_hash, uint32_t shard_count) {
  return uint32_t(hw_hash % shard_count);
}

inline constexpr uint8_t kLeasePersisted = 1;

struct alignas(64) Lease {
  uint32_t address = 0;    // host order
  uint32_t expire = 0;     // seconds since epoch: lease end, offer end, or quarantine end
  uint32_t valid = 0;      // valid lifetime granted (cltt = expire - valid)
  uint32_t subnet_id = 0;
  uint64_t key_hash = 0;
  LeaseState state = LeaseState::kFree;
  KeyKind kind = KeyKind::kHwAddress;
  uint8_t htype = 0;
  uint8_t hlen = 0;
  uint8_t hw[kMaxHwAddressSize] = {};
  uint8_t client_id_len = 0;  // full length of the client-id (may exceed the inline part)
  uint8_t client_id[kInlineClientIdSize] = {};
  uint8_t flags = 0;  // kLeasePersisted: the store holds a record of this lease
  // The state the store holds for this lease (kFree: no record); kept by
  // LeaseShard::Record so each change knows what it replaces (lease events).
  LeaseState persisted_state = LeaseState::kFree;
  uint8_t pad_ = 0;

  bool Matches(const ClientKey& key) const;
  // Same client identity as `other` (used when both come from the store).
  bool SameClient(const Lease& other) const;
  void SetIdentity(const ClientKey& key);
  uint32_t cltt() const { return expire - valid; }
};
static_assert(sizeof(Lease) == 64, "Lease must stay one cache line");

}  // namespace fastlease::leasedb
