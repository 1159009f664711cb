// The packet mbuf pool, laid out so that DPDK's AF_XDP driver can use it as its UMEM.
//
//   rte_mempool* pool = CreateMbufPool("fl_pkt", 8191, 256, priv_size, rte_socket_id());
//
// Same contents as rte_pktmbuf_pool_create (default data room, the best mempool
// ops), with one difference: where buffers need no physical contiguity (EAL without
// hugepages, IOVA as VA, or only vdev ports, which do no DMA) the objects are packed
// back to back (RTE_MEMPOOL_F_NO_IOVA_CONTIG) instead of being kept from crossing a
// page. Call after the ports are probed (EAL init).
//
// Why: the AF_XDP driver registers the pool's memory as the socket's UMEM, sized
// populated_size × object size from the first object. Without hugepages a 2.4 KiB
// object may not cross a 4 KiB page, so each takes a page of its own and the upper
// ~40% of the pool lies beyond the registered UMEM. A frame in such an mbuf is an
// invalid descriptor to the kernel (counted in XDP_STATISTICS tx_invalid_descs), and
// after one of those the socket's TX ring stopped being consumed (kernel 6.18): the
// port went silent once enough mbufs were in flight to reach that part of the pool.
// Left as it was: a PCI NIC under IOVA as PA beside an AF_XDP port, where a pool that
// skips an object at each hugepage boundary still reaches a little past the UMEM.
// Start-up only (allocates). Null with rte_errno set on failure.
#pragma once

#include <cstdint>

struct rte_mempool;

namespace fastlease::dataplane {

rte_mempool* CreateMbufPool(const char* name, unsigned count, unsigned cache_size,
                            uint16_t priv_size, int socket_id);

// True when the pools this process creates now are packed (see above).
bool MbufPoolsArePacked();

}  // namespace fastlease::dataplane
