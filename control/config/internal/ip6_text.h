// Text forms of IPv6 addresses, prefixes and pool ranges used by the Dhcp6 loader, and
// the 128-bit arithmetic on them (config::Ip6, network byte order). Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "control/config/config.h"

namespace fastlease::config::internal {

__extension__ typedef unsigned __int128 Uint128;

// RFC 4291 text ("2001:db8::1", "::ffff:192.0.2.1"); no zone, no surrounding space.
std::optional<Ip6> ParseIpv6(absl::string_view text);
// RFC 5952 text.
std::string FormatIpv6(const Ip6& address);

Uint128 ToUint128(const Ip6& address);
Ip6 FromUint128(Uint128 value);

// `address` with the bits past `len` (0..128) cleared / set.
Ip6 PrefixFirst(const Ip6& address, uint8_t len);
Ip6 PrefixLast(const Ip6& address, uint8_t len);
inline bool HasHostBits(const Ip6& address, uint8_t len) {
  return PrefixFirst(address, len) != address;
}
// Whether `address` lies in `prefix/len`.
inline bool InPrefix(const Ip6& address, const Ip6& prefix, uint8_t len) {
  return PrefixFirst(address, len) == PrefixFirst(prefix, len);
}

struct Ipv6Prefix {
  Ip6 address{};
  uint8_t len = 0;
};

// "address/len" with len 0..128 (no sign, no leading zero). Host bits are kept; callers
// decide whether they may be set.
std::optional<Ipv6Prefix> ParseIpv6Prefix(absl::string_view text);

struct Ipv6Range {
  Ip6 first{};
  Ip6 last{};
};

// Kea's v6 pool forms: "a - b" (spaces optional) or "a/len". nullopt when the text is
// neither; `first > last` and host bits in "a/len" are returned as they are.
std::optional<Ipv6Range> ParseIpv6RangeText(absl::string_view text, bool* host_bits_set);

// "2001:db8::/48".
std::string FormatIpv6Prefix(const Ip6& address, uint8_t len);

}  // namespace fastlease::config::internal
