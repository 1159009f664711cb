// Tests for dhcp6::Dhcp6Builder and EncodePdExclude.
#include "dataplane/dhcp6/builder6.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dataplane/dhcp6/message6.h"
#include "dataplane/dhcp6/options6.h"
#include "test/dataplane/dhcp6/fixtures6.h"

namespace fastlease::dhcp6 {
namespace {

using testing::Be16;
using testing::Be32;
using testing::Bytes;
using testing::Cat;
using testing::ClientMsg;
using testing::Hex;
using testing::Opt;
using testing::RelayForw;
using testing::Str;

using Addr = std::array<uint8_t, 16>;

Addr A(std::string_view hex) {
  const Bytes b = Hex(hex);
  Addr a{};
  std::copy(b.begin(), b.end(), a.begin());
  return a;
}

Bytes Span(std::span<const uint8_t> s) { return Bytes(s.begin(), s.end()); }

const Bytes kLinkA = Hex("20010db8000100000000000000000001");  // 2001:db8:1::1
const Bytes kPeerA = Hex("fe800000000000000000000000fe0002");  // fe80::fe:2
const Bytes kLinkB = Hex("20010db8ffff00000000000000000001");  // 2001:db8:ffff::1
const Bytes kPeerB = Hex("20010db8000100000000000000000001");  // 2001:db8:1::1
const Bytes kServerDuid = Hex("0001000129b92700020000000001");

// Owns a request's bytes and its parsed view.
struct Request {
  explicit Request(Bytes b) : bytes(std::move(b)), msg(std::make_unique<Dhcp6Message>()) {
    EXPECT_EQ(Parse(bytes, *msg), ParseError::kNone);
  }
  Bytes bytes;
  std::unique_ptr<Dhcp6Message> msg;
};

// dhclient's Solicit behind two relays: the outer one (hop 1) with a Remote-Id and
// Interface-Id "ge-0/0/1", the inner one (hop 0) with Interface-Id "vlan100".
Request TwoRelaySolicit() {
  const Bytes inner = RelayForw(0, kLinkA, kPeerA, testing::kDhclientSolicit,
                                Opt(opt::kInterfaceId, Str("vlan100")));
  return Request(RelayForw(1, kLinkB, kPeerB, inner,
                           Cat({Opt(opt::kRemoteId, Cat({Be32(4491), Str("cm-1")})),
                                Opt(opt::kInterfaceId, Str("ge-0/0/1"))})));
}

// Writes the Advertise Kea sent to the dhclient Solicit, option for option.
void WriteKeaAdvertise(Dhcp6Builder& b, const Dhcp6Message& req) {
  b.StartReply(req, MessageType::kAdvertise);
  b.AddOption(opt::kClientId, req.ClientId());
  b.AddOption(opt::kServerId, kServerDuid);
  const size_t na = b.BeginOption(opt::kIaNa);
  b.AddU32(req.ias()[0].iaid);
  b.AddU32(1000);
  b.AddU32(2000);
  b.AddIaAddress(A("20010db8000100000000000000000100"), 3000, 4000);
  b.EndOption(na);
  b.AddOption(opt::kDnsServers, Hex("20010db8000100000000000000000053"));
  const size_t pd = b.BeginOption(opt::kIaPd);
  b.AddU32(req.ias()[1].iaid);
  b.AddU32(1000);
  b.AddU32(2000);
  b.AddIaPrefix(A("20010db8010000000000000000000000"), 56, 3000, 4000,
                A("20010db8010000ac0000000000000000"), 62);
  b.EndOption(pd);
}

// The reply with every Relay-Repl turned into a Relay-Forw and the client message
// into a Request, so that Parse() (which reads what clients and relays send) can
// read it back.
Bytes AsRequest(Bytes reply) {
  size_t p = 0;
  while (p < reply.size() && reply[p] == uint8_t(MessageType::kRelayRepl)) {
    reply[p] = uint8_t(MessageType::kRelayForw);
    std::span<const uint8_t> inner;
    const std::span<const uint8_t> options(reply.data() + p + kRelayHeaderSize,
                                           reply.size() - p - kRelayHeaderSize);
    if (!FindOption(options, opt::kRelayMsg, &inner)) return {};
    p = size_t(inner.data() - reply.data());
  }
  if (p < reply.size()) reply[p] = uint8_t(MessageType::kRequest);
  return reply;
}

// ---------------------------------------------------------------- relayed reply

TEST(BuilderTest, RelayedAdvertiseMatchesKeaByteForByte) {
  const Request req = TwoRelaySolicit();
  ASSERT_EQ(req.msg->relay_depth(), 2u);
  std::array<uint8_t, 1500> buf{};
  Dhcp6Builder b(buf);
  WriteKeaAdvertise(b, *req.msg);
  const size_t n = b.Finish();

  // Relay-Repl per Relay-Forw, outermost first, hop count and addresses copied, the
  // Interface-Id echoed (the Remote-Id is not), then Kea's own Advertise.
  const Bytes expected = Cat({
      Hex("0d 01"
          "20010db8ffff00000000000000000001"     // link-address 2001:db8:ffff::1
          "20010db8000100000000000000000001"     // peer-address 2001:db8:1::1
          "0012 0008 67652d302f302f31"           // Interface-Id "ge-0/0/1"
          "0009 00cc"                            // Relay-Message, 204 bytes
          "0d 00"
          "20010db8000100000000000000000001"     // link-address 2001:db8:1::1
          "fe800000000000000000000000fe0002"     // peer-address fe80::fe:2
          "0012 0007 766c616e313030"             // Interface-Id "vlan100"
          "0009 009b"),                          // Relay-Message, 155 bytes
      testing::kKeaAdvertise,
  });
  ASSERT_EQ(n, expected.size());
  EXPECT_EQ(Bytes(buf.begin(), buf.begin() + ptrdiff_t(n)), expected);

  // Read back as a request: the same chain and the same client message.
  const Bytes back = AsRequest(expected);
  auto m = std::make_unique<Dhcp6Message>();
  ASSERT_EQ(Parse(back, *m), ParseError::kNone);
  ASSERT_EQ(m->relay_depth(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(m->relay(i).hop_count, req.msg->relay(i).hop_count);
    EXPECT_EQ(m->relay(i).link_address, req.msg->relay(i).link_address);
    EXPECT_EQ(m->relay(i).peer_address, req.msg->relay(i).peer_address);
    EXPECT_EQ(Span(m->relay(i).interface_id), Span(req.msg->relay(i).interface_id));
    EXPECT_TRUE(m->relay(i).remote_id.empty());
  }
  EXPECT_EQ(m->xid(), 0x27bbeau);
  EXPECT_EQ(Span(m->ClientId()), Span(req.msg->ClientId()));
  EXPECT_EQ(Span(m->ServerId()), kServerDuid);
  ASSERT_EQ(m->ias().size(), 2u);
  EXPECT_EQ(m->ias()[0].entries[0].address, A("20010db8000100000000000000000100"));
  EXPECT_EQ(m->ias()[1].entries[0].prefix_len, 56);
}

TEST(BuilderTest, UnrelayedAdvertiseIsKeasMessage) {
  const Request req(testing::kDhclientSolicit);
  std::array<uint8_t, 512> buf{};
  Dhcp6Builder b(buf);
  WriteKeaAdvertise(b, *req.msg);
  const size_t n = b.Finish();
  EXPECT_EQ(Bytes(buf.begin(), buf.begin() + ptrdiff_t(n)), testing::kKeaAdvertise);
}

TEST(BuilderTest, RelayWithoutInterfaceIdGetsNone) {
  const Request req(testing::kPerfdhcpRelayedSolicit);
  std::array<uint8_t, 512> buf{};
  Dhcp6Builder b(buf);
  b.StartReply(*req.msg, MessageType::kReply);
  b.AddEmptyOption(opt::kRapidCommit);
  const size_t n = b.Finish();
  const Bytes expected =
      Cat({Hex("0d00 fe80000000000000000000fffe000002 fe80000000000000000000fffe000002"
               "0009 0008"
               "07 000000"
               "000e 0000")});
  EXPECT_EQ(Bytes(buf.begin(), buf.begin() + ptrdiff_t(n)), expected);
}

// ---------------------------------------------------------------- options

TEST(BuilderTest, SimpleOptionsAndStatus) {
  const Request req(ClientMsg(11, 0x0a0b0c, {}));
  std::array<uint8_t, 256> buf{};
  Dhcp6Builder b(buf);
  b.StartReply(*req.msg, MessageType::kReply);
  EXPECT_TRUE(b.AddU8Option(opt::kPreference, 255));
  EXPECT_TRUE(b.AddU32Option(opt::kInformationRefreshTime, 86400));
  EXPECT_TRUE(b.AddEmptyOption(opt::kReconfAccept));
  EXPECT_TRUE(b.AddStatus(StatusCode::kSuccess, ""));
  const size_t ia = b.BeginOption(opt::kIaNa);
  EXPECT_TRUE(b.AddU32(7));
  EXPECT_TRUE(b.AddU32(0));
  EXPECT_TRUE(b.AddU32(0));
  EXPECT_TRUE(b.AddStatus(StatusCode::kNoAddrsAvail, "none"));
  b.EndOption(ia);
  EXPECT_TRUE(b.AddBytes(Hex("0017 0000")));  // raw TLV bytes
  const size_t n = b.Finish();
  EXPECT_FALSE(b.failed());
  EXPECT_EQ(b.size(), n);
  const Bytes expected = Hex(
      "07 0a0b0c"
      "0007 0001 ff"
      "0020 0004 00015180"
      "0014 0000"
      "000d 0002 0000"
      "0003 0016 00000007 00000000 00000000"
      "  000d 0006 0002 6e6f6e65"
      "0017 0000");
  EXPECT_EQ(Bytes(buf.begin(), buf.begin() + ptrdiff_t(n)), expected);
}

TEST(BuilderTest, NestedOptionsPatchTheirLengths) {
  std::array<uint8_t, 64> buf{};
  Dhcp6Builder b(buf);
  const size_t outer = b.BeginOption(100);
  const size_t inner = b.BeginOption(101);
  b.AddBytes(Str("ab"));
  b.EndOption(inner);
  const size_t empty = b.BeginOption(102);
  b.EndOption(empty);
  b.EndOption(outer);
  const size_t n = b.Finish();  // no StartReply: options only
  EXPECT_EQ(Bytes(buf.begin(), buf.begin() + ptrdiff_t(n)),
            Hex("0064 000a 0065 0002 6162 0066 0000"));
}

TEST(BuilderTest, IaPrefixWithoutExclusion) {
  std::array<uint8_t, 64> buf{};
  Dhcp6Builder b(buf);
  EXPECT_TRUE(b.AddIaPrefix(A("20010db8010000000000000000000000"), 56, 10, 20));
  const size_t n = b.Finish();
  EXPECT_EQ(Bytes(buf.begin(), buf.begin() + ptrdiff_t(n)),
            Hex("001a 0019 0000000a 00000014 38 20010db8010000000000000000000000"));
}

TEST(BuilderTest, BadExclusionFailsTheReply) {
  const Addr prefix = A("20010db8010000000000000000000000");
  struct Case {
    Addr excluded;
    uint8_t excluded_len;
    uint8_t prefix_len;
  };
  const Case cases[] = {
      {A("20010db8010000000000000000000000"), 56, 56},   // not longer than the prefix
      {A("20010db8010000000000000000000000"), 40, 56},   // shorter
      {A("20010db8010000000000000000000000"), 129, 56},  // past 128
      {A("20010db8020000000000000000000000"), 64, 56},   // outside the prefix
      {A("20010db8010000000000000000000000"), 64, 129},  // prefix length past 128
  };
  for (const Case& c : cases) {
    std::array<uint8_t, 64> buf{};
    Dhcp6Builder b(buf);
    EXPECT_FALSE(b.AddIaPrefix(prefix, c.prefix_len, 1, 2, c.excluded, c.excluded_len));
    EXPECT_TRUE(b.failed());
    EXPECT_EQ(b.Finish(), 0u);
  }
}

TEST(BuilderTest, MisusedHandleFails) {
  std::array<uint8_t, 64> buf{};
  Dhcp6Builder b(buf);
  b.AddU32(1);
  b.EndOption(2);  // not a BeginOption handle: fewer than 4 bytes after it
  EXPECT_TRUE(b.failed());
  EXPECT_EQ(b.Finish(), 0u);
}

// ---------------------------------------------------------------- buffer limits

TEST(BuilderTest, EveryTooSmallBufferGivesZero) {
  const Request req = TwoRelaySolicit();
  constexpr size_t kFull = 254;
  constexpr size_t kGuard = 32;
  for (size_t cap = 0; cap <= kFull; ++cap) {
    std::vector<uint8_t> buf(cap + kGuard, 0xee);
    Dhcp6Builder b({buf.data(), cap});
    WriteKeaAdvertise(b, *req.msg);
    const size_t n = b.Finish();
    if (cap < kFull) {
      EXPECT_EQ(n, 0u) << cap;
      EXPECT_TRUE(b.failed()) << cap;
    } else {
      EXPECT_EQ(n, kFull);
    }
    for (size_t i = cap; i < buf.size(); ++i) ASSERT_EQ(buf[i], 0xee) << cap << " " << i;
  }
}

TEST(BuilderTest, OptionOrReplyPast64KiBFails) {
  std::vector<uint8_t> buf(200000);
  {
    Dhcp6Builder b(buf);
    EXPECT_FALSE(b.AddOption(opt::kVendorOpts, Bytes(70000, 1)));
    EXPECT_EQ(b.Finish(), 0u);
  }
  {
    Dhcp6Builder b(buf);
    EXPECT_TRUE(b.AddOption(opt::kVendorOpts, Bytes(65000, 1)));
    EXPECT_FALSE(b.AddOption(opt::kVendorOpts, Bytes(1000, 1)));
    EXPECT_EQ(b.Finish(), 0u);
  }
  {
    Dhcp6Builder b(buf);
    const size_t h = b.BeginOption(opt::kVendorOpts);
    EXPECT_TRUE(b.AddBytes(Bytes(65531, 1)));  // 4 + 65531 = 65535 bytes in all
    b.EndOption(h);
    EXPECT_EQ(b.Finish(), 65535u);
    EXPECT_EQ(buf[2], 0xff);
    EXPECT_EQ(buf[3], 0xfb);
  }
}

// ---------------------------------------------------------------- PD_EXCLUDE

Bytes Exclude(std::string_view excluded, uint8_t excluded_len, uint8_t prefix_len) {
  std::array<uint8_t, 17> out{};
  const size_t n = EncodePdExclude(A(excluded), excluded_len, prefix_len, out);
  return Bytes(out.begin(), out.begin() + ptrdiff_t(n));
}

// RFC 6603 §4.2: prefix-len, then the excluded prefix's bits from bit position
// 'OPTION_IAPREFIX prefix-length' up to prefix-len, left-aligned and zero-padded to
// whole octets. The RFC gives the rule, no worked values; these are the values Kea
// 2.2 sent on the wire (kKeaAdvertise) and those of Kea's Option6PDExclude tests.
TEST(PdExcludeTest, Rfc6603Encoding) {
  // Kea on the wire: 2001:db8:100:ac::/62 out of 2001:db8:100::/56, and /64 of ::/56.
  EXPECT_EQ(Exclude("20010db8010000ac0000000000000000", 62, 56), Hex("3e ac"));
  EXPECT_EQ(Exclude("20010db8010000000000000000000000", 64, 56), Hex("40 00"));
  // Kea's unit tests: 2001:db8:dead:beef::/63 in a /59 is 3f 70; /64 in a /59 is 40 78;
  // /64 in a /48 is 40 be ef.
  EXPECT_EQ(Exclude("20010db8deadbeef0000000000000000", 63, 59), Hex("3f 70"));
  EXPECT_EQ(Exclude("20010db8deadbeef0000000000000000", 64, 59), Hex("40 78"));
  EXPECT_EQ(Exclude("20010db8deadbeef0000000000000000", 64, 48), Hex("40 beef"));
  // Bits past the excluded length are not sent.
  EXPECT_EQ(Exclude("20010db8010000afffffffffffffffff", 62, 56), Hex("3e ac"));
  // One bit; whole address; across the last byte.
  EXPECT_EQ(Exclude("20010db8010000800000000000000000", 57, 56), Hex("39 80"));
  EXPECT_EQ(Exclude("ffeeddccbbaa99887766554433221100", 128, 0),
            Hex("80 ffeeddccbbaa99887766554433221100"));
  EXPECT_EQ(Exclude("000000000000000000000000000000ff", 128, 121), Hex("80 fe"));
  EXPECT_EQ(Exclude("000000000000000000000000000000ff", 128, 127), Hex("80 80"));
  EXPECT_EQ(Exclude("0000000000000000000000000000ab00", 120, 116), Hex("78 b0"));
}

TEST(PdExcludeTest, InvalidLengthsAndSmallBuffers) {
  std::array<uint8_t, 17> out{};
  const Addr x = A("20010db8010000ac0000000000000000");
  EXPECT_EQ(EncodePdExclude(x, 56, 56, out), 0u);
  EXPECT_EQ(EncodePdExclude(x, 48, 56, out), 0u);
  EXPECT_EQ(EncodePdExclude(x, 129, 56, out), 0u);
  EXPECT_EQ(EncodePdExclude(x, 62, 56, std::span<uint8_t>(out).first(1)), 0u);
  EXPECT_EQ(EncodePdExclude(x, 62, 56, std::span<uint8_t>(out).first(2)), 2u);
  EXPECT_EQ(EncodePdExclude(x, 128, 0, std::span<uint8_t>(out).first(16)), 0u);
}

TEST(PdExcludeTest, InsideIaPrefix) {
  std::array<uint8_t, 64> buf{};
  Dhcp6Builder b(buf);
  EXPECT_TRUE(b.AddIaPrefix(A("20010db8deadbee00000000000000000"), 59, 1, 2,
                            A("20010db8deadbeef0000000000000000"), 64));
  const size_t n = b.Finish();
  EXPECT_EQ(Bytes(buf.begin(), buf.begin() + ptrdiff_t(n)),
            Hex("001a 001f 00000001 00000002 3b 20010db8deadbee00000000000000000"
                "0043 0002 4078"));
}

}  // namespace
}  // namespace fastlease::dhcp6
