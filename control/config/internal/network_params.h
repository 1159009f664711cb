// The parameters Kea lets both the global level and a subnet set, with the place each
// value came from, so inherited values can be resolved and cross-checked once.
#pragma once

#include <optional>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "control/config/config.h"
#include "control/config/internal/diagnostics.h"

namespace fastlease::config::internal {

// Where a value was set. Cross-field problems are reported at the most specific level
// involved, so a bad global pair is reported once, not once per subnet.
enum class Scope : uint8_t { kDefault, kGlobal, kSharedNetwork, kSubnet };

template <typename T>
struct Sourced {
  T value{};
  Scope scope = Scope::kDefault;
  std::string path;  // JSON path of the key; empty for a default
};

struct NetworkParams {
  std::optional<Sourced<uint32_t>> valid_lifetime;
  std::optional<Sourced<uint32_t>> min_valid_lifetime;
  std::optional<Sourced<uint32_t>> max_valid_lifetime;
  std::optional<Sourced<uint32_t>> renew_timer;
  std::optional<Sourced<uint32_t>> rebind_timer;
  std::optional<Sourced<bool>> calculate_tee_times;
  std::optional<Sourced<double>> t1_percent;
  std::optional<Sourced<double>> t2_percent;
  std::optional<Sourced<bool>> match_client_id;
  std::optional<Sourced<bool>> authoritative;
  std::optional<Sourced<uint32_t>> next_server;
  std::optional<Sourced<std::string>> server_hostname;
  std::optional<Sourced<std::string>> boot_file_name;
  std::optional<Sourced<bool>> reservations_global;
  std::optional<Sourced<bool>> reservations_in_subnet;
  std::optional<Sourced<bool>> reservations_out_of_pool;
  std::optional<Sourced<double>> cache_threshold;
  std::optional<Sourced<uint32_t>> cache_max_age;
  std::optional<Sourced<bool>> store_extended_info;
};

// The keys ReadNetworkParams reads, for KeyRules::honoured lists.
inline constexpr absl::string_view kNetworkParamKeys[] = {
    "valid-lifetime",  "min-valid-lifetime",  "max-valid-lifetime", "renew-timer",
    "rebind-timer",    "calculate-tee-times", "t1-percent",         "t2-percent",
    "match-client-id", "authoritative",       "next-server",        "server-hostname",
    "boot-file-name",  "reservation-mode",    "reservations-global", "reservations-in-subnet",
    "reservations-out-of-pool", "cache-threshold", "cache-max-age", "store-extended-info",
};

// Reads the keys above from the object `node` at `path`; single-field ranges checked.
NetworkParams ReadNetworkParams(const Json& node, absl::string_view path, Scope scope,
                                Diagnostics& d);

// Each field of `own` if set, else of `parent`.
NetworkParams Inherit(const NetworkParams& own, const NetworkParams& parent);

// Kea's cross-field rules over effective values (defaults filled in):
// renew-timer <= rebind-timer <= valid-lifetime, min <= valid <= max (min and max
// default to valid), t1-percent < t2-percent. Only problems involving a value set at
// `scope` are reported.
void ValidateNetworkParams(const NetworkParams& params, Scope scope, Diagnostics& d);

// Fills the lifetime, timer and flag fields of `subnet` from effective values.
void ApplyNetworkParams(const NetworkParams& params, Subnet4& subnet);

}  // namespace fastlease::config::internal
