#include "dataplane/eal.h"

#include <rte_eal.h>
#include <rte_errno.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace fastlease::dataplane {

bool IsVdev(std::string_view device) { return device.substr(0, 4) == "net_"; }

bool IsProgramRingDevice(std::string_view device) {
  return device.substr(0, 9) == "net_ring_" && device.find(',') == std::string_view::npos;
}

std::string DeviceName(std::string_view device) {
  return std::string(device.substr(0, device.find(',')));
}

std::string EalDeviceArg(std::string_view device, uint32_t workers) {
  std::string arg(device);
  if (device.substr(0, 13) == "net_af_packet" && device.find("qpairs=") == std::string::npos &&
      workers > 1) {
    absl::StrAppend(&arg, ",qpairs=", workers);
  }
  return arg;
}

std::vector<std::string> BuildEalArgs(std::string_view program,
                                      const config::DataplaneConfig& dataplane) {
  std::vector<std::string> args;
  args.emplace_back(program);
  args.insert(args.end(), dataplane.eal_args.begin(), dataplane.eal_args.end());
  for (const config::Port& port : dataplane.ports) {
    if (IsProgramRingDevice(port.device)) continue;  // made by the program after EAL
    if (IsVdev(port.device)) {
      args.emplace_back("--vdev");
      args.push_back(EalDeviceArg(port.device, dataplane.workers));
    } else {
      args.emplace_back("-a");
      args.push_back(port.device);
    }
  }
  return args;
}

absl::Status InitEal(const std::vector<std::string>& args) {
  // rte_eal_init may permute argv; give it copies it can keep.
  static std::vector<std::string> storage;
  static std::vector<char*> argv;
  storage = args;
  argv.clear();
  for (std::string& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int rc = rte_eal_init(int(storage.size()), argv.data());
  if (rc < 0) {
    return absl::InternalError(absl::StrCat("rte_eal_init failed: ", rte_strerror(rte_errno),
                                            " (args: ", absl::StrJoin(args, " "), ")"));
  }
  return absl::OkStatus();
}

}  // namespace fastlease::dataplane
