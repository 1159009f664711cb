#include "control/config/internal/entry_readers.h"

#include <utility>

#include "control/config/internal/string_view.h"
#include "control/config/option_catalog.h"

namespace fastlease::config::internal {

std::optional<std::string> ReadName(const Json& node, const std::string& path, Diagnostics& d) {
  const std::string p = Child(path, "name");
  const Json* n = Find(node, "name");
  if (n == nullptr) {
    d.Error(p, "missing required key");
    return std::nullopt;
  }
  std::optional<std::string> name = ReadString(*n, p, d);
  if (name && name->empty()) {
    d.Error(p, "must not be empty");
    return std::nullopt;
  }
  return name;
}

std::vector<std::string> ReadClassNames(const Json& node, const std::string& path,
                                        Diagnostics& d) {
  std::vector<std::string> names;
  if (!ExpectArray(node, path, d)) return names;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string p = Index(path, i);
    if (std::optional<std::string> name = ReadString(node[i], p, d)) {
      if (name->empty()) {
        d.Error(p, "a class name must not be empty");
      } else {
        names.push_back(*std::move(name));
      }
    }
  }
  return names;
}

absl::StatusOr<std::vector<uint8_t>> DecodeIdentifier(absl::string_view text) {
  if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'') {
    absl::string_view inner = text.substr(1, text.size() - 2);
    return std::vector<uint8_t>(inner.begin(), inner.end());
  }
  return DecodeHex(ToStd(text));
}

std::string BytesKey(const std::vector<uint8_t>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace fastlease::config::internal
