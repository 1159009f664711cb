#include "control/config/internal/diagnostics.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "control/config/internal/ip_text.h"

namespace fastlease::config::internal {

void KeyReport::Seen(const std::string& path) { file_order_.emplace(path, file_order_.size()); }

void KeyReport::Record(absl::string_view path, Verdict verdict, absl::string_view message) {
  auto it = index_.find(path);
  if (it == index_.end()) {
    index_.emplace(std::string(path), verdicts_.size());
    verdicts_.push_back(KeyVerdict{std::string(path), verdict, std::string(message)});
    return;
  }
  KeyVerdict& known = verdicts_[it->second];
  if (verdict > known.verdict) {
    known.verdict = verdict;
    known.message = std::string(message);
  } else if (verdict == known.verdict && !message.empty()) {
    known.message = known.message.empty() ? std::string(message)
                                          : absl::StrCat(known.message, "; ", message);
  }
}

std::vector<KeyVerdict> KeyReport::InFileOrder() const {
  // (position of the path or its nearest Seen ancestor, 0 if the path itself was Seen,
  // order recorded); -1 when no ancestor was Seen.
  std::vector<std::tuple<int64_t, int, size_t>> keys;
  keys.reserve(verdicts_.size());
  for (size_t i = 0; i < verdicts_.size(); ++i) {
    absl::string_view path = verdicts_[i].path;
    int64_t position = -1;
    int exact = 0;
    while (!path.empty()) {
      if (auto it = file_order_.find(path); it != file_order_.end()) {
        position = static_cast<int64_t>(it->second);
        break;
      }
      exact = 1;
      const size_t cut = path.find_last_of("/[");
      path = path.substr(0, cut == absl::string_view::npos ? 0 : cut);
    }
    keys.emplace_back(position, exact, i);
  }
  std::sort(keys.begin(), keys.end());
  std::vector<KeyVerdict> out;
  out.reserve(keys.size());
  for (const auto& key : keys) out.push_back(verdicts_[std::get<2>(key)]);
  return out;
}

void Diagnostics::Error(absl::string_view path, absl::string_view problem) {
  errors_.push_back(absl::StrCat(source_, ": ", path, ": ", problem));
  if (report_ != nullptr) report_->Record(path, Verdict::kRejected, problem);
}

void Diagnostics::Warn(absl::string_view path, absl::string_view problem) {
  warnings_.push_back(absl::StrCat(source_, ": ", path, ": ", problem));
  if (report_ != nullptr) report_->Record(path, Verdict::kIgnored, problem);
}

std::string Child(absl::string_view path, absl::string_view key) {
  if (path.empty()) return std::string(key);
  return absl::StrCat(path, "/", key);
}

std::string Index(absl::string_view path, size_t index) {
  return absl::StrCat(path, "[", index, "]");
}

namespace {

bool Contains(const std::vector<absl::string_view>& list, absl::string_view key) {
  for (absl::string_view k : list) {
    if (k == key) return true;
  }
  return false;
}

}  // namespace

bool CheckObject(const Json& node, absl::string_view path, const KeyRules& rules, Diagnostics& d) {
  if (!node.is_object()) {
    TypeError(node, path, "an object", d);
    return false;
  }
  for (const auto& [key, value] : node.items()) {
    if (key == "comment" || key == "user-context" || Contains(rules.honoured, key)) {
      if (d.report() != nullptr) d.report()->Record(Child(path, key), Verdict::kHonoured, "");
      continue;
    }
    bool ignored = Contains(rules.not_honoured, key);
    for (absl::string_view prefix : rules.not_honoured_prefixes) {
      ignored = ignored || absl::StartsWith(key, prefix);
    }
    if (ignored) {
      d.NotHonoured(Child(path, key));
    } else {
      d.Error(Child(path, key), "unknown key");
    }
  }
  return true;
}

const Json* Find(const Json& object, absl::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(std::string(key));
  return it == object.end() ? nullptr : &*it;
}

void TypeError(const Json& node, absl::string_view path, absl::string_view what, Diagnostics& d) {
  d.Error(path, absl::StrCat("expected ", what, ", got ", node.type_name()));
}

std::optional<uint32_t> ReadUint32(const Json& node, absl::string_view path, Diagnostics& d,
                                   uint64_t min, uint64_t max) {
  if (!node.is_number_integer()) {
    TypeError(node, path, "an integer", d);
    return std::nullopt;
  }
  const bool negative = node.is_number_unsigned() ? false : node.get<int64_t>() < 0;
  if (negative || node.get<uint64_t>() < min || node.get<uint64_t>() > max) {
    const std::string value =
        negative ? absl::StrCat(node.get<int64_t>()) : absl::StrCat(node.get<uint64_t>());
    d.Error(path, absl::StrCat(value, " is out of range ", min, "..", max));
    return std::nullopt;
  }
  return static_cast<uint32_t>(node.get<uint64_t>());
}

std::optional<int32_t> ReadInt32(const Json& node, absl::string_view path, Diagnostics& d,
                                 int32_t min, int32_t max) {
  if (!node.is_number_integer()) {
    TypeError(node, path, "an integer", d);
    return std::nullopt;
  }
  const bool huge = node.is_number_unsigned() && node.get<uint64_t>() > uint64_t(INT64_MAX);
  const int64_t v = huge ? INT64_MAX : node.get<int64_t>();
  if (huge || v < min || v > max) {
    const std::string value = huge ? absl::StrCat(node.get<uint64_t>()) : absl::StrCat(v);
    d.Error(path, absl::StrCat(value, " is out of range ", min, "..", max));
    return std::nullopt;
  }
  return static_cast<int32_t>(v);
}

std::optional<bool> ReadBool(const Json& node, absl::string_view path, Diagnostics& d) {
  if (!node.is_boolean()) {
    TypeError(node, path, "a boolean", d);
    return std::nullopt;
  }
  return node.get<bool>();
}

std::optional<double> ReadDouble(const Json& node, absl::string_view path, Diagnostics& d) {
  if (!node.is_number()) {
    TypeError(node, path, "a number", d);
    return std::nullopt;
  }
  return node.get<double>();
}

std::optional<std::string> ReadString(const Json& node, absl::string_view path, Diagnostics& d) {
  if (!node.is_string()) {
    TypeError(node, path, "a string", d);
    return std::nullopt;
  }
  return node.get<std::string>();
}

std::optional<uint32_t> ReadIpv4(const Json& node, absl::string_view path, Diagnostics& d) {
  std::optional<std::string> text = ReadString(node, path, d);
  if (!text) return std::nullopt;
  std::optional<uint32_t> address = ParseIpv4(*text);
  if (!address) d.Error(path, absl::StrCat("'", *text, "' is not an IPv4 address"));
  return address;
}

bool ExpectArray(const Json& node, absl::string_view path, Diagnostics& d) {
  if (node.is_array()) return true;
  TypeError(node, path, "an array", d);
  return false;
}

}  // namespace fastlease::config::internal
