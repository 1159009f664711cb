// Tests for dhcp4::Dhcp4Builder and ReplySizeLimit.
#include "dataplane/dhcp4/builder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dataplane/dhcp4/message.h"
#include "dataplane/dhcp4/options.h"

namespace fastlease::dhcp4 {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes Span(std::span<const uint8_t> s) { return Bytes(s.begin(), s.end()); }

// A client request as raw bytes; options appended as (code, data) pairs.
Bytes RequestBytes(MessageType type, const std::vector<std::pair<uint8_t, Bytes>>& options) {
  Bytes b(kOptionsOffset, 0);
  b[0] = kBootRequest;
  b[1] = 1;
  b[2] = 6;
  b[3] = 2;  // hops
  const uint8_t xid[] = {0xca, 0xfe, 0xba, 0xbe};
  std::copy(std::begin(xid), std::end(xid), b.begin() + 4);
  b[8] = 0x00;  // secs 7: not copied into replies
  b[9] = 0x07;
  b[10] = 0x80;  // broadcast flag
  const uint8_t giaddr[] = {10, 9, 8, 7};
  std::copy(std::begin(giaddr), std::end(giaddr), b.begin() + 24);
  for (size_t i = 0; i < kChaddrSize; ++i) b[28 + i] = uint8_t(0x10 + i);  // all 16 bytes
  b[kSnameOffset] = 's';  // must not leak into the reply
  b[kFileOffset] = 'f';
  b[236] = 0x63;
  b[237] = 0x82;
  b[238] = 0x53;
  b[239] = 0x63;
  b.push_back(opt::kMessageType);
  b.push_back(1);
  b.push_back(uint8_t(type));
  for (const auto& [code, data] : options) {
    b.push_back(code);
    b.push_back(uint8_t(data.size()));
    b.insert(b.end(), data.begin(), data.end());
  }
  b.push_back(opt::kEnd);
  return b;
}

// Owns a request's bytes and its parsed view.
struct Request {
  explicit Request(Bytes b) : bytes(std::move(b)), msg(std::make_unique<Dhcp4Message>()) {
    EXPECT_EQ(Parse(bytes, *msg), ParseError::kNone);
  }
  Bytes bytes;
  std::unique_ptr<Dhcp4Message> msg;
};

Request Discover(const std::vector<std::pair<uint8_t, Bytes>>& options = {}) {
  return Request(RequestBytes(MessageType::kDiscover, options));
}

// The (code, length) sequence of the TLVs in a reply's options field.
std::vector<std::pair<uint8_t, size_t>> Tlvs(std::span<const uint8_t> reply) {
  std::vector<std::pair<uint8_t, size_t>> out;
  size_t p = kOptionsOffset;
  while (p < reply.size() && reply[p] != opt::kEnd) {
    if (reply[p] == opt::kPad) {
      ++p;
      continue;
    }
    out.emplace_back(reply[p], reply[p + 1]);
    p += 2 + reply[p + 1];
  }
  return out;
}

TEST(ReplySizeLimitTest, DefaultsTo548) {
  Request r = Discover();
  EXPECT_EQ(ReplySizeLimit(*r.msg, 1500), 548u);
  EXPECT_EQ(ReplySizeLimit(*r.msg, 400), 400u);
}

TEST(ReplySizeLimitTest, HonoursOption57) {
  EXPECT_EQ(ReplySizeLimit(*Discover({{opt::kMaxMessageSize, {0x05, 0xdc}}}).msg, 1500), 1472u);
  EXPECT_EQ(ReplySizeLimit(*Discover({{opt::kMaxMessageSize, {0x05, 0xdc}}}).msg, 1000), 1000u);
  EXPECT_EQ(ReplySizeLimit(*Discover({{opt::kMaxMessageSize, {0x02, 0x40}}}).msg, 1500), 548u);
  EXPECT_EQ(ReplySizeLimit(*Discover({{opt::kMaxMessageSize, {0xff, 0xff}}}).msg, 9000), 9000u);
  // Below 576 or malformed: ignored.
  EXPECT_EQ(ReplySizeLimit(*Discover({{opt::kMaxMessageSize, {0x01, 0x00}}}).msg, 1500), 548u);
  EXPECT_EQ(ReplySizeLimit(*Discover({{opt::kMaxMessageSize, {0x05}}}).msg, 1500), 548u);
}

TEST(BuilderTest, HeaderCopiedFromRequest) {
  Request r = Discover();
  uint8_t buf[1500];
  std::fill(std::begin(buf), std::end(buf), 0xaa);  // stale bytes from an earlier packet
  Dhcp4Builder b(buf, ReplySizeLimit(*r.msg, sizeof buf));
  b.StartReply(*r.msg, MessageType::kOffer, 0x01020304, 0x0a000064, 0x0a000001);
  const size_t n = b.Finish();
  ASSERT_EQ(n, kMinReplySize);
  EXPECT_EQ(buf[0], kBootReply);
  EXPECT_EQ(buf[1], 1);  // htype
  EXPECT_EQ(buf[2], 6);  // hlen
  EXPECT_EQ(buf[3], 2);  // hops
  EXPECT_EQ(Bytes(buf + 4, buf + 8), (Bytes{0xca, 0xfe, 0xba, 0xbe}));
  EXPECT_EQ(Bytes(buf + 8, buf + 10), (Bytes{0, 0}));  // secs
  EXPECT_EQ(Bytes(buf + 10, buf + 12), (Bytes{0x80, 0x00}));
  EXPECT_EQ(Bytes(buf + 12, buf + 16), (Bytes{1, 2, 3, 4}));
  EXPECT_EQ(Bytes(buf + 16, buf + 20), (Bytes{10, 0, 0, 100}));
  EXPECT_EQ(Bytes(buf + 20, buf + 24), (Bytes{10, 0, 0, 1}));
  EXPECT_EQ(Bytes(buf + 24, buf + 28), (Bytes{10, 9, 8, 7}));
  EXPECT_EQ(Bytes(buf + 28, buf + 44), Span(r.msg->chaddr_field()));
  EXPECT_TRUE(std::all_of(buf + kSnameOffset, buf + kHeaderSize, [](uint8_t c) { return c == 0; }));
  EXPECT_EQ(Bytes(buf + 236, buf + 240), (Bytes{0x63, 0x82, 0x53, 0x63}));
  EXPECT_EQ(Bytes(buf + 240, buf + 243), (Bytes{opt::kMessageType, 1, 2}));
  EXPECT_EQ(buf[243], opt::kEnd);
  EXPECT_TRUE(std::all_of(buf + 244, buf + 300, [](uint8_t c) { return c == 0; }));
  EXPECT_EQ(buf[300], 0xaa);  // nothing written past the padded length

  auto reply = std::make_unique<Dhcp4Message>();
  ASSERT_EQ(Parse({buf, n}, *reply), ParseError::kNone);
  EXPECT_EQ(reply->type(), MessageType::kOffer);
  EXPECT_EQ(reply->xid(), r.msg->xid());
  EXPECT_EQ(reply->yiaddr(), 0x0a000064u);
  EXPECT_EQ(reply->giaddr(), 0x0a090807u);
  EXPECT_TRUE(reply->broadcast_flag());
}

TEST(BuilderTest, SetFlagsOverridesFlags) {
  Request r = Discover();
  uint8_t buf[600];
  Dhcp4Builder b(buf, sizeof buf);
  b.StartReply(*r.msg, MessageType::kNak, 0, 0, 0);
  b.SetFlags(0);
  ASSERT_GT(b.Finish(), 0u);
  EXPECT_EQ(buf[10], 0);
  EXPECT_EQ(buf[11], 0);
}

TEST(BuilderTest, ReplyWrittenOverItsOwnRequest) {
  Bytes in = RequestBytes(MessageType::kDiscover, {});
  in.resize(548, 0);  // room for the reply; zeros after End are ignored
  Request r(std::move(in));
  const Bytes expected_chaddr = Span(r.msg->chaddr_field());
  Dhcp4Builder b(r.bytes, r.bytes.size());
  b.StartReply(*r.msg, MessageType::kOffer, 0, 0x0a000064, 0);
  const size_t n = b.Finish();
  auto reply = std::make_unique<Dhcp4Message>();
  ASSERT_EQ(Parse({r.bytes.data(), n}, *reply), ParseError::kNone);
  EXPECT_EQ(reply->op(), kBootReply);
  EXPECT_EQ(reply->xid(), 0xcafebabeu);
  EXPECT_EQ(Span(reply->chaddr_field()), expected_chaddr);
  EXPECT_EQ(reply->giaddr(), 0x0a090807u);
}

TEST(BuilderTest, OptionsAppearInTheOrderAdded) {
  Request r = Discover();
  uint8_t buf[1500];
  Dhcp4Builder b(buf, ReplySizeLimit(*r.msg, sizeof buf));
  b.StartReply(*r.msg, MessageType::kAck, 0, 0x0a000064, 0);
  EXPECT_TRUE(b.AddAddress(opt::kServerId, 0x0a000001));
  EXPECT_TRUE(b.AddU32(opt::kLeaseTime, 3600));
  EXPECT_TRUE(b.AddAddress(opt::kSubnetMask, 0xffffff00));
  EXPECT_TRUE(b.AddOption(opt::kDomainName, Bytes{'l', 'a', 'n'}));
  EXPECT_TRUE(b.AddU8(152, 7));
  EXPECT_TRUE(b.AddAddress(opt::kRouters, 0x0a0000fe));
  EXPECT_TRUE(b.AddOption(opt::kRapidCommit, {}));
  const size_t n = b.Finish();
  const std::vector<std::pair<uint8_t, size_t>> want = {
      {opt::kMessageType, 1}, {opt::kServerId, 4}, {opt::kLeaseTime, 4},
      {opt::kSubnetMask, 4},  {opt::kDomainName, 3}, {152, 1},
      {opt::kRouters, 4},     {opt::kRapidCommit, 0}};
  EXPECT_EQ(Tlvs({buf, n}), want);
  EXPECT_EQ(b.dropped_options(), 0u);
  EXPECT_EQ(Bytes(buf + 249, buf + 255), (Bytes{opt::kLeaseTime, 4, 0, 0, 0x0e, 0x10}));
}

TEST(BuilderTest, LongOptionIsSplit) {
  Request r = Discover();
  Bytes value(300);
  for (size_t i = 0; i < value.size(); ++i) value[i] = uint8_t(i);
  uint8_t buf[1500];
  Dhcp4Builder b(buf, sizeof buf);
  b.StartReply(*r.msg, MessageType::kOffer, 0, 0, 0);
  ASSERT_TRUE(b.AddOption(opt::kVendorEncapsulated, value));
  ASSERT_TRUE(b.AddAddress(opt::kServerId, 0x0a000001));
  const size_t n = b.Finish();
  const std::vector<std::pair<uint8_t, size_t>> want = {{opt::kMessageType, 1},
                                                        {opt::kVendorEncapsulated, 255},
                                                        {opt::kVendorEncapsulated, 45},
                                                        {opt::kServerId, 4}};
  EXPECT_EQ(Tlvs({buf, n}), want);
  EXPECT_EQ(n, kOptionsOffset + 3 + 2 + 255 + 2 + 45 + 6 + 1);

  auto reply = std::make_unique<Dhcp4Message>();
  ASSERT_EQ(Parse({buf, n}, *reply), ParseError::kNone);
  EXPECT_EQ(Span(reply->Option(opt::kVendorEncapsulated)), value);
  EXPECT_EQ(reply->ServerId(), 0x0a000001u);
}

TEST(BuilderTest, SplitBoundaries) {
  Request r = Discover();
  struct Case {
    size_t len;
    std::vector<size_t> pieces;
  };
  const Case cases[] = {{0, {0}}, {1, {1}}, {255, {255}}, {256, {255, 1}}, {510, {255, 255}},
                        {511, {255, 255, 1}}};
  for (const Case& c : cases) {
    uint8_t buf[1500];
    Dhcp4Builder b(buf, sizeof buf);
    b.StartReply(*r.msg, MessageType::kOffer, 0, 0, 0);
    ASSERT_TRUE(b.AddOption(opt::kVendorEncapsulated, Bytes(c.len, 0x5a)));
    const size_t n = b.Finish();
    std::vector<std::pair<uint8_t, size_t>> want = {{opt::kMessageType, 1}};
    for (size_t p : c.pieces) want.emplace_back(opt::kVendorEncapsulated, p);
    EXPECT_EQ(Tlvs({buf, n}), want) << c.len;
  }
}

TEST(BuilderTest, MaxMessageSize576IsHonoured) {
  Request r = Discover({{opt::kMaxMessageSize, {0x02, 0x40}}});
  uint8_t buf[1500];
  std::fill(std::begin(buf), std::end(buf), 0xaa);
  const size_t limit = ReplySizeLimit(*r.msg, sizeof buf);
  ASSERT_EQ(limit, 548u);
  Dhcp4Builder b(buf, limit);
  b.StartReply(*r.msg, MessageType::kOffer, 0, 0x0a000064, 0x0a000001);
  int added = 0;
  int refused = 0;
  for (uint8_t code = 100; code < 110; ++code) {
    if (b.AddOption(code, Bytes(60, code))) {
      ++added;
    } else {
      ++refused;
    }
    EXPECT_LE(b.size(), limit - 1);  // room for End is always kept
  }
  // 243 + 4 * 62 = 491 fits; a fifth (553) would not fit in 547.
  EXPECT_EQ(added, 4);
  EXPECT_EQ(refused, 6);
  EXPECT_EQ(b.dropped_options(), 6u);
  // Smaller options still fill the remaining room.
  EXPECT_TRUE(b.AddOption(opt::kHostName, Bytes(54, 'h')));  // 491 + 56 = 547
  EXPECT_FALSE(b.AddU8(opt::kInterfaceMtu, 1));
  EXPECT_EQ(b.dropped_options(), 7u);
  const size_t n = b.Finish();
  EXPECT_EQ(n, 548u);
  EXPECT_EQ(buf[547], opt::kEnd);
  EXPECT_EQ(buf[548], 0xaa);
  auto reply = std::make_unique<Dhcp4Message>();
  ASSERT_EQ(Parse({buf, n}, *reply), ParseError::kNone);
  EXPECT_TRUE(reply->Has(103));
  EXPECT_FALSE(reply->Has(104));
  EXPECT_EQ(reply->Option(opt::kHostName).size(), 54u);
}

TEST(BuilderTest, SplitOptionThatDoesNotFitIsNotWrittenAtAll) {
  Request r = Discover();
  uint8_t buf[548];
  Dhcp4Builder b(buf, sizeof buf);
  b.StartReply(*r.msg, MessageType::kOffer, 0, 0, 0);
  // 300 bytes need 304 with two headers; 243 + 304 = 547 fits exactly.
  ASSERT_TRUE(b.AddOption(opt::kVendorEncapsulated, Bytes(300, 1)));
  EXPECT_FALSE(b.AddOption(opt::kHostName, {}));
  const size_t before = b.size();
  EXPECT_FALSE(b.AddOption(opt::kDomainSearch, Bytes(400, 2)));
  EXPECT_EQ(b.size(), before);
  EXPECT_EQ(b.Finish(), 548u);
}

TEST(BuilderTest, ReserveTailKeepsRoomForRelayAgentInfo) {
  const Bytes rai = {1, 6, 'e', 't', 'h', '0', '/', '1', 2, 4, 0xde, 0xad, 0xbe, 0xef};
  Request r = Discover({{opt::kRelayAgentInfo, rai}});
  uint8_t buf[1500];
  Dhcp4Builder b(buf, ReplySizeLimit(*r.msg, sizeof buf));
  b.StartReply(*r.msg, MessageType::kOffer, 0, 0x0a000064, 0x0a000001);
  b.ReserveTail(r.msg->RelayAgentInfo().size() + 2);
  uint32_t refused = 0;
  for (uint8_t code = 100; code < 120; ++code) {
    if (!b.AddOption(code, Bytes(40, code))) ++refused;
  }
  EXPECT_GT(refused, 0u);
  EXPECT_EQ(b.dropped_options(), refused);
  b.ReleaseTail();
  ASSERT_TRUE(b.AddOption(opt::kRelayAgentInfo, r.msg->RelayAgentInfo()));
  const size_t n = b.Finish();
  EXPECT_LE(n, 548u);
  auto reply = std::make_unique<Dhcp4Message>();
  ASSERT_EQ(Parse({buf, n}, *reply), ParseError::kNone);
  EXPECT_EQ(Span(reply->RelayAgentInfo()), rai);
  EXPECT_EQ(Tlvs({buf, n}).back().first, opt::kRelayAgentInfo);
}

TEST(BuilderTest, PadsTo300) {
  Request r = Discover();
  uint8_t buf[1500];
  std::fill(std::begin(buf), std::end(buf), 0xaa);
  Dhcp4Builder b(buf, sizeof buf);
  b.StartReply(*r.msg, MessageType::kAck, 0, 0, 0);
  ASSERT_TRUE(b.AddAddress(opt::kServerId, 1));
  const size_t end_at = b.size();
  EXPECT_EQ(b.Finish(), 300u);
  EXPECT_EQ(buf[end_at], opt::kEnd);
  EXPECT_TRUE(std::all_of(buf + end_at + 1, buf + 300, [](uint8_t c) { return c == 0; }));
  EXPECT_EQ(buf[300], 0xaa);
}

TEST(BuilderTest, NoPaddingPastALongReply) {
  Request r = Discover();
  uint8_t buf[1500];
  Dhcp4Builder b(buf, sizeof buf);
  b.StartReply(*r.msg, MessageType::kAck, 0, 0, 0);
  ASSERT_TRUE(b.AddOption(opt::kVendorEncapsulated, Bytes(100, 1)));
  EXPECT_EQ(b.Finish(), 243u + 102 + 1);
}

TEST(BuilderTest, PadsOnlyUpToASmallLimit) {
  Request r = Discover();
  uint8_t buf[1500];
  std::fill(std::begin(buf), std::end(buf), 0xaa);
  Dhcp4Builder b(buf, 260);
  b.StartReply(*r.msg, MessageType::kAck, 0, 0, 0);
  EXPECT_EQ(b.Finish(), 260u);
  EXPECT_EQ(buf[260], 0xaa);
}

TEST(BuilderTest, LimitTooSmallForHeader) {
  Request r = Discover();
  uint8_t buf[1500];
  std::fill(std::begin(buf), std::end(buf), 0xaa);
  Dhcp4Builder b(buf, kOptionsOffset + 3);  // no room for End
  b.StartReply(*r.msg, MessageType::kOffer, 0, 0, 0);
  EXPECT_FALSE(b.AddU8(opt::kInterfaceMtu, 1));
  EXPECT_EQ(b.Finish(), 0u);
  EXPECT_TRUE(std::all_of(std::begin(buf), std::end(buf), [](uint8_t c) { return c == 0xaa; }));

  Dhcp4Builder exact(buf, kOptionsOffset + 4);
  exact.StartReply(*r.msg, MessageType::kOffer, 0, 0, 0);
  EXPECT_FALSE(exact.AddOption(opt::kRapidCommit, {}));
  EXPECT_EQ(exact.Finish(), kOptionsOffset + 4);
}

TEST(BuilderTest, BufferSmallerThanLimit) {
  Request r = Discover();
  auto buf = std::make_unique<uint8_t[]>(250);  // exact size: ASan sees any overrun
  Dhcp4Builder b({buf.get(), 250}, 548);
  b.StartReply(*r.msg, MessageType::kOffer, 0, 0, 0);
  EXPECT_TRUE(b.AddU8(opt::kInterfaceMtu, 1));
  EXPECT_FALSE(b.AddU32(opt::kLeaseTime, 1));
  EXPECT_EQ(b.Finish(), 250u);
}

TEST(BuilderTest, FinishTwiceWritesNothingMore) {
  Request r = Discover();
  auto buf = std::make_unique<uint8_t[]>(300);
  Dhcp4Builder b({buf.get(), 300}, 300);
  b.StartReply(*r.msg, MessageType::kOffer, 0, 0, 0);
  EXPECT_EQ(b.Finish(), 300u);
  EXPECT_EQ(b.Finish(), 0u);
  EXPECT_FALSE(b.AddU8(opt::kInterfaceMtu, 1));
}

TEST(BuilderTest, PadAndEndAreNotOptions) {
  Request r = Discover();
  uint8_t buf[600];
  Dhcp4Builder b(buf, sizeof buf);
  b.StartReply(*r.msg, MessageType::kOffer, 0, 0, 0);
  EXPECT_FALSE(b.AddOption(opt::kPad, Bytes{1}));
  EXPECT_FALSE(b.AddU8(opt::kEnd, 1));
  EXPECT_FALSE(b.AddU32(opt::kPad, 1));
  EXPECT_EQ(b.size(), kOptionsOffset + 3);
  EXPECT_EQ(b.dropped_options(), 0u);
}

TEST(BuilderTest, RoundTrip) {
  Request r = Discover({{opt::kClientId, {1, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15}},
                        {opt::kParameterRequestList, {1, 3, 6, 15, 51, 54}},
                        {opt::kMaxMessageSize, {0x05, 0xdc}}});
  uint8_t buf[1500];
  Dhcp4Builder b(buf, ReplySizeLimit(*r.msg, sizeof buf));
  b.StartReply(*r.msg, MessageType::kOffer, 0, 0xc0a80164, 0xc0a80101);
  ASSERT_TRUE(b.AddAddress(opt::kServerId, 0xc0a80101));
  ASSERT_TRUE(b.AddU32(opt::kLeaseTime, 86400));
  ASSERT_TRUE(b.AddU32(opt::kRenewalTime, 43200));
  ASSERT_TRUE(b.AddU32(opt::kRebindingTime, 75600));
  ASSERT_TRUE(b.AddAddress(opt::kSubnetMask, 0xffffff00));
  ASSERT_TRUE(b.AddAddress(opt::kRouters, 0xc0a80101));
  const Bytes dns = {192, 168, 1, 1, 8, 8, 8, 8};
  ASSERT_TRUE(b.AddOption(opt::kDomainNameServers, dns));
  const std::string domain = "example.net";
  ASSERT_TRUE(b.AddOption(opt::kDomainName, Bytes(domain.begin(), domain.end())));
  ASSERT_TRUE(b.AddOption(opt::kClientId, r.msg->ClientId()));
  const size_t n = b.Finish();

  auto reply = std::make_unique<Dhcp4Message>();
  ASSERT_EQ(Parse({buf, n}, *reply), ParseError::kNone);
  EXPECT_EQ(reply->op(), kBootReply);
  EXPECT_EQ(reply->type(), MessageType::kOffer);
  EXPECT_EQ(reply->xid(), r.msg->xid());
  EXPECT_EQ(reply->secs(), 0);
  EXPECT_EQ(reply->yiaddr(), 0xc0a80164u);
  EXPECT_EQ(reply->siaddr(), 0xc0a80101u);
  EXPECT_EQ(Span(reply->chaddr()), Span(r.msg->chaddr()));
  EXPECT_EQ(reply->ServerId(), 0xc0a80101u);
  EXPECT_EQ(reply->LeaseTime(), 86400u);
  EXPECT_EQ(Span(reply->Option(opt::kRenewalTime)), (Bytes{0, 0, 0xa8, 0xc0}));
  EXPECT_EQ(Span(reply->Option(opt::kSubnetMask)), (Bytes{255, 255, 255, 0}));
  EXPECT_EQ(Span(reply->Option(opt::kDomainNameServers)), dns);
  EXPECT_EQ(Span(reply->Option(opt::kDomainName)), Bytes(domain.begin(), domain.end()));
  EXPECT_EQ(Span(reply->ClientId()), Span(r.msg->ClientId()));
  EXPECT_EQ(reply->overload(), 0);
  auto zero = [](uint8_t c) { return c == 0; };
  EXPECT_TRUE(std::all_of(reply->sname_field().begin(), reply->sname_field().end(), zero));
  EXPECT_TRUE(std::all_of(reply->file_field().begin(), reply->file_field().end(), zero));
}

}  // namespace
}  // namespace fastlease::dhcp4
