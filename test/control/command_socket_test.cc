// The command socket: request framing, refusals with their result codes and
// texts, limits, and that it keeps serving after each of them.
#include "control/command_socket.h"

#include <sys/stat.h>

#include <fstream>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "control/command_router.h"
#include "control/internal/request_scan.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test/control/control_test_util.h"

namespace fastlease::control {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing_util::ConnectUnix;
using testing_util::Json;
using testing_util::ReadToEnd;
using testing_util::Roundtrip;
using testing_util::SendAll;

// ---- ScanRequest ----

TEST(RequestScanTest, CompleteObject) {
  internal::ScanResult r = internal::ScanRequest(R"( {"command": "x"} )", false);
  EXPECT_EQ(r.state, internal::ScanState::kComplete);
  EXPECT_EQ(r.json["command"], "x");
}

TEST(RequestScanTest, OpenObjectWaits) {
  EXPECT_EQ(internal::ScanRequest(R"({"command": "x")", false).state,
            internal::ScanState::kIncomplete);
  // Ends with '}' but an outer object is still open.
  EXPECT_EQ(internal::ScanRequest(R"({"command": "x", "arguments": {"a": 1})", false).state,
            internal::ScanState::kIncomplete);
}

TEST(RequestScanTest, OpenObjectAtEofIsMalformed) {
  internal::ScanResult r = internal::ScanRequest(R"({"command": "x")", true);
  EXPECT_EQ(r.state, internal::ScanState::kMalformed);
  EXPECT_THAT(r.error, HasSubstr("unexpected end of input"));
}

TEST(RequestScanTest, BrokenObjectIsMalformedAtOnce) {
  internal::ScanResult r = internal::ScanRequest(R"({"command": x})", false);
  EXPECT_EQ(r.state, internal::ScanState::kMalformed);
  EXPECT_THAT(r.error, HasSubstr("parse error at line 1, column 13"));
}

TEST(RequestScanTest, NonObjectIsTriedAtOnce) {
  EXPECT_EQ(internal::ScanRequest("hello", false).state, internal::ScanState::kMalformed);
  EXPECT_EQ(internal::ScanRequest("[1, 2]", false).state, internal::ScanState::kComplete);
  EXPECT_EQ(internal::ScanRequest("[1, ", false).state, internal::ScanState::kIncomplete);
}

TEST(RequestScanTest, WhiteSpaceOnly) {
  EXPECT_EQ(internal::ScanRequest(" \n", false).state, internal::ScanState::kIncomplete);
  EXPECT_EQ(internal::ScanRequest(" \n", true).state, internal::ScanState::kEmpty);
  EXPECT_EQ(internal::ScanRequest("", true).state, internal::ScanState::kEmpty);
}

TEST(RequestScanTest, TrailingGarbageIsMalformed) {
  EXPECT_EQ(internal::ScanRequest(R"({"command": "x"}})", false).state,
            internal::ScanState::kMalformed);
  EXPECT_EQ(internal::ScanRequest(R"({"command": "x"} {)", true).state,
            internal::ScanState::kMalformed);
}

// ---- ParseCommandRequest ----

TEST(CommandRequestTest, Shapes) {
  absl::StatusOr<CommandRequest> ok =
      ParseCommandRequest(Json(R"({"command": "a", "arguments": {"b": 1}})"), "text");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->name, "a");
  EXPECT_EQ(ok->arguments["b"], 1);
  EXPECT_EQ(ok->text, "text");
  EXPECT_TRUE(ParseCommandRequest(Json(R"({"command": "a"})"), "").ok());
  EXPECT_EQ(ParseCommandRequest(Json(R"([])"), "").status().message(),
            "the request must be a JSON object, got array");
  EXPECT_EQ(ParseCommandRequest(Json(R"({"arguments": {}})"), "").status().message(),
            "the request has no 'command'");
  EXPECT_EQ(ParseCommandRequest(Json(R"({"command": 5})"), "").status().message(),
            "'command' must be a string, got number");
  EXPECT_EQ(ParseCommandRequest(Json(R"({"command": ""})"), "").status().message(),
            "'command' must not be empty");
  EXPECT_EQ(ParseCommandRequest(Json(R"({"command": "a", "arguments": [1]})"), "")
                .status()
                .message(),
            "'arguments' must be an object, got array");
  EXPECT_EQ(ParseCommandRequest(Json(R"({"command": "a", "arguments": "x"})"), "")
                .status()
                .message(),
            "'arguments' must be an object, got string");
}

// ---- the socket, with the real router and a fake dataplane ----

class CommandSocketTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing_util::MakeTempDir(); }
  void TearDown() override {
    if (socket_) io_.Run([&] { socket_->Close(); });
    io_.Stop();
    socket_.reset();
    router_.reset();
    forwarder_.reset();
    testing_util::RemoveTree(dir_);
  }

  void StartServer(CommandSocketOptions options = {}) {
    if (options.path.empty()) options.path = path();
    forwarder_ = std::make_unique<testing_util::FakeForwarder>(io_.io());
    router_ = std::make_unique<CommandRouter>(*forwarder_, CommandRouterHooks{});
    socket_ = std::make_unique<CommandSocket>(
        io_.io(), options, [this](CommandRequest r, CommandSocket::Reply reply) {
          router_->Handle(std::move(r), std::move(reply));
        });
    ASSERT_TRUE(socket_->Listen().ok());
    io_.Start();
  }

  std::string path() const { return dir_ + "/control.sock"; }

  // The server still answers a good command.
  void ExpectStillServing() {
    nlohmann::json a = Json(Roundtrip(path(), R"({"command": "version-get"})"));
    EXPECT_EQ(a["result"], 0) << a.dump();
    EXPECT_EQ(a["text"], "0.1.0");
  }

  std::string dir_;
  testing_util::IoThread io_;
  std::unique_ptr<testing_util::FakeForwarder> forwarder_;
  std::unique_ptr<CommandRouter> router_;
  std::unique_ptr<CommandSocket> socket_;
};

TEST_F(CommandSocketTest, AnswersOneCommandAndCloses) {
  StartServer();
  nlohmann::json a = Json(Roundtrip(path(), R"({"command": "list-commands"})"));
  EXPECT_EQ(a["result"], 0);
  EXPECT_TRUE(a["arguments"].is_array());
  EXPECT_EQ(io_.Run([&] { return socket_->commands(); }), 1u);
}

TEST_F(CommandSocketTest, SocketFileIsMode0660) {
  StartServer();
  struct stat st {};
  ASSERT_EQ(stat(path().c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0660u);
}

TEST_F(CommandSocketTest, MalformedJsonGetsTheParserMessage) {
  StartServer();
  nlohmann::json a = Json(Roundtrip(path(), R"({"command": list-commands})"));
  EXPECT_EQ(a["result"], 1);
  EXPECT_THAT(a["text"].get<std::string>(), HasSubstr("[json.exception.parse_error.101]"));
  a = Json(Roundtrip(path(), "hello"));
  EXPECT_EQ(a["result"], 1);
  EXPECT_THAT(a["text"].get<std::string>(), HasSubstr("parse error"));
  ExpectStillServing();
}

TEST_F(CommandSocketTest, IncompleteJsonAtEofGetsTheParserMessage) {
  StartServer();
  nlohmann::json a = Json(Roundtrip(path(), R"({"command": "list-com)", /*shutdown_write=*/true));
  EXPECT_EQ(a["result"], 1);
  EXPECT_THAT(a["text"].get<std::string>(), HasSubstr("parse error"));
  ExpectStillServing();
}

TEST_F(CommandSocketTest, MissingCommand) {
  StartServer();
  nlohmann::json a = Json(Roundtrip(path(), R"({"arguments": {}})"));
  EXPECT_EQ(a["result"], 1);
  EXPECT_EQ(a["text"], "the request has no 'command'");
  a = Json(Roundtrip(path(), R"({"command": ["status-get"]})"));
  EXPECT_EQ(a["result"], 1);
  EXPECT_EQ(a["text"], "'command' must be a string, got array");
  ExpectStillServing();
}

TEST_F(CommandSocketTest, UnknownCommandIsKeasResultTwo) {
  StartServer();
  nlohmann::json a = Json(Roundtrip(path(), R"({"command": "lease6-bulk-apply"})"));
  EXPECT_EQ(a["result"], 2);
  EXPECT_EQ(a["text"], "'lease6-bulk-apply' command not supported.");
  EXPECT_TRUE(forwarder_->requests.empty());  // not sent to the dataplane
  ExpectStillServing();
}

TEST_F(CommandSocketTest, ArgumentsOfTheWrongType) {
  StartServer();
  for (const char* args : {"[]", "\"x\"", "3", "true"}) {
    nlohmann::json a = Json(Roundtrip(
        path(), std::string(R"({"command": "lease4-get", "arguments": )") + args + "}"));
    EXPECT_EQ(a["result"], 1) << args;
    EXPECT_THAT(a["text"].get<std::string>(), StartsWith("'arguments' must be an object, got "));
  }
  // null is not an object either.
  nlohmann::json a = Json(Roundtrip(path(), R"({"command": "lease4-get", "arguments": null})"));
  EXPECT_EQ(a["result"], 1);
  ExpectStillServing();
}

TEST_F(CommandSocketTest, OversizeCommandIsRefusedAndTheServerGoesOn) {
  StartServer();  // default limit: 4 MiB
  const int fd = ConnectUnix(path());
  ASSERT_GE(fd, 0);
  std::string big = R"({"command": "lease4-add", "arguments": {"pad": ")";
  big.append(10u << 20, 'a');
  big += "\"}}";
  // The server stops reading past the limit; our write ends with EPIPE/ECONNRESET.
  SendAll(fd, big);
  nlohmann::json a = Json(ReadToEnd(fd));
  close(fd);
  EXPECT_EQ(a["result"], 1);
  EXPECT_EQ(a["text"], "command too large: more than 4194304 bytes");
  EXPECT_TRUE(forwarder_->requests.empty());
  ExpectStillServing();
}

TEST_F(CommandSocketTest, AnswerToAnOversizeCommandSurvivesTheRestOfItsBytes) {
  // The client keeps sending after the server has answered: the server drains
  // instead of closing with unread input (which would reset the connection and
  // could destroy the answer before the client reads it).
  StartServer();
  const int fd = ConnectUnix(path());
  ASSERT_GE(fd, 0);
  std::string part = R"({"command": "lease4-add", "arguments": {"pad": ")";
  part.append(5u << 20, 'a');
  SendAll(fd, part);
  pollfd pfd{fd, POLLIN, 0};
  ASSERT_EQ(poll(&pfd, 1, 5000), 1) << "no answer after the limit was passed";
  const std::string more(5u << 20, 'b');
  size_t sent = 0;
  while (sent < more.size()) {
    const ssize_t n = send(fd, more.data() + sent, more.size() - sent, MSG_NOSIGNAL);
    ASSERT_GT(n, 0) << "the server stopped reading: " << std::strerror(errno);
    sent += size_t(n);
  }
  shutdown(fd, SHUT_WR);
  nlohmann::json a = Json(ReadToEnd(fd));
  close(fd);
  EXPECT_EQ(a["text"], "command too large: more than 4194304 bytes");
  ExpectStillServing();
}

TEST_F(CommandSocketTest, CommandJustUnderTheLimitIsServed) {
  CommandSocketOptions o;
  o.max_command_size = 4096;
  StartServer(o);
  std::string req = R"({"command": "lease4-get", "arguments": {"pad": ")";
  req.append(4096 - req.size() - 3, 'p');
  req += "\"}}";
  ASSERT_EQ(req.size(), 4096u);
  EXPECT_EQ(Json(Roundtrip(path(), req))["result"], 0);
  req.insert(req.size() - 3, "p");
  EXPECT_EQ(Json(Roundtrip(path(), req))["text"], "command too large: more than 4096 bytes");
}

TEST_F(CommandSocketTest, RequestInPiecesIsJoined) {
  StartServer();
  const int fd = ConnectUnix(path());
  ASSERT_GE(fd, 0);
  SendAll(fd, R"({"command": "lease4-get", "arguments": {"ip-address": "192.0.2.1"})");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  SendAll(fd, "}");
  nlohmann::json a = Json(ReadToEnd(fd));
  close(fd);
  EXPECT_EQ(a["result"], 0);
  EXPECT_EQ(a["text"], "forwarded");
  ASSERT_EQ(forwarder_->requests.size(), 1u);
  // Forwarded as the client wrote it.
  EXPECT_EQ(forwarder_->requests[0],
            R"({"command": "lease4-get", "arguments": {"ip-address": "192.0.2.1"}})");
}

TEST_F(CommandSocketTest, IdleClientIsAnsweredAfterTheTimeout) {
  CommandSocketOptions o;
  o.idle_timeout = std::chrono::milliseconds(200);
  StartServer(o);
  const auto start = std::chrono::steady_clock::now();
  nlohmann::json a = Json(Roundtrip(path(), R"({"command": "version-get")"));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(190));
  EXPECT_EQ(a["result"], 1);
  EXPECT_THAT(a["text"].get<std::string>(), StartsWith("no complete command within 200 ms"));
  ExpectStillServing();
}

TEST_F(CommandSocketTest, ClientThatSendsNothingGetsNothing) {
  StartServer();
  EXPECT_EQ(Roundtrip(path(), "", /*shutdown_write=*/true), "");
  ExpectStillServing();
}

TEST_F(CommandSocketTest, ConcurrentClientsAreAnsweredIndependently) {
  StartServer();
  forwarder_->hold = true;  // forwarded commands wait
  std::vector<int> fds;
  for (int i = 0; i < 8; ++i) {
    const int fd = ConnectUnix(path());
    ASSERT_GE(fd, 0);
    SendAll(fd, R"({"command": "statistic-get-all"})");
    fds.push_back(fd);
  }
  // A local command is answered while eight forwarded ones wait.
  ExpectStillServing();
  ASSERT_TRUE(testing_util::WaitFor(
      [&] { return io_.Run([&] { return forwarder_->held.size(); }) == 8u; }));
  EXPECT_EQ(io_.Run([&] { return socket_->connections(); }), 8u);
  io_.Run([&] {
    forwarder_->ReleaseHeld();
    return 0;
  });
  for (int fd : fds) {
    EXPECT_EQ(Json(ReadToEnd(fd))["text"], "forwarded");
    close(fd);
  }
}

TEST_F(CommandSocketTest, TooManyConnectionsAreRefused) {
  CommandSocketOptions o;
  o.max_connections = 2;
  StartServer(o);
  const int a = ConnectUnix(path());
  const int b = ConnectUnix(path());
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  ASSERT_TRUE(testing_util::WaitFor([&] {
    return io_.Run([&] { return socket_->connections(); }) == 2u;
  }));
  nlohmann::json refused = Json(Roundtrip(path(), R"({"command": "version-get"})"));
  EXPECT_EQ(refused["result"], 1);
  EXPECT_EQ(refused["text"], "too many connections");
  close(a);
  close(b);
  ASSERT_TRUE(testing_util::WaitFor([&] {
    return io_.Run([&] { return socket_->connections(); }) == 0u;
  }));
  ExpectStillServing();
}

TEST_F(CommandSocketTest, CloseRemovesTheSocketFile) {
  StartServer();
  io_.Run([&] {
    socket_->Close();
    return 0;
  });
  EXPECT_FALSE(std::filesystem::exists(path()));
  EXPECT_EQ(ConnectUnix(path()), -1);
}

// ---- Listen ----

class ListenTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing_util::MakeTempDir(); }
  void TearDown() override { testing_util::RemoveTree(dir_); }
  std::unique_ptr<CommandSocket> Make(const std::string& path) {
    CommandSocketOptions o;
    o.path = path;
    return std::make_unique<CommandSocket>(io_, o, [](CommandRequest, CommandSocket::Reply) {});
  }
  std::string dir_;
  boost::asio::io_context io_;
};

TEST_F(ListenTest, ReplacesAStaleSocketFile) {
  const std::string path = dir_ + "/c.sock";
  {
    // A socket bound and closed without unlinking: what a crash leaves.
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    close(fd);
  }
  ASSERT_TRUE(std::filesystem::exists(path));
  auto s = Make(path);
  EXPECT_TRUE(s->Listen().ok());
}

TEST_F(ListenTest, RefusesToTakeOverALiveSocket) {
  const std::string path = dir_ + "/c.sock";
  auto first = Make(path);
  ASSERT_TRUE(first->Listen().ok());
  auto second = Make(path);
  absl::Status s = second->Listen();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("another process accepts commands on"));
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST_F(ListenTest, RefusesToReplaceAFile) {
  const std::string path = dir_ + "/c.sock";
  { std::ofstream(path) << "keep me"; }
  auto s = Make(path);
  absl::Status st = s->Listen();
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(st.message()), HasSubstr("exists and is not a socket"));
}

TEST_F(ListenTest, PathTooLong) {
  auto s = Make("/tmp/" + std::string(120, 'x'));
  absl::Status st = s->Listen();
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(st.message()), HasSubstr("too long"));
}

TEST_F(ListenTest, MissingDirectory) {
  auto s = Make(dir_ + "/no/such/dir/c.sock");
  absl::Status st = s->Listen();
  EXPECT_EQ(st.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(st.message()), HasSubstr("cannot listen on the command socket"));
}

}  // namespace
}  // namespace fastlease::control
