#include "control/cli/client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "absl/status/status.h"
#include "fmt/format.h"

namespace fastlease::cli {
namespace {

using Clock = std::chrono::steady_clock;

class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string TimeoutText(const Endpoint& ep) {
  return fmt::format("no complete answer from fastlease-control at {} within {:g} s (--timeout)",
                     ep.socket_path, static_cast<double>(ep.timeout.count()) / 1000.0);
}

absl::Status ConnectError(const Endpoint& ep, int err) {
  const char* hint = (err == EACCES || err == EPERM)
                         ? "(does this user have access to the socket?)"
                         : "(is fastlease-control running?)";
  return absl::UnavailableError(fmt::format("cannot connect to fastlease-control at {}: {} {}",
                                            ep.socket_path, std::strerror(err), hint));
}

// Waits for `events` on fd until `deadline`. false on timeout.
absl::StatusOr<bool> WaitFor(int fd, short events, Clock::time_point deadline) {
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{.fd = fd, .events = events, .revents = 0};
    // Round up so a sub-millisecond remainder still waits.
    int rc = ::poll(&p, 1, static_cast<int>(left.count()) + 1);
    if (rc > 0) return true;
    if (rc == 0) continue;  // re-check the deadline
    if (errno == EINTR) continue;
    return absl::InternalError(fmt::format("poll: {}", std::strerror(errno)));
  }
}

}  // namespace

absl::StatusOr<std::string> Exchange(const Endpoint& ep, std::string_view request) {
  const Clock::time_point deadline = Clock::now() + ep.timeout;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (ep.socket_path.empty() || ep.socket_path.size() >= sizeof(addr.sun_path)) {
    return absl::InvalidArgumentError(
        fmt::format("socket path must be 1..{} bytes: '{}'", sizeof(addr.sun_path) - 1,
                    ep.socket_path));
  }
  std::memcpy(addr.sun_path, ep.socket_path.data(), ep.socket_path.size());

  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (fd.get() < 0) return absl::InternalError(fmt::format("socket: {}", std::strerror(errno)));

  // Connect. A full listen backlog gives EAGAIN on a non-blocking Unix socket:
  // retry until the deadline.
  while (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {
      if (Clock::now() >= deadline) return absl::DeadlineExceededError(TimeoutText(ep));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    if (errno == EINPROGRESS) {
      absl::StatusOr<bool> ready = WaitFor(fd.get(), POLLOUT, deadline);
      if (!ready.ok()) return ready.status();
      if (!*ready) return absl::DeadlineExceededError(TimeoutText(ep));
      int err = 0;
      socklen_t len = sizeof(err);
      ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) return ConnectError(ep, err);
      break;
    }
    return ConnectError(ep, errno);
  }

  // Write the request. A server that closes early (a request it refuses as
  // too large) may still have answered: on EPIPE go on to read.
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      absl::StatusOr<bool> ready = WaitFor(fd.get(), POLLOUT, deadline);
      if (!ready.ok()) return ready.status();
      if (!*ready) return absl::DeadlineExceededError(TimeoutText(ep));
      continue;
    }
    if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) break;
    return absl::InternalError(fmt::format("cannot send to fastlease-control at {}: {}",
                                           ep.socket_path, std::strerror(errno)));
  }
  ::shutdown(fd.get(), SHUT_WR);  // ENOTCONN after an early close is fine

  // Read to EOF.
  std::string answer;
  std::string buffer(64 * 1024, '\0');
  while (true) {
    ssize_t n = ::recv(fd.get(), buffer.data(), buffer.size(), 0);
    if (n > 0) {
      if (answer.size() + static_cast<size_t>(n) > ep.max_answer_size) {
        return absl::ResourceExhaustedError(
            fmt::format("answer from fastlease-control exceeds {} bytes", ep.max_answer_size));
      }
      answer.append(buffer.data(), static_cast<size_t>(n));
      continue;
    }
    if (n == 0) break;
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {
      absl::StatusOr<bool> ready = WaitFor(fd.get(), POLLIN, deadline);
      if (!ready.ok()) return ready.status();
      if (!*ready) return absl::DeadlineExceededError(TimeoutText(ep));
      continue;
    }
    // Linux resets instead of EOF when the server closes with part of our
    // request unread; the answer read so far is complete.
    if (errno == ECONNRESET && !answer.empty()) break;
    return absl::InternalError(fmt::format("cannot read the answer from fastlease-control at {}: {}",
                                           ep.socket_path, std::strerror(errno)));
  }
  return answer;
}

absl::StatusOr<Answer> ParseAnswer(std::string_view bytes) {
  if (bytes.empty()) {
    return absl::DataLossError("malformed answer: fastlease-control closed the connection without answering");
  }
  nlohmann::json j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr,
                                           /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    std::string_view head = bytes.substr(0, 80);
    return absl::DataLossError(fmt::format("malformed answer (not JSON): '{}{}'", head,
                                           bytes.size() > head.size() ? "..." : ""));
  }
  if (j.is_array() && j.size() == 1 && j[0].is_object()) {
    nlohmann::json inner = std::move(j[0]);
    j = std::move(inner);
  }
  if (!j.is_object()) return absl::DataLossError("malformed answer: not a JSON object");
  auto result = j.find("result");
  if (result == j.end() || !result->is_number_integer()) {
    return absl::DataLossError("malformed answer: no integer 'result'");
  }
  Answer answer;
  const int64_t code = result->get<int64_t>();
  if (code < -1000000 || code > 1000000) {
    return absl::DataLossError("malformed answer: 'result' out of range");
  }
  answer.result = static_cast<int>(code);
  if (auto text = j.find("text"); text != j.end()) {
    if (!text->is_string()) return absl::DataLossError("malformed answer: 'text' is not a string");
    answer.text = text->get<std::string>();
  }
  if (auto args = j.find("arguments"); args != j.end()) answer.arguments = *args;
  answer.raw = std::move(j);
  return answer;
}

}  // namespace fastlease::cli
