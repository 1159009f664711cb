// The command router: what fastlease-control answers itself, what it forwards to
// the dataplane verbatim, unknown commands, status-get's merge, shutdown.
#include "control/command_router.h"

#include <unistd.h>

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "control/build_info.h"
#include "control/command.h"
#include "control/command_table.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace fastlease::control {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

nlohmann::json Json(const std::string& text) { return nlohmann::json::parse(text, nullptr, false); }

// A dataplane that keeps every forwarded request and its callback until the test
// answers it (a forwarder never answers from inside Forward()).
class FakeDataplane : public CommandForwarder {
 public:
  void Forward(std::string request_json, AnswerCallback done) override {
    pending.push_back({std::move(request_json), std::move(done)});
  }
  bool connected() const override { return connected_; }

  // Answers the oldest pending request.
  void Answer(const std::string& answer) {
    ASSERT_FALSE(pending.empty());
    Pending p = std::move(pending.front());
    pending.erase(pending.begin());
    p.done(answer);
  }
  std::vector<std::string> requests() const {
    std::vector<std::string> r;
    for (const Pending& p : pending) r.push_back(p.request);
    return r;
  }

  struct Pending {
    std::string request;
    AnswerCallback done;
  };
  std::vector<Pending> pending;
  bool connected_ = true;
};

// Collects the answers a reply function receives.
struct Replies {
  ReplyFunction fn() {
    return [this](std::string answer) { answers.push_back(std::move(answer)); };
  }
  nlohmann::json only() const {
    EXPECT_EQ(answers.size(), 1u);
    return answers.empty() ? nlohmann::json() : Json(answers.back());
  }
  std::vector<std::string> answers;
};

CommandRequest Request(const std::string& text) {
  absl::StatusOr<CommandRequest> r = ParseCommandRequest(Json(text), text);
  EXPECT_TRUE(r.ok()) << r.status() << " for " << text;
  return r.ok() ? std::move(*r) : CommandRequest{};
}

class CommandRouterTest : public ::testing::Test {
 protected:
  CommandRouterTest()
      : router_(dataplane_, CommandRouterHooks{
                                .on_shutdown =
                                    [this](int exit_value) {
                                      shutdown_exit_ = exit_value;
                                      ++shutdown_calls_;
                                      answers_at_shutdown_ = replies_.answers.size();
                                    },
                                .control_status =
                                    [] {
                                      return nlohmann::json{{"lease-event-log", {{"cursor", 42}}}};
                                    },
                            }) {}

  void Handle(const std::string& text) { router_.Handle(Request(text), replies_.fn()); }
  nlohmann::json HandleLocal(const std::string& text) {
    replies_.answers.clear();
    Handle(text);
    EXPECT_THAT(dataplane_.pending, IsEmpty()) << text << " was forwarded";
    return replies_.only();
  }

  FakeDataplane dataplane_;
  Replies replies_;
  std::optional<int> shutdown_exit_;
  size_t answers_at_shutdown_ = 0;
  int shutdown_calls_ = 0;
  CommandRouter router_;
};

// ---- answered locally ----

TEST_F(CommandRouterTest, ListCommandsNamesEveryCommandOfTheTable) {
  const nlohmann::json a = HandleLocal(R"({"command": "list-commands"})");
  EXPECT_EQ(a["result"], kResultSuccess);
  ASSERT_TRUE(a["arguments"].is_array());
  std::vector<std::string> names = a["arguments"].get<std::vector<std::string>>();
  std::vector<std::string> table;
  for (const CommandInfo& c : AllCommands()) table.emplace_back(c.name);
  EXPECT_EQ(names, table);
  EXPECT_EQ(a["text"], std::to_string(table.size()) + " commands supported.");
  const std::set<std::string> set(names.begin(), names.end());
  EXPECT_EQ(set.size(), names.size());
  for (const char* must : {"build-report", "config-get", "config-set", "config-reload",
                           "lease4-add", "lease4-del", "lease4-get", "lease4-get-all",
                           "lease4-get-by-client-id", "lease4-get-by-hw-address",
                           "lease4-get-page", "lease4-update", "lease4-wipe", "list-commands",
                           "shutdown", "statistic-get", "statistic-get-all", "status-get",
                           "version-get"}) {
    EXPECT_TRUE(set.contains(must)) << must;
  }
  EXPECT_EQ(replies_.answers.back(), ListCommandsAnswer());
}

TEST_F(CommandRouterTest, VersionGet) {
  const nlohmann::json a = HandleLocal(R"({"command": "version-get"})");
  EXPECT_EQ(a["result"], kResultSuccess);
  EXPECT_EQ(a["text"], FL_VERSION);
  ASSERT_TRUE(a["arguments"]["extended"].is_string());
  EXPECT_THAT(a["arguments"]["extended"].get<std::string>(),
              StartsWith(std::string("fastlease ") + FL_VERSION + " ("));
  EXPECT_EQ(replies_.answers.back(), VersionGetAnswer());
}

TEST_F(CommandRouterTest, BuildReport) {
  const nlohmann::json a = HandleLocal(R"({"command": "build-report"})");
  EXPECT_EQ(a["result"], kResultSuccess);
  EXPECT_EQ(a["text"], BuildReportText());
  EXPECT_FALSE(a.contains("arguments"));
  const std::string text = BuildReportText();
  EXPECT_THAT(text, StartsWith("fastlease           " FL_VERSION "\n"));
  EXPECT_THAT(text, HasSubstr("\nRocksDB             "));
  EXPECT_EQ(text.back(), '\n');
}

TEST_F(CommandRouterTest, LocalCommandsIgnoreTheirArguments) {
  const nlohmann::json a = HandleLocal(R"({"command": "version-get", "arguments": {"x": 1}})");
  EXPECT_EQ(a["result"], kResultSuccess);
}

// ---- forwarded ----

TEST_F(CommandRouterTest, DataplaneCommandsAreForwardedVerbatim) {
  for (const CommandInfo& c : AllCommands()) {
    if (c.site != CommandSite::kDataplane) continue;
    replies_.answers.clear();
    // Odd spacing and key order: the dataplane must get the very bytes.
    const std::string text = "{ \"arguments\" : {\"ip-address\": \"192.0.2.10\", \"n\": [1, 2.5]},"
                             "\n  \"command\":\"" + std::string(c.name) + "\" }";
    Handle(text);
    ASSERT_EQ(dataplane_.pending.size(), 1u) << c.name;
    EXPECT_EQ(dataplane_.pending[0].request, text);
    EXPECT_THAT(replies_.answers, IsEmpty()) << c.name << " answered before the dataplane";
    // The answer is relayed verbatim, whatever it is.
    const std::string answer = R"({"result": 3, "text": "nothing for )" + std::string(c.name) +
                               R"(", "arguments": {"z": 1}})";
    dataplane_.Answer(answer);
    EXPECT_THAT(replies_.answers, ElementsAre(answer)) << c.name;
  }
}

TEST_F(CommandRouterTest, ForwardedErrorsAreRelayedAsTheyAre) {
  dataplane_.connected_ = false;
  Handle(R"({"command": "lease4-get-by-client-id", "arguments": {"client-id": "01:02"}})");
  ASSERT_EQ(dataplane_.pending.size(), 1u);
  EXPECT_EQ(dataplane_.pending[0].request,
            R"({"command": "lease4-get-by-client-id", "arguments": {"client-id": "01:02"}})");
  dataplane_.Answer("not even JSON");
  EXPECT_THAT(replies_.answers, ElementsAre("not even JSON"));
}

TEST_F(CommandRouterTest, SeveralForwardedCommandsAreAnsweredToTheirOwnReplies) {
  Replies first, second;
  router_.Handle(Request(R"({"command": "lease4-get", "arguments": {"ip-address": "192.0.2.1"}})"),
                 first.fn());
  router_.Handle(Request(R"({"command": "statistic-get-all"})"), second.fn());
  ASSERT_EQ(dataplane_.pending.size(), 2u);
  EXPECT_THAT(dataplane_.requests(),
              ElementsAre(R"({"command": "lease4-get", "arguments": {"ip-address": "192.0.2.1"}})",
                          R"({"command": "statistic-get-all"})"));
  dataplane_.Answer(R"({"result": 0, "text": "one"})");
  dataplane_.Answer(R"({"result": 0, "text": "two"})");
  EXPECT_THAT(first.answers, ElementsAre(R"({"result": 0, "text": "one"})"));
  EXPECT_THAT(second.answers, ElementsAre(R"({"result": 0, "text": "two"})"));
}

// ---- unknown ----

TEST_F(CommandRouterTest, UnknownCommandIsResultTwo) {
  for (const char* name : {"x", "lease6-bulk-apply", "List-Commands", "version-get ", "lease4"}) {
    const nlohmann::json a =
        HandleLocal(nlohmann::json{{"command", name}, {"arguments", {{"a", 1}}}}.dump());
    EXPECT_EQ(a["result"], kResultUnsupported) << name;
    EXPECT_EQ(a["text"], "'" + std::string(name) + "' command not supported.");
    EXPECT_FALSE(a.contains("arguments"));
  }
  EXPECT_EQ(HandleLocal(R"({"command": "x"})").dump(),
            R"({"result":2,"text":"'x' command not supported."})");
}

// ---- status-get ----

TEST_F(CommandRouterTest, StatusGetWithoutADataplane) {
  dataplane_.connected_ = false;
  const nlohmann::json a = HandleLocal(R"({"command": "status-get"})");
  EXPECT_EQ(a["result"], kResultSuccess);
  EXPECT_EQ(a["text"], "Server is running.");
  const nlohmann::json& args = a["arguments"];
  EXPECT_EQ(args["pid"], getpid());
  ASSERT_TRUE(args["uptime"].is_number_integer());
  EXPECT_GE(args["uptime"].get<int64_t>(), 0);
  EXPECT_LT(args["uptime"].get<int64_t>(), 60);
  EXPECT_EQ(args["reload"], args["uptime"]);
  EXPECT_EQ(args["control"], (nlohmann::json{{"lease-event-log", {{"cursor", 42}}}}));
  EXPECT_EQ(args["dataplane"], (nlohmann::json{{"connected", false}}));
}

TEST_F(CommandRouterTest, StatusGetMergesTheDataplanesStatus) {
  Handle(R"({"command": "status-get", "arguments": {"ignored": true}})");
  ASSERT_EQ(dataplane_.pending.size(), 1u);
  EXPECT_EQ(Json(dataplane_.pending[0].request), (nlohmann::json{{"command", "status-get"}}));
  EXPECT_THAT(replies_.answers, IsEmpty());
  dataplane_.Answer(R"({"result": 0, "text": "Server is running.",
                        "arguments": {"pid": 4242, "uptime": 7, "lcores": 3}})");
  const nlohmann::json a = replies_.only();
  EXPECT_EQ(a["result"], kResultSuccess);
  EXPECT_EQ(a["arguments"]["pid"], getpid());
  EXPECT_EQ(a["arguments"]["control"]["lease-event-log"]["cursor"], 42);
  EXPECT_EQ(a["arguments"]["dataplane"],
            (nlohmann::json{{"pid", 4242}, {"uptime", 7}, {"lcores", 3}, {"connected", true}}));
}

TEST_F(CommandRouterTest, StatusGetWhenTheDataplaneFails) {
  Handle(R"({"command": "status-get"})");
  dataplane_.connected_ = false;  // it went away meanwhile
  dataplane_.Answer(R"({"result": 1, "text": "the dataplane disconnected"})");
  const nlohmann::json a = replies_.only();
  EXPECT_EQ(a["result"], kResultSuccess);
  EXPECT_EQ(a["arguments"]["dataplane"],
            (nlohmann::json{{"connected", false}, {"error", "the dataplane disconnected"}}));
}

TEST_F(CommandRouterTest, StatusGetWhenTheDataplaneAnswersGarbage) {
  Handle(R"({"command": "status-get"})");
  dataplane_.Answer("garbage");
  nlohmann::json a = replies_.only();
  EXPECT_EQ(a["arguments"]["dataplane"],
            (nlohmann::json{{"connected", true}, {"error", "garbage"}}));

  // Success without an arguments object is an error too.
  replies_.answers.clear();
  Handle(R"({"command": "status-get"})");
  dataplane_.Answer(R"({"result": 0, "text": "fine", "arguments": [1]})");
  a = replies_.only();
  EXPECT_EQ(a["arguments"]["dataplane"], (nlohmann::json{{"connected", true}, {"error", "fine"}}));
}

TEST(CommandRouterHooksTest, StatusGetWithoutAControlStatusHook) {
  FakeDataplane dataplane;
  dataplane.connected_ = false;
  CommandRouter router(dataplane, CommandRouterHooks{});
  Replies replies;
  router.Handle(Request(R"({"command": "status-get"})"), replies.fn());
  EXPECT_EQ(replies.only()["arguments"]["control"], nlohmann::json::object());
}

// ---- shutdown ----

TEST_F(CommandRouterTest, ShutdownExitValueOfTheWrongTypeIsResultOne) {
  for (const char* value : {R"("3")", "-1", "256", "1.5", "true", "null", "[0]",
                            "18446744073709551615"}) {
    const std::string text =
        std::string(R"({"command": "shutdown", "arguments": {"exit-value": )") + value + "}}";
    const nlohmann::json a = HandleLocal(text);
    EXPECT_EQ(a["result"], kResultError) << value;
    EXPECT_EQ(a["text"], "'exit-value' must be an integer 0..255") << value;
    EXPECT_FALSE(router_.shutting_down()) << value;
    EXPECT_FALSE(shutdown_exit_.has_value()) << value;
  }
  // Still serving.
  EXPECT_EQ(HandleLocal(R"({"command": "version-get"})")["result"], kResultSuccess);
}

TEST_F(CommandRouterTest, ShutdownIsForwardedThenRelayedThenHooked) {
  const std::string text = R"({"command": "shutdown", "arguments": {"exit-value": 3}})";
  Handle(text);
  EXPECT_TRUE(router_.shutting_down());
  ASSERT_EQ(dataplane_.pending.size(), 1u);
  EXPECT_EQ(dataplane_.pending[0].request, text);
  EXPECT_THAT(replies_.answers, IsEmpty());
  EXPECT_FALSE(shutdown_exit_.has_value());

  // Meanwhile every command is refused, forwarded ones too.
  Replies late;
  router_.Handle(Request(R"({"command": "version-get"})"), late.fn());
  router_.Handle(Request(R"({"command": "lease4-get-all"})"), late.fn());
  router_.Handle(Request(R"({"command": "nope"})"), late.fn());
  ASSERT_EQ(late.answers.size(), 3u);
  for (const std::string& answer : late.answers) {
    EXPECT_EQ(Json(answer)["result"], kResultError);
    EXPECT_EQ(Json(answer)["text"], "fastlease-control is shutting down");
  }
  EXPECT_EQ(dataplane_.pending.size(), 1u);

  const std::string dp_answer = R"({"result": 0, "text": "Shutting down."})";
  dataplane_.Answer(dp_answer);
  EXPECT_THAT(replies_.answers, ElementsAre(dp_answer));
  ASSERT_TRUE(shutdown_exit_.has_value());
  EXPECT_EQ(*shutdown_exit_, 3);
  EXPECT_EQ(shutdown_calls_, 1);
  EXPECT_EQ(answers_at_shutdown_, 1u);  // the answer was handed over first
}

TEST_F(CommandRouterTest, ShutdownWithoutArgumentsExitsZero) {
  Handle(R"({"command": "shutdown"})");
  dataplane_.Answer(R"({"result": 0, "text": "Shutting down."})");
  ASSERT_TRUE(shutdown_exit_.has_value());
  EXPECT_EQ(*shutdown_exit_, 0);
}

TEST_F(CommandRouterTest, ShutdownBoundaryExitValues) {
  Handle(R"({"command": "shutdown", "arguments": {"exit-value": 255}})");
  EXPECT_TRUE(router_.shutting_down());
  dataplane_.Answer(R"({"result": 0, "text": "Shutting down."})");
  ASSERT_TRUE(shutdown_exit_.has_value());
  EXPECT_EQ(*shutdown_exit_, 255);
}

TEST_F(CommandRouterTest, ShutdownGoesOnWhenTheDataplaneCannot) {
  dataplane_.connected_ = false;
  Handle(R"({"command": "shutdown", "arguments": {"exit-value": 0}})");
  ASSERT_EQ(dataplane_.pending.size(), 1u);
  dataplane_.Answer(R"({"result": 1, "text": "the dataplane is not connected"})");
  const nlohmann::json a = replies_.only();
  EXPECT_EQ(a["result"], kResultError);
  EXPECT_EQ(a["text"], "the dataplane is not connected; fastlease-control shuts down anyway");
  ASSERT_TRUE(shutdown_exit_.has_value());
  EXPECT_EQ(*shutdown_exit_, 0);
  EXPECT_EQ(shutdown_calls_, 1);
  EXPECT_EQ(answers_at_shutdown_, 1u);
}

// ---- the table ----

TEST(CommandTableTest, FindCommand) {
  const CommandInfo* c = FindCommand("lease4-get-by-client-id");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->site, CommandSite::kDataplane);
  for (const char* local : {"build-report", "list-commands", "shutdown", "status-get",
                            "version-get"}) {
    ASSERT_NE(FindCommand(local), nullptr) << local;
    EXPECT_EQ(FindCommand(local)->site, CommandSite::kControl) << local;
  }
  EXPECT_EQ(FindCommand(""), nullptr);
  EXPECT_EQ(FindCommand("lease4-get-by"), nullptr);
  EXPECT_EQ(FindCommand("zzz"), nullptr);
  for (const CommandInfo& info : AllCommands()) {
    EXPECT_EQ(FindCommand(info.name), &info) << info.name;
  }
}

}  // namespace
}  // namespace fastlease::control
