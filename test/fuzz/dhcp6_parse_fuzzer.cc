// libFuzzer target for the DHCPv6 codec: parse arbitrary bytes, read everything
// the message exposes, and for a valid message build a relayed Reply that echoes
// every IA, then read that reply back (as a request: Relay-Repl turned into
// Relay-Forw) and compare. Built and run by test/fuzz/run.sh (ASan + UBSan).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>

#include "dataplane/dhcp6/builder6.h"
#include "dataplane/dhcp6/message6.h"
#include "dataplane/dhcp6/options6.h"

namespace {

using namespace fastlease::dhcp6;

volatile uint32_t g_sink;

constexpr uint8_t kServerDuid[] = {0x00, 0x01, 0x00, 0x01, 0x29, 0xb9, 0x27, 0x00,
                                   0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "dhcp6_parse_fuzzer: check failed: %s\n", what);
    std::abort();
  }
}

bool Inside(std::span<const uint8_t> s, std::span<const uint8_t> whole) {
  return s.empty() ||
         (s.data() >= whole.data() && s.data() + s.size() <= whole.data() + whole.size());
}

bool SameBytes(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

uint32_t Touch(std::span<const uint8_t> s) {
  uint32_t sum = 0;
  for (uint8_t b : s) sum += b;
  return sum;
}

// Reads every accessor; every span must lie inside the parsed bytes.
uint32_t TouchMessage(const Dhcp6Message& m, std::span<const uint8_t> input) {
  uint32_t sum = uint32_t(m.type()) + m.xid() + m.ElapsedTime() + m.RapidCommit();
  sum += m.ReconfigureAccept();
  Check(Inside(m.client_bytes(), input) && Inside(m.options(), input), "client span outside");
  for (uint16_t code : {uint16_t(0), uint16_t(1), uint16_t(2), uint16_t(3), uint16_t(6),
                        uint16_t(8), uint16_t(14), uint16_t(25), uint16_t(39), uint16_t(63),
                        uint16_t(64), uint16_t(127), uint16_t(128), uint16_t(143),
                        uint16_t(0xffff)}) {
    const auto o = m.Option(code);
    if (!m.Has(code)) Check(o.empty(), "absent option has data");
    Check(Inside(o, input), "option outside the input");
    sum += Touch(o) + m.Requests(code);
  }
  sum += Touch(m.ClientId()) + Touch(m.ServerId()) + Touch(m.Oro()) + Touch(m.ClientFqdn());
  Check(m.relay_depth() <= kMaxRelayDepth, "relay depth");
  for (size_t i = 0; i < m.relay_depth(); ++i) {
    const RelayInfo& r = m.relay(i);
    Check(Inside(r.options, input) && Inside(r.interface_id, input) &&
              Inside(r.remote_id, input) && Inside(r.subscriber_id, input),
          "relay span outside the input");
    sum += r.hop_count + r.link_address[15] + r.peer_address[0] + Touch(r.interface_id);
    sum += Touch(r.remote_id) + Touch(r.subscriber_id) + uint32_t(r.options.size());
  }
  Check(m.ias().size() <= kMaxIas, "IA count");
  for (const Ia& ia : m.ias()) {
    Check(ia.entry_count <= kMaxIaEntries, "IA entry count");
    sum += ia.iaid + ia.t1 + ia.t2;
    for (size_t i = 0; i < ia.entry_count; ++i) {
      Check(ia.entries[i].prefix_len <= 128, "prefix length");
      sum += ia.entries[i].address[0] + ia.entries[i].preferred + ia.entries[i].valid;
    }
  }
  return sum;
}

uint16_t IaCode(IaType t) {
  return t == IaType::kNa ? opt::kIaNa : t == IaType::kTa ? opt::kIaTa : opt::kIaPd;
}

// A Reply echoing the request's relay chain, Client-Id and every IA with its entries
// (prefixes with a PD_EXCLUDE of their first half).
size_t BuildReply(const Dhcp6Message& req, std::span<uint8_t> buf) {
  Dhcp6Builder b(buf);
  b.StartReply(req, MessageType::kReply);
  b.AddOption(opt::kServerId, kServerDuid);
  if (req.Has(opt::kClientId)) b.AddOption(opt::kClientId, req.ClientId());
  for (const Ia& ia : req.ias()) {
    const size_t h = b.BeginOption(IaCode(ia.type));
    b.AddU32(ia.iaid);
    if (ia.type != IaType::kTa) {
      b.AddU32(ia.t1);
      b.AddU32(ia.t2);
    }
    for (size_t i = 0; i < ia.entry_count; ++i) {
      const IaEntry& e = ia.entries[i];
      if (ia.type != IaType::kPd) {
        b.AddIaAddress(e.address, e.preferred, e.valid);
      } else if (e.prefix_len < 128) {
        Check(b.AddIaPrefix(e.address, e.prefix_len, e.preferred, e.valid, e.address,
                            uint8_t(e.prefix_len + 1)) || b.failed(),
              "valid exclusion refused");
      } else {
        b.AddIaPrefix(e.address, e.prefix_len, e.preferred, e.valid);
      }
    }
    b.AddStatus(StatusCode::kSuccess, "ok");
    b.EndOption(h);
  }
  if (req.RapidCommit()) b.AddEmptyOption(opt::kRapidCommit);
  const size_t n = b.Finish();
  Check(n == 0 || n == b.size(), "Finish() and size() disagree");
  Check(n <= buf.size(), "reply larger than the buffer");
  return n;
}

// Turns every Relay-Repl of `reply` into a Relay-Forw and the Reply into a Request.
bool AsRequest(std::span<uint8_t> reply) {
  size_t p = 0;
  while (p < reply.size() && reply[p] == uint8_t(MessageType::kRelayRepl)) {
    reply[p] = uint8_t(MessageType::kRelayForw);
    if (reply.size() - p < kRelayHeaderSize) return false;
    std::span<const uint8_t> inner;
    if (!FindOption(reply.subspan(p + kRelayHeaderSize), opt::kRelayMsg, &inner)) return false;
    p = size_t(inner.data() - reply.data());
  }
  if (p >= reply.size() || reply[p] != uint8_t(MessageType::kReply)) return false;
  reply[p] = uint8_t(MessageType::kRequest);
  return true;
}

bool SameEntry(const IaEntry& a, const IaEntry& b) {
  return a.address == b.address && a.prefix_len == b.prefix_len &&
         a.preferred == b.preferred && a.valid == b.valid;
}

void CheckEcho(const Dhcp6Message& req, const Dhcp6Message& back) {
  Check(back.relay_depth() == req.relay_depth(), "relay depth of the reply");
  for (size_t i = 0; i < req.relay_depth(); ++i) {
    const RelayInfo& a = req.relay(i);
    const RelayInfo& b = back.relay(i);
    Check(a.hop_count == b.hop_count && a.link_address == b.link_address &&
              a.peer_address == b.peer_address,
          "relay header not copied");
    Check(SameBytes(a.interface_id, b.interface_id), "Interface-Id not echoed");
  }
  Check(back.xid() == req.xid(), "xid");
  Check(SameBytes(back.ServerId(), kServerDuid), "Server-Id");
  Check(SameBytes(back.ClientId(), req.ClientId()), "Client-Id");
  Check(back.RapidCommit() == req.RapidCommit(), "Rapid Commit");
  Check(back.ias().size() == req.ias().size(), "IA count of the reply");
  for (size_t i = 0; i < req.ias().size(); ++i) {
    const Ia& a = req.ias()[i];
    const Ia& b = back.ias()[i];
    Check(a.type == b.type && a.iaid == b.iaid && a.t1 == b.t1 && a.t2 == b.t2, "IA header");
    Check(a.entry_count == b.entry_count, "IA entry count of the reply");
    for (size_t j = 0; j < a.entry_count; ++j) Check(SameEntry(a.entries[j], b.entries[j]), "entry");
  }
}

void BuildAndReparse(const Dhcp6Message& req) {
  static uint8_t buf[65535];
  static Dhcp6Message back;
  const size_t n = BuildReply(req, buf);
  // Everything fits unless the echoed relay data alone nears 64 KiB.
  if (n == 0) {
    Check(req.bytes().size() > 60000, "reply did not fit");
    return;
  }
  // A buffer one byte short fails cleanly.
  static uint8_t small[65535];
  Check(BuildReply(req, {small, n - 1}) == 0, "a reply fitted a smaller buffer");

  Check(AsRequest({buf, n}), "reply structure");
  const ParseError e = Parse({buf, n}, back);
  if (e != ParseError::kNone) {
    std::fprintf(stderr, "reply does not parse back: %s\n", ParseErrorName(e));
    std::abort();
  }
  CheckEcho(req, back);
  g_sink = g_sink + TouchMessage(back, {buf, n});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Dhcp6Message msg;
  if (size >= 65536) return 0;  // Parse()'s precondition
  const std::span<const uint8_t> input(data, size);
  const ParseError e = Parse(input, msg);
  Check(ParseErrorName(e) != nullptr, "error name");
  Check(MessageTypeName(msg.type()) != nullptr, "type name");
  // Every accessor is safe to call whatever Parse() returned.
  uint32_t sum = TouchMessage(msg, input);
  if (e == ParseError::kNone) BuildAndReparse(msg);
  g_sink = g_sink + sum;
  return 0;
}
