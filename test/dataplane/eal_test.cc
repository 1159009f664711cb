#include "dataplane/eal.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "dataplane/counters.h"

namespace fastlease::dataplane {
namespace {

TEST(EalArgs, VdevsAndPciDevicesFollowTheConfigArgs) {
  config::DataplaneConfig dp;
  dp.eal_args = {"--no-huge", "--no-pci", "-m", "256"};
  dp.workers = 2;
  config::Port a;
  a.device = "net_af_packet0,iface=veth0";
  config::Port b;
  b.device = "net_tap0,iface=tap0";
  config::Port c;
  c.device = "0000:03:00.0";
  config::Port d;
  d.device = "net_af_packet1,iface=veth1,qpairs=4";
  dp.ports = {a, b, c, d};
  const std::vector<std::string> expected = {"prog",
                                             "--no-huge",
                                             "--no-pci",
                                             "-m",
                                             "256",
                                             "--vdev",
                                             "net_af_packet0,iface=veth0,qpairs=2",
                                             "--vdev",
                                             "net_tap0,iface=tap0",
                                             "-a",
                                             "0000:03:00.0",
                                             "--vdev",
                                             "net_af_packet1,iface=veth1,qpairs=4"};
  EXPECT_EQ(BuildEalArgs("prog", dp), expected);
}

TEST(EalArgs, OneWorkerAddsNoQpairs) {
  EXPECT_EQ(EalDeviceArg("net_af_packet0,iface=v", 1), "net_af_packet0,iface=v");
  EXPECT_EQ(DeviceName("net_af_packet0,iface=v"), "net_af_packet0");
  EXPECT_EQ(DeviceName("0000:03:00.0"), "0000:03:00.0");
  EXPECT_TRUE(IsVdev("net_null0"));
  EXPECT_FALSE(IsVdev("03:00.0"));
}

TEST(Counters, NamesAreUniqueAndSectioned) {
  std::set<std::string> names;
  for (size_t i = 0; i < kCounterCount; ++i) {
    EXPECT_TRUE(names.insert(CounterName(i)).second) << CounterName(i);
  }
  EXPECT_EQ(CounterName(CounterLayout::kWireDrops + size_t(WireDrop::kIpFragment)),
            "wire_ip_fragment");
  EXPECT_EQ(CounterName(CounterLayout::kWorkerDrops + size_t(WorkerDrop::kParkFull)),
            "drop_park_full");
  EXPECT_EQ(CounterName(CounterLayout::kParseResults), "dhcp4_parse_ok");
  EXPECT_FALSE(IsDropCounter(CounterLayout::kParseResults));
  EXPECT_TRUE(IsDropCounter(CounterLayout::kParseResults + 1));
  EXPECT_EQ(CounterName(CounterLayout::kSent + size_t(dhcp4::MessageType::kOffer)),
            "pkt4-offer-sent");
  EXPECT_EQ(CounterName(CounterLayout::kReceived + size_t(dhcp4::MessageType::kDiscover)),
            "pkt4-discover-received");
  EXPECT_FALSE(IsDropCounter(CounterLayout::kSent));
  EXPECT_TRUE(IsDropCounter(CounterLayout::kServerDrops));
}

}  // namespace
}  // namespace fastlease::dataplane
