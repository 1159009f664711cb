#include "dataplane/port.h"

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "absl/strings/str_cat.h"
#include "control/config/internal/ip6_text.h"
#include "dataplane/eal.h"
#include "dataplane/log.h"
#include "dataplane/mbuf_pool.h"

namespace fastlease::dataplane {
namespace {

std::string Ip(uint32_t a) {
  return absl::StrCat(a >> 24, ".", (a >> 16) & 255, ".", (a >> 8) & 255, ".", a & 255);
}

absl::StatusOr<uint16_t> FindPort(const std::string& device) {
  const std::string name = DeviceName(device);
  uint16_t id = 0;
  if (rte_eth_dev_get_port_by_name(name.c_str(), &id) == 0) return id;
  // PCI devices are named with their domain ("0000:01:00.0").
  if (!IsVdev(device) && rte_eth_dev_get_port_by_name(("0000:" + name).c_str(), &id) == 0) {
    return id;
  }
  return absl::NotFoundError(absl::StrCat(
      "no ethdev named '", name, "' (device '", device,
      "'): check the device string, the driver, and that EAL was not given --no-pci for a PCI "
      "port"));
}

}  // namespace

rte_mempool* CreatePacketPool(const config::DataplaneConfig& dataplane) {
  const uint16_t priv = uint16_t(RTE_ALIGN(sizeof(PacketMeta), RTE_MBUF_PRIV_ALIGN));
  rte_mempool* pool =
      CreateMbufPool("fl_pkt", dataplane.mempool_size, dataplane.mempool_cache, priv,
                     int(rte_socket_id()));
  if (pool == nullptr) {
    Log("cannot create mempool of {} mbufs: {}", dataplane.mempool_size, rte_strerror(rte_errno));
  }
  return pool;
}

absl::StatusOr<PortSet> ConfigurePorts(const config::DataplaneConfig& dataplane,
                                       rte_mempool* pool) {
  if (dataplane.ports.empty()) return absl::InvalidArgumentError("no ports configured");
  if (dataplane.ports.size() > kMaxPorts) {
    return absl::InvalidArgumentError(absl::StrCat("at most ", kMaxPorts, " ports are supported"));
  }
  const uint32_t workers = dataplane.workers;
  PortSet ports;
  uint64_t descriptors = 0;
  for (size_t pi = 0; pi < dataplane.ports.size(); ++pi) {
    const config::Port& cp = dataplane.ports[pi];
    absl::StatusOr<uint16_t> id = FindPort(cp.device);
    if (!id.ok()) return id.status();
    PortRuntime p;
    p.port_id = *id;
    p.name = DeviceName(cp.device);
    p.local.Add(cp.address, cp.prefix_len);
    for (const auto& [address6, prefix_len6] : cp.addresses6) {
      if (!p.local.AddIpv6(address6, prefix_len6)) {
        return absl::InvalidArgumentError(
            absl::StrCat(p.name, ": at most ", LocalInterface::kMaxAddresses6,
                         " IPv6 addresses, none multicast or ::"));
      }
    }

    rte_eth_dev_info info{};
    if (int rc = rte_eth_dev_info_get(p.port_id, &info); rc != 0) {
      return absl::InternalError(
          absl::StrCat(p.name, ": rte_eth_dev_info_get: ", rte_strerror(-rc)));
    }
    const uint32_t max_queues = std::min<uint32_t>(info.max_rx_queues, info.max_tx_queues);
    if (max_queues >= workers) {
      p.queues = uint16_t(workers);
    } else {
      p.queues = 1;
      p.shared = true;
      p.owner = uint32_t(pi % workers);
      Log("port {} ({}): the driver offers {} queue pair(s) for {} workers; worker {} polls it "
          "and dispatches",
          pi, p.name, max_queues, workers, p.owner);
    }

    rte_eth_conf conf{};
    const uint64_t rss = info.flow_type_rss_offloads & (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP);
    if (p.queues > 1 && rss != 0) {
      conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
      conf.rx_adv_conf.rss_conf.rss_hf = rss;
    }
    if (int rc = rte_eth_dev_configure(p.port_id, p.queues, p.queues, &conf); rc != 0) {
      return absl::InternalError(absl::StrCat(p.name, ": rte_eth_dev_configure(", p.queues,
                                              " queues): ", rte_strerror(-rc)));
    }
    uint16_t rx_desc = cp.rx_descriptors;
    uint16_t tx_desc = cp.tx_descriptors;
    if (int rc = rte_eth_dev_adjust_nb_rx_tx_desc(p.port_id, &rx_desc, &tx_desc); rc != 0) {
      return absl::InternalError(
          absl::StrCat(p.name, ": adjusting descriptors: ", rte_strerror(-rc)));
    }
    const int socket = rte_eth_dev_socket_id(p.port_id);
    const unsigned sock = socket < 0 ? SOCKET_ID_ANY : unsigned(socket);
    for (uint16_t q = 0; q < p.queues; ++q) {
      if (int rc = rte_eth_rx_queue_setup(p.port_id, q, rx_desc, sock, nullptr, pool); rc != 0) {
        return absl::InternalError(absl::StrCat(p.name, ": rx queue ", q, ": ", rte_strerror(-rc)));
      }
      if (int rc = rte_eth_tx_queue_setup(p.port_id, q, tx_desc, sock, nullptr); rc != 0) {
        return absl::InternalError(absl::StrCat(p.name, ": tx queue ", q, ": ", rte_strerror(-rc)));
      }
    }
    descriptors += uint64_t(rx_desc + tx_desc) * p.queues;

    rte_ether_addr mac{};
    if (int rc = rte_eth_macaddr_get(p.port_id, &mac); rc != 0) {
      return absl::InternalError(
          absl::StrCat(p.name, ": reading the MAC address: ", rte_strerror(-rc)));
    }
    std::copy(std::begin(mac.addr_bytes), std::end(mac.addr_bytes), p.mac.begin());
    p.local.mac = p.mac;
    p.local.SetLinkLocalFromMac();
    std::string v6;
    for (const auto& [a, len] : cp.addresses6) {
      absl::StrAppend(&v6, ", address6 ", config::internal::FormatIpv6(a), "/", len);
    }
    Log("port {} ({}): id {}, mac {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}, address {}/{}{}, {} "
        "queue pair(s), {} rx / {} tx descriptors",
        pi, p.name, p.port_id, p.mac[0], p.mac[1], p.mac[2], p.mac[3], p.mac[4], p.mac[5],
        Ip(cp.address), cp.prefix_len, v6, p.queues, rx_desc, tx_desc);
    ports.push_back(std::move(p));
  }
  if (descriptors + uint64_t(dataplane.mempool_cache) * workers >= dataplane.mempool_size) {
    Log("warning: mempool-size {} does not exceed the {} descriptors of all queues plus the "
        "per-worker caches; replies will fail with drop_no_mbuf",
        dataplane.mempool_size, descriptors);
  }
  return ports;
}

absl::Status StartPorts(PortSet& ports) {
  for (PortRuntime& p : ports) {
    if (int rc = rte_eth_dev_start(p.port_id); rc != 0) {
      return absl::InternalError(absl::StrCat(p.name, ": rte_eth_dev_start: ", rte_strerror(-rc)));
    }
    p.started = true;
  }
  return absl::OkStatus();
}

void StopPorts(PortSet& ports) {
  for (PortRuntime& p : ports) {
    if (p.started) {
      if (int rc = rte_eth_dev_stop(p.port_id); rc != 0) {
        Log("{}: rte_eth_dev_stop: {}", p.name, rte_strerror(-rc));
      }
      p.started = false;
    }
    rte_eth_dev_close(p.port_id);
  }
}

}  // namespace fastlease::dataplane
