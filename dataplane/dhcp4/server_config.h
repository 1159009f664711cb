// ServerConfig: a config::Config compiled for the fast path.
//
// Immutable once built; shared by every worker through a shared_ptr that is
// swapped between bursts on reload. Lookups used per packet (subnet by address,
// interface or relay, options by code, reservations by identifier, classes by
// index) are arrays, sorted vectors or hash maps with heterogeneous lookup: none
// allocates.
//
// Policy as Kea 2.2 applies it (docs/policy.md has the order of every step):
// classes are evaluated in definition order; option data is looked up
// reservation → pool → subnet (with its shared network) → classes in the order
// the client got them → global, the first level that has the code winning.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "control/config/config.h"
#include "dataplane/dhcp4/classify/class_set.h"
#include "dataplane/dhcp4/classify/expression.h"
#include "leasedb/address_pool.h"

namespace fastlease::dhcp4 {

// The name a port goes by in `interface` and pkt.iface: the `iface=` of a vdev
// (net_af_packet0,iface=veth0 → veth0), else the device up to its first comma.
std::string PortName(const config::Port& port);
// True when `name` ("veth0" or "veth0.100") names the port `port_name`; `*vlan` is
// the VLAN id after the dot (0 without one).
bool MatchInterfaceName(std::string_view name, std::string_view port_name, uint32_t* vlan);


// The options one level of the configuration defines, by code.
class OptionSet {
 public:
  void Add(const config::OptionData& o);  // replaces an option with the same code
  const config::OptionData* Find(uint8_t code) const {
    const uint16_t i = index_[code];
    return i == 0 ? nullptr : &options_[i - 1];
  }
  const std::vector<config::OptionData>& all() const { return options_; }
  bool empty() const { return options_.empty(); }

 private:
  std::array<uint16_t, 256> index_{};
  std::vector<config::OptionData> options_;
};

// A class index, or kNoClass for "no guard".
inline constexpr uint16_t kNoClass = 0xffff;

struct CompiledPool {
  std::shared_ptr<leasedb::AddressPool> pool;
  OptionSet options;                      // the pool's own
  uint16_t client_class = kNoClass;       // guard: only clients in this class
  std::vector<uint16_t> require_classes;  // evaluated for an address from this pool

  bool Allows(const classify::ClassSet& c) const {
    return client_class == kNoClass || c.Has(client_class);
  }
};

struct CompiledReservation {
  const config::Reservation* reservation;
  OptionSet options;               // the reservation's own
  std::vector<uint16_t> classes;   // client-classes, resolved
};

// Reservations of one scope (a subnet, or the global list) by identifier: the key is
// the identifier type byte followed by the identifier bytes.
class ReservationIndex {
 public:
  void Add(std::unique_ptr<CompiledReservation> r);
  const CompiledReservation* Find(config::HostIdentifier type,
                                  std::span<const uint8_t> id) const;
  bool empty() const { return by_id_.empty(); }
  // Bit i set when some reservation uses HostIdentifier(i).
  uint8_t types() const { return types_; }
  const std::vector<std::unique_ptr<CompiledReservation>>& all() const { return all_; }

 private:
  absl::flat_hash_map<std::string, const CompiledReservation*> by_id_;
  std::vector<std::unique_ptr<CompiledReservation>> all_;
  uint8_t types_ = 0;
};

struct CompiledSubnet {
  const config::Subnet4* config;
  uint32_t id;
  uint32_t prefix;
  uint32_t mask;
  uint32_t broadcast;
  std::vector<CompiledPool> pools;
  OptionSet options;  // the subnet's own with its shared network's
  uint32_t server_id;  // option 54 configured for the subnet, else 0 (use the port's)
  uint16_t client_class = kNoClass;
  std::vector<uint16_t> require_classes;  // the network's, then the subnet's
  ReservationIndex reservations;
  // The subnets of this subnet's shared network in config order (this one
  // included); empty when it is in none.
  std::vector<const CompiledSubnet*> network;

  bool Contains(uint32_t a) const { return (a & mask) == prefix; }
  bool Allows(const classify::ClassSet& c) const {
    return client_class == kNoClass || c.Has(client_class);
  }
  const CompiledPool* PoolFor(uint32_t a) const;
};

struct CompiledClass {
  std::string name;
  const config::ClientClass* config = nullptr;  // null: a built-in or a name only used
  std::optional<classify::Expression> test;     // null: assigned, never evaluated
  bool only_if_required = false;
  bool after_host_lookup = false;  // depends on KNOWN/UNKNOWN, directly or via member()
  // An early class decided by its ClassGroup (one selector evaluation per packet)
  // rather than by evaluating `test`; the answer is the same.
  bool grouped = false;
  OptionSet options;
};

// Early classes whose tests are `<selector> == <literal>` with one selector (the same
// SelectorKey()), e.g. 20 tests of relay4[2].hex against 20 remote-ids: per packet the
// selector is evaluated once and its value looked up here. Only groups of two or more.
struct ClassGroup {
  const classify::Expression* selector;  // any member's test; its selector is evaluated
  // Literal -> the member classes comparing against it.
  absl::flat_hash_map<std::string, std::vector<uint16_t>> by_literal;
};

class ServerConfig {
 public:
  // Compiles; errors (a class test that does not parse, ...) name the file and the
  // JSON path like the config loader's.
  static absl::StatusOr<std::unique_ptr<ServerConfig>> Compile(const config::Config& config,
                                                                leasedb::PoolRegistry& pools);

  const config::Config& config() const { return config_; }
  const config::Dhcp4Config& dhcp4() const { return config_.dhcp4; }
  bool gate_replies() const {
    return config_.dhcp4.lease_database.durability != config::Durability::kNone;
  }
  // The subnet containing `a` (or whose relay addresses list `a` when
  // `as_relay`), else nullptr.
  const CompiledSubnet* SubnetFor(uint32_t a, bool as_relay = false) const;
  const CompiledSubnet* SubnetById(uint32_t id) const;
  // The first subnet whose `interface` is the receiving port's name (with ".<vlan>"
  // when the request came tagged), else nullptr.
  const CompiledSubnet* SubnetForInterface(uint16_t port, uint16_t vlan) const;
  // The receiving interface's name as expressions see it (pkt.iface), written into
  // `buf`; "" for an unknown port.
  std::string_view InterfaceName(uint16_t port, uint16_t vlan, std::span<char, 40> buf) const;
  // The pool holding `a` in any subnet, else nullptr.
  const CompiledPool* PoolFor(uint32_t a) const;
  bool IsReserved(uint32_t a) const { return reserved_.contains(a); }
  std::span<const CompiledSubnet> subnets() const { return subnets_; }

  // Classes, indexed by class index (built-ins first).
  std::span<const CompiledClass> classes() const { return classes_; }
  // Classes evaluated before the host lookup / after it, in definition order.
  std::span<const uint16_t> early_classes() const { return early_; }
  std::span<const uint16_t> late_classes() const { return late_; }
  bool has_drop_class() const { return has_drop_; }
  // Groups of early classes decided together (CompiledClass::grouped).
  std::span<const ClassGroup> class_groups() const { return class_groups_; }
  const ReservationIndex& global_reservations() const { return global_reservations_; }
  // Identifier types some reservation (global or in a subnet) uses; bit per HostIdentifier.
  uint8_t reservation_types() const { return reservation_types_; }
  const std::optional<classify::Expression>& flex_id() const { return flex_id_; }
  const OptionSet& global_options() const { return global_options_; }

 private:
  explicit ServerConfig(const config::Config& config) : config_(config) {}
  absl::Status Build(leasedb::PoolRegistry& pools);
  absl::Status CompileClasses();
  uint16_t ClassIndex(const std::string& name);  // adds a name-only class if unknown
  std::vector<uint16_t> ClassIndices(const std::vector<std::string>& names);

  config::Config config_;
  std::vector<CompiledSubnet> subnets_;   // sorted by prefix
  bool overlapping_ = false;              // then SubnetFor scans linearly
  absl::flat_hash_set<uint32_t> reserved_;
  std::vector<CompiledClass> classes_;
  absl::flat_hash_map<std::string, uint16_t> class_index_;
  std::vector<uint16_t> early_;
  std::vector<uint16_t> late_;
  std::vector<ClassGroup> class_groups_;
  bool has_drop_ = false;
  ReservationIndex global_reservations_;
  uint8_t reservation_types_ = 0;
  std::optional<classify::Expression> flex_id_;
  OptionSet global_options_;
  std::vector<std::string> port_names_;
  // (port << 16 | vlan) -> subnet, for subnets with an `interface`.
  absl::flat_hash_map<uint32_t, const CompiledSubnet*> by_interface_;
  // Relay address -> the first subnet (in prefix order) whose `relay` lists it: what a
  // scan of every subnet's relay addresses would find, in one probe.
  absl::flat_hash_map<uint32_t, const CompiledSubnet*> by_relay_;
  // Subnet id -> subnet (the first in prefix order with that id).
  absl::flat_hash_map<uint32_t, const CompiledSubnet*> by_id_;
};

}  // namespace fastlease::dhcp4
