// Compiling the Dhcp6 section (off the fast path), subnet selection, the server DUID.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "dataplane/dhcp4/server_config.h"
#include "dataplane/dhcp6/server6.h"

namespace fastlease::dhcp6 {
namespace {

// Identifier map keys: the identifier type, then its bytes.
std::vector<uint8_t> IdKey(config::HostIdentifier type, std::span<const uint8_t> id) {
  std::vector<uint8_t> k;
  k.reserve(id.size() + 1);
  k.push_back(uint8_t(type));
  k.insert(k.end(), id.begin(), id.end());
  return k;
}

// The link-layer address inside a DUID-LLT or DUID-LL (empty for other types).
std::span<const uint8_t> LinkLayerOfDuid(std::span<const uint8_t> duid) {
  if (duid.size() < 4) return {};
  const uint16_t type = LoadBe16(duid.data());
  if (type == uint16_t(DuidType::kLlt) && duid.size() > 8) return duid.subspan(8);
  if (type == uint16_t(DuidType::kLl)) return duid.subspan(4);
  return {};
}

bool IsLinkLocal(const Ip6& a) { return a[0] == 0xfe && (a[1] & 0xc0) == 0x80; }
bool IsUnspecified(const Ip6& a) {
  return std::all_of(a.begin(), a.end(), [](uint8_t b) { return b == 0; });
}

}  // namespace

U128 ToU128(const Ip6& a) {
  U128 v = 0;
  for (uint8_t b : a) v = v << 8 | b;
  return v;
}

Ip6 FromU128(U128 v) {
  Ip6 a{};
  for (int i = 15; i >= 0; --i) {
    a[size_t(i)] = uint8_t(v);
    v >>= 8;
  }
  return a;
}

bool InPrefix(const Ip6& a, const Ip6& prefix, uint8_t len) {
  if (len == 0) return true;
  const U128 mask = len >= 128 ? ~U128(0) : ~(~U128(0) >> len);
  return (ToU128(a) & mask) == (ToU128(prefix) & mask);
}

int64_t CompiledPool6::SlotOf(U128 v) const {
  if (v < first) return -1;
  const U128 d = v - first;
  const unsigned shift = 128u - slot_len;
  if (shift != 0 && (d & ((U128(1) << shift) - 1)) != 0) return -1;
  const U128 slot = shift == 0 ? d : d >> shift;
  return slot < size ? int64_t(slot) : -1;
}

const CompiledSubnet6* ServerConfig6::SubnetById(uint32_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &subnets_[it->second];
}

const CompiledPool6* ServerConfig6::PoolOf(const CompiledSubnet6& subnet, const Ip6& v,
                                           uint8_t prefix_len, int64_t* slot) const {
  const U128 x = ToU128(v);
  for (const CompiledPool6& p : prefix_len == 128 ? subnet.pools : subnet.pd_pools) {
    if (p.slot_len != prefix_len) continue;
    const int64_t s = p.SlotOf(x);
    if (s >= 0) {
      *slot = s;
      return &p;
    }
  }
  return nullptr;
}

const CompiledSubnet6* ServerConfig6::Select(const Dhcp6Message& msg,
                                             const RequestContext6& ctx) const {
  if (msg.relay_depth() > 0) {
    // The relay next to the client describes the client's link.
    const RelayInfo& r = msg.relay(msg.relay_depth() - 1);
    if (!r.interface_id.empty()) {
      for (const auto& [id, i] : by_interface_id_) {
        if (std::equal(id.begin(), id.end(), r.interface_id.begin(), r.interface_id.end())) {
          return &subnets_[i];
        }
      }
    }
    if (!IsUnspecified(r.link_address)) {
      for (const auto& [addr, i] : by_relay_) {
        if (addr == r.link_address) return &subnets_[i];
      }
      for (const CompiledSubnet6& s : subnets_) {
        if (InPrefix(r.link_address, s.config->prefix, s.config->prefix_len)) return &s;
      }
    }
    return nullptr;
  }
  const uint32_t port_key = uint32_t(ctx.port) << 16 | ctx.vlan;
  for (const auto& [key, i] : by_port_) {
    if (key == port_key) return &subnets_[i];
  }
  if (!IsLinkLocal(ctx.src) && !IsUnspecified(ctx.src)) {
    for (const CompiledSubnet6& s : subnets_) {
      if (InPrefix(ctx.src, s.config->prefix, s.config->prefix_len)) return &s;
    }
  }
  if (ctx.port < port_prefixes_.size()) {
    for (const auto& [addr, len] : port_prefixes_[ctx.port]) {
      (void)len;
      for (const CompiledSubnet6& s : subnets_) {
        if (InPrefix(addr, s.config->prefix, s.config->prefix_len)) return &s;
      }
    }
  }
  return nullptr;
}

size_t ServerConfig6::Candidates(const CompiledSubnet6* first,
                                 std::array<const CompiledSubnet6*, 64>& out) const {
  size_t n = 0;
  out[n++] = first;
  if (first->shared_network < 0 || size_t(first->shared_network) >= networks_.size()) return n;
  for (size_t i : networks_[size_t(first->shared_network)]) {
    if (&subnets_[i] != first && n < out.size()) out[n++] = &subnets_[i];
  }
  return n;
}

const config::Reservation6* ServerConfig6::FindReservation(const CompiledSubnet6& subnet,
                                                           std::span<const uint8_t> duid) const {
  // Probed without allocating: the key is built in a fixed buffer and looked up
  // through a vector view (absl's heterogeneous lookup needs an owning key here, so
  // the maps are small and probed by a stack copy).
  thread_local std::vector<uint8_t> key;
  auto probe = [&](const absl::flat_hash_map<std::vector<uint8_t>, const config::Reservation6*>& m)
      -> const config::Reservation6* {
    if (m.empty()) return nullptr;
    for (config::HostIdentifier t : config_.dhcp6.host_reservation_identifiers) {
      std::span<const uint8_t> id;
      if (t == config::HostIdentifier::kDuid) {
        id = duid;
      } else if (t == config::HostIdentifier::kHwAddress) {
        id = LinkLayerOfDuid(duid);
      } else {
        continue;
      }
      if (id.empty()) continue;
      key.assign(1, uint8_t(t));  // capacity kept: no allocation after the first calls
      key.insert(key.end(), id.begin(), id.end());
      auto it = m.find(key);
      if (it != m.end()) return it->second;
    }
    return nullptr;
  };
  const config::Subnet6& s = *subnet.config;
  if (s.reservations_global) {
    if (const config::Reservation6* r = probe(global_by_duid_)) return r;
  }
  if (s.reservations_in_subnet) {
    const size_t i = size_t(&subnet - subnets_.data());
    if (const config::Reservation6* r = probe(by_duid_[i])) return r;
  }
  return nullptr;
}

absl::StatusOr<std::shared_ptr<const ServerConfig6>> CompileServerConfig6(
    const config::Config& config, leasedb::PoolRegistry& pools, std::vector<uint8_t> server_duid) {
  auto out = std::make_shared<ServerConfig6>();
  ServerConfig6& c = *out;
  c.config_ = config;
  c.server_duid_ = std::move(server_duid);
  c.offer_lifetime_ = config.dhcp4.offer_lifetime;
  const config::Dhcp6Config& d6 = c.config_.dhcp6;

  for (const config::Reservation6& r : d6.reservations) {
    c.global_by_duid_.emplace(IdKey(r.identifier_type, r.identifier), &r);
    for (const Ip6& a : r.ip_addresses) c.reserved_.emplace(a, true);
    for (const auto& [p, len] : r.prefixes) c.reserved_.emplace(p, true);
  }
  c.subnets_.reserve(d6.subnets.size());
  c.by_duid_.resize(d6.subnets.size());
  for (size_t i = 0; i < d6.subnets.size(); ++i) {
    const config::Subnet6& s = d6.subnets[i];
    CompiledSubnet6 cs;
    cs.config = &s;
    cs.id = s.id;
    cs.options = &s.options;
    cs.shared_network = s.shared_network;
    for (const config::Pool6& p : s.pools) {
      if (p.size == 0 || p.size > 0xfffffffeull) {
        return absl::InvalidArgumentError(absl::StrCat("subnet ", s.id, ": a pool of ", p.size,
                                                       " addresses cannot be served"));
      }
      CompiledPool6 cp;
      cp.first = ToU128(p.first);
      cp.slot_len = 128;
      cp.size = p.size;
      cp.pool = pools.GetV6(p.first, 128, p.size);
      cs.pools.push_back(std::move(cp));
    }
    for (const config::PdPool& p : s.pd_pools) {
      if (p.size == 0 || p.size > 0xfffffffeull || p.delegated_len == 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("subnet ", s.id, ": a pd-pool of ", p.size, " prefixes cannot be served"));
      }
      CompiledPool6 cp;
      cp.first = ToU128(p.prefix);
      cp.slot_len = p.delegated_len;
      cp.size = p.size;
      cp.excluded = p.excluded_prefix;
      cp.excluded_len = p.excluded_prefix_len;
      cp.pool = pools.GetV6(p.prefix, p.delegated_len, p.size);
      cs.pd_pools.push_back(std::move(cp));
    }
    for (const config::Reservation6& r : s.reservations) {
      c.by_duid_[i].emplace(IdKey(r.identifier_type, r.identifier), &r);
      for (const Ip6& a : r.ip_addresses) c.reserved_.emplace(a, true);
      for (const auto& [p, len] : r.prefixes) c.reserved_.emplace(p, true);
    }
    c.by_id_.emplace(s.id, i);
    for (const Ip6& r : s.relay_addresses) c.by_relay_.emplace_back(r, i);
    if (!s.interface_id.empty()) c.by_interface_id_.emplace_back(s.interface_id, i);
    if (!s.interface.empty()) {
      for (size_t port = 0; port < config.dataplane.ports.size(); ++port) {
        uint32_t vlan = 0;
        if (dhcp4::MatchInterfaceName(s.interface, dhcp4::PortName(config.dataplane.ports[port]),
                                      &vlan)) {
          c.by_port_.emplace_back(uint32_t(port) << 16 | vlan, i);
        }
      }
    }
    c.subnets_.push_back(std::move(cs));
  }
  c.networks_.resize(d6.shared_networks.size());
  for (size_t i = 0; i < d6.subnets.size(); ++i) {
    const int32_t n = d6.subnets[i].shared_network;
    if (n >= 0 && size_t(n) < c.networks_.size()) c.networks_[size_t(n)].push_back(i);
  }
  for (const config::Port& p : config.dataplane.ports) c.port_prefixes_.push_back(p.addresses6);

  // Reserved addresses and prefixes never come out of a pool.
  for (CompiledSubnet6& cs : c.subnets_) {
    for (auto& [addr, unused] : c.reserved_) {
      (void)unused;
      for (CompiledPool6& p : cs.pools) {
        const int64_t slot = p.SlotOf(ToU128(addr));
        if (slot >= 0) p.pool->ClaimSpecific(uint32_t(slot + 1));
      }
      for (CompiledPool6& p : cs.pd_pools) {
        const int64_t slot = p.SlotOf(ToU128(addr));
        if (slot >= 0) p.pool->ClaimSpecific(uint32_t(slot + 1));
      }
    }
  }
  return std::shared_ptr<const ServerConfig6>(std::move(out));
}

absl::StatusOr<std::vector<uint8_t>> LoadOrCreateServerDuid(const config::Dhcp6Config& config,
                                                            const std::string& state_dir,
                                                            std::span<const uint8_t, 6> mac,
                                                            uint32_t now) {
  const config::ServerId6& sid = config.server_id;
  auto be16 = [](std::vector<uint8_t>& v, uint16_t x) {
    v.push_back(uint8_t(x >> 8));
    v.push_back(uint8_t(x));
  };
  auto be32 = [&](std::vector<uint8_t>& v, uint32_t x) {
    be16(v, uint16_t(x >> 16));
    be16(v, uint16_t(x));
  };
  // Given in full by the config: used as is.
  if (!sid.identifier.empty() && (sid.type != config::DuidType6::kLlt || sid.time != 0)) {
    std::vector<uint8_t> duid;
    be16(duid, uint16_t(sid.type));
    if (sid.type == config::DuidType6::kEn) {
      be32(duid, sid.enterprise_id);
    } else {
      be16(duid, sid.htype);
      if (sid.type == config::DuidType6::kLlt) be32(duid, sid.time);
    }
    duid.insert(duid.end(), sid.identifier.begin(), sid.identifier.end());
    return duid;
  }
  const std::string path = state_dir + "/server-duid";
  if (sid.persist) {
    std::ifstream in(path);
    std::string hex;
    if (in && std::getline(in, hex)) {
      const bool is_hex = !hex.empty() && hex.size() % 2 == 0 &&
                          hex.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
      const std::string bytes = is_hex ? absl::HexStringToBytes(hex) : std::string();
      if (is_hex && bytes.size() >= 4 && bytes.size() <= kMaxDuidSize) {
        return std::vector<uint8_t>(bytes.begin(), bytes.end());
      }
      return absl::DataLossError(absl::StrCat(path, ": not a DUID in hex"));
    }
  }
  std::vector<uint8_t> duid;
  const std::span<const uint8_t> ll =
      sid.identifier.empty() ? std::span<const uint8_t>(mac) : std::span<const uint8_t>(sid.identifier);
  if (sid.type == config::DuidType6::kEn) {
    be16(duid, uint16_t(DuidType::kEn));
    be32(duid, sid.enterprise_id);
    duid.insert(duid.end(), ll.begin(), ll.end());
  } else if (sid.type == config::DuidType6::kLl) {
    be16(duid, uint16_t(DuidType::kLl));
    be16(duid, sid.htype);
    duid.insert(duid.end(), ll.begin(), ll.end());
  } else {
    be16(duid, uint16_t(DuidType::kLlt));
    be16(duid, sid.htype);
    be32(duid, now - 946684800u);  // DUID time: seconds since 2000-01-01 UTC
    duid.insert(duid.end(), ll.begin(), ll.end());
  }
  if (sid.persist) {
    const std::string tmp = path + ".tmp";
    {
      std::ofstream o(tmp, std::ios::trunc);
      o << absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(duid.data()),
                                                    duid.size()))
        << "\n";
      o.flush();
      if (!o) return absl::UnavailableError(absl::StrCat("cannot write ", tmp));
    }
    const int fd = ::open(tmp.c_str(), O_RDONLY);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
      return absl::UnavailableError(absl::StrCat("cannot rename ", tmp, " to ", path));
    }
  }
  return duid;
}

}  // namespace fastlease::dhcp6
