// Collects a config file's errors and warnings with their JSON paths, and reads typed
// values out of nlohmann::json nodes, reporting wrong types and ranges instead of
// throwing. Used by the parsers in control/config only; single-threaded.
//
//   Diagnostics d("fastlease.json");
//   std::optional<uint32_t> v = ReadUint32(node, "Dhcp4/valid-lifetime", d, 1, kMax);
//   d.Error(path, "problem") -> "fastlease.json: Dhcp4/valid-lifetime: problem"
//
// With a KeyReport attached (`fastlease config check`), every key CheckObject sees and
// every error and warning is also recorded per JSON path.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "control/config/config_check.h"
#include "nlohmann/json.hpp"

namespace fastlease::config::internal {

using Json = nlohmann::json;

// One KeyVerdict per JSON path. A path reported twice keeps the stronger verdict
// (rejected > ignored > honoured) and the message that came with it; messages of equal
// strength are joined with "; ".
class KeyReport {
 public:
  // The parser met `path` (a key or an array element); called in file order, so the
  // report can be sorted as the file reads.
  void Seen(const std::string& path);
  void Record(absl::string_view path, Verdict verdict, absl::string_view message);

  // The verdicts in file order: a path after its nearest ancestor that was Seen (a
  // missing key after its object), paths with no Seen ancestor ("line 3") first, ties
  // in the order recorded.
  std::vector<KeyVerdict> InFileOrder() const;

 private:
  std::vector<KeyVerdict> verdicts_;
  std::map<std::string, size_t, std::less<>> index_;       // path -> verdicts_ index
  std::map<std::string, size_t, std::less<>> file_order_;  // path -> order first Seen
};

class Diagnostics {
 public:
  explicit Diagnostics(absl::string_view source, KeyReport* report = nullptr)
      : source_(source), report_(report) {}

  void Error(absl::string_view path, absl::string_view problem);
  void Warn(absl::string_view path, absl::string_view problem);
  // The standard warning for a key we accept and ignore.
  void NotHonoured(absl::string_view path) { Warn(path, "accepted but not honoured yet"); }

  const std::vector<std::string>& errors() const { return errors_; }
  std::vector<std::string>& warnings() { return warnings_; }
  const std::string& source() const { return source_; }
  // nullptr unless a report was attached; not owned.
  KeyReport* report() const { return report_; }

 private:
  std::string source_;
  KeyReport* report_;
  std::vector<std::string> errors_;
  std::vector<std::string> warnings_;
};

// "Dhcp4" + "subnet4" -> "Dhcp4/subnet4"; "Dhcp4/subnet4" + 3 -> "Dhcp4/subnet4[3]".
std::string Child(absl::string_view path, absl::string_view key);
std::string Index(absl::string_view path, size_t index);

// How the keys of one JSON object are treated. `comment` and `user-context` are always
// accepted silently (honoured in a KeyReport), as Kea allows them at every level.
struct KeyRules {
  std::vector<absl::string_view> honoured;
  std::vector<absl::string_view> not_honoured;           // a warning per key present
  std::vector<absl::string_view> not_honoured_prefixes;  // e.g. "ddns-"
};

// Errors on each key that is neither honoured nor known-but-ignored and warns on
// each ignored one; records each honoured key in d's report, if any. Returns false (after an error) when `node` is not an object.
bool CheckObject(const Json& node, absl::string_view path, const KeyRules& rules, Diagnostics& d);

// `node[key]` or nullptr.
const Json* Find(const Json& object, absl::string_view key);

// Typed reads: nullopt after reporting an error at `path`.
std::optional<uint32_t> ReadUint32(const Json& node, absl::string_view path, Diagnostics& d,
                                   uint64_t min = 0, uint64_t max = 0xffffffffu);
std::optional<int32_t> ReadInt32(const Json& node, absl::string_view path, Diagnostics& d,
                                 int32_t min, int32_t max);
std::optional<bool> ReadBool(const Json& node, absl::string_view path, Diagnostics& d);
std::optional<double> ReadDouble(const Json& node, absl::string_view path, Diagnostics& d);
std::optional<std::string> ReadString(const Json& node, absl::string_view path, Diagnostics& d);
std::optional<uint32_t> ReadIpv4(const Json& node, absl::string_view path, Diagnostics& d);
// True when `node` is an array; reports "expected an array, got ..." otherwise.
bool ExpectArray(const Json& node, absl::string_view path, Diagnostics& d);

// "expected <what>, got <json type>".
void TypeError(const Json& node, absl::string_view path, absl::string_view what, Diagnostics& d);

}  // namespace fastlease::config::internal
