// Tests for dhcp6::Parse and the Dhcp6Message accessors.
#include "dataplane/dhcp6/message6.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

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

Bytes Span(std::span<const uint8_t> s) { return Bytes(s.begin(), s.end()); }

std::array<uint8_t, 16> Addr(const Bytes& b) {
  std::array<uint8_t, 16> a{};
  std::copy(b.begin(), b.end(), a.begin());
  return a;
}

const Bytes kLinkA = Hex("20010db8000100000000000000000001");   // 2001:db8:1::1
const Bytes kPeerA = Hex("fe800000000000000000000000fe0002");   // fe80::fe:2
const Bytes kLinkB = Hex("20010db8ffff00000000000000000001");   // 2001:db8:ffff::1
const Bytes kPeerB = Hex("20010db8000100000000000000000001");   // 2001:db8:1::1
const Bytes kDuid = Hex("000100013298cfff020000000002");

// Parses a copy of the bytes kept until the next P(), so that temporaries can be
// passed; held_ is what the message's spans point into.
class ParseTest : public ::testing::Test {
 protected:
  ParseError P(const Bytes& b) {
    held_ = b;
    return Parse(held_, *m_);
  }
  Bytes held_;
  std::unique_ptr<Dhcp6Message> m_ = std::make_unique<Dhcp6Message>();
};

// ---------------------------------------------------------------- names

TEST(NamesTest, ParseErrorNames) {
  std::set<std::string> seen;
  for (size_t i = 0; i < kParseErrorCount; ++i) {
    const char* name = ParseErrorName(static_cast<ParseError>(i));
    ASSERT_NE(name, nullptr);
    EXPECT_TRUE(seen.insert(name).second) << name;
  }
  EXPECT_STREQ(ParseErrorName(ParseError::kNone), "ok");
  EXPECT_STREQ(ParseErrorName(ParseError::kRelayTooDeep), "relay_too_deep");
  EXPECT_STREQ(ParseErrorName(static_cast<ParseError>(kParseErrorCount)), "unknown");
}

TEST(NamesTest, MessageTypeNames) {
  EXPECT_STREQ(MessageTypeName(MessageType::kSolicit), "solicit");
  EXPECT_STREQ(MessageTypeName(MessageType::kInformationRequest), "information-request");
  EXPECT_STREQ(MessageTypeName(MessageType::kRelayRepl), "relay-repl");
  EXPECT_STREQ(MessageTypeName(MessageType::kNone), "none");
  EXPECT_STREQ(MessageTypeName(static_cast<MessageType>(14)), "unknown");
  EXPECT_STREQ(MessageTypeName(static_cast<MessageType>(255)), "unknown");
}

// ---------------------------------------------------------------- real captures

TEST_F(ParseTest, DhclientSolicit) {
  ASSERT_EQ(P(testing::kDhclientSolicit), ParseError::kNone);
  const Dhcp6Message& m = *m_;
  EXPECT_EQ(m.relay_depth(), 0u);
  EXPECT_EQ(m.type(), MessageType::kSolicit);
  EXPECT_EQ(m.xid(), 0x27bbeau);
  EXPECT_EQ(m.client_bytes().data(), held_.data());
  EXPECT_EQ(m.client_bytes().size(), testing::kDhclientSolicit.size());
  EXPECT_EQ(m.bytes().size(), testing::kDhclientSolicit.size());
  EXPECT_EQ(Span(m.ClientId()), kDuid);
  EXPECT_FALSE(m.Has(opt::kServerId));
  EXPECT_TRUE(m.ServerId().empty());
  EXPECT_EQ(Span(m.Oro()), Hex("0017 0018 0043"));
  EXPECT_TRUE(m.Requests(opt::kDnsServers));
  EXPECT_TRUE(m.Requests(opt::kDomainSearch));
  EXPECT_TRUE(m.Requests(opt::kPdExclude));
  EXPECT_FALSE(m.Requests(opt::kSntpServers));
  EXPECT_TRUE(m.Has(opt::kElapsedTime));
  EXPECT_EQ(m.ElapsedTime(), 0);
  EXPECT_FALSE(m.RapidCommit());
  EXPECT_FALSE(m.ReconfigureAccept());
  EXPECT_TRUE(m.ClientFqdn().empty());
  ASSERT_EQ(m.ias().size(), 2u);
  EXPECT_EQ(m.ias()[0].type, IaType::kNa);
  EXPECT_EQ(m.ias()[0].iaid, 2u);
  EXPECT_EQ(m.ias()[0].t1, 3600u);
  EXPECT_EQ(m.ias()[0].t2, 5400u);
  EXPECT_EQ(m.ias()[0].entry_count, 0);
  EXPECT_EQ(m.ias()[1].type, IaType::kPd);
  EXPECT_EQ(m.ias()[1].iaid, 2u);
  EXPECT_EQ(m.ias()[1].t1, 3600u);
  EXPECT_EQ(m.ias()[1].t2, 5400u);
  EXPECT_EQ(m.ias()[1].entry_count, 0);
}

TEST_F(ParseTest, DhclientRequestWithHints) {
  ASSERT_EQ(P(testing::kDhclientRequest), ParseError::kNone);
  const Dhcp6Message& m = *m_;
  EXPECT_EQ(m.type(), MessageType::kRequest);
  EXPECT_EQ(m.xid(), 0x7fa8c8u);
  EXPECT_EQ(Span(m.ServerId()), Hex("0001000129b92700020000000001"));
  ASSERT_EQ(m.ias().size(), 2u);
  const Ia& na = m.ias()[0];
  ASSERT_EQ(na.entry_count, 1);
  EXPECT_EQ(na.entries[0].address, Addr(Hex("20010db8000100000000000000000100")));
  EXPECT_EQ(na.entries[0].prefix_len, 128);
  EXPECT_EQ(na.entries[0].preferred, 7200u);
  EXPECT_EQ(na.entries[0].valid, 7500u);
  const Ia& pd = m.ias()[1];
  EXPECT_EQ(pd.type, IaType::kPd);
  ASSERT_EQ(pd.entry_count, 1);
  EXPECT_EQ(pd.entries[0].address, Addr(Hex("20010db8010000000000000000000000")));
  EXPECT_EQ(pd.entries[0].prefix_len, 56);
  EXPECT_EQ(pd.entries[0].preferred, 7200u);
  EXPECT_EQ(pd.entries[0].valid, 7500u);
}

TEST_F(ParseTest, PerfdhcpRelayedSolicit) {
  const Bytes& b = testing::kPerfdhcpRelayedSolicit;
  ASSERT_EQ(P(b), ParseError::kNone);
  const Dhcp6Message& m = *m_;
  ASSERT_EQ(m.relay_depth(), 1u);
  const RelayInfo& r = m.relay(0);
  EXPECT_EQ(r.hop_count, 0);
  EXPECT_EQ(r.link_address, Addr(Hex("fe80000000000000000000fffe000002")));
  EXPECT_EQ(r.peer_address, Addr(Hex("fe80000000000000000000fffe000002")));
  EXPECT_TRUE(r.interface_id.empty());
  EXPECT_TRUE(r.remote_id.empty());
  EXPECT_TRUE(r.subscriber_id.empty());
  EXPECT_EQ(r.options.data(), held_.data() + kRelayHeaderSize);
  EXPECT_EQ(r.options.size(), b.size() - kRelayHeaderSize);
  EXPECT_EQ(m.type(), MessageType::kSolicit);
  EXPECT_EQ(m.xid(), 0u);
  EXPECT_EQ(m.client_bytes().data(), held_.data() + kRelayHeaderSize + 4);
  EXPECT_EQ(m.client_bytes().size(), 0x44u);
  EXPECT_EQ(Span(m.ClientId()), Hex("000100013298cff0000c01020304"));
  EXPECT_TRUE(m.Requests(opt::kDnsServers));
  ASSERT_EQ(m.ias().size(), 2u);
  EXPECT_EQ(m.ias()[0].type, IaType::kNa);
  EXPECT_EQ(m.ias()[0].iaid, 1u);
  EXPECT_EQ(m.ias()[1].type, IaType::kPd);
}

TEST_F(ParseTest, KeaRepliesAreServerMessages) {
  EXPECT_EQ(P(testing::kKeaAdvertise), ParseError::kServerMessage);
  EXPECT_EQ(P(testing::kKeaRelayRepl), ParseError::kServerMessage);
}

// ---------------------------------------------------------------- message types

TEST_F(ParseTest, EveryClientMessageTypeParses) {
  for (uint8_t t : {1, 3, 4, 5, 6, 8, 9, 11}) {
    Bytes b = testing::kDhclientRequest;
    b[0] = t;
    ASSERT_EQ(P(b), ParseError::kNone) << int(t);
    EXPECT_EQ(m_->type(), static_cast<MessageType>(t));
    EXPECT_EQ(m_->ias().size(), 2u);
    // Relayed, too.
    ASSERT_EQ(P(RelayForw(0, kLinkA, kPeerA, b)), ParseError::kNone) << int(t);
    EXPECT_EQ(m_->type(), static_cast<MessageType>(t));
  }
}

TEST_F(ParseTest, ServerMessageTypes) {
  for (uint8_t t : {2, 7, 10, 13}) {
    Bytes b = testing::kDhclientSolicit;
    b[0] = t;
    EXPECT_EQ(P(b), ParseError::kServerMessage) << int(t);
    // A server message inside a Relay-Forw is no better.
    EXPECT_EQ(P(RelayForw(0, kLinkA, kPeerA, b)), ParseError::kServerMessage) << int(t);
  }
}

TEST_F(ParseTest, BadMessageTypes) {
  for (int t : {0, 14, 15, 100, 255}) {
    Bytes b = testing::kDhclientSolicit;
    b[0] = uint8_t(t);
    EXPECT_EQ(P(b), ParseError::kBadMessageType) << t;
    EXPECT_EQ(P(RelayForw(0, kLinkA, kPeerA, b)), ParseError::kBadMessageType) << t;
  }
}

TEST_F(ParseTest, MinimalMessages) {
  ASSERT_EQ(P(ClientMsg(11, 0xabcdef, {})), ParseError::kNone);
  EXPECT_EQ(m_->type(), MessageType::kInformationRequest);
  EXPECT_EQ(m_->xid(), 0xabcdefu);
  EXPECT_TRUE(m_->options().empty());
  EXPECT_TRUE(m_->ias().empty());
  EXPECT_EQ(m_->ElapsedTime(), 0);
}

// ---------------------------------------------------------------- relay chains

TEST_F(ParseTest, RelayDepthOneWithRelayOptions) {
  const Bytes remote_id = Cat({Be32(4491), Str("modem-7")});
  const Bytes b = RelayForw(
      3, kLinkA, kPeerA, testing::kDhclientSolicit,
      Cat({Opt(opt::kInterfaceId, Str("ge-0/0/1.100")), Opt(opt::kRemoteId, remote_id)}),
      Opt(opt::kSubscriberId, Str("sub-42")));
  ASSERT_EQ(P(b), ParseError::kNone);
  ASSERT_EQ(m_->relay_depth(), 1u);
  const RelayInfo& r = m_->relay(0);
  EXPECT_EQ(r.hop_count, 3);
  EXPECT_EQ(r.link_address, Addr(kLinkA));
  EXPECT_EQ(r.peer_address, Addr(kPeerA));
  EXPECT_EQ(Span(r.interface_id), Str("ge-0/0/1.100"));
  EXPECT_EQ(Span(r.remote_id), remote_id);
  EXPECT_EQ(Span(r.subscriber_id), Str("sub-42"));
  EXPECT_EQ(Span(r.options), Bytes(b.begin() + kRelayHeaderSize, b.end()));
  EXPECT_EQ(Span(m_->client_bytes()), testing::kDhclientSolicit);
  EXPECT_EQ(m_->xid(), 0x27bbeau);
}

TEST_F(ParseTest, RelayDepthTwoOutermostFirst) {
  const Bytes inner = RelayForw(0, kLinkA, kPeerA, testing::kDhclientSolicit,
                                Opt(opt::kInterfaceId, Str("vlan100")));
  const Bytes b = RelayForw(1, kLinkB, kPeerB, inner,
                            Cat({Opt(opt::kRemoteId, Cat({Be32(9), Str("olt-3")})),
                                 Opt(opt::kInterfaceId, Str("ge-0/0/1"))}));
  ASSERT_EQ(P(b), ParseError::kNone);
  ASSERT_EQ(m_->relay_depth(), 2u);
  EXPECT_EQ(m_->relay(0).hop_count, 1);
  EXPECT_EQ(m_->relay(0).link_address, Addr(kLinkB));
  EXPECT_EQ(m_->relay(0).peer_address, Addr(kPeerB));
  EXPECT_EQ(Span(m_->relay(0).interface_id), Str("ge-0/0/1"));
  EXPECT_EQ(Span(m_->relay(0).remote_id), Cat({Be32(9), Str("olt-3")}));
  EXPECT_TRUE(m_->relay(0).subscriber_id.empty());
  EXPECT_EQ(m_->relay(1).hop_count, 0);
  EXPECT_EQ(m_->relay(1).link_address, Addr(kLinkA));
  EXPECT_EQ(m_->relay(1).peer_address, Addr(kPeerA));
  EXPECT_EQ(Span(m_->relay(1).interface_id), Str("vlan100"));
  EXPECT_TRUE(m_->relay(1).remote_id.empty());
  EXPECT_EQ(m_->type(), MessageType::kSolicit);
  EXPECT_EQ(Span(m_->ClientId()), kDuid);
  EXPECT_EQ(m_->ias().size(), 2u);
}

TEST_F(ParseTest, RelayFirstOccurrenceWins) {
  const Bytes b = RelayForw(0, kLinkA, kPeerA, testing::kDhclientSolicit,
                            Cat({Opt(opt::kInterfaceId, Str("first")),
                                 Opt(opt::kInterfaceId, Str("second"))}),
                            Opt(opt::kRelayMsg, ClientMsg(1, 1, {})));
  ASSERT_EQ(P(b), ParseError::kNone);
  EXPECT_EQ(Span(m_->relay(0).interface_id), Str("first"));
  EXPECT_EQ(m_->xid(), 0x27bbeau);  // the first Relay-Message
}

Bytes Nest(size_t depth, const Bytes& client) {
  Bytes b = client;
  for (size_t i = 0; i < depth; ++i) {
    b = RelayForw(uint8_t(i), kLinkA, kPeerA, b, Opt(opt::kInterfaceId, Be32(uint32_t(i))));
  }
  return b;
}

TEST_F(ParseTest, RelayDepthLimit) {
  ASSERT_EQ(P(Nest(kMaxRelayDepth, testing::kDhclientSolicit)), ParseError::kNone);
  ASSERT_EQ(m_->relay_depth(), kMaxRelayDepth);
  for (size_t i = 0; i < kMaxRelayDepth; ++i) {
    // Nest() wraps innermost first: the outermost level has the highest number.
    EXPECT_EQ(Span(m_->relay(i).interface_id), Be32(uint32_t(kMaxRelayDepth - 1 - i)));
  }
  EXPECT_EQ(m_->type(), MessageType::kSolicit);
  EXPECT_EQ(P(Nest(kMaxRelayDepth + 1, testing::kDhclientSolicit)), ParseError::kRelayTooDeep);
  EXPECT_EQ(m_->relay_depth(), kMaxRelayDepth);  // safe to read what was unwrapped
}

TEST_F(ParseTest, RelayErrors) {
  // Header shorter than 34 bytes.
  Bytes b = RelayForw(0, kLinkA, kPeerA, testing::kDhclientSolicit);
  EXPECT_EQ(P(Bytes(b.begin(), b.begin() + 33)), ParseError::kTruncatedHeader);
  // A bare header, and one with only an Interface-Id: no Relay-Message.
  EXPECT_EQ(P(Bytes(b.begin(), b.begin() + 34)), ParseError::kNoRelayMessage);
  EXPECT_EQ(P(Cat({Bytes(b.begin(), b.begin() + 34), Opt(opt::kInterfaceId, Str("x"))})),
            ParseError::kNoRelayMessage);
  // A Relay-Message whose length runs past the end.
  b.pop_back();
  EXPECT_EQ(P(b), ParseError::kTruncatedOption);
  // A truncated option after a good Relay-Message.
  EXPECT_EQ(P(RelayForw(0, kLinkA, kPeerA, testing::kDhclientSolicit, {}, Hex("0012"))),
            ParseError::kTruncatedOption);
  // An empty Relay-Message, and one too short for a client header.
  EXPECT_EQ(P(RelayForw(0, kLinkA, kPeerA, {})), ParseError::kTruncatedHeader);
  EXPECT_EQ(P(RelayForw(0, kLinkA, kPeerA, Hex("010000"))), ParseError::kTruncatedHeader);
  // A Relay-Forw inside a Relay-Forw whose header is short.
  EXPECT_EQ(P(RelayForw(0, kLinkA, kPeerA, Hex("0c00"))), ParseError::kTruncatedHeader);
}

// ---------------------------------------------------------------- IAs

Bytes IaNa(uint32_t iaid, uint32_t t1, uint32_t t2, const Bytes& sub = {}) {
  return Opt(opt::kIaNa, Cat({Be32(iaid), Be32(t1), Be32(t2), sub}));
}
Bytes IaTa(uint32_t iaid, const Bytes& sub = {}) {
  return Opt(opt::kIaTa, Cat({Be32(iaid), sub}));
}
Bytes IaPd(uint32_t iaid, uint32_t t1, uint32_t t2, const Bytes& sub = {}) {
  return Opt(opt::kIaPd, Cat({Be32(iaid), Be32(t1), Be32(t2), sub}));
}
Bytes IaAddr(const Bytes& addr, uint32_t pref, uint32_t valid, const Bytes& sub = {}) {
  return Opt(opt::kIaAddr, Cat({addr, Be32(pref), Be32(valid), sub}));
}
Bytes IaPrefix(uint8_t len, const Bytes& prefix, uint32_t pref, uint32_t valid,
               const Bytes& sub = {}) {
  return Opt(opt::kIaPrefix, Cat({Be32(pref), Be32(valid), {len}, prefix, sub}));
}
Bytes Solicit(const Bytes& options) {
  return ClientMsg(1, 0x010203, Cat({Opt(opt::kClientId, kDuid), options}));
}
Bytes A(uint8_t last) {
  Bytes a = Hex("20010db8000100000000000000000000");
  a[15] = last;
  return a;
}

TEST_F(ParseTest, IaNaTaPdWithEntries) {
  const Bytes b = Solicit(Cat({
      IaNa(10, 100, 200, Cat({IaAddr(A(1), 300, 400), Opt(opt::kStatusCode, Be16(0)),
                              IaAddr(A(2), 0, 0, Opt(opt::kStatusCode, Be16(2)))})),
      IaTa(11, IaAddr(A(3), 5, 6)),
      IaPd(12, 700, 800,
           Cat({IaPrefix(56, Hex("20010db8010000000000000000000000"), 900, 1000,
                         Opt(opt::kPdExclude, Hex("3eac"))),
                IaPrefix(60, Bytes(16, 0), 0, 0)})),
      IaNa(13, 0, 0),
  }));
  ASSERT_EQ(P(b), ParseError::kNone);
  const auto ias = m_->ias();
  ASSERT_EQ(ias.size(), 4u);

  EXPECT_EQ(ias[0].type, IaType::kNa);
  EXPECT_EQ(ias[0].iaid, 10u);
  EXPECT_EQ(ias[0].t1, 100u);
  EXPECT_EQ(ias[0].t2, 200u);
  ASSERT_EQ(ias[0].entry_count, 2);
  EXPECT_EQ(ias[0].entries[0].address, Addr(A(1)));
  EXPECT_EQ(ias[0].entries[0].prefix_len, 128);
  EXPECT_EQ(ias[0].entries[0].preferred, 300u);
  EXPECT_EQ(ias[0].entries[0].valid, 400u);
  EXPECT_EQ(ias[0].entries[1].address, Addr(A(2)));

  EXPECT_EQ(ias[1].type, IaType::kTa);
  EXPECT_EQ(ias[1].iaid, 11u);
  EXPECT_EQ(ias[1].t1, 0u);
  EXPECT_EQ(ias[1].t2, 0u);
  ASSERT_EQ(ias[1].entry_count, 1);
  EXPECT_EQ(ias[1].entries[0].address, Addr(A(3)));
  EXPECT_EQ(ias[1].entries[0].preferred, 5u);
  EXPECT_EQ(ias[1].entries[0].valid, 6u);

  EXPECT_EQ(ias[2].type, IaType::kPd);
  EXPECT_EQ(ias[2].iaid, 12u);
  EXPECT_EQ(ias[2].t1, 700u);
  EXPECT_EQ(ias[2].t2, 800u);
  ASSERT_EQ(ias[2].entry_count, 2);
  EXPECT_EQ(ias[2].entries[0].prefix_len, 56);
  EXPECT_EQ(ias[2].entries[0].address, Addr(Hex("20010db8010000000000000000000000")));
  EXPECT_EQ(ias[2].entries[0].preferred, 900u);
  EXPECT_EQ(ias[2].entries[0].valid, 1000u);
  EXPECT_EQ(ias[2].entries[1].prefix_len, 60);

  EXPECT_EQ(ias[3].iaid, 13u);
  EXPECT_EQ(ias[3].entry_count, 0);
  // The index still holds the first IA_NA.
  EXPECT_EQ(m_->Option(opt::kIaNa).size(), 12u + 28 + 6 + 34);
}

TEST_F(ParseTest, EntriesOfTheOtherKindAreIgnored) {
  // An IA Prefix in an IA_NA and an IA Address in an IA_PD are not entries.
  const Bytes b = Solicit(Cat({IaNa(1, 0, 0, IaPrefix(64, Bytes(16, 0), 0, 0)),
                               IaPd(2, 0, 0, IaAddr(A(1), 0, 0))}));
  ASSERT_EQ(P(b), ParseError::kNone);
  ASSERT_EQ(m_->ias().size(), 2u);
  EXPECT_EQ(m_->ias()[0].entry_count, 0);
  EXPECT_EQ(m_->ias()[1].entry_count, 0);
}

TEST_F(ParseTest, EntriesBeyondTheLimitAreIgnored) {
  Bytes sub;
  for (uint8_t i = 1; i <= kMaxIaEntries + 2; ++i) sub = Cat({sub, IaAddr(A(i), i, i)});
  ASSERT_EQ(P(Solicit(IaNa(1, 0, 0, sub))), ParseError::kNone);
  const Ia& ia = m_->ias()[0];
  ASSERT_EQ(size_t{ia.entry_count}, kMaxIaEntries);
  for (uint8_t i = 0; i < kMaxIaEntries; ++i) EXPECT_EQ(ia.entries[i].address, Addr(A(i + 1)));
  // ... but they are still checked.
  sub = Cat({sub, Opt(opt::kIaAddr, Bytes(23, 0))});
  EXPECT_EQ(P(Solicit(IaNa(1, 0, 0, sub))), ParseError::kBadIa);
}

TEST_F(ParseTest, TooManyIas) {
  Bytes ias;
  for (uint32_t i = 0; i < kMaxIas; ++i) ias = Cat({ias, i % 2 ? IaPd(i, 0, 0) : IaNa(i, 0, 0)});
  ASSERT_EQ(P(Solicit(ias)), ParseError::kNone);
  EXPECT_EQ(m_->ias().size(), kMaxIas);
  EXPECT_EQ(P(Solicit(Cat({ias, IaTa(99)}))), ParseError::kTooManyIas);
}

TEST_F(ParseTest, BadIas) {
  const Bytes addr = IaAddr(A(1), 0, 0);
  EXPECT_EQ(P(Solicit(Opt(opt::kIaNa, Bytes(11, 0)))), ParseError::kBadIa);
  EXPECT_EQ(P(Solicit(Opt(opt::kIaTa, Bytes(3, 0)))), ParseError::kBadIa);
  EXPECT_EQ(P(Solicit(Opt(opt::kIaPd, Bytes(11, 0)))), ParseError::kBadIa);
  EXPECT_EQ(P(Solicit(Opt(opt::kIaTa, Bytes(4, 0)))), ParseError::kNone);
  // IA Address shorter than 24 bytes, IA Prefix shorter than 25.
  EXPECT_EQ(P(Solicit(IaNa(1, 0, 0, Opt(opt::kIaAddr, Bytes(23, 0))))), ParseError::kBadIa);
  EXPECT_EQ(P(Solicit(IaTa(1, Opt(opt::kIaAddr, Bytes(23, 0))))), ParseError::kBadIa);
  EXPECT_EQ(P(Solicit(IaPd(1, 0, 0, Opt(opt::kIaPrefix, Bytes(24, 0))))), ParseError::kBadIa);
  // A prefix longer than 128 bits.
  EXPECT_EQ(P(Solicit(IaPd(1, 0, 0, IaPrefix(129, Bytes(16, 0), 0, 0)))), ParseError::kBadIa);
  EXPECT_EQ(P(Solicit(IaPd(1, 0, 0, IaPrefix(128, Bytes(16, 0), 0, 0)))), ParseError::kNone);
  // A sub-option running past the end of the IA.
  Bytes cut = Cat({Be32(1), Be32(0), Be32(0), addr});
  cut.pop_back();
  EXPECT_EQ(P(Solicit(Opt(opt::kIaNa, cut))), ParseError::kBadIa);
  EXPECT_EQ(P(Solicit(Opt(opt::kIaNa, Cat({Be32(1), Be32(0), Be32(0), Hex("000500")})))),
            ParseError::kBadIa);
}

// ---------------------------------------------------------------- other errors

TEST_F(ParseTest, TruncatedHeader) {
  EXPECT_EQ(P({}), ParseError::kTruncatedHeader);
  EXPECT_EQ(P(Hex("01")), ParseError::kTruncatedHeader);
  EXPECT_EQ(P(Hex("010203")), ParseError::kTruncatedHeader);
  EXPECT_EQ(P(Hex("00")), ParseError::kTruncatedHeader);  // length before type
  EXPECT_EQ(P(Hex("01020304")), ParseError::kNone);
}

TEST_F(ParseTest, TruncatedOption) {
  const Bytes ok = ClientMsg(1, 1, Opt(opt::kElapsedTime, Be16(7)));
  for (size_t n = 5; n < ok.size(); ++n) {
    EXPECT_EQ(P(Bytes(ok.begin(), ok.begin() + n)), ParseError::kTruncatedOption) << n;
  }
  EXPECT_EQ(P(ok), ParseError::kNone);
  EXPECT_EQ(P(ClientMsg(1, 1, Hex("00ff0005 01020304"))), ParseError::kTruncatedOption);
}

TEST_F(ParseTest, BadDuid) {
  for (uint16_t code : {opt::kClientId, opt::kServerId}) {
    EXPECT_EQ(P(ClientMsg(3, 1, Opt(code, {}))), ParseError::kBadDuid);
    EXPECT_EQ(P(ClientMsg(3, 1, Opt(code, Bytes(1, 0)))), ParseError::kBadDuid);
    EXPECT_EQ(P(ClientMsg(3, 1, Opt(code, Bytes(2, 0)))), ParseError::kNone);
    EXPECT_EQ(P(ClientMsg(3, 1, Opt(code, Bytes(kMaxDuidSize, 0)))), ParseError::kNone);
    EXPECT_EQ(P(ClientMsg(3, 1, Opt(code, Bytes(kMaxDuidSize + 1, 0)))), ParseError::kBadDuid);
  }
  // A repeated Client-Id is checked too.
  EXPECT_EQ(P(ClientMsg(3, 1, Cat({Opt(opt::kClientId, kDuid), Opt(opt::kClientId, Bytes(1))}))),
            ParseError::kBadDuid);
}

TEST_F(ParseTest, FixedSizeOptions) {
  EXPECT_EQ(P(ClientMsg(1, 1, Opt(opt::kElapsedTime, Bytes(1, 0)))), ParseError::kBadOptionLength);
  EXPECT_EQ(P(ClientMsg(1, 1, Opt(opt::kElapsedTime, Bytes(3, 0)))), ParseError::kBadOptionLength);
  EXPECT_EQ(P(ClientMsg(1, 1, Opt(opt::kElapsedTime, {}))), ParseError::kBadOptionLength);
  EXPECT_EQ(P(ClientMsg(1, 1, Opt(opt::kOro, Hex("001700")))), ParseError::kBadOptionLength);
  EXPECT_EQ(P(ClientMsg(1, 1, Opt(opt::kOro, {}))), ParseError::kNone);
  EXPECT_EQ(P(ClientMsg(1, 1, Opt(opt::kRapidCommit, Hex("01")))), ParseError::kBadOptionLength);
  EXPECT_EQ(P(ClientMsg(1, 1, Opt(opt::kReconfAccept, Hex("01")))), ParseError::kBadOptionLength);
}

TEST_F(ParseTest, AccessorsAreSafeAfterAnyError) {
  const std::vector<Bytes> bad = {
      {}, Hex("00"), Hex("02000000"), Nest(kMaxRelayDepth + 1, testing::kDhclientSolicit),
      Solicit(Opt(opt::kIaNa, Bytes(3, 0))), ClientMsg(1, 1, Hex("0001"))};
  for (const Bytes& b : bad) {
    // A good message first, so stale state would show.
    ASSERT_EQ(P(Nest(2, testing::kDhclientRequest)), ParseError::kNone);
    EXPECT_NE(P(b), ParseError::kNone);
    EXPECT_EQ(m_->bytes().data(), held_.data());
    const Bytes& h = held_;
    auto inside = [&](std::span<const uint8_t> s) {
      return s.empty() || (s.data() >= h.data() && s.data() + s.size() <= h.data() + h.size());
    };
    for (uint16_t code = 0; code < 300; ++code) EXPECT_TRUE(inside(m_->Option(code)));
    EXPECT_TRUE(inside(m_->client_bytes()));
    EXPECT_TRUE(inside(m_->options()));
    EXPECT_LE(m_->ias().size(), kMaxIas);
    EXPECT_LE(m_->relay_depth(), kMaxRelayDepth);
    EXPECT_EQ(m_->ElapsedTime(), 0);
    EXPECT_FALSE(m_->Requests(opt::kDnsServers));
  }
  // Before any option is read, nothing is present.
  EXPECT_NE(P(Hex("0100")), ParseError::kNone);
  EXPECT_FALSE(m_->Has(opt::kClientId));
  EXPECT_TRUE(m_->ias().empty());
  EXPECT_EQ(m_->relay_depth(), 0u);
}

// ---------------------------------------------------------------- option index

TEST_F(ParseTest, OptionIndexFirstOccurrence) {
  const Bytes b = ClientMsg(
      1, 1,
      Cat({Opt(opt::kElapsedTime, Be16(0x1234)), Opt(opt::kElapsedTime, Be16(0x5678)),
           Opt(opt::kRapidCommit, {}), Opt(opt::kReconfAccept, {}), Opt(opt::kUserClass, Str("a")),
           Opt(opt::kUserClass, Str("b")), Opt(127, Str("hi")), Opt(128, Str("lo")),
           Opt(0xfffe, Str("x")), Opt(0xfffe, Str("y")), Opt(opt::kClientFqdn, Hex("0004686f7374"))}));
  ASSERT_EQ(P(b), ParseError::kNone);
  EXPECT_EQ(m_->ElapsedTime(), 0x1234);
  EXPECT_TRUE(m_->RapidCommit());
  EXPECT_TRUE(m_->Has(opt::kRapidCommit));
  EXPECT_TRUE(m_->Option(opt::kRapidCommit).empty());
  EXPECT_TRUE(m_->ReconfigureAccept());
  EXPECT_EQ(Span(m_->Option(opt::kUserClass)), Str("a"));
  EXPECT_EQ(Span(m_->Option(127)), Str("hi"));
  EXPECT_TRUE(m_->Has(128));
  EXPECT_EQ(Span(m_->Option(128)), Str("lo"));
  EXPECT_EQ(Span(m_->Option(0xfffe)), Str("x"));
  EXPECT_EQ(Span(m_->ClientFqdn()), Hex("0004686f7374"));
  EXPECT_FALSE(m_->Has(0));
  EXPECT_FALSE(m_->Has(129));
  EXPECT_TRUE(m_->Option(129).empty());
  EXPECT_FALSE(m_->Has(0xffff));
  EXPECT_EQ(m_->options().size(), b.size() - 4);
}

TEST_F(ParseTest, OptionsFarIntoALargeMessage) {
  // Slots hold 16-bit offsets: an option past 32 KiB is still found.
  const Bytes b = ClientMsg(1, 1, Cat({Opt(opt::kVendorOpts, Bytes(60000, 0xaa)),
                                       Opt(opt::kClientId, kDuid), Opt(200, Str("far"))}));
  ASSERT_EQ(P(b), ParseError::kNone);
  EXPECT_EQ(Span(m_->ClientId()), kDuid);
  EXPECT_EQ(m_->Option(opt::kVendorOpts).size(), 60000u);
  EXPECT_EQ(Span(m_->Option(200)), Str("far"));
  ASSERT_EQ(P(RelayForw(0, kLinkA, kPeerA, b)), ParseError::kNone);
  EXPECT_EQ(Span(m_->ClientId()), kDuid);
}

TEST_F(ParseTest, RequestsReadsTheOro) {
  ASSERT_EQ(P(ClientMsg(11, 1, Opt(opt::kOro, Hex("0017 0118 ffff")))), ParseError::kNone);
  EXPECT_TRUE(m_->Requests(23));
  EXPECT_TRUE(m_->Requests(0x118));
  EXPECT_TRUE(m_->Requests(0xffff));
  EXPECT_FALSE(m_->Requests(0x17 << 8));
  EXPECT_FALSE(m_->Requests(24));
  ASSERT_EQ(P(ClientMsg(11, 1, {})), ParseError::kNone);
  EXPECT_FALSE(m_->Requests(23));
}

TEST(FindOptionTest, WalksAndStopsAtTruncation) {
  const Bytes run = Cat({Opt(5, Str("a")), Opt(7, {}), Opt(5, Str("b"))});
  std::span<const uint8_t> out;
  ASSERT_TRUE(FindOption(run, 5, &out));
  EXPECT_EQ(Span(out), Str("a"));
  ASSERT_TRUE(FindOption(run, 7, &out));
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(FindOption(run, 6, &out));
  EXPECT_FALSE(FindOption({}, 5, &out));
  const Bytes cut = Cat({Opt(5, Str("a")), Hex("0007 0009 00")});
  EXPECT_FALSE(FindOption(cut, 7, &out));
  EXPECT_FALSE(FindOption(Hex("000700"), 7, &out));
}

// ---------------------------------------------------------------- truncation

// Every prefix of a relayed Solicit (two relays, real dhclient message inside) is
// parsed from a buffer of exactly its size. Only the prefixes that end on an option
// boundary of the outermost level after its Relay-Message are messages; every other
// one is an error, and nothing reads past the end (run under ASan by test/fuzz).
TEST_F(ParseTest, TruncationAtEveryOffsetOfARelayedSolicit) {
  const Bytes sub_id = Opt(opt::kSubscriberId, Str("sub-42"));
  const Bytes inner = RelayForw(0, kLinkA, kPeerA, testing::kDhclientRequest,
                                Opt(opt::kInterfaceId, Str("vlan100")));
  const Bytes full = RelayForw(1, kLinkB, kPeerB, inner,
                               Cat({Opt(opt::kInterfaceId, Str("ge-0/0/1")),
                                    Opt(opt::kRemoteId, Cat({Be32(9), Str("olt")}))}),
                               sub_id);
  const std::set<size_t> whole = {full.size() - sub_id.size(), full.size()};
  for (size_t n = 0; n <= full.size(); ++n) {
    const auto piece = std::make_unique<uint8_t[]>(n + 1);  // +1: never zero-sized
    std::copy(full.begin(), full.begin() + ptrdiff_t(n), piece.get());
    const ParseError e = Parse({piece.get(), n}, *m_);
    const ParseError again = Parse({piece.get(), n}, *m_);
    EXPECT_EQ(e, again) << n;
    if (whole.count(n)) {
      ASSERT_EQ(e, ParseError::kNone) << n;
      EXPECT_EQ(m_->relay_depth(), 2u);
      EXPECT_EQ(m_->ias().size(), 2u);
      EXPECT_EQ(Span(m_->relay(1).interface_id), Str("vlan100"));
      EXPECT_EQ(m_->relay(0).subscriber_id.empty(), n != full.size());
    } else {
      EXPECT_NE(e, ParseError::kNone) << n;
    }
    // Every span the message hands out lies inside the piece.
    const uint8_t* lo = piece.get();
    const uint8_t* hi = piece.get() + n;
    auto inside = [&](std::span<const uint8_t> s) {
      return s.empty() || (s.data() >= lo && s.data() + s.size() <= hi);
    };
    EXPECT_TRUE(inside(m_->client_bytes())) << n;
    EXPECT_TRUE(inside(m_->ClientId())) << n;
    for (size_t i = 0; i < m_->relay_depth(); ++i) {
      EXPECT_TRUE(inside(m_->relay(i).options)) << n;
      EXPECT_TRUE(inside(m_->relay(i).interface_id)) << n;
    }
  }
}

}  // namespace
}  // namespace fastlease::dhcp6
