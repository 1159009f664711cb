#include "control/config/config_check.h"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "absl/strings/str_cat.h"
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
  auto unreadable = [&path](absl::string_view why) {
    return absl::NotFoundError(absl::StrCat("cannot read config file '", path, "': ", why));
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return unreadable("is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return unreadable(std::error_code(errno, std::generic_category()).message());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return unreadable(std::error_code(errno, std::generic_category()).message());
  return CheckConfigText(text, std::filesystem::path(path).filename().string());
}

}  // namespace fastlease::config
