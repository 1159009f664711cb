// The dataplane link: how fastlease-control and fastlease-dataplane talk.
//
// Transport: a Unix SOCK_SEQPACKET socket. The dataplane listens (one control
// process at a time; a second connection is refused with an Answer carrying an
// error), the control process connects and reconnects. Both ends run on one
// host, so integers are encoded little-endian explicitly but no other
// portability is attempted.
//
// One socket record is one frame: a FrameHeader, then `count` messages, each a
// MessageHeader and `length` payload bytes padded to a multiple of 8. Messages
// are batched into frames of at most kMaxFrameSize bytes. A payload larger than
// what fits is split: every piece but the last carries kFlagMore, all pieces
// share type and id, and the receiver joins them (up to kMaxMessageSize; more
// is a protocol error and the connection is closed).
//
// Conversation:
//   control → Hello{version, resume_seq}   first message after connecting
//   dataplane → HelloAck{version, first_event_seq, last_event_seq, pid, started}
//   control → Command(id, JSON {"command": ..., "arguments": ...})
//   dataplane → Answer(id, JSON {"result": ..., "text": ..., "arguments": ...})
//   dataplane → LeaseEvents(payload: encoded lease events, seq ascending)
//   control → EventAck(seq)        every event <= seq is consumed durably
//   dataplane → EventGap{first, last}   events first..last are gone (retention)
//   dataplane → Punt(id, PuntHeader + frame)    a packet for the control plane
//   control → Inject(PuntHeader + frame)        a frame for the dataplane to send
//
// Lease events: the dataplane sends events with seq > the acknowledged one, at
// most kEventWindow unacknowledged at a time. On (re)connect it starts after
// Hello.resume_seq - 1, i.e. at resume_seq. When resume_seq is older than the
// oldest retained event, it first sends EventGap for the missing range.
// Delivery is therefore at-least-once from the acknowledged point: a control
// process that dies after consuming but before acknowledging sees those events
// again, recognisable by their seq.
//
// Config pushes and statistics ride on Command/Answer (config-set,
// statistic-get-all, ...). Everything here allocates; neither side uses it on a
// packet path.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <map>
#include <utility>
#include <vector>

namespace fastlease::link {

inline constexpr uint32_t kMagic = 0x314b4c46;  // "FLK1" read as little-endian bytes
inline constexpr uint16_t kVersion = 1;
inline constexpr size_t kMaxFrameSize = 65536;
inline constexpr size_t kMaxMessageSize = 64u << 20;
inline constexpr size_t kFrameHeaderSize = 8;
inline constexpr size_t kMessageHeaderSize = 16;
// Most unacknowledged lease events the dataplane has in flight.
inline constexpr uint64_t kEventWindow = 65536;
inline constexpr uint16_t kFlagMore = 1;

enum class MessageType : uint16_t {
  kHello = 1,
  kHelloAck = 2,
  kCommand = 3,
  kAnswer = 4,
  kLeaseEvents = 5,
  kEventAck = 6,
  kEventGap = 7,
  kPunt = 8,
  kInject = 9,
};
const char* MessageTypeName(MessageType t);

// One whole (reassembled) message.
struct Message {
  MessageType type = MessageType::kCommand;
  uint64_t id = 0;
  std::string payload;
};

struct Hello {
  uint16_t version = kVersion;
  uint64_t resume_seq = 1;  // first lease event the control process still needs
};
struct HelloAck {
  uint16_t version = kVersion;
  uint64_t first_event_seq = 1;  // oldest retained (last_event_seq + 1 when none)
  uint64_t last_event_seq = 0;   // newest written
  uint32_t pid = 0;
  uint64_t started_unix = 0;
};
struct EventGap {
  uint64_t first = 0;
  uint64_t last = 0;
};
// Before the frame bytes of a Punt or Inject.
struct PuntHeader {
  uint16_t port = 0;    // dataplane port index (order of Dataplane/ports)
  uint16_t reason = 0;  // why it was punted (Punt); 0 for Inject
  uint32_t lcore = 0;   // lcore of the worker that punted it (Inject: ignored)
};
inline constexpr size_t kPuntHeaderSize = 8;

std::string EncodeHello(const Hello& h);
bool DecodeHello(std::string_view payload, Hello& out);
std::string EncodeHelloAck(const HelloAck& h);
bool DecodeHelloAck(std::string_view payload, HelloAck& out);
std::string EncodeU64(uint64_t v);
bool DecodeU64(std::string_view payload, uint64_t& out);
std::string EncodeEventGap(const EventGap& g);
bool DecodeEventGap(std::string_view payload, EventGap& out);
std::string EncodePunt(const PuntHeader& h, std::span<const uint8_t> frame);
bool DecodePunt(std::string_view payload, PuntHeader& h, std::span<const uint8_t>& frame);

// Packs messages into frames of at most kMaxFrameSize bytes.
//   FrameWriter w;
//   w.Add(MessageType::kAnswer, 7, json_text);
//   for (const std::string& f : w.Take()) send(fd, f.data(), f.size(), 0);
class FrameWriter {
 public:
  explicit FrameWriter(size_t max_frame = kMaxFrameSize) : max_frame_(max_frame) {}
  void Add(MessageType type, uint64_t id, std::string_view payload);
  // The finished frames, oldest first; the writer is empty afterwards.
  std::vector<std::string> Take();
  bool empty() const { return frames_.empty() && current_.empty(); }

 private:
  void Close();
  size_t max_frame_;
  std::vector<std::string> frames_;
  std::string current_;
  uint16_t count_ = 0;
};

enum class FrameError : uint8_t {
  kNone = 0,
  kTooShort,        // smaller than a frame header
  kBadMagic,
  kBadVersion,
  kTruncated,       // a message header or payload runs past the end
  kTrailingBytes,   // bytes after the last message
  kMessageTooLarge, // a reassembled message would exceed kMaxMessageSize
  kUnknownType,
};
const char* FrameErrorName(FrameError e);

// Reads frames and hands out whole messages (pieces joined).
//   FrameReader r;
//   FrameError e = r.Feed(bytes, [&](Message&& m) { ... });
//   if (e != FrameError::kNone) close the connection;
class FrameReader {
 public:
  explicit FrameReader(size_t max_message = kMaxMessageSize) : max_message_(max_message) {}
  FrameError Feed(std::span<const uint8_t> frame, const std::function<void(Message&&)>& deliver);
  void Reset() { partial_.clear(); }

 private:
  size_t max_message_;
  // Pieces of split messages waiting for their last piece, by (type, id).
  std::map<std::pair<uint16_t, uint64_t>, Message> partial_;
};

}  // namespace fastlease::link
