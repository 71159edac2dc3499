// Where a reconciler reads revisions from. The git implementation wraps
// controller/git's GitSource; tests use an in-memory one, so the whole reconcile
// (plan, safety, serials, persistence, publication) runs without a repository.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/base/result.h"

namespace gitns::git {
class GitSource;
}

namespace gitns::reconcile {

struct SourceRevision {
  std::string id;  // commit id (40 hex digits for git)
  std::string branch;
  std::string subject;  // first line of the commit message
  bool forced = false;  // history was rewritten since the previous fetch (force-push)
};

struct SourceEntry {
  std::string path;     // relative to the source root (the repository's sub-path)
  std::string blob_id;  // equal content => equal id
};

class RevisionSource {
 public:
  virtual ~RevisionSource() = default;

  // "url branch path" for logs and status.
  virtual std::string describe() const = 0;
  // Updates from the remote and returns its tip. May block on the network.
  virtual base::Result<SourceRevision> fetch() = 0;
  // The manifest files (*.yaml, *.yml, no dot-entries) of a revision, sorted by path,
  // without their content.
  virtual base::Result<std::vector<SourceEntry>> list(std::string_view revision) = 0;
  virtual base::Result<std::string> read_blob(std::string_view blob_id) = 0;
  // Any file of a revision, relative to the source root (zoneFile, $INCLUDE).
  virtual base::Result<std::string> read_file(std::string_view revision, std::string_view path) = 0;
  // Values of trailer `key` (case-insensitive) on the commits reachable from `to` but not
  // from `from` (every ancestor of `to` when `from` is empty).
  virtual base::Result<std::vector<std::string>> trailer_values(std::string_view from,
                                                                std::string_view to,
                                                                std::string_view key) = 0;
  // The path shown to people for a source-root path (the repository path).
  virtual std::string display_path(std::string_view path) const { return std::string(path); }
};

// A RevisionSource over a GitSource (which must outlive it).
std::unique_ptr<RevisionSource> git_revision_source(git::GitSource& git);

}  // namespace gitns::reconcile
