// Argument parsing and request building: each command line into the exact
// request JSON, and the usage errors (exit status 2) for bad input.
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "control/cli/command_line.h"
#include "control/cli/commands.h"
#include "control/cli/request.h"
#include "control/cli/validate.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fastlease::cli {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

absl::StatusOr<Plan> PlanFor(std::vector<std::string> args) {
  absl::StatusOr<Invocation> inv = ParseCommandLine(args);
  if (!inv.ok()) return inv.status();
  return BuildPlan(*inv);
}

// The single request a command line builds.
json RequestFor(std::vector<std::string> args) {
  absl::StatusOr<Plan> plan = PlanFor(args);
  EXPECT_TRUE(plan.ok()) << plan.status();
  if (!plan.ok()) return nullptr;
  EXPECT_EQ(plan->requests.size(), 1u);
  return plan->requests.front();
}

// The usage error a command line gets.
std::string UsageErrorFor(std::vector<std::string> args) {
  absl::StatusOr<Plan> plan = PlanFor(args);
  EXPECT_FALSE(plan.ok());
  if (plan.ok()) return "";
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument) << plan.status();
  return std::string(plan.status().message());
}

class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    char name[] = "/tmp/fastlease_cli_testXXXXXX";
    int fd = mkstemp(name);
    EXPECT_GE(fd, 0);
    close(fd);
    path_ = name;
    std::ofstream(path_) << content;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// ------------------------------------------------------------- validation

TEST(ValidateTest, Ipv4) {
  EXPECT_EQ(ParseIpv4("10.0.0.5"), 0x0a000005u);
  EXPECT_EQ(ParseIpv4("0.0.0.0"), 0u);
  EXPECT_EQ(ParseIpv4("255.255.255.255"), 0xffffffffu);
  for (const char* bad : {"", "10.0.0", "10.0.0.5.1", "10.0.0.256", "10.0.0.300", "010.0.0.1",
                          "10.0.0.-1", " 10.0.0.1", "10.0.0.1 ", "10..0.1", "a.b.c.d", "1000.0.0.1",
                          "10.0.0.1/24", "::1"}) {
    EXPECT_FALSE(ParseIpv4(bad)) << bad;
  }
}

TEST(ValidateTest, HwAddress) {
  EXPECT_EQ(NormalizeHwAddress("52:54:00:12:34:56"), "52:54:00:12:34:56");
  EXPECT_EQ(NormalizeHwAddress("52-54-00-AB-CD-EF"), "52:54:00:ab:cd:ef");
  EXPECT_EQ(NormalizeHwAddress("525400abcdef"), "52:54:00:ab:cd:ef");
  EXPECT_EQ(NormalizeHwAddress("1:2:3:4:5:6"), "01:02:03:04:05:06");
  EXPECT_EQ(NormalizeHwAddress("aa"), "aa");
  EXPECT_TRUE(NormalizeHwAddress("00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f"));  // 16 bytes
  for (const char* bad : {"", "52:54:00:12:34:5g", "52:54:00-12:34:56", "52:54::12:34:56",
                          "52:54:00:12:34:56:", "525400abcde", "123:45", "52 54 00 12 34 56",
                          "00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10"}) {
    EXPECT_FALSE(NormalizeHwAddress(bad)) << bad;
  }
}

TEST(ValidateTest, ClientIdAndNumbers) {
  EXPECT_EQ(NormalizeClientId("01:52:54:00:12:34:56"), "01:52:54:00:12:34:56");
  EXPECT_EQ(NormalizeClientId(std::string(255 * 2, 'a')), [] {
    std::string s;
    for (int i = 0; i < 255; ++i) s += i ? ":aa" : "aa";
    return s;
  }());
  EXPECT_FALSE(NormalizeClientId(std::string(256 * 2, 'a')));
  EXPECT_EQ(ParseUnsigned("3600", UINT32_MAX), 3600u);
  EXPECT_EQ(ParseUnsigned("4294967295", UINT32_MAX), 4294967295u);
  EXPECT_FALSE(ParseUnsigned("4294967296", UINT32_MAX));
  EXPECT_FALSE(ParseUnsigned("-1", UINT32_MAX));
  EXPECT_FALSE(ParseUnsigned("+1", UINT32_MAX));
  EXPECT_FALSE(ParseUnsigned("1e3", UINT32_MAX));
  EXPECT_FALSE(ParseUnsigned("", UINT32_MAX));
  EXPECT_FALSE(ParseUnsigned("99999999999999999999999", UINT64_MAX));
  EXPECT_EQ(ParseTimeoutSeconds("30"), 30.0);
  EXPECT_EQ(ParseTimeoutSeconds("0.25"), 0.25);
  for (const char* bad : {"0", "", "-1", "abc", "1e3", "86401", "nan", "inf", "1..2"}) {
    EXPECT_FALSE(ParseTimeoutSeconds(bad)) << bad;
  }
}

TEST(ValidateTest, Ipv6) {
  std::optional<std::array<uint8_t, 16>> a = ParseIpv6("2001:db8:1::5");
  ASSERT_TRUE(a);
  EXPECT_EQ(*a, (std::array<uint8_t, 16>{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5}));
  EXPECT_LT(*ParseIpv6("2001:db8:1::5"), *ParseIpv6("2001:db8:1::10"));
  EXPECT_LT(*ParseIpv6("2001:db8:1::ffff"), *ParseIpv6("2001:db8:2::"));
  EXPECT_EQ(NormalizeIpv6("2001:DB8:1:0:0:0:0:5"), "2001:db8:1::5");
  EXPECT_EQ(NormalizeIpv6("::"), "::");
  EXPECT_EQ(NormalizeIpv6("::ffff:192.0.2.1"), "::ffff:192.0.2.1");
  for (const char* bad : {"", "10.0.0.5", "2001:db8::1::2", "2001:db8:1::/64", "2001:db8:1::5%eth0",
                          " 2001:db8::1", "2001:db8::1 ", "2001:db8:1:2:3:4:5:6:7", "2001:db8::g",
                          "12345::"}) {
    EXPECT_FALSE(ParseIpv6(bad)) << bad;
    EXPECT_FALSE(NormalizeIpv6(bad)) << bad;
  }
  EXPECT_FALSE(HasBitsPastPrefix(*ParseIpv6("2001:db8:1:100::"), 56));
  EXPECT_TRUE(HasBitsPastPrefix(*ParseIpv6("2001:db8:1:101::"), 56));
  EXPECT_TRUE(HasBitsPastPrefix(*ParseIpv6("2001:db8:1:100::1"), 64));
  EXPECT_FALSE(HasBitsPastPrefix(*ParseIpv6("2001:db8:1:100::1"), 128));
}

TEST(ValidateTest, Duid) {
  EXPECT_EQ(NormalizeDuid("00:01:00:01:2E:3F:4A:5B:52:54:00:12:34:56"),
            "00:01:00:01:2e:3f:4a:5b:52:54:00:12:34:56");
  EXPECT_EQ(NormalizeDuid("0003000152540012"), "00:03:00:01:52:54:00:12");
  EXPECT_EQ(NormalizeDuid("0:1"), "00:01");  // 2 bytes: the shortest the dataplane stores
  EXPECT_TRUE(NormalizeDuid(std::string(130 * 2, 'a')));
  for (std::string bad : {std::string(""), std::string("00"), std::string(131 * 2, 'a'),
                          std::string("00:01:zz"), std::string("00:01-02")}) {
    EXPECT_FALSE(NormalizeDuid(bad)) << bad;
  }
}

// ---------------------------------------------------------------- parsing

TEST(ParseCommandLineTest, GlobalFlagsAnywhere) {
  absl::StatusOr<Invocation> inv = ParseCommandLine(std::vector<std::string>{
      "--socket", "/run/x.sock", "lease4-get", "--json", "10.0.0.5", "--timeout=2.5"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command->id, CommandId::kLease4Get);
  EXPECT_EQ(inv->global.socket, "/run/x.sock");
  EXPECT_TRUE(inv->global.json);
  EXPECT_EQ(inv->global.timeout, "2.5");
  EXPECT_EQ(inv->args, std::vector<std::string>{"10.0.0.5"});
}

TEST(ParseCommandLineTest, HelpAndVersionSkipArity) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"lease4-add", "--help"}, {"lease4-add", "-h"}, {"--help"}, {"config", "--help"},
           {"--version"}, {"lease4-add", "--version"}}) {
    absl::StatusOr<Invocation> inv = ParseCommandLine(args);
    ASSERT_TRUE(inv.ok()) << inv.status();
    EXPECT_TRUE(inv->global.help || inv->global.version);
  }
  absl::StatusOr<Invocation> sub = ParseCommandLine(std::vector<std::string>{"config", "set", "--help"});
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ(sub->command->id, CommandId::kConfigSet);
}

TEST(ParseCommandLineTest, UsageErrors) {
  auto error = [](std::vector<std::string> args) {
    absl::StatusOr<Invocation> inv = ParseCommandLine(args);
    EXPECT_FALSE(inv.ok());
    if (inv.ok()) return std::string();
    EXPECT_EQ(inv.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(inv.status().message());
  };
  EXPECT_THAT(error({"lease4-gte", "10.0.0.5"}), HasSubstr("did you mean 'lease4-get'"));
  EXPECT_THAT(error({"leases-reclaim"}), HasSubstr("fastlease raw leases-reclaim"));
  EXPECT_THAT(error({"lease4-get", "--bogus"}), HasSubstr("unknown flag '--bogus' for lease4-get"));
  EXPECT_THAT(error({"lease4-get", "--bogus"}), HasSubstr("Run 'fastlease help lease4-get'"));
  EXPECT_THAT(error({"--subnet-id", "1", "leases"}), HasSubstr("unknown flag '--subnet-id'"));
  EXPECT_THAT(error({"lease4-get", "-x"}), HasSubstr("unknown flag '-x'"));
  EXPECT_THAT(error({"leases", "--limit"}), HasSubstr("--limit needs a value (N)"));
  EXPECT_THAT(error({"leases", "--json=1"}), HasSubstr("--json takes no value"));
  EXPECT_THAT(error({"leases", "--limit", "1", "--limit", "2"}), HasSubstr("more than once"));
  EXPECT_THAT(error({"lease4-add", "10.0.0.5"}), HasSubstr("missing argument"));
  EXPECT_THAT(error({"lease4-get", "10.0.0.5", "10.0.0.6"}),
              HasSubstr("unexpected argument '10.0.0.6'"));
  EXPECT_THAT(error({"config"}), HasSubstr("config needs a sub-command: get, test, set"));
  EXPECT_THAT(error({"config", "apply", "x"}), HasSubstr("unknown sub-command 'apply'"));
  EXPECT_THAT(error({"completion"}), HasSubstr("missing argument"));
}

TEST(ParseCommandLineTest, OneLetterFlags) {
  absl::StatusOr<Invocation> inv = ParseCommandLine(std::vector<std::string>{"stats", "-6", "pkt6-sent"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_TRUE(inv->HasFlag("-6"));
  EXPECT_EQ(inv->args, std::vector<std::string>{"pkt6-sent"});
  // Before the sub-command: the flag goes with it to `stats reset`.
  inv = ParseCommandLine(std::vector<std::string>{"stats", "-6", "reset", "pkt6-sent"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command->id, CommandId::kStatsReset);
  EXPECT_TRUE(inv->HasFlag("-6"));
  EXPECT_EQ(inv->args, std::vector<std::string>{"pkt6-sent"});
  EXPECT_THAT(ParseCommandLine(std::vector<std::string>{"lease6-get", "-6"}).status().message(),
              HasSubstr("unknown flag '-6' for lease6-get"));
  EXPECT_THAT(ParseCommandLine(std::vector<std::string>{"stats", "-6=1"}).status().message(),
              HasSubstr("unknown flag '-6=1'"));
  EXPECT_THAT(ParseCommandLine(std::vector<std::string>{"-6", "stats"}).status().message(),
              HasSubstr("unknown flag '-6'"));
}

TEST(ParseCommandLineTest, DoubleDashEndsFlags) {
  absl::StatusOr<Invocation> inv =
      ParseCommandLine(std::vector<std::string>{"stats", "--", "--odd-name"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->args, std::vector<std::string>{"--odd-name"});
}

TEST(ParseCommandLineTest, RepeatableFlagKeepsOrder) {
  absl::StatusOr<Invocation> inv = ParseCommandLine(
      std::vector<std::string>{"leases", "--subnet-id", "3", "--subnet-id=1"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->FlagValues("--subnet-id"), (std::vector<std::string>{"3", "1"}));
}

// --------------------------------------------------------------- requests

TEST(RequestTest, Lease4Get) {
  EXPECT_EQ(RequestFor({"lease4-get", "10.0.0.5"}),
            json::parse(R"({"command": "lease4-get", "arguments": {"ip-address": "10.0.0.5"}})"));
  EXPECT_EQ(RequestFor({"lease4-get", "--hw-address", "52-54-00-AB-CD-EF", "--subnet-id", "1"}),
            json::parse(R"({"command": "lease4-get", "arguments": {"identifier-type": "hw-address",
                "identifier": "52:54:00:ab:cd:ef", "subnet-id": 1}})"));
  EXPECT_EQ(RequestFor({"lease4-get", "--client-id=01:52:54:00:12:34:56", "--subnet-id=7"}),
            json::parse(R"({"command": "lease4-get", "arguments": {"identifier-type": "client-id",
                "identifier": "01:52:54:00:12:34:56", "subnet-id": 7}})"));
}

TEST(RequestTest, Lease4GetErrors) {
  EXPECT_THAT(UsageErrorFor({"lease4-get"}), HasSubstr("give an address, or --hw-address"));
  EXPECT_THAT(UsageErrorFor({"lease4-get", "10.0.0.300"}),
              HasSubstr("'10.0.0.300' is not an IPv4 address"));
  EXPECT_THAT(UsageErrorFor({"lease4-get", "10.0.0.5", "--hw-address", "52:54:00:12:34:56"}),
              HasSubstr("not both"));
  EXPECT_THAT(UsageErrorFor({"lease4-get", "--hw-address", "52:54:00:12:34:56"}),
              HasSubstr("--hw-address needs --subnet-id"));
  EXPECT_THAT(UsageErrorFor({"lease4-get", "--hw-address", "52:54:00:12:34:56", "--client-id",
                             "01:02", "--subnet-id", "1"}),
              HasSubstr("--hw-address or --client-id, not both"));
  EXPECT_THAT(UsageErrorFor({"lease4-get", "--hw-address", "52:54:00:12:34:zz", "--subnet-id", "1"}),
              HasSubstr("'52:54:00:12:34:zz' is not a hardware address"));
  EXPECT_THAT(UsageErrorFor({"lease4-get", "--client-id", "xyz", "--subnet-id", "1"}),
              HasSubstr("'xyz' is not a client identifier"));
  EXPECT_THAT(UsageErrorFor({"lease4-get", "--hw-address", "52:54:00:12:34:56", "--subnet-id", "0"}),
              HasSubstr("--subnet-id must be a whole number from 1 to 4294967294, not '0'"));
  EXPECT_THAT(UsageErrorFor({"lease4-get", "--hw-address", "52:54:00:12:34:56", "--subnet-id",
                             "4294967295"}),
              HasSubstr("from 1 to 4294967294"));
}

TEST(RequestTest, Leases) {
  absl::StatusOr<Plan> all = PlanFor({"leases"});
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->mode, Mode::kPaged);
  EXPECT_EQ(all->max_leases, 0u);
  EXPECT_EQ(all->page_size, 1000u);
  EXPECT_EQ(all->requests.front(), json::parse(R"({"command": "lease4-get-page",
      "arguments": {"from": "start", "limit": 1000}})"));

  absl::StatusOr<Plan> few = PlanFor({"leases", "--limit", "50"});
  ASSERT_TRUE(few.ok());
  EXPECT_EQ(few->max_leases, 50u);
  EXPECT_EQ(few->requests.front()["arguments"]["limit"], 50);

  absl::StatusOr<Plan> many = PlanFor({"leases", "--limit", "5000"});
  ASSERT_TRUE(many.ok());
  EXPECT_EQ(many->max_leases, 5000u);
  EXPECT_EQ(many->requests.front()["arguments"]["limit"], 1000);

  absl::StatusOr<Plan> subnets = PlanFor({"leases", "--subnet-id", "1", "--subnet-id", "2", "--limit", "3"});
  ASSERT_TRUE(subnets.ok());
  EXPECT_EQ(subnets->mode, Mode::kSingle);
  EXPECT_EQ(subnets->output, Output::kLeases);
  EXPECT_EQ(subnets->max_leases, 3u);
  EXPECT_EQ(subnets->requests.front(),
            json::parse(R"({"command": "lease4-get-all", "arguments": {"subnets": [1, 2]}})"));

  EXPECT_THAT(UsageErrorFor({"leases", "--limit", "0"}), HasSubstr("--limit must be"));
  EXPECT_THAT(UsageErrorFor({"leases", "--subnet-id", "x"}), HasSubstr("--subnet-id must be"));
}

TEST(RequestTest, Lease4AddAndUpdate) {
  const json full = json::parse(R"({"ip-address": "10.0.0.5", "hw-address": "52:54:00:12:34:56",
      "subnet-id": 1, "valid-lft": 3600, "client-id": "01:52:54:00:12:34:56",
      "hostname": "printer-3", "expire": 1764003600})");
  const std::vector<std::string> flags = {"--subnet-id", "1", "--valid-lft", "3600",
                                          "--client-id", "01:52:54:00:12:34:56", "--hostname",
                                          "printer-3", "--expire", "1764003600"};
  for (std::string command : {"lease4-add", "lease4-update"}) {
    std::vector<std::string> args = {command, "10.0.0.5", "52:54:00:12:34:56"};
    args.insert(args.end(), flags.begin(), flags.end());
    EXPECT_EQ(RequestFor(args), (json{{"command", command}, {"arguments", full}}));
    EXPECT_EQ(RequestFor({command, "10.0.0.5", "525400123456"}),
              (json{{"command", command},
                    {"arguments", {{"ip-address", "10.0.0.5"}, {"hw-address", "52:54:00:12:34:56"}}}}));
  }
  EXPECT_THAT(UsageErrorFor({"lease4-add", "10.0.0.256", "52:54:00:12:34:56"}),
              HasSubstr("'10.0.0.256' is not an IPv4 address"));
  EXPECT_THAT(UsageErrorFor({"lease4-add", "10.0.0.5", "not-a-mac"}),
              HasSubstr("'not-a-mac' is not a hardware address"));
  EXPECT_THAT(UsageErrorFor({"lease4-add", "10.0.0.5", "52:54:00:12:34:56", "--valid-lft", "-5"}),
              HasSubstr("--valid-lft must be a whole number from 0 to 4294967295"));
  EXPECT_THAT(UsageErrorFor({"lease4-update", "10.0.0.5", "52:54:00:12:34:56", "--hostname", ""}),
              HasSubstr("--hostname must be 1 to 255"));
  EXPECT_THAT(UsageErrorFor({"lease4-add", "10.0.0.5", "52:54:00:12:34:56", "--exit-value", "1"}),
              HasSubstr("unknown flag '--exit-value' for lease4-add"));
}

TEST(RequestTest, Lease4DelWipeAndQueries) {
  EXPECT_EQ(RequestFor({"lease4-del", "10.0.0.5"}),
            json::parse(R"({"command": "lease4-del", "arguments": {"ip-address": "10.0.0.5"}})"));
  EXPECT_EQ(RequestFor({"lease4-del", "--client-id", "01:02:03", "--subnet-id", "2"}),
            json::parse(R"({"command": "lease4-del", "arguments": {"identifier-type": "client-id",
                "identifier": "01:02:03", "subnet-id": 2}})"));
  EXPECT_THAT(UsageErrorFor({"lease4-del", "10.0.0"}), HasSubstr("not an IPv4 address"));
  EXPECT_EQ(RequestFor({"lease4-wipe"}), json::parse(R"({"command": "lease4-wipe"})"));
  EXPECT_EQ(RequestFor({"lease4-wipe", "--subnet-id", "0"}),
            json::parse(R"({"command": "lease4-wipe", "arguments": {"subnet-id": 0}})"));
  EXPECT_EQ(RequestFor({"lease4-wipe", "--subnet-id", "3"}),
            json::parse(R"({"command": "lease4-wipe", "arguments": {"subnet-id": 3}})"));
  EXPECT_EQ(RequestFor({"lease4-get-by-hw-address", "52:54:00:12:34:56"}),
            json::parse(R"({"command": "lease4-get-by-hw-address",
                "arguments": {"hw-address": "52:54:00:12:34:56"}})"));
  EXPECT_THAT(UsageErrorFor({"lease4-get-by-hw-address", "10.0.0.5"}),
              HasSubstr("is not a hardware address"));
  EXPECT_EQ(RequestFor({"lease4-get-all"}), json::parse(R"({"command": "lease4-get-all"})"));
  EXPECT_EQ(RequestFor({"lease4-get-all", "--subnet-id", "4"}),
            json::parse(R"({"command": "lease4-get-all", "arguments": {"subnets": [4]}})"));
  EXPECT_EQ(RequestFor({"lease4-get-page"}),
            json::parse(R"({"command": "lease4-get-page", "arguments": {"from": "start", "limit": 1000}})"));
  EXPECT_EQ(RequestFor({"lease4-get-page", "--from", "10.0.0.9", "--limit", "10"}),
            json::parse(R"({"command": "lease4-get-page", "arguments": {"from": "10.0.0.9", "limit": 10}})"));
  EXPECT_EQ(RequestFor({"lease4-get-page", "--from", "start"})["arguments"]["from"], "start");
  EXPECT_THAT(UsageErrorFor({"lease4-get-page", "--from", "beginning"}),
              HasSubstr("'beginning' is not an IPv4 address"));
}

TEST(RequestTest, Lease6Get) {
  EXPECT_EQ(RequestFor({"lease6-get", "2001:DB8:1:0::5"}),
            json::parse(R"({"command": "lease6-get", "arguments": {"ip-address": "2001:db8:1::5"}})"));
  EXPECT_EQ(RequestFor({"lease6-get", "2001:db8:1:100::", "--type", "IA_PD"}),
            json::parse(R"({"command": "lease6-get", "arguments": {"ip-address": "2001:db8:1:100::",
                "type": "IA_PD"}})"));
  EXPECT_EQ(RequestFor({"lease6-get", "2001:db8:1::5", "--type=ia_na"})["arguments"]["type"], "IA_NA");
  EXPECT_EQ(RequestFor({"lease6-get", "--duid", "00-01-00-01-2E-3F-4A-5B", "--iaid", "0",
                        "--subnet-id", "1"}),
            json::parse(R"({"command": "lease6-get", "arguments": {"identifier-type": "duid",
                "identifier": "00:01:00:01:2e:3f:4a:5b", "iaid": 0, "subnet-id": 1}})"));
  EXPECT_EQ(RequestFor({"lease6-get", "--duid=000100012e3f4a5b", "--iaid=4294967295",
                        "--subnet-id=7", "--type=IA_PD"}),
            json::parse(R"({"command": "lease6-get", "arguments": {"identifier-type": "duid",
                "identifier": "00:01:00:01:2e:3f:4a:5b", "iaid": 4294967295, "subnet-id": 7,
                "type": "IA_PD"}})"));
  absl::StatusOr<Plan> plan = PlanFor({"lease6-get", "2001:db8:1::5"});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->output, Output::kLeases);
  EXPECT_EQ(plan->family, IpFamily::kV6);
}

TEST(RequestTest, Lease6GetErrors) {
  EXPECT_THAT(UsageErrorFor({"lease6-get"}),
              HasSubstr("give an address, or --duid with --iaid and --subnet-id"));
  EXPECT_THAT(UsageErrorFor({"lease6-get", "10.0.0.5"}), HasSubstr("'10.0.0.5' is not an IPv6 address"));
  EXPECT_THAT(UsageErrorFor({"lease6-get", "2001:db8:1:100::/56"}),
              HasSubstr("'2001:db8:1:100::/56' is not an IPv6 address (give a prefix as its "
                        "address, with --type IA_PD"));
  EXPECT_THAT(UsageErrorFor({"lease6-get", "2001:db8::5", "--duid", "00:01:02"}), HasSubstr("not both"));
  EXPECT_THAT(UsageErrorFor({"lease6-get", "2001:db8::5", "--iaid", "1"}), HasSubstr("not both"));
  EXPECT_THAT(UsageErrorFor({"lease6-get", "2001:db8::5", "--subnet-id", "1"}), HasSubstr("not both"));
  EXPECT_THAT(UsageErrorFor({"lease6-get", "--duid", "00:01:02", "--subnet-id", "1"}),
              HasSubstr("--duid needs --iaid and --subnet-id (a client's lease is per IA and subnet)"));
  EXPECT_THAT(UsageErrorFor({"lease6-get", "--duid", "00:01:02", "--iaid", "1"}),
              HasSubstr("--duid needs --iaid and --subnet-id"));
  EXPECT_THAT(UsageErrorFor({"lease6-get", "--duid", "00", "--iaid", "1", "--subnet-id", "1"}),
              HasSubstr("'00' is not a DUID (2 to 130 hex bytes"));
  EXPECT_THAT(UsageErrorFor({"lease6-get", "--duid", "00:01", "--iaid", "-1", "--subnet-id", "1"}),
              HasSubstr("--iaid must be a whole number from 0 to 4294967295, not '-1'"));
  EXPECT_THAT(UsageErrorFor({"lease6-get", "--duid", "00:01", "--iaid", "1", "--subnet-id", "0"}),
              HasSubstr("--subnet-id must be a whole number from 1 to 4294967294, not '0'"));
  EXPECT_THAT(UsageErrorFor({"lease6-get", "2001:db8::5", "--type", "IA_TA"}),
              HasSubstr("--type must be IA_NA or IA_PD, not 'IA_TA'"));
  EXPECT_THAT(UsageErrorFor({"lease6-get", "--hw-address", "52:54:00:12:34:56"}),
              HasSubstr("unknown flag '--hw-address' for lease6-get"));
  EXPECT_THAT(UsageErrorFor({"lease4-get", "10.0.0.5", "--type", "IA_NA"}),
              HasSubstr("unknown flag '--type' for lease4-get"));
}

TEST(RequestTest, Lease6GetAllPagesLikeLeases) {
  absl::StatusOr<Plan> all = PlanFor({"lease6-get-all"});
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->mode, Mode::kPaged);
  EXPECT_EQ(all->output, Output::kLeases);
  EXPECT_EQ(all->family, IpFamily::kV6);
  EXPECT_EQ(all->max_leases, 0u);
  EXPECT_EQ(all->page_size, 1000u);
  EXPECT_EQ(all->requests.front(), json::parse(R"({"command": "lease6-get-page",
      "arguments": {"from": "start", "limit": 1000}})"));

  absl::StatusOr<Plan> few = PlanFor({"lease6-get-all", "--limit", "50"});
  ASSERT_TRUE(few.ok());
  EXPECT_EQ(few->max_leases, 50u);
  EXPECT_EQ(few->requests.front()["arguments"]["limit"], 50);

  absl::StatusOr<Plan> subnets =
      PlanFor({"lease6-get-all", "--subnet-id", "1", "--subnet-id", "2", "--limit", "3"});
  ASSERT_TRUE(subnets.ok());
  EXPECT_EQ(subnets->mode, Mode::kSingle);
  EXPECT_EQ(subnets->output, Output::kLeases);
  EXPECT_EQ(subnets->family, IpFamily::kV6);
  EXPECT_EQ(subnets->max_leases, 3u);
  EXPECT_EQ(subnets->requests.front(),
            json::parse(R"({"command": "lease6-get-all", "arguments": {"subnets": [1, 2]}})"));

  EXPECT_THAT(UsageErrorFor({"lease6-get-all", "--limit", "0"}), HasSubstr("--limit must be"));
  EXPECT_THAT(UsageErrorFor({"lease6-get-all", "--subnet-id", "x"}), HasSubstr("--subnet-id must be"));
  // `leases` is unchanged: DHCPv4.
  absl::StatusOr<Plan> v4 = PlanFor({"leases"});
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->family, IpFamily::kV4);
  EXPECT_EQ(v4->requests.front()["command"], "lease4-get-page");
}

TEST(RequestTest, Lease6AddAndUpdate) {
  const std::string duid = "00:01:00:01:2e:3f:4a:5b:52:54:00:12:34:56";
  const json full = json::parse(R"({"ip-address": "2001:db8:1:100::", "duid": "00:01:00:01:2e:3f:4a:5b:52:54:00:12:34:56",
      "iaid": 7, "type": "IA_PD", "prefix-len": 56, "subnet-id": 1, "valid-lft": 4000,
      "preferred-lft": 3000, "hostname": "router-7", "expire": 1764003600})");
  const std::vector<std::string> flags = {"--type", "IA_PD", "--prefix-len", "56", "--subnet-id", "1",
                                          "--valid-lft", "4000", "--preferred-lft", "3000",
                                          "--hostname", "router-7", "--expire", "1764003600"};
  for (std::string command : {"lease6-add", "lease6-update"}) {
    std::vector<std::string> args = {command, "2001:db8:1:100::", "000100012E3F4A5B525400123456", "7"};
    args.insert(args.end(), flags.begin(), flags.end());
    EXPECT_EQ(RequestFor(args), (json{{"command", command}, {"arguments", full}}));
    EXPECT_EQ(RequestFor({command, "2001:db8:1::5", duid, "1"}),
              (json{{"command", command},
                    {"arguments", {{"ip-address", "2001:db8:1::5"}, {"duid", duid}, {"iaid", 1}}}}));
  }
  EXPECT_EQ(RequestFor({"lease6-update", "2001:db8:1::5", duid, "1", "--force-create"}),
            (json{{"command", "lease6-update"},
                  {"arguments", {{"ip-address", "2001:db8:1::5"}, {"duid", duid}, {"iaid", 1},
                                 {"force-create", true}}}}));
  EXPECT_EQ(RequestFor({"lease6-add", "2001:db8:1::5", duid, "1", "--prefix-len", "128"})["arguments"]["prefix-len"], 128);

  EXPECT_THAT(UsageErrorFor({"lease6-add", "2001:db8:1::5", duid}), HasSubstr("missing argument"));
  EXPECT_THAT(UsageErrorFor({"lease6-add", "10.0.0.5", duid, "1"}), HasSubstr("'10.0.0.5' is not an IPv6 address"));
  EXPECT_THAT(UsageErrorFor({"lease6-add", "2001:db8:1::5", "52:54:zz", "1"}), HasSubstr("'52:54:zz' is not a DUID"));
  EXPECT_THAT(UsageErrorFor({"lease6-add", "2001:db8:1::5", duid, "4294967296"}),
              HasSubstr("IAID must be a whole number from 0 to 4294967295, not '4294967296'"));
  EXPECT_THAT(UsageErrorFor({"lease6-add", "2001:db8:1::", duid, "1", "--prefix-len", "56"}),
              HasSubstr("--prefix-len must be 128 for an address (IA_NA)"));
  EXPECT_THAT(UsageErrorFor({"lease6-add", "2001:db8:1::", duid, "1", "--type", "IA_PD", "--prefix-len", "0"}),
              HasSubstr("--prefix-len must be a whole number from 1 to 128, not '0'"));
  EXPECT_THAT(UsageErrorFor({"lease6-add", "2001:db8:1::", duid, "1", "--type", "IA_PD", "--prefix-len", "129"}),
              HasSubstr("from 1 to 128"));
  EXPECT_THAT(UsageErrorFor({"lease6-add", "2001:db8:1:101::", duid, "1", "--type", "IA_PD", "--prefix-len", "56"}),
              HasSubstr("'2001:db8:1:101::' has bits set past /56"));
  EXPECT_THAT(UsageErrorFor({"lease6-add", "2001:db8:1::5", duid, "1", "--preferred-lft", "x"}),
              HasSubstr("--preferred-lft must be a whole number from 0 to 4294967295"));
  EXPECT_THAT(UsageErrorFor({"lease6-add", "2001:db8:1::5", duid, "1", "--expire", "4294967296"}),
              HasSubstr("--expire must be a whole number from 0 to 4294967295"));
  EXPECT_THAT(UsageErrorFor({"lease6-add", "2001:db8:1::5", duid, "1", "--force-create"}),
              HasSubstr("unknown flag '--force-create' for lease6-add"));
  EXPECT_THAT(UsageErrorFor({"lease6-add", "2001:db8:1::5", duid, "1", "--client-id", "01:02"}),
              HasSubstr("unknown flag '--client-id' for lease6-add"));
  EXPECT_THAT(UsageErrorFor({"lease4-add", "10.0.0.5", "52:54:00:12:34:56", "--preferred-lft", "1"}),
              HasSubstr("unknown flag '--preferred-lft' for lease4-add"));
}

TEST(RequestTest, Lease6DelWipeAndQueries) {
  EXPECT_EQ(RequestFor({"lease6-del", "2001:db8:1::5"}),
            json::parse(R"({"command": "lease6-del", "arguments": {"ip-address": "2001:db8:1::5"}})"));
  EXPECT_EQ(RequestFor({"lease6-del", "2001:db8:1:100::", "--type", "IA_PD"}),
            json::parse(R"({"command": "lease6-del", "arguments": {"ip-address": "2001:db8:1:100::",
                "type": "IA_PD"}})"));
  EXPECT_EQ(RequestFor({"lease6-del", "--duid", "00:01:02:03", "--iaid", "9", "--subnet-id", "2"}),
            json::parse(R"({"command": "lease6-del", "arguments": {"identifier-type": "duid",
                "identifier": "00:01:02:03", "iaid": 9, "subnet-id": 2}})"));
  EXPECT_THAT(UsageErrorFor({"lease6-del", "2001:db8::1::5"}), HasSubstr("not an IPv6 address"));
  EXPECT_EQ(RequestFor({"lease6-wipe"}), json::parse(R"({"command": "lease6-wipe"})"));
  EXPECT_EQ(RequestFor({"lease6-wipe", "--subnet-id", "0"}),
            json::parse(R"({"command": "lease6-wipe", "arguments": {"subnet-id": 0}})"));
  EXPECT_EQ(RequestFor({"lease6-wipe", "--subnet-id", "3"}),
            json::parse(R"({"command": "lease6-wipe", "arguments": {"subnet-id": 3}})"));
  EXPECT_EQ(RequestFor({"lease6-get-by-duid", "00-01-00-01-2E-3F-4A-5B"}),
            json::parse(R"({"command": "lease6-get-by-duid",
                "arguments": {"duid": "00:01:00:01:2e:3f:4a:5b"}})"));
  EXPECT_THAT(UsageErrorFor({"lease6-get-by-duid", "2001:db8::5"}), HasSubstr("is not a DUID"));
  EXPECT_THAT(UsageErrorFor({"lease6-get-by-duid"}), HasSubstr("missing argument"));
  EXPECT_EQ(RequestFor({"lease6-get-page"}),
            json::parse(R"({"command": "lease6-get-page", "arguments": {"from": "start", "limit": 1000}})"));
  EXPECT_EQ(RequestFor({"lease6-get-page", "--from", "2001:db8:1:0::9", "--limit", "10"}),
            json::parse(R"({"command": "lease6-get-page", "arguments": {"from": "2001:db8:1::9", "limit": 10}})"));
  EXPECT_EQ(RequestFor({"lease6-get-page", "--from", "start"})["arguments"]["from"], "start");
  EXPECT_THAT(UsageErrorFor({"lease6-get-page", "--from", "10.0.0.9"}),
              HasSubstr("'10.0.0.9' is not an IPv6 address"));
  absl::StatusOr<Plan> page = PlanFor({"lease6-get-page", "--limit", "10"});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->output, Output::kLeasePage);
  EXPECT_EQ(page->family, IpFamily::kV6);
  EXPECT_EQ(page->page_size, 10u);
}

TEST(RequestTest, StatisticsOfDhcp6) {
  const json service = json::array({"dhcp6"});
  EXPECT_EQ(RequestFor({"stats", "-6"}),
            json::parse(R"({"command": "statistic-get-all", "service": ["dhcp6"]})"));
  EXPECT_EQ(RequestFor({"stats", "--service", "dhcp6"}), RequestFor({"stats", "-6"}));
  EXPECT_EQ(RequestFor({"stats", "--service=dhcp4"}),
            json::parse(R"({"command": "statistic-get-all", "service": ["dhcp4"]})"));
  EXPECT_EQ(RequestFor({"stats", "-6", "--service", "dhcp6"}), RequestFor({"stats", "-6"}));
  absl::StatusOr<Plan> named = PlanFor({"stats", "pkt6-received", "-6", "subnet[1].assigned-nas"});
  ASSERT_TRUE(named.ok());
  ASSERT_EQ(named->requests.size(), 2u);
  EXPECT_EQ(named->requests[0], json::parse(R"({"command": "statistic-get", "service": ["dhcp6"],
      "arguments": {"name": "pkt6-received"}})"));
  EXPECT_EQ(named->requests[1]["service"], service);
  EXPECT_EQ(RequestFor({"stats", "reset", "-6"}),
            json::parse(R"({"command": "statistic-reset-all", "service": ["dhcp6"]})"));
  EXPECT_EQ(RequestFor({"stats", "-6", "reset", "pkt6-sent"}),
            json::parse(R"({"command": "statistic-reset", "service": ["dhcp6"],
                "arguments": {"name": "pkt6-sent"}})"));
  EXPECT_EQ(RequestFor({"statistic-get", "-6", "pkt6-sent"}),
            json::parse(R"({"command": "statistic-get", "service": ["dhcp6"],
                "arguments": {"name": "pkt6-sent"}})"));
  EXPECT_EQ(RequestFor({"statistic-get-all", "--service", "dhcp6"}),
            json::parse(R"({"command": "statistic-get-all", "service": ["dhcp6"]})"));
  EXPECT_EQ(RequestFor({"statistic-reset", "pkt6-sent", "-6"}),
            json::parse(R"({"command": "statistic-reset", "service": ["dhcp6"],
                "arguments": {"name": "pkt6-sent"}})"));
  EXPECT_EQ(RequestFor({"statistic-reset-all", "-6"}),
            json::parse(R"({"command": "statistic-reset-all", "service": ["dhcp6"]})"));
  // Without the flag nothing changes: no "service", the server's default (dhcp4).
  EXPECT_FALSE(RequestFor({"stats"}).contains("service"));
  EXPECT_THAT(UsageErrorFor({"stats", "--service", "dhcp7"}),
              HasSubstr("--service must be dhcp4 or dhcp6, not 'dhcp7'"));
  EXPECT_THAT(UsageErrorFor({"stats", "-6", "--service", "dhcp4"}),
              HasSubstr("-6 and --service dhcp4 contradict each other"));
  EXPECT_THAT(UsageErrorFor({"lease4-get", "10.0.0.5", "-6"}),
              HasSubstr("unknown flag '-6' for lease4-get"));
}

TEST(RequestTest, Statistics) {
  EXPECT_EQ(RequestFor({"stats"}), json::parse(R"({"command": "statistic-get-all"})"));
  absl::StatusOr<Plan> named = PlanFor({"stats", "pkt4-received", "subnet[1].assigned-addresses"});
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->mode, Mode::kEachMerged);
  ASSERT_EQ(named->requests.size(), 2u);
  EXPECT_EQ(named->requests[0],
            json::parse(R"({"command": "statistic-get", "arguments": {"name": "pkt4-received"}})"));
  EXPECT_EQ(named->requests[1], json::parse(R"({"command": "statistic-get",
      "arguments": {"name": "subnet[1].assigned-addresses"}})"));
  EXPECT_EQ(RequestFor({"stats", "reset"}), json::parse(R"({"command": "statistic-reset-all"})"));
  EXPECT_EQ(RequestFor({"stats", "reset", "pkt4-sent"}),
            json::parse(R"({"command": "statistic-reset", "arguments": {"name": "pkt4-sent"}})"));
  EXPECT_EQ(RequestFor({"statistic-get", "pkt4-sent"}),
            json::parse(R"({"command": "statistic-get", "arguments": {"name": "pkt4-sent"}})"));
  EXPECT_EQ(RequestFor({"statistic-get-all"}), json::parse(R"({"command": "statistic-get-all"})"));
  EXPECT_EQ(RequestFor({"statistic-reset", "pkt4-sent"}),
            json::parse(R"({"command": "statistic-reset", "arguments": {"name": "pkt4-sent"}})"));
  EXPECT_EQ(RequestFor({"statistic-reset-all"}), json::parse(R"({"command": "statistic-reset-all"})"));
  EXPECT_THAT(UsageErrorFor({"stats", "reset", "a", "b"}), HasSubstr("unexpected argument 'b'"));
  EXPECT_THAT(UsageErrorFor({"statistic-get"}), HasSubstr("missing argument"));
}

TEST(RequestTest, Config) {
  TempFile config(R"({"Dhcp4": {"valid-lifetime": 4000}})");
  const json body = json::parse(R"({"Dhcp4": {"valid-lifetime": 4000}})");
  for (std::string get : {"config-get"}) {
    EXPECT_EQ(RequestFor({get}), json::parse(R"({"command": "config-get"})"));
  }
  EXPECT_EQ(RequestFor({"config", "get"}), json::parse(R"({"command": "config-get"})"));
  EXPECT_EQ(RequestFor({"config", "test", config.path()}),
            (json{{"command", "config-test"}, {"arguments", body}}));
  EXPECT_EQ(RequestFor({"config-test", config.path()}),
            (json{{"command", "config-test"}, {"arguments", body}}));
  EXPECT_EQ(RequestFor({"config", "set", config.path()}),
            (json{{"command", "config-set"}, {"arguments", body}}));
  EXPECT_EQ(RequestFor({"config-set", config.path()}),
            (json{{"command", "config-set"}, {"arguments", body}}));
  EXPECT_EQ(RequestFor({"config", "reload"}), json::parse(R"({"command": "config-reload"})"));
  EXPECT_EQ(RequestFor({"config-reload"}), json::parse(R"({"command": "config-reload"})"));
  EXPECT_EQ(RequestFor({"config", "write"}), json::parse(R"({"command": "config-write"})"));
  EXPECT_EQ(RequestFor({"config-write", "/etc/fastlease/x.json"}),
            json::parse(R"({"command": "config-write", "arguments": {"filename": "/etc/fastlease/x.json"}})"));
  json relative = RequestFor({"config", "write", "sub/../backup.json"});
  EXPECT_EQ(relative["arguments"]["filename"],
            (std::filesystem::current_path() / "backup.json").string());
}

TEST(RequestTest, ConfigFileErrors) {
  TempFile not_json("Dhcp4: {\n  valid-lifetime: 4000\n}\n");
  std::string error = UsageErrorFor({"config", "set", not_json.path()});
  EXPECT_THAT(error, HasSubstr(not_json.path() + " is not JSON: parse error at line 1"));
  EXPECT_THAT(error, ::testing::Not(HasSubstr("json.exception")));
  TempFile array("[1, 2]");
  EXPECT_THAT(UsageErrorFor({"config", "test", array.path()}),
              HasSubstr(array.path() + " does not hold a JSON object"));
  EXPECT_THAT(UsageErrorFor({"config", "test", "/nonexistent/fastlease.json"}),
              HasSubstr("cannot read /nonexistent/fastlease.json: No such file or directory"));
  EXPECT_THAT(UsageErrorFor({"config", "set"}), HasSubstr("missing argument"));
}

TEST(RequestTest, ServerCommands) {
  EXPECT_EQ(RequestFor({"status"}), json::parse(R"({"command": "status-get"})"));
  EXPECT_EQ(RequestFor({"status-get"}), json::parse(R"({"command": "status-get"})"));
  EXPECT_EQ(RequestFor({"version"}), json::parse(R"({"command": "version-get"})"));
  EXPECT_EQ(RequestFor({"version-get"}), json::parse(R"({"command": "version-get"})"));
  EXPECT_EQ(RequestFor({"list-commands"}), json::parse(R"({"command": "list-commands"})"));
  EXPECT_EQ(RequestFor({"build-report"}), json::parse(R"({"command": "build-report"})"));
  EXPECT_EQ(RequestFor({"shutdown"}), json::parse(R"({"command": "shutdown"})"));
  EXPECT_EQ(RequestFor({"shutdown", "--exit-value", "3"}),
            json::parse(R"({"command": "shutdown", "arguments": {"exit-value": 3}})"));
  EXPECT_THAT(UsageErrorFor({"shutdown", "--exit-value", "256"}), HasSubstr("from 0 to 255"));
  EXPECT_THAT(UsageErrorFor({"status", "now"}), HasSubstr("unexpected argument 'now'"));
}

TEST(RequestTest, Raw) {
  EXPECT_EQ(RequestFor({"raw", "leases-reclaim"}), json::parse(R"({"command": "leases-reclaim"})"));
  EXPECT_EQ(RequestFor({"raw", "leases-reclaim", R"({"remove": true})"}),
            json::parse(R"({"command": "leases-reclaim", "arguments": {"remove": true}})"));
  EXPECT_THAT(UsageErrorFor({"raw", "lease4-get", "{ip-address: 1}"}),
              HasSubstr("JSON-ARGS must be a JSON object"));
  EXPECT_THAT(UsageErrorFor({"raw", "lease4-get", "[1]"}), HasSubstr("JSON-ARGS must be a JSON object"));
  EXPECT_THAT(UsageErrorFor({"raw", "two words"}), HasSubstr("is not a command name"));
}

// ------------------------------------------------------------- the table

TEST(CommandTableTest, EveryCommandIsDocumented) {
  for (const CommandSpec& spec : Commands()) {
    EXPECT_FALSE(spec.usage.empty()) << spec.name;
    EXPECT_FALSE(spec.summary.empty()) << spec.name;
    EXPECT_FALSE(spec.description.empty()) << spec.name;
    EXPECT_FALSE(spec.examples.empty()) << spec.name;
    for (std::string_view example : spec.examples) {
      EXPECT_NE(example.find("fastlease"), std::string_view::npos) << spec.name;
    }
    EXPECT_EQ(FindCommand(spec.name), &spec);
    for (std::string_view alias : spec.aliases) EXPECT_EQ(FindCommand(alias), &spec);
    // Groups switch to their sub-command's spec while parsing: a flag given
    // before the sub-command must be one of the sub-command's too.
    for (std::string_view sub : spec.subcommands) {
      const CommandSpec* child = FindCommand(std::string(spec.name) + " " + std::string(sub));
      ASSERT_NE(child, nullptr);
      for (const FlagSpec& flag : spec.flags) {
        EXPECT_NE(FindFlag(child, flag.name), nullptr) << spec.name << " " << sub << " " << flag.name;
      }
    }
    // The lease store a command works on follows its name.
    EXPECT_EQ(spec.family == IpFamily::kV6, spec.name.starts_with("lease6-")) << spec.name;
  }
}

TEST(CommandTableTest, EveryExampleParses) {
  for (const CommandSpec& spec : Commands()) {
    for (std::string_view example : spec.examples) {
      // Plain examples only: no redirections, pipes or quotes.
      if (example.find_first_of("<>|&'") != std::string_view::npos) continue;
      std::vector<std::string> words;
      size_t start = 0;
      std::string text(example);
      while (start < text.size()) {
        size_t end = text.find(' ', start);
        if (end == std::string::npos) end = text.size();
        words.push_back(text.substr(start, end - start));
        start = end + 1;
      }
      ASSERT_EQ(words.front(), "fastlease");
      words.erase(words.begin());
      absl::StatusOr<Invocation> inv = ParseCommandLine(words);
      ASSERT_TRUE(inv.ok()) << example << ": " << inv.status();
      if (inv->command->local) continue;
      absl::StatusOr<Plan> plan = BuildPlan(*inv);
      // config test/set examples name files that may not exist here.
      if (inv->command->id == CommandId::kConfigTest || inv->command->id == CommandId::kConfigSet) {
        continue;
      }
      EXPECT_TRUE(plan.ok()) << example << ": " << plan.status();
    }
  }
}

}  // namespace
}  // namespace fastlease::cli
