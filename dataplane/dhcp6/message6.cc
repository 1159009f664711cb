// DHCPv6 message parser: see message6.h for the contract.
#include "dataplane/dhcp6/message6.h"

#include <algorithm>

namespace fastlease::dhcp6 {

namespace {

constexpr const char* kParseErrorNames[] = {
#define FASTLEASE_X(name, str) str,
    FASTLEASE_DHCP6_PARSE_ERRORS(FASTLEASE_X)
#undef FASTLEASE_X
};
static_assert(sizeof(kParseErrorNames) / sizeof(kParseErrorNames[0]) == kParseErrorCount);

constexpr const char* kMessageTypeNames[] = {
    "none",    "solicit", "advertise",   "request",    "confirm",    "renew",
    "rebind",  "reply",   "release",     "decline",    "reconfigure",
    "information-request", "relay-forw", "relay-repl",
};
static_assert(sizeof(kMessageTypeNames) / sizeof(kMessageTypeNames[0]) ==
              size_t(MessageType::kRelayRepl) + 1);

// Option header: code(2) length(2).
constexpr size_t kOptionHeaderSize = 4;
// Fixed parts: IA_NA/IA_PD iaid+t1+t2, IA_TA iaid, IA Address address+lifetimes,
// IA Prefix lifetimes+length+prefix.
constexpr size_t kIaNaFixed = 12;
constexpr size_t kIaTaFixed = 4;
constexpr size_t kIaAddrFixed = 24;
constexpr size_t kIaPrefixFixed = 25;
constexpr size_t kMinDuidSize = 2;
// Slot offsets are 16 bits; larger inputs violate Parse()'s precondition.
constexpr size_t kMaxParsedSize = 0xffff;

// One TLV of a run of options, or the end of the run.
struct Tlv {
  uint16_t code;
  std::span<const uint8_t> data;
  size_t offset;  // of the data within the run
};

// Walks a run of option TLVs with bounds checks. Next() returns false at the end
// of the run and when an entry runs past it (truncated() tells which).
class TlvCursor {
 public:
  explicit TlvCursor(std::span<const uint8_t> run) : run_(run) {}

  bool Next(Tlv& out) {
    if (pos_ >= run_.size()) return false;
    if (run_.size() - pos_ < kOptionHeaderSize) return Truncate();
    const uint16_t code = LoadBe16(run_.data() + pos_);
    const size_t len = LoadBe16(run_.data() + pos_ + 2);
    const size_t data = pos_ + kOptionHeaderSize;
    if (run_.size() - data < len) return Truncate();
    out = {code, run_.subspan(data, len), data};
    pos_ = data + len;
    return true;
  }
  bool truncated() const { return truncated_; }

 private:
  bool Truncate() {
    truncated_ = true;
    return false;
  }

  std::span<const uint8_t> run_;
  size_t pos_ = 0;
  bool truncated_ = false;
};

bool IsClientMessage(uint8_t t) {
  switch (static_cast<MessageType>(t)) {
    case MessageType::kSolicit:
    case MessageType::kRequest:
    case MessageType::kConfirm:
    case MessageType::kRenew:
    case MessageType::kRebind:
    case MessageType::kRelease:
    case MessageType::kDecline:
    case MessageType::kInformationRequest:
      return true;
    default:
      return false;
  }
}

// The type byte of any message: 0 and > 13 are no DHCPv6 message; server
// messages (and Relay-Repl) are not ours to answer.
ParseError CheckType(uint8_t t) {
  if (t == 0 || t > uint8_t(MessageType::kRelayRepl)) return ParseError::kBadMessageType;
  if (t == uint8_t(MessageType::kRelayForw) || IsClientMessage(t)) return ParseError::kNone;
  return ParseError::kServerMessage;
}

// Reads one Relay-Forw level (`msg` holds at least its header) into `info` and
// its Relay-Message option into `*inner`.
ParseError ParseRelay(std::span<const uint8_t> msg, RelayInfo& info,
                      std::span<const uint8_t>* inner) {
  info.hop_count = msg[1];
  std::copy_n(msg.data() + 2, 16, info.link_address.begin());
  std::copy_n(msg.data() + 18, 16, info.peer_address.begin());
  info.interface_id = {};
  info.remote_id = {};
  info.subscriber_id = {};
  info.options = msg.subspan(kRelayHeaderSize);
  bool have_iid = false, have_rid = false, have_sid = false, have_msg = false;
  TlvCursor cur(info.options);
  for (Tlv t; cur.Next(t);) {
    if (t.code == opt::kRelayMsg && !have_msg) {
      *inner = t.data;
      have_msg = true;
    } else if (t.code == opt::kInterfaceId && !have_iid) {
      info.interface_id = t.data;
      have_iid = true;
    } else if (t.code == opt::kRemoteId && !have_rid) {
      info.remote_id = t.data;
      have_rid = true;
    } else if (t.code == opt::kSubscriberId && !have_sid) {
      info.subscriber_id = t.data;
      have_sid = true;
    }
  }
  if (cur.truncated()) return ParseError::kTruncatedOption;
  return have_msg ? ParseError::kNone : ParseError::kNoRelayMessage;
}

// Reads one IA Address (NA/TA) or IA Prefix (PD) sub-option into `e`.
ParseError ParseIaEntry(IaType type, std::span<const uint8_t> d, IaEntry& e) {
  const uint8_t* p = d.data();
  if (type == IaType::kPd) {
    if (d.size() < kIaPrefixFixed || p[8] > 128) return ParseError::kBadIa;
    e.preferred = LoadBe32(p);
    e.valid = LoadBe32(p + 4);
    e.prefix_len = p[8];
    std::copy_n(p + 9, 16, e.address.begin());
    return ParseError::kNone;
  }
  if (d.size() < kIaAddrFixed) return ParseError::kBadIa;
  std::copy_n(p, 16, e.address.begin());
  e.prefix_len = 128;
  e.preferred = LoadBe32(p + 16);
  e.valid = LoadBe32(p + 20);
  return ParseError::kNone;
}

// Reads an IA_NA, IA_TA or IA_PD option's data into `ia`: the fixed part and up
// to kMaxIaEntries addresses or prefixes (the rest are checked, not kept).
ParseError ParseIa(IaType type, std::span<const uint8_t> d, Ia& ia) {
  const size_t fixed = type == IaType::kTa ? kIaTaFixed : kIaNaFixed;
  if (d.size() < fixed) return ParseError::kBadIa;
  ia.type = type;
  ia.iaid = LoadBe32(d.data());
  ia.t1 = type == IaType::kTa ? 0 : LoadBe32(d.data() + 4);
  ia.t2 = type == IaType::kTa ? 0 : LoadBe32(d.data() + 8);
  ia.entry_count = 0;
  const uint16_t entry_code = type == IaType::kPd ? opt::kIaPrefix : opt::kIaAddr;
  TlvCursor cur(d.subspan(fixed));
  for (Tlv t; cur.Next(t);) {
    if (t.code != entry_code) continue;
    IaEntry scratch;
    IaEntry& e = ia.entry_count < kMaxIaEntries ? ia.entries[ia.entry_count] : scratch;
    if (const ParseError err = ParseIaEntry(type, t.data, e); err != ParseError::kNone) return err;
    if (ia.entry_count < kMaxIaEntries) ++ia.entry_count;
  }
  return cur.truncated() ? ParseError::kBadIa : ParseError::kNone;
}

}  // namespace

const char* ParseErrorName(ParseError e) {
  const auto i = static_cast<size_t>(e);
  return i < kParseErrorCount ? kParseErrorNames[i] : "unknown";
}

const char* MessageTypeName(MessageType t) {
  const auto i = static_cast<size_t>(t);
  return i <= size_t(MessageType::kRelayRepl) ? kMessageTypeNames[i] : "unknown";
}

bool FindOption(std::span<const uint8_t> tlvs, uint16_t code, std::span<const uint8_t>* out) {
  TlvCursor cur(tlvs);
  for (Tlv t; cur.Next(t);) {
    if (t.code == code) {
      *out = t.data;
      return true;
    }
  }
  return false;
}

// Indexes the options of the client message and checks the ones whose shape the
// message accessors rely on.
class OptionIndexer6 {
 public:
  explicit OptionIndexer6(Dhcp6Message& m) : m_(m) {}

  ParseError Walk() {
    TlvCursor cur(m_.options_);
    for (Tlv t; cur.Next(t);) {
      if (const ParseError e = Check(t); e != ParseError::kNone) return e;
      Record(t);
    }
    return cur.truncated() ? ParseError::kTruncatedOption : ParseError::kNone;
  }

 private:
  // Remembers the first occurrence of codes < 128 (offsets relative to client_).
  void Record(const Tlv& t) {
    if (t.code >= 128) return;
    uint64_t& word = m_.present_[t.code >> 6];
    const uint64_t bit = uint64_t{1} << (t.code & 63);
    if (word & bit) return;
    word |= bit;
    m_.slots_[t.code] = {static_cast<uint16_t>(kClientHeaderSize + t.offset),
                         static_cast<uint16_t>(t.data.size())};
    if (t.code == opt::kElapsedTime) m_.elapsed_ = LoadBe16(t.data.data());
  }

  ParseError Check(const Tlv& t) {
    const size_t n = t.data.size();
    switch (t.code) {
      case opt::kClientId:
      case opt::kServerId:
        return n >= kMinDuidSize && n <= kMaxDuidSize ? ParseError::kNone : ParseError::kBadDuid;
      case opt::kElapsedTime:
        return n == 2 ? ParseError::kNone : ParseError::kBadOptionLength;
      case opt::kOro:
        return n % 2 == 0 ? ParseError::kNone : ParseError::kBadOptionLength;
      case opt::kRapidCommit:
      case opt::kReconfAccept:
        return n == 0 ? ParseError::kNone : ParseError::kBadOptionLength;
      case opt::kIaNa:
        return AddIa(IaType::kNa, t.data);
      case opt::kIaTa:
        return AddIa(IaType::kTa, t.data);
      case opt::kIaPd:
        return AddIa(IaType::kPd, t.data);
      default:
        return ParseError::kNone;
    }
  }

  ParseError AddIa(IaType type, std::span<const uint8_t> d) {
    if (m_.ia_count_ == kMaxIas) return ParseError::kTooManyIas;
    const ParseError e = ParseIa(type, d, m_.ias_[m_.ia_count_]);
    if (e == ParseError::kNone) ++m_.ia_count_;
    return e;
  }

  Dhcp6Message& m_;
};

ParseError Parse(std::span<const uint8_t> bytes, Dhcp6Message& out) {
  // Reset what the accessors read, so they are safe whatever this returns.
  out.all_ = bytes;
  out.client_ = {};
  out.options_ = {};
  out.type_ = MessageType::kNone;
  out.xid_ = 0;
  out.elapsed_ = 0;
  out.relay_depth_ = 0;
  out.ia_count_ = 0;
  out.present_ = {};

  std::span<const uint8_t> msg = bytes.first(std::min(bytes.size(), kMaxParsedSize));
  for (;;) {
    if (msg.size() < kClientHeaderSize) [[unlikely]] return ParseError::kTruncatedHeader;
    if (const ParseError e = CheckType(msg[0]); e != ParseError::kNone) [[unlikely]] return e;
    if (msg[0] != uint8_t(MessageType::kRelayForw)) break;
    if (out.relay_depth_ == kMaxRelayDepth) [[unlikely]] return ParseError::kRelayTooDeep;
    if (msg.size() < kRelayHeaderSize) [[unlikely]] return ParseError::kTruncatedHeader;
    std::span<const uint8_t> inner;
    const ParseError e = ParseRelay(msg, out.relays_[out.relay_depth_], &inner);
    if (e != ParseError::kNone) [[unlikely]] return e;
    ++out.relay_depth_;
    msg = inner;
  }

  out.client_ = msg;
  out.options_ = msg.subspan(kClientHeaderSize);
  out.type_ = static_cast<MessageType>(msg[0]);
  out.xid_ = uint32_t(msg[1]) << 16 | uint32_t(msg[2]) << 8 | msg[3];
  return OptionIndexer6(out).Walk();
}

bool Dhcp6Message::Has(uint16_t code) const {
  if (code < 128) return (present_[code >> 6] >> (code & 63)) & 1;
  std::span<const uint8_t> ignored;
  return FindOption(options_, code, &ignored);
}

std::span<const uint8_t> Dhcp6Message::Option(uint16_t code) const {
  if (code < 128) {
    if (!Has(code)) return {};
    return client_.subspan(slots_[code].offset, slots_[code].length);
  }
  std::span<const uint8_t> data;
  FindOption(options_, code, &data);
  return data;
}

bool Dhcp6Message::Requests(uint16_t code) const {
  const std::span<const uint8_t> oro = Oro();
  for (size_t i = 0; i + 1 < oro.size(); i += 2) {
    if (LoadBe16(oro.data() + i) == code) return true;
  }
  return false;
}

}  // namespace fastlease::dhcp6
