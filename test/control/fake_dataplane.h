// FakeDataplane: the dataplane's end of the link for tests — a blocking
// SOCK_SEQPACKET listener driven from the test thread, one connection at a time.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "control/link/link_protocol.h"
#include "gtest/gtest.h"

namespace fastlease::control::testing_util {

class FakeDataplane {
 public:
  explicit FakeDataplane(std::string path) : path_(std::move(path)) {}
  ~FakeDataplane() {
    CloseConnection();
    StopListening();
  }

  bool Listen() {
    listen_fd_ = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
    unlink(path_.c_str());
    return bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
           listen(listen_fd_, 4) == 0;
  }

  void StopListening() {
    if (listen_fd_ >= 0) close(listen_fd_);
    listen_fd_ = -1;
    unlink(path_.c_str());
  }

  // Waits up to `ms` for the control process to connect.
  bool Accept(int ms = 5000) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, ms) != 1) return false;
    conn_fd_ = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn_fd_ < 0) return false;
    timeval tv{5, 0};
    setsockopt(conn_fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    reader_.Reset();
    inbox_.clear();
    return true;
  }

  // Accepts and completes the handshake; returns the Hello's resume_seq.
  std::optional<uint64_t> AcceptWithHandshake(link::HelloAck ack = {}) {
    if (!Accept()) return std::nullopt;
    std::optional<link::Message> m = Next();
    if (!m || m->type != link::MessageType::kHello) return std::nullopt;
    link::Hello hello;
    if (!link::DecodeHello(m->payload, hello)) return std::nullopt;
    if (ack.pid == 0) ack.pid = 4242;
    Send(link::MessageType::kHelloAck, m->id, link::EncodeHelloAck(ack));
    return hello.resume_seq;
  }

  void CloseConnection() {
    if (conn_fd_ >= 0) close(conn_fd_);
    conn_fd_ = -1;
  }

  // The next message from the control process; nullopt on timeout or close.
  std::optional<link::Message> Next(int ms = 5000) {
    while (inbox_.empty()) {
      pollfd p{conn_fd_, POLLIN, 0};
      if (poll(&p, 1, ms) != 1) return std::nullopt;
      std::vector<uint8_t> buf(link::kMaxFrameSize);
      const ssize_t n = recv(conn_fd_, buf.data(), buf.size(), 0);
      if (n <= 0) return std::nullopt;
      const link::FrameError e = reader_.Feed(
          {buf.data(), size_t(n)}, [&](link::Message&& m) { inbox_.push_back(std::move(m)); });
      EXPECT_EQ(e, link::FrameError::kNone);
    }
    link::Message m = std::move(inbox_.front());
    inbox_.pop_front();
    return m;
  }

  // The next message of `type`, skipping others (e.g. EventAcks).
  std::optional<link::Message> NextOf(link::MessageType type, int ms = 5000) {
    for (;;) {
      std::optional<link::Message> m = Next(ms);
      if (!m || m->type == type) return m;
    }
  }

  void Send(link::MessageType type, uint64_t id, std::string_view payload) {
    link::FrameWriter w;
    w.Add(type, id, payload);
    for (const std::string& f : w.Take()) SendRaw(f);
  }

  void SendRaw(const std::string& frame) {
    ASSERT_EQ(send(conn_fd_, frame.data(), frame.size(), MSG_NOSIGNAL), ssize_t(frame.size()));
  }

  // True when the control process closed the connection within `ms`.
  // Waits until the control process has sent something, without reading it.
  bool WaitReadable(int ms = 5000) {
    pollfd p{conn_fd_, POLLIN, 0};
    return poll(&p, 1, ms) == 1;
  }

  bool WaitClosed(int ms = 5000) {
    for (;;) {
      pollfd p{conn_fd_, POLLIN, 0};
      if (poll(&p, 1, ms) != 1) return false;
      char buf[link::kMaxFrameSize];
      const ssize_t n = recv(conn_fd_, buf, sizeof(buf), 0);
      if (n <= 0) return true;
    }
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int listen_fd_ = -1;
  int conn_fd_ = -1;
  link::FrameReader reader_;
  std::deque<link::Message> inbox_;
};

}  // namespace fastlease::control::testing_util
