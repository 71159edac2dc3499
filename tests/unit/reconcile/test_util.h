// Helpers for the reconcile tests: zones from master-file text, an in-memory revision
// source (commits of files with trailers), and temporary folders.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "controller/reconcile/desired.h"
#include "controller/reconcile/source.h"
#include "resolver/wire/name.h"
#include "resolver/zone/zone_builder.h"
#include "resolver/zone/zonefile.h"

namespace gitns::reconcile::test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "gitns-reconcile-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::shared_ptr<const zone::Zone> zone_from(const std::string& origin,
                                                   const std::string& text) {
  zone::ZoneFileOptions opts;
  opts.origin = wire::Name::must(origin);
  zone::ZoneFileResult parsed = zone::parse_zone_file(text, opts);
  for (const auto& e : parsed.errors) ADD_FAILURE() << e.to_string();
  zone::ZoneBuilder b(opts.origin);
  for (const auto& r : parsed.records) b.add(r.rr);
  zone::BuildResult built = b.build();
  if (!built.ok()) ADD_FAILURE() << built.error().to_string();
  return built.zone;
}

// "$TTL 300\n@ SOA ... SERIAL ...\n@ NS ns1\n@ NS ns2\nns1 A ...\nns2 A ...\n" + extra
inline std::string zone_text(uint32_t serial, const std::string& extra = "",
                             const std::string& ns = "ns1 ns2") {
  std::string t =
      "$TTL 300\n@ SOA ns1 hostmaster " + std::to_string(serial) + " 3600 600 86400 300\n";
  size_t i = 0;
  while (i < ns.size()) {
    size_t end = ns.find(' ', i);
    if (end == std::string::npos) end = ns.size();
    std::string n = ns.substr(i, end - i);
    t += "@ NS " + n + "\n" + n + " A 192.0.2." + std::to_string(50 + (i % 100)) + "\n";
    i = end + 1;
  }
  return t + extra;
}

// A repository in memory: commits are full snapshots of files plus trailers.
class MemorySource final : public RevisionSource {
 public:
  struct Commit {
    std::string id;
    std::string parent;
    std::map<std::string, std::string> files;  // path -> content
    std::vector<std::string> allow_unsafe;     // Gitns-Allow-Unsafe trailer values
  };

  // Adds a commit on top of the tip and makes it the tip; returns its id.
  std::string commit(std::map<std::string, std::string> files,
                     std::vector<std::string> allow_unsafe = {}) {
    Commit c;
    c.id = "c" + std::to_string(commits_.size() + 1) + std::string(38, '0');
    c.parent = tip_;
    c.files = std::move(files);
    c.allow_unsafe = std::move(allow_unsafe);
    commits_[c.id] = c;
    tip_ = c.id;
    return c.id;
  }
  // The files of the tip, for edits.
  std::map<std::string, std::string> files() const {
    return tip_.empty() ? std::map<std::string, std::string>{} : commits_.at(tip_).files;
  }
  const std::string& tip() const { return tip_; }
  void set_tip(const std::string& id) { tip_ = id; }  // a force-push
  void fail_fetch(bool fail) { fail_fetch_ = fail; }
  size_t blob_reads() const { return blob_reads_; }
  size_t file_reads() const { return file_reads_; }

  std::string describe() const override { return "memory"; }
  base::Result<SourceRevision> fetch() override {
    if (fail_fetch_) return base::fail(base::Errc::io, "remote unreachable (test)");
    if (tip_.empty()) return base::fail(base::Errc::not_found, "no commits");
    return SourceRevision{tip_, "main", "commit " + tip_.substr(0, 3), false};
  }
  base::Result<std::vector<SourceEntry>> list(std::string_view revision) override {
    GITNS_TRY(const Commit* c, find(revision));
    std::vector<SourceEntry> out;
    for (const auto& [path, content] : c->files) {
      bool yaml = path.ends_with(".yaml") || path.ends_with(".yml");
      if (yaml) out.push_back({path, content_hash(content)});
    }
    return out;
  }
  base::Result<std::string> read_blob(std::string_view blob_id) override {
    ++blob_reads_;
    for (const auto& [id, c] : commits_) {
      for (const auto& [path, content] : c.files) {
        if (content_hash(content) == blob_id) return content;
      }
    }
    return base::fail(base::Errc::not_found, "no blob " + std::string(blob_id));
  }
  base::Result<std::string> read_file(std::string_view revision, std::string_view path) override {
    ++file_reads_;
    GITNS_TRY(const Commit* c, find(revision));
    auto it = c->files.find(std::string(path));
    if (it == c->files.end())
      return base::fail(base::Errc::not_found, std::string(path) + " does not exist in the commit");
    return it->second;
  }
  base::Result<std::vector<std::string>> trailer_values(std::string_view from, std::string_view to,
                                                        std::string_view key) override {
    if (key != "Gitns-Allow-Unsafe") return std::vector<std::string>{};
    // Walk from `to` back to `from` (exclusive) along parents.
    std::vector<std::string> out;
    std::string id(to);
    while (!id.empty() && id != from) {
      GITNS_TRY(const Commit* c, find(id));
      out.insert(out.end(), c->allow_unsafe.begin(), c->allow_unsafe.end());
      id = c->parent;
    }
    return out;
  }

 private:
  base::Result<const Commit*> find(std::string_view id) const {
    auto it = commits_.find(std::string(id));
    if (it == commits_.end())
      return base::fail(base::Errc::not_found, "no commit " + std::string(id));
    return &it->second;
  }

  std::map<std::string, Commit> commits_;
  std::string tip_;
  bool fail_fetch_ = false;
  size_t blob_reads_ = 0;
  size_t file_reads_ = 0;
};

// A Zone manifest document.
inline std::string zone_yaml(const std::string& name, const std::string& spec) {
  return "apiVersion: gitns.io/v1\nkind: Zone\nmetadata:\n  name: " + name + "\nspec:\n" + spec;
}

}  // namespace gitns::reconcile::test
