// Reads a Kea `option-data` list into wire-ready OptionData, reporting every bad entry.
#pragma once

#include <vector>

#include "absl/strings/string_view.h"
#include "control/config/config.h"
#include "control/config/internal/diagnostics.h"
#include "control/config/internal/option_def_parser.h"

namespace fastlease::config::internal {

// `node` is the list at `path` (e.g. "Dhcp4/subnet4[0]/option-data"). Each entry:
// "name" and/or "code" (must agree), "space" (default "dhcp4"), "data", "csv-format"
// (default true), "always-send" (default false). Names and codes resolve through `defs`
// in the entry's space. The result holds the options of space "dhcp4" only, each with its
// final payload:
//   - an option whose definition encapsulates a space (43 encapsulates
//     "vendor-encapsulated-options-space") carries its own data followed by the entries of
//     that space *from this same list* (code, len, data each), recursively, in list order;
//   - vivso-suboptions (125) with data "<enterprise-id>" carries, per RFC 3925, the
//     enterprise number, a data-len byte and the entries of space "vendor-<enterprise-id>"
//     from this same list. Several 125 entries with distinct enterprise ids make one
//     option 125 with one block each (at the first entry's place; always-send if any is).
//     With csv-format false, 4 bytes of hex are the enterprise id; longer hex is taken as
//     complete RFC 3925 blocks, verbatim;
//   - entries of other spaces are only sub-options; one that nothing in this list
//     encapsulates gets a warning and is not sent (as in Kea, sub-options are assembled
//     per configuration level: a subnet's option 43 never takes global sub-options).
// Errors: an unknown name or space, a name/code mismatch, a server-managed or client-only
// option, data that does not fit the definition, the same code twice in a space, a
// sub-option over 255 bytes. Entries with errors are left out of the result.
std::vector<OptionData> ParseOptionDataList(const Json& node, absl::string_view path,
                                            const OptionDefs& defs, Diagnostics& d);

// The same with the standard definitions only.
std::vector<OptionData> ParseOptionDataList(const Json& node, absl::string_view path,
                                            Diagnostics& d);

// `options` with each of `inherited` whose code is not already there appended, in order.
std::vector<OptionData> MergeOptions(std::vector<OptionData> options,
                                     const std::vector<OptionData>& inherited);

}  // namespace fastlease::config::internal
