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
  auto fixed_field = [&d](size_t max) {
    return [&d, max](const Json& n, const std::string& at) -> std::optional<std::string> {
      std::optional<std::string> v = ReadString(n, at, d);
      if (v && v->size() > max) {
        d.Error(at, absl::StrCat("longer than the ", max, "-byte BOOTP field"));
        return std::nullopt;
      }
      return v;
    };
  };
  ReadKey(node, "server-hostname", path, scope, p.server_hostname, fixed_field(63));
  ReadKey(node, "boot-file-name", path, scope, p.boot_file_name, fixed_field(127));
  ReadKey(node, "reservations-global", path, scope, p.reservations_global, boolean);
  ReadKey(node, "reservations-in-subnet", path, scope, p.reservations_in_subnet, boolean);
  ReadKey(node, "reservations-out-of-pool", path, scope, p.reservations_out_of_pool, boolean);
  // Kea's older `reservation-mode` sets the three flags; mixing both is an error there too.
  if (const Json* n = Find(node, "reservation-mode")) {
    const std::string at = Child(path, "reservation-mode");
    if (p.reservations_global || p.reservations_in_subnet || p.reservations_out_of_pool) {
      d.Error(at, "cannot be combined with reservations-global, -in-subnet or -out-of-pool");
    } else if (std::optional<std::string> mode = ReadString(*n, at, d)) {
      auto set = [&](bool global, bool in_subnet, bool out_of_pool) {
        p.reservations_global = Sourced<bool>{global, scope, at};
        p.reservations_in_subnet = Sourced<bool>{in_subnet, scope, at};
        p.reservations_out_of_pool = Sourced<bool>{out_of_pool, scope, at};
      };
      if (*mode == "all") {
        set(false, true, false);
      } else if (*mode == "out-of-pool") {
        set(false, true, true);
      } else if (*mode == "global") {
        set(true, false, false);
      } else if (*mode == "disabled") {
        set(false, false, false);
      } else {
        d.Error(at, absl::StrCat("'", *mode,
                                 "' is not one of \"all\", \"out-of-pool\", \"global\", \"disabled\""));
      }
    }
  }
  ReadKey(node, "cache-threshold", path, scope, p.cache_threshold,
          [&d](const Json& n, const std::string& at) -> std::optional<double> {
            std::optional<double> v = ReadDouble(n, at, d);
            if (v && !(*v > 0.0 && *v < 1.0)) {
              d.Error(at, absl::StrCat(*v, " must be greater than 0 and less than 1"));
              return std::nullopt;
            }
            return v;
          });
  ReadKey(node, "cache-max-age", path, scope, p.cache_max_age,
          [&d](const Json& n, const std::string& at) { return ReadUint32(n, at, d); });
  ReadKey(node, "store-extended-info", path, scope, p.store_extended_info, boolean);
  if (p.store_extended_info && p.store_extended_info->value) {
    // The 64-byte lease slot has no room for the relay's options yet.
    d.NotHonoured(p.store_extended_info->path);
  }
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
  p.server_hostname = Pick(own.server_hostname, parent.server_hostname);
  p.boot_file_name = Pick(own.boot_file_name, parent.boot_file_name);
  p.reservations_global = Pick(own.reservations_global, parent.reservations_global);
  p.reservations_in_subnet = Pick(own.reservations_in_subnet, parent.reservations_in_subnet);
  p.reservations_out_of_pool = Pick(own.reservations_out_of_pool, parent.reservations_out_of_pool);
  p.cache_threshold = Pick(own.cache_threshold, parent.cache_threshold);
  p.cache_max_age = Pick(own.cache_max_age, parent.cache_max_age);
  p.store_extended_info = Pick(own.store_extended_info, parent.store_extended_info);
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
  subnet.server_hostname = OrDefault(params.server_hostname, std::string()).value;
  subnet.boot_file_name = OrDefault(params.boot_file_name, std::string()).value;
  subnet.reservations_global = OrDefault(params.reservations_global, false).value;
  subnet.reservations_in_subnet = OrDefault(params.reservations_in_subnet, true).value;
  subnet.reservations_out_of_pool = OrDefault(params.reservations_out_of_pool, false).value;
  subnet.cache_threshold = OrDefault(params.cache_threshold, 0.0).value;
  subnet.cache_max_age = OrDefault(params.cache_max_age, 0u).value;
  subnet.store_extended_info = OrDefault(params.store_extended_info, false).value;
}

}  // namespace fastlease::config::internal
