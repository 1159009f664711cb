#include "dataplane/mbuf_pool.h"

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mbuf_pool_ops.h>
#include <rte_mempool.h>

#include <cstring>

namespace fastlease::dataplane {

namespace {

// True when a probed port sits on a bus other than vdev (a PCI NIC): its DMA may use
// physical addresses, which must not jump within an mbuf.
bool AnyPortOutsideTheVdevBus() {
  uint16_t port_id;
  RTE_ETH_FOREACH_DEV(port_id) {
    rte_eth_dev_info info{};
    if (rte_eth_dev_info_get(port_id, &info) != 0 || info.device == nullptr) return true;
    const rte_bus* bus = rte_dev_bus(info.device);
    if (bus == nullptr || std::strcmp(rte_bus_name(bus), "vdev") != 0) return true;
  }
  return false;
}

}  // namespace

bool MbufPoolsArePacked() {
  return rte_eal_has_hugepages() == 0 || rte_eal_iova_mode() == RTE_IOVA_VA ||
         !AnyPortOutsideTheVdevBus();
}

rte_mempool* CreateMbufPool(const char* name, unsigned count, unsigned cache_size,
                            uint16_t priv_size, int socket_id) {
  const uint16_t data_room = RTE_MBUF_DEFAULT_BUF_SIZE;
  const unsigned element_size = unsigned(sizeof(rte_mbuf)) + priv_size + data_room;
  const unsigned flags = MbufPoolsArePacked() ? RTE_MEMPOOL_F_NO_IOVA_CONTIG : 0;
  rte_mempool* pool = rte_mempool_create_empty(name, count, element_size, cache_size,
                                               sizeof(rte_pktmbuf_pool_private), socket_id, flags);
  if (pool == nullptr) return nullptr;
  if (int rc = rte_mempool_set_ops_byname(pool, rte_mbuf_best_mempool_ops(), nullptr); rc != 0) {
    rte_mempool_free(pool);
    rte_errno = -rc;
    return nullptr;
  }
  rte_pktmbuf_pool_private pool_private{};
  pool_private.mbuf_data_room_size = data_room;
  pool_private.mbuf_priv_size = priv_size;
  rte_pktmbuf_pool_init(pool, &pool_private);
  if (int rc = rte_mempool_populate_default(pool); rc < 0) {
    rte_mempool_free(pool);
    rte_errno = -rc;
    return nullptr;
  }
  rte_mempool_obj_iter(pool, rte_pktmbuf_init, nullptr);
  return pool;
}

}  // namespace fastlease::dataplane
