// What the config loader does with every key of a config file, for
// `fastlease config check`: honoured, accepted but ignored (a warning), or rejected
// (an error), each with its JSON path.
//
//   absl::StatusOr<config::ConfigCheck> c = config::CheckConfigFile("kea-dhcp4.conf");
//   for (const config::KeyVerdict& k : c->keys)
//     std::cout << k.path << " " << config::VerdictName(k.verdict) << " " << k.message;
//   // Dhcp4/valid-lifetime honoured
//   // Dhcp4/loggers ignored accepted but not honoured yet
//   // Dhcp4/subnet4[0]/frobnicate rejected unknown key
//   c->ok == LoadConfigFile("kea-dhcp4.conf").ok()
//
// The check runs the loader itself (ParseConfig), so its verdicts are the loader's.
// Paths are the loader's: "Dhcp4/subnet4[3]/pools[0]/pool",
// "Dhcp6/subnet6[0]/pd-pools[1]/excluded-prefix". Besides keys, the report
// holds every error and warning at its path, which may be an array element
// ("Dhcp4/subnet4[0]"), a key that is missing ("Dhcp4/subnet4[0]/id") or a place in the
// text ("line 3", "byte 120"). The contents of an ignored key are not checked and not
// listed. Pure; allocates; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace fastlease::config {

enum class Verdict {
  kHonoured,  // read and acted on (also `comment` and `user-context`, accepted anywhere)
  kIgnored,   // accepted with a warning: fastlease does not act on it (yet)
  kRejected,  // an error: the config would not load
};

// "honoured", "ignored", "rejected".
std::string_view VerdictName(Verdict verdict);

struct KeyVerdict {
  std::string path;
  Verdict verdict = Verdict::kHonoured;
  std::string message;  // the warning or error(s) at this path; empty when honoured
};

struct ConfigCheck {
  std::vector<KeyVerdict> keys;       // in file order
  std::vector<std::string> errors;    // as the loader reports them: "SOURCE: PATH: problem"
  std::vector<std::string> warnings;  // likewise
  bool ok = false;                    // the config would load (no errors)
};

// Checks config text; `source` names it in errors and warnings.
ConfigCheck CheckConfigText(std::string_view json_text, std::string_view source);

// Reads and checks a file, named by its file name as LoadConfigFile names it.
// kNotFound when the file cannot be read.
absl::StatusOr<ConfigCheck> CheckConfigFile(const std::string& path);

}  // namespace fastlease::config
