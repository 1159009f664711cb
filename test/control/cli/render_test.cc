// Rendering of sample Kea answers: lease and statistics tables (widths,
// states, local time under TZ), the status summary, malformed shapes.
#include <cstdlib>
#include <ctime>
#include <string>

#include "control/cli/render.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fastlease::cli {
namespace {

using nlohmann::json;

class RenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

TEST_F(RenderTest, TableAlignsColumnsWithoutTrailingSpaces) {
  std::string table = RenderTable({{"name"}, {"n", true}, {"last"}},
                                  {{"a", "1", "x"}, {"longer", "1234", ""}, {"b"}});
  EXPECT_EQ(table,
            "name       n  last\n"
            "a          1  x\n"
            "longer  1234\n"
            "b\n");
  EXPECT_EQ(RenderTable({{""}, {""}}, {{"k", "v"}, {"key", "value"}}),
            "k    v\n"
            "key  value\n");
  EXPECT_EQ(RenderTable({{"h"}}, {}), "h\n");
}

TEST_F(RenderTest, LocalTimeFollowsTz) {
  EXPECT_EQ(FormatLocalTime(1764003600), "2025-11-24 17:00:00");
  setenv("TZ", "XST-2", 1);  // POSIX form: two hours east of UTC
  tzset();
  EXPECT_EQ(FormatLocalTime(1764003600), "2025-11-24 19:00:00");
}

TEST_F(RenderTest, Durations) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(59), "59s");
  EXPECT_EQ(FormatDuration(240), "4m 0s");
  EXPECT_EQ(FormatDuration(3600 + 61), "1h 1m 1s");
  EXPECT_EQ(FormatDuration(2 * 86400 + 3 * 3600 + 4 * 60 + 5), "2d 3h 4m 5s");
  EXPECT_EQ(FormatDuration(-1), "-");
}

TEST_F(RenderTest, LeaseStates) {
  EXPECT_EQ(LeaseStateName(json::parse(R"({"state": 0})")), "bound");
  EXPECT_EQ(LeaseStateName(json::parse(R"({"state": 1})")), "declined");
  EXPECT_EQ(LeaseStateName(json::parse(R"({"state": 2})")), "expired");
  EXPECT_EQ(LeaseStateName(json::parse(R"({"state": 2, "released": false})")), "expired");
  EXPECT_EQ(LeaseStateName(json::parse(R"({"state": 2, "released": true})")), "released");
  EXPECT_EQ(LeaseStateName(json::parse(R"({"state": 7})")), "state 7");
  EXPECT_EQ(LeaseStateName(json::parse(R"({})")), "-");
}

// A lease4-get-all answer as docs/commands.md shows it.
constexpr const char* kLeasesAnswer = R"({"result": 0, "text": "4 IPv4 lease(s) found.",
  "arguments": {"leases": [
    {"ip-address": "192.0.2.10", "hw-address": "52:54:00:12:34:56",
     "client-id": "01:52:54:00:12:34:56", "subnet-id": 1, "valid-lft": 3600,
     "cltt": 1764000000, "fqdn-fwd": false, "fqdn-rev": false, "hostname": "", "state": 0},
    {"ip-address": "192.0.2.100", "hw-address": "52:54:00:aa:bb:cc", "subnet-id": 12,
     "valid-lft": 86400, "cltt": 1764000000, "hostname": "pc", "state": 1},
    {"ip-address": "10.1.2.3", "hw-address": "00:11:22:33:44:55",
     "client-id": "ff:00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e...", "subnet-id": 2,
     "valid-lft": 7200, "cltt": 1763999900, "state": 2, "released": true},
    {"ip-address": "10.1.2.4", "hw-address": "00:11:22:33:44:56", "subnet-id": 2,
     "valid-lft": 4294967295, "cltt": 1764000000, "state": 2}
  ]}})";

TEST_F(RenderTest, LeaseTable) {
  json answer = json::parse(kLeasesAnswer);
  absl::StatusOr<std::string> table = RenderLeases(answer["arguments"]["leases"]);
  ASSERT_TRUE(table.ok()) << table.status();
  // client-id is 50 wide (a truncated 16-byte id); subnet and valid-lft right-aligned.
  EXPECT_EQ(*table,
            "address      hw-address         "
            "client-id                                           "
            "subnet  state      valid-lft  expires\n"
            "192.0.2.10   52:54:00:12:34:56  "
            "01:52:54:00:12:34:56                                "
            "     1  bound           3600  2025-11-24 17:00:00\n"
            "192.0.2.100  52:54:00:aa:bb:cc  "
            "-                                                   "
            "    12  declined       86400  2025-11-25 16:00:00\n"
            "10.1.2.3     00:11:22:33:44:55  "
            "ff:00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e...  "
            "     2  released        7200  2025-11-24 17:58:20\n"
            "10.1.2.4     00:11:22:33:44:56  "
            "-                                                   "
            "     2  expired   4294967295  never\n");
}

TEST_F(RenderTest, LeaseTableMissingFields) {
  absl::StatusOr<std::string> table = RenderLeases(json::parse(R"([{"ip-address": "10.0.0.1"}])"));
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(*table,
            "address   hw-address  client-id  subnet  state  valid-lft  expires\n"
            "10.0.0.1  -           -               -  -              -  -\n");
  absl::StatusOr<std::string> empty = RenderLeases(json::array());
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "address  hw-address  client-id  subnet  state  valid-lft  expires\n");
}

TEST_F(RenderTest, LeaseTableRejectsMalformed) {
  EXPECT_EQ(RenderLeases(json::object()).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(RenderLeases(json::parse("[1]")).status().code(), absl::StatusCode::kDataLoss);
}

// A lease6-get-all answer in Kea's shape: an address, a delegated prefix,
// a released and a declined lease, one with an infinite lifetime.
constexpr const char* kLeases6Answer = R"({"result": 0, "text": "4 IPv6 lease(s) found.",
  "arguments": {"leases": [
    {"ip-address": "2001:db8:1::5", "type": "IA_NA", "prefix-len": 128,
     "duid": "00:01:00:01:2e:3f:4a:5b:52:54:00:12:34:56", "iaid": 1, "subnet-id": 1,
     "preferred-lft": 3000, "valid-lft": 4000, "cltt": 1764000000, "fqdn-fwd": false,
     "fqdn-rev": false, "hostname": "", "state": 0},
    {"ip-address": "2001:db8:1:100::", "type": "IA_PD", "prefix-len": 56,
     "duid": "00:03:00:01:52:54:00:aa:bb:cc", "iaid": 4294967295, "subnet-id": 12,
     "preferred-lft": 0, "valid-lft": 86400, "cltt": 1764000000, "state": 1},
    {"ip-address": "2001:db8:1::6", "type": "IA_NA", "prefix-len": 128,
     "duid": "00:02:00:00:09:bf:01", "iaid": 7, "subnet-id": 1,
     "preferred-lft": 3000, "valid-lft": 4000, "cltt": 1763999900, "state": 2, "released": true},
    {"ip-address": "2001:db8:2::1", "type": "IA_NA", "prefix-len": 128,
     "duid": "00:01:02", "iaid": 0, "subnet-id": 2,
     "preferred-lft": 4294967295, "valid-lft": 4294967295, "cltt": 1764000000, "state": 2}
  ]}})";

TEST_F(RenderTest, Lease6Table) {
  json answer = json::parse(kLeases6Answer);
  absl::StatusOr<std::string> table = RenderLeases(answer["arguments"]["leases"], IpFamily::kV6);
  ASSERT_TRUE(table.ok()) << table.status();
  // A prefix shows its length; iaid, subnet and the lifetimes are right-aligned.
  EXPECT_EQ(*table,
            "address              type   duid                                             iaid  "
            "subnet  state     preferred-lft   valid-lft  expires\n"
            "2001:db8:1::5        IA_NA  00:01:00:01:2e:3f:4a:5b:52:54:00:12:34:56           1  "
            "     1  bound              3000        4000  2025-11-24 17:06:40\n"
            "2001:db8:1:100::/56  IA_PD  00:03:00:01:52:54:00:aa:bb:cc              4294967295  "
            "    12  declined              0       86400  2025-11-25 16:00:00\n"
            "2001:db8:1::6        IA_NA  00:02:00:00:09:bf:01                                7  "
            "     1  released           3000        4000  2025-11-24 17:05:00\n"
            "2001:db8:2::1        IA_NA  00:01:02                                            0  "
            "     2  expired      4294967295  4294967295  never\n");
}

TEST_F(RenderTest, Lease6TableMissingFields) {
  absl::StatusOr<std::string> table =
      RenderLeases(json::parse(R"([{"ip-address": "2001:db8::1"}])"), IpFamily::kV6);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(*table,
            "address      type  duid  iaid  subnet  state  preferred-lft  valid-lft  expires\n"
            "2001:db8::1  -     -        -       -  -                  -          -  -\n");
  absl::StatusOr<std::string> empty = RenderLeases(json::array(), IpFamily::kV6);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "address  type  duid  iaid  subnet  state  preferred-lft  valid-lft  expires\n");
  EXPECT_EQ(RenderLeases(json::object(), IpFamily::kV6).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(RenderLeases(json::parse(R"(["2001:db8::1"])"), IpFamily::kV6).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(RenderTest, StatsGroupedGlobalSubnetsWorkers) {
  json stats = json::parse(R"({
    "subnet[10].assigned-addresses": [[5, "2025-11-24 16:00:00.000010"]],
    "pkt4-received": [[1234, "2025-11-24 16:00:01.000000"], [1000, "2025-11-24 15:00:00.000000"]],
    "subnet[2].total-addresses": [[254, "2025-11-24 16:00:00.000000"]],
    "lcore[1].wire_ip_fragment": [[0, "2025-11-24 16:00:00.000000"]],
    "assigned-addresses": [[17, "2025-11-24 16:00:00.000000"]],
    "subnet[2].assigned-addresses": [[12, "2025-11-24 16:00:00.000000"]],
    "lcore[2].drop_park_full": [[3, "2025-11-24 16:00:00.000000"]],
    "empty": []
  })");
  absl::StatusOr<std::string> table = RenderStats(stats);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(*table,
            "name                           value  timestamp\n"
            "assigned-addresses                17  2025-11-24 16:00:00.000000\n"
            "empty                              -  -\n"
            "pkt4-received                   1234  2025-11-24 16:00:01.000000\n"
            "\n"
            "subnet[2].assigned-addresses      12  2025-11-24 16:00:00.000000\n"
            "subnet[2].total-addresses        254  2025-11-24 16:00:00.000000\n"
            "\n"
            "subnet[10].assigned-addresses      5  2025-11-24 16:00:00.000010\n"
            "\n"
            "lcore[1].wire_ip_fragment          0  2025-11-24 16:00:00.000000\n"
            "\n"
            "lcore[2].drop_park_full            3  2025-11-24 16:00:00.000000\n");
}

TEST_F(RenderTest, StatsValuesOfOtherTypes) {
  absl::StatusOr<std::string> table = RenderStats(json::parse(
      R"({"ratio": [[0.5, "t"]], "label": [["x", "t"]], "bare": 7})"));
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(*table,
            "name   value  timestamp\n"
            "bare       7  -\n"
            "label      x  t\n"
            "ratio    0.5  t\n");
  EXPECT_EQ(RenderStats(json::array()).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(RenderTest, Status) {
  json status = json::parse(R"({"pid": 1234, "uptime": 93784, "reload": 10,
    "dataplane": {"connected": true, "pid": 1240, "uptime": 3600, "workers": 2,
                  "config-epoch": 3, "lease-events": {"last-seq": 1234, "acked-seq": 1230},
                  "socket": "/run/fastlease/dataplane.sock"},
    "control": {"sessions": 1, "max-command-size": 4194304}})");
  absl::StatusOr<std::string> text = RenderStatus(status);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text,
            "control pid               1234\n"
            "control uptime            1d 2h 3m 4s\n"
            "last reload               10s ago\n"
            "dataplane                 connected\n"
            "dataplane pid             1240\n"
            "dataplane uptime          1h 0m 0s\n"
            "workers                   2\n"
            "config epoch              3\n"
            "lease events              last seq 1234, acked seq 1230 (4 unacknowledged)\n"
            "dataplane.socket          /run/fastlease/dataplane.sock\n"
            "control.max-command-size  4194304\n"
            "control.sessions          1\n");
}

TEST_F(RenderTest, StatusDataplaneNotConnected) {
  absl::StatusOr<std::string> text = RenderStatus(json::parse(
      R"({"pid": 1, "uptime": 5, "reload": 5, "dataplane": {"connected": false}})"));
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text,
            "control pid     1\n"
            "control uptime  5s\n"
            "last reload     5s ago\n"
            "dataplane       not connected\n");
  EXPECT_EQ(RenderStatus(json()).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace fastlease::cli
