// Helpers shared by the management thread's command files (management.cc for
// DHCPv4 and the common commands, management6.cc for DHCPv6). Not an API.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"

#include "dataplane/management.h"
#include "leasedb/lease.h"
#include "leasedb/lease6.h"

namespace fastlease::dataplane::management_detail {

// Kea's answer shapes: {"result", "text"} and {"result", "text", "arguments"}.
std::string Result(int result, const std::string& text);
std::string Result(int result, const std::string& text, nlohmann::json args);

std::string Ipv4Text(uint32_t a);
std::optional<uint32_t> ParseIpv4(const nlohmann::json& v);
// Bytes as "01:02:0a".
std::string HexColons(const uint8_t* p, size_t n);
// "52:54:00:ab:cd:ef", "52-54-…", "525400abcdef" → bytes (at most `max`);
// nullopt if malformed.
std::optional<std::vector<uint8_t>> ParseHex(const nlohmann::json& v, size_t max);
// A JSON number 0..2^32-1 (lifetimes, expiry, ids); nullopt for anything else, so a
// larger value is refused instead of cut to 32 bits.
inline std::optional<uint32_t> ParseU32(const nlohmann::json& v) {
  if (!v.is_number_unsigned() || v.get<uint64_t>() > UINT32_MAX) return std::nullopt;
  return uint32_t(v.get<uint64_t>());
}
// Kea's statistics timestamp, local time with microseconds.
std::string Timestamp();

// The answer listing `leases` (v4 or v6): "N IPv4|IPv6 lease(s) found." with
// {"leases": [...]}, result 3 when none; `with_count` adds "count" (lease*-get-page).
template <class LeaseT>
std::string LeasesFound(const std::vector<LeaseT>& leases, bool with_count = false) {
  nlohmann::json list = nlohmann::json::array();
  for (const LeaseT& l : leases) list.push_back(LeaseToJson(l));
  const size_t n = leases.size();
  const char* family = std::is_same_v<LeaseT, leasedb::Lease6> ? "IPv6" : "IPv4";
  nlohmann::json args{{"leases", std::move(list)}};
  if (with_count) args["count"] = n;
  return Result(n ? 0 : 3, std::to_string(n) + " " + family + " lease(s) found.", std::move(args));
}

// lease*-get-all's optional "subnets": the ids (empty: every subnet), or an error answer.
std::variant<std::vector<uint32_t>, std::string> SubnetFilter(const nlohmann::json& args);
// lease4-get-all / lease6-get-all: every lease that `scan` (the store's ForEach or
// ForEach6, called with a per-lease function) yields in the "subnets" asked for.
template <class LeaseT, class Scan>
std::string AllLeases(const nlohmann::json& args, Scan&& scan) {
  auto filter = SubnetFilter(args);
  if (auto* error = std::get_if<std::string>(&filter)) return *error;
  const std::vector<uint32_t>& subnets = std::get<std::vector<uint32_t>>(filter);
  std::vector<LeaseT> leases;
  absl::Status s = scan([&](const LeaseT& l) {
    if (subnets.empty() || std::find(subnets.begin(), subnets.end(), l.subnet_id) != subnets.end()) {
      leases.push_back(l);
    }
  });
  if (!s.ok()) return Result(1, std::string(s.message()));
  return LeasesFound(leases);
}

// lease*-get-page's "from" (present) and "limit" (1..1000000): an error answer, or ""
// when they are fine. The caller parses "from" ("start" or an address).
std::string CheckPageArgs(const nlohmann::json& args, const char* command);

// Statistics that are levels, not counts: statistic-reset leaves them alone.
inline bool IsGauge(const std::string& name) {
  return name.ends_with("total-addresses") || name.ends_with("total-nas") ||
         name.ends_with("total-pds") ||
         (name.find("cumulative") == std::string::npos &&
          (name.ends_with("assigned-addresses") || name.ends_with("assigned-nas") ||
           name.ends_with("assigned-pds"))) ||
         name.ends_with("declined-addresses");
}

// The lease a lookup by address reports: the live one (bound or declined) if
// any, else the one that ended last. LeaseT is leasedb::Lease or Lease6.
template <class LeaseT>
const LeaseT* Current(const std::vector<LeaseT>& leases) {
  auto live = [](const LeaseT& l) {
    return l.state == leasedb::LeaseState::kBound || l.state == leasedb::LeaseState::kDeclined;
  };
  const LeaseT* best = nullptr;
  for (const LeaseT& l : leases) {
    if (!best || (live(l) && !live(*best)) ||
        (live(l) == live(*best) && int32_t(l.expire - best->expire) > 0)) {
      best = &l;
    }
  }
  return best;
}

}  // namespace fastlease::dataplane::management_detail
