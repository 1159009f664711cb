// The dataplane link's framing and message bodies (control/link/link_protocol.h).
#include "control/link/link_protocol.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fastlease::link {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

void Put16(std::string& s, size_t at, uint16_t v) {
  s[at] = char(v & 0xff);
  s[at + 1] = char(v >> 8);
}
void Put32(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = char((v >> (8 * i)) & 0xff);
}

// Feeds every frame; returns the messages, or the first error in `error`.
std::vector<Message> ReadAll(FrameReader& reader, const std::vector<std::string>& frames,
                             FrameError* error = nullptr) {
  std::vector<Message> out;
  for (const std::string& f : frames) {
    FrameError e = reader.Feed(Bytes(f), [&](Message&& m) { out.push_back(std::move(m)); });
    if (e != FrameError::kNone) {
      if (error != nullptr) *error = e;
      return out;
    }
  }
  if (error != nullptr) *error = FrameError::kNone;
  return out;
}

std::string OneFrame(MessageType type, uint64_t id, const std::string& payload) {
  FrameWriter w;
  w.Add(type, id, payload);
  std::vector<std::string> frames = w.Take();
  EXPECT_THAT(frames, SizeIs(1));
  return frames.empty() ? std::string() : frames[0];
}

TEST(FrameTest, OneMessageRoundTrip) {
  FrameWriter w;
  w.Add(MessageType::kCommand, 42, R"({"command": "status-get"})");
  EXPECT_FALSE(w.empty());
  std::vector<std::string> frames = w.Take();
  EXPECT_TRUE(w.empty());
  ASSERT_THAT(frames, SizeIs(1));
  EXPECT_EQ(frames[0].size() % 8, 0u);  // payloads are padded to 8
  FrameReader r;
  std::vector<Message> m = ReadAll(r, frames);
  ASSERT_THAT(m, SizeIs(1));
  EXPECT_EQ(m[0].type, MessageType::kCommand);
  EXPECT_EQ(m[0].id, 42u);
  EXPECT_EQ(m[0].payload, R"({"command": "status-get"})");
}

TEST(FrameTest, EmptyPayloadRoundTrip) {
  FrameReader r;
  std::vector<Message> m = ReadAll(r, {OneFrame(MessageType::kAnswer, 0, "")});
  ASSERT_THAT(m, SizeIs(1));
  EXPECT_EQ(m[0].payload, "");
}

TEST(FrameTest, ManySmallMessagesAreBatchedInOrder) {
  FrameWriter w;
  for (uint64_t i = 0; i < 1000; ++i) w.Add(MessageType::kAnswer, i, std::string(i % 13, 'a' + i % 26));
  std::vector<std::string> frames = w.Take();
  ASSERT_THAT(frames, SizeIs(1));  // about 40 KB: one frame
  EXPECT_LE(frames[0].size(), kMaxFrameSize);
  FrameReader r;
  std::vector<Message> m = ReadAll(r, frames);
  ASSERT_THAT(m, SizeIs(1000));
  for (uint64_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(m[i].id, i);
    EXPECT_EQ(m[i].payload, std::string(i % 13, 'a' + i % 26));
  }
}

TEST(FrameTest, BatchesSpillIntoSeveralFramesUnderTheLimit) {
  FrameWriter w;
  const std::string payload(1000, 'x');
  for (uint64_t i = 0; i < 200; ++i) w.Add(MessageType::kLeaseEvents, 0, payload);
  std::vector<std::string> frames = w.Take();
  EXPECT_GT(frames.size(), 2u);
  for (const std::string& f : frames) EXPECT_LE(f.size(), kMaxFrameSize);
  FrameReader r;
  std::vector<Message> m = ReadAll(r, frames);
  ASSERT_THAT(m, SizeIs(200));
  for (const Message& msg : m) EXPECT_EQ(msg.payload, payload);
}

TEST(FrameTest, LargeMessageIsSplitAcrossFramesAndJoined) {
  std::string payload(300000, '\0');
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = char(i * 7 + 3);
  FrameWriter w;
  w.Add(MessageType::kAnswer, 9, payload);
  std::vector<std::string> frames = w.Take();
  ASSERT_GE(frames.size(), 5u);
  for (const std::string& f : frames) EXPECT_LE(f.size(), kMaxFrameSize);
  FrameReader r;
  std::vector<Message> got;
  for (size_t i = 0; i < frames.size(); ++i) {
    ASSERT_EQ(r.Feed(Bytes(frames[i]), [&](Message&& m) { got.push_back(std::move(m)); }),
              FrameError::kNone);
    EXPECT_EQ(got.size(), i + 1 == frames.size() ? 1u : 0u) << "delivered before the last piece";
  }
  ASSERT_THAT(got, SizeIs(1));
  EXPECT_EQ(got[0].id, 9u);
  EXPECT_EQ(got[0].payload, payload);
}

TEST(FrameTest, SplitMessagesOfDifferentIdsInterleave) {
  const std::string a(100000, 'a');
  const std::string b(100000, 'b');
  FrameWriter wa;
  wa.Add(MessageType::kAnswer, 1, a);
  FrameWriter wb;
  wb.Add(MessageType::kAnswer, 2, b);
  std::vector<std::string> fa = wa.Take();
  std::vector<std::string> fb = wb.Take();
  std::vector<std::string> mixed;
  for (size_t i = 0; i < std::max(fa.size(), fb.size()); ++i) {
    if (i < fa.size()) mixed.push_back(fa[i]);
    if (i < fb.size()) mixed.push_back(fb[i]);
  }
  FrameReader r;
  std::vector<Message> m = ReadAll(r, mixed);
  ASSERT_THAT(m, SizeIs(2));
  EXPECT_EQ(m[0].payload.size() + m[1].payload.size(), 200000u);
  for (const Message& msg : m) EXPECT_EQ(msg.payload, msg.id == 1 ? a : b);
}

TEST(FrameTest, SmallMessagesAfterASplitOneShareItsLastFrame) {
  FrameWriter w;
  w.Add(MessageType::kAnswer, 1, std::string(70000, 'z'));
  w.Add(MessageType::kEventGap, 0, EncodeEventGap({5, 9}));
  w.Add(MessageType::kAnswer, 2, "ok");
  std::vector<std::string> frames = w.Take();
  ASSERT_THAT(frames, SizeIs(2));
  FrameReader r;
  std::vector<Message> m = ReadAll(r, frames);
  ASSERT_THAT(m, SizeIs(3));
  EXPECT_EQ(m[0].payload.size(), 70000u);
  EXPECT_EQ(m[1].type, MessageType::kEventGap);
  EXPECT_EQ(m[2].payload, "ok");
}

// ---- every FrameError ----

TEST(FrameErrorTest, TooShort) {
  FrameReader r;
  const std::string f = OneFrame(MessageType::kAnswer, 1, "x");
  EXPECT_EQ(r.Feed(Bytes(f.substr(0, 7)), [](Message&&) {}), FrameError::kTooShort);
  EXPECT_EQ(r.Feed({}, [](Message&&) {}), FrameError::kTooShort);
}

TEST(FrameErrorTest, BadMagic) {
  std::string f = OneFrame(MessageType::kAnswer, 1, "x");
  f[0] ^= 0x20;
  FrameReader r;
  EXPECT_EQ(r.Feed(Bytes(f), [](Message&&) { ADD_FAILURE(); }), FrameError::kBadMagic);
}

TEST(FrameErrorTest, BadVersion) {
  std::string f = OneFrame(MessageType::kAnswer, 1, "x");
  Put16(f, 4, kVersion + 1);
  FrameReader r;
  EXPECT_EQ(r.Feed(Bytes(f), [](Message&&) { ADD_FAILURE(); }), FrameError::kBadVersion);
}

TEST(FrameErrorTest, TruncatedHeader) {
  std::string f = OneFrame(MessageType::kAnswer, 1, "x");
  FrameReader r;
  // The frame says one message but ends inside its header.
  EXPECT_EQ(r.Feed(Bytes(f.substr(0, kFrameHeaderSize + 10)), [](Message&&) { ADD_FAILURE(); }),
            FrameError::kTruncated);
}

TEST(FrameErrorTest, TruncatedPayload) {
  std::string f = OneFrame(MessageType::kAnswer, 1, std::string(100, 'p'));
  FrameReader r;
  EXPECT_EQ(r.Feed(Bytes(f.substr(0, f.size() - 8)), [](Message&&) { ADD_FAILURE(); }),
            FrameError::kTruncated);
}

TEST(FrameErrorTest, CountLargerThanTheMessages) {
  std::string f = OneFrame(MessageType::kAnswer, 1, "x");
  Put16(f, 6, 2);
  FrameReader r;
  int delivered = 0;
  EXPECT_EQ(r.Feed(Bytes(f), [&](Message&&) { ++delivered; }), FrameError::kTruncated);
  EXPECT_EQ(delivered, 1);  // the good one before the error
}

TEST(FrameErrorTest, LengthRunsPastTheEnd) {
  std::string f = OneFrame(MessageType::kAnswer, 1, "12345678");
  Put32(f, kFrameHeaderSize + 4, 1u << 30);
  FrameReader r;
  EXPECT_EQ(r.Feed(Bytes(f), [](Message&&) { ADD_FAILURE(); }), FrameError::kTruncated);
}

TEST(FrameErrorTest, TrailingBytes) {
  std::string f = OneFrame(MessageType::kAnswer, 1, "x") + std::string(8, '\0');
  FrameReader r;
  EXPECT_EQ(r.Feed(Bytes(f), [](Message&&) {}), FrameError::kTrailingBytes);
}

TEST(FrameErrorTest, UnknownType) {
  std::string f = OneFrame(MessageType::kAnswer, 1, "x");
  Put16(f, kFrameHeaderSize, 77);
  FrameReader r;
  EXPECT_EQ(r.Feed(Bytes(f), [](Message&&) { ADD_FAILURE(); }), FrameError::kUnknownType);
  Put16(f, kFrameHeaderSize, 0);
  EXPECT_EQ(r.Feed(Bytes(f), [](Message&&) { ADD_FAILURE(); }), FrameError::kUnknownType);
}

TEST(FrameErrorTest, OversizeWholeMessage) {
  FrameReader r(/*max_message=*/1000);
  EXPECT_EQ(r.Feed(Bytes(OneFrame(MessageType::kAnswer, 1, std::string(1001, 'o'))),
                   [](Message&&) { ADD_FAILURE(); }),
            FrameError::kMessageTooLarge);
  EXPECT_EQ(r.Feed(Bytes(OneFrame(MessageType::kAnswer, 1, std::string(1000, 'o'))),
                   [](Message&&) {}),
            FrameError::kNone);
}

TEST(FrameErrorTest, OversizeSplitMessage) {
  FrameWriter w(/*max_frame=*/512);
  w.Add(MessageType::kAnswer, 3, std::string(5000, 's'));
  std::vector<std::string> frames = w.Take();
  ASSERT_GT(frames.size(), 9u);
  FrameReader r(/*max_message=*/4096);
  FrameError e = FrameError::kNone;
  std::vector<Message> m = ReadAll(r, frames, &e);
  EXPECT_EQ(e, FrameError::kMessageTooLarge);
  EXPECT_THAT(m, SizeIs(0));
}

TEST(FrameErrorTest, ResetDropsHalfJoinedMessages) {
  FrameWriter w(/*max_frame=*/256);
  w.Add(MessageType::kAnswer, 3, std::string(1000, 's'));
  std::vector<std::string> frames = w.Take();
  FrameReader r;
  ASSERT_EQ(r.Feed(Bytes(frames[0]), [](Message&&) { ADD_FAILURE(); }), FrameError::kNone);
  r.Reset();
  // The last piece alone is now a whole message of its own size.
  std::vector<Message> m;
  ASSERT_EQ(r.Feed(Bytes(frames.back()), [&](Message&& msg) { m.push_back(std::move(msg)); }),
            FrameError::kNone);
  ASSERT_THAT(m, SizeIs(1));
  EXPECT_LT(m[0].payload.size(), 1000u);
}

TEST(FrameErrorTest, NamesAreDistinct) {
  std::vector<std::string> names;
  for (FrameError e : {FrameError::kNone, FrameError::kTooShort, FrameError::kBadMagic,
                       FrameError::kBadVersion, FrameError::kTruncated, FrameError::kTrailingBytes,
                       FrameError::kMessageTooLarge, FrameError::kUnknownType}) {
    names.push_back(FrameErrorName(e));
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::unique(names.begin(), names.end()), names.end());
}

// ---- bodies ----

TEST(BodyTest, Hello) {
  Hello h;
  h.resume_seq = 0x0102030405060708ull;
  Hello out;
  ASSERT_TRUE(DecodeHello(EncodeHello(h), out));
  EXPECT_EQ(out.version, kVersion);
  EXPECT_EQ(out.resume_seq, h.resume_seq);
  EXPECT_FALSE(DecodeHello("short", out));
}

TEST(BodyTest, HelloAck) {
  HelloAck a{kVersion, 17, 99, 4242, 1764000000};
  HelloAck out;
  ASSERT_TRUE(DecodeHelloAck(EncodeHelloAck(a), out));
  EXPECT_EQ(out.first_event_seq, 17u);
  EXPECT_EQ(out.last_event_seq, 99u);
  EXPECT_EQ(out.pid, 4242u);
  EXPECT_EQ(out.started_unix, 1764000000u);
  EXPECT_FALSE(DecodeHelloAck(EncodeHelloAck(a) + "x", out));
}

TEST(BodyTest, U64AndGap) {
  uint64_t v = 0;
  ASSERT_TRUE(DecodeU64(EncodeU64(123456789012345ull), v));
  EXPECT_EQ(v, 123456789012345ull);
  EXPECT_FALSE(DecodeU64("1234567", v));
  EventGap g;
  ASSERT_TRUE(DecodeEventGap(EncodeEventGap({3, 8}), g));
  EXPECT_EQ(g.first, 3u);
  EXPECT_EQ(g.last, 8u);
  EXPECT_FALSE(DecodeEventGap(EncodeEventGap({9, 8}), g));  // first > last
}

TEST(BodyTest, Punt) {
  const std::vector<uint8_t> frame = {1, 2, 3, 4, 5};
  std::string p = EncodePunt({2, 7, 3}, frame);
  PuntHeader h;
  std::span<const uint8_t> out;
  ASSERT_TRUE(DecodePunt(p, h, out));
  EXPECT_EQ(h.port, 2);
  EXPECT_EQ(h.reason, 7);
  EXPECT_EQ(h.lcore, 3u);
  EXPECT_THAT(std::vector<uint8_t>(out.begin(), out.end()), ElementsAre(1, 2, 3, 4, 5));
  EXPECT_FALSE(DecodePunt("1234567", h, out));
}

}  // namespace
}  // namespace fastlease::link
