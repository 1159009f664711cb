// A lease in Kea's JSON shape (docs/commands.md), appended as text.
//
//   {"ip-address": "192.0.2.10", "hw-address": "52:54:00:12:34:56",
//    "client-id": "01:52:54:00:12:34:56", "subnet-id": 1, "valid-lft": 3600,
//    "cltt": 1764000000, "fqdn-fwd": false, "fqdn-rev": false, "hostname": "",
//    "state": 0}
//
// `state` is Kea's: 0 bound (and offered), 1 declined, 2 expired-reclaimed;
// released is 2 with "released": true. `client-id` is left out when the client
// sent none; one longer than the 16 bytes kept is its first 16 bytes and "...".
// Written by hand (no escaping is ever needed): this runs once per lease event.
#pragma once

#include <string>

#include "leasedb/lease.h"

namespace fastlease::control {

void AppendLeaseJson(std::string& out, const leasedb::Lease& lease);

// Kea's numeric lease state for ours.
int KeaLeaseState(leasedb::LeaseState state);

}  // namespace fastlease::control
