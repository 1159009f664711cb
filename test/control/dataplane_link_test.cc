// The dataplane link client against a fake dataplane on a real SOCK_SEQPACKET
// socket in a temp dir.
#include "control/dataplane_link.h"

#include <mutex>
#include <string>
#include <vector>

#include "control/command.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test/control/control_test_util.h"
#include "test/control/fake_dataplane.h"

namespace fastlease::control {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing_util::FakeDataplane;
using testing_util::Json;
using testing_util::WaitFor;

// Records what the link tells the event side (on the io thread).
class RecordingSink : public EventSink {
 public:
  uint64_t ResumeSeq() override { return resume_seq; }
  void OnHelloAck(const link::HelloAck& ack) override { acks.push_back(ack); }
  void OnLeaseEvents(std::string_view batch) override { batches.emplace_back(batch); }
  void OnEventGap(const link::EventGap& gap) override { gaps.push_back(gap); }
  void OnDisconnected() override { ++disconnects; }

  uint64_t resume_seq = 42;
  std::vector<link::HelloAck> acks;
  std::vector<std::string> batches;
  std::vector<link::EventGap> gaps;
  int disconnects = 0;
};

// Answers delivered to callbacks, from the io thread.
class Answers {
 public:
  AnswerCallback Callback(int tag) {
    return [this, tag](std::string answer) {
      std::lock_guard<std::mutex> lock(mu_);
      got_.emplace_back(tag, std::move(answer));
    };
  }
  bool WaitCount(size_t n) {
    return WaitFor([&] {
      std::lock_guard<std::mutex> lock(mu_);
      return got_.size() >= n;
    });
  }
  std::vector<std::pair<int, std::string>> Get() {
    std::lock_guard<std::mutex> lock(mu_);
    return got_;
  }
  std::string TextOf(int tag) {
    for (auto& [t, a] : Get()) {
      if (t == tag) return Json(a).value("text", a);
    }
    return "(no answer)";
  }

 private:
  std::mutex mu_;
  std::vector<std::pair<int, std::string>> got_;
};

class DataplaneLinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_util::MakeTempDir();
    peer_ = std::make_unique<FakeDataplane>(dir_ + "/dataplane.sock");
  }
  void TearDown() override {
    if (link_) io_.Run([&] {
        link_->Close();
        return 0;
      });
    io_.Stop();
    link_.reset();
    peer_.reset();
    testing_util::RemoveTree(dir_);
  }

  void StartLink(DataplaneLinkOptions o = {}) {
    o.path = peer_->path();
    if (o.reconnect_interval == std::chrono::milliseconds(500)) {
      o.reconnect_interval = std::chrono::milliseconds(50);
    }
    link_ = std::make_unique<DataplaneLink>(io_.io(), o, &sink_);
    io_.Start();
    io_.Run([&] {
      link_->Start();
      return 0;
    });
  }

  void Connect() {
    ASSERT_TRUE(peer_->Listen());
    StartLink();
    ASSERT_EQ(peer_->AcceptWithHandshake(), 42u);
    ASSERT_TRUE(WaitFor([&] { return State() == DataplaneLink::State::kReady; }));
  }

  DataplaneLink::State State() {
    return io_.Run([&] { return link_->state(); });
  }

  void Forward(std::string request, int tag) {
    io_.Run([&] {
      link_->Forward(std::move(request), answers_.Callback(tag));
      return 0;
    });
  }

  std::string dir_;
  testing_util::IoThread io_;
  RecordingSink sink_;
  Answers answers_;
  std::unique_ptr<FakeDataplane> peer_;
  std::unique_ptr<DataplaneLink> link_;
};

TEST_F(DataplaneLinkTest, HelloIsTheFirstMessageAndHelloAckMakesItReady) {
  ASSERT_TRUE(peer_->Listen());
  StartLink();
  ASSERT_TRUE(peer_->Accept());
  std::optional<link::Message> m = peer_->Next();
  ASSERT_TRUE(m);
  ASSERT_EQ(m->type, link::MessageType::kHello);
  link::Hello hello;
  ASSERT_TRUE(link::DecodeHello(m->payload, hello));
  EXPECT_EQ(hello.version, link::kVersion);
  EXPECT_EQ(hello.resume_seq, 42u);
  EXPECT_EQ(State(), DataplaneLink::State::kHandshake);
  EXPECT_TRUE(io_.Run([&] { return link_->connected(); }));
  peer_->Send(link::MessageType::kHelloAck, 0, link::EncodeHelloAck({link::kVersion, 5, 9, 77, 1}));
  ASSERT_TRUE(WaitFor([&] { return State() == DataplaneLink::State::kReady; }));
  io_.Run([&] {
    EXPECT_EQ(sink_.acks.size(), 1u);
    EXPECT_EQ(sink_.acks[0].pid, 77u);
    EXPECT_EQ(link_->hello_ack()->last_event_seq, 9u);
    EXPECT_EQ(link_->counters().connects, 1u);
    return 0;
  });
}

TEST_F(DataplaneLinkTest, AnswersAreMatchedById) {
  Connect();
  Forward(R"({"command": "a"})", 1);
  Forward(R"({"command": "b"})", 2);
  Forward(R"({"command": "c"})", 3);
  std::vector<link::Message> commands;
  for (int i = 0; i < 3; ++i) {
    std::optional<link::Message> m = peer_->NextOf(link::MessageType::kCommand);
    ASSERT_TRUE(m);
    commands.push_back(*m);
  }
  EXPECT_EQ(commands[0].payload, R"({"command": "a"})");
  EXPECT_NE(commands[0].id, commands[1].id);
  EXPECT_NE(commands[1].id, commands[2].id);
  // Answer in reverse order; each carries its command's name.
  for (int i = 2; i >= 0; --i) {
    const std::string name = Json(commands[i].payload)["command"];
    peer_->Send(link::MessageType::kAnswer, commands[i].id, AnswerText(0, name));
  }
  ASSERT_TRUE(answers_.WaitCount(3));
  EXPECT_EQ(answers_.TextOf(1), "a");
  EXPECT_EQ(answers_.TextOf(2), "b");
  EXPECT_EQ(answers_.TextOf(3), "c");
  // The answers are relayed verbatim.
  EXPECT_EQ(answers_.Get()[0].second, AnswerText(0, "c"));
  EXPECT_EQ(io_.Run([&] { return link_->in_flight(); }), 0u);
}

TEST_F(DataplaneLinkTest, LargeAnswerIsJoinedFromSeveralFrames) {
  Connect();
  Forward(R"({"command": "lease4-get-all"})", 1);
  std::optional<link::Message> m = peer_->NextOf(link::MessageType::kCommand);
  ASSERT_TRUE(m);
  const std::string big = AnswerText(0, std::string(500000, 'L'));
  peer_->Send(link::MessageType::kAnswer, m->id, big);
  ASSERT_TRUE(answers_.WaitCount(1));
  EXPECT_EQ(answers_.Get()[0].second, big);
}

TEST_F(DataplaneLinkTest, UnansweredCommandTimesOutAndALateAnswerIsDropped) {
  ASSERT_TRUE(peer_->Listen());
  DataplaneLinkOptions o;
  o.command_timeout = std::chrono::milliseconds(100);
  StartLink(o);
  ASSERT_TRUE(peer_->AcceptWithHandshake());
  ASSERT_TRUE(WaitFor([&] { return State() == DataplaneLink::State::kReady; }));
  const auto start = std::chrono::steady_clock::now();
  Forward(R"({"command": "slow"})", 1);
  std::optional<link::Message> m = peer_->NextOf(link::MessageType::kCommand);
  ASSERT_TRUE(m);
  ASSERT_TRUE(answers_.WaitCount(1));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(95));
  nlohmann::json a = Json(answers_.Get()[0].second);
  EXPECT_EQ(a["result"], 1);
  EXPECT_EQ(a["text"], "the dataplane did not answer within 100 ms");
  peer_->Send(link::MessageType::kAnswer, m->id, AnswerText(0, "late"));
  ASSERT_TRUE(WaitFor([&] { return io_.Run([&] { return link_->counters().late_answers; }) == 1; }));
  EXPECT_EQ(answers_.Get().size(), 1u);
  EXPECT_EQ(State(), DataplaneLink::State::kReady);  // still connected
}

TEST_F(DataplaneLinkTest, PendingCommandsFailWhenThePeerClosesThenItReconnects) {
  Connect();
  Forward(R"({"command": "a"})", 1);
  Forward(R"({"command": "b"})", 2);
  ASSERT_TRUE(peer_->NextOf(link::MessageType::kCommand));
  ASSERT_TRUE(peer_->NextOf(link::MessageType::kCommand));
  peer_->CloseConnection();
  ASSERT_TRUE(answers_.WaitCount(2));
  const std::string expected =
      "the dataplane link closed before the answer (" + peer_->path() + ")";
  EXPECT_EQ(answers_.TextOf(1), expected);
  EXPECT_EQ(answers_.TextOf(2), expected);
  EXPECT_EQ(Json(answers_.Get()[0].second)["result"], 1);
  EXPECT_EQ(io_.Run([&] { return sink_.disconnects; }), 1);
  // It comes back by itself with a new Hello, and works.
  ASSERT_EQ(peer_->AcceptWithHandshake(), 42u);
  ASSERT_TRUE(WaitFor([&] { return State() == DataplaneLink::State::kReady; }));
  Forward(R"({"command": "c"})", 3);
  std::optional<link::Message> m = peer_->NextOf(link::MessageType::kCommand);
  ASSERT_TRUE(m);
  peer_->Send(link::MessageType::kAnswer, m->id, AnswerText(0, "again"));
  ASSERT_TRUE(answers_.WaitCount(3));
  EXPECT_EQ(answers_.TextOf(3), "again");
  io_.Run([&] {
    EXPECT_EQ(link_->counters().connects, 2u);
    EXPECT_EQ(link_->counters().disconnects, 1u);
    return 0;
  });
}

TEST_F(DataplaneLinkTest, NotConnectedIsAnsweredAtOnceAndItConnectsWhenThePeerAppears) {
  StartLink();  // nobody listens
  ASSERT_TRUE(WaitFor([&] { return State() == DataplaneLink::State::kDisconnected; }));
  Forward(R"({"command": "a"})", 1);
  ASSERT_TRUE(answers_.WaitCount(1));
  EXPECT_EQ(answers_.TextOf(1), "the dataplane is not connected (" + peer_->path() + ")");
  ASSERT_TRUE(peer_->Listen());
  ASSERT_TRUE(peer_->AcceptWithHandshake());  // within the reconnect interval
  ASSERT_TRUE(WaitFor([&] { return State() == DataplaneLink::State::kReady; }));
}

TEST_F(DataplaneLinkTest, TooManyCommandsInFlight) {
  ASSERT_TRUE(peer_->Listen());
  DataplaneLinkOptions o;
  o.max_in_flight = 2;
  StartLink(o);
  ASSERT_TRUE(peer_->AcceptWithHandshake());
  ASSERT_TRUE(WaitFor([&] { return State() == DataplaneLink::State::kReady; }));
  Forward(R"({"command": "a"})", 1);
  Forward(R"({"command": "b"})", 2);
  Forward(R"({"command": "c"})", 3);
  ASSERT_TRUE(answers_.WaitCount(1));
  EXPECT_EQ(answers_.TextOf(3), "too many commands in flight");
  EXPECT_EQ(io_.Run([&] { return link_->counters().rejected; }), 1u);
  // Once one is answered there is room again.
  std::optional<link::Message> m = peer_->NextOf(link::MessageType::kCommand);
  ASSERT_TRUE(m);
  peer_->Send(link::MessageType::kAnswer, m->id, AnswerText(0, "a"));
  ASSERT_TRUE(answers_.WaitCount(2));
  Forward(R"({"command": "d"})", 4);
  ASSERT_TRUE(peer_->NextOf(link::MessageType::kCommand));  // b
  std::optional<link::Message> d = peer_->NextOf(link::MessageType::kCommand);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->payload, R"({"command": "d"})");
}

TEST_F(DataplaneLinkTest, TooManyQueuedBytes) {
  ASSERT_TRUE(peer_->Listen());
  DataplaneLinkOptions o;
  o.max_queued_bytes = 1000;
  StartLink(o);
  ASSERT_TRUE(peer_->AcceptWithHandshake());
  ASSERT_TRUE(WaitFor([&] { return State() == DataplaneLink::State::kReady; }));
  Forward(std::string(2000, ' ') + R"({"command": "a"})", 1);
  ASSERT_TRUE(answers_.WaitCount(1));
  EXPECT_EQ(answers_.TextOf(1), "too many commands in flight");
}

TEST_F(DataplaneLinkTest, LeaseEventsAndGapsGoToTheSinkAndAcksToThePeer) {
  Connect();
  peer_->Send(link::MessageType::kLeaseEvents, 0, "batch-bytes");
  peer_->Send(link::MessageType::kEventGap, 0, link::EncodeEventGap({10, 20}));
  ASSERT_TRUE(WaitFor([&] { return io_.Run([&] { return sink_.gaps.size(); }) == 1; }));
  io_.Run([&] {
    EXPECT_THAT(sink_.batches, ElementsAre("batch-bytes"));
    EXPECT_EQ(sink_.gaps[0].first, 10u);
    EXPECT_EQ(sink_.gaps[0].last, 20u);
    link_->SendEventAck(20);
    return 0;
  });
  std::optional<link::Message> ack = peer_->NextOf(link::MessageType::kEventAck);
  ASSERT_TRUE(ack);
  uint64_t seq = 0;
  ASSERT_TRUE(link::DecodeU64(ack->payload, seq));
  EXPECT_EQ(seq, 20u);
}

TEST_F(DataplaneLinkTest, ProtocolErrorDropsTheConnectionAndReconnects) {
  Connect();
  Forward(R"({"command": "a"})", 1);
  ASSERT_TRUE(peer_->NextOf(link::MessageType::kCommand));
  std::string bad = "XXXX" + std::string(12, '\0');
  peer_->SendRaw(bad);
  ASSERT_TRUE(answers_.WaitCount(1));
  EXPECT_THAT(answers_.TextOf(1), HasSubstr("closed before the answer"));
  EXPECT_TRUE(peer_->WaitClosed());
  EXPECT_EQ(io_.Run([&] { return link_->counters().protocol_errors; }), 1u);
  ASSERT_TRUE(peer_->AcceptWithHandshake());
}

TEST_F(DataplaneLinkTest, MessagesOnlyTheControlSendsAreProtocolErrors) {
  Connect();
  peer_->Send(link::MessageType::kCommand, 1, "{}");
  EXPECT_TRUE(peer_->WaitClosed());
  EXPECT_EQ(io_.Run([&] { return link_->counters().protocol_errors; }), 1u);
}

TEST_F(DataplaneLinkTest, RefusalByABusyDataplaneIsLoggedOnceAndRetried) {
  ASSERT_TRUE(peer_->Listen());
  ::testing::internal::CaptureStderr();
  StartLink();
  // Refused three times, as the dataplane does it: an id-0 answer, then close
  // with the Hello unread (which makes the kernel report ECONNRESET to the
  // link before the answer, if it has not read the answer yet).
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(peer_->Accept());
    ASSERT_TRUE(peer_->WaitReadable());
    peer_->Send(link::MessageType::kAnswer, 0,
                AnswerText(1, "another control process is connected to this dataplane"));
    peer_->CloseConnection();
  }
  // It tries again (and this time we let it in).
  ASSERT_TRUE(peer_->AcceptWithHandshake());
  ASSERT_TRUE(WaitFor([&] { return State() == DataplaneLink::State::kReady; }));
  const std::string log = ::testing::internal::GetCapturedStderr();
  const std::string refusal =
      "refused us: another control process is connected to this dataplane";
  EXPECT_THAT(log, HasSubstr(refusal));
  EXPECT_EQ(log.find(refusal), log.rfind(refusal)) << "logged more than once:\n" << log;
}

TEST_F(DataplaneLinkTest, CloseAnswersPendingCommandsAndStopsReconnecting) {
  Connect();
  Forward(R"({"command": "a"})", 1);
  ASSERT_TRUE(peer_->NextOf(link::MessageType::kCommand));
  io_.Run([&] {
    link_->Close();
    return 0;
  });
  ASSERT_TRUE(answers_.WaitCount(1));
  EXPECT_EQ(answers_.TextOf(1), "fastlease-control is shutting down");
  EXPECT_TRUE(peer_->WaitClosed());
  EXPECT_FALSE(peer_->Accept(200));
  EXPECT_EQ(State(), DataplaneLink::State::kClosed);
  Forward(R"({"command": "b"})", 2);
  ASSERT_TRUE(answers_.WaitCount(2));
  EXPECT_THAT(answers_.TextOf(2), HasSubstr("the dataplane is not connected"));
}

TEST_F(DataplaneLinkTest, ResyncReconnectsAtOnce) {
  Connect();
  io_.Run([&] {
    sink_.resume_seq = 7;
    link_->Resync("test");
    return 0;
  });
  EXPECT_TRUE(peer_->WaitClosed());
  EXPECT_EQ(peer_->AcceptWithHandshake(), 7u);
}

}  // namespace
}  // namespace fastlease::control
