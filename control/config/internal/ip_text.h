// Text forms of IPv4 addresses, prefixes and ranges used by the config parser.
// All addresses are host byte order. Pure functions; no allocation except FormatIpv4.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace fastlease::config::internal {

// "a.b.c.d": four decimal octets 0..255, no sign, no leading zeros (so "010" is not
// read as octal by one tool and decimal by another), no surrounding space.
std::optional<uint32_t> ParseIpv4(absl::string_view text);

std::string FormatIpv4(uint32_t address);

// The netmask of a prefix length 0..32.
constexpr uint32_t PrefixMask(uint8_t len) { return len == 0 ? 0u : ~uint32_t{0} << (32 - len); }

struct Ipv4Prefix {
  uint32_t address = 0;
  uint8_t len = 0;
};

// "a.b.c.d/len" with len 0..32. Host bits are kept; callers decide whether they may
// be set.
std::optional<Ipv4Prefix> ParseIpv4Prefix(absl::string_view text);

struct Ipv4Range {
  uint32_t first = 0;
  uint32_t last = 0;
};

// Kea's pool forms: "a - b" (spaces optional) or "a/len". Returns nullopt when the text
// is neither. `first > last` and host bits in "a/len" are returned as they are; callers
// report them.
std::optional<Ipv4Range> ParseIpv4RangeText(absl::string_view text, bool* host_bits_set);

// Removes ASCII spaces and tabs at both ends.
absl::string_view TrimSpace(absl::string_view text);

}  // namespace fastlease::config::internal
