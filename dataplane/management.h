// The management thread's command side: the commands fastlease-control
// forwards over the dataplane link (docs/commands.md marks them "dataplane"),
// and the address statistics kept from the lease event stream.
//
//   Management m(setup);
//   m.Init();                 // before the workers launch: counts the shards' leases
//   every tick: m.Poll();     // link I/O, pending lease commands, statistics
//
// Reads (lease4-get*, lease6-get*, statistics, config-get) are answered at once,
// from the lease store and the workers' stats blocks. Writes (lease4-/lease6-
// add/update/del/wipe) go to the owning worker through its ShardCommandRing and are answered once the
// worker has applied them and the change is durable; pending ones are bounded
// (kMaxPendingCommands) and time out after kCommandTimeout. Management thread
// only; allocates; never blocks the workers.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "dataplane/config_publisher.h"
#include "dataplane/counters.h"
#include "dataplane/dhcp6/server6.h"
#include "dataplane/link_server.h"
#include "dataplane/shard_command.h"
#include "leasedb/lease_shard.h"
#include "leasedb/lease_store.h"
#include "leasedb/persister.h"

struct rte_ring;
struct rte_mempool;

namespace fastlease::dataplane {

inline constexpr size_t kMaxPendingCommands = 256;
inline constexpr std::chrono::seconds kCommandTimeout{10};

struct ManagementPunt {
  rte_ring* punt = nullptr;    // worker → management
  rte_ring* inject = nullptr;  // management → worker
  unsigned lcore = 0;
};

struct ManagementSetup {
  leasedb::LeaseStore* store = nullptr;
  leasedb::Persister* persister = nullptr;
  std::vector<leasedb::LeaseShard*> shards;
  std::vector<leasedb::Lease6Shard*> shards6;  // same order; v6 commands use the same rings
  std::vector<ShardCommandRing*> rings;  // one per worker, same order as shards
  std::vector<StatsBlock>* stats = nullptr;
  std::vector<unsigned> lcores;
  std::vector<ManagementPunt> punts;  // one per worker
  rte_mempool* pool = nullptr;        // for injected frames
  uint16_t port_count = 0;
  const ConfigPublisher* publisher = nullptr;
  std::string config_path;
  std::string link_path;
  std::string durability;
  // Parses, validates and compiles `text`; publishes it when `apply`.
  std::function<absl::Status(const std::string& text, const std::string& source, bool apply)>
      apply_config;
  // The running config's JSON text.
  std::function<std::string()> running_config;
  // Asks the main loop to shut down with this exit value.
  std::function<void(int)> shutdown;
};

class Management {
 public:
  explicit Management(ManagementSetup setup);
  ~Management();

  // Starts listening on the link and counts the leases the shards hold (call
  // before the workers run: it reads the shards).
  absl::Status Init();
  void Poll();
  // Answers a request synchronously when it can; used by Poll and by tests.
  // Returns the answer, or an empty string when the answer comes later.
  std::string Execute(uint64_t id, const std::string& request);
  // Sends what is queued on the link (shutdown).
  void Flush();
  // Every statistic by Kea name (reset baselines applied): kea-dhcp4's set, or
  // with `v6` kea-dhcp6's (the same request with "service": ["dhcp6"]).
  std::map<std::string, int64_t> Statistics(bool v6 = false) const;

 private:
  // A lease command waiting for workers and durability.
  struct Pending {
    uint64_t id = 0;
    std::vector<std::unique_ptr<ShardCommand>> cmds;
    std::vector<uint32_t> shard;  // shard of each cmd
    std::chrono::steady_clock::time_point deadline;
    bool submitted = false;
    // Called when every command is done and durable: the answer, or "" after
    // queueing further commands (a second stage) into `cmds`/`shard`.
    std::function<std::string(Pending&)> finish;
  };
  struct SubnetGauges {
    int64_t assigned = 0;
    int64_t declined = 0;
    int64_t cumulative_assigned = 0;
    int64_t reclaimed = 0;
    int64_t reclaimed_declined = 0;
  };
  struct SubnetGauges6 {
    int64_t assigned_nas = 0;
    int64_t assigned_pds = 0;
    int64_t declined = 0;
    int64_t cumulative_nas = 0;
    int64_t cumulative_pds = 0;
    int64_t reclaimed = 0;
    int64_t reclaimed_declined = 0;
  };

  std::string Dispatch(uint64_t id, const std::string& command, const nlohmann::json& args,
                       bool v6);
  std::string StatusGet();
  std::string StatisticGet(const nlohmann::json& args, bool all, bool v6);
  std::string StatisticReset(const nlohmann::json& args, bool all, bool v6);
  void AddStatistics6(std::map<std::string, int64_t>& st) const;
  std::string ConfigGet();
  std::string ConfigTestOrSet(const nlohmann::json& args, bool apply);
  std::string ConfigReload();
  std::string ConfigWrite(const nlohmann::json& args);
  std::string LeaseGet(const nlohmann::json& args);
  std::string LeaseGetAll(const nlohmann::json& args);
  std::string LeaseGetPage(const nlohmann::json& args);
  std::string LeaseGetByHw(const nlohmann::json& args);
  std::string LeaseGetByClientId(const nlohmann::json& args);
  std::string LeaseAddOrUpdate(uint64_t id, const nlohmann::json& args, bool update);
  std::string LeaseDel(uint64_t id, const nlohmann::json& args);
  std::string LeaseWipe(uint64_t id, const nlohmann::json& args, bool v6);
  // DHCPv6 (management6.cc).
  std::string Lease6Get(const nlohmann::json& args);
  std::string Lease6GetAll(const nlohmann::json& args);
  std::string Lease6GetPage(const nlohmann::json& args);
  std::string Lease6GetByDuid(const nlohmann::json& args);
  std::string Lease6AddOrUpdate(uint64_t id, const nlohmann::json& args, bool update);
  std::string Lease6Del(uint64_t id, const nlohmann::json& args);
  // The leases lease6-get/-del name, or an error answer.
  std::variant<std::vector<leasedb::Lease6>, std::string> FindLeases6(const nlohmann::json& args,
                                                                      const char* command);
  const dhcp6::ServerConfig6* Config6() const;
  static void QueueDelete6(Pending& p, const leasedb::Lease6& l, size_t shards);
  static int DeleteOutcome(const Pending& q, const char** error);

  uint32_t ShardFor(const leasedb::Lease& l) const;
  // Queues `cmds` to their shards; answers later via `finish`. Returns an
  // immediate error answer when the pending table or a ring is full.
  std::string Submit(uint64_t id, std::unique_ptr<Pending> p);
  void PollPending();
  // Folds one committed lease event into the address gauges (persister thread).
  void FoldEvent(const leasedb::LeaseEvent& e);
  // The same for a committed DHCPv6 change.
  void FoldChange6(const leasedb::ChangeRecord6& r);
  // Counts the leases the v6 shards hold into gauges6_ (Init).
  void CountShards6();
  // Punted packets → the control link (dropped and counted when none is connected).
  void DrainPunts();
  void Inject(const link::PuntHeader& h, std::span<const uint8_t> frame);
  void Answer(uint64_t id, const std::string& json);

  ManagementSetup s_;
  std::unique_ptr<LinkServer> link_;
  std::vector<std::unique_ptr<Pending>> pending_;
  std::vector<std::unique_ptr<ShardCommand>> orphans_;  // timed out; freed once done
  // Written by the persister's thread (its event observer), read here.
  mutable std::mutex gauges_mu_;
  std::map<uint32_t, SubnetGauges> gauges_;
  std::map<uint32_t, SubnetGauges6> gauges6_;
  uint64_t gauge_cursor_ = 0;  // last event folded into gauges_
  std::map<std::string, int64_t> baselines_;
  std::map<std::string, int64_t> baselines6_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  uint64_t commands_ = 0;
  uint64_t punts_sent_ = 0;
  uint64_t punts_dropped_ = 0;  // no control process connected
  uint64_t injected_ = 0;
  uint64_t inject_dropped_ = 0;  // bad port, no mbuf, or ring full
};

// Kea's JSON shape of a lease (docs/commands.md).
nlohmann::json LeaseToJson(const leasedb::Lease& l);
nlohmann::json LeaseToJson(const leasedb::Lease6& l);

}  // namespace fastlease::dataplane
