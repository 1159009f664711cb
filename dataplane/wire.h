// Wire stages: Ethernet / VLAN / IPv4 / IPv6 / UDP / ARP / ICMP / ICMPv6 (NDP) over
// raw frame bytes.
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
// IPv6 (ports with `port.AddIpv6(...)` and `port.SetLinkLocalFromMac()`):
//     case FrameKind::kNeighborSolicit: n = BuildNeighborAdvertisement(buffer, info, port.mac);
//     case FrameKind::kIcmp6Echo:  n = BuildIcmp6EchoReply(buffer, info, port.mac);
//     case FrameKind::kDhcp6:      UdpPayload(frame_bytes, info) is the DHCPv6 message;
//                                  Ipv6Src(frame_bytes, info) the client's address.
//   // a DHCPv6 reply: payload at reply.subspan(ReplyHeaderSize6(info)), then
//   size_t len = WriteUdp6ReplyHeaders(reply, info, to6, payload_len);
//
// Everything here works on plain byte spans: no DPDK, no allocation, no exceptions,
// never reads or writes outside the spans it is given. Frames are Ethernet II
// without FCS. IPv4 addresses in FrameInfo and UdpReplyAddress are host byte
// order; IPv6 addresses are 16 bytes in network order, as on the wire.
// Safe to call from any thread; the functions keep no state.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace fastlease::dataplane {

// Every reason the wire stage drops a frame. Names are the counter suffixes
// ("wire_<name>").
#define FASTLEASE_WIRE_DROP_REASONS(X)                                                          \
  X(kShortFrame, "short_frame")               /* shorter than the headers it announces */       \
  X(kWrongDstMac, "wrong_dst_mac")            /* another unicast MAC; multicast (IPv6: */       \
                                              /* 33:33 of a group of ours), broadcast (IPv6) */ \
  X(kTooManyVlans, "too_many_vlans")          /* more than two VLAN tags */                     \
  X(kNotIpv4OrArp, "not_ipv4_arp")            /* EtherType not IPv4, IPv6 or ARP */             \
  X(kBadArp, "bad_arp")                       /* not Ethernet/IPv4 ARP */                       \
  X(kArpNotRequest, "arp_not_request")        /* ARP reply or gratuitous ARP */                 \
  X(kBadIpVersion, "bad_ip_version")          /* version != 4 (IPv6: != 6) */                   \
  X(kIpOptions, "ip_options")                 /* IHL != 5 */                                    \
  X(kBadIpLength, "bad_ip_length")            /* total length < 20 or past the frame */         \
  X(kBadIpChecksum, "bad_ip_checksum")                                                          \
  X(kIpFragment, "ip_fragment")               /* MF, offset != 0, IPv6 fragment header */       \
  X(kNotUdpOrIcmp, "not_udp_icmp")            /* other IP protocol or IPv6 next header */       \
  X(kBadUdpLength, "bad_udp_length")          /* UDP length < 8 or past the IP payload */       \
  X(kBadUdpChecksum, "bad_udp_checksum")      /* wrong; IPv6: also zero (mandatory) */          \
  X(kNotDhcpPort, "not_dhcp_port")            /* UDP destination port != 67 (v6: 547) */        \
  X(kNotIcmpEcho, "not_icmp_echo")            /* ICMP other than echo req. (v6: or NS) */       \
  X(kBadIcmpChecksum, "bad_icmp_checksum")    /* ICMP or ICMPv6 */                              \
  X(kNotForUs, "not_for_us")                  /* IP/ARP/NS target not one of ours */            \
  X(kIpv6ExtensionHeaders, "ipv6_ext_headers") /* chain malformed, too long, routing */         \
                                              /* segments left, option not skippable */         \
  X(kBadIpv6Source, "bad_ipv6_src")           /* multicast; :: other than in DAD NS */          \
  X(kBadNdp, "bad_ndp")                       /* NS failing RFC 4861 7.1.1 checks */

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
inline constexpr uint16_t kEtherTypeIpv6 = 0x86dd;
inline constexpr uint16_t kEtherTypeVlan = 0x8100;  // 802.1Q C-tag
inline constexpr uint16_t kEtherTypeQinQ = 0x88a8;  // 802.1ad S-tag
inline constexpr size_t kEthernetHeaderSize = 14;
inline constexpr size_t kVlanTagSize = 4;
inline constexpr size_t kMaxVlanTags = 2;
inline constexpr size_t kIpv4HeaderSize = 20;
inline constexpr size_t kIpv6HeaderSize = 40;
inline constexpr size_t kMaxIpv6ExtensionHeaders = 8;
inline constexpr size_t kUdpHeaderSize = 8;
inline constexpr size_t kArpSize = 28;
inline constexpr size_t kIcmpHeaderSize = 8;
inline constexpr size_t kMinFrameSize = 60;  // Ethernet minimum without FCS
inline constexpr uint8_t kReplyTtl = 64;
inline constexpr uint32_t kLimitedBroadcast = 0xffffffff;
inline constexpr uint8_t kNdpHopLimit = 255;
inline constexpr size_t kNeighborAdvertisementSize = 32;  // ICMPv6 NA with the TLLA option
inline constexpr uint16_t kDhcp6ServerPort = 547;
inline constexpr uint16_t kDhcp6ClientPort = 546;

using Ipv6Address = std::array<uint8_t, 16>;
// ff02::1:2 All_DHCP_Relay_Agents_and_Servers, ff05::1:3 All_DHCP_Servers (RFC 8415 7.1).
inline constexpr Ipv6Address kAllDhcpRelayAgentsAndServers = {0xff, 0x02, 0, 0, 0, 0, 0, 0,
                                                              0,    0,    0, 0, 0, 1, 0, 2};
inline constexpr Ipv6Address kAllDhcpServers = {0xff, 0x05, 0, 0, 0, 0, 0, 0,
                                                0,    0,    0, 0, 0, 1, 0, 3};
inline constexpr Ipv6Address kAllNodes = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

// The addresses a port answers for. `addresses[0]` is the port's primary
// address: the source of DHCP replies that arrived broadcast. `addresses6[0]`,
// the first IPv6 address added, is the primary IPv6 address: the source of
// DHCPv6 replies to relays. The link-local address is not derived by itself:
// call SetLinkLocalFromMac() once `mac` is set (until then the port has none).
struct LocalInterface {
  static constexpr size_t kMaxAddresses = 8;
  static constexpr size_t kMaxAddresses6 = 4;
  // FindIpv6()'s answer for the link-local address.
  static constexpr int kLinkLocalIndex = int(kMaxAddresses6);
  MacAddress mac{};  // all-zero: accept any unicast destination MAC
  std::array<uint32_t, kMaxAddresses> addresses{};
  std::array<uint8_t, kMaxAddresses> prefix_lens{};  // for directed broadcasts
  uint8_t address_count = 0;
  uint8_t address6_count = 0;
  bool has_link_local = false;
  std::array<uint8_t, kMaxAddresses6> prefix_lens6{};
  std::array<Ipv6Address, kMaxAddresses6> addresses6{};
  Ipv6Address link_local{};  // fe80::/64 + modified EUI-64 of `mac`

  // Adds an address; false when full.
  bool Add(uint32_t address, uint8_t prefix_len);
  // Index of `ip` among our addresses, or -1.
  int Find(uint32_t ip) const;
  // True for 255.255.255.255 or the directed broadcast of one of our subnets.
  bool IsBroadcast(uint32_t ip) const;

  // Adds an IPv6 address; false when full, when `prefix_len` > 128, or when the
  // address is unspecified (::) or multicast.
  bool AddIpv6(const Ipv6Address& address, uint8_t prefix_len);
  // Sets `link_local` to fe80::/64 with the modified EUI-64 interface identifier of
  // `mac` (RFC 4291 App. A: ff:fe in the middle, universal/local bit inverted), e.g.
  // 52:54:00:12:34:56 -> fe80::5054:ff:fe12:3456.
  void SetLinkLocalFromMac();
  // Index of the 16 bytes at `ip` among our IPv6 addresses (0..address6_count-1),
  // kLinkLocalIndex for the link-local address, or -1.
  int FindIpv6(const uint8_t* ip) const;
  // The address FindIpv6() returned `index` for; nullptr for any other index.
  const uint8_t* Ipv6At(int index) const;
  // True when `ip` is the solicited-node multicast address (ff02::1:ffXX:XXXX) of
  // one of our IPv6 addresses, link-local included.
  bool IsOurSolicitedNode(const uint8_t* ip) const;
};

enum class FrameKind : uint8_t {
  kDrop,        // see WireVerdict::drop
  kDhcp,        // UDP to port 67; payload_offset/payload_len give the DHCP bytes
  kArpRequest,  // ARP request for local_address
  kIcmpEcho,    // ICMP echo request to local_address
  kDhcp6,       // UDP to port 547; payload_offset/payload_len give the DHCPv6 bytes
  kNeighborSolicit,  // NS for one of our IPv6 addresses; payload_* = the ICMPv6 message
  kIcmp6Echo,   // ICMPv6 echo request to one of our addresses; payload_* = the message
};

struct WireVerdict {
  FrameKind kind = FrameKind::kDrop;
  WireDrop drop = WireDrop::kShortFrame;  // meaningful for kDrop only
};

// What the parse stage learned about one frame. Plain, <= 64 bytes: it may be kept
// in an mbuf's private area and travel with the packet between lcores. IPv6
// addresses are not copied here: Ipv6Src()/Ipv6Dst() read them from the frame.
struct FrameInfo {
  MacAddress src_mac{};
  MacAddress dst_mac{};
  uint8_t vlan_count = 0;
  uint8_t ip_protocol = 0;   // IPv6: the upper-layer next header (17, 58)
  uint16_t l2_len = 0;       // Ethernet header including VLAN tags
  uint16_t l3_len = 0;       // IP total length (ARP: 28; IPv6: 40 + payload length)
  uint16_t payload_offset = 0;  // UDP payload (DHCP) or ICMP message, from frame start
  uint16_t payload_len = 0;
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  uint8_t tos = 0;           // IPv6: traffic class
  uint8_t ip_version = 0;    // 4 or 6 once the IP header was read; 0 for ARP
  uint32_t src_ip = 0;       // ARP: sender protocol address. IPv6: 0
  uint32_t dst_ip = 0;       // ARP: target protocol address. IPv6: 0
  uint32_t local_address = 0;  // our address the frame was for (primary if broadcast). IPv6: 0
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
//
// IPv6: never to the broadcast MAC; a 33:33:xx:xx:xx:xx MAC only when it maps the
// destination address and that is a group we listen to (ff02::1:2, ff05::1:3,
// ff02::1, or the solicited-node group of one of our addresses); then version,
// payload length within the frame, the source (not multicast; :: only for NS),
// the destination (one of those groups or one of our addresses), the extension
// header chain (hop-by-hop first, routing with segments left 0, destination
// options, at most kMaxIpv6ExtensionHeaders, each within the payload, options of
// unknown type only when their action bits say skip; a fragment header drops the
// frame). Then UDP: length, destination port 547, destination ff02::1:2,
// ff05::1:3 or ours, checksum (mandatory: 0 is wrong). ICMPv6: an echo request
// (code 0, to one of our addresses, checksum); a Neighbor Solicitation (RFC 4861
// 7.1.1: code 0, hop limit 255, length >= 24, checksum, target not multicast,
// options of non-zero length within the message, from :: only to a
// solicited-node group and without a source link-layer address option; target
// one of our addresses; destination ours or the target's solicited-node group).
[[nodiscard]] WireVerdict ParseFrame(std::span<const uint8_t> frame, const LocalInterface& local,
                                     FrameInfo& info);

// The DHCP payload of a frame ParseFrame() classified as kDhcp or kDhcp6.
inline std::span<const uint8_t> UdpPayload(std::span<const uint8_t> frame, const FrameInfo& info) {
  return frame.subspan(info.payload_offset, info.payload_len);
}

// The 16 bytes of the IPv6 source / destination address of a frame ParseFrame()
// read as IPv6 (info.ip_version == 6); nullptr for any other frame or one
// shorter than the IPv6 header.
inline const uint8_t* Ipv6Src(std::span<const uint8_t> frame, const FrameInfo& info) {
  if (info.ip_version != 6 || frame.size() < size_t(info.l2_len) + kIpv6HeaderSize) return nullptr;
  return frame.data() + info.l2_len + 8;
}
inline const uint8_t* Ipv6Dst(std::span<const uint8_t> frame, const FrameInfo& info) {
  if (info.ip_version != 6 || frame.size() < size_t(info.l2_len) + kIpv6HeaderSize) return nullptr;
  return frame.data() + info.l2_len + 24;
}
// The target address of a kNeighborSolicit frame (8 bytes into the ICMPv6
// message); nullptr when the message is shorter than an NS.
inline const uint8_t* NeighborSolicitTarget(std::span<const uint8_t> frame,
                                            const FrameInfo& info) {
  if (info.payload_len < 24 || frame.size() < size_t(info.payload_offset) + 24) return nullptr;
  return frame.data() + info.payload_offset + 8;
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
// The same over the IPv6 pseudo-header (RFC 8200 8.1; `src`, `dst` 16 bytes each,
// the final destination): for UDP 0 is returned as 0xffff (0 means "none", which
// IPv6 does not allow); for ICMPv6 the value is returned as computed.
uint16_t Udp6Checksum(const uint8_t* src, const uint8_t* dst, std::span<const uint8_t> udp);
uint16_t Icmp6Checksum(const uint8_t* src, const uint8_t* dst, std::span<const uint8_t> icmp);

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

// --- IPv6 builders ---

// Where a DHCPv6 reply goes, resolved to Ethernet and IPv6.
struct Udp6ReplyAddress {
  MacAddress src_mac{};
  MacAddress dst_mac{};
  Ipv6Address src_ip{};
  Ipv6Address dst_ip{};
  uint16_t src_port = kDhcp6ServerPort;
  uint16_t dst_port = kDhcp6ClientPort;
};

// Bytes of Ethernet (with the request's VLAN tags), IPv6 and UDP headers in a
// reply to `request`: the offset at which the DHCPv6 payload is to be written.
inline size_t ReplyHeaderSize6(const FrameInfo& request) {
  return kEthernetHeaderSize + kVlanTagSize * request.vlan_count + kIpv6HeaderSize +
         kUdpHeaderSize;
}

// Writes the headers of a UDP/IPv6 reply in front of a payload already placed at
// `frame[ReplyHeaderSize6(request)]`: Ethernet with the request's VLAN tags,
// IPv6 (traffic class 0, flow label 0, no extension headers, hop limit 64), UDP
// with its checksum. Pads with zeros to 60 bytes when `frame` has room (never
// needed: the headers alone are 62 bytes). Returns the frame length, or 0 if
// headers + payload do not fit in `frame` or the UDP datagram exceeds 65535 bytes.
size_t WriteUdp6ReplyHeaders(std::span<uint8_t> frame, const FrameInfo& request,
                             const Udp6ReplyAddress& to, size_t payload_len);

// Copies `payload` to its place and writes the headers around it.
size_t BuildUdp6Reply(std::span<uint8_t> frame, const FrameInfo& request,
                      const Udp6ReplyAddress& to, std::span<const uint8_t> payload);

// Turns the Neighbor Solicitation in `frame` (as parsed into `request`) into the
// Neighbor Advertisement answering it (RFC 4861 7.2.4), in place: the same VLAN
// tags; IPv6 from the target address, hop limit 255, no extension headers; to
// the NS source at its Ethernet source MAC, flags Solicited and Override; or,
// when the NS came from :: (duplicate address detection), to ff02::1 at
// 33:33:00:00:00:01 with Override only. The NS target is the NA target; a
// Target Link-Layer Address option carries `our_mac`. `frame` may extend past the
// request into free tailroom: the NA (l2_len + 72 bytes) may be longer than the
// NS. Returns the NA length, 0 if `frame` is too short for it or does not hold
// the NS `request` describes.
size_t BuildNeighborAdvertisement(std::span<uint8_t> frame, const FrameInfo& request,
                                  const MacAddress& our_mac);

// Turns the ICMPv6 echo request in `frame` into its echo reply, in place: MACs
// and addresses swapped, version/traffic class kept, flow label 0, hop limit
// 64, extension headers removed (the message moves up behind the IPv6 header),
// type 129, checksum recomputed, identifier/sequence/data kept. Returns the
// reply length (padded to 60 when room allows), 0 if `frame` is shorter than
// the request.
size_t BuildIcmp6EchoReply(std::span<uint8_t> frame, const FrameInfo& request,
                           const MacAddress& our_mac);

}  // namespace fastlease::dataplane
