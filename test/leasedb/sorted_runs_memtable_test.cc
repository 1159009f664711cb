// SortedRunsRepFactory under a real RocksDB, checked against a std::map: reads
// interleaved with writes (so the memtable holds many runs), every kind of
// positioning and direction change, newest-version-wins across runs, flushes
// and reopening, and readers running beside a writer while memtables switch.
#include "leasedb/sorted_runs_memtable.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace fastlease::leasedb {
namespace {

class SortedRunsMemtableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/fl-sortedruns-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void Open(size_t write_buffer_size = 64 << 20) {
    db_.reset();
    rocksdb::Options o;
    o.create_if_missing = true;
    o.allow_concurrent_memtable_write = false;
    o.write_buffer_size = write_buffer_size;
    o.memtable_factory = std::make_shared<SortedRunsRepFactory>();
    rocksdb::DB* db = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(o, dir_ + "/db", &db);
    ASSERT_TRUE(s.ok()) << s.ToString();
    db_.reset(db);
  }

  static std::string Key(uint32_t i) {
    char b[16];
    std::snprintf(b, sizeof b, "k%07u", i);
    return b;
  }

  // Every read the store does, compared with the map.
  void ExpectMatches(const std::map<std::string, std::string>& want, std::mt19937& rng) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    auto w = want.begin();
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++w) {
      ASSERT_NE(w, want.end()) << "extra key " << it->key().ToString();
      ASSERT_EQ(it->key().ToString(), w->first);
      ASSERT_EQ(it->value().ToString(), w->second);
    }
    ASSERT_TRUE(it->status().ok());
    ASSERT_EQ(w, want.end()) << "missing key " << w->first;

    auto r = want.rbegin();
    for (it->SeekToLast(); it->Valid(); it->Prev(), ++r) {
      ASSERT_NE(r, want.rend());
      ASSERT_EQ(it->key().ToString(), r->first);
    }
    ASSERT_EQ(r, want.rend());

    for (int n = 0; n < 40; ++n) {
      const std::string k = Key(rng() % 6000);
      auto ge = want.lower_bound(k);
      it->Seek(k);
      ASSERT_EQ(it->Valid(), ge != want.end()) << "Seek " << k;
      if (ge != want.end()) {
        ASSERT_EQ(it->key().ToString(), ge->first) << "Seek " << k;
      }

      auto gt = want.upper_bound(k);
      it->SeekForPrev(k);
      ASSERT_EQ(it->Valid(), gt != want.begin()) << "SeekForPrev " << k;
      if (gt != want.begin()) {
        ASSERT_EQ(it->key().ToString(), std::prev(gt)->first) << "SeekForPrev " << k;
      }

      // Forward a few, then back past the start point: direction changes.
      it->Seek(k);
      auto m = want.lower_bound(k);
      for (int step = 0; step < 3 && it->Valid(); ++step) {
        it->Next();
        ++m;
        ASSERT_EQ(it->Valid(), m != want.end());
        if (m != want.end()) {
          ASSERT_EQ(it->key().ToString(), m->first);
        }
      }
      for (int step = 0; step < 6 && it->Valid(); ++step) {
        it->Prev();
        ASSERT_EQ(it->Valid(), m != want.begin());
        if (m == want.begin()) break;
        --m;
        ASSERT_EQ(it->key().ToString(), m->first) << "Prev after Next from " << k;
      }

      std::string value;
      rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), k, &value);
      auto found = want.find(k);
      ASSERT_EQ(s.ok(), found != want.end()) << "Get " << k << ": " << s.ToString();
      if (found != want.end()) {
        ASSERT_EQ(value, found->second);
      }
    }
  }

  std::string dir_;
  std::unique_ptr<rocksdb::DB> db_;
};

TEST_F(SortedRunsMemtableTest, ReadsBetweenWritesMatchAMap) {
  Open();
  std::mt19937 rng(7);
  std::map<std::string, std::string> want;
  for (int round = 0; round < 60; ++round) {
    // Rounds of very different sizes, so the memtable holds runs of many sizes.
    const int ops = round % 5 == 0 ? 3000 : int(rng() % 200) + 1;
    rocksdb::WriteBatch batch;
    for (int n = 0; n < ops; ++n) {
      const std::string k = Key(rng() % 5000);
      if (rng() % 5 == 0) {
        batch.Delete(k);
        want.erase(k);
      } else {
        const std::string v = absl::StrCat("v", round, ".", n);
        batch.Put(k, v);
        want[k] = v;
      }
    }
    ASSERT_TRUE(db_->Write(rocksdb::WriteOptions(), &batch).ok());
    ExpectMatches(want, rng);
    if (HasFatalFailure()) return;
    if (round % 17 == 16) {
      ASSERT_TRUE(db_->Flush(rocksdb::FlushOptions()).ok());
    }
  }
}

TEST_F(SortedRunsMemtableTest, TheNewestVersionWinsAcrossRuns) {
  Open();
  std::string value;
  ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), "lease", "offered").ok());
  ASSERT_TRUE(db_->Get(rocksdb::ReadOptions(), "lease", &value).ok());  // sorts into run 1
  EXPECT_EQ(value, "offered");
  ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), "lease", "bound").ok());  // run 2, after a read
  ASSERT_TRUE(db_->Get(rocksdb::ReadOptions(), "lease", &value).ok());
  EXPECT_EQ(value, "bound");
  ASSERT_TRUE(db_->Delete(rocksdb::WriteOptions(), "lease").ok());
  EXPECT_TRUE(db_->Get(rocksdb::ReadOptions(), "lease", &value).IsNotFound());
  // A snapshot taken before the delete still reads the version it saw.
  ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), "lease", "renewed").ok());
  const rocksdb::Snapshot* snap = db_->GetSnapshot();
  ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), "lease", "released").ok());
  rocksdb::ReadOptions at_snap;
  at_snap.snapshot = snap;
  ASSERT_TRUE(db_->Get(at_snap, "lease", &value).ok());
  EXPECT_EQ(value, "renewed");
  ASSERT_TRUE(db_->Get(rocksdb::ReadOptions(), "lease", &value).ok());
  EXPECT_EQ(value, "released");
  db_->ReleaseSnapshot(snap);
}

TEST_F(SortedRunsMemtableTest, EmptyMemtableReadsNothing) {
  Open();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  it->SeekToLast();
  EXPECT_FALSE(it->Valid());
  it->Seek("a");
  EXPECT_FALSE(it->Valid());
  std::string value;
  EXPECT_TRUE(db_->Get(rocksdb::ReadOptions(), "a", &value).IsNotFound());
}

TEST_F(SortedRunsMemtableTest, FlushedAndReopenedStoreHoldsEveryKey) {
  Open();
  std::mt19937 rng(11);
  std::map<std::string, std::string> want;
  for (int n = 0; n < 50000; ++n) {
    const std::string k = Key(rng() % 40000);
    const std::string v = std::to_string(n);
    ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), k, v).ok());
    want[k] = v;
    if (n == 20000) ExpectMatches(want, rng);  // runs before the flush walks them
  }
  ASSERT_TRUE(db_->Flush(rocksdb::FlushOptions()).ok());
  for (int n = 0; n < 5000; ++n) {  // and a memtable that is flushed at close
    const std::string k = Key(rng() % 40000);
    ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), k, "late").ok());
    want[k] = "late";
  }
  ASSERT_TRUE(db_->Close().ok());
  Open();
  ExpectMatches(want, rng);
}

// One writer, two readers, memtables of 256 KiB so they turn immutable and are
// flushed during the run: every key committed before a read started is seen,
// in order, by scans and by Get.
TEST_F(SortedRunsMemtableTest, ReadersBesideTheWriterSeeEveryCommittedKey) {
  Open(256 << 10);
  constexpr uint32_t kKeys = 60000;
  std::atomic<uint32_t> committed{0};
  std::atomic<bool> failed{false};
  std::thread writer([&] {
    for (uint32_t i = 0; i < kKeys; ++i) {
      // Scrambled order, as leases arrive: key i is written i-th.
      if (!db_->Put(rocksdb::WriteOptions(), Key(i * 7919 % kKeys), std::string(40, 'x')).ok()) {
        failed = true;
        return;
      }
      committed.store(i + 1, std::memory_order_release);
    }
  });
  auto reader = [&](uint32_t seed) {
    std::mt19937 rng(seed);
    while (!failed) {
      const uint32_t done = committed.load(std::memory_order_acquire);
      if (done > 0) {
        const uint32_t i = rng() % done;
        std::string value;
        if (!db_->Get(rocksdb::ReadOptions(), Key(i * 7919 % kKeys), &value).ok()) {
          ADD_FAILURE() << "committed key " << i << " not found";
          failed = true;
        }
      }
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
      uint32_t seen = 0;
      std::string last;
      for (it->SeekToFirst(); it->Valid(); it->Next(), ++seen) {
        if (!last.empty() && !(last < it->key().ToString())) {
          ADD_FAILURE() << "scan out of order at " << last;
          failed = true;
          break;
        }
        last = it->key().ToString();
      }
      if (seen < done) {
        ADD_FAILURE() << "scan saw " << seen << " keys, " << done << " were committed before it";
        failed = true;
      }
      if (done == kKeys) break;
    }
  };
  std::thread r1(reader, 1), r2(reader, 2);
  writer.join();
  r1.join();
  r2.join();
  EXPECT_FALSE(failed);
  std::vector<rocksdb::LiveFileMetaData> files;
  db_->GetLiveFilesMetaData(&files);
  EXPECT_FALSE(files.empty()) << "the memtables were meant to be flushed during the run";
}

}  // namespace
}  // namespace fastlease::leasedb
