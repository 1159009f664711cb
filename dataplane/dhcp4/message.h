// Dhcp4Message: a zero-copy, bounds-checked view of one DHCPv4 message.
//
//   dhcp4::Dhcp4Message msg;
//   if (dhcp4::Parse(bytes, msg) != dhcp4::ParseError::kNone) { count; drop; }
//   if (auto req = msg.RequestedAddress()) { ... }
//
// Parse() never throws, never allocates and never reads outside `bytes`. The
// message keeps pointers into `bytes`, so the bytes must outlive it. Options are
// indexed once: a presence bitmap plus an (offset,length) slot per code. A code
// that occurs more than once (RFC 3396 long options, or an option continued in
// the overloaded `file`/`sname` fields) is concatenated, in RFC 3396 order
// (options, then file, then sname), into a scratch area inside the message.
// Addresses are returned in host byte order.
//
// Thread-safety: a message is owned by one lcore; it is reused burst after burst.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>

#include "dataplane/dhcp4/options.h"

namespace fastlease::dhcp4 {

// Every way a byte span can fail to be a DHCPv4 message. Names double as the
// suffix of the drop counters ("dhcp4_parse_<name>").
#define FASTLEASE_DHCP4_PARSE_ERRORS(X)                                       \
  X(kNone, "ok")                                                               \
  X(kTruncatedHeader, "truncated_header")   /* < 236 bytes of BOOTP header */   \
  X(kBadOp, "bad_op")                       /* op not 1 or 2 */                \
  X(kBadHlen, "bad_hlen")                   /* hlen > 16 */                    \
  X(kBadCookie, "bad_cookie")               /* missing or wrong magic cookie */ \
  X(kTruncatedOption, "truncated_option")   /* code or length past the end */  \
  X(kBadOverload, "bad_overload")           /* option 52 malformed or nested */ \
  X(kOptionTooLong, "option_too_long")      /* concatenation exceeds scratch */ \
  X(kBadMessageType, "bad_message_type")    /* option 53 not 1 byte 1..18 */

enum class ParseError : uint8_t {
#define FASTLEASE_X(name, str) name,
  FASTLEASE_DHCP4_PARSE_ERRORS(FASTLEASE_X)
#undef FASTLEASE_X
};
inline constexpr size_t kParseErrorCount = 0
#define FASTLEASE_X(name, str) +1
    FASTLEASE_DHCP4_PARSE_ERRORS(FASTLEASE_X)
#undef FASTLEASE_X
    ;
const char* ParseErrorName(ParseError e);

class Dhcp4Message {
 public:
  // Scratch capacity for concatenated (RFC 3396) options, per message.
  static constexpr size_t kScratchSize = 1024;

  // --- fixed header (host byte order) ---
  uint8_t op() const { return base_[0]; }
  uint8_t htype() const { return base_[1]; }
  uint8_t hlen() const { return base_[2]; }
  uint8_t hops() const { return base_[3]; }
  uint32_t xid() const { return Load32(4); }
  uint16_t secs() const { return Load16(8); }
  uint16_t flags() const { return Load16(10); }
  bool broadcast_flag() const { return (flags() & kFlagBroadcast) != 0; }
  uint32_t ciaddr() const { return Load32(12); }
  uint32_t yiaddr() const { return Load32(16); }
  uint32_t siaddr() const { return Load32(20); }
  uint32_t giaddr() const { return Load32(24); }
  // The whole 16-byte chaddr field, and the hlen meaningful bytes of it.
  std::span<const uint8_t, kChaddrSize> chaddr_field() const {
    return std::span<const uint8_t, kChaddrSize>(base_ + 28, kChaddrSize);
  }
  std::span<const uint8_t> chaddr() const { return {base_ + 28, hlen()}; }
  std::span<const uint8_t> sname_field() const { return {base_ + kSnameOffset, kSnameSize}; }
  std::span<const uint8_t> file_field() const { return {base_ + kFileOffset, kFileSize}; }
  // The message bytes as given to Parse().
  std::span<const uint8_t> bytes() const { return {base_, size_}; }

  // Option 53; kNone for a BOOTP message without it.
  MessageType type() const { return type_; }
  // Option 52 value seen in the options field (0 when absent).
  uint8_t overload() const { return overload_; }

  // --- options ---
  bool Has(uint8_t code) const { return (present_[code >> 6] >> (code & 63)) & 1; }
  // The option's data (concatenated if split); empty when absent. Has() tells an
  // absent option from a present zero-length one.
  std::span<const uint8_t> Option(uint8_t code) const {
    if (!Has(code)) return {};
    const Slot s = slots_[code];
    const uint8_t* p = (s.offset & kScratchBit) ? scratch_.data() + (s.offset & ~kScratchBit)
                                                 : base_ + s.offset;
    return {p, s.length};
  }

  // Typed accessors: nullopt when absent or of the wrong length.
  std::optional<uint32_t> RequestedAddress() const { return Address(opt::kRequestedAddress); }
  std::optional<uint32_t> ServerId() const { return Address(opt::kServerId); }
  std::optional<uint32_t> LeaseTime() const;
  // Option 57 as sent (the client's maximum IP datagram size); nullopt when
  // absent, shorter than 2 bytes or below 576.
  std::optional<uint16_t> MaxMessageSize() const;
  // Option 61 data (RFC 4361: type 255, IAID, DUID; or type + hardware address).
  // Empty when absent.
  std::span<const uint8_t> ClientId() const { return Option(opt::kClientId); }
  std::span<const uint8_t> ParameterRequestList() const {
    return Option(opt::kParameterRequestList);
  }
  // Option 82 data (sub-options), to be echoed unchanged (RFC 3046).
  std::span<const uint8_t> RelayAgentInfo() const { return Option(opt::kRelayAgentInfo); }

 private:
  friend ParseError Parse(std::span<const uint8_t> bytes, Dhcp4Message& out);
  friend class OptionIndexer;
  static constexpr uint16_t kScratchBit = 0x8000;
  struct Slot {
    uint16_t offset;  // into base_, or into scratch_ with kScratchBit set
    uint16_t length;
  };

  uint16_t Load16(size_t off) const { return uint16_t(base_[off] << 8 | base_[off + 1]); }
  uint32_t Load32(size_t off) const {
    return uint32_t(base_[off]) << 24 | uint32_t(base_[off + 1]) << 16 |
           uint32_t(base_[off + 2]) << 8 | base_[off + 3];
  }
  std::optional<uint32_t> Address(uint8_t code) const;

  const uint8_t* base_ = nullptr;
  uint16_t size_ = 0;
  MessageType type_ = MessageType::kNone;
  uint8_t overload_ = 0;
  uint16_t scratch_used_ = 0;
  std::array<uint64_t, 4> present_{};
  std::array<Slot, 256> slots_;  // valid only where present_ says so
  std::array<uint8_t, kScratchSize> scratch_;
};

// Parses `bytes` (the UDP payload) into `out`. On any error `out` is left in an
// unspecified but safe state. `bytes.size()` must be < 32768.
// No allocation, no exceptions; cost is linear in the option bytes.
[[nodiscard]] ParseError Parse(std::span<const uint8_t> bytes, Dhcp4Message& out);

// The 4 bytes at `p` as a host-order integer (an address in option data).
inline uint32_t LoadBe32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

// Finds the first sub-option `code` in `data`, a run of code/length/value entries (the
// data of option 82, of option 43, of a vendor block). Codes 0 and 255 are ordinary
// codes here; a truncated entry ends the walk. On success `*out` is its value (possibly
// empty). No allocation.
inline bool FindSubOption(std::span<const uint8_t> data, uint8_t code,
                          std::span<const uint8_t>* out) {
  size_t i = 0;
  while (i + 2 <= data.size()) {
    const size_t len = data[i + 1];
    if (i + 2 + len > data.size()) return false;
    if (data[i] == code) {
      *out = data.subspan(i + 2, len);
      return true;
    }
    i += 2 + len;
  }
  return false;
}

}  // namespace fastlease::dhcp4
