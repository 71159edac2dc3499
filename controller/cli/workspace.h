// Where the offline verbs read manifests from: a folder on disk (a working copy, as CI
// checks it out) or a revision of a git repository (a local path read in place, or a
// remote URL fetched into a temporary cache).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "controller/manifest/loader.h"
#include "controller/reconcile/desired.h"
#include "controller/reconcile/revision_plan.h"
#include "controller/reconcile/source.h"
#include "resolver/base/result.h"

namespace gitns::git {
class GitSource;
}

namespace gitns::cli {

// The manifests of a folder: *.yaml/*.yml below `root`, hidden entries skipped (as in
// git), paths relative to `root`. `root` may also be one manifest file.
struct FolderSource {
  std::string root;     // the folder the paths are relative to
  std::string display;  // prefix shown in messages ("" for ".")
  std::vector<manifest::SourceFile> files;
  std::string show(const std::string& path) const;
  reconcile::FileReader reader() const;  // zoneFile/$INCLUDE, confined to root
};
base::Result<FolderSource> read_folder(const std::string& path);

// The desired state of a folder (what validate checks).
reconcile::RevisionState load_folder(const FolderSource& folder,
                                     const reconcile::AppliedSerial& applied = {});

// A git repository opened for reading revisions. Remote URLs (file://, https://, ssh://,
// user@host:path) are fetched into a temporary cache that is deleted with the object.
class Repo {
 public:
  static base::Result<std::unique_ptr<Repo>> open(const std::string& url,
                                                   const std::string& sub_path,
                                                   const std::string& branch = {});
  ~Repo();
  // Full commit id of a revision expression (HEAD, main, origin/main~1, abbreviated ids).
  base::Result<std::string> resolve(const std::string& rev);
  // The branch tip fetch() found: the remote's HEAD (or `branch`), HEAD for a local path.
  const std::string& tip() const { return tip_; }
  reconcile::RevisionSource& source() { return *source_; }
  git::GitSource& git() { return *git_; }

 private:
  Repo() = default;
  std::unique_ptr<git::GitSource> git_;
  std::unique_ptr<reconcile::RevisionSource> source_;
  std::string temp_dir_;
  std::string tip_;
};

bool is_remote_url(const std::string& url);

}  // namespace gitns::cli
