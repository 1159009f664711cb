// Wire stages: Ethernet / VLAN / IPv4 / UDP / ARP / ICMP over raw frame bytes.
//
//   dataplane::LocalInterface port{.mac = our_mac, .addresses = {0x0a000001}, ...};
//   dataplane::FrameInfo info;
//   dataplane::WireVerdict v = dataplane::ParseFrame(frame_bytes, port, info);
//   switch (v.kind) {
//     case FrameKind::kDrop:      counters[size_t(v.drop)]++; free; break;
//     case FrameKind::kArpRequest: n = BuildArpReply(buffer, info, port.mac); send n; break;
//     case FrameKind::kIcmpEcho:   n = BuildIcmpEchoReply(buffer, info, port.mac); send n; break;
//     case FrameKind::kDhcp:       dhcp4::Parse(UdpPayload(frame_bytes, info), msg); ...
//   }
//   // a DHCP reply: payload written at reply.subspan(ReplyHeaderSize(info)) first, then
//   size_t len = WriteUdpReplyHeaders(reply, info, to, payload_len);
//
// Everything here works on plain byte spans: no DPDK, no allocation, no exceptions,
// never reads or writes outside the spans it is given. Frames are Ethernet II
// without FCS. Addresses in FrameInfo and UdpReplyAddress are host byte order.
// Safe to call from any thread; the functions keep no state.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace fastlease::dataplane {

// Every reason the wire stage drops a frame. Names are the counter suffixes
// ("wire_<name>").
#define FASTLEASE_WIRE_DROP_REASONS(X)                                                  \
  X(kShortFrame, "short_frame")             /* shorter than the headers it announces */  \
  X(kWrongDstMac, "wrong_dst_mac")          /* unicast to another MAC, or multicast */   \
  X(kTooManyVlans, "too_many_vlans")        /* more than two VLAN tags */                \
  X(kNotIpv4OrArp, "not_ipv4_arp")          /* EtherType neither IPv4 nor ARP */         \
  X(kBadArp, "bad_arp")                     /* not Ethernet/IPv4 ARP */                  \
  X(kArpNotRequest, "arp_not_request")      /* ARP reply or gratuitous ARP */            \
  X(kBadIpVersion, "bad_ip_version")        /* version != 4 */                           \
  X(kIpOptions, "ip_options")               /* IHL != 5 */                               \
  X(kBadIpLength, "bad_ip_length")          /* total length < 20 or past the frame */    \
  X(kBadIpChecksum, "bad_ip_checksum")                                                   \
  X(kIpFragment, "ip_fragment")             /* MF set or fragment offset != 0 */         \
  X(kNotUdpOrIcmp, "not_udp_icmp")          /* other IP protocol */                      \
  X(kBadUdpLength, "bad_udp_length")        /* UDP length < 8 or past the IP payload */  \
  X(kBadUdpChecksum, "bad_udp_checksum")    /* non-zero and wrong */                     \
  X(kNotDhcpPort, "not_dhcp_port")          /* UDP destination port != 67 */             \
  X(kNotIcmpEcho, "not_icmp_echo")          /* ICMP other than echo request */           \
  X(kBadIcmpChecksum, "bad_icmp_checksum")                                               \
  X(kNotForUs, "not_for_us")                /* IP/ARP target not one of our addresses */

enum class WireDrop : uint8_t {
#define FASTLEASE_X(name, str) name,
  FASTLEASE_WIRE_DROP_REASONS(FASTLEASE_X)
#undef FASTLEASE_X
  kCount
};
inline constexpr size_t kWireDropCount = size_t(WireDrop::kCount);
const char* WireDropName(WireDrop d);

using MacAddress = std::array<uint8_t, 6>;
inline constexpr MacAddress kBroadcastMac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

inline constexpr uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr uint16_t kEtherTypeArp = 0x0806;
inline constexpr uint16_t kEtherTypeVlan = 0x8100;  // 802.1Q C-tag
inline constexpr uint16_t kEtherTypeQinQ = 0x88a8;  // 802.1ad S-tag
inline constexpr size_t kEthernetHeaderSize = 14;
inline constexpr size_t kVlanTagSize = 4;
inline constexpr size_t kMaxVlanTags = 2;
inline constexpr size_t kIpv4HeaderSize = 20;
inline constexpr size_t kUdpHeaderSize = 8;
inline constexpr size_t kArpSize = 28;
inline constexpr size_t kIcmpHeaderSize = 8;
inline constexpr size_t kMinFrameSize = 60;  // Ethernet minimum without FCS
inline constexpr uint8_t kReplyTtl = 64;
inline constexpr uint32_t kLimitedBroadcast = 0xffffffff;

// The addresses a port answers for. `addresses[0]` is the port's primary
// address: the source of DHCP replies that arrived broadcast.
struct LocalInterface {
  static constexpr size_t kMaxAddresses = 8;
  MacAddress mac{};  // all-zero: accept any unicast destination MAC
  std::array<uint32_t, kMaxAddresses> addresses{};
  std::array<uint8_t, kMaxAddresses> prefix_lens{};  // for directed broadcasts
  uint8_t address_count = 0;

  // Adds an address; false when full.
  bool Add(uint32_t address, uint8_t prefix_len);
  // Index of `ip` among our addresses, or -1.
  int Find(uint32_t ip) const;
  // True for 255.255.255.255 or the directed broadcast of one of our subnets.
  bool IsBroadcast(uint32_t ip) const;
};

enum class FrameKind : uint8_t {
  kDrop,        // see WireVerdict::drop
  kDhcp,        // UDP to port 67; payload_offset/payload_len give the DHCP bytes
  kArpRequest,  // ARP request for local_address
  kIcmpEcho,    // ICMP echo request to local_address
};

struct WireVerdict {
  FrameKind kind = FrameKind::kDrop;
  WireDrop drop = WireDrop::kShortFrame;  // meaningful for kDrop only
};

// What the parse stage learned about one frame. Plain, <= 64 bytes: it may be kept
// in an mbuf's private area and travel with the packet between lcores.
struct FrameInfo {
  MacAddress src_mac{};
  MacAddress dst_mac{};
  uint8_t vlan_count = 0;
  uint8_t ip_protocol = 0;
  uint16_t l2_len = 0;       // Ethernet header including VLAN tags
  uint16_t l3_len = 0;       // IP total length (ARP: 28)
  uint16_t payload_offset = 0;  // UDP payload (DHCP) or ICMP message, from frame start
  uint16_t payload_len = 0;
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  uint8_t tos = 0;
  uint8_t pad_ = 0;
  uint32_t src_ip = 0;       // ARP: sender protocol address
  uint32_t dst_ip = 0;       // ARP: target protocol address
  uint32_t local_address = 0;  // our address the frame was for (primary if broadcast)
  std::array<uint8_t, kMaxVlanTags * kVlanTagSize> vlan_tags{};  // as received (TPID+TCI)
};
static_assert(sizeof(FrameInfo) <= 64);

// The parse stage. Checks, in order: Ethernet and VLAN headers, destination MAC,
// EtherType; for IPv4: version, IHL == 5, total length, header checksum,
// fragments, protocol; for UDP: length, destination port 67, checksum (when
// non-zero), destination address ours or broadcast; for ICMP: echo request,
// checksum, destination ours; for ARP: Ethernet/IPv4 request for one of our
// addresses. Trailing bytes past the IP total length (Ethernet padding) are
// ignored.
[[nodiscard]] WireVerdict ParseFrame(std::span<const uint8_t> frame, const LocalInterface& local,
                                     FrameInfo& info);

// The DHCP payload of a frame ParseFrame() classified as kDhcp.
inline std::span<const uint8_t> UdpPayload(std::span<const uint8_t> frame, const FrameInfo& info) {
  return frame.subspan(info.payload_offset, info.payload_len);
}

// --- Internet checksum (RFC 1071) ---
// Adds `bytes` (as big-endian 16-bit words, odd tail padded with zero) to a
// running 64-bit ones-complement accumulator. Chainable only on even lengths.
uint64_t ChecksumAdd(std::span<const uint8_t> bytes, uint64_t sum = 0);
// Folds the accumulator and returns its ones complement: the value to store in
// a checksum field. A buffer that includes a correct checksum yields 0.
uint16_t ChecksumFinish(uint64_t sum);
// The UDP checksum of `udp` (header with its checksum field as-is, and data)
// between `src` and `dst`; 0 is returned as 0xffff (RFC 768).
uint16_t UdpChecksum(uint32_t src, uint32_t dst, std::span<const uint8_t> udp);

// --- Builders ---

// Where a UDP reply goes, resolved to Ethernet and IP (host byte order).
struct UdpReplyAddress {
  MacAddress src_mac{};
  MacAddress dst_mac{};
  uint32_t src_ip = 0;
  uint32_t dst_ip = 0;
  uint16_t src_port = 67;
  uint16_t dst_port = 68;
};

// Bytes of Ethernet (with the request's VLAN tags), IPv4 and UDP headers in a
// reply to `request`: the offset at which the DHCP payload is to be written.
inline size_t ReplyHeaderSize(const FrameInfo& request) {
  return kEthernetHeaderSize + kVlanTagSize * request.vlan_count + kIpv4HeaderSize +
         kUdpHeaderSize;
}

// Writes the headers of a UDP reply in front of a payload already placed at
// `frame[ReplyHeaderSize(request)]`: Ethernet with the request's VLAN tags, IPv4
// (IHL 5, TOS copied, id 0, DF off, TTL 64, header checksum), UDP with a full
// software checksum. Pads with zeros to 60 bytes when `frame` has room. Returns
// the frame length, or 0 if headers + payload do not fit in `frame` or the
// payload exceeds an IPv4 datagram.
size_t WriteUdpReplyHeaders(std::span<uint8_t> frame, const FrameInfo& request,
                            const UdpReplyAddress& to, size_t payload_len);

// Copies `payload` to its place and writes the headers around it.
size_t BuildUdpReply(std::span<uint8_t> frame, const FrameInfo& request,
                     const UdpReplyAddress& to, std::span<const uint8_t> payload);

// Turns the ARP request in `frame` (as parsed into `request`) into its reply, in
// place: Ethernet to the requester from `our_mac`, same VLAN tags, op 2, sender
// `our_mac`/request.dst_ip, target the requester. `frame` may extend past the
// request into free tailroom; the reply is padded to 60 bytes when room allows.
// Returns the reply length, 0 if `frame` is shorter than the request.
size_t BuildArpReply(std::span<uint8_t> frame, const FrameInfo& request, const MacAddress& our_mac);

// Turns the ICMP echo request in `frame` into its echo reply, in place: MACs
// and IP addresses swapped (source = request.dst_ip), TTL 64, IP checksum and
// ICMP checksum recomputed, identifier/sequence/data kept. Returns the reply
// length (padded to 60 when room allows), 0 if `frame` is shorter than the request.
size_t BuildIcmpEchoReply(std::span<uint8_t> frame, const FrameInfo& request,
                          const MacAddress& our_mac);

}  // namespace fastlease::dataplane
