#include "control/config/internal/dataplane_parser.h"

#include <arpa/inet.h>

#include <array>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "control/config/internal/ip_text.h"

namespace fastlease::config::internal {
namespace {

// DPDK limits (rte_mempool.h RTE_MEMPOOL_CACHE_MAX_SIZE; rte_ring needs a power of two).
// With mempool-size >= 1023 a cache <= 512 always meets rte_mempool's cache <= size / 1.5.
constexpr uint32_t kMempoolCacheMax = 512;
constexpr uint32_t kMinRingSize = 64;
constexpr uint32_t kMinMempoolSize = 1023;
constexpr uint32_t kMaxBurst = 256;
// dataplane::LocalInterface::kMaxAddresses6 (the config does not depend on dataplane/).
constexpr size_t kMaxPortAddresses6 = 4;
constexpr uint8_t kDefaultPrefixLen6 = 64;

bool IsPowerOfTwo(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

// "2001:db8::1/64" or "2001:db8::1" (kDefaultPrefixLen6); len 0..128, decimal without
// leading zeros. inet_pton at config time; ip6_text.h, once it lands, can take over.
std::optional<std::pair<Ip6, uint8_t>> ParseAddress6Text(absl::string_view text) {
  const size_t slash = text.find('/');
  const absl::string_view address_text = text.substr(0, slash);
  if (address_text.empty() || address_text.size() > 45) return std::nullopt;  // INET6_ADDRSTRLEN
  Ip6 address{};
  if (inet_pton(AF_INET6, std::string(address_text).c_str(), address.data()) != 1) {
    return std::nullopt;
  }
  if (slash == absl::string_view::npos) return std::make_pair(address, kDefaultPrefixLen6);
  const absl::string_view len_text = text.substr(slash + 1);
  if (len_text.empty() || len_text.size() > 3 || (len_text.size() > 1 && len_text[0] == '0')) {
    return std::nullopt;
  }
  uint32_t len = 0;
  for (char c : len_text) {
    if (c < '0' || c > '9') return std::nullopt;
    len = len * 10 + static_cast<uint32_t>(c - '0');
  }
  if (len > 128) return std::nullopt;
  return std::make_pair(address, static_cast<uint8_t>(len));
}

// One `address6` entry: a unicast address with an optional prefix length 1..128.
std::optional<std::pair<Ip6, uint8_t>> ReadAddress6(const Json& node, const std::string& path,
                                                    Diagnostics& d) {
  std::optional<std::string> text = ReadString(node, path, d);
  if (!text) return std::nullopt;
  std::optional<std::pair<Ip6, uint8_t>> entry = ParseAddress6Text(*text);
  if (!entry || entry->second == 0) {
    d.Error(path, absl::StrCat("'", *text,
                               "' is not an IPv6 address with optional prefix length "
                               "(2001:db8::1/64; 1..128, default 64)"));
    return std::nullopt;
  }
  const Ip6& a = entry->first;
  const Ip6 loopback = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  if (a == Ip6{} || a == loopback || a[0] == 0xff) {
    d.Error(path, absl::StrCat("'", *text, "' is not a unicast address (::, ::1 and ff00::/8 "
                                           "cannot be a port's address)"));
    return std::nullopt;
  }
  return entry;
}

// `address6`: one string or an array of them, at most kMaxPortAddresses6, no repeats.
bool ReadAddresses6(const Json& node, const std::string& path, Port& port, Diagnostics& d) {
  std::vector<std::pair<const Json*, std::string>> entries;  // node, its path
  if (node.is_string()) {
    entries.emplace_back(&node, path);
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) entries.emplace_back(&node[i], Index(path, i));
    if (node.size() > kMaxPortAddresses6) {
      d.Error(path, absl::StrCat(node.size(), " addresses; a port has at most ",
                                 kMaxPortAddresses6));
      return false;
    }
  } else {
    TypeError(node, path, "a string or an array of strings", d);
    return false;
  }
  bool ok = true;
  std::vector<std::string> seen_at;
  for (const auto& [n, p] : entries) {
    std::optional<std::pair<Ip6, uint8_t>> entry = ReadAddress6(*n, p, d);
    if (!entry) {
      ok = false;
      continue;
    }
    bool repeated = false;
    for (size_t i = 0; i < port.addresses6.size(); ++i) {
      if (port.addresses6[i].first == entry->first) {
        d.Error(p, absl::StrCat("the address is already given at ", seen_at[i]));
        repeated = true;
      }
    }
    if (repeated) {
      ok = false;
      continue;
    }
    port.addresses6.push_back(*entry);
    seen_at.push_back(p);
  }
  return ok;
}

std::optional<Port> ParsePort(const Json& node, const std::string& path, Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = {"device", "address", "address6", "rx-descriptors", "tx-descriptors"},
  };
  if (!CheckObject(node, path, kRules, d)) return std::nullopt;
  Port port;
  bool ok = true;
  if (const Json* n = Find(node, "device")) {
    std::optional<std::string> device = ReadString(*n, Child(path, "device"), d);
    if (device && device->empty()) d.Error(Child(path, "device"), "must not be empty");
    ok = ok && device && !device->empty();
    port.device = device.value_or("");
  } else {
    d.Error(Child(path, "device"), "missing required key");
    ok = false;
  }
  if (const Json* n = Find(node, "address")) {
    const std::string p = Child(path, "address");
    std::optional<std::string> text = ReadString(*n, p, d);
    std::optional<Ipv4Prefix> prefix;
    if (text) {
      prefix = ParseIpv4Prefix(*text);
      if (!prefix || prefix->len == 0) {
        d.Error(p,
                absl::StrCat("'", *text, "' is not an address with prefix length (a.b.c.d/len)"));
        prefix.reset();
      } else if (prefix->address == 0) {
        d.Error(p, "the address must not be 0.0.0.0");
        prefix.reset();
      }
    }
    ok = ok && prefix.has_value();
    if (prefix) {
      port.address = prefix->address;
      port.prefix_len = prefix->len;
    }
  } else {
    d.Error(Child(path, "address"), "missing required key");
    ok = false;
  }
  if (const Json* n = Find(node, "address6")) {
    ok = ReadAddresses6(*n, Child(path, "address6"), port, d) && ok;
  }
  if (const Json* n = Find(node, "rx-descriptors")) {
    std::optional<uint32_t> v = ReadUint32(*n, Child(path, "rx-descriptors"), d, 1, 65535);
    ok = ok && v.has_value();
    if (v) port.rx_descriptors = static_cast<uint16_t>(*v);
  }
  if (const Json* n = Find(node, "tx-descriptors")) {
    std::optional<uint32_t> v = ReadUint32(*n, Child(path, "tx-descriptors"), d, 1, 65535);
    ok = ok && v.has_value();
    if (v) port.tx_descriptors = static_cast<uint16_t>(*v);
  }
  if (!ok) return std::nullopt;
  return port;
}

void ReadField(const Json& node, absl::string_view key, absl::string_view path, Diagnostics& d,
               uint32_t& field, uint64_t min, uint64_t max = 0xffffffffu) {
  if (const Json* n = Find(node, key)) {
    if (std::optional<uint32_t> v = ReadUint32(*n, Child(path, key), d, min, max)) field = *v;
  }
}

void ReadRingSize(const Json& node, absl::string_view key, absl::string_view path, Diagnostics& d,
                  uint32_t& field) {
  const Json* n = Find(node, key);
  if (n == nullptr) return;
  const std::string p = Child(path, key);
  std::optional<uint32_t> v = ReadUint32(*n, p, d, kMinRingSize);
  if (!v) return;
  if (!IsPowerOfTwo(*v)) {
    d.Error(p, absl::StrCat(*v, " is not a power of two"));
    return;
  }
  field = *v;
}

}  // namespace

DataplaneConfig ParseDataplane(const Json& node, absl::string_view path, Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = {"eal-args", "ports", "workers", "mempool-size", "mempool-cache", "burst-size",
                   "idle-sleep-us", "tx-drain-us", "park-queue-size", "change-ring-size",
                   "dispatch-ring-size", "control-link", "lease-event-retention",
                   "persister-nice"},
  };
  DataplaneConfig config;
  if (!CheckObject(node, path, kRules, d)) return config;

  if (const Json* n = Find(node, "eal-args")) {
    const std::string p = Child(path, "eal-args");
    if (ExpectArray(*n, p, d)) {
      for (size_t i = 0; i < n->size(); ++i) {
        if (std::optional<std::string> arg = ReadString((*n)[i], Index(p, i), d)) {
          config.eal_args.push_back(*std::move(arg));
        }
      }
    }
  }
  if (const Json* n = Find(node, "ports")) {
    const std::string p = Child(path, "ports");
    if (ExpectArray(*n, p, d)) {
      std::map<std::string, std::string> devices;  // device -> path of its first port
      for (size_t i = 0; i < n->size(); ++i) {
        const std::string port_path = Index(p, i);
        std::optional<Port> port = ParsePort((*n)[i], port_path, d);
        if (!port) continue;
        auto [it, inserted] = devices.emplace(port->device, port_path);
        if (!inserted) {
          d.Error(Child(port_path, "device"),
                  absl::StrCat("device '", port->device, "' is already used by ", it->second));
          continue;
        }
        config.ports.push_back(*std::move(port));
      }
    }
  }
  ReadField(node, "workers", path, d, config.workers, 1);
  ReadField(node, "mempool-size", path, d, config.mempool_size, kMinMempoolSize);
  ReadField(node, "mempool-cache", path, d, config.mempool_cache, 0, kMempoolCacheMax);
  ReadField(node, "burst-size", path, d, config.burst_size, 1, kMaxBurst);
  ReadField(node, "idle-sleep-us", path, d, config.idle_sleep_us, 0);
  ReadField(node, "tx-drain-us", path, d, config.tx_drain_us, 0);
  ReadRingSize(node, "park-queue-size", path, d, config.park_queue_size);
  ReadRingSize(node, "change-ring-size", path, d, config.change_ring_size);
  ReadRingSize(node, "dispatch-ring-size", path, d, config.dispatch_ring_size);
  if (const Json* n = Find(node, "control-link")) {
    if (std::optional<std::string> v = ReadString(*n, Child(path, "control-link"), d)) {
      config.control_link = *std::move(v);
    }
  }
  ReadField(node, "lease-event-retention", path, d, config.lease_event_retention, 1024);
  if (const Json* n = Find(node, "persister-nice")) {
    if (std::optional<int32_t> v = ReadInt32(*n, Child(path, "persister-nice"), d, -20, 19)) {
      config.persister_nice = *v;
    }
  }

  return config;
}

}  // namespace fastlease::config::internal
