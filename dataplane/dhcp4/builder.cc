// DHCPv4 reply builder: see builder.h for the contract.
#include "dataplane/dhcp4/builder.h"

#include <algorithm>
#include <cstring>

namespace fastlease::dhcp4 {

namespace {

inline void Store16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}

inline void Store32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24);
  p[1] = uint8_t(v >> 16);
  p[2] = uint8_t(v >> 8);
  p[3] = uint8_t(v);
}

// Header, cookie, option 53 (3 bytes) and End.
constexpr size_t kMinReply = kOptionsOffset + 3 + 1;
constexpr size_t kMaxOptionData = 255;

}  // namespace

size_t ReplySizeLimit(const Dhcp4Message& request, size_t buffer_size) {
  size_t limit = kMinMaxMessageSize - kIpUdpHeaderSize;
  if (const auto mms = request.MaxMessageSize()) limit = size_t{*mms} - kIpUdpHeaderSize;
  return std::min(limit, buffer_size);
}

Dhcp4Builder::Dhcp4Builder(std::span<uint8_t> out, size_t limit)
    : out_(out.data()), capacity_(out.size()), limit_(std::min(limit, capacity_)) {}

size_t Dhcp4Builder::Room() const {
  const size_t used = pos_ + reserved_ + 1;
  return used < limit_ ? limit_ - used : 0;
}

void Dhcp4Builder::StartReply(const Dhcp4Message& request, MessageType type, uint32_t ciaddr,
                              uint32_t yiaddr, uint32_t siaddr) {
  pos_ = 0;
  ok_ = limit_ >= kMinReply;
  if (!ok_) return;
  // Read everything taken from the request first: the reply may be written over it.
  const uint8_t* const req = request.bytes().data();
  uint8_t head[4];  // op, htype, hlen, hops
  uint8_t xid[4];
  uint8_t flags[2];
  uint8_t giaddr[4];
  uint8_t chaddr[kChaddrSize];
  std::memcpy(head, req, 4);
  std::memcpy(xid, req + 4, 4);
  std::memcpy(flags, req + 10, 2);
  std::memcpy(giaddr, req + 24, 4);
  std::memcpy(chaddr, req + 28, kChaddrSize);

  uint8_t* const o = out_;
  o[0] = kBootReply;
  std::memcpy(o + 1, head + 1, 3);
  std::memcpy(o + 4, xid, 4);
  Store16(o + 8, 0);  // secs
  std::memcpy(o + 10, flags, 2);
  Store32(o + 12, ciaddr);
  Store32(o + 16, yiaddr);
  Store32(o + 20, siaddr);
  std::memcpy(o + 24, giaddr, 4);
  std::memcpy(o + 28, chaddr, kChaddrSize);
  std::memset(o + kSnameOffset, 0, kSnameSize + kFileSize);
  Store32(o + kHeaderSize, kMagicCookie);
  if (type == MessageType::kNone) {  // a BOOTP reply carries no message type
    pos_ = kOptionsOffset;
    return;
  }
  o[kOptionsOffset] = opt::kMessageType;
  o[kOptionsOffset + 1] = 1;
  o[kOptionsOffset + 2] = static_cast<uint8_t>(type);
  pos_ = kOptionsOffset + 3;
}

void Dhcp4Builder::SetFlags(uint16_t flags) {
  if (ok_) Store16(out_ + 10, flags);
}

void Dhcp4Builder::SetFixedFields(std::string_view sname, std::string_view file) {
  if (!ok_) return;
  std::memcpy(out_ + kSnameOffset, sname.data(), std::min(sname.size(), kSnameSize - 1));
  std::memcpy(out_ + kFileOffset, file.data(), std::min(file.size(), kFileSize - 1));
}

bool Dhcp4Builder::AddOption(uint8_t code, std::span<const uint8_t> data) {
  // Pad and End carry no length byte; writing them as TLVs would corrupt the reply.
  if (code == opt::kPad || code == opt::kEnd) return false;
  const size_t len = data.size();
  const size_t pieces = len <= kMaxOptionData ? 1 : (len + kMaxOptionData - 1) / kMaxOptionData;
  if (!ok_ || len + 2 * pieces > Room()) {
    ++dropped_;
    return false;
  }
  uint8_t* p = out_ + pos_;
  const uint8_t* src = data.data();
  size_t left = len;
  do {
    const size_t n = std::min(left, kMaxOptionData);
    p[0] = code;
    p[1] = static_cast<uint8_t>(n);
    if (n != 0) std::memcpy(p + 2, src, n);
    p += 2 + n;
    src += n;
    left -= n;
  } while (left != 0);
  pos_ = static_cast<size_t>(p - out_);
  return true;
}

bool Dhcp4Builder::AddAddress(uint8_t code, uint32_t address) { return AddU32(code, address); }

bool Dhcp4Builder::AddU32(uint8_t code, uint32_t value) {
  if (code == opt::kPad || code == opt::kEnd) return false;
  if (!ok_ || Room() < 6) {
    ++dropped_;
    return false;
  }
  uint8_t* const p = out_ + pos_;
  p[0] = code;
  p[1] = 4;
  Store32(p + 2, value);
  pos_ += 6;
  return true;
}

bool Dhcp4Builder::AddU8(uint8_t code, uint8_t value) {
  if (code == opt::kPad || code == opt::kEnd) return false;
  if (!ok_ || Room() < 3) {
    ++dropped_;
    return false;
  }
  uint8_t* const p = out_ + pos_;
  p[0] = code;
  p[1] = 1;
  p[2] = value;
  pos_ += 3;
  return true;
}

size_t Dhcp4Builder::Finish() {
  if (!ok_) return 0;
  // Room() always keeps one byte for End, so pos_ < limit_ here.
  out_[pos_++] = opt::kEnd;
  const size_t padded = std::min(kMinReplySize, limit_);
  if (pos_ < padded) {
    std::memset(out_ + pos_, 0, padded - pos_);
    pos_ = padded;
  }
  ok_ = false;  // a second Finish() must not append another End
  return pos_;
}

}  // namespace fastlease::dhcp4
