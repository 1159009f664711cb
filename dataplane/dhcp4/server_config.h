// ServerConfig: a config::Config compiled for the fast path.
//
// Immutable once built; shared by every worker through a shared_ptr that is
// swapped between bursts on reload. Lookups used per packet (subnet by address,
// options by code, reservations by identifier) are arrays, sorted vectors or
// hash maps with heterogeneous lookup: none allocates.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "control/config/config.h"
#include "leasedb/address_pool.h"

namespace fastlease::dhcp4 {

// Options applicable to a reply, resolved by code (one level: reservation, pool,
// subnet and global already merged, the most specific winning).
class OptionSet {
 public:
  void Add(const config::OptionData& o);  // replaces an option with the same code
  const config::OptionData* Find(uint8_t code) const {
    const uint16_t i = index_[code];
    return i == 0 ? nullptr : &options_[i - 1];
  }
  const std::vector<config::OptionData>& all() const { return options_; }

 private:
  std::array<uint16_t, 256> index_{};
  std::vector<config::OptionData> options_;
};

struct CompiledPool {
  std::shared_ptr<leasedb::AddressPool> pool;
  OptionSet options;  // subnet + pool
};

struct CompiledReservation {
  const config::Reservation* reservation;
  OptionSet options;  // subnet + reservation
};

struct CompiledSubnet {
  const config::Subnet4* config;
  uint32_t id;
  uint32_t prefix;
  uint32_t mask;
  uint32_t broadcast;
  std::vector<CompiledPool> pools;
  OptionSet options;  // subnet + global
  uint32_t server_id;  // option 54 configured for the subnet, else 0 (use the port's)
  // Reservations by hw-address bytes and by client-id bytes.
  absl::flat_hash_map<std::string, CompiledReservation*> by_hw;
  absl::flat_hash_map<std::string, CompiledReservation*> by_client_id;
  std::vector<std::unique_ptr<CompiledReservation>> reservations;

  bool Contains(uint32_t a) const { return (a & mask) == prefix; }
  const CompiledPool* PoolFor(uint32_t a) const;
  const CompiledReservation* FindReservation(std::span<const uint8_t> hw,
                                             std::span<const uint8_t> client_id) const;
};

class ServerConfig {
 public:
  ServerConfig(const config::Config& config, leasedb::PoolRegistry& pools);

  const config::Config& config() const { return config_; }
  const config::Dhcp4Config& dhcp4() const { return config_.dhcp4; }
  bool gate_replies() const {
    return config_.dhcp4.lease_database.durability != config::Durability::kNone;
  }
  // The subnet containing `a` (or whose relay addresses list `a` when
  // `as_relay`), else nullptr.
  const CompiledSubnet* SubnetFor(uint32_t a, bool as_relay = false) const;
  const CompiledSubnet* SubnetById(uint32_t id) const;
  // The pool holding `a` in any subnet, else nullptr.
  const CompiledPool* PoolFor(uint32_t a) const;
  bool IsReserved(uint32_t a) const { return reserved_.contains(a); }
  std::span<const CompiledSubnet> subnets() const { return subnets_; }

 private:
  config::Config config_;
  std::vector<CompiledSubnet> subnets_;   // sorted by prefix
  bool overlapping_ = false;              // then SubnetFor scans linearly
  absl::flat_hash_set<uint32_t> reserved_;
};

}  // namespace fastlease::dhcp4
