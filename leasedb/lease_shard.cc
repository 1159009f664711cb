#include "leasedb/lease_shard.h"

namespace fastlease::leasedb {

template class BasicLeaseShard<Lease, ClientKey>;
template class BasicLeaseShard<Lease6, ClientKey6>;

}  // namespace fastlease::leasedb
