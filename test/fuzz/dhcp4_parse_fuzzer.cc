// libFuzzer target for the DHCPv4 codec: parse arbitrary bytes, read everything
// the message exposes, and for a valid message build a reply and parse it back.
// Built and run by test/fuzz/run.sh (ASan + UBSan).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>

#include "dataplane/dhcp4/builder.h"
#include "dataplane/dhcp4/message.h"
#include "dataplane/dhcp4/options.h"

namespace {

using namespace fastlease::dhcp4;

volatile uint32_t g_sink;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "dhcp4_parse_fuzzer: check failed: %s\n", what);
    std::abort();
  }
}

uint32_t Touch(std::span<const uint8_t> s) {
  uint32_t sum = 0;
  for (uint8_t b : s) sum += b;
  return sum;
}

uint32_t TouchOptions(const Dhcp4Message& m) {
  uint32_t sum = 0;
  for (int code = 0; code < 256; ++code) {
    const auto o = m.Option(uint8_t(code));
    if (!m.Has(uint8_t(code))) Check(o.empty(), "absent option has data");
    sum += Touch(o) + uint32_t(o.size());
  }
  sum += m.RequestedAddress().value_or(1) + m.ServerId().value_or(2) + m.LeaseTime().value_or(3);
  sum += m.MaxMessageSize().value_or(4);
  sum += Touch(m.ClientId()) + Touch(m.ParameterRequestList()) + Touch(m.RelayAgentInfo());
  return sum;
}

uint32_t TouchHeader(const Dhcp4Message& m) {
  uint32_t sum = m.op() + m.htype() + m.hlen() + m.hops() + m.xid() + m.secs() + m.flags();
  sum += m.broadcast_flag() + m.ciaddr() + m.yiaddr() + m.siaddr() + m.giaddr();
  sum += Touch(m.chaddr_field()) + Touch(m.chaddr()) + Touch(m.sname_field());
  sum += Touch(m.file_field()) + Touch(m.bytes());
  sum += uint32_t(m.type()) + m.overload();
  return sum;
}

// TLV bytes an option of `len` data bytes takes once split into 255-byte pieces.
size_t WireSize(size_t len) { return len + 2 * (len <= 255 ? 1 : (len + 254) / 255); }

bool SameBytes(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

void BuildAndReparse(const Dhcp4Message& req) {
  static uint8_t buf[1500];
  static Dhcp4Message reply;
  const size_t limit = ReplySizeLimit(req, sizeof buf);
  Check(limit >= 548 || limit == sizeof buf, "reply limit below 548");
  Dhcp4Builder b(buf, limit);
  const MessageType type =
      req.type() == MessageType::kDiscover ? MessageType::kOffer : MessageType::kAck;
  b.StartReply(req, type, req.ciaddr(), 0x0a000064, 0x0a000001);
  Check(b.AddAddress(opt::kServerId, 0x0a000001), "server id did not fit");
  Check(b.AddU32(opt::kLeaseTime, 3600), "lease time did not fit");
  const bool has_rai = req.Has(opt::kRelayAgentInfo);
  const size_t rai_wire = WireSize(req.RelayAgentInfo().size());
  // If option 82 fits now (leaving a byte for End), the reservation must keep it fitting.
  const bool rai_must_fit = has_rai && b.size() + rai_wire + 1 <= limit;
  if (has_rai) b.ReserveTail(rai_wire);

  // Echo the request's options (each code once, so nothing concatenates that was
  // not split by the builder), keeping split options within the parser's scratch.
  bool added[256] = {};
  size_t split_bytes = 0;
  for (int code = 1; code < 255; ++code) {
    if (code == opt::kOverload || code == opt::kMessageType || code == opt::kServerId ||
        code == opt::kLeaseTime || code == opt::kRelayAgentInfo || !req.Has(uint8_t(code))) {
      continue;
    }
    const auto data = req.Option(uint8_t(code));
    if (data.size() > 255) {
      if (split_bytes + data.size() > Dhcp4Message::kScratchSize) continue;
      split_bytes += data.size();
    }
    const size_t before = b.size();
    added[code] = b.AddOption(uint8_t(code), data);
    Check(added[code] ? b.size() == before + WireSize(data.size()) : b.size() == before,
          "AddOption wrote the wrong number of bytes");
  }
  b.ReleaseTail();
  const size_t rai_len = req.RelayAgentInfo().size();
  if (has_rai && (rai_len <= 255 || split_bytes + rai_len <= Dhcp4Message::kScratchSize)) {
    added[opt::kRelayAgentInfo] = b.AddOption(opt::kRelayAgentInfo, req.RelayAgentInfo());
    if (rai_must_fit) Check(added[opt::kRelayAgentInfo], "reserved tail did not hold option 82");
  }
  const size_t n = b.Finish();
  Check(n >= kOptionsOffset + 4 && n <= limit, "reply size out of range");
  Check(n >= std::min(kMinReplySize, limit), "reply not padded");
  if (n > kMinReplySize) Check(buf[n - 1] == opt::kEnd, "End is not last in an unpadded reply");

  const ParseError e = Parse({buf, n}, reply);
  if (e != ParseError::kNone) {
    std::fprintf(stderr, "reply does not parse: %s\n", ParseErrorName(e));
    std::abort();
  }
  Check(reply.op() == kBootReply && reply.type() == type, "reply op/type");
  Check(reply.xid() == req.xid() && reply.flags() == req.flags(), "reply xid/flags");
  Check(SameBytes(reply.chaddr_field(), req.chaddr_field()), "reply chaddr");
  Check(reply.ServerId() == 0x0a000001u && reply.LeaseTime() == 3600u, "reply 54/51");
  for (int code = 1; code < 255; ++code) {
    if (added[code]) {
      Check(SameBytes(reply.Option(uint8_t(code)), req.Option(uint8_t(code))), "echoed option");
    }
  }
  g_sink = g_sink + TouchHeader(reply) + TouchOptions(reply);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Dhcp4Message msg;
  const ParseError e = Parse({data, size}, msg);
  Check(ParseErrorName(e) != nullptr, "error name");
  // Every accessor is safe to call whatever Parse() returned.
  uint32_t sum = TouchOptions(msg) + TouchHeader(msg);
  if (e == ParseError::kNone) BuildAndReparse(msg);
  g_sink = g_sink + sum;
  return 0;
}
