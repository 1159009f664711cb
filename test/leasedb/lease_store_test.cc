#include "leasedb/lease_store.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "leasedb/persister.h"

namespace fastlease::leasedb {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/fastlease-store-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Lease MakeLease(uint32_t n, LeaseState state = LeaseState::kBound) {
  uint8_t mac[6] = {2, 0, 0, 0, uint8_t(n >> 8), uint8_t(n)};
  Lease l;
  l.SetIdentity(ClientKey::Make(1, mac, {}, true));
  l.address = 0xc0000200 + n;
  l.state = state;
  l.subnet_id = 7;
  l.valid = 3600;
  l.expire = 1700000000 + n;
  return l;
}

TEST(LeaseEncoding, RoundTripsEveryField) {
  const uint8_t cid[] = {0xff, 1, 2, 3, 4, 0, 1, 0, 1, 9, 9, 9, 9, 5, 6, 7, 8, 9, 10, 11, 12};
  const uint8_t mac[6] = {1, 2, 3, 4, 5, 6};
  Lease l;
  l.SetIdentity(ClientKey::Make(1, mac, cid, true));
  l.address = 0x0a000001;
  l.state = LeaseState::kReleased;
  l.subnet_id = 42;
  l.valid = 600;
  l.expire = 123456;
  uint8_t key[kLeaseKeySize];
  uint8_t value[kMaxLeaseValueSize];
  EncodeLeaseKey(l, key);
  const size_t n = EncodeLease(l, value);
  Lease d;
  ASSERT_TRUE(DecodeLease(key, {value, n}, d));
  EXPECT_EQ(d.address, l.address);
  EXPECT_EQ(d.state, l.state);
  EXPECT_EQ(d.subnet_id, 42u);
  EXPECT_EQ(d.valid, 600u);
  EXPECT_EQ(d.expire, 123456u);
  EXPECT_TRUE(d.SameClient(l));
  // Keys sort by address first.
  EXPECT_EQ(key[0], 0x0a);
  EXPECT_EQ(key[3], 0x01);
  // Corruptions are refused, not misread.
  value[0] = 99;
  EXPECT_FALSE(DecodeLease(key, {value, n}, d));
  value[0] = 1;
  EXPECT_FALSE(DecodeLease(key, {value, n - 1}, d));
  EXPECT_FALSE(DecodeLease({key, 11}, {value, n}, d));
}

TEST(LeaseStore, WritesPutsAndDeletesAndScansInAddressOrder) {
  TempDir dir;
  auto store = LeaseStore::Open(dir.path() + "/db", {});
  ASSERT_TRUE(store.ok()) << store.status();
  std::vector<ChangeRecord> batch;
  for (uint32_t n : {5u, 1u, 3u, 2u}) batch.push_back({n, ChangeOp::kPut, MakeLease(n)});
  ASSERT_TRUE((*store)->Write(batch).ok());
  ASSERT_TRUE((*store)->Write({{{9, ChangeOp::kDelete, MakeLease(3)}}}).ok());
  std::vector<uint32_t> seen;
  ASSERT_TRUE((*store)->ForEach([&](const Lease& l) { seen.push_back(l.address & 0xff); }).ok());
  EXPECT_EQ(seen, (std::vector<uint32_t>{1, 2, 5}));
}

TEST(Persister, PublishesDurableSequencePerShard) {
  TempDir dir;
  auto store = LeaseStore::Open(dir.path() + "/db", {.disable_wal = false, .sync = true});
  ASSERT_TRUE(store.ok());
  LeaseShard a(0, 16, 64), b(1, 16, 64);
  Persister p(**store, {&a, &b}, 8);
  for (uint32_t i = 1; i <= 5; ++i) {
    Lease* l = a.Insert(ClientKey::Make(1, std::vector<uint8_t>{1, 1, 1, 1, 1, uint8_t(i)}, {}, true));
    *l = MakeLease(i);
    a.Record(ChangeOp::kPut, *l);
  }
  Lease* l = b.Insert(ClientKey::Make(1, std::vector<uint8_t>{2, 2, 2, 2, 2, 2}, {}, true));
  *l = MakeLease(100);
  b.Record(ChangeOp::kPut, *l);
  auto n = p.RunOnce();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 6u);  // batch of 8 holds both shards' records
  EXPECT_EQ(a.durable_seq(), 5u);
  EXPECT_EQ(b.durable_seq(), 1u);
  EXPECT_EQ(*p.RunOnce(), 0u);
  size_t count = 0;
  ASSERT_TRUE((*store)->ForEach([&](const Lease&) { ++count; }).ok());
  EXPECT_EQ(count, 6u);
}

TEST(Persister, StopDrainsEverythingQueued) {
  TempDir dir;
  auto store = LeaseStore::Open(dir.path() + "/db", {.disable_wal = false, .sync = false});
  ASSERT_TRUE(store.ok());
  LeaseShard a(0, 4096, 4096);
  for (uint32_t i = 1; i <= 3000; ++i) {
    Lease* l = a.Insert(ClientKey::Make(1, std::vector<uint8_t>{3, 3, 3, uint8_t(i >> 8), uint8_t(i)}, {}, true));
    l->address = i;
    l->state = LeaseState::kBound;
    a.Record(ChangeOp::kPut, *l);
  }
  {
    Persister p(**store, {&a}, 100);
    p.Start();
    p.Stop();
    EXPECT_EQ(p.records_written(), 3000u);
  }
  EXPECT_EQ(a.durable_seq(), 3000u);
}

// A lease acknowledged under fsync survives SIGKILL: a real child process
// commits leases and reports each one once durable; we kill it mid-stream and
// find every reported lease in the store.
TEST(LeaseStore, AcknowledgedUnderFsyncSurvivesSigkill) {
  const char* child = std::getenv("FASTLEASE_STORE_CRASH_CHILD");
  ASSERT_NE(child, nullptr) << "meson passes the child binary's path";
  TempDir dir;
  const std::string db = dir.path() + "/db";
  std::set<uint32_t> acked;
  for (int round = 0; round < 3; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      execl(child, child, db.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    FILE* in = fdopen(fds[0], "r");
    char line[128];
    // Read a varying number of acknowledgements, then kill without warning.
    const size_t want = acked.size() + 200 + size_t(round) * 137;
    while (acked.size() < want && std::fgets(line, sizeof line, in) != nullptr) {
      unsigned a = 0;
      if (std::sscanf(line, "acked %u", &a) == 1) acked.insert(a);
    }
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status));
    std::fclose(in);
    // Reopen (RocksDB recovers its WAL) and check every acknowledged lease.
    auto store = LeaseStore::Open(db, {});
    ASSERT_TRUE(store.ok()) << store.status();
    std::set<uint32_t> stored;
    ASSERT_TRUE((*store)->ForEach([&](const Lease& l) {
                  if (l.state == LeaseState::kBound) stored.insert(l.address);
                }).ok());
    for (uint32_t a : acked) ASSERT_TRUE(stored.count(a)) << "acknowledged lease lost: " << a;
  }
  EXPECT_GE(acked.size(), 600u);
}

}  // namespace
}  // namespace fastlease::leasedb
