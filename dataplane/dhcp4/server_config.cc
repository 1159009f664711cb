#include "dataplane/dhcp4/server_config.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "control/config/option_catalog.h"
#include "dataplane/dhcp4/options.h"

namespace fastlease::dhcp4 {
namespace {

using config::HostIdentifier;

uint32_t MaskOf(uint8_t len) { return len == 0 ? 0 : ~uint32_t{0} << (32 - len); }

constexpr std::string_view kVendorClassPrefix = "VENDOR_CLASS_";

}  // namespace

std::string PortName(const config::Port& port) {
  const std::string& d = port.device;
  if (size_t at = d.find("iface="); at != std::string::npos) {
    const size_t start = at + 6;
    return d.substr(start, d.find(',', start) - start);
  }
  return d.substr(0, d.find(','));
}

bool MatchInterfaceName(std::string_view name, std::string_view port_name, uint32_t* vlan) {
  if (name == port_name) {
    *vlan = 0;
    return true;
  }
  if (name.size() <= port_name.size() + 1 || !name.starts_with(port_name) ||
      name[port_name.size()] != '.') {
    return false;
  }
  uint32_t v = 0;
  for (char ch : name.substr(port_name.size() + 1)) {
    if (ch < '0' || ch > '9') return false;
    v = v * 10 + uint32_t(ch - '0');
    if (v > 4095) return false;
  }
  *vlan = v;
  return true;
}

void OptionSet::Add(const config::OptionData& o) {
  if (index_[o.code] != 0) {
    options_[index_[o.code] - 1] = o;
    return;
  }
  options_.push_back(o);
  index_[o.code] = uint16_t(options_.size());
}

void ReservationIndex::Add(std::unique_ptr<CompiledReservation> r) {
  const config::Reservation& c = *r->reservation;
  std::string key(1, char(c.identifier_type));
  key.append(c.identifier.begin(), c.identifier.end());
  by_id_.emplace(std::move(key), r.get());
  types_ |= uint8_t(1u << uint8_t(c.identifier_type));
  all_.push_back(std::move(r));
}

const CompiledReservation* ReservationIndex::Find(HostIdentifier type,
                                                  std::span<const uint8_t> id) const {
  if ((types_ & (1u << uint8_t(type))) == 0 || id.empty() || id.size() > 255) return nullptr;
  char key[256];
  key[0] = char(type);
  std::copy(id.begin(), id.end(), key + 1);
  auto it = by_id_.find(absl::string_view(key, id.size() + 1));
  return it == by_id_.end() ? nullptr : it->second;
}

const CompiledPool* CompiledSubnet::PoolFor(uint32_t a) const {
  for (const CompiledPool& p : pools) {
    if (p.pool->Contains(a)) return &p;
  }
  return nullptr;
}

absl::StatusOr<std::unique_ptr<ServerConfig>> ServerConfig::Compile(
    const config::Config& config, leasedb::PoolRegistry& pools) {
  std::unique_ptr<ServerConfig> c(new ServerConfig(config));
  if (absl::Status s = c->Build(pools); !s.ok()) return s;
  return c;
}

uint16_t ServerConfig::ClassIndex(const std::string& name) {
  auto [it, inserted] = class_index_.emplace(name, uint16_t(classes_.size()));
  if (inserted) {
    CompiledClass& c = classes_.emplace_back();
    c.name = name;
    if (name.size() > kVendorClassPrefix.size() && name.starts_with(kVendorClassPrefix)) {
      // Kea's VENDOR_CLASS_<x>: every client whose option 60 is <x>.
      const std::string_view x = std::string_view(name).substr(kVendorClassPrefix.size());
      const std::string test = absl::StrCat(
          "option[60].hex == 0x", absl::BytesToHexString(absl::string_view(x.data(), x.size())));
      auto e = classify::Expression::Compile(
          test, classify::ResultKind::kBool, [](std::string_view) { return std::optional<uint16_t>(); });
      if (e.ok()) c.test = *std::move(e);
    }
  }
  return it->second;
}

std::vector<uint16_t> ServerConfig::ClassIndices(const std::vector<std::string>& names) {
  std::vector<uint16_t> out;
  out.reserve(names.size());
  for (const std::string& n : names) out.push_back(ClassIndex(n));
  return out;
}

absl::Status ServerConfig::CompileClasses() {
  for (const char* builtin : {"ALL", "KNOWN", "UNKNOWN", "DROP", "BOOTP"}) ClassIndex(builtin);
  const std::vector<config::ClientClass>& defs = config_.dhcp4.client_classes;
  std::vector<std::string> problems;
  for (size_t i = 0; i < defs.size(); ++i) {
    const config::ClientClass& def = defs[i];
    const uint16_t index = ClassIndex(def.name);
    // Only classes defined before this one may be referenced (Kea's rule).
    auto resolve = [&](std::string_view name) -> std::optional<uint16_t> {
      auto it = class_index_.find(absl::string_view(name.data(), name.size()));
      if (it == class_index_.end() || it->second == index) return std::nullopt;
      return it->second;
    };
    CompiledClass& c = classes_[index];
    c.config = &def;
    c.only_if_required = def.only_if_required;
    for (const config::OptionData& o : def.options) c.options.Add(o);
    if (!def.test.empty()) {
      auto e = classify::Expression::Compile(def.test, classify::ResultKind::kBool, resolve,
                                             &config::OptionCodeByName);
      if (!e.ok()) {
        problems.push_back(absl::StrCat(config_.source, ": Dhcp4/client-classes[", i,
                                        "]/test: ", e.status().message()));
        continue;
      }
      classes_[index].test = *std::move(e);
    }
    CompiledClass& cc = classes_[index];
    if (cc.test) {
      cc.after_host_lookup = cc.test->DependsOnKnown();
      for (uint16_t ref : cc.test->ReferencedClasses()) {
        if (ref < classes_.size() && classes_[ref].after_host_lookup) cc.after_host_lookup = true;
      }
    }
  }
  if (classes_.size() > classify::ClassSet::kMaxClasses) {
    problems.push_back(absl::StrCat(config_.source, ": Dhcp4/client-classes: ", classes_.size(),
                                    " classes; at most ", classify::ClassSet::kMaxClasses));
  }
  if (!config_.dhcp4.flex_id_expression.empty()) {
    auto e = classify::Expression::Compile(
        config_.dhcp4.flex_id_expression, classify::ResultKind::kString,
        [&](std::string_view name) -> std::optional<uint16_t> {
          auto it = class_index_.find(absl::string_view(name.data(), name.size()));
          if (it == class_index_.end()) return std::nullopt;
          return it->second;
        },
        &config::OptionCodeByName);
    if (!e.ok()) {
      problems.push_back(absl::StrCat(config_.source,
                                      ": Dhcp4/hooks-libraries: identifier-expression: ",
                                      e.status().message()));
    } else {
      flex_id_ = *std::move(e);
    }
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "\n"));
  has_drop_ = classes_[classify::kClassDrop].test.has_value();
  return absl::OkStatus();
}

absl::Status ServerConfig::Build(leasedb::PoolRegistry& pools) {
  // Everything that can fail comes before the pools are touched.
  if (absl::Status s = CompileClasses(); !s.ok()) return s;
  for (const config::OptionData& o : config_.dhcp4.options) global_options_.Add(o);

  auto compile_reservation = [&](const config::Reservation& r) {
    auto cr = std::make_unique<CompiledReservation>();
    cr->reservation = &r;
    for (const config::OptionData& o : r.options) cr->options.Add(o);
    cr->classes = ClassIndices(r.client_classes);
    return cr;
  };
  for (const config::Reservation& r : config_.dhcp4.reservations) {
    global_reservations_.Add(compile_reservation(r));
    if (r.ip_address != 0) reserved_.insert(r.ip_address);
  }
  reservation_types_ = global_reservations_.types();

  subnets_.reserve(config_.dhcp4.subnets.size());
  for (const config::Subnet4& s : config_.dhcp4.subnets) {
    CompiledSubnet& c = subnets_.emplace_back();
    c.config = &s;
    c.id = s.id;
    c.mask = s.mask != 0 ? s.mask : MaskOf(s.prefix_len);
    c.prefix = s.prefix & c.mask;
    c.broadcast = c.prefix | ~c.mask;
    c.server_id = 0;
    c.client_class = s.client_class.empty() ? kNoClass : ClassIndex(s.client_class);
    c.require_classes = ClassIndices(s.require_client_classes);
    for (const config::OptionData& o : s.options) c.options.Add(o);
    // Option 54 configured for the subnet, else globally, overrides the port's address.
    for (const OptionSet* level : {&c.options, &global_options_}) {
      const config::OptionData* o = level->Find(opt::kServerId);
      if (o != nullptr && o->data.size() == 4) {
        c.server_id = LoadBe32(o->data.data());
        break;
      }
    }
    for (const config::Pool& p : s.pools) {
      CompiledPool& cp = c.pools.emplace_back();
      cp.pool = pools.Get(p.first, p.last);
      for (const config::OptionData& o : p.options) cp.options.Add(o);
      cp.client_class = p.client_class.empty() ? kNoClass : ClassIndex(p.client_class);
      cp.require_classes = ClassIndices(p.require_client_classes);
    }
    for (const config::Reservation& r : s.reservations) {
      c.reservations.Add(compile_reservation(r));
      if (r.ip_address != 0) reserved_.insert(r.ip_address);
    }
    reservation_types_ |= c.reservations.types();
  }
  // A reserved address is never handed out dynamically.
  for (CompiledSubnet& c : subnets_) {
    for (CompiledPool& p : c.pools) {
      for (uint32_t a : reserved_) {
        if (p.pool->Contains(a)) p.pool->ClaimSpecific(a);
      }
    }
  }

  // Evaluation order: definition order, split around the host lookup. Built-ins and
  // name-only classes (no test) are assigned, not evaluated; VENDOR_CLASS_ ones are
  // evaluated like user classes.
  for (uint16_t i = 0; i < classes_.size(); ++i) {
    const CompiledClass& c = classes_[i];
    if (!c.test || c.only_if_required) continue;
    (c.after_host_lookup ? late_ : early_).push_back(i);
  }
  // Early equality tests by selector; a selector shared by two or more becomes a group.
  {
    std::vector<std::string> keys;
    std::vector<std::vector<uint16_t>> members;
    for (uint16_t i : early_) {
      const classify::Expression& e = *classes_[i].test;
      if (!e.EqualityLiteral()) continue;
      std::string key = e.SelectorKey();
      auto at = std::find(keys.begin(), keys.end(), key);
      if (at == keys.end()) {
        keys.push_back(std::move(key));
        members.emplace_back();
        at = keys.end() - 1;
      }
      members[size_t(at - keys.begin())].push_back(i);
    }
    for (const std::vector<uint16_t>& m : members) {
      if (m.size() < 2) continue;
      ClassGroup& g = class_groups_.emplace_back();
      g.selector = &*classes_[m[0]].test;
      for (uint16_t i : m) {
        const std::span<const uint8_t> lit = *classes_[i].test->EqualityLiteral();
        g.by_literal[std::string(lit.begin(), lit.end())].push_back(i);
        classes_[i].grouped = true;
      }
    }
  }

  std::sort(subnets_.begin(), subnets_.end(),
            [](const CompiledSubnet& a, const CompiledSubnet& b) { return a.prefix < b.prefix; });
  for (size_t i = 1; i < subnets_.size(); ++i) {
    if (subnets_[i - 1].broadcast >= subnets_[i].prefix) overlapping_ = true;
  }
  // subnets_ is final from here on: the maps below point into it. Walking it in
  // prefix order and keeping the first entry per key gives the answers the linear
  // scans gave.
  for (const CompiledSubnet& c : subnets_) {
    by_id_.emplace(c.id, &c);
    for (uint32_t r : c.config->relay_addresses) by_relay_.emplace(r, &c);
  }
  // Shared networks: members in config order.
  std::vector<std::vector<const CompiledSubnet*>> networks(config_.dhcp4.shared_networks.size());
  for (const config::Subnet4& s : config_.dhcp4.subnets) {
    if (s.shared_network >= 0) networks[size_t(s.shared_network)].push_back(SubnetById(s.id));
  }
  for (CompiledSubnet& c : subnets_) {
    if (c.config->shared_network >= 0) c.network = networks[size_t(c.config->shared_network)];
  }

  // Interfaces: "name" or "name.vlan" of a configured port.
  for (const config::Port& p : config_.dataplane.ports) port_names_.push_back(PortName(p));
  for (const config::Subnet4& s : config_.dhcp4.subnets) {
    if (s.interface.empty()) continue;
    const std::string_view name = s.interface;
    for (size_t port = 0; port < port_names_.size(); ++port) {
      uint32_t vlan = 0;
      if (!MatchInterfaceName(name, port_names_[port], &vlan)) continue;
      by_interface_.emplace(uint32_t(port) << 16 | vlan, SubnetById(s.id));
    }
  }
  return absl::OkStatus();
}

const CompiledSubnet* ServerConfig::SubnetFor(uint32_t a, bool as_relay) const {
  if (as_relay && !by_relay_.empty()) {
    if (auto it = by_relay_.find(a); it != by_relay_.end()) return it->second;
  }
  if (overlapping_ || subnets_.size() <= 4) {
    for (const CompiledSubnet& s : subnets_) {
      if (s.Contains(a)) return &s;
    }
    return nullptr;
  }
  // Last subnet whose prefix <= a.
  auto it = std::upper_bound(subnets_.begin(), subnets_.end(), a,
                             [](uint32_t v, const CompiledSubnet& s) { return v < s.prefix; });
  if (it == subnets_.begin()) return nullptr;
  --it;
  return it->Contains(a) ? &*it : nullptr;
}

const CompiledSubnet* ServerConfig::SubnetById(uint32_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

const CompiledSubnet* ServerConfig::SubnetForInterface(uint16_t port, uint16_t vlan) const {
  if (by_interface_.empty()) return nullptr;
  auto it = by_interface_.find(uint32_t(port) << 16 | vlan);
  return it == by_interface_.end() ? nullptr : it->second;
}

std::string_view ServerConfig::InterfaceName(uint16_t port, uint16_t vlan,
                                             std::span<char, 40> buf) const {
  if (port >= port_names_.size()) return {};
  const std::string& name = port_names_[port];
  if (vlan == 0) return name;
  const int n = std::snprintf(buf.data(), buf.size(), "%.32s.%u", name.c_str(), unsigned(vlan));
  return std::string_view(buf.data(), n > 0 ? std::min<size_t>(size_t(n), buf.size() - 1) : 0);
}

const CompiledPool* ServerConfig::PoolFor(uint32_t a) const {
  const CompiledSubnet* s = SubnetFor(a);
  return s == nullptr ? nullptr : s->PoolFor(a);
}

}  // namespace fastlease::dhcp4
