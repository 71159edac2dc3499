// A new zone snapshot made from an existing one and a diff, without parsing, interning
// and sorting the whole zone again: a one-record change in a 100,000-record zone copies
// the unchanged nodes, RRsets and bytes in bulk (a few memcpy calls and one pass fixing
// offsets) and rebuilds only the changed nodes. The base zone is not modified; queries
// in flight keep reading it.
//
// The result equals the zone ZoneBuilder would build from the same records (same nodes,
// RRsets, rdata order, flags, parents), with one exception: an RRset whose type is new at
// an existing name is placed after that name's other RRsets, where a build from records
// orders a name's RRsets by first appearance in the input. Answers do not depend on that
// order (an ANY query picks the lowest type, zone.cpp); only listings such as records()
// may show a name's RRsets in another order.
//
// What needs the builder's judgement fails with Errc::unsupported, so the caller builds
// from scratch and gets its warnings: an RRset left with records of different TTLs, a
// record added twice (a duplicate), an RRset over 65535 records. A diff that does not fit
// the zone (a removed record that is not there, an added one already there, a record
// outside the zone or of another class) fails with Errc::semantic. Zone checks
// (check_zone) are the caller's to run on the result.
#pragma once

#include <memory>

#include "resolver/base/result.h"
#include "resolver/zone/zone.h"

namespace gitns::zone {

base::Result<std::shared_ptr<const Zone>> apply_diff(const Zone& base, const ZoneDiff& diff);

}  // namespace gitns::zone
