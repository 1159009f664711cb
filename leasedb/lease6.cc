#include "leasedb/lease6.h"

#include <algorithm>

namespace fastlease::leasedb {
namespace {
constexpr uint64_t kSeedDuid = 0x94d049bb133111ebull;
constexpr uint64_t kSeedIa = 0xbf58476d1ce4e5b9ull;
}  // namespace

const char* Lease6TypeName(Lease6Type t) {
  switch (t) {
    case Lease6Type::kNa: return "IA_NA";
    case Lease6Type::kTa: return "IA_TA";
    case Lease6Type::kPd: return "IA_PD";
  }
  return "unknown";
}

uint64_t DuidHash(std::span<const uint8_t> duid) { return HashBytes(duid, kSeedDuid); }

ClientKey6 ClientKey6::Make(std::span<const uint8_t> duid, uint32_t iaid, Lease6Type type) {
  ClientKey6 k;
  k.duid = duid.size() > 255 ? duid.first(255) : duid;
  k.iaid = iaid;
  k.type = type;
  const uint8_t tail[5] = {uint8_t(iaid >> 24), uint8_t(iaid >> 16), uint8_t(iaid >> 8),
                           uint8_t(iaid), uint8_t(type)};
  k.hash = HashBytes(tail, DuidHash(k.duid) ^ kSeedIa);
  return k;
}

bool Lease6::Matches(const ClientKey6& key) const {
  if (key_hash != key.hash || iaid != key.iaid || type != key.type ||
      duid_len != key.duid.size()) {
    return false;
  }
  return std::memcmp(duid, key.duid.data(), std::min<size_t>(duid_len, kInlineDuidSize)) == 0;
}

bool Lease6::SameClient(const Lease6& o) const {
  return key_hash == o.key_hash && iaid == o.iaid && type == o.type && duid_len == o.duid_len &&
         std::memcmp(duid, o.duid, sizeof duid) == 0;
}

void Lease6::SetIdentity(const ClientKey6& key) {
  key_hash = key.hash;
  duid_hash = DuidHash(key.duid);
  iaid = key.iaid;
  type = key.type;
  duid_len = uint8_t(key.duid.size());
  std::memset(duid, 0, sizeof duid);
  if (duid_len != 0) {
    std::memcpy(duid, key.duid.data(), std::min<size_t>(duid_len, kInlineDuidSize));
  }
}

}  // namespace fastlease::leasedb
