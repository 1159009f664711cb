// Dhcp6Message: a zero-copy, bounds-checked view of one DHCPv6 message as it
// arrived on UDP port 547: a client message, or a Relay-Forw chain around one.
//
//   dhcp6::Dhcp6Message msg;
//   if (dhcp6::Parse(udp_payload, msg) != dhcp6::ParseError::kNone) { count; drop; }
//   msg.type(); msg.ClientId(); for (const Ia& ia : msg.ias()) ...
//   for (size_t i = 0; i < msg.relay_depth(); ++i) msg.relay(i).interface_id ...
//
// Parse() never throws, never allocates and never reads outside the bytes. The
// message keeps spans into the bytes, so they must outlive it. For a relayed
// message the relay chain is unwrapped: relay(0) is the outermost Relay-Forw (the
// one that reached us), relay(relay_depth()-1) the innermost (next to the client),
// and every accessor below the relay section describes the client's message inside.
//
// Options of the client message are indexed once: for each code the parser
// remembers the first occurrence (Option(code)), and it collects the IAs (IA_NA,
// IA_TA, IA_PD) in order with their IA Address / IA Prefix sub-options.
// Integers are returned in host byte order; addresses as 16 raw bytes.
//
// Thread-safety: a message is owned by one lcore; it is reused burst after burst.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <span>

#include "dataplane/dhcp6/options6.h"

namespace fastlease::dhcp6 {

// Every way a byte span can fail to be a DHCPv6 message we answer. Names double as
// the suffix of the drop counters ("dhcp6_parse_<name>").
#define FASTLEASE_DHCP6_PARSE_ERRORS(X)                                             \
  X(kNone, "ok")                                                                     \
  X(kTruncatedHeader, "truncated_header")     /* < 4 bytes, or relay header < 34 */  \
  X(kBadMessageType, "bad_message_type")      /* 0, or > 13 */                       \
  X(kServerMessage, "server_message")         /* Advertise/Reply/Reconfigure/Relay-Repl */ \
  X(kTruncatedOption, "truncated_option")     /* code or length past the end */      \
  X(kRelayTooDeep, "relay_too_deep")          /* more than kMaxRelayDepth relays */  \
  X(kNoRelayMessage, "no_relay_message")      /* Relay-Forw without option 9 */      \
  X(kBadIa, "bad_ia")                         /* IA shorter than its fixed part, or a bad sub-option */ \
  X(kTooManyIas, "too_many_ias")              /* more than kMaxIas IAs */            \
  X(kBadDuid, "bad_duid")                     /* client/server id < 2 or > 130 bytes */ \
  X(kBadOptionLength, "bad_option_length")    /* fixed-size option of the wrong size */

enum class ParseError : uint8_t {
#define FASTLEASE_X(name, str) name,
  FASTLEASE_DHCP6_PARSE_ERRORS(FASTLEASE_X)
#undef FASTLEASE_X
};
inline constexpr size_t kParseErrorCount = 0
#define FASTLEASE_X(name, str) +1
    FASTLEASE_DHCP6_PARSE_ERRORS(FASTLEASE_X)
#undef FASTLEASE_X
    ;
const char* ParseErrorName(ParseError e);

// An IA Address (type NA/TA) or IA Prefix (type PD) the client put in an IA.
struct IaEntry {
  std::array<uint8_t, 16> address{};  // the address, or the prefix (low bits as sent)
  uint8_t prefix_len = 128;           // 128 for addresses
  uint32_t preferred = 0;
  uint32_t valid = 0;
};

// One IA_NA / IA_TA / IA_PD of the client message.
struct Ia {
  IaType type = IaType::kNa;
  uint32_t iaid = 0;
  uint32_t t1 = 0;  // 0 for IA_TA
  uint32_t t2 = 0;
  uint8_t entry_count = 0;  // entries kept (at most kMaxIaEntries)
  std::array<IaEntry, kMaxIaEntries> entries;
};

// One Relay-Forw level. Spans are empty when the option is absent.
struct RelayInfo {
  uint8_t hop_count = 0;
  std::array<uint8_t, 16> link_address{};
  std::array<uint8_t, 16> peer_address{};
  std::span<const uint8_t> interface_id;   // option 18, echoed in the Relay-Repl
  std::span<const uint8_t> remote_id;      // option 37 (enterprise number + id)
  std::span<const uint8_t> subscriber_id;  // option 38
  std::span<const uint8_t> options;        // every option of this level (raw TLVs)
};

class Dhcp6Message {
 public:
  // --- relay chain (empty for a message straight from a client) ---
  size_t relay_depth() const { return relay_depth_; }
  const RelayInfo& relay(size_t i) const { return relays_[i]; }

  // --- the client message ---
  MessageType type() const { return type_; }
  uint32_t xid() const { return xid_; }  // 24 bits
  // The client message's bytes (inside the innermost Relay-Message when relayed).
  std::span<const uint8_t> client_bytes() const { return client_; }
  // The whole UDP payload as given to Parse().
  std::span<const uint8_t> bytes() const { return all_; }

  // Option presence and the first occurrence's data (empty when absent; Has()
  // tells an absent option from a present zero-length one). Codes up to 127 are
  // indexed; Option() of a larger code walks the options.
  bool Has(uint16_t code) const;
  std::span<const uint8_t> Option(uint16_t code) const;
  // Raw option TLVs of the client message (for walks the index does not cover).
  std::span<const uint8_t> options() const { return options_; }

  std::span<const uint8_t> ClientId() const { return Option(opt::kClientId); }
  std::span<const uint8_t> ServerId() const { return Option(opt::kServerId); }
  bool RapidCommit() const { return Has(opt::kRapidCommit); }
  bool ReconfigureAccept() const { return Has(opt::kReconfAccept); }
  // Option Request Option: the codes as sent (pairs of network-order bytes).
  std::span<const uint8_t> Oro() const { return Option(opt::kOro); }
  bool Requests(uint16_t code) const;  // code is in the ORO
  // Elapsed Time in 1/100 s; 0 when absent.
  uint16_t ElapsedTime() const { return elapsed_; }
  std::span<const uint8_t> ClientFqdn() const { return Option(opt::kClientFqdn); }

  std::span<const Ia> ias() const { return {ias_.data(), ia_count_}; }

 private:
  friend ParseError Parse(std::span<const uint8_t> bytes, Dhcp6Message& out);
  friend class OptionIndexer6;  // message6.cc: fills the index below
  struct Slot {
    uint16_t offset = 0;  // of the option's data within client_
    uint16_t length = 0;
  };
  std::span<const uint8_t> all_;
  std::span<const uint8_t> client_;
  std::span<const uint8_t> options_;
  MessageType type_ = MessageType::kNone;
  uint32_t xid_ = 0;
  uint16_t elapsed_ = 0;
  uint8_t relay_depth_ = 0;
  uint8_t ia_count_ = 0;
  std::array<uint64_t, 2> present_{};  // codes 0..127
  std::array<Slot, 128> slots_;
  std::array<Ia, kMaxIas> ias_;
  std::array<RelayInfo, kMaxRelayDepth> relays_;
};

// Parses `bytes` (the UDP payload to port 547) into `out`. Client messages
// (Solicit, Request, Confirm, Renew, Rebind, Release, Decline,
// Information-Request) and Relay-Forw chains around them are accepted; server
// messages are kServerMessage. On any error `out` is left in an unspecified but
// safe state. `bytes.size()` must be < 65536. No allocation, no exceptions; cost
// is linear in the bytes.
[[nodiscard]] ParseError Parse(std::span<const uint8_t> bytes, Dhcp6Message& out);

// Walks a run of DHCPv6 option TLVs (code(2) length(2) data): the first option
// `code` in `tlvs` into `*out`. False when absent or when a truncated entry ends
// the walk first. No allocation.
bool FindOption(std::span<const uint8_t> tlvs, uint16_t code, std::span<const uint8_t>* out);

inline uint16_t LoadBe16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
inline uint32_t LoadBe32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

}  // namespace fastlease::dhcp6
