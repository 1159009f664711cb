#include "control/config/internal/dhcp6_parser.h"

#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "control/config/internal/entry_readers.h"
#include "control/config/internal/ip6_text.h"
#include "control/config/internal/network_params.h"
#include "control/config/internal/option_data_parser6.h"
#include "control/config/option_catalog.h"

namespace fastlease::config::internal {
namespace {

constexpr uint32_t kMaxSubnetId = 4294967294u;  // Kea: 0 and 2^32-1 are reserved
// Kea 2.2's DHCPv6 defaults.
constexpr uint32_t kDefaultPreferredLifetime = 3600;
constexpr uint32_t kDefaultValidLifetime = 7200;
constexpr double kDefaultT1Percent = 0.5;
constexpr double kDefaultT2Percent = 0.8;
// A pd-pool delegates at most 2^24 prefixes (PdPool in config.h).
constexpr int kMaxPdBits = 24;
constexpr uint16_t kPreferenceCode = 7;
// RFC 8415 §11.1: a DUID is at most 128 octets after its 2-octet type.
constexpr size_t kMaxDuidBody = 128;
constexpr size_t kMaxDuid = kMaxDuidBody + 2;

constexpr absl::string_view kClassesNotEvaluated =
    "ignored: DHCPv6 client classes are not evaluated yet";

// The lease parameter keys ReadNetworkParams (network_params.h) reads that DHCPv6 has too.
constexpr absl::string_view kSharedParamKeys[] = {
    "valid-lifetime",      "min-valid-lifetime",     "max-valid-lifetime",
    "renew-timer",         "rebind-timer",           "calculate-tee-times",
    "t1-percent",          "t2-percent",             "reservation-mode",
    "reservations-global", "reservations-in-subnet", "reservations-out-of-pool",
    "store-extended-info",
};
constexpr absl::string_view kPreferredKeys[] = {"preferred-lifetime", "min-preferred-lifetime",
                                                "max-preferred-lifetime"};

// `keys` plus every lease parameter key of a DHCPv6 level.
std::vector<absl::string_view> WithParamKeys(std::initializer_list<absl::string_view> keys) {
  std::vector<absl::string_view> out(keys);
  out.insert(out.end(), std::begin(kSharedParamKeys), std::end(kSharedParamKeys));
  out.insert(out.end(), std::begin(kPreferredKeys), std::end(kPreferredKeys));
  return out;
}

// ---------------------------------------------------------------- lease parameters

// A level's lease parameters: the ones DHCPv4 has too (read by ReadNetworkParams) and the
// DHCPv6 ones.
struct Params6 {
  NetworkParams common;
  std::optional<Sourced<uint32_t>> preferred;
  std::optional<Sourced<uint32_t>> min_preferred;
  std::optional<Sourced<uint32_t>> max_preferred;
  std::optional<Sourced<bool>> rapid_commit;  // subnets and shared networks only
};

template <typename T>
Sourced<T> OrDefault(const std::optional<Sourced<T>>& v, T fallback) {
  return v ? *v : Sourced<T>{fallback, Scope::kDefault, ""};
}

template <typename T>
std::optional<Sourced<T>> Pick(const std::optional<Sourced<T>>& own,
                               const std::optional<Sourced<T>>& parent) {
  return own ? own : parent;
}

std::string Origin(const Sourced<uint32_t>& v, Scope scope) {
  if (v.scope == scope) return "";
  if (v.scope == Scope::kDefault) return ", default";
  return absl::StrCat(", from ", v.path);
}

// Reports "a (…) <relation> b (…)" at whichever of a, b was set at `scope` (nothing when
// neither was): an error, or a warning with `consequence` appended when one is given.
void ReportPair(const Sourced<uint32_t>& a, absl::string_view a_name, const Sourced<uint32_t>& b,
                absl::string_view b_name, absl::string_view relation, Scope scope, Diagnostics& d,
                absl::string_view consequence = "") {
  if (a.scope != scope && b.scope != scope) return;
  const std::string& path = a.scope == scope ? a.path : b.path;
  const std::string problem = absl::StrCat(a_name, " (", a.value, Origin(a, scope), ") ",
                                           relation, " ", b_name, " (", b.value,
                                           Origin(b, scope), ")");
  if (consequence.empty()) {
    d.Error(path, problem);
  } else {
    d.Warn(path, absl::StrCat(problem, consequence));
  }
}

Params6 ReadParams6(const Json& node, const std::string& path, Scope scope, Diagnostics& d) {
  Params6 p;
  // Only the keys DHCPv6 has, so a DHCPv4-only key is reported once (unknown), not read.
  Json shared = Json::object();
  for (absl::string_view key : kSharedParamKeys) {
    if (const Json* n = Find(node, key)) shared[std::string(key)] = *n;
  }
  p.common = ReadNetworkParams(shared, path, scope, d);
  auto lifetime = [&](absl::string_view key, std::optional<Sourced<uint32_t>>& field) {
    const Json* n = Find(node, key);
    if (n == nullptr) return;
    std::string at = Child(path, key);
    if (std::optional<uint32_t> v = ReadUint32(*n, at, d, 1)) {
      field = Sourced<uint32_t>{*v, scope, std::move(at)};
    }
  };
  lifetime("preferred-lifetime", p.preferred);
  lifetime("min-preferred-lifetime", p.min_preferred);
  lifetime("max-preferred-lifetime", p.max_preferred);
  if (scope != Scope::kGlobal) {
    if (const Json* n = Find(node, "rapid-commit")) {
      std::string at = Child(path, "rapid-commit");
      if (std::optional<bool> v = ReadBool(*n, at, d)) {
        p.rapid_commit = Sourced<bool>{*v, scope, std::move(at)};
      }
    }
  }
  return p;
}

Params6 Inherit6(const Params6& own, const Params6& parent) {
  Params6 p;
  p.common = Inherit(own.common, parent.common);
  p.preferred = Pick(own.preferred, parent.preferred);
  p.min_preferred = Pick(own.min_preferred, parent.min_preferred);
  p.max_preferred = Pick(own.max_preferred, parent.max_preferred);
  p.rapid_commit = Pick(own.rapid_commit, parent.rapid_commit);
  return p;
}

// The rules of ValidateNetworkParams (with the DHCPv6 t2-percent default) plus
// min-preferred <= preferred <= max-preferred; preferred > valid is a warning (the
// preferred lifetime is then cut to the valid one: a client discards an address whose
// preferred lifetime exceeds its valid lifetime, RFC 8415 §21.6).
void Validate6(const Params6& p, Scope scope, Diagnostics& d) {
  NetworkParams common = p.common;
  if (!common.t2_percent) {
    common.t2_percent = Sourced<double>{kDefaultT2Percent, Scope::kDefault, ""};
  }
  ValidateNetworkParams(common, scope, d);
  const Sourced<uint32_t> preferred = OrDefault(p.preferred, kDefaultPreferredLifetime);
  if (p.min_preferred && p.max_preferred && p.min_preferred->value > p.max_preferred->value) {
    ReportPair(*p.min_preferred, "min-preferred-lifetime", *p.max_preferred,
               "max-preferred-lifetime", "is greater than", scope, d);
  } else {
    if (p.min_preferred && p.min_preferred->value > preferred.value) {
      ReportPair(*p.min_preferred, "min-preferred-lifetime", preferred, "preferred-lifetime",
                 "is greater than", scope, d);
    }
    if (p.max_preferred && p.max_preferred->value < preferred.value) {
      ReportPair(*p.max_preferred, "max-preferred-lifetime", preferred, "preferred-lifetime",
                 "is less than", scope, d);
    }
  }
  const Sourced<uint32_t> valid = OrDefault(common.valid_lifetime, kDefaultValidLifetime);
  if (preferred.value > valid.value) {
    ReportPair(preferred, "preferred-lifetime", valid, "valid-lifetime", "is greater than", scope,
               d, "; the preferred lifetime is cut to the valid lifetime");
  }
}

void Apply6(const Params6& p, Subnet6& s) {
  const NetworkParams& c = p.common;
  s.valid_lifetime = OrDefault(c.valid_lifetime, kDefaultValidLifetime).value;
  s.min_valid_lifetime = OrDefault(c.min_valid_lifetime, s.valid_lifetime).value;
  s.max_valid_lifetime = OrDefault(c.max_valid_lifetime, s.valid_lifetime).value;
  const uint32_t preferred = OrDefault(p.preferred, kDefaultPreferredLifetime).value;
  const uint32_t min_preferred = OrDefault(p.min_preferred, preferred).value;
  const uint32_t max_preferred = OrDefault(p.max_preferred, preferred).value;
  // Each preferred value is at most its valid counterpart (Validate6 warned).
  s.preferred_lifetime = std::min(preferred, s.valid_lifetime);
  s.min_preferred_lifetime = std::min(min_preferred, s.min_valid_lifetime);
  s.max_preferred_lifetime = std::min(max_preferred, s.max_valid_lifetime);
  s.renew_timer = OrDefault(c.renew_timer, 0u).value;
  s.rebind_timer = OrDefault(c.rebind_timer, 0u).value;
  s.calculate_tee_times = OrDefault(c.calculate_tee_times, true).value;
  s.t1_percent = OrDefault(c.t1_percent, kDefaultT1Percent).value;
  s.t2_percent = OrDefault(c.t2_percent, kDefaultT2Percent).value;
  s.rapid_commit = OrDefault(p.rapid_commit, false).value;
  s.reservations_global = OrDefault(c.reservations_global, false).value;
  s.reservations_in_subnet = OrDefault(c.reservations_in_subnet, true).value;
  s.reservations_out_of_pool = OrDefault(c.reservations_out_of_pool, false).value;
}

// ---------------------------------------------------------------- section state

// A pool's range (addresses, or the prefixes a pd-pool covers) and where it was
// configured, for the overlap check across subnets.
struct RangeSite {
  Uint128 first;
  Uint128 last;
  std::string path;
  std::string text;
  size_t order;  // position in the file, so a conflict is reported at the later pool
};

struct Dhcp6Context {
  std::map<uint32_t, std::string> subnet_ids;                   // id -> path of its subnet
  std::map<std::pair<Uint128, uint8_t>, std::string> prefixes;  // subnet prefix -> path
  std::vector<RangeSite> pools;
  std::vector<RangeSite> pd_pools;
  // Kea's ip-reservations-unique (on by default): each address and prefix once per file.
  std::map<Uint128, std::string> reserved_addresses;
  std::map<std::pair<Uint128, uint8_t>, std::string> reserved_prefixes;
};

// The subnet a pool or reservation belongs to, for the inside-the-subnet checks.
struct SubnetPrefix {
  Ip6 prefix{};
  uint8_t len = 0;
};

std::string Text(const SubnetPrefix& s) { return FormatIpv6Prefix(s.prefix, s.len); }

std::optional<Ip6> ReadIpv6(const Json& node, const std::string& path, Diagnostics& d) {
  std::optional<std::string> text = ReadString(node, path, d);
  if (!text) return std::nullopt;
  std::optional<Ip6> address = ParseIpv6(*text);
  if (!address) d.Error(path, absl::StrCat("'", *text, "' is not an IPv6 address"));
  return address;
}

// `client-class` / `require-client-classes`: accepted, with the warning that DHCPv6
// classes are not evaluated (so the pool, subnet or network serves every client).
void WarnClasses(const Json& node, const std::string& path, Diagnostics& d) {
  for (absl::string_view key : {"client-class", "require-client-classes"}) {
    if (Find(node, key) != nullptr) d.Warn(Child(path, key), kClassesNotEvaluated);
  }
}

// ---------------------------------------------------------------- pools

std::optional<Pool6> ParsePool6(const Json& node, const std::string& path,
                                const std::optional<SubnetPrefix>& subnet, Dhcp6Context& ctx,
                                Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = {"pool", "option-data", "client-class", "require-client-classes"},
  };
  if (!CheckObject(node, path, kRules, d)) return std::nullopt;
  const size_t errors_before = d.errors().size();
  WarnClasses(node, path, d);
  Pool6 pool;
  if (const Json* n = Find(node, "option-data")) {
    pool.options = ParseOption6DataList(*n, Child(path, "option-data"), d);
  }
  const std::string pool_path = Child(path, "pool");
  const Json* n = Find(node, "pool");
  if (n == nullptr) {
    d.Error(pool_path, "missing required key");
    return std::nullopt;
  }
  std::optional<std::string> text = ReadString(*n, pool_path, d);
  if (!text) return std::nullopt;
  bool host_bits = false;
  std::optional<Ipv6Range> range = ParseIpv6RangeText(*text, &host_bits);
  if (!range) {
    d.Error(pool_path, absl::StrCat("'", *text,
                                    "' is not a range (expected 'first - last' or 'prefix/len')"));
    return std::nullopt;
  }
  if (host_bits) {
    d.Error(pool_path, absl::StrCat("'", *text, "' has host bits set in its prefix"));
    return std::nullopt;
  }
  const Uint128 first = ToUint128(range->first);
  const Uint128 last = ToUint128(range->last);
  if (first > last) {
    d.Error(pool_path,
            absl::StrCat("'", *text, "' is not a range: the first address is above the last"));
    return std::nullopt;
  }
  if (subnet && (!InPrefix(range->first, subnet->prefix, subnet->len) ||
                 !InPrefix(range->last, subnet->prefix, subnet->len))) {
    d.Error(pool_path,
            absl::StrCat("'", *text, "' is not inside the subnet ", Text(*subnet)));
  }
  ctx.pools.push_back(RangeSite{first, last, pool_path,
                                absl::StrCat(FormatIpv6(range->first), " - ",
                                             FormatIpv6(range->last)),
                                ctx.pools.size()});
  if (d.errors().size() != errors_before) return std::nullopt;
  pool.first = range->first;
  pool.last = range->last;
  if (last - first >= kMaxPool6Size) {
    pool.last = FromUint128(first + (kMaxPool6Size - 1));
    d.Warn(pool_path, absl::StrCat("'", *text, "' has more than 2^24 addresses; only the first "
                                   "2^24 are used (", FormatIpv6(pool.first), " - ",
                                   FormatIpv6(pool.last), ")"));
  }
  pool.size = static_cast<uint64_t>(ToUint128(pool.last) - first) + 1;
  return pool;
}

// A `prefix` or `excluded-prefix`: an address, the length being its own key.
std::optional<Ip6> ReadPrefixAddress(const Json& node, const std::string& path,
                                     absl::string_view len_key, Diagnostics& d) {
  std::optional<std::string> text = ReadString(node, path, d);
  if (!text) return std::nullopt;
  if (text->find('/') != std::string::npos) {
    d.Error(path, absl::StrCat("'", *text, "' is not an IPv6 address (the length goes in ",
                               len_key, ")"));
    return std::nullopt;
  }
  std::optional<Ip6> address = ParseIpv6(*text);
  if (!address) d.Error(path, absl::StrCat("'", *text, "' is not an IPv6 address"));
  return address;
}

std::optional<PdPool> ParsePdPool(const Json& node, const std::string& path, Dhcp6Context& ctx,
                                  Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = {"prefix", "prefix-len", "delegated-len", "excluded-prefix",
                   "excluded-prefix-len", "option-data", "client-class",
                   "require-client-classes"},
  };
  if (!CheckObject(node, path, kRules, d)) return std::nullopt;
  const size_t errors_before = d.errors().size();
  WarnClasses(node, path, d);
  PdPool pool;
  auto required = [&](absl::string_view key) -> const Json* {
    const Json* n = Find(node, key);
    if (n == nullptr) d.Error(Child(path, key), "missing required key");
    return n;
  };
  const std::string prefix_path = Child(path, "prefix");
  const std::string len_path = Child(path, "prefix-len");
  const std::string delegated_path = Child(path, "delegated-len");
  std::optional<Ip6> prefix;
  std::optional<uint32_t> prefix_len;
  std::optional<uint32_t> delegated_len;
  if (const Json* n = required("prefix")) {
    prefix = ReadPrefixAddress(*n, prefix_path, "prefix-len", d);
  }
  if (const Json* n = required("prefix-len")) prefix_len = ReadUint32(*n, len_path, d, 1, 128);
  if (const Json* n = required("delegated-len")) {
    delegated_len = ReadUint32(*n, delegated_path, d, 1, 128);
  }
  if (prefix && prefix_len && HasHostBits(*prefix, static_cast<uint8_t>(*prefix_len))) {
    d.Error(prefix_path,
            absl::StrCat("'", FormatIpv6(*prefix), "' has bits set past prefix-len ", *prefix_len,
                         "; the prefix is ",
                         FormatIpv6Prefix(PrefixFirst(*prefix, static_cast<uint8_t>(*prefix_len)),
                                          static_cast<uint8_t>(*prefix_len))));
  }
  if (prefix_len && delegated_len && *delegated_len < *prefix_len) {
    d.Error(delegated_path, absl::StrCat("delegated-len (", *delegated_len,
                                         ") is shorter than prefix-len (", *prefix_len, ")"));
  }

  // RFC 6603: excluded-prefix/len names the prefix taken out of the pool's first delegated
  // prefix; the same bits are taken out of every delegated prefix.
  const Json* excluded_node = Find(node, "excluded-prefix");
  const Json* excluded_len_node = Find(node, "excluded-prefix-len");
  std::optional<Ip6> excluded;
  std::optional<uint32_t> excluded_len;
  const std::string excluded_path = Child(path, "excluded-prefix");
  const std::string excluded_len_path = Child(path, "excluded-prefix-len");
  if (excluded_node != nullptr) {
    excluded = ReadPrefixAddress(*excluded_node, excluded_path, "excluded-prefix-len", d);
  }
  if (excluded_len_node != nullptr) {
    excluded_len = ReadUint32(*excluded_len_node, excluded_len_path, d, 0, 128);
  }
  // Kea writes "excluded-prefix": "::", "excluded-prefix-len": 0 for none.
  const bool none = (excluded_len_node == nullptr || excluded_len == 0u) &&
                    (excluded_node == nullptr || excluded == Ip6{});
  if (!none && excluded_node != nullptr && excluded_len_node == nullptr) {
    d.Error(excluded_len_path, "missing required key (excluded-prefix needs a length)");
  } else if (!none && excluded_node == nullptr && excluded_len_node != nullptr) {
    d.Error(excluded_path, "missing required key (excluded-prefix-len needs a prefix)");
  } else if (!none && excluded && excluded_len && delegated_len) {
    const uint8_t len = static_cast<uint8_t>(*excluded_len);
    if (*excluded_len <= *delegated_len) {
      d.Error(excluded_len_path,
              absl::StrCat("excluded-prefix-len (", *excluded_len,
                           ") must be longer than delegated-len (", *delegated_len,
                           "): the excluded prefix lies inside a delegated prefix (RFC 6603)"));
    } else if (HasHostBits(*excluded, len)) {
      d.Error(excluded_path, absl::StrCat("'", FormatIpv6(*excluded),
                                          "' has bits set past excluded-prefix-len ", len));
    } else if (prefix && !InPrefix(*excluded, *prefix, static_cast<uint8_t>(*delegated_len))) {
      d.Error(excluded_path,
              absl::StrCat(FormatIpv6Prefix(*excluded, len),
                           " is not inside the pool's first delegated prefix ",
                           FormatIpv6Prefix(PrefixFirst(*prefix,
                                                        static_cast<uint8_t>(*delegated_len)),
                                            static_cast<uint8_t>(*delegated_len)),
                           " (the same bits are excluded from every delegated prefix)"));
    } else {
      pool.excluded_prefix = *excluded;
      pool.excluded_prefix_len = len;
    }
  }
  if (const Json* n = Find(node, "option-data")) {
    pool.options = ParseOption6DataList(*n, Child(path, "option-data"), d);
  }
  if (prefix && prefix_len) {
    const uint8_t len = static_cast<uint8_t>(*prefix_len);
    const Ip6 first = PrefixFirst(*prefix, len);
    ctx.pd_pools.push_back(RangeSite{ToUint128(first), ToUint128(PrefixLast(first, len)),
                                     prefix_path, FormatIpv6Prefix(first, len),
                                     ctx.pd_pools.size()});
  }
  if (d.errors().size() != errors_before || !prefix || !prefix_len || !delegated_len) {
    return std::nullopt;
  }
  pool.prefix = *prefix;
  pool.prefix_len = static_cast<uint8_t>(*prefix_len);
  pool.delegated_len = static_cast<uint8_t>(*delegated_len);
  const int bits = pool.delegated_len - pool.prefix_len;
  if (bits > kMaxPdBits) {
    pool.prefix_len = static_cast<uint8_t>(pool.delegated_len - kMaxPdBits);
    d.Warn(len_path, absl::StrCat(FormatIpv6Prefix(pool.prefix, static_cast<uint8_t>(*prefix_len)),
                                  " delegates 2^", bits, " /", pool.delegated_len,
                                  " prefixes; only the first 2^24 are used (",
                                  FormatIpv6Prefix(pool.prefix, pool.prefix_len), ")"));
  }
  pool.size = uint64_t{1} << (pool.delegated_len - pool.prefix_len);
  return pool;
}

// Pools (or pd-pools) may not overlap, within a subnet or across subnets.
void CheckOverlap(std::vector<RangeSite> sites, Diagnostics& d) {
  std::sort(sites.begin(), sites.end(), [](const RangeSite& a, const RangeSite& b) {
    return a.first != b.first ? a.first < b.first : a.order < b.order;
  });
  const RangeSite* reach = nullptr;  // the site reaching furthest so far
  for (const RangeSite& site : sites) {
    if (reach != nullptr && site.first <= reach->last) {
      const RangeSite& later = site.order > reach->order ? site : *reach;
      const RangeSite& earlier = site.order > reach->order ? *reach : site;
      d.Error(later.path, absl::StrCat(later.text, " overlaps ", earlier.path, " (", earlier.text,
                                       ")"));
    }
    if (reach == nullptr || site.last > reach->last) reach = &site;
  }
}

// ---------------------------------------------------------------- reservations

// Identifiers reserved in one scope (a subnet, or the global list): type + bytes -> path.
using IdentifiersSeen = std::map<std::pair<HostIdentifier, std::string>, std::string>;

constexpr std::pair<absl::string_view, HostIdentifier> kIdentifierKeys6[] = {
    {"duid", HostIdentifier::kDuid}, {"hw-address", HostIdentifier::kHwAddress}};

// A host reservation, in a subnet (`subnet` set) or in the global list. nullopt after an
// error, or for a flex-id reservation (warned: not supported for DHCPv6).
std::optional<Reservation6> ParseReservation6(const Json& node, const std::string& path,
                                              const std::optional<SubnetPrefix>& subnet,
                                              Dhcp6Context& ctx, IdentifiersSeen& seen,
                                              Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = {"duid", "hw-address", "flex-id", "ip-addresses", "prefixes", "hostname",
                   "option-data", "client-classes"},
  };
  // Taken before the key check: a reservation with an unknown key is dropped as it is,
  // without a second error about what it lacks.
  const size_t errors_before = d.errors().size();
  if (!CheckObject(node, path, kRules, d)) return std::nullopt;
  Reservation6 r;
  int identifiers = Find(node, "flex-id") != nullptr ? 1 : 0;
  for (const auto& [key, type] : kIdentifierKeys6) identifiers += Find(node, key) != nullptr;
  if (identifiers != 1) {
    d.Error(path, "needs exactly one of duid, hw-address or flex-id");
    return std::nullopt;
  }
  if (Find(node, "flex-id") != nullptr) {
    d.Warn(Child(path, "flex-id"),
           "ignored: flex-id reservations are not supported for DHCPv6; this reservation is "
           "not used");
    return std::nullopt;
  }
  for (const auto& [key, type] : kIdentifierKeys6) {
    const Json* n = Find(node, key);
    if (n == nullptr) continue;
    const std::string p = Child(path, key);
    std::optional<std::string> text = ReadString(*n, p, d);
    if (!text) return std::nullopt;
    absl::StatusOr<std::vector<uint8_t>> bytes =
        type == HostIdentifier::kHwAddress ? DecodeHex(*text) : DecodeIdentifier(*text);
    if (!bytes.ok()) {
      d.Error(p, bytes.status().message());
      return std::nullopt;
    }
    const size_t max = type == HostIdentifier::kHwAddress ? 16 : kMaxDuid;
    if (bytes->empty() || bytes->size() > max) {
      d.Error(p, absl::StrCat("a ", key, " has 1 to ", max, " bytes, got ", bytes->size()));
      return std::nullopt;
    }
    r.identifier_type = type;
    r.identifier = *std::move(bytes);
    auto [it, inserted] = seen.emplace(std::pair{type, BytesKey(r.identifier)}, p);
    if (!inserted) {
      d.Error(p, absl::StrCat("'", *text, "' is already reserved at ", it->second));
      return std::nullopt;
    }
  }
  if (const Json* n = Find(node, "ip-addresses")) {
    const std::string p = Child(path, "ip-addresses");
    if (ExpectArray(*n, p, d)) {
      for (size_t i = 0; i < n->size(); ++i) {
        const std::string at = Index(p, i);
        std::optional<Ip6> address = ReadIpv6((*n)[i], at, d);
        if (!address) continue;
        if (subnet && !InPrefix(*address, subnet->prefix, subnet->len)) {
          d.Error(at, absl::StrCat(FormatIpv6(*address), " is not inside the subnet ",
                                   Text(*subnet)));
          continue;
        }
        auto [it, inserted] = ctx.reserved_addresses.emplace(ToUint128(*address), at);
        if (!inserted) {
          d.Error(at, absl::StrCat(FormatIpv6(*address), " is already reserved at ",
                                   it->second));
          continue;
        }
        r.ip_addresses.push_back(*address);
      }
    }
  }
  if (const Json* n = Find(node, "prefixes")) {
    const std::string p = Child(path, "prefixes");
    if (ExpectArray(*n, p, d)) {
      for (size_t i = 0; i < n->size(); ++i) {
        const std::string at = Index(p, i);
        std::optional<std::string> text = ReadString((*n)[i], at, d);
        if (!text) continue;
        std::optional<Ipv6Prefix> prefix = ParseIpv6Prefix(*text);
        if (!prefix || prefix->len == 0) {
          d.Error(at, absl::StrCat("'", *text,
                                   "' is not a prefix (expected address/len, len 1..128)"));
          continue;
        }
        if (HasHostBits(prefix->address, prefix->len)) {
          d.Error(at, absl::StrCat("'", *text, "' has bits set past /", prefix->len,
                                   "; the prefix is ",
                                   FormatIpv6Prefix(PrefixFirst(prefix->address, prefix->len),
                                                    prefix->len)));
          continue;
        }
        auto [it, inserted] = ctx.reserved_prefixes.emplace(
            std::pair{ToUint128(prefix->address), prefix->len}, at);
        if (!inserted) {
          d.Error(at, absl::StrCat(*text, " is already reserved at ", it->second));
          continue;
        }
        r.prefixes.emplace_back(prefix->address, prefix->len);
      }
    }
  }
  if (const Json* n = Find(node, "hostname")) {
    const std::string p = Child(path, "hostname");
    if (std::optional<std::string> name = ReadString(*n, p, d)) {
      if (name->size() > 255) d.Error(p, "longer than 255 bytes");
      r.hostname = *std::move(name);
    }
  }
  if (const Json* n = Find(node, "option-data")) {
    r.options = ParseOption6DataList(*n, Child(path, "option-data"), d);
  }
  if (const Json* n = Find(node, "client-classes")) {
    const std::string p = Child(path, "client-classes");
    r.client_classes = ReadClassNames(*n, p, d);
    if (!r.client_classes.empty()) {
      d.Warn(p, "kept, not acted on: DHCPv6 client classes are not evaluated yet");
    }
  }
  if (d.errors().size() != errors_before) return std::nullopt;
  // Kea refuses a reservation that gives the client nothing.
  if (r.ip_addresses.empty() && r.prefixes.empty() && r.hostname.empty() &&
      Find(node, "option-data") == nullptr && r.client_classes.empty()) {
    d.Error(path, "reserves nothing: give ip-addresses, prefixes, hostname, option-data or "
                  "client-classes");
    return std::nullopt;
  }
  return r;
}

std::vector<Reservation6> ParseReservationList6(const Json& node, const std::string& path,
                                                const std::optional<SubnetPrefix>& subnet,
                                                Dhcp6Context& ctx, Diagnostics& d) {
  std::vector<Reservation6> out;
  if (!ExpectArray(node, path, d)) return out;
  IdentifiersSeen seen;
  for (size_t i = 0; i < node.size(); ++i) {
    if (std::optional<Reservation6> r =
            ParseReservation6(node[i], Index(path, i), subnet, ctx, seen, d)) {
      out.push_back(*std::move(r));
    }
  }
  return out;
}

// ---------------------------------------------------------------- subnets and networks

std::vector<Ip6> ParseRelay6(const Json& node, const std::string& path, Diagnostics& d) {
  static const KeyRules kRules = {.honoured = {"ip-addresses", "ip-address"}};
  std::vector<Ip6> addresses;
  if (!CheckObject(node, path, kRules, d)) return addresses;
  if (const Json* n = Find(node, "ip-addresses")) {
    const std::string p = Child(path, "ip-addresses");
    if (ExpectArray(*n, p, d)) {
      for (size_t i = 0; i < n->size(); ++i) {
        if (std::optional<Ip6> a = ReadIpv6((*n)[i], Index(p, i), d)) addresses.push_back(*a);
      }
    }
  }
  // Kea's older single `ip-address`, still read by Kea 2.2.
  if (const Json* n = Find(node, "ip-address")) {
    if (std::optional<Ip6> a = ReadIpv6(*n, Child(path, "ip-address"), d)) {
      addresses.push_back(*a);
    }
  }
  return addresses;
}

// What a subnet inherits from the level above it: the global level, or a shared network
// (whose own values already include the global ones).
struct NetworkParent6 {
  Params6 params;
  std::vector<OptionData6> options;  // the shared network's own option-data
  std::vector<Ip6> relay_addresses;
  std::string interface;
  std::vector<uint8_t> interface_id;
  int32_t shared_network = -1;
};

// `interface` and `interface-id` of one level: the first is for directly connected
// clients, the second for relayed ones; Kea refuses both on one subnet or network.
void ReadInterfaces(const Json& node, const std::string& path, std::string& interface,
                    std::vector<uint8_t>& interface_id, Diagnostics& d) {
  const Json* iface = Find(node, "interface");
  const Json* iface_id = Find(node, "interface-id");
  if (iface != nullptr) interface = ReadString(*iface, Child(path, "interface"), d).value_or("");
  if (iface_id != nullptr) {
    // Kea reads interface-id as text: its bytes are the relay's Interface-Id option data.
    const std::string text =
        ReadString(*iface_id, Child(path, "interface-id"), d).value_or("");
    interface_id.assign(text.begin(), text.end());
  }
  if (iface != nullptr && iface_id != nullptr && !interface.empty() && !interface_id.empty()) {
    d.Error(Child(path, "interface-id"),
            "cannot be combined with interface: interface selects the subnet for directly "
            "connected clients, interface-id for relayed ones");
  }
}

std::optional<Subnet6> ParseSubnet6(const Json& node, const std::string& path,
                                    Dhcp6Context& ctx, const NetworkParent6& parent,
                                    Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = WithParamKeys({"id", "subnet", "pools", "pd-pools", "option-data",
                                 "reservations", "interface", "interface-id", "relay",
                                 "rapid-commit", "client-class", "require-client-classes"}),
      .not_honoured = {"cache-threshold", "cache-max-age"},
      .not_honoured_prefixes = {"ddns-", "hostname-char-"},
  };
  if (!CheckObject(node, path, kRules, d)) return std::nullopt;
  const size_t errors_before = d.errors().size();
  WarnClasses(node, path, d);

  Subnet6 subnet;
  std::optional<SubnetPrefix> prefix;
  const std::string subnet_path = Child(path, "subnet");
  if (const Json* n = Find(node, "subnet")) {
    if (std::optional<std::string> text = ReadString(*n, subnet_path, d)) {
      std::optional<Ipv6Prefix> p = ParseIpv6Prefix(*text);
      if (!p || p->len == 0) {
        d.Error(subnet_path,
                absl::StrCat("'", *text, "' is not a prefix (expected address/len, len 1..128)"));
      } else if (HasHostBits(p->address, p->len)) {
        d.Error(subnet_path,
                absl::StrCat("'", *text, "' has host bits set; the network is ",
                             FormatIpv6Prefix(PrefixFirst(p->address, p->len), p->len)));
      } else if (auto [it, inserted] =
                     ctx.prefixes.emplace(std::pair{ToUint128(p->address), p->len}, subnet_path);
                 !inserted) {
        d.Error(subnet_path, absl::StrCat("'", *text, "' is already configured at ", it->second));
      } else {
        prefix = SubnetPrefix{p->address, p->len};
      }
    }
  } else {
    d.Error(subnet_path, "missing required key");
  }

  if (const Json* n = Find(node, "id")) {
    const std::string p = Child(path, "id");
    if (std::optional<uint32_t> v = ReadUint32(*n, p, d, 1, kMaxSubnetId)) {
      subnet.id = *v;
      auto [it, inserted] = ctx.subnet_ids.emplace(*v, path);
      if (!inserted) d.Error(p, absl::StrCat("subnet id ", *v, " is already used by ", it->second));
    }
  } else {
    d.Error(Child(path, "id"), "missing required key");
  }

  const Params6 own = ReadParams6(node, path, Scope::kSubnet, d);
  const Params6 effective = Inherit6(own, parent.params);
  Validate6(effective, Scope::kSubnet, d);

  if (const Json* n = Find(node, "pools")) {
    const std::string p = Child(path, "pools");
    if (ExpectArray(*n, p, d)) {
      for (size_t i = 0; i < n->size(); ++i) {
        if (std::optional<Pool6> pool = ParsePool6((*n)[i], Index(p, i), prefix, ctx, d)) {
          subnet.pools.push_back(*std::move(pool));
        }
      }
    }
  }
  if (const Json* n = Find(node, "pd-pools")) {
    const std::string p = Child(path, "pd-pools");
    if (ExpectArray(*n, p, d)) {
      for (size_t i = 0; i < n->size(); ++i) {
        if (std::optional<PdPool> pool = ParsePdPool((*n)[i], Index(p, i), ctx, d)) {
          subnet.pd_pools.push_back(*std::move(pool));
        }
      }
    }
  }
  std::vector<OptionData6> options;
  if (const Json* n = Find(node, "option-data")) {
    options = ParseOption6DataList(*n, Child(path, "option-data"), d);
  }
  subnet.relay_addresses = parent.relay_addresses;
  if (const Json* n = Find(node, "relay")) {
    subnet.relay_addresses = ParseRelay6(*n, Child(path, "relay"), d);
  }
  subnet.interface = parent.interface;
  subnet.interface_id = parent.interface_id;
  ReadInterfaces(node, path, subnet.interface, subnet.interface_id, d);
  if (const Json* n = Find(node, "reservations")) {
    subnet.reservations =
        ParseReservationList6(*n, Child(path, "reservations"), prefix, ctx, d);
  }

  if (!prefix || d.errors().size() != errors_before) return std::nullopt;
  subnet.prefix = prefix->prefix;
  subnet.prefix_len = prefix->len;
  subnet.options = MergeOptions6(std::move(options), parent.options);
  subnet.shared_network = parent.shared_network;
  Apply6(effective, subnet);
  return subnet;
}

void ParseSubnetList6(const Json& node, const std::string& path, Dhcp6Context& ctx,
                      const NetworkParent6& parent, std::vector<Subnet6>& out, Diagnostics& d) {
  if (!ExpectArray(node, path, d)) return;
  for (size_t i = 0; i < node.size(); ++i) {
    if (std::optional<Subnet6> s = ParseSubnet6(node[i], Index(path, i), ctx, parent, d)) {
      out.push_back(*std::move(s));
    }
  }
}

void ParseSharedNetwork6(const Json& node, const std::string& path, Dhcp6Context& ctx,
                         const NetworkParent6& global, Dhcp6Config& config,
                         std::map<std::string, std::string>& names, Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = WithParamKeys({"name", "subnet6", "option-data", "relay", "interface",
                                 "interface-id", "rapid-commit", "client-class",
                                 "require-client-classes"}),
      .not_honoured = {"cache-threshold", "cache-max-age"},
      .not_honoured_prefixes = {"ddns-", "hostname-char-"},
  };
  if (!CheckObject(node, path, kRules, d)) return;
  WarnClasses(node, path, d);
  SharedNetwork6 network;
  if (std::optional<std::string> name = ReadName(node, path, d)) {
    auto [it, inserted] = names.emplace(*name, path);
    if (!inserted) {
      d.Error(Child(path, "name"), absl::StrCat("'", *name, "' is already used by ", it->second));
    }
    network.name = *std::move(name);
  }
  NetworkParent6 parent;
  parent.shared_network = static_cast<int32_t>(config.shared_networks.size());
  parent.params = Inherit6(ReadParams6(node, path, Scope::kSharedNetwork, d), global.params);
  Validate6(parent.params, Scope::kSharedNetwork, d);
  if (const Json* n = Find(node, "option-data")) {
    parent.options = ParseOption6DataList(*n, Child(path, "option-data"), d);
  }
  if (const Json* n = Find(node, "relay")) {
    parent.relay_addresses = ParseRelay6(*n, Child(path, "relay"), d);
  }
  ReadInterfaces(node, path, parent.interface, parent.interface_id, d);
  network.interface = parent.interface;
  network.interface_id = parent.interface_id;
  network.relay_addresses = parent.relay_addresses;
  config.shared_networks.push_back(std::move(network));
  if (const Json* n = Find(node, "subnet6")) {
    ParseSubnetList6(*n, Child(path, "subnet6"), ctx, parent, config.subnets, d);
  }
}

// ---------------------------------------------------------------- global keys

std::vector<HostIdentifier> ParseHostIdentifiers6(const Json& node, const std::string& path,
                                                  Diagnostics& d) {
  std::vector<HostIdentifier> ids;
  if (!ExpectArray(node, path, d)) return ids;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string p = Index(path, i);
    std::optional<std::string> name = ReadString(node[i], p, d);
    if (!name) continue;
    if (*name == "flex-id") {
      d.Warn(p, "ignored: flex-id is not supported for DHCPv6");
      continue;
    }
    auto it = std::find_if(std::begin(kIdentifierKeys6), std::end(kIdentifierKeys6),
                           [&](const auto& k) { return k.first == *name; });
    if (it == std::end(kIdentifierKeys6)) {
      d.Error(p, absl::StrCat("'", *name, "' is not one of duid, hw-address, flex-id (the "
                                          "DHCPv6 host identifiers)"));
    } else if (std::find(ids.begin(), ids.end(), it->second) != ids.end()) {
      d.Error(p, absl::StrCat("'", *name, "' is listed twice"));
    } else {
      ids.push_back(it->second);
    }
  }
  return ids;
}

ServerId6 ParseServerId(const Json& node, const std::string& path, Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = {"type", "identifier", "enterprise-id", "time", "htype", "persist"},
  };
  ServerId6 id;
  if (!CheckObject(node, path, kRules, d)) return id;
  if (const Json* n = Find(node, "type")) {
    const std::string p = Child(path, "type");
    if (std::optional<std::string> type = ReadString(*n, p, d)) {
      if (*type == "LLT") {
        id.type = DuidType6::kLlt;
      } else if (*type == "EN") {
        id.type = DuidType6::kEn;
      } else if (*type == "LL") {
        id.type = DuidType6::kLl;
      } else {
        d.Error(p, absl::StrCat("'", *type, "' is not one of \"LLT\", \"EN\", \"LL\""));
        return id;
      }
    }
  }
  // Bytes of the DUID before the identifier: type, then htype + time (LLT), enterprise
  // number (EN) or htype (LL).
  const size_t header = id.type == DuidType6::kLlt ? 8 : id.type == DuidType6::kEn ? 6 : 4;
  if (const Json* n = Find(node, "identifier")) {
    const std::string p = Child(path, "identifier");
    if (std::optional<std::string> text = ReadString(*n, p, d)) {
      absl::StatusOr<std::vector<uint8_t>> bytes = DecodeHex(*text);
      if (!bytes.ok()) {
        d.Error(p, bytes.status().message());
      } else if (bytes->size() > kMaxDuid - header) {
        d.Error(p, absl::StrCat("the identifier is ", bytes->size(), " bytes; a DUID of this type "
                                "holds at most ", kMaxDuid - header));
      } else {
        id.identifier = *std::move(bytes);
      }
    }
  }
  // Each of the others belongs to some types only; Kea accepts and ignores the rest.
  const bool llt = id.type == DuidType6::kLlt;
  const bool en = id.type == DuidType6::kEn;
  auto used_by = [&](absl::string_view key, bool used, absl::string_view types) {
    if (Find(node, key) != nullptr && !used) {
      d.Warn(Child(path, key), absl::StrCat("ignored: only used by type ", types));
    }
    return used ? Find(node, key) : nullptr;
  };
  if (const Json* n = used_by("enterprise-id", en, "EN")) {
    id.enterprise_id = ReadUint32(*n, Child(path, "enterprise-id"), d).value_or(0);
  }
  if (const Json* n = used_by("time", llt, "LLT")) {
    id.time = ReadUint32(*n, Child(path, "time"), d).value_or(0);
  }
  if (const Json* n = used_by("htype", !en, "LLT or LL")) {
    id.htype = static_cast<uint16_t>(ReadUint32(*n, Child(path, "htype"), d, 0, 65535).value_or(1));
  }
  if (const Json* n = Find(node, "persist")) {
    id.persist = ReadBool(*n, Child(path, "persist"), d).value_or(true);
  }
  return id;
}

void ParseHooksLibraries6(const Json& node, const std::string& path, Diagnostics& d) {
  if (!ExpectArray(node, path, d)) return;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string p = Index(path, i);
    static const KeyRules kRules = {.honoured = {"library", "parameters"}};
    if (!CheckObject(node[i], p, kRules, d)) continue;
    const Json* lib = Find(node[i], "library");
    if (lib == nullptr) {
      d.Error(Child(p, "library"), "missing required key");
      continue;
    }
    std::optional<std::string> library = ReadString(*lib, Child(p, "library"), d);
    if (!library) continue;
    const std::string base = std::filesystem::path(*library).filename().string();
    if (absl::StartsWith(base, "libdhcp_lease_cmds") ||
        absl::StartsWith(base, "libdhcp_stat_cmds")) {
      continue;  // built in: the lease and statistics commands are always there
    }
    d.Warn(Child(p, "library"), absl::StrCat("'", base, "' is not built into fastlease; ignored"));
  }
}

void ParseExpiredLeasesProcessing6(const Json& node, const std::string& path, Dhcp6Config& out,
                                   Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = {"hold-reclaimed-time"},
      .not_honoured = {"max-reclaim-leases", "reclaim-timer-wait-time",
                       "flush-reclaimed-timer-wait-time", "max-reclaim-time",
                       "unwarned-reclaim-cycles"},
  };
  if (!CheckObject(node, path, kRules, d)) return;
  if (const Json* n = Find(node, "hold-reclaimed-time")) {
    if (auto v = ReadUint32(*n, Child(path, "hold-reclaimed-time"), d)) {
      out.hold_reclaimed_time = *v;
    }
  }
}

}  // namespace

Dhcp6Config ParseDhcp6(const Json& node, const std::string& path, Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = WithParamKeys({"subnet6", "shared-networks", "option-data", "reservations",
                                 "host-reservation-identifiers", "server-id",
                                 "decline-probation-period", "expired-leases-processing",
                                 "lease-database", "hooks-libraries", "control-socket"}),
      .not_honoured = {"interfaces-config", "loggers", "dhcp-ddns", "multi-threading",
                       "sanity-checks", "server-tag", "dhcp4o6-port",
                       "statistic-default-sample-count", "statistic-default-sample-age",
                       "dhcp-queue-control", "parked-packet-limit",
                       "early-global-reservations-lookup", "ip-reservations-unique",
                       "reservations-lookup-first", "compatibility", "config-control",
                       "hosts-database", "hosts-databases", "mac-sources",
                       "relay-supplied-options", "data-directory", "client-classes",
                       "option-def", "cache-threshold", "cache-max-age"},
      .not_honoured_prefixes = {"ddns-", "hostname-char-"},
  };
  Dhcp6Config config;
  config.enabled = true;
  if (!CheckObject(node, path, kRules, d)) return config;
  Dhcp6Context ctx;

  if (Find(node, "control-socket") != nullptr) {
    d.Warn(Child(path, "control-socket"),
           "ignored: fastlease-control has one command socket for DHCPv4 and DHCPv6, "
           "Dhcp4/control-socket (or the default)");
  }
  if (const Json* n = Find(node, "decline-probation-period")) {
    if (auto v = ReadUint32(*n, Child(path, "decline-probation-period"), d)) {
      config.decline_probation_period = *v;
    }
  }
  if (const Json* n = Find(node, "expired-leases-processing")) {
    ParseExpiredLeasesProcessing6(*n, Child(path, "expired-leases-processing"), config, d);
  }
  if (const Json* n = Find(node, "hooks-libraries")) {
    ParseHooksLibraries6(*n, Child(path, "hooks-libraries"), d);
  }
  if (const Json* n = Find(node, "host-reservation-identifiers")) {
    config.host_reservation_identifiers =
        ParseHostIdentifiers6(*n, Child(path, "host-reservation-identifiers"), d);
  }
  if (const Json* n = Find(node, "server-id")) {
    config.server_id = ParseServerId(*n, Child(path, "server-id"), d);
  }

  NetworkParent6 global;
  global.params = ReadParams6(node, path, Scope::kGlobal, d);
  Validate6(global.params, Scope::kGlobal, d);
  if (const Json* n = Find(node, "option-data")) {
    config.options = ParseOption6DataList(*n, Child(path, "option-data"), d);
    // The global preference option is the server's preference (Dhcp6Config::preference).
    auto preference = std::find_if(config.options.begin(), config.options.end(),
                                   [](const OptionData6& o) { return o.code == kPreferenceCode; });
    if (preference != config.options.end()) {
      config.preference = preference->data.size() == 1 ? preference->data[0] : 0;
      config.options.erase(preference);
    }
  }
  if (const Json* n = Find(node, "reservations")) {
    config.reservations =
        ParseReservationList6(*n, Child(path, "reservations"), std::nullopt, ctx, d);
  }
  if (const Json* n = Find(node, "shared-networks")) {
    const std::string p = Child(path, "shared-networks");
    if (ExpectArray(*n, p, d)) {
      std::map<std::string, std::string> names;
      for (size_t i = 0; i < n->size(); ++i) {
        ParseSharedNetwork6((*n)[i], Index(p, i), ctx, global, config, names, d);
      }
    }
  }
  if (const Json* n = Find(node, "subnet6")) {
    ParseSubnetList6(*n, Child(path, "subnet6"), ctx, global, config.subnets, d);
  }
  CheckOverlap(std::move(ctx.pools), d);
  CheckOverlap(std::move(ctx.pd_pools), d);
  return config;
}

}  // namespace fastlease::config::internal
