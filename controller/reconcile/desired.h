// The desired state of one zone: a Zone manifest plus its zoneFile (and $INCLUDEs), read
// from the same commit, merged and built into a zone snapshot. Also the fingerprint of
// those inputs, which lets a reconcile skip the rebuild of zones whose inputs did not
// change (their applied snapshot is reused as it is).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/manifest/diagnostic.h"
#include "controller/manifest/manifest.h"
#include "resolver/base/result.h"
#include "resolver/zone/zone.h"
#include "resolver/zone/zonefile.h"

namespace gitns::reconcile {

// Reads a file of the commit being reconciled; `path` is relative to the source root
// (the repository's sub-path), as Zone manifests write zoneFile.
using FileReader = std::function<base::Result<std::string>(const std::string& path)>;

// A 64-bit hash of `data` as 16 hex digits (eight bytes per step: megabytes of zoneFile
// hash in well under a millisecond): a content fingerprint, not a security hash (whoever
// can write the repository decides its content anyway). Fingerprints stored by an older
// version with another hash only cost one rebuild of their zone.
std::string content_hash(std::string_view data);

// Everything a zone is built from. Two equal fingerprints build the same zone.
struct Fingerprint {
  std::string manifest;  // blob id of the manifest file + "#" + document index
  std::string settings;  // blob id of the Settings file (its defaults apply); "" if none
  struct File {
    std::string path;  // relative to the source root
    std::string hash;  // content_hash of its content
    bool operator==(const File&) const = default;
  };
  std::vector<File> files;  // the zoneFile, then its $INCLUDEs in the order read

  bool operator==(const Fingerprint&) const = default;
  std::string to_json() const;
  static std::optional<Fingerprint> from_json(std::string_view text);
};

// True when every file of `fp` still has the same content in the commit `read` reads.
// A file that cannot be read counts as changed.
bool files_unchanged(const Fingerprint& fp, const FileReader& read);

struct DesiredZone {
  std::shared_ptr<const zone::Zone> zone;  // null when `errors` is not empty
  uint32_t candidate_serial = 0;           // the serial the zone was built with
  std::optional<uint32_t> file_serial;     // the zoneFile's SOA serial
  std::vector<Fingerprint::File> files;    // files read (for the fingerprint)
  std::vector<manifest::Diagnostic> errors;
  std::vector<std::string> warnings;  // "file:line:col: warning: ..."
  // The diff from the applied zone to `zone` when the build already knows it (an
  // incremental build, zone_cache.h): planning then need not compare the whole zones.
  std::optional<zone::ZoneDiff> diff;
  bool ok() const { return errors.empty() && zone; }
};

// What a build read from its zoneFile, kept so that the next edit of that file can be
// parsed as a slice (zone::zone_file_delta) rather than whole.
struct ZoneFileMemo {
  std::string path;
  std::string text;
  std::vector<zone::ZoneFileCheckpoint> checkpoints;
};

struct DesiredOptions {
  // Shown in messages instead of source-root paths (e.g. the sub-path prefixed), so
  // locations are the repository paths an editor or GitHub annotation wants.
  std::function<std::string(const std::string&)> display_path;
  size_t max_errors = 100;
};

// Builds the zone of `m`:
//  - records: the manifest's SOA and apex NS (apex_records) and records, merged with
//    the zoneFile's records. Each RRset (owner and type) comes from one of the two: an
//    RRset written in both is an error naming both places, the SOA and apex NS included.
//  - serial: candidate_serial() of the policy, `applied_serial` and the file's serial;
//    the file's SOA gets it when the manifest has no spec.soa.
//  - zoneFile's default TTL is spec.ttl ($TTL in the file wins); $INCLUDE reads through
//    `read` and stays inside the source root.
// Every error is reported with its file:line:col, and the zone checks (ZoneBuilder) run
// on the merged data.
// `memo`, when given, receives the zoneFile's text and parser checkpoints.
DesiredZone build_desired_zone(const manifest::ZoneManifest& m, const FileReader& read,
                               std::optional<uint32_t> applied_serial,
                               const DesiredOptions& options = {}, ZoneFileMemo* memo = nullptr);

}  // namespace gitns::reconcile
