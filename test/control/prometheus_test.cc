// Kea statistics → Prometheus text: names, labels, TYPE lines, ordering.
#include "control/prometheus.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace fastlease::control {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

nlohmann::json Stat(nlohmann::json value) {
  return nlohmann::json::array({nlohmann::json::array({value, "2025-11-24 16:00:00.000000"})});
}

std::string Render(const nlohmann::json& statistics) {
  absl::StatusOr<std::string> text = StatisticsToPrometheus(statistics);
  EXPECT_TRUE(text.ok()) << text.status();
  return text.ok() ? *text : "";
}

// ---- SeriesOfStatistic ----

TEST(SeriesOfStatisticTest, PlainName) {
  PrometheusSeries s = SeriesOfStatistic("pkt4-received");
  EXPECT_EQ(s.family, "fastlease_pkt4_received");
  EXPECT_EQ(s.label_name, "");
  EXPECT_EQ(s.label_value, "");
  EXPECT_FALSE(s.gauge);
}

TEST(SeriesOfStatisticTest, PlainAddressesNameIsAGauge) {
  PrometheusSeries s = SeriesOfStatistic("declined-addresses");
  EXPECT_EQ(s.family, "fastlease_declined_addresses");
  EXPECT_TRUE(s.gauge);
  EXPECT_TRUE(s.label_name.empty());
}

TEST(SeriesOfStatisticTest, OnlyDashAddressesIsAGauge) {
  EXPECT_FALSE(SeriesOfStatistic("ip_addresses").gauge);
  EXPECT_FALSE(SeriesOfStatistic("addresses").gauge);
  EXPECT_FALSE(SeriesOfStatistic("subnet[1].addresses").gauge);
  EXPECT_FALSE(SeriesOfStatistic("assigned-addresses-total").gauge);
  EXPECT_TRUE(SeriesOfStatistic("subnet[1].-addresses").gauge);
}

TEST(SeriesOfStatisticTest, SubnetName) {
  PrometheusSeries s = SeriesOfStatistic("subnet[12].assigned-addresses");
  EXPECT_EQ(s.family, "fastlease_subnet_assigned_addresses");
  EXPECT_EQ(s.label_name, "subnet_id");
  EXPECT_EQ(s.label_value, "12");
  EXPECT_TRUE(s.gauge);

  PrometheusSeries c = SeriesOfStatistic("subnet[1].reclaimed-leases");
  EXPECT_EQ(c.family, "fastlease_subnet_reclaimed_leases");
  EXPECT_EQ(c.label_name, "subnet_id");
  EXPECT_EQ(c.label_value, "1");
  EXPECT_FALSE(c.gauge);
}

TEST(SeriesOfStatisticTest, LcoreName) {
  PrometheusSeries s = SeriesOfStatistic("lcore[2].wire_ip_fragment");
  EXPECT_EQ(s.family, "fastlease_lcore_wire_ip_fragment");
  EXPECT_EQ(s.label_name, "lcore");
  EXPECT_EQ(s.label_value, "2");
  EXPECT_FALSE(s.gauge);
}

TEST(SeriesOfStatisticTest, OtherIndexedScopesAreNotLabels) {
  PrometheusSeries s = SeriesOfStatistic("pool[3].x");
  EXPECT_EQ(s.family, "fastlease_pool_3__x");
  EXPECT_TRUE(s.label_name.empty());
  EXPECT_TRUE(s.label_value.empty());
}

TEST(SeriesOfStatisticTest, MalformedIndexIsAPlainName) {
  for (std::string_view name : {"subnet[].x", "subnet[1]", "subnet[1].", "subnet[1]x",
                                "[1].x", "subnet1].x"}) {
    PrometheusSeries s = SeriesOfStatistic(name);
    EXPECT_TRUE(s.label_name.empty()) << name;
    EXPECT_EQ(s.family.rfind("fastlease_", 0), 0u) << name;
  }
  EXPECT_EQ(SeriesOfStatistic("subnet[1]").family, "fastlease_subnet_1_");
}

TEST(SeriesOfStatisticTest, OddCharactersBecomeUnderscores) {
  EXPECT_EQ(SeriesOfStatistic("a.b-c d/e\"f").family, "fastlease_a_b_c_d_e_f");
  EXPECT_EQ(SeriesOfStatistic("Mixed_Case:9").family, "fastlease_Mixed_Case:9");
  EXPECT_EQ(SeriesOfStatistic("é").family, "fastlease___");  // two UTF-8 bytes
  EXPECT_EQ(SeriesOfStatistic("").family, "fastlease_");
  // The rest of an indexed name is cleaned the same way.
  EXPECT_EQ(SeriesOfStatistic("subnet[4].v4.weird name").family,
            "fastlease_subnet_v4_weird_name");
}

// ---- StatisticsToPrometheus ----

TEST(StatisticsToPrometheusTest, ExactTextForASmallInput) {
  nlohmann::json stats = {
      {"pkt4-received", Stat(125)},
      {"subnet[10].assigned-addresses", Stat(3)},
      {"subnet[2].assigned-addresses", Stat(7)},
      {"subnet[2].total-addresses", Stat(254)},
      {"lcore[0].wire_ip_fragment", Stat(4)},
      {"declined-addresses", Stat(0)},
  };
  EXPECT_EQ(Render(stats),
            "# TYPE fastlease_declined_addresses gauge\n"
            "fastlease_declined_addresses 0\n"
            "# TYPE fastlease_lcore_wire_ip_fragment counter\n"
            "fastlease_lcore_wire_ip_fragment{lcore=\"0\"} 4\n"
            "# TYPE fastlease_pkt4_received counter\n"
            "fastlease_pkt4_received 125\n"
            "# TYPE fastlease_subnet_assigned_addresses gauge\n"
            "fastlease_subnet_assigned_addresses{subnet_id=\"2\"} 7\n"
            "fastlease_subnet_assigned_addresses{subnet_id=\"10\"} 3\n"
            "# TYPE fastlease_subnet_total_addresses gauge\n"
            "fastlease_subnet_total_addresses{subnet_id=\"2\"} 254\n");
}

TEST(SeriesOfStatisticTest, Dhcp6NamesGoUnderTheirOwnPrefix) {
  PrometheusSeries s = SeriesOfStatistic("subnet[3].assigned-pds", true);
  EXPECT_EQ(s.family, "fastlease_dhcp6_subnet_assigned_pds");
  EXPECT_EQ(s.label_name, "subnet_id");
  EXPECT_EQ(s.label_value, "3");
  EXPECT_TRUE(s.gauge);
  EXPECT_TRUE(SeriesOfStatistic("subnet[3].total-nas", true).gauge);
  EXPECT_FALSE(SeriesOfStatistic("subnet[3].cumulative-assigned-nas", true).gauge);
  EXPECT_FALSE(SeriesOfStatistic("cumulative-assigned-pds", true).gauge);
  EXPECT_FALSE(SeriesOfStatistic("pkt6-solicit-received", true).gauge);
  EXPECT_EQ(SeriesOfStatistic("declined-addresses", true).family, "fastlease_dhcp6_declined_addresses");
}

TEST(StatisticsToPrometheusTest, TheDhcp6SetIsRenderedBesideTheDhcp4One) {
  const nlohmann::json v4 = {{"declined-addresses", Stat(1)}, {"pkt4-received", Stat(9)}};
  const nlohmann::json v6 = {{"declined-addresses", Stat(2)},
                             {"subnet[1].assigned-nas", Stat(5)},
                             {"cumulative-assigned-nas", Stat(6)}};
  absl::StatusOr<std::string> text = StatisticsToPrometheus(v4, v6);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text,
            "# TYPE fastlease_declined_addresses gauge\n"
            "fastlease_declined_addresses 1\n"
            "# TYPE fastlease_dhcp6_cumulative_assigned_nas counter\n"
            "fastlease_dhcp6_cumulative_assigned_nas 6\n"
            "# TYPE fastlease_dhcp6_declined_addresses gauge\n"
            "fastlease_dhcp6_declined_addresses 2\n"
            "# TYPE fastlease_dhcp6_subnet_assigned_nas gauge\n"
            "fastlease_dhcp6_subnet_assigned_nas{subnet_id=\"1\"} 5\n"
            "# TYPE fastlease_pkt4_received counter\n"
            "fastlease_pkt4_received 9\n");
  // A missing or non-object v6 set renders the v4 one alone.
  EXPECT_EQ(*StatisticsToPrometheus(v4, nullptr), Render(v4));
}

TEST(StatisticsToPrometheusTest, OneTypeLinePerFamilyWithManySubnets) {
  nlohmann::json stats = nlohmann::json::object();
  for (int id = 1; id <= 12; ++id) {
    stats["subnet[" + std::to_string(id) + "].reclaimed-leases"] = Stat(id * 10);
  }
  const std::string text = Render(stats);
  size_t type_lines = 0;
  for (size_t p = text.find("# TYPE"); p != std::string::npos; p = text.find("# TYPE", p + 1)) {
    ++type_lines;
  }
  EXPECT_EQ(type_lines, 1u);
  EXPECT_EQ(text.rfind("# TYPE fastlease_subnet_reclaimed_leases counter\n", 0), 0u) << text;
  // Numeric order: 1, 2, ... 9, 10, 11, 12 — not 1, 10, 11, 12, 2.
  std::string expected = "# TYPE fastlease_subnet_reclaimed_leases counter\n";
  for (int id = 1; id <= 12; ++id) {
    expected += "fastlease_subnet_reclaimed_leases{subnet_id=\"" + std::to_string(id) + "\"} " +
                std::to_string(id * 10) + "\n";
  }
  EXPECT_EQ(text, expected);
}

TEST(StatisticsToPrometheusTest, FirstSampleIsUsed) {
  nlohmann::json stats = {
      {"pkt4-ack-sent",
       nlohmann::json::array({nlohmann::json::array({9, "newest"}),
                              nlohmann::json::array({5, "older"}),
                              nlohmann::json::array({1, "oldest"})})},
  };
  EXPECT_EQ(Render(stats), "# TYPE fastlease_pkt4_ack_sent counter\nfastlease_pkt4_ack_sent 9\n");
}

TEST(StatisticsToPrometheusTest, NonNumericValuesAreLeftOut) {
  nlohmann::json stats = {
      {"a-string", Stat("x")},
      {"a-null", Stat(nullptr)},
      {"a-bool", Stat(true)},
      {"an-object", Stat(nlohmann::json::object())},
      {"no-samples", nlohmann::json::array()},
      {"an-empty-sample", nlohmann::json::array({nlohmann::json::array()})},
      {"subnet[1].text-addresses", Stat("many")},
      {"kept", Stat(1)},
  };
  EXPECT_EQ(Render(stats), "# TYPE fastlease_kept counter\nfastlease_kept 1\n");
}

TEST(StatisticsToPrometheusTest, AllLeftOutIsEmpty) {
  EXPECT_EQ(Render(nlohmann::json::object()), "");
  EXPECT_EQ(Render({{"x", Stat("y")}}), "");
}

TEST(StatisticsToPrometheusTest, NumberKinds) {
  nlohmann::json stats = {
      {"big", Stat(uint64_t(18446744073709551615u))},
      {"negative", Stat(-3)},
      {"fraction", Stat(0.25)},
  };
  EXPECT_EQ(Render(stats),
            "# TYPE fastlease_big counter\nfastlease_big 18446744073709551615\n"
            "# TYPE fastlease_fraction counter\nfastlease_fraction 0.25\n"
            "# TYPE fastlease_negative counter\nfastlease_negative -3\n");
}

TEST(StatisticsToPrometheusTest, LabelsAreEscaped) {
  nlohmann::json stats = {{"subnet[a\"b\\c].x", Stat(1)}};
  EXPECT_EQ(Render(stats), "# TYPE fastlease_subnet_x counter\n"
                           "fastlease_subnet_x{subnet_id=\"a\\\"b\\\\c\"} 1\n");
}

TEST(StatisticsToPrometheusTest, PlainAndLabelledSeriesOfOneFamily) {
  // "lcore_x" (plain) and "lcore[1].x" both become fastlease_lcore_x.
  nlohmann::json stats = {{"lcore_x", Stat(5)}, {"lcore[1].x", Stat(6)}};
  EXPECT_EQ(Render(stats), "# TYPE fastlease_lcore_x counter\n"
                           "fastlease_lcore_x 5\n"
                           "fastlease_lcore_x{lcore=\"1\"} 6\n");
}

TEST(StatisticsToPrometheusTest, TwoNamesInOneSeriesKeepTheFirst) {
  // "a-b" and "a.b" are both fastlease_a_b; names are visited in sorted order.
  nlohmann::json stats = {{"a.b", Stat(2)}, {"a-b", Stat(1)}};
  EXPECT_EQ(Render(stats), "# TYPE fastlease_a_b counter\nfastlease_a_b 1\n");
}

TEST(StatisticsToPrometheusTest, NonObjectIsInvalidArgument) {
  for (const nlohmann::json& bad :
       {nlohmann::json(nullptr), nlohmann::json(1), nlohmann::json("x"),
        nlohmann::json::array({Stat(1)})}) {
    absl::StatusOr<std::string> text = StatisticsToPrometheus(bad);
    ASSERT_FALSE(text.ok()) << bad.dump();
    EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(StatisticsToPrometheusTest, EveryLineIsWellFormed) {
  // What the dataplane actually reports, roughly.
  nlohmann::json stats = {
      {"pkt4-received", Stat(10)},       {"pkt4-ack-sent", Stat(4)},
      {"assigned-addresses", Stat(3)},   {"subnet[1].total-addresses", Stat(100)},
      {"subnet[1].assigned-addresses", Stat(3)}, {"lcore[3].rx_nombuf", Stat(0)},
  };
  const std::string text = Render(stats);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_THAT(text, Not(HasSubstr("-")));  // no '-' in any name, and no negatives here
  EXPECT_THAT(text, HasSubstr("# TYPE fastlease_assigned_addresses gauge\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE fastlease_pkt4_ack_sent counter\n"));
  EXPECT_THAT(text, HasSubstr("fastlease_lcore_rx_nombuf{lcore=\"3\"} 0\n"));
}

}  // namespace
}  // namespace fastlease::control
