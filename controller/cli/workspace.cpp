#include "controller/cli/workspace.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "controller/git/git_source.h"
#include "controller/git/tree_path.h"
#include "resolver/zone/zonefile.h"

namespace gitns::cli {
namespace fs = std::filesystem;

namespace {

base::Result<std::string> read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return base::fail(base::Errc::io, "cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return base::fail(base::Errc::io, "cannot read " + p.string());
  return s.str();
}

std::string display_prefix(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  while (p.rfind("./", 0) == 0) p.erase(0, 2);
  if (p == ".") p.clear();
  return p;
}

}  // namespace

std::string FolderSource::show(const std::string& path) const {
  if (display.empty()) return path;
  return display + "/" + path;
}

reconcile::FileReader FolderSource::reader() const {
  zone::IncludeReader r = zone::filesystem_reader(root);
  return [r](const std::string& path) { return r(path); };
}

base::Result<FolderSource> read_folder(const std::string& path) {
  FolderSource f;
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return base::fail(base::Errc::not_found, path + ": no such file or folder");
  if (fs::is_regular_file(st)) {
    fs::path p(path);
    f.root = p.has_parent_path() ? p.parent_path().string() : ".";
    f.display = display_prefix(p.has_parent_path() ? p.parent_path().string() : ".");
    GITNS_TRY(std::string content, read_text(p));
    f.files.push_back({p.filename().string(), std::move(content), {}});
    return f;
  }
  if (!fs::is_directory(st)) return base::fail(base::Errc::io, path + ": not a file or folder");
  f.root = path;
  f.display = display_prefix(path);
  fs::recursive_directory_iterator it(path, fs::directory_options::none, ec), end;
  if (ec) return base::fail(base::Errc::io, "cannot list " + path + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return base::fail(base::Errc::io, "cannot list " + path + ": " + ec.message());
    std::string name = it->path().filename().string();
    if (git::is_hidden_name(name)) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink() || !it->is_regular_file()) continue;  // git skips links too
    std::string rel = fs::relative(it->path(), path).generic_string();
    if (!manifest::is_manifest_path(rel)) continue;
    GITNS_TRY(std::string content, read_text(it->path()));
    f.files.push_back({rel, std::move(content), {}});
  }
  std::sort(f.files.begin(), f.files.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  return f;
}

reconcile::RevisionState load_folder(const FolderSource& folder,
                                     const reconcile::AppliedSerial& applied) {
  reconcile::DisplayPath display = [&folder](const std::string& p) { return folder.show(p); };
  return reconcile::build_revision(folder.files, folder.reader(), display, applied);
}

bool is_remote_url(const std::string& url) {
  if (url.find("://") != std::string::npos) return true;
  // scp-like user@host:path (a colon before any slash)
  size_t colon = url.find(':');
  size_t slash = url.find('/');
  return colon != std::string::npos && colon > 1 && (slash == std::string::npos || colon < slash);
}

base::Result<std::unique_ptr<Repo>> Repo::open(const std::string& url, const std::string& sub_path,
                                               const std::string& branch) {
  std::unique_ptr<Repo> r(new Repo());
  if (!is_remote_url(url)) {
    GITNS_TRY(git::GitSource g, git::GitSource::open_local(url, {}, sub_path));
    r->git_ = std::make_unique<git::GitSource>(std::move(g));
  } else {
    std::string tmpl = (fs::temp_directory_path() / "gitnsctl-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr)
      return base::fail(base::Errc::io, "cannot create a temporary folder for the git cache");
    r->temp_dir_ = tmpl;
    git::SourceConfig c;
    c.url = url;
    c.branch = branch;
    c.sub_path = sub_path;
    c.cache_dir = tmpl + "/cache";
    GITNS_TRY(git::GitSource g, git::GitSource::open(c));
    r->git_ = std::make_unique<git::GitSource>(std::move(g));
  }
  auto fetched = r->git_->fetch();
  if (fetched)
    r->tip_ = fetched->commit.id;
  else if (is_remote_url(url))  // a local path resolves HEAD itself (detached HEADs too)
    return fetched.failure();
  r->source_ = reconcile::git_revision_source(*r->git_);
  return r;
}

Repo::~Repo() {
  source_.reset();
  git_.reset();
  if (!temp_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(temp_dir_, ec);
  }
}

base::Result<std::string> Repo::resolve(const std::string& rev) {
  GITNS_TRY(git::CommitInfo c, git_->resolve(rev));
  return c.id;
}

}  // namespace gitns::cli
