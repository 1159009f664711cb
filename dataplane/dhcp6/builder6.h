// Dhcp6Builder: writes one DHCPv6 reply (Advertise or Reply), wrapped in one
// Relay-Repl per Relay-Forw of the request, into a caller's buffer.
//
//   dhcp6::Dhcp6Builder b(buffer);
//   b.StartReply(request, dhcp6::MessageType::kAdvertise);  // relays + header
//   b.AddOption(opt::kServerId, server_duid);
//   b.AddOption(opt::kClientId, request.ClientId());
//   size_t ia = b.BeginOption(opt::kIaNa);  b.AddU32(iaid); b.AddU32(t1); b.AddU32(t2);
//     b.AddIaAddress(addr, preferred, valid);
//   b.EndOption(ia);
//   b.AddStatus(StatusCode::kSuccess, "");   // or inside an IA
//   size_t n = b.Finish();   // 0 if anything did not fit
//
// StartReply writes, for each relay level of `request` (outermost first), a
// Relay-Repl header (hop count, link and peer address copied), the level's
// Interface-Id option when it had one (RFC 8415 §19.3), and opens its Relay-Message
// option; Finish() closes them all. Options nest with BeginOption/EndOption (the
// length is patched at EndOption). The builder never writes past the buffer nor past
// 65535 bytes (a UDP payload): once something does not fit, the builder is failed and
// Finish() returns 0.
// `out` must not overlap the request's bytes (the relay chain and echoed options are
// read from them while the reply is written). No allocation, no exceptions. One
// builder per reply.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "dataplane/dhcp6/message6.h"
#include "dataplane/dhcp6/options6.h"

namespace fastlease::dhcp6 {

class Dhcp6Builder {
 public:
  explicit Dhcp6Builder(std::span<uint8_t> out);

  // Relay-Repl headers for `request`'s relay chain, then the client message header
  // (`type`, the request's xid).
  void StartReply(const Dhcp6Message& request, MessageType type);

  // A whole option: code, length, data.
  bool AddOption(uint16_t code, std::span<const uint8_t> data);
  bool AddEmptyOption(uint16_t code);  // zero-length (Rapid Commit, Reconfigure Accept)
  bool AddU8Option(uint16_t code, uint8_t value);    // Preference
  bool AddU32Option(uint16_t code, uint32_t value);  // Information Refresh Time, SOL_MAX_RT
  // Status Code option: code(2) + UTF-8 message.
  bool AddStatus(StatusCode status, std::string_view message);
  // IA Address option (4 + 16 + 4 + 4 bytes): address, preferred, valid lifetimes.
  bool AddIaAddress(std::span<const uint8_t, 16> address, uint32_t preferred, uint32_t valid);
  // IA Prefix option: preferred, valid, prefix length, prefix. `excluded` (RFC 6603):
  // when non-zero length, a PD_EXCLUDE sub-option for `excluded_prefix/excluded_len`.
  // A prefix_len > 128, or an exclusion not inside `prefix/prefix_len`, fails the
  // builder (Finish() returns 0): no reply rather than one without the exclusion.
  bool AddIaPrefix(std::span<const uint8_t, 16> prefix, uint8_t prefix_len, uint32_t preferred,
                   uint32_t valid, std::span<const uint8_t, 16> excluded_prefix = kNoPrefix,
                   uint8_t excluded_len = 0);

  // Opens an option whose data follows (IA_NA, IA_PD, …); returns a handle for
  // EndOption, which patches its length.
  size_t BeginOption(uint16_t code);
  void EndOption(size_t handle);
  // Raw data inside the current option.
  bool AddU32(uint32_t value);
  bool AddBytes(std::span<const uint8_t> data);

  // Closes the Relay-Message options StartReply opened; returns the UDP payload
  // length, 0 if anything did not fit.
  size_t Finish();
  bool failed() const { return failed_; }
  size_t size() const { return pos_; }

  static constexpr std::array<uint8_t, 16> kNoPrefixStorage{};
  static constexpr std::span<const uint8_t, 16> kNoPrefix{kNoPrefixStorage};

 private:
  bool Room(size_t n);

  uint8_t* out_;
  size_t capacity_;
  size_t pos_ = 0;
  bool failed_ = false;
  uint8_t relay_levels_ = 0;
  std::array<uint16_t, kMaxRelayDepth> relay_msg_at_{};  // offsets of open Relay-Message options
};

// Encodes the PD_EXCLUDE option data (RFC 6603 §4.2) of `excluded/excluded_len`
// inside the delegated `prefix_len` into `out` (at least 17 bytes); returns its
// length, 0 when excluded_len is not in (prefix_len, 128].
size_t EncodePdExclude(std::span<const uint8_t, 16> excluded, uint8_t excluded_len,
                       uint8_t prefix_len, std::span<uint8_t> out);

}  // namespace fastlease::dhcp6
