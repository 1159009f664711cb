// Tests for classify::Expression: tables of (expression, packet, expected result) over
// every operator and function, Kea's ARM examples and the edge cases, and a table of
// malformed expressions with the error they must report.
#include "dataplane/dhcp4/classify/expression.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataplane/dhcp4/classify/class_set.h"
#include "dataplane/dhcp4/message.h"
#include "dataplane/dhcp4/options.h"

namespace fastlease::dhcp4::classify {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes B(std::string_view s) { return Bytes(s.begin(), s.end()); }

// What a test packet holds; Build() writes it as DHCPv4 wire bytes.
struct Packet {
  uint8_t htype = 1;
  uint8_t hlen = 6;
  Bytes chaddr = {0x02, 0x00, 0x5e, 0x10, 0x20, 0x30};
  uint32_t xid = 0x12345678;
  uint32_t ciaddr = 0, yiaddr = 0, siaddr = 0, giaddr = 0;
  std::vector<std::pair<uint8_t, Bytes>> options;  // in wire order
  std::string iface = "eth0";
  uint32_t src = 0, dst = 0xffffffff;
  std::vector<uint16_t> classes;

  Packet& Opt(uint8_t code, Bytes data) {
    options.emplace_back(code, std::move(data));
    return *this;
  }
  Packet& Class(uint16_t index) {
    classes.push_back(index);
    return *this;
  }

  Bytes Build() const {
    Bytes b(kOptionsOffset, 0);
    b[0] = kBootRequest;
    b[1] = htype;
    b[2] = hlen;
    auto put32 = [&](size_t off, uint32_t v) {
      for (int i = 0; i < 4; ++i) b[off + i] = uint8_t(v >> (24 - 8 * i));
    };
    put32(4, xid);
    put32(12, ciaddr);
    put32(16, yiaddr);
    put32(20, siaddr);
    put32(24, giaddr);
    std::copy(chaddr.begin(), chaddr.end(), b.begin() + 28);
    put32(kHeaderSize, kMagicCookie);
    for (const auto& [code, data] : options) {
      b.push_back(code);
      b.push_back(uint8_t(data.size()));
      b.insert(b.end(), data.begin(), data.end());
    }
    b.push_back(opt::kEnd);
    return b;
  }
};

// A DISCOVER from a client on the local link.
Packet Discover() { return Packet().Opt(opt::kMessageType, {1}); }

// A DISCOVER from a cable modem behind a relay: 60, 61, 12 (NUL padded), 82 with
// circuit-id and remote-id, 124 and 125 for enterprise 4491, 43 with a sub-option.
Packet Docsis() {
  Packet p;
  p.giaddr = 0x0a010203;
  p.src = 0x0a010203;
  p.dst = 0x0a000001;
  p.iface = "port1";
  p.Opt(opt::kMessageType, {1})
      .Opt(opt::kClientId, {0x01, 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30})
      .Opt(opt::kHostName, {'m', 'o', 'd', 'e', 'm', 0, 0})
      .Opt(opt::kVendorClassId, B("docsis3.0"))
      .Opt(opt::kVendorEncapsulated, {0x02, 0x01, 0xff})
      .Opt(opt::kRelayAgentInfo, {0x01, 0x04, 'c', 'm', 't', 's',  // circuit-id
                                  0x02, 0x03, 0x0a, 0x0b, 0x0c,    // remote-id
                                  0x06, 0x00})                     // empty subscriber-id
      .Opt(124, {0x00, 0x00, 0x11, 0x8b, 0x0c,                     // 4491, 12 bytes
                 0x09, 'd', 'o', 'c', 's', 'i', 's', '3', '.', '0', 0x01, 'x'})
      .Opt(125, {0x00, 0x00, 0x11, 0x8b, 0x07,                     // 4491, 7 bytes
                 0x01, 0x03, 'a', 'b', 'c', 0x02, 0x00});
  return p;
}

// Option 82 with a NUL-padded subscriber-id and an empty sub-option 9.
Packet SubscriberId() {
  return Discover().Opt(opt::kRelayAgentInfo, {0x06, 0x05, 'a', 'b', 'c', 0, 0, 0x09, 0x00});
}

// Option 82 whose last sub-option claims more bytes than there are.
Packet TruncatedRelay() {
  return Discover().Opt(opt::kRelayAgentInfo, {0x01, 0x01, 'x', 0x07, 0x05, 'a'});
}

// A REQUEST renewing 192.0.2.10, with the header addresses set.
Packet Renew() {
  Packet p;
  p.ciaddr = 0xc000020a;
  p.yiaddr = 0xc000020b;
  p.siaddr = 0xc000020c;
  p.src = 0xc000020a;
  p.dst = 0xc0000201;
  p.xid = 0x00003039;  // 12345
  p.Opt(opt::kMessageType, {3});
  return p;
}

// BOOTP: no option 53; a 16-byte hardware address of type 6.
Packet Bootp() {
  Packet p;
  p.htype = 6;
  p.hlen = 16;
  p.chaddr = Bytes(16, 0xab);
  return p;
}

// Options that Kea skips: a string option holding only NULs.
Packet NulVendorClass() { return Discover().Opt(opt::kVendorClassId, {0, 0, 0}); }

// A packet already in user classes 5 and 7 and in KNOWN.
Packet Classified() { return Discover().Class(5).Class(7).Class(kClassKnown); }

// Class names the resolver knows: "gold" is 5, "silver" 6, "bronze" 7, "DROP" 3.
std::optional<uint16_t> Resolve(std::string_view name) {
  if (name == "gold") return 5;
  if (name == "silver") return 6;
  if (name == "bronze") return 7;
  if (name == "DROP") return kClassDrop;
  if (name == "huge") return 600;
  return std::nullopt;
}

absl::StatusOr<Expression> Compile(std::string_view text, ResultKind kind) {
  return Expression::Compile(text, kind, Resolve);
}

// A packet parsed and ready to evaluate against; keeps the bytes alive.
class Evaluation {
 public:
  explicit Evaluation(const Packet& p)
      : bytes_(p.Build()), msg_(std::make_unique<Dhcp4Message>()),
        scratch_(std::make_unique<EvalScratch>()) {
    parsed_ = Parse(bytes_, *msg_) == ParseError::kNone;
    for (uint16_t c : p.classes) classes_.Add(c);
    facts_ = PacketFacts{msg_.get(), p.iface, p.src, p.dst, uint32_t(bytes_.size()), &classes_};
  }
  bool parsed() const { return parsed_; }
  bool Bool(const Expression& e) { return e.EvalBool(facts_, *scratch_); }
  Bytes String(const Expression& e) {
    const std::span<const uint8_t> v = e.EvalString(facts_, *scratch_);
    return Bytes(v.begin(), v.end());
  }

 private:
  Bytes bytes_;
  std::unique_ptr<Dhcp4Message> msg_;
  std::unique_ptr<EvalScratch> scratch_;
  ClassSet classes_;
  PacketFacts facts_;
  bool parsed_ = false;
};

// ---------------------------------------------------------------------------------
// Boolean expressions.

struct BoolCase {
  std::string_view text;
  Packet (*packet)();
  bool want;
};

const BoolCase kBoolCases[] = {
    // Literals and ==: byte strings compared exactly.
    {"'foo' == 'foo'", Discover, true},
    {"'foo' == 'bar'", Discover, false},
    {"'foo' == 'foo '", Discover, false},
    {"'' == ''", Discover, true},
    {"0x5a7d == 'Z}'", Discover, true},           // ARM: hex literal
    {"0X5A7D == 'Z}'", Discover, true},
    {"0x123 == 0x0123", Discover, true},          // odd digit count: leading zero
    {"10.0.0.1 == 0x0a000001", Discover, true},   // ARM: IP literal is 4 bytes
    {"2001:db8::1 == 0x20010db8000000000000000000000001", Discover, true},
    {"123 == 0x0000007b", Discover, true},        // ARM: integers are 4-byte big-endian
    {"123 == '123'", Discover, false},
    {"0 == 0x00000000", Discover, true},
    {"4294967295 == 0xffffffff", Discover, true},

    // not / and / or, with Kea's precedence: not > and > or, left associative.
    {"not ('foo' == 'bar')", Discover, true},     // ARM
    {"not 'foo' == 'bar'", Discover, true},       // not (foo == bar)
    {"not not 'a' == 'a'", Discover, true},
    {"('foo' == 'bar') and ('bar' == 'foo')", Discover, false},  // ARM
    {"('foo' == 'bar') or ('bar' == 'bar')", Discover, true},
    {"'a' == 'a' and 'b' == 'b'", Discover, true},
    {"'a' == 'a' and 'b' == 'c'", Discover, false},
    {"'a' == 'x' or 'b' == 'b'", Discover, true},
    {"'a' == 'x' or 'b' == 'c'", Discover, false},
    {"'a' == 'a' or 'b' == 'c' and 'c' == 'd'", Discover, true},   // a or (b and c)
    {"('a' == 'a' or 'b' == 'c') and 'c' == 'd'", Discover, false},
    {"'a' == 'x' and 'b' == 'b' or 'c' == 'c'", Discover, true},   // (a and b) or c
    {"'a' == 'x' and ('b' == 'b' or 'c' == 'c')", Discover, false},
    {"not 'a' == 'a' or 'b' == 'b'", Discover, true},              // (not a) or b
    {"not ('a' == 'a' or 'b' == 'b')", Discover, false},
    {"not 'a' == 'x' and 'b' == 'b'", Discover, true},
    {"((('a' == 'a')))", Discover, true},
    {"('a') == 'a'", Discover, true},

    // substring: the ARM's examples and the edges.
    {"substring('foobar', 0, 6) == 'foobar'", Discover, true},
    {"substring('foobar', 3, 3) == 'bar'", Discover, true},
    {"substring('foobar', 3, all) == 'bar'", Discover, true},
    {"substring('foobar', 1, 4) == 'ooba'", Discover, true},
    {"substring('foobar', -5, 4) == 'ooba'", Discover, true},
    {"substring('foobar', -1, -3) == 'oba'", Discover, true},
    {"substring('foobar', 4, -2) == 'ob'", Discover, true},
    {"substring('foobar', 10, 2) == ''", Discover, true},
    {"substring('foobar', 6, 1) == ''", Discover, true},          // start == length
    {"substring('foobar', -6, 1) == 'f'", Discover, true},
    {"substring('foobar', -7, 1) == ''", Discover, true},         // before the start
    {"substring('foobar', 4, 100) == 'ar'", Discover, true},      // past the end
    {"substring('foobar', 2, -10) == 'fo'", Discover, true},      // back past the start
    {"substring('foobar', 0, 0) == ''", Discover, true},
    {"substring('', 0, all) == ''", Discover, true},
    {"substring(option[222].hex, 0, 3) == ''", Discover, true},   // absent option

    // concat, +, ifelse, hexstring, split.
    {"concat('foo', 'bar') == 'foobar'", Discover, true},         // ARM
    {"concat('', 'bar') == 'bar'", Discover, true},
    {"concat(option[222].hex, option[223].hex) == ''", Discover, true},
    {"'abc' + 'def' + 'ghi' == 'abcdefghi'", Discover, true},     // ARM: + operator
    {"'ab' == 'a' + 'b'", Discover, true},
    {"ifelse('foo' == 'bar', 'us', 'them') == 'them'", Discover, true},  // ARM
    {"ifelse('foo' == 'foo', 'us', 'them') == 'us'", Discover, true},
    {"ifelse(option[60].exists, ifelse(option[82].exists, 'relayed', 'direct'), 'none') == "
     "'relayed'", Docsis, true},
    {"ifelse(option[60].exists, ifelse(option[82].exists, 'relayed', 'direct'), 'none') == "
     "'none'", Discover, true},
    {"hexstring('foo', '-') == '66-6f-6f'", Discover, true},
    {"hexstring(0x0a1b2c3e, ':') == '0a:1b:2c:3e'", Discover, true},
    {"hexstring(0xABCD, '') == 'abcd'", Discover, true},
    {"hexstring('', ':') == ''", Discover, true},
    {"hexstring(pkt4.mac, ':') == '02:00:5e:10:20:30'", Discover, true},  // ARM
    {"split('one.two..four', '.', 1) == 'one'", Discover, true},  // ARM
    {"split('one.two..four', '.', 2) == 'two'", Discover, true},
    {"split('one.two..four', '.', 3) == ''", Discover, true},
    {"split('one.two..four', '.', 4) == 'four'", Discover, true},
    {"split('one.two..four', '.', 5) == ''", Discover, true},
    {"split('one.two..four', '.', 0) == ''", Discover, true},
    {"split('a,b;c', ',;', 3) == 'c'", Discover, true},
    {"split('abc', '', 2) == 'abc'", Discover, true},

    // Conversions to text.
    {"addrtotext(192.10.0.1) == '192.10.0.1'", Discover, true},
    {"addrtotext(2003:db8::) == '2003:db8::'", Discover, true},
    {"addrtotext(pkt4.giaddr) == '10.1.2.3'", Docsis, true},
    {"int8totext(0xff) == '-1'", Discover, true},
    {"int16totext(0xfffe) == '-2'", Discover, true},
    {"int32totext(0xffffffff) == '-1'", Discover, true},
    {"uint8totext(0xff) == '255'", Discover, true},
    {"uint16totext(0x0102) == '258'", Discover, true},
    {"uint32totext(4294967295) == '4294967295'", Discover, true},
    {"uint32totext(pkt4.msgtype) == '1'", Discover, true},
    {"uint8totext(option[222].hex) == ''", Discover, true},       // empty stays empty
    {"uint8totext(0x0102) == ''", Discover, false},                // wrong size: error

    // option[N]: presence, data, NUL trimming of string options, names.
    {"option[60].exists", Docsis, true},
    {"option[60].exists", Discover, false},
    {"option[60].text == 'docsis3.0'", Docsis, true},
    {"option[60].hex == 'docsis3.0'", Docsis, true},
    {"option[vendor-class-identifier].text == 'docsis3.0'", Docsis, true},
    {"option[ vendor-class-identifier ].exists", Docsis, true},
    {"option[60].hex == ''", Discover, true},                     // absent: empty string
    {"option[61].hex == 0x0102005e102030", Docsis, true},
    {"substring(option[61].hex, 0, 1) == 0x01", Docsis, true},    // ARM-style client-id
    {"option[12].text == 'modem'", Docsis, true},                 // trailing NULs dropped
    {"option[host-name].hex == 'modem'", Docsis, true},
    {"option[53].hex == 0x01", Discover, true},
    {"option[60].exists", NulVendorClass, false},                 // Kea skips it
    {"option[82].hex == 0x0104636d747302030a0b0c0600", Docsis, true},
    {"substring(option[60].text,0,6) == 'docsis' and relay4[1].exists", Docsis, true},
    {"substring(option[60].text,0,6) == 'docsis' and relay4[1].exists", Discover, false},

    // Sub-options: option[82].option[N], relay4[N], option[43].option[N].
    {"relay4[1].hex == 'cmts'", Docsis, true},
    {"relay4[1].text == 'cmts'", Docsis, true},
    {"option[82].option[1].hex == 'cmts'", Docsis, true},
    {"option[dhcp-agent-options].option[2].hex == 0x0a0b0c", Docsis, true},
    {"relay4[2].exists", Docsis, true},
    {"relay4[6].exists", Docsis, false},   // empty subscriber-id (a string): Kea skips it
    {"relay4[6].hex == ''", Docsis, true},
    {"relay4[6].hex == 'abc'", SubscriberId, true},               // trailing NULs dropped
    {"relay4[9].exists", SubscriberId, true},                     // empty binary sub-option
    {"relay4[9].hex == ''", SubscriberId, true},
    {"relay4[1].exists", SubscriberId, false},
    {"relay4[7].exists", TruncatedRelay, false},                  // truncated entry
    {"relay4[1].hex == 'x'", TruncatedRelay, true},               // entries before it count
    {"relay4[5].exists", Docsis, false},
    {"relay4[1].exists", Discover, false},                        // no option 82
    {"relay4[1].hex == ''", Discover, true},
    {"option[82].option[9].exists", Docsis, false},
    {"option[43].option[2].hex == 0xff", Docsis, true},

    // Vendor options (RFC 3925), first enterprise block.
    {"vendor[*].exists", Docsis, true},
    {"vendor[0].exists", Docsis, true},
    {"vendor[4491].exists", Docsis, true},
    {"vendor[4490].exists", Docsis, false},
    {"vendor[*].exists", Discover, false},
    {"vendor[4491].option[1].hex == 'abc'", Docsis, true},
    {"vendor[4491].option[2].exists", Docsis, true},
    {"vendor[4491].option[3].exists", Docsis, false},
    {"vendor[1].option[1].hex == ''", Docsis, true},
    {"vendor.enterprise == 4491", Docsis, true},
    {"vendor.enterprise == ''", Discover, true},
    {"vendor-class[*].exists", Docsis, true},
    {"vendor-class[4491].exists", Docsis, true},
    {"vendor-class[1].exists", Docsis, false},
    {"vendor-class.enterprise == 4491", Docsis, true},
    {"vendor-class[4491].data == 'docsis3.0'", Docsis, true},
    {"vendor-class[4491].data[0] == 'docsis3.0'", Docsis, true},
    {"vendor-class[4491].data[1] == 'x'", Docsis, true},
    {"vendor-class[4491].data[2] == ''", Docsis, true},
    {"vendor-class[*].data == ''", Discover, true},

    // pkt4 fields: 4-byte big-endian integers and 4-byte addresses.
    {"pkt4.msgtype == 1", Discover, true},                        // ARM
    {"pkt4.msgtype == 0x00000001", Discover, true},
    {"pkt4.msgtype == 0x01", Discover, false},
    {"pkt4.msgtype == 3", Renew, true},
    {"pkt4.msgtype == 0", Bootp, true},                           // no option 53
    {"pkt4.transid == 12345", Renew, true},                       // ARM
    {"pkt4.transid == 0x12345678", Discover, true},
    {"pkt4.hlen == 6", Discover, true},
    {"pkt4.hlen == 16", Bootp, true},
    {"pkt4.htype == 1", Discover, true},
    {"pkt4.htype == 6", Bootp, true},
    {"pkt4.mac == 0x02005e102030", Discover, true},
    {"pkt4.mac == 0xabababababababababababababababab", Bootp, true},
    {"pkt4.ciaddr == 192.0.2.10", Renew, true},
    {"pkt4.yiaddr == 192.0.2.11", Renew, true},
    {"pkt4.siaddr == 192.0.2.12", Renew, true},
    {"pkt4.giaddr == 10.1.2.3", Docsis, true},
    {"pkt4.giaddr == 0.0.0.0", Discover, true},
    {"pkt4.giaddr == 0x00000000", Discover, true},

    // pkt: interface and addresses from the caller, length of the message.
    {"pkt.iface == 'port1'", Docsis, true},
    {"pkt.iface == 'eth0'", Discover, true},
    {"pkt.src == 10.1.2.3", Docsis, true},
    {"pkt.dst == 10.0.0.1", Docsis, true},
    {"pkt.dst == 255.255.255.255", Discover, true},
    {"pkt.len == 244", Discover, true},                           // 240 + 53 (3) + end

    // member(), known, unknown, built-in classes.
    {"member('ALL')", Discover, true},
    {"member('gold')", Classified, true},
    {"member('silver')", Classified, false},
    {"member('bronze') and not member('silver')", Classified, true},
    {"member('DROP')", Classified, false},
    {"member('KNOWN')", Classified, true},
    {"member('KNOWN')", Discover, false},
    {"member('UNKNOWN')", Classified, false},
    {"known", Classified, true},
    {"unknown", Classified, false},
    {"unknown", Discover, true},
    {"not known", Discover, true},
    {"member('BOOTP')", Discover, false},
    {"member('VENDOR_CLASS_docsis3.0')", Docsis, true},
    {"member('VENDOR_CLASS_docsis')", Docsis, false},
    {"member('VENDOR_CLASS_docsis3.0')", Discover, false},
    {"member('VENDOR_CLASS_')", NulVendorClass, false},

    // Whitespace and newlines are free.
    {"  'a'\t==\n'a'  ", Discover, true},
};

void PrintTo(const BoolCase& c, std::ostream* os) { *os << c.text; }

class BoolTest : public testing::TestWithParam<BoolCase> {};

TEST_P(BoolTest, Evaluates) {
  const BoolCase& c = GetParam();
  auto e = Compile(c.text, ResultKind::kBool);
  ASSERT_TRUE(e.ok()) << c.text << ": " << e.status();
  Evaluation eval(c.packet());
  ASSERT_TRUE(eval.parsed());
  EXPECT_EQ(eval.Bool(*e), c.want) << c.text;
}

INSTANTIATE_TEST_SUITE_P(Table, BoolTest, testing::ValuesIn(kBoolCases));

// ---------------------------------------------------------------------------------
// String expressions (flex-id identifiers).

struct StringCase {
  std::string_view text;
  Packet (*packet)();
  Bytes want;
};

const StringCase kStringCases[] = {
    {"'abc'", Discover, B("abc")},
    {"0x0102", Discover, {1, 2}},
    {"7", Discover, {0, 0, 0, 7}},
    {"10.0.0.1", Discover, {10, 0, 0, 1}},
    {"option[61].hex", Docsis, {0x01, 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30}},
    {"option[61].hex", Discover, {}},
    {"relay4[2].hex", Docsis, {0x0a, 0x0b, 0x0c}},
    {"concat(relay4[1].hex, relay4[2].hex)", Docsis, {'c', 'm', 't', 's', 0x0a, 0x0b, 0x0c}},
    {"hexstring(pkt4.mac, ':')", Discover, B("02:00:5e:10:20:30")},
    {"hexstring(pkt4.mac, '')", Discover, B("02005e102030")},
    {"pkt4.mac", Discover, {0x02, 0x00, 0x5e, 0x10, 0x20, 0x30}},
    {"pkt4.hlen", Discover, {0, 0, 0, 6}},
    {"pkt4.transid", Discover, {0x12, 0x34, 0x56, 0x78}},
    {"pkt4.ciaddr", Renew, {192, 0, 2, 10}},
    {"pkt.iface", Docsis, B("port1")},
    {"pkt.src", Docsis, {10, 1, 2, 3}},
    {"pkt.len", Discover, {0, 0, 0, 244}},
    {"substring(option[60].text, -3, all)", Docsis, B("3.0")},
    {"ifelse(relay4[1].exists, relay4[1].hex, pkt4.mac)", Docsis, B("cmts")},
    {"ifelse(relay4[1].exists, relay4[1].hex, pkt4.mac)", Discover,
     {0x02, 0x00, 0x5e, 0x10, 0x20, 0x30}},
    {"ifelse('a' == 'b', 'x', ifelse('a' == 'a', 'y', 'z'))", Discover, B("y")},
    {"ifelse('a' == 'a', ifelse('b' == 'c', 'x', 'w'), 'z')", Discover, B("w")},
    {"'a' + hexstring(0x01, '') + 'b'", Discover, B("a01b")},
    {"(('x'))", Discover, B("x")},
    {"vendor.enterprise", Docsis, {0, 0, 0x11, 0x8b}},
    {"vendor[4491].option[1].text", Docsis, B("abc")},
    {"uint32totext(pkt4.transid)", Renew, B("12345")},
    {"split(option[60].text, '.', 2)", Docsis, B("0")},
};

void PrintTo(const StringCase& c, std::ostream* os) { *os << c.text; }

class StringTest : public testing::TestWithParam<StringCase> {};

TEST_P(StringTest, Evaluates) {
  const StringCase& c = GetParam();
  auto e = Compile(c.text, ResultKind::kString);
  ASSERT_TRUE(e.ok()) << c.text << ": " << e.status();
  Evaluation eval(c.packet());
  ASSERT_TRUE(eval.parsed());
  EXPECT_EQ(eval.String(*e), c.want) << c.text;
}

INSTANTIATE_TEST_SUITE_P(Table, StringTest, testing::ValuesIn(kStringCases));

// ---------------------------------------------------------------------------------
// Malformed expressions.

struct ErrorCase {
  std::string_view text;
  ResultKind kind;
  std::string_view error;  // a fragment of the message
};

const ErrorCase kErrorCases[] = {
    {"", ResultKind::kBool, "at 1: the expression is empty"},
    {"   ", ResultKind::kBool, "at 1: the expression is empty"},
    {"'foo' == 'foo", ResultKind::kBool, "at 10: unterminated string literal"},
    {"'foo' = 'foo'", ResultKind::kBool, "at 7: unexpected '='; equality is written '=='"},
    {"'a' == 'a' #", ResultKind::kBool, "at 12: invalid character '#'"},
    {"'foo'", ResultKind::kBool, "at 1: expected a boolean expression, got a string"},
    {"'a' == 'a'", ResultKind::kString, "at 1: expected a string expression, got a boolean"},
    {"option[60].exists == 'true'", ResultKind::kBool,
     "at 1: the left operand of '==' must be a string, got a boolean"},
    {"'a' == option[60].exists", ResultKind::kBool,
     "at 8: the right operand of '==' must be a string, got a boolean"},
    {"'a' and 'b' == 'b'", ResultKind::kBool,
     "at 1: the left operand of 'and' must be a boolean, got a string"},
    {"'b' == 'b' or 'a'", ResultKind::kBool,
     "at 15: the right operand of 'or' must be a boolean, got a string"},
    {"not 'a'", ResultKind::kBool, "at 5: the operand of 'not' must be a boolean, got a string"},
    {"'a' == 'b' == 'c'", ResultKind::kBool,
     "at 12: unexpected '==' after the end of the expression"},
    {"('a' == 'a'", ResultKind::kBool, "at 12: expected ')', got the end of the expression"},
    {"'a' == 'a')", ResultKind::kBool, "at 11: unexpected ')' after the end of the expression"},
    {"'a' ==", ResultKind::kBool, "at 7: expected a value, got the end of the expression"},
    {"option[60.hex == 'a'", ResultKind::kBool,
     "at 10: expected ']' after the option code, got '.'"},
    {"option[].hex == 'a'", ResultKind::kBool, "at 8: expected an option code, got ']'"},
    {"option[60 .hex == 'a'", ResultKind::kBool,
     "at 11: expected ']' after the option code, got '.'"},
    {"option[256].hex == 'a'", ResultKind::kBool,
     "at 8: an option code must be in 0..255, got 256"},
    {"option[-1].hex == 'a'", ResultKind::kBool, "an option code must be in 0..255, got -1"},
    {"option[60].hexx == 'a'", ResultKind::kBool,
     "at 12: expected 'hex', 'text' or 'exists' after 'option[...].', got 'hexx'"},
    {"option[60] == 'a'", ResultKind::kBool, "at 12: expected '.' after 'option[...]'"},
    {"option[no-such-option].hex == 'a'", ResultKind::kBool,
     "at 8: unknown option name 'no-such-option'"},
    {"option[12].option[1].exists", ResultKind::kBool, "at 8: option 12 has no sub-options"},
    {"relay4[300].exists", ResultKind::kBool, "at 8: an option code must be in 0..255"},
    {"relay4[circuit-id].exists", ResultKind::kBool, "at 8: expected an option code"},
    {"relay4[1] == 'a'", ResultKind::kBool, "at 11: expected '.' after 'relay4[...]'"},
    {"substring('abc', 0) == 'a'", ResultKind::kBool, "at 19: expected ',' in substring()"},
    {"substring('abc', 'x', 1) == 'a'", ResultKind::kBool,
     "at 18: expected the start of substring(), got 'x' (a string)"},
    {"substring('abc', 0, none) == 'a'", ResultKind::kBool,
     "at 21: expected the length of substring() ('all' or an integer), got 'none'"},
    {"substring('abc', 0, 1 == 'a'", ResultKind::kBool,
     "at 23: expected ')' after the arguments of substring()"},
    {"substring(option[60].exists, 0, 1) == 'a'", ResultKind::kBool,
     "at 11: argument 1 of substring() must be a string, got a boolean"},
    {"concat('a') == 'a'", ResultKind::kBool, "at 11: expected ',' in concat()"},
    {"ifelse('a', 'b', 'c') == 'b'", ResultKind::kBool,
     "at 8: argument 1 of ifelse() must be a boolean, got a string"},
    {"ifelse('a' == 'a', 'b' == 'b', 'c') == 'b'", ResultKind::kBool,
     "at 20: argument 2 of ifelse() must be a string, got a boolean"},
    {"hexstring(pkt4.mac) == 'a'", ResultKind::kBool, "at 19: expected ',' in hexstring()"},
    {"member(gold)", ResultKind::kBool, "at 8: expected a class name in quotes, got 'gold'"},
    {"member('platinum')", ResultKind::kBool, "at 8: not defined client class 'platinum'"},
    {"member('huge')", ResultKind::kBool, "has index 600, beyond the 512 supported"},
    {"member('gold'", ResultKind::kBool, "at 14: expected ')' after the class name"},
    {"pkt4.chaddr == 'a'", ResultKind::kBool, "at 6: expected a pkt4 field"},
    {"pkt.mac == 'a'", ResultKind::kBool,
     "at 5: expected 'iface', 'src', 'dst' or 'len' after 'pkt.', got 'mac'"},
    {"pkt6.msgtype == 1", ResultKind::kBool, "at 1: 'pkt6' can only be used in DHCPv6"},
    {"relay6[0].peeraddr == 'a'", ResultKind::kBool, "'relay6' can only be used in DHCPv6"},
    {"foo == 'a'", ResultKind::kBool, "at 1: unknown name 'foo'"},
    {"4294967296 == 'a'", ResultKind::kBool,
     "at 1: an integer value must be in 0..4294967295, got 4294967296"},
    {"-1 == 'a'", ResultKind::kBool, "at 1: an integer value must be in 0..4294967295, got -1"},
    {"0x == 'a'", ResultKind::kBool, "at 1: expected hexadecimal digits after '0x'"},
    {"10.0.0.256 == 'a'", ResultKind::kBool, "at 1: '10.0.0.256' is not an IP address"},
    {"vendor[4491].data == 'a'", ResultKind::kBool,
     "at 14: expected 'exists' or 'option' after 'vendor[...].', got 'data'"},
    {"vendor-class[4491].option[1].exists", ResultKind::kBool,
     "at 20: expected 'exists' or 'data' after 'vendor-class[...].', got 'option'"},
    {"vendor[x].exists", ResultKind::kBool, "at 8: expected an enterprise-id or '*', got 'x'"},
    {"vendor.id == 'a'", ResultKind::kBool, "at 8: expected 'enterprise' after 'vendor.'"},
    {"vendor-class[1].data[256] == 'a'", ResultKind::kBool,
     "at 22: a data index must be in 0..255, got 256"},
    {"split('a.b', '.', x) == 'a'", ResultKind::kBool,
     "at 19: expected the field number of split()"},
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.text; }

class ErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(ErrorTest, Rejects) {
  const ErrorCase& c = GetParam();
  auto e = Compile(c.text, c.kind);
  ASSERT_FALSE(e.ok()) << c.text;
  EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(e.status().message()).find(c.error), std::string_view::npos)
      << c.text << "\n  got:  " << std::string(e.status().message()) << "\n  want: " << c.error;
}

INSTANTIATE_TEST_SUITE_P(Table, ErrorTest, testing::ValuesIn(kErrorCases));

// ---------------------------------------------------------------------------------
// Properties outside the tables.

TEST(ExpressionTest, DependsOnKnownAndReferencedClasses) {
  struct Case {
    std::string_view text;
    bool known;
    std::vector<uint16_t> classes;
  };
  const Case cases[] = {
      {"option[60].exists", false, {}},
      {"member('ALL')", false, {}},
      {"member('gold') or member('bronze') or member('gold')", false, {5, 7}},
      {"known", true, {kClassKnown}},
      {"unknown and member('silver')", true, {kClassKnown, 6}},
      {"member('UNKNOWN')", true, {kClassUnknown}},
      {"member('BOOTP')", false, {kClassBootp}},
      {"member('DROP')", false, {kClassDrop}},
      {"member('VENDOR_CLASS_x')", false, {}},
  };
  for (const Case& c : cases) {
    auto e = Compile(c.text, ResultKind::kBool);
    ASSERT_TRUE(e.ok()) << c.text << ": " << e.status();
    EXPECT_EQ(e->DependsOnKnown(), c.known) << c.text;
    const std::span<const uint16_t> got = e->ReferencedClasses();
    EXPECT_EQ(std::vector<uint16_t>(got.begin(), got.end()), c.classes) << c.text;
    EXPECT_EQ(e->text(), c.text);
    EXPECT_EQ(e->kind(), ResultKind::kBool);
  }
}

TEST(ExpressionTest, OptionNameResolverReplacesTheBuiltinTable) {
  auto names = [](std::string_view name) -> std::optional<uint8_t> {
    if (name == "my-option") return 222;
    return std::nullopt;
  };
  auto e = Expression::Compile("option[my-option].hex == 'x'", ResultKind::kBool, Resolve, names);
  ASSERT_TRUE(e.ok()) << e.status();
  Evaluation eval(Discover().Opt(222, B("x")));
  EXPECT_TRUE(eval.Bool(*e));
  auto unknown = Expression::Compile("option[host-name].exists", ResultKind::kBool, Resolve, names);
  EXPECT_FALSE(unknown.ok());
}

TEST(ExpressionTest, WrongKindEvaluatesToFalseOrEmpty) {
  auto b = Compile("'a' == 'a'", ResultKind::kBool);
  auto s = Compile("'a'", ResultKind::kString);
  ASSERT_TRUE(b.ok() && s.ok());
  Evaluation eval(Discover());
  EXPECT_TRUE(eval.String(*b).empty());
  EXPECT_FALSE(eval.Bool(*s));
}

TEST(ExpressionTest, ArenaOverflowFailsTheEvaluation) {
  // hexstring of a 255-byte option with a 20-byte separator needs about 5.5 KiB.
  const std::string text =
      "hexstring(option[222].hex, '--------------------') == 'x' or 'a' == 'a'";
  auto e = Compile(text, ResultKind::kBool);
  ASSERT_TRUE(e.ok()) << e.status();
  Evaluation big(Discover().Opt(222, Bytes(255, 0xee)));
  EXPECT_FALSE(big.Bool(*e));  // 'a' == 'a' would be true, but the whole evaluation fails
  Evaluation small(Discover().Opt(222, Bytes(10, 0xee)));
  EXPECT_TRUE(small.Bool(*e));

  // Each evaluation starts with an empty arena.
  auto s = Compile("concat(hexstring(option[222].hex, ''), 'z')", ResultKind::kString);
  ASSERT_TRUE(s.ok());
  Evaluation repeat(Discover().Opt(222, Bytes(255, 0x11)));
  for (int i = 0; i < 100; ++i) ASSERT_EQ(repeat.String(*s).size(), 511u);
}

TEST(ExpressionTest, StackDepthIsBoundedAtCompileTime) {
  // concat(x, concat(x, ...)) keeps one value per level on the stack.
  std::string deep = "'x'";
  for (int i = 0; i < 40; ++i) deep = "concat('x', " + deep + ")";
  auto e = Compile(deep, ResultKind::kString);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(std::string(e.status().message()).find("values on the stack at once; at most 32"),
            std::string_view::npos)
      << e.status();

  std::string shallow = "'x'";
  for (int i = 0; i < 30; ++i) shallow = "concat('x', " + shallow + ")";
  auto ok = Compile(shallow, ResultKind::kString);
  ASSERT_TRUE(ok.ok()) << ok.status();
  Evaluation eval(Discover());
  EXPECT_EQ(eval.String(*ok), Bytes(31, 'x'));

  // Long flat chains need little stack: the left operand is folded as they go.
  std::string chain = "'a' == 'a'";
  for (int i = 0; i < 200; ++i) chain += " and 'a' == 'a'";
  auto flat = Compile(chain, ResultKind::kBool);
  ASSERT_TRUE(flat.ok()) << flat.status();
  EXPECT_TRUE(eval.Bool(*flat));

  // Nesting in parentheses is bounded too (the compiler is recursive).
  const std::string parens = std::string(100, '(') + "'a' == 'a'" + std::string(100, ')');
  auto nested = Compile(parens, ResultKind::kBool);
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(std::string(nested.status().message()).find("nests too deeply"), std::string_view::npos);
}

TEST(ExpressionTest, CompiledExpressionIsCopyableAndMovable) {
  auto e = Compile("concat(option[60].text, 'x') == 'docsis3.0x'", ResultKind::kBool);
  ASSERT_TRUE(e.ok());
  const Expression copy = *e;
  Expression moved = std::move(*e);
  Evaluation eval(Docsis());
  EXPECT_TRUE(eval.Bool(copy));
  EXPECT_TRUE(eval.Bool(moved));
}

TEST(ClassSetTest, AddHasClear) {
  ClassSet s;
  EXPECT_FALSE(s.Has(0));
  s.Add(kClassAll);
  s.Add(63);
  s.Add(64);
  s.Add(511);
  s.Add(512);  // ignored
  EXPECT_TRUE(s.Has(0));
  EXPECT_TRUE(s.Has(63));
  EXPECT_TRUE(s.Has(64));
  EXPECT_TRUE(s.Has(511));
  EXPECT_FALSE(s.Has(512));
  EXPECT_FALSE(s.Has(65));
  s.Clear();
  EXPECT_FALSE(s.Has(0));
  EXPECT_FALSE(s.Has(511));
}

}  // namespace
}  // namespace fastlease::dhcp4::classify
