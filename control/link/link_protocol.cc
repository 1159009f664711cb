#include "control/link/link_protocol.h"

namespace fastlease::link {
namespace {

void Put16(std::string& s, uint16_t v) {
  s.push_back(char(v & 0xff));
  s.push_back(char(v >> 8));
}
void Put32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(char((v >> (8 * i)) & 0xff));
}
void Put64(std::string& s, uint64_t v) {
  for (int i = 0; i < 8; ++i) s.push_back(char((v >> (8 * i)) & 0xff));
}
uint16_t Get16(const uint8_t* p) { return uint16_t(p[0] | p[1] << 8); }
uint32_t Get32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
uint64_t Get64(const uint8_t* p) { return uint64_t(Get32(p)) | uint64_t(Get32(p + 4)) << 32; }
const uint8_t* Bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

size_t Padded(size_t n) { return (n + 7) & ~size_t(7); }

bool KnownType(uint16_t t) {
  return t >= uint16_t(MessageType::kHello) && t <= uint16_t(MessageType::kInject);
}

}  // namespace

const char* MessageTypeName(MessageType t) {
  switch (t) {
    case MessageType::kHello: return "hello";
    case MessageType::kHelloAck: return "hello-ack";
    case MessageType::kCommand: return "command";
    case MessageType::kAnswer: return "answer";
    case MessageType::kLeaseEvents: return "lease-events";
    case MessageType::kEventAck: return "event-ack";
    case MessageType::kEventGap: return "event-gap";
    case MessageType::kPunt: return "punt";
    case MessageType::kInject: return "inject";
  }
  return "unknown";
}

const char* FrameErrorName(FrameError e) {
  switch (e) {
    case FrameError::kNone: return "none";
    case FrameError::kTooShort: return "frame shorter than its header";
    case FrameError::kBadMagic: return "bad magic";
    case FrameError::kBadVersion: return "unsupported link version";
    case FrameError::kTruncated: return "message runs past the end of the frame";
    case FrameError::kTrailingBytes: return "bytes after the last message";
    case FrameError::kMessageTooLarge: return "message larger than the limit";
    case FrameError::kUnknownType: return "unknown message type";
  }
  return "unknown";
}

std::string EncodeHello(const Hello& h) {
  std::string s;
  Put16(s, h.version);
  Put16(s, 0);
  Put32(s, 0);
  Put64(s, h.resume_seq);
  return s;
}

bool DecodeHello(std::string_view p, Hello& out) {
  if (p.size() != 16) return false;
  out.version = Get16(Bytes(p));
  out.resume_seq = Get64(Bytes(p) + 8);
  return true;
}

std::string EncodeHelloAck(const HelloAck& h) {
  std::string s;
  Put16(s, h.version);
  Put16(s, 0);
  Put32(s, h.pid);
  Put64(s, h.first_event_seq);
  Put64(s, h.last_event_seq);
  Put64(s, h.started_unix);
  return s;
}

bool DecodeHelloAck(std::string_view p, HelloAck& out) {
  if (p.size() != 32) return false;
  out.version = Get16(Bytes(p));
  out.pid = Get32(Bytes(p) + 4);
  out.first_event_seq = Get64(Bytes(p) + 8);
  out.last_event_seq = Get64(Bytes(p) + 16);
  out.started_unix = Get64(Bytes(p) + 24);
  return true;
}

std::string EncodeU64(uint64_t v) {
  std::string s;
  Put64(s, v);
  return s;
}

bool DecodeU64(std::string_view p, uint64_t& out) {
  if (p.size() != 8) return false;
  out = Get64(Bytes(p));
  return true;
}

std::string EncodeEventGap(const EventGap& g) {
  std::string s;
  Put64(s, g.first);
  Put64(s, g.last);
  return s;
}

bool DecodeEventGap(std::string_view p, EventGap& out) {
  if (p.size() != 16) return false;
  out.first = Get64(Bytes(p));
  out.last = Get64(Bytes(p) + 8);
  return out.first <= out.last;
}

std::string EncodePunt(const PuntHeader& h, std::span<const uint8_t> frame) {
  std::string s;
  s.reserve(kPuntHeaderSize + frame.size());
  Put16(s, h.port);
  Put16(s, h.reason);
  Put32(s, h.lcore);
  s.append(reinterpret_cast<const char*>(frame.data()), frame.size());
  return s;
}

bool DecodePunt(std::string_view p, PuntHeader& h, std::span<const uint8_t>& frame) {
  if (p.size() < kPuntHeaderSize) return false;
  h.port = Get16(Bytes(p));
  h.reason = Get16(Bytes(p) + 2);
  h.lcore = Get32(Bytes(p) + 4);
  frame = std::span<const uint8_t>(Bytes(p) + kPuntHeaderSize, p.size() - kPuntHeaderSize);
  return true;
}

void FrameWriter::Close() {
  if (current_.empty()) return;
  current_[6] = char(count_ & 0xff);
  current_[7] = char(count_ >> 8);
  frames_.push_back(std::move(current_));
  current_.clear();
  count_ = 0;
}

void FrameWriter::Add(MessageType type, uint64_t id, std::string_view payload) {
  size_t offset = 0;
  do {
    if (!current_.empty() &&
        (current_.size() + kMessageHeaderSize + 8 > max_frame_ || count_ == UINT16_MAX)) {
      Close();
    }
    if (current_.empty()) {
      Put32(current_, kMagic);
      Put16(current_, kVersion);
      Put16(current_, 0);  // count, set by Close()
    }
    const size_t room = (max_frame_ - current_.size() - kMessageHeaderSize) & ~size_t(7);
    const size_t piece = std::min(room, payload.size() - offset);
    const bool more = offset + piece < payload.size();
    Put16(current_, uint16_t(type));
    Put16(current_, more ? kFlagMore : 0);
    Put32(current_, uint32_t(piece));
    Put64(current_, id);
    current_.append(payload.substr(offset, piece));
    current_.append(Padded(piece) - piece, '\0');
    ++count_;
    offset += piece;
    if (more) Close();
  } while (offset < payload.size());
}

std::vector<std::string> FrameWriter::Take() {
  Close();
  std::vector<std::string> out = std::move(frames_);
  frames_.clear();
  return out;
}

FrameError FrameReader::Feed(std::span<const uint8_t> f,
                             const std::function<void(Message&&)>& deliver) {
  if (f.size() < kFrameHeaderSize) return FrameError::kTooShort;
  if (Get32(f.data()) != kMagic) return FrameError::kBadMagic;
  if (Get16(f.data() + 4) != kVersion) return FrameError::kBadVersion;
  const uint16_t count = Get16(f.data() + 6);
  size_t pos = kFrameHeaderSize;
  for (uint16_t i = 0; i < count; ++i) {
    if (f.size() - pos < kMessageHeaderSize) return FrameError::kTruncated;
    const uint8_t* h = f.data() + pos;
    const uint16_t type = Get16(h);
    const uint16_t flags = Get16(h + 2);
    const uint32_t length = Get32(h + 4);
    const uint64_t id = Get64(h + 8);
    pos += kMessageHeaderSize;
    if (f.size() - pos < Padded(length)) return FrameError::kTruncated;
    if (!KnownType(type)) return FrameError::kUnknownType;
    const std::string_view piece(reinterpret_cast<const char*>(f.data() + pos), length);
    pos += Padded(length);
    const auto key = std::make_pair(type, id);
    auto it = partial_.find(key);
    if (it == partial_.end() && !(flags & kFlagMore)) {
      if (length > max_message_) return FrameError::kMessageTooLarge;
      deliver(Message{MessageType(type), id, std::string(piece)});
      continue;
    }
    if (it == partial_.end()) {
      it = partial_.emplace(key, Message{MessageType(type), id, {}}).first;
    }
    if (it->second.payload.size() + length > max_message_) {
      partial_.erase(it);
      return FrameError::kMessageTooLarge;
    }
    it->second.payload.append(piece);
    if (!(flags & kFlagMore)) {
      Message m = std::move(it->second);
      partial_.erase(it);
      deliver(std::move(m));
    }
  }
  if (pos != f.size()) return FrameError::kTrailingBytes;
  return FrameError::kNone;
}

}  // namespace fastlease::link
