// Request frames a load generator sends and the replies it reads: Ethernet
// (optionally one 802.1Q tag), IPv4, UDP, DHCPv4. Written independently of the
// server's codec (dataplane/dhcp4/) so that the generator is an outside check
// on it, not a mirror of its mistakes.
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
// Every function here is pure, allocation-free and callable from any thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace fastlease::perf {

using MacAddress = std::array<uint8_t, 6>;

inline constexpr size_t kMaxRequestFrame = 400;

enum class RequestKind : uint8_t {
  kDiscover,
  kRequestSelecting,   // after an OFFER: options 50 and 54
  kRequestRenewing,    // ciaddr set, unicast (direct) or relayed
  kRequestInitReboot,  // option 50, no server id, ciaddr 0
  kRelease,            // ciaddr set, option 54
};

// How frames reach the server: the generator's own addresses.
struct PathSpec {
  MacAddress src_mac{};        // the generator's port (relay mode: the relay's MAC)
  MacAddress server_mac{};     // unicast destination (renews, relayed traffic)
  uint32_t server_ip = 0;      // host order
  bool relayed = false;
  uint32_t giaddr = 0;         // host order; relayed only
  uint16_t vlan = 0;           // 0: untagged; else the 802.1Q VLAN id
};

struct RequestSpec {
  RequestKind kind = RequestKind::kDiscover;
  MacAddress client_mac{};
  uint32_t xid = 0;
  uint32_t client_ip = 0;      // host order: requested (50) or ciaddr, per kind
  uint32_t server_id = 0;      // host order: option 54 where the kind has it
  uint32_t circuit_id = 0;     // relayed: option 82 sub-option 1 is "perf-<circuit_id>"
};

// Writes the frame for `spec` to `out` (at least kMaxRequestFrame bytes) and
// returns its length. IPv4 and UDP checksums are filled in.
size_t BuildRequest(const PathSpec& path, const RequestSpec& spec, uint8_t* out);

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

// Command-line text: "192.0.2.1" (to host order) and "02:00:5e:00:00:01".
bool ParseIpv4(std::string_view text, uint32_t* out);
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
