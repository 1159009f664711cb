// The key report of `fastlease config check` (control/config/config_check.h): every
// key's verdict at several depths, errors about values, file order, and agreement with
// ParseConfig.
#include "control/config/config_check.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "control/config/config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fastlease::config {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

// The verdict recorded at `path`; nullopt when the path is not in the report.
std::optional<KeyVerdict> At(const ConfigCheck& check, const std::string& path) {
  for (const KeyVerdict& k : check.keys) {
    if (k.path == path) return k;
  }
  return std::nullopt;
}

std::optional<Verdict> VerdictAt(const ConfigCheck& check, const std::string& path) {
  std::optional<KeyVerdict> k = At(check, path);
  if (!k) return std::nullopt;
  return k->verdict;
}

std::vector<std::string> Paths(const ConfigCheck& check) {
  std::vector<std::string> paths;
  for (const KeyVerdict& k : check.keys) paths.push_back(k.path);
  return paths;
}

// Index of `path` in the report; -1 when absent.
int PositionOf(const ConfigCheck& check, const std::string& path) {
  for (size_t i = 0; i < check.keys.size(); ++i) {
    if (check.keys[i].path == path) return static_cast<int>(i);
  }
  return -1;
}

// Honoured, ignored and unknown keys at the top level, in Dhcp4, in a subnet and in
// a pool.
constexpr char kMixed[] = R"json({
  "Dhcp4": {
    "comment": "an ISP",
    "valid-lifetime": 4000,
    "loggers": [{"name": "kea-dhcp4", "severity": "DEBUG"}],
    "dhcp-ddns": {"enable-updates": false},
    "frobnicate": 1,
    "subnet4": [{
      "id": 1,
      "subnet": "192.0.2.0/24",
      "user-context": {"site": "north"},
      "ddns-send-updates": false,
      "colour": "blue",
      "pools": [{"pool": "192.0.2.10 - 192.0.2.20", "flavour": "mint"}]
    }]
  },
  "Control-agent": {}
})json";

TEST(ConfigCheckTest, EveryKeyAtEveryDepthHasAVerdict) {
  const ConfigCheck c = CheckConfigText(kMixed, "kea.json");
  EXPECT_FALSE(c.ok);

  EXPECT_EQ(VerdictAt(c, "Dhcp4"), Verdict::kHonoured);
  EXPECT_EQ(VerdictAt(c, "Dhcp4/comment"), Verdict::kHonoured);
  EXPECT_EQ(VerdictAt(c, "Dhcp4/valid-lifetime"), Verdict::kHonoured);
  EXPECT_EQ(VerdictAt(c, "Dhcp4/subnet4"), Verdict::kHonoured);
  EXPECT_EQ(VerdictAt(c, "Dhcp4/subnet4[0]/id"), Verdict::kHonoured);
  EXPECT_EQ(VerdictAt(c, "Dhcp4/subnet4[0]/subnet"), Verdict::kHonoured);
  EXPECT_EQ(VerdictAt(c, "Dhcp4/subnet4[0]/user-context"), Verdict::kHonoured);
  EXPECT_EQ(VerdictAt(c, "Dhcp4/subnet4[0]/pools[0]/pool"), Verdict::kHonoured);

  EXPECT_EQ(VerdictAt(c, "Dhcp4/loggers"), Verdict::kIgnored);
  EXPECT_EQ(VerdictAt(c, "Dhcp4/dhcp-ddns"), Verdict::kIgnored);
  EXPECT_EQ(VerdictAt(c, "Dhcp4/subnet4[0]/ddns-send-updates"), Verdict::kIgnored);
  EXPECT_EQ(At(c, "Dhcp4/loggers")->message, "accepted but not honoured yet");

  for (const char* unknown : {"Control-agent", "Dhcp4/frobnicate", "Dhcp4/subnet4[0]/colour",
                              "Dhcp4/subnet4[0]/pools[0]/flavour"}) {
    std::optional<KeyVerdict> k = At(c, unknown);
    ASSERT_TRUE(k) << unknown;
    EXPECT_EQ(k->verdict, Verdict::kRejected) << unknown;
    EXPECT_EQ(k->message, "unknown key") << unknown;
  }
  // The contents of an ignored key are neither checked nor listed.
  EXPECT_EQ(At(c, "Dhcp4/loggers[0]/name"), std::nullopt);
  EXPECT_EQ(At(c, "Dhcp4/dhcp-ddns/enable-updates"), std::nullopt);
}

TEST(ConfigCheckTest, ErrorsAndWarningsAreTheLoadersAndEachHasARow) {
  const ConfigCheck c = CheckConfigText(kMixed, "kea.json");
  absl::StatusOr<Config> loaded = ParseConfig(kMixed, "kea.json");
  ASSERT_FALSE(loaded.ok());
  std::string joined;
  for (const std::string& e : c.errors) joined += (joined.empty() ? "" : "\n") + e;
  EXPECT_EQ(joined, loaded.status().message());
  EXPECT_THAT(c.errors, Contains("kea.json: Dhcp4/subnet4[0]/colour: unknown key"));
  EXPECT_THAT(c.warnings, Contains("kea.json: Dhcp4/loggers: accepted but not honoured yet"));

  size_t rejected = 0;
  size_t ignored = 0;
  for (const KeyVerdict& k : c.keys) {
    rejected += k.verdict == Verdict::kRejected;
    ignored += k.verdict == Verdict::kIgnored;
  }
  EXPECT_EQ(rejected, c.errors.size());
  EXPECT_EQ(ignored, c.warnings.size());
}

TEST(ConfigCheckTest, ReportIsInFileOrderNotAlphabetical) {
  const ConfigCheck c = CheckConfigText(kMixed, "kea.json");
  // nlohmann keeps object keys sorted; the report follows the text.
  EXPECT_LT(PositionOf(c, "Dhcp4"), PositionOf(c, "Dhcp4/comment"));
  EXPECT_LT(PositionOf(c, "Dhcp4/valid-lifetime"), PositionOf(c, "Dhcp4/loggers"));
  EXPECT_LT(PositionOf(c, "Dhcp4/loggers"), PositionOf(c, "Dhcp4/dhcp-ddns"));
  EXPECT_LT(PositionOf(c, "Dhcp4/frobnicate"), PositionOf(c, "Dhcp4/subnet4"));
  EXPECT_LT(PositionOf(c, "Dhcp4/subnet4[0]/subnet"), PositionOf(c, "Dhcp4/subnet4[0]/user-context"));
  EXPECT_LT(PositionOf(c, "Dhcp4/subnet4[0]/pools[0]/flavour"), PositionOf(c, "Control-agent"));
  EXPECT_EQ(c.keys.front().path, "Dhcp4");
  EXPECT_EQ(c.keys.back().path, "Control-agent");
}

TEST(ConfigCheckTest, BadValueRejectsItsKeyWithTheMessage) {
  const ConfigCheck c = CheckConfigText(
      R"({"Dhcp4": {"valid-lifetime": "long", "subnet4": [{"id": 1, "subnet": "192.0.2.0/24"}]}})",
      "kea.json");
  EXPECT_FALSE(c.ok);
  std::optional<KeyVerdict> k = At(c, "Dhcp4/valid-lifetime");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->verdict, Verdict::kRejected);
  EXPECT_EQ(k->message, "expected an integer, got string");
  // One row per path: the honoured verdict was replaced, not added to.
  const std::vector<std::string> paths = Paths(c);
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "Dhcp4/valid-lifetime"), 1);
}

TEST(ConfigCheckTest, MissingKeyIsListedAfterItsObject) {
  const ConfigCheck c = CheckConfigText(
      R"({"Dhcp4": {"subnet4": [{"subnet": "192.0.2.0/24", "pools": []}]}})", "kea.json");
  EXPECT_FALSE(c.ok);
  std::optional<KeyVerdict> k = At(c, "Dhcp4/subnet4[0]/id");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->verdict, Verdict::kRejected);
  EXPECT_EQ(k->message, "missing required key");
  EXPECT_THAT(Paths(c), ElementsAre("Dhcp4", "Dhcp4/subnet4", "Dhcp4/subnet4[0]/id",
                                    "Dhcp4/subnet4[0]/subnet", "Dhcp4/subnet4[0]/pools"));
}

TEST(ConfigCheckTest, GoodConfigIsOkAndWarningsMatchParseConfig) {
  constexpr char kGood[] = R"json({
    "Dhcp4": {
      "valid-lifetime": 4000,
      "loggers": [],
      "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "ddns-qualifying-suffix": "x."}]
    }
  })json";
  const ConfigCheck c = CheckConfigText(kGood, "kea.json");
  absl::StatusOr<Config> loaded = ParseConfig(kGood, "kea.json");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_TRUE(c.ok);
  EXPECT_THAT(c.errors, IsEmpty());
  EXPECT_EQ(c.warnings, loaded->warnings);
  EXPECT_EQ(VerdictAt(c, "Dhcp4/subnet4[0]/ddns-qualifying-suffix"), Verdict::kIgnored);
  for (const KeyVerdict& k : c.keys) EXPECT_NE(k.verdict, Verdict::kRejected) << k.path;
}

TEST(ConfigCheckTest, TextProblemsHaveRowsToo) {
  // A syntax error: no tree, one row at the byte.
  ConfigCheck c = CheckConfigText(R"({"Dhcp4": {"valid-lifetime": }})", "kea.json");
  EXPECT_FALSE(c.ok);
  ASSERT_EQ(c.keys.size(), 1u);
  EXPECT_THAT(c.keys[0].path, StartsWith("byte "));
  EXPECT_EQ(c.keys[0].verdict, Verdict::kRejected);

  // Kea's trailing comma is a warning at its line, listed before the keys.
  c = CheckConfigText("{\"Dhcp4\": {\"subnet4\": [],\n}}", "kea.json");
  EXPECT_TRUE(c.ok);
  ASSERT_FALSE(c.keys.empty());
  EXPECT_EQ(c.keys[0].path, "line 1");
  EXPECT_EQ(c.keys[0].verdict, Verdict::kIgnored);
  EXPECT_EQ(c.keys[0].message, "extra comma ignored");

  // A duplicate key is rejected at its path.
  c = CheckConfigText(R"({"Dhcp4": {"subnet4": [], "subnet4": []}})", "kea.json");
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(At(c, "Dhcp4/subnet4")->verdict, Verdict::kRejected);
  EXPECT_THAT(At(c, "Dhcp4/subnet4")->message, HasSubstr("duplicate key"));
}

TEST(ConfigCheckTest, FileIsNamedByItsFileName) {
  char name[] = "/tmp/fastlease_config_checkXXXXXX";
  const int fd = mkstemp(name);
  ASSERT_GE(fd, 0);
  const std::string text = R"({"Dhcp4": {"subnet4": [], "colour": 1}})";
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  absl::StatusOr<ConfigCheck> c = CheckConfigFile(name);
  std::remove(name);
  ASSERT_TRUE(c.ok()) << c.status().message();
  const std::string base = std::string(name).substr(5);  // after "/tmp/"
  EXPECT_THAT(c->errors, ElementsAre(base + ": Dhcp4/colour: unknown key"));

  absl::StatusOr<ConfigCheck> missing = CheckConfigFile("/nonexistent/kea.json");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("cannot read config file '/nonexistent/kea.json'"));
}

TEST(ConfigCheckTest, VerdictNames) {
  EXPECT_EQ(VerdictName(Verdict::kHonoured), "honoured");
  EXPECT_EQ(VerdictName(Verdict::kIgnored), "ignored");
  EXPECT_EQ(VerdictName(Verdict::kRejected), "rejected");
}

}  // namespace
}  // namespace fastlease::config
