// MetricsServer: the Prometheus endpoint (Control/prometheus), HTTP/1.0.
//
//   GET /metrics   → statistic-get-all forwarded to the dataplane, converted by
//                    StatisticsToPrometheus: 200 text/plain; version=0.0.4
//                    503 when the dataplane is not connected or cannot answer
//   other paths    → 404; other methods → 405; an unreadable request → 400
//
// One request per connection; the connection closes after the response. A
// request must arrive within `timeout` and fit in 8 KiB. Beyond
// max_connections open connections a new one is closed at once.
//
// Single-threaded: the io_context's thread. Outlives every run of the io_context.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "absl/status/status.h"
#include "control/command_forwarder.h"

namespace fastlease::control {

struct MetricsServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 9547;  // 0: any free port (tests)
  std::chrono::milliseconds timeout{10000};
  size_t max_connections = 16;
};

class MetricsServer {
 public:
  MetricsServer(boost::asio::io_context& io, MetricsServerOptions options,
                CommandForwarder& dataplane);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  [[nodiscard]] absl::Status Listen();
  // Stops accepting; responses being prepared are still sent.
  void Close();

  uint16_t port() const { return port_; }  // the bound port, after Listen()
  size_t connections() const { return connections_.size(); }
  uint64_t scrapes() const { return scrapes_; }

 private:
  class Connection;
  void Accept();

  boost::asio::io_context& io_;
  MetricsServerOptions options_;
  CommandForwarder& dataplane_;
  boost::asio::ip::tcp::acceptor acceptor_;
  bool listening_ = false;
  uint16_t port_ = 0;
  std::set<std::shared_ptr<Connection>> connections_;
  uint64_t scrapes_ = 0;
};

// The pure parts, for tests: routing one request's head, and the response text.
struct HttpResponse {
  int status = 200;
  std::string body;
};
// GET /metrics (any query string) → kMetrics; otherwise kImmediate with the
// response to send at once in `immediate` (400, 404 or 405).
enum class HttpRoute : uint8_t { kMetrics, kImmediate };
HttpRoute RouteRequest(std::string_view request, HttpResponse& immediate);
std::string FormatHttpResponse(const HttpResponse& r);

}  // namespace fastlease::control
