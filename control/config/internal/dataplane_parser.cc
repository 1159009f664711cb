#include "control/config/internal/dataplane_parser.h"

#include <map>
#include <optional>
#include <string>

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

bool IsPowerOfTwo(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

std::optional<Port> ParsePort(const Json& node, const std::string& path, Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = {"device", "address", "rx-descriptors", "tx-descriptors"},
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
                   "dispatch-ring-size", "control-link", "lease-event-retention"},
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

  return config;
}

}  // namespace fastlease::config::internal
