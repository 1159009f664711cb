#include "control/config/internal/network_params.h"

#include "absl/strings/str_cat.h"

namespace fastlease::config::internal {
namespace {

// Kea 2.2 defaults for DHCPv4.
constexpr uint32_t kDefaultValidLifetime = 7200;
constexpr double kDefaultT1Percent = 0.5;
constexpr double kDefaultT2Percent = 0.875;

template <typename T, typename ReadFn>
void ReadKey(const Json& node, absl::string_view key, absl::string_view path, Scope scope,
             std::optional<Sourced<T>>& field, ReadFn read) {
  const Json* n = Find(node, key);
  if (n == nullptr) return;
  std::string p = Child(path, key);
  std::optional<T> value = read(*n, p);
  if (value) field = Sourced<T>{*value, scope, std::move(p)};
}

template <typename T>
std::optional<Sourced<T>> Pick(const std::optional<Sourced<T>>& own,
                               const std::optional<Sourced<T>>& parent) {
  return own ? own : parent;
}

template <typename T>
Sourced<T> OrDefault(const std::optional<Sourced<T>>& v, T fallback) {
  return v ? *v : Sourced<T>{fallback, Scope::kDefault, ""};
}

// ", from Dhcp4/valid-lifetime", ", default" or "" for a value set at `scope`.
template <typename T>
std::string Origin(const Sourced<T>& v, Scope scope) {
  if (v.scope == scope) return "";
  if (v.scope == Scope::kDefault) return ", default";
  return absl::StrCat(", from ", v.path);
}

// Reports `problem` at the path of whichever of `a`, `b` belongs to `scope`, if any.
template <typename A, typename B>
void ReportPair(const Sourced<A>& a, absl::string_view a_name, const Sourced<B>& b,
                absl::string_view b_name, absl::string_view relation, Scope scope, Diagnostics& d) {
  if (a.scope != scope && b.scope != scope) return;
  const std::string& path = a.scope == scope ? a.path : b.path;
  d.Error(path, absl::StrCat(a_name, " (", a.value, Origin(a, scope), ") ", relation, " ", b_name,
                             " (", b.value, Origin(b, scope), ")"));
}

}  // namespace

NetworkParams ReadNetworkParams(const Json& node, absl::string_view path, Scope scope,
                                Diagnostics& d) {
  NetworkParams p;
  auto lifetime = [&d](const Json& n, const std::string& at) { return ReadUint32(n, at, d, 1); };
  auto boolean = [&d](const Json& n, const std::string& at) { return ReadBool(n, at, d); };
  auto percent = [&d](const Json& n, const std::string& at) -> std::optional<double> {
    std::optional<double> v = ReadDouble(n, at, d);
    if (v && !(*v > 0.0 && *v < 1.0)) {
      d.Error(at, absl::StrCat(*v, " must be greater than 0 and less than 1"));
      return std::nullopt;
    }
    return v;
  };
  ReadKey(node, "valid-lifetime", path, scope, p.valid_lifetime, lifetime);
  ReadKey(node, "min-valid-lifetime", path, scope, p.min_valid_lifetime, lifetime);
  ReadKey(node, "max-valid-lifetime", path, scope, p.max_valid_lifetime, lifetime);
  ReadKey(node, "renew-timer", path, scope, p.renew_timer, lifetime);
  ReadKey(node, "rebind-timer", path, scope, p.rebind_timer, lifetime);
  ReadKey(node, "calculate-tee-times", path, scope, p.calculate_tee_times, boolean);
  ReadKey(node, "t1-percent", path, scope, p.t1_percent, percent);
  ReadKey(node, "t2-percent", path, scope, p.t2_percent, percent);
  ReadKey(node, "match-client-id", path, scope, p.match_client_id, boolean);
  ReadKey(node, "authoritative", path, scope, p.authoritative, boolean);
  ReadKey(node, "next-server", path, scope, p.next_server,
          [&d](const Json& n, const std::string& at) { return ReadIpv4(n, at, d); });
  return p;
}

NetworkParams Inherit(const NetworkParams& own, const NetworkParams& parent) {
  NetworkParams p;
  p.valid_lifetime = Pick(own.valid_lifetime, parent.valid_lifetime);
  p.min_valid_lifetime = Pick(own.min_valid_lifetime, parent.min_valid_lifetime);
  p.max_valid_lifetime = Pick(own.max_valid_lifetime, parent.max_valid_lifetime);
  p.renew_timer = Pick(own.renew_timer, parent.renew_timer);
  p.rebind_timer = Pick(own.rebind_timer, parent.rebind_timer);
  p.calculate_tee_times = Pick(own.calculate_tee_times, parent.calculate_tee_times);
  p.t1_percent = Pick(own.t1_percent, parent.t1_percent);
  p.t2_percent = Pick(own.t2_percent, parent.t2_percent);
  p.match_client_id = Pick(own.match_client_id, parent.match_client_id);
  p.authoritative = Pick(own.authoritative, parent.authoritative);
  p.next_server = Pick(own.next_server, parent.next_server);
  return p;
}

void ValidateNetworkParams(const NetworkParams& params, Scope scope, Diagnostics& d) {
  const Sourced<uint32_t> valid = OrDefault(params.valid_lifetime, kDefaultValidLifetime);
  if (params.renew_timer && params.rebind_timer &&
      params.renew_timer->value > params.rebind_timer->value) {
    ReportPair(*params.renew_timer, "renew-timer", *params.rebind_timer, "rebind-timer",
               "is greater than", scope, d);
  }
  if (params.rebind_timer && params.rebind_timer->value > valid.value) {
    ReportPair(*params.rebind_timer, "rebind-timer", valid, "valid-lifetime", "is greater than",
               scope, d);
  } else if (!params.rebind_timer && params.renew_timer &&
             params.renew_timer->value > valid.value) {
    ReportPair(*params.renew_timer, "renew-timer", valid, "valid-lifetime", "is greater than",
               scope, d);
  }
  if (params.min_valid_lifetime && params.min_valid_lifetime->value > valid.value) {
    ReportPair(*params.min_valid_lifetime, "min-valid-lifetime", valid, "valid-lifetime",
               "is greater than", scope, d);
  }
  if (params.max_valid_lifetime && params.max_valid_lifetime->value < valid.value) {
    ReportPair(*params.max_valid_lifetime, "max-valid-lifetime", valid, "valid-lifetime",
               "is less than", scope, d);
  }
  const Sourced<double> t1 = OrDefault(params.t1_percent, kDefaultT1Percent);
  const Sourced<double> t2 = OrDefault(params.t2_percent, kDefaultT2Percent);
  if (t1.value >= t2.value) {
    ReportPair(t1, "t1-percent", t2, "t2-percent", "is not less than", scope, d);
  }
}

void ApplyNetworkParams(const NetworkParams& params, Subnet4& subnet) {
  subnet.valid_lifetime = OrDefault(params.valid_lifetime, kDefaultValidLifetime).value;
  subnet.min_valid_lifetime = OrDefault(params.min_valid_lifetime, subnet.valid_lifetime).value;
  subnet.max_valid_lifetime = OrDefault(params.max_valid_lifetime, subnet.valid_lifetime).value;
  subnet.renew_timer = OrDefault(params.renew_timer, 0u).value;
  subnet.rebind_timer = OrDefault(params.rebind_timer, 0u).value;
  subnet.calculate_tee_times = OrDefault(params.calculate_tee_times, false).value;
  subnet.t1_percent = OrDefault(params.t1_percent, kDefaultT1Percent).value;
  subnet.t2_percent = OrDefault(params.t2_percent, kDefaultT2Percent).value;
  subnet.match_client_id = OrDefault(params.match_client_id, true).value;
  subnet.authoritative = OrDefault(params.authoritative, false).value;
  subnet.next_server = OrDefault(params.next_server, 0u).value;
}

}  // namespace fastlease::config::internal
