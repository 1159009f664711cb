#include "dataplane/link_server.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <thread>

#include "absl/strings/str_cat.h"
#include "dataplane/log.h"

namespace fastlease::dataplane {
namespace {

// Events per LeaseEvents message (≈ 60 bytes each: well inside one frame).
constexpr size_t kEventsPerMessage = 900;
// Stop reading events while this many frames wait to be sent.
constexpr size_t kEventQueueHighWater = 16;

}  // namespace

absl::StatusOr<std::unique_ptr<LinkServer>> LinkServer::Listen(const std::string& path,
                                                              const leasedb::LeaseStore* store,
                                                              Callbacks callbacks) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    return absl::InvalidArgumentError(absl::StrCat("control link path too long: ", path));
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  const int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", strerror(errno)));
  unlink(path.c_str());  // a stale socket from a previous run
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 4) != 0) {
    const int e = errno;
    close(fd);
    return absl::InternalError(absl::StrCat("control link ", path, ": ", strerror(e)));
  }
  chmod(path.c_str(), 0660);
  return std::unique_ptr<LinkServer>(new LinkServer(path, fd, store, std::move(callbacks)));
}

LinkServer::LinkServer(std::string path, int listen_fd, const leasedb::LeaseStore* store,
                       Callbacks cb)
    : path_(std::move(path)), listen_fd_(listen_fd), store_(store), cb_(std::move(cb)) {}

LinkServer::~LinkServer() {
  if (conn_fd_ >= 0) close(conn_fd_);
  if (listen_fd_ >= 0) {
    close(listen_fd_);
    unlink(path_.c_str());
  }
}

void LinkServer::Disconnect(const std::string& why) {
  if (conn_fd_ < 0) return;
  Log("control link: disconnected ({})", why);
  close(conn_fd_);
  conn_fd_ = -1;
  hello_done_ = false;
  out_.clear();
  reader_.Reset();
}

void LinkServer::Accept() {
  for (;;) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    if (conn_fd_ >= 0) {
      link::FrameWriter w;
      w.Add(link::MessageType::kAnswer, 0,
            R"({"result": 1, "text": "another control process is connected to this dataplane"})");
      for (const std::string& f : w.Take()) send(fd, f.data(), f.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      close(fd);
      Log("control link: refused a second control process");
      continue;
    }
    conn_fd_ = fd;
    hello_done_ = false;
    ++connections_;
    Log("control link: control process connected");
  }
}

void LinkServer::Read() {
  static thread_local std::vector<uint8_t> buf(link::kMaxFrameSize + 1);
  while (conn_fd_ >= 0) {
    const ssize_t n = recv(conn_fd_, buf.data(), buf.size(), MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      Disconnect(strerror(errno));
      return;
    }
    if (n == 0) {
      Disconnect("closed by the control process");
      return;
    }
    if (size_t(n) > link::kMaxFrameSize) {
      Disconnect("frame larger than the link allows");
      return;
    }
    const link::FrameError e = reader_.Feed({buf.data(), size_t(n)},
                                            [this](link::Message&& m) { Handle(std::move(m)); });
    if (e != link::FrameError::kNone) {
      Disconnect(absl::StrCat("protocol error: ", link::FrameErrorName(e)));
      return;
    }
  }
}

void LinkServer::Handle(link::Message&& m) {
  if (!hello_done_ && m.type != link::MessageType::kHello) {
    Disconnect("the first message was not Hello");
    return;
  }
  switch (m.type) {
    case link::MessageType::kHello: {
      link::Hello h;
      if (!link::DecodeHello(m.payload, h) || h.version != link::kVersion) {
        Disconnect("bad Hello");
        return;
      }
      const uint64_t first = store_->FirstEventSeq();
      const uint64_t last = store_->LastEventSeq();
      next_seq_ = std::max<uint64_t>(h.resume_seq, 1);
      acked_seq_ = next_seq_ - 1;
      hello_done_ = true;
      link::HelloAck ack;
      ack.first_event_seq = first;
      ack.last_event_seq = last;
      ack.pid = uint32_t(getpid());
      ack.started_unix = uint64_t(std::time(nullptr));
      Enqueue(link::MessageType::kHelloAck, m.id, link::EncodeHelloAck(ack));
      if (next_seq_ > last + 1) next_seq_ = last + 1;  // a control ahead of a wiped store
      if (next_seq_ < first) {
        Enqueue(link::MessageType::kEventGap, 0, link::EncodeEventGap({next_seq_, first - 1}));
        ++gaps_;
        Log("control link: events {}..{} are no longer retained; told the control process",
            next_seq_, first - 1);
        next_seq_ = first;
        acked_seq_ = first - 1;
      }
      Log("control link: hello, resuming lease events at {}", next_seq_);
      return;
    }
    case link::MessageType::kCommand:
      if (cb_.on_command) cb_.on_command(m.id, std::move(m.payload));
      return;
    case link::MessageType::kEventAck: {
      uint64_t seq = 0;
      if (link::DecodeU64(m.payload, seq) && seq > acked_seq_) acked_seq_ = std::min(seq, next_seq_ - 1);
      return;
    }
    case link::MessageType::kInject: {
      link::PuntHeader h;
      std::span<const uint8_t> frame;
      if (link::DecodePunt(m.payload, h, frame) && cb_.on_inject) cb_.on_inject(h, frame);
      return;
    }
    default:
      Disconnect(absl::StrCat("unexpected message ", link::MessageTypeName(m.type)));
      return;
  }
}

void LinkServer::Enqueue(link::MessageType type, uint64_t id, std::string_view payload) {
  if (conn_fd_ < 0) return;
  link::FrameWriter w;
  w.Add(type, id, payload);
  for (std::string& f : w.Take()) out_.push_back(std::move(f));
  if (out_.size() > kMaxQueuedFrames) Disconnect("the control process is not reading");
}

void LinkServer::SendQueued() {
  while (conn_fd_ >= 0 && !out_.empty()) {
    const std::string& f = out_.front();
    const ssize_t n = send(conn_fd_, f.data(), f.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      Disconnect(strerror(errno));
      return;
    }
    out_.pop_front();
  }
}

void LinkServer::StreamEvents(uint64_t last_event_seq) {
  while (connected() && next_seq_ <= last_event_seq && out_.size() < kEventQueueHighWater) {
    const uint64_t in_flight = next_seq_ - 1 - acked_seq_;
    if (in_flight >= link::kEventWindow) return;
    const size_t max = size_t(std::min<uint64_t>(
        {kEventsPerMessage, link::kEventWindow - in_flight, last_event_seq - next_seq_ + 1}));
    std::string batch;
    uint64_t expected = next_seq_;
    absl::StatusOr<size_t> n = store_->ReadEvents(next_seq_, max, [&](const leasedb::LeaseEvent& e) {
      if (e.seq != expected) {
        // Trimmed while we were behind: say so, then go on from what is there.
        if (!batch.empty()) {
          Enqueue(link::MessageType::kLeaseEvents, 0, batch);
          batch.clear();
        }
        Enqueue(link::MessageType::kEventGap, 0, link::EncodeEventGap({expected, e.seq - 1}));
        ++gaps_;
      }
      leasedb::AppendLeaseEvent(batch, e);
      expected = e.seq + 1;
    });
    if (!n.ok()) {
      Log("control link: reading lease events: {}", std::string(n.status().message()));
      return;
    }
    if (*n == 0) return;  // not visible yet
    if (!batch.empty()) Enqueue(link::MessageType::kLeaseEvents, 0, batch);
    next_seq_ = expected;
  }
}

void LinkServer::Poll(uint64_t last_event_seq) {
  Accept();
  Read();
  StreamEvents(last_event_seq);
  SendQueued();
}

void LinkServer::Answer(uint64_t id, const std::string& json) {
  Enqueue(link::MessageType::kAnswer, id, json);
  SendQueued();
}

bool LinkServer::Punt(const link::PuntHeader& h, std::span<const uint8_t> frame) {
  if (!connected()) return false;
  Enqueue(link::MessageType::kPunt, 0, link::EncodePunt(h, frame));
  return true;
}

void LinkServer::Flush(int ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (conn_fd_ >= 0 && !out_.empty() && std::chrono::steady_clock::now() < deadline) {
    SendQueued();
    if (!out_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace fastlease::dataplane
