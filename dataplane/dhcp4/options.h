// DHCPv4 option codes and message types (RFC 2131, 2132, 3046, 3396, 4361).
//
// Plain constants only: this header is shared by the codec, the server logic,
// the config compiler and the tests, and pulls in nothing.
#pragma once

#include <cstdint>

namespace fastlease::dhcp4 {

inline constexpr uint16_t kServerPort = 67;
inline constexpr uint16_t kClientPort = 68;

inline constexpr uint8_t kBootRequest = 1;
inline constexpr uint8_t kBootReply = 2;
inline constexpr uint32_t kMagicCookie = 0x63825363;

// Fixed BOOTP header: op..file, then the 4-byte magic cookie.
inline constexpr size_t kHeaderSize = 236;
inline constexpr size_t kOptionsOffset = kHeaderSize + 4;  // 240
inline constexpr size_t kSnameOffset = 44;
inline constexpr size_t kSnameSize = 64;
inline constexpr size_t kFileOffset = 108;
inline constexpr size_t kFileSize = 128;
inline constexpr size_t kChaddrSize = 16;
// RFC 2131 §2: a client must accept a 576-octet IP datagram; less IP+UDP headers.
inline constexpr size_t kMinMaxMessageSize = 576;
inline constexpr size_t kIpUdpHeaderSize = 28;
// BOOTP (RFC 951) replies are padded to at least 300 octets of DHCP payload.
inline constexpr size_t kMinReplySize = 300;

inline constexpr uint16_t kFlagBroadcast = 0x8000;

enum class MessageType : uint8_t {
  kNone = 0,
  kDiscover = 1,
  kOffer = 2,
  kRequest = 3,
  kDecline = 4,
  kAck = 5,
  kNak = 6,
  kRelease = 7,
  kInform = 8,
};
// The highest message type IANA has assigned (RFC 4388 leasequery is 10..13,
// RFC 6926/7724 go to 18). The parser accepts 1..kMaxMessageType; the server
// answers 1..8 and the worker punts DHCPLEASEQUERY to the control plane.
inline constexpr uint8_t kMaxMessageType = 18;

namespace opt {
inline constexpr uint8_t kPad = 0;
inline constexpr uint8_t kSubnetMask = 1;
inline constexpr uint8_t kTimeOffset = 2;
inline constexpr uint8_t kRouters = 3;
inline constexpr uint8_t kDomainNameServers = 6;
inline constexpr uint8_t kHostName = 12;
inline constexpr uint8_t kDomainName = 15;
inline constexpr uint8_t kInterfaceMtu = 26;
inline constexpr uint8_t kBroadcastAddress = 28;
inline constexpr uint8_t kNtpServers = 42;
inline constexpr uint8_t kVendorEncapsulated = 43;
inline constexpr uint8_t kRequestedAddress = 50;
inline constexpr uint8_t kLeaseTime = 51;
inline constexpr uint8_t kOverload = 52;
inline constexpr uint8_t kMessageType = 53;
inline constexpr uint8_t kServerId = 54;
inline constexpr uint8_t kParameterRequestList = 55;
inline constexpr uint8_t kMessage = 56;
inline constexpr uint8_t kMaxMessageSize = 57;
inline constexpr uint8_t kRenewalTime = 58;
inline constexpr uint8_t kRebindingTime = 59;
inline constexpr uint8_t kVendorClassId = 60;
inline constexpr uint8_t kClientId = 61;
inline constexpr uint8_t kTftpServerName = 66;
inline constexpr uint8_t kBootFileName = 67;
inline constexpr uint8_t kRapidCommit = 80;
inline constexpr uint8_t kClientFqdn = 81;
inline constexpr uint8_t kRelayAgentInfo = 82;
inline constexpr uint8_t kSubnetSelection = 118;
inline constexpr uint8_t kDomainSearch = 119;
inline constexpr uint8_t kClasslessStaticRoute = 121;
inline constexpr uint8_t kEnd = 255;
// Option 82 sub-options (RFC 3046, RFC 3527).
inline constexpr uint8_t kRaiCircuitId = 1;
inline constexpr uint8_t kRaiRemoteId = 2;
inline constexpr uint8_t kRaiLinkSelection = 5;
}  // namespace opt

// Option 52 values.
inline constexpr uint8_t kOverloadFile = 1;
inline constexpr uint8_t kOverloadSname = 2;
inline constexpr uint8_t kOverloadBoth = 3;

}  // namespace fastlease::dhcp4
