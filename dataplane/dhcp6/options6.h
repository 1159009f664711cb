// DHCPv6 constants (RFC 8415, 3646, 4075, 4580, 4649, 4704, 5908, 6603).
//
// Plain constants only: shared by the codec, the server logic, the config compiler
// and the tests; pulls in nothing.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fastlease::dhcp6 {

inline constexpr uint16_t kClientPort = 546;
inline constexpr uint16_t kServerPort = 547;
// ff02::1:2, All_DHCP_Relay_Agents_and_Servers.
inline constexpr uint8_t kAllRelaysAndServers[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0,
                                                     0,    0,    0, 0, 0, 1, 0, 2};

// Client/server message: type(1) xid(3); relay message: type(1) hops(1)
// link-address(16) peer-address(16).
inline constexpr size_t kClientHeaderSize = 4;
inline constexpr size_t kRelayHeaderSize = 34;
// RFC 8415 §7.6 HOP_COUNT_LIMIT: relays nested deeper are malformed.
inline constexpr size_t kMaxRelayDepth = 32;
// IAs one message may carry that the server answers (IA_NA + IA_TA + IA_PD);
// more are a parse error (kTooManyIas), counted, never silently cut.
inline constexpr size_t kMaxIas = 8;
// Addresses or prefixes per IA that the parser keeps (hints); more are ignored.
inline constexpr size_t kMaxIaEntries = 4;

enum class MessageType : uint8_t {
  kNone = 0,
  kSolicit = 1,
  kAdvertise = 2,
  kRequest = 3,
  kConfirm = 4,
  kRenew = 5,
  kRebind = 6,
  kReply = 7,
  kRelease = 8,
  kDecline = 9,
  kReconfigure = 10,
  kInformationRequest = 11,
  kRelayForw = 12,
  kRelayRepl = 13,
};
const char* MessageTypeName(MessageType t);

namespace opt {
inline constexpr uint16_t kClientId = 1;
inline constexpr uint16_t kServerId = 2;
inline constexpr uint16_t kIaNa = 3;
inline constexpr uint16_t kIaTa = 4;
inline constexpr uint16_t kIaAddr = 5;
inline constexpr uint16_t kOro = 6;
inline constexpr uint16_t kPreference = 7;
inline constexpr uint16_t kElapsedTime = 8;
inline constexpr uint16_t kRelayMsg = 9;
inline constexpr uint16_t kAuth = 11;
inline constexpr uint16_t kUnicast = 12;
inline constexpr uint16_t kStatusCode = 13;
inline constexpr uint16_t kRapidCommit = 14;
inline constexpr uint16_t kUserClass = 15;
inline constexpr uint16_t kVendorClass = 16;
inline constexpr uint16_t kVendorOpts = 17;
inline constexpr uint16_t kInterfaceId = 18;
inline constexpr uint16_t kReconfMsg = 19;
inline constexpr uint16_t kReconfAccept = 20;
inline constexpr uint16_t kSipServersDns = 21;
inline constexpr uint16_t kSipServersAddr = 22;
inline constexpr uint16_t kDnsServers = 23;
inline constexpr uint16_t kDomainSearch = 24;
inline constexpr uint16_t kIaPd = 25;
inline constexpr uint16_t kIaPrefix = 26;
inline constexpr uint16_t kSntpServers = 31;
inline constexpr uint16_t kInformationRefreshTime = 32;
inline constexpr uint16_t kRemoteId = 37;
inline constexpr uint16_t kSubscriberId = 38;
inline constexpr uint16_t kClientFqdn = 39;
inline constexpr uint16_t kNtpServer = 56;
inline constexpr uint16_t kPdExclude = 67;
inline constexpr uint16_t kSolMaxRt = 82;
inline constexpr uint16_t kInfMaxRt = 83;
}  // namespace opt

enum class StatusCode : uint16_t {
  kSuccess = 0,
  kUnspecFail = 1,
  kNoAddrsAvail = 2,
  kNoBinding = 3,
  kNotOnLink = 4,
  kUseMulticast = 5,
  kNoPrefixAvail = 6,
};

enum class IaType : uint8_t { kNa = 0, kTa = 1, kPd = 2 };

enum class DuidType : uint16_t { kLlt = 1, kEn = 2, kLl = 3, kUuid = 4 };
// RFC 8415 §11.1: a DUID is at most 128 octets plus its 2-octet type.
inline constexpr size_t kMaxDuidSize = 130;

// "infinity" lifetime (RFC 8415 §7.7).
inline constexpr uint32_t kInfinity = 0xffffffff;

}  // namespace fastlease::dhcp6
