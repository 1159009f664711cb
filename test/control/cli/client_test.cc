// The socket client against a tiny server on a real Unix stream socket in a
// temp dir: answers read to EOF, in pieces, 1 MB answers, an absent server
// (exit 4), a server that never answers (timeout, exit 5), early answers,
// malformed and oversized answers.
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "control/cli/cli.h"
#include "control/cli/client.h"
#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fastlease::cli {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

class TempDir {
 public:
  TempDir() {
    char name[] = "/tmp/fastlease_cli_XXXXXX";
    EXPECT_NE(mkdtemp(name), nullptr);
    path_ = name;
  }
  ~TempDir() { std::system(("rm -rf " + path_).c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

enum class Behavior {
  kAnswerAtEof,          // read the request to EOF, write the answer, close
  kAnswerInPieces,       // as kAnswerAtEof, in 7-byte writes
  kNeverAnswer,          // read the request to EOF, then hold the connection
  kNeverRead,            // accept and hold the connection without reading
  kCloseWithoutAnswer,   // read to EOF, close
  kAnswerWithoutReading, // read 16 bytes, write the answer, close
};

// Serves every connection on `<dir>/control.sock` the same way until destroyed.
class TestServer {
 public:
  TestServer(const TempDir& dir, Behavior behavior, std::string answer)
      : path_(dir.path() + "/control.sock"), behavior_(behavior), answer_(std::move(answer)) {
    listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
    EXPECT_EQ(bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(listen(listen_fd_, 8), 0);
    stop_fd_ = eventfd(0, EFD_CLOEXEC);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TestServer() {
    uint64_t one = 1;
    EXPECT_EQ(write(stop_fd_, &one, sizeof(one)), 8);
    thread_.join();
    close(listen_fd_);
    close(stop_fd_);
  }
  const std::string& path() const { return path_; }
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  // Waits for fd to be readable; false when asked to stop.
  bool WaitReadable(int fd) {
    pollfd p[2] = {{.fd = fd, .events = POLLIN, .revents = 0},
                   {.fd = stop_fd_, .events = POLLIN, .revents = 0}};
    while (poll(p, 2, -1) < 0) {
    }
    return (p[1].revents & POLLIN) == 0;
  }

  void WriteAll(int fd, std::string_view data, size_t piece) {
    while (!data.empty()) {
      ssize_t n = send(fd, data.data(), std::min(piece, data.size()), MSG_NOSIGNAL);
      if (n <= 0) return;
      data.remove_prefix(static_cast<size_t>(n));
      if (piece < 100) std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }

  void Serve() {
    while (WaitReadable(listen_fd_)) {
      int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::string request;
      char buf[65536];
      if (behavior_ == Behavior::kAnswerWithoutReading) {
        ssize_t n = recv(fd, buf, 16, 0);
        if (n > 0) request.append(buf, static_cast<size_t>(n));
      } else if (behavior_ != Behavior::kNeverRead) {
        while (true) {
          ssize_t n = recv(fd, buf, sizeof(buf), 0);
          if (n <= 0) break;
          request.append(buf, static_cast<size_t>(n));
        }
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(request);
      }
      switch (behavior_) {
        case Behavior::kAnswerAtEof:
        case Behavior::kAnswerWithoutReading:
          WriteAll(fd, answer_, answer_.size());
          break;
        case Behavior::kAnswerInPieces:
          WriteAll(fd, answer_, 7);
          break;
        case Behavior::kNeverAnswer:
        case Behavior::kNeverRead:
          WaitReadable(stop_fd_);  // until the test ends
          break;
        case Behavior::kCloseWithoutAnswer:
          break;
      }
      close(fd);
      if (behavior_ == Behavior::kNeverAnswer || behavior_ == Behavior::kNeverRead) return;
    }
  }

  std::string path_;
  Behavior behavior_;
  std::string answer_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> requests_;
};

struct Result {
  int status;
  std::string out;
  std::string err;
};

// The real program with the real transport.
Result RunCli(std::vector<std::string> args) {
  setenv("TZ", "UTC", 1);
  std::ostringstream out, err;
  int status = Run(args, Environment{}, out, err);
  return {status, out.str(), err.str()};
}

Endpoint At(const std::string& path, int timeout_ms = 5000) {
  Endpoint ep;
  ep.socket_path = path;
  ep.timeout = std::chrono::milliseconds(timeout_ms);
  return ep;
}

constexpr const char* kVersionAnswer =
    R"j({"result": 0, "text": "0.1.0", "arguments": {"extended": "fastlease 0.1.0 (test)"}})j";

TEST(ClientTest, ReadsTheAnswerToEof) {
  TempDir dir;
  TestServer server(dir, Behavior::kAnswerAtEof, kVersionAnswer);
  const std::string request = R"({"command": "version-get"})";
  absl::StatusOr<std::string> answer = Exchange(At(server.path()), request);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(*answer, kVersionAnswer);
  // The server saw EOF after exactly the request: the write side was shut down.
  EXPECT_EQ(server.requests(), std::vector<std::string>{request});
  absl::StatusOr<Answer> parsed = ParseAnswer(*answer);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->result, 0);
  EXPECT_EQ(parsed->text, "0.1.0");
  EXPECT_EQ(parsed->arguments["extended"], "fastlease 0.1.0 (test)");
}

TEST(ClientTest, RunSendsKeaJsonOverTheSocket) {
  TempDir dir;
  TestServer server(dir, Behavior::kAnswerAtEof,
                    R"({"result": 0, "text": "IPv4 lease found.", "arguments": {
                        "ip-address": "10.0.0.5", "hw-address": "52:54:00:12:34:56",
                        "subnet-id": 1, "valid-lft": 3600, "cltt": 1764000000, "state": 0}})");
  Result r = RunCli({"--socket", server.path(), "lease4-get", "10.0.0.5"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "address   hw-address         client-id  subnet  state  valid-lft  expires\n"
            "10.0.0.5  52:54:00:12:34:56  -               1  bound       3600  2025-11-24 17:00:00\n");
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(json::parse(server.requests()[0]),
            json::parse(R"({"command": "lease4-get", "arguments": {"ip-address": "10.0.0.5"}})"));
}

TEST(ClientTest, EnvironmentVariableNamesTheSocket) {
  TempDir dir;
  TestServer server(dir, Behavior::kAnswerAtEof, kVersionAnswer);
  std::ostringstream out, err;
  int status = ::fastlease::cli::Run(std::vector<std::string>{"version"}, Environment{.socket_env = server.path()}, out, err);
  EXPECT_EQ(status, 0) << err.str();
  EXPECT_EQ(out.str(), "fastlease 0.1.0 (test)\n");
}

TEST(ClientTest, AnswerInSmallPieces) {
  TempDir dir;
  TestServer server(dir, Behavior::kAnswerInPieces, kVersionAnswer);
  absl::StatusOr<std::string> answer = Exchange(At(server.path()), R"({"command": "version-get"})");
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(*answer, kVersionAnswer);
}

TEST(ClientTest, OneMegabyteAnswer) {
  json leases = json::array();
  for (uint32_t i = 0; i < 9000; ++i) {
    leases.push_back({{"ip-address", fmt::format("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255)},
                      {"hw-address", "52:54:00:12:34:56"}, {"client-id", "01:52:54:00:12:34:56"},
                      {"subnet-id", 1}, {"valid-lft", 3600}, {"cltt", 1764000000},
                      {"hostname", "host"}, {"state", 0}});
  }
  const std::string big =
      json{{"result", 0}, {"text", "9000 IPv4 lease(s) found."}, {"arguments", {{"leases", leases}}}}
          .dump();
  ASSERT_GE(big.size(), size_t{1} << 20);
  TempDir dir;
  TestServer server(dir, Behavior::kAnswerAtEof, big);
  absl::StatusOr<std::string> answer = Exchange(At(server.path()), R"({"command": "lease4-get-all"})");
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->size(), big.size());
  EXPECT_EQ(*answer, big);

  Result r = RunCli({"--socket", server.path(), "lease4-get-all"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 9001);
}

TEST(ClientTest, ServerAbsentExitsFour) {
  TempDir dir;
  const std::string path = dir.path() + "/control.sock";
  absl::StatusOr<std::string> answer = Exchange(At(path), "{}");
  ASSERT_EQ(answer.status().code(), absl::StatusCode::kUnavailable);
  const std::string expected = "cannot connect to fastlease-control at " + path +
                               ": No such file or directory (is fastlease-control running?)";
  EXPECT_EQ(answer.status().message(), expected);
  Result r = RunCli({"--socket", path, "status"});
  EXPECT_EQ(r.status, 4);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "fastlease: " + expected + "\n");
}

TEST(ClientTest, StaleSocketFileExitsFour) {
  TempDir dir;
  const std::string path = dir.path() + "/control.sock";
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  close(fd);  // the file stays; nobody listens
  Result r = RunCli({"--socket", path, "status"});
  EXPECT_EQ(r.status, 4);
  EXPECT_THAT(r.err, HasSubstr("Connection refused (is fastlease-control running?)"));
}

TEST(ClientTest, ServerThatNeverAnswersTimesOut) {
  TempDir dir;
  TestServer server(dir, Behavior::kNeverAnswer, "");
  auto start = Clock::now();
  absl::StatusOr<std::string> answer = Exchange(At(server.path(), 300), R"({"command": "status-get"})");
  auto elapsed = Clock::now() - start;
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_GE(elapsed, std::chrono::milliseconds(290));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST(ClientTest, RunTimeoutExitsFive) {
  TempDir dir;
  TestServer server(dir, Behavior::kNeverAnswer, "");
  Result r = RunCli({"--socket", server.path(), "--timeout", "0.3", "status"});
  EXPECT_EQ(r.status, 5);
  EXPECT_EQ(r.err, "fastlease: no complete answer from fastlease-control at " + server.path() +
                       " within 0.3 s (--timeout)\n");
}

TEST(ClientTest, ServerThatNeverReadsTimesOutWhileWriting) {
  TempDir dir;
  TestServer server(dir, Behavior::kNeverRead, "");
  const std::string request(8 << 20, ' ');  // far more than the socket buffers hold
  absl::StatusOr<std::string> answer = Exchange(At(server.path(), 300), request);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST(ClientTest, CloseWithoutAnswerIsMalformed) {
  TempDir dir;
  TestServer server(dir, Behavior::kCloseWithoutAnswer, "");
  Result r = RunCli({"--socket", server.path(), "status"});
  EXPECT_EQ(r.status, 5);
  EXPECT_EQ(r.err,
            "fastlease: malformed answer: fastlease-control closed the connection without answering\n");
}

TEST(ClientTest, MalformedAnswerExitsFive) {
  TempDir dir;
  TestServer server(dir, Behavior::kAnswerAtEof, "<html>500</html>");
  Result r = RunCli({"--socket", server.path(), "status"});
  EXPECT_EQ(r.status, 5);
  EXPECT_EQ(r.err, "fastlease: malformed answer (not JSON): '<html>500</html>'\n");
}

TEST(ClientTest, EarlyAnswerToALargeRequestIsRead) {
  // A server refusing a request over its size limit answers before reading it all.
  const std::string refusal =
      R"j({"result": 1, "text": "command is larger than Control/max-command-size (4194304 bytes)"})j";
  TempDir dir;
  TestServer server(dir, Behavior::kAnswerWithoutReading, refusal);
  const std::string request = R"({"command": "config-set", "arguments": {"x": ")" +
                              std::string(8 << 20, 'a') + "\"}}";
  absl::StatusOr<std::string> answer = Exchange(At(server.path()), request);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(*answer, refusal);
}

TEST(ClientTest, AnswerOverTheLimit) {
  TempDir dir;
  TestServer server(dir, Behavior::kAnswerAtEof, std::string(1000, ' ') + kVersionAnswer);
  Endpoint ep = At(server.path());
  ep.max_answer_size = 512;
  EXPECT_EQ(Exchange(ep, "{}").status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(ClientTest, PathTooLongIsAUsageError) {
  const std::string path = "/tmp/" + std::string(200, 'x');
  EXPECT_EQ(Exchange(At(path), "{}").status().code(), absl::StatusCode::kInvalidArgument);
  Result r = RunCli({"--socket", path, "status"});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("socket path must be 1..107 bytes"));
}

}  // namespace
}  // namespace fastlease::cli
