#include "dataplane/worker.h"

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_ring.h>
#include <time.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "dataplane/reply_address.h"

namespace fastlease::dataplane {
namespace {

constexpr uint32_t kPrefetchOffset = 3;
// Bytes of a received frame prefetched ahead of the wire stage: a DHCP request is
// 300-600 bytes, and the wire stage reads all of it (the UDP checksum). The frame was
// written by the core that ran the sender's kernel path, so each line is a miss here;
// prefetching them all at once overlaps the misses instead of taking them in turn.
constexpr uint32_t kPrefetchFrameBytes = 512;

inline PacketMeta* Meta(rte_mbuf* m) { return static_cast<PacketMeta*>(rte_mbuf_to_priv(m)); }

// Prefetches every cache line of m's frame, up to kPrefetchFrameBytes.
inline void PrefetchFrame(const rte_mbuf* m) {
  const char* p = rte_pktmbuf_mtod(m, const char*);
  const uint32_t len = std::min<uint32_t>(m->data_len, kPrefetchFrameBytes);
  for (uint32_t off = 0; off < len; off += RTE_CACHE_LINE_SIZE) rte_prefetch0(p + off);
}

inline std::span<uint8_t> FrameWithTailroom(rte_mbuf* m) {
  return {rte_pktmbuf_mtod(m, uint8_t*), size_t(m->data_len) + rte_pktmbuf_tailroom(m)};
}

inline void SetLength(rte_mbuf* m, size_t len) {
  m->data_len = uint16_t(len);
  m->pkt_len = uint32_t(len);
}

// --- TX ---

inline void Tx(WorkerContext& ctx, uint8_t port_index, rte_mbuf* m) {
  TxPath& t = ctx.tx[port_index];
  if (likely(t.buffer != nullptr)) {
    rte_eth_tx_buffer(t.port_id, t.queue, t.buffer, m);
    ctx.counters.Count(WorkerEvent::kTxPackets);
    return;
  }
  Meta(m)->port_index = port_index;
  if (unlikely(rte_ring_mp_enqueue(t.handoff, m) != 0)) {
    rte_pktmbuf_free(m);
    ctx.counters.Count(WorkerDrop::kTxHandoffFull);
    return;
  }
  ctx.counters.Count(WorkerEvent::kTxPackets);
}

// Replies other workers built for the queues this worker owns.
uint32_t DrainTxHandoffs(WorkerContext& ctx) {
  if (ctx.tx_in == nullptr) return 0;
  rte_mbuf** pkts = ctx.burst.data();
  const unsigned n =
      rte_ring_sc_dequeue_burst(ctx.tx_in, reinterpret_cast<void**>(pkts), ctx.burst_size, nullptr);
  for (unsigned i = 0; i < n; ++i) {
    const uint8_t pi = Meta(pkts[i])->port_index;
    TxPath& t = ctx.tx[pi < ctx.port_count ? pi : 0];
    if (unlikely(t.buffer == nullptr)) {  // cannot happen: handoffs go to the owner
      rte_pktmbuf_free(pkts[i]);
      ctx.counters.Count(WorkerDrop::kNoPort);
      continue;
    }
    rte_eth_tx_buffer(t.port_id, t.queue, t.buffer, pkts[i]);
  }
  return n;
}

// --- DHCP ---

// Message types the fast path does not answer but the control plane may.
constexpr uint8_t kLeaseQueryType = 10;  // RFC 4388

// Hands `m` to the management thread for the control plane. Consumes `m`.
void Punt(WorkerContext& ctx, rte_mbuf* m) {
  if (unlikely(ctx.punt_out == nullptr || rte_ring_sp_enqueue(ctx.punt_out, m) != 0)) {
    ctx.counters.Count(WorkerDrop::kPuntRingFull);
    rte_pktmbuf_free(m);
    return;
  }
  ctx.counters.Count(WorkerEvent::kPunted);
}

// Frames the control plane asked to send (port in PacketMeta).
uint32_t DrainInjected(WorkerContext& ctx) {
  if (ctx.inject_in == nullptr) return 0;
  rte_mbuf** pkts = ctx.burst.data();
  const unsigned n =
      rte_ring_sc_dequeue_burst(ctx.inject_in, reinterpret_cast<void**>(pkts), ctx.burst_size, nullptr);
  for (unsigned i = 0; i < n; ++i) {
    const uint8_t pi = Meta(pkts[i])->port_index;
    if (unlikely(pi >= ctx.port_count)) {
      rte_pktmbuf_free(pkts[i]);
      ctx.counters.Count(WorkerDrop::kNoPort);
      continue;
    }
    ctx.counters.Count(WorkerEvent::kInjected);
    Tx(ctx, pi, pkts[i]);
  }
  return n;
}

// A reply whose headers were written (`len` bytes, 0 if they did not fit): sets its
// length and port. False (reply freed, counted) when it did not fit.
bool SealReply(WorkerContext& ctx, uint8_t pi, rte_mbuf* reply, size_t len) {
  if (unlikely(len == 0)) {
    ctx.counters.Count(WorkerDrop::kReplyBuildFailed);
    rte_pktmbuf_free(reply);
    return false;
  }
  SetLength(reply, len);
  Meta(reply)->port_index = pi;
  ctx.counters.Count(WorkerEvent::kDhcpReplies);
  return true;
}

// Sends `reply` now, or parks it in `park` (v4's or v6's) until `durable_seq` is
// durable; a full park queue drops it. Consumes `reply`.
void SendOrPark(WorkerContext& ctx, uint8_t pi, rte_mbuf* reply, bool send_now,
                ParkQueue<rte_mbuf*>& park, uint64_t durable_seq) {
  if (send_now) {
    Tx(ctx, pi, reply);
    return;
  }
  if (unlikely(!park.Push(reply, durable_seq))) {
    ctx.counters.Count(WorkerDrop::kParkFull);
    rte_pktmbuf_free(reply);
    return;
  }
  ctx.counters.Count(WorkerEvent::kParked);
}

// Handles the request in `m`, already parsed into ctx.msg. Consumes `m`.
void HandleRequest(WorkerContext& ctx, rte_mbuf* m) {
  if (unlikely(uint8_t(ctx.msg.type()) == kLeaseQueryType)) {
    Punt(ctx, m);
    return;
  }
  const PacketMeta& meta = *Meta(m);
  const FrameInfo& info = meta.info;
  const uint8_t pi = meta.port_index;
  ctx.counters.Count(WorkerEvent::kDhcpHandled);
  ctx.counters.CountReceived(ctx.msg.type());

  rte_mbuf* reply = rte_pktmbuf_alloc(ctx.pool);
  if (unlikely(reply == nullptr)) {
    ctx.counters.Count(WorkerDrop::kNoMbuf);
    rte_pktmbuf_free(m);
    return;
  }
  const std::span<uint8_t> frame(rte_pktmbuf_mtod(reply, uint8_t*), rte_pktmbuf_tailroom(reply));
  const size_t header = ReplyHeaderSize(info);

  dhcp4::RequestContext rc;
  rc.local_address = info.local_address;
  rc.src_ip = info.src_ip;
  rc.dst_ip = info.dst_ip;
  rc.now = ctx.now;
  rc.port = pi;
  rc.vlan = info.vlan_count == 0
                ? 0
                : uint16_t((info.vlan_tags[2] << 8 | info.vlan_tags[3]) & 0x0fff);
  rc.length = info.payload_len;
  const dhcp4::HandleResult r =
      dhcp4::HandleDhcp4(*ctx.config, *ctx.shard, ctx.msg, rc, frame.subspan(header));
  if (r.outcome == dhcp4::Outcome::kDrop) {
    ctx.counters.Count(r.drop);
    rte_pktmbuf_free(reply);
    rte_pktmbuf_free(m);
    return;
  }
  const UdpReplyAddress to = ResolveReplyAddress(r.to, info, ctx.msg, ctx.local[pi].mac);
  const size_t len = WriteUdpReplyHeaders(frame, info, to, r.length);
  rte_pktmbuf_free(m);  // ctx.msg pointed into it; not used past here
  if (!SealReply(ctx, pi, reply, len)) return;
  ctx.counters.CountSent(r.reply_type);
  SendOrPark(ctx, pi, reply, r.outcome == dhcp4::Outcome::kSend, ctx.park, r.durable_seq);
}

// Handles the DHCPv6 request in `m`, already parsed into ctx.msg6. Consumes `m`.
void HandleRequest6(WorkerContext& ctx, rte_mbuf* m) {
  const PacketMeta& meta = *Meta(m);
  const FrameInfo& info = meta.info;
  const uint8_t pi = meta.port_index;
  ctx.counters.Count(WorkerEvent::kDhcpHandled);
  ctx.counters.CountReceived(ctx.msg6.type());
  if (unlikely(ctx.config6 == nullptr || ctx.shard6 == nullptr)) {
    ctx.counters.Count(dhcp6::DropReason6::kNotHandled);
    rte_pktmbuf_free(m);
    return;
  }
  rte_mbuf* reply = rte_pktmbuf_alloc(ctx.pool);
  if (unlikely(reply == nullptr)) {
    ctx.counters.Count(WorkerDrop::kNoMbuf);
    rte_pktmbuf_free(m);
    return;
  }
  const std::span<const uint8_t> req(rte_pktmbuf_mtod(m, const uint8_t*), m->data_len);
  const uint8_t* src = Ipv6Src(req, info);
  const uint8_t* dst = Ipv6Dst(req, info);
  const LocalInterface& local = ctx.local[pi];
  dhcp6::RequestContext6 rc;
  rc.now = ctx.now;
  rc.port = pi;
  rc.vlan = info.vlan_count == 0
                ? 0
                : uint16_t((info.vlan_tags[2] << 8 | info.vlan_tags[3]) & 0x0fff);
  const int ours = local.FindIpv6(dst);
  rc.unicast = ours >= 0;
  std::memcpy(rc.src.data(), src, 16);

  const std::span<uint8_t> frame(rte_pktmbuf_mtod(reply, uint8_t*), rte_pktmbuf_tailroom(reply));
  const size_t header = ReplyHeaderSize6(info);
  const dhcp6::HandleResult6 r =
      dhcp6::HandleDhcp6(*ctx.config6, *ctx.shard6, ctx.msg6, rc, frame.subspan(header));
  if (r.outcome == dhcp6::Outcome6::kDrop) {
    ctx.counters.Count(r.drop);
    rte_pktmbuf_free(reply);
    rte_pktmbuf_free(m);
    return;
  }
  // Back to where it came from: the client's link-local address (port 546) or the
  // relay (port 547), from the address it was sent to, else our link-local
  // (direct, multicast) or primary address (relayed, multicast).
  Udp6ReplyAddress to;
  to.src_mac = local.mac;
  std::memcpy(to.dst_mac.data(), info.src_mac.data(), 6);
  std::memcpy(to.dst_ip.data(), src, 16);
  const bool relayed = ctx.msg6.relay_depth() > 0;
  to.dst_port = relayed ? dhcp6::kServerPort : dhcp6::kClientPort;
  to.src_port = dhcp6::kServerPort;
  if (ours >= 0) {
    std::memcpy(to.src_ip.data(), local.Ipv6At(ours), 16);
  } else if (relayed && local.address6_count > 0) {
    to.src_ip = local.addresses6[0];
  } else {
    to.src_ip = local.link_local;
  }
  const size_t len = WriteUdp6ReplyHeaders(frame, info, to, r.length);
  rte_pktmbuf_free(m);  // ctx.msg6 pointed into it; not used past here
  if (!SealReply(ctx, pi, reply, len)) return;
  ctx.counters.CountSent(r.reply_type);
  SendOrPark(ctx, pi, reply, r.outcome == dhcp6::Outcome6::kSend, ctx.park6, r.durable_seq);
}

// Parses a frame the wire stage classified as DHCPv6 into ctx.msg6; counts the result.
bool Parse6(WorkerContext& ctx, rte_mbuf* m) {
  const std::span<const uint8_t> frame(rte_pktmbuf_mtod(m, const uint8_t*), m->data_len);
  const dhcp6::ParseError err = dhcp6::Parse(UdpPayload(frame, Meta(m)->info), ctx.msg6);
  ctx.counters.Count(err);
  return err == dhcp6::ParseError::kNone;
}

// Requests other workers received for this worker's shard.
uint32_t DrainDispatched(WorkerContext& ctx) {
  rte_mbuf** pkts = ctx.burst.data();
  const unsigned n = rte_ring_sc_dequeue_burst(ctx.dispatch_in, reinterpret_cast<void**>(pkts),
                                               ctx.burst_size, nullptr);
  for (unsigned i = 0; i < n; ++i) {
    if (i + kPrefetchOffset < n) {
      rte_prefetch0(rte_pktmbuf_mtod(pkts[i + kPrefetchOffset], void*));
    }
    rte_mbuf* m = pkts[i];
    const FrameInfo& info = Meta(m)->info;
    const std::span<const uint8_t> frame(rte_pktmbuf_mtod(m, const uint8_t*), m->data_len);
    // The sender parsed it successfully; the bytes are unchanged.
    if (info.ip_version == 6) {
      if (unlikely(dhcp6::Parse(UdpPayload(frame, info), ctx.msg6) != dhcp6::ParseError::kNone)) {
        rte_pktmbuf_free(m);
        continue;
      }
      HandleRequest6(ctx, m);
      continue;
    }
    if (unlikely(dhcp4::Parse(UdpPayload(frame, info), ctx.msg) != dhcp4::ParseError::kNone)) {
      rte_pktmbuf_free(m);
      continue;
    }
    HandleRequest(ctx, m);
  }
  ctx.counters.Count(WorkerEvent::kDispatchedIn, n);
  return n;
}

// --- RX stages over one burst ---

// Sends `m`, rewritten in place into a `len`-byte reply, back out of port `pi`.
inline void SendInPlace(WorkerContext& ctx, uint8_t pi, rte_mbuf* m, size_t len, WorkerEvent counted) {
  SetLength(m, len);
  ctx.counters.Count(counted);
  Tx(ctx, pi, m);
}

// Wire stage: answers ARP and ICMP in place, collects DHCP frames in ctx.dhcp.
uint16_t WireStage(WorkerContext& ctx, uint8_t pi, rte_mbuf** pkts, uint16_t n) {
  uint16_t dhcp_count = 0;
  const LocalInterface& local = ctx.local[pi];
  for (uint16_t i = 0; i < n; ++i) {
    if (i + kPrefetchOffset < n) PrefetchFrame(pkts[i + kPrefetchOffset]);
    rte_mbuf* m = pkts[i];
    if (unlikely(m->nb_segs != 1)) {
      ctx.counters.Count(WorkerDrop::kMultiSegment);
      rte_pktmbuf_free(m);
      continue;
    }
    PacketMeta& meta = *Meta(m);
    meta.port_index = pi;
    const std::span<const uint8_t> frame(rte_pktmbuf_mtod(m, const uint8_t*), m->data_len);
    const WireVerdict v = ParseFrame(frame, local, meta.info);
    switch (v.kind) {
      case FrameKind::kDhcp:
        ctx.dhcp[dhcp_count++] = m;
        break;
      case FrameKind::kArpRequest:
        SendInPlace(ctx, pi, m, BuildArpReply(FrameWithTailroom(m), meta.info, local.mac),
                    WorkerEvent::kArpReplies);
        break;
      case FrameKind::kIcmpEcho:
        SendInPlace(ctx, pi, m, BuildIcmpEchoReply(FrameWithTailroom(m), meta.info, local.mac),
                    WorkerEvent::kIcmpReplies);
        break;
      case FrameKind::kNeighborSolicit:  // NDP, the IPv6 ARP: counted with it
        SendInPlace(ctx, pi, m,
                    BuildNeighborAdvertisement(FrameWithTailroom(m), meta.info, local.mac),
                    WorkerEvent::kArpReplies);
        break;
      case FrameKind::kIcmp6Echo:
        SendInPlace(ctx, pi, m, BuildIcmp6EchoReply(FrameWithTailroom(m), meta.info, local.mac),
                    WorkerEvent::kIcmpReplies);
        break;
      case FrameKind::kDhcp6:  // parsed and handled in the DHCP stage with the v4 ones
        ctx.dhcp[dhcp_count++] = m;
        break;
      case FrameKind::kDrop:
        ctx.counters.Count(v.drop);
        rte_pktmbuf_free(m);
        break;
    }
  }
  return dhcp_count;
}

// DHCP stage: parse, handle own-shard requests now, queue the rest per owner.
void DhcpStage(WorkerContext& ctx, uint16_t n) {
  auto& outbox = *ctx.outbox;
  // Prefetch the shard's index buckets, then the lease slots, for the whole
  // burst before handling any of it: with millions of clients both are cache
  // misses, and this overlaps them (see BM_DiscoverToOfferBurst).
  std::array<uint64_t, kMaxBurstSize> hints;
  for (uint16_t i = 0; i < n; ++i) {
    rte_mbuf* m = ctx.dhcp[i];
    if (Meta(m)->info.ip_version == 6) continue;
    const std::span<const uint8_t> frame(rte_pktmbuf_mtod(m, const uint8_t*), m->data_len);
    hints[i] = dhcp4::ClientKeyHint(UdpPayload(frame, Meta(m)->info));
    ctx.shard->PrefetchBucket(hints[i]);
  }
  for (uint16_t i = 0; i < n; ++i) {
    if (Meta(ctx.dhcp[i])->info.ip_version != 6) ctx.shard->PrefetchLease(hints[i]);
  }
  for (uint16_t i = 0; i < n; ++i) {
    rte_mbuf* m = ctx.dhcp[i];
    const FrameInfo& info = Meta(m)->info;
    if (info.ip_version == 6) {
      if (unlikely(!Parse6(ctx, m))) {
        rte_pktmbuf_free(m);
        continue;
      }
      ctx.counters.Count(WorkerEvent::kDhcpReceived);
      const uint32_t owner6 =
          ctx.worker_count == 1 ? 0 : dhcp6::ShardOf6(ctx.msg6, ctx.worker_count);
      if (owner6 == ctx.index) {
        HandleRequest6(ctx, m);
      } else {
        outbox[owner6][ctx.outbox_count[owner6]++] = m;
      }
      continue;
    }
    const std::span<const uint8_t> frame(rte_pktmbuf_mtod(m, const uint8_t*), m->data_len);
    const dhcp4::ParseError err = dhcp4::Parse(UdpPayload(frame, info), ctx.msg);
    ctx.counters.Count(err);
    if (unlikely(err != dhcp4::ParseError::kNone)) {
      rte_pktmbuf_free(m);
      continue;
    }
    ctx.counters.Count(WorkerEvent::kDhcpReceived);
    const uint32_t owner = ctx.worker_count == 1 ? 0 : dhcp4::ShardOf(ctx.msg, ctx.worker_count);
    if (owner == ctx.index) {
      HandleRequest(ctx, m);
    } else {
      outbox[owner][ctx.outbox_count[owner]++] = m;
    }
  }
  for (uint32_t w = 0; w < ctx.worker_count; ++w) {
    const uint16_t k = ctx.outbox_count[w];
    if (k == 0) continue;
    ctx.outbox_count[w] = 0;
    const unsigned sent = rte_ring_mp_enqueue_burst(
        ctx.dispatch_out[w], reinterpret_cast<void* const*>(outbox[w].data()), k, nullptr);
    ctx.counters.Count(WorkerEvent::kDispatchedOut, sent);
    if (unlikely(sent < k)) {
      ctx.counters.Count(WorkerDrop::kDispatchRingFull, k - sent);
      rte_pktmbuf_free_bulk(outbox[w].data() + sent, k - sent);
    }
  }
}

uint32_t PollPorts(WorkerContext& ctx) {
  uint32_t total = 0;
  for (uint8_t q = 0; q < ctx.rx_count; ++q) {
    const RxQueue& rq = ctx.rx[q];
    rte_mbuf** pkts = ctx.burst.data();
    const uint16_t n = rte_eth_rx_burst(rq.port_id, rq.queue, pkts, uint16_t(ctx.burst_size));
    if (n == 0) continue;
    total += n;
    ctx.counters.Count(WorkerEvent::kRxPackets, n);
    for (uint16_t i = 0; i < n && i < kPrefetchOffset; ++i) PrefetchFrame(pkts[i]);
    const uint16_t dhcp_count = WireStage(ctx, rq.port_index, pkts, n);
    DhcpStage(ctx, dhcp_count);
  }
  return total;
}

uint32_t ReleaseParked(WorkerContext& ctx) {
  size_t n = 0;
  if (!ctx.park6.empty()) {
    n += ctx.park6.Release(DurabilityGate6{ctx.shard6},
                           [&ctx](rte_mbuf* m) { Tx(ctx, Meta(m)->port_index, m); });
  }
  if (ctx.park.empty()) {
    ctx.counters.Count(WorkerEvent::kReleased, n);
    return uint32_t(n);
  }
  n += ctx.park.Release(DurabilityGate{ctx.shard},
                        [&ctx](rte_mbuf* m) { Tx(ctx, Meta(m)->port_index, m); });
  ctx.counters.Count(WorkerEvent::kReleased, n);
  return uint32_t(n);
}

void AdoptConfig(WorkerContext& ctx) {
  const ConfigVersion* v = ctx.control->configs->Current();
  if (likely(v == ctx.version)) return;
  ctx.version = v;
  ctx.config = v->config.get();
  // A range that changed has a new bitmap: mark what this shard holds.
  dhcp4::ClaimHeldAddresses(*ctx.config, *ctx.shard);
  ctx.config6 = v->config6.get();
  if (ctx.config6 != nullptr && ctx.shard6 != nullptr) dhcp6::ClaimHeldLeases6(*ctx.config6, *ctx.shard6);
  ctx.stats->config_epoch.store(v->epoch, std::memory_order_release);
  ctx.counters.Count(WorkerEvent::kConfigAdopted);
}

void Publish(WorkerContext& ctx) {
  uint64_t failed = 0;
  for (uint8_t p = 0; p < ctx.port_count; ++p) failed += ctx.tx[p].failed;
  ctx.counters.Set(WorkerDrop::kTxFailed, failed);
  StatsBlock& s = *ctx.stats;
  s.Publish(ctx.counters);
  s.park_depth.store(ctx.park.size() + ctx.park6.size(), std::memory_order_relaxed);
  s.shard_leases.store(ctx.shard->size(), std::memory_order_relaxed);
  s.durable_seq.store(ctx.shard->durable_seq(), std::memory_order_relaxed);
  s.last_seq.store(ctx.shard->last_seq(), std::memory_order_relaxed);
  s.heartbeat.store(ctx.turns, std::memory_order_relaxed);
  ctx.last_publish = ctx.now_tsc;
}

void Expire(WorkerContext& ctx) {
  uint32_t n = dhcp4::ExpireSlice(*ctx.config, *ctx.shard, ctx.now);
  if (ctx.config6 != nullptr && ctx.shard6 != nullptr) {
    n += dhcp6::ExpireSlice6(*ctx.config6, *ctx.shard6, ctx.now,
                             ctx.config6->config().dhcp4.max_reclaim_leases);
  }
  ctx.counters.Count(WorkerEvent::kLeasesReclaimed, n);
  ctx.last_expire = ctx.now_tsc;
}

void IdleBackoff(WorkerContext& ctx) {
  if (ctx.idle_sleep_us == 0) return;
  FlushTx(ctx);
  if (ctx.now_tsc - ctx.last_publish > ctx.expire_tsc) Publish(ctx);
  // Waiting only for the persister: stay responsive.
  const uint32_t cap =
      ctx.park.empty() && ctx.park6.empty() ? ctx.idle_sleep_us
                                            : std::min<uint32_t>(ctx.idle_sleep_us, 20);
  ctx.sleep_us = ctx.sleep_us == 0 ? 1 : std::min(ctx.sleep_us * 2, cap);
  ctx.counters.Count(WorkerEvent::kIdleSleeps);
  rte_delay_us_sleep(ctx.sleep_us);
}

}  // namespace

void FlushTx(WorkerContext& ctx) {
  for (uint8_t p = 0; p < ctx.port_count; ++p) {
    TxPath& t = ctx.tx[p];
    if (t.buffer != nullptr) rte_eth_tx_buffer_flush(t.port_id, t.queue, t.buffer);
  }
  ctx.last_drain = ctx.now_tsc;
}

// One v6 lease command; true while a wipe has more to do (it stays running).
bool RunShardCommand6(WorkerContext& ctx, ShardCommand& cmd) {
  if (ctx.config6 == nullptr || ctx.shard6 == nullptr) {
    ctx.running_command = nullptr;
    cmd.result = 1;
    cmd.text = "DHCPv6 is not configured";
    cmd.done.store(true, std::memory_order_release);
    return false;
  }
  const dhcp6::ServerConfig6& cfg = *ctx.config6;
  dhcp4::LeaseCommandResult r;
  switch (cmd.op) {
    case ShardCommand::Op::kAdd: r = dhcp6::AddLease6(cfg, *ctx.shard6, cmd.lease6); break;
    case ShardCommand::Op::kUpdate: r = dhcp6::UpdateLease6(cfg, *ctx.shard6, cmd.lease6); break;
    case ShardCommand::Op::kDelete:
      r = dhcp6::DeleteLease6(cfg, *ctx.shard6, cmd.lease6, cmd.if_held);
      break;
    case ShardCommand::Op::kWipe:
      dhcp6::WipeLeases6(cfg, *ctx.shard6, cmd.subnet_id, kWipeSlotsPerTurn, cmd.cursor,
                         cmd.deleted, cmd.seq);
      if (cmd.cursor < ctx.shard6->slot_count()) {
        ctx.running_command = &cmd;  // more next turn
        return true;
      }
      ctx.running_command = nullptr;
      r = {cmd.deleted > 0 ? 0 : 3, "wiped", cmd.seq};
      break;
  }
  cmd.result = r.result;
  cmd.text = r.text;
  cmd.seq = r.seq;
  cmd.done.store(true, std::memory_order_release);
  return false;
}

// Lease commands from the management thread: at most a few per turn; a wipe
// runs kWipeSlotsPerTurn slots per turn until it has walked the shard.
uint32_t RunShardCommands(WorkerContext& ctx) {
  uint32_t work = 0;
  for (int i = 0; i < 4; ++i) {
    ShardCommand* cmd = ctx.running_command;
    if (cmd == nullptr && !ctx.commands->pop(cmd)) break;
    ++work;
    if (cmd->v6) {
      if (RunShardCommand6(ctx, *cmd)) return work;
      continue;
    }
    switch (cmd->op) {
      case ShardCommand::Op::kAdd:
      case ShardCommand::Op::kUpdate:
      case ShardCommand::Op::kDelete: {
        const dhcp4::LeaseCommandResult r =
            cmd->op == ShardCommand::Op::kAdd      ? dhcp4::AddLease(*ctx.config, *ctx.shard, cmd->lease)
            : cmd->op == ShardCommand::Op::kUpdate ? dhcp4::UpdateLease(*ctx.config, *ctx.shard, cmd->lease)
                                                   : dhcp4::DeleteLease(*ctx.config, *ctx.shard, cmd->lease);
        cmd->result = r.result;
        cmd->text = r.text;
        cmd->seq = r.seq;
        cmd->done.store(true, std::memory_order_release);
        break;
      }
      case ShardCommand::Op::kWipe:
        dhcp4::WipeLeases(*ctx.config, *ctx.shard, cmd->subnet_id, kWipeSlotsPerTurn, cmd->cursor,
                          cmd->deleted, cmd->seq);
        if (cmd->cursor < ctx.shard->slot_count()) {
          ctx.running_command = cmd;  // more next turn
          return work;
        }
        ctx.running_command = nullptr;
        cmd->result = cmd->deleted > 0 ? 0 : 3;
        cmd->text = "wiped";
        cmd->done.store(true, std::memory_order_release);
        break;
    }
  }
  return work;
}

bool PollOnce(WorkerContext& ctx) {
  ctx.now_tsc = rte_rdtsc();
  ctx.now = ctx.base_unix + uint32_t((ctx.now_tsc - ctx.base_tsc) / ctx.tsc_hz);
  ++ctx.turns;
  AdoptConfig(ctx);

  uint32_t work = 0;
  if (likely(ctx.rx_enabled)) work += PollPorts(ctx);
  work += DrainDispatched(ctx);
  work += ReleaseParked(ctx);
  work += DrainTxHandoffs(ctx);
  work += DrainInjected(ctx);
  if (ctx.commands != nullptr &&
      (ctx.running_command != nullptr || ctx.commands->read_available() > 0)) [[unlikely]] {
    work += RunShardCommands(ctx);
  }

  if (ctx.now_tsc - ctx.last_drain > ctx.drain_tsc) FlushTx(ctx);
  if (work == 0 || ctx.now_tsc - ctx.last_expire > ctx.expire_tsc) Expire(ctx);
  if (work != 0) {
    Publish(ctx);
    ctx.idle_turns = 0;
    ctx.sleep_us = 0;
    return true;
  }
  if (++ctx.idle_turns > kIdleTurnsBeforeSleep) IdleBackoff(ctx);
  return false;
}

int WorkerMain(void* arg) {
  WorkerContext& ctx = *static_cast<WorkerContext*>(arg);
  WorkerControl& control = *ctx.control;
  while (!control.stop_rx.load(std::memory_order_relaxed)) PollOnce(ctx);

  // Shutdown: stop reading ports; keep serving what other workers dispatch
  // until none of them reads its ports either.
  ctx.rx_enabled = false;
  control.rx_stopped.fetch_add(1, std::memory_order_acq_rel);
  while (control.rx_stopped.load(std::memory_order_acquire) < ctx.worker_count ||
         rte_ring_count(ctx.dispatch_in) != 0) {
    PollOnce(ctx);
  }
  // Parked replies go once durable (the persister runs until every worker returns).
  const uint64_t deadline = rte_rdtsc() + uint64_t(kParkDeadlineSeconds * double(ctx.tsc_hz));
  while ((!ctx.park.empty() || !ctx.park6.empty()) && rte_rdtsc() < deadline) PollOnce(ctx);
  const size_t abandoned = ctx.park.Clear([](rte_mbuf* m) { rte_pktmbuf_free(m); }) +
                           ctx.park6.Clear([](rte_mbuf* m) { rte_pktmbuf_free(m); });
  ctx.counters.Count(WorkerDrop::kParkAbandoned, abandoned);
  control.done.fetch_add(1, std::memory_order_acq_rel);
  // Queue owners transmit what the others still hand over.
  while (control.done.load(std::memory_order_acquire) < ctx.worker_count) PollOnce(ctx);
  DrainTxHandoffs(ctx);
  FlushTx(ctx);
  Publish(ctx);
  return 0;
}

// --- set-up ---

WorkerSet::~WorkerSet() {
  for (rte_ring* r : rings_) {
    // Anything left in a ring is an mbuf.
    void* obj = nullptr;
    while (rte_ring_dequeue(r, &obj) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(obj));
    rte_ring_free(r);
  }
  for (auto& ctx : contexts_) {
    ctx->park.Clear([](rte_mbuf* m) { rte_pktmbuf_free(m); });
    ctx->park6.Clear([](rte_mbuf* m) { rte_pktmbuf_free(m); });
  }
  for (void* p : zmallocs_) rte_free(p);
}

absl::StatusOr<std::unique_ptr<WorkerSet>> SetupWorkers(const WorkerSetup& setup) {
  const config::DataplaneConfig& dp = *setup.dataplane;
  const uint32_t workers = dp.workers;
  PortSet& ports = *setup.ports;
  if (workers == 0 || workers > kMaxWorkers) {
    return absl::InvalidArgumentError(absl::StrCat("workers must be 1..", kMaxWorkers));
  }
  if (setup.shards.size() != workers || setup.stats->size() != workers) {
    return absl::InternalError("one shard and one stats block per worker expected");
  }
  if (dp.burst_size > kMaxBurstSize) {
    return absl::InvalidArgumentError(absl::StrCat("burst-size must be at most ", kMaxBurstSize));
  }
  auto set = std::make_unique<WorkerSet>();
  const uint64_t hz = rte_get_tsc_hz();
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  const uint64_t base_tsc = rte_rdtsc();

  auto make_ring = [&](const std::string& name, uint32_t size) -> absl::StatusOr<rte_ring*> {
    rte_ring* r = rte_ring_create(name.c_str(), size, int(rte_socket_id()), RING_F_SC_DEQ);
    if (r == nullptr) {
      return absl::ResourceExhaustedError(
          absl::StrCat("rte_ring_create(", name, ", ", size, "): ", rte_strerror(rte_errno)));
    }
    set->rings_.push_back(r);
    return r;
  };

  for (uint32_t w = 0; w < workers; ++w) {
    auto ctx = std::make_unique<WorkerContext>();
    ctx->index = w;
    ctx->worker_count = workers;
    ctx->burst_size = dp.burst_size;
    ctx->idle_sleep_us = dp.idle_sleep_us;
    ctx->tsc_hz = hz;
    ctx->drain_tsc = (hz + 999999) / 1000000 * dp.tx_drain_us;
    ctx->expire_tsc = hz / 1000;
    ctx->base_tsc = base_tsc;
    ctx->base_unix = uint32_t(ts.tv_sec);
    ctx->pool = setup.pool;
    ctx->shard = setup.shards[w];
    ctx->control = setup.control;
    ctx->stats = &(*setup.stats)[w];
    ctx->park.Reset(dp.park_queue_size);
    ctx->park6.Reset(dp.park_queue_size);
    ctx->shard6 = w < setup.shards6.size() ? setup.shards6[w] : nullptr;
    auto outbox = std::make_unique<std::array<std::array<rte_mbuf*, kMaxBurstSize>, kMaxWorkers>>();
    ctx->outbox = outbox.get();
    set->outboxes_.push_back(std::move(outbox));
    set->command_rings_.push_back(std::make_unique<ShardCommandRing>());
    ctx->commands = set->command_rings_.back().get();
    absl::StatusOr<rte_ring*> in = make_ring(absl::StrCat("fl_disp_", w), dp.dispatch_ring_size);
    if (!in.ok()) return in.status();
    ctx->dispatch_in = *in;
    absl::StatusOr<rte_ring*> punt = make_ring(absl::StrCat("fl_punt_", w), kPuntRingSize);
    if (!punt.ok()) return punt.status();
    ctx->punt_out = *punt;
    absl::StatusOr<rte_ring*> inject = make_ring(absl::StrCat("fl_inj_", w), kInjectRingSize);
    if (!inject.ok()) return inject.status();
    ctx->inject_in = *inject;
    set->contexts_.push_back(std::move(ctx));
  }
  bool any_shared = false;
  for (const PortRuntime& p : ports) any_shared = any_shared || p.shared;
  if (any_shared) {
    for (uint32_t w = 0; w < workers; ++w) {
      absl::StatusOr<rte_ring*> r = make_ring(absl::StrCat("fl_txin_", w), dp.dispatch_ring_size);
      if (!r.ok()) return r.status();
      set->contexts_[w]->tx_in = *r;
    }
  }

  for (uint32_t w = 0; w < workers; ++w) {
    WorkerContext& ctx = *set->contexts_[w];
    for (uint32_t o = 0; o < workers; ++o) ctx.dispatch_out[o] = set->contexts_[o]->dispatch_in;
    ctx.port_count = uint8_t(ports.size());
    for (size_t pi = 0; pi < ports.size(); ++pi) {
      const PortRuntime& p = ports[pi];
      ctx.local[pi] = p.local;
      TxPath& t = ctx.tx[pi];
      t.port_id = p.port_id;
      const bool owns_queue = !p.shared || p.owner == w;
      if (!owns_queue) {
        t.handoff = set->contexts_[p.owner]->tx_in;
        continue;
      }
      t.queue = p.shared ? 0 : uint16_t(w);
      ctx.rx[ctx.rx_count++] = RxQueue{p.port_id, t.queue, uint8_t(pi)};
      const size_t bytes = RTE_ETH_TX_BUFFER_SIZE(kMaxBurstSize);
      auto* buffer = static_cast<rte_eth_dev_tx_buffer*>(
          rte_zmalloc_socket("fl_txbuf", bytes, RTE_CACHE_LINE_SIZE, int(rte_socket_id())));
      if (buffer == nullptr)
        return absl::ResourceExhaustedError("rte_zmalloc of a TX buffer failed");
      set->zmallocs_.push_back(buffer);
      rte_eth_tx_buffer_init(buffer, uint16_t(dp.burst_size));
      rte_eth_tx_buffer_set_err_callback(buffer, rte_eth_tx_buffer_count_callback, &t.failed);
      t.buffer = buffer;
    }
  }
  return set;
}

}  // namespace fastlease::dataplane
