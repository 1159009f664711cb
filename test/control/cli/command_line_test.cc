// Argument parsing and request building: each command line into the exact
// request JSON, and the usage errors (exit status 2) for bad input.
#include <unistd.h>

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
    // Groups switch to their sub-command's spec while parsing: they take no flags.
    if (!spec.subcommands.empty()) {
      EXPECT_TRUE(spec.flags.empty()) << spec.name;
    }
    for (std::string_view sub : spec.subcommands) {
      EXPECT_NE(FindCommand(std::string(spec.name) + " " + std::string(sub)), nullptr);
    }
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
