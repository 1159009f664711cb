#include "leasedb/lease.h"

#include <algorithm>
#include <cstring>

namespace fastlease::leasedb {
namespace {

constexpr uint64_t kSeedClientId = 0x9e3779b97f4a7c15ull;
constexpr uint64_t kSeedHwAddress = 0xc2b2ae3d27d4eb4full;

inline uint64_t Mix(uint64_t a, uint64_t b) {
  const __uint128_t r = __uint128_t(a) * b;
  return uint64_t(r) ^ uint64_t(r >> 64);
}

inline uint64_t Read64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace

const char* LeaseStateName(LeaseState s) {
  switch (s) {
    case LeaseState::kFree: return "free";
    case LeaseState::kOffered: return "offered";
    case LeaseState::kBound: return "bound";
    case LeaseState::kExpired: return "expired-reclaimed";
    case LeaseState::kReleased: return "released";
    case LeaseState::kDeclined: return "declined";
  }
  return "unknown";
}

uint64_t HashBytes(std::span<const uint8_t> bytes, uint64_t seed) {
  const uint8_t* p = bytes.data();
  size_t n = bytes.size();
  uint64_t h = seed ^ Mix(n + 0xa0761d6478bd642full, 0xe7037ed1a0b428dbull);
  while (n >= 8) {
    h = Mix(h ^ Read64(p), 0x8ebc6af09c88c6e3ull);
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  for (size_t i = 0; i < n; ++i) tail |= uint64_t(p[i]) << (8 * i);
  h = Mix(h ^ tail, 0x589965cc75374cc3ull);
  return Mix(h, 0x1d8e4e27c47d124full) ^ h;
}

uint64_t HwAddressHash(uint8_t htype, std::span<const uint8_t> hw) {
  return HashBytes(hw, kSeedHwAddress + htype);
}

ClientKey ClientKey::Make(uint8_t htype, std::span<const uint8_t> hw,
                          std::span<const uint8_t> client_id, bool match_client_id) {
  ClientKey k;
  k.htype = htype;
  k.hw = hw.size() > kMaxHwAddressSize ? hw.first(kMaxHwAddressSize) : hw;
  if (match_client_id && !client_id.empty()) {
    k.kind = KeyKind::kClientId;
    k.client_id = client_id.size() > 255 ? client_id.first(255) : client_id;
    k.hash = HashBytes(k.client_id, kSeedClientId);
  } else {
    k.kind = KeyKind::kHwAddress;
    k.hash = HwAddressHash(htype, k.hw);
  }
  return k;
}

bool Lease::Matches(const ClientKey& key) const {
  if (key_hash != key.hash || kind != key.kind) return false;
  if (kind == KeyKind::kHwAddress) {
    return htype == key.htype && hlen == key.hw.size() &&
           std::memcmp(hw, key.hw.data(), hlen) == 0;
  }
  if (client_id_len != key.client_id.size()) return false;
  const size_t inline_len = std::min<size_t>(client_id_len, kInlineClientIdSize);
  return std::memcmp(client_id, key.client_id.data(), inline_len) == 0;
}

bool Lease::SameClient(const Lease& o) const {
  return key_hash == o.key_hash && kind == o.kind && htype == o.htype && hlen == o.hlen &&
         std::memcmp(hw, o.hw, hlen) == 0 && client_id_len == o.client_id_len &&
         std::memcmp(client_id, o.client_id, sizeof client_id) == 0;
}

void Lease::SetIdentity(const ClientKey& key) {
  key_hash = key.hash;
  kind = key.kind;
  htype = key.htype;
  hlen = uint8_t(key.hw.size());
  std::memset(hw, 0, sizeof hw);
  if (hlen != 0) std::memcpy(hw, key.hw.data(), hlen);
  client_id_len = uint8_t(key.client_id.size());
  std::memset(client_id, 0, sizeof client_id);
  if (client_id_len != 0) {  // an empty span may have a null data(): no memcpy
    std::memcpy(client_id, key.client_id.data(),
                std::min<size_t>(key.client_id.size(), kInlineClientIdSize));
  }
}

}  // namespace fastlease::leasedb
