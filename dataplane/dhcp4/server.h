// The DHCPv4 server logic: pure stages over a parsed request (RFC 2131 §4.3).
//
//   auto cfg = dhcp4::CompileServerConfig(config, pools);          // control thread
//   dhcp4::Dhcp4Message msg; dhcp4::Parse(udp_payload, msg);        // worker lcore
//   dhcp4::HandleResult r = dhcp4::HandleDhcp4(*cfg, shard, msg, ctx, reply_buf);
//   switch (r.outcome) { case kDrop: count(r.drop); ...
//                        case kSend: send now;
//                        case kSendWhenDurable: park until shard durable seq >= r.durable_seq; }
//
// HandleDhcp4 touches only the given shard and the pools' atomic bitmaps, never
// allocates (except when a shard's slab grows past its pre-sized capacity), never
// throws, never blocks. It is called by the lcore that owns `shard`.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "absl/status/statusor.h"
#include "control/config/config.h"
#include "dataplane/dhcp4/message.h"
#include "leasedb/lease_shard.h"
#include "leasedb/lease_store.h"
#include "leasedb/pool_registry.h"

namespace fastlease::dhcp4 {

// Why the server logic answered nothing. One table: enum, names, counters.
#define FASTLEASE_DHCP4_DROP_REASONS(X)                                                 \
  X(kNotRequest, "not_bootrequest")          /* op != BOOTREQUEST */                    \
  X(kUnexpectedType, "unexpected_type")      /* OFFER/ACK/NAK sent to a server */       \
  X(kNoSubnet, "no_subnet")                  /* no subnet for giaddr/ciaddr/interface */ \
  X(kPoolExhausted, "pool_exhausted")        /* no free address in the subnet */        \
  X(kOtherServer, "other_server")            /* REQUEST/DECLINE/RELEASE for another server */ \
  X(kUnknownClient, "unknown_client")        /* INIT-REBOOT, not authoritative, no lease */ \
  X(kBadRequest, "bad_request")              /* REQUEST fitting no §4.3.2 state */      \
  X(kNoLease, "no_lease")                    /* RELEASE/DECLINE of an address not held */ \
  X(kChangeRingFull, "change_ring_full")     /* persister behind: back-pressure */     \
  X(kReplyTooLarge, "reply_too_large")       /* reply buffer could not hold the header */ \
  X(kShardFull, "shard_full")                /* no lease slot could be had */          \
  X(kDropClass, "drop_class")                /* the client is in the DROP class */      \
  X(kRateLimited, "rate_limited")            /* over its class's rate-limit */          \
  X(kBootpDisabled, "bootp_disabled")        /* BOOTP request, BOOTP not enabled */

enum class DropReason : uint8_t {
#define FASTLEASE_X(name, str) name,
  FASTLEASE_DHCP4_DROP_REASONS(FASTLEASE_X)
#undef FASTLEASE_X
  kCount
};
const char* DropReasonName(DropReason r);

// Facts about the packet that are not in the DHCP payload; filled by the wire stage.
struct RequestContext {
  uint32_t local_address = 0;  // our address on the receiving port: server-id, source IP
  uint32_t src_ip = 0;
  uint32_t dst_ip = 0;         // 255.255.255.255 or a subnet broadcast when broadcast
  uint32_t now = 0;            // seconds since the Unix epoch
  uint16_t port = 0;           // receiving port index (subnet `interface`, pkt.iface)
  uint16_t vlan = 0;           // outer 802.1Q VLAN id; 0 untagged
  uint32_t length = 0;         // DHCP payload bytes (pkt.len)
};

// Where the reply goes (RFC 2131 §4.1). Host byte order.
struct ReplyAddress {
  uint32_t src_ip = 0;
  uint32_t dst_ip = 0;
  uint16_t src_port = 67;
  uint16_t dst_port = 68;
  enum class L2 : uint8_t {
    kFrameSource,  // back to the Ethernet source of the request (relay, ciaddr)
    kBroadcast,    // ff:ff:ff:ff:ff:ff
    kChaddr,       // the client's hardware address (unicast to yiaddr)
  } l2 = L2::kFrameSource;
};

enum class Outcome : uint8_t {
  kDrop,             // nothing to send; `drop` says why
  kConsumed,         // handled, and RFC 2131 wants no reply (DECLINE, RELEASE)
  kSend,             // send `length` bytes now
  kSendWhenDurable,  // send once the shard's durable sequence reaches durable_seq
};

struct HandleResult {
  Outcome outcome = Outcome::kDrop;
  DropReason drop = DropReason::kBadRequest;
  MessageType reply_type = MessageType::kNone;
  uint32_t length = 0;         // reply payload bytes written into the buffer
  uint64_t durable_seq = 0;    // for kSendWhenDurable
  ReplyAddress to;
};

class ServerConfig;  // compiled, immutable; see server_config.h

// Compiles `config` against the shared pool registry (pools with the same range
// keep their bitmaps across reloads). Called off the fast path.
absl::StatusOr<std::shared_ptr<const ServerConfig>> CompileServerConfig(
    const config::Config& config, leasedb::PoolRegistry& pools);

// The shard that owns this request's client: a hash of htype+chaddr (a recovered
// lease finds its shard the same way). Stable across restarts and reloads.
uint32_t ShardOf(const Dhcp4Message& msg, uint32_t shard_count);

// The key hash HandleDhcp4 will most likely look the client up by, read from the
// raw payload without a full parse: option 61 when the options field has it,
// else htype+chaddr (assumes match-client-id, the default). For burst prefetch
// (LeaseShard::PrefetchBucket/PrefetchLease); 0 for a payload too short to say.
uint64_t ClientKeyHint(std::span<const uint8_t> payload);

// Handles one request. `reply` must hold at least 576 bytes; the payload written
// there respects the client's maximum message size.
HandleResult HandleDhcp4(const ServerConfig& config, leasedb::LeaseShard& shard,
                         const Dhcp4Message& msg, const RequestContext& ctx,
                         std::span<uint8_t> reply);

// Advances the shard's expiry: examines up to config.max_reclaim_leases leases,
// reclaiming expired ones (bitmap freed, change record emitted, affinity kept for
// hold-reclaimed-time). Called by the owning lcore between bursts.
// Returns the number of leases reclaimed or forgotten.
uint32_t ExpireSlice(const ServerConfig& config, leasedb::LeaseShard& shard, uint32_t now);

// Marks every address the shard's leases hold as taken in `config`'s pools. A
// worker calls it on its shard when it adopts a reloaded config whose pools are
// new (a range that changed gets a new bitmap).
void ClaimHeldAddresses(const ServerConfig& config, leasedb::LeaseShard& shard);

struct RecoveryStats {
  uint64_t records = 0;   // read from the store
  uint64_t bound = 0;     // active leases restored
  uint64_t affinity = 0;  // expired/released leases kept for affinity
  uint64_t declined = 0;  // addresses still in quarantine
  uint64_t dropped = 0;   // duplicates, conflicts, long-expired: removed from the store
};

// Rebuilds shards and pool bitmaps from the store, before the workers and the
// persister start. Records that lost a conflict are queued for deletion on their
// shard's change ring (written once the persister starts).
absl::StatusOr<RecoveryStats> RecoverLeases(const ServerConfig& config,
                                            const leasedb::LeaseStore& store,
                                            std::span<leasedb::LeaseShard* const> shards,
                                            uint32_t now);

}  // namespace fastlease::dhcp4

namespace fastlease::dhcp4 {

// ---- Lease commands (lease4-add, -update, -del, -wipe) ----
// Run by the shard's owner lcore between bursts, on behalf of the management
// thread, which has already looked the lease up in the store and picked the
// shard (hash of htype+chaddr). `wanted` carries the identity (key_hash, kind,
// htype, hw, client-id), the address, subnet id, valid lifetime and expiry.
// Kea's result codes: 0 done, 1 error (text says why), 3 nothing to do.
struct LeaseCommandResult {
  int result = 0;
  const char* text = "";
  uint64_t seq = 0;  // change record to wait for before answering (0: none)
};

// Binds `wanted.address` to the client as a bound lease. Fails when the subnet
// does not exist or does not contain the address, the address is reserved or in
// use, or the client holds another bound lease.
LeaseCommandResult AddLease(const ServerConfig& config, leasedb::LeaseShard& shard,
                            const leasedb::Lease& wanted);
// Rewrites the client's lease at `wanted.address` (lifetimes, expiry, subnet);
// result 3 when this shard has no lease of that client at that address.
LeaseCommandResult UpdateLease(const ServerConfig& config, leasedb::LeaseShard& shard,
                               const leasedb::Lease& wanted);
// Removes the lease `stored` (as read from the store): frees its address and
// deletes its record.
LeaseCommandResult DeleteLease(const ServerConfig& config, leasedb::LeaseShard& shard,
                               const leasedb::Lease& stored);
// Removes up to `budget` leases of subnet `subnet_id` (0: every subnet) from
// slot `cursor` on; advances `cursor` (== shard.slot_count() when finished)
// and `deleted`; `last_seq` is the last change recorded. Offers are left alone.
void WipeLeases(const ServerConfig& config, leasedb::LeaseShard& shard, uint32_t subnet_id,
                uint32_t budget, uint32_t& cursor, uint64_t& deleted, uint64_t& last_seq);

}  // namespace fastlease::dhcp4
