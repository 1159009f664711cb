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
#include "absl/strings/str_join.h"
#include "control/config/config.h"
#include "control/config/internal/control_parser.h"
#include "control/config/internal/dataplane_parser.h"
#include "control/config/internal/diagnostics.h"
#include "control/config/internal/ip_text.h"
#include "control/config/internal/json_source.h"
#include "control/config/internal/network_params.h"
#include "control/config/internal/option_data_parser.h"
#include "control/config/internal/string_view.h"
#include "control/config/option_catalog.h"

namespace fastlease::config {
namespace {

using internal::Child;
using internal::Diagnostics;
using internal::ExpectArray;
using internal::Find;
using internal::FormatIpv4;
using internal::Index;
using internal::Json;
using internal::KeyRules;
using internal::NetworkParams;
using internal::ReadBool;
using internal::ReadIpv4;
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
  NetworkParams global_params;
  std::vector<OptionData> global_options;
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
      .honoured = {"pool", "option-data"},
      .not_honoured = {"client-class", "require-client-classes"},
  };
  if (!internal::CheckObject(node, path, kRules, d)) return std::nullopt;
  Pool pool;
  bool ok = true;
  if (const Json* n = Find(node, "option-data")) {
    const size_t errors_before = d.errors().size();
    pool.options = internal::ParseOptionDataList(*n, Child(path, "option-data"), d);
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

// "01:aa:bb" (hex, Kea's form) or 'text' (Kea: the bytes of the quoted string).
absl::StatusOr<std::vector<uint8_t>> DecodeIdentifier(absl::string_view text) {
  if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'') {
    absl::string_view inner = text.substr(1, text.size() - 2);
    return std::vector<uint8_t>(inner.begin(), inner.end());
  }
  return DecodeHex(internal::ToStd(text));
}

// Identifiers are keyed as byte strings: std::map over std::vector<uint8_t> trips a
// GCC 12 -Wstringop-overread false positive at -O3.
std::string BytesKey(const std::vector<uint8_t>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

struct ReservationSeen {
  std::map<std::string, std::string> hw_addresses;  // identifier bytes -> path
  std::map<std::string, std::string> client_ids;
  std::map<uint32_t, std::string> addresses;
};

std::optional<Reservation> ParseReservation(const Json& node, const std::string& path,
                                            const std::optional<Subnet4>& subnet,
                                            ReservationSeen& seen, Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = {"hw-address", "client-id", "ip-address", "hostname", "option-data", "duid",
                   "circuit-id", "flex-id"},
      .not_honoured = {"client-classes", "next-server", "server-hostname", "boot-file-name"},
  };
  if (!internal::CheckObject(node, path, kRules, d)) return std::nullopt;
  Reservation r;
  const size_t errors_before = d.errors().size();

  bool unsupported_identifier = false;
  for (absl::string_view key : {"duid", "circuit-id", "flex-id"}) {
    if (Find(node, key)) {
      d.Error(Child(path, key),
              "this identifier type is not supported (use hw-address or client-id)");
      unsupported_identifier = true;
    }
  }
  const Json* hw = Find(node, "hw-address");
  const Json* cid = Find(node, "client-id");
  if ((hw != nullptr && cid != nullptr) ||
      (hw == nullptr && cid == nullptr && !unsupported_identifier)) {
    d.Error(path, "needs exactly one of hw-address or client-id");
  }
  if (hw != nullptr) {
    const std::string p = Child(path, "hw-address");
    if (std::optional<std::string> text = ReadString(*hw, p, d)) {
      absl::StatusOr<std::vector<uint8_t>> bytes = DecodeHex(*text);
      if (!bytes.ok()) {
        d.Error(p, bytes.status().message());
      } else if (bytes->empty() || bytes->size() > 16) {
        d.Error(p, absl::StrCat("a hardware address has 1 to 16 bytes, got ", bytes->size()));
      } else {
        r.hw_address = *std::move(bytes);
        auto [it, inserted] = seen.hw_addresses.emplace(BytesKey(r.hw_address), p);
        if (!inserted)
          d.Error(p, absl::StrCat("'", *text, "' is already reserved at ", it->second));
      }
    }
  }
  if (cid != nullptr) {
    const std::string p = Child(path, "client-id");
    if (std::optional<std::string> text = ReadString(*cid, p, d)) {
      absl::StatusOr<std::vector<uint8_t>> bytes = DecodeIdentifier(*text);
      if (!bytes.ok()) {
        d.Error(p, bytes.status().message());
      } else if (bytes->size() < 2 || bytes->size() > 255) {
        d.Error(p, absl::StrCat("a client identifier has 2 to 255 bytes, got ", bytes->size()));
      } else {
        r.client_id = *std::move(bytes);
        auto [it, inserted] = seen.client_ids.emplace(BytesKey(r.client_id), p);
        if (!inserted)
          d.Error(p, absl::StrCat("'", *text, "' is already reserved at ", it->second));
      }
    }
  }
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
    r.options = internal::ParseOptionDataList(*n, Child(path, "option-data"), d);
  }
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

std::optional<Subnet4> ParseSubnet(const Json& node, const std::string& path, Dhcp4Context& ctx,
                                   Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured =
          WithNetworkParamKeys({"id", "subnet", "pools", "option-data", "relay", "reservations"}),
      .not_honoured = {"interface", "client-class", "require-client-classes", "boot-file-name",
                       "server-hostname", "store-extended-info", "reservation-mode",
                       "reservations-global", "reservations-in-subnet", "reservations-out-of-pool"},
      .not_honoured_prefixes = {"4o6-", "ddns-"},
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
  NetworkParams effective = internal::Inherit(own, ctx.global_params);
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
    options = internal::ParseOptionDataList(*n, Child(path, "option-data"), d);
  }
  std::vector<uint32_t> relays;
  if (const Json* n = Find(node, "relay")) relays = ParseRelay(*n, Child(path, "relay"), d);

  std::vector<Reservation> reservations;
  if (const Json* n = Find(node, "reservations")) {
    const std::string p = Child(path, "reservations");
    if (ExpectArray(*n, p, d)) {
      ReservationSeen seen;
      for (size_t i = 0; i < n->size(); ++i) {
        if (std::optional<Reservation> r =
                ParseReservation((*n)[i], Index(p, i), subnet, seen, d)) {
          reservations.push_back(*std::move(r));
        }
      }
    }
  }

  if (!subnet || d.errors().size() != errors_before) return std::nullopt;
  subnet->id = id;
  subnet->pools = std::move(pools);
  subnet->options = internal::MergeOptions(std::move(options), ctx.global_options);
  subnet->reservations = std::move(reservations);
  subnet->relay_addresses = std::move(relays);
  internal::ApplyNetworkParams(effective, *subnet);
  return subnet;
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

// Reads the Dhcp4 section; its `control-socket` goes to `control` (it configures
// fastlease-control, not the DHCP server).
Dhcp4Config ParseDhcp4(const Json& node, const std::string& path, ControlConfig& control,
                       Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = WithNetworkParamKeys(
          {"echo-client-id", "decline-probation-period", "offer-lifetime", "option-data", "subnet4",
           "lease-database", "expired-leases-processing", "shared-networks", "control-socket"}),
      .not_honoured = {"interfaces-config", "loggers", "hooks-libraries",
                       "dhcp-ddns", "client-classes", "host-reservation-identifiers",
                       "reservation-mode", "reservations-global", "reservations-in-subnet",
                       "reservations-out-of-pool", "multi-threading", "sanity-checks", "server-tag",
                       "boot-file-name", "server-hostname", "store-extended-info", "dhcp4o6-port"},
      .not_honoured_prefixes = {"ddns-"},
  };
  Dhcp4Config config;
  config.lease_database.path = "leases.rocksdb";
  if (!internal::CheckObject(node, path, kRules, d)) return config;

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
  if (const Json* n = Find(node, "shared-networks")) {
    const std::string p = Child(path, "shared-networks");
    if (ExpectArray(*n, p, d)) {
      if (n->empty()) {
        d.NotHonoured(p);
      } else {
        d.Error(p, "shared networks are not supported yet; configure their subnets in subnet4");
      }
    }
  }

  Dhcp4Context ctx;
  ctx.global_params = internal::ReadNetworkParams(node, path, Scope::kGlobal, d);
  internal::ValidateNetworkParams(ctx.global_params, Scope::kGlobal, d);
  if (const Json* n = Find(node, "option-data")) {
    ctx.global_options = internal::ParseOptionDataList(*n, Child(path, "option-data"), d);
  }
  if (const Json* n = Find(node, "subnet4")) {
    const std::string p = Child(path, "subnet4");
    if (ExpectArray(*n, p, d)) {
      for (size_t i = 0; i < n->size(); ++i) {
        if (std::optional<Subnet4> s = ParseSubnet((*n)[i], Index(p, i), ctx, d)) {
          config.subnets.push_back(*std::move(s));
        }
      }
    }
  }
  CheckPoolOverlap(std::move(ctx.pools), d);
  return config;
}

}  // namespace

absl::StatusOr<Config> ParseConfig(std::string_view json_text, std::string_view std_source) {
  const absl::string_view source = internal::ToAbsl(std_source);
  Diagnostics d(source);
  Config config;
  config.source = std::string(source);
  std::optional<Json> root = internal::ParseJsonText(internal::ToAbsl(json_text), d);
  if (root) {
    static const KeyRules kRules = {.honoured = {"Dhcp4", "Dataplane", "Control"}};
    if (!root->is_object()) {
      internal::TypeError(*root, "(top level)", "an object", d);
    } else if (internal::CheckObject(*root, "", kRules, d)) {
      if (const Json* n = Find(*root, "Dhcp4")) {
        config.dhcp4 = ParseDhcp4(*n, "Dhcp4", config.control, d);
      } else {
        d.Error("Dhcp4", "missing required section");
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
  config.warnings = std::move(d.warnings());
  return config;
}

absl::StatusOr<Config> LoadConfigFile(const std::string& path) {
  auto unreadable = [&path](absl::string_view why) {
    return absl::NotFoundError(absl::StrCat("cannot read config file '", path, "': ", why));
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return unreadable("is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return unreadable(std::error_code(errno, std::generic_category()).message());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return unreadable(std::error_code(errno, std::generic_category()).message());
  return ParseConfig(text, std::filesystem::path(path).filename().string());
}

}  // namespace fastlease::config
