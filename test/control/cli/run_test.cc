// The whole program (Run) against a scripted transport: exit statuses for
// every result code and failure, output per command, paging, merging,
// help for every command, and the completion script.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "control/cli/cli.h"
#include "control/cli/commands.h"
#include "control/cli/completion.h"
#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fastlease::cli {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Answers requests from a script, recording what was sent.
struct ScriptedServer {
  std::deque<absl::StatusOr<std::string>> answers;
  std::vector<json> requests;
  std::vector<Endpoint> endpoints;

  Transport transport() {
    return [this](const Endpoint& ep, std::string_view request) -> absl::StatusOr<std::string> {
      endpoints.push_back(ep);
      requests.push_back(json::parse(request));
      if (answers.empty()) return absl::InternalError("unscripted request");
      absl::StatusOr<std::string> answer = answers.front();
      answers.pop_front();
      return answer;
    };
  }
};

struct Result {
  int status;
  std::string out;
  std::string err;
};

class RunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }

  Result Call(std::vector<std::string> args, std::optional<std::string> socket_env = std::nullopt) {
    Environment env{.socket_env = socket_env, .transport = server_.transport()};
    std::ostringstream out, err;
    int status = ::fastlease::cli::Run(args, env, out, err);
    return {status, out.str(), err.str()};
  }

  void Answer(const std::string& answer) { server_.answers.push_back(answer); }

  ScriptedServer server_;
};

json Lease(const std::string& ip) {
  return {{"ip-address", ip},     {"hw-address", "52:54:00:00:00:01"}, {"subnet-id", 1},
          {"valid-lft", 3600},   {"cltt", 1764000000},                {"state", 0}};
}

// "10.x.y.z" for the i-th address from 10.0.0.1.
std::string Address(uint32_t i) {
  uint32_t a = 0x0a000001 + i;
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

std::string Page(uint32_t first, uint32_t count) {
  json leases = json::array();
  for (uint32_t i = 0; i < count; ++i) leases.push_back(Lease(Address(first + i)));
  return json{{"result", 0}, {"text", "page"}, {"arguments", {{"leases", leases}, {"count", count}}}}
      .dump();
}

size_t Lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

json Lease6(const std::string& ip) {
  return {{"ip-address", ip}, {"type", "IA_NA"},     {"prefix-len", 128},
          {"duid", "00:01:02:03"}, {"iaid", 1},       {"subnet-id", 1},
          {"preferred-lft", 3000}, {"valid-lft", 4000}, {"cltt", 1764000000},
          {"state", 0}};
}

// "2001:db8:1::N" for the i-th address from 2001:db8:1::1.
std::string Address6(uint32_t i) { return fmt::format("2001:db8:1::{:x}", i + 1); }

std::string Page6(uint32_t first, uint32_t count) {
  json leases = json::array();
  for (uint32_t i = 0; i < count; ++i) leases.push_back(Lease6(Address6(first + i)));
  return json{{"result", 0}, {"text", "page"}, {"arguments", {{"leases", leases}, {"count", count}}}}
      .dump();
}

// ------------------------------------------------------------ exit status

TEST_F(RunTest, ResultZeroPrintsAndExitsZero) {
  Answer(R"j({"result": 0, "text": "Lease for address 10.0.0.5, subnet-id 1 added."})j");
  Result r = Call({"lease4-add", "10.0.0.5", "52:54:00:12:34:56", "--subnet-id", "1"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "Lease for address 10.0.0.5, subnet-id 1 added.\n");
  EXPECT_EQ(r.err, "");
  ASSERT_EQ(server_.requests.size(), 1u);
  EXPECT_EQ(server_.requests[0]["command"], "lease4-add");
}

TEST_F(RunTest, ResultOneIsAnErrorOnStderr) {
  Answer(R"j({"result": 1, "text": "the dataplane is not connected (/run/fastlease/dp.sock)"})j");
  Result r = Call({"lease4-get", "10.0.0.5"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "fastlease: the dataplane is not connected (/run/fastlease/dp.sock)\n");
}

TEST_F(RunTest, ResultTwoIsAnError) {
  Answer(R"j({"result": 2, "text": "'lease4-resend-ddns' command not supported."})j");
  Result r = Call({"raw", "lease4-resend-ddns"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "fastlease: 'lease4-resend-ddns' command not supported.\n");
}

TEST_F(RunTest, ResultThreePrintsTheTextAndExitsThree) {
  Answer(R"j({"result": 3, "text": "Lease not found."})j");
  Result r = Call({"lease4-get", "10.0.0.5"});
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.out, "Lease not found.\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(RunTest, UnknownResultCodeIsAnError) {
  Answer(R"j({"result": 4, "text": "conflict"})j");
  Result r = Call({"status"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "fastlease: conflict (result 4)\n");
}

TEST_F(RunTest, MalformedAnswersExitFive) {
  for (std::string bad : {"", "not json", "[]", R"j({"text": "no result"})j",
                          R"j({"result": "0", "text": "x"})j", R"j({"result": 0, "text": 5})j",
                          R"j({"result": 0.5})j", "{\"result\": 0"}) {
    server_.answers.clear();
    Answer(bad);
    Result r = Call({"version"});
    EXPECT_EQ(r.status, 5) << bad;
    EXPECT_THAT(r.err, StartsWith("fastlease: malformed answer")) << bad;
  }
}

TEST_F(RunTest, AnswerInAKeaControlAgentArrayIsAccepted) {
  Answer(R"j([{"result": 0, "text": "2.2.0", "arguments": {"extended": "fastlease 0.1.0 (abc)"}}])j");
  Result r = Call({"version"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "fastlease 0.1.0 (abc)\n");
}

TEST_F(RunTest, ShapeErrorsInAGoodAnswerExitFive) {
  Answer(R"j({"result": 0, "text": "x", "arguments": {"leases": 5}})j");
  EXPECT_EQ(Call({"lease4-get-all"}).status, 5);
  Answer(R"j({"result": 0, "text": "x", "arguments": {"nothing": 1}})j");
  EXPECT_EQ(Call({"lease4-get", "10.0.0.1"}).status, 5);
  Answer(R"j({"result": 0, "text": "x", "arguments": {"a": 1}})j");
  Result r = Call({"list-commands"});
  EXPECT_EQ(r.status, 5);
  EXPECT_EQ(r.err, "fastlease: malformed answer: the command list is not a list\n");
}

TEST_F(RunTest, TransportErrors) {
  server_.answers.push_back(absl::UnavailableError(
      "cannot connect to fastlease-control at /x: Connection refused (is fastlease-control running?)"));
  Result r = Call({"status"});
  EXPECT_EQ(r.status, 4);
  EXPECT_EQ(r.err,
            "fastlease: cannot connect to fastlease-control at /x: Connection refused (is "
            "fastlease-control running?)\n");
  server_.answers.push_back(absl::DeadlineExceededError("no complete answer"));
  EXPECT_EQ(Call({"status"}).status, 5);
  server_.answers.push_back(absl::ResourceExhaustedError("too big"));
  EXPECT_EQ(Call({"status"}).status, 5);
  server_.answers.push_back(absl::InternalError("reset"));
  EXPECT_EQ(Call({"status"}).status, 5);
  server_.answers.push_back(absl::InvalidArgumentError("socket path must be 1..107 bytes"));
  EXPECT_EQ(Call({"status"}).status, 2);
}

TEST_F(RunTest, UsageErrorsSendNothing) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {},
           {"frobnicate"},
           {"lease4-get", "10.0.0.256"},
           {"lease4-add", "10.0.0.5", "52:54:00:12:34"},  // 5 bytes is fine: see below
           {"lease4-add", "10.0.0.5", "52:54:00:12:34:5x"},
           {"leases", "--limit", "-1"},
           {"lease4-get", "10.0.0.5", "--timeout", "0"},
           {"lease4-get", "10.0.0.5", "--timeout", "soon"},
           {"completion", "zsh"},
           {"help", "frobnicate"},
           {"lease6-get", "10.0.0.5"},
           {"lease6-get", "--duid", "00:01:02", "--subnet-id", "1"},
           {"lease6-add", "2001:db8:1::5", "00:01:02", "x"},
           {"lease6-del", "2001:db8:1::5", "--type", "IA_TA"},
           {"lease6-get-by-duid", "zz"},
           {"lease6-get-page", "--from", "10.0.0.1"},
           {"lease6-get-all", "--limit", "0"},
           {"lease6-wipe", "--subnet-id", "-1"},
           {"stats", "--service", "dhcp5"},
           {"statistic-get-all", "-4"},
       }) {
    server_.answers.clear();
    server_.requests.clear();
    Answer(R"j({"result": 0, "text": "ok"})j");
    Result r = Call(args);
    if (args.size() == 3 && args[2] == "52:54:00:12:34") {
      EXPECT_EQ(r.status, 0);  // a 5-byte hardware address is valid syntax
      continue;
    }
    EXPECT_EQ(r.status, 2) << fmt::format("{}", fmt::join(args, " "));
    EXPECT_THAT(r.err, StartsWith("fastlease: "));
    EXPECT_TRUE(server_.requests.empty());
  }
}

TEST_F(RunTest, NonJsonConfigFileIsAUsageError) {
  char name[] = "/tmp/fastlease_cli_configXXXXXX";
  int fd = mkstemp(name);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "Dhcp4 {", 7), 7);
  close(fd);
  Result r = Call({"config", "test", name});
  std::remove(name);
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr(std::string("fastlease: ") + name + " is not JSON"));
  EXPECT_TRUE(server_.requests.empty());
}

// ----------------------------------------------------------- the endpoint

TEST_F(RunTest, SocketFromFlagThenEnvironmentThenDefault) {
  for (int i = 0; i < 4; ++i) Answer(R"j({"result": 0, "text": "0.1.0"})j");
  Call({"version"});
  Call({"version"}, "/run/env.sock");
  Call({"version"}, "");
  Call({"--socket", "/run/flag.sock", "version", "--timeout", "2.5"}, "/run/env.sock");
  ASSERT_EQ(server_.endpoints.size(), 4u);
  EXPECT_EQ(server_.endpoints[0].socket_path, "/var/lib/fastlease/control.sock");
  EXPECT_EQ(server_.endpoints[0].timeout, std::chrono::milliseconds(30000));
  EXPECT_EQ(server_.endpoints[1].socket_path, "/run/env.sock");
  EXPECT_EQ(server_.endpoints[2].socket_path, "/var/lib/fastlease/control.sock");
  EXPECT_EQ(server_.endpoints[3].socket_path, "/run/flag.sock");
  EXPECT_EQ(server_.endpoints[3].timeout, std::chrono::milliseconds(2500));
}

// ---------------------------------------------------------------- outputs

TEST_F(RunTest, JsonPrintsTheAnswerIndented) {
  const std::string answer = R"j({"result": 0, "text": "IPv4 lease found.", "arguments": {"ip-address": "10.0.0.5", "state": 0}})j";
  Answer(answer);
  Result r = Call({"--json", "lease4-get", "10.0.0.5"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, json::parse(answer).dump(2) + "\n");
  Answer(R"j({"result": 3, "text": "Lease not found."})j");
  r = Call({"lease4-get", "10.0.0.5", "--json"});
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(json::parse(r.out), json::parse(R"j({"result": 3, "text": "Lease not found."})j"));
  Answer(R"j({"result": 1, "text": "bad"})j");
  r = Call({"lease4-get", "10.0.0.5", "--json"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(json::parse(r.out)["result"], 1);
  EXPECT_EQ(r.err, "fastlease: bad\n");
}

TEST_F(RunTest, Lease4GetShowsOneRow) {
  Answer(json{{"result", 0}, {"text", "IPv4 lease found."}, {"arguments", Lease("10.0.0.5")}}.dump());
  Result r = Call({"lease4-get", "10.0.0.5"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out,
            "address   hw-address         client-id  subnet  state  valid-lft  expires\n"
            "10.0.0.5  52:54:00:00:00:01  -               1  bound       3600  2025-11-24 17:00:00\n");
}

TEST_F(RunTest, LeasesPagesFromTheLastAddress) {
  Answer(Page(0, 1000));
  Answer(Page(1000, 1000));
  Answer(Page(2000, 5));
  Result r = Call({"leases"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Lines(r.out), 2006u);
  ASSERT_EQ(server_.requests.size(), 3u);
  EXPECT_EQ(server_.requests[0], json::parse(R"j({"command": "lease4-get-page", "arguments": {"from": "start", "limit": 1000}})j"));
  EXPECT_EQ(server_.requests[1]["arguments"], (json{{"from", Address(999)}, {"limit", 1000}}));
  EXPECT_EQ(server_.requests[2]["arguments"], (json{{"from", Address(1999)}, {"limit", 1000}}));
}

TEST_F(RunTest, LeasesStopsAtAnEmptyPage) {
  Answer(Page(0, 1000));
  Answer(R"j({"result": 3, "text": "0 IPv4 lease(s) found."})j");
  Result r = Call({"leases"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(Lines(r.out), 1001u);
  EXPECT_EQ(server_.requests.size(), 2u);
}

TEST_F(RunTest, LeasesLimitShrinksTheLastPage) {
  Answer(Page(0, 1000));
  Answer(Page(1000, 500));
  Result r = Call({"leases", "--limit", "1500"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(Lines(r.out), 1501u);
  ASSERT_EQ(server_.requests.size(), 2u);
  EXPECT_EQ(server_.requests[1]["arguments"]["limit"], 500);

  server_.requests.clear();
  Answer(Page(0, 3));
  r = Call({"leases", "--limit", "3"});
  EXPECT_EQ(Lines(r.out), 4u);
  EXPECT_EQ(server_.requests.size(), 1u);
  EXPECT_EQ(server_.requests[0]["arguments"]["limit"], 3);
}

TEST_F(RunTest, LeasesNoneExitsThree) {
  Answer(R"j({"result": 3, "text": "0 IPv4 lease(s) found."})j");
  Result r = Call({"leases"});
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.out, "0 IPv4 lease(s) found.\n");
}

TEST_F(RunTest, LeasesPageThatDoesNotAdvanceExitsFive) {
  Answer(Page(0, 1000));
  Answer(Page(0, 1000));  // the same page again
  Result r = Call({"leases"});
  EXPECT_EQ(r.status, 5);
  EXPECT_THAT(r.err, HasSubstr("did not advance"));
}

TEST_F(RunTest, LeasesJsonJoinsThePages) {
  Answer(Page(0, 1000));
  Answer(Page(1000, 2));
  Result r = Call({"leases", "--json"});
  EXPECT_EQ(r.status, 0);
  json answer = json::parse(r.out);
  EXPECT_EQ(answer["result"], 0);
  EXPECT_EQ(answer["text"], "1002 IPv4 lease(s) found.");
  EXPECT_EQ(answer["arguments"]["count"], 1002);
  EXPECT_EQ(answer["arguments"]["leases"].size(), 1002u);
}

TEST_F(RunTest, LeasesOfSubnetsUseGetAllAndTheLimit) {
  Answer(Page(0, 10));
  Result r = Call({"leases", "--subnet-id", "1", "--limit", "4"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(Lines(r.out), 5u);
  EXPECT_EQ(server_.requests[0]["command"], "lease4-get-all");
}

TEST_F(RunTest, LeasePageHintsTheNextPage) {
  Answer(Page(0, 2));
  Result r = Call({"lease4-get-page", "--limit", "2"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(Lines(r.out), 3u);
  EXPECT_EQ(r.err, "next page: fastlease lease4-get-page --from 10.0.0.2 --limit 2\n");
  Answer(Page(0, 1));
  r = Call({"lease4-get-page", "--limit", "2"});
  EXPECT_EQ(r.err, "");
}

TEST_F(RunTest, Lease6GetShowsOneRow) {
  Answer(json{{"result", 0}, {"text", "IPv6 lease found."}, {"arguments", Lease6("2001:db8:1::5")}}.dump());
  Result r = Call({"lease6-get", "2001:db8:1::5"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "address        type   duid         iaid  subnet  state  preferred-lft  valid-lft  expires\n"
            "2001:db8:1::5  IA_NA  00:01:02:03     1       1  bound           3000       4000  2025-11-24 17:06:40\n");
  EXPECT_EQ(server_.requests[0],
            json::parse(R"j({"command": "lease6-get", "arguments": {"ip-address": "2001:db8:1::5"}})j"));
  Answer(R"j({"result": 3, "text": "Lease not found."})j");
  r = Call({"lease6-get", "2001:db8:1:100::", "--type", "IA_PD"});
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.out, "Lease not found.\n");
}

TEST_F(RunTest, Lease6GetByDuidShowsEveryLease) {
  json pd = Lease6("2001:db8:1:100::");
  pd["type"] = "IA_PD";
  pd["prefix-len"] = 56;
  Answer(json{{"result", 0}, {"text", "2 IPv6 lease(s) found."},
              {"arguments", {{"leases", {Lease6("2001:db8:1::5"), pd}}}}}.dump());
  Result r = Call({"lease6-get-by-duid", "00:01:02:03"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "address              type   duid         iaid  subnet  state  preferred-lft  valid-lft  expires\n"
            "2001:db8:1::5        IA_NA  00:01:02:03     1       1  bound           3000       4000  2025-11-24 17:06:40\n"
            "2001:db8:1:100::/56  IA_PD  00:01:02:03     1       1  bound           3000       4000  2025-11-24 17:06:40\n");
}

TEST_F(RunTest, Lease6WritesPrintTheText) {
  Answer(R"j({"result": 0, "text": "Lease for address 2001:db8:1::5, subnet-id 1 added."})j");
  Result r = Call({"lease6-add", "2001:db8:1::5", "00:01:02:03", "1"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "Lease for address 2001:db8:1::5, subnet-id 1 added.\n");
  Answer(R"j({"result": 1, "text": "IPv6 lease already exists for 2001:db8:1::5"})j");
  r = Call({"lease6-add", "2001:db8:1::5", "00:01:02:03", "1"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "fastlease: IPv6 lease already exists for 2001:db8:1::5\n");
  Answer(R"j({"result": 3, "text": "IPv6 lease not found."})j");
  r = Call({"lease6-update", "2001:db8:1::5", "00:01:02:03", "1"});
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.out, "IPv6 lease not found.\n");
  Answer(R"j({"result": 0, "text": "IPv6 lease deleted."})j");
  EXPECT_EQ(Call({"lease6-del", "2001:db8:1::5"}).out, "IPv6 lease deleted.\n");
  Answer(R"j({"result": 3, "text": "Deleted 0 IPv6 lease(s) from subnet 2."})j");
  r = Call({"lease6-wipe", "--subnet-id", "2"});
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.out, "Deleted 0 IPv6 lease(s) from subnet 2.\n");
  ASSERT_EQ(server_.requests.size(), 5u);
  EXPECT_EQ(server_.requests[2]["command"], "lease6-update");
  EXPECT_EQ(server_.requests[4], json::parse(R"j({"command": "lease6-wipe", "arguments": {"subnet-id": 2}})j"));
}

TEST_F(RunTest, Lease6GetAllPagesFromTheLastAddress) {
  Answer(Page6(0, 1000));
  Answer(Page6(1000, 1000));
  Answer(Page6(2000, 5));
  Result r = Call({"lease6-get-all"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Lines(r.out), 2006u);
  EXPECT_THAT(r.out, StartsWith("address          type   duid"));
  ASSERT_EQ(server_.requests.size(), 3u);
  EXPECT_EQ(server_.requests[0], json::parse(R"j({"command": "lease6-get-page", "arguments": {"from": "start", "limit": 1000}})j"));
  EXPECT_EQ(server_.requests[1], (json{{"command", "lease6-get-page"},
                                       {"arguments", {{"from", "2001:db8:1::3e8"}, {"limit", 1000}}}}));
  EXPECT_EQ(server_.requests[2]["arguments"], (json{{"from", Address6(1999)}, {"limit", 1000}}));
}

TEST_F(RunTest, Lease6GetAllStopsAtAnEmptyPageAndHonoursTheLimit) {
  Answer(Page6(0, 1000));
  Answer(R"j({"result": 3, "text": "0 IPv6 lease(s) found."})j");
  Result r = Call({"lease6-get-all"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(Lines(r.out), 1001u);
  EXPECT_EQ(server_.requests.size(), 2u);

  server_.requests.clear();
  Answer(Page6(0, 1000));
  Answer(Page6(1000, 500));
  r = Call({"lease6-get-all", "--limit", "1500"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(Lines(r.out), 1501u);
  ASSERT_EQ(server_.requests.size(), 2u);
  EXPECT_EQ(server_.requests[1]["arguments"]["limit"], 500);
}

TEST_F(RunTest, Lease6GetAllNoneExitsThree) {
  Answer(R"j({"result": 3, "text": "0 IPv6 lease(s) found."})j");
  Result r = Call({"lease6-get-all"});
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.out, "0 IPv6 lease(s) found.\n");
  // An empty answer without text gets the IPv6 wording.
  Answer(R"j({"result": 3, "text": ""})j");
  r = Call({"lease6-get-all", "--json"});
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(json::parse(r.out), json::parse(R"j({"result": 3, "text": "0 IPv6 lease(s) found."})j"));
}

TEST_F(RunTest, Lease6PageThatDoesNotAdvanceExitsFive) {
  Answer(Page6(0, 1000));
  Answer(Page6(0, 1000));  // the same page again
  Result r = Call({"lease6-get-all"});
  EXPECT_EQ(r.status, 5);
  EXPECT_EQ(r.err, "fastlease: malformed answer: lease6-get-page did not advance past the previous page\n");
  // Nor may a full page end in something that is not an IPv6 address.
  json leases = json::array();
  for (uint32_t i = 0; i < 1000; ++i) leases.push_back(Lease6(Address(i)));
  Answer(json{{"result", 0}, {"text", "page"}, {"arguments", {{"leases", leases}, {"count", 1000}}}}.dump());
  r = Call({"lease6-get-all"});
  EXPECT_EQ(r.status, 5);
  EXPECT_THAT(r.err, HasSubstr("lease6-get-page did not advance"));
}

TEST_F(RunTest, Lease6GetAllJsonJoinsThePages) {
  Answer(Page6(0, 1000));
  Answer(Page6(1000, 2));
  Result r = Call({"lease6-get-all", "--json"});
  EXPECT_EQ(r.status, 0);
  json answer = json::parse(r.out);
  EXPECT_EQ(answer["result"], 0);
  EXPECT_EQ(answer["text"], "1002 IPv6 lease(s) found.");
  EXPECT_EQ(answer["arguments"]["count"], 1002);
  EXPECT_EQ(answer["arguments"]["leases"].size(), 1002u);
}

TEST_F(RunTest, Lease6GetAllOfSubnetsUsesGetAllAndTheLimit) {
  Answer(Page6(0, 10));
  Result r = Call({"lease6-get-all", "--subnet-id", "1", "--limit", "4"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(Lines(r.out), 5u);
  EXPECT_EQ(server_.requests[0], json::parse(R"j({"command": "lease6-get-all", "arguments": {"subnets": [1]}})j"));
}

TEST_F(RunTest, Lease6PageHintsTheNextPage) {
  Answer(Page6(0, 2));
  Result r = Call({"lease6-get-page", "--limit", "2"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(Lines(r.out), 3u);
  EXPECT_EQ(r.err, "next page: fastlease lease6-get-page --from 2001:db8:1::2 --limit 2\n");
  Answer(Page6(0, 1));
  r = Call({"lease6-get-page", "--limit", "2"});
  EXPECT_EQ(r.err, "");
  Answer(R"j({"result": 3, "text": "0 IPv6 lease(s) found.", "arguments": {"leases": [], "count": 0}})j");
  r = Call({"lease6-get-page", "--from", "2001:db8:1::2"});
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.out, "0 IPv6 lease(s) found.\n");
}

TEST_F(RunTest, StatsOfDhcp6AskWithTheService) {
  Answer(R"j({"result": 0, "text": "", "arguments": {"pkt6-received": [[10, "t"]], "subnet[1].assigned-nas": [[2, "t"]]}})j");
  Result r = Call({"stats", "-6"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out,
            "name                    value  timestamp\n"
            "pkt6-received              10  t\n"
            "\n"
            "subnet[1].assigned-nas      2  t\n");
  EXPECT_EQ(server_.requests[0], json::parse(R"j({"command": "statistic-get-all", "service": ["dhcp6"]})j"));

  Answer(R"j({"result": 0, "text": "", "arguments": {"pkt6-sent": [[3, "t"]]}})j");
  Answer(R"j({"result": 0, "text": "", "arguments": {}})j");
  r = Call({"stats", "--service", "dhcp6", "pkt6-sent", "pkt4-sent"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.err, "fastlease: no statistic named 'pkt4-sent'\n");
  ASSERT_EQ(server_.requests.size(), 3u);
  EXPECT_EQ(server_.requests[1]["service"], json::array({"dhcp6"}));
  EXPECT_EQ(server_.requests[2], json::parse(R"j({"command": "statistic-get", "service": ["dhcp6"], "arguments": {"name": "pkt4-sent"}})j"));

  Answer(R"j({"result": 0, "text": "All statistics reset."})j");
  r = Call({"stats", "reset", "-6"});
  EXPECT_EQ(r.out, "All statistics reset.\n");
  EXPECT_EQ(server_.requests.back(), json::parse(R"j({"command": "statistic-reset-all", "service": ["dhcp6"]})j"));
}

TEST_F(RunTest, StatsByNameMerges) {
  Answer(R"j({"result": 0, "text": "", "arguments": {"pkt4-received": [[10, "2025-11-24 16:00:00.000000"]]}})j");
  Answer(R"j({"result": 0, "text": "", "arguments": {}})j");
  Result r = Call({"stats", "pkt4-received", "no-such"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out,
            "name           value  timestamp\n"
            "pkt4-received     10  2025-11-24 16:00:00.000000\n");
  EXPECT_EQ(r.err, "fastlease: no statistic named 'no-such'\n");

  Answer(R"j({"result": 0, "text": "", "arguments": {}})j");
  r = Call({"statistic-get", "no-such"});
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.out, "No such statistic.\n");
}

TEST_F(RunTest, StatsAll) {
  Answer(R"j({"result": 0, "text": "", "arguments": {"pkt4-sent": [[3, "t"]], "subnet[1].total-addresses": [[254, "t"]]}})j");
  Result r = Call({"stats"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out,
            "name                       value  timestamp\n"
            "pkt4-sent                      3  t\n"
            "\n"
            "subnet[1].total-addresses    254  t\n");
}

TEST_F(RunTest, ConfigGetLeavesOutTheHash) {
  Answer(R"j({"result": 0, "text": "", "arguments": {"Dhcp4": {"valid-lifetime": 4000}, "hash": "ab12"}})j");
  Result r = Call({"config", "get"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(json::parse(r.out), json::parse(R"j({"Dhcp4": {"valid-lifetime": 4000}})j"));
  Answer(R"j({"result": 0, "text": "", "arguments": {"Dhcp4": {}, "hash": "ab12"}})j");
  r = Call({"config-get", "--json"});
  EXPECT_EQ(json::parse(r.out)["arguments"]["hash"], "ab12");
}

TEST_F(RunTest, ConfigTestErrorIsPrinted) {
  char name[] = "/tmp/fastlease_cli_configXXXXXX";
  int fd = mkstemp(name);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "{\"Dhcp4\": {}}", 13), 13);
  close(fd);
  // The server names the source it parsed ("config-test"); the CLI adds the file.
  Answer(R"j({"result": 1, "text": "config-test: Dhcp4/subnet4[0]/pools[1]/pool: '10.0.0.300 - 10.0.0.9' is not a range"})j");
  Result r = Call({"config", "test", name});
  std::remove(name);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, std::string("fastlease: ") + name +
                       ": config-test: Dhcp4/subnet4[0]/pools[1]/pool: '10.0.0.300 - 10.0.0.9' is not a range\n");
  EXPECT_EQ(server_.requests[0], json::parse(R"j({"command": "config-test", "arguments": {"Dhcp4": {}}})j"));
}

// A temporary file holding `text`, removed with the object.
class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    int fd = mkstemp(name_);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    close(fd);
  }
  ~TempFile() { std::remove(name_); }
  std::string path() const { return name_; }

 private:
  char name_[40] = "/tmp/fastlease_cli_checkXXXXXX";
};

TEST_F(RunTest, ConfigCheckListsEveryKeyLocallyAndExitsOneWhenRejected) {
  TempFile file(R"j({"Dhcp4": {"valid-lifetime": 4000, "loggers": [], "colour": 1, "subnet4": []}})j");
  Result r = Call({"config", "check", file.path()});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out,
            "path                  verdict   note\n"
            "Dhcp4                 honoured\n"
            "Dhcp4/valid-lifetime  honoured\n"
            "Dhcp4/loggers         ignored   accepted but not honoured yet\n"
            "Dhcp4/colour          rejected  unknown key\n"
            "Dhcp4/subnet4         honoured\n"
            "3 honoured, 1 ignored (warning), 1 rejected\n");
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(server_.requests.empty());
}

TEST_F(RunTest, ConfigCheckOfALoadableFileExitsZero) {
  TempFile file("# Kea's comments are read\n{\"Dhcp4\": {\"subnet4\": [], \"ddns-send-updates\": false}}");
  Result r = Call({"config", "check", file.path()});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("\nDhcp4/ddns-send-updates  ignored   accepted but not honoured yet\n"));
  EXPECT_THAT(r.out, HasSubstr("\n2 honoured, 1 ignored (warning), 0 rejected\n"));
  EXPECT_TRUE(server_.requests.empty());
}

TEST_F(RunTest, ConfigCheckJson) {
  TempFile file(R"j({"Dhcp4": {"subnet4": [{"id": 1, "subnet": "10.0.0.0/8", "pools": [{"pool": "10.0.0.9 - 10.0.0.1"}]}]}})j");
  Result r = Call({"config", "check", file.path(), "--json"});
  EXPECT_EQ(r.status, 1);
  json report = json::parse(r.out);
  EXPECT_EQ(report["file"], file.path());
  EXPECT_EQ(report["ok"], false);
  EXPECT_EQ(report["summary"], json::parse(R"j({"honoured": 5, "ignored": 0, "rejected": 1})j"));
  EXPECT_EQ(report["keys"][0], json::parse(R"j({"path": "Dhcp4", "verdict": "honoured"})j"));
  const json& pool = report["keys"].back();
  EXPECT_EQ(pool["path"], "Dhcp4/subnet4[0]/pools[0]/pool");
  EXPECT_EQ(pool["verdict"], "rejected");
  EXPECT_THAT(pool["message"].get<std::string>(), HasSubstr("the first address is above the last"));
  ASSERT_EQ(report["errors"].size(), 1u);
  EXPECT_THAT(report["errors"][0].get<std::string>(), HasSubstr(": Dhcp4/subnet4[0]/pools[0]/pool: "));
  EXPECT_EQ(report["warnings"], json::array());
}

TEST_F(RunTest, ConfigCheckOfAnUnreadableFileIsAUsageError) {
  Result r = Call({"config", "check", "/nonexistent/kea.json"});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, StartsWith("fastlease: cannot read config file '/nonexistent/kea.json': "));
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(Call({"config", "check"}).status, 2);
  EXPECT_TRUE(server_.requests.empty());
}

TEST_F(RunTest, ConfigWriteWithoutText) {
  Answer(R"j({"result": 0, "text": "", "arguments": {"filename": "/etc/f.json", "size": 1234}})j");
  Result r = Call({"config", "write"});
  EXPECT_EQ(r.out, "Wrote 1234 bytes to \"/etc/f.json\".\n");
}

TEST_F(RunTest, StatusVersionListAndBuildReport) {
  Answer(R"j({"result": 0, "text": "", "arguments": {"pid": 7, "uptime": 61, "reload": 61, "dataplane": {"connected": false}}})j");
  Result r = Call({"status"});
  EXPECT_EQ(r.status, 0);
  EXPECT_THAT(r.out, HasSubstr("dataplane       not connected\n"));
  Answer(R"j({"result": 0, "text": "0.1.0"})j");
  EXPECT_EQ(Call({"version-get"}).out, "0.1.0\n");
  Answer(R"j({"result": 0, "text": "3 commands", "arguments": ["list-commands", "status-get", "version-get"]})j");
  EXPECT_EQ(Call({"list-commands"}).out, "list-commands\nstatus-get\nversion-get\n");
  Answer(R"j({"result": 0, "text": "fastlease 0.1.0\ncompiler: g++ 12"})j");
  EXPECT_EQ(Call({"build-report"}).out, "fastlease 0.1.0\ncompiler: g++ 12\n");
  Answer(R"j({"result": 0, "text": "Shutting down."})j");
  EXPECT_EQ(Call({"shutdown", "--exit-value", "3"}).out, "Shutting down.\n");
  EXPECT_EQ(server_.requests.back()["arguments"]["exit-value"], 3);
}

TEST_F(RunTest, RawPrintsArgumentsOrText) {
  Answer(R"j({"result": 0, "text": "x", "arguments": {"a": [1, 2]}})j");
  EXPECT_EQ(Call({"raw", "anything"}).out, json::parse(R"j({"a": [1, 2]})j").dump(2) + "\n");
  Answer(R"j({"result": 0, "text": "Reclaimed."})j");
  EXPECT_EQ(Call({"raw", "leases-reclaim", R"j({"remove": true})j"}).out, "Reclaimed.\n");
}

// ------------------------------------------------------ local: help, etc.

TEST_F(RunTest, HelpForEveryCommand) {
  for (const CommandSpec& spec : Commands()) {
    std::vector<std::string> words;
    std::string name(spec.name);
    for (size_t start = 0; start <= name.size();) {
      size_t end = std::min(name.find(' ', start), name.size());
      words.push_back(name.substr(start, end - start));
      start = end + 1;
    }
    std::vector<std::string> via_help = {"help"};
    via_help.insert(via_help.end(), words.begin(), words.end());
    std::vector<std::string> via_flag = words;
    via_flag.push_back("--help");
    Result a = Call(via_help);
    Result b = Call(via_flag);
    EXPECT_EQ(a.status, 0) << spec.name << a.err;
    EXPECT_EQ(b.status, 0) << spec.name << b.err;
    EXPECT_EQ(a.out, b.out) << spec.name;
    EXPECT_THAT(a.out, StartsWith("Usage: fastlease " + std::string(spec.usage.front()) + "\n"));
    EXPECT_THAT(a.out, HasSubstr(std::string(spec.description)));
    EXPECT_THAT(a.out, HasSubstr("Global flags:\n  --socket PATH"));
    EXPECT_THAT(a.out, HasSubstr("Example"));
    for (const FlagSpec& flag : spec.flags) EXPECT_THAT(a.out, HasSubstr(std::string(flag.name)));
    for (std::string_view alias : spec.aliases) {
      EXPECT_EQ(Call({"help", std::string(alias)}).out, a.out);
    }
  }
  EXPECT_TRUE(server_.requests.empty());
}

TEST_F(RunTest, Lease4AddHelp) {
  Result r = Call({"help", "lease4-add"});
  EXPECT_THAT(r.out, StartsWith("Usage: fastlease lease4-add IP HW [--subnet-id N] [--valid-lft SECONDS]"));
  EXPECT_THAT(r.out, HasSubstr("\nFlags:\n  --subnet-id N"));
  EXPECT_THAT(r.out, HasSubstr("\nExample:\n  fastlease lease4-add 10.0.0.5 52:54:00:12:34:56"));
}

TEST_F(RunTest, GlobalHelpListsEveryCommandAndExitCodes) {
  Result r = Call({"--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(Call({"help"}).out, r.out);
  for (const CommandSpec& spec : Commands()) EXPECT_THAT(r.out, HasSubstr("  " + std::string(spec.name) + " "));
  EXPECT_THAT(r.out, HasSubstr("4 fastlease-control is not running"));
  Result none = Call({});
  EXPECT_EQ(none.status, 2);
  EXPECT_THAT(none.err, StartsWith("fastlease: no command given\n"));
}

TEST_F(RunTest, Version) {
  Result r = Call({"--version"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "fastlease " FL_PROJECT_VERSION "\n");
  EXPECT_TRUE(server_.requests.empty());
}

TEST_F(RunTest, CompletionMatchesTheShippedScript) {
  Result r = Call({"completion", "bash"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, BashCompletionScript());
  std::ifstream shipped(FL_COMPLETION_FILE);
  ASSERT_TRUE(shipped) << FL_COMPLETION_FILE;
  std::stringstream text;
  text << shipped.rdbuf();
  EXPECT_EQ(text.str(), r.out)
      << "deploy/completion/fastlease.bash is stale; regenerate it with "
         "`fastlease completion bash > deploy/completion/fastlease.bash`";
}

// The script `fastlease completion bash` prints, in a file to source. The
// shipped copy is kept equal to it by CompletionMatchesTheShippedScript.
const std::string& CompletionScriptFile() {
  static const std::string path = [] {
    char name[] = "/tmp/fastlease_cli_completionXXXXXX";
    int fd = mkstemp(name);
    EXPECT_GE(fd, 0);
    const std::string script = BashCompletionScript();
    EXPECT_EQ(write(fd, script.data(), script.size()), static_cast<ssize_t>(script.size()));
    close(fd);
    std::atexit([] { std::remove(CompletionScriptFile().c_str()); });
    return std::string(name);
  }();
  return path;
}

// Runs the completion function in bash for a command line ending in `cur`.
// `prelude` runs first (e.g. a stand-in for bash-completion's helpers).
std::string Complete(const std::vector<std::string>& words, const std::string& prelude = "") {
  std::string array;
  for (const std::string& w : words) array += fmt::format("'{}' ", w);
  std::string script = fmt::format(
      "{}source '{}'; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE=\"${{COMP_WORDS[*]}}\"; "
      "_fastlease; for w in \"${{COMPREPLY[@]}}\"; do echo \"$w\"; done | sort | tr '\\n' ' '",
      prelude, CompletionScriptFile(), array, words.size() - 1);
  std::string command = "bash --norc --noprofile -c " + fmt::format("\"{}\"", [&] {
    std::string escaped;
    for (char c : script) {
      if (c == '"' || c == '\\' || c == '$' || c == '`') escaped += '\\';
      escaped += c;
    }
    return escaped;
  }());
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof(buf), pipe)) out.append(buf, n);
  pclose(pipe);
  return out;
}

TEST(CompletionTest, BashCompletesDhcp6Commands) {
  EXPECT_EQ(Complete({"fastlease", "lease6-get-"}),
            "lease6-get-all lease6-get-by-duid lease6-get-page ");
  EXPECT_EQ(Complete({"fastlease", "lease6"}),
            "lease6-add lease6-del lease6-get lease6-get-all lease6-get-by-duid lease6-get-page "
            "lease6-update lease6-wipe ");
  EXPECT_EQ(Complete({"fastlease", "lease6-get", "--"}),
            "--duid --help --iaid --json --socket --subnet-id --timeout --type --version ");
  EXPECT_EQ(Complete({"fastlease", "lease6-get", "2001:db8::1", "--type", ""}), "IA_NA IA_PD ");
  EXPECT_EQ(Complete({"fastlease", "lease6-del", "2001:db8::1", "--type", "IA_P"}), "IA_PD ");
  EXPECT_EQ(Complete({"fastlease", "lease6-update", "2001:db8::1", "00:01", "1", "--f"}), "--force-create ");
  EXPECT_EQ(Complete({"fastlease", "lease6-add", "2001:db8::1", "--p"}), "--preferred-lft --prefix-len ");
  EXPECT_EQ(Complete({"fastlease", "lease6-add", "2001:db8::1", "--prefix-len", ""}), "");
  EXPECT_EQ(Complete({"fastlease", "stats", "-"}), "--help --json --service --socket --timeout --version -6 ");
  EXPECT_EQ(Complete({"fastlease", "stats", "--service", ""}), "dhcp4 dhcp6 ");
  EXPECT_EQ(Complete({"fastlease", "stats", "-6", "pkt6-rep"}), "pkt6-reply-received pkt6-reply-sent ");
  EXPECT_EQ(Complete({"fastlease", "stats", "--service", "dhcp6", "re"}), "reset ");
  EXPECT_EQ(Complete({"fastlease", "stats", "reset", "--s"}), "--service --socket ");
  EXPECT_EQ(Complete({"fastlease", "raw", "lease6-get-by"}), "lease6-get-by-duid ");
}

TEST(CompletionTest, BashCompletesCommandsSubcommandsAndFlags) {
  EXPECT_EQ(Complete({"fastlease", "lease4-get-"}),
            "lease4-get-all lease4-get-by-hw-address lease4-get-page ");
  EXPECT_EQ(Complete({"fastlease", "con"}), "config config-get config-reload config-set config-test config-write ");
  EXPECT_EQ(Complete({"fastlease", "--"}), "--help --json --socket --timeout --version ");
  EXPECT_EQ(Complete({"fastlease", "config", ""}), "check get reload set test write ");
  EXPECT_THAT(Complete({"fastlease", "config", "check", "/etc/host"}), HasSubstr("/etc/hostname"));
  EXPECT_EQ(Complete({"fastlease", "--socket", "/x", "config", "re"}), "reload ");
  EXPECT_EQ(Complete({"fastlease", "stats", "re"}), "reset ");
  EXPECT_EQ(Complete({"fastlease", "stats", "pkt4-ack"}), "pkt4-ack-received pkt4-ack-sent ");
  EXPECT_EQ(Complete({"fastlease", "lease4-add", "10.0.0.5", "--v"}), "--valid-lft --version ");
  EXPECT_EQ(Complete({"fastlease", "leases", "--"}),
            "--help --json --limit --socket --subnet-id --timeout --version ");
  EXPECT_EQ(Complete({"fastlease", "leases", "--subnet-id", ""}), "");
  EXPECT_EQ(Complete({"fastlease", "help", "lease4-w"}), "lease4-wipe ");
  EXPECT_EQ(Complete({"fastlease", "completion", ""}), "bash ");
  EXPECT_EQ(Complete({"fastlease", "raw", "version"}), "version-get ");
  EXPECT_EQ(Complete({"fastlease", "shutdown", "--e"}), "--exit-value ");
  EXPECT_EQ(Complete({"fastlease", "config", "set", "/etc/host"}), Complete({"fastlease", "config-set", "/etc/host"}));
  EXPECT_THAT(Complete({"fastlease", "config", "set", "/etc/host"}), HasSubstr("/etc/hostname"));
}

TEST(CompletionTest, WorksWithBashCompletionHelpers) {
  // With the bash-completion package the script asks _get_comp_words_by_ref
  // for words not split at ':' or '='; this stand-in sets the caller's locals
  // the same way.
  const std::string helper =
      "_get_comp_words_by_ref() { cur=\"${COMP_WORDS[COMP_CWORD]}\"; "
      "prev=\"${COMP_WORDS[COMP_CWORD-1]}\"; words=(\"${COMP_WORDS[@]}\"); "
      "cword=$COMP_CWORD; }; ";
  EXPECT_EQ(Complete({"fastlease", "lease4-add", "10.0.0.5", "52:54:00:12:34:56", "--h"}, helper),
            "--help --hostname ");
  EXPECT_EQ(Complete({"fastlease", "--timeout", "5", "config", "w"}, helper), "write ");
  EXPECT_EQ(Complete({"fastlease", "sta"}, helper),
            "statistic-get statistic-get-all statistic-reset statistic-reset-all stats status status-get ");
}

// The installed binary: real exit statuses and the environment variable.
int RunBinary(const std::string& args, const std::string& env = "") {
  int rc = std::system(fmt::format("{} {} {} >/dev/null 2>&1", env, FL_CLI_BINARY, args).c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(BinaryTest, ExitStatuses) {
  EXPECT_EQ(RunBinary("--version"), 0);
  EXPECT_EQ(RunBinary("help lease4-add"), 0);
  EXPECT_EQ(RunBinary("lease4-get 10.0.0.999"), 2);
  EXPECT_EQ(RunBinary("status", "FASTLEASE_SOCKET=/nonexistent/control.sock"), 4);
  EXPECT_EQ(RunBinary("--socket /nonexistent/control.sock status"), 4);
  EXPECT_EQ(RunBinary("config check /nonexistent/kea.json", "FASTLEASE_SOCKET=/nonexistent/control.sock"), 2);
}

}  // namespace
}  // namespace fastlease::cli
