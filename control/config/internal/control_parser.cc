#include "control/config/internal/control_parser.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"

namespace fastlease::config::internal {
namespace {

bool IsIpLiteral(const std::string& text) {
  in6_addr v6{};
  in_addr v4{};
  return inet_pton(AF_INET, text.c_str(), &v4) == 1 ||
         inet_pton(AF_INET6, text.c_str(), &v6) == 1;
}

// A non-empty path string; nullopt after an error.
std::optional<std::string> ReadPath(const Json& node, const std::string& path, Diagnostics& d) {
  std::optional<std::string> v = ReadString(node, path, d);
  if (!v) return std::nullopt;
  if (v->empty()) {
    d.Error(path, "must not be empty");
    return std::nullopt;
  }
  if (v->find('\0') != std::string::npos) {
    d.Error(path, "must not contain a NUL byte");
    return std::nullopt;
  }
  return v;
}

void ParsePrometheus(const Json& node, const std::string& path, PrometheusConfig& out,
                     Diagnostics& d) {
  static const KeyRules kRules = {.honoured = {"enabled", "address", "port"}};
  if (!CheckObject(node, path, kRules, d)) return;
  if (const Json* n = Find(node, "enabled")) {
    if (std::optional<bool> v = ReadBool(*n, Child(path, "enabled"), d)) out.enabled = *v;
  }
  if (const Json* n = Find(node, "address")) {
    const std::string p = Child(path, "address");
    if (std::optional<std::string> v = ReadString(*n, p, d)) {
      if (IsIpLiteral(*v)) {
        out.address = *std::move(v);
      } else {
        d.Error(p, absl::StrCat("'", *v, "' is not an IPv4 or IPv6 address"));
      }
    }
  }
  if (const Json* n = Find(node, "port")) {
    if (std::optional<uint32_t> v = ReadUint32(*n, Child(path, "port"), d, 1, 65535)) {
      out.port = static_cast<uint16_t>(*v);
    }
  }
}

}  // namespace

void ParseControl(const Json& node, absl::string_view path, ControlConfig& out, Diagnostics& d) {
  static const KeyRules kRules = {
      .honoured = {"max-command-size", "command-timeout-ms", "lease-event-log", "prometheus"},
  };
  if (!CheckObject(node, path, kRules, d)) return;
  if (const Json* n = Find(node, "max-command-size")) {
    if (std::optional<uint32_t> v = ReadUint32(*n, Child(path, "max-command-size"), d,
                                               kMinCommandSize, kMaxCommandSizeLimit)) {
      out.max_command_size = *v;
    }
  }
  if (const Json* n = Find(node, "command-timeout-ms")) {
    // An hour is far beyond any command's work; a typo of extra zeros is refused.
    if (std::optional<uint32_t> v =
            ReadUint32(*n, Child(path, "command-timeout-ms"), d, 1, 3600000)) {
      out.command_timeout_ms = *v;
    }
  }
  if (const Json* n = Find(node, "lease-event-log")) {
    if (std::optional<std::string> v = ReadPath(*n, Child(path, "lease-event-log"), d)) {
      out.lease_event_log = *std::move(v);
    }
  }
  if (const Json* n = Find(node, "prometheus")) {
    ParsePrometheus(*n, Child(path, "prometheus"), out.prometheus, d);
  }
}

void ParseControlSocket(const Json& node, absl::string_view path, ControlConfig& out,
                        Diagnostics& d) {
  static const KeyRules kRules = {.honoured = {"socket-type", "socket-name"}};
  if (!CheckObject(node, path, kRules, d)) return;
  if (const Json* n = Find(node, "socket-type")) {
    const std::string p = Child(path, "socket-type");
    if (std::optional<std::string> v = ReadString(*n, p, d); v && *v != "unix") {
      d.Error(p, absl::StrCat("socket type '", *v, "' is not supported (only \"unix\")"));
    }
  } else {
    d.Error(Child(path, "socket-type"), "missing required key");
  }
  if (const Json* n = Find(node, "socket-name")) {
    const std::string p = Child(path, "socket-name");
    if (std::optional<std::string> v = ReadPath(*n, p, d)) {
      if (v->size() > kMaxUnixSocketPath) {
        d.Error(p, absl::StrCat("a Unix socket path has at most ", kMaxUnixSocketPath,
                                " bytes, got ", v->size()));
      } else {
        out.socket_name = *std::move(v);
      }
    }
  } else {
    d.Error(Child(path, "socket-name"), "missing required key");
  }
}

}  // namespace fastlease::config::internal
