// Helpers for the fastlease-control unit tests: temp dirs, a blocking Unix
// stream client, an io_context on a background thread, a scripted forwarder.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "control/command.h"
#include "control/command_forwarder.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace fastlease::control::testing_util {

// A fresh directory under /tmp (short: Unix socket paths are limited to 107 bytes).
inline std::string MakeTempDir() {
  std::string templ = "/tmp/flctl.XXXXXX";
  char* dir = mkdtemp(templ.data());
  EXPECT_NE(dir, nullptr);
  return templ;
}

inline void RemoveTree(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

// Connects to a Unix stream socket; -1 on failure.
inline int ConnectUnix(const std::string& path, int type = SOCK_STREAM) {
  const int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  timeval tv{15, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  return fd;
}

// Writes all of `data`; false when the peer closed first.
inline bool SendAll(int fd, std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += size_t(n);
  }
  return true;
}

// Reads until EOF (or a reset after the data, or the 15 s receive timeout).
inline std::string ReadToEnd(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, size_t(n));
  }
  return out;
}

// One request, one answer: writes `request`, optionally shuts down the write side,
// reads the answer.
inline std::string Roundtrip(const std::string& path, std::string_view request,
                             bool shutdown_write = false) {
  const int fd = ConnectUnix(path);
  if (fd < 0) return "connect failed";
  SendAll(fd, request);
  if (shutdown_write) shutdown(fd, SHUT_WR);
  std::string answer = ReadToEnd(fd);
  close(fd);
  return answer;
}

inline nlohmann::json Json(const std::string& text) {
  return nlohmann::json::parse(text, nullptr, false);
}

// Runs an io_context on a background thread until destroyed.
class IoThread {
 public:
  IoThread() : guard_(io_.get_executor()) {}
  ~IoThread() { Stop(); }
  boost::asio::io_context& io() { return io_; }
  void Start() {
    thread_ = std::thread([this] { io_.run(); });
  }
  // Runs `fn` on the io thread and waits for it.
  template <typename Fn>
  auto Run(Fn fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }
  void Stop() {
    if (!thread_.joinable()) return;
    guard_.reset();
    io_.stop();
    thread_.join();
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
};

// Runs `io` on this thread until `done()` or `timeout`; true when done.
inline bool RunUntil(boost::asio::io_context& io, const std::function<bool()>& done,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (io.stopped()) io.restart();
    io.run_one_for(std::chrono::milliseconds(10));
  }
  return true;
}

// Polls `done()` (from this thread) until true or `timeout`; true when done.
inline bool WaitFor(const std::function<bool()>& done,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// A CommandForwarder answering from a script, on the io_context like the link.
class FakeForwarder : public CommandForwarder {
 public:
  explicit FakeForwarder(boost::asio::io_context& io) : io_(io) {}
  void Forward(std::string request_json, AnswerCallback done) override {
    requests.push_back(request_json);
    std::string answer = connected_
                             ? (answer_for ? answer_for(request_json)
                                           : AnswerText(kResultSuccess, "forwarded"))
                             : AnswerText(kResultError, "the dataplane is not connected (fake)");
    if (hold) {
      held.emplace_back(std::move(done), std::move(answer));
      return;
    }
    boost::asio::post(io_, [done = std::move(done), answer = std::move(answer)] { done(answer); });
  }
  bool connected() const override { return connected_; }

  void ReleaseHeld() {
    for (auto& [done, answer] : held) done(answer);
    held.clear();
  }

  bool connected_ = true;
  bool hold = false;  // keep answers until ReleaseHeld()
  std::function<std::string(const std::string&)> answer_for;
  std::vector<std::string> requests;
  std::vector<std::pair<AnswerCallback, std::string>> held;

 private:
  boost::asio::io_context& io_;
};

}  // namespace fastlease::control::testing_util
