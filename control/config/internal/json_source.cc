#include "control/config/internal/json_source.h"

#include <optional>
#include <set>
#include <utility>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace fastlease::config::internal {
namespace {

// Kea's parser reads `#`, `//` and `/* */` comments and ignores a comma before `}` or
// `]` (with a warning). Both are blanked to spaces here, newlines kept, so nlohmann sees
// plain JSON and its byte, line and column positions still match the file.
std::string BlankKeaExtensions(absl::string_view text, Diagnostics& d) {
  std::string out(text);
  bool in_string = false;
  size_t line = 1;
  std::optional<std::pair<size_t, size_t>> last_comma;  // position, line
  for (size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    const char next = i + 1 < out.size() ? out[i + 1] : '\0';
    if (c == '\n') ++line;
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '#' || (c == '/' && next == '/')) {
      while (i < out.size() && out[i] != '\n') out[i++] = ' ';
      --i;  // the newline is counted by the loop
    } else if (c == '/' && next == '*') {
      const size_t comment_line = line;
      out[i] = out[i + 1] = ' ';
      for (i += 2; i < out.size() && !(out[i] == '*' && i + 1 < out.size() && out[i + 1] == '/');
           ++i) {
        if (out[i] == '\n') {
          ++line;
        } else {
          out[i] = ' ';
        }
      }
      if (i < out.size()) {
        out[i] = out[i + 1] = ' ';
        ++i;
      } else {
        d.Error(absl::StrCat("line ", comment_line), "unterminated /* comment");
      }
    } else if (c == ',') {
      last_comma = {i, line};
    } else if ((c == '}' || c == ']') && last_comma) {
      // Trailing comma: the last comma seen had only blanks between it and here.
      const auto [pos, comma_line] = *last_comma;
      if (out.find_first_not_of(" \t\r\n", pos + 1) == i) {
        out[pos] = ' ';
        d.Warn(absl::StrCat("line ", comma_line), "extra comma ignored");
      }
    }
  }
  return out;
}

// Follows the parser's events to know the JSON path of each key.
class DuplicateKeyFinder {
 public:
  explicit DuplicateKeyFinder(Diagnostics& d) : d_(d) {}

  void OnEvent(Json::parse_event_t event, const Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        frames_.push_back(Frame{true, PathOfNext(), {}, {}, 0});
        SeenInReport(frames_.back().path);
        break;
      case Json::parse_event_t::array_start:
        frames_.push_back(Frame{false, PathOfNext(), {}, {}, 0});
        SeenInReport(frames_.back().path);
        break;
      case Json::parse_event_t::key: {
        Frame& f = frames_.back();
        f.key = parsed.get<std::string>();
        if (!f.keys.insert(f.key).second) {
          d_.Error(Child(f.path, f.key), "duplicate key");
        }
        if (d_.report() != nullptr) d_.report()->Seen(Child(f.path, f.key));
        break;
      }
      case Json::parse_event_t::value:
        if (d_.report() != nullptr && !frames_.empty() && !frames_.back().is_object) {
          d_.report()->Seen(PathOfNext());
        }
        AfterValue();
        break;
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        if (!frames_.empty()) frames_.pop_back();
        AfterValue();
        break;
    }
  }

 private:
  struct Frame {
    bool is_object;
    std::string path;
    std::set<std::string> keys;
    std::string key;  // objects: the key being read
    size_t index;     // arrays: the element being read
  };

  std::string PathOfNext() const {
    if (frames_.empty()) return "";
    const Frame& f = frames_.back();
    return f.is_object ? Child(f.path, f.key) : Index(f.path, f.index);
  }

  // Tells d's KeyReport, if any, the file order of paths.
  void SeenInReport(const std::string& path) {
    if (d_.report() != nullptr) d_.report()->Seen(path);
  }

  void AfterValue() {
    if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().index;
  }

  Diagnostics& d_;
  std::vector<Frame> frames_;
};

}  // namespace

std::optional<Json> ParseJsonText(absl::string_view text, Diagnostics& d) {
  const std::string cleaned = BlankKeaExtensions(text, d);
  DuplicateKeyFinder finder(d);
  try {
    return Json::parse(
        cleaned,
        [&finder](int /*depth*/, Json::parse_event_t event, Json& parsed) {
          finder.OnEvent(event, parsed);
          return true;
        },
        /*allow_exceptions=*/true, /*ignore_comments=*/false);
  } catch (const Json::parse_error& e) {
    d.Error(absl::StrCat("byte ", e.byte), e.what());
  } catch (const Json::exception& e) {
    d.Error("(json)", e.what());
  }
  return std::nullopt;
}

}  // namespace fastlease::config::internal
