#include "dataplane/wire.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace fastlease::dataplane {
namespace {

using Bytes = std::vector<uint8_t>;

// --- an independent RFC 1071 checksum: 16-bit words, one at a time ---
uint16_t RefChecksum(const Bytes& data) {
  uint32_t sum = 0;
  for (size_t i = 0; i < data.size(); i += 2) {
    uint16_t word = uint16_t(data[i] << 8);
    if (i + 1 < data.size()) word = uint16_t(word | data[i + 1]);
    sum += word;
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return uint16_t(~sum & 0xffff);
}

Bytes Slice(const Bytes& b, size_t off, size_t len) {
  return Bytes(b.begin() + long(off), b.begin() + long(off + len));
}

uint16_t Get16(const Bytes& b, size_t off) { return uint16_t(b[off] << 8 | b[off + 1]); }
uint32_t Get32(const Bytes& b, size_t off) {
  return uint32_t(b[off]) << 24 | uint32_t(b[off + 1]) << 16 | uint32_t(b[off + 2]) << 8 |
         b[off + 3];
}
void Put16(Bytes& b, uint16_t v) {
  b.push_back(uint8_t(v >> 8));
  b.push_back(uint8_t(v));
}
void Put32(Bytes& b, uint32_t v) {
  Put16(b, uint16_t(v >> 16));
  Put16(b, uint16_t(v));
}
void Set16(Bytes& b, size_t off, uint16_t v) {
  b[off] = uint8_t(v >> 8);
  b[off + 1] = uint8_t(v);
}

// UDP checksum over the pseudo header, by the book.
uint16_t RefUdpChecksum(uint32_t src, uint32_t dst, const Bytes& udp) {
  Bytes pseudo;
  Put32(pseudo, src);
  Put32(pseudo, dst);
  pseudo.push_back(0);
  pseudo.push_back(17);
  Put16(pseudo, uint16_t(udp.size()));
  pseudo.insert(pseudo.end(), udp.begin(), udp.end());
  uint16_t c = RefChecksum(pseudo);
  return c == 0 ? 0xffff : c;
}

constexpr MacAddress kOurMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
constexpr MacAddress kClientMac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
constexpr uint32_t kOurIp = 0x0a000001;     // 10.0.0.1/24
constexpr uint32_t kClientIp = 0x0a000064;  // 10.0.0.100

struct Tag {
  uint16_t tpid;
  uint16_t tci;
};

Bytes Ethernet(const MacAddress& dst, const MacAddress& src, const std::vector<Tag>& tags,
               uint16_t type) {
  Bytes b(dst.begin(), dst.end());
  b.insert(b.end(), src.begin(), src.end());
  for (const Tag& t : tags) {
    Put16(b, t.tpid);
    Put16(b, t.tci);
  }
  Put16(b, type);
  return b;
}

struct IpOptions {
  uint8_t ihl = 5;
  uint16_t frag = 0;  // flags + offset
  uint8_t proto = 17;
  bool bad_checksum = false;
};

Bytes Ipv4(uint32_t src, uint32_t dst, const Bytes& payload, IpOptions o = {}) {
  Bytes ip;
  ip.push_back(uint8_t(0x40 | o.ihl));
  ip.push_back(0x10);  // TOS
  Put16(ip, uint16_t(o.ihl * 4 + payload.size()));
  Put16(ip, 0x1234);
  Put16(ip, o.frag);
  ip.push_back(128);
  ip.push_back(o.proto);
  Put16(ip, 0);
  Put32(ip, src);
  Put32(ip, dst);
  for (int i = 5; i < o.ihl; ++i) Put32(ip, 0x01010101);  // NOP options
  Set16(ip, 10, uint16_t(RefChecksum(ip) ^ (o.bad_checksum ? 0x0101 : 0)));
  ip.insert(ip.end(), payload.begin(), payload.end());
  return ip;
}

enum class UdpSum { kGood, kZero, kBad };

Bytes Udp(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, const Bytes& payload,
          UdpSum sum = UdpSum::kGood) {
  Bytes u;
  Put16(u, sport);
  Put16(u, dport);
  Put16(u, uint16_t(8 + payload.size()));
  Put16(u, 0);
  u.insert(u.end(), payload.begin(), payload.end());
  if (sum != UdpSum::kZero) {
    uint16_t c = RefUdpChecksum(src, dst, u);
    if (sum == UdpSum::kBad) c = uint16_t(c + 1);
    Set16(u, 6, c);
  }
  return u;
}

Bytes DhcpPayload(size_t n = 300) {
  Bytes p(n);
  for (size_t i = 0; i < n; ++i) p[i] = uint8_t(i * 7 + 3);
  p[0] = 1;  // BOOTREQUEST
  return p;
}

Bytes Concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Bytes DhcpFrame(const std::vector<Tag>& tags = {}, uint32_t src = 0,
                uint32_t dst = kLimitedBroadcast, const Bytes& payload = DhcpPayload(),
                UdpSum sum = UdpSum::kGood, IpOptions ipo = {}, uint16_t dport = 67) {
  return Concat(Ethernet(kBroadcastMac, kClientMac, tags, kEtherTypeIpv4),
                Ipv4(src, dst, Udp(src, dst, 68, dport, payload, sum), ipo));
}

Bytes ArpFrame(uint16_t op, uint32_t spa, uint32_t tpa, const std::vector<Tag>& tags = {}) {
  Bytes a;
  Put16(a, 1);
  Put16(a, 0x0800);
  a.push_back(6);
  a.push_back(4);
  Put16(a, op);
  a.insert(a.end(), kClientMac.begin(), kClientMac.end());
  Put32(a, spa);
  for (int i = 0; i < 6; ++i) a.push_back(0);
  Put32(a, tpa);
  return Concat(Ethernet(kBroadcastMac, kClientMac, tags, kEtherTypeArp), a);
}

Bytes IcmpEcho(uint8_t type, uint16_t id, uint16_t seq, size_t data_len, bool bad_sum = false) {
  Bytes m;
  m.push_back(type);
  m.push_back(0);
  Put16(m, 0);
  Put16(m, id);
  Put16(m, seq);
  for (size_t i = 0; i < data_len; ++i) m.push_back(uint8_t(i));
  Set16(m, 2, uint16_t(RefChecksum(m) ^ (bad_sum ? 0x00ff : 0)));
  return m;
}

Bytes IcmpFrame(uint32_t dst, const Bytes& icmp, const std::vector<Tag>& tags = {}) {
  return Concat(Ethernet(kOurMac, kClientMac, tags, kEtherTypeIpv4),
                Ipv4(kClientIp, dst, icmp, IpOptions{.proto = 1}));
}

LocalInterface Local() {
  LocalInterface l;
  l.mac = kOurMac;
  l.Add(kOurIp, 24);
  return l;
}

WireVerdict ParseBytes(const Bytes& frame, FrameInfo& info) {
  return ParseFrame(std::span<const uint8_t>(frame.data(), frame.size()), Local(), info);
}

WireDrop DropOf(const Bytes& frame) {
  FrameInfo info;
  WireVerdict v = ParseBytes(frame, info);
  EXPECT_EQ(v.kind, FrameKind::kDrop);
  return v.drop;
}

// Checks that `frame` is a well-formed IPv4/UDP reply with independently
// verified checksums, and returns the offset of its IP header.
size_t CheckUdpReply(const Bytes& frame, size_t expected_l2, const UdpReplyAddress& to,
                     const Bytes& payload) {
  EXPECT_EQ(Get16(frame, expected_l2 - 2), 0x0800);
  const size_t ip = expected_l2;
  Bytes ip_header = Slice(frame, ip, 20);
  EXPECT_EQ(ip_header[0], 0x45);
  EXPECT_EQ(Get16(ip_header, 2), 28 + payload.size());
  EXPECT_EQ(Get16(ip_header, 4), 0);  // id
  EXPECT_EQ(Get16(ip_header, 6), 0);  // DF off, no fragment
  EXPECT_EQ(ip_header[8], 64);
  EXPECT_EQ(ip_header[9], 17);
  EXPECT_EQ(Get32(ip_header, 12), to.src_ip);
  EXPECT_EQ(Get32(ip_header, 16), to.dst_ip);
  const uint16_t stored_ip_sum = Get16(ip_header, 10);
  Set16(ip_header, 10, 0);
  EXPECT_EQ(stored_ip_sum, RefChecksum(ip_header));

  Bytes udp = Slice(frame, ip + 20, 8 + payload.size());
  EXPECT_EQ(Get16(udp, 0), to.src_port);
  EXPECT_EQ(Get16(udp, 2), to.dst_port);
  EXPECT_EQ(Get16(udp, 4), 8 + payload.size());
  const uint16_t stored_udp_sum = Get16(udp, 6);
  Set16(udp, 6, 0);
  EXPECT_EQ(stored_udp_sum, RefUdpChecksum(to.src_ip, to.dst_ip, udp));
  EXPECT_EQ(Slice(udp, 8, payload.size()), payload);
  EXPECT_EQ(Slice(frame, 0, 6), Bytes(to.dst_mac.begin(), to.dst_mac.end()));
  EXPECT_EQ(Slice(frame, 6, 6), Bytes(to.src_mac.begin(), to.src_mac.end()));
  return ip;
}

UdpReplyAddress ReplyTo() {
  UdpReplyAddress to;
  to.src_mac = kOurMac;
  to.dst_mac = kClientMac;
  to.src_ip = kOurIp;
  to.dst_ip = kClientIp;
  to.src_port = 67;
  to.dst_port = 68;
  return to;
}

// --- parse: DHCP over 0, 1 and 2 VLAN tags ---

struct TagCase {
  const char* name;
  std::vector<Tag> tags;
};

class DhcpTagsTest : public ::testing::TestWithParam<TagCase> {};

TEST_P(DhcpTagsTest, ParsesAndReplyCarriesSameTags) {
  const std::vector<Tag>& tags = GetParam().tags;
  const Bytes payload = DhcpPayload();
  const Bytes frame = DhcpFrame(tags, 0, kLimitedBroadcast, payload);
  FrameInfo info;
  WireVerdict v = ParseBytes(frame, info);
  ASSERT_EQ(v.kind, FrameKind::kDhcp) << WireDropName(v.drop);
  const size_t l2 = 14 + 4 * tags.size();
  EXPECT_EQ(info.vlan_count, tags.size());
  EXPECT_EQ(info.ip_version, 4);
  EXPECT_EQ(info.l2_len, l2);
  EXPECT_EQ(info.src_mac, kClientMac);
  EXPECT_EQ(info.dst_mac, kBroadcastMac);
  EXPECT_EQ(info.src_ip, 0u);
  EXPECT_EQ(info.dst_ip, kLimitedBroadcast);
  EXPECT_EQ(info.local_address, kOurIp);
  EXPECT_EQ(info.src_port, 68);
  EXPECT_EQ(info.dst_port, 67);
  EXPECT_EQ(info.payload_offset, l2 + 28);
  auto got = UdpPayload(frame, info);
  EXPECT_EQ(Bytes(got.begin(), got.end()), payload);

  // A reply in a fresh buffer: payload first at ReplyHeaderSize, then headers.
  Bytes reply(2048, 0xee);
  const Bytes answer = DhcpPayload(333);  // odd length exercises the checksum tail
  const size_t header = ReplyHeaderSize(info);
  EXPECT_EQ(header, l2 + 28);
  std::copy(answer.begin(), answer.end(), reply.begin() + long(header));
  const size_t n = WriteUdpReplyHeaders(reply, info, ReplyTo(), answer.size());
  ASSERT_EQ(n, header + answer.size());
  reply.resize(n);
  // Same tags, byte for byte.
  EXPECT_EQ(Slice(reply, 12, 4 * tags.size()), Slice(frame, 12, 4 * tags.size()));
  CheckUdpReply(reply, l2, ReplyTo(), answer);
  // And the reply parses back (as a frame to port 68 it is not for a server).
  LocalInterface client;
  client.Add(kClientIp, 24);
  FrameInfo back;
  WireVerdict bv = ParseFrame(reply, client, back);
  EXPECT_EQ(bv.drop, WireDrop::kNotDhcpPort);
  EXPECT_EQ(back.vlan_count, tags.size());
}

INSTANTIATE_TEST_SUITE_P(
    Wire, DhcpTagsTest,
    ::testing::Values(TagCase{"untagged", {}}, TagCase{"dot1q", {{0x8100, 0x2064}}},
                      TagCase{"qinq", {{0x88a8, 0xa00a}, {0x8100, 0x0fff}}},
                      TagCase{"double_8100", {{0x8100, 0x0010}, {0x8100, 0x0020}}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(WireParse, ThreeTagsDropped) {
  EXPECT_EQ(DropOf(DhcpFrame({{0x88a8, 1}, {0x8100, 2}, {0x8100, 3}})), WireDrop::kTooManyVlans);
}

TEST(WireParse, UnicastToOurAddressAndDirectedBroadcast) {
  FrameInfo info;
  Bytes f = DhcpFrame({}, kClientIp, kOurIp);
  std::copy(kOurMac.begin(), kOurMac.end(), f.begin());
  ASSERT_EQ(ParseBytes(f, info).kind, FrameKind::kDhcp);
  EXPECT_EQ(info.local_address, kOurIp);
  EXPECT_EQ(info.src_ip, kClientIp);
  ASSERT_EQ(ParseBytes(DhcpFrame({}, 0, 0x0a0000ff), info).kind, FrameKind::kDhcp);
  EXPECT_EQ(info.local_address, kOurIp);
}

TEST(WireParse, SecondaryAddressIsLocalAddress) {
  LocalInterface l = Local();
  ASSERT_TRUE(l.Add(0xc0a80001, 24));
  Bytes f = DhcpFrame({}, 0x0a0a0a0a, 0xc0a80001);
  FrameInfo info;
  ASSERT_EQ(ParseFrame(f, l, info).kind, FrameKind::kDhcp);
  EXPECT_EQ(info.local_address, 0xc0a80001u);
}

TEST(WireParse, UdpChecksumZeroAccepted) {
  FrameInfo info;
  EXPECT_EQ(
      ParseBytes(DhcpFrame({}, 0, kLimitedBroadcast, DhcpPayload(), UdpSum::kZero), info).kind,
      FrameKind::kDhcp);
}

TEST(WireParse, ChecksumErrorsDropped) {
  EXPECT_EQ(DropOf(DhcpFrame({}, 0, kLimitedBroadcast, DhcpPayload(), UdpSum::kBad)),
            WireDrop::kBadUdpChecksum);
  EXPECT_EQ(DropOf(DhcpFrame({}, 0, kLimitedBroadcast, DhcpPayload(), UdpSum::kGood,
                             IpOptions{.bad_checksum = true})),
            WireDrop::kBadIpChecksum);
  // One payload bit flipped after the checksum was computed.
  Bytes f = DhcpFrame({{0x8100, 5}});
  f[f.size() - 10] ^= 0x40;
  EXPECT_EQ(DropOf(f), WireDrop::kBadUdpChecksum);
}

TEST(WireParse, OptionsAndFragmentsDropped) {
  EXPECT_EQ(DropOf(DhcpFrame({}, 0, kLimitedBroadcast, DhcpPayload(), UdpSum::kGood,
                             IpOptions{.ihl = 6})),
            WireDrop::kIpOptions);
  EXPECT_EQ(DropOf(DhcpFrame({}, 0, kLimitedBroadcast, DhcpPayload(), UdpSum::kGood,
                             IpOptions{.frag = 0x2000})),  // MF
            WireDrop::kIpFragment);
  EXPECT_EQ(DropOf(DhcpFrame({}, 0, kLimitedBroadcast, DhcpPayload(), UdpSum::kGood,
                             IpOptions{.frag = 0x0010})),  // offset 128
            WireDrop::kIpFragment);
  FrameInfo info;  // DF alone is fine
  EXPECT_EQ(ParseBytes(DhcpFrame({}, 0, kLimitedBroadcast, DhcpPayload(), UdpSum::kGood,
                                 IpOptions{.frag = 0x4000}),
                       info)
                .kind,
            FrameKind::kDhcp);
}

TEST(WireParse, OtherDrops) {
  EXPECT_EQ(DropOf(DhcpFrame({}, 0, kLimitedBroadcast, DhcpPayload(), UdpSum::kGood, {}, 53)),
            WireDrop::kNotDhcpPort);
  EXPECT_EQ(DropOf(DhcpFrame({}, 0, 0x0a000002)), WireDrop::kNotForUs);
  EXPECT_EQ(DropOf(DhcpFrame({}, 0, 0x0a0001ff)), WireDrop::kNotForUs);
  EXPECT_EQ(DropOf(Concat(Ethernet(kBroadcastMac, kClientMac, {}, 0x88cc), Bytes(60))),
            WireDrop::kNotIpv4OrArp);
  // IPv6 is parsed now, but never to the broadcast MAC.
  EXPECT_EQ(DropOf(Concat(Ethernet(kBroadcastMac, kClientMac, {}, 0x86dd), Bytes(60))),
            WireDrop::kWrongDstMac);
  EXPECT_EQ(DropOf(Concat(Ethernet(kOurMac, kClientMac, {}, kEtherTypeIpv4),
                          Ipv4(kClientIp, kOurIp, Bytes(20), IpOptions{.proto = 6}))),
            WireDrop::kNotUdpOrIcmp);
  Bytes other_mac = DhcpFrame();
  other_mac[5] = 0x77;
  other_mac[0] = 0x02;
  EXPECT_EQ(DropOf(other_mac), WireDrop::kWrongDstMac);
  Bytes multicast = DhcpFrame();
  multicast[0] = 0x01;
  EXPECT_EQ(DropOf(multicast), WireDrop::kWrongDstMac);
  Bytes v6 = DhcpFrame();
  v6[14] = 0x65;
  EXPECT_EQ(DropOf(v6), WireDrop::kBadIpVersion);
  Bytes bad_total = DhcpFrame();
  Set16(bad_total, 16, uint16_t(bad_total.size()));  // > frame - 14
  EXPECT_EQ(DropOf(bad_total), WireDrop::kBadIpLength);
}

TEST(WireParse, BadUdpLengthDropped) {
  // UDP length larger than the IP payload; fix the UDP checksum to isolate the length check.
  Bytes f = DhcpFrame();
  Set16(f, 14 + 20 + 4, uint16_t(f.size()));
  EXPECT_EQ(DropOf(f), WireDrop::kBadUdpLength);
  Set16(f, 14 + 20 + 4, 7);
  EXPECT_EQ(DropOf(f), WireDrop::kBadUdpLength);
}

TEST(WireParse, EthernetPaddingIgnored) {
  // A minimal UDP datagram padded to 60 bytes.
  Bytes f = DhcpFrame({}, 0, kLimitedBroadcast, Bytes{1, 2, 3});
  const size_t unpadded = f.size();
  f.resize(60, 0);
  FrameInfo info;
  ASSERT_EQ(ParseBytes(f, info).kind, FrameKind::kDhcp);
  EXPECT_EQ(info.payload_len, 3);
  EXPECT_EQ(info.payload_offset + info.payload_len, unpadded);
}

// --- checksum primitives against the reference ---

TEST(WireChecksum, MatchesReferenceOnRandomData) {
  std::mt19937 rng(42);
  for (int iter = 0; iter < 2000; ++iter) {
    Bytes b(rng() % 1600);
    for (auto& x : b) x = uint8_t(rng());
    EXPECT_EQ(ChecksumFinish(ChecksumAdd(b)), RefChecksum(b)) << b.size();
    // Chained on an even split.
    const size_t split = (b.size() / 2) & ~size_t(1);
    uint64_t s = ChecksumAdd(std::span<const uint8_t>(b.data(), split));
    s = ChecksumAdd(std::span<const uint8_t>(b.data() + split, b.size() - split), s);
    EXPECT_EQ(ChecksumFinish(s), RefChecksum(b));
    const uint32_t src = rng(), dst = rng();
    Bytes udp = b;
    udp.resize(std::max<size_t>(udp.size(), 8));
    Set16(udp, 6, 0);
    EXPECT_EQ(UdpChecksum(src, dst, udp), RefUdpChecksum(src, dst, udp));
  }
}

TEST(WireChecksum, UdpZeroBecomesFfff) {
  // Find a datagram whose checksum computes to 0 by adjusting two data bytes.
  Bytes udp = {0, 68, 0, 67, 0, 10, 0, 0, 0, 0};
  const uint16_t c = RefChecksum(Concat({0, 0, 0, 0, 0, 0, 0, 0, 0, 17, 0, 10}, udp));
  // Adding the current complement into the data makes the sum 0xffff: checksum 0.
  Set16(udp, 8, c);
  EXPECT_EQ(UdpChecksum(0, 0, udp), 0xffff);
}

// --- UDP reply builder edge cases ---

TEST(WireReply, PadsShortFramesAndRejectsOverflow) {
  FrameInfo info;
  ASSERT_EQ(ParseBytes(DhcpFrame(), info).kind, FrameKind::kDhcp);
  Bytes buf(128, 0xee);
  const Bytes tiny = {9, 8, 7};
  size_t n = BuildUdpReply(buf, info, ReplyTo(), tiny);
  EXPECT_EQ(n, 60u);
  EXPECT_EQ(buf[14 + 28 + 3], 0);  // padding zeroed
  CheckUdpReply(Slice(buf, 0, n), 14, ReplyTo(), tiny);
  Bytes small(14 + 28 + 10);
  EXPECT_EQ(BuildUdpReply(small, info, ReplyTo(), DhcpPayload(11)), 0u);
  EXPECT_EQ(BuildUdpReply(small, info, ReplyTo(), DhcpPayload(10)), small.size());
  Bytes huge(70000);
  EXPECT_EQ(WriteUdpReplyHeaders(huge, info, ReplyTo(), 65536 - 28), 0u);
}

// --- ARP ---

TEST(WireArp, RequestForUsAnsweredByteForByte) {
  for (const std::vector<Tag>& tags : {std::vector<Tag>{}, std::vector<Tag>{{0x8100, 0x0064}},
                                       std::vector<Tag>{{0x88a8, 0x0001}, {0x8100, 0x0002}}}) {
    Bytes frame = ArpFrame(1, kClientIp, kOurIp, tags);
    const size_t request_len = frame.size();
    FrameInfo info;
    WireVerdict v = ParseBytes(frame, info);
    ASSERT_EQ(v.kind, FrameKind::kArpRequest) << WireDropName(v.drop);
    EXPECT_EQ(info.local_address, kOurIp);
    EXPECT_EQ(info.src_ip, kClientIp);
    EXPECT_EQ(info.ip_version, 0);

    Bytes expected = Ethernet(kClientMac, kOurMac, tags, kEtherTypeArp);
    Bytes arp = {0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x02};
    arp.insert(arp.end(), kOurMac.begin(), kOurMac.end());
    Put32(arp, kOurIp);
    arp.insert(arp.end(), kClientMac.begin(), kClientMac.end());
    Put32(arp, kClientIp);
    expected = Concat(expected, arp);
    expected.resize(std::max<size_t>(expected.size(), 60), 0);

    frame.resize(256, 0xcc);  // tailroom with junk
    const size_t n = BuildArpReply(frame, info, kOurMac);
    ASSERT_EQ(n, std::max<size_t>(request_len, 60));
    EXPECT_EQ(Slice(frame, 0, n), expected);
  }
}

TEST(WireArp, OthersDropped) {
  EXPECT_EQ(DropOf(ArpFrame(1, kClientIp, 0x0a000002)), WireDrop::kNotForUs);
  EXPECT_EQ(DropOf(ArpFrame(2, kClientIp, kOurIp)), WireDrop::kArpNotRequest);
  EXPECT_EQ(DropOf(ArpFrame(1, kOurIp, kOurIp)), WireDrop::kArpNotRequest);  // gratuitous
  Bytes bad = ArpFrame(1, kClientIp, kOurIp);
  bad[14 + 4] = 8;  // hlen
  EXPECT_EQ(DropOf(bad), WireDrop::kBadArp);
  FrameInfo info;  // a probe (sender 0.0.0.0) is answered
  EXPECT_EQ(ParseBytes(ArpFrame(1, 0, kOurIp), info).kind, FrameKind::kArpRequest);
}

// --- ICMP ---

TEST(WireIcmp, EchoAnsweredByteForByte) {
  for (const std::vector<Tag>& tags : {std::vector<Tag>{}, std::vector<Tag>{{0x8100, 0x0064}},
                                       std::vector<Tag>{{0x88a8, 0x0001}, {0x8100, 0x0002}}}) {
    for (size_t data_len : {0, 1, 56, 1000}) {
      Bytes frame = IcmpFrame(kOurIp, IcmpEcho(8, 0xbeef, 7, data_len), tags);
      FrameInfo info;
      WireVerdict v = ParseBytes(frame, info);
      ASSERT_EQ(v.kind, FrameKind::kIcmpEcho) << WireDropName(v.drop);

      // Expected: built from scratch as the client would see it.
      Bytes icmp = IcmpEcho(0, 0xbeef, 7, data_len);
      Bytes ip = Ipv4(kOurIp, kClientIp, icmp, IpOptions{.proto = 1});
      ip[8] = 64;  // TTL
      Set16(ip, 10, 0);
      Set16(ip, 10, RefChecksum(Slice(ip, 0, 20)));
      Bytes expected = Concat(Ethernet(kClientMac, kOurMac, tags, kEtherTypeIpv4), ip);
      expected.resize(std::max<size_t>(expected.size(), 60), 0);

      frame.resize(frame.size() + 64, 0xcc);
      const size_t n = BuildIcmpEchoReply(frame, info, kOurMac);
      ASSERT_EQ(n, expected.size());
      EXPECT_EQ(Slice(frame, 0, n), expected) << "data_len " << data_len;
    }
  }
}

TEST(WireIcmp, OthersDropped) {
  EXPECT_EQ(DropOf(IcmpFrame(kOurIp, IcmpEcho(8, 1, 1, 8, /*bad_sum=*/true))),
            WireDrop::kBadIcmpChecksum);
  EXPECT_EQ(DropOf(IcmpFrame(kOurIp, IcmpEcho(0, 1, 1, 8))), WireDrop::kNotIcmpEcho);
  EXPECT_EQ(DropOf(IcmpFrame(0x0a0000ff, IcmpEcho(8, 1, 1, 8))), WireDrop::kNotForUs);
  EXPECT_EQ(DropOf(IcmpFrame(0x0a000009, IcmpEcho(8, 1, 1, 8))), WireDrop::kNotForUs);
}

// --- robustness: every truncation, random corruption ---

std::vector<Bytes> SampleFrames() {
  return {
      DhcpFrame(),
      DhcpFrame({{0x8100, 100}}),
      DhcpFrame({{0x88a8, 1}, {0x8100, 2}}),
      DhcpFrame({}, 0, kLimitedBroadcast, DhcpPayload(), UdpSum::kZero),
      ArpFrame(1, kClientIp, kOurIp),
      ArpFrame(1, kClientIp, kOurIp, {{0x88a8, 1}, {0x8100, 2}}),
      IcmpFrame(kOurIp, IcmpEcho(8, 1, 2, 56)),
      IcmpFrame(kOurIp, IcmpEcho(8, 1, 2, 56), {{0x8100, 3}}),
  };
}

TEST(WireRobustness, TruncatedFramesAtEveryLengthAreDropped) {
  for (const Bytes& full : SampleFrames()) {
    FrameInfo info;
    ASSERT_NE(ParseBytes(full, info).kind, FrameKind::kDrop);
    for (size_t len = 0; len < full.size(); ++len) {
      // An exactly sized heap copy, so a sanitizer sees any read past the end.
      Bytes cut(full.begin(), full.begin() + long(len));
      WireVerdict v = ParseFrame(cut, Local(), info);
      EXPECT_EQ(v.kind, FrameKind::kDrop) << "len " << len << " of " << full.size();
    }
  }
}

TEST(WireRobustness, RandomCorruptionNeverEscapesTheFrame) {
  std::mt19937 rng(7);
  const std::vector<Bytes> samples = SampleFrames();
  for (int iter = 0; iter < 20000; ++iter) {
    Bytes f = samples[rng() % samples.size()];
    const int flips = 1 + int(rng() % 4);
    for (int i = 0; i < flips; ++i) f[rng() % f.size()] = uint8_t(rng());
    f.resize(rng() % (f.size() + 1));
    FrameInfo info;
    WireVerdict v = ParseFrame(f, Local(), info);
    if (v.kind == FrameKind::kDhcp) {
      ASSERT_LE(size_t(info.payload_offset) + info.payload_len, f.size());
    }
    if (v.kind == FrameKind::kArpRequest || v.kind == FrameKind::kIcmpEcho) {
      ASSERT_LE(size_t(info.l2_len) + info.l3_len, f.size());
      Bytes buf = f;
      const size_t n = v.kind == FrameKind::kArpRequest ? BuildArpReply(buf, info, kOurMac)
                                                        : BuildIcmpEchoReply(buf, info, kOurMac);
      ASSERT_GT(n, 0u);
      ASSERT_LE(n, std::max<size_t>(buf.size(), 60));
    }
  }
}

TEST(WireDropTable, NamesAreUniqueAndComplete) {
  std::set<std::string> names;
  for (size_t i = 0; i < kWireDropCount; ++i) {
    std::string n = WireDropName(WireDrop(i));
    EXPECT_NE(n, "unknown");
    EXPECT_TRUE(names.insert(n).second) << n;
  }
  EXPECT_STREQ(WireDropName(WireDrop::kIpFragment), "ip_fragment");
  EXPECT_STREQ(WireDropName(WireDrop::kCount), "unknown");
}

}  // namespace
}  // namespace fastlease::dataplane
