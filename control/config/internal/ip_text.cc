#include "control/config/internal/ip_text.h"

#include "absl/strings/str_format.h"

namespace fastlease::config::internal {

std::optional<uint32_t> ParseIpv4(absl::string_view text) {
  uint32_t address = 0;
  int octets = 0;
  size_t i = 0;
  while (octets < 4) {
    if (i >= text.size() || text[i] < '0' || text[i] > '9') return std::nullopt;
    const size_t start = i;
    uint32_t value = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      value = value * 10 + static_cast<uint32_t>(text[i] - '0');
      if (value > 255 || i - start >= 3) return std::nullopt;
      ++i;
    }
    if (i - start > 1 && text[start] == '0') return std::nullopt;
    address = (address << 8) | value;
    ++octets;
    if (octets < 4) {
      if (i >= text.size() || text[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i != text.size()) return std::nullopt;
  return address;
}

std::string FormatIpv4(uint32_t address) {
  return absl::StrFormat("%u.%u.%u.%u", address >> 24, (address >> 16) & 0xff,
                         (address >> 8) & 0xff, address & 0xff);
}

std::optional<Ipv4Prefix> ParseIpv4Prefix(absl::string_view text) {
  const size_t slash = text.find('/');
  if (slash == absl::string_view::npos) return std::nullopt;
  std::optional<uint32_t> address = ParseIpv4(text.substr(0, slash));
  if (!address) return std::nullopt;
  absl::string_view len_text = text.substr(slash + 1);
  if (len_text.empty() || len_text.size() > 2) return std::nullopt;
  uint32_t len = 0;
  for (char c : len_text) {
    if (c < '0' || c > '9') return std::nullopt;
    len = len * 10 + static_cast<uint32_t>(c - '0');
  }
  if (len > 32 || (len_text.size() == 2 && len_text[0] == '0')) return std::nullopt;
  return Ipv4Prefix{*address, static_cast<uint8_t>(len)};
}

std::optional<Ipv4Range> ParseIpv4RangeText(absl::string_view text, bool* host_bits_set) {
  *host_bits_set = false;
  text = TrimSpace(text);
  const size_t dash = text.find('-');
  if (dash != absl::string_view::npos) {
    std::optional<uint32_t> first = ParseIpv4(TrimSpace(text.substr(0, dash)));
    std::optional<uint32_t> last = ParseIpv4(TrimSpace(text.substr(dash + 1)));
    if (!first || !last) return std::nullopt;
    return Ipv4Range{*first, *last};
  }
  std::optional<Ipv4Prefix> prefix = ParseIpv4Prefix(text);
  if (!prefix) return std::nullopt;
  const uint32_t mask = PrefixMask(prefix->len);
  *host_bits_set = (prefix->address & ~mask) != 0;
  const uint32_t first = prefix->address & mask;
  return Ipv4Range{first, first | ~mask};
}

absl::string_view TrimSpace(absl::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace fastlease::config::internal
