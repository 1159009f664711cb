// DHCPv4 message parser: see message.h for the contract.
#include "dataplane/dhcp4/message.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

namespace fastlease::dhcp4 {

namespace {

constexpr const char* kParseErrorNames[] = {
#define FASTLEASE_X(name, str) str,
    FASTLEASE_DHCP4_PARSE_ERRORS(FASTLEASE_X)
#undef FASTLEASE_X
};
static_assert(sizeof(kParseErrorNames) / sizeof(kParseErrorNames[0]) == kParseErrorCount);

// The magic cookie as it sits in memory, for a single 32-bit compare.
constexpr uint32_t kCookieInMemory = std::bit_cast<uint32_t>(std::array<uint8_t, 4>{
    uint8_t(kMagicCookie >> 24), uint8_t(kMagicCookie >> 16), uint8_t(kMagicCookie >> 8),
    uint8_t(kMagicCookie)});

// What a message whose header cannot be trusted (too short, or an hlen that would
// take chaddr() past its field) points at, so that the header accessors stay safe
// to call after kTruncatedHeader and kBadHlen (they read zeros).
constexpr uint8_t kZeroHeader[kHeaderSize] = {};

// Slot offsets into the message are 15 bits (the 16th marks scratch offsets).
constexpr size_t kMaxParsedSize = 0x7fff;

}  // namespace

const char* ParseErrorName(ParseError e) {
  const auto i = static_cast<size_t>(e);
  return i < kParseErrorCount ? kParseErrorNames[i] : "unknown";
}

// Walks the option areas of one message and fills its presence bitmap and slots.
class OptionIndexer {
 public:
  explicit OptionIndexer(Dhcp4Message& m) : m_(m) {}

  // Indexes the TLVs in [begin, end) of the message. `kInOverloadedField` is true
  // for `file` and `sname`, where option 52 may not appear (RFC 2131 §4.1).
  template <bool kInOverloadedField>
  ParseError Walk(size_t begin, size_t end) {
    const uint8_t* const b = m_.base_;
    size_t p = begin;
    while (p < end) {
      const uint8_t code = b[p];
      if (code == opt::kPad) {
        ++p;
        continue;
      }
      if (code == opt::kEnd) return ParseError::kNone;
      if (p + 1 >= end) [[unlikely]] return ParseError::kTruncatedOption;
      const size_t len = b[p + 1];
      const size_t data = p + 2;
      if (data + len > end) [[unlikely]] return ParseError::kTruncatedOption;
      if (kInOverloadedField && code == opt::kOverload) [[unlikely]] {
        return ParseError::kBadOverload;
      }
      if (const ParseError e = Record(code, data, len); e != ParseError::kNone) [[unlikely]] {
        return e;
      }
      p = data + len;
    }
    return ParseError::kNone;  // no End: the area runs to its last byte
  }

 private:
  ParseError Record(uint8_t code, size_t data, size_t len) {
    uint64_t& word = m_.present_[code >> 6];
    const uint64_t bit = uint64_t{1} << (code & 63);
    Dhcp4Message::Slot& slot = m_.slots_[code];
    if (!(word & bit)) {
      word |= bit;
      slot = {static_cast<uint16_t>(data), static_cast<uint16_t>(len)};
      return ParseError::kNone;
    }
    return Concatenate(slot, data, len);
  }

  // RFC 3396: a repeated code continues the earlier data. The option's bytes are
  // gathered at the end of the scratch area; if another option was appended there
  // since, the data gathered so far is moved to the end first.
  ParseError Concatenate(Dhcp4Message::Slot& slot, size_t data, size_t len) {
    constexpr uint16_t kBit = Dhcp4Message::kScratchBit;
    uint8_t* const scratch = m_.scratch_.data();
    size_t used = m_.scratch_used_;
    const size_t have = slot.length;
    const bool at_tail = (slot.offset & kBit) && (slot.offset & ~kBit) + have == used;
    if (!at_tail) {
      if (have + len > Dhcp4Message::kScratchSize - used) return ParseError::kOptionTooLong;
      const uint8_t* src = (slot.offset & kBit) ? scratch + (slot.offset & ~kBit)
                                                : m_.base_ + slot.offset;
      std::memcpy(scratch + used, src, have);
      slot.offset = static_cast<uint16_t>(used | kBit);
      used += have;
    } else if (len > Dhcp4Message::kScratchSize - used) {
      return ParseError::kOptionTooLong;
    }
    std::memcpy(scratch + used, m_.base_ + data, len);
    used += len;
    slot.length = static_cast<uint16_t>(have + len);
    m_.scratch_used_ = static_cast<uint16_t>(used);
    return ParseError::kNone;
  }

  Dhcp4Message& m_;
};

ParseError Parse(std::span<const uint8_t> bytes, Dhcp4Message& out) {
  // Reset only what a parse reads before writing: the bitmap, not the slots.
  out.present_ = {};
  out.scratch_used_ = 0;
  out.type_ = MessageType::kNone;
  out.overload_ = 0;
  // Larger inputs violate the precondition; index only what slots can address.
  const size_t size = std::min(bytes.size(), kMaxParsedSize);
  out.base_ = bytes.data();
  out.size_ = static_cast<uint16_t>(size);

  if (size < kHeaderSize) [[unlikely]] {
    out.base_ = kZeroHeader;
    out.size_ = 0;
    return ParseError::kTruncatedHeader;
  }
  const uint8_t* const b = bytes.data();
  // hlen before op: every later return leaves a header whose chaddr() is in bounds.
  if (b[2] > kChaddrSize) [[unlikely]] {
    out.base_ = kZeroHeader;
    out.size_ = 0;
    return ParseError::kBadHlen;
  }
  if (b[0] != kBootRequest && b[0] != kBootReply) [[unlikely]] return ParseError::kBadOp;
  if (size < kOptionsOffset) [[unlikely]] return ParseError::kBadCookie;
  uint32_t cookie;
  std::memcpy(&cookie, b + kHeaderSize, sizeof cookie);
  if (cookie != kCookieInMemory) [[unlikely]] return ParseError::kBadCookie;

  OptionIndexer idx(out);
  ParseError e = idx.Walk<false>(kOptionsOffset, size);
  if (e != ParseError::kNone) [[unlikely]] return e;

  if (out.Has(opt::kOverload)) [[unlikely]] {
    const auto o = out.Option(opt::kOverload);
    if (o.size() != 1 || o[0] < kOverloadFile || o[0] > kOverloadBoth) {
      return ParseError::kBadOverload;
    }
    out.overload_ = o[0];
    if (out.overload_ & kOverloadFile) {
      e = idx.Walk<true>(kFileOffset, kFileOffset + kFileSize);
      if (e != ParseError::kNone) return e;
    }
    if (out.overload_ & kOverloadSname) {
      e = idx.Walk<true>(kSnameOffset, kSnameOffset + kSnameSize);
      if (e != ParseError::kNone) return e;
    }
  }

  if (out.Has(opt::kMessageType)) {
    const auto t = out.Option(opt::kMessageType);
    if (t.size() != 1 || t[0] < 1 || t[0] > kMaxMessageType) [[unlikely]] {
      return ParseError::kBadMessageType;
    }
    out.type_ = static_cast<MessageType>(t[0]);
  }
  return ParseError::kNone;
}

std::optional<uint32_t> Dhcp4Message::Address(uint8_t code) const {
  const auto o = Option(code);
  if (o.size() != 4) return std::nullopt;
  return uint32_t(o[0]) << 24 | uint32_t(o[1]) << 16 | uint32_t(o[2]) << 8 | o[3];
}

std::optional<uint32_t> Dhcp4Message::LeaseTime() const { return Address(opt::kLeaseTime); }

std::optional<uint16_t> Dhcp4Message::MaxMessageSize() const {
  const auto o = Option(opt::kMaxMessageSize);
  if (o.size() != 2) return std::nullopt;
  const uint16_t v = static_cast<uint16_t>(o[0] << 8 | o[1]);
  if (v < kMinMaxMessageSize) return std::nullopt;
  return v;
}

}  // namespace fastlease::dhcp4
