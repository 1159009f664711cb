// fastlease-pcapgen's logic: the classic pcap file format (global header and
// record headers byte by byte) and the requests planned per kind, each frame
// parsed back with the server's own DHCPv4 or DHCPv6 parser.
#include <algorithm>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dataplane/dhcp4/message.h"
#include "dataplane/dhcp6/message6.h"
#include "perf/loadgen/frames.h"
#include "perf/loadgen/pcap_writer.h"

namespace fastlease::perf {
namespace {

constexpr MacAddress kRelayMac{0x02, 0xaa, 0, 0, 0, 1};
constexpr MacAddress kServerMac{0x02, 0x70, 0x63, 0x61, 0x70, 0x00};
constexpr uint32_t kServerIp = 0x0a000001;   // 10.0.0.1
constexpr uint32_t kGiaddr = 0x0a000002;     // 10.0.0.2
constexpr uint32_t kBase = 0x0a000100;       // 10.0.1.0

uint16_t Get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t Get32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
uint32_t Le32(const uint8_t* p) {
  return uint32_t{p[3]} << 24 | uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | p[0];
}

struct Record {
  uint32_t ts_sec, ts_usec, incl, orig;
  std::span<const uint8_t> frame;
};

// Splits a pcap file into records, checking that they exactly fill it.
std::vector<Record> Records(const std::vector<uint8_t>& file) {
  std::vector<Record> out;
  size_t off = kPcapGlobalHeaderSize;
  while (off + kPcapRecordHeaderSize <= file.size()) {
    const uint8_t* h = file.data() + off;
    Record r{Le32(h), Le32(h + 4), Le32(h + 8), Le32(h + 12), {}};
    off += kPcapRecordHeaderSize;
    EXPECT_LE(off + r.incl, file.size());
    r.frame = {file.data() + off, r.incl};
    off += r.incl;
    out.push_back(r);
  }
  EXPECT_EQ(off, file.size());
  return out;
}

// The Ethernet header of a frame: MACs and an optional 802.1Q tag.
struct Ethernet {
  size_t l2 = 14;  // where the IP header starts
  uint16_t vlan = 0;
  MacAddress dst_mac{}, src_mac{};
};

void ParseEthernet(std::span<const uint8_t> f, Ethernet& e) {
  std::memcpy(e.dst_mac.data(), f.data(), 6);
  std::memcpy(e.src_mac.data(), f.data() + 6, 6);
  if (Get16(f.data() + 12) == 0x8100) {
    e.vlan = Get16(f.data() + 14) & 0x0fff;
    e.l2 = 18;
  }
}

struct Parsed : Ethernet {
  uint32_t ip_src = 0, ip_dst = 0;
  uint16_t sport = 0, dport = 0;
  dhcp4::Dhcp4Message msg;
  dhcp4::ParseError error = dhcp4::ParseError::kNone;
};

Parsed ParseFrame(std::span<const uint8_t> f) {
  Parsed p;
  ParseEthernet(f, p);
  const uint8_t* ip = f.data() + p.l2;
  EXPECT_EQ(Get16(ip - 2), 0x0800);
  EXPECT_EQ(Get16(ip + 2), f.size() - p.l2) << "IPv4 total length";
  p.ip_src = Get32(ip + 12);
  p.ip_dst = Get32(ip + 16);
  const uint8_t* udp = ip + 20;
  p.sport = Get16(udp);
  p.dport = Get16(udp + 2);
  p.error = dhcp4::Parse({udp + 8, static_cast<size_t>(Get16(udp + 4)) - 8}, p.msg);
  return p;
}

uint32_t OptionAddress(const dhcp4::Dhcp4Message& m, uint8_t code) {
  auto o = m.Option(code);
  return o.size() == 4 ? Get32(o.data()) : 0;
}

MacAddress Chaddr(const dhcp4::Dhcp4Message& m) {
  MacAddress mac;
  std::copy_n(m.chaddr_field().begin(), 6, mac.begin());
  return mac;
}

PcapPlan DirectPlan(PcapKind kind, uint32_t clients) {
  PcapPlan plan{.kind = kind, .clients = clients};
  plan.path = {.src_mac = kRelayMac, .server_mac = kServerMac, .server_ip = kServerIp};
  plan.subnet_base = kBase;
  return plan;
}

TEST(PcapWriterTest, GlobalHeaderIsClassicLittleEndianEthernet) {
  std::vector<uint8_t> out;
  AppendPcapHeader(out);
  const std::vector<uint8_t> expected = {
      0xd4, 0xc3, 0xb2, 0xa1,  // magic, microseconds, little endian
      0x02, 0x00, 0x04, 0x00,  // version 2.4
      0, 0, 0, 0,              // thiszone
      0, 0, 0, 0,              // sigfigs
      0xff, 0xff, 0x00, 0x00,  // snaplen 65535
      0x01, 0x00, 0x00, 0x00,  // LINKTYPE_ETHERNET
  };
  EXPECT_EQ(out, expected);
}

TEST(PcapWriterTest, RecordHeaderThenFrame) {
  std::vector<uint8_t> out;
  const uint8_t frame[] = {1, 2, 3, 4, 5};
  AppendPcapRecord(out, frame, sizeof frame, 0x01020304, 999999);
  ASSERT_EQ(out.size(), kPcapRecordHeaderSize + sizeof frame);
  EXPECT_EQ(Le32(out.data()), 0x01020304u);
  EXPECT_EQ(Le32(out.data() + 4), 999999u);
  EXPECT_EQ(Le32(out.data() + 8), 5u);   // incl_len
  EXPECT_EQ(Le32(out.data() + 12), 5u);  // orig_len
  EXPECT_EQ(0, std::memcmp(out.data() + 16, frame, sizeof frame));
}

TEST(PcapWriterTest, KindNames) {
  for (PcapKind k : {PcapKind::kDiscover, PcapKind::kRequest, PcapKind::kRenew,
                     PcapKind::kInitReboot, PcapKind::kRelease, PcapKind::kMixed,
                     PcapKind::kSolicit, PcapKind::kRequest6, PcapKind::kRenew6}) {
    EXPECT_EQ(ParsePcapKind(PcapKindName(k)), k);
    EXPECT_EQ(PcapKindIsDhcp6(k), k >= PcapKind::kSolicit) << PcapKindName(k);
  }
  EXPECT_EQ(PcapKindName(PcapKind::kRequest6), "request6");
  EXPECT_FALSE(PcapKindNeedsServer(PcapKind::kSolicit, true));
  EXPECT_TRUE(PcapKindNeedsServer(PcapKind::kRenew6, false));
  EXPECT_FALSE(ParsePcapKind("offer"));
  EXPECT_FALSE(PcapKindNeedsServer(PcapKind::kDiscover, false));
  EXPECT_TRUE(PcapKindNeedsServer(PcapKind::kDiscover, true));
  EXPECT_TRUE(PcapKindNeedsServer(PcapKind::kRenew, false));
}

TEST(PcapWriterTest, ClientMacIsFastleasePerfs) {
  EXPECT_EQ(PcapClientMac(0x02, 0), (MacAddress{0x02, 0x50, 0, 0, 0, 0}));
  EXPECT_EQ(PcapClientMac(0x0e, 0x01020304), (MacAddress{0x0e, 0x50, 1, 2, 3, 4}));
}

TEST(PcapWriterTest, DiscoverStormOneRecordPerClient) {
  const std::vector<uint8_t> file = BuildPcap(DirectPlan(PcapKind::kDiscover, 300));
  ASSERT_GE(file.size(), kPcapGlobalHeaderSize);
  EXPECT_EQ(Le32(file.data()), kPcapMagic);
  const auto records = Records(file);
  ASSERT_EQ(records.size(), 300u);
  for (uint32_t i = 0; i < records.size(); ++i) {
    const Record& r = records[i];
    EXPECT_EQ(r.incl, r.orig);
    EXPECT_EQ(r.incl, r.frame.size());
    EXPECT_GE(r.incl, 14u + 20 + 8 + 240 + 4);
    EXPECT_LE(r.incl, kMaxRequestFrame);
    EXPECT_EQ(uint64_t{r.ts_sec} * 1000000 + r.ts_usec, i);  // 1 µs apart
    Parsed p = ParseFrame(r.frame);
    ASSERT_EQ(p.error, dhcp4::ParseError::kNone) << i;
    EXPECT_EQ(p.msg.type(), dhcp4::MessageType::kDiscover);
    EXPECT_EQ(Chaddr(p.msg), PcapClientMac(0x02, i));
    EXPECT_EQ(p.src_mac, PcapClientMac(0x02, i));
    EXPECT_EQ(p.dst_mac, (MacAddress{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
    EXPECT_EQ(p.msg.xid(), i + 1);
    EXPECT_EQ(p.ip_src, 0u);
    EXPECT_EQ(p.ip_dst, 0xffffffffu);
    EXPECT_EQ(p.sport, 68);
    EXPECT_EQ(p.dport, 67);
  }
}

TEST(PcapWriterTest, AddressedKindsUseSubnetBasePlusIndex) {
  struct Case {
    PcapKind kind;
    dhcp4::MessageType type;
  };
  for (Case c : {Case{PcapKind::kRequest, dhcp4::MessageType::kRequest},
                 Case{PcapKind::kRenew, dhcp4::MessageType::kRequest},
                 Case{PcapKind::kInitReboot, dhcp4::MessageType::kRequest},
                 Case{PcapKind::kRelease, dhcp4::MessageType::kRelease}}) {
    PcapPlan plan = DirectPlan(c.kind, 20);
    plan.mac_prefix = 0x0e;
    const std::vector<uint8_t> file = BuildPcap(plan);  // the records point into it
    const auto records = Records(file);
    ASSERT_EQ(records.size(), 20u);
    for (uint32_t i = 0; i < records.size(); ++i) {
      SCOPED_TRACE(testing::Message() << PcapKindName(c.kind) << " client " << i);
      Parsed p = ParseFrame(records[i].frame);
      ASSERT_EQ(p.error, dhcp4::ParseError::kNone);
      EXPECT_EQ(p.msg.type(), c.type);
      EXPECT_EQ(Chaddr(p.msg), PcapClientMac(0x0e, i));
      const uint32_t addr = kBase + i;
      switch (c.kind) {
        case PcapKind::kRequest:  // SELECTING: 50 and 54, broadcast
          EXPECT_EQ(p.msg.ciaddr(), 0u);
          EXPECT_EQ(OptionAddress(p.msg, 50), addr);
          EXPECT_EQ(OptionAddress(p.msg, 54), kServerIp);
          EXPECT_EQ(p.ip_dst, 0xffffffffu);
          break;
        case PcapKind::kInitReboot:  // 50, no 54, ciaddr 0
          EXPECT_EQ(p.msg.ciaddr(), 0u);
          EXPECT_EQ(OptionAddress(p.msg, 50), addr);
          EXPECT_TRUE(p.msg.Option(54).empty());
          break;
        case PcapKind::kRenew:  // ciaddr, unicast to the server
        case PcapKind::kRelease:
          EXPECT_EQ(p.msg.ciaddr(), addr);
          EXPECT_EQ(p.ip_src, addr);
          EXPECT_EQ(p.ip_dst, kServerIp);
          EXPECT_EQ(p.dst_mac, kServerMac);
          if (c.kind == PcapKind::kRelease) {
            EXPECT_EQ(OptionAddress(p.msg, 54), kServerIp);
          }
          break;
        default:
          break;
      }
    }
  }
}

TEST(PcapWriterTest, MixedIsRelayedInFixedProportions) {
  PcapPlan plan = DirectPlan(PcapKind::kMixed, 100);
  plan.path.relayed = true;
  plan.path.giaddr = kGiaddr;
  plan.path.vlan = 42;
  const auto specs = PlanRequests(plan);
  ASSERT_EQ(specs.size(), 100u);
  int counts[5] = {};
  for (const RequestSpec& s : specs) ++counts[static_cast<int>(s.kind)];
  EXPECT_EQ(counts[static_cast<int>(RequestKind::kDiscover)], 40);
  EXPECT_EQ(counts[static_cast<int>(RequestKind::kRequestSelecting)], 30);
  EXPECT_EQ(counts[static_cast<int>(RequestKind::kRequestRenewing)], 20);
  EXPECT_EQ(counts[static_cast<int>(RequestKind::kRelease)], 10);
  EXPECT_EQ(counts[static_cast<int>(RequestKind::kRequestInitReboot)], 0);

  const std::vector<uint8_t> file = BuildPcap(plan);  // the records point into it
  const auto records = Records(file);
  ASSERT_EQ(records.size(), 100u);
  for (uint32_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE(i);
    Parsed p = ParseFrame(records[i].frame);
    ASSERT_EQ(p.error, dhcp4::ParseError::kNone);
    EXPECT_EQ(p.l2, 18u);
    EXPECT_EQ(p.vlan, 42);
    EXPECT_EQ(p.src_mac, kRelayMac);
    EXPECT_EQ(p.dst_mac, kServerMac);
    EXPECT_EQ(p.ip_src, kGiaddr);
    EXPECT_EQ(p.ip_dst, kServerIp);
    EXPECT_EQ(p.sport, 67);
    EXPECT_EQ(p.dport, 67);
    EXPECT_EQ(p.msg.giaddr(), kGiaddr);
    EXPECT_EQ(p.msg.hops(), 1);
    EXPECT_FALSE(p.msg.Option(82).empty());
    EXPECT_EQ(Chaddr(p.msg), PcapClientMac(0x02, i));
    const RequestKind k = PcapRequestKind(PcapKind::kMixed, i);
    EXPECT_EQ(specs[i].kind, k);
    if (k == RequestKind::kDiscover) {
      EXPECT_EQ(p.msg.type(), dhcp4::MessageType::kDiscover);
    } else if (k == RequestKind::kRelease) {
      EXPECT_EQ(p.msg.type(), dhcp4::MessageType::kRelease);
      EXPECT_EQ(p.msg.ciaddr(), kBase + i);
    } else {
      EXPECT_EQ(p.msg.type(), dhcp4::MessageType::kRequest);
      if (k == RequestKind::kRequestRenewing) {
        EXPECT_EQ(p.msg.ciaddr(), kBase + i);
      } else {
        EXPECT_EQ(OptionAddress(p.msg, 50), kBase + i);
      }
    }
  }
}

// --- DHCPv6 ---

constexpr Ipv6Address kAllDhcp{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2};
constexpr MacAddress kAllDhcpMac{0x33, 0x33, 0, 1, 0, 2};

Ipv6Address V6(const char* text) {
  Ipv6Address a{};
  EXPECT_TRUE(ParseIpv6(text, &a)) << text;
  return a;
}

// The one's-complement sum of the UDP datagram and its IPv6 pseudo-header,
// computed here from RFC 8200 §8.1 (not frames.cc's code): 0xffff when it verifies.
uint16_t Udp6Sum(const uint8_t* ip, const uint8_t* udp, size_t udp_len) {
  uint32_t sum = 0;
  auto add = [&sum](const uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; i += 2) sum += uint32_t{p[i]} << 8 | (i + 1 < n ? p[i + 1] : 0);
  };
  add(ip + 8, 32);  // source and destination
  sum += static_cast<uint32_t>(udp_len);
  sum += 17;
  add(udp, udp_len);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

struct Parsed6 : Ethernet {
  Ipv6Address src{}, dst{};
  uint8_t hop_limit = 0;
  uint16_t sport = 0, dport = 0;
  dhcp6::Dhcp6Message msg;
  dhcp6::ParseError error = dhcp6::ParseError::kNone;
};

// Checks the Ethernet/IPv6/UDP framing and the checksum, then parses the
// payload with the server's parser.
void ParseFrame6(std::span<const uint8_t> f, Parsed6& p) {
  ParseEthernet(f, p);
  const uint8_t* ip = f.data() + p.l2;
  ASSERT_EQ(Get16(ip - 2), 0x86dd);
  EXPECT_EQ(ip[0] >> 4, 6);
  EXPECT_EQ(ip[6], 17) << "next header UDP, no extension headers";
  ASSERT_EQ(Get16(ip + 4) + 40 + p.l2, f.size()) << "payload length";
  p.hop_limit = ip[7];
  std::memcpy(p.src.data(), ip + 8, 16);
  std::memcpy(p.dst.data(), ip + 24, 16);
  const uint8_t* udp = ip + 40;
  const size_t udp_len = Get16(udp + 4);
  ASSERT_EQ(udp_len, Get16(ip + 4));
  p.sport = Get16(udp);
  p.dport = Get16(udp + 2);
  EXPECT_NE(Get16(udp + 6), 0) << "the UDP checksum is mandatory over IPv6";
  EXPECT_EQ(Udp6Sum(ip, udp, udp_len), 0xffff) << "UDP checksum";
  p.error = dhcp6::Parse({udp + 8, udp_len - 8}, p.msg);
}

std::vector<uint8_t> DuidLl(const MacAddress& mac) {
  return {0, 3, 0, 1, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]};
}

std::vector<uint8_t> Bytes(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

const std::vector<uint8_t> kServerDuid = {0, 3, 0, 1, 0x02, 0x70, 0x63, 0x61, 0x70, 0x00};

PcapPlan Plan6(PcapKind kind, uint32_t clients) {
  PcapPlan plan = DirectPlan(kind, clients);
  std::copy(kServerDuid.begin(), kServerDuid.end(), plan.path.server_duid.begin());
  plan.path.server_duid_len = static_cast<uint8_t>(kServerDuid.size());
  plan.address6_base = V6("2001:db8:1::100:0");
  plan.prefix6_base = V6("2001:db8:8000::");
  plan.prefix6_len = 56;
  return plan;
}

TEST(PcapWriterTest, LinkLocalIsModifiedEui64) {
  EXPECT_EQ(LinkLocalFromMac({0x02, 0x50, 0, 0, 0x01, 0x02}), V6("fe80::50:ff:fe00:102"));
  EXPECT_EQ(LinkLocalFromMac({0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xcc}),
            V6("fe80::21b:21ff:feaa:bbcc"));
}

TEST(PcapWriterTest, Ipv6OffsetCarriesAndShifts) {
  EXPECT_EQ(Ipv6Offset(V6("2001:db8::ffff"), 1), V6("2001:db8::1:0"));
  EXPECT_EQ(Ipv6Offset(V6("2001:db8::ffff:ffff:ffff:ffff"), 1), V6("2001:db8:0:1::"));
  EXPECT_EQ(Ipv6Offset(V6("2001:db8:8000::"), 3, 64), V6("2001:db8:8000:3::"));
  EXPECT_EQ(Ipv6Offset(V6("2001:db8:8000::"), 0x1234, 128 - 56), V6("2001:db8:8012:3400::"));
  EXPECT_EQ(Ipv6Offset(V6("2001:db8::"), 5, 127), V6("a001:db8::"));  // 5 << 127 is 1 << 127
  EXPECT_EQ(Ipv6Offset(V6("::1"), 0xffffffff, 0), V6("::1:0:0"));
}

TEST(PcapWriterTest, SolicitStormParsesWithTheServersParser) {
  const std::vector<uint8_t> file = BuildPcap(Plan6(PcapKind::kSolicit, 300));
  const auto records = Records(file);
  ASSERT_EQ(records.size(), 300u);
  for (uint32_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_LE(records[i].incl, kMaxRequestFrame);
    Parsed6 p;
    ParseFrame6(records[i].frame, p);
    ASSERT_EQ(p.error, dhcp6::ParseError::kNone) << dhcp6::ParseErrorName(p.error);
    const MacAddress mac = PcapClientMac(0x02, i);
    EXPECT_EQ(p.dst_mac, kAllDhcpMac);
    EXPECT_EQ(p.src_mac, mac);
    EXPECT_EQ(p.src, LinkLocalFromMac(mac));
    EXPECT_EQ(p.dst, kAllDhcp);
    EXPECT_EQ(p.hop_limit, 1);
    EXPECT_EQ(p.sport, 546);
    EXPECT_EQ(p.dport, 547);
    EXPECT_EQ(p.msg.relay_depth(), 0u);
    EXPECT_EQ(p.msg.type(), dhcp6::MessageType::kSolicit);
    EXPECT_EQ(p.msg.xid(), i + 1);
    EXPECT_EQ(Bytes(p.msg.ClientId()), DuidLl(mac));
    EXPECT_FALSE(p.msg.Has(dhcp6::opt::kServerId));
    EXPECT_TRUE(p.msg.Has(dhcp6::opt::kElapsedTime));
    EXPECT_TRUE(p.msg.Requests(dhcp6::opt::kDnsServers));
    ASSERT_EQ(p.msg.ias().size(), 2u);
    EXPECT_EQ(p.msg.ias()[0].type, dhcp6::IaType::kNa);
    EXPECT_EQ(p.msg.ias()[0].iaid, 1u);
    EXPECT_EQ(p.msg.ias()[0].entry_count, 0);
    EXPECT_EQ(p.msg.ias()[1].type, dhcp6::IaType::kPd);
    EXPECT_EQ(p.msg.ias()[1].iaid, 2u);
    EXPECT_EQ(p.msg.ias()[1].entry_count, 0);
  }
}

TEST(PcapWriterTest, Request6AndRenew6NameTheServerAndTheClientsLeases) {
  for (PcapKind kind : {PcapKind::kRequest6, PcapKind::kRenew6}) {
    const std::vector<uint8_t> file = BuildPcap(Plan6(kind, 20));
    const auto records = Records(file);
    ASSERT_EQ(records.size(), 20u);
    for (uint32_t i = 0; i < records.size(); ++i) {
      SCOPED_TRACE(testing::Message() << PcapKindName(kind) << " client " << i);
      Parsed6 p;
      ParseFrame6(records[i].frame, p);
      ASSERT_EQ(p.error, dhcp6::ParseError::kNone) << dhcp6::ParseErrorName(p.error);
      EXPECT_EQ(p.msg.type(), kind == PcapKind::kRequest6 ? dhcp6::MessageType::kRequest
                                                          : dhcp6::MessageType::kRenew);
      EXPECT_EQ(Bytes(p.msg.ClientId()), DuidLl(PcapClientMac(0x02, i)));
      EXPECT_EQ(Bytes(p.msg.ServerId()), kServerDuid);
      ASSERT_EQ(p.msg.ias().size(), 2u);
      const dhcp6::Ia& na = p.msg.ias()[0];
      const dhcp6::Ia& pd = p.msg.ias()[1];
      ASSERT_EQ(na.entry_count, 1);
      EXPECT_EQ(na.entries[0].address, Ipv6Offset(V6("2001:db8:1::100:0"), i));
      EXPECT_EQ(na.entries[0].prefix_len, 128);
      ASSERT_EQ(pd.entry_count, 1);
      EXPECT_EQ(pd.entries[0].address, Ipv6Offset(V6("2001:db8:8000::"), i, 128 - 56));
      EXPECT_EQ(pd.entries[0].prefix_len, 56);
    }
  }
  // Without the server's DUID there is no Request to build.
  PcapPlan plan = Plan6(PcapKind::kRenew6, 3);
  plan.path.server_duid_len = 0;
  const auto specs = PlanRequests(plan);
  uint8_t buf[kMaxRequestFrame];
  EXPECT_EQ(BuildRequest(plan.path, specs[0], buf), 0u);
}

TEST(PcapWriterTest, RelayedSolicitIsARelayForwWithInterfaceId) {
  PcapPlan plan = Plan6(PcapKind::kSolicit, 1200);
  plan.path.relayed = true;
  plan.path.relay6 = V6("2001:db8:2::1");
  plan.path.vlan = 7;
  plan.path.server_duid_len = kMaxDuidSize;  // the longest DUID still fits a request6
  const std::vector<uint8_t> file = BuildPcap(plan);
  const auto records = Records(file);
  ASSERT_EQ(records.size(), 1200u);
  for (uint32_t i = 0; i < records.size(); i += 37) {
    SCOPED_TRACE(i);
    Parsed6 p;
    ParseFrame6(records[i].frame, p);
    ASSERT_EQ(p.error, dhcp6::ParseError::kNone) << dhcp6::ParseErrorName(p.error);
    const MacAddress mac = PcapClientMac(0x02, i);
    EXPECT_EQ(p.vlan, 7);
    EXPECT_EQ(p.src_mac, kRelayMac);
    EXPECT_EQ(p.dst_mac, kAllDhcpMac);
    EXPECT_EQ(p.src, V6("2001:db8:2::1"));
    EXPECT_EQ(p.dst, kAllDhcp);
    EXPECT_EQ(p.hop_limit, 32);
    EXPECT_EQ(p.sport, 547);
    EXPECT_EQ(p.dport, 547);
    ASSERT_EQ(p.msg.relay_depth(), 1u);
    const dhcp6::RelayInfo& r = p.msg.relay(0);
    EXPECT_EQ(r.hop_count, 0);
    EXPECT_EQ(r.link_address, V6("2001:db8:2::1"));
    EXPECT_EQ(r.peer_address, LinkLocalFromMac(mac));
    EXPECT_EQ(std::string(r.interface_id.begin(), r.interface_id.end()),
              "perf-" + std::to_string(i));
    EXPECT_EQ(p.msg.type(), dhcp6::MessageType::kSolicit);
    EXPECT_EQ(Bytes(p.msg.ClientId()), DuidLl(mac));
    EXPECT_EQ(p.msg.ias().size(), 2u);
  }
  // A relayed Renew with a 130-byte server DUID fits kMaxRequestFrame and parses.
  plan.kind = PcapKind::kRenew6;
  const auto specs = PlanRequests(plan);
  uint8_t buf[kMaxRequestFrame];
  const size_t len = BuildRequest(plan.path, specs[1000], buf);
  ASSERT_GT(len, 0u);
  EXPECT_LE(len, kMaxRequestFrame);
  Parsed6 p;
  ParseFrame6({buf, len}, p);
  ASSERT_EQ(p.error, dhcp6::ParseError::kNone) << dhcp6::ParseErrorName(p.error);
  EXPECT_EQ(p.msg.ServerId().size(), kMaxDuidSize);
  EXPECT_EQ(p.msg.type(), dhcp6::MessageType::kRenew);
}

}  // namespace
}  // namespace fastlease::perf
