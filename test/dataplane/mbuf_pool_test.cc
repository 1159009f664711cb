#include "dataplane/mbuf_pool.h"

#include <gtest/gtest.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "test/testing/eal.h"

namespace fastlease::dataplane {
namespace {

// EAL as the dataplane runs on development machines: no hugepages, so the pool's
// memory comes in 4 KiB pages and an unpacked 2.4 KiB object would take one each.
class EalEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { ASSERT_TRUE(testing::InitEal("mbuf_pool_test")); }
  void TearDown() override { rte_eal_cleanup(); }
};

const ::testing::Environment* const kEal = ::testing::AddGlobalTestEnvironment(new EalEnvironment);

struct ObjectSpan {
  uintptr_t lowest = UINTPTR_MAX;
  uintptr_t highest_end = 0;
  unsigned count = 0;
};

// The span of every object (header, mbuf, private area, data room, trailer).
ObjectSpan SpanOfObjects(rte_mempool* pool) {
  ObjectSpan span;
  rte_mempool_obj_iter(
      pool,
      [](rte_mempool* mp, void* opaque, void* obj, unsigned) {
        auto* s = static_cast<ObjectSpan*>(opaque);
        const uintptr_t start = uintptr_t(obj) - mp->header_size;
        const uintptr_t end = uintptr_t(obj) + mp->elt_size + mp->trailer_size;
        s->lowest = std::min(s->lowest, start);
        s->highest_end = std::max(s->highest_end, end);
        ++s->count;
      },
      &span);
  return span;
}

// DPDK's AF_XDP driver registers as UMEM the bytes from the page holding the pool's
// first memory chunk, populated_size objects long. Every object must lie inside,
// or a frame in it is an invalid descriptor to the kernel.
TEST(CreateMbufPool, EveryObjectLiesInTheRangeAfXdpRegistersAsUmem) {
  ASSERT_TRUE(MbufPoolsArePacked());  // --no-huge
  rte_mempool* pool = CreateMbufPool("umem_span", 8191, 256, 64, int(rte_socket_id()));
  ASSERT_NE(pool, nullptr);
  const uintptr_t first_chunk = uintptr_t(STAILQ_FIRST(&pool->mem_list)->addr);
  const uintptr_t page = uintptr_t(getpagesize());
  const uintptr_t umem_base = first_chunk & ~(page - 1);
  const uint64_t object_size = rte_mempool_calc_obj_size(pool->elt_size, pool->flags, nullptr);
  const uintptr_t umem_end =
      first_chunk + uint64_t(pool->populated_size) * object_size;  // base + align + n * size

  const ObjectSpan span = SpanOfObjects(pool);
  EXPECT_EQ(span.count, 8191u);
  EXPECT_EQ(pool->populated_size, 8191u);
  EXPECT_GE(span.lowest, umem_base);
  EXPECT_LE(span.highest_end, umem_end)
      << (span.highest_end - umem_end) / object_size << " objects beyond the registered UMEM";
  rte_mempool_free(pool);
}

TEST(CreateMbufPool, HoldsPacketMbufsLikeRtePktmbufPoolCreate) {
  const uint16_t priv = 64;
  rte_mempool* pool = CreateMbufPool("pkt_like", 1023, 32, priv, int(rte_socket_id()));
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(rte_pktmbuf_data_room_size(pool), RTE_MBUF_DEFAULT_BUF_SIZE);
  EXPECT_EQ(rte_pktmbuf_priv_size(pool), priv);
  std::vector<rte_mbuf*> mbufs(1023);
  ASSERT_EQ(rte_pktmbuf_alloc_bulk(pool, mbufs.data(), unsigned(mbufs.size())), 0);
  for (rte_mbuf* m : mbufs) {
    ASSERT_EQ(m->pool, pool);
    EXPECT_EQ(m->buf_len, RTE_MBUF_DEFAULT_BUF_SIZE);
    EXPECT_EQ(m->priv_size, priv);
    EXPECT_EQ(m->data_off, RTE_PKTMBUF_HEADROOM);
    EXPECT_EQ(m->pkt_len, 0u);
    EXPECT_EQ(m->nb_segs, 1);
    EXPECT_EQ(static_cast<char*>(m->buf_addr), reinterpret_cast<char*>(m + 1) + priv);
    // The data room is writable to its end.
    static_cast<char*>(m->buf_addr)[m->buf_len - 1] = 1;
  }
  rte_mbuf* extra = rte_pktmbuf_alloc(pool);
  EXPECT_EQ(extra, nullptr);  // exactly the count asked for
  rte_pktmbuf_free_bulk(mbufs.data(), unsigned(mbufs.size()));
  EXPECT_EQ(rte_mempool_avail_count(pool), 1023u);
  rte_mempool_free(pool);
}

TEST(CreateMbufPool, ANameInUseFailsWithRteErrno) {
  rte_mempool* a = CreateMbufPool("same_name", 63, 0, 0, int(rte_socket_id()));
  ASSERT_NE(a, nullptr);
  rte_errno = 0;
  EXPECT_EQ(CreateMbufPool("same_name", 63, 0, 0, int(rte_socket_id())), nullptr);
  EXPECT_EQ(rte_errno, EEXIST);
  rte_mempool_free(a);
}

}  // namespace
}  // namespace fastlease::dataplane
