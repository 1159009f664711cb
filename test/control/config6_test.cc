// The Dhcp6 section of the config loader: every key, inheritance, the v6 option catalog
// and encoder, each error and warning with its JSON path, the lease store shared with
// Dhcp4, `config check` verdicts, and deploy/examples/isp-kea6.json.
#include <arpa/inet.h>

#include <cstdint>
#include <fstream>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "control/config/config.h"
#include "control/config/config_check.h"
#include "control/config/option_catalog6.h"
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

Ip6 A(const char* text) {
  Ip6 a{};
  EXPECT_EQ(inet_pton(AF_INET6, text, a.data()), 1) << text;
  return a;
}

Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes B(const Ip6& a) { return Bytes(a.begin(), a.end()); }
Bytes B(absl::string_view text) { return Bytes(text.begin(), text.end()); }

Config MustParse(const std::string& text) {
  absl::StatusOr<Config> c = ParseConfig(text, "test.json");
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? *std::move(c) : Config{};
}

std::vector<std::string> ErrorsOf(const std::string& text) {
  absl::StatusOr<Config> c = ParseConfig(text, "test.json");
  EXPECT_FALSE(c.ok()) << "parsed without errors: " << text;
  if (c.ok()) return {};
  return absl::StrSplit(c.status().message(), '\n');
}

std::string ErrorOf(const std::string& text) {
  std::vector<std::string> errors = ErrorsOf(text);
  EXPECT_THAT(errors, SizeIs(1)) << absl::StrJoin(errors, "\n");
  return errors.empty() ? "" : errors[0];
}

// `{"Dhcp6": {<globals>, "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", <body>}]}}`.
std::string WithSubnet(absl::string_view body, absl::string_view globals = "") {
  return absl::StrCat(R"({"Dhcp6": {)", globals, globals.empty() ? "" : ",",
                      R"("subnet6": [{"id": 1, "subnet": "2001:db8:1::/64")",
                      body.empty() ? "" : ",", body, "}]}}");
}

std::string Dhcp6(absl::string_view body) { return absl::StrCat(R"({"Dhcp6": {)", body, "}}"); }

const OptionData6* FindOption(const std::vector<OptionData6>& options, uint16_t code) {
  for (const OptionData6& o : options) {
    if (o.code == code) return &o;
  }
  return nullptr;
}

// The wire data of option `code` in the global option-data of `options_json`.
Bytes GlobalOption(absl::string_view options_json, uint16_t code) {
  Config c = MustParse(Dhcp6(absl::StrCat(R"("option-data": )", options_json)));
  const OptionData6* o = FindOption(c.dhcp6.options, code);
  EXPECT_NE(o, nullptr) << options_json;
  return o != nullptr ? o->data : Bytes{};
}

// ---------------------------------------------------------------- the section

TEST(Dhcp6SectionTest, Dhcp6AloneIsAConfig) {
  Config c = MustParse(R"({"Dhcp6": {}})");
  EXPECT_TRUE(c.dhcp6.enabled);
  EXPECT_THAT(c.dhcp6.subnets, IsEmpty());
  EXPECT_THAT(c.dhcp4.subnets, IsEmpty());
  EXPECT_EQ(c.dhcp4.lease_database.path, "leases.rocksdb");
  EXPECT_THAT(c.warnings, IsEmpty());
}

TEST(Dhcp6SectionTest, WithoutDhcp6ItIsDisabled) {
  Config c = MustParse(R"({"Dhcp4": {}})");
  EXPECT_FALSE(c.dhcp6.enabled);
}

TEST(Dhcp6SectionTest, NeitherSectionIsAnError) {
  EXPECT_THAT(ErrorOf(R"({"Dataplane": {}})"),
              AllOf(HasSubstr("test.json: Dhcp4: missing required section"),
                    HasSubstr("Dhcp6")));
}

TEST(Dhcp6SectionTest, BothSectionsLoadSideBySide) {
  Config c = MustParse(R"({"Dhcp4": {"subnet4": [{"id": 1, "subnet": "192.0.2.0/24"}]},
                           "Dhcp6": {"subnet6": [{"id": 1, "subnet": "2001:db8::/64"}]}})");
  ASSERT_THAT(c.dhcp4.subnets, SizeIs(1));
  ASSERT_THAT(c.dhcp6.subnets, SizeIs(1));
  EXPECT_EQ(c.dhcp6.subnets[0].id, 1u);  // ids are per family
}

TEST(Dhcp6SectionTest, GlobalDefaults) {
  const Dhcp6Config v6 = MustParse(R"({"Dhcp6": {}})").dhcp6;
  EXPECT_EQ(v6.decline_probation_period, 86400u);
  EXPECT_EQ(v6.hold_reclaimed_time, 3600u);
  EXPECT_EQ(v6.preference, 0u);
  EXPECT_THAT(v6.host_reservation_identifiers,
              ElementsAre(HostIdentifier::kHwAddress, HostIdentifier::kDuid));
  EXPECT_EQ(v6.server_id.type, DuidType6::kLlt);
  EXPECT_TRUE(v6.server_id.identifier.empty());
  EXPECT_TRUE(v6.server_id.persist);
}

TEST(Dhcp6SectionTest, SubnetDefaultsAreKeas) {
  const Subnet6 s = MustParse(WithSubnet("")).dhcp6.subnets.at(0);
  EXPECT_EQ(s.id, 1u);
  EXPECT_EQ(s.prefix, A("2001:db8:1::"));
  EXPECT_EQ(s.prefix_len, 64);
  EXPECT_EQ(s.preferred_lifetime, 3600u);
  EXPECT_EQ(s.min_preferred_lifetime, 3600u);
  EXPECT_EQ(s.max_preferred_lifetime, 3600u);
  EXPECT_EQ(s.valid_lifetime, 7200u);
  EXPECT_EQ(s.min_valid_lifetime, 7200u);
  EXPECT_EQ(s.max_valid_lifetime, 7200u);
  EXPECT_EQ(s.renew_timer, 0u);
  EXPECT_EQ(s.rebind_timer, 0u);
  EXPECT_TRUE(s.calculate_tee_times);
  EXPECT_DOUBLE_EQ(s.t1_percent, 0.5);
  EXPECT_DOUBLE_EQ(s.t2_percent, 0.8);
  EXPECT_FALSE(s.rapid_commit);
  EXPECT_FALSE(s.reservations_global);
  EXPECT_TRUE(s.reservations_in_subnet);
  EXPECT_FALSE(s.reservations_out_of_pool);
  EXPECT_EQ(s.shared_network, -1);
  EXPECT_TRUE(s.interface.empty());
  EXPECT_TRUE(s.interface_id.empty());
}

TEST(Dhcp6SectionTest, EverySubnetKey) {
  Config c = MustParse(WithSubnet(R"(
      "pools": [{"pool": "2001:db8:1::10 - 2001:db8:1::ff"}, {"pool": "2001:db8:1::1:0/112",
                 "option-data": [{"name": "sntp-servers", "data": "2001:db8::123"}]}],
      "pd-pools": [{"prefix": "2001:db8:8000::", "prefix-len": 40, "delegated-len": 56,
                    "excluded-prefix": "2001:db8:8000:0:ff00::", "excluded-prefix-len": 72,
                    "option-data": [{"name": "dns-servers", "data": "2001:db8::35"}]}],
      "option-data": [{"name": "dns-servers", "data": "2001:db8::53"}],
      "reservations": [{"duid": "01:02:03:04", "ip-addresses": ["2001:db8:1::5"]}],
      "interface-id": "ge-0/0/1.100",
      "relay": {"ip-addresses": ["2001:db8:ff::1", "2001:db8:ff::2"]},
      "preferred-lifetime": 1000, "min-preferred-lifetime": 500, "max-preferred-lifetime": 2000,
      "valid-lifetime": 4000, "min-valid-lifetime": 3000, "max-valid-lifetime": 5000,
      "renew-timer": 1000, "rebind-timer": 2000,
      "calculate-tee-times": false, "t1-percent": 0.4, "t2-percent": 0.7,
      "rapid-commit": true,
      "reservations-global": true, "reservations-in-subnet": false,
      "reservations-out-of-pool": true)"));
  EXPECT_THAT(c.warnings, IsEmpty());
  const Subnet6& s = c.dhcp6.subnets.at(0);
  ASSERT_THAT(s.pools, SizeIs(2));
  EXPECT_EQ(s.pools[0].first, A("2001:db8:1::10"));
  EXPECT_EQ(s.pools[0].last, A("2001:db8:1::ff"));
  EXPECT_EQ(s.pools[0].size, 0xf0u);
  EXPECT_EQ(s.pools[1].first, A("2001:db8:1::1:0"));
  EXPECT_EQ(s.pools[1].last, A("2001:db8:1::1:ffff"));
  EXPECT_EQ(s.pools[1].size, 65536u);
  ASSERT_THAT(s.pools[1].options, SizeIs(1));
  EXPECT_EQ(s.pools[1].options[0].code, 31);
  ASSERT_THAT(s.pd_pools, SizeIs(1));
  const PdPool& pd = s.pd_pools[0];
  EXPECT_EQ(pd.prefix, A("2001:db8:8000::"));
  EXPECT_EQ(pd.prefix_len, 40);
  EXPECT_EQ(pd.delegated_len, 56);
  EXPECT_EQ(pd.size, 65536u);
  EXPECT_EQ(pd.excluded_prefix, A("2001:db8:8000:0:ff00::"));
  EXPECT_EQ(pd.excluded_prefix_len, 72);
  ASSERT_THAT(pd.options, SizeIs(1));
  EXPECT_EQ(pd.options[0].data, B(A("2001:db8::35")));
  ASSERT_THAT(s.options, SizeIs(1));
  EXPECT_EQ(s.options[0].code, 23);
  ASSERT_THAT(s.reservations, SizeIs(1));
  EXPECT_EQ(s.interface_id, B("ge-0/0/1.100"));
  EXPECT_THAT(s.relay_addresses, ElementsAre(A("2001:db8:ff::1"), A("2001:db8:ff::2")));
  EXPECT_EQ(s.preferred_lifetime, 1000u);
  EXPECT_EQ(s.min_preferred_lifetime, 500u);
  EXPECT_EQ(s.max_preferred_lifetime, 2000u);
  EXPECT_EQ(s.valid_lifetime, 4000u);
  EXPECT_EQ(s.min_valid_lifetime, 3000u);
  EXPECT_EQ(s.max_valid_lifetime, 5000u);
  EXPECT_EQ(s.renew_timer, 1000u);
  EXPECT_EQ(s.rebind_timer, 2000u);
  EXPECT_FALSE(s.calculate_tee_times);
  EXPECT_DOUBLE_EQ(s.t1_percent, 0.4);
  EXPECT_DOUBLE_EQ(s.t2_percent, 0.7);
  EXPECT_TRUE(s.rapid_commit);
  EXPECT_TRUE(s.reservations_global);
  EXPECT_FALSE(s.reservations_in_subnet);
  EXPECT_TRUE(s.reservations_out_of_pool);
}

TEST(Dhcp6SectionTest, InterfaceAndRelayForms) {
  const Subnet6 direct = MustParse(WithSubnet(R"("interface": "veth0.100")")).dhcp6.subnets.at(0);
  EXPECT_EQ(direct.interface, "veth0.100");
  // Kea's older single relay address.
  const Subnet6 old = MustParse(WithSubnet(R"("relay": {"ip-address": "2001:db8::1"})"))
                          .dhcp6.subnets.at(0);
  EXPECT_THAT(old.relay_addresses, ElementsAre(A("2001:db8::1")));
  // Kea writes an empty interface-id for none.
  const Subnet6 none = MustParse(WithSubnet(R"("interface-id": "", "interface": "eth1")"))
                           .dhcp6.subnets.at(0);
  EXPECT_TRUE(none.interface_id.empty());
}

TEST(Dhcp6SectionTest, ReservationModeSetsTheFlags) {
  const Subnet6 s = MustParse(WithSubnet(R"("reservation-mode": "global")")).dhcp6.subnets.at(0);
  EXPECT_TRUE(s.reservations_global);
  EXPECT_FALSE(s.reservations_in_subnet);
  EXPECT_FALSE(s.reservations_out_of_pool);
}

TEST(Dhcp6SectionTest, GlobalKeys) {
  Config c = MustParse(Dhcp6(R"(
      "decline-probation-period": 600,
      "expired-leases-processing": {"hold-reclaimed-time": 7200},
      "host-reservation-identifiers": ["duid"],
      "option-data": [{"name": "dns-servers", "data": "2001:db8::53"},
                      {"name": "preference", "data": "255"}],
      "reservations": [{"hw-address": "aa:bb:cc:dd:ee:ff", "hostname": "roamer",
                        "ip-addresses": ["2001:db8:9::1"]}])"));
  const Dhcp6Config& v6 = c.dhcp6;
  EXPECT_EQ(v6.decline_probation_period, 600u);
  EXPECT_EQ(v6.hold_reclaimed_time, 7200u);
  EXPECT_THAT(v6.host_reservation_identifiers, ElementsAre(HostIdentifier::kDuid));
  // The global preference option becomes the server's preference, not an option.
  EXPECT_EQ(v6.preference, 255u);
  ASSERT_THAT(v6.options, SizeIs(1));
  EXPECT_EQ(v6.options[0].code, 23);
  ASSERT_THAT(v6.reservations, SizeIs(1));
  const Reservation6& r = v6.reservations[0];
  EXPECT_EQ(r.identifier_type, HostIdentifier::kHwAddress);
  EXPECT_EQ(r.identifier, (Bytes{0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}));
  EXPECT_EQ(r.hostname, "roamer");
  // A global reservation's address need not be in any subnet.
  EXPECT_THAT(r.ip_addresses, ElementsAre(A("2001:db8:9::1")));
}

TEST(Dhcp6SectionTest, PreferenceBelowTheGlobalLevelStaysAnOption) {
  Config c = MustParse(WithSubnet(R"("option-data": [{"name": "preference", "data": "10"}])"));
  EXPECT_EQ(c.dhcp6.preference, 0u);
  const OptionData6* o = FindOption(c.dhcp6.subnets.at(0).options, 7);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->data, Bytes{10});
}

TEST(Dhcp6SectionTest, Reservations) {
  Config c = MustParse(WithSubnet(R"("reservations": [
      {"duid": "00:03:00:01:aa:bb:cc:dd:ee:ff", "ip-addresses": ["2001:db8:1::10", "2001:db8:1::11"],
       "prefixes": ["2001:db8:a::/48", "2001:db8:b:100::/56"], "hostname": "cpe1",
       "option-data": [{"name": "dns-servers", "data": "2001:db8::1"}]},
      {"hw-address": "00-11-22-33-44-55", "prefixes": ["2001:db8:c::/48"]},
      {"duid": "'text-duid'", "hostname": "by-text"},
      {"duid": "01:02", "client-classes": ["gold"], "hostname": "classy"}])"));
  const std::vector<Reservation6>& r = c.dhcp6.subnets.at(0).reservations;
  ASSERT_THAT(r, SizeIs(4));
  EXPECT_EQ(r[0].identifier_type, HostIdentifier::kDuid);
  EXPECT_EQ(r[0].identifier, (Bytes{0, 3, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}));
  EXPECT_THAT(r[0].ip_addresses, ElementsAre(A("2001:db8:1::10"), A("2001:db8:1::11")));
  EXPECT_THAT(r[0].prefixes, ElementsAre(std::pair{A("2001:db8:a::"), uint8_t{48}},
                                         std::pair{A("2001:db8:b:100::"), uint8_t{56}}));
  EXPECT_EQ(r[0].hostname, "cpe1");
  ASSERT_THAT(r[0].options, SizeIs(1));
  EXPECT_EQ(r[1].identifier_type, HostIdentifier::kHwAddress);
  EXPECT_EQ(r[1].identifier, (Bytes{0, 0x11, 0x22, 0x33, 0x44, 0x55}));
  EXPECT_EQ(r[2].identifier, B("text-duid"));
  EXPECT_THAT(r[3].client_classes, ElementsAre("gold"));
  // Classes are kept but DHCPv6 classes are not evaluated: a warning says so.
  EXPECT_THAT(c.warnings,
              ElementsAre(HasSubstr("Dhcp6/subnet6[0]/reservations[3]/client-classes: kept")));
}

TEST(Dhcp6SectionTest, ServerId) {
  const ServerId6 en = MustParse(Dhcp6(R"("server-id": {"type": "EN", "enterprise-id": 2495,
                                       "identifier": "0123456789", "persist": false})"))
                           .dhcp6.server_id;
  EXPECT_EQ(en.type, DuidType6::kEn);
  EXPECT_EQ(en.enterprise_id, 2495u);
  EXPECT_EQ(en.identifier, (Bytes{0x01, 0x23, 0x45, 0x67, 0x89}));
  EXPECT_FALSE(en.persist);
  const ServerId6 llt = MustParse(Dhcp6(R"("server-id": {"type": "LLT", "htype": 1,
                                        "identifier": "08:00:27:fe:4e:2b", "time": 600000000})"))
                            .dhcp6.server_id;
  EXPECT_EQ(llt.type, DuidType6::kLlt);
  EXPECT_EQ(llt.htype, 1);
  EXPECT_EQ(llt.time, 600000000u);
  EXPECT_EQ(llt.identifier, (Bytes{0x08, 0x00, 0x27, 0xfe, 0x4e, 0x2b}));
  const ServerId6 ll =
      MustParse(Dhcp6(R"("server-id": {"type": "LL", "htype": 6, "identifier": "aabbccddeeff"})"))
          .dhcp6.server_id;
  EXPECT_EQ(ll.type, DuidType6::kLl);
  EXPECT_EQ(ll.htype, 6);
  // Keys the type does not use are accepted and ignored, as Kea does, with a warning.
  Config c = MustParse(Dhcp6(R"("server-id": {"type": "LL", "time": 5, "enterprise-id": 9})"));
  EXPECT_THAT(c.warnings,
              ElementsAre(HasSubstr("Dhcp6/server-id/enterprise-id: ignored: only used by type EN"),
                          HasSubstr("Dhcp6/server-id/time: ignored: only used by type LLT")));
  EXPECT_EQ(c.dhcp6.server_id.time, 0u);
}

// ---------------------------------------------------------------- inheritance

TEST(Dhcp6InheritanceTest, GlobalThenSharedNetworkThenSubnet) {
  Config c = MustParse(Dhcp6(R"(
      "preferred-lifetime": 1000, "valid-lifetime": 2000, "renew-timer": 500,
      "rebind-timer": 800, "t1-percent": 0.3,
      "shared-networks": [{
        "name": "net", "valid-lifetime": 3000, "min-preferred-lifetime": 900,
        "rapid-commit": true, "interface-id": "bng/1", "relay": {"ip-addresses": ["2001:db8::1"]},
        "option-data": [{"name": "dns-servers", "data": "2001:db8::aa"},
                        {"name": "sntp-servers", "data": "2001:db8::bb"}],
        "subnet6": [
          {"id": 1, "subnet": "2001:db8:1::/64", "preferred-lifetime": 1500,
           "option-data": [{"name": "dns-servers", "data": "2001:db8::cc"}]},
          {"id": 2, "subnet": "2001:db8:2::/64", "rapid-commit": false, "interface-id": "bng/2",
           "relay": {"ip-addresses": ["2001:db8::2"]}}]}],
      "subnet6": [{"id": 3, "subnet": "2001:db8:3::/64", "valid-lifetime": 4000}])"));
  ASSERT_THAT(c.dhcp6.shared_networks, SizeIs(1));
  const SharedNetwork6& net = c.dhcp6.shared_networks[0];
  EXPECT_EQ(net.name, "net");
  EXPECT_EQ(net.interface_id, B("bng/1"));
  EXPECT_THAT(net.relay_addresses, ElementsAre(A("2001:db8::1")));
  ASSERT_THAT(c.dhcp6.subnets, SizeIs(3));
  const Subnet6& s1 = c.dhcp6.subnets[0];
  const Subnet6& s2 = c.dhcp6.subnets[1];
  const Subnet6& s3 = c.dhcp6.subnets[2];
  // Lifetimes: subnet, else network, else global, else default.
  EXPECT_EQ(s1.preferred_lifetime, 1500u);
  EXPECT_EQ(s1.min_preferred_lifetime, 900u);
  EXPECT_EQ(s1.max_preferred_lifetime, 1500u);
  EXPECT_EQ(s1.valid_lifetime, 3000u);
  EXPECT_EQ(s2.preferred_lifetime, 1000u);
  EXPECT_EQ(s2.valid_lifetime, 3000u);
  EXPECT_EQ(s3.preferred_lifetime, 1000u);
  EXPECT_EQ(s3.valid_lifetime, 4000u);
  EXPECT_EQ(s3.min_preferred_lifetime, 1000u);
  for (const Subnet6* s : {&s1, &s2, &s3}) {
    EXPECT_EQ(s->renew_timer, 500u);
    EXPECT_EQ(s->rebind_timer, 800u);
    EXPECT_DOUBLE_EQ(s->t1_percent, 0.3);
    EXPECT_DOUBLE_EQ(s->t2_percent, 0.8);
  }
  // rapid-commit, interface-id and relay: the network's unless the subnet sets its own.
  EXPECT_TRUE(s1.rapid_commit);
  EXPECT_FALSE(s2.rapid_commit);
  EXPECT_FALSE(s3.rapid_commit);
  EXPECT_EQ(s1.interface_id, B("bng/1"));
  EXPECT_EQ(s2.interface_id, B("bng/2"));
  EXPECT_TRUE(s3.interface_id.empty());
  EXPECT_THAT(s1.relay_addresses, ElementsAre(A("2001:db8::1")));
  EXPECT_THAT(s2.relay_addresses, ElementsAre(A("2001:db8::2")));
  EXPECT_EQ(s1.shared_network, 0);
  EXPECT_EQ(s2.shared_network, 0);
  EXPECT_EQ(s3.shared_network, -1);
  // Options: the subnet's, then the network's it does not override.
  ASSERT_THAT(s1.options, SizeIs(2));
  EXPECT_EQ(s1.options[0].data, B(A("2001:db8::cc")));
  EXPECT_EQ(s1.options[1].code, 31);
  ASSERT_THAT(s2.options, SizeIs(2));
  EXPECT_EQ(s2.options[0].data, B(A("2001:db8::aa")));
  EXPECT_THAT(s3.options, IsEmpty());
}

TEST(Dhcp6InheritanceTest, ValidLifetimeBoundsFollowTheInheritedValue) {
  const Subnet6 s = MustParse(WithSubnet(R"("valid-lifetime": 9000)", R"("preferred-lifetime": 100)"))
                        .dhcp6.subnets.at(0);
  EXPECT_EQ(s.min_valid_lifetime, 9000u);
  EXPECT_EQ(s.max_valid_lifetime, 9000u);
  EXPECT_EQ(s.preferred_lifetime, 100u);
}

TEST(Dhcp6InheritanceTest, ProblemsWithAnInheritedValueNameItsOrigin) {
  EXPECT_THAT(ErrorOf(WithSubnet(R"("min-preferred-lifetime": 5000)",
                                 R"("preferred-lifetime": 4000, "valid-lifetime": 9000)")),
              HasSubstr("Dhcp6/subnet6[0]/min-preferred-lifetime: min-preferred-lifetime (5000) "
                        "is greater than preferred-lifetime (4000, from Dhcp6/preferred-lifetime)"));
  // A bad global pair is reported once, at the global key, not again per subnet.
  EXPECT_THAT(ErrorsOf(R"({"Dhcp6": {"renew-timer": 50, "rebind-timer": 40, "subnet6": [
                 {"id": 1, "subnet": "2001:db8:1::/64"}, {"id": 2, "subnet": "2001:db8:2::/64"}]}})"),
              ElementsAre(HasSubstr("test.json: Dhcp6/renew-timer: renew-timer (50) is greater "
                                    "than rebind-timer (40)")));
}

TEST(Dhcp6InheritanceTest, PreferredAboveValidWarnsAndIsCut) {
  Config c = MustParse(WithSubnet(R"("preferred-lifetime": 5000, "valid-lifetime": 4000)"));
  EXPECT_THAT(c.warnings, ElementsAre(HasSubstr(
                              "test.json: Dhcp6/subnet6[0]/preferred-lifetime: preferred-lifetime "
                              "(5000) is greater than valid-lifetime (4000); the preferred "
                              "lifetime is cut to the valid lifetime")));
  const Subnet6& s = c.dhcp6.subnets.at(0);
  EXPECT_EQ(s.preferred_lifetime, 4000u);
  EXPECT_EQ(s.min_preferred_lifetime, 4000u);
  EXPECT_EQ(s.max_preferred_lifetime, 4000u);
  // A valid lifetime below the default preferred one: the default is cut too.
  Config d = MustParse(WithSubnet(R"("valid-lifetime": 1800)"));
  EXPECT_THAT(d.warnings, ElementsAre(HasSubstr("preferred-lifetime (3600, default) is greater "
                                                "than valid-lifetime (1800)")));
  EXPECT_EQ(d.dhcp6.subnets.at(0).preferred_lifetime, 1800u);
}

// ---------------------------------------------------------------- options

TEST(Dhcp6OptionTest, AddressLists) {
  EXPECT_EQ(GlobalOption(R"([{"name": "dns-servers", "data": "2001:db8::1, 2001:db8::2"}])", 23),
            Concat({B(A("2001:db8::1")), B(A("2001:db8::2"))}));
  EXPECT_EQ(GlobalOption(R"([{"name": "sntp-servers", "data": "2001:db8::123"}])", 31),
            B(A("2001:db8::123")));
  EXPECT_EQ(GlobalOption(R"([{"name": "sip-server-addr", "data": "2001:db8::5060"}])", 22),
            B(A("2001:db8::5060")));
  EXPECT_EQ(GlobalOption(R"([{"name": "nis-servers", "data": "2001:db8::9"}])", 27),
            B(A("2001:db8::9")));
  EXPECT_EQ(GlobalOption(R"([{"name": "nisp-servers", "data": "2001:db8::9"}])", 28),
            B(A("2001:db8::9")));
  EXPECT_EQ(GlobalOption(R"([{"name": "unicast", "data": "2001:db8::547"}])", 12),
            B(A("2001:db8::547")));
}

TEST(Dhcp6OptionTest, DomainListsInWireFormat) {
  EXPECT_EQ(GlobalOption(R"([{"name": "domain-search", "data": "isp.example.net, example.net."}])",
                         24),
            Concat({Bytes{3}, B("isp"), Bytes{7}, B("example"), Bytes{3}, B("net"), Bytes{0},
                    Bytes{7}, B("example"), Bytes{3}, B("net"), Bytes{0}}));
  EXPECT_EQ(GlobalOption(R"([{"name": "sip-server-dns", "data": "sip.example.com"}])", 21),
            Concat({Bytes{3}, B("sip"), Bytes{7}, B("example"), Bytes{3}, B("com"), Bytes{0}}));
  EXPECT_EQ(GlobalOption(R"([{"name": "nis-domain-name", "data": "nis.example"}])", 29),
            Concat({Bytes{3}, B("nis"), Bytes{7}, B("example"), Bytes{0}}));
  EXPECT_EQ(GlobalOption(R"([{"name": "nisp-domain-name", "data": "a"}])", 30),
            (Bytes{1, 'a', 0}));
  EXPECT_EQ(GlobalOption(R"([{"name": "aftr-name", "data": "aftr.example"}])", 64),
            Concat({Bytes{4}, B("aftr"), Bytes{7}, B("example"), Bytes{0}}));
}

TEST(Dhcp6OptionTest, IntegersStringsAndTuples) {
  EXPECT_EQ(GlobalOption(R"([{"name": "information-refresh-time", "data": "86400"}])", 32),
            (Bytes{0x00, 0x01, 0x51, 0x80}));
  EXPECT_EQ(GlobalOption(R"([{"name": "solmax-rt", "data": "0x78"}])", 82),
            (Bytes{0, 0, 0, 0x78}));
  EXPECT_EQ(GlobalOption(R"([{"name": "bootfile-url", "data": "tftp://[2001:db8::69]/boot.efi"}])",
                         59),
            B("tftp://[2001:db8::69]/boot.efi"));
  // DHCPv6 tuples have a 2-byte length (RFC 8415 §21.16).
  EXPECT_EQ(GlobalOption(R"([{"name": "bootfile-param", "data": "root=/dev/sda, quiet"}])", 60),
            Concat({Bytes{0, 13}, B("root=/dev/sda"), Bytes{0, 5}, B("quiet")}));
  EXPECT_EQ(GlobalOption(R"([{"name": "new-tzdb-timezone", "data": "Europe/Zurich"}])", 42),
            B("Europe/Zurich"));
}

TEST(Dhcp6OptionTest, HexAndCodes) {
  // csv-format false: hex checked against the definition.
  EXPECT_EQ(GlobalOption(R"([{"name": "dns-servers", "csv-format": false,
                             "data": "20010db8000000000000000000000001"}])",
                         23),
            B(A("2001:db8::1")));
  // A code without a definition takes hex.
  EXPECT_EQ(GlobalOption(R"([{"code": 1000, "csv-format": false, "data": "0a:0b:0c"}])", 1000),
            (Bytes{0x0a, 0x0b, 0x0c}));
  // A code with a definition reads like the name.
  EXPECT_EQ(GlobalOption(R"([{"code": 23, "data": "2001:db8::1"}])", 23), B(A("2001:db8::1")));
  // Binary data is always hex.
  EXPECT_EQ(GlobalOption(R"([{"code": 200, "csv-format": false, "data": ""}])", 200), Bytes{});
}

TEST(Dhcp6OptionTest, AlwaysSend) {
  Config c = MustParse(Dhcp6(R"("option-data": [
      {"name": "dns-servers", "data": "2001:db8::1", "always-send": true},
      {"name": "sntp-servers", "data": "2001:db8::2"}])"));
  EXPECT_TRUE(FindOption(c.dhcp6.options, 23)->always_send);
  EXPECT_FALSE(FindOption(c.dhcp6.options, 31)->always_send);
}

TEST(Dhcp6OptionTest, VendorOptsCarryTheirEnterprisesSubOptions) {
  Config c = MustParse(WithSubnet(R"("option-data": [
      {"name": "vendor-opts", "data": "4491"},
      {"space": "vendor-4491", "name": "tftp-servers", "data": "2001:db8::69"},
      {"space": "vendor-4491", "name": "config-file", "data": "cm.cfg"},
      {"space": "vendor-4491", "code": 1234, "csv-format": false, "data": "ff"}])"));
  EXPECT_THAT(c.warnings, IsEmpty());
  const OptionData6* o = FindOption(c.dhcp6.subnets.at(0).options, 17);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->data, Concat({Bytes{0, 0, 0x11, 0x8b},                        // 4491
                             Bytes{0, 32, 0, 16}, B(A("2001:db8::69")),      // tftp-servers
                             Bytes{0, 33, 0, 6}, B("cm.cfg"),                // config-file
                             Bytes{0x04, 0xd2, 0, 1, 0xff}}));
  // Two enterprises: two options; a raw payload is taken as given.
  Config two = MustParse(Dhcp6(R"("option-data": [
      {"name": "vendor-opts", "data": "4491"},
      {"name": "vendor-opts", "csv-format": false, "data": "0000000900010001aa"}])"));
  ASSERT_THAT(two.dhcp6.options, SizeIs(2));
  EXPECT_EQ(two.dhcp6.options[1].data, (Bytes{0, 0, 0, 9, 0, 1, 0, 1, 0xaa}));
}

TEST(Dhcp6OptionTest, NtpServerCarriesItsSubOptions) {
  EXPECT_EQ(GlobalOption(R"([{"name": "ntp-server"},
      {"space": "v6-ntp-server-suboptions", "name": "ntp-server-address", "data": "2001:db8::123"},
      {"space": "v6-ntp-server-suboptions", "name": "ntp-server-fqdn", "data": "ntp.example"}])",
                         56),
            Concat({Bytes{0, 1, 0, 16}, B(A("2001:db8::123")), Bytes{0, 3, 0, 13}, Bytes{3},
                    B("ntp"), Bytes{7}, B("example"), Bytes{0}}));
}

TEST(Dhcp6OptionTest, SoftwireContainers) {
  EXPECT_EQ(GlobalOption(R"([{"name": "s46-cont-lw"},
      {"space": "s46-cont-lw-options", "name": "s46-br", "data": "2001:db8::4"}])",
                         96),
            Concat({Bytes{0, 90, 0, 16}, B(A("2001:db8::4"))}));
}

TEST(Dhcp6OptionTest, SubOptionsNothingCarriesWarn) {
  Config c = MustParse(Dhcp6(R"("option-data": [
      {"space": "vendor-4491", "name": "tftp-servers", "data": "2001:db8::69"},
      {"space": "v6-ntp-server-suboptions", "name": "ntp-server-address", "data": "2001:db8::1"}])"));
  EXPECT_THAT(c.dhcp6.options, IsEmpty());
  EXPECT_THAT(c.warnings,
              ElementsAre(HasSubstr("Dhcp6/option-data[0]: not sent: no vendor-opts (17) entry "
                                    "with enterprise id 4491"),
                          HasSubstr("Dhcp6/option-data[1]: not sent: no option in this "
                                    "option-data list encapsulates space "
                                    "'v6-ntp-server-suboptions'")));
}

TEST(Dhcp6OptionTest, OptionsAtEveryLevel) {
  Config c = MustParse(R"({"Dhcp6": {
      "option-data": [{"name": "dns-servers", "data": "2001:db8::1"}],
      "reservations": [{"duid": "01", "option-data": [{"name": "dns-servers", "data": "2001:db8::2"}]}],
      "shared-networks": [{"name": "n", "option-data": [{"name": "dns-servers", "data": "2001:db8::3"}],
        "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64",
          "pools": [{"pool": "2001:db8:1::/120", "option-data": [{"name": "dns-servers", "data": "2001:db8::4"}]}],
          "pd-pools": [{"prefix": "2001:db8:f::", "prefix-len": 48, "delegated-len": 56,
                        "option-data": [{"name": "dns-servers", "data": "2001:db8::5"}]}],
          "reservations": [{"duid": "02", "option-data": [{"name": "dns-servers", "data": "2001:db8::6"}]}]}]}]}})");
  const Dhcp6Config& v6 = c.dhcp6;
  EXPECT_EQ(v6.options.at(0).data, B(A("2001:db8::1")));
  EXPECT_EQ(v6.reservations.at(0).options.at(0).data, B(A("2001:db8::2")));
  const Subnet6& s = v6.subnets.at(0);
  EXPECT_EQ(s.options.at(0).data, B(A("2001:db8::3")));
  EXPECT_EQ(s.pools.at(0).options.at(0).data, B(A("2001:db8::4")));
  EXPECT_EQ(s.pd_pools.at(0).options.at(0).data, B(A("2001:db8::5")));
  EXPECT_EQ(s.reservations.at(0).options.at(0).data, B(A("2001:db8::6")));
}

// ---------------------------------------------------------------- the option catalog

// Kea 2.2.0's standard DHCPv6 definitions, name and code, each checked with
// `kea-dhcp6 -t` (a name with the wrong code is refused there).
struct KeaDef {
  const char* space;
  const char* name;
  uint16_t code;
};
constexpr KeaDef kKea22[] = {
    {"dhcp6", "clientid", 1},          {"dhcp6", "serverid", 2},
    {"dhcp6", "ia-na", 3},             {"dhcp6", "ia-ta", 4},
    {"dhcp6", "iaaddr", 5},            {"dhcp6", "oro", 6},
    {"dhcp6", "preference", 7},        {"dhcp6", "elapsed-time", 8},
    {"dhcp6", "relay-msg", 9},         {"dhcp6", "auth", 11},
    {"dhcp6", "unicast", 12},          {"dhcp6", "status-code", 13},
    {"dhcp6", "rapid-commit", 14},     {"dhcp6", "user-class", 15},
    {"dhcp6", "vendor-class", 16},     {"dhcp6", "vendor-opts", 17},
    {"dhcp6", "interface-id", 18},     {"dhcp6", "reconf-msg", 19},
    {"dhcp6", "reconf-accept", 20},    {"dhcp6", "sip-server-dns", 21},
    {"dhcp6", "sip-server-addr", 22},  {"dhcp6", "dns-servers", 23},
    {"dhcp6", "domain-search", 24},    {"dhcp6", "ia-pd", 25},
    {"dhcp6", "iaprefix", 26},         {"dhcp6", "nis-servers", 27},
    {"dhcp6", "nisp-servers", 28},     {"dhcp6", "nis-domain-name", 29},
    {"dhcp6", "nisp-domain-name", 30}, {"dhcp6", "sntp-servers", 31},
    {"dhcp6", "information-refresh-time", 32},
    {"dhcp6", "bcmcs-server-dns", 33}, {"dhcp6", "bcmcs-server-addr", 34},
    {"dhcp6", "geoconf-civic", 36},    {"dhcp6", "remote-id", 37},
    {"dhcp6", "subscriber-id", 38},    {"dhcp6", "client-fqdn", 39},
    {"dhcp6", "pana-agent", 40},       {"dhcp6", "new-posix-timezone", 41},
    {"dhcp6", "new-tzdb-timezone", 42}, {"dhcp6", "ero", 43},
    {"dhcp6", "lq-query", 44},         {"dhcp6", "client-data", 45},
    {"dhcp6", "clt-time", 46},         {"dhcp6", "lq-relay-data", 47},
    {"dhcp6", "lq-client-link", 48},   {"dhcp6", "v6-lost", 51},
    {"dhcp6", "capwap-ac-v6", 52},     {"dhcp6", "relay-id", 53},
    {"dhcp6", "v6-access-domain", 57}, {"dhcp6", "sip-ua-cs-list", 58},
    {"dhcp6", "bootfile-url", 59},     {"dhcp6", "bootfile-param", 60},
    {"dhcp6", "client-arch-type", 61}, {"dhcp6", "nii", 62},
    {"dhcp6", "aftr-name", 64},        {"dhcp6", "erp-local-domain-name", 65},
    {"dhcp6", "rsoo", 66},             {"dhcp6", "pd-exclude", 67},
    {"dhcp6", "rdnss-selection", 74},  {"dhcp6", "client-linklayer-addr", 79},
    {"dhcp6", "link-address", 80},     {"dhcp6", "solmax-rt", 82},
    {"dhcp6", "inf-max-rt", 83},       {"dhcp6", "dhcpv4-message", 87},
    {"dhcp6", "dhcp4o6-server-addr", 88}, {"dhcp6", "s46-cont-mape", 94},
    {"dhcp6", "s46-cont-mapt", 95},    {"dhcp6", "s46-cont-lw", 96},
    {"dhcp6", "v6-captive-portal", 103}, {"dhcp6", "relay-source-port", 135},
    {"dhcp6", "ipv6-address-andsf", 143},
    {"s46-cont-mape-options", "s46-br", 90}, {"s46-cont-mape-options", "s46-rule", 89},
    {"s46-cont-mapt-options", "s46-rule", 89}, {"s46-cont-mapt-options", "s46-dmr", 91},
    {"s46-cont-lw-options", "s46-br", 90}, {"s46-cont-lw-options", "s46-v4v6bind", 92},
    {"s46-rule-options", "s46-portparams", 93}, {"s46-v4v6bind-options", "s46-portparams", 93},
    {"vendor-4491", "oro", 1},         {"vendor-4491", "device-type", 2},
    {"vendor-4491", "vendor-type", 10}, {"vendor-4491", "tftp-servers", 32},
    {"vendor-4491", "config-file", 33}, {"vendor-4491", "syslog-servers", 34},
    {"vendor-4491", "device-id", 36},  {"vendor-4491", "time-servers", 37},
    {"vendor-4491", "time-offset", 38}, {"vendor-4491", "cmts-cm-mac", 1026},
};

TEST(Option6CatalogTest, KeaStandardTableAudit) {
  size_t kea_standard = 0;
  for (const OptionDefinition6& def : StandardOption6Definitions()) kea_standard += def.kea_standard;
  EXPECT_EQ(kea_standard, std::size(kKea22));
  for (const KeaDef& k : kKea22) {
    const OptionDefinition6* def = FindStandardOption6(k.space, k.name);
    ASSERT_NE(def, nullptr) << k.space << " " << k.name;
    EXPECT_EQ(def->code, k.code) << k.name;
    EXPECT_EQ(FindStandardOption6(k.space, k.code), def) << k.name;
    EXPECT_TRUE(def->kea_standard) << k.name;
  }
}

TEST(Option6CatalogTest, NamesAndCodesAreUniquePerSpace) {
  std::set<std::pair<std::string, std::string>> names;
  std::set<std::pair<std::string, int>> codes;
  for (const OptionDefinition6& def : StandardOption6Definitions()) {
    EXPECT_TRUE(names.emplace(def.space, def.name).second) << def.name;
    EXPECT_TRUE(codes.emplace(def.space, def.code).second) << def.name;
    EXPECT_NE(def.type, OptionDataType::kInternal) << def.name;
  }
}

TEST(Option6CatalogTest, Lookups) {
  EXPECT_EQ(FindOption6ByName("dns-servers")->code, 23);
  EXPECT_EQ(FindOption6ByCode(24)->name, "domain-search");
  EXPECT_EQ(FindOption6ByName("domain-name-servers"), nullptr);  // DHCPv4's name
  EXPECT_EQ(FindOption6ByCode(10), nullptr);
  const OptionDefinition6* ntp = FindOption6ByCode(56);
  ASSERT_NE(ntp, nullptr);
  EXPECT_EQ(ntp->name, "ntp-server");
  EXPECT_FALSE(ntp->kea_standard);
  EXPECT_EQ(ntp->encapsulate, "v6-ntp-server-suboptions");
  EXPECT_EQ(FindStandardOption6("v6-ntp-server-suboptions", uint16_t{2})->name,
            "ntp-server-multicast");
  EXPECT_TRUE(IsOption6Space("dhcp6"));
  EXPECT_TRUE(IsOption6Space("vendor-4491"));
  EXPECT_TRUE(IsOption6Space("vendor-12345"));
  EXPECT_TRUE(IsOption6Space("s46-rule-options"));
  EXPECT_FALSE(IsOption6Space("vendor-"));
  EXPECT_FALSE(IsOption6Space("vendor-x"));
  EXPECT_FALSE(IsOption6Space("vendor-99999999999"));
  EXPECT_FALSE(IsOption6Space("dhcp4"));
}

TEST(Option6CatalogTest, EncoderErrors) {
  auto error = [](const char* name, const char* data, bool csv = true) {
    absl::StatusOr<Bytes> wire = EncodeOption6Data(FindOption6ByName(name), data, csv);
    EXPECT_FALSE(wire.ok()) << name << " " << data;
    return std::string(wire.status().message());
  };
  EXPECT_THAT(error("dns-servers", "192.0.2.1"), HasSubstr("'192.0.2.1' is not an IPv6 address"));
  EXPECT_THAT(error("dns-servers", ""), HasSubstr("empty data"));
  EXPECT_THAT(error("preference", "256"), HasSubstr("256 is out of range 0..255"));
  EXPECT_THAT(error("domain-search", "a..b"), HasSubstr("empty label"));
  EXPECT_THAT(error("bootfile-param", "a,,b"), HasSubstr("empty value"));
  EXPECT_THAT(error("bootfile-param", "00056869", false), HasSubstr("longer than the data"));
  EXPECT_THAT(error("information-refresh-time", "0102", false), HasSubstr("takes 4"));
  EXPECT_THAT(error("dns-servers", "2001:db8::1", false), HasSubstr("not hex"));
  absl::StatusOr<Bytes> no_def = EncodeOption6Data(nullptr, "aa", true);
  EXPECT_THAT(no_def.status().message(), HasSubstr("set csv-format to false"));
  // Tuples as hex: each a 2-byte length and its bytes.
  absl::StatusOr<Bytes> tuples =
      EncodeOption6Data(FindOption6ByName("bootfile-param"), "00016100026263", false);
  ASSERT_TRUE(tuples.ok()) << tuples.status();
  EXPECT_EQ(*tuples, (Bytes{0, 1, 'a', 0, 2, 'b', 'c'}));
}

// ---------------------------------------------------------------- errors with their paths

struct ErrorCase {
  std::string name;
  std::string config;
  std::string path;
  std::string problem;  // a substring of the problem
};

void PrintTo(const ErrorCase& e, std::ostream* os) { *os << e.name; }

class Dhcp6ErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(Dhcp6ErrorTest, ReportsPathAndProblem) {
  const ErrorCase& e = GetParam();
  EXPECT_THAT(ErrorOf(e.config),
              AllOf(HasSubstr(absl::StrCat("test.json: ", e.path, ": ")), HasSubstr(e.problem)));
}

std::string TwoSubnets(absl::string_view first, absl::string_view second) {
  return absl::StrCat(R"({"Dhcp6": {"subnet6": [{"id": 1, "subnet": "2001:db8:1::/64")",
                      first.empty() ? "" : ",", first,
                      R"(}, {"id": 2, "subnet": "2001:db8:2::/64")", second.empty() ? "" : ",",
                      second, "}]}}");
}

std::string WithPdPool(absl::string_view keys) {
  return WithSubnet(absl::StrCat(R"("pd-pools": [{)", keys, "}]"));
}

std::vector<ErrorCase> ErrorCases() {
  const std::string s0 = "Dhcp6/subnet6[0]";
  const std::string pd = s0 + "/pd-pools[0]";
  const std::string r0 = s0 + "/reservations[0]";
  return {
      // Unknown keys, at every level.
      {"UnknownGlobalKey", Dhcp6(R"("frobnicate": 1)"), "Dhcp6/frobnicate", "unknown key"},
      {"UnknownSubnetKey", WithSubnet(R"("colour": 1)"), s0 + "/colour", "unknown key"},
      {"Dhcp4OnlyKeyInASubnet", WithSubnet(R"("next-server": "192.0.2.1")"), s0 + "/next-server",
       "unknown key"},
      {"RapidCommitIsNotGlobal", Dhcp6(R"("rapid-commit": true)"), "Dhcp6/rapid-commit",
       "unknown key"},
      {"UnknownPoolKey", WithSubnet(R"("pools": [{"pool": "2001:db8:1::/120", "x": 1}])"),
       s0 + "/pools[0]/x", "unknown key"},
      {"UnknownPdPoolKey",
       WithPdPool(R"("prefix": "2001:db8:f::", "prefix-len": 48, "delegated-len": 56, "x": 1)"),
       pd + "/x", "unknown key"},
      {"UnknownReservationKey", WithSubnet(R"("reservations": [{"duid": "01", "ip-address": "2001:db8:1::1"}])"),
       r0 + "/ip-address", "unknown key"},
      {"UnknownSharedNetworkKey", Dhcp6(R"("shared-networks": [{"name": "n", "x": 1}])"),
       "Dhcp6/shared-networks[0]/x", "unknown key"},
      {"UnknownServerIdKey", Dhcp6(R"("server-id": {"x": 1})"), "Dhcp6/server-id/x",
       "unknown key"},
      {"UnknownOptionKey", Dhcp6(R"("option-data": [{"name": "dns-servers", "data": "::1", "x": 1}])"),
       "Dhcp6/option-data[0]/x", "unknown key"},
      {"SectionNotObject", R"({"Dhcp6": []})", "Dhcp6", "expected an object, got array"},
      // Subnets.
      {"SubnetMissing", R"({"Dhcp6": {"subnet6": [{"id": 1}]}})", s0 + "/subnet",
       "missing required key"},
      {"SubnetNotPrefix", R"({"Dhcp6": {"subnet6": [{"id": 1, "subnet": "2001:db8::"}]}})",
       s0 + "/subnet", "is not a prefix (expected address/len, len 1..128)"},
      {"SubnetV4", R"({"Dhcp6": {"subnet6": [{"id": 1, "subnet": "192.0.2.0/24"}]}})",
       s0 + "/subnet", "is not a prefix"},
      {"SubnetHostBits", R"({"Dhcp6": {"subnet6": [{"id": 1, "subnet": "2001:db8::1/64"}]}})",
       s0 + "/subnet", "has host bits set; the network is 2001:db8::/64"},
      {"SubnetIdMissing", R"({"Dhcp6": {"subnet6": [{"subnet": "2001:db8::/64"}]}})", s0 + "/id",
       "missing required key"},
      {"SubnetIdZero", R"({"Dhcp6": {"subnet6": [{"id": 0, "subnet": "2001:db8::/64"}]}})",
       s0 + "/id", "0 is out of range 1..4294967294"},
      {"SubnetIdDuplicate",
       R"({"Dhcp6": {"subnet6": [{"id": 7, "subnet": "2001:db8:1::/64"},
                                 {"id": 7, "subnet": "2001:db8:2::/64"}]}})",
       "Dhcp6/subnet6[1]/id", "subnet id 7 is already used by Dhcp6/subnet6[0]"},
      {"SubnetPrefixDuplicate",
       R"({"Dhcp6": {"subnet6": [{"id": 1, "subnet": "2001:db8::/64"},
                                 {"id": 2, "subnet": "2001:db8::/64"}]}})",
       "Dhcp6/subnet6[1]/subnet", "already configured at Dhcp6/subnet6[0]/subnet"},
      {"InterfaceAndInterfaceId", WithSubnet(R"("interface": "eth0", "interface-id": "x")"),
       s0 + "/interface-id", "cannot be combined with interface"},
      {"RelayNotV6", WithSubnet(R"("relay": {"ip-addresses": ["192.0.2.1"]})"),
       s0 + "/relay/ip-addresses[0]", "'192.0.2.1' is not an IPv6 address"},
      {"SharedNetworkNameTwice",
       Dhcp6(R"("shared-networks": [{"name": "a"}, {"name": "a"}])"),
       "Dhcp6/shared-networks[1]/name", "'a' is already used by Dhcp6/shared-networks[0]"},
      {"SharedNetworkInterfaceAndId",
       Dhcp6(R"("shared-networks": [{"name": "a", "interface": "eth0", "interface-id": "x"}])"),
       "Dhcp6/shared-networks[0]/interface-id", "cannot be combined with interface"},
      // Lifetimes.
      {"MinPreferredAbovePreferred", WithSubnet(R"("min-preferred-lifetime": 5000)"),
       s0 + "/min-preferred-lifetime",
       "min-preferred-lifetime (5000) is greater than preferred-lifetime (3600, default)"},
      {"MaxPreferredBelowPreferred",
       WithSubnet(R"("preferred-lifetime": 3000, "max-preferred-lifetime": 2000)"),
       s0 + "/max-preferred-lifetime", "max-preferred-lifetime (2000) is less than preferred-lifetime (3000)"},
      {"MinPreferredAboveMax",
       WithSubnet(R"("min-preferred-lifetime": 5000, "max-preferred-lifetime": 4000, "preferred-lifetime": 4500)"),
       s0 + "/min-preferred-lifetime",
       "min-preferred-lifetime (5000) is greater than max-preferred-lifetime (4000)"},
      {"MinValidAboveValid", WithSubnet(R"("min-valid-lifetime": 9000)"),
       s0 + "/min-valid-lifetime", "min-valid-lifetime (9000) is greater than valid-lifetime (7200, default)"},
      {"MaxValidBelowValid", Dhcp6(R"("valid-lifetime": 9000, "max-valid-lifetime": 8000)"),
       "Dhcp6/max-valid-lifetime", "max-valid-lifetime (8000) is less than valid-lifetime (9000)"},
      {"PreferredZero", Dhcp6(R"("preferred-lifetime": 0)"), "Dhcp6/preferred-lifetime",
       "0 is out of range 1..4294967295"},
      {"RenewAboveRebind", WithSubnet(R"("renew-timer": 3000, "rebind-timer": 2000)"),
       s0 + "/renew-timer", "renew-timer (3000) is greater than rebind-timer (2000)"},
      {"T1NotBelowTheV6T2Default", WithSubnet(R"("t1-percent": 0.85)"), s0 + "/t1-percent",
       "t1-percent (0.85) is not less than t2-percent (0.8, default)"},
      {"RapidCommitNotBool", WithSubnet(R"("rapid-commit": 1)"), s0 + "/rapid-commit",
       "expected a boolean, got number"},
      // Pools.
      {"PoolOutsideSubnet", WithSubnet(R"("pools": [{"pool": "2001:db8:2::/120"}])"),
       s0 + "/pools[0]/pool", "'2001:db8:2::/120' is not inside the subnet 2001:db8:1::/64"},
      {"PoolRangeEndsOutside",
       WithSubnet(R"("pools": [{"pool": "2001:db8:1::10 - 2001:db8:2::1"}])"),
       s0 + "/pools[0]/pool", "is not inside the subnet"},
      {"PoolNotARange", WithSubnet(R"("pools": [{"pool": "2001:db8:1::10 -"}])"),
       s0 + "/pools[0]/pool", "is not a range"},
      {"PoolReversed", WithSubnet(R"("pools": [{"pool": "2001:db8:1::20 - 2001:db8:1::10"}])"),
       s0 + "/pools[0]/pool", "the first address is above the last"},
      {"PoolHostBits", WithSubnet(R"("pools": [{"pool": "2001:db8:1::1/120"}])"),
       s0 + "/pools[0]/pool", "has host bits set"},
      {"PoolMissing", WithSubnet(R"("pools": [{}])"), s0 + "/pools[0]/pool",
       "missing required key"},
      {"PoolsOverlapInASubnet",
       WithSubnet(R"("pools": [{"pool": "2001:db8:1::/120"}, {"pool": "2001:db8:1::80 - 2001:db8:1::1ff"}])"),
       s0 + "/pools[1]/pool",
       "2001:db8:1::80 - 2001:db8:1::1ff overlaps Dhcp6/subnet6[0]/pools[0]/pool (2001:db8:1:: - "
       "2001:db8:1::ff)"},
      {"PoolsOverlapAcrossSharedNetworkSubnets",
       R"({"Dhcp6": {"shared-networks": [{"name": "n", "subnet6": [
            {"id": 1, "subnet": "2001:db8:1::/48", "pools": [{"pool": "2001:db8:1:5::/64"}]},
            {"id": 2, "subnet": "2001:db8:1:5::/64", "pools": [{"pool": "2001:db8:1:5::/120"}]}]}]}})",
       "Dhcp6/shared-networks[0]/subnet6[1]/pools[0]/pool",
       "overlaps Dhcp6/shared-networks[0]/subnet6[0]/pools[0]/pool"},
      // pd-pools.
      {"PdPoolsOverlapAcrossSubnets",
       TwoSubnets(R"("pd-pools": [{"prefix": "2001:db8:8000::", "prefix-len": 40, "delegated-len": 56}])",
                  R"("pd-pools": [{"prefix": "2001:db8:8000::", "prefix-len": 48, "delegated-len": 60}])"),
       "Dhcp6/subnet6[1]/pd-pools[0]/prefix",
       "2001:db8:8000::/48 overlaps Dhcp6/subnet6[0]/pd-pools[0]/prefix (2001:db8:8000::/40)"},
      {"DelegatedShorterThanPrefix",
       WithPdPool(R"("prefix": "2001:db8:f::", "prefix-len": 48, "delegated-len": 40)"),
       pd + "/delegated-len", "delegated-len (40) is shorter than prefix-len (48)"},
      {"DelegatedOver128",
       WithPdPool(R"("prefix": "2001:db8:f::", "prefix-len": 48, "delegated-len": 129)"),
       pd + "/delegated-len", "129 is out of range 1..128"},
      {"PdPrefixWithLength",
       WithPdPool(R"("prefix": "2001:db8:f::/48", "prefix-len": 48, "delegated-len": 56)"),
       pd + "/prefix", "is not an IPv6 address (the length goes in prefix-len)"},
      {"PdPrefixHostBits",
       WithPdPool(R"("prefix": "2001:db8:f::1", "prefix-len": 48, "delegated-len": 56)"),
       pd + "/prefix", "has bits set past prefix-len 48; the prefix is 2001:db8:f::/48"},
      {"PdPrefixLenMissing", WithPdPool(R"("prefix": "2001:db8:f::", "delegated-len": 56)"),
       pd + "/prefix-len", "missing required key"},
      {"ExcludedNotLongerThanDelegated",
       WithPdPool(R"("prefix": "2001:db8:f::", "prefix-len": 48, "delegated-len": 56,
                 "excluded-prefix": "2001:db8:f::", "excluded-prefix-len": 56)"),
       pd + "/excluded-prefix-len",
       "excluded-prefix-len (56) must be longer than delegated-len (56)"},
      {"ExcludedOutsideDelegated",
       WithPdPool(R"("prefix": "2001:db8:f::", "prefix-len": 48, "delegated-len": 56,
                 "excluded-prefix": "2001:db8:f:100::", "excluded-prefix-len": 64)"),
       pd + "/excluded-prefix",
       "2001:db8:f:100::/64 is not inside the pool's first delegated prefix 2001:db8:f::/56"},
      {"ExcludedWithoutLength",
       WithPdPool(R"("prefix": "2001:db8:f::", "prefix-len": 48, "delegated-len": 56,
                 "excluded-prefix": "2001:db8:f::")"),
       pd + "/excluded-prefix-len", "missing required key"},
      {"ExcludedHostBits",
       WithPdPool(R"("prefix": "2001:db8:f::", "prefix-len": 48, "delegated-len": 56,
                 "excluded-prefix": "2001:db8:f:0:1::", "excluded-prefix-len": 64)"),
       pd + "/excluded-prefix", "has bits set past excluded-prefix-len 64"},
      // Reservations.
      {"ReservedAddressOutsideSubnet",
       WithSubnet(R"("reservations": [{"duid": "01", "ip-addresses": ["2001:db8:2::1"]}])"),
       r0 + "/ip-addresses[0]", "2001:db8:2::1 is not inside the subnet 2001:db8:1::/64"},
      {"DuidReservedTwice",
       WithSubnet(R"("reservations": [{"duid": "01:02", "hostname": "a"}, {"duid": "0102", "hostname": "b"}])"),
       s0 + "/reservations[1]/duid", "'0102' is already reserved at " + r0 + "/duid"},
      {"HwAddressReservedTwice",
       WithSubnet(R"("reservations": [{"hw-address": "aa:bb:cc:dd:ee:ff", "hostname": "a"},
                                     {"hw-address": "aabbccddeeff", "hostname": "b"}])"),
       s0 + "/reservations[1]/hw-address", "is already reserved at " + r0 + "/hw-address"},
      {"AddressReservedInTwoSubnets",
       R"({"Dhcp6": {"reservations": [{"duid": "01", "ip-addresses": ["2001:db8:1::5"]}],
           "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64",
                        "reservations": [{"duid": "02", "ip-addresses": ["2001:db8:1::5"]}]}]}})",
       r0 + "/ip-addresses[0]",
       "2001:db8:1::5 is already reserved at Dhcp6/reservations[0]/ip-addresses[0]"},
      {"PrefixReservedTwice",
       TwoSubnets(R"("reservations": [{"duid": "01", "prefixes": ["2001:db8:a::/48"]}])",
                  R"("reservations": [{"duid": "02", "prefixes": ["2001:db8:a::/48"]}])"),
       "Dhcp6/subnet6[1]/reservations[0]/prefixes[0]",
       "2001:db8:a::/48 is already reserved at " + r0 + "/prefixes[0]"},
      {"ReservedPrefixHostBits",
       WithSubnet(R"("reservations": [{"duid": "01", "prefixes": ["2001:db8:a::1/48"]}])"),
       r0 + "/prefixes[0]", "has bits set past /48; the prefix is 2001:db8:a::/48"},
      {"ReservedPrefixNoLength",
       WithSubnet(R"("reservations": [{"duid": "01", "prefixes": ["2001:db8:a::"]}])"),
       r0 + "/prefixes[0]", "is not a prefix"},
      {"ReservationWithoutIdentifier",
       WithSubnet(R"("reservations": [{"hostname": "x"}])"), r0,
       "needs exactly one of duid, hw-address or flex-id"},
      {"ReservationWithTwoIdentifiers",
       WithSubnet(R"("reservations": [{"duid": "01", "hw-address": "aa:bb:cc:dd:ee:ff", "hostname": "x"}])"),
       r0, "needs exactly one of duid, hw-address or flex-id"},
      {"ReservationOfNothing", WithSubnet(R"("reservations": [{"duid": "01"}])"), r0,
       "reserves nothing"},
      {"DuidNotHex", WithSubnet(R"("reservations": [{"duid": "xy", "hostname": "x"}])"),
       r0 + "/duid", "is not hex"},
      {"HwAddressTooLong",
       WithSubnet(R"("reservations": [{"hw-address": "00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10", "hostname": "x"}])"),
       r0 + "/hw-address", "a hw-address has 1 to 16 bytes, got 17"},
      // Global keys.
      {"HostIdentifierNotV6", Dhcp6(R"("host-reservation-identifiers": ["circuit-id"])"),
       "Dhcp6/host-reservation-identifiers[0]",
       "'circuit-id' is not one of duid, hw-address, flex-id"},
      {"HostIdentifierTwice", Dhcp6(R"("host-reservation-identifiers": ["duid", "duid"])"),
       "Dhcp6/host-reservation-identifiers[1]", "'duid' is listed twice"},
      {"ServerIdType", Dhcp6(R"("server-id": {"type": "UUID"})"), "Dhcp6/server-id/type",
       "'UUID' is not one of \"LLT\", \"EN\", \"LL\""},
      {"ServerIdNotHex", Dhcp6(R"("server-id": {"identifier": "xyz"})"),
       "Dhcp6/server-id/identifier", "is not hex"},
      {"ServerIdTooLong",
       Dhcp6(absl::StrCat(R"("server-id": {"type": "LL", "identifier": ")", std::string(254, 'a'),
                          R"("})")),
       "Dhcp6/server-id/identifier", "a DUID of this type holds at most 126"},
      {"DeclineProbationNegative", Dhcp6(R"("decline-probation-period": -1)"),
       "Dhcp6/decline-probation-period", "out of range"},
      {"HoldReclaimedTimeType",
       Dhcp6(R"("expired-leases-processing": {"hold-reclaimed-time": "1h"})"),
       "Dhcp6/expired-leases-processing/hold-reclaimed-time", "expected an integer, got string"},
      // Options.
      {"UnknownOptionName", WithSubnet(R"("option-data": [{"name": "domain-name-servers", "data": "::1"}])"),
       s0 + "/option-data[0]/name", "unknown option name 'domain-name-servers'"},
      {"OptionNameCodeMismatch", Dhcp6(R"("option-data": [{"name": "dns-servers", "code": 24, "data": "::1"}])"),
       "Dhcp6/option-data[0]/code", "code 24 does not match name 'dns-servers' (code 23)"},
      {"OptionCodeTooLarge", Dhcp6(R"("option-data": [{"code": 65536, "csv-format": false, "data": "00"}])"),
       "Dhcp6/option-data[0]/code", "65536 is out of range 1..65535"},
      {"OptionWithoutDefinitionNeedsHex", Dhcp6(R"("option-data": [{"code": 1000, "data": "x"}])"),
       "Dhcp6/option-data[0]/data", "set csv-format to false"},
      {"OptionBadAddress", Dhcp6(R"("option-data": [{"name": "dns-servers", "data": "2001:db8::1, 192.0.2.1"}])"),
       "Dhcp6/option-data[0]/data", "'192.0.2.1' is not an IPv6 address"},
      {"OptionBadDomain", Dhcp6(R"("option-data": [{"name": "domain-search", "data": "a..example"}])"),
       "Dhcp6/option-data[0]/data", "empty label"},
      {"OptionTwice", Dhcp6(R"("option-data": [{"name": "dns-servers", "data": "::1"}, {"code": 23, "data": "::2"}])"),
       "Dhcp6/option-data[1]", "option code 23 is already set at Dhcp6/option-data[0]"},
      {"OptionServerManaged", Dhcp6(R"("option-data": [{"name": "ia-pd", "data": "1,2,3"}])"),
       "Dhcp6/option-data[0]", "option 'ia-pd' (25) is managed by the server"},
      {"OptionPdExcludeIsTheServers", Dhcp6(R"("option-data": [{"code": 67, "data": "2001:db8::/64"}])"),
       "Dhcp6/option-data[0]", "option 'pd-exclude' (67) is managed by the server"},
      {"OptionClientOnly", Dhcp6(R"("option-data": [{"name": "oro", "data": "23"}])"),
       "Dhcp6/option-data[0]", "option 'oro' (6) is sent by clients or relays"},
      {"OptionUnknownSpace", Dhcp6(R"("option-data": [{"space": "dhcp4", "name": "routers", "data": "192.0.2.1"}])"),
       "Dhcp6/option-data[0]/space", "option space 'dhcp4' is not supported"},
      {"OptionUnknownNameInVendorSpace",
       Dhcp6(R"("option-data": [{"space": "vendor-4491", "name": "acs-url", "data": "x"}])"),
       "Dhcp6/option-data[0]/name", "unknown option name 'acs-url' in space 'vendor-4491'"},
      {"VendorOptsEnterpriseTwice",
       Dhcp6(R"("option-data": [{"name": "vendor-opts", "data": "4491"}, {"code": 17, "data": "4491"}])"),
       "Dhcp6/option-data[1]", "enterprise id 4491 is already set at Dhcp6/option-data[0]"},
      {"VendorOptsBadHex",
       Dhcp6(R"("option-data": [{"name": "vendor-opts", "csv-format": false, "data": "000011"}])"),
       "Dhcp6/option-data[0]/data", "neither a 4-byte enterprise id"},
      // The lease store DHCPv4 and DHCPv6 share.
      {"LeaseDatabaseNamesDiffer",
       R"({"Dhcp4": {"lease-database": {"type": "rocksdb", "name": "v4.db"}},
           "Dhcp6": {"lease-database": {"type": "rocksdb", "name": "v6.db"}}})",
       "Dhcp6/lease-database/name",
       "'v6.db' differs from Dhcp4/lease-database/name ('v4.db'): DHCPv4 and DHCPv6 leases are "
       "kept in one store"},
      {"LeaseDatabaseDefaultNameDiffers",
       R"({"Dhcp4": {"lease-database": {"type": "rocksdb"}},
           "Dhcp6": {"lease-database": {"type": "rocksdb", "name": "v6.db"}}})",
       "Dhcp6/lease-database/name", "differs from Dhcp4/lease-database/name ('leases.rocksdb')"},
      {"LeaseDatabaseDurabilityDiffers",
       R"({"Dhcp4": {"lease-database": {"type": "rocksdb", "durability": "wal"}},
           "Dhcp6": {"lease-database": {"type": "rocksdb"}}})",
       "Dhcp6/lease-database/durability",
       "'fsync' differs from Dhcp4/lease-database/durability ('wal')"},
      {"LeaseDatabaseV6Checked", R"({"Dhcp6": {"lease-database": {"type": "mysql"}}})",
       "Dhcp6/lease-database/type", "lease database type 'mysql' is not supported"},
  };
}

INSTANTIATE_TEST_SUITE_P(Dhcp6, Dhcp6ErrorTest, testing::ValuesIn(ErrorCases()),
                         [](const testing::TestParamInfo<ErrorCase>& info) {
                           return info.param.name;
                         });

TEST(Dhcp6ErrorsTest, EveryErrorIsReportedAtOnce) {
  std::vector<std::string> errors = ErrorsOf(R"({"Dhcp6": {
      "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "pools": [{"pool": "2001:db8:9::/120"}],
                   "pd-pools": [{"prefix": "2001:db8:f::", "prefix-len": 48, "delegated-len": 40}]},
                  {"id": 1, "subnet": "2001:db8:2::1/64"}]}})");
  EXPECT_THAT(errors, ElementsAre(HasSubstr("Dhcp6/subnet6[0]/pools[0]/pool"),
                                  HasSubstr("Dhcp6/subnet6[0]/pd-pools[0]/delegated-len"),
                                  HasSubstr("Dhcp6/subnet6[1]/subnet"),
                                  HasSubstr("Dhcp6/subnet6[1]/id")));
}

// ---------------------------------------------------------------- warnings

TEST(Dhcp6WarningTest, BigPoolsAreCut) {
  Config d = MustParse(R"({"Dhcp6": {"subnet6": [{"id": 1, "subnet": "2001:db8:1::/48",
      "pools": [{"pool": "2001:db8:1::/64"}, {"pool": "2001:db8:1:1::/104"},
                {"pool": "2001:db8:1:2:: - 2001:db8:1:2::1:0:0"}]}]}})");
  const std::vector<Pool6>& pools = d.dhcp6.subnets.at(0).pools;
  ASSERT_THAT(pools, SizeIs(3));
  EXPECT_EQ(pools[0].first, A("2001:db8:1::"));
  EXPECT_EQ(pools[0].last, A("2001:db8:1::ff:ffff"));
  EXPECT_EQ(pools[0].size, kMaxPool6Size);
  EXPECT_EQ(pools[1].size, kMaxPool6Size);  // exactly 2^24: not cut
  EXPECT_EQ(pools[1].last, A("2001:db8:1:1::ff:ffff"));
  EXPECT_EQ(pools[2].size, kMaxPool6Size);
  EXPECT_EQ(pools[2].last, A("2001:db8:1:2::ff:ffff"));
  EXPECT_THAT(d.warnings,
              ElementsAre("test.json: Dhcp6/subnet6[0]/pools[0]/pool: '2001:db8:1::/64' has more "
                          "than 2^24 addresses; only the first 2^24 are used (2001:db8:1:: - "
                          "2001:db8:1::ff:ffff)",
                          HasSubstr("Dhcp6/subnet6[0]/pools[2]/pool: '2001:db8:1:2:: - "
                                    "2001:db8:1:2::1:0:0' has more than 2^24 addresses")));
}

TEST(Dhcp6WarningTest, BigPdPoolsAreCut) {
  Config c = MustParse(WithPdPool(R"("prefix": "2001:db8::", "prefix-len": 32, "delegated-len": 64,
                                 "excluded-prefix": "2001:db8::", "excluded-prefix-len": 80)"));
  const PdPool& pd = c.dhcp6.subnets.at(0).pd_pools.at(0);
  EXPECT_EQ(pd.prefix, A("2001:db8::"));
  EXPECT_EQ(pd.prefix_len, 40);  // the first 2^24 /64s
  EXPECT_EQ(pd.delegated_len, 64);
  EXPECT_EQ(pd.size, uint64_t{1} << 24);
  EXPECT_EQ(pd.excluded_prefix_len, 80);
  EXPECT_THAT(c.warnings,
              ElementsAre("test.json: Dhcp6/subnet6[0]/pd-pools[0]/prefix-len: 2001:db8::/32 "
                          "delegates 2^32 /64 prefixes; only the first 2^24 are used "
                          "(2001:db8::/40)"));
  // 24 bits exactly is not cut.
  Config d = MustParse(WithPdPool(R"("prefix": "2001:db8::", "prefix-len": 32, "delegated-len": 56)"));
  EXPECT_EQ(d.dhcp6.subnets.at(0).pd_pools.at(0).prefix_len, 32);
  EXPECT_EQ(d.dhcp6.subnets.at(0).pd_pools.at(0).size, uint64_t{1} << 24);
  EXPECT_THAT(d.warnings, IsEmpty());
}

TEST(Dhcp6WarningTest, KeaNoneForTheExcludedPrefix) {
  Config c = MustParse(WithPdPool(R"("prefix": "2001:db8::", "prefix-len": 48, "delegated-len": 56,
                                 "excluded-prefix": "::", "excluded-prefix-len": 0)"));
  EXPECT_EQ(c.dhcp6.subnets.at(0).pd_pools.at(0).excluded_prefix_len, 0);
  EXPECT_THAT(c.warnings, IsEmpty());
}

TEST(Dhcp6WarningTest, AcceptedButIgnoredKeys) {
  Config c = MustParse(R"({"Dhcp6": {
      "interfaces-config": {"interfaces": ["eth0"]},
      "control-socket": {"socket-type": "unix", "socket-name": "/tmp/kea6"},
      "loggers": [], "dhcp-ddns": {}, "multi-threading": {}, "sanity-checks": {},
      "server-tag": "x", "mac-sources": ["duid"], "relay-supplied-options": ["65"],
      "data-directory": "/var/lib/kea", "client-classes": [{"name": "a"}], "option-def": [],
      "ddns-send-updates": false, "hostname-char-set": "", "store-extended-info": true,
      "cache-threshold": 0.25,
      "hooks-libraries": [{"library": "/usr/lib/kea/hooks/libdhcp_lease_cmds.so"},
                          {"library": "/usr/lib/kea/hooks/libdhcp_ha.so"}],
      "expired-leases-processing": {"max-reclaim-leases": 100, "reclaim-timer-wait-time": 10},
      "host-reservation-identifiers": ["hw-address", "flex-id", "duid"],
      "shared-networks": [{"name": "n", "client-class": "a", "ddns-send-updates": true}],
      "subnet6": [{"id": 1, "subnet": "2001:db8::/64", "client-class": "a",
                   "require-client-classes": ["b"], "cache-max-age": 10,
                   "pools": [{"pool": "2001:db8::/120", "client-class": "a"}],
                   "pd-pools": [{"prefix": "2001:db8:f::", "prefix-len": 48, "delegated-len": 56,
                                 "require-client-classes": ["b"]}],
                   "reservations": [{"flex-id": "'abc'", "hostname": "x"}]}]}})");
  std::set<std::string> paths;
  for (const std::string& w : c.warnings) {
    std::vector<std::string> parts = absl::StrSplit(w, absl::MaxSplits(": ", 2));
    paths.insert(parts.at(1));
  }
  for (const char* p :
       {"Dhcp6/interfaces-config", "Dhcp6/control-socket", "Dhcp6/loggers", "Dhcp6/dhcp-ddns",
        "Dhcp6/multi-threading", "Dhcp6/sanity-checks", "Dhcp6/server-tag", "Dhcp6/mac-sources",
        "Dhcp6/relay-supplied-options", "Dhcp6/data-directory", "Dhcp6/client-classes",
        "Dhcp6/option-def", "Dhcp6/ddns-send-updates", "Dhcp6/hostname-char-set",
        "Dhcp6/store-extended-info", "Dhcp6/cache-threshold",
        "Dhcp6/hooks-libraries[1]/library",
        "Dhcp6/expired-leases-processing/max-reclaim-leases",
        "Dhcp6/expired-leases-processing/reclaim-timer-wait-time",
        "Dhcp6/host-reservation-identifiers[1]", "Dhcp6/shared-networks[0]/client-class",
        "Dhcp6/shared-networks[0]/ddns-send-updates", "Dhcp6/subnet6[0]/client-class",
        "Dhcp6/subnet6[0]/require-client-classes", "Dhcp6/subnet6[0]/cache-max-age",
        "Dhcp6/subnet6[0]/pools[0]/client-class",
        "Dhcp6/subnet6[0]/pd-pools[0]/require-client-classes",
        "Dhcp6/subnet6[0]/reservations[0]/flex-id"}) {
    EXPECT_TRUE(paths.count(p)) << p << " not warned:\n" << absl::StrJoin(c.warnings, "\n");
  }
  EXPECT_EQ(paths.size(), c.warnings.size());
  EXPECT_THAT(c.warnings, Contains(HasSubstr("Dhcp6/control-socket: ignored: fastlease-control "
                                             "has one command socket")));
  EXPECT_THAT(c.warnings, Contains(HasSubstr("Dhcp6/subnet6[0]/client-class: ignored: DHCPv6 "
                                             "client classes are not evaluated yet")));
  EXPECT_THAT(c.dhcp6.host_reservation_identifiers,
              ElementsAre(HostIdentifier::kHwAddress, HostIdentifier::kDuid));
  EXPECT_THAT(c.dhcp6.subnets.at(0).reservations, IsEmpty());  // flex-id: not used
  EXPECT_EQ(c.control.socket_name, "");  // Dhcp4's control-socket (none) stays in charge
}

// ---------------------------------------------------------------- the shared lease store

TEST(Dhcp6LeaseDatabaseTest, Dhcp6AloneSetsTheStore) {
  Config c = MustParse(R"({"Dhcp4": {}, "Dhcp6": {"lease-database":
      {"type": "rocksdb", "name": "/var/lib/fastlease/leases", "durability": "wal", "max-batch": 64}}})");
  EXPECT_EQ(c.dhcp4.lease_database.path, "/var/lib/fastlease/leases");
  EXPECT_EQ(c.dhcp4.lease_database.durability, Durability::kWal);
  EXPECT_EQ(c.dhcp4.lease_database.max_batch, 64u);
  Config only6 = MustParse(R"({"Dhcp6": {"lease-database": {"type": "memfile", "name": "x.db"}}})");
  EXPECT_EQ(only6.dhcp4.lease_database.path, "x.db");
  EXPECT_THAT(only6.warnings,
              ElementsAre(HasSubstr("Dhcp6/lease-database/type: 'memfile' accepted")));
}

TEST(Dhcp6LeaseDatabaseTest, BothMustAgree) {
  Config c = MustParse(R"({
      "Dhcp4": {"lease-database": {"type": "rocksdb", "name": "l.db", "durability": "none",
                                   "max-batch": 100}},
      "Dhcp6": {"lease-database": {"type": "rocksdb", "name": "l.db", "durability": "none",
                                   "max-batch": 200}}})");
  EXPECT_EQ(c.dhcp4.lease_database.path, "l.db");
  EXPECT_EQ(c.dhcp4.lease_database.durability, Durability::kNone);
  EXPECT_EQ(c.dhcp4.lease_database.max_batch, 100u);
  EXPECT_THAT(c.warnings, ElementsAre(HasSubstr(
                              "Dhcp6/lease-database/max-batch: ignored: the shared store uses "
                              "Dhcp4/lease-database/max-batch (100)")));
  // Without a Dhcp6 lease-database the Dhcp4 one is the store.
  Config d = MustParse(R"({"Dhcp4": {"lease-database": {"type": "rocksdb", "name": "a.db"}},
                           "Dhcp6": {}})");
  EXPECT_EQ(d.dhcp4.lease_database.path, "a.db");
  // Both wrong at once: both reported.
  EXPECT_THAT(ErrorsOf(R"({"Dhcp4": {"lease-database": {"type": "rocksdb", "name": "a", "durability": "wal"}},
                           "Dhcp6": {"lease-database": {"type": "rocksdb", "name": "b"}}})"),
              ElementsAre(HasSubstr("Dhcp6/lease-database/name"),
                          HasSubstr("Dhcp6/lease-database/durability")));
}

// ---------------------------------------------------------------- config check

std::optional<KeyVerdict> At(const ConfigCheck& c, const std::string& path) {
  for (const KeyVerdict& k : c.keys) {
    if (k.path == path) return k;
  }
  return std::nullopt;
}

TEST(Dhcp6ConfigCheckTest, Dhcp6KeysHaveVerdicts) {
  const ConfigCheck c = CheckConfigText(R"({"Dhcp6": {
      "valid-lifetime": 4000, "loggers": [], "frobnicate": 1,
      "subnet6": [{"id": 1, "subnet": "2001:db8::/64", "interface-id": "x",
                   "client-class": "a", "colour": "red",
                   "pd-pools": [{"prefix": "2001:db8:f::", "prefix-len": 48, "delegated-len": 40}],
                   "option-data": [{"name": "dns-servers", "data": "2001:db8::1"}]}]}})",
                                        "kea6.json");
  EXPECT_FALSE(c.ok);
  auto verdict = [&](const std::string& path) {
    std::optional<KeyVerdict> k = At(c, path);
    EXPECT_TRUE(k.has_value()) << path;
    return k ? k->verdict : Verdict::kHonoured;
  };
  EXPECT_EQ(verdict("Dhcp6"), Verdict::kHonoured);
  EXPECT_EQ(verdict("Dhcp6/valid-lifetime"), Verdict::kHonoured);
  EXPECT_EQ(verdict("Dhcp6/subnet6"), Verdict::kHonoured);
  EXPECT_EQ(verdict("Dhcp6/subnet6[0]/interface-id"), Verdict::kHonoured);
  EXPECT_EQ(verdict("Dhcp6/subnet6[0]/pd-pools[0]/prefix"), Verdict::kHonoured);
  EXPECT_EQ(verdict("Dhcp6/subnet6[0]/option-data[0]/name"), Verdict::kHonoured);
  EXPECT_EQ(verdict("Dhcp6/loggers"), Verdict::kIgnored);
  EXPECT_EQ(verdict("Dhcp6/subnet6[0]/client-class"), Verdict::kIgnored);
  EXPECT_EQ(verdict("Dhcp6/frobnicate"), Verdict::kRejected);
  EXPECT_EQ(verdict("Dhcp6/subnet6[0]/colour"), Verdict::kRejected);
  EXPECT_EQ(verdict("Dhcp6/subnet6[0]/pd-pools[0]/delegated-len"), Verdict::kRejected);
  EXPECT_EQ(At(c, "Dhcp6/subnet6[0]/pd-pools[0]/delegated-len")->message,
            "delegated-len (40) is shorter than prefix-len (48)");
  size_t rejected = 0;
  for (const KeyVerdict& k : c.keys) rejected += k.verdict == Verdict::kRejected;
  EXPECT_EQ(rejected, c.errors.size());
}

// ---------------------------------------------------------------- the ISP example

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Dhcp6IspExampleTest, ParsesWithOnlyTheExpectedWarnings) {
  absl::StatusOr<Config> loaded = LoadConfigFile(FL_ISP_KEA6_CONFIG);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const Config& c = *loaded;
  std::set<std::string> warned;
  for (const std::string& w : c.warnings) {
    std::vector<std::string> parts = absl::StrSplit(w, absl::MaxSplits(": ", 2));
    warned.insert(parts.at(1));
  }
  EXPECT_EQ(warned, (std::set<std::string>{
                        "Dhcp6/interfaces-config", "Dhcp6/control-socket",
                        "Dhcp6/lease-database/type", "Dhcp6/lease-database/persist",
                        "Dhcp6/lease-database/lfc-interval", "Dhcp6/multi-threading",
                        "Dhcp6/expired-leases-processing/reclaim-timer-wait-time",
                        "Dhcp6/expired-leases-processing/flush-reclaimed-timer-wait-time",
                        "Dhcp6/expired-leases-processing/max-reclaim-leases",
                        "Dhcp6/expired-leases-processing/max-reclaim-time",
                        "Dhcp6/expired-leases-processing/unwarned-reclaim-cycles",
                        "Dhcp6/loggers"}))
      << absl::StrJoin(c.warnings, "\n");

  const Dhcp6Config& v6 = c.dhcp6;
  EXPECT_TRUE(v6.enabled);
  EXPECT_EQ(c.dhcp4.lease_database.path, "/tmp/kea-isp-leases6.csv");
  EXPECT_EQ(v6.hold_reclaimed_time, 86400u);
  EXPECT_EQ(v6.decline_probation_period, 3600u);
  EXPECT_EQ(v6.server_id.type, DuidType6::kEn);
  EXPECT_EQ(v6.server_id.enterprise_id, 32473u);
  EXPECT_EQ(v6.server_id.identifier, (Bytes{0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f}));
  EXPECT_THAT(v6.host_reservation_identifiers,
              ElementsAre(HostIdentifier::kDuid, HostIdentifier::kHwAddress));
  EXPECT_EQ(v6.preference, 200u);
  ASSERT_NE(FindOption(v6.options, 23), nullptr);
  EXPECT_EQ(FindOption(v6.options, 23)->data,
            Concat({B(A("2001:db8:53::53")), B(A("2001:db8:53::54"))}));
  EXPECT_EQ(FindOption(v6.options, 24)->data,
            Concat({Bytes{3}, B("isp"), Bytes{7}, B("example"), Bytes{3}, B("net"), Bytes{0},
                    Bytes{7}, B("example"), Bytes{3}, B("net"), Bytes{0}}));
  EXPECT_EQ(FindOption(v6.options, 32)->data, (Bytes{0, 1, 0x51, 0x80}));
  EXPECT_EQ(FindOption(v6.options, 7), nullptr);

  ASSERT_THAT(v6.shared_networks, SizeIs(1));
  EXPECT_EQ(v6.shared_networks[0].interface_id, B("bng-north/ge-0/0/1.100"));
  ASSERT_THAT(v6.subnets, SizeIs(6));
  std::vector<uint32_t> ids;
  for (const Subnet6& s : v6.subnets) ids.push_back(s.id);
  EXPECT_THAT(ids, ElementsAre(101, 102, 201, 301, 401, 501));

  const Subnet6& north1 = v6.subnets[0];
  EXPECT_EQ(north1.shared_network, 0);
  EXPECT_EQ(north1.interface_id, B("bng-north/ge-0/0/1.100"));
  EXPECT_THAT(north1.relay_addresses, ElementsAre(A("2001:db8:ff:1::1")));
  EXPECT_TRUE(north1.rapid_commit);
  EXPECT_EQ(north1.preferred_lifetime, 43200u);
  EXPECT_EQ(north1.valid_lifetime, 86400u);
  EXPECT_EQ(north1.min_valid_lifetime, 3600u);
  EXPECT_EQ(north1.max_valid_lifetime, 172800u);
  EXPECT_EQ(north1.pools.at(0).size, kMaxPool6Size);
  const PdPool& pd = north1.pd_pools.at(0);
  EXPECT_EQ(pd.prefix_len, 40);
  EXPECT_EQ(pd.delegated_len, 56);
  EXPECT_EQ(pd.size, 65536u);
  EXPECT_EQ(pd.excluded_prefix, A("2001:db8:8000::"));
  EXPECT_EQ(pd.excluded_prefix_len, 64);
  // The network's DNS servers, over the global ones.
  EXPECT_EQ(FindOption(north1.options, 23)->data,
            Concat({B(A("2001:db8:53::1")), B(A("2001:db8:53::2"))}));

  const Subnet6& dsl = v6.subnets[2];
  EXPECT_EQ(dsl.shared_network, -1);
  EXPECT_FALSE(dsl.rapid_commit);
  EXPECT_EQ(dsl.pd_pools.at(0).excluded_prefix, A("2001:db8:9000:ff::"));

  const Subnet6& cmts = v6.subnets[3];
  EXPECT_EQ(cmts.interface_id, B("cmts-01:cable1/0/0"));
  EXPECT_EQ(cmts.preferred_lifetime, 302400u);
  EXPECT_EQ(cmts.valid_lifetime, 604800u);
  const OptionData6* docsis = FindOption(cmts.options, 17);
  ASSERT_NE(docsis, nullptr);
  EXPECT_EQ(Bytes(docsis->data.begin(), docsis->data.begin() + 4), (Bytes{0, 0, 0x11, 0x8b}));

  const Subnet6& biz = v6.subnets[4];
  ASSERT_THAT(biz.reservations, SizeIs(4));
  EXPECT_EQ(biz.reservations[0].identifier_type, HostIdentifier::kDuid);
  EXPECT_THAT(biz.reservations[0].prefixes,
              ElementsAre(std::pair{A("2001:db8:b000::"), uint8_t{48}}));
  EXPECT_THAT(biz.reservations[1].ip_addresses,
              ElementsAre(A("2001:db8:400::11"), A("2001:db8:400::12")));
  EXPECT_EQ(biz.reservations[2].identifier_type, HostIdentifier::kHwAddress);
  EXPECT_EQ(biz.reservations[2].identifier, (Bytes{0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xcc}));
  EXPECT_THAT(biz.reservations[3].prefixes,
              ElementsAre(std::pair{A("2001:db8:b011::"), uint8_t{56}}));
  EXPECT_EQ(biz.pd_pools.at(0).size, 4096u);
  EXPECT_TRUE(biz.reservations_out_of_pool);

  const Subnet6& mgmt = v6.subnets[5];
  EXPECT_TRUE(mgmt.interface_id.empty());
  EXPECT_TRUE(mgmt.relay_addresses.empty());
}

TEST(Dhcp6IspExampleTest, ConfigCheckAgreesWithTheLoader) {
  const std::string text = ReadFile(FL_ISP_KEA6_CONFIG);
  const ConfigCheck c = CheckConfigText(text, "isp-kea6.json");
  EXPECT_TRUE(c.ok) << absl::StrJoin(c.errors, "\n");
  size_t ignored = 0;
  for (const KeyVerdict& k : c.keys) ignored += k.verdict == Verdict::kIgnored;
  EXPECT_EQ(ignored, c.warnings.size());
}

}  // namespace
}  // namespace fastlease::config
