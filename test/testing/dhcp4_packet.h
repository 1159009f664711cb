// Test helper: builds DHCPv4 client messages byte by byte, independently of the
// codec under test.
//
//   auto bytes = testing::ClientPacket(MessageType::kDiscover, Mac(1))
//                    .Option(50, {192, 0, 2, 10}).Bytes();
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "dataplane/dhcp4/options.h"

namespace fastlease::testing {

inline std::array<uint8_t, 6> Mac(uint32_t n) {
  return {0x02, 0x00, uint8_t(n >> 24), uint8_t(n >> 16), uint8_t(n >> 8), uint8_t(n)};
}

inline constexpr uint32_t Ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return uint32_t(a) << 24 | uint32_t(b) << 16 | uint32_t(c) << 8 | d;
}

class ClientPacket {
 public:
  ClientPacket(dhcp4::MessageType type, std::array<uint8_t, 6> mac, uint32_t xid = 0x1234)
      : bytes_(240, 0) {
    bytes_[0] = dhcp4::kBootRequest;
    bytes_[1] = 1;
    bytes_[2] = 6;
    Put32(4, xid);
    for (int i = 0; i < 6; ++i) bytes_[28 + i] = mac[i];
    Put32(236, dhcp4::kMagicCookie);
    Option(dhcp4::opt::kMessageType, {uint8_t(type)});
  }
  ClientPacket& Ciaddr(uint32_t a) { Put32(12, a); return *this; }
  ClientPacket& Giaddr(uint32_t a) { Put32(24, a); return *this; }
  ClientPacket& Broadcast() { bytes_[10] |= 0x80; return *this; }
  ClientPacket& Option(uint8_t code, std::vector<uint8_t> data) {
    options_.push_back({code, std::move(data)});
    return *this;
  }
  ClientPacket& AddressOption(uint8_t code, uint32_t a) {
    return Option(code, {uint8_t(a >> 24), uint8_t(a >> 16), uint8_t(a >> 8), uint8_t(a)});
  }
  ClientPacket& RequestedIp(uint32_t a) { return AddressOption(dhcp4::opt::kRequestedAddress, a); }
  ClientPacket& ServerId(uint32_t a) { return AddressOption(dhcp4::opt::kServerId, a); }
  std::vector<uint8_t> Bytes() const {
    std::vector<uint8_t> out = bytes_;
    for (const auto& [code, data] : options_) {
      out.push_back(code);
      out.push_back(uint8_t(data.size()));
      out.insert(out.end(), data.begin(), data.end());
    }
    out.push_back(dhcp4::opt::kEnd);
    while (out.size() < 300) out.push_back(0);
    return out;
  }

 private:
  void Put32(size_t off, uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes_[off + i] = uint8_t(v >> (24 - 8 * i));
  }
  std::vector<uint8_t> bytes_;
  std::vector<std::pair<uint8_t, std::vector<uint8_t>>> options_;
};

}  // namespace fastlease::testing
