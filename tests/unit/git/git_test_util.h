// Test helpers: temporary folders and real repositories built with the git CLI.
// The CLI runs with no global/system config (as on CI machines, which have no identity)
// and an explicit identity and dates, so commits are reproducible.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace gitns::git::testing {

inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "gitns-git-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

// Runs `cmd` in /bin/sh; returns its stdout, and its exit status through `status`.
inline std::string run(const std::string& cmd, int* status = nullptr) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    if (status) *status = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int rc = pclose(p);
  if (status) *status = rc;
  return out;
}

inline std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

inline void write_file(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

// A repository driven by the git CLI. `dir` is a working tree, or a bare repository
// when created with bare=true.
class Repo {
 public:
  explicit Repo(std::string dir) : dir_(std::move(dir)) {}

  static Repo init(const std::string& dir, const std::string& branch = "main", bool bare = false) {
    std::filesystem::create_directories(dir);
    Repo r(dir);
    r.git(std::string("init -q ") + (bare ? "--bare " : "") + "-b " + branch);
    return r;
  }

  const std::string& dir() const { return dir_; }

  // Runs git in the repository; fails the test on a non-zero exit.
  std::string git(const std::string& args, const std::string& env = {}) const {
    int status = 0;
    const std::string cmd = "cd " + quote(dir_) +
                            " && env GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 " +
                            "GIT_AUTHOR_NAME='Test Author' GIT_AUTHOR_EMAIL=author@example.com " +
                            "GIT_COMMITTER_NAME='Test Committer' "
                            "GIT_COMMITTER_EMAIL=committer@example.com " +
                            env + " git -c commit.gpgsign=false " + args + " 2>&1";
    std::string out = run(cmd, &status);
    EXPECT_EQ(status, 0) << cmd << "\n" << out;
    return trim(out);
  }

  void write(const std::string& rel, const std::string& content) const {
    write_file(dir_ + "/" + rel, content);
  }
  void remove(const std::string& rel) const { std::filesystem::remove_all(dir_ + "/" + rel); }

  // Commits everything in the working tree with `message` (exact, via a file) at
  // `time` seconds since the epoch (author and committer), returns the commit id.
  std::string commit(const std::string& message, long time = 1700000000) const {
    const std::string msg_file = dir_ + "/../.msg-" + std::to_string(counter_++);
    write_file(msg_file, message);
    const std::string date = "'@" + std::to_string(time) + " +0100'";
    git("add -A");
    git("commit -q --allow-empty --cleanup=verbatim -F " + quote(msg_file),
        "GIT_AUTHOR_DATE=" + date + " GIT_COMMITTER_DATE=" + date);
    std::filesystem::remove(msg_file);
    return head();
  }

  std::string head() const { return git("rev-parse HEAD"); }
  std::string rev(const std::string& spec) const { return git("rev-parse " + quote(spec)); }

 private:
  std::string dir_;
  mutable int counter_ = 0;
};

}  // namespace gitns::git::testing
