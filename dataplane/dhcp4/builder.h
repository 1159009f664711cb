// Dhcp4Builder: writes one DHCPv4 reply into a caller's buffer.
//
//   dhcp4::Dhcp4Builder b(buffer, dhcp4::ReplySizeLimit(request, sizeof buffer));
//   b.StartReply(request, dhcp4::MessageType::kOffer, yiaddr, siaddr);
//   b.ReserveTail(request.RelayAgentInfo().size() + 2);   // room for option 82
//   b.AddAddress(opt::kServerId, server_id);
//   ...options in Parameter Request List order...
//   b.ReleaseTail(); b.AddOption(opt::kRelayAgentInfo, request.RelayAgentInfo());
//   size_t n = b.Finish();   // 0 if the buffer could not hold even the header
//
// The builder never writes past its limit: an option that does not fit is not
// written and AddOption() returns false (the caller counts it). Options longer
// than 255 bytes are split into consecutive instances (RFC 3396). Finish()
// appends End and pads the payload to the BOOTP minimum of 300 bytes.
// No allocation, no exceptions. One builder per reply.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "dataplane/dhcp4/message.h"
#include "dataplane/dhcp4/options.h"

namespace fastlease::dhcp4 {

// The largest DHCP payload we may send in reply to `request`: its option 57
// (less IP and UDP headers) or 576 - 28 = 548 without it; never more than
// `buffer_size`.
size_t ReplySizeLimit(const Dhcp4Message& request, size_t buffer_size);

class Dhcp4Builder {
 public:
  // `out` must be at least kOptionsOffset + 4 bytes; `limit` caps the payload.
  Dhcp4Builder(std::span<uint8_t> out, size_t limit);

  // Writes the BOOTREPLY header: xid, flags, giaddr, htype, hlen, chaddr and
  // hops copied from `request`; ciaddr copied for ACKs of RENEW/REBIND/INFORM
  // (caller passes it); sname and file zeroed; cookie; option 53 (none when
  // `type` is kNone: a BOOTP reply).
  void StartReply(const Dhcp4Message& request, MessageType type, uint32_t ciaddr,
                  uint32_t yiaddr, uint32_t siaddr);
  // Overrides the flags field (a NAK through a relay sets the broadcast bit).
  void SetFlags(uint16_t flags);
  // Writes the `sname` and `file` header fields (truncated to leave a NUL).
  void SetFixedFields(std::string_view sname, std::string_view file);

  // Adds an option; data longer than 255 bytes is split. False if it did not fit
  // (nothing written).
  bool AddOption(uint8_t code, std::span<const uint8_t> data);
  bool AddAddress(uint8_t code, uint32_t address);  // 4 bytes, network order
  bool AddU32(uint8_t code, uint32_t value);
  bool AddU8(uint8_t code, uint8_t value);

  // Holds back `bytes` at the end of the limit so later options cannot take the
  // room an option that must be sent (82) needs; ReleaseTail() gives it back.
  void ReserveTail(size_t bytes) { reserved_ = bytes; }
  void ReleaseTail() { reserved_ = 0; }

  // Appends End, pads to kMinReplySize (or up to the limit if smaller); returns the
  // payload length, 0 if StartReply did not fit.
  size_t Finish();

  // Number of options refused for lack of room.
  uint32_t dropped_options() const { return dropped_; }
  size_t size() const { return pos_; }

 private:
  size_t Room() const;  // bytes usable for option TLVs, keeping 1 for End

  uint8_t* out_;
  size_t capacity_;
  size_t limit_;
  size_t pos_ = 0;
  size_t reserved_ = 0;
  uint32_t dropped_ = 0;
  bool ok_ = false;
};

}  // namespace fastlease::dhcp4
