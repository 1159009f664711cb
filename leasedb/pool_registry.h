// PoolRegistry lives with AddressPool; this header is the name the server includes.
#pragma once
#include "leasedb/address_pool.h"
