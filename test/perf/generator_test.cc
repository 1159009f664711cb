// The load generator's own logic: request frames (checked against the server's
// independent parser and by checksum), reply parsing, the client state machine
// with a fake server in the test (loss, silence, NAKs), pacing, the window,
// scenarios (mixed, storm), the latency histogram and the report formats.
#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dataplane/dhcp4/message.h"
#include "nlohmann/json.hpp"
#include "perf/loadgen/frames.h"
#include "perf/loadgen/generator.h"
#include "perf/loadgen/latency_histogram.h"
#include "perf/loadgen/report.h"

namespace fastlease::perf {
namespace {

using ::testing::HasSubstr;

constexpr MacAddress kOurMac{0x02, 0xaa, 0, 0, 0, 1};
constexpr MacAddress kServerMac{0x02, 0xbb, 0, 0, 0, 1};
constexpr uint32_t kServerIp = 0x0a000001;  // 10.0.0.1
constexpr uint32_t kGiaddr = 0x0a000002;

uint16_t Get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t Get32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
void Put16(uint8_t* p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
void Put32(uint8_t* p, uint32_t v) { for (int i = 0; i < 4; ++i) p[i] = v >> (24 - 8 * i); }

uint16_t Checksum(const uint8_t* p, size_t len, uint32_t sum = 0) {
  for (size_t i = 0; i + 1 < len; i += 2) sum += Get16(p + i);
  if (len & 1) sum += p[len - 1] << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

struct Decoded {
  size_t l2 = 14;
  const uint8_t* ip = nullptr;
  const uint8_t* udp = nullptr;
  std::span<const uint8_t> dhcp;
  dhcp4::Dhcp4Message msg;
  dhcp4::ParseError error = dhcp4::ParseError::kNone;
};

// Decodes a request frame by fixed offsets and parses its DHCP payload with the
// server's parser; checks both checksums.
Decoded Decode(const uint8_t* f, size_t len) {
  Decoded d;
  if (Get16(f + 12) == 0x8100) d.l2 = 18;
  d.ip = f + d.l2;
  d.udp = d.ip + 20;
  EXPECT_EQ(Get16(d.ip + 2), len - d.l2);
  EXPECT_EQ(Checksum(d.ip, 20), 0xffff) << "IPv4 header checksum";
  const size_t udp_len = Get16(d.udp + 4);
  uint32_t pseudo = Checksum(d.ip + 12, 8) + 17 + udp_len;
  EXPECT_EQ(Checksum(d.udp, udp_len, pseudo), 0xffff) << "UDP checksum";
  d.dhcp = {d.udp + 8, udp_len - 8};
  d.error = dhcp4::Parse(d.dhcp, d.msg);
  return d;
}

std::string OptionText(const dhcp4::Dhcp4Message& m, uint8_t code) {
  auto o = m.Option(code);
  return std::string(o.begin(), o.end());
}

TEST(FramesTest, DirectDiscoverIsABroadcastWithValidChecksums) {
  PathSpec path{.src_mac = kOurMac, .server_mac = kServerMac, .server_ip = kServerIp};
  RequestSpec spec{.kind = RequestKind::kDiscover, .client_mac = {2, 0x50, 0, 0, 0, 9}, .xid = 0xabcdef01};
  uint8_t buf[kMaxRequestFrame];
  const size_t len = BuildRequest(path, spec, buf);
  EXPECT_EQ(len, 14u + 20 + 8 + 300);
  EXPECT_EQ(std::memcmp(buf, "\xff\xff\xff\xff\xff\xff", 6), 0);
  EXPECT_EQ(std::memcmp(buf + 6, spec.client_mac.data(), 6), 0);
  Decoded d = Decode(buf, len);
  ASSERT_EQ(d.error, dhcp4::ParseError::kNone);
  EXPECT_EQ(Get32(d.ip + 12), 0u);
  EXPECT_EQ(Get32(d.ip + 16), 0xffffffffu);
  EXPECT_EQ(Get16(d.udp), 68);
  EXPECT_EQ(Get16(d.udp + 2), 67);
  EXPECT_EQ(d.msg.type(), dhcp4::MessageType::kDiscover);
  EXPECT_EQ(d.msg.xid(), 0xabcdef01u);
  EXPECT_EQ(Get16(d.dhcp.data() + 10), 0x8000) << "broadcast flag";
  EXPECT_EQ(OptionText(d.msg, 55), std::string("\x01\x03\x06\x0f\x33\x36"));
  EXPECT_TRUE(d.msg.Option(82).empty());
}

TEST(FramesTest, RelayedRequestCarriesGiaddrOption82AndVlan) {
  PathSpec path{.src_mac = kOurMac, .server_mac = kServerMac, .server_ip = kServerIp,
                .relayed = true, .giaddr = kGiaddr, .vlan = 100};
  RequestSpec spec{.kind = RequestKind::kRequestSelecting, .client_mac = {2, 0x50, 0, 0, 1, 2},
                   .xid = 5, .client_ip = 0x0a000a0a, .server_id = kServerIp, .circuit_id = 4711};
  uint8_t buf[kMaxRequestFrame];
  const size_t len = BuildRequest(path, spec, buf);
  EXPECT_EQ(Get16(buf + 12), 0x8100);
  EXPECT_EQ(Get16(buf + 14), 100);
  EXPECT_EQ(std::memcmp(buf, kServerMac.data(), 6), 0);
  EXPECT_EQ(std::memcmp(buf + 6, kOurMac.data(), 6), 0);
  Decoded d = Decode(buf, len);
  ASSERT_EQ(d.error, dhcp4::ParseError::kNone);
  EXPECT_EQ(Get32(d.ip + 12), kGiaddr);
  EXPECT_EQ(Get32(d.ip + 16), kServerIp);
  EXPECT_EQ(Get16(d.udp), 67);
  EXPECT_EQ(d.msg.type(), dhcp4::MessageType::kRequest);
  EXPECT_EQ(d.msg.giaddr(), kGiaddr);
  EXPECT_EQ(d.dhcp[3], 1) << "hops";
  EXPECT_EQ(Get32(d.msg.Option(50).data()), 0x0a000a0au);
  EXPECT_EQ(Get32(d.msg.Option(54).data()), kServerIp);
  EXPECT_EQ(OptionText(d.msg, 82), std::string("\x01\x09perf-4711"));
  EXPECT_EQ(Get16(d.dhcp.data() + 10), 0) << "relayed: no broadcast flag";
}

TEST(FramesTest, RenewReleaseAndInitRebootHaveTheirRfc2131Fields) {
  PathSpec path{.src_mac = kOurMac, .server_mac = kServerMac, .server_ip = kServerIp};
  uint8_t buf[kMaxRequestFrame];
  RequestSpec renew{.kind = RequestKind::kRequestRenewing, .client_mac = {2, 0x50, 0, 0, 0, 3},
                    .xid = 9, .client_ip = 0x0a000005, .server_id = kServerIp};
  Decoded d = Decode(buf, BuildRequest(path, renew, buf));
  EXPECT_EQ(std::memcmp(buf, kServerMac.data(), 6), 0) << "unicast to the server";
  EXPECT_EQ(Get32(d.ip + 12), 0x0a000005u);
  EXPECT_EQ(Get32(d.ip + 16), kServerIp);
  EXPECT_EQ(d.msg.ciaddr(), 0x0a000005u);
  EXPECT_TRUE(d.msg.Option(50).empty());
  EXPECT_TRUE(d.msg.Option(54).empty());

  RequestSpec release = renew;
  release.kind = RequestKind::kRelease;
  d = Decode(buf, BuildRequest(path, release, buf));
  EXPECT_EQ(d.msg.type(), dhcp4::MessageType::kRelease);
  EXPECT_EQ(d.msg.ciaddr(), 0x0a000005u);
  EXPECT_EQ(Get32(d.msg.Option(54).data()), kServerIp);
  EXPECT_TRUE(d.msg.Option(55).empty());

  RequestSpec reboot = renew;
  reboot.kind = RequestKind::kRequestInitReboot;
  d = Decode(buf, BuildRequest(path, reboot, buf));
  EXPECT_EQ(d.msg.ciaddr(), 0u);
  EXPECT_EQ(Get32(d.msg.Option(50).data()), 0x0a000005u);
  EXPECT_TRUE(d.msg.Option(54).empty());
  EXPECT_EQ(buf[0], 0xff) << "broadcast";
}

// A reply frame as a server would send it.
std::vector<uint8_t> Reply(uint8_t type, const MacAddress& chaddr, uint32_t xid, uint32_t yiaddr,
                           bool vlan = false, uint16_t dport = 68) {
  std::vector<uint8_t> f(vlan ? 18 : 14);
  std::memcpy(f.data(), chaddr.data(), 6);
  std::memcpy(f.data() + 6, kServerMac.data(), 6);
  if (vlan) {
    Put16(f.data() + 12, 0x8100);
    Put16(f.data() + 14, 7);
  }
  Put16(f.data() + f.size() - 2, 0x0800);
  std::vector<uint8_t> bootp(240, 0);
  bootp[0] = 2;
  bootp[1] = 1;
  bootp[2] = 6;
  Put32(bootp.data() + 4, xid);
  Put32(bootp.data() + 16, yiaddr);
  std::memcpy(bootp.data() + 28, chaddr.data(), 6);
  Put32(bootp.data() + 236, 0x63825363);
  for (uint8_t b : {53, 1}) bootp.push_back(b);
  bootp.push_back(type);
  bootp.insert(bootp.end(), {54, 4, 10, 0, 0, 1, 51, 4, 0, 0, 0x0e, 0x10, 255});
  std::vector<uint8_t> ip(28, 0);
  ip[0] = 0x45;
  Put16(ip.data() + 2, static_cast<uint16_t>(28 + bootp.size()));
  ip[8] = 64;
  ip[9] = 17;
  Put32(ip.data() + 12, kServerIp);
  Put32(ip.data() + 16, 0xffffffff);
  Put16(ip.data() + 20, 67);
  Put16(ip.data() + 22, dport);
  Put16(ip.data() + 24, static_cast<uint16_t>(8 + bootp.size()));
  f.insert(f.end(), ip.begin(), ip.end());
  f.insert(f.end(), bootp.begin(), bootp.end());
  return f;
}

TEST(FramesTest, ParseReplyReadsOffersAcksAndNaksAndRejectsTheRest) {
  const MacAddress mac{2, 0x50, 0, 0, 0, 1};
  auto ack = Reply(5, mac, 77, 0x0a000064);
  std::optional<ReplyInfo> r = ParseReply(ack.data(), ack.size());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->type, ReplyType::kAck);
  EXPECT_EQ(r->xid, 77u);
  EXPECT_EQ(r->yiaddr, 0x0a000064u);
  EXPECT_EQ(r->server_id, kServerIp);
  EXPECT_EQ(r->lease_time, 3600u);
  EXPECT_EQ(r->chaddr, mac);

  auto tagged = Reply(2, mac, 1, 1, /*vlan=*/true, /*dport=*/67);
  ASSERT_TRUE(ParseReply(tagged.data(), tagged.size()));
  EXPECT_EQ(ParseReply(tagged.data(), tagged.size())->type, ReplyType::kOffer);

  for (size_t cut : {size_t{10}, size_t{30}, size_t{100}, ack.size() - 5}) {
    EXPECT_FALSE(ParseReply(ack.data(), cut)) << cut;
  }
  auto request = ack;
  request[14 + 28] = 1;  // op BOOTREQUEST
  EXPECT_FALSE(ParseReply(request.data(), request.size()));
  auto inform = Reply(8, mac, 1, 1);  // not an answer the generator waits for
  EXPECT_FALSE(ParseReply(inform.data(), inform.size()));
  auto overlong = ack;
  overlong[14 + 28 + 240 + 4] = 200;  // option 54's length runs past the end
  EXPECT_FALSE(ParseReply(overlong.data(), overlong.size()));
  auto other_port = Reply(5, mac, 1, 1, false, 5353);
  EXPECT_FALSE(ParseReply(other_port.data(), other_port.size()));
}

TEST(FramesTest, ArpRequestAndReply) {
  uint8_t buf[64];
  const size_t len = BuildArpRequest(kOurMac, kGiaddr, kServerIp, buf);
  EXPECT_EQ(len, 60u);
  std::optional<ArpQuery> q = ParseArpRequest(buf, len);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->sender_mac, kOurMac);
  EXPECT_EQ(q->target_ip, kServerIp);
  EXPECT_FALSE(ParseArpReply(buf, len));
  uint8_t reply[64];
  BuildArpReply(*q, kServerMac, kServerIp, reply);
  std::optional<ArpQuery> r = ParseArpReply(reply, 60);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->sender_mac, kServerMac);
  EXPECT_EQ(r->sender_ip, kServerIp);
  EXPECT_EQ(r->target_ip, kGiaddr);
  EXPECT_EQ(std::memcmp(reply, kOurMac.data(), 6), 0);

  // Tagged: the same, behind an 802.1Q tag, and still parsed.
  uint8_t tagged[64];
  EXPECT_EQ(BuildArpRequest(kOurMac, kGiaddr, kServerIp, tagged, 100), 64u);
  EXPECT_EQ(Get16(tagged + 12), 0x8100);
  EXPECT_EQ(Get16(tagged + 14), 100);
  std::optional<ArpQuery> tq = ParseArpRequest(tagged, 64);
  ASSERT_TRUE(tq);
  EXPECT_EQ(tq->target_ip, kServerIp);
  EXPECT_EQ(BuildArpReply(*tq, kServerMac, kServerIp, tagged, 100), 64u);
  EXPECT_TRUE(ParseArpReply(tagged, 64));
}

// The reflector (fastlease-perf --reflect).
constexpr MacAddress kReflectorMac{0x02, 0xcc, 0, 0, 0, 1};
ReflectorSpec Reflector() {
  return ReflectorSpec{.mac = kReflectorMac, .server_ip = kServerIp, .pool_base = 0xc6120001,
                       .pool_size = 1000, .subnet_mask = 0xfffe0000, .lease_time = 600};
}

// Builds the request into a buffer with room for the reply; returns its length.
size_t Request(const PathSpec& path, const RequestSpec& spec, std::array<uint8_t, 1024>& buf) {
  buf.fill(0);
  return BuildRequest(path, spec, buf.data());
}

TEST(ReflectorTest, RelayedDiscoverAndRequestGetOfferAndAckBackToTheRelay) {
  const PathSpec path{.src_mac = kOurMac, .server_mac = kReflectorMac, .server_ip = kServerIp,
                      .relayed = true, .giaddr = kGiaddr, .vlan = 100};
  const MacAddress client{2, 0x50, 0, 0, 1, 2};
  std::array<uint8_t, 1024> buf;
  size_t len = Request(path, {.kind = RequestKind::kDiscover, .client_mac = client, .xid = 9,
                              .circuit_id = 4711}, buf);
  Reflected what{};
  len = ReflectFrame(Reflector(), buf.data(), len, buf.size(), &what);
  ASSERT_GT(len, 0u);
  EXPECT_EQ(what, Reflected::kOffer);
  EXPECT_EQ(std::memcmp(buf.data(), kOurMac.data(), 6), 0) << "to the relay's MAC";
  EXPECT_EQ(std::memcmp(buf.data() + 6, kReflectorMac.data(), 6), 0);
  EXPECT_EQ(Get16(buf.data() + 14), 100) << "same VLAN";
  Decoded d = Decode(buf.data(), len);
  ASSERT_EQ(d.error, dhcp4::ParseError::kNone);
  EXPECT_EQ(Get32(d.ip + 12), kServerIp);
  EXPECT_EQ(Get32(d.ip + 16), kGiaddr);
  EXPECT_EQ(Get16(d.udp), 67);
  EXPECT_EQ(Get16(d.udp + 2), 67);
  EXPECT_EQ(d.dhcp.size(), 300u) << "padded like a BOOTP message";
  EXPECT_EQ(OptionText(d.msg, 82), std::string("\x01\x09perf-4711")) << "RFC 3046 echo";
  EXPECT_EQ(Get32(d.msg.Option(1).data()), 0xfffe0000u);
  std::optional<ReplyInfo> offer = ParseReply(buf.data(), len);
  ASSERT_TRUE(offer);
  EXPECT_EQ(offer->type, ReplyType::kOffer);
  EXPECT_EQ(offer->xid, 9u);
  EXPECT_EQ(offer->chaddr, client);
  EXPECT_EQ(offer->server_id, kServerIp);
  EXPECT_EQ(offer->lease_time, 600u);
  EXPECT_GE(offer->yiaddr, 0xc6120001u);
  EXPECT_LT(offer->yiaddr, 0xc6120001u + 1000);

  len = Request(path, {.kind = RequestKind::kRequestSelecting, .client_mac = client, .xid = 10,
                       .client_ip = offer->yiaddr, .server_id = kServerIp, .circuit_id = 4711}, buf);
  len = ReflectFrame(Reflector(), buf.data(), len, buf.size(), &what);
  EXPECT_EQ(what, Reflected::kAck);
  std::optional<ReplyInfo> ack = ParseReply(buf.data(), len);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->type, ReplyType::kAck);
  EXPECT_EQ(ack->xid, 10u);
  EXPECT_EQ(ack->yiaddr, offer->yiaddr);
}

TEST(ReflectorTest, DirectRepliesAreBroadcastOrUnicastToCiaddr) {
  const PathSpec path{.src_mac = kOurMac, .server_mac = kReflectorMac, .server_ip = kServerIp};
  const MacAddress client{2, 0x50, 0, 0, 0, 7};
  std::array<uint8_t, 1024> buf;
  Reflected what{};
  size_t len = Request(path, {.kind = RequestKind::kDiscover, .client_mac = client, .xid = 1}, buf);
  len = ReflectFrame(Reflector(), buf.data(), len, buf.size(), &what);
  ASSERT_EQ(what, Reflected::kOffer);
  Decoded d = Decode(buf.data(), len);
  EXPECT_EQ(std::memcmp(buf.data(), "\xff\xff\xff\xff\xff\xff", 6), 0);
  EXPECT_EQ(Get32(d.ip + 16), 0xffffffffu);
  EXPECT_EQ(Get16(d.udp + 2), 68);
  EXPECT_TRUE(d.msg.Option(82).empty());

  len = Request(path, {.kind = RequestKind::kRequestRenewing, .client_mac = client, .xid = 2,
                       .client_ip = 0xc6120005}, buf);
  len = ReflectFrame(Reflector(), buf.data(), len, buf.size(), &what);
  ASSERT_EQ(what, Reflected::kAck);
  d = Decode(buf.data(), len);
  EXPECT_EQ(std::memcmp(buf.data(), client.data(), 6), 0);
  EXPECT_EQ(Get32(d.ip + 16), 0xc6120005u);
  EXPECT_EQ(Get16(d.udp + 2), 68);
  EXPECT_EQ(ParseReply(buf.data(), len)->yiaddr, 0xc6120005u) << "the renewed address";
}

TEST(ReflectorTest, AddressesComeFromThePoolAndDependOnlyOnChaddr) {
  const PathSpec path{.src_mac = kOurMac, .server_mac = kReflectorMac, .server_ip = kServerIp,
                      .relayed = true, .giaddr = kGiaddr};
  std::array<uint8_t, 1024> buf;
  std::set<uint32_t> seen;
  for (uint32_t i = 0; i < 200; ++i) {
    const MacAddress client{2, 0x50, 0, 0, uint8_t(i >> 8), uint8_t(i)};
    uint32_t first = 0;
    for (uint32_t xid : {1u, 2u}) {
      size_t len = Request(path, {.kind = RequestKind::kDiscover, .client_mac = client, .xid = xid}, buf);
      Reflected what{};
      len = ReflectFrame(Reflector(), buf.data(), len, buf.size(), &what);
      const uint32_t a = ParseReply(buf.data(), len)->yiaddr;
      ASSERT_GE(a, 0xc6120001u);
      ASSERT_LT(a, 0xc6120001u + 1000);
      if (first == 0) first = a;
      EXPECT_EQ(a, first) << "same client, same address";
    }
    seen.insert(first);
  }
  EXPECT_GT(seen.size(), 150u) << "spread over the pool";
}

TEST(ReflectorTest, AnswersArpForItsAddressAndNothingElse) {
  std::array<uint8_t, 1024> buf{};
  size_t len = BuildArpRequest(kOurMac, kGiaddr, kServerIp, buf.data());
  Reflected what{};
  len = ReflectFrame(Reflector(), buf.data(), len, buf.size(), &what);
  EXPECT_EQ(what, Reflected::kArpReply);
  std::optional<ArpQuery> r = ParseArpReply(buf.data(), len);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->sender_mac, kReflectorMac);
  EXPECT_EQ(r->sender_ip, kServerIp);
  EXPECT_EQ(r->target_ip, kGiaddr);

  len = BuildArpRequest(kOurMac, kGiaddr, kServerIp + 7, buf.data());
  EXPECT_EQ(ReflectFrame(Reflector(), buf.data(), len, buf.size(), &what), 0u);
  EXPECT_EQ(what, Reflected::kNothing);

  const PathSpec path{.src_mac = kOurMac, .server_mac = kReflectorMac, .server_ip = kServerIp,
                      .relayed = true, .giaddr = kGiaddr};
  const MacAddress client{2, 0x50, 0, 0, 0, 1};
  len = Request(path, {.kind = RequestKind::kRelease, .client_mac = client, .xid = 3,
                       .client_ip = 0xc6120005, .server_id = kServerIp}, buf);
  const std::array<uint8_t, 1024> release = buf;
  EXPECT_EQ(ReflectFrame(Reflector(), buf.data(), len, buf.size(), &what), 0u) << "RELEASE";
  EXPECT_EQ(buf, release) << "left as it was";

  len = Request(path, {.kind = RequestKind::kDiscover, .client_mac = client, .xid = 4}, buf);
  for (size_t cut : {size_t{13}, size_t{40}, size_t{200}, len - 1}) {
    EXPECT_EQ(ReflectFrame(Reflector(), buf.data(), cut, buf.size(), &what), 0u) << cut;
  }
  const std::array<uint8_t, 1024> discover = buf;
  EXPECT_EQ(ReflectFrame(Reflector(), buf.data(), len, len - 1, &what), 0u) << "no room for the reply";
  EXPECT_EQ(buf, discover);
  auto reply = Reply(5, client, 1, 1);  // a BOOTREPLY is not turned around
  EXPECT_EQ(ReflectFrame(Reflector(), reply.data(), reply.size(), reply.size() + 512, &what), 0u);
}

TEST(FramesTest, CommandLineAddresses) {
  uint32_t ip = 0;
  EXPECT_TRUE(ParseIpv4("192.0.2.1", &ip));
  EXPECT_EQ(ip, 0xc0000201u);
  EXPECT_FALSE(ParseIpv4("192.0.2.256", &ip));
  EXPECT_FALSE(ParseIpv4("host", &ip));
  MacAddress mac{};
  EXPECT_TRUE(ParseMac("02:00:5e:0a:ff:01", &mac));
  EXPECT_EQ(mac, (MacAddress{0x02, 0x00, 0x5e, 0x0a, 0xff, 0x01}));
  EXPECT_FALSE(ParseMac("02:00:5e:0a:ff", &mac));
  EXPECT_FALSE(ParseMac("02:00:5e:0a:ff:01:07", &mac));
  EXPECT_FALSE(ParseMac("02:00:5e:0a:ff:100", &mac));
}

// A server in the test: answers DISCOVER with OFFER and REQUEST with ACK (or
// NAK when told), one address per client MAC; can drop or stay silent.
class FakeServer {
 public:
  std::function<bool(uint8_t type, uint32_t seen)> drop = [](uint8_t, uint32_t) { return false; };
  bool nak_init_reboot = false;
  std::map<uint8_t, int> received;  // message type → count

  // Returns the replies to one request frame.
  std::vector<std::vector<uint8_t>> Handle(const uint8_t* f, size_t len) {
    Decoded d = Decode(f, len);
    EXPECT_EQ(d.error, dhcp4::ParseError::kNone);
    const auto type = static_cast<uint8_t>(d.msg.type());
    ++received[type];
    MacAddress mac;
    std::memcpy(mac.data(), d.dhcp.data() + 28, 6);
    const uint32_t seen = ++seen_[{mac, type}];
    if (drop(type, seen)) return {};
    if (type == 7) {  // RELEASE
      released_.insert(mac);
      return {};
    }
    auto [it, inserted] = addresses_.try_emplace(mac, 0x0a000a00 + static_cast<uint32_t>(addresses_.size()));
    if (type == 1) return {Reply(2, mac, d.msg.xid(), it->second)};
    if (type == 3) {
      const bool init_reboot = d.msg.ciaddr() == 0 && d.msg.Option(54).empty();
      if (init_reboot && nak_init_reboot) return {Reply(6, mac, d.msg.xid(), 0)};
      return {Reply(5, mac, d.msg.xid(), it->second)};
    }
    return {};
  }
  size_t released() const { return released_.size(); }

 private:
  std::map<MacAddress, uint32_t> addresses_;
  std::map<std::pair<MacAddress, uint8_t>, uint32_t> seen_;
  std::set<MacAddress> released_;
};

// Runs the generator against the server; the clock advances `step_us` per turn.
struct Loop {
  Generator& gen;
  FakeServer& server;
  uint64_t now = 1'000'000;
  uint64_t step_us = 100;
  size_t max_in_flight = 0;

  void Run(uint64_t max_turns = 1'000'000) {
    std::vector<std::array<uint8_t, kMaxRequestFrame>> buffers(32);
    std::vector<FrameSlot> slots(32);
    for (size_t i = 0; i < slots.size(); ++i) slots[i].data = buffers[i].data();
    for (uint64_t turn = 0; turn < max_turns && !gen.Finished(); ++turn) {
      const size_t n = gen.Produce(now, slots);
      for (size_t i = 0; i < n; ++i) {
        for (const auto& reply : server.Handle(slots[i].data, slots[i].len)) {
          gen.OnFrame(reply.data(), reply.size(), now + 50);
        }
      }
      max_in_flight = std::max<size_t>(max_in_flight, gen.totals().in_flight());
      now += step_us;
    }
  }
};

GeneratorOptions Options(Scenario s, uint32_t clients) {
  GeneratorOptions o;
  o.clients = clients;
  o.scenario = s;
  o.timeout_us = 10'000;
  o.retries = 2;
  o.path = PathSpec{.src_mac = kOurMac, .server_mac = kServerMac, .server_ip = kServerIp};
  return o;
}

const ExchangeCounters& Kind(const Generator& g, ExchangeKind k) {
  return g.totals().kinds[static_cast<int>(k)];
}

TEST(GeneratorTest, OnePassOfDoraGivesEveryClientItsOwnAddress) {
  GeneratorOptions o = Options(Scenario::kDora, 100);
  o.passes = 1;
  Generator gen(o);
  FakeServer server;
  Loop{gen, server}.Run();
  ASSERT_TRUE(gen.Finished());
  const ExchangeCounters& dora = Kind(gen, ExchangeKind::kDora);
  EXPECT_EQ(dora.started, 100u);
  EXPECT_EQ(dora.completed, 100u);
  EXPECT_EQ(dora.dropped + dora.naks + dora.retransmissions, 0u);
  EXPECT_EQ(dora.latency.count(), 100u);
  EXPECT_EQ(gen.totals().frames_sent, 200u);
  EXPECT_EQ(gen.totals().replies, 200u);
  EXPECT_EQ(server.received[1], 100);
  EXPECT_EQ(server.received[3], 100);
  std::set<uint32_t> addresses;
  for (uint32_t i = 0; i < 100; ++i) addresses.insert(gen.ClientAddress(i));
  EXPECT_EQ(addresses.size(), 100u);
  EXPECT_FALSE(addresses.count(0));
}

TEST(GeneratorTest, LostMessagesAreRetransmittedWithTheSameXid) {
  GeneratorOptions o = Options(Scenario::kDora, 20);
  o.passes = 1;
  Generator gen(o);
  FakeServer server;
  // The first DISCOVER and the first REQUEST of every client are lost.
  server.drop = [](uint8_t type, uint32_t seen) { return (type == 1 || type == 3) && seen == 1; };
  Loop loop{gen, server};
  loop.Run();
  const ExchangeCounters& dora = Kind(gen, ExchangeKind::kDora);
  EXPECT_EQ(dora.completed, 20u);
  EXPECT_EQ(dora.retransmissions, 40u);
  EXPECT_EQ(dora.dropped, 0u);
  // Latency includes the two timeouts (10 ms each).
  EXPECT_GE(dora.latency.Percentile(50), 20'000u);
  EXPECT_EQ(gen.totals().unexpected, 0u);
}

TEST(GeneratorTest, ASilentServerMakesEveryExchangeADropAfterTheRetries) {
  GeneratorOptions o = Options(Scenario::kDora, 10);
  o.passes = 1;
  o.retries = 3;
  Generator gen(o);
  FakeServer server;
  server.drop = [](uint8_t, uint32_t) { return true; };
  Loop{gen, server}.Run();
  ASSERT_TRUE(gen.Finished());
  const ExchangeCounters& dora = Kind(gen, ExchangeKind::kDora);
  EXPECT_EQ(dora.dropped, 10u);
  EXPECT_EQ(dora.retransmissions, 30u);
  EXPECT_EQ(dora.completed, 0u);
  EXPECT_EQ(server.received[1], 40);
  EXPECT_EQ(gen.ClientAddress(3), 0u);
}

TEST(GeneratorTest, RepliesForNoExchangeAreCountedNotApplied) {
  GeneratorOptions o = Options(Scenario::kDora, 4);
  Generator gen(o);
  const MacAddress mac = gen.ClientMac(2);
  auto stray = Reply(5, mac, 12345, 0x0a000001);
  EXPECT_FALSE(gen.OnFrame(stray.data(), stray.size(), 10));
  auto foreign = Reply(5, MacAddress{0x52, 0x54, 0, 0, 0, 2}, 1, 1);
  EXPECT_FALSE(gen.OnFrame(foreign.data(), foreign.size(), 10));
  const uint8_t junk[20] = {};
  EXPECT_FALSE(gen.OnFrame(junk, sizeof junk, 10));
  EXPECT_EQ(gen.totals().unexpected, 2u);
  EXPECT_EQ(gen.ClientAddress(2), 0u);
}

TEST(GeneratorTest, RateLimitsNewExchanges) {
  GeneratorOptions o = Options(Scenario::kDora, 100000);
  o.rate = 2000;
  Generator gen(o);
  FakeServer server;
  Loop loop{gen, server};
  loop.step_us = 1000;
  loop.Run(1000);  // one simulated second
  const uint64_t started = Kind(gen, ExchangeKind::kDora).started;
  EXPECT_GE(started, 1995u);
  EXPECT_LE(started, 2000u);
}

TEST(GeneratorTest, NeverMoreThanTheWindowInFlight) {
  GeneratorOptions o = Options(Scenario::kDora, 1000);
  o.window = 16;
  o.timeout_us = 1'000'000;
  Generator gen(o);
  FakeServer server;
  server.drop = [](uint8_t, uint32_t) { return true; };
  Loop loop{gen, server};
  loop.Run(500);
  EXPECT_EQ(loop.max_in_flight, 16u);
  EXPECT_EQ(Kind(gen, ExchangeKind::kDora).started, 16u);
}

TEST(GeneratorTest, RenewScenarioPopulatesThenRenews) {
  GeneratorOptions o = Options(Scenario::kRenew, 50);
  o.passes = 3;
  Generator gen(o);
  FakeServer server;
  Loop{gen, server}.Run();
  EXPECT_EQ(Kind(gen, ExchangeKind::kDora).completed, 50u);
  EXPECT_EQ(Kind(gen, ExchangeKind::kRenew).completed, 100u);
  EXPECT_EQ(server.received[3], 150);
}

TEST(GeneratorTest, MixedScenarioCyclesDoraRenewsRelease) {
  GeneratorOptions o = Options(Scenario::kMixed, 10);
  o.renews_per_cycle = 2;
  o.passes = 8;  // two full cycles of DORA, renew, renew, release
  Generator gen(o);
  FakeServer server;
  Loop{gen, server}.Run();
  EXPECT_EQ(Kind(gen, ExchangeKind::kDora).completed, 20u);
  EXPECT_EQ(Kind(gen, ExchangeKind::kRenew).completed, 40u);
  EXPECT_EQ(Kind(gen, ExchangeKind::kRelease).completed, 20u);
  EXPECT_EQ(server.received[7], 20);
  EXPECT_EQ(server.released(), 10u);
  EXPECT_EQ(gen.ClientAddress(0), 0u) << "released";
}

TEST(GeneratorTest, NakedInitRebootLosesTheLeaseAndTheClientStartsOver) {
  GeneratorOptions o = Options(Scenario::kInitReboot, 10);
  o.passes = 3;
  Generator gen(o);
  FakeServer server;
  server.nak_init_reboot = true;
  Loop{gen, server}.Run();
  // Pass 1 DORA, pass 2 INIT-REBOOT → NAK, pass 3 DORA again.
  EXPECT_EQ(Kind(gen, ExchangeKind::kDora).completed, 20u);
  EXPECT_EQ(Kind(gen, ExchangeKind::kInitReboot).naks, 10u);
  EXPECT_EQ(Kind(gen, ExchangeKind::kInitReboot).completed, 0u);
}

TEST(GeneratorTest, StormServesEveryOldAndNewClientAndTimesIt) {
  GeneratorOptions o = Options(Scenario::kStorm, 50);
  o.storm_new_clients = 20;
  o.window = 8;
  Generator gen(o);
  FakeServer server;
  // During the storm, every client's first INIT-REBOOT is lost.
  // (An old client's REQUEST #1 was its DORA's; #2 is its INIT-REBOOT.)
  server.drop = [](uint8_t type, uint32_t seen) { return type == 3 && seen == 2; };
  Loop{gen, server}.Run();
  ASSERT_TRUE(gen.Finished());
  const Totals& t = gen.totals();
  EXPECT_EQ(Kind(gen, ExchangeKind::kDora).completed, 70u);
  EXPECT_EQ(Kind(gen, ExchangeKind::kInitReboot).completed, 50u);
  EXPECT_EQ(t.storm_retransmissions, 50u);
  EXPECT_GT(t.storm_start_us, 0u);
  EXPECT_GT(t.storm_end_us, t.storm_start_us);
  for (uint32_t i = 0; i < 70; ++i) EXPECT_NE(gen.ClientAddress(i), 0u) << i;
}

TEST(LatencyHistogramTest, ExactBelow32AndWithinASixteenthAbove) {
  for (uint64_t v : {0, 1, 31}) EXPECT_EQ(LatencyHistogram::UpperBound(LatencyHistogram::Index(v)), v);
  for (uint64_t v = 32; v < 5'000'000; v = v * 3 / 2 + 1) {
    const uint64_t bound = LatencyHistogram::UpperBound(LatencyHistogram::Index(v));
    EXPECT_GE(bound, v);
    EXPECT_LE(static_cast<double>(bound), static_cast<double>(v) * (1 + 1.0 / 16)) << v;
  }
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 1000; ++v) h.Record(v);
  EXPECT_NEAR(static_cast<double>(h.Percentile(50)), 500, 500.0 / 16);
  EXPECT_NEAR(static_cast<double>(h.Percentile(99)), 990, 990.0 / 16);
  EXPECT_EQ(h.Percentile(100), 1000u);
  EXPECT_EQ(h.max(), 1000u);
  LatencyHistogram other;
  other.Record(100'000);
  h.Merge(other);
  EXPECT_EQ(h.count(), 1001u);
  EXPECT_EQ(h.Percentile(100), 100'000u);
  EXPECT_EQ(LatencyHistogram().Percentile(99), 0u);
}

TEST(ReflectorTest, TheGeneratorCompletesEveryDoraAgainstIt) {
  GeneratorOptions o = Options(Scenario::kDora, 500);
  o.path.relayed = true;
  o.path.giaddr = kGiaddr;
  o.path.server_mac = kReflectorMac;
  o.passes = 2;
  Generator gen(o);
  std::vector<std::array<uint8_t, 1024>> buffers(32);
  std::vector<FrameSlot> slots(32);
  for (size_t i = 0; i < slots.size(); ++i) slots[i].data = buffers[i].data();
  ReflectorTotals t;
  uint64_t now = 1'000'000;
  for (int turn = 0; turn < 100'000 && !gen.Finished(); ++turn, now += 100) {
    const size_t n = gen.Produce(now, slots);
    for (size_t i = 0; i < n; ++i) {
      Reflected what{};
      const size_t len = ReflectFrame(Reflector(), slots[i].data, slots[i].len, 1024, &what);
      t.offers += what == Reflected::kOffer;
      t.acks += what == Reflected::kAck;
      if (len != 0) gen.OnFrame(slots[i].data, len, now + 20);
    }
  }
  ASSERT_TRUE(gen.Finished());
  const ExchangeCounters& dora = Kind(gen, ExchangeKind::kDora);
  EXPECT_EQ(dora.completed, 1000u);
  EXPECT_EQ(dora.dropped + dora.naks + dora.retransmissions, 0u);
  EXPECT_EQ(t.offers, 1000u);
  EXPECT_EQ(t.acks, 1000u);
  EXPECT_EQ(gen.totals().unexpected, 0u);

  const std::string json = FormatReflectorSummary(t, 2.0, ReportFormat::kJson);
  const nlohmann::json j = nlohmann::json::parse(json);
  EXPECT_EQ(j["offers"], 1000);
  EXPECT_EQ(j["acks-per-second"], 500.0);
  EXPECT_THAT(FormatReflectorSummary(t, 2.0, ReportFormat::kCsv),
              HasSubstr("\n2.000,0,1000,1000,0,0,0,500.0,500.0\n"));
  EXPECT_THAT(FormatReflectorSummary(t, 2.0, ReportFormat::kTable), HasSubstr("500/s"));
  ReflectorTotals later = t;
  later.acks += 300;
  EXPECT_THAT(ReflectorLine(t, later, 0.5, 3.0), HasSubstr("acks 600/s"));
}

TEST(ReportTest, FormatsCarryTheSameFigures) {
  Totals t;
  ExchangeCounters& d = t.kinds[0];
  d.started = 1000;
  d.completed = 990;
  d.dropped = 10;
  d.retransmissions = 25;
  for (int i = 0; i < 990; ++i) d.latency.Record(100);
  t.frames_sent = 2025;
  Summary s = Summarize(t, 2.0, "dora @ flat-out");
  ASSERT_EQ(s.kinds.size(), 1u);
  EXPECT_DOUBLE_EQ(s.kinds[0].rate, 495.0);
  EXPECT_DOUBLE_EQ(s.kinds[0].drop_percent, 1.0);

  auto j = nlohmann::json::parse(FormatSummary(s, ReportFormat::kJson));
  EXPECT_EQ(j["exchanges"][0]["kind"], "dora");
  EXPECT_EQ(j["exchanges"][0]["completed"], 990);
  EXPECT_EQ(j["exchanges"][0]["p99-us"], 100);
  EXPECT_EQ(j["frames-sent"], 2025);
  EXPECT_FALSE(j.contains("storm"));

  const std::string csv = FormatSummary(s, ReportFormat::kCsv);
  EXPECT_THAT(csv, HasSubstr("label,kind,seconds,started,completed"));
  EXPECT_THAT(csv, HasSubstr("dora @ flat-out,dora,2.000,1000,990,0,10,25,495.0,1.0000,100,100,100,100\n"));

  const std::string table = FormatSummary(s, ReportFormat::kTable);
  EXPECT_THAT(table, HasSubstr("dora @ flat-out"));
  EXPECT_THAT(table, HasSubstr("dora"));
  EXPECT_THAT(table, HasSubstr("495"));

  Totals storm = t;
  storm.storm_start_us = 1'000'000;
  storm.storm_end_us = 3'500'000;
  storm.storm_retransmissions = 7;
  Summary ss = Summarize(storm, 4.0, "storm", true);
  EXPECT_THAT(FormatSummary(ss, ReportFormat::kTable),
              HasSubstr("every client served 2.500 s after the outage, 7 retransmissions"));
  EXPECT_EQ(nlohmann::json::parse(FormatSummary(ss, ReportFormat::kJson))["storm"]["seconds"], 2.5);

  Totals before;
  const std::string line = PeriodicLine(before, t, 2.0, 2.0);
  EXPECT_THAT(line, HasSubstr("dora 495/s"));
  EXPECT_THAT(line, HasSubstr("drops 10"));
  EXPECT_THAT(line, HasSubstr("retx 25"));
}

}  // namespace
}  // namespace fastlease::perf
