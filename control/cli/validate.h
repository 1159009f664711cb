// Syntax checks for what an operator types, done before anything is sent.
//
//   ParseIpv4("10.0.0.5")                 -> 0x0a000005
//   ParseIpv6("2001:db8::5")              -> {0x20, 0x01, 0x0d, 0xb8, 0, ..., 5}
//   NormalizeHwAddress("52-54-00-AB-0C-1") -> "52:54:00:ab:0c:01"
//   ParseUnsigned("3600", UINT32_MAX)     -> 3600
//
// Every function returns std::nullopt for text it does not accept; callers
// turn that into a usage error naming the value. Pure functions, any thread.
#pragma once

#include <array>
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
// A DUID's length: a 2-byte type, then up to 128 bytes (RFC 8415 §11.1), as the
// dataplane accepts for lease6-add.
inline constexpr size_t kMinDuidBytes = 2;
inline constexpr size_t kMaxDuidBytes = 130;

// Strict dotted quad: four decimal parts 0..255 without leading zeros, signs
// or spaces. Returns the address in host byte order.
std::optional<uint32_t> ParseIpv4(std::string_view text);

// RFC 4291 text ("2001:db8:1::5", "::ffff:192.0.2.1"), no zone, no prefix
// length, no spaces. Returns the 16 bytes in network order, so that the
// arrays of two addresses compare as the addresses do.
std::optional<std::array<uint8_t, 16>> ParseIpv6(std::string_view text);

// ParseIpv6, then RFC 5952 text: "2001:DB8:1:0::5" -> "2001:db8:1::5".
std::optional<std::string> NormalizeIpv6(std::string_view text);

// Whether `address` has bits set past the first `prefix_len` (0..128).
bool HasBitsPastPrefix(const std::array<uint8_t, 16>& address, size_t prefix_len);

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

// NormalizeHex for a DUID: kMinDuidBytes..kMaxDuidBytes bytes.
std::optional<std::string> NormalizeDuid(std::string_view text);

// Decimal digits only (no sign, no spaces), value <= `max`.
std::optional<uint64_t> ParseUnsigned(std::string_view text, uint64_t max);

// A positive number of seconds, decimals allowed ("30", "0.5"), at most one day.
std::optional<double> ParseTimeoutSeconds(std::string_view text);

}  // namespace fastlease::cli
