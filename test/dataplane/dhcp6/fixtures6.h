// Real DHCPv6 messages (UDP payloads) and small wire helpers for the dhcp6 codec
// tests.
//
// The captures were taken on a veth pair between two network namespaces:
// ISC dhclient 4.4.3-P1 (`dhclient -6 -1 -N -P`, MAC 02:00:00:00:00:02, with
// `also request` of option 67) and perfdhcp 2.2.0 (`perfdhcp -6 -A 1 -e
// address-and-prefix`, one simulated relay) against kea-dhcp6 2.2.0 (server DUID-LLT
// 02:00:00:00:00:01, subnet 2001:db8:1::/64, pd-pool 2001:db8:100::/40 delegating
// /56 with excluded-prefix 2001:db8:100:ac::/62, dns-servers 2001:db8:1::53).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace fastlease::dhcp6::testing {

using Bytes = std::vector<uint8_t>;

// Hex digits to bytes; spaces and newlines are ignored.
inline Bytes Hex(std::string_view hex) {
  Bytes out;
  int hi = -1;
  for (char c : hex) {
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    } else {
      continue;
    }
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(uint8_t(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

inline Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline Bytes Str(std::string_view s) { return Bytes(s.begin(), s.end()); }

inline Bytes Be16(uint16_t v) { return {uint8_t(v >> 8), uint8_t(v)}; }
inline Bytes Be32(uint32_t v) {
  return {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
}

// One option TLV.
inline Bytes Opt(uint16_t code, const Bytes& data) {
  return Cat({Be16(code), Be16(uint16_t(data.size())), data});
}

// A client message: type, xid, options.
inline Bytes ClientMsg(uint8_t type, uint32_t xid, const Bytes& options) {
  return Cat({{type, uint8_t(xid >> 16), uint8_t(xid >> 8), uint8_t(xid)}, options});
}

// A Relay-Forw (type 12) around `inner`: header, `options_before`, the Relay-Message
// option, `options_after`.
inline Bytes RelayForw(uint8_t hop, const Bytes& link, const Bytes& peer, const Bytes& inner,
                       const Bytes& options_before = {}, const Bytes& options_after = {}) {
  return Cat({{12, hop}, link, peer, options_before, Opt(9, inner), options_after});
}

// dhclient Solicit: Client-Id DUID-LLT (hw type 1, time 848875519, MAC
// 02:00:00:00:00:02), ORO 23 24 67, Elapsed Time 0, IA_NA IAID 2 (T1 3600, T2 5400),
// IA_PD IAID 2 (T1 3600, T2 5400). 70 bytes.
inline const Bytes kDhclientSolicit = Hex(
    "0127bbea"
    "0001000e000100013298cfff020000000002"
    "0006000600170018 0043"
    "000800020000"
    "0003000c0000000200000e1000001518"
    "0019000c0000000200000e1000001518");

// Kea's Advertise answering kDhclientSolicit: Client-Id, Server-Id, IA_NA (2001:db8:1::100,
// 3000/4000), DNS servers, IA_PD (2001:db8:100::/56, 3000/4000, PD_EXCLUDE
// 2001:db8:100:ac::/62 encoded as 3e ac). 155 bytes.
inline const Bytes kKeaAdvertise = Hex(
    "0227bbea"
    "0001000e000100013298cfff020000000002"
    "0002000e0001000129b927000200000000010003"
    "002800000002000003e8000007d0"
    "0005001820010db800010000000000000000010000000bb800000fa0"
    "0017001020010db80001000000000000000000 53"
    "0019002f00000002000003e8000007d0"
    "001a001f00000bb800000fa03820010db8010000000000000000000000"
    "004300023eac");

// dhclient Request (an earlier run, MAC and DUID as above, time 848875496): Server-Id,
// ORO, Elapsed Time, IA_NA with IA Address 2001:db8:1::100 (7200/7500), IA_PD with
// IA Prefix 2001:db8:100::/56 (7200/7500). 145 bytes.
inline const Bytes kDhclientRequest = Hex(
    "037fa8c8"
    "0001000e000100013298cfe8020000000002"
    "0002000e0001000129b92700020000000001"
    "00060006001700180043"
    "000800020000"
    "000300280000000200000e1000001518"
    "0005001820010db800010000000000000000010000001c2000001d4c"
    "001900290000000200000e1000001518"
    "001a001900001c2000001d4c3820010db8010000000000000000000000");

// perfdhcp's relayed Solicit: Relay-Forw hop 0, link and peer fe80::ff:fe00:2, no
// relay options but the Relay-Message; inside, Solicit xid 0 with Client-Id DUID-LLT
// (MAC 00:0c:01:02:03:04), IA_NA IAID 1, ORO 23 24, Elapsed Time 0, IA_PD IAID 1.
// 106 bytes.
inline const Bytes kPerfdhcpRelayedSolicit = Hex(
    "0c00fe80000000000000000000fffe000002fe80000000000000000000fffe000002"
    "00090044"
    "01000000"
    "0001000e000100013298cff0000c01020304"
    "0003000c0000000100000e1000001518"
    "000600040017 0018"
    "000800020000"
    "0019000c0000000100000e1000001518");

// Kea's Relay-Repl to kPerfdhcpRelayedSolicit (an Advertise inside). 187 bytes.
inline const Bytes kKeaRelayRepl = Hex(
    "0d00fe80000000000000000000fffe000002fe80000000000000000000fffe000002"
    "00090095"
    "020000000001000e000100013298cff0000c010203040002000e0001000129b927000200000000010003"
    "002800000001000003e8000007d00005001820010db800010000000000000000010100000bb800000fa0"
    "0017001020010db80001000000000000000000530019002900000001000003e8000007d0001a001900000b"
    "b800000fa03820010db8010001000000000000000000");

}  // namespace fastlease::dhcp6::testing
