// The lease event log: one JSON line per event in Kea's lease shape, the file as
// its own cursor, torn last lines cut off, duplicates skipped, gaps and sequence
// resets, a batch kept whole or not at all.
#include "control/lease_event_log.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "test/control/control_test_util.h"

namespace fastlease::control {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using leasedb::LeaseEvent;
using leasedb::LeaseEventKind;
using leasedb::LeaseState;

constexpr uint32_t kCltt = 1764000000;

// 192.0.2.<host>, hw 52:54:00:12:34:<host>, bound in subnet 1 for an hour.
LeaseEvent MakeEvent(uint64_t seq, uint8_t host = 10,
                     LeaseEventKind kind = LeaseEventKind::kCreated,
                     LeaseState prev = LeaseState::kFree, LeaseState state = LeaseState::kBound) {
  LeaseEvent e;
  e.seq = seq;
  e.time = kCltt + 100 + uint32_t(seq);
  e.kind = kind;
  e.prev_state = prev;
  e.lease.address = (192u << 24) | (0u << 16) | (2u << 8) | host;
  e.lease.valid = 3600;
  e.lease.expire = kCltt + 3600;
  e.lease.subnet_id = 1;
  e.lease.state = state;
  e.lease.htype = 1;
  e.lease.hlen = 6;
  const uint8_t hw[6] = {0x52, 0x54, 0x00, 0x12, 0x34, host};
  std::copy(std::begin(hw), std::end(hw), e.lease.hw);
  return e;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const std::string& path, std::string_view text, bool append = false) {
  std::ofstream out(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  out << text;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class LeaseEventLogTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing_util::MakeTempDir(); }
  void TearDown() override { testing_util::RemoveTree(dir_); }

  std::string path() const { return dir_ + "/lease-events.jsonl"; }

  std::unique_ptr<LeaseEventLog> OpenLog() {
    absl::StatusOr<std::unique_ptr<LeaseEventLog>> log = LeaseEventLog::Open(path());
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? std::move(*log) : nullptr;
  }

  std::string dir_;
};

// ---- LeaseEventLine / CursorOfLine ----

TEST(LeaseEventLineTest, KeaLeaseShape) {
  EXPECT_EQ(LeaseEventLine(MakeEvent(17)),
            R"({"seq":17,"time":1764000117,"event":"created","prev-state":"free","lease":)"
            R"({"ip-address":"192.0.2.10","hw-address":"52:54:00:12:34:0a","subnet-id":1,)"
            R"("valid-lft":3600,"cltt":1764000000,"fqdn-fwd":false,"fqdn-rev":false,)"
            R"("hostname":"","state":0}})");
}

TEST(LeaseEventLineTest, KindsStatesAndClientId) {
  LeaseEvent e = MakeEvent(5, 11, LeaseEventKind::kReleased, LeaseState::kBound,
                           LeaseState::kReleased);
  e.lease.client_id_len = 3;
  e.lease.client_id[0] = 0x01;
  e.lease.client_id[1] = 0xab;
  e.lease.client_id[2] = 0xff;
  const nlohmann::json j = nlohmann::json::parse(LeaseEventLine(e));
  EXPECT_EQ(j["seq"], 5);
  EXPECT_EQ(j["event"], "released");
  EXPECT_EQ(j["prev-state"], "bound");
  EXPECT_EQ(j["lease"]["ip-address"], "192.0.2.11");
  EXPECT_EQ(j["lease"]["client-id"], "01:ab:ff");
  EXPECT_EQ(j["lease"]["state"], 2);
  EXPECT_EQ(j["lease"]["released"], true);

  const nlohmann::json d = nlohmann::json::parse(LeaseEventLine(
      MakeEvent(6, 12, LeaseEventKind::kDeclined, LeaseState::kOffered, LeaseState::kDeclined)));
  EXPECT_EQ(d["event"], "declined");
  EXPECT_EQ(d["prev-state"], "offered");
  EXPECT_EQ(d["lease"]["state"], 1);
  EXPECT_FALSE(d["lease"].contains("client-id"));
  EXPECT_FALSE(d["lease"].contains("released"));
}

TEST(CursorOfLineTest, EachLineKind) {
  EXPECT_EQ(*CursorOfLine(LeaseEventLine(MakeEvent(42))), 42u);
  EXPECT_EQ(*CursorOfLine(R"({"gap":{"first":18,"last":95}})"), 95u);
  EXPECT_EQ(*CursorOfLine(R"({"sequence-reset":{"log-seq":120,"dataplane-seq":40}})"), 40u);
  EXPECT_EQ(*CursorOfLine(R"({"seq":0})"), 0u);
  EXPECT_EQ(*CursorOfLine(R"({"seq":18446744073709551615})"), 18446744073709551615u);
}

TEST(CursorOfLineTest, JunkIsInvalidArgument) {
  for (std::string_view junk : {
           "",
           "hello",
           "[]",
           "17",
           "{}",
           R"({"seq":"17"})",
           R"({"seq":-1})",
           R"({"seq":1.5})",
           R"({"seq":3,"ti)",  // torn
           R"({"seq":3} x)",   // trailing garbage
           R"({"gap":5})",
           R"({"gap":{"first":1}})",
           R"({"gap":{"first":1,"last":"9"}})",
           R"({"sequence-reset":{"log-seq":3}})",
           R"({"sequence-reset":7})",
       }) {
    absl::StatusOr<uint64_t> c = CursorOfLine(junk);
    EXPECT_FALSE(c.ok()) << junk << " -> " << *c;
    if (!c.ok()) {
      EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << junk;
    }
  }
}

// ---- Open ----

TEST_F(LeaseEventLogTest, NewFileIsCursorZeroAndMode0640) {
  const mode_t old_umask = umask(022);
  std::unique_ptr<LeaseEventLog> log = OpenLog();
  umask(old_umask);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->cursor(), 0u);
  EXPECT_EQ(log->torn_bytes(), 0u);
  EXPECT_EQ(log->path(), path());
  EXPECT_EQ(log->name(), "lease-event-log");
  struct stat st {};
  ASSERT_EQ(stat(path().c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(st.st_size, 0);
}

TEST_F(LeaseEventLogTest, OpenFailsOnAMissingDirectory) {
  absl::StatusOr<std::unique_ptr<LeaseEventLog>> log =
      LeaseEventLog::Open(dir_ + "/no/such/dir/log.jsonl");
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(log.status().message(), HasSubstr(dir_ + "/no/such/dir/log.jsonl"));
}

TEST_F(LeaseEventLogTest, OpenFailsOnADirectory) {
  EXPECT_FALSE(LeaseEventLog::Open(dir_).ok());
}

// ---- Consume ----

TEST_F(LeaseEventLogTest, ConsumeWritesOneLinePerEventAndAdvances) {
  std::unique_ptr<LeaseEventLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  const std::vector<LeaseEvent> batch = {MakeEvent(1, 10), MakeEvent(2, 11),
                                         MakeEvent(3, 12, LeaseEventKind::kRenewed,
                                                   LeaseState::kBound)};
  ASSERT_TRUE(log->Consume(batch).ok());
  EXPECT_EQ(log->cursor(), 3u);
  EXPECT_EQ(log->events_written(), 3u);
  EXPECT_EQ(log->duplicates_skipped(), 0u);
  EXPECT_EQ(ReadFile(path()), LeaseEventLine(batch[0]) + "\n" + LeaseEventLine(batch[1]) + "\n" +
                                  LeaseEventLine(batch[2]) + "\n");

  const std::vector<LeaseEvent> more = {MakeEvent(4, 13)};
  ASSERT_TRUE(log->Consume(more).ok());
  EXPECT_EQ(log->cursor(), 4u);
  EXPECT_EQ(log->events_written(), 4u);
  const std::vector<std::string> lines = Lines(ReadFile(path()));
  ASSERT_EQ(lines.size(), 4u);
  for (size_t i = 0; i < lines.size(); ++i) {
    const nlohmann::json j = nlohmann::json::parse(lines[i]);
    EXPECT_EQ(j["seq"], i + 1);
    EXPECT_EQ(j["lease"]["ip-address"], "192.0.2." + std::to_string(10 + i));
  }
  EXPECT_EQ(nlohmann::json::parse(lines[2])["event"], "renewed");
}

TEST_F(LeaseEventLogTest, EmptyBatchWritesNothing) {
  std::unique_ptr<LeaseEventLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(log->Consume({}).ok());
  EXPECT_EQ(log->cursor(), 0u);
  EXPECT_EQ(ReadFile(path()), "");
}

TEST_F(LeaseEventLogTest, ReopenResumesFromTheLastLine) {
  {
    std::unique_ptr<LeaseEventLog> log = OpenLog();
    ASSERT_NE(log, nullptr);
    const std::vector<LeaseEvent> batch = {MakeEvent(7), MakeEvent(8), MakeEvent(9)};
    ASSERT_TRUE(log->Consume(batch).ok());
  }
  std::unique_ptr<LeaseEventLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->cursor(), 9u);
  EXPECT_EQ(log->torn_bytes(), 0u);
  EXPECT_EQ(log->events_written(), 0u);  // counters are this process's
  const std::vector<LeaseEvent> next = {MakeEvent(10)};
  ASSERT_TRUE(log->Consume(next).ok());
  const std::vector<std::string> lines = Lines(ReadFile(path()));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(*CursorOfLine(lines.back()), 10u);
}

TEST_F(LeaseEventLogTest, DuplicatesAreSkippedAndCounted) {
  std::unique_ptr<LeaseEventLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  const std::vector<LeaseEvent> first = {MakeEvent(1), MakeEvent(2)};
  ASSERT_TRUE(log->Consume(first).ok());

  // At-least-once delivery: 1 and 2 again, then 3 (and 3 twice within the batch).
  const std::vector<LeaseEvent> again = {MakeEvent(1), MakeEvent(2), MakeEvent(3), MakeEvent(3),
                                         MakeEvent(4)};
  ASSERT_TRUE(log->Consume(again).ok());
  EXPECT_EQ(log->cursor(), 4u);
  EXPECT_EQ(log->duplicates_skipped(), 3u);
  EXPECT_EQ(log->events_written(), 4u);

  // All duplicates: nothing written.
  const std::string before = ReadFile(path());
  ASSERT_TRUE(log->Consume(first).ok());
  EXPECT_EQ(log->duplicates_skipped(), 5u);
  EXPECT_EQ(ReadFile(path()), before);

  std::vector<uint64_t> seqs;
  for (const std::string& line : Lines(ReadFile(path()))) seqs.push_back(*CursorOfLine(line));
  EXPECT_THAT(seqs, ElementsAre(1, 2, 3, 4));
}

TEST_F(LeaseEventLogTest, DuplicatesAfterReopenAreNotWrittenTwice) {
  {
    std::unique_ptr<LeaseEventLog> log = OpenLog();
    ASSERT_NE(log, nullptr);
    const std::vector<LeaseEvent> batch = {MakeEvent(1), MakeEvent(2), MakeEvent(3)};
    ASSERT_TRUE(log->Consume(batch).ok());
  }
  // The control process died before acknowledging: the stream sends 2.. again.
  std::unique_ptr<LeaseEventLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  const std::vector<LeaseEvent> resent = {MakeEvent(2), MakeEvent(3), MakeEvent(4)};
  ASSERT_TRUE(log->Consume(resent).ok());
  EXPECT_EQ(log->duplicates_skipped(), 2u);
  EXPECT_EQ(log->events_written(), 1u);
  std::vector<uint64_t> seqs;
  for (const std::string& line : Lines(ReadFile(path()))) seqs.push_back(*CursorOfLine(line));
  EXPECT_THAT(seqs, ElementsAre(1, 2, 3, 4));
}

// ---- torn last line ----

TEST_F(LeaseEventLogTest, TornLastLineIsCutOffAtOpen) {
  {
    std::unique_ptr<LeaseEventLog> log = OpenLog();
    ASSERT_NE(log, nullptr);
    const std::vector<LeaseEvent> batch = {MakeEvent(1), MakeEvent(2)};
    ASSERT_TRUE(log->Consume(batch).ok());
  }
  const std::string good = ReadFile(path());
  const std::string torn = LeaseEventLine(MakeEvent(3)).substr(0, 40);
  WriteFile(path(), torn, /*append=*/true);
  ASSERT_EQ(ReadFile(path()).size(), good.size() + torn.size());

  std::unique_ptr<LeaseEventLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->torn_bytes(), torn.size());
  EXPECT_EQ(log->cursor(), 2u);
  EXPECT_EQ(ReadFile(path()), good);

  // Event 3 is offered again and lands on a line of its own.
  const std::vector<LeaseEvent> again = {MakeEvent(3)};
  ASSERT_TRUE(log->Consume(again).ok());
  EXPECT_EQ(ReadFile(path()), good + LeaseEventLine(MakeEvent(3)) + "\n");
}

TEST_F(LeaseEventLogTest, FileOfOnlyATornLineBecomesEmpty) {
  const std::string torn = R"({"seq":1,"time":17)";
  WriteFile(path(), torn);
  std::unique_ptr<LeaseEventLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->torn_bytes(), torn.size());
  EXPECT_EQ(log->cursor(), 0u);
  EXPECT_EQ(ReadFile(path()), "");
}

TEST_F(LeaseEventLogTest, TornGarbageAfterAGoodLineIsCutNotFatal) {
  // The torn part need not parse; only complete lines are judged.
  WriteFile(path(), LeaseEventLine(MakeEvent(5)) + "\n" + "\x01\x02garbage");
  std::unique_ptr<LeaseEventLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->torn_bytes(), 9u);
  EXPECT_EQ(log->cursor(), 5u);
}

TEST_F(LeaseEventLogTest, TrailingEmptyLinesAreSkipped) {
  WriteFile(path(), LeaseEventLine(MakeEvent(5)) + "\n\n\n");
  std::unique_ptr<LeaseEventLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->cursor(), 5u);
  EXPECT_EQ(log->torn_bytes(), 0u);
}

TEST_F(LeaseEventLogTest, LongLastLineIsRead) {
  // Longer than the 64 KiB chunk Open reads backwards with.
  // Its start lies in a chunk that does not begin at byte 0.
  std::string text;
  for (uint64_t seq = 1; seq <= 1000; ++seq) text += LeaseEventLine(MakeEvent(seq)) + "\n";
  ASSERT_GT(text.size(), 3u * 65536);
  const std::string line =
      R"({"gap":{"first":1001,"last":1077},"pad":")" + std::string(200000, 'x') + R"("})";
  WriteFile(path(), text + line + "\n" + std::string(100000, 'y'));  // and a long torn tail
  std::unique_ptr<LeaseEventLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->cursor(), 1077u);
  EXPECT_EQ(log->torn_bytes(), 100000u);
  EXPECT_EQ(ReadFile(path()), text + line + "\n");
}

// ---- DataLoss ----

TEST_F(LeaseEventLogTest, GarbageLastLineIsDataLoss) {
  const std::string text = LeaseEventLine(MakeEvent(1)) + "\n" + "hello, world\n";
  WriteFile(path(), text);
  absl::StatusOr<std::unique_ptr<LeaseEventLog>> log = LeaseEventLog::Open(path());
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(log.status().message(), HasSubstr(path()));
  EXPECT_EQ(ReadFile(path()), text);  // nothing guessed, nothing cut
}

TEST_F(LeaseEventLogTest, NotALogWithATornTailIsLeftUntouched) {
  // Not a lease event log at all (a wrong path, say): refused before anything is
  // cut off, so the operator gets the file as it was.
  const std::string text = "first line\nsecond line\nno newline at the end";
  WriteFile(path(), text);
  absl::StatusOr<std::unique_ptr<LeaseEventLog>> log = LeaseEventLog::Open(path());
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(log.status().message(), HasSubstr("(byte 11)"));
  EXPECT_EQ(ReadFile(path()), text);
}

TEST_F(LeaseEventLogTest, JsonThatIsNotALogLineIsDataLoss) {
  WriteFile(path(), R"({"seq":"1"})" "\n");
  absl::StatusOr<std::unique_ptr<LeaseEventLog>> log = LeaseEventLog::Open(path());
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(LeaseEventLogTest, GarbageEarlierInTheFileIsNotJudged) {
  // Only the last line is the cursor; a rotated file may start with anything.
  WriteFile(path(), "# rotated from lease-events.jsonl.1\n" + LeaseEventLine(MakeEvent(8)) + "\n");
  std::unique_ptr<LeaseEventLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->cursor(), 8u);
}

// ---- Gap ----

TEST_F(LeaseEventLogTest, GapWritesALineAndMovesTheCursor) {
  std::unique_ptr<LeaseEventLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  const std::vector<LeaseEvent> batch = {MakeEvent(1), MakeEvent(2)};
  ASSERT_TRUE(log->Consume(batch).ok());
  ASSERT_TRUE(log->Gap(link::EventGap{.first = 3, .last = 95}).ok());
  EXPECT_EQ(log->cursor(), 95u);
  EXPECT_EQ(log->gaps(), 1u);
  std::vector<std::string> lines = Lines(ReadFile(path()));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2], R"({"gap":{"first":3,"last":95}})");

  // A gap wholly at or below the cursor is skipped.
  ASSERT_TRUE(log->Gap(link::EventGap{.first = 10, .last = 95}).ok());
  ASSERT_TRUE(log->Gap(link::EventGap{.first = 1, .last = 2}).ok());
  EXPECT_EQ(log->gaps(), 1u);
  EXPECT_EQ(Lines(ReadFile(path())).size(), 3u);

  // Events inside the gap are duplicates now.
  const std::vector<LeaseEvent> late = {MakeEvent(50), MakeEvent(96)};
  ASSERT_TRUE(log->Consume(late).ok());
  EXPECT_EQ(log->duplicates_skipped(), 1u);
  EXPECT_EQ(log->cursor(), 96u);

  log.reset();
  log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->cursor(), 96u);
}

TEST_F(LeaseEventLogTest, GapAsTheLastLineIsTheCursorAfterReopen) {
  {
    std::unique_ptr<LeaseEventLog> log = OpenLog();
    ASSERT_NE(log, nullptr);
    ASSERT_TRUE(log->Gap(link::EventGap{.first = 1, .last = 40}).ok());
  }
  std::unique_ptr<LeaseEventLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->cursor(), 40u);
}

// ---- SequenceReset ----

TEST_F(LeaseEventLogTest, SequenceResetWritesALineAndLowersTheCursor) {
  std::unique_ptr<LeaseEventLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  const std::vector<LeaseEvent> batch = {MakeEvent(119), MakeEvent(120)};
  ASSERT_TRUE(log->Consume(batch).ok());

  // Not below the cursor: nothing to reset.
  ASSERT_TRUE(log->SequenceReset(120).ok());
  EXPECT_EQ(log->cursor(), 120u);
  EXPECT_EQ(Lines(ReadFile(path())).size(), 2u);

  ASSERT_TRUE(log->SequenceReset(40).ok());
  EXPECT_EQ(log->cursor(), 40u);
  std::vector<std::string> lines = Lines(ReadFile(path()));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2], R"({"sequence-reset":{"log-seq":120,"dataplane-seq":40}})");

  // The reused numbers are written again after the reset line.
  const std::vector<LeaseEvent> reused = {MakeEvent(41)};
  ASSERT_TRUE(log->Consume(reused).ok());
  EXPECT_EQ(log->duplicates_skipped(), 0u);
  EXPECT_EQ(log->cursor(), 41u);

  log.reset();
  log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->cursor(), 41u);
}

TEST_F(LeaseEventLogTest, SequenceResetAsTheLastLineIsTheCursorAfterReopen) {
  {
    std::unique_ptr<LeaseEventLog> log = OpenLog();
    ASSERT_NE(log, nullptr);
    const std::vector<LeaseEvent> batch = {MakeEvent(9)};
    ASSERT_TRUE(log->Consume(batch).ok());
    ASSERT_TRUE(log->SequenceReset(0).ok());
    EXPECT_EQ(log->cursor(), 0u);
  }
  std::unique_ptr<LeaseEventLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->cursor(), 0u);
  const std::vector<LeaseEvent> fresh = {MakeEvent(1)};
  ASSERT_TRUE(log->Consume(fresh).ok());
  EXPECT_EQ(log->cursor(), 1u);
}

// ---- a failed batch leaves nothing behind ----

// Lowers RLIMIT_FSIZE so writes past `limit` bytes fail with EFBIG (SIGXFSZ
// ignored); restores both on destruction.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t limit) {
    getrlimit(RLIMIT_FSIZE, &old_);
    old_handler_ = signal(SIGXFSZ, SIG_IGN);
    rlimit r = old_;
    r.rlim_cur = limit;
    ok_ = setrlimit(RLIMIT_FSIZE, &r) == 0;
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &old_);
    signal(SIGXFSZ, old_handler_);
  }
  bool ok() const { return ok_; }

 private:
  rlimit old_{};
  sighandler_t old_handler_ = nullptr;
  bool ok_ = false;
};

TEST_F(LeaseEventLogTest, FailedBatchIsTruncatedBackAndOfferedAgainWhole) {
  std::unique_ptr<LeaseEventLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  const std::vector<LeaseEvent> first = {MakeEvent(1), MakeEvent(2)};
  ASSERT_TRUE(log->Consume(first).ok());
  const std::string good = ReadFile(path());

  // Room for part of the next batch only: the first write is short, the next fails.
  const std::vector<LeaseEvent> batch = {MakeEvent(1), MakeEvent(3), MakeEvent(4)};
  {
    FileSizeLimit limit(good.size() + 50);
    ASSERT_TRUE(limit.ok());
    absl::Status s = log->Consume(batch);
    EXPECT_FALSE(s.ok());
    EXPECT_THAT(s.message(), HasSubstr(path()));
  }
  EXPECT_EQ(ReadFile(path()), good);
  EXPECT_EQ(log->cursor(), 2u);
  EXPECT_EQ(log->events_written(), 2u);
  EXPECT_EQ(log->duplicates_skipped(), 0u);  // offered again, counted then

  // The same batch, offered again, goes in whole and once.
  ASSERT_TRUE(log->Consume(batch).ok());
  EXPECT_EQ(log->cursor(), 4u);
  EXPECT_EQ(log->duplicates_skipped(), 1u);
  EXPECT_EQ(ReadFile(path()),
            good + LeaseEventLine(MakeEvent(3)) + "\n" + LeaseEventLine(MakeEvent(4)) + "\n");
}

TEST_F(LeaseEventLogTest, FailedGapAndResetLeaveTheCursor) {
  std::unique_ptr<LeaseEventLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  const std::vector<LeaseEvent> first = {MakeEvent(10)};
  ASSERT_TRUE(log->Consume(first).ok());
  const std::string good = ReadFile(path());
  {
    FileSizeLimit limit(good.size() + 5);
    ASSERT_TRUE(limit.ok());
    EXPECT_FALSE(log->Gap(link::EventGap{.first = 11, .last = 20}).ok());
    EXPECT_FALSE(log->SequenceReset(3).ok());
  }
  EXPECT_EQ(ReadFile(path()), good);
  EXPECT_EQ(log->cursor(), 10u);
  EXPECT_EQ(log->gaps(), 0u);

  log.reset();
  log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->cursor(), 10u);
  EXPECT_EQ(log->torn_bytes(), 0u);
}

}  // namespace
}  // namespace fastlease::control
