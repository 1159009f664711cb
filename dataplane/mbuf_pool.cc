#include "dataplane/mbuf_pool.h"

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mbuf_pool_ops.h>
#include <rte_mempool.h>

namespace fastlease::dataplane {

bool MbufPoolsArePacked() {
  return rte_eal_has_hugepages() == 0 || rte_eal_iova_mode() == RTE_IOVA_VA;
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
