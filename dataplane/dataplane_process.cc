#include "dataplane/dataplane_process.h"

#include <pthread.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mempool.h>
#include <sched.h>
#include <signal.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_join.h"
#include "dataplane/dataplane_process.h"
#include "control/config/config.h"
#include "dataplane/config_publisher.h"
#include "dataplane/counters.h"
#include "dataplane/dhcp4/server.h"
#include "dataplane/dhcp4/server_config.h"
#include "dataplane/dhcp6/server6.h"
#include "dataplane/eal.h"
#include "dataplane/log.h"
#include "dataplane/management.h"
#include "dataplane/port.h"
#include "dataplane/stats.h"
#include "dataplane/worker.h"
#include "leasedb/lease_shard.h"
#include "leasedb/lease_store.h"
#include "leasedb/persister.h"
#include "leasedb/pool_registry.h"

namespace fastlease::dataplane {
namespace {

// Logs a status whose message holds one problem per line.
void LogErrorLines(std::string_view what, const absl::Status& status) {
  Log("{}:", what);
  const std::string text(status.message());
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) Log("  {}", std::string_view(text).substr(start, end - start));
    start = end + 1;
  }
}

bool SamePorts(const std::vector<config::Port>& a, const std::vector<config::Port>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].device != b[i].device || a[i].address != b[i].address ||
        a[i].prefix_len != b[i].prefix_len || a[i].rx_descriptors != b[i].rx_descriptors ||
        a[i].tx_descriptors != b[i].tx_descriptors) {
      return false;
    }
  }
  return true;
}

// Fields that only a restart applies.
bool RestartNeeded(const config::Config& running, const config::Config& next) {
  const config::DataplaneConfig& a = running.dataplane;
  const config::DataplaneConfig& b = next.dataplane;
  const config::LeaseDatabase& la = running.dhcp4.lease_database;
  const config::LeaseDatabase& lb = next.dhcp4.lease_database;
  return a.eal_args != b.eal_args || !SamePorts(a.ports, b.ports) || a.workers != b.workers ||
         a.mempool_size != b.mempool_size || a.mempool_cache != b.mempool_cache ||
         a.burst_size != b.burst_size || a.idle_sleep_us != b.idle_sleep_us ||
         a.tx_drain_us != b.tx_drain_us || a.park_queue_size != b.park_queue_size ||
         a.change_ring_size != b.change_ring_size || a.dispatch_ring_size != b.dispatch_ring_size ||
         a.persister_nice != b.persister_nice || la.path != lb.path ||
         la.durability != lb.durability || la.max_batch != lb.max_batch;
}

// Leases a shard is sized for up front: its share of the slots, plus a quarter, at
// least 1024, at most `max` (a bigger population grows the slab).
size_t ShardShare(uint64_t slots, uint32_t workers, uint64_t max) {
  const uint64_t per_shard = slots / workers + 1;
  return size_t(std::clamp<uint64_t>(per_shard + per_shard / 4, 1024, max));
}

// v4: every pool's addresses and every reservation.
size_t ExpectedLeasesPerShard(const config::Config& c) {
  uint64_t addresses = 0;
  for (const config::Subnet4& s : c.dhcp4.subnets) {
    for (const config::Pool& p : s.pools) addresses += uint64_t(p.last) - p.first + 1;
    addresses += s.reservations.size();
  }
  return ShardShare(addresses, c.dataplane.workers, uint64_t(1) << 22);
}

// v6: one slot per IA, so every address and delegated prefix and every reservation's;
// 1024 without a Dhcp6 section (a reload may add one; the slab grows then). v6 pools
// are sparse by nature (a /104 has 2^24 addresses), so the up-front share stops at
// 1 Mi slots (128 MiB of 128-byte leases) per shard.
size_t ExpectedLeases6PerShard(const config::Config& c) {
  if (!c.dhcp6.enabled) return 1024;
  uint64_t slots = 0;
  for (const config::Subnet6& s : c.dhcp6.subnets) {
    for (const config::Pool6& p : s.pools) slots += p.size;
    for (const config::PdPool& p : s.pd_pools) slots += p.size;
    for (const config::Reservation6& r : s.reservations) slots += r.ip_addresses.size() + r.prefixes.size();
  }
  return ShardShare(slots, c.dataplane.workers, uint64_t(1) << 20);
}

uint32_t UnixNow() { return uint32_t(std::time(nullptr)); }

// The CPUs the process may use, read before EAL pins the main thread.
cpu_set_t g_process_cpus;

// The signals Serve() takes with sigtimedwait; every other thread has them blocked.
sigset_t ServeSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  return signals;
}
bool g_process_cpus_read = false;

// While alive, the calling thread runs on the process's CPUs minus the worker
// lcores' (all of them if that leaves none), so threads started meanwhile (the
// persister, RocksDB's) neither share the main lcore's CPU only nor a worker's.
// Restores the main lcore's affinity on destruction. Start-up only.
class ControlAffinity {
 public:
  explicit ControlAffinity(const std::vector<unsigned>& worker_lcores) {
    pthread_getaffinity_np(pthread_self(), sizeof(saved_), &saved_);
    if (!g_process_cpus_read) return;  // PrepareMainThread() not called: leave it
    cpu_set_t control = g_process_cpus;
    for (unsigned lcore : worker_lcores) {
      const rte_cpuset_t worker = rte_lcore_cpuset(lcore);
      for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (CPU_ISSET(cpu, &worker)) CPU_CLR(cpu, &control);
      }
    }
    if (CPU_COUNT(&control) == 0) control = g_process_cpus;
    pthread_setaffinity_np(pthread_self(), sizeof(control), &control);
  }
  ~ControlAffinity() { pthread_setaffinity_np(pthread_self(), sizeof(saved_), &saved_); }
  ControlAffinity(const ControlAffinity&) = delete;
  ControlAffinity& operator=(const ControlAffinity&) = delete;

 private:
  cpu_set_t saved_;
};


}  // namespace

class DataplaneProcess::Impl {
 public:
  explicit Impl(ProcessOptions options) : options_(std::move(options)) {}
  bool Start(const char* program);
  void Serve(const std::function<bool()>& stop);
  void Shutdown();
  void Reload();
  // Parses and compiles `text`; publishes it when `apply`. Errors name `source`.
  absl::Status ApplyConfig(const std::string& text, const std::string& source, bool apply);
  void WriteStats();
  uint64_t MinWorkerEpoch() const;

  ProcessOptions options_;
  config::Config config_;   // the last one applied
  config::Config startup_;  // as started: what a reload cannot change
  std::unique_ptr<leasedb::PoolRegistry> registry_;
  std::unique_ptr<ConfigPublisher> publisher_;
  rte_mempool* pool_ = nullptr;
  PortSet ports_;
  std::vector<std::unique_ptr<leasedb::LeaseShard>> shards_;
  std::vector<std::unique_ptr<leasedb::Lease6Shard>> shards6_;
  std::vector<uint8_t> server_duid_;  // DHCPv6; empty without a Dhcp6 section at start
  // Makes the server DUID and publishes the compiled Dhcp6 section (when there is one).
  bool CompileDhcp6();
  std::unique_ptr<leasedb::LeaseStore> store_;
  std::unique_ptr<leasedb::Persister> persister_;
  WorkerControl control_;
  std::unique_ptr<std::vector<StatsBlock>> stats_;
  std::unique_ptr<WorkerSet> workers_;
  std::unique_ptr<Management> management_;
  std::string running_text_;  // the JSON text of config_
  int exit_value_ = 0;
  bool shutdown_requested_ = false;
  std::vector<unsigned> lcores_;
  bool launched_ = false;
  bool eal_up_ = false;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::vector<unsigned> spare_lcores_;
};

bool DataplaneProcess::Impl::CompileDhcp6() {
  if (!config_.dhcp6.enabled) return true;
  std::array<uint8_t, 6> mac{};
  if (!ports_.empty()) mac = ports_[0].mac;
  absl::StatusOr<std::vector<uint8_t>> duid =
      dhcp6::LoadOrCreateServerDuid(config_.dhcp6, options_.state_dir, mac, UnixNow());
  if (!duid.ok()) {
    Log("DHCPv6 server DUID: {}", std::string(duid.status().message()));
    return false;
  }
  server_duid_ = *std::move(duid);
  absl::StatusOr<std::shared_ptr<const dhcp6::ServerConfig6>> c6 =
      dhcp6::CompileServerConfig6(config_, *registry_, server_duid_);
  if (!c6.ok()) {
    LogErrorLines("cannot compile the Dhcp6 config", c6.status());
    return false;
  }
  publisher_->Publish(publisher_->Current()->config, *std::move(c6));
  Log("DHCPv6: {} subnet(s), server DUID {}", config_.dhcp6.subnets.size(),
      absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(server_duid_.data()),
                                               server_duid_.size())));
  return true;
}

bool DataplaneProcess::Impl::Start(const char* program) {
  absl::StatusOr<config::Config> loaded = config::LoadConfigFile(options_.config_path);
  if (!loaded.ok()) {
    LogErrorLines("cannot load the config " + options_.config_path, loaded.status());
    return false;
  }
  config_ = *std::move(loaded);
  startup_ = config_;
  {
    std::ifstream in(options_.config_path);
    running_text_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  for (const std::string& w : config_.warnings) Log("warning: {}", w);
  const config::DataplaneConfig& dp = config_.dataplane;
  if (dp.workers > kMaxWorkers) {
    Log("Dataplane/workers: {} is more than the {} supported", dp.workers, kMaxWorkers);
    return false;
  }

  std::error_code ec;
  std::filesystem::create_directories(options_.state_dir, ec);
  if (ec) {
    Log("cannot create the state directory {}: {}", options_.state_dir, ec.message());
    return false;
  }

  const std::vector<std::string> eal_args = BuildEalArgs(program, dp);
  Log("EAL arguments: {}", absl::StrJoin(eal_args, " "));
  if (absl::Status s = InitEal(eal_args); !s.ok()) {
    Log("{}", std::string(s.message()));
    return false;
  }
  eal_up_ = true;
  unsigned lcore = 0;
  RTE_LCORE_FOREACH_WORKER(lcore) { lcores_.push_back(lcore); }
  if (lcores_.size() < dp.workers) {
    Log("Dataplane/workers is {} but EAL has {} worker lcore(s) (lcore {} is the main lcore and "
        "runs management); give EAL {} lcores, e.g. \"-l 0-{}\" in Dataplane/eal-args, or lower "
        "Dataplane/workers",
        dp.workers, lcores_.size(), rte_get_main_lcore(), dp.workers + 1, dp.workers);
    return false;
  }
  spare_lcores_.assign(lcores_.begin() + dp.workers, lcores_.end());
  lcores_.resize(dp.workers);
  if (options_.after_eal) {
    if (absl::Status s = options_.after_eal(); !s.ok()) {
      Log("{}", std::string(s.message()));
      return false;
    }
  }

  registry_ = std::make_unique<leasedb::PoolRegistry>(dp.workers);
  absl::StatusOr<std::shared_ptr<const dhcp4::ServerConfig>> compiled =
      dhcp4::CompileServerConfig(config_, *registry_);
  if (!compiled.ok()) {
    LogErrorLines("cannot compile the config", compiled.status());
    return false;
  }
  publisher_ = std::make_unique<ConfigPublisher>(*std::move(compiled));
  control_.configs = publisher_.get();

  pool_ = CreatePacketPool(dp);
  if (pool_ == nullptr) return false;
  absl::StatusOr<PortSet> ports = ConfigurePorts(dp, pool_);
  if (!ports.ok()) {
    Log("ports: {}", std::string(ports.status().message()));
    return false;
  }
  ports_ = *std::move(ports);
  if (!CompileDhcp6()) return false;

  // Leases: store, shards, recovery, persister.
  const config::LeaseDatabase& db = config_.dhcp4.lease_database;
  std::filesystem::path store_path =
      db.path.empty() ? std::filesystem::path("leases") : std::filesystem::path(db.path);
  if (store_path.is_relative()) store_path = std::filesystem::path(options_.state_dir) / store_path;
  leasedb::StoreOptions store_options;
  store_options.disable_wal = db.durability == config::Durability::kNone;
  store_options.sync = db.durability == config::Durability::kFsync;
  std::optional<ControlAffinity> control_cpus(std::in_place, lcores_);
  absl::StatusOr<std::unique_ptr<leasedb::LeaseStore>> store =
      leasedb::LeaseStore::Open(store_path.string(), store_options);
  if (!store.ok()) {
    Log("cannot open the lease store {}: {}", store_path.string(),
        std::string(store.status().message()));
    return false;
  }
  store_ = *std::move(store);
  const size_t expected = ExpectedLeasesPerShard(config_);
  std::vector<leasedb::LeaseShard*> shard_ptrs;
  std::vector<leasedb::Lease6Shard*> shard6_ptrs;
  // v6 shards exist even without a Dhcp6 section (a reload may add one).
  const size_t expected6 = ExpectedLeases6PerShard(config_);
  for (uint32_t w = 0; w < dp.workers; ++w) {
    shards_.push_back(std::make_unique<leasedb::LeaseShard>(w, expected, dp.change_ring_size));
    shard_ptrs.push_back(shards_.back().get());
    shards6_.push_back(std::make_unique<leasedb::Lease6Shard>(w, expected6, dp.change_ring_size));
    shard6_ptrs.push_back(shards6_.back().get());
  }
  absl::StatusOr<dhcp4::RecoveryStats> recovered =
      dhcp4::RecoverLeases(*publisher_->Current()->config, *store_, shard_ptrs, UnixNow());
  if (!recovered.ok()) {
    Log("lease recovery from {} failed: {}", store_path.string(),
        std::string(recovered.status().message()));
    return false;
  }
  Log("lease store {}: {} records, {} bound, {} kept for affinity, {} declined, {} dropped",
      store_path.string(), recovered->records, recovered->bound, recovered->affinity,
      recovered->declined, recovered->dropped);
  if (const dhcp6::ServerConfig6* c6 = publisher_->Current()->config6.get()) {
    absl::StatusOr<dhcp6::RecoveryStats6> r6 =
        dhcp6::RecoverLeases6(*c6, *store_, shard6_ptrs, UnixNow());
    if (!r6.ok()) {
      Log("DHCPv6 lease recovery from {} failed: {}", store_path.string(),
          std::string(r6.status().message()));
      return false;
    }
    Log("lease store {}: {} DHCPv6 records, {} bound, {} dropped", store_path.string(),
        r6->records, r6->bound, r6->dropped);
  }
  persister_ = std::make_unique<leasedb::Persister>(*store_, shard_ptrs, db.max_batch,
                                                   dp.lease_event_retention);
  persister_->SetV6Shards(shard6_ptrs);
  // Write what recovery decided before anything else, so the management
  // thread's address counts start from a store that matches the shards.
  for (;;) {
    absl::StatusOr<size_t> n = persister_->RunOnce();
    if (!n.ok()) {
      Log("lease store write failed after recovery: {}", std::string(n.status().message()));
      return false;
    }
    if (*n == 0) break;
  }
  persister_->SetThreadNice(dp.persister_nice);
  persister_->Start();
  if (std::string e = persister_->ThreadNiceError(); !e.empty()) {
    Log("persister priority: {} (Dataplane/persister-nice {} not applied; it runs at the "
        "process's priority)", e, dp.persister_nice);
  }
  control_cpus.reset();

  stats_ = std::make_unique<std::vector<StatsBlock>>(dp.workers);
  WorkerSetup setup;
  setup.dataplane = &dp;
  setup.ports = &ports_;
  setup.pool = pool_;
  setup.shards = shard_ptrs;
  setup.shards6 = shard6_ptrs;
  setup.control = &control_;
  setup.stats = stats_.get();
  absl::StatusOr<std::unique_ptr<WorkerSet>> workers = SetupWorkers(setup);
  if (!workers.ok()) {
    Log("workers: {}", std::string(workers.status().message()));
    return false;
  }
  workers_ = *std::move(workers);
  const ConfigVersion* version = publisher_->Current();
  for (auto& ctx : workers_->contexts()) {
    ctx->version = version;
    ctx->config = version->config.get();
    ctx->config6 = version->config6.get();
    ctx->lcore = lcores_[ctx->index];
    ctx->stats->config_epoch.store(version->epoch, std::memory_order_release);
  }

  ManagementSetup ms;
  ms.store = store_.get();
  ms.persister = persister_.get();
  ms.shards = shard_ptrs;
  ms.shards6 = shard6_ptrs;
  for (auto& ctx : workers_->contexts()) {
    ms.rings.push_back(ctx->commands);
    ms.punts.push_back({ctx->punt_out, ctx->inject_in, ctx->lcore});
  }
  ms.pool = pool_;
  ms.port_count = uint16_t(ports_.size());
  ms.stats = stats_.get();
  ms.lcores = lcores_;
  ms.publisher = publisher_.get();
  ms.config_path = options_.config_path;
  std::filesystem::path link = dp.control_link.empty() ? std::filesystem::path("dataplane.sock")
                                                       : std::filesystem::path(dp.control_link);
  if (link.is_relative()) link = std::filesystem::path(options_.state_dir) / link;
  ms.link_path = link.string();
  ms.durability = db.durability == config::Durability::kNone  ? "none"
                  : db.durability == config::Durability::kWal ? "wal"
                                                              : "fsync";
  ms.apply_config = [this](const std::string& text, const std::string& source, bool apply) {
    return ApplyConfig(text, source, apply);
  };
  ms.running_config = [this] { return running_text_; };
  ms.shutdown = [this](int exit_value) {
    exit_value_ = exit_value;
    shutdown_requested_ = true;
  };
  management_ = std::make_unique<Management>(std::move(ms));
  if (absl::Status s = management_->Init(); !s.ok()) {
    Log("{}", std::string(s.message()));
    return false;
  }

  if (absl::Status s = StartPorts(ports_); !s.ok()) {
    Log("{}", std::string(s.message()));
    return false;
  }
  uint32_t launched = 0;
  for (auto& ctx : workers_->contexts()) {
    if (int rc = rte_eal_remote_launch(WorkerMain, ctx.get(), ctx->lcore); rc != 0) {
      Log("cannot launch worker {} on lcore {}: {}", ctx->index, ctx->lcore, strerror(-rc));
      // The launched workers wait for every worker at shutdown: count the others out.
      control_.rx_stopped.fetch_add(dp.workers - launched);
      control_.done.fetch_add(dp.workers - launched);
      return false;
    }
    ++launched;
    launched_ = true;
  }
  Log("serving: {} worker(s) on lcores {}, {} port(s), config epoch {}", dp.workers,
      absl::StrJoin(lcores_, ","), ports_.size(), version->epoch);
  return true;
}

uint64_t DataplaneProcess::Impl::MinWorkerEpoch() const {
  uint64_t min = UINT64_MAX;
  for (const StatsBlock& b : *stats_) {
    min = std::min(min, b.config_epoch.load(std::memory_order_acquire));
  }
  return min;
}

void DataplaneProcess::Impl::Reload() {
  Log("SIGHUP: reloading {}", options_.config_path);
  std::ifstream in(options_.config_path);
  if (!in) {
    Log("reload failed, keeping the running config: cannot read {}", options_.config_path);
    return;
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (absl::Status s = ApplyConfig(text, options_.config_path, true); !s.ok()) {
    LogErrorLines("reload failed, keeping the running config", s);
  }
}

absl::Status DataplaneProcess::Impl::ApplyConfig(const std::string& text, const std::string& source, bool apply) {
  absl::StatusOr<config::Config> next = config::ParseConfig(text, source);
  if (!next.ok()) return next.status();
  for (const std::string& w : next->warnings) Log("warning: {}", w);
  if (apply && RestartNeeded(startup_, *next)) {
    Log("warning: changes to the Dataplane section or the lease database take effect only after "
        "a restart; the running values stay");
  }
  if (!apply) {
    // Compile against scratch pools: a test must not touch the live bitmaps.
    leasedb::PoolRegistry scratch(startup_.dataplane.workers);
    absl::StatusOr<std::shared_ptr<const dhcp4::ServerConfig>> compiled =
        dhcp4::CompileServerConfig(*next, scratch);
    if (!compiled.ok()) return compiled.status();
    if (next->dhcp6.enabled) {
      absl::StatusOr<std::shared_ptr<const dhcp6::ServerConfig6>> c6 =
          dhcp6::CompileServerConfig6(*next, scratch, server_duid_);
      if (!c6.ok()) return c6.status();
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::shared_ptr<const dhcp4::ServerConfig>> compiled =
      dhcp4::CompileServerConfig(*next, *registry_);
  if (!compiled.ok()) return compiled.status();
  std::shared_ptr<const dhcp6::ServerConfig6> config6;
  if (next->dhcp6.enabled) {
    if (server_duid_.empty()) {
      return absl::FailedPreconditionError(
          "a Dhcp6 section added by a reload takes effect after a restart (the server DUID "
          "is made at start-up)");
    }
    absl::StatusOr<std::shared_ptr<const dhcp6::ServerConfig6>> c6 =
        dhcp6::CompileServerConfig6(*next, *registry_, server_duid_);
    if (!c6.ok()) return c6.status();
    config6 = *std::move(c6);
  }
  const uint64_t epoch = publisher_->Publish(*std::move(compiled), std::move(config6));
  config_ = *std::move(next);
  running_text_ = text;
  Log("config epoch {} published ({} subnet(s)) from {}", epoch, config_.dhcp4.subnets.size(), source);
  return absl::OkStatus();
}

void DataplaneProcess::Impl::WriteStats() {
  if (stats_ == nullptr) return;
  // Versions no worker uses any more.
  publisher_->Reclaim(MinWorkerEpoch());
  if (options_.stats_file.empty()) return;
  StatsExtra extra;
  extra.config_epoch = publisher_->current_epoch();
  for (const PortRuntime& p : ports_) {
    rte_eth_stats es{};
    if (rte_eth_stats_get(p.port_id, &es) != 0) continue;
    PortStats ps;
    ps.name = p.name;
    ps.ipackets = es.ipackets;
    ps.opackets = es.opackets;
    ps.imissed = es.imissed;
    ps.ierrors = es.ierrors;
    ps.oerrors = es.oerrors;
    ps.rx_nombuf = es.rx_nombuf;
    extra.ports.push_back(std::move(ps));
  }
  if (persister_ != nullptr) {
    extra.records_written = persister_->records_written();
    extra.batches_written = persister_->batches_written();
    extra.write_errors = persister_->write_errors();
  }
  const double uptime =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  if (absl::Status s =
          WriteFileAtomically(options_.stats_file, StatsJson(*stats_, lcores_, extra, uptime));
      !s.ok()) {
    Log("stats: {}", std::string(s.message()));
  }
}

void DataplaneProcess::Impl::Serve(const std::function<bool()>& stop) {
  const sigset_t signals = ServeSignals();
  auto next_stats = std::chrono::steady_clock::now();
  while (!shutdown_requested_ && !(stop && stop())) {
    // A short wait: the management thread also serves the control link.
    timespec timeout{0, 2 * 1000 * 1000};
    const int sig = sigtimedwait(&signals, nullptr, &timeout);
    if (sig == SIGHUP) {
      Reload();
    } else if (sig == SIGTERM || sig == SIGINT) {
      Log("{}: shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
      return;
    }
    management_->Poll();
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_stats) {
      WriteStats();
      next_stats = now + std::chrono::seconds(1);
    }
  }
}

void DataplaneProcess::Impl::Shutdown() {
  if (shutdown_requested_) Log("shutdown command: exit value {}", exit_value_);
  if (management_ != nullptr) management_->Flush();
  if (launched_) {
    control_.stop_rx.store(true, std::memory_order_release);
    for (unsigned lcore : lcores_) rte_eal_wait_lcore(lcore);
    Log("workers stopped");
  }
  if (persister_ != nullptr) {
    persister_->Stop();
    Log("persister stopped: {} records in {} batches, {} write errors",
        persister_->records_written(), persister_->batches_written(), persister_->write_errors());
  }
  if (store_ != nullptr && startup_.dhcp4.lease_database.durability == config::Durability::kNone) {
    if (absl::Status s = store_->Flush(); !s.ok())
      Log("lease store flush: {}", std::string(s.message()));
  }
  WriteStats();
  if (stats_ != nullptr) {
    Counters totals;
    for (const StatsBlock& b : *stats_) {
      Counters c;
      b.Snapshot(c);
      for (size_t i = 0; i < kCounterCount; ++i) totals.v[i] += c.v[i];
    }
    Log("totals: rx {} tx {} dhcp {} replies {} drops(park_full {}, park_abandoned {}, no_mbuf {})",
        totals.Get(WorkerEvent::kRxPackets), totals.Get(WorkerEvent::kTxPackets),
        totals.Get(WorkerEvent::kDhcpHandled), totals.Get(WorkerEvent::kDhcpReplies),
        totals.Get(WorkerDrop::kParkFull), totals.Get(WorkerDrop::kParkAbandoned),
        totals.Get(WorkerDrop::kNoMbuf));
    std::string other;
    for (size_t i = 0; i < kCounterCount; ++i) {
      if (IsDropCounter(i) && totals.v[i] != 0) other += fmt::format(" {} {}", CounterName(i), totals.v[i]);
    }
    if (!other.empty()) Log("drop counters:{}", other);
  }
  StopPorts(ports_);
  management_.reset();
  workers_.reset();
  persister_.reset();
  store_.reset();
  shards_.clear();
  shards6_.clear();
  if (pool_ != nullptr) rte_mempool_free(pool_);
  if (eal_up_) rte_eal_cleanup();
}

DataplaneProcess::DataplaneProcess(ProcessOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
DataplaneProcess::~DataplaneProcess() = default;
bool DataplaneProcess::Start(const char* program) { return impl_->Start(program); }
void DataplaneProcess::Serve(const std::function<bool()>& stop) { impl_->Serve(stop); }
void DataplaneProcess::Shutdown() { impl_->Shutdown(); }
int DataplaneProcess::exit_value() const { return impl_->exit_value_; }
const std::vector<unsigned>& DataplaneProcess::spare_lcores() const { return impl_->spare_lcores_; }

int DataplaneProcess::Run(const char* program) {
  const bool ok = Start(program);
  if (ok) Serve();
  Shutdown();
  Log("{}", ok ? "exit" : "start-up failed");
  return ok ? exit_value() : 1;
}

void PrepareMainThread() {
  const sigset_t signals = ServeSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  sched_getaffinity(0, sizeof(g_process_cpus), &g_process_cpus);
  g_process_cpus_read = true;
}

}  // namespace fastlease::dataplane
