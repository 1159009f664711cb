// fastlease's configuration: the typed, validated, immutable result of reading a
// JSON file in Kea's `Dhcp4` and `Dhcp6` shapes plus our `Dataplane` and `Control`
// sections.
//
//   absl::StatusOr<config::Config> c = config::LoadConfigFile("/etc/fastlease/fastlease.json");
//   if (!c.ok()) { std::cerr << c.status().message(); }   // every error, one per line
//   for (const auto& w : c->warnings) log(w);              // accepted, not honoured
//
// Every error and warning names the file, the JSON path and the problem:
//   "fastlease.json: Dhcp4/subnet4[0]/pools[1]/pool: '10.0.0.300 - 10.0.0.9' is not a range"
// Unknown keys are errors. Kea keys we accept but do not honour yet are warnings.
// Defaults follow Kea 2.2 where Kea has the key; ours are documented in
// docs/config-reference.md. All addresses are host byte order.
// A Config is built once and never changed: a reload builds a new one.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace fastlease::config {

// One option ready to be copied into a reply: code and wire data (no code/len).
struct OptionData {
  uint8_t code = 0;
  std::vector<uint8_t> data;
  bool always_send = false;  // sent even when not in the client's PRL
};

struct Pool {
  uint32_t first = 0;  // inclusive
  uint32_t last = 0;   // inclusive
  std::vector<OptionData> options;
  std::string client_class;                         // only clients of this class; "" = all
  std::vector<std::string> require_client_classes;  // evaluated when an address is from here
};

// Kea's host identifier types, in the order `host-reservation-identifiers` names them.
enum class HostIdentifier : uint8_t { kHwAddress, kDuid, kCircuitId, kClientId, kFlexId };
inline constexpr size_t kHostIdentifierCount = 5;

struct Reservation {
  // Exactly one identifier: `identifier_type` says which, `identifier` holds its bytes
  // (hw-address bytes; client-id = option 61 data; duid = the DUID inside an RFC 4361
  // client-id; circuit-id = option 82 sub-option 1; flex-id = the identifier
  // expression's value).
  HostIdentifier identifier_type = HostIdentifier::kHwAddress;
  std::vector<uint8_t> identifier;
  uint32_t ip_address = 0;          // 0: reservation without an address (options only)
  std::string hostname;
  std::vector<OptionData> options;
  std::vector<std::string> client_classes;  // assigned to the client when it matches
  std::optional<uint32_t> next_server;
  std::optional<std::string> server_hostname;
  std::optional<std::string> boot_file_name;
};

// A `rate-limit` as Kea's limits hook spells it ("10 packets per second"): at most
// `packets` per `seconds` for each client of the class; packets over it are dropped.
struct RateLimit {
  uint32_t packets = 0;  // 0: no limit
  uint32_t seconds = 1;
};

// A Kea client class (`Dhcp4/client-classes[i]`), in definition order.
struct ClientClass {
  std::string name;
  std::string test;  // Kea expression; empty: assigned only by reservations or `member`
  bool only_if_required = false;  // evaluated only when required by a pool/subnet/network
  std::vector<OptionData> options;
  std::optional<uint32_t> next_server;
  std::optional<std::string> server_hostname;
  std::optional<std::string> boot_file_name;
  std::optional<uint32_t> valid_lifetime;
  std::optional<uint32_t> min_valid_lifetime;
  std::optional<uint32_t> max_valid_lifetime;
  RateLimit rate_limit;
};

// A Kea shared network: several subnets on one link. Its subnets are in
// Dhcp4Config::subnets with `shared_network` set to its index.
struct SharedNetwork4 {
  std::string name;
  std::string interface;
  std::vector<uint32_t> relay_addresses;
  std::string client_class;
  std::vector<std::string> require_client_classes;
};

struct Subnet4 {
  uint32_t id = 0;        // Kea `id`, 1..4294967294, unique
  uint32_t prefix = 0;    // network address
  uint8_t prefix_len = 0;
  uint32_t mask = 0;
  std::vector<Pool> pools;
  // Subnet-level options with its shared network's merged in (subnet wins). Class
  // and global options are not merged: they rank below (Dhcp4Config::options).
  std::vector<OptionData> options;
  std::vector<Reservation> reservations;
  std::vector<uint32_t> relay_addresses;  // Kea `relay.ip-addresses` (own or the network's)
  std::string interface;  // receiving port name ("veth0", "veth0.100" for VLAN 100); "" = any
  int32_t shared_network = -1;  // index into Dhcp4Config::shared_networks; -1 = none
  std::string client_class;     // only clients of this class (own or the network's)
  std::vector<std::string> require_client_classes;  // the network's first, then own
  std::string server_hostname;  // sname
  std::string boot_file_name;   // file
  bool reservations_global = false;
  bool reservations_in_subnet = true;
  bool reservations_out_of_pool = false;
  // Lease caching: a renewal within cache_threshold × valid of the lease's start
  // is answered with the remaining lifetime and no store write. 0 = off.
  double cache_threshold = 0.0;
  uint32_t cache_max_age = 0;  // seconds; 0 = no cap
  bool store_extended_info = false;
  // Lifetimes, after inheritance from the global level (seconds).
  uint32_t valid_lifetime = 7200;
  uint32_t min_valid_lifetime = 7200;
  uint32_t max_valid_lifetime = 7200;
  // T1/T2: explicit values, else computed when calculate_tee_times, else not sent (0).
  uint32_t renew_timer = 0;
  uint32_t rebind_timer = 0;
  bool calculate_tee_times = false;
  double t1_percent = 0.5;
  double t2_percent = 0.875;
  bool match_client_id = true;
  bool authoritative = false;
  uint32_t next_server = 0;  // siaddr
};

enum class Durability : uint8_t {
  kNone,   // WAL off; ACKs not gated; a crash loses recent leases
  kWal,    // WAL written, not synced; survives kill -9, not power loss; ACKs gated
  kFsync,  // WAL synced (group commit); survives power loss; ACKs gated
};

struct LeaseDatabase {
  std::string path;  // Kea `name`; relative paths are under the state directory
  Durability durability = Durability::kFsync;
  uint32_t max_batch = 8192;  // records per WriteBatch (group commit)
};

struct Dhcp4Config {
  std::vector<Subnet4> subnets;  // in config order
  std::vector<SharedNetwork4> shared_networks;
  std::vector<ClientClass> client_classes;  // in definition order
  std::vector<OptionData> options;          // global option-data
  std::vector<Reservation> reservations;    // global reservations
  // Kea `host-reservation-identifiers`: which identifiers are looked up, in order.
  std::vector<HostIdentifier> host_reservation_identifiers = {
      HostIdentifier::kHwAddress, HostIdentifier::kDuid, HostIdentifier::kCircuitId,
      HostIdentifier::kClientId};
  // The flex-id identifier expression (Kea's flex_id hook `identifier-expression`).
  std::string flex_id_expression;
  LeaseDatabase lease_database;
  uint32_t decline_probation_period = 86400;
  uint32_t offer_lifetime = 10;          // ours: offers hold an address this long
  uint32_t hold_reclaimed_time = 3600;   // affinity: expired leases remembered this long
  uint32_t max_reclaim_leases = 100;     // leases examined per expiry slice
  bool echo_client_id = true;            // RFC 6842
  // BOOTP clients (RFC 951/1542) are served: Kea's libdhcp_bootp.so in hooks-libraries.
  bool bootp = false;
};

struct Port {
  std::string device;      // vdev args ("net_af_packet0,iface=veth0") or PCI address
  uint32_t address = 0;    // the server's address on this port (server-id, ARP, ICMP)
  uint8_t prefix_len = 24;
  // IPv6 addresses of the port (`address6`: "2001:db8::1/64" or a list of them),
  // answered by NDP and ICMPv6 echo; DHCPv6 replies to relays come from the first.
  // The link-local address (fe80:: + EUI-64 of the port MAC) is always ours too.
  std::vector<std::pair<std::array<uint8_t, 16>, uint8_t>> addresses6;
  uint16_t rx_descriptors = 1024;
  uint16_t tx_descriptors = 1024;
};

struct DataplaneConfig {
  std::vector<std::string> eal_args;  // passed to rte_eal_init before our own
  std::vector<Port> ports;
  uint32_t workers = 1;            // worker lcores, each owns one lease shard
  uint32_t mempool_size = 8191;    // mbufs
  uint32_t mempool_cache = 256;
  uint32_t burst_size = 32;
  uint32_t idle_sleep_us = 100;    // max back-off sleep when idle; 0 = busy poll
  uint32_t tx_drain_us = 100;      // a partly filled TX buffer waits at most this long
  uint32_t park_queue_size = 4096; // replies waiting for durability, per worker
  uint32_t change_ring_size = 65536;   // lease change records per shard → persister
  uint32_t dispatch_ring_size = 4096;  // packets per worker pair
  // The Unix SOCK_SEQPACKET socket fastlease-control connects to; empty means
  // "<state-dir>/dataplane.sock". Relative paths are under the state directory.
  std::string control_link;
  // Lease events kept in the store for a control process that is away; older
  // ones are trimmed and a returning control process is told of the gap.
  uint32_t lease_event_retention = 1000000;
  // Scheduling nice value of the persister thread (-20..19). Every ACK under
  // fsync, and every lease change under any durability, waits for it; it sleeps
  // when idle, so above the control threads (and a co-located generator) it takes
  // only what it uses. Raising priority needs CAP_SYS_NICE; without it, a warning.
  int32_t persister_nice = -10;
};

// The Prometheus text endpoint of fastlease-control (`Control/prometheus`).
struct PrometheusConfig {
  bool enabled = false;
  std::string address = "127.0.0.1";  // IPv4 or IPv6 literal to bind
  uint16_t port = 9547;
};

// fastlease-control's own settings: the `Control` section plus Kea's
// `Dhcp4/control-socket`. Paths that are empty or relative are resolved against
// the state directory by the control process.
struct ControlConfig {
  // Kea `Dhcp4/control-socket/socket-name`: the Unix stream socket commands are
  // read from. Empty means "<state-dir>/control.sock".
  std::string socket_name;
  uint32_t max_command_size = 4194304;  // bytes of one request; larger ones are refused
  uint32_t command_timeout_ms = 30000;  // a forwarded command's answer waits this long
  // One JSON line per lease event (the forensic log); relative to the state dir.
  std::string lease_event_log = "lease-events.jsonl";
  PrometheusConfig prometheus;
};

// ---------------------------------------------------------------- DHCPv6 (`Dhcp6`)

using Ip6 = std::array<uint8_t, 16>;  // network byte order
enum class DuidType6 : uint16_t { kLlt = 1, kEn = 2, kLl = 3 };

// One v6 option ready to be copied into a reply: 16-bit code and wire data.
struct OptionData6 {
  uint16_t code = 0;
  std::vector<uint8_t> data;
  bool always_send = false;  // sent even when not in the client's ORO
};

// An IA_NA address pool: `first`..`last` inclusive ("2001:db8::10 - 2001:db8::ff" or
// a prefix "2001:db8:1::/112"). A pool larger than 2^24 addresses is cut to its first
// 2^24 (kMaxPool6Size; a warning names it): the free bitmap stays within 2 MiB.
inline constexpr uint64_t kMaxPool6Size = uint64_t(1) << 24;
struct Pool6 {
  Ip6 first{};
  Ip6 last{};
  uint64_t size = 0;  // addresses, after the cut (last - first + 1)
  std::vector<OptionData6> options;
};

// A Kea `pd-pools` entry: delegates prefixes of `delegated_len` out of
// `prefix/prefix_len`; `delegated_len - prefix_len` ≤ 24 (else cut, with a warning,
// like Pool6). `excluded_prefix/len` (RFC 6603) is sent with each delegated prefix.
struct PdPool {
  Ip6 prefix{};
  uint8_t prefix_len = 0;
  uint8_t delegated_len = 0;
  uint64_t size = 0;  // delegated prefixes, after the cut
  Ip6 excluded_prefix{};
  uint8_t excluded_prefix_len = 0;  // 0 = none
  std::vector<OptionData6> options;
};

struct Reservation6 {
  // `duid` or `hw-address` (exactly one): HostIdentifier::kDuid / kHwAddress.
  HostIdentifier identifier_type = HostIdentifier::kDuid;
  std::vector<uint8_t> identifier;
  std::vector<Ip6> ip_addresses;                         // for IA_NA
  std::vector<std::pair<Ip6, uint8_t>> prefixes;         // for IA_PD ("2001:db8:2::/56")
  std::string hostname;
  std::vector<OptionData6> options;
  std::vector<std::string> client_classes;  // kept, reported; v6 classes are not evaluated
};

struct SharedNetwork6 {
  std::string name;
  std::string interface;
  std::vector<uint8_t> interface_id;  // Kea `interface-id` (relay option 18)
  std::vector<Ip6> relay_addresses;
};

struct Subnet6 {
  uint32_t id = 0;  // Kea `id`, unique among Dhcp6 subnets
  Ip6 prefix{};
  uint8_t prefix_len = 0;
  std::vector<Pool6> pools;
  std::vector<PdPool> pd_pools;
  // Subnet-level options with its shared network's merged in (subnet wins); global
  // options are in Dhcp6Config::options.
  std::vector<OptionData6> options;
  std::vector<Reservation6> reservations;
  std::string interface;              // receiving port name; "" = any
  std::vector<uint8_t> interface_id;  // selects the subnet by the relay's Interface-Id
  std::vector<Ip6> relay_addresses;   // Kea `relay.ip-addresses` (own or the network's)
  int32_t shared_network = -1;        // index into Dhcp6Config::shared_networks
  // Lifetimes after inheritance (seconds).
  uint32_t preferred_lifetime = 3600;
  uint32_t min_preferred_lifetime = 3600;
  uint32_t max_preferred_lifetime = 3600;
  uint32_t valid_lifetime = 7200;
  uint32_t min_valid_lifetime = 7200;
  uint32_t max_valid_lifetime = 7200;
  uint32_t renew_timer = 0;   // T1; 0 with calculate_tee_times → computed
  uint32_t rebind_timer = 0;  // T2
  bool calculate_tee_times = true;  // Kea's v6 default
  double t1_percent = 0.5;
  double t2_percent = 0.8;
  bool rapid_commit = false;
  bool reservations_global = false;
  bool reservations_in_subnet = true;
  bool reservations_out_of_pool = false;
};

// The server's DUID (Kea `server-id`): generated once and persisted in the state
// directory (`server-duid` file) unless given here in full.
struct ServerId6 {
  DuidType6 type = DuidType6::kLlt;
  std::vector<uint8_t> identifier;  // link-layer address (LLT/LL) or EN identifier
  uint32_t enterprise_id = 0;       // EN
  uint32_t time = 0;                // LLT; 0 = now, at generation
  uint16_t htype = 1;
  bool persist = true;
};

struct Dhcp6Config {
  bool enabled = false;  // a `Dhcp6` section is present
  std::vector<Subnet6> subnets;
  std::vector<SharedNetwork6> shared_networks;
  std::vector<OptionData6> options;     // global option-data
  std::vector<Reservation6> reservations;  // global reservations
  std::vector<HostIdentifier> host_reservation_identifiers = {HostIdentifier::kHwAddress,
                                                              HostIdentifier::kDuid};
  ServerId6 server_id;
  uint32_t decline_probation_period = 86400;
  uint32_t hold_reclaimed_time = 3600;
  uint32_t preference = 0;  // sent as option 7 when non-zero (0..255)
};

struct Config {
  std::string source;  // file name used in messages
  Dhcp4Config dhcp4;
  Dhcp6Config dhcp6;
  DataplaneConfig dataplane;
  ControlConfig control;
  std::vector<std::string> warnings;
};

// Parses and validates. On failure the status message lists every error found,
// one per line, each "<source>: <json/path>: <problem>".
absl::StatusOr<Config> ParseConfig(std::string_view json_text, std::string_view source);
absl::StatusOr<Config> LoadConfigFile(const std::string& path);

}  // namespace fastlease::config
