// Tests for dhcp4::Parse and the Dhcp4Message accessors.
#include "dataplane/dhcp4/message.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dataplane/dhcp4/options.h"

namespace fastlease::dhcp4 {
namespace {

using Bytes = std::vector<uint8_t>;

// Writes a DHCPv4 message byte by byte, so each test states its wire bytes.
class MessageBytes {
 public:
  MessageBytes() : b_(kOptionsOffset, 0) {
    b_[0] = kBootRequest;
    b_[1] = 1;  // Ethernet
    b_[2] = 6;
    Put32(4, 0x12345678);  // xid
    const uint8_t mac[6] = {0x02, 0x00, 0x5e, 0x10, 0x20, 0x30};
    std::copy(std::begin(mac), std::end(mac), b_.begin() + 28);
    Put32(kHeaderSize, kMagicCookie);
  }

  MessageBytes& Opt(uint8_t code, const Bytes& data) {
    b_.push_back(code);
    b_.push_back(static_cast<uint8_t>(data.size()));
    b_.insert(b_.end(), data.begin(), data.end());
    return *this;
  }
  MessageBytes& Raw(const Bytes& data) {
    b_.insert(b_.end(), data.begin(), data.end());
    return *this;
  }
  MessageBytes& Type(MessageType t) { return Opt(opt::kMessageType, {uint8_t(t)}); }
  MessageBytes& End() { return Raw({opt::kEnd}); }
  // Writes raw bytes into the header at `offset` (e.g. into sname or file).
  MessageBytes& At(size_t offset, const Bytes& data) {
    std::copy(data.begin(), data.end(), b_.begin() + static_cast<ptrdiff_t>(offset));
    return *this;
  }
  MessageBytes& Put32(size_t offset, uint32_t v) {
    return At(offset, {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)});
  }
  Bytes& bytes() { return b_; }

 private:
  Bytes b_;
};

Bytes Str(const std::string& s) { return Bytes(s.begin(), s.end()); }
Bytes Span(std::span<const uint8_t> s) { return Bytes(s.begin(), s.end()); }

// The message is big (about 2 KiB); tests keep one on the heap.
std::unique_ptr<Dhcp4Message> NewMessage() { return std::make_unique<Dhcp4Message>(); }

TEST(ParseErrorNameTest, NamesEveryError) {
  EXPECT_STREQ(ParseErrorName(ParseError::kNone), "ok");
  EXPECT_STREQ(ParseErrorName(ParseError::kTruncatedHeader), "truncated_header");
  EXPECT_STREQ(ParseErrorName(ParseError::kBadOp), "bad_op");
  EXPECT_STREQ(ParseErrorName(ParseError::kBadHlen), "bad_hlen");
  EXPECT_STREQ(ParseErrorName(ParseError::kBadCookie), "bad_cookie");
  EXPECT_STREQ(ParseErrorName(ParseError::kTruncatedOption), "truncated_option");
  EXPECT_STREQ(ParseErrorName(ParseError::kBadOverload), "bad_overload");
  EXPECT_STREQ(ParseErrorName(ParseError::kOptionTooLong), "option_too_long");
  EXPECT_STREQ(ParseErrorName(ParseError::kBadMessageType), "bad_message_type");
  EXPECT_EQ(kParseErrorCount, 9u);
  EXPECT_STREQ(ParseErrorName(static_cast<ParseError>(200)), "unknown");
}

TEST(ParseTest, EveryMessageTypeParses) {
  auto m = NewMessage();
  for (uint8_t t = 1; t <= 8; ++t) {
    MessageBytes mb;
    mb.Type(MessageType(t)).End();
    ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone) << int(t);
    EXPECT_EQ(m->type(), MessageType(t));
    EXPECT_TRUE(m->Has(opt::kMessageType));
  }
}

TEST(ParseTest, HeaderFields) {
  MessageBytes mb;
  mb.At(0, {kBootReply, 6, 16, 3})
      .Put32(4, 0xdeadbeef)
      .At(8, {0x01, 0x02, 0x80, 0x00})  // secs 258, broadcast
      .Put32(12, 0x0a000001)
      .Put32(16, 0x0a000002)
      .Put32(20, 0x0a000003)
      .Put32(24, 0x0a000004);
  for (uint8_t i = 0; i < 16; ++i) mb.At(28 + i, {uint8_t(0xa0 + i)});
  mb.At(kSnameOffset, Str("server")).At(kFileOffset, Str("boot.img"));
  mb.Type(MessageType::kAck).End();
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_EQ(m->op(), kBootReply);
  EXPECT_EQ(m->htype(), 6);
  EXPECT_EQ(m->hlen(), 16);
  EXPECT_EQ(m->hops(), 3);
  EXPECT_EQ(m->xid(), 0xdeadbeefu);
  EXPECT_EQ(m->secs(), 258);
  EXPECT_EQ(m->flags(), 0x8000);
  EXPECT_TRUE(m->broadcast_flag());
  EXPECT_EQ(m->ciaddr(), 0x0a000001u);
  EXPECT_EQ(m->yiaddr(), 0x0a000002u);
  EXPECT_EQ(m->siaddr(), 0x0a000003u);
  EXPECT_EQ(m->giaddr(), 0x0a000004u);
  ASSERT_EQ(m->chaddr().size(), 16u);
  EXPECT_EQ(m->chaddr()[15], 0xaf);
  EXPECT_EQ(m->chaddr_field()[0], 0xa0);
  EXPECT_EQ(Span(m->sname_field().first(6)), Str("server"));
  EXPECT_EQ(m->sname_field().size(), kSnameSize);
  EXPECT_EQ(Span(m->file_field().first(8)), Str("boot.img"));
  EXPECT_EQ(m->file_field().size(), kFileSize);
  EXPECT_EQ(m->bytes().data(), mb.bytes().data());
  EXPECT_EQ(m->bytes().size(), mb.bytes().size());
  EXPECT_EQ(m->overload(), 0);
}

TEST(ParseTest, MessageWithoutOption53IsBootp) {
  MessageBytes mb;
  mb.Opt(opt::kHostName, Str("x")).End();
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_EQ(m->type(), MessageType::kNone);
  EXPECT_FALSE(m->Has(opt::kMessageType));
}

TEST(ParseTest, EmptyOptionsFieldParses) {
  MessageBytes mb;  // exactly 240 bytes: cookie and nothing else
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_EQ(m->type(), MessageType::kNone);
}

// --- real captures --------------------------------------------------------

struct Udp {
  uint16_t src_port;
  uint16_t dst_port;
  Bytes payload;
};

// Minimal reader for Ethernet/IPv4/UDP pcap files (little-endian, microseconds).
std::vector<Udp> ReadPcapUdp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const Bytes file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<Udp> out;
  if (file.size() < 24) return out;
  auto le32 = [&](size_t o) {
    return uint32_t(file[o]) | uint32_t(file[o + 1]) << 8 | uint32_t(file[o + 2]) << 16 |
           uint32_t(file[o + 3]) << 24;
  };
  EXPECT_EQ(le32(0), 0xa1b2c3d4u) << "unexpected pcap magic in " << path;
  EXPECT_EQ(le32(20), 1u) << "not Ethernet: " << path;
  size_t off = 24;
  while (off + 16 <= file.size()) {
    const size_t caplen = le32(off + 8);
    off += 16;
    if (off + caplen > file.size()) break;
    const uint8_t* f = file.data() + off;
    off += caplen;
    if (caplen < 14 + 20 + 8 || f[12] != 0x08 || f[13] != 0x00) continue;  // IPv4 only
    const uint8_t* ip = f + 14;
    const size_t ihl = size_t(ip[0] & 0x0f) * 4;
    if (ip[9] != 17 || caplen < 14 + ihl + 8) continue;  // UDP only
    const uint8_t* udp = ip + ihl;
    const size_t udp_len = size_t(udp[4]) << 8 | udp[5];
    const size_t avail = caplen - 14 - ihl;
    if (udp_len < 8 || udp_len > avail) continue;
    out.push_back({uint16_t(udp[0] << 8 | udp[1]), uint16_t(udp[2] << 8 | udp[3]),
                   Bytes(udp + 8, udp + udp_len)});
  }
  return out;
}

std::string CaptureDir() {
  const char* dir = std::getenv("FASTLEASE_CAPTURES_DIR");
  return dir != nullptr ? dir : "/work/shared/captures";
}

std::vector<Udp> DhcpPackets(const std::string& file) {
  std::vector<Udp> dhcp;
  for (auto& u : ReadPcapUdp(CaptureDir() + "/" + file)) {
    const bool dhcp_ports = (u.src_port == kClientPort && u.dst_port == kServerPort) ||
                            (u.src_port == kServerPort && u.dst_port == kClientPort);
    if (dhcp_ports) dhcp.push_back(std::move(u));
  }
  return dhcp;
}

TEST(CaptureTest, CharruaAppleClient) {
  const auto packets = DhcpPackets("charrua-dhcp.pcap");
  ASSERT_EQ(packets.size(), 3u) << "captures not found? set FASTLEASE_CAPTURES_DIR";
  // The file holds two REQUESTs (a retransmission) and the server's ACK.
  const MessageType want[] = {MessageType::kRequest, MessageType::kRequest, MessageType::kAck};
  auto m = NewMessage();
  for (size_t i = 0; i < packets.size(); ++i) {
    SCOPED_TRACE(i);
    ASSERT_EQ(Parse(packets[i].payload, *m), ParseError::kNone);
    EXPECT_EQ(m->type(), want[i]);
    EXPECT_EQ(m->bytes().size(), 300u);
    EXPECT_EQ(m->xid(), 0x78a18288u);
    EXPECT_EQ(m->htype(), 1);
    ASSERT_EQ(m->hlen(), 6);
    EXPECT_EQ(Span(m->chaddr()), (Bytes{0x68, 0x5b, 0x35, 0xaa, 0x29, 0x16}));
    EXPECT_EQ(m->overload(), 0);
  }
  ASSERT_EQ(Parse(packets[0].payload, *m), ParseError::kNone);
  EXPECT_EQ(m->op(), kBootRequest);
  EXPECT_EQ(m->RequestedAddress(), 0xc0a80814u);  // 192.168.8.20
  EXPECT_EQ(m->LeaseTime(), 7776000u);
  EXPECT_EQ(m->MaxMessageSize(), 1500);
  EXPECT_EQ(Span(m->Option(opt::kHostName)), Str("feanor"));
  EXPECT_EQ(Span(m->ClientId()), (Bytes{1, 0x68, 0x5b, 0x35, 0xaa, 0x29, 0x16}));
  EXPECT_EQ(Span(m->ParameterRequestList()), (Bytes{1, 3, 6, 15, 119, 95, 252, 44, 46}));
  EXPECT_FALSE(m->ServerId());
  EXPECT_TRUE(m->RelayAgentInfo().empty());

  ASSERT_EQ(Parse(packets[1].payload, *m), ParseError::kNone);
  EXPECT_EQ(m->secs(), 2);

  ASSERT_EQ(Parse(packets[2].payload, *m), ParseError::kNone);
  EXPECT_EQ(m->op(), kBootReply);
  EXPECT_EQ(m->yiaddr(), 0xc0a80814u);
  EXPECT_EQ(m->siaddr(), 0xc0a80801u);
  EXPECT_EQ(m->ServerId(), 0xc0a80801u);
  EXPECT_EQ(m->LeaseTime(), 86400u);
  EXPECT_EQ(Span(m->Option(opt::kDomainName)), Str("midearth"));
  EXPECT_EQ(Span(m->Option(opt::kRenewalTime)), (Bytes{0, 0, 0xa8, 0xc0}));  // 43200
}

TEST(CaptureTest, CharruaGrandstreamClient) {
  const auto packets = DhcpPackets("charrua-dhcp2.pcap");
  ASSERT_EQ(packets.size(), 4u) << "captures not found? set FASTLEASE_CAPTURES_DIR";
  const MessageType want[] = {MessageType::kDiscover, MessageType::kOffer,
                              MessageType::kRequest, MessageType::kAck};
  const uint32_t xids[] = {0x3d1d, 0x3d1d, 0x3d1e, 0x3d1e};
  auto m = NewMessage();
  for (size_t i = 0; i < packets.size(); ++i) {
    SCOPED_TRACE(i);
    ASSERT_EQ(Parse(packets[i].payload, *m), ParseError::kNone);
    EXPECT_EQ(m->type(), want[i]);
    EXPECT_EQ(m->xid(), xids[i]);
    ASSERT_EQ(m->hlen(), 6);
    EXPECT_EQ(Span(m->chaddr()), (Bytes{0x00, 0x0b, 0x82, 0x01, 0xfc, 0x42}));
    EXPECT_EQ(m->bytes().size(), i % 2 == 0 ? 272u : 300u);
    EXPECT_EQ(m->op(), i % 2 == 0 ? kBootRequest : kBootReply);
    if (i % 2 == 0) {
      EXPECT_EQ(Span(m->ParameterRequestList()), (Bytes{1, 3, 6, 42}));
      EXPECT_EQ(Span(m->ClientId()), (Bytes{1, 0x00, 0x0b, 0x82, 0x01, 0xfc, 0x42}));
      EXPECT_FALSE(m->MaxMessageSize());
    } else {
      EXPECT_EQ(m->yiaddr(), 0xc0a8000au);  // 192.168.0.10
      EXPECT_EQ(m->ServerId(), 0xc0a80001u);
      EXPECT_EQ(m->LeaseTime(), 3600u);
    }
  }
  ASSERT_EQ(Parse(packets[0].payload, *m), ParseError::kNone);
  EXPECT_EQ(m->RequestedAddress(), 0u);
  ASSERT_EQ(Parse(packets[2].payload, *m), ParseError::kNone);
  EXPECT_EQ(m->RequestedAddress(), 0xc0a8000au);
  EXPECT_EQ(m->ServerId(), 0xc0a80001u);
}

// --- malformed input ------------------------------------------------------

// A DISCOVER with several options and trailing pad; `boundaries` collects the
// offsets at which a truncated copy ends exactly between two TLVs.
Bytes TypicalDiscover(std::vector<size_t>* boundaries) {
  MessageBytes mb;
  auto mark = [&] {
    if (boundaries != nullptr) boundaries->push_back(mb.bytes().size());
  };
  mark();
  mb.Type(MessageType::kDiscover);
  mark();
  mb.Opt(opt::kClientId, {1, 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30});
  mark();
  mb.Raw({opt::kPad});
  mark();
  mb.Opt(opt::kParameterRequestList, {1, 3, 6, 15, 28, 42, 51, 54, 58, 59, 119, 121});
  mark();
  mb.Opt(opt::kMaxMessageSize, {0x05, 0xdc});
  mark();
  mb.Opt(opt::kRelayAgentInfo, {1, 3, 'a', 'b', 'c'});
  mark();
  mb.Opt(opt::kRelayAgentInfo, {2, 2, 'x', 'y'});  // RFC 3396 continuation
  mark();
  mb.Opt(opt::kHostName, Str("laptop"));
  mark();
  mb.Opt(opt::kRapidCommit, {});
  mark();
  mb.End();
  // Everything after End is ignored, so every longer prefix parses.
  mb.Raw(Bytes(20, 0));
  if (boundaries != nullptr) {
    for (size_t n = mb.bytes().size() - 20; n <= mb.bytes().size(); ++n) boundaries->push_back(n);
  }
  return mb.bytes();
}

TEST(MalformedTest, TruncationAtEveryOffset) {
  std::vector<size_t> boundaries;
  const Bytes full = TypicalDiscover(&boundaries);
  auto ref = NewMessage();
  ASSERT_EQ(Parse(full, *ref), ParseError::kNone);
  auto m = NewMessage();
  for (size_t n = 0; n <= full.size(); ++n) {
    SCOPED_TRACE(n);
    // An exact-size heap copy, so ASan flags any read past the end.
    std::unique_ptr<uint8_t[]> copy(new uint8_t[n == 0 ? 1 : n]);
    std::copy(full.begin(), full.begin() + static_cast<ptrdiff_t>(n), copy.get());
    const ParseError e = Parse({copy.get(), n}, *m);
    if (n < kHeaderSize) {
      EXPECT_EQ(e, ParseError::kTruncatedHeader);
      continue;
    }
    if (n < kOptionsOffset) {
      EXPECT_EQ(e, ParseError::kBadCookie);
      continue;
    }
    const bool at_boundary =
        std::find(boundaries.begin(), boundaries.end(), n) != boundaries.end();
    if (!at_boundary) {
      EXPECT_EQ(e, ParseError::kTruncatedOption);
      continue;
    }
    ASSERT_EQ(e, ParseError::kNone);
    // Every option the prefix holds matches the full parse; the others are absent
    // or, for the split option 82, a prefix of the full value.
    for (int code = 1; code < 255; ++code) {
      if (!m->Has(uint8_t(code))) continue;
      ASSERT_TRUE(ref->Has(uint8_t(code))) << code;
      const auto got = m->Option(uint8_t(code));
      const auto want = ref->Option(uint8_t(code));
      ASSERT_LE(got.size(), want.size()) << code;
      EXPECT_TRUE(std::equal(got.begin(), got.end(), want.begin())) << code;
      if (code != opt::kRelayAgentInfo) {
        EXPECT_EQ(got.size(), want.size()) << code;
      }
    }
  }
}

TEST(MalformedTest, TruncationOfOverloadedMessageAtEveryOffset) {
  MessageBytes mb;
  mb.At(kFileOffset, {opt::kHostName, 3, 'a', 'b', 'c', opt::kEnd});
  mb.At(kSnameOffset, {opt::kDomainName, 2, 'x', 'y', opt::kEnd});
  mb.Type(MessageType::kRequest).Opt(opt::kOverload, {kOverloadBoth}).End();
  const Bytes full = mb.bytes();
  auto m = NewMessage();
  for (size_t n = 0; n <= full.size(); ++n) {
    std::unique_ptr<uint8_t[]> copy(new uint8_t[n == 0 ? 1 : n]);
    std::copy(full.begin(), full.begin() + static_cast<ptrdiff_t>(n), copy.get());
    const ParseError e = Parse({copy.get(), n}, *m);
    if (e == ParseError::kNone) {
      EXPECT_GE(n, kOptionsOffset);
      for (int code = 0; code < 256; ++code) {
        for (uint8_t byte : m->Option(uint8_t(code))) (void)byte;
      }
    }
  }
  ASSERT_EQ(Parse(full, *m), ParseError::kNone);
  EXPECT_EQ(Span(m->Option(opt::kHostName)), Str("abc"));
  EXPECT_EQ(Span(m->Option(opt::kDomainName)), Str("xy"));
}

TEST(MalformedTest, ShortHeaders) {
  auto m = NewMessage();
  const Bytes empty;
  EXPECT_EQ(Parse(empty, *m), ParseError::kTruncatedHeader);
  MessageBytes mb;
  Bytes b = mb.bytes();
  b.resize(235);
  EXPECT_EQ(Parse(b, *m), ParseError::kTruncatedHeader);
  b.resize(236);
  EXPECT_EQ(Parse(b, *m), ParseError::kBadCookie);  // cookie missing
  b.resize(239);
  EXPECT_EQ(Parse(b, *m), ParseError::kBadCookie);
}

TEST(MalformedTest, AccessorsAreSafeAfterAnyError) {
  auto m = NewMessage();
  const Bytes tiny = {kBootRequest, 1, 6};
  ASSERT_EQ(Parse(tiny, *m), ParseError::kTruncatedHeader);
  EXPECT_EQ(m->op(), 0);  // a zeroed header stands in for the missing bytes
  EXPECT_EQ(m->xid(), 0u);
  EXPECT_TRUE(m->chaddr().empty());
  EXPECT_TRUE(m->bytes().empty());
  EXPECT_EQ(m->type(), MessageType::kNone);
  EXPECT_FALSE(m->Has(opt::kMessageType));

  // An hlen past the chaddr field would make chaddr() read beyond a short input.
  MessageBytes bad_hlen;
  bad_hlen.At(2, {255});
  Bytes short_bad_hlen = bad_hlen.bytes();
  short_bad_hlen.resize(kHeaderSize);
  ASSERT_EQ(Parse(short_bad_hlen, *m), ParseError::kBadHlen);
  EXPECT_TRUE(m->chaddr().empty());
  short_bad_hlen[0] = 7;  // bad op as well: hlen is reported, chaddr() stays safe
  ASSERT_EQ(Parse(short_bad_hlen, *m), ParseError::kBadHlen);
  EXPECT_TRUE(m->chaddr().empty());

  MessageBytes mb;
  mb.Type(MessageType::kDiscover).Opt(opt::kHostName, Str("ok")).Raw({opt::kClientId, 9});
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kTruncatedOption);
  EXPECT_EQ(m->xid(), 0x12345678u);
  // Options indexed before the error still point inside the input.
  EXPECT_EQ(Span(m->Option(opt::kHostName)), Str("ok"));
  EXPECT_FALSE(m->Has(opt::kClientId));
}

TEST(MalformedTest, BadCookie) {
  MessageBytes mb;
  mb.Type(MessageType::kDiscover).End();
  auto m = NewMessage();
  for (size_t i = 0; i < 4; ++i) {
    Bytes b = mb.bytes();
    b[kHeaderSize + i] ^= 0x01;
    EXPECT_EQ(Parse(b, *m), ParseError::kBadCookie) << i;
  }
  Bytes b = mb.bytes();
  b[kHeaderSize] = 0x53;  // byte-swapped cookie
  b[kHeaderSize + 1] = 0x63;
  b[kHeaderSize + 2] = 0x82;
  b[kHeaderSize + 3] = 0x63;
  EXPECT_EQ(Parse(b, *m), ParseError::kBadCookie);
}

TEST(MalformedTest, BadOp) {
  auto m = NewMessage();
  for (uint8_t op : {0, 3, 255}) {
    MessageBytes mb;
    mb.At(0, {op}).Type(MessageType::kDiscover).End();
    EXPECT_EQ(Parse(mb.bytes(), *m), ParseError::kBadOp) << int(op);
  }
  MessageBytes reply;
  reply.At(0, {kBootReply}).Type(MessageType::kOffer).End();
  EXPECT_EQ(Parse(reply.bytes(), *m), ParseError::kNone);
}

TEST(MalformedTest, Hlen) {
  auto m = NewMessage();
  MessageBytes mb;
  mb.At(2, {17}).Type(MessageType::kDiscover).End();
  EXPECT_EQ(Parse(mb.bytes(), *m), ParseError::kBadHlen);
  mb.At(2, {255});
  EXPECT_EQ(Parse(mb.bytes(), *m), ParseError::kBadHlen);
  mb.At(2, {16});
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_EQ(m->chaddr().size(), 16u);
  mb.At(2, {0});
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_TRUE(m->chaddr().empty());
}

TEST(MalformedTest, OptionLengthPastEnd) {
  MessageBytes mb;
  mb.Type(MessageType::kDiscover).Raw({opt::kHostName, 16, 'a', 'b'});
  auto m = NewMessage();
  EXPECT_EQ(Parse(mb.bytes(), *m), ParseError::kTruncatedOption);
}

TEST(MalformedTest, OptionCodeAtLastByte) {
  MessageBytes mb;
  mb.Type(MessageType::kDiscover).Raw({opt::kHostName});
  auto m = NewMessage();
  EXPECT_EQ(Parse(mb.bytes(), *m), ParseError::kTruncatedOption);
}

TEST(MalformedTest, OptionEndingExactlyAtBufferEndWithoutEnd) {
  MessageBytes mb;
  mb.Type(MessageType::kDiscover).Opt(opt::kHostName, Str("abc"));
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_EQ(Span(m->Option(opt::kHostName)), Str("abc"));
  EXPECT_EQ(m->type(), MessageType::kDiscover);
}

TEST(MalformedTest, BytesAfterEndAreIgnored) {
  MessageBytes mb;
  mb.Type(MessageType::kDiscover).End().Raw({opt::kHostName, 200, 'a'});
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_FALSE(m->Has(opt::kHostName));
}

TEST(MalformedTest, MessageTypeLengthAndValue) {
  auto m = NewMessage();
  const Bytes bad[] = {{}, {1, 1}, {0}, {19}, {255}};
  for (const Bytes& data : bad) {
    MessageBytes mb;
    mb.Opt(opt::kMessageType, data).End();
    EXPECT_EQ(Parse(mb.bytes(), *m), ParseError::kBadMessageType) << data.size();
  }
  // Two 53s concatenate to a 2-byte value, which is wrong too.
  MessageBytes twice;
  twice.Type(MessageType::kDiscover).Type(MessageType::kDiscover).End();
  EXPECT_EQ(Parse(twice.bytes(), *m), ParseError::kBadMessageType);
}

// --- pad and overload -----------------------------------------------------

TEST(PadTest, PadsAreSkippedAnywhere) {
  MessageBytes mb;
  mb.Raw({0, 0, 0}).Type(MessageType::kInform).Raw({0}).Opt(opt::kHostName, Str("h"));
  mb.Raw({0, 0}).End().Raw({0, 0, 0, 0});
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_EQ(m->type(), MessageType::kInform);
  EXPECT_EQ(Span(m->Option(opt::kHostName)), Str("h"));
  EXPECT_FALSE(m->Has(opt::kPad));
  EXPECT_FALSE(m->Has(opt::kEnd));
}

TEST(PadTest, OnlyPadsWithoutEnd) {
  MessageBytes mb;
  mb.Raw(Bytes(60, 0));
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_EQ(m->type(), MessageType::kNone);
}

TEST(OverloadTest, FileHoldsOptions) {
  MessageBytes mb;
  mb.At(kFileOffset, {opt::kHostName, 4, 'h', 'o', 's', 't', opt::kEnd});
  // sname is not an option area here: garbage in it must not be parsed.
  mb.At(kSnameOffset, {opt::kDomainName, 200});
  mb.Type(MessageType::kDiscover).Opt(opt::kOverload, {kOverloadFile}).End();
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_EQ(m->overload(), kOverloadFile);
  EXPECT_EQ(Span(m->Option(opt::kHostName)), Str("host"));
  EXPECT_FALSE(m->Has(opt::kDomainName));
}

TEST(OverloadTest, SnameHoldsOptions) {
  MessageBytes mb;
  mb.At(kSnameOffset, {opt::kDomainName, 3, 'l', 'a', 'n', opt::kEnd});
  mb.At(kFileOffset, {opt::kHostName, 200});
  mb.Type(MessageType::kDiscover).Opt(opt::kOverload, {kOverloadSname}).End();
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_EQ(m->overload(), kOverloadSname);
  EXPECT_EQ(Span(m->Option(opt::kDomainName)), Str("lan"));
  EXPECT_FALSE(m->Has(opt::kHostName));
}

TEST(OverloadTest, BothInRfc3396Order) {
  // One option continued options → file → sname, plus one in each area only.
  MessageBytes mb;
  mb.At(kFileOffset, {opt::kVendorClassId, 2, 'c', 'd', opt::kHostName, 1, 'f', opt::kEnd});
  mb.At(kSnameOffset, {opt::kVendorClassId, 2, 'e', 'f', opt::kDomainName, 1, 's'});
  mb.Opt(opt::kOverload, {kOverloadBoth}).Opt(opt::kVendorClassId, Str("ab"));
  mb.Type(MessageType::kRequest).End();
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_EQ(m->overload(), kOverloadBoth);
  EXPECT_EQ(m->type(), MessageType::kRequest);
  EXPECT_EQ(Span(m->Option(opt::kVendorClassId)), Str("abcdef"));
  EXPECT_EQ(Span(m->Option(opt::kHostName)), Str("f"));
  EXPECT_EQ(Span(m->Option(opt::kDomainName)), Str("s"));
}

TEST(OverloadTest, MessageTypeInFile) {
  MessageBytes mb;
  mb.At(kFileOffset, {opt::kMessageType, 1, uint8_t(MessageType::kRelease)});
  mb.Opt(opt::kOverload, {kOverloadFile}).End();
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_EQ(m->type(), MessageType::kRelease);
}

TEST(OverloadTest, OptionRunningToEndOfFieldWithoutEnd) {
  MessageBytes mb;
  Bytes file(kFileSize, 0);
  file[kFileSize - 4] = opt::kHostName;
  file[kFileSize - 3] = 2;
  file[kFileSize - 2] = 'z';
  file[kFileSize - 1] = 'z';
  mb.At(kFileOffset, file).Opt(opt::kOverload, {kOverloadFile}).End();
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_EQ(Span(m->Option(opt::kHostName)), Str("zz"));
}

TEST(OverloadTest, OptionOverrunningFileOrSname) {
  auto m = NewMessage();
  {
    MessageBytes mb;
    mb.At(kFileOffset + kFileSize - 3, {opt::kHostName, 2, 'z'});  // 1 byte short
    mb.Opt(opt::kOverload, {kOverloadFile}).End();
    EXPECT_EQ(Parse(mb.bytes(), *m), ParseError::kTruncatedOption);
  }
  {
    MessageBytes mb;
    mb.At(kSnameOffset + kSnameSize - 1, {opt::kHostName});  // code without length
    mb.Opt(opt::kOverload, {kOverloadSname}).End();
    EXPECT_EQ(Parse(mb.bytes(), *m), ParseError::kTruncatedOption);
  }
}

TEST(OverloadTest, OverloadInsideFileOrSnameIsALoop) {
  auto m = NewMessage();
  {
    MessageBytes mb;
    mb.At(kFileOffset, {opt::kOverload, 1, kOverloadFile, opt::kEnd});
    mb.Opt(opt::kOverload, {kOverloadFile}).End();
    EXPECT_EQ(Parse(mb.bytes(), *m), ParseError::kBadOverload);
  }
  {
    MessageBytes mb;
    mb.At(kSnameOffset, {opt::kOverload, 1, kOverloadBoth, opt::kEnd});
    mb.Opt(opt::kOverload, {kOverloadBoth}).End();
    EXPECT_EQ(Parse(mb.bytes(), *m), ParseError::kBadOverload);
  }
  {
    // 52 in sname while only file is overloaded: sname is not parsed, no error.
    MessageBytes mb;
    mb.At(kSnameOffset, {opt::kOverload, 1, kOverloadBoth, opt::kEnd});
    mb.Opt(opt::kOverload, {kOverloadFile}).End();
    EXPECT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  }
}

TEST(OverloadTest, BadLengthOrValue) {
  auto m = NewMessage();
  const Bytes bad[] = {{}, {1, 1}, {0}, {4}, {255}};
  for (const Bytes& data : bad) {
    MessageBytes mb;
    mb.Type(MessageType::kDiscover).Opt(opt::kOverload, data).End();
    EXPECT_EQ(Parse(mb.bytes(), *m), ParseError::kBadOverload) << data.size();
  }
  MessageBytes twice;
  twice.Opt(opt::kOverload, {1}).Opt(opt::kOverload, {1}).End();
  EXPECT_EQ(Parse(twice.bytes(), *m), ParseError::kBadOverload);
}

// --- RFC 3396 concatenation -----------------------------------------------

TEST(ConcatTest, RelayAgentInfoSplitInTwo) {
  MessageBytes mb;
  mb.Type(MessageType::kDiscover)
      .Opt(opt::kRelayAgentInfo, {1, 4, 'e', 't', 'h', '0'})
      .Opt(opt::kHostName, Str("between"))
      .Opt(opt::kRelayAgentInfo, {2, 3, 'r', 'i', 'd'})
      .End();
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_EQ(Span(m->RelayAgentInfo()), (Bytes{1, 4, 'e', 't', 'h', '0', 2, 3, 'r', 'i', 'd'}));
  EXPECT_EQ(Span(m->Option(opt::kHostName)), Str("between"));
}

TEST(ConcatTest, ClientIdSplitInTwoAdjacent) {
  MessageBytes mb;
  mb.Opt(opt::kClientId, {255, 0, 0, 0, 1}).Opt(opt::kClientId, {0, 3, 0, 1, 2, 3, 4, 5, 6, 7});
  mb.Type(MessageType::kRequest).End();
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_EQ(Span(m->ClientId()), (Bytes{255, 0, 0, 0, 1, 0, 3, 0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(ConcatTest, SplitBetweenOptionsFieldAndFile) {
  MessageBytes mb;
  mb.At(kFileOffset, {opt::kClientId, 3, 4, 5, 6, opt::kEnd});
  mb.Opt(opt::kClientId, {1, 2, 3}).Opt(opt::kOverload, {kOverloadFile}).End();
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_EQ(Span(m->ClientId()), (Bytes{1, 2, 3, 4, 5, 6}));
}

TEST(ConcatTest, LongOptionSplitIntoThree) {
  Bytes value(600);
  for (size_t i = 0; i < value.size(); ++i) value[i] = uint8_t(i * 7);
  MessageBytes mb;
  mb.Opt(opt::kVendorEncapsulated, Bytes(value.begin(), value.begin() + 255))
      .Opt(opt::kVendorEncapsulated, Bytes(value.begin() + 255, value.begin() + 510))
      .Opt(opt::kVendorEncapsulated, Bytes(value.begin() + 510, value.end()))
      .End();
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_EQ(Span(m->Option(opt::kVendorEncapsulated)), value);
}

TEST(ConcatTest, InterleavedSplitOptions) {
  // A, B, A, B, A: each option's bytes stay contiguous in the scratch area.
  MessageBytes mb;
  mb.Opt(60, {'a', '1'}).Opt(61, {'b', '1'}).Opt(60, {'a', '2'}).Opt(61, {'b', '2'});
  mb.Opt(60, {'a', '3'}).Opt(12, Str("single")).Opt(61, {'b', '3'}).End();
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_EQ(Span(m->Option(60)), Str("a1a2a3"));
  EXPECT_EQ(Span(m->Option(61)), Str("b1b2b3"));
  EXPECT_EQ(Span(m->Option(12)), Str("single"));
}

TEST(ConcatTest, ZeroLengthPieces) {
  MessageBytes mb;
  mb.Opt(77, {}).Opt(77, {'x'}).Opt(77, {}).End();
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_EQ(Span(m->Option(77)), Str("x"));
}

TEST(ConcatTest, ScratchFitsExactly) {
  // 4 * 255 + 4 = 1024 bytes: exactly the scratch capacity.
  MessageBytes mb;
  for (int i = 0; i < 4; ++i) mb.Opt(opt::kVendorEncapsulated, Bytes(255, uint8_t(i)));
  mb.Opt(opt::kVendorEncapsulated, {9, 9, 9, 9}).End();
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  const auto o = m->Option(opt::kVendorEncapsulated);
  ASSERT_EQ(o.size(), Dhcp4Message::kScratchSize);
  EXPECT_EQ(o[0], 0);
  EXPECT_EQ(o[255 * 3], 3);
  EXPECT_EQ(o[1023], 9);
}

TEST(ConcatTest, ScratchOverflow) {
  auto m = NewMessage();
  {
    MessageBytes mb;
    for (int i = 0; i < 4; ++i) mb.Opt(opt::kVendorEncapsulated, Bytes(255, 1));
    mb.Opt(opt::kVendorEncapsulated, {1, 2, 3, 4, 5}).End();  // 1025 bytes
    EXPECT_EQ(Parse(mb.bytes(), *m), ParseError::kOptionTooLong);
  }
  {
    // Two options, each moved to the end of scratch repeatedly, overflow together.
    MessageBytes mb;
    for (int i = 0; i < 3; ++i) {
      mb.Opt(60, Bytes(200, 'a')).Opt(61, Bytes(200, 'b'));
    }
    mb.End();
    EXPECT_EQ(Parse(mb.bytes(), *m), ParseError::kOptionTooLong);
  }
}

TEST(ConcatTest, ScratchIsResetBetweenMessages) {
  MessageBytes big;
  for (int i = 0; i < 4; ++i) big.Opt(opt::kVendorEncapsulated, Bytes(250, 1));
  big.End();
  MessageBytes small;
  small.Opt(60, {'a'}).Opt(60, {'b'}).End();
  auto m = NewMessage();
  for (int round = 0; round < 3; ++round) {
    ASSERT_EQ(Parse(big.bytes(), *m), ParseError::kNone);
    EXPECT_EQ(m->Option(opt::kVendorEncapsulated).size(), 1000u);
    ASSERT_EQ(Parse(small.bytes(), *m), ParseError::kNone);
    EXPECT_EQ(Span(m->Option(60)), Str("ab"));
    EXPECT_FALSE(m->Has(opt::kVendorEncapsulated));
  }
}

// --- accessors ------------------------------------------------------------

TEST(AccessorTest, AddressLengthMustBeFour) {
  auto m = NewMessage();
  const Bytes lengths[] = {{}, {10}, {10, 0, 0}, {10, 0, 0, 1, 2}};
  for (const Bytes& data : lengths) {
    MessageBytes mb;
    mb.Opt(opt::kRequestedAddress, data).Opt(opt::kServerId, data).Opt(opt::kLeaseTime, data);
    mb.End();
    ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
    EXPECT_TRUE(m->Has(opt::kRequestedAddress));
    EXPECT_FALSE(m->RequestedAddress()) << data.size();
    EXPECT_FALSE(m->ServerId()) << data.size();
    EXPECT_FALSE(m->LeaseTime()) << data.size();
  }
  MessageBytes mb;
  mb.Opt(opt::kRequestedAddress, {10, 1, 2, 3}).Opt(opt::kServerId, {192, 168, 0, 1});
  mb.Opt(opt::kLeaseTime, {0xff, 0xff, 0xff, 0xff}).End();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_EQ(m->RequestedAddress(), 0x0a010203u);
  EXPECT_EQ(m->ServerId(), 0xc0a80001u);
  EXPECT_EQ(m->LeaseTime(), 0xffffffffu);
}

TEST(AccessorTest, AbsentOptions) {
  MessageBytes mb;
  mb.Type(MessageType::kDiscover).End();
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_FALSE(m->RequestedAddress());
  EXPECT_FALSE(m->ServerId());
  EXPECT_FALSE(m->LeaseTime());
  EXPECT_FALSE(m->MaxMessageSize());
  EXPECT_TRUE(m->ClientId().empty());
  EXPECT_TRUE(m->ParameterRequestList().empty());
  EXPECT_TRUE(m->RelayAgentInfo().empty());
  EXPECT_FALSE(m->Has(opt::kClientId));
  EXPECT_TRUE(m->Option(opt::kClientId).empty());
}

TEST(AccessorTest, MaxMessageSize) {
  auto m = NewMessage();
  struct Case {
    Bytes data;
    std::optional<uint16_t> want;
  };
  const Case cases[] = {
      {{0x02, 0x40}, 576},   {{0x02, 0x3f}, std::nullopt}, {{0x05, 0xdc}, 1500},
      {{0xff, 0xff}, 65535}, {{0x05}, std::nullopt},       {{0x05, 0xdc, 0x00}, std::nullopt},
      {{}, std::nullopt},    {{0x00, 0x00}, std::nullopt},
  };
  for (const Case& c : cases) {
    MessageBytes mb;
    mb.Opt(opt::kMaxMessageSize, c.data).End();
    ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
    EXPECT_EQ(m->MaxMessageSize(), c.want) << c.data.size();
  }
}

TEST(AccessorTest, ZeroLengthOptionIsPresent) {
  MessageBytes mb;
  mb.Opt(opt::kRapidCommit, {}).End();
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  EXPECT_TRUE(m->Has(opt::kRapidCommit));
  EXPECT_TRUE(m->Option(opt::kRapidCommit).empty());
}

TEST(AccessorTest, SpansPointIntoTheMessage) {
  const Bytes b = TypicalDiscover(nullptr);
  auto m = NewMessage();
  ASSERT_EQ(Parse(b, *m), ParseError::kNone);
  const auto prl = m->ParameterRequestList();
  EXPECT_GE(prl.data(), b.data());
  EXPECT_LE(prl.data() + prl.size(), b.data() + b.size());
  EXPECT_EQ(prl.size(), 12u);
  EXPECT_EQ(m->MaxMessageSize(), 1500);
  EXPECT_EQ(m->ClientId().size(), 7u);
}

TEST(ParseTest, HighCodesAndAllBitmapWords) {
  MessageBytes mb;
  mb.Opt(1, {1}).Opt(63, {63}).Opt(64, {64}).Opt(127, {127}).Opt(128, {128}).Opt(254, {254});
  mb.End();
  auto m = NewMessage();
  ASSERT_EQ(Parse(mb.bytes(), *m), ParseError::kNone);
  int present = 0;
  for (int code = 0; code < 256; ++code) {
    if (!m->Has(uint8_t(code))) continue;
    ++present;
    ASSERT_EQ(m->Option(uint8_t(code)).size(), 1u);
    EXPECT_EQ(m->Option(uint8_t(code))[0], code);
  }
  EXPECT_EQ(present, 6);
}

TEST(ParseTest, OversizedInputIsClampedNotOverread) {
  MessageBytes mb;
  mb.Type(MessageType::kDiscover);
  Bytes b = mb.bytes();
  b.resize(40000, 0);  // pads past the 32767 bytes slots can address
  auto m = NewMessage();
  ASSERT_EQ(Parse(b, *m), ParseError::kNone);
  EXPECT_EQ(m->bytes().size(), 32767u);
  EXPECT_EQ(m->type(), MessageType::kDiscover);
}

}  // namespace
}  // namespace fastlease::dhcp4
