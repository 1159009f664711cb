// Test helper: EAL for a GoogleTest binary, as the dataplane runs on development
// machines (no hugepages, no PCI, no shared config, so binaries run side by side).
// EAL initialises once per process: call from one ::testing::Environment's SetUp.
//
//   void SetUp() override { ASSERT_TRUE(testing::InitEal("worker_test")); }
#pragma once

#include <rte_eal.h>

#include <string>
#include <vector>

namespace fastlease::testing {

// True when rte_eal_init succeeded with one lcore (0) and 256 MiB.
inline bool InitEal(const char* program) {
  std::vector<std::string> args = {program, "--no-huge", "--no-pci", "--no-shconf", "-m", "256",
                                   "-l",    "0",         "--log-level", "*:error"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return rte_eal_init(int(argv.size()), argv.data()) >= 0;
}

}  // namespace fastlease::testing
