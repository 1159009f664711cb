#include "control/config/config_check.h"

#include <filesystem>

#include "control/config/internal/diagnostics.h"
#include "control/config/internal/parse_config.h"
#include "control/config/internal/string_view.h"

namespace fastlease::config {

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kHonoured:
      return "honoured";
    case Verdict::kIgnored:
      return "ignored";
    case Verdict::kRejected:
      return "rejected";
  }
  return "?";
}

ConfigCheck CheckConfigText(std::string_view json_text, std::string_view source) {
  internal::KeyReport report;
  internal::Diagnostics d(internal::ToAbsl(source), &report);
  const absl::StatusOr<Config> config = internal::ParseConfigWith(json_text, d);
  ConfigCheck check;
  check.keys = report.InFileOrder();
  check.errors = d.errors();
  check.warnings = d.warnings();
  check.ok = config.ok();
  return check;
}

absl::StatusOr<ConfigCheck> CheckConfigFile(const std::string& path) {
  absl::StatusOr<std::string> text = internal::ReadConfigText(path);
  if (!text.ok()) return text.status();
  return CheckConfigText(*text, std::filesystem::path(path).filename().string());
}

}  // namespace fastlease::config
