// DHCPv6 reply builder: see builder6.h for the contract.
#include "dataplane/dhcp6/builder6.h"

#include <algorithm>
#include <cstring>

namespace fastlease::dhcp6 {

namespace {

constexpr size_t kOptionHeaderSize = 4;
// Everything the builder writes stays below 64 KiB: option lengths and the
// Relay-Message offsets are 16 bits, and a UDP payload cannot be larger.
constexpr size_t kMaxReplySize = 0xffff;
constexpr size_t kIaAddrDataSize = 16 + 4 + 4;
constexpr size_t kIaPrefixDataSize = 4 + 4 + 1 + 16;
constexpr size_t kMaxPdExcludeSize = 17;

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

// Bits [first, first + 8) of a 128-bit address, as one byte (zeros past bit 127).
uint8_t BitsAt(std::span<const uint8_t, 16> a, size_t first) {
  const size_t byte = first / 8;
  const size_t shift = first % 8;
  const unsigned hi = a[byte];
  const unsigned lo = byte + 1 < 16 ? a[byte + 1] : 0;
  return uint8_t(shift == 0 ? hi : (hi << shift | lo >> (8 - shift)));
}

// True when the first `len` bits of `a` and `b` are equal.
bool SamePrefix(std::span<const uint8_t, 16> a, std::span<const uint8_t, 16> b, size_t len) {
  const size_t whole = len / 8;
  if (std::memcmp(a.data(), b.data(), whole) != 0) return false;
  const size_t rest = len % 8;
  if (rest == 0) return true;
  const uint8_t mask = uint8_t(0xff << (8 - rest));
  return ((a[whole] ^ b[whole]) & mask) == 0;
}

}  // namespace

size_t EncodePdExclude(std::span<const uint8_t, 16> excluded, uint8_t excluded_len,
                       uint8_t prefix_len, std::span<uint8_t> out) {
  if (excluded_len <= prefix_len || excluded_len > 128) return 0;
  const size_t bits = size_t(excluded_len) - prefix_len;
  const size_t n = (bits + 7) / 8;
  if (out.size() < 1 + n) return 0;
  out[0] = excluded_len;
  for (size_t i = 0; i < n; ++i) out[1 + i] = BitsAt(excluded, prefix_len + 8 * i);
  const size_t last_bits = bits - 8 * (n - 1);  // 1..8
  out[n] &= uint8_t(0xff << (8 - last_bits));
  return 1 + n;
}

Dhcp6Builder::Dhcp6Builder(std::span<uint8_t> out)
    : out_(out.data()), capacity_(std::min(out.size(), kMaxReplySize)) {}

bool Dhcp6Builder::Room(size_t n) {
  if (failed_ || n > capacity_ - pos_) {
    failed_ = true;
    return false;
  }
  return true;
}

void Dhcp6Builder::StartReply(const Dhcp6Message& request, MessageType type) {
  pos_ = 0;
  failed_ = false;
  relay_levels_ = 0;
  for (size_t i = 0; i < request.relay_depth(); ++i) {
    const RelayInfo& r = request.relay(i);
    if (!Room(kRelayHeaderSize)) return;
    uint8_t* const o = out_ + pos_;
    o[0] = uint8_t(MessageType::kRelayRepl);
    o[1] = r.hop_count;
    std::memcpy(o + 2, r.link_address.data(), 16);
    std::memcpy(o + 18, r.peer_address.data(), 16);
    pos_ += kRelayHeaderSize;
    if (!r.interface_id.empty()) AddOption(opt::kInterfaceId, r.interface_id);
    relay_msg_at_[relay_levels_++] = uint16_t(BeginOption(opt::kRelayMsg));
    if (failed_) return;
  }
  if (!Room(kClientHeaderSize)) return;
  const uint32_t xid = request.xid();
  out_[pos_] = uint8_t(type);
  out_[pos_ + 1] = uint8_t(xid >> 16);
  out_[pos_ + 2] = uint8_t(xid >> 8);
  out_[pos_ + 3] = uint8_t(xid);
  pos_ += kClientHeaderSize;
}

bool Dhcp6Builder::AddOption(uint16_t code, std::span<const uint8_t> data) {
  if (data.size() > kMaxReplySize || !Room(kOptionHeaderSize + data.size())) {
    failed_ = true;
    return false;
  }
  Store16(out_ + pos_, code);
  Store16(out_ + pos_ + 2, uint16_t(data.size()));
  if (!data.empty()) std::memcpy(out_ + pos_ + kOptionHeaderSize, data.data(), data.size());
  pos_ += kOptionHeaderSize + data.size();
  return true;
}

bool Dhcp6Builder::AddEmptyOption(uint16_t code) { return AddOption(code, {}); }

bool Dhcp6Builder::AddU8Option(uint16_t code, uint8_t value) {
  const uint8_t data[1] = {value};
  return AddOption(code, data);
}

bool Dhcp6Builder::AddU32Option(uint16_t code, uint32_t value) {
  uint8_t data[4];
  Store32(data, value);
  return AddOption(code, data);
}

bool Dhcp6Builder::AddStatus(StatusCode status, std::string_view message) {
  const size_t handle = BeginOption(opt::kStatusCode);
  uint8_t code[2];
  Store16(code, uint16_t(status));
  AddBytes(code);
  AddBytes({reinterpret_cast<const uint8_t*>(message.data()), message.size()});
  EndOption(handle);
  return !failed_;
}

bool Dhcp6Builder::AddIaAddress(std::span<const uint8_t, 16> address, uint32_t preferred,
                                uint32_t valid) {
  uint8_t data[kIaAddrDataSize];
  std::memcpy(data, address.data(), 16);
  Store32(data + 16, preferred);
  Store32(data + 20, valid);
  return AddOption(opt::kIaAddr, data);
}

bool Dhcp6Builder::AddIaPrefix(std::span<const uint8_t, 16> prefix, uint8_t prefix_len,
                               uint32_t preferred, uint32_t valid,
                               std::span<const uint8_t, 16> excluded_prefix,
                               uint8_t excluded_len) {
  if (prefix_len > 128) {
    failed_ = true;
    return false;
  }
  uint8_t exclude[kMaxPdExcludeSize];
  size_t exclude_size = 0;
  if (excluded_len != 0) {
    exclude_size = EncodePdExclude(excluded_prefix, excluded_len, prefix_len, exclude);
    if (exclude_size == 0 || !SamePrefix(prefix, excluded_prefix, prefix_len)) {
      failed_ = true;  // an exclusion outside the prefix: no reply rather than a wrong one
      return false;
    }
  }
  uint8_t data[kIaPrefixDataSize];
  Store32(data, preferred);
  Store32(data + 4, valid);
  data[8] = prefix_len;
  std::memcpy(data + 9, prefix.data(), 16);
  const size_t handle = BeginOption(opt::kIaPrefix);
  AddBytes(data);
  if (exclude_size != 0) AddOption(opt::kPdExclude, {exclude, exclude_size});
  EndOption(handle);
  return !failed_;
}

size_t Dhcp6Builder::BeginOption(uint16_t code) {
  const size_t handle = pos_;
  if (!Room(kOptionHeaderSize)) return handle;
  Store16(out_ + pos_, code);
  Store16(out_ + pos_ + 2, 0);
  pos_ += kOptionHeaderSize;
  return handle;
}

void Dhcp6Builder::EndOption(size_t handle) {
  if (failed_) return;
  if (handle > pos_ || pos_ - handle < kOptionHeaderSize) {  // not a handle of this builder
    failed_ = true;
    return;
  }
  Store16(out_ + handle + 2, uint16_t(pos_ - handle - kOptionHeaderSize));
}

bool Dhcp6Builder::AddU32(uint32_t value) {
  if (!Room(4)) return false;
  Store32(out_ + pos_, value);
  pos_ += 4;
  return true;
}

bool Dhcp6Builder::AddBytes(std::span<const uint8_t> data) {
  if (!Room(data.size())) return false;
  if (!data.empty()) std::memcpy(out_ + pos_, data.data(), data.size());
  pos_ += data.size();
  return true;
}

size_t Dhcp6Builder::Finish() {
  if (failed_) return 0;
  for (size_t i = relay_levels_; i-- > 0;) EndOption(relay_msg_at_[i]);
  return failed_ ? 0 : pos_;
}

}  // namespace fastlease::dhcp6
