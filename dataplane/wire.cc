#include "dataplane/wire.h"

#include <algorithm>
#include <cstring>

namespace fastlease::dataplane {
namespace {

constexpr uint8_t kProtoIcmp = 1;
constexpr uint8_t kProtoUdp = 17;
constexpr uint8_t kIcmpEchoReply = 0;
constexpr uint8_t kIcmpEchoRequest = 8;
constexpr uint16_t kArpOpRequest = 1;
constexpr uint16_t kArpOpReply = 2;
constexpr uint16_t kDhcpServerPort = 67;

inline uint16_t Load16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
inline uint32_t Load32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
inline void Store16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}
inline void Store32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24);
  p[1] = uint8_t(v >> 16);
  p[2] = uint8_t(v >> 8);
  p[3] = uint8_t(v);
}

inline WireVerdict Drop(WireDrop d) { return WireVerdict{FrameKind::kDrop, d}; }

inline bool IsZero(const MacAddress& m) { return (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]) == 0; }

uint64_t PseudoHeader(uint32_t src, uint32_t dst, uint8_t proto, size_t length) {
  // 32-bit words may be added whole: 2^16 == 1 in ones-complement arithmetic.
  return uint64_t(src) + dst + proto + length;
}

// Zero-fills up to the Ethernet minimum when the buffer allows.
size_t PadFrame(std::span<uint8_t> frame, size_t len) {
  if (len < kMinFrameSize && frame.size() >= kMinFrameSize) {
    std::memset(frame.data() + len, 0, kMinFrameSize - len);
    return kMinFrameSize;
  }
  return len;
}

uint16_t Ipv4HeaderChecksum(const uint8_t* ip) {
  return ChecksumFinish(ChecksumAdd({ip, kIpv4HeaderSize}));
}

WireVerdict ParseArp(const uint8_t* p, size_t n, const LocalInterface& local, FrameInfo& info) {
  if (n < info.l2_len + kArpSize) return Drop(WireDrop::kShortFrame);
  const uint8_t* arp = p + info.l2_len;
  if (Load16(arp) != 1 || Load16(arp + 2) != kEtherTypeIpv4 || arp[4] != 6 || arp[5] != 4) {
    return Drop(WireDrop::kBadArp);
  }
  const uint32_t spa = Load32(arp + 14);
  const uint32_t tpa = Load32(arp + 24);
  // An announcement (sender == target) asks nothing; probes (sender 0) are answered.
  if (Load16(arp + 6) != kArpOpRequest || spa == tpa) return Drop(WireDrop::kArpNotRequest);
  if (local.Find(tpa) < 0) return Drop(WireDrop::kNotForUs);
  info.l3_len = kArpSize;
  info.payload_offset = info.l2_len;
  info.payload_len = kArpSize;
  info.src_ip = spa;
  info.dst_ip = tpa;
  info.local_address = tpa;
  return WireVerdict{FrameKind::kArpRequest, WireDrop::kShortFrame};
}

WireVerdict ParseUdp(const uint8_t* ip, const LocalInterface& local, FrameInfo& info) {
  const size_t ip_payload = info.l3_len - kIpv4HeaderSize;
  if (ip_payload < kUdpHeaderSize) return Drop(WireDrop::kBadUdpLength);
  const uint8_t* udp = ip + kIpv4HeaderSize;
  const uint16_t udp_len = Load16(udp + 4);
  if (udp_len < kUdpHeaderSize || udp_len > ip_payload) return Drop(WireDrop::kBadUdpLength);
  info.src_port = Load16(udp);
  info.dst_port = Load16(udp + 2);
  if (info.dst_port != kDhcpServerPort) return Drop(WireDrop::kNotDhcpPort);
  const int idx = local.Find(info.dst_ip);
  if (idx < 0 && !local.IsBroadcast(info.dst_ip)) return Drop(WireDrop::kNotForUs);
  if (Load16(udp + 6) != 0) {
    uint64_t sum = PseudoHeader(info.src_ip, info.dst_ip, kProtoUdp, udp_len);
    if (ChecksumFinish(ChecksumAdd({udp, udp_len}, sum)) != 0) {
      return Drop(WireDrop::kBadUdpChecksum);
    }
  }
  info.local_address = idx >= 0 ? local.addresses[size_t(idx)] : local.addresses[0];
  info.payload_offset = uint16_t(info.l2_len + kIpv4HeaderSize + kUdpHeaderSize);
  info.payload_len = uint16_t(udp_len - kUdpHeaderSize);
  return WireVerdict{FrameKind::kDhcp, WireDrop::kShortFrame};
}

WireVerdict ParseIcmp(const uint8_t* ip, const LocalInterface& local, FrameInfo& info) {
  const size_t icmp_len = info.l3_len - kIpv4HeaderSize;
  if (icmp_len < kIcmpHeaderSize) return Drop(WireDrop::kShortFrame);
  const int idx = local.Find(info.dst_ip);
  if (idx < 0) return Drop(WireDrop::kNotForUs);
  const uint8_t* icmp = ip + kIpv4HeaderSize;
  if (icmp[0] != kIcmpEchoRequest || icmp[1] != 0) return Drop(WireDrop::kNotIcmpEcho);
  if (ChecksumFinish(ChecksumAdd({icmp, icmp_len})) != 0) return Drop(WireDrop::kBadIcmpChecksum);
  info.local_address = info.dst_ip;
  info.payload_offset = uint16_t(info.l2_len + kIpv4HeaderSize);
  info.payload_len = uint16_t(icmp_len);
  return WireVerdict{FrameKind::kIcmpEcho, WireDrop::kShortFrame};
}

}  // namespace

const char* WireDropName(WireDrop d) {
  static constexpr const char* kNames[] = {
#define FASTLEASE_X(name, str) str,
      FASTLEASE_WIRE_DROP_REASONS(FASTLEASE_X)
#undef FASTLEASE_X
  };
  const size_t i = size_t(d);
  return i < kWireDropCount ? kNames[i] : "unknown";
}

bool LocalInterface::Add(uint32_t address, uint8_t prefix_len) {
  if (address_count >= kMaxAddresses) return false;
  addresses[address_count] = address;
  prefix_lens[address_count] = prefix_len;
  ++address_count;
  return true;
}

int LocalInterface::Find(uint32_t ip) const {
  for (size_t i = 0; i < address_count; ++i) {
    if (addresses[i] == ip) return int(i);
  }
  return -1;
}

bool LocalInterface::IsBroadcast(uint32_t ip) const {
  if (ip == kLimitedBroadcast) return true;
  for (size_t i = 0; i < address_count; ++i) {
    const uint8_t len = prefix_lens[i];
    if (len == 0 || len >= 31) continue;  // no directed broadcast on /31, /32
    const uint32_t host_mask = ~uint32_t(0) >> len;
    if ((addresses[i] | host_mask) == ip) return true;
  }
  return false;
}

uint64_t ChecksumAdd(std::span<const uint8_t> bytes, uint64_t sum) {
  const uint8_t* p = bytes.data();
  size_t n = bytes.size();
  while (n >= 4) {
    sum += Load32(p);
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    sum += Load16(p);
    p += 2;
    n -= 2;
  }
  if (n != 0) sum += uint32_t(p[0]) << 8;
  return sum;
}

uint16_t ChecksumFinish(uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return uint16_t(~sum);
}

uint16_t UdpChecksum(uint32_t src, uint32_t dst, std::span<const uint8_t> udp) {
  const uint16_t c =
      ChecksumFinish(ChecksumAdd(udp, PseudoHeader(src, dst, kProtoUdp, udp.size())));
  return c == 0 ? 0xffff : c;
}

WireVerdict ParseFrame(std::span<const uint8_t> frame, const LocalInterface& local,
                       FrameInfo& info) {
  const uint8_t* p = frame.data();
  const size_t n = frame.size();
  if (n < kEthernetHeaderSize) return Drop(WireDrop::kShortFrame);
  std::memcpy(info.dst_mac.data(), p, 6);
  std::memcpy(info.src_mac.data(), p + 6, 6);
  if (info.dst_mac != kBroadcastMac) {
    if ((info.dst_mac[0] & 1) != 0) return Drop(WireDrop::kWrongDstMac);
    if (!IsZero(local.mac) && info.dst_mac != local.mac) return Drop(WireDrop::kWrongDstMac);
  }

  size_t off = 12;  // the EtherType/TPID field
  uint16_t type = Load16(p + off);
  info.vlan_count = 0;
  while (type == kEtherTypeVlan || type == kEtherTypeQinQ) {
    if (info.vlan_count == kMaxVlanTags) return Drop(WireDrop::kTooManyVlans);
    if (n < off + kVlanTagSize + 2) return Drop(WireDrop::kShortFrame);
    std::memcpy(info.vlan_tags.data() + kVlanTagSize * info.vlan_count, p + off, kVlanTagSize);
    ++info.vlan_count;
    off += kVlanTagSize;
    type = Load16(p + off);
  }
  info.l2_len = uint16_t(off + 2);
  info.src_port = info.dst_port = 0;
  info.ip_protocol = 0;
  info.tos = 0;

  if (type == kEtherTypeArp) return ParseArp(p, n, local, info);
  if (type != kEtherTypeIpv4) return Drop(WireDrop::kNotIpv4OrArp);

  if (n < info.l2_len + kIpv4HeaderSize) return Drop(WireDrop::kShortFrame);
  const uint8_t* ip = p + info.l2_len;
  if ((ip[0] >> 4) != 4) return Drop(WireDrop::kBadIpVersion);
  const uint8_t ihl = ip[0] & 0x0f;
  if (ihl < 5) return Drop(WireDrop::kBadIpLength);
  if (ihl > 5) return Drop(WireDrop::kIpOptions);
  const uint16_t total = Load16(ip + 2);
  if (total < kIpv4HeaderSize || total > n - info.l2_len) return Drop(WireDrop::kBadIpLength);
  if (Ipv4HeaderChecksum(ip) != 0) return Drop(WireDrop::kBadIpChecksum);
  const uint16_t frag = Load16(ip + 6);
  if ((frag & 0x3fff) != 0) return Drop(WireDrop::kIpFragment);  // MF or offset

  info.tos = ip[1];
  info.ip_protocol = ip[9];
  info.l3_len = total;
  info.src_ip = Load32(ip + 12);
  info.dst_ip = Load32(ip + 16);
  if (info.ip_protocol == kProtoUdp) return ParseUdp(ip, local, info);
  if (info.ip_protocol == kProtoIcmp) return ParseIcmp(ip, local, info);
  return Drop(WireDrop::kNotUdpOrIcmp);
}

size_t WriteUdpReplyHeaders(std::span<uint8_t> frame, const FrameInfo& request,
                            const UdpReplyAddress& to, size_t payload_len) {
  if (request.vlan_count > kMaxVlanTags) return 0;
  const size_t header = ReplyHeaderSize(request);
  if (payload_len > 0xffff - kIpv4HeaderSize - kUdpHeaderSize) return 0;
  if (frame.size() < header || frame.size() - header < payload_len) return 0;

  uint8_t* p = frame.data();
  std::memcpy(p, to.dst_mac.data(), 6);
  std::memcpy(p + 6, to.src_mac.data(), 6);
  const size_t tag_bytes = kVlanTagSize * request.vlan_count;
  std::memcpy(p + 12, request.vlan_tags.data(), tag_bytes);
  Store16(p + 12 + tag_bytes, kEtherTypeIpv4);

  uint8_t* ip = p + kEthernetHeaderSize + tag_bytes;
  const uint16_t udp_len = uint16_t(kUdpHeaderSize + payload_len);
  ip[0] = 0x45;
  ip[1] = request.tos;
  Store16(ip + 2, uint16_t(kIpv4HeaderSize + udp_len));
  Store16(ip + 4, 0);  // id
  Store16(ip + 6, 0);  // flags, fragment offset: DF off
  ip[8] = kReplyTtl;
  ip[9] = kProtoUdp;
  Store16(ip + 10, 0);
  Store32(ip + 12, to.src_ip);
  Store32(ip + 16, to.dst_ip);
  Store16(ip + 10, Ipv4HeaderChecksum(ip));

  uint8_t* udp = ip + kIpv4HeaderSize;
  Store16(udp, to.src_port);
  Store16(udp + 2, to.dst_port);
  Store16(udp + 4, udp_len);
  Store16(udp + 6, 0);
  Store16(udp + 6, UdpChecksum(to.src_ip, to.dst_ip, {udp, udp_len}));
  return PadFrame(frame, header + payload_len);
}

size_t BuildUdpReply(std::span<uint8_t> frame, const FrameInfo& request, const UdpReplyAddress& to,
                     std::span<const uint8_t> payload) {
  const size_t header = ReplyHeaderSize(request);
  if (frame.size() < header || frame.size() - header < payload.size()) return 0;
  if (!payload.empty()) std::memmove(frame.data() + header, payload.data(), payload.size());
  return WriteUdpReplyHeaders(frame, request, to, payload.size());
}

size_t BuildArpReply(std::span<uint8_t> frame, const FrameInfo& request,
                     const MacAddress& our_mac) {
  const size_t len = size_t(request.l2_len) + kArpSize;
  if (frame.size() < len) return 0;
  uint8_t* p = frame.data();
  uint8_t* arp = p + request.l2_len;
  uint8_t requester_mac[6];
  uint8_t requester_ip[4];
  std::memcpy(requester_mac, arp + 8, 6);
  std::memcpy(requester_ip, arp + 14, 4);

  std::memcpy(p, requester_mac, 6);
  std::memcpy(p + 6, our_mac.data(), 6);
  Store16(arp + 6, kArpOpReply);
  std::memcpy(arp + 8, our_mac.data(), 6);
  Store32(arp + 14, request.dst_ip);
  std::memcpy(arp + 18, requester_mac, 6);
  std::memcpy(arp + 24, requester_ip, 4);
  return PadFrame(frame, len);
}

size_t BuildIcmpEchoReply(std::span<uint8_t> frame, const FrameInfo& request,
                          const MacAddress& our_mac) {
  const size_t len = size_t(request.l2_len) + request.l3_len;
  if (request.l3_len < kIpv4HeaderSize + kIcmpHeaderSize || frame.size() < len) return 0;
  uint8_t* p = frame.data();
  std::memcpy(p, request.src_mac.data(), 6);
  std::memcpy(p + 6, our_mac.data(), 6);

  uint8_t* ip = p + request.l2_len;
  ip[8] = kReplyTtl;
  Store32(ip + 12, request.dst_ip);
  Store32(ip + 16, request.src_ip);
  Store16(ip + 10, 0);
  Store16(ip + 10, Ipv4HeaderChecksum(ip));

  uint8_t* icmp = ip + kIpv4HeaderSize;
  const size_t icmp_len = request.l3_len - kIpv4HeaderSize;
  icmp[0] = kIcmpEchoReply;
  icmp[1] = 0;
  Store16(icmp + 2, 0);
  Store16(icmp + 2, ChecksumFinish(ChecksumAdd({icmp, icmp_len})));
  return PadFrame(frame, len);
}

}  // namespace fastlease::dataplane
