// fastlease-pcapgen's logic: which requests a generated capture holds (per kind,
// per client) and the classic libpcap file format they are written in. No I/O
// beyond the caller's buffer, no DPDK. DHCPv4 and DHCPv6 kinds share it: one
// frame builder per family (frames.h BuildRequest), one plan, one writer.
//
//   PcapPlan plan{.kind = PcapKind::kDiscover, .clients = 1000, .path = path};
//   std::vector<uint8_t> file = BuildPcap(plan);   // header + one record per client
//
// Client i (0-based) has the MAC {mac_prefix, 0x50, i as 4 big-endian bytes}
// (fastlease-perf's ClientMac) and, for the kinds that name an address, the
// address subnet_base + i. Its xid is i + 1 and its circuit id (relayed) is i.
// Kinds:
//   discover     DISCOVER
//   request      REQUEST selecting: option 50 = base + i, option 54 = server
//   renew        REQUEST renewing: ciaddr = base + i (unicast when direct)
//   init-reboot  REQUEST with option 50 = base + i, no server id
//   release      RELEASE of base + i, option 54 = server
//   mixed        per ten clients: 4 DISCOVER, 3 REQUEST selecting, 2 renew,
//                1 RELEASE (client i's kind is picked by i mod 10)
// DHCPv6 kinds (client i's DUID is DUID-LL of its MAC, its xid i + 1 mod 2^24;
// relayed when path.relayed, through path.relay6):
//   solicit      Solicit, IA_NA and IA_PD empty
//   request6     Request naming path.server_duid, IA_NA with address6_base + i,
//                IA_PD with prefix6_base + (i << (128 - prefix6_len)) / prefix6_len
//   renew6       Renew of the same address and prefix
// The server grants a free in-pool hint, so a request6 replay against a store
// whose pools hold those addresses binds exactly what renew6 later names.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "perf/loadgen/frames.h"

namespace fastlease::perf {

enum class PcapKind : uint8_t {
  kDiscover, kRequest, kRenew, kInitReboot, kRelease, kMixed,
  kSolicit, kRequest6, kRenew6,
};

std::optional<PcapKind> ParsePcapKind(std::string_view name);
std::string_view PcapKindName(PcapKind kind);

// True when the kind's requests carry the server's address (option 54, or a
// unicast destination): such captures need PathSpec::server_ip.
bool PcapKindNeedsServer(PcapKind kind, bool relayed);

// True for the DHCPv6 kinds (solicit, request6, renew6).
bool PcapKindIsDhcp6(PcapKind kind);

struct PcapPlan {
  PcapKind kind = PcapKind::kDiscover;
  uint32_t clients = 1000;
  PathSpec path;                  // relayed/giaddr/vlan/server as for fastlease-perf
  uint32_t subnet_base = 0;       // host order: client i's address is subnet_base + i
  uint8_t mac_prefix = 0x02;
  // DHCPv6 kinds: client i's address and delegated prefix (see above).
  Ipv6Address address6_base{};
  Ipv6Address prefix6_base{};
  uint8_t prefix6_len = 64;
};

MacAddress PcapClientMac(uint8_t prefix, uint32_t i);

// The request kind client i sends in a capture of `kind`.
RequestKind PcapRequestKind(PcapKind kind, uint32_t i);

// The requests of the capture, one per client, in client order.
std::vector<RequestSpec> PlanRequests(const PcapPlan& plan);

inline constexpr size_t kPcapGlobalHeaderSize = 24;
inline constexpr size_t kPcapRecordHeaderSize = 16;
inline constexpr uint32_t kPcapMagic = 0xa1b2c3d4;  // microsecond timestamps
inline constexpr uint32_t kPcapLinktypeEthernet = 1;
inline constexpr uint32_t kPcapSnaplen = 65535;

// Appends the 24-byte global header (little endian, version 2.4, linktype 1).
void AppendPcapHeader(std::vector<uint8_t>& out);
// Appends one record: 16-byte header (ts, incl_len = orig_len = len), then the frame.
void AppendPcapRecord(std::vector<uint8_t>& out, const uint8_t* frame, size_t len,
                      uint32_t ts_sec, uint32_t ts_usec);

// The whole file: header, then one record per planned request (1 µs apart).
std::vector<uint8_t> BuildPcap(const PcapPlan& plan);

}  // namespace fastlease::perf
