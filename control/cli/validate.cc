#include "control/cli/validate.h"

#include <charconv>
#include <cmath>
#include <vector>

#include "control/config/internal/ip6_text.h"
#include "control/config/internal/ip_text.h"


namespace fastlease::cli {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<uint32_t> ParseIpv4(std::string_view text) {
  // The config loader's parser: the CLI accepts exactly the addresses a config may hold.
  return config::internal::ParseIpv4(absl::string_view(text.data(), text.size()));
}

std::optional<std::array<uint8_t, 16>> ParseIpv6(std::string_view text) {
  // The config loader's parser, as for IPv4.
  return config::internal::ParseIpv6(absl::string_view(text.data(), text.size()));
}

std::optional<std::string> NormalizeIpv6(std::string_view text) {
  std::optional<std::array<uint8_t, 16>> address = ParseIpv6(text);
  if (!address) return std::nullopt;
  return config::internal::FormatIpv6(*address);
}

bool HasBitsPastPrefix(const std::array<uint8_t, 16>& address, size_t prefix_len) {
  return prefix_len < 128 && config::internal::HasHostBits(address, static_cast<uint8_t>(prefix_len));
}

std::optional<std::string> NormalizeHex(std::string_view text, size_t min_bytes,
                                        size_t max_bytes) {
  std::vector<uint8_t> bytes;
  const bool has_colon = text.find(':') != std::string_view::npos;
  const bool has_dash = text.find('-') != std::string_view::npos;
  if (has_colon && has_dash) return std::nullopt;
  if (has_colon || has_dash) {
    const char sep = has_colon ? ':' : '-';
    size_t start = 0;
    while (true) {
      size_t end = text.find(sep, start);
      std::string_view group =
          text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
      if (group.empty() || group.size() > 2) return std::nullopt;
      int value = 0;
      for (char c : group) {
        int d = HexDigit(c);
        if (d < 0) return std::nullopt;
        value = value * 16 + d;
      }
      bytes.push_back(static_cast<uint8_t>(value));
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
  } else {
    if (text.empty() || text.size() % 2 != 0) return std::nullopt;
    for (size_t i = 0; i < text.size(); i += 2) {
      int hi = HexDigit(text[i]);
      int lo = HexDigit(text[i + 1]);
      if (hi < 0 || lo < 0) return std::nullopt;
      bytes.push_back(static_cast<uint8_t>(hi * 16 + lo));
    }
  }
  if (bytes.size() < min_bytes || bytes.size() > max_bytes) return std::nullopt;
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 3);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) out.push_back(':');
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0xf]);
  }
  return out;
}

std::optional<std::string> NormalizeHwAddress(std::string_view text) {
  return NormalizeHex(text, 1, kMaxHwAddressBytes);
}

std::optional<std::string> NormalizeClientId(std::string_view text) {
  return NormalizeHex(text, 1, kMaxClientIdBytes);
}

std::optional<std::string> NormalizeDuid(std::string_view text) {
  return NormalizeHex(text, kMinDuidBytes, kMaxDuidBytes);
}

std::optional<uint64_t> ParseUnsigned(std::string_view text, uint64_t max) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}

std::optional<double> ParseTimeoutSeconds(std::string_view text) {
  if (text.empty()) return std::nullopt;
  for (char c : text) {
    if ((c < '0' || c > '9') && c != '.') return std::nullopt;
  }
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value) ||
      value <= 0 || value > 86400) {
    return std::nullopt;
  }
  return value;
}

}  // namespace fastlease::cli
