#include "controller/git/git_source.h"
#include "controller/git/tree_path.h"
#include "controller/reconcile/source.h"

namespace gitns::reconcile {
namespace {

class GitRevisionSource final : public RevisionSource {
 public:
  explicit GitRevisionSource(git::GitSource& git) : git_(git) {}

  std::string describe() const override {
    const auto& c = git_.config();
    std::string out = c.url;
    out += " branch=" + (c.branch.empty() ? std::string("(remote HEAD)") : c.branch);
    if (!c.sub_path.empty()) out += " path=" + c.sub_path;
    return out;
  }

  base::Result<SourceRevision> fetch() override {
    GITNS_TRY(git::Revision r, git_.fetch());
    return SourceRevision{r.commit.id, r.branch, r.commit.subject, r.forced};
  }

  base::Result<std::vector<SourceEntry>> list(std::string_view revision) override {
    GITNS_TRY(auto files, git_.read_tree(revision, git::Content::skip));
    std::vector<SourceEntry> out;
    out.reserve(files.size());
    for (auto& f : files) out.push_back({std::move(f.path), std::move(f.blob_id)});
    return out;
  }

  base::Result<std::string> read_blob(std::string_view blob_id) override {
    return git_.read_blob(blob_id);
  }

  base::Result<std::string> read_file(std::string_view revision, std::string_view path) override {
    return git_.read_file(revision, path);
  }

  base::Result<std::vector<std::string>> trailer_values(std::string_view from, std::string_view to,
                                                        std::string_view key) override {
    GITNS_TRY(auto commits, git_.commits_between(from, to));
    std::vector<std::string> out;
    for (const auto& c : commits) {
      for (auto& v : c.trailer_values(key)) out.push_back(std::move(v));
    }
    return out;
  }

  std::string display_path(std::string_view path) const override {
    return git::join_tree_path(git_.config().sub_path, path);
  }

 private:
  git::GitSource& git_;
};

}  // namespace

std::unique_ptr<RevisionSource> git_revision_source(git::GitSource& git) {
  return std::make_unique<GitRevisionSource>(git);
}

}  // namespace gitns::reconcile
