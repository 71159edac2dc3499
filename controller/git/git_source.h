// GitSource: the controller's view of one git repository — fetch a branch into a local
// cache and read manifests straight from a commit's tree (no checkout). The only code
// that touches libgit2; its handles stay in git_source.cpp.
//
// Not thread-safe: one GitSource is used by one thread at a time (the reconciler's).
// Objects of different GitSources may be used concurrently.
// Keep one GitSource for the life of the process rather than opening one per poll:
// libgit2 1.5 leaks PCRE2 match data (~20 KiB per git config entry) each time it loads
// a remote, which open() does once; fetch() reuses that remote and does not grow.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/base/result.h"

namespace gitns::git {

// Secrets are read from files or the environment at every fetch (never from git, never
// stored), so a rotated token is picked up without a restart.
struct Credentials {
  // https://: HTTP basic authentication with a token (GitHub/GitLab personal access or
  // deploy token). `username` empty: the user in the URL, else "x-access-token" (GitHub
  // ignores the name when the password is a token; GitLab deploy tokens need theirs).
  std::string username;
  std::string token_file;  // a file holding the token; one trailing newline is stripped
  std::string token_env;   // or the name of an environment variable holding it

  // ssh:// and scp-like "user@host:path": public-key authentication. The user is the one
  // in the URL, else `username`, else "git". Use ed25519 keys: libssh2 1.10 lacks the
  // rsa-sha2 signatures that current servers require for RSA keys.
  std::string ssh_key_file;         // private key (OpenSSH or PEM format)
  std::string ssh_public_key_file;  // optional; libssh2 derives it from the private key
  std::string ssh_passphrase_file;  // optional; one trailing newline is stripped
  // Host-key check. Empty: libgit2 checks the process user's ~/.ssh/known_hosts (hashed
  // entries included) and refuses unknown hosts. Set: only this file is consulted (plain
  // entries, see known_hosts.h; create it with `ssh-keyscan -t ed25519 HOST` after
  // checking the fingerprint). There is no trust-on-first-use.
  std::string ssh_known_hosts_file;
  bool ssh_insecure_skip_host_key_check = false;  // tests and labs only: accepts any key
};

struct SourceConfig {
  // A local path (working tree, its .git, or a bare repository), file://, https://,
  // http://, ssh:// or scp-like user@host:path. A relative local path is made absolute
  // against the current directory when the source is opened.
  std::string url;
  std::string branch;     // empty: the remote's default branch (its HEAD)
  std::string sub_path;   // folder inside the repository holding the manifests; "" = root
  std::string cache_dir;  // bare cache repository, e.g. <state>/git-cache; created if absent
  Credentials credentials;
  // Largest blob read_tree/read_file/read_blob will load; bigger files fail with
  // Errc::limit instead of exhausting memory.
  std::uint64_t max_file_size = 256ull << 20;
};

struct Trailer {
  std::string key;  // as written, e.g. "Gitns-Allow-Unsafe"
  std::string value;
};

struct CommitInfo {
  std::string id;  // 40 hex digits
  std::string author_name;
  std::string author_email;
  std::int64_t author_time = 0;   // seconds since the epoch
  int author_offset_minutes = 0;  // the author's UTC offset
  std::int64_t commit_time = 0;   // committer time, seconds since the epoch
  std::string subject;            // first paragraph, whitespace squashed (git's %s)
  std::string message;            // the whole message
  std::vector<Trailer> trailers;  // git interpret-trailers rules (last paragraph)

  // Values of every trailer whose key equals `key`, ASCII case-insensitive (git treats
  // trailer keys so), in message order.
  std::vector<std::string> trailer_values(std::string_view key) const;
};

struct Revision {
  std::string branch;  // resolved branch name, e.g. "main" (also when taken from HEAD)
  CommitInfo commit;   // the branch tip
  // The tip the previous successful fetch() of this cache reported, whatever its branch
  // (kept in the cache, so it survives restarts); empty on the first fetch and after the
  // URL changed. Local mode (open_local): the previous fetch() of this object.
  std::string previous;
  bool changed = false;  // commit.id != previous
  // The new tip does not descend from `previous`: history was rewritten (force-push).
  // The reconciler plans against its applied state as usual, but should log it.
  bool forced = false;
};

struct TreeFile {
  std::string path;       // relative to the sub-path, e.g. "zones/example.yaml"
  std::string repo_path;  // relative to the repository root (for file:line:col messages
                          // and GitHub annotations, which want repository paths)
  std::string blob_id;    // 40 hex digits; equal content => equal id (parse cache key)
  std::uint64_t size = 0;
  std::string content;  // empty when listed with Content::skip
};

enum class Content { load, skip };

class GitSource {
 public:
  // Opens (creating if needed) the bare cache in config.cache_dir and points its remote
  // at config.url. Nothing is fetched yet. Fails for an empty url or cache_dir, or a
  // cache_dir that exists, is not empty and is not a git repository (it is never
  // deleted: delete it by hand, it only holds fetched data).
  static base::Result<GitSource> open(SourceConfig config);

  // Reads a local repository in place, without a cache or a fetch: for gitnsctl
  // (validate/diff of a working copy). fetch() then resolves the branch (or HEAD) of that
  // repository; resolve() accepts anything `git rev-parse` accepts there.
  static base::Result<GitSource> open_local(std::string path, std::string branch = {},
                                            std::string sub_path = {});

  GitSource(GitSource&&) noexcept;
  GitSource& operator=(GitSource&&) noexcept;
  ~GitSource();

  const SourceConfig& config() const;

  // Connects to the remote, resolves the branch (the remote's HEAD when none is
  // configured), fetches it with a forced refspec (+refs/heads/B:refs/remotes/origin/B)
  // so rewritten history replaces the old tip, and describes the new tip. Blocks for the
  // duration of the network I/O (libgit2 1.5 has no connect timeout): call it off the
  // DNS threads. Errors: Errc::not_found for a missing branch (the message lists the
  // remote's branches), Errc::io for unreachable remotes and rejected credentials.
  // A repository on this machine (a path or a file:// URL) is not fetched through a pack:
  // its object database becomes an alternate of the cache's (as `git clone --shared`),
  // and fetch() only reads its branch and moves the cache's refs (~1 ms instead of
  // ~100 ms for a commit with a 3 MiB zoneFile). Objects then live in the source only, so
  // a commit pruned there (gc after a force-push) is gone from the cache too; the store
  // still serves the applied state.
  base::Result<Revision> fetch();

  // A commit by id (full or abbreviated hex), ref or revision expression. In a cache,
  // a bare branch name means the fetched branch ("main" -> refs/remotes/origin/main).
  base::Result<CommitInfo> resolve(std::string_view rev);

  // Every manifest file (.yaml/.yml, any case) under the sub-path of `commit`, sorted by
  // path. Hidden entries (dot-folders like .github/ and dot-files like .gitlab-ci.yml),
  // symbolic links and submodules are skipped. Fails when the sub-path is missing or not
  // a folder in that commit.
  base::Result<std::vector<TreeFile>> read_tree(std::string_view commit,
                                                Content content = Content::load);
  // The same with an explicit sub-path instead of the configured one.
  base::Result<std::vector<TreeFile>> read_tree(std::string_view commit, std::string_view sub_path,
                                                Content content = Content::load);

  // One file of `commit`, named relative to the configured sub-path (zoneFile, $INCLUDE;
  // the caller joins a manifest's folder with a relative name first). ".." is resolved
  // lexically; a path escaping the sub-path, an absolute path, a folder, a symbolic link
  // or a missing file is an error saying which.
  base::Result<std::string> read_file(std::string_view commit, std::string_view path);

  // Content of a blob by id (after read_tree with Content::skip found it changed).
  base::Result<std::string> read_blob(std::string_view blob_id);

  // Commits reachable from `to` but not from `from` (from exclusive, to inclusive),
  // oldest first (topological order), message trailers parsed. `from` empty: every
  // ancestor of `to`. After a force-push this is what the new history adds beyond the
  // common ancestor. More than `limit` commits fail with Errc::limit.
  base::Result<std::vector<CommitInfo>> commits_between(std::string_view from, std::string_view to,
                                                        std::size_t limit = 10000);

  // True when `ancestor` is `descendant` or one of its ancestors (as
  // `git merge-base --is-ancestor`).
  base::Result<bool> is_ancestor(std::string_view ancestor, std::string_view descendant);

  // Write-back of imperative edits as commits (DESIGN.md "Reconcile") is not implemented
  // yet; it will be added here with the HTTP issue.

 private:
  struct Impl;
  explicit GitSource(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The libgit2 version linked in, e.g. "1.5.1", and whether it can speak ssh/https.
struct GitFeatures {
  std::string version;
  bool https = false;
  bool ssh = false;
};
GitFeatures git_features();

}  // namespace gitns::git
