// ParseConfig and LoadConfigFile: JSON text -> Config, reporting every problem found
// in one pass. The three steps: struct defaults (config.h), typed reads of each section
// (here and internal/), cross-field rules checked where both sides are known
// (ValidateNetworkParams, pool overlap, reservation uniqueness).
#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "control/config/config.h"
#include "control/config/internal/control_parser.h"
#include "control/config/internal/dataplane_parser.h"
#include "control/config/internal/dhcp6_parser.h"
#include "control/config/internal/diagnostics.h"
#include "control/config/internal/entry_readers.h"
#include "control/config/internal/ip_text.h"
#include "control/config/internal/json_source.h"
#include "control/config/internal/network_params.h"
#include "control/config/internal/option_data_parser.h"
#include "control/config/internal/option_def_parser.h"
#include "control/config/internal/parse_config.h"
#include "control/config/internal/string_view.h"
#include "control/config/option_catalog.h"
#include "dataplane/dhcp4/classify/expression.h"

namespace fastlease::config {
namespace {

using internal::BytesKey;
using internal::Child;
using internal::DecodeIdentifier;
using internal::Diagnostics;
using internal::ExpectArray;
using internal::Find;
using internal::FormatIpv4;
using internal::Index;
using internal::Json;
using internal::KeyRules;
using internal::NetworkParams;
using internal::ReadBool;
using internal::ReadClassNames;
using internal::ReadIpv4;
using internal::ReadName;
using internal::ReadString;
using internal::ReadUint32;
using internal::Scope;

constexpr uint32_t kMaxSubnetId = 4294967294u;  // Kea: 0 and 2^32-1 are reserved

std::vector<absl::string_view> WithNetworkParamKeys(std::vector<absl::string_view> keys) {
  keys.insert(keys.end(), std::begin(internal::kNetworkParamKeys),
              std::end(internal::kNetworkParamKeys));
  return keys;
}

// A pool's range and where it was configured, for the overlap check across subnets.
struct PoolSite {
  uint32_t first;
  uint32_t last;
  std::string path;
  size_t order;  // position in the file, so a conflict is reported at the later pool
};

// State shared by the whole Dhcp4 section while subnets are read.
struct Dhcp4Context {
  internal::OptionDefs defs;  // standard definitions plus Dhcp4/option-def
  NetworkParams global_params;
  std::map<uint32_t, std::string> subnet_ids;                    // id -> path of its subnet
  std::map<std::pair<uint32_t, uint8_t>, std::string> prefixes;  // prefix -> path
  std::vector<PoolSite> pools;
};

std::string RangeText(uint32_t first, uint32_t last) {
  return absl::StrCat(FormatIpv4(first), " - ", FormatIpv4(last));
}

std::optional<Pool> ParsePool(const Json& node, const std::string& path,
                              const std::optional<Subnet4>& subnet, Dhcp4Context& ctx,
                              Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = {"pool", "option-data", "client-class", "require-client-classes"},
  };
  if (!internal::CheckObject(node, path, kRules, d)) return std::nullopt;
  Pool pool;
  bool ok = true;
  if (const Json* n = Find(node, "client-class")) {
    pool.client_class = ReadString(*n, Child(path, "client-class"), d).value_or("");
  }
  if (const Json* n = Find(node, "require-client-classes")) {
    pool.require_client_classes =
        ReadClassNames(*n, Child(path, "require-client-classes"), d);
  }
  if (const Json* n = Find(node, "option-data")) {
    const size_t errors_before = d.errors().size();
    pool.options = internal::ParseOptionDataList(*n, Child(path, "option-data"), ctx.defs, d);
    ok = d.errors().size() == errors_before;
  }
  const Json* n = Find(node, "pool");
  const std::string pool_path = Child(path, "pool");
  if (n == nullptr) {
    d.Error(pool_path, "missing required key");
    return std::nullopt;
  }
  std::optional<std::string> text = ReadString(*n, pool_path, d);
  if (!text) return std::nullopt;
  bool host_bits = false;
  std::optional<internal::Ipv4Range> range = internal::ParseIpv4RangeText(*text, &host_bits);
  if (!range) {
    d.Error(pool_path,
            absl::StrCat("'", *text,
                         "' is not a range (expected 'a.b.c.d - a.b.c.d' or 'a.b.c.d/len')"));
    return std::nullopt;
  }
  if (host_bits) {
    d.Error(pool_path, absl::StrCat("'", *text, "' has host bits set in its prefix"));
    return std::nullopt;
  }
  if (range->first > range->last) {
    d.Error(pool_path,
            absl::StrCat("'", *text, "' is not a range: the first address is above the last"));
    return std::nullopt;
  }
  pool.first = range->first;
  pool.last = range->last;
  if (subnet && ((pool.first & subnet->mask) != subnet->prefix ||
                 (pool.last & subnet->mask) != subnet->prefix)) {
    d.Error(pool_path, absl::StrCat("'", *text, "' is not inside the subnet ",
                                    FormatIpv4(subnet->prefix), "/", subnet->prefix_len));
    ok = false;
  }
  ctx.pools.push_back(PoolSite{pool.first, pool.last, pool_path, ctx.pools.size()});
  if (!ok) return std::nullopt;
  return pool;
}

// `sname`/`file` text of at most `max` bytes, when `key` is present.
void ReadFixedField(const Json& node, absl::string_view key, size_t max, const std::string& path,
                    std::optional<std::string>& out, Diagnostics& d) {
  const Json* n = Find(node, key);
  if (n == nullptr) return;
  const std::string p = Child(path, key);
  std::optional<std::string> v = ReadString(*n, p, d);
  if (v && v->size() > max) {
    d.Error(p, absl::StrCat("longer than the ", max, "-byte BOOTP field"));
    return;
  }
  out = std::move(v);
}

// Identifiers and addresses already reserved in one scope (a subnet, or the global
// list): identifier type + bytes -> path, address -> path.
struct ReservationSeen {
  std::map<std::pair<HostIdentifier, std::string>, std::string> identifiers;
  std::map<uint32_t, std::string> addresses;
};

constexpr std::pair<absl::string_view, HostIdentifier> kIdentifierKeys[] = {
    {"hw-address", HostIdentifier::kHwAddress}, {"duid", HostIdentifier::kDuid},
    {"circuit-id", HostIdentifier::kCircuitId}, {"client-id", HostIdentifier::kClientId},
    {"flex-id", HostIdentifier::kFlexId},
};

// Reads the reservation's one identifier into r; false after an error.
bool ReadReservationIdentifier(const Json& node, const std::string& path, Reservation& r,
                               ReservationSeen& seen, Diagnostics& d) {
  int found = 0;
  for (const auto& [key, type] : kIdentifierKeys) {
    if (Find(node, key) != nullptr) ++found;
  }
  if (found != 1) {
    d.Error(path, "needs exactly one of hw-address, duid, circuit-id, client-id or flex-id");
    return false;
  }
  for (const auto& [key, type] : kIdentifierKeys) {
    const Json* n = Find(node, key);
    if (n == nullptr) continue;
    const std::string p = Child(path, key);
    std::optional<std::string> text = ReadString(*n, p, d);
    if (!text) return false;
    absl::StatusOr<std::vector<uint8_t>> bytes =
        type == HostIdentifier::kHwAddress ? DecodeHex(*text) : DecodeIdentifier(*text);
    if (!bytes.ok()) {
      d.Error(p, bytes.status().message());
      return false;
    }
    const size_t min = type == HostIdentifier::kClientId ? 2 : 1;
    const size_t max = type == HostIdentifier::kHwAddress ? 16 : 255;
    if (bytes->size() < min || bytes->size() > max) {
      d.Error(p, absl::StrCat("a ", key, " has ", min, " to ", max, " bytes, got ", bytes->size()));
      return false;
    }
    r.identifier_type = type;
    r.identifier = *std::move(bytes);
    auto [it, inserted] = seen.identifiers.emplace(std::pair{type, BytesKey(r.identifier)}, p);
    if (!inserted) {
      d.Error(p, absl::StrCat("'", *text, "' is already reserved at ", it->second));
      return false;
    }
  }
  return true;
}

// A host reservation, in a subnet (`subnet` set) or in the global list.
std::optional<Reservation> ParseReservation(const Json& node, const std::string& path,
                                            const std::optional<Subnet4>& subnet,
                                            const internal::OptionDefs& defs,
                                            ReservationSeen& seen, Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = {"hw-address", "client-id", "ip-address", "hostname", "option-data", "duid",
                   "circuit-id", "flex-id", "client-classes", "next-server", "server-hostname",
                   "boot-file-name"},
  };
  if (!internal::CheckObject(node, path, kRules, d)) return std::nullopt;
  Reservation r;
  const size_t errors_before = d.errors().size();
  ReadReservationIdentifier(node, path, r, seen, d);
  if (const Json* n = Find(node, "ip-address")) {
    const std::string p = Child(path, "ip-address");
    if (std::optional<uint32_t> address = ReadIpv4(*n, p, d); address && *address != 0) {
      r.ip_address = *address;
      if (subnet) {
        const uint32_t host_mask = ~subnet->mask;
        if ((*address & subnet->mask) != subnet->prefix) {
          d.Error(p, absl::StrCat(FormatIpv4(*address), " is not inside the subnet ",
                                  FormatIpv4(subnet->prefix), "/", subnet->prefix_len));
        } else if (subnet->prefix_len <= 30 &&
                   ((*address & host_mask) == 0 || (*address & host_mask) == host_mask)) {
          d.Error(p, absl::StrCat(FormatIpv4(*address),
                                  " is the subnet's network or broadcast address"));
        }
      }
      auto [it, inserted] = seen.addresses.emplace(*address, p);
      if (!inserted) {
        d.Error(p, absl::StrCat(FormatIpv4(*address), " is already reserved at ", it->second));
      }
    }
  }
  if (const Json* n = Find(node, "hostname")) {
    const std::string p = Child(path, "hostname");
    if (std::optional<std::string> name = ReadString(*n, p, d)) {
      if (name->size() > 255) d.Error(p, "longer than 255 bytes");
      r.hostname = *std::move(name);
    }
  }
  if (const Json* n = Find(node, "option-data")) {
    r.options = internal::ParseOptionDataList(*n, Child(path, "option-data"), defs, d);
  }
  if (const Json* n = Find(node, "client-classes")) {
    r.client_classes = ReadClassNames(*n, Child(path, "client-classes"), d);
  }
  if (const Json* n = Find(node, "next-server")) {
    r.next_server = ReadIpv4(*n, Child(path, "next-server"), d);
  }
  ReadFixedField(node, "server-hostname", 63, path, r.server_hostname, d);
  ReadFixedField(node, "boot-file-name", 127, path, r.boot_file_name, d);
  if (d.errors().size() != errors_before) return std::nullopt;
  return r;
}

// Reads "a.b.c.d/len" into the subnet's prefix fields; nullopt after an error.
std::optional<Subnet4> ReadSubnetPrefix(const Json& node, const std::string& path,
                                        Dhcp4Context& ctx, Diagnostics& d) {
  const Json* n = Find(node, "subnet");
  const std::string p = Child(path, "subnet");
  if (n == nullptr) {
    d.Error(p, "missing required key");
    return std::nullopt;
  }
  std::optional<std::string> text = ReadString(*n, p, d);
  if (!text) return std::nullopt;
  std::optional<internal::Ipv4Prefix> prefix = internal::ParseIpv4Prefix(*text);
  if (!prefix || prefix->len == 0) {
    d.Error(p, absl::StrCat("'", *text, "' is not a prefix (expected a.b.c.d/len, len 1..32)"));
    return std::nullopt;
  }
  Subnet4 subnet;
  subnet.prefix_len = prefix->len;
  subnet.mask = internal::PrefixMask(prefix->len);
  subnet.prefix = prefix->address & subnet.mask;
  if (subnet.prefix != prefix->address) {
    d.Error(p, absl::StrCat("'", *text, "' has host bits set; the network is ",
                            FormatIpv4(subnet.prefix), "/", subnet.prefix_len));
    return std::nullopt;
  }
  auto [it, inserted] = ctx.prefixes.emplace(std::pair{subnet.prefix, subnet.prefix_len}, p);
  if (!inserted) {
    d.Error(p, absl::StrCat("'", *text, "' is already configured at ", it->second));
    return std::nullopt;
  }
  return subnet;
}

std::vector<uint32_t> ParseRelay(const Json& node, const std::string& path, Diagnostics& d) {
  static const KeyRules kRules = {.honoured = {"ip-addresses", "ip-address"}};
  std::vector<uint32_t> addresses;
  if (!internal::CheckObject(node, path, kRules, d)) return addresses;
  if (const Json* n = Find(node, "ip-addresses")) {
    const std::string p = Child(path, "ip-addresses");
    if (ExpectArray(*n, p, d)) {
      for (size_t i = 0; i < n->size(); ++i) {
        if (std::optional<uint32_t> a = ReadIpv4((*n)[i], Index(p, i), d)) addresses.push_back(*a);
      }
    }
  }
  // Kea before 1.4 spelled it `ip-address` with one address; Kea still reads it.
  if (const Json* n = Find(node, "ip-address")) {
    if (std::optional<uint32_t> a = ReadIpv4(*n, Child(path, "ip-address"), d)) {
      addresses.push_back(*a);
    }
  }
  return addresses;
}

// What a subnet inherits from the level above it: the global level, or a shared
// network (whose own values already include the global ones).
struct NetworkParent {
  NetworkParams params;
  std::vector<OptionData> options;  // the shared network's own option-data
  std::vector<uint32_t> relay_addresses;
  std::string interface;
  std::string client_class;
  std::vector<std::string> require_client_classes;
  int32_t shared_network = -1;
};

std::optional<Subnet4> ParseSubnet(const Json& node, const std::string& path, Dhcp4Context& ctx,
                                   const NetworkParent& parent, Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = WithNetworkParamKeys({"id", "subnet", "pools", "option-data", "relay",
                                        "reservations", "interface", "client-class",
                                        "require-client-classes"}),
      .not_honoured = {"4o6-interface", "4o6-interface-id", "4o6-subnet"},
      .not_honoured_prefixes = {"ddns-", "hostname-char-"},
  };
  if (!internal::CheckObject(node, path, kRules, d)) return std::nullopt;
  const size_t errors_before = d.errors().size();

  std::optional<Subnet4> subnet = ReadSubnetPrefix(node, path, ctx, d);

  uint32_t id = 0;
  if (const Json* n = Find(node, "id")) {
    const std::string p = Child(path, "id");
    if (std::optional<uint32_t> v = ReadUint32(*n, p, d, 1, kMaxSubnetId)) {
      id = *v;
      auto [it, inserted] = ctx.subnet_ids.emplace(id, path);
      if (!inserted) d.Error(p, absl::StrCat("subnet id ", id, " is already used by ", it->second));
    }
  } else {
    d.Error(Child(path, "id"), "missing required key");
  }

  NetworkParams own = internal::ReadNetworkParams(node, path, Scope::kSubnet, d);
  NetworkParams effective = internal::Inherit(own, parent.params);
  internal::ValidateNetworkParams(effective, Scope::kSubnet, d);

  std::vector<Pool> pools;
  if (const Json* n = Find(node, "pools")) {
    const std::string p = Child(path, "pools");
    if (ExpectArray(*n, p, d)) {
      for (size_t i = 0; i < n->size(); ++i) {
        if (std::optional<Pool> pool = ParsePool((*n)[i], Index(p, i), subnet, ctx, d)) {
          pools.push_back(*std::move(pool));
        }
      }
    }
  }
  std::vector<OptionData> options;
  if (const Json* n = Find(node, "option-data")) {
    options = internal::ParseOptionDataList(*n, Child(path, "option-data"), ctx.defs, d);
  }
  std::vector<uint32_t> relays = parent.relay_addresses;
  if (const Json* n = Find(node, "relay")) relays = ParseRelay(*n, Child(path, "relay"), d);
  std::string interface = parent.interface;
  if (const Json* n = Find(node, "interface")) {
    interface = ReadString(*n, Child(path, "interface"), d).value_or("");
  }
  std::string client_class = parent.client_class;
  if (const Json* n = Find(node, "client-class")) {
    client_class = ReadString(*n, Child(path, "client-class"), d).value_or("");
  }
  std::vector<std::string> required = parent.require_client_classes;
  if (const Json* n = Find(node, "require-client-classes")) {
    for (std::string& c : ReadClassNames(*n, Child(path, "require-client-classes"), d)) {
      required.push_back(std::move(c));
    }
  }

  std::vector<Reservation> reservations;
  if (const Json* n = Find(node, "reservations")) {
    const std::string p = Child(path, "reservations");
    if (ExpectArray(*n, p, d)) {
      ReservationSeen seen;
      for (size_t i = 0; i < n->size(); ++i) {
        if (std::optional<Reservation> r =
                ParseReservation((*n)[i], Index(p, i), subnet, ctx.defs, seen, d)) {
          reservations.push_back(*std::move(r));
        }
      }
    }
  }

  if (!subnet || d.errors().size() != errors_before) return std::nullopt;
  subnet->id = id;
  subnet->pools = std::move(pools);
  subnet->options = internal::MergeOptions(std::move(options), parent.options);
  subnet->reservations = std::move(reservations);
  subnet->relay_addresses = std::move(relays);
  subnet->interface = std::move(interface);
  subnet->client_class = std::move(client_class);
  subnet->require_client_classes = std::move(required);
  subnet->shared_network = parent.shared_network;
  internal::ApplyNetworkParams(effective, *subnet);
  return subnet;
}

// Reads a `subnet4` list into `out`.
void ParseSubnetList(const Json& node, const std::string& path, Dhcp4Context& ctx,
                     const NetworkParent& parent, std::vector<Subnet4>& out, Diagnostics& d) {
  if (!ExpectArray(node, path, d)) return;
  for (size_t i = 0; i < node.size(); ++i) {
    if (std::optional<Subnet4> s = ParseSubnet(node[i], Index(path, i), ctx, parent, d)) {
      out.push_back(*std::move(s));
    }
  }
}

// A shared network: its own parameters between the global level and its subnets.
void ParseSharedNetwork(const Json& node, const std::string& path, Dhcp4Context& ctx,
                        const NetworkParent& global, Dhcp4Config& config,
                        std::map<std::string, std::string>& names, Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = WithNetworkParamKeys({"name", "subnet4", "option-data", "relay", "interface",
                                        "client-class", "require-client-classes"}),
      .not_honoured_prefixes = {"ddns-", "hostname-char-"},
  };
  if (!internal::CheckObject(node, path, kRules, d)) return;
  SharedNetwork4 network;
  if (std::optional<std::string> name = ReadName(node, path, d)) {
    auto [it, inserted] = names.emplace(*name, path);
    if (!inserted) {
      d.Error(Child(path, "name"), absl::StrCat("'", *name, "' is already used by ", it->second));
    }
    network.name = *std::move(name);
  }
  NetworkParent parent;
  parent.shared_network = int32_t(config.shared_networks.size());
  NetworkParams own = internal::ReadNetworkParams(node, path, Scope::kSharedNetwork, d);
  parent.params = internal::Inherit(own, global.params);
  internal::ValidateNetworkParams(parent.params, Scope::kSharedNetwork, d);
  if (const Json* n = Find(node, "option-data")) {
    parent.options = internal::ParseOptionDataList(*n, Child(path, "option-data"), ctx.defs, d);
  }
  if (const Json* n = Find(node, "relay")) {
    parent.relay_addresses = ParseRelay(*n, Child(path, "relay"), d);
  }
  if (const Json* n = Find(node, "interface")) {
    parent.interface = ReadString(*n, Child(path, "interface"), d).value_or("");
  }
  if (const Json* n = Find(node, "client-class")) {
    parent.client_class = ReadString(*n, Child(path, "client-class"), d).value_or("");
  }
  if (const Json* n = Find(node, "require-client-classes")) {
    parent.require_client_classes =
        ReadClassNames(*n, Child(path, "require-client-classes"), d);
  }
  network.interface = parent.interface;
  network.relay_addresses = parent.relay_addresses;
  network.client_class = parent.client_class;
  network.require_client_classes = parent.require_client_classes;
  config.shared_networks.push_back(std::move(network));
  if (const Json* n = Find(node, "subnet4")) {
    ParseSubnetList(*n, Child(path, "subnet4"), ctx, parent, config.subnets, d);
  }
}

// Pools may not overlap, within a subnet or across subnets.
void CheckPoolOverlap(std::vector<PoolSite> pools, Diagnostics& d) {
  std::sort(pools.begin(), pools.end(), [](const PoolSite& a, const PoolSite& b) {
    return a.first != b.first ? a.first < b.first : a.order < b.order;
  });
  const PoolSite* reach = nullptr;  // the pool reaching furthest so far
  for (const PoolSite& pool : pools) {
    if (reach != nullptr && pool.first <= reach->last) {
      const PoolSite& later = pool.order > reach->order ? pool : *reach;
      const PoolSite& earlier = pool.order > reach->order ? *reach : pool;
      d.Error(later.path,
              absl::StrCat(RangeText(later.first, later.last), " overlaps ", earlier.path, " (",
                           RangeText(earlier.first, earlier.last), ")"));
    }
    if (reach == nullptr || pool.last > reach->last) reach = &pool;
  }
}

// An address may be reserved once: globally or in one subnet (Kea's
// `ip-reservations-unique`, on by default).
void CheckReservedAddresses(const Dhcp4Config& config, Diagnostics& d) {
  std::map<uint32_t, std::string> where;
  for (size_t i = 0; i < config.reservations.size(); ++i) {
    if (config.reservations[i].ip_address != 0) {
      where.emplace(config.reservations[i].ip_address,
                    Child(Index("Dhcp4/reservations", i), "ip-address"));
    }
  }
  for (const Subnet4& s : config.subnets) {
    for (const Reservation& r : s.reservations) {
      auto it = where.find(r.ip_address);
      if (r.ip_address != 0 && it != where.end()) {
        d.Error(it->second, absl::StrCat(FormatIpv4(r.ip_address),
                                         " is also reserved in subnet ", s.id));
      }
    }
  }
}

LeaseDatabase ParseLeaseDatabase(const Json& node, const std::string& path, Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = {"type", "name", "durability", "max-batch"},
      .not_honoured = {"persist", "lfc-interval"},
  };
  LeaseDatabase db;
  db.path = "leases.rocksdb";
  if (!internal::CheckObject(node, path, kRules, d)) return db;
  if (const Json* n = Find(node, "type")) {
    const std::string p = Child(path, "type");
    if (std::optional<std::string> type = ReadString(*n, p, d)) {
      if (*type == "memfile") {
        d.Warn(p, "'memfile' accepted; leases are kept in RocksDB instead");
      } else if (*type != "rocksdb") {
        d.Error(p,
                absl::StrCat("lease database type '", *type,
                             "' is not supported (\"rocksdb\"; \"memfile\" is read as rocksdb)"));
      }
    }
  } else {
    d.Error(Child(path, "type"), "missing required key");
  }
  if (const Json* n = Find(node, "name")) {
    const std::string p = Child(path, "name");
    if (std::optional<std::string> name = ReadString(*n, p, d)) {
      if (name->empty()) {
        d.Error(p, "must not be empty");
      } else {
        db.path = *std::move(name);
      }
    }
  }
  if (const Json* n = Find(node, "durability")) {
    const std::string p = Child(path, "durability");
    if (std::optional<std::string> v = ReadString(*n, p, d)) {
      if (*v == "none") {
        db.durability = Durability::kNone;
      } else if (*v == "wal") {
        db.durability = Durability::kWal;
      } else if (*v == "fsync") {
        db.durability = Durability::kFsync;
      } else {
        d.Error(p, absl::StrCat("'", *v, "' is not one of \"none\", \"wal\", \"fsync\""));
      }
    }
  }
  if (const Json* n = Find(node, "max-batch")) {
    if (std::optional<uint32_t> v = ReadUint32(*n, Child(path, "max-batch"), d, 1)) {
      db.max_batch = *v;
    }
  }
  return db;
}

absl::string_view DurabilityName(Durability durability) {
  switch (durability) {
    case Durability::kNone:
      return "none";
    case Durability::kWal:
      return "wal";
    case Durability::kFsync:
      return "fsync";
  }
  return "?";
}

// DHCPv4 and DHCPv6 leases live in one store (one RocksDB), described by
// Dhcp4Config::lease_database. `Dhcp6/lease-database` (the object `node`) sets it when
// Dhcp4 has none (`dhcp4_has_one` false); when both have one, they must name the same
// database with the same durability.
void ShareLeaseDatabase(const Json& node, bool dhcp4_has_one, LeaseDatabase& store,
                        Diagnostics& d) {
  const std::string path = "Dhcp6/lease-database";
  const LeaseDatabase v6 = ParseLeaseDatabase(node, path, d);
  if (!dhcp4_has_one) {
    store = v6;
    return;
  }
  if (v6.path != store.path) {
    d.Error(Child(path, "name"),
            absl::StrCat("'", v6.path, "' differs from Dhcp4/lease-database/name ('", store.path,
                         "'): DHCPv4 and DHCPv6 leases are kept in one store; give both the same "
                         "name, or leave one lease-database out"));
  }
  if (v6.durability != store.durability) {
    d.Error(Child(path, "durability"),
            absl::StrCat("'", DurabilityName(v6.durability),
                         "' differs from Dhcp4/lease-database/durability ('",
                         DurabilityName(store.durability),
                         "'): DHCPv4 and DHCPv6 leases are kept in one store"));
  }
  if (Find(node, "max-batch") != nullptr && v6.max_batch != store.max_batch) {
    d.Warn(Child(path, "max-batch"),
           absl::StrCat("ignored: the shared store uses Dhcp4/lease-database/max-batch (",
                        store.max_batch, ")"));
  }
}

void ParseExpiredLeasesProcessing(const Json& node, const std::string& path, Dhcp4Config& out,
                                  Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = {"hold-reclaimed-time", "max-reclaim-leases"},
      .not_honoured = {"reclaim-timer-wait-time", "flush-reclaimed-timer-wait-time",
                       "max-reclaim-time", "unwarned-reclaim-cycles"},
  };
  if (!internal::CheckObject(node, path, kRules, d)) return;
  if (const Json* n = Find(node, "hold-reclaimed-time")) {
    if (auto v = ReadUint32(*n, Child(path, "hold-reclaimed-time"), d))
      out.hold_reclaimed_time = *v;
  }
  if (const Json* n = Find(node, "max-reclaim-leases")) {
    // Kea reads 0 as "no limit"; ours is a slice size, so 0 is refused rather than
    // silently meaning something else.
    if (auto v = ReadUint32(*n, Child(path, "max-reclaim-leases"), d, 1)) {
      out.max_reclaim_leases = *v;
    }
  }
}

// Names the server defines itself; a config may not define them.
constexpr absl::string_view kBuiltinClassNames[] = {"ALL", "KNOWN", "UNKNOWN", "BOOTP"};

// Kea's limits hook spelling: "<n> packet[s] per <second|minute|hour|day|week|month|year>".
std::optional<RateLimit> ParseRateLimitText(absl::string_view text) {
  std::vector<absl::string_view> words = absl::StrSplit(text, ' ', absl::SkipEmpty());
  if (words.size() != 4 || (words[1] != "packet" && words[1] != "packets") || words[2] != "per") {
    return std::nullopt;
  }
  uint32_t n = 0;
  if (!absl::SimpleAtoi(words[0], &n)) return std::nullopt;
  static const std::pair<absl::string_view, uint32_t> kUnits[] = {
      {"second", 1},     {"minute", 60},       {"hour", 3600},       {"day", 86400},
      {"week", 604800},  {"month", 2592000},   {"year", 31536000},
  };
  for (const auto& [unit, seconds] : kUnits) {
    if (words[3] == unit) return RateLimit{n, seconds};
  }
  return std::nullopt;
}

std::optional<ClientClass> ParseClientClass(const Json& node, const std::string& path,
                                            bool limits_hook, const internal::OptionDefs& defs,
                                            std::map<std::string, std::string>& names,
                                            Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = {"name", "test", "only-if-required", "option-data", "next-server",
                   "server-hostname", "boot-file-name", "valid-lifetime", "min-valid-lifetime",
                   "max-valid-lifetime"},
      .not_honoured = {"option-def"},
  };
  if (!internal::CheckObject(node, path, kRules, d)) return std::nullopt;
  const size_t errors_before = d.errors().size();
  ClientClass c;
  if (std::optional<std::string> name = ReadName(node, path, d)) {
    const std::string p = Child(path, "name");
    if (std::find(std::begin(kBuiltinClassNames), std::end(kBuiltinClassNames),
                  absl::string_view(*name)) != std::end(kBuiltinClassNames)) {
      d.Error(p, absl::StrCat("'", *name, "' is a built-in class and cannot be defined"));
    } else if (auto [it, inserted] = names.emplace(*name, path); !inserted) {
      d.Error(p, absl::StrCat("class '", *name, "' is already defined at ", it->second));
    }
    c.name = *std::move(name);
  }
  if (const Json* n = Find(node, "test")) {
    // Compiled, with the classes defined before this one, by CheckExpressions.
    c.test = ReadString(*n, Child(path, "test"), d).value_or("");
  }
  if (const Json* n = Find(node, "only-if-required")) {
    c.only_if_required = ReadBool(*n, Child(path, "only-if-required"), d).value_or(false);
  }
  if (const Json* n = Find(node, "option-data")) {
    c.options = internal::ParseOptionDataList(*n, Child(path, "option-data"), defs, d);
  }
  if (const Json* n = Find(node, "next-server")) {
    c.next_server = ReadIpv4(*n, Child(path, "next-server"), d);
  }
  ReadFixedField(node, "server-hostname", 63, path, c.server_hostname, d);
  ReadFixedField(node, "boot-file-name", 127, path, c.boot_file_name, d);
  for (auto [key, field] : {std::pair{"valid-lifetime", &c.valid_lifetime},
                            std::pair{"min-valid-lifetime", &c.min_valid_lifetime},
                            std::pair{"max-valid-lifetime", &c.max_valid_lifetime}}) {
    if (const Json* n = Find(node, key)) *field = ReadUint32(*n, Child(path, key), d, 1);
  }
  if (c.min_valid_lifetime && c.valid_lifetime && *c.min_valid_lifetime > *c.valid_lifetime) {
    d.Error(Child(path, "min-valid-lifetime"), "is greater than valid-lifetime");
  }
  if (c.max_valid_lifetime && c.valid_lifetime && *c.max_valid_lifetime < *c.valid_lifetime) {
    d.Error(Child(path, "max-valid-lifetime"), "is less than valid-lifetime");
  }
  // Kea's limits hook reads user-context.limits.rate-limit.
  if (const Json* uc = Find(node, "user-context"); uc != nullptr && uc->is_object()) {
    if (const Json* limits = Find(*uc, "limits"); limits != nullptr && limits->is_object()) {
      const std::string p = Child(Child(Child(path, "user-context"), "limits"), "rate-limit");
      if (const Json* rl = Find(*limits, "rate-limit")) {
        if (std::optional<std::string> text = ReadString(*rl, p, d)) {
          if (std::optional<RateLimit> limit = ParseRateLimitText(*text)) {
            if (limits_hook) {
              c.rate_limit = *limit;
            } else {
              d.Warn(p, "ignored: libdhcp_limits.so is not in Dhcp4/hooks-libraries");
            }
          } else {
            d.Error(p, absl::StrCat("'", *text,
                                    "' is not '<n> packets per <second|minute|hour|day|week|"
                                    "month|year>'"));
          }
        }
      }
    }
  }
  if (d.errors().size() != errors_before) return std::nullopt;
  return c;
}

// Compiles every class test and the flex-id expression as the server will, so a
// bad expression is reported with its path at load time. A test may use the
// classes defined before it (Kea's rule) and the built-ins.
void CheckExpressions(const Dhcp4Config& config, Diagnostics& d) {
  std::map<std::string, uint16_t, std::less<>> known = {
      {"ALL", 0}, {"KNOWN", 1}, {"UNKNOWN", 2}, {"DROP", 3}, {"BOOTP", 4}};
  auto resolve = [&known](std::string_view name) -> std::optional<uint16_t> {
    auto it = known.find(name);
    if (it == known.end()) return std::nullopt;
    return it->second;
  };
  for (size_t i = 0; i < config.client_classes.size(); ++i) {
    const ClientClass& c = config.client_classes[i];
    if (!c.test.empty()) {
      auto e = dhcp4::classify::Expression::Compile(c.test, dhcp4::classify::ResultKind::kBool,
                                                   resolve, &OptionCodeByName);
      if (!e.ok()) {
        d.Error(Child(Index("Dhcp4/client-classes", i), "test"), e.status().message());
      }
    }
    known.emplace(c.name, uint16_t(known.size()));
  }
  if (!config.flex_id_expression.empty()) {
    auto e = dhcp4::classify::Expression::Compile(config.flex_id_expression,
                                                 dhcp4::classify::ResultKind::kString, resolve,
                                                 &OptionCodeByName);
    if (!e.ok()) {
      d.Error("Dhcp4/hooks-libraries: libdhcp_flex_id identifier-expression",
              e.status().message());
    }
  }
}

// Hook libraries Kea users load whose function fastlease has built in.
struct Hooks {
  bool flex_id = false;
  bool bootp = false;
  bool limits = false;
  std::string flex_id_expression;
};

Hooks ParseHooksLibraries(const Json& node, const std::string& path, Diagnostics& d) {
  Hooks hooks;
  if (!ExpectArray(node, path, d)) return hooks;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string p = Index(path, i);
    static const KeyRules kRules = {.honoured = {"library", "parameters"}};
    if (!internal::CheckObject(node[i], p, kRules, d)) continue;
    const Json* lib = Find(node[i], "library");
    if (lib == nullptr) {
      d.Error(Child(p, "library"), "missing required key");
      continue;
    }
    std::optional<std::string> library = ReadString(*lib, Child(p, "library"), d);
    if (!library) continue;
    const std::string base = std::filesystem::path(*library).filename().string();
    const Json* params = Find(node[i], "parameters");
    if (absl::StartsWith(base, "libdhcp_flex_id")) {
      hooks.flex_id = true;
      if (params != nullptr && params->is_object()) {
        const std::string pp = Child(p, "parameters");
        if (const Json* e = Find(*params, "identifier-expression")) {
          hooks.flex_id_expression =
              ReadString(*e, Child(pp, "identifier-expression"), d).value_or("");
        }
        if (const Json* r = Find(*params, "replace-client-id")) {
          if (ReadBool(*r, Child(pp, "replace-client-id"), d).value_or(false)) {
            d.Warn(Child(pp, "replace-client-id"), "accepted but not honoured yet");
          }
        }
      }
    } else if (absl::StartsWith(base, "libdhcp_bootp")) {
      hooks.bootp = true;
    } else if (absl::StartsWith(base, "libdhcp_limits")) {
      hooks.limits = true;
    } else if (absl::StartsWith(base, "libdhcp_lease_cmds") ||
               absl::StartsWith(base, "libdhcp_stat_cmds")) {
      // Built in: the lease and statistics commands are always there.
    } else {
      d.Warn(Child(p, "library"), absl::StrCat("'", base, "' is not built into fastlease; ignored"));
    }
  }
  return hooks;
}

std::vector<HostIdentifier> ParseHostIdentifiers(const Json& node, const std::string& path,
                                                 Diagnostics& d) {
  std::vector<HostIdentifier> ids;
  if (!ExpectArray(node, path, d)) return ids;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string p = Index(path, i);
    std::optional<std::string> name = ReadString(node[i], p, d);
    if (!name) continue;
    auto it = std::find_if(std::begin(kIdentifierKeys), std::end(kIdentifierKeys),
                           [&](const auto& k) { return k.first == *name; });
    if (it == std::end(kIdentifierKeys)) {
      d.Error(p, absl::StrCat("'", *name, "' is not one of hw-address, duid, circuit-id, "
                                          "client-id, flex-id"));
    } else if (std::find(ids.begin(), ids.end(), it->second) != ids.end()) {
      d.Error(p, absl::StrCat("'", *name, "' is listed twice"));
    } else {
      ids.push_back(it->second);
    }
  }
  return ids;
}

// Reads the Dhcp4 section; its `control-socket` goes to `control` (it configures
// fastlease-control, not the DHCP server).
Dhcp4Config ParseDhcp4(const Json& node, const std::string& path, ControlConfig& control,
                       Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = WithNetworkParamKeys(
          {"echo-client-id", "decline-probation-period", "offer-lifetime", "option-data", "subnet4",
           "lease-database", "expired-leases-processing", "shared-networks", "control-socket",
           "client-classes", "reservations", "host-reservation-identifiers", "hooks-libraries",
           "option-def"}),
      .not_honoured = {"interfaces-config", "loggers", "dhcp-ddns", "multi-threading",
                       "sanity-checks", "server-tag", "dhcp4o6-port",
                       "statistic-default-sample-count", "statistic-default-sample-age",
                       "dhcp-queue-control", "parked-packet-limit", "early-global-reservations-lookup",
                       "ip-reservations-unique", "reservations-lookup-first", "compatibility",
                       "config-control", "hosts-database", "hosts-databases", "host-reservation-identifiers-v6"},
      .not_honoured_prefixes = {"ddns-", "hostname-char-"},
  };
  Dhcp4Config config;
  config.lease_database.path = "leases.rocksdb";
  if (!internal::CheckObject(node, path, kRules, d)) return config;
  Dhcp4Context ctx;
  // Definitions first: every option-data below may use them.
  if (const Json* n = Find(node, "option-def")) {
    ctx.defs = internal::ParseOptionDefList(*n, Child(path, "option-def"), d);
  }

  if (const Json* n = Find(node, "decline-probation-period")) {
    if (auto v = ReadUint32(*n, Child(path, "decline-probation-period"), d)) {
      config.decline_probation_period = *v;
    }
  }
  if (const Json* n = Find(node, "offer-lifetime")) {
    if (auto v = ReadUint32(*n, Child(path, "offer-lifetime"), d, 1)) config.offer_lifetime = *v;
  }
  if (const Json* n = Find(node, "echo-client-id")) {
    if (auto v = ReadBool(*n, Child(path, "echo-client-id"), d)) config.echo_client_id = *v;
  }
  if (const Json* n = Find(node, "lease-database")) {
    config.lease_database = ParseLeaseDatabase(*n, Child(path, "lease-database"), d);
  }
  if (const Json* n = Find(node, "expired-leases-processing")) {
    ParseExpiredLeasesProcessing(*n, Child(path, "expired-leases-processing"), config, d);
  }
  if (const Json* n = Find(node, "control-socket")) {
    internal::ParseControlSocket(*n, Child(path, "control-socket"), control, d);
  }
  Hooks hooks;
  if (const Json* n = Find(node, "hooks-libraries")) {
    hooks = ParseHooksLibraries(*n, Child(path, "hooks-libraries"), d);
  }
  config.bootp = hooks.bootp;
  config.flex_id_expression = hooks.flex_id_expression;
  if (const Json* n = Find(node, "host-reservation-identifiers")) {
    config.host_reservation_identifiers =
        ParseHostIdentifiers(*n, Child(path, "host-reservation-identifiers"), d);
  }
  const bool uses_flex_id =
      std::find(config.host_reservation_identifiers.begin(),
                config.host_reservation_identifiers.end(),
                HostIdentifier::kFlexId) != config.host_reservation_identifiers.end();
  if (uses_flex_id && config.flex_id_expression.empty()) {
    d.Error(Child(path, "host-reservation-identifiers"),
            "flex-id needs libdhcp_flex_id.so in hooks-libraries with an identifier-expression");
  }

  if (const Json* n = Find(node, "client-classes")) {
    const std::string p = Child(path, "client-classes");
    if (ExpectArray(*n, p, d)) {
      std::map<std::string, std::string> names;
      for (size_t i = 0; i < n->size(); ++i) {
        if (std::optional<ClientClass> c =
                ParseClientClass((*n)[i], Index(p, i), hooks.limits, ctx.defs, names, d)) {
          config.client_classes.push_back(*std::move(c));
        }
      }
    }
  }

  NetworkParent global;
  global.params = internal::ReadNetworkParams(node, path, Scope::kGlobal, d);
  internal::ValidateNetworkParams(global.params, Scope::kGlobal, d);
  if (const Json* n = Find(node, "option-data")) {
    config.options = internal::ParseOptionDataList(*n, Child(path, "option-data"), ctx.defs, d);
  }
  if (const Json* n = Find(node, "reservations")) {
    const std::string p = Child(path, "reservations");
    if (ExpectArray(*n, p, d)) {
      ReservationSeen seen;
      for (size_t i = 0; i < n->size(); ++i) {
        if (std::optional<Reservation> r =
                ParseReservation((*n)[i], Index(p, i), std::nullopt, ctx.defs, seen, d)) {
          config.reservations.push_back(*std::move(r));
        }
      }
    }
  }
  if (const Json* n = Find(node, "shared-networks")) {
    const std::string p = Child(path, "shared-networks");
    if (ExpectArray(*n, p, d)) {
      std::map<std::string, std::string> names;
      for (size_t i = 0; i < n->size(); ++i) {
        ParseSharedNetwork((*n)[i], Index(p, i), ctx, global, config, names, d);
      }
    }
  }
  if (const Json* n = Find(node, "subnet4")) {
    ParseSubnetList(*n, Child(path, "subnet4"), ctx, global, config.subnets, d);
  }
  CheckPoolOverlap(std::move(ctx.pools), d);
  CheckReservedAddresses(config, d);
  CheckExpressions(config, d);
  return config;
}

}  // namespace

absl::StatusOr<Config> ParseConfig(std::string_view json_text, std::string_view source) {
  Diagnostics d(internal::ToAbsl(source));
  return internal::ParseConfigWith(json_text, d);
}

absl::StatusOr<Config> LoadConfigFile(const std::string& path) {
  absl::StatusOr<std::string> text = internal::ReadConfigText(path);
  if (!text.ok()) return text.status();
  return ParseConfig(*text, std::filesystem::path(path).filename().string());
}

// The loader with the caller's Diagnostics (internal/parse_config.h): ParseConfig
// and `fastlease config check` (which attaches a key report) both run it.
namespace internal {
absl::StatusOr<std::string> ReadConfigText(const std::string& path) {
  auto unreadable = [&path](absl::string_view why) {
    return absl::NotFoundError(absl::StrCat("cannot read config file '", path, "': ", why));
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return unreadable("is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return unreadable(std::error_code(errno, std::generic_category()).message());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return unreadable(std::error_code(errno, std::generic_category()).message());
  return text;
}

absl::StatusOr<Config> ParseConfigWith(std::string_view json_text, Diagnostics& d) {
  Config config;
  config.source = d.source();
  std::optional<Json> root = internal::ParseJsonText(internal::ToAbsl(json_text), d);
  if (root) {
    static const KeyRules kRules = {.honoured = {"Dhcp4", "Dhcp6", "Dataplane", "Control"}};
    if (!root->is_object()) {
      internal::TypeError(*root, "(top level)", "an object", d);
    } else if (internal::CheckObject(*root, "", kRules, d)) {
      const Json* dhcp4 = Find(*root, "Dhcp4");
      const Json* dhcp6 = Find(*root, "Dhcp6");
      if (dhcp4 != nullptr) {
        config.dhcp4 = ParseDhcp4(*dhcp4, "Dhcp4", config.control, d);
      } else {
        config.dhcp4.lease_database.path = "leases.rocksdb";
        if (dhcp6 == nullptr) {
          d.Error("Dhcp4", "missing required section (a config needs Dhcp4, Dhcp6 or both)");
        }
      }
      if (dhcp6 != nullptr) {
        config.dhcp6 = internal::ParseDhcp6(*dhcp6, "Dhcp6", d);
        if (const Json* n = Find(*dhcp6, "lease-database")) {
          ShareLeaseDatabase(*n, dhcp4 != nullptr && Find(*dhcp4, "lease-database") != nullptr,
                             config.dhcp4.lease_database, d);
        }
      }
      if (const Json* n = Find(*root, "Dataplane")) {
        config.dataplane = internal::ParseDataplane(*n, "Dataplane", d);
      }
      if (const Json* n = Find(*root, "Control")) {
        internal::ParseControl(*n, "Control", config.control, d);
      }
    }
  }
  if (!d.errors().empty()) return absl::InvalidArgumentError(absl::StrJoin(d.errors(), "\n"));
  config.warnings = d.warnings();
  return config;
}
}  // namespace internal

}  // namespace fastlease::config
