// Lease engine benchmarks: pool claims by utilisation, persister throughput per
// durability setting, memory per lease, and recovery from the store.
//
//   build/perf/leasedb_benchmark --benchmark_filter='Claim|Persist|Memory'
//   build/perf/leasedb_benchmark --benchmark_filter=Recover   # writes 10 M leases first
//   build/perf/leasedb_benchmark --benchmark_filter=LookupUnflushed  # lease4-get on a busy store
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "dataplane/dhcp4/server.h"
#include "dataplane/dhcp4/server_config.h"
#include "leasedb/address_pool.h"
#include "leasedb/identity_index.h"
#include "leasedb/lease_shard.h"
#include "leasedb/lease_store.h"
#include "leasedb/persister.h"

namespace fastlease::leasedb {
namespace {

struct XorShift {
  uint64_t s = 88172645463325252ull;
  uint64_t operator()() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
};

// Claim one address and free a random held one, so utilisation stays at the
// given percentage and free addresses stay scattered.
void BM_PoolClaim(benchmark::State& state) {
  constexpr uint32_t kSize = 1 << 20;
  AddressPool pool(1, kSize, 1);
  const uint32_t used = uint32_t(uint64_t(kSize) * uint64_t(state.range(0)) / 100);
  std::vector<uint32_t> held;
  held.reserve(kSize);
  for (uint32_t i = 0; i < used; ++i) held.push_back(pool.Claim(0));
  // Scatter the free ones: free a random sample of `kSize - used` then refill.
  XorShift rng;
  if (used > 0 && used < kSize) {
    for (uint32_t i = 0; i < kSize - used; ++i) {
      const size_t k = rng() % held.size();
      pool.Free(held[k]);
      held[k] = held.back();
      held.pop_back();
    }
    while (held.size() < used) held.push_back(pool.Claim(0));
  }
  for (auto _ : state) {
    const uint32_t a = pool.Claim(0);
    if (a == 0) {
      state.SkipWithError("exhausted");
      break;
    }
    if (!held.empty()) {
      const size_t k = rng() % held.size();
      pool.Free(held[k]);
      held[k] = a;
    } else {
      pool.Free(a);
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PoolClaim)->Arg(0)->Arg(90)->Arg(99);

std::string TempDir() {
  char tmpl[] = "/var/tmp/fastlease-bench-XXXXXX";
  return mkdtemp(tmpl);
}

Lease BenchLease(uint32_t i) {
  const uint8_t mac[6] = {2, 0, uint8_t(i >> 24), uint8_t(i >> 16), uint8_t(i >> 8), uint8_t(i)};
  Lease l;
  l.SetIdentity(ClientKey::Make(1, mac, {}, true));
  l.address = 0x0a000000 + i;
  l.state = LeaseState::kBound;
  l.subnet_id = 1;
  l.valid = 3600;
  l.expire = 2'000'000'000;
  return l;
}

// Leases 0..n-1 with addresses scrambled within 10/8 (as clients arrive on a real
// network), handed to `apply` in batches of 8192 change records, as the persister
// gets them.
template <class Apply>
void InScrambledBatches(uint32_t n, Apply&& apply) {
  std::vector<ChangeRecord> batch;
  for (uint32_t i = 0; i < n; ++i) {
    Lease l = BenchLease(i);
    l.address = 0x0a000000 + ((i * 2654435761u) & 0xffffff);
    batch.push_back({i, ChangeOp::kPut, l});
    if (batch.size() == 8192 || i + 1 == n) {
      apply(std::span<const ChangeRecord>(batch));
      batch.clear();
    }
  }
}

// Records committed per second through shard ring → persister → RocksDB, with
// group commit of up to 8192 records per WriteBatch. Arg 0: 0 none, 1 wal, 2 fsync.
// Arg 1 (optional, 1): addresses in a scrambled order, as clients arrive on a real
// network (a bijection of the index within a /8), instead of ascending.
// The store lives under /var/tmp (a real disk, not tmpfs).
void BM_PersisterCommit(benchmark::State& state) {
  const int mode = int(state.range(0));
  const bool scrambled = state.range(1) != 0;
  const std::string dir = TempDir();
  StoreOptions opts{.disable_wal = mode == 0, .sync = mode == 2};
  auto store = LeaseStore::Open(dir + "/db", opts);
  if (!store.ok()) {
    state.SkipWithError("open");
    return;
  }
  constexpr size_t kBatch = 8192;
  {
    LeaseShard shard(0, 16, kBatch);
    Persister p(**store, {&shard}, kBatch);
    uint32_t i = 0;
    for (auto _ : state) {
      state.PauseTiming();
      for (size_t k = 0; k < kBatch; ++k) {
        Lease l = BenchLease(i++);
        if (scrambled) l.address = 0x0a000000 + ((i * 2654435761u) & 0xffffff);
        shard.Record(ChangeOp::kPut, l);
      }
      state.ResumeTiming();
      auto n = p.RunOnce();
      benchmark::DoNotOptimize(n);
    }
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(kBatch));
  store->reset();  // close before deleting its files
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
BENCHMARK(BM_PersisterCommit)
    ->Args({0, 0})
    ->Args({1, 0})
    ->Args({2, 0})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
// The same with durability none over 4.9 M records, timed as the CPU of every
// thread in the process: RocksDB's background flushes (several at this volume)
// count, which the wall time of RunOnce above does not see.
BENCHMARK(BM_PersisterCommit)
    ->Name("BM_PersisterCommit_ProcessCpu")
    ->Args({0, 0})
    ->Args({0, 1})
    ->Iterations(600)
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);

// A management lookup (lease4-get by address) while N records written in
// scrambled order are still in the memtable, not yet flushed: what an operator's
// command costs on a busy server. Arg: N.
void BM_LookupUnflushed(benchmark::State& state) {
  const uint32_t n = uint32_t(state.range(0));
  const std::string dir = TempDir();
  auto store = LeaseStore::Open(dir + "/db", {.disable_wal = true, .sync = false});
  if (!store.ok()) {
    state.SkipWithError("open");
    return;
  }
  InScrambledBatches(n, [&](std::span<const ChangeRecord> batch) {
    if (!(*store)->Write(batch).ok()) state.SkipWithError("write");
  });
  XorShift rng;
  size_t found = 0;
  for (auto _ : state) {
    const uint32_t i = uint32_t(rng() % n);
    auto at = (*store)->LeasesAt(0x0a000000 + ((i * 2654435761u) & 0xffffff));
    found += at.ok() ? at->size() : 0;
  }
  if (found != size_t(state.iterations())) state.SkipWithError("lookup missed a lease");
  store->reset();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
BENCHMARK(BM_LookupUnflushed)->Arg(100000)->Arg(500000)->UseRealTime()->Unit(benchmark::kMicrosecond);

size_t RssBytes() {
  std::ifstream f("/proc/self/statm");
  size_t pages = 0, rss = 0;
  f >> pages >> rss;
  return rss * 4096;
}

// Resident memory per lease for a shard of 1 M bound leases (slab + index).
void BM_MemoryPerLease(benchmark::State& state) {
  constexpr uint32_t kN = 1'000'000;
  for (auto _ : state) {
    const size_t before = RssBytes();
    auto shard = std::make_unique<LeaseShard>(0, kN, 64);
    for (uint32_t i = 0; i < kN; ++i) {
      const uint8_t mac[6] = {2, 0, uint8_t(i >> 24), uint8_t(i >> 16), uint8_t(i >> 8), uint8_t(i)};
      Lease* l = shard->Insert(ClientKey::Make(1, mac, {}, true));
      l->address = i;
      l->state = LeaseState::kBound;
    }
    const size_t after = RssBytes();
    state.counters["bytes_per_lease"] = double(after - before) / kN;
    benchmark::DoNotOptimize(shard);
  }
}
BENCHMARK(BM_MemoryPerLease)->Iterations(1)->Unit(benchmark::kMillisecond);

// The store's in-memory identity index: RAM per v4 lease keyed by hw-address (one
// entry), 1 M leases added in batches of 8192 in scrambled address order, as the
// persister does.
void BM_IdentityIndexMemoryPerLease(benchmark::State& state) {
  constexpr uint32_t kN = 1'000'000;
  for (auto _ : state) {
    const size_t before = RssBytes();
    auto index = std::make_unique<IdentityIndex>();
    InScrambledBatches(kN, [&](std::span<const ChangeRecord> batch) { index->Apply(batch, {}); });
    const size_t after = RssBytes();
    state.counters["bytes_per_lease"] = double(after - before) / kN;
    benchmark::DoNotOptimize(index);
  }
}
BENCHMARK(BM_IdentityIndexMemoryPerLease)->Iterations(1)->Unit(benchmark::kMillisecond);

// Start-up recovery of N leases: store scan, shard rebuild and bitmap claims.
void BM_Recover(benchmark::State& state) {
  const uint32_t n = uint32_t(state.range(0));
  const std::string dir = TempDir();
  {
    auto store = LeaseStore::Open(dir + "/db", {.disable_wal = true, .sync = false});
    std::vector<ChangeRecord> batch(65536);
    for (uint32_t i = 0; i < n;) {
      size_t k = 0;
      for (; k < batch.size() && i < n; ++k, ++i) batch[k] = {i, ChangeOp::kPut, BenchLease(i)};
      if (!(*store)->Write({batch.data(), k}).ok()) state.SkipWithError("write");
    }
    if (!(*store)->Flush().ok()) state.SkipWithError("flush");
  }
  config::Config c;
  config::Subnet4 s;
  s.id = 1;
  s.prefix = 0x0a000000;
  s.prefix_len = 8;
  s.mask = 0xff000000;
  s.pools.push_back({0x0a000000, 0x0affffff, {}});
  c.dhcp4.subnets.push_back(s);
  for (auto _ : state) {
    PoolRegistry pools(2);
    auto cfg = dhcp4::CompileServerConfig(c, pools);
    auto store = LeaseStore::Open(dir + "/db", {});
    LeaseShard s0(0, n / 2 + n / 8, 1024), s1(1, n / 2 + n / 8, 1024);
    LeaseShard* shards[] = {&s0, &s1};
    auto stats = dhcp4::RecoverLeases(**cfg, **store, shards, 1'700'000'000);
    if (!stats.ok() || stats->bound != n) state.SkipWithError("recovery count");
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * n);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
BENCHMARK(BM_Recover)->Arg(1000000)->Arg(10000000)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);

}  // namespace
}  // namespace fastlease::leasedb

BENCHMARK_MAIN();
