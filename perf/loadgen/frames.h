// Request frames a load generator sends and the replies it reads: Ethernet
// (optionally one 802.1Q tag), IPv4, UDP, DHCPv4; and DHCPv6 requests (IPv6,
// UDP, DHCPv6, optionally in a Relay-Forw). Written independently of the
// server's codecs (dataplane/dhcp4/, dataplane/dhcp6/) so that the generator is
// an outside check on them, not a mirror of their mistakes.
//
//   RequestSpec spec{.kind = RequestKind::kDiscover, .client_mac = mac, .xid = 7};
//   uint8_t buf[kMaxRequestFrame];
//   size_t len = BuildRequest(path, spec, buf);     // 0 only if spec is invalid
//   std::optional<ReplyInfo> r = ParseReply(frame, frame_len);
//
// Direct clients broadcast from 0.0.0.0:68 with the broadcast flag set (so a
// kernel-socket server such as Kea answers without ARP), except renews and
// releases, which a bound client unicasts from its address to the server.
// Relayed clients are sent as a relay agent would: from giaddr:67 to the
// server:67, hops 1, giaddr set, option 82 with a circuit-id naming the client.
// DHCPv6 clients (RFC 8415) send from fe80::<modified EUI-64 of their MAC>:546
// to ff02::1:2:547 (MAC 33:33:00:01:00:02), hop limit 1; relayed ones are wrapped
// in a Relay-Forw (hop count 0, link-address and IPv6 source = the relay's
// address, peer-address = the client's link-local address, Interface-Id
// "perf-<circuit_id>") sent from the relay's MAC, 547 -> 547, hop limit 32.
// Every function here is pure, allocation-free and callable from any thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace fastlease::perf {

using MacAddress = std::array<uint8_t, 6>;
using Ipv6Address = std::array<uint8_t, 16>;  // network order, as on the wire

inline constexpr size_t kMaxRequestFrame = 400;
// RFC 8415 §11.1: a DUID is at most 128 octets after its 2-octet type.
inline constexpr size_t kMaxDuidSize = 130;

enum class RequestKind : uint8_t {
  kDiscover,
  kRequestSelecting,   // after an OFFER: options 50 and 54
  kRequestRenewing,    // ciaddr set, unicast (direct) or relayed
  kRequestInitReboot,  // option 50, no server id, ciaddr 0
  kRelease,            // ciaddr set, option 54
  // DHCPv6. Every one carries a Client Identifier (DUID-LL of client_mac), an
  // IA_NA (IAID 1), an IA_PD (IAID 2), Elapsed Time 0 and an ORO of dns-servers.
  kSolicit,            // the IAs empty
  kRequest6,           // Server Identifier; IA_NA holds address6, IA_PD prefix6
  kRenew6,             // as kRequest6, message type Renew
};

// True for the DHCPv6 kinds (kSolicit and after).
constexpr bool IsDhcp6(RequestKind kind) { return kind >= RequestKind::kSolicit; }

// How frames reach the server: the generator's own addresses.
struct PathSpec {
  MacAddress src_mac{};        // the generator's port (relay mode: the relay's MAC)
  MacAddress server_mac{};     // unicast destination (renews, relayed traffic)
  uint32_t server_ip = 0;      // host order
  bool relayed = false;
  uint32_t giaddr = 0;         // host order; relayed only
  uint16_t vlan = 0;           // 0: untagged; else the 802.1Q VLAN id
  // DHCPv6 only.
  Ipv6Address relay6{};        // relayed: the relay's address (IPv6 source, link-address)
  std::array<uint8_t, kMaxDuidSize> server_duid{};  // kRequest6/kRenew6: option 2
  uint8_t server_duid_len = 0;
};

struct RequestSpec {
  RequestKind kind = RequestKind::kDiscover;
  MacAddress client_mac{};
  uint32_t xid = 0;
  uint32_t client_ip = 0;      // host order: requested (50) or ciaddr, per kind
  uint32_t server_id = 0;      // host order: option 54 where the kind has it
  uint32_t circuit_id = 0;     // relayed: option 82 sub-option 1 (v6: Interface-Id) is
                               // "perf-<circuit_id>"
  Ipv6Address address6{};      // kRequest6/kRenew6: the IA_NA's IA Address
  Ipv6Address prefix6{};       // kRequest6/kRenew6: the IA_PD's IA Prefix ...
  uint8_t prefix6_len = 0;     // ... and its length
};

// Writes the frame for `spec` to `out` (at least kMaxRequestFrame bytes) and
// returns its length, 0 when the spec is invalid (a v6 Request/Renew without a
// server DUID, a DUID longer than kMaxDuidSize). IPv4 and UDP checksums are
// filled in (UDP over IPv6: over the pseudo-header, never 0).
size_t BuildRequest(const PathSpec& path, const RequestSpec& spec, uint8_t* out);

// fe80::/64 + the modified EUI-64 of `mac` (RFC 4291 appendix A).
Ipv6Address LinkLocalFromMac(const MacAddress& mac);

// `base` + (n << shift), modulo 2^128 (shift < 128): client n's address or prefix.
Ipv6Address Ipv6Offset(const Ipv6Address& base, uint64_t n, unsigned shift = 0);

enum class ReplyType : uint8_t { kOffer = 2, kAck = 5, kNak = 6 };

struct ReplyInfo {
  ReplyType type = ReplyType::kOffer;
  uint32_t xid = 0;
  MacAddress chaddr{};
  uint32_t yiaddr = 0;     // host order
  uint32_t server_id = 0;  // host order; option 54, 0 when absent
  uint32_t lease_time = 0; // option 51, 0 when absent
};

// A DHCPv4 OFFER/ACK/NAK in `frame` (Ethernet, up to two VLAN tags, IPv4 without
// fragmentation, UDP to port 68 or 67), or nullopt for anything else: other
// traffic, BOOTREQUESTs, truncated or malformed messages. Checksums are not
// verified (the kernel and the server under test compute them).
std::optional<ReplyInfo> ParseReply(const uint8_t* frame, size_t len);

// The reflector (fastlease-perf --reflect): turns each DHCPv4 request around
// statelessly, so that a load generator can measure what the link and the
// generator carry with no server work at all: the transport's ceiling, which no
// server behind the same link can exceed. It is not a DHCP server: it keeps no
// lease and checks nothing; every client's address is derived from its chaddr.
struct ReflectorSpec {
  MacAddress mac{};            // the reflector port's MAC: the replies' source
  uint32_t server_ip = 0;      // host order: option 54, the replies' IP source, ARP answered
  uint32_t pool_base = 0;      // host order: the first address handed out
  uint32_t pool_size = 1;      // addresses from pool_base on (at least 1)
  uint32_t subnet_mask = 0;    // host order: option 1 (0: not sent)
  uint32_t lease_time = 3600;  // option 51
};

enum class Reflected : uint8_t { kNothing, kOffer, kAck, kArpReply };

// The reply to the frame in `frame` (`len` bytes; `capacity` bytes writable),
// written over it in place; returns its length, 0 when nothing is to be sent
// (the frame is left as it was).
//   - DISCOVER -> OFFER and REQUEST -> ACK, with yiaddr = the requested address
//     (option 50), else ciaddr, else pool_base + hash(chaddr) mod pool_size,
//     options 53, 54, 51, 1 (when subnet_mask != 0) and the request's option 82
//     echoed (RFC 3046 §2.2); padded to BOOTP's 300 bytes. Addressed like a
//     server does: to giaddr:67 when relayed, else to ciaddr:68, else broadcast
//     (broadcast flag) or to yiaddr at chaddr. Same VLAN tag as the request.
//   - an ARP request for server_ip -> the ARP reply.
//   - anything else (RELEASE, DECLINE, INFORM, other traffic, malformed or
//     truncated frames, a reply that would not fit in `capacity`) -> 0.
// `what` says which of these happened. Pure, allocation-free.
size_t ReflectFrame(const ReflectorSpec& spec, uint8_t* frame, size_t len, size_t capacity,
                    Reflected* what);

// Command-line text: "192.0.2.1" (to host order), "2001:db8::1" and "02:00:5e:00:00:01".
bool ParseIpv4(std::string_view text, uint32_t* out);
bool ParseIpv6(std::string_view text, Ipv6Address* out);
bool ParseMac(std::string_view text, MacAddress* out);

// An ARP request in `frame` asking for `ip` (host order): the sender's MAC and IP
// are returned so that the caller can answer. nullopt otherwise.
struct ArpQuery {
  MacAddress sender_mac{};
  uint32_t sender_ip = 0;
  uint32_t target_ip = 0;
};
std::optional<ArpQuery> ParseArpRequest(const uint8_t* frame, size_t len);

// An ARP reply "`ip` is at `mac`" to the asker; returns its length (60; 64
// with an 802.1Q tag for `vlan` != 0).
size_t BuildArpReply(const ArpQuery& query, const MacAddress& mac, uint32_t ip, uint8_t* out,
                     uint16_t vlan = 0);

// An ARP request "who has `target_ip`" from (mac, ip); returns its length (60,
// or 64 tagged).
size_t BuildArpRequest(const MacAddress& mac, uint32_t ip, uint32_t target_ip, uint8_t* out,
                       uint16_t vlan = 0);

// An ARP reply to us, from which the server's MAC is learned; nullopt otherwise.
std::optional<ArpQuery> ParseArpReply(const uint8_t* frame, size_t len);

}  // namespace fastlease::perf
