#include "control/config/internal/ip6_text.h"

#include <arpa/inet.h>

#include "absl/strings/str_cat.h"
#include "control/config/internal/ip_text.h"

namespace fastlease::config::internal {

std::optional<Ip6> ParseIpv6(absl::string_view text) {
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  Ip6 address{};
  if (inet_pton(AF_INET6, std::string(text).c_str(), address.data()) != 1) return std::nullopt;
  return address;
}

std::string FormatIpv6(const Ip6& address) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, address.data(), text, sizeof(text));
  return text;
}

Uint128 ToUint128(const Ip6& address) {
  Uint128 value = 0;
  for (uint8_t b : address) value = value << 8 | b;
  return value;
}

Ip6 FromUint128(Uint128 value) {
  Ip6 address{};
  for (int i = 15; i >= 0; --i) {
    address[static_cast<size_t>(i)] = static_cast<uint8_t>(value);
    value >>= 8;
  }
  return address;
}

namespace {

// The mask byte for byte `i` of a /len prefix.
uint8_t MaskByte(size_t i, uint8_t len) {
  const int bits = static_cast<int>(len) - static_cast<int>(8 * i);
  if (bits >= 8) return 0xff;
  if (bits <= 0) return 0;
  return static_cast<uint8_t>(0xff << (8 - bits));
}

}  // namespace

Ip6 PrefixFirst(const Ip6& address, uint8_t len) {
  Ip6 out = address;
  for (size_t i = 0; i < out.size(); ++i) out[i] &= MaskByte(i, len);
  return out;
}

Ip6 PrefixLast(const Ip6& address, uint8_t len) {
  Ip6 out = address;
  for (size_t i = 0; i < out.size(); ++i) out[i] |= static_cast<uint8_t>(~MaskByte(i, len));
  return out;
}

std::optional<Ipv6Prefix> ParseIpv6Prefix(absl::string_view text) {
  const size_t slash = text.find('/');
  if (slash == absl::string_view::npos) return std::nullopt;
  std::optional<Ip6> address = ParseIpv6(text.substr(0, slash));
  if (!address) return std::nullopt;
  absl::string_view len_text = text.substr(slash + 1);
  if (len_text.empty() || len_text.size() > 3) return std::nullopt;
  uint32_t len = 0;
  for (char c : len_text) {
    if (c < '0' || c > '9') return std::nullopt;
    len = len * 10 + static_cast<uint32_t>(c - '0');
  }
  if (len > 128 || (len_text.size() > 1 && len_text[0] == '0')) return std::nullopt;
  return Ipv6Prefix{*address, static_cast<uint8_t>(len)};
}

std::optional<Ipv6Range> ParseIpv6RangeText(absl::string_view text, bool* host_bits_set) {
  *host_bits_set = false;
  text = TrimSpace(text);
  const size_t dash = text.find('-');
  if (dash != absl::string_view::npos) {
    std::optional<Ip6> first = ParseIpv6(TrimSpace(text.substr(0, dash)));
    std::optional<Ip6> last = ParseIpv6(TrimSpace(text.substr(dash + 1)));
    if (!first || !last) return std::nullopt;
    return Ipv6Range{*first, *last};
  }
  std::optional<Ipv6Prefix> prefix = ParseIpv6Prefix(text);
  if (!prefix) return std::nullopt;
  *host_bits_set = HasHostBits(prefix->address, prefix->len);
  return Ipv6Range{PrefixFirst(prefix->address, prefix->len),
                   PrefixLast(prefix->address, prefix->len)};
}

std::string FormatIpv6Prefix(const Ip6& address, uint8_t len) {
  return absl::StrCat(FormatIpv6(address), "/", len);
}

}  // namespace fastlease::config::internal
