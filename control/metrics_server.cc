#include "control/metrics_server.h"

#include <array>
#include <utility>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "control/command.h"
#include "control/log.h"
#include "control/prometheus.h"
#include "nlohmann/json.hpp"

namespace fastlease::control {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr size_t kMaxRequest = 8192;

const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 503: return "Service Unavailable";
  }
  return "Error";
}

bool HeadComplete(std::string_view s) {
  return s.find("\r\n\r\n") != std::string_view::npos || s.find("\n\n") != std::string_view::npos;
}

}  // namespace

HttpRoute RouteRequest(std::string_view request, HttpResponse& immediate) {
  const size_t eol = request.find_first_of("\r\n");
  const std::string_view line = request.substr(0, eol);
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos ||
      line.substr(sp2 + 1).substr(0, 5) != "HTTP/") {
    immediate = {400, "bad request\n"};
    return HttpRoute::kImmediate;
  }
  const std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  target = target.substr(0, target.find('?'));
  if (target != "/metrics") {
    immediate = {404, "not found; the metrics are at /metrics\n"};
    return HttpRoute::kImmediate;
  }
  if (method != "GET") {
    immediate = {405, "only GET\n"};
    return HttpRoute::kImmediate;
  }
  return HttpRoute::kMetrics;
}

std::string FormatHttpResponse(const HttpResponse& r) {
  const char* type = r.status == 200 ? "text/plain; version=0.0.4; charset=utf-8"
                                     : "text/plain; charset=utf-8";
  return fmt::format(
      "HTTP/1.0 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
      r.status, Reason(r.status), type, r.body.size(), r.body);
}

class MetricsServer::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(MetricsServer& owner, tcp::socket socket)
      : owner_(owner), socket_(std::move(socket)), timer_(owner.io_) {}

  void Start() {
    timer_.expires_after(owner_.options_.timeout);
    timer_.async_wait([self = shared_from_this()](const error_code& ec) {
      if (!ec && !self->responding_) self->Shut();
    });
    Read();
  }

  void Abandon() {
    if (!responding_) Shut();
  }

 private:
  void Read() {
    socket_.async_read_some(asio::buffer(chunk_),
                            [self = shared_from_this()](const error_code& ec, size_t n) {
                              self->OnRead(ec, n);
                            });
  }

  void OnRead(const error_code& ec, size_t n) {
    if (done_ || responding_) return;
    request_.append(chunk_.data(), n);
    if (HeadComplete(request_) || (ec && !request_.empty())) {
      Route();
      return;
    }
    if (ec) {
      Shut();
      return;
    }
    if (request_.size() > kMaxRequest) {
      Respond({400, "request too large\n"});
      return;
    }
    Read();
  }

  void Route() {
    HttpResponse immediate;
    if (RouteRequest(request_, immediate) == HttpRoute::kImmediate) {
      Respond(std::move(immediate));
      return;
    }
    responding_ = true;
    ++owner_.scrapes_;
    if (!owner_.dataplane_.connected()) {
      Respond({503, "the dataplane is not connected\n"});
      return;
    }
    owner_.dataplane_.Forward(
        R"({"command": "statistic-get-all"})", [self = shared_from_this()](std::string answer) {
          nlohmann::json a = nlohmann::json::parse(answer, nullptr, false);
          if (!a.is_object() || a.value("result", kResultError) != kResultSuccess ||
              !a.contains("arguments")) {
            std::string text = a.is_object() ? a.value("text", answer) : answer;
            self->Respond({503, fmt::format("the dataplane did not give its statistics: {}\n",
                                            text)});
            return;
          }
          // Then kea-dhcp6's set; without it (an error answer) the DHCPv4 set alone.
          self->owner_.dataplane_.Forward(
              R"({"command": "statistic-get-all", "service": ["dhcp6"]})",
              [self, v4 = std::move(a["arguments"])](std::string answer6) {
                const nlohmann::json a6 = nlohmann::json::parse(answer6, nullptr, false);
                const bool ok6 = a6.is_object() &&
                                 a6.value("result", kResultError) == kResultSuccess &&
                                 a6.contains("arguments");
                absl::StatusOr<std::string> body =
                    StatisticsToPrometheus(v4, ok6 ? a6["arguments"] : nlohmann::json());
                if (!body.ok()) {
                  self->Respond({503, std::string(body.status().message()) + "\n"});
                  return;
                }
                self->Respond({200, *std::move(body)});
              });
        });
  }

  void Respond(HttpResponse r) {
    responding_ = true;
    timer_.cancel();
    if (done_) return;
    response_ = FormatHttpResponse(r);
    timer_.expires_after(owner_.options_.timeout);
    timer_.async_wait([self = shared_from_this()](const error_code& ec) {
      if (!ec) self->Shut();
    });
    asio::async_write(socket_, asio::buffer(response_),
                      [self = shared_from_this()](const error_code&, size_t) { self->Shut(); });
  }

  void Shut() {
    if (done_) return;
    done_ = true;
    timer_.cancel();
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    owner_.connections_.erase(shared_from_this());
  }

  MetricsServer& owner_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  bool responding_ = false;
  bool done_ = false;
  std::array<char, 4096> chunk_;
  std::string request_;
  std::string response_;
};

MetricsServer::MetricsServer(asio::io_context& io, MetricsServerOptions options,
                             CommandForwarder& dataplane)
    : io_(io), options_(std::move(options)), dataplane_(dataplane), acceptor_(io) {}

MetricsServer::~MetricsServer() = default;

absl::Status MetricsServer::Listen() {
  error_code ec;
  const asio::ip::address address = asio::ip::make_address(options_.address, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        fmt::format("'{}' is not an IP address: {}", options_.address, ec.message()));
  }
  const tcp::endpoint endpoint(address, options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error_code ignored;
    acceptor_.close(ignored);
    return absl::UnavailableError(fmt::format("cannot listen for Prometheus on {}:{}: {}",
                                              options_.address, options_.port, ec.message()));
  }
  port_ = acceptor_.local_endpoint(ec).port();
  listening_ = true;
  Accept();
  return absl::OkStatus();
}

void MetricsServer::Accept() {
  acceptor_.async_accept([this](const error_code& ec, tcp::socket socket) {
    if (!listening_) return;
    if (ec) {
      auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(100));
      timer->async_wait([this, timer](const error_code& e) {
        if (!e && listening_) Accept();
      });
      return;
    }
    if (connections_.size() >= options_.max_connections) {
      error_code ignored;
      socket.close(ignored);
    } else {
      auto c = std::make_shared<Connection>(*this, std::move(socket));
      connections_.insert(c);
      c->Start();
    }
    Accept();
  });
}

void MetricsServer::Close() {
  if (listening_) {
    listening_ = false;
    error_code ec;
    acceptor_.close(ec);
  }
  std::set<std::shared_ptr<Connection>> open = connections_;
  for (const std::shared_ptr<Connection>& c : open) c->Abandon();
}

}  // namespace fastlease::control
