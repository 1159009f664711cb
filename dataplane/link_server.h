// The dataplane's end of the dataplane link (control/link/link_protocol.h).
//
//   auto link = LinkServer::Listen("/var/lib/fastlease/dataplane.sock", &store, callbacks);
//   every management tick:  link->Poll(persister.last_event_seq());
//   later:                  link->Answer(id, json_text);
//
// One control process at a time: a second connection gets an error Answer
// (id 0) and is closed. Lease events are read from the store's `events` column
// family from the control's resume point and sent in LeaseEvents batches, at
// most link::kEventWindow beyond its last EventAck. Outgoing frames wait in a
// bounded queue (kMaxQueuedFrames) when the socket is full; a control process
// that lets it overflow is disconnected (it resumes from its acknowledged
// event when it returns). The dataplane serves DHCP whether or not a control
// process is connected. Management thread only; allocates; never blocks.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "absl/status/statusor.h"
#include "control/link/link_protocol.h"
#include "leasedb/lease_store.h"

namespace fastlease::dataplane {

inline constexpr size_t kMaxQueuedFrames = 1024;  // 64 MiB at most

class LinkServer {
 public:
  struct Callbacks {
    std::function<void(uint64_t id, std::string request)> on_command;
    std::function<void(const link::PuntHeader& h, std::span<const uint8_t> frame)> on_inject;
  };

  static absl::StatusOr<std::unique_ptr<LinkServer>> Listen(const std::string& path,
                                                          const leasedb::LeaseStore* store,
                                                          Callbacks callbacks);
  ~LinkServer();
  LinkServer(const LinkServer&) = delete;
  LinkServer& operator=(const LinkServer&) = delete;

  // Accepts, reads and dispatches messages, streams events up to `last_event_seq`,
  // flushes queued frames.
  void Poll(uint64_t last_event_seq);
  // Queues an answer to command `id` (dropped when the control process is gone).
  void Answer(uint64_t id, const std::string& json);
  // Hands a packet to the control process (dropped when none is connected).
  bool Punt(const link::PuntHeader& h, std::span<const uint8_t> frame);
  // Tries for up to `ms` to send every queued frame (shutdown).
  void Flush(int ms);

  bool connected() const { return conn_fd_ >= 0 && hello_done_; }
  uint64_t acked_seq() const { return acked_seq_; }
  uint64_t next_event_seq() const { return next_seq_; }
  uint64_t gaps_reported() const { return gaps_; }
  uint64_t connections() const { return connections_; }
  const std::string& path() const { return path_; }

 private:
  LinkServer(std::string path, int listen_fd, const leasedb::LeaseStore* store, Callbacks cb);
  void Accept();
  void Read();
  void Handle(link::Message&& m);
  void StreamEvents(uint64_t last_event_seq);
  void Enqueue(link::MessageType type, uint64_t id, std::string_view payload);
  void SendQueued();
  void Disconnect(const std::string& why);

  std::string path_;
  int listen_fd_ = -1;
  int conn_fd_ = -1;
  const leasedb::LeaseStore* store_;
  Callbacks cb_;
  link::FrameReader reader_;
  std::deque<std::string> out_;
  bool hello_done_ = false;
  uint64_t next_seq_ = 1;   // next event to send
  uint64_t acked_seq_ = 0;  // the control's last EventAck
  uint64_t gaps_ = 0;
  uint64_t connections_ = 0;
};

}  // namespace fastlease::dataplane
