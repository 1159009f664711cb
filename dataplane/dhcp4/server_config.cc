#include "dataplane/dhcp4/server_config.h"

#include <algorithm>

#include "dataplane/dhcp4/options.h"

namespace fastlease::dhcp4 {
namespace {

absl::string_view AsKey(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

uint32_t MaskOf(uint8_t len) { return len == 0 ? 0 : ~uint32_t{0} << (32 - len); }

}  // namespace

void OptionSet::Add(const config::OptionData& o) {
  if (index_[o.code] != 0) {
    options_[index_[o.code] - 1] = o;
    return;
  }
  options_.push_back(o);
  index_[o.code] = uint16_t(options_.size());
}

const CompiledPool* CompiledSubnet::PoolFor(uint32_t a) const {
  for (const CompiledPool& p : pools) {
    if (p.pool->Contains(a)) return &p;
  }
  return nullptr;
}

const CompiledReservation* CompiledSubnet::FindReservation(
    std::span<const uint8_t> hw, std::span<const uint8_t> client_id) const {
  if (!client_id.empty() && !by_client_id.empty()) {
    auto it = by_client_id.find(AsKey(client_id));
    if (it != by_client_id.end()) return it->second;
  }
  if (!by_hw.empty()) {
    auto it = by_hw.find(AsKey(hw));
    if (it != by_hw.end()) return it->second;
  }
  return nullptr;
}

ServerConfig::ServerConfig(const config::Config& config, leasedb::PoolRegistry& pools)
    : config_(config) {
  subnets_.reserve(config_.dhcp4.subnets.size());
  for (const config::Subnet4& s : config_.dhcp4.subnets) {
    CompiledSubnet& c = subnets_.emplace_back();
    c.config = &s;
    c.id = s.id;
    c.mask = s.mask != 0 ? s.mask : MaskOf(s.prefix_len);
    c.prefix = s.prefix & c.mask;
    c.broadcast = c.prefix | ~c.mask;
    c.server_id = 0;
    for (const config::OptionData& o : s.options) {
      c.options.Add(o);
      if (o.code == opt::kServerId && o.data.size() == 4) {
        c.server_id = uint32_t(o.data[0]) << 24 | uint32_t(o.data[1]) << 16 |
                      uint32_t(o.data[2]) << 8 | o.data[3];
      }
    }
    for (const config::Pool& p : s.pools) {
      CompiledPool& cp = c.pools.emplace_back();
      cp.pool = pools.Get(p.first, p.last);
      cp.options = c.options;
      for (const config::OptionData& o : p.options) cp.options.Add(o);
    }
    for (const config::Reservation& r : s.reservations) {
      auto cr = std::make_unique<CompiledReservation>();
      cr->reservation = &r;
      cr->options = c.options;
      for (const config::OptionData& o : r.options) cr->options.Add(o);
      if (!r.hw_address.empty()) c.by_hw.emplace(std::string(AsKey(r.hw_address)), cr.get());
      if (!r.client_id.empty()) {
        c.by_client_id.emplace(std::string(AsKey(r.client_id)), cr.get());
      }
      if (r.ip_address != 0) {
        reserved_.insert(r.ip_address);
        // A reserved address is never handed out dynamically.
        for (CompiledPool& p : c.pools) p.pool->ClaimSpecific(r.ip_address);
      }
      c.reservations.push_back(std::move(cr));
    }
  }
  std::sort(subnets_.begin(), subnets_.end(),
            [](const CompiledSubnet& a, const CompiledSubnet& b) { return a.prefix < b.prefix; });
  for (size_t i = 1; i < subnets_.size(); ++i) {
    if (subnets_[i - 1].broadcast >= subnets_[i].prefix) overlapping_ = true;
  }
}

const CompiledSubnet* ServerConfig::SubnetFor(uint32_t a, bool as_relay) const {
  if (as_relay) {
    for (const CompiledSubnet& s : subnets_) {
      for (uint32_t r : s.config->relay_addresses) {
        if (r == a) return &s;
      }
    }
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
  for (const CompiledSubnet& s : subnets_) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

const CompiledPool* ServerConfig::PoolFor(uint32_t a) const {
  const CompiledSubnet* s = SubnetFor(a);
  return s == nullptr ? nullptr : s->PoolFor(a);
}

}  // namespace fastlease::dhcp4
