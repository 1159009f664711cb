// Reads a Kea `Dhcp6` `option-data` list into wire-ready OptionData6, reporting every bad
// entry (the v6 twin of option_data_parser.h).
#pragma once

#include <vector>

#include "absl/strings/string_view.h"
#include "control/config/config.h"
#include "control/config/internal/diagnostics.h"

namespace fastlease::config::internal {

// `node` is the list at `path` (e.g. "Dhcp6/subnet6[0]/option-data"). Each entry: "name"
// and/or "code" (1..65535; must agree), "space" (default "dhcp6"), "data", "csv-format"
// (default true), "always-send" (default false). Names and codes resolve through the
// standard definitions (option_catalog6.h) of the entry's space; an option without a
// definition is given by code with csv-format false and hex data. The result holds the
// options of space "dhcp6" only, each with its final payload:
//   - an option whose definition encapsulates a space (ntp-server, s46-cont-*) carries
//     its own data followed by the entries of that space *from this same list* (2-byte
//     code, 2-byte length, data each), recursively, in list order;
//   - vendor-opts (17) with data "<enterprise-id>" carries, per RFC 8415 §21.17, the
//     enterprise number and the entries of space "vendor-<enterprise-id>" from this same
//     list. Several 17 entries with distinct enterprise ids make one option 17 each. With
//     csv-format false, 4 bytes of hex are the enterprise id; longer hex is the whole
//     payload (enterprise number, then sub-options), verbatim;
//   - entries of other spaces are only sub-options; one that nothing in this list
//     encapsulates gets a warning and is not sent.
// Errors: an unknown name or space, a name/code mismatch, a server-managed or client-only
// option, data that does not fit the definition, the same code twice in a space (the same
// enterprise twice for 17), a payload over 65535 bytes. Entries with errors are left out.
std::vector<OptionData6> ParseOption6DataList(const Json& node, absl::string_view path,
                                              Diagnostics& d);

// `options` with each of `inherited` that `options` does not already have appended, in
// order. An option is identified by its code, and for vendor-opts (17) by its enterprise.
std::vector<OptionData6> MergeOptions6(std::vector<OptionData6> options,
                                       const std::vector<OptionData6>& inherited);

}  // namespace fastlease::config::internal
