// The DHCPv6 server logic: pure stages over a parsed request (RFC 8415 §18.3).
//
//   auto cfg = dhcp6::CompileServerConfig6(config, pools, server_duid);   // control thread
//   dhcp6::Dhcp6Message msg; dhcp6::Parse(udp_payload, msg);               // worker lcore
//   dhcp6::HandleResult6 r = dhcp6::HandleDhcp6(*cfg, shard6, msg, ctx, reply_buf);
//   kDrop: count r.drop · kSend: send now · kSendWhenDurable: park until durable
//
// One lease slot per IA (DUID + IAID + type) in the worker's Lease6Shard; an IA gets
// one address (IA_NA) or one prefix (IA_PD). Advertise holds its address or prefix
// for `offer-lifetime` without writing the store (Kea allocates nothing for an
// Advertise; holding it makes the Request find the same lease). IA_TA is answered
// with NoAddrsAvail (temporary addresses are not assigned, as in Kea 2.2).
//
// HandleDhcp6 touches only the given shard and the pools' atomic bitmaps, never
// allocates (except when the shard's slab outgrows its pre-sized capacity), never
// throws, never blocks. It is called by the lcore that owns `shard`.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "control/config/config.h"
#include "dataplane/dhcp4/server.h"
#include "dataplane/dhcp6/message6.h"
#include "leasedb/address_pool.h"
#include "leasedb/lease6.h"
#include "leasedb/lease_shard.h"
#include "leasedb/lease_store.h"

namespace fastlease::dhcp6 {

// Why the server logic answered nothing. Names are counter suffixes ("dhcp6_drop_<name>").
#define FASTLEASE_DHCP6_DROP_REASONS(X)                                                   \
  X(kNoClientId, "no_client_id")           /* a message that needs Client Identifier */   \
  X(kServerIdInSolicit, "server_id_in_solicit") /* Solicit/Confirm/Rebind with a Server ID */ \
  X(kNoServerId, "no_server_id")           /* Request/Renew/Release/Decline without one */ \
  X(kOtherServer, "other_server")          /* Server Identifier is not ours */             \
  X(kNoSubnet, "no_subnet")                /* no subnet for the link */                    \
  X(kConfirmNothing, "confirm_nothing")    /* Confirm without addresses (§18.3.3) */       \
  X(kRebindUnknown, "rebind_unknown")      /* Rebind for IAs we know nothing of */         \
  X(kChangeRingFull, "change_ring_full")   /* persister behind: back-pressure */           \
  X(kShardFull, "shard_full")              /* no lease slot could be had */                \
  X(kReplyTooLarge, "reply_too_large")     /* the reply did not fit the buffer */          \
  X(kNotHandled, "not_handled")            /* a message type the server does not answer */ \
  X(kUnicast, "unicast")                   /* Solicit/Confirm/Rebind/Information-Request sent unicast (§16) */ \
  X(kIaInInformationRequest, "ia_in_information_request") /* §16.12 */

enum class DropReason6 : uint8_t {
#define FASTLEASE_X(name, str) name,
  FASTLEASE_DHCP6_DROP_REASONS(FASTLEASE_X)
#undef FASTLEASE_X
  kCount
};
const char* DropReason6Name(DropReason6 r);

// Facts about the packet that are not in the DHCP payload; filled by the worker.
struct RequestContext6 {
  uint32_t now = 0;          // seconds since the Unix epoch
  uint16_t port = 0;         // receiving port index (subnet `interface`)
  uint16_t vlan = 0;         // outer 802.1Q VLAN id; 0 untagged
  bool unicast = false;      // sent to one of our unicast addresses (not ff02::1:2)
  std::array<uint8_t, 16> src{};  // the IPv6 source (client link-local, or the relay)
};

enum class Outcome6 : uint8_t {
  kDrop,             // nothing to send; `drop` says why
  kSend,             // send `length` bytes now
  kSendWhenDurable,  // send once the shard's durable sequence reaches durable_seq
};

struct HandleResult6 {
  Outcome6 outcome = Outcome6::kDrop;
  DropReason6 drop = DropReason6::kNotHandled;
  MessageType reply_type = MessageType::kNone;
  uint32_t length = 0;       // reply payload bytes written into the buffer
  uint64_t durable_seq = 0;  // for kSendWhenDurable
  // What was granted, for statistics: IA_NA addresses and IA_PD prefixes.
  uint8_t addresses = 0;
  uint8_t prefixes = 0;
};

using Ip6 = std::array<uint8_t, 16>;
using U128 = __uint128_t;
U128 ToU128(const Ip6& a);
Ip6 FromU128(U128 v);
bool InPrefix(const Ip6& a, const Ip6& prefix, uint8_t len);

// A compiled address or prefix pool.
struct CompiledPool6 {
  U128 first = 0;     // first address, or first delegated prefix
  uint8_t slot_len = 128;  // 128 for addresses, delegated-len for prefixes
  uint64_t size = 0;  // slots
  Ip6 excluded{};     // RFC 6603 excluded prefix template (PD); excluded_len 0 = none
  uint8_t excluded_len = 0;
  std::shared_ptr<leasedb::AddressPool> pool;  // bit i + 1 = slot i
  U128 SlotValue(uint64_t slot) const { return first + (U128(slot) << (128 - slot_len)); }
  // The slot of `v` (an address, or a prefix of slot_len), or -1.
  int64_t SlotOf(U128 v) const;
};

struct CompiledSubnet6 {
  const config::Subnet6* config = nullptr;
  uint32_t id = 0;
  std::vector<CompiledPool6> pools;
  std::vector<CompiledPool6> pd_pools;
  const std::vector<config::OptionData6>* options = nullptr;  // subnet level (network merged)
  int32_t shared_network = -1;  // index into ServerConfig6's networks; -1 none
};

class ServerConfig6 {
 public:
  const std::vector<uint8_t>& server_duid() const { return server_duid_; }
  const config::Config& config() const { return config_; }
  const CompiledSubnet6* SubnetById(uint32_t id) const;
  // Subnet selection (see server6.cc): relay interface-id, relay link-address
  // (relay ip-addresses, then the prefix), the receiving interface, the client's
  // global source address, then a port's own address6 prefix.
  const CompiledSubnet6* Select(const Dhcp6Message& msg, const RequestContext6& ctx) const;
  // The selected subnet first, then the other members of its shared network.
  size_t Candidates(const CompiledSubnet6* first, std::array<const CompiledSubnet6*, 64>& out) const;
  // The reservation of this client in `subnet` (or the global ones), or null.
  const config::Reservation6* FindReservation(const CompiledSubnet6& subnet,
                                              std::span<const uint8_t> duid) const;
  // Addresses/prefixes reserved for someone: never handed out by a pool.
  bool IsReserved(const Ip6& address) const { return reserved_.contains(address); }
  uint32_t offer_lifetime() const { return offer_lifetime_; }

  const std::vector<config::OptionData6>& global_options() const { return config_.dhcp6.options; }
  const std::vector<CompiledSubnet6>& subnets() const { return subnets_; }
  // The pool (address or PD) of `subnet` holding `v` with `prefix_len`, or null.
  const CompiledPool6* PoolOf(const CompiledSubnet6& subnet, const Ip6& v, uint8_t prefix_len,
                              int64_t* slot) const;

 private:
  friend absl::StatusOr<std::shared_ptr<const ServerConfig6>> CompileServerConfig6(
      const config::Config&, leasedb::PoolRegistry&, std::vector<uint8_t>);
  config::Config config_;
  std::vector<uint8_t> server_duid_;
  std::vector<CompiledSubnet6> subnets_;
  absl::flat_hash_map<uint32_t, size_t> by_id_;
  std::vector<std::pair<std::vector<uint8_t>, size_t>> by_interface_id_;
  std::vector<std::pair<uint32_t, size_t>> by_port_;  // (port << 16 | vlan) → subnet
  std::vector<std::pair<Ip6, size_t>> by_relay_;
  std::vector<std::vector<size_t>> networks_;
  absl::flat_hash_map<std::vector<uint8_t>, const config::Reservation6*> global_by_duid_;
  std::vector<absl::flat_hash_map<std::vector<uint8_t>, const config::Reservation6*>> by_duid_;
  absl::flat_hash_map<Ip6, bool> reserved_;
  std::vector<std::vector<std::pair<Ip6, uint8_t>>> port_prefixes_;  // per port: address6
  uint32_t offer_lifetime_ = 10;
};

// Compiles the Dhcp6 section. `server_duid` is the server's DUID (from the config's
// server-id or the state directory's persisted one). Off the fast path.
absl::StatusOr<std::shared_ptr<const ServerConfig6>> CompileServerConfig6(
    const config::Config& config, leasedb::PoolRegistry& pools, std::vector<uint8_t> server_duid);

// The shard that owns this request's client: hash of its DUID (every IA of a client
// in one shard; a recovered lease finds its shard the same way). A message without
// a Client Identifier goes to shard 0 (Information-Request).
uint32_t ShardOf6(const Dhcp6Message& msg, uint32_t shard_count);

// Handles one request. `reply` should hold at least 1500 bytes.
HandleResult6 HandleDhcp6(const ServerConfig6& config, leasedb::Lease6Shard& shard,
                          const Dhcp6Message& msg, const RequestContext6& ctx,
                          std::span<uint8_t> reply);

// Advances the shard's expiry like dhcp4::ExpireSlice: offers past their time are
// dropped, bound leases past their valid lifetime reclaimed (bit freed, record kept
// for hold-reclaimed-time), declined ones released after probation.
uint32_t ExpireSlice6(const ServerConfig6& config, leasedb::Lease6Shard& shard, uint32_t now,
                      uint32_t budget);

// Marks every address/prefix the shard's leases hold as taken in `config`'s pools
// (after a reload that made new bitmaps).
void ClaimHeldLeases6(const ServerConfig6& config, leasedb::Lease6Shard& shard);

struct RecoveryStats6 {
  uint64_t records = 0;
  uint64_t bound = 0;
  uint64_t dropped = 0;  // conflicts and long-expired: deleted from the store
};
// A declined address is quarantined under a DUID no client has: type 0xffff, then
// the address (18 bytes), IAID 0.
inline bool IsQuarantine(const leasedb::Lease6& l) {
  return l.duid_len == 18 && l.duid[0] == 0xff && l.duid[1] == 0xff;
}

// Frees the pool bit of the address/prefix `l` holds (reserved ones never go back).
void FreeHeld(const ServerConfig6& config, const leasedb::Lease6& l);

// ---- Lease commands (lease6-add, -update, -del, -wipe) ----
// Run by the shard's owner lcore between bursts, on behalf of the management
// thread, which has looked the lease up in the store and picked the shard (the
// DUID's hash, as ShardOf6). `wanted` carries the identity (DUID, IAID, type), the
// address or prefix with its length, subnet id, lifetimes and expiry. Kea's
// result codes as in dhcp4::LeaseCommandResult: 0 done, 1 error, 3 nothing to do.
using dhcp4::LeaseCommandResult;

// Binds `wanted.address` to the IA. Fails when the subnet does not exist, an
// address is not inside it, the address/prefix is reserved or held by another
// lease, or the IA already holds a bound lease. An address outside every pool is
// accepted (as Kea does) without a pool bit.
LeaseCommandResult AddLease6(const ServerConfig6& config, leasedb::Lease6Shard& shard,
                             const leasedb::Lease6& wanted);
// Rewrites the IA's lease at `wanted.address` (lifetimes, expiry, subnet); result
// 3 when this shard has no lease of that IA there.
LeaseCommandResult UpdateLease6(const ServerConfig6& config, leasedb::Lease6Shard& shard,
                                const leasedb::Lease6& wanted);
// Removes the lease `stored` (as read from the store): frees its address or prefix
// and deletes its record. With `if_held`, a shard that does not hold it does
// nothing (result 3): a quarantine lease lives in the shard of the client that
// declined it, which its record does not name, so its delete goes to every shard.
LeaseCommandResult DeleteLease6(const ServerConfig6& config, leasedb::Lease6Shard& shard,
                                const leasedb::Lease6& stored, bool if_held = false);
// Like dhcp4::WipeLeases: up to `budget` slots from `cursor` on; Advertise holds
// are left alone.
void WipeLeases6(const ServerConfig6& config, leasedb::Lease6Shard& shard, uint32_t subnet_id,
                 uint32_t budget, uint32_t& cursor, uint64_t& deleted, uint64_t& last_seq);

// Rebuilds the v6 shards and pool bitmaps from the store before the workers start.
absl::StatusOr<RecoveryStats6> RecoverLeases6(const ServerConfig6& config,
                                              const leasedb::LeaseStore& store,
                                              std::span<leasedb::Lease6Shard* const> shards,
                                              uint32_t now);

// The server DUID: the config's server-id when it gives one in full, else the one
// persisted in `state_dir`/server-duid (hex), else a new DUID-LLT from `mac` and now,
// written there (when persist is on). Start-up only.
absl::StatusOr<std::vector<uint8_t>> LoadOrCreateServerDuid(const config::Dhcp6Config& config,
                                                            const std::string& state_dir,
                                                            std::span<const uint8_t, 6> mac,
                                                            uint32_t now);

}  // namespace fastlease::dhcp6
