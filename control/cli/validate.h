// Syntax checks for what an operator types, done before anything is sent.
//
//   ParseIpv4("10.0.0.5")                 -> 0x0a000005
//   NormalizeHwAddress("52-54-00-AB-0C-1") -> "52:54:00:ab:0c:01"
//   ParseUnsigned("3600", UINT32_MAX)     -> 3600
//
// Every function returns std::nullopt for text it does not accept; callers
// turn that into a usage error naming the value. Pure functions, any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fastlease::cli {

// Longest hardware address a lease holds (leasedb kMaxHwAddressSize, the
// size of the DHCPv4 chaddr field).
inline constexpr size_t kMaxHwAddressBytes = 16;
// Longest client identifier (option 61 carries at most 255 bytes).
inline constexpr size_t kMaxClientIdBytes = 255;

// Strict dotted quad: four decimal parts 0..255 without leading zeros, signs
// or spaces. Returns the address in host byte order.
std::optional<uint32_t> ParseIpv4(std::string_view text);

// Hex bytes in one of the forms Kea accepts: groups of one or two hex digits
// separated by ':' (or all by '-'), or an even-length run of hex digits.
// Returns Kea's canonical form: lowercase, two digits per byte, ':' between.
// `min_bytes`..`max_bytes` bounds the decoded length.
std::optional<std::string> NormalizeHex(std::string_view text, size_t min_bytes,
                                        size_t max_bytes);

// NormalizeHex for a hardware address: 1..kMaxHwAddressBytes bytes.
std::optional<std::string> NormalizeHwAddress(std::string_view text);

// NormalizeHex for a client identifier: 1..kMaxClientIdBytes bytes.
std::optional<std::string> NormalizeClientId(std::string_view text);

// Decimal digits only (no sign, no spaces), value <= `max`.
std::optional<uint64_t> ParseUnsigned(std::string_view text, uint64_t max);

// A positive number of seconds, decimals allowed ("30", "0.5"), at most one day.
std::optional<double> ParseTimeoutSeconds(std::string_view text);

}  // namespace fastlease::cli
