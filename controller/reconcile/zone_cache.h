// Incremental desired zones: a commit that edits a few lines of a large zoneFile (and
// nothing else the zone is built from) becomes a diff applied to the served zone,
// instead of a parse of the whole file and a build of the whole zone.
//
// The cache remembers, per zone, what recent builds read from the zoneFile (its text and
// the parser's checkpoints), keyed by the content hash that the zone's fingerprint
// records. When the applied zone's fingerprint names a remembered text, the manifest and
// Settings are the same documents and only the zoneFile's content changed, the edit is
// parsed as a slice (zone::zone_file_delta), the records it changed plus the new SOA
// serial are applied to the served snapshot (zone::apply_diff), and the zone checks run
// on the result. Anything this path does not model falls back to build_desired_zone,
// which is always right: an $INCLUDE, an edit of the SOA line or of state later lines
// depend on ($ORIGIN, $TTL), an RRset that the manifest also writes, a zone whose last
// build had warnings, or a result with any zone-check finding (the full build reports it
// with file:line:col). The outcome is the zone a full build would make, so planning,
// serials and persistence are unchanged; DesiredZone::diff carries the diff so planning
// does not compare the whole zones either.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "controller/reconcile/desired.h"

namespace gitns::reconcile {

// What the applied zone was built from, as the reconciler knows it.
struct AppliedInputs {
  std::shared_ptr<const zone::Zone> zone;
  const Fingerprint* fingerprint = nullptr;  // null: unknown (rebuild)
};

class ZoneBuildCache {
 public:
  // Texts remembered per zone: the applied one and the one just built (which becomes the
  // applied one when its revision applies). Memory: twice the zoneFile's size per zone
  // (27 MiB of text for a million records), plus about 600 bytes per 16 KiB checkpoint.
  static constexpr size_t kTextsPerZone = 2;

  // Builds the desired zone of `m`, incrementally when it can (see above). `fingerprint`
  // holds the manifest and settings parts of the new inputs (the files part is the
  // build's). Counts of incremental and full builds are kept for logs and tests.
  DesiredZone build(const manifest::ZoneManifest& m, const FileReader& read,
                    const AppliedInputs& applied, const Fingerprint& fingerprint,
                    std::optional<uint32_t> applied_serial, const DesiredOptions& options = {});

  size_t incremental_builds() const { return incremental_; }
  size_t full_builds() const { return full_; }
  void clear() { zones_.clear(); }

 private:
  struct Text {
    std::string manifest, settings;  // fingerprint parts the text was built with
    std::string path, hash;
    std::shared_ptr<const std::string> text;
    std::vector<zone::ZoneFileCheckpoint> checkpoints;
    std::optional<uint32_t> file_serial;
  };

  std::optional<DesiredZone> incremental(const manifest::ZoneManifest& m, const FileReader& read,
                                         const AppliedInputs& applied,
                                         const Fingerprint& fingerprint,
                                         std::optional<uint32_t> applied_serial);
  void remember(const std::string& zone_key, Text text);

  std::map<std::string, std::vector<Text>> zones_;  // by origin lookup key, newest last
  size_t incremental_ = 0, full_ = 0;
};

}  // namespace gitns::reconcile
