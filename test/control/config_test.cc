#include "control/config/config.h"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fastlease::config {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using Bytes = std::vector<uint8_t>;

constexpr uint32_t Ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return uint32_t{a} << 24 | uint32_t{b} << 16 | uint32_t{c} << 8 | d;
}

Config MustParse(const std::string& text) {
  absl::StatusOr<Config> c = ParseConfig(text, "test.json");
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? *std::move(c) : Config{};
}

// The error lines of a config that must fail.
std::vector<std::string> ErrorsOf(const std::string& text) {
  absl::StatusOr<Config> c = ParseConfig(text, "test.json");
  EXPECT_FALSE(c.ok()) << "parsed without errors: " << text;
  if (c.ok()) return {};
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  return absl::StrSplit(c.status().message(), '\n');
}

// The one error of a config that must fail with exactly one.
std::string ErrorOf(const std::string& text) {
  std::vector<std::string> errors = ErrorsOf(text);
  EXPECT_THAT(errors, SizeIs(1)) << absl::StrJoin(errors, "\n");
  return errors.empty() ? "" : errors[0];
}

// Wraps `subnet_body` (the inside of one subnet4 object) in a minimal valid config.
std::string WithSubnet(absl::string_view subnet_body, absl::string_view globals = "") {
  return absl::StrCat(R"({"Dhcp4": {)", globals, globals.empty() ? "" : ",",
                      R"("subnet4": [{"id": 1, "subnet": "192.0.2.0/24")",
                      subnet_body.empty() ? "" : ",", subnet_body, "}]}}");
}

const OptionData* FindOption(const std::vector<OptionData>& options, uint8_t code) {
  for (const OptionData& o : options) {
    if (o.code == code) return &o;
  }
  return nullptr;
}

constexpr char kFullConfig[] = R"json({
  "Dhcp4": {
    "valid-lifetime": 4000,
    "min-valid-lifetime": 2000,
    "max-valid-lifetime": 8000,
    "renew-timer": 1000,
    "rebind-timer": 2000,
    "calculate-tee-times": false,
    "t1-percent": 0.4,
    "t2-percent": 0.8,
    "match-client-id": false,
    "authoritative": true,
    "echo-client-id": false,
    "next-server": "192.0.2.10",
    "decline-probation-period": 600,
    "offer-lifetime": 30,
    "lease-database": { "type": "rocksdb", "name": "/var/lib/fastlease/leases",
                        "durability": "wal", "max-batch": 512 },
    "expired-leases-processing": { "hold-reclaimed-time": 1800, "max-reclaim-leases": 50 },
    "option-data": [
      { "name": "domain-name-servers", "data": "192.0.2.53, 192.0.2.54" },
      { "name": "domain-name", "data": "example.net" },
      { "code": 3, "data": "10.255.255.254" },
      { "name": "ntp-servers", "code": 42, "data": "192.0.2.123", "always-send": true,
        "space": "dhcp4", "csv-format": true, "comment": "kept" }
    ],
    "subnet4": [
      {
        "id": 10,
        "subnet": "192.0.2.0/24",
        "pools": [
          { "pool": "192.0.2.100 - 192.0.2.149" },
          { "pool": "192.0.2.192/26",
            "option-data": [ { "name": "default-ip-ttl", "data": "32" } ] }
        ],
        "option-data": [
          { "name": "routers", "data": "192.0.2.1" },
          { "name": "domain-search", "data": "example.net, example.org" },
          { "name": "interface-mtu", "data": "9000" },
          { "name": "ip-forwarding", "data": "false" },
          { "name": "time-offset", "data": "-3600" },
          { "name": "arp-cache-timeout", "data": "60" },
          { "name": "vendor-encapsulated-options", "data": "01:02:03" },
          { "name": "dhcp-server-identifier", "data": "192.0.2.2" },
          { "code": 224, "csv-format": false, "data": "0xCAFE" }
        ],
        "relay": { "ip-addresses": [ "198.51.100.1", "198.51.100.2" ] },
        "reservations": [
          { "hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "192.0.2.20", "hostname": "cpe-1",
            "option-data": [ { "name": "host-name", "data": "cpe-1.example.net" } ] },
          { "client-id": "01:11:22:33:44:55:66", "ip-address": "192.0.2.21" },
          { "hw-address": "02:00:00:00:00:01" }
        ],
        "user-context": { "site": "lab" }
      },
      {
        "id": 20,
        "subnet": "198.51.100.0/25",
        "valid-lifetime": 6000,
        "max-valid-lifetime": 6000,
        "renew-timer": 100,
        "rebind-timer": 200,
        "calculate-tee-times": true,
        "t1-percent": 0.3,
        "t2-percent": 0.6,
        "match-client-id": true,
        "authoritative": false,
        "next-server": "198.51.100.5",
        "pools": [ { "pool": "198.51.100.10-198.51.100.20" } ],
        "option-data": [ { "name": "domain-name-servers", "data": "198.51.100.53" } ]
      }
    ]
  },
  "Dataplane": {
    "eal-args": ["--no-huge", "-m", "256"],
    "ports": [
      { "device": "net_af_packet0,iface=veth0", "address": "192.0.2.1/24",
        "rx-descriptors": 512, "tx-descriptors": 256 },
      { "device": "0000:03:00.0", "address": "198.51.100.1/25" }
    ],
    "workers": 2,
    "mempool-size": 16383,
    "mempool-cache": 128,
    "burst-size": 64,
    "idle-sleep-us": 0,
    "tx-drain-us": 50,
    "park-queue-size": 1024,
    "change-ring-size": 131072,
    "dispatch-ring-size": 2048,
    "persister-nice": -3
  }
})json";

TEST(ConfigTest, FullConfigGlobals) {
  Config c = MustParse(kFullConfig);
  EXPECT_EQ(c.source, "test.json");
  EXPECT_THAT(c.warnings, IsEmpty());
  EXPECT_EQ(c.dhcp4.decline_probation_period, 600u);
  EXPECT_EQ(c.dhcp4.offer_lifetime, 30u);
  EXPECT_EQ(c.dhcp4.hold_reclaimed_time, 1800u);
  EXPECT_EQ(c.dhcp4.max_reclaim_leases, 50u);
  EXPECT_FALSE(c.dhcp4.echo_client_id);
  EXPECT_EQ(c.dhcp4.lease_database.path, "/var/lib/fastlease/leases");
  EXPECT_EQ(c.dhcp4.lease_database.durability, Durability::kWal);
  EXPECT_EQ(c.dhcp4.lease_database.max_batch, 512u);
  ASSERT_THAT(c.dhcp4.subnets, SizeIs(2));
}

TEST(ConfigTest, FullConfigFirstSubnetInheritsGlobals) {
  Config c = MustParse(kFullConfig);
  ASSERT_THAT(c.dhcp4.subnets, SizeIs(2));
  const Subnet4& s = c.dhcp4.subnets[0];
  EXPECT_EQ(s.id, 10u);
  EXPECT_EQ(s.prefix, Ip(192, 0, 2, 0));
  EXPECT_EQ(s.prefix_len, 24);
  EXPECT_EQ(s.mask, Ip(255, 255, 255, 0));
  EXPECT_EQ(s.valid_lifetime, 4000u);
  EXPECT_EQ(s.min_valid_lifetime, 2000u);
  EXPECT_EQ(s.max_valid_lifetime, 8000u);
  EXPECT_EQ(s.renew_timer, 1000u);
  EXPECT_EQ(s.rebind_timer, 2000u);
  EXPECT_FALSE(s.calculate_tee_times);
  EXPECT_DOUBLE_EQ(s.t1_percent, 0.4);
  EXPECT_DOUBLE_EQ(s.t2_percent, 0.8);
  EXPECT_FALSE(s.match_client_id);
  EXPECT_TRUE(s.authoritative);
  EXPECT_EQ(s.next_server, Ip(192, 0, 2, 10));
  EXPECT_THAT(s.relay_addresses, ElementsAre(Ip(198, 51, 100, 1), Ip(198, 51, 100, 2)));

  ASSERT_THAT(s.pools, SizeIs(2));
  EXPECT_EQ(s.pools[0].first, Ip(192, 0, 2, 100));
  EXPECT_EQ(s.pools[0].last, Ip(192, 0, 2, 149));
  EXPECT_THAT(s.pools[0].options, IsEmpty());
  EXPECT_EQ(s.pools[1].first, Ip(192, 0, 2, 192));
  EXPECT_EQ(s.pools[1].last, Ip(192, 0, 2, 255));
  ASSERT_THAT(s.pools[1].options, SizeIs(1));
  EXPECT_EQ(s.pools[1].options[0].code, 23);
  EXPECT_THAT(s.pools[1].options[0].data, ElementsAre(32));
}

TEST(ConfigTest, FullConfigOptionWireBytesAndMerge) {
  Config c = MustParse(kFullConfig);
  ASSERT_THAT(c.dhcp4.subnets, SizeIs(2));
  const std::vector<OptionData>& o = c.dhcp4.subnets[0].options;
  // The subnet's own 9 options; the global ones stay global (Dhcp4Config::options),
  // looked up after the subnet's and the client's classes'.
  ASSERT_THAT(o, SizeIs(9));
  const std::vector<OptionData>& g = c.dhcp4.options;
  EXPECT_EQ(o[0].code, 3);
  EXPECT_THAT(o[0].data, ElementsAre(192, 0, 2, 1));  // subnet routers beat the global
  EXPECT_THAT(FindOption(o, 119)->data,
              ElementsAre(7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0,  //
                          7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o', 'r', 'g', 0));
  EXPECT_THAT(FindOption(o, 26)->data, ElementsAre(0x23, 0x28));
  EXPECT_THAT(FindOption(o, 19)->data, ElementsAre(0));
  EXPECT_THAT(FindOption(o, 2)->data, ElementsAre(0xff, 0xff, 0xf1, 0xf0));
  EXPECT_THAT(FindOption(o, 35)->data, ElementsAre(0, 0, 0, 60));
  EXPECT_THAT(FindOption(o, 43)->data, ElementsAre(1, 2, 3));
  EXPECT_THAT(FindOption(o, 54)->data, ElementsAre(192, 0, 2, 2));
  EXPECT_THAT(FindOption(o, 224)->data, ElementsAre(0xca, 0xfe));
  EXPECT_THAT(FindOption(g, 6)->data, ElementsAre(192, 0, 2, 53, 192, 0, 2, 54));
  EXPECT_THAT(FindOption(g, 15)->data,
              ElementsAre('e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'n', 'e', 't'));
  ASSERT_NE(FindOption(g, 42), nullptr);
  EXPECT_TRUE(FindOption(g, 42)->always_send);
  EXPECT_FALSE(FindOption(g, 6)->always_send);
}

TEST(ConfigTest, FullConfigSecondSubnetOverrides) {
  Config c = MustParse(kFullConfig);
  ASSERT_THAT(c.dhcp4.subnets, SizeIs(2));
  const Subnet4& s = c.dhcp4.subnets[1];
  EXPECT_EQ(s.id, 20u);
  EXPECT_EQ(s.prefix, Ip(198, 51, 100, 0));
  EXPECT_EQ(s.prefix_len, 25);
  EXPECT_EQ(s.mask, Ip(255, 255, 255, 128));
  EXPECT_EQ(s.valid_lifetime, 6000u);
  EXPECT_EQ(s.min_valid_lifetime, 2000u);  // inherited
  EXPECT_EQ(s.max_valid_lifetime, 6000u);
  EXPECT_EQ(s.renew_timer, 100u);
  EXPECT_EQ(s.rebind_timer, 200u);
  EXPECT_TRUE(s.calculate_tee_times);
  EXPECT_DOUBLE_EQ(s.t1_percent, 0.3);
  EXPECT_DOUBLE_EQ(s.t2_percent, 0.6);
  EXPECT_TRUE(s.match_client_id);
  EXPECT_FALSE(s.authoritative);
  EXPECT_EQ(s.next_server, Ip(198, 51, 100, 5));
  ASSERT_THAT(s.pools, SizeIs(1));
  EXPECT_EQ(s.pools[0].first, Ip(198, 51, 100, 10));
  EXPECT_EQ(s.pools[0].last, Ip(198, 51, 100, 20));
  EXPECT_THAT(s.reservations, IsEmpty());
  EXPECT_THAT(s.relay_addresses, IsEmpty());
  // The subnet keeps its own options; global ones stay at the global level (the
  // server looks them up after the subnet's and the client's classes').
  ASSERT_THAT(s.options, SizeIs(1));
  EXPECT_EQ(s.options[0].code, 6);
  EXPECT_THAT(s.options[0].data, ElementsAre(198, 51, 100, 53));
  EXPECT_THAT(FindOption(c.dhcp4.options, 3)->data, ElementsAre(10, 255, 255, 254));
  EXPECT_NE(FindOption(c.dhcp4.options, 15), nullptr);
  EXPECT_NE(FindOption(c.dhcp4.options, 42), nullptr);
}

TEST(ConfigTest, FullConfigReservations) {
  Config c = MustParse(kFullConfig);
  ASSERT_THAT(c.dhcp4.subnets, SizeIs(2));
  const std::vector<Reservation>& r = c.dhcp4.subnets[0].reservations;
  ASSERT_THAT(r, SizeIs(3));
  EXPECT_EQ(r[0].identifier_type, HostIdentifier::kHwAddress);
  EXPECT_THAT(r[0].identifier, ElementsAre(0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff));
  EXPECT_EQ(r[0].ip_address, Ip(192, 0, 2, 20));
  EXPECT_EQ(r[0].hostname, "cpe-1");
  ASSERT_THAT(r[0].options, SizeIs(1));
  EXPECT_EQ(r[0].options[0].code, 12);
  EXPECT_EQ(std::string(r[0].options[0].data.begin(), r[0].options[0].data.end()),
            "cpe-1.example.net");
  EXPECT_EQ(r[1].identifier_type, HostIdentifier::kClientId);
  EXPECT_THAT(r[1].identifier, ElementsAre(0x01, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66));
  EXPECT_EQ(r[1].ip_address, Ip(192, 0, 2, 21));
  EXPECT_EQ(r[2].ip_address, 0u);  // options-only reservation
}

TEST(ConfigTest, FullConfigDataplane) {
  Config c = MustParse(kFullConfig);
  const DataplaneConfig& dp = c.dataplane;
  EXPECT_THAT(dp.eal_args, ElementsAre("--no-huge", "-m", "256"));
  ASSERT_THAT(dp.ports, SizeIs(2));
  EXPECT_EQ(dp.ports[0].device, "net_af_packet0,iface=veth0");
  EXPECT_EQ(dp.ports[0].address, Ip(192, 0, 2, 1));
  EXPECT_EQ(dp.ports[0].prefix_len, 24);
  EXPECT_EQ(dp.ports[0].rx_descriptors, 512);
  EXPECT_EQ(dp.ports[0].tx_descriptors, 256);
  EXPECT_EQ(dp.ports[1].device, "0000:03:00.0");
  EXPECT_EQ(dp.ports[1].prefix_len, 25);
  EXPECT_EQ(dp.ports[1].rx_descriptors, 1024);
  EXPECT_EQ(dp.workers, 2u);
  EXPECT_EQ(dp.mempool_size, 16383u);
  EXPECT_EQ(dp.mempool_cache, 128u);
  EXPECT_EQ(dp.burst_size, 64u);
  EXPECT_EQ(dp.idle_sleep_us, 0u);
  EXPECT_EQ(dp.tx_drain_us, 50u);
  EXPECT_EQ(dp.park_queue_size, 1024u);
  EXPECT_EQ(dp.change_ring_size, 131072u);
  EXPECT_EQ(dp.dispatch_ring_size, 2048u);
  EXPECT_EQ(dp.persister_nice, -3);
}

TEST(ConfigTest, MinimalConfigGetsDefaults) {
  Config c = MustParse(R"({"Dhcp4": {"subnet4": [{"id": 1, "subnet": "10.0.0.0/8"}]}})");
  EXPECT_THAT(c.warnings, IsEmpty());
  EXPECT_EQ(c.dhcp4.lease_database.path, "leases.rocksdb");
  EXPECT_EQ(c.dhcp4.lease_database.durability, Durability::kFsync);
  EXPECT_EQ(c.dhcp4.lease_database.max_batch, 8192u);
  EXPECT_EQ(c.dhcp4.decline_probation_period, 86400u);
  EXPECT_EQ(c.dhcp4.offer_lifetime, 10u);
  EXPECT_EQ(c.dhcp4.hold_reclaimed_time, 3600u);
  EXPECT_EQ(c.dhcp4.max_reclaim_leases, 100u);
  EXPECT_TRUE(c.dhcp4.echo_client_id);
  ASSERT_THAT(c.dhcp4.subnets, SizeIs(1));
  const Subnet4& s = c.dhcp4.subnets[0];
  EXPECT_EQ(s.valid_lifetime, 7200u);
  EXPECT_EQ(s.min_valid_lifetime, 7200u);
  EXPECT_EQ(s.max_valid_lifetime, 7200u);
  EXPECT_EQ(s.renew_timer, 0u);
  EXPECT_EQ(s.rebind_timer, 0u);
  EXPECT_FALSE(s.calculate_tee_times);
  EXPECT_DOUBLE_EQ(s.t1_percent, 0.5);
  EXPECT_DOUBLE_EQ(s.t2_percent, 0.875);
  EXPECT_TRUE(s.match_client_id);
  EXPECT_FALSE(s.authoritative);
  EXPECT_EQ(s.next_server, 0u);
  EXPECT_THAT(s.options, IsEmpty());
  EXPECT_THAT(c.dataplane.ports, IsEmpty());
  EXPECT_THAT(c.dataplane.eal_args, IsEmpty());
  EXPECT_EQ(c.dataplane.workers, 1u);
  EXPECT_EQ(c.dataplane.burst_size, 32u);
  EXPECT_EQ(c.dataplane.change_ring_size, 65536u);
  EXPECT_EQ(c.dataplane.persister_nice, -10);
}

TEST(ConfigTest, ControlDefaults) {
  Config c = MustParse(R"({"Dhcp4": {}})");
  const ControlConfig& ctl = c.control;
  EXPECT_EQ(ctl.socket_name, "");
  EXPECT_EQ(ctl.max_command_size, 4194304u);
  EXPECT_EQ(ctl.command_timeout_ms, 30000u);
  EXPECT_EQ(ctl.lease_event_log, "lease-events.jsonl");
  EXPECT_FALSE(ctl.prometheus.enabled);
  EXPECT_EQ(ctl.prometheus.address, "127.0.0.1");
  EXPECT_EQ(ctl.prometheus.port, 9547);
}

TEST(ConfigTest, ControlSectionAndControlSocketAreRead) {
  Config c = MustParse(R"({
    "Dhcp4": {"control-socket": {"socket-type": "unix", "socket-name": "/run/fl/ctl.sock",
                                 "comment": "Kea's key"}},
    "Control": {"max-command-size": 65536, "command-timeout-ms": 2500,
                "lease-event-log": "/var/log/fastlease/events.jsonl",
                "prometheus": {"enabled": true, "address": "::1", "port": 9100}}})");
  EXPECT_THAT(c.warnings, IsEmpty());
  const ControlConfig& ctl = c.control;
  EXPECT_EQ(ctl.socket_name, "/run/fl/ctl.sock");
  EXPECT_EQ(ctl.max_command_size, 65536u);
  EXPECT_EQ(ctl.command_timeout_ms, 2500u);
  EXPECT_EQ(ctl.lease_event_log, "/var/log/fastlease/events.jsonl");
  EXPECT_TRUE(ctl.prometheus.enabled);
  EXPECT_EQ(ctl.prometheus.address, "::1");
  EXPECT_EQ(ctl.prometheus.port, 9100);
}

TEST(ConfigTest, ControlErrorsAreReportedWithTheRest) {
  std::vector<std::string> errors = ErrorsOf(R"({
    "Dhcp4": {"control-socket": {"socket-type": "tcp"}, "valid-lifetime": "x"},
    "Control": {"max-command-size": 1, "prometheus": {"port": 70000}}})");
  EXPECT_THAT(errors, SizeIs(5));
  EXPECT_THAT(errors, Contains(HasSubstr("test.json: Dhcp4/control-socket/socket-type: ")));
  EXPECT_THAT(errors, Contains(HasSubstr("test.json: Dhcp4/control-socket/socket-name: missing")));
  EXPECT_THAT(errors, Contains(HasSubstr("test.json: Dhcp4/valid-lifetime: ")));
  EXPECT_THAT(errors, Contains(HasSubstr("test.json: Control/max-command-size: ")));
  EXPECT_THAT(errors, Contains(HasSubstr("test.json: Control/prometheus/port: ")));
}

TEST(ConfigTest, MinAndMaxDefaultToTheEffectiveValidLifetime) {
  Config c = MustParse(WithSubnet(R"("valid-lifetime": 600)", R"("valid-lifetime": 3600)"));
  ASSERT_THAT(c.dhcp4.subnets, SizeIs(1));
  EXPECT_EQ(c.dhcp4.subnets[0].valid_lifetime, 600u);
  EXPECT_EQ(c.dhcp4.subnets[0].min_valid_lifetime, 600u);
  EXPECT_EQ(c.dhcp4.subnets[0].max_valid_lifetime, 600u);
}

TEST(ConfigTest, ReservationByQuotedClientIdText) {
  Config c = MustParse(WithSubnet(R"("reservations": [{"client-id": "'abc'"}])"));
  ASSERT_THAT(c.dhcp4.subnets, SizeIs(1));
  EXPECT_THAT(c.dhcp4.subnets[0].reservations[0].identifier, ElementsAre('a', 'b', 'c'));
}

TEST(ConfigTest, KeaCommentsAreAccepted) {
  Config c = MustParse(R"(
    # Kea allows hash comments
    {
      // and C++ comments
      "Dhcp4": { /* and C comments */ "valid-lifetime": 100, "comment": "a # in a string" }
    })");
  EXPECT_THAT(c.warnings, IsEmpty());
}

TEST(ConfigTest, TrailingCommasAreIgnoredWithAWarningAsKeaDoes) {
  Config c =
      MustParse("{\"Dhcp4\": {\n\"option-data\": [],\n  \"valid-lifetime\": 100, // c\n},\n}");
  EXPECT_THAT(c.warnings, ElementsAre("test.json: line 3: extra comma ignored",
                                      "test.json: line 4: extra comma ignored"));
  ASSERT_THAT(c.dhcp4.subnets, IsEmpty());
}

TEST(ConfigTest, RelayIpAddressSingularIsRead) {
  Config c = MustParse(WithSubnet(R"("relay": {"ip-address": "198.51.100.7"})"));
  ASSERT_THAT(c.dhcp4.subnets, SizeIs(1));
  EXPECT_THAT(c.dhcp4.subnets[0].relay_addresses, ElementsAre(Ip(198, 51, 100, 7)));
}

// ---- errors ----

struct ErrorCase {
  std::string name;
  std::string config;
  std::string path;     // the exact path the error must name
  std::string problem;  // a substring of the problem
};

void PrintTo(const ErrorCase& e, std::ostream* os) { *os << e.name; }

class ConfigErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(ConfigErrorTest, ReportsPathAndProblem) {
  const ErrorCase& e = GetParam();
  EXPECT_THAT(ErrorOf(e.config),
              AllOf(HasSubstr(absl::StrCat("test.json: ", e.path, ": ")), HasSubstr(e.problem)));
}

std::vector<ErrorCase> ErrorCases() {
  const std::string s0 = "Dhcp4/subnet4[0]";
  return {
      // Types.
      {"IntegerGotString", R"({"Dhcp4": {"valid-lifetime": "3600"}})", "Dhcp4/valid-lifetime",
       "expected an integer, got string"},
      {"IntegerGotFloat", R"({"Dhcp4": {"offer-lifetime": 1.5}})", "Dhcp4/offer-lifetime",
       "expected an integer, got number"},
      {"BoolGotString", R"({"Dhcp4": {"authoritative": "yes"}})", "Dhcp4/authoritative",
       "expected a boolean, got string"},
      {"ArrayGotObject", R"({"Dhcp4": {"subnet4": {}}})", "Dhcp4/subnet4",
       "expected an array, got object"},
      {"ObjectGotArray", R"({"Dhcp4": []})", "Dhcp4", "expected an object, got array"},
      {"NegativeInteger", R"({"Dhcp4": {"decline-probation-period": -1}})",
       "Dhcp4/decline-probation-period", "-1 is out of range 0..4294967295"},
      {"TooLargeInteger", R"({"Dhcp4": {"valid-lifetime": 4294967296}})", "Dhcp4/valid-lifetime",
       "out of range"},
      {"NextServerNotAnAddress", R"({"Dhcp4": {"next-server": "192.0.2"}})", "Dhcp4/next-server",
       "'192.0.2' is not an IPv4 address"},
      // Top level.
      {"TopLevelUnknownKey", R"({"Dhcp4": {}, "Control-agent": {}})", "Control-agent", "unknown key"},
      {"MissingDhcp4", R"({"Dataplane": {}})", "Dhcp4", "missing required section"},
      {"TopLevelNotObject", R"([1, 2])", "(top level)", "expected an object, got array"},
      {"Dhcp4UnknownKey", R"({"Dhcp4": {"valid-lifetme": 5}})", "Dhcp4/valid-lifetme",
       "unknown key"},
      {"SharedNetworkWithoutName", R"({"Dhcp4": {"shared-networks": [{"subnet4": []}]}})",
       "Dhcp4/shared-networks[0]/name", "missing required key"},
      {"SharedNetworkNameTwice",
       R"({"Dhcp4": {"shared-networks": [{"name": "a"}, {"name": "a"}]}})",
       "Dhcp4/shared-networks[1]/name", "'a' is already used by Dhcp4/shared-networks[0]"},
      {"ClassTestDoesNotParse",
       R"({"Dhcp4": {"client-classes": [{"name": "a", "test": "option[60].text =="}]}})",
       "Dhcp4/client-classes[0]/test", "at "},
      {"ClassTestUsesALaterClass",
       R"({"Dhcp4": {"client-classes": [{"name": "a", "test": "member('b') "}, {"name": "b"}]}})",
       "Dhcp4/client-classes[0]/test", "'b'"},
      {"ClassDefinedTwice",
       R"({"Dhcp4": {"client-classes": [{"name": "a"}, {"name": "a"}]}})",
       "Dhcp4/client-classes[1]/name", "already defined at Dhcp4/client-classes[0]"},
      {"RateLimitMalformed",
       R"({"Dhcp4": {"hooks-libraries": [{"library": "libdhcp_limits.so"}], "client-classes":
           [{"name": "a", "user-context": {"limits": {"rate-limit": "fast"}}}]}})",
       "Dhcp4/client-classes[0]/user-context/limits/rate-limit", "'fast' is not"},
      {"ReservationModeWithFlags",
       R"({"Dhcp4": {"reservation-mode": "all", "reservations-global": true}})",
       "Dhcp4/reservation-mode", "cannot be combined"},
      {"FlexIdWithoutHook",
       R"({"Dhcp4": {"host-reservation-identifiers": ["flex-id"]}})",
       "Dhcp4/host-reservation-identifiers", "libdhcp_flex_id.so"},
      // Subnets.
      {"SubnetHostBits", R"({"Dhcp4": {"subnet4": [{"id": 1, "subnet": "192.0.2.1/24"}]}})",
       s0 + "/subnet", "host bits set; the network is 192.0.2.0/24"},
      {"SubnetNotPrefix", R"({"Dhcp4": {"subnet4": [{"id": 1, "subnet": "192.0.2.0"}]}})",
       s0 + "/subnet", "is not a prefix"},
      {"SubnetMissing", R"({"Dhcp4": {"subnet4": [{"id": 1}]}})", s0 + "/subnet",
       "missing required key"},
      {"SubnetIdMissing", R"({"Dhcp4": {"subnet4": [{"subnet": "192.0.2.0/24"}]}})", s0 + "/id",
       "missing required key"},
      {"SubnetIdZero", R"({"Dhcp4": {"subnet4": [{"id": 0, "subnet": "192.0.2.0/24"}]}})",
       s0 + "/id", "0 is out of range 1..4294967294"},
      {"SubnetIdMax", R"({"Dhcp4": {"subnet4": [{"id": 4294967295, "subnet": "192.0.2.0/24"}]}})",
       s0 + "/id", "out of range 1..4294967294"},
      {"SubnetIdDuplicate",
       R"({"Dhcp4": {"subnet4": [{"id": 7, "subnet": "192.0.2.0/24"},
                                 {"id": 7, "subnet": "198.51.100.0/24"}]}})",
       "Dhcp4/subnet4[1]/id", "subnet id 7 is already used by Dhcp4/subnet4[0]"},
      {"SubnetPrefixDuplicate",
       R"({"Dhcp4": {"subnet4": [{"id": 1, "subnet": "192.0.2.0/24"},
                                 {"id": 2, "subnet": "192.0.2.0/24"}]}})",
       "Dhcp4/subnet4[1]/subnet", "already configured at Dhcp4/subnet4[0]/subnet"},
      {"SubnetUnknownKey", WithSubnet(R"("pool": "x")"), s0 + "/pool", "unknown key"},
      // Pools.
      {"PoolNotARange",
       WithSubnet(
           R"("pools": [{"pool": "192.0.2.10 - 192.0.2.11"}, {"pool": "192.0.2.300 - 192.0.2.9"}])"),
       s0 + "/pools[1]/pool", "'192.0.2.300 - 192.0.2.9' is not a range"},
      {"PoolReversed", WithSubnet(R"("pools": [{"pool": "192.0.2.20 - 192.0.2.10"}])"),
       s0 + "/pools[0]/pool", "first address is above the last"},
      {"PoolOutsideSubnet", WithSubnet(R"("pools": [{"pool": "192.0.2.200 - 192.0.3.10"}])"),
       s0 + "/pools[0]/pool", "is not inside the subnet 192.0.2.0/24"},
      {"PoolPrefixHostBits", WithSubnet(R"("pools": [{"pool": "192.0.2.65/26"}])"),
       s0 + "/pools[0]/pool", "host bits"},
      {"PoolMissing", WithSubnet(R"("pools": [{"option-data": []}])"), s0 + "/pools[0]/pool",
       "missing required key"},
      {"PoolOverlapSameSubnet",
       WithSubnet(R"("pools": [{"pool": "192.0.2.10 - 192.0.2.20"}, {"pool": "192.0.2.0/27"}])"),
       s0 + "/pools[1]/pool",
       "192.0.2.0 - 192.0.2.31 overlaps Dhcp4/subnet4[0]/pools[0]/pool (192.0.2.10 - 192.0.2.20)"},
      {"PoolOverlapAcrossSubnets",
       R"({"Dhcp4": {"subnet4": [
            {"id": 1, "subnet": "10.0.0.0/16", "pools": [{"pool": "10.0.1.0 - 10.0.1.255"}]},
            {"id": 2, "subnet": "10.0.0.0/8", "pools": [{"pool": "10.0.0.0 - 10.0.1.0"}]}]}})",
       "Dhcp4/subnet4[1]/pools[0]/pool", "overlaps Dhcp4/subnet4[0]/pools[0]/pool"},
      // Lifetimes and timers.
      {"RenewAboveRebind", WithSubnet(R"("renew-timer": 2000, "rebind-timer": 1000)"),
       s0 + "/renew-timer", "renew-timer (2000) is greater than rebind-timer (1000)"},
      {"RebindAboveValid", WithSubnet(R"("rebind-timer": 8000)"), s0 + "/rebind-timer",
       "rebind-timer (8000) is greater than valid-lifetime (7200, default)"},
      {"RenewAboveValidNoRebind", R"({"Dhcp4": {"valid-lifetime": 100, "renew-timer": 200}})",
       "Dhcp4/renew-timer", "renew-timer (200) is greater than valid-lifetime (100)"},
      {"InheritedRebindAboveSubnetValid",
       WithSubnet(R"("valid-lifetime": 1000)", R"("rebind-timer": 3000)"), s0 + "/valid-lifetime",
       "rebind-timer (3000, from Dhcp4/rebind-timer) is greater than valid-lifetime (1000)"},
      {"MinAboveValid", R"({"Dhcp4": {"valid-lifetime": 100, "min-valid-lifetime": 200}})",
       "Dhcp4/min-valid-lifetime", "min-valid-lifetime (200) is greater than valid-lifetime (100)"},
      {"ValidAboveInheritedMax",
       WithSubnet(R"("valid-lifetime": 9000)", R"("max-valid-lifetime": 8000)"),
       s0 + "/valid-lifetime",
       "max-valid-lifetime (8000, from Dhcp4/max-valid-lifetime) is less than"},
      {"ValidZero", R"({"Dhcp4": {"valid-lifetime": 0}})", "Dhcp4/valid-lifetime",
       "out of range 1.."},
      {"T1NotBelowT2", WithSubnet(R"("t1-percent": 0.9)"), s0 + "/t1-percent",
       "t1-percent (0.9) is not less than t2-percent (0.875, default)"},
      {"T1OutOfRange", R"({"Dhcp4": {"t1-percent": 1.5}})", "Dhcp4/t1-percent",
       "must be greater than 0 and less than 1"},
      {"T2Zero", R"({"Dhcp4": {"t2-percent": 0}})", "Dhcp4/t2-percent",
       "must be greater than 0 and less than 1"},
      // Options.
      {"OptionUnknownName",
       R"({"Dhcp4": {"option-data": [{"name": "routerz", "data": "1.2.3.4"}]}})",
       "Dhcp4/option-data[0]/name", "unknown option name 'routerz'"},
      {"OptionNameCodeMismatch",
       R"({"Dhcp4": {"option-data": [{"name": "routers", "code": 6, "data": "1.2.3.4"}]}})",
       "Dhcp4/option-data[0]/code", "code 6 does not match name 'routers' (code 3)"},
      {"OptionNoNameNoCode", R"({"Dhcp4": {"option-data": [{"data": "1.2.3.4"}]}})",
       "Dhcp4/option-data[0]", "needs \"name\" or \"code\""},
      {"OptionServerManaged", R"({"Dhcp4": {"option-data": [{"code": 51, "data": "60"}]}})",
       "Dhcp4/option-data[0]", "managed by the server"},
      {"OptionRenewalTimeManaged",
       R"({"Dhcp4": {"option-data": [{"name": "dhcp-renewal-time", "data": "60"}]}})",
       "Dhcp4/option-data[0]", "managed by the server"},
      {"OptionNoDefinitionCsv", R"({"Dhcp4": {"option-data": [{"code": 224, "data": "abc"}]}})",
       "Dhcp4/option-data[0]/data", "csv-format to false"},
      {"OptionBadData",
       WithSubnet(R"("option-data": [{"name": "routers", "data": "192.0.2.300"}])"),
       s0 + "/option-data[0]/data", "'192.0.2.300' is not an IPv4 address"},
      {"OptionBadSpace",
       R"({"Dhcp4": {"option-data": [{"name": "routers", "data": "1.2.3.4", "space": "dhcp6"}]}})",
       "Dhcp4/option-data[0]/space", "option space 'dhcp6' is not supported"},
      {"OptionCodeOutOfRange",
       R"({"Dhcp4": {"option-data": [{"code": 255, "csv-format": false}]}})",
       "Dhcp4/option-data[0]/code", "out of range 1..254"},
      {"OptionDuplicateCode",
       R"({"Dhcp4": {"option-data": [{"name": "routers", "data": "1.2.3.4"}, {"code": 3, "data": "1.2.3.5"}]}})",
       "Dhcp4/option-data[1]", "option code 3 is already set at Dhcp4/option-data[0]"},
      {"OptionUnknownKey",
       R"({"Dhcp4": {"option-data": [{"name": "routers", "data": "1.2.3.4", "never-send": true}]}})",
       "Dhcp4/option-data[0]/never-send", "unknown key"},
      {"PoolOptionBadData",
       WithSubnet(
           R"("pools": [{"pool": "192.0.2.10 - 192.0.2.20", "option-data": [{"name": "default-ip-ttl", "data": "300"}]}])"),
       s0 + "/pools[0]/option-data[0]/data", "out of range 0..255"},
      // Reservations.
      {"ReservationBothIdentifiers",
       WithSubnet(R"("reservations": [{"hw-address": "02:00:00:00:00:01", "client-id": "01:02"}])"),
       s0 + "/reservations[0]", "exactly one of hw-address, duid, circuit-id, client-id or flex-id"},
      {"ReservationNoIdentifier", WithSubnet(R"("reservations": [{"ip-address": "192.0.2.5"}])"),
       s0 + "/reservations[0]", "exactly one of hw-address, duid, circuit-id, client-id or flex-id"},
      {"ReservationOutsideSubnet",
       WithSubnet(
           R"("reservations": [{"hw-address": "02:00:00:00:00:01", "ip-address": "10.0.0.5"}])"),
       s0 + "/reservations[0]/ip-address", "10.0.0.5 is not inside the subnet 192.0.2.0/24"},
      {"ReservationBroadcast",
       WithSubnet(
           R"("reservations": [{"hw-address": "02:00:00:00:00:01", "ip-address": "192.0.2.255"}])"),
       s0 + "/reservations[0]/ip-address", "network or broadcast"},
      {"ReservationDuplicateAddress",
       WithSubnet(
           R"("reservations": [{"hw-address": "02:00:00:00:00:01", "ip-address": "192.0.2.5"},
                                      {"hw-address": "02:00:00:00:00:02", "ip-address": "192.0.2.5"}])"),
       s0 + "/reservations[1]/ip-address",
       "192.0.2.5 is already reserved at Dhcp4/subnet4[0]/reservations[0]/ip-address"},
      {"ReservationDuplicateHw",
       WithSubnet(
           R"("reservations": [{"hw-address": "02:00:00:00:00:01"}, {"hw-address": "02-00-00-00-00-01"}])"),
       s0 + "/reservations[1]/hw-address", "already reserved at"},
      {"ReservationDuplicateClientId",
       WithSubnet(R"("reservations": [{"client-id": "01:aa:bb"}, {"client-id": "01aabb"}])"),
       s0 + "/reservations[1]/client-id", "already reserved at"},
      {"ReservationBadHw", WithSubnet(R"("reservations": [{"hw-address": "zz:00"}])"),
       s0 + "/reservations[0]/hw-address", "not hex"},
      {"ReservationShortClientId", WithSubnet(R"("reservations": [{"client-id": "01"}])"),
       s0 + "/reservations[0]/client-id", "2 to 255 bytes"},
      {"ReservationCircuitIdTwice",
       WithSubnet(R"("reservations": [{"circuit-id": "'a'"}, {"circuit-id": "61"}])"),
       s0 + "/reservations[1]/circuit-id", "already reserved at " + s0 + "/reservations[0]/circuit-id"},
      {"ReservationUnknownKey",
       WithSubnet(
           R"("reservations": [{"hw-address": "02:00:00:00:00:01", "ipaddress": "192.0.2.5"}])"),
       s0 + "/reservations[0]/ipaddress", "unknown key"},
      {"RelayUnknownKey", WithSubnet(R"("relay": {"addresses": []})"), s0 + "/relay/addresses",
       "unknown key"},
      // Lease database and expiry.
      {"LeaseDbType", R"({"Dhcp4": {"lease-database": {"type": "mysql"}}})",
       "Dhcp4/lease-database/type", "lease database type 'mysql' is not supported"},
      {"LeaseDbTypeMissing", R"({"Dhcp4": {"lease-database": {"name": "x"}}})",
       "Dhcp4/lease-database/type", "missing required key"},
      {"LeaseDbDurability",
       R"({"Dhcp4": {"lease-database": {"type": "rocksdb", "durability": "sync"}}})",
       "Dhcp4/lease-database/durability", "'sync' is not one of"},
      {"LeaseDbMaxBatch", R"({"Dhcp4": {"lease-database": {"type": "rocksdb", "max-batch": 0}}})",
       "Dhcp4/lease-database/max-batch", "out of range 1.."},
      {"LeaseDbUnknownKey", R"({"Dhcp4": {"lease-database": {"type": "rocksdb", "host": "db"}}})",
       "Dhcp4/lease-database/host", "unknown key"},
      {"MaxReclaimLeasesZero",
       R"({"Dhcp4": {"expired-leases-processing": {"max-reclaim-leases": 0}}})",
       "Dhcp4/expired-leases-processing/max-reclaim-leases", "0 is out of range 1.."},
      {"ExpiredUnknownKey", R"({"Dhcp4": {"expired-leases-processing": {"hold": 1}}})",
       "Dhcp4/expired-leases-processing/hold", "unknown key"},
      // Dataplane.
      {"DataplaneUnknownKey", R"({"Dhcp4": {}, "Dataplane": {"lcores": 2}})", "Dataplane/lcores",
       "unknown key"},
      {"BurstZero", R"({"Dhcp4": {}, "Dataplane": {"burst-size": 0}})", "Dataplane/burst-size",
       "out of range 1..256"},
      {"BurstTooLarge", R"({"Dhcp4": {}, "Dataplane": {"burst-size": 257}})",
       "Dataplane/burst-size", "out of range 1..256"},
      {"NiceTooHigh", R"({"Dhcp4": {}, "Dataplane": {"persister-nice": 20}})",
       "Dataplane/persister-nice", "20 is out of range -20..19"},
      {"NiceTooLow", R"({"Dhcp4": {}, "Dataplane": {"persister-nice": -21}})",
       "Dataplane/persister-nice", "-21 is out of range -20..19"},
      {"NiceNotAnInteger", R"({"Dhcp4": {}, "Dataplane": {"persister-nice": "high"}})",
       "Dataplane/persister-nice", "integer"},
      {"NiceHuge", R"({"Dhcp4": {}, "Dataplane": {"persister-nice": 18446744073709551615}})",
       "Dataplane/persister-nice", "18446744073709551615 is out of range -20..19"},
      {"RingNotPowerOfTwo", R"({"Dhcp4": {}, "Dataplane": {"change-ring-size": 1000}})",
       "Dataplane/change-ring-size", "1000 is not a power of two"},
      {"RingTooSmall", R"({"Dhcp4": {}, "Dataplane": {"dispatch-ring-size": 32}})",
       "Dataplane/dispatch-ring-size", "out of range 64.."},
      {"ParkQueueNotPowerOfTwo", R"({"Dhcp4": {}, "Dataplane": {"park-queue-size": 100}})",
       "Dataplane/park-queue-size", "not a power of two"},
      {"MempoolTooSmall", R"({"Dhcp4": {}, "Dataplane": {"mempool-size": 1000}})",
       "Dataplane/mempool-size", "out of range 1023.."},
      {"PoolSingleAddress", WithSubnet(R"("pools": [{"pool": "192.0.2.10"}])"),
       s0 + "/pools[0]/pool", "'192.0.2.10' is not a range"},
      {"MempoolCacheTooLarge", R"({"Dhcp4": {}, "Dataplane": {"mempool-cache": 513}})",
       "Dataplane/mempool-cache", "513 is out of range 0..512"},
      {"WorkersZero", R"({"Dhcp4": {}, "Dataplane": {"workers": 0}})", "Dataplane/workers",
       "out of range 1.."},
      {"EalArgNotString", R"({"Dhcp4": {}, "Dataplane": {"eal-args": ["-l", 0]}})",
       "Dataplane/eal-args[1]", "expected a string, got number"},
      {"PortMissingDevice",
       R"({"Dhcp4": {}, "Dataplane": {"ports": [{"address": "10.0.0.1/24"}]}})",
       "Dataplane/ports[0]/device", "missing required key"},
      {"PortMissingAddress", R"({"Dhcp4": {}, "Dataplane": {"ports": [{"device": "x"}]}})",
       "Dataplane/ports[0]/address", "missing required key"},
      {"PortBadAddress",
       R"({"Dhcp4": {}, "Dataplane": {"ports": [{"device": "x", "address": "10.0.0.1"}]}})",
       "Dataplane/ports[0]/address", "is not an address with prefix length"},
      {"PortDescriptors",
       R"({"Dhcp4": {}, "Dataplane": {"ports": [{"device": "x", "address": "10.0.0.1/24", "rx-descriptors": 70000}]}})",
       "Dataplane/ports[0]/rx-descriptors", "out of range 1..65535"},
      {"PortDuplicateDevice",
       R"({"Dhcp4": {}, "Dataplane": {"ports": [{"device": "x", "address": "10.0.0.1/24"},
                                                {"device": "x", "address": "10.0.1.1/24"}]}})",
       "Dataplane/ports[1]/device", "device 'x' is already used by Dataplane/ports[0]"},
      {"PortUnknownKey",
       R"({"Dhcp4": {}, "Dataplane": {"ports": [{"device": "x", "address": "10.0.0.1/24", "queues": 2}]}})",
       "Dataplane/ports[0]/queues", "unknown key"},
      // Control and Dhcp4/control-socket.
      {"ControlNotObject", R"({"Dhcp4": {}, "Control": []})", "Control",
       "expected an object, got array"},
      {"ControlUnknownKey", R"({"Dhcp4": {}, "Control": {"socket": "x"}})", "Control/socket",
       "unknown key"},
      {"MaxCommandSizeTooSmall", R"({"Dhcp4": {}, "Control": {"max-command-size": 100}})",
       "Control/max-command-size", "100 is out of range 1024..67108864"},
      {"MaxCommandSizeTooLarge", R"({"Dhcp4": {}, "Control": {"max-command-size": 67108865}})",
       "Control/max-command-size", "out of range 1024..67108864"},
      {"CommandTimeoutZero", R"({"Dhcp4": {}, "Control": {"command-timeout-ms": 0}})",
       "Control/command-timeout-ms", "0 is out of range 1..3600000"},
      {"LeaseEventLogEmpty", R"({"Dhcp4": {}, "Control": {"lease-event-log": ""}})",
       "Control/lease-event-log", "must not be empty"},
      {"LeaseEventLogNotString", R"({"Dhcp4": {}, "Control": {"lease-event-log": 1}})",
       "Control/lease-event-log", "expected a string, got number"},
      {"PrometheusNotObject", R"({"Dhcp4": {}, "Control": {"prometheus": true}})",
       "Control/prometheus", "expected an object, got boolean"},
      {"PrometheusEnabledNotBool",
       R"({"Dhcp4": {}, "Control": {"prometheus": {"enabled": "yes"}}})",
       "Control/prometheus/enabled", "expected a boolean, got string"},
      {"PrometheusAddressNotIp",
       R"({"Dhcp4": {}, "Control": {"prometheus": {"address": "localhost"}}})",
       "Control/prometheus/address", "'localhost' is not an IPv4 or IPv6 address"},
      {"PrometheusPortZero", R"({"Dhcp4": {}, "Control": {"prometheus": {"port": 0}}})",
       "Control/prometheus/port", "0 is out of range 1..65535"},
      {"PrometheusUnknownKey", R"({"Dhcp4": {}, "Control": {"prometheus": {"path": "/m"}}})",
       "Control/prometheus/path", "unknown key"},
      {"ControlSocketNotObject", R"({"Dhcp4": {"control-socket": "/run/x.sock"}})",
       "Dhcp4/control-socket", "expected an object, got string"},
      {"ControlSocketTypeNotUnix",
       R"({"Dhcp4": {"control-socket": {"socket-type": "http", "socket-name": "x"}}})",
       "Dhcp4/control-socket/socket-type", "socket type 'http' is not supported (only \"unix\")"},
      {"ControlSocketMissingType", R"({"Dhcp4": {"control-socket": {"socket-name": "x"}}})",
       "Dhcp4/control-socket/socket-type", "missing required key"},
      {"ControlSocketMissingName", R"({"Dhcp4": {"control-socket": {"socket-type": "unix"}}})",
       "Dhcp4/control-socket/socket-name", "missing required key"},
      {"ControlSocketNameEmpty",
       R"({"Dhcp4": {"control-socket": {"socket-type": "unix", "socket-name": ""}}})",
       "Dhcp4/control-socket/socket-name", "must not be empty"},
      {"ControlSocketNameTooLong",
       absl::StrCat(R"({"Dhcp4": {"control-socket": {"socket-type": "unix", "socket-name": "/)",
                    std::string(107, 's'), R"("}}})"),
       "Dhcp4/control-socket/socket-name", "at most 107 bytes, got 108"},
      {"ControlSocketUnknownKey",
       R"({"Dhcp4": {"control-socket": {"socket-type": "unix", "socket-name": "x", "mode": 1}}})",
       "Dhcp4/control-socket/mode", "unknown key"},
      // JSON itself.
      {"DuplicateKey", R"({"Dhcp4": {"subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "id": 2}]}})",
       s0 + "/id", "duplicate key"},
      {"SyntaxError", "{\"Dhcp4\": {\"valid-lifetime\" 10}}", "byte 30",
       "parse error at line 1, column 30"},
      {"UnterminatedBlockComment", "{\"Dhcp4\": {}}\n\n/* never closed", "line 3",
       "unterminated /* comment"},
      {"SyntaxErrorLineAfterComments", "# one\n/* two\nthree */ {\"Dhcp4\": {\n} // x\n]",
       "byte 42", "line 5, column 1: syntax error while parsing object - unexpected ']'"},
  };
}

INSTANTIATE_TEST_SUITE_P(AllClasses, ConfigErrorTest, testing::ValuesIn(ErrorCases()),
                         [](const testing::TestParamInfo<ErrorCase>& info) {
                           return info.param.name;
                         });

TEST(ConfigTest, ReportsEveryErrorInOnePass) {
  std::vector<std::string> errors = ErrorsOf(R"({
    "Dhcp4": {
      "valid-lifetime": "long",
      "bogus": 1,
      "subnet4": [
        { "id": 1, "subnet": "192.0.2.7/24" },
        { "id": 1, "subnet": "198.51.100.0/24",
          "pools": [ { "pool": "198.51.100.10 - 198.51.100.5" } ] }
      ]
    },
    "Dataplane": { "burst-size": 1000, "ports": [ { "device": "x" } ] },
    "Extra": true
  })");
  EXPECT_THAT(errors, SizeIs(8));
  EXPECT_THAT(errors, Contains(HasSubstr("test.json: Dhcp4/valid-lifetime: expected an integer")));
  EXPECT_THAT(errors, Contains(HasSubstr("test.json: Dhcp4/bogus: unknown key")));
  EXPECT_THAT(errors, Contains(HasSubstr("test.json: Dhcp4/subnet4[0]/subnet: ")));
  EXPECT_THAT(errors, Contains(HasSubstr("test.json: Dhcp4/subnet4[1]/id: subnet id 1")));
  EXPECT_THAT(errors, Contains(HasSubstr("test.json: Dhcp4/subnet4[1]/pools[0]/pool: ")));
  EXPECT_THAT(errors, Contains(HasSubstr("test.json: Dataplane/burst-size: ")));
  EXPECT_THAT(errors, Contains(HasSubstr("test.json: Dataplane/ports[0]/address: missing")));
  EXPECT_THAT(errors, Contains(HasSubstr("test.json: Extra: unknown key")));
}

TEST(ConfigTest, GlobalTimerErrorIsReportedOnceNotPerSubnet) {
  std::vector<std::string> errors = ErrorsOf(R"({"Dhcp4": {
      "renew-timer": 5000, "rebind-timer": 4000,
      "subnet4": [{"id": 1, "subnet": "10.0.0.0/24"}, {"id": 2, "subnet": "10.0.1.0/24"}]}})");
  ASSERT_THAT(errors, SizeIs(1));
  EXPECT_THAT(errors[0], HasSubstr("test.json: Dhcp4/renew-timer: renew-timer (5000)"));
}

// ---- warnings ----

std::vector<std::string> WarningsOf(const std::string& text) {
  absl::StatusOr<Config> c = ParseConfig(text, "test.json");
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? c->warnings : std::vector<std::string>{};
}

TEST(ConfigWarningTest, EveryGlobalNotHonouredKeyWarnsWithItsPath) {
  const std::vector<std::string> keys = {"interfaces-config", "loggers",       "dhcp-ddns",
                                         "ddns-send-updates", "ddns-qualifying-suffix",
                                         "multi-threading",   "sanity-checks", "server-tag",
                                         "dhcp4o6-port"};
  for (const std::string& key : keys) {
    std::vector<std::string> w = WarningsOf(absl::StrCat(R"({"Dhcp4": {")", key, R"(": {}}})"));
    EXPECT_THAT(
        w, ElementsAre(absl::StrCat("test.json: Dhcp4/", key, ": accepted but not honoured yet")))
        << key;
  }
}

TEST(ConfigWarningTest, EverySubnetNotHonouredKeyWarnsWithItsPath) {
  const std::vector<std::string> keys = {"4o6-interface", "4o6-interface-id", "4o6-subnet",
                                         "ddns-send-updates"};
  for (const std::string& key : keys) {
    std::vector<std::string> w = WarningsOf(WithSubnet(absl::StrCat("\"", key, "\": \"x\"")));
    EXPECT_THAT(w, ElementsAre(absl::StrCat("test.json: Dhcp4/subnet4[0]/", key,
                                            ": accepted but not honoured yet")))
        << key;
  }
}

TEST(ConfigWarningTest, NestedNotHonouredKeysWarnWithTheirPaths) {
  std::vector<std::string> w = WarningsOf(R"({"Dhcp4": {
      "shared-networks": [],
      "lease-database": {"type": "memfile", "persist": true, "lfc-interval": 3600},
      "expired-leases-processing": {"reclaim-timer-wait-time": 10,
        "flush-reclaimed-timer-wait-time": 25, "max-reclaim-time": 250,
        "unwarned-reclaim-cycles": 5},
      "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "store-extended-info": true,
        "pools": [{"pool": "192.0.2.10 - 192.0.2.20", "client-class": "x"}],
        "reservations": [{"hw-address": "02:00:00:00:00:01", "client-classes": ["x"]}]}]}})");
  const std::string nh = ": accepted but not honoured yet";
  EXPECT_THAT(w,
              testing::UnorderedElementsAre(
                  "test.json: Dhcp4/lease-database/type: 'memfile' accepted; leases are kept "
                  "in RocksDB instead",
                  "test.json: Dhcp4/lease-database/persist" + nh,
                  "test.json: Dhcp4/lease-database/lfc-interval" + nh,
                  "test.json: Dhcp4/expired-leases-processing/reclaim-timer-wait-time" + nh,
                  "test.json: Dhcp4/expired-leases-processing/flush-reclaimed-timer-wait-time" + nh,
                  "test.json: Dhcp4/expired-leases-processing/max-reclaim-time" + nh,
                  "test.json: Dhcp4/expired-leases-processing/unwarned-reclaim-cycles" + nh,
                  "test.json: Dhcp4/subnet4[0]/store-extended-info" + nh));
}

TEST(ConfigWarningTest, CommentAndUserContextAreSilentEverywhere) {
  std::vector<std::string> w = WarningsOf(R"({
    "Dhcp4": {
      "comment": "c", "user-context": {"a": 1},
      "option-data": [{"name": "routers", "data": "10.0.0.1", "comment": "c"}],
      "lease-database": {"type": "rocksdb", "comment": "c"},
      "subnet4": [{"id": 1, "subnet": "10.0.0.0/24", "comment": "c", "user-context": {},
        "pools": [{"pool": "10.0.0.10 - 10.0.0.20", "user-context": {}}],
        "relay": {"ip-addresses": [], "comment": "c"},
        "reservations": [{"hw-address": "02:00:00:00:00:01", "comment": "c"}]}]
    },
    "Dataplane": {"comment": "c", "ports": [{"device": "x", "address": "10.0.0.1/24",
                                             "comment": "c"}]}
  })");
  EXPECT_THAT(w, IsEmpty());
}

// ---- files ----

TEST(ConfigFileTest, MissingFileIsNotFound) {
  absl::StatusOr<Config> c = LoadConfigFile("/nonexistent/fastlease.json");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(c.status().message(), HasSubstr("/nonexistent/fastlease.json"));
}

TEST(ConfigFileTest, UsesTheFileNameAsSource) {
  const std::string path = testing::TempDir() + "/fl_config_test_bad.json";
  {
    std::ofstream out(path);
    out << R"({"Dhcp4": {"valid-lifetime": true}})";
  }
  absl::StatusOr<Config> c = LoadConfigFile(path);
  std::remove(path.c_str());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message(),
            "fl_config_test_bad.json: Dhcp4/valid-lifetime: expected an integer, got boolean");
}

TEST(ConfigFileTest, ExampleConfigParsesCleanly) {
  absl::StatusOr<Config> c = LoadConfigFile(FL_EXAMPLE_CONFIG);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->source, "fastlease.example.json");
  EXPECT_THAT(c->warnings, IsEmpty());
  ASSERT_THAT(c->dhcp4.subnets, SizeIs(1));
  const Subnet4& s = c->dhcp4.subnets[0];
  EXPECT_EQ(s.prefix, Ip(192, 0, 2, 0));
  ASSERT_THAT(s.pools, SizeIs(1));
  EXPECT_EQ(s.pools[0].first, Ip(192, 0, 2, 100));
  EXPECT_EQ(s.pools[0].last, Ip(192, 0, 2, 199));
  EXPECT_THAT(FindOption(s.options, 3)->data, ElementsAre(192, 0, 2, 1));
  EXPECT_NE(FindOption(c->dhcp4.options, 6), nullptr);
  EXPECT_NE(FindOption(c->dhcp4.options, 15), nullptr);
  ASSERT_THAT(s.reservations, SizeIs(1));
  EXPECT_EQ(s.reservations[0].ip_address, Ip(192, 0, 2, 42));
  EXPECT_EQ(c->dhcp4.lease_database.durability, Durability::kFsync);
  ASSERT_THAT(c->dataplane.ports, SizeIs(1));
  EXPECT_EQ(c->dataplane.ports[0].device, "net_af_packet0,iface=flveth0");
  EXPECT_EQ(c->dataplane.ports[0].address, Ip(192, 0, 2, 1));
  EXPECT_EQ(c->dataplane.ports[0].prefix_len, 24);
  EXPECT_THAT(c->dataplane.eal_args,
              ElementsAre("--no-huge", "--no-pci", "--no-shconf", "-m", "256", "-l", "0-1"));
}

// ---- Dataplane ports: address6 ----

std::string WithPort(absl::string_view port_extra) {
  return absl::StrCat(R"({"Dhcp4": {"subnet4": [{"id": 1, "subnet": "10.0.0.0/8"}]},)",
                      R"("Dataplane": {"ports": [{"device": "x", "address": "10.0.0.1/8", )",
                      port_extra, "}]}}");
}

std::array<uint8_t, 16> V6(std::initializer_list<uint8_t> bytes) {
  std::array<uint8_t, 16> a{};
  size_t i = 0;
  for (uint8_t b : bytes) a[i++] = b;
  return a;
}

TEST(ConfigTest, PortAddress6OneStringOrAList) {
  using A6 = std::pair<std::array<uint8_t, 16>, uint8_t>;
  const std::array<uint8_t, 16> one = V6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  EXPECT_THAT(MustParse(WithPort("")).dataplane.ports[0].addresses6, IsEmpty());
  EXPECT_THAT(MustParse(WithPort(R"("address6": "2001:db8::1/64")")).dataplane.ports[0].addresses6,
              ElementsAre(A6{one, 64}));
  Config c = MustParse(WithPort(
      R"("address6": ["2001:db8::1/48", "2001:db8:0:1::1", "fd00::ffff:192.0.2.1/127", "fe80::1/10"])"));
  EXPECT_THAT(c.warnings, IsEmpty());
  EXPECT_THAT(
      c.dataplane.ports[0].addresses6,
      ElementsAre(A6{one, 48},
                  A6{V6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}), 64},
                  A6{V6({0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1}), 127},
                  A6{V6({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), 10}));
  EXPECT_THAT(MustParse(WithPort(R"("address6": [])")).dataplane.ports[0].addresses6, IsEmpty());
}

TEST(ConfigTest, PortAddress6ErrorsNameTheirPath) {
  const std::string p = "Dataplane/ports[0]/address6";
  const std::vector<std::pair<std::string, std::string>> cases = {
      // config text after "address6": , the expected "path: problem" substring
      {R"("2001:db8::1/129")", p + ": '2001:db8::1/129' is not an IPv6 address"},
      {R"("2001:db8::1/0")", p + ": '2001:db8::1/0' is not an IPv6 address"},
      {R"("2001:db8::1/064")", p + ": '2001:db8::1/064' is not an IPv6 address"},
      {R"("2001:db8::1/")", p + ": '2001:db8::1/' is not an IPv6 address"},
      {R"("192.0.2.1/24")", p + ": '192.0.2.1/24' is not an IPv6 address"},
      {R"("2001:db8::g")", p + ": '2001:db8::g' is not an IPv6 address"},
      {R"(" 2001:db8::1")", p + ": ' 2001:db8::1' is not an IPv6 address"},
      {R"("fe80::1%eth0")", p + ": 'fe80::1%eth0' is not an IPv6 address"},
      {R"(["2001:db8::1", "::/64"])", p + "[1]: '::/64' is not a unicast address"},
      {R"(["::1"])", p + "[0]: '::1' is not a unicast address"},
      {R"(["ff02::1:2"])", p + "[0]: 'ff02::1:2' is not a unicast address"},
      {R"(["2001:db8::1/64", "2001:db8:0::1/56"])",
       p + "[1]: the address is already given at " + p + "[0]"},
      {R"(["2001:db8::1", "2001:db8::2", "2001:db8::3", "2001:db8::4", "2001:db8::5"])",
       p + ": 5 addresses; a port has at most 4"},
      {R"(42)", p + ": expected a string or an array of strings, got number"},
      {R"([42])", p + "[0]: expected a string, got number"},
  };
  for (const auto& [value, expected] : cases) {
    EXPECT_THAT(ErrorOf(WithPort(absl::StrCat(R"("address6": )", value))),
                HasSubstr("test.json: " + expected))
        << value;
  }
  // A bad address6 drops the port like any other port error, and only once.
  EXPECT_THAT(ErrorsOf(WithPort(R"("address6": ["x", "y"])")), SizeIs(2));
}

}  // namespace
}  // namespace fastlease::config
