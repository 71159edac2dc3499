#include "controller/git/git_source.h"

#include <git2.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "controller/git/known_hosts.h"
#include "controller/git/tree_path.h"

// Sanitizer builds: libgit2 1.5 leaks inside itself (PCRE2 match data when it loads a
// remote, libssh2 known_hosts state per ssh connection). Those are not ours to fix, and
// LeakSanitizer would fail every binary that links this module, so they are suppressed
// by module name; leaks in gitns code are still reported.
#if defined(__SANITIZE_ADDRESS__)
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libgit2.so\nleak:libssh2.so\nleak:libpcre2-8.so\n";
}
#endif

namespace gitns::git {

using base::Errc;
using base::Result;
using base::Status;

namespace {

// ---------------------------------------------------------------------------------
// RAII for libgit2 handles.

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const noexcept { Free(p); }
};
template <class T, void (*Free)(T*)>
using Handle = std::unique_ptr<T, Deleter<T, Free>>;

using RepoPtr = Handle<git_repository, git_repository_free>;
using RemotePtr = Handle<git_remote, git_remote_free>;
using CommitPtr = Handle<git_commit, git_commit_free>;
using TreePtr = Handle<git_tree, git_tree_free>;
using TreeEntryPtr = Handle<git_tree_entry, git_tree_entry_free>;
using BlobPtr = Handle<git_blob, git_blob_free>;
using ObjectPtr = Handle<git_object, git_object_free>;
using OdbPtr = Handle<git_odb, git_odb_free>;
using RevwalkPtr = Handle<git_revwalk, git_revwalk_free>;
using ReferencePtr = Handle<git_reference, git_reference_free>;
using BranchIterPtr = Handle<git_branch_iterator, git_branch_iterator_free>;

struct BufGuard {
  git_buf buf = GIT_BUF_INIT;
  ~BufGuard() { git_buf_dispose(&buf); }
};

// libgit2 keeps global state (TLS, ssh) behind a reference-counted init; gitns keeps it
// for the whole process, so it is initialized once and never shut down.
int libgit2_init_result() {
  static const int rc = git_libgit2_init();
  return rc;
}

Status ensure_libgit2() {
  if (libgit2_init_result() < 0) {
    const git_error* e = git_error_last();
    return base::fail(Errc::io, std::string("git: cannot initialize libgit2: ") +
                                    (e && e->message ? e->message : "unknown error"));
  }
  return {};
}

constexpr const char* kRemote = "origin";
constexpr const char* kTrackingPrefix = "refs/remotes/origin/";
// The tip the last successful fetch() reported, whatever the branch: the next fetch's
// `previous`, so a change of branch or of the remote's default branch is compared too.
constexpr const char* kLastFetched = "refs/gitns/last-fetched";

std::string last_git_error(int rc) {
  const git_error* e = git_error_last();
  if (e != nullptr && e->message != nullptr && e->message[0] != '\0') return e->message;
  return "libgit2 error " + std::to_string(rc);
}

Errc errc_for(int rc) {
  switch (rc) {
    case GIT_ENOTFOUND:
      return Errc::not_found;
    case GIT_EAMBIGUOUS:
    case GIT_EINVALIDSPEC:
    case GIT_EINVALID:
      return Errc::malformed;
    default:
      return Errc::io;
  }
}

// "git: <what>: <libgit2's message>"
base::Failure git_failure(int rc, const std::string& what) {
  return base::fail(errc_for(rc), "git: " + what + ": " + last_git_error(rc));
}

std::string oid_hex(const git_oid* oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, oid);
  return buf;
}

std::string short_id(std::string_view hex) { return std::string(hex.substr(0, 12)); }

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto low = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return low(x) == low(y);
  });
}

// ---------------------------------------------------------------------------------
// URLs and secrets.

bool has_scheme(std::string_view url) { return url.find("://") != std::string_view::npos; }

// git's rule: "host:path" is scp-like ssh when no '/' comes before the first ':'.
bool is_scp_like(std::string_view url) {
  const size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const size_t slash = url.find('/');
  return slash == std::string_view::npos || colon < slash;
}

bool is_ssh_url(std::string_view url) {
  return url.rfind("ssh://", 0) == 0 || url.rfind("git+ssh://", 0) == 0 ||
         url.rfind("ssh+git://", 0) == 0 || (!has_scheme(url) && is_scp_like(url));
}

// Local paths become absolute so the cache's remote does not depend on the cwd.
Result<std::string> normalize_url(const std::string& url) {
  if (url.empty()) {
    return base::fail(Errc::malformed,
                      "git: expected a repository URL or local path, got an empty string");
  }
  if (has_scheme(url) || is_scp_like(url)) return url;
  std::error_code ec;
  auto abs = std::filesystem::absolute(url, ec);
  if (ec) return base::fail(Errc::io, "git: cannot make '" + url + "' absolute: " + ec.message());
  std::string out = abs.lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

// The port of an ssh URL (22 when absent or scp-like), for "[host]:port" entries.
int ssh_port(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return 22;
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find('/'));
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (!rest.empty() && rest.front() == '[') {  // [v6]:port
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return 22;
    rest.remove_prefix(close + 1);
    if (rest.empty() || rest.front() != ':') return 22;
    rest.remove_prefix(1);
  } else {
    const size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos) return 22;
    rest.remove_prefix(colon + 1);
  }
  int port = 0;
  for (char c : rest) {
    if (c < '0' || c > '9' || port > 65535) return 22;
    port = port * 10 + (c - '0');
  }
  return port > 0 && port <= 65535 ? port : 22;
}

void strip_one_newline(std::string& s) {
  if (!s.empty() && s.back() == '\n') s.pop_back();
  if (!s.empty() && s.back() == '\r') s.pop_back();
}

Result<std::string> read_text_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return base::fail(Errc::io, std::string("cannot read the ") + what + " file '" + path +
                                    "': " + std::strerror(errno));
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Result<std::string> read_secret_file(const std::string& path, const char* what) {
  GITNS_TRY(std::string s, read_text_file(path, what));
  strip_one_newline(s);
  if (s.empty()) {
    return base::fail(Errc::io, std::string("the ") + what + " file '" + path + "' is empty");
  }
  return s;
}

Result<std::string> https_token(const Credentials& c) {
  if (!c.token_file.empty()) return read_secret_file(c.token_file, "token");
  if (!c.token_env.empty()) {
    const char* v = std::getenv(c.token_env.c_str());
    if (v == nullptr || *v == '\0') {
      return base::fail(Errc::io,
                        "the token environment variable '" + c.token_env + "' is not set or empty");
    }
    return std::string(v);
  }
  return base::fail(Errc::io,
                    "the remote asks for credentials: configure a username and a token "
                    "(from a file or an environment variable)");
}

// ---------------------------------------------------------------------------------
// Remote callbacks. libgit2 calls them synchronously inside connect/download; they
// record the reason of a refusal in `error` because libgit2 would only report
// "callback returned an error".

struct RemoteContext {
  const SourceConfig* config = nullptr;
  std::string url;
  int userpass_attempts = 0;
  int ssh_key_attempts = 0;
  bool ssh_default_host_check = false;  // left to libgit2's ~/.ssh/known_hosts check
  std::string error;

  int refuse(std::string why) {
    error = std::move(why);
    git_error_set_str(GIT_ERROR_CALLBACK, error.c_str());
    return GIT_EUSER;
  }
};

std::string ssh_user(const Credentials& c, const char* user_from_url) {
  if (user_from_url != nullptr && *user_from_url != '\0') return user_from_url;
  if (!c.username.empty()) return c.username;
  return "git";
}

int ssh_key_credential(RemoteContext& ctx, git_credential** out, const std::string& user) {
  const Credentials& c = ctx.config->credentials;
  if (c.ssh_key_file.empty()) {
    return ctx.refuse("the ssh server asks for a key: configure an ssh private key file");
  }
  if (++ctx.ssh_key_attempts > 1) {
    return ctx.refuse("the ssh server rejected the key '" + c.ssh_key_file + "' for user '" + user +
                      "'");
  }
  std::string passphrase;
  if (!c.ssh_passphrase_file.empty()) {
    auto p = read_secret_file(c.ssh_passphrase_file, "ssh passphrase");
    if (!p) return ctx.refuse(p.error().message);
    passphrase = std::move(*p);
  }
  const char* pub = c.ssh_public_key_file.empty() ? nullptr : c.ssh_public_key_file.c_str();
  return git_credential_ssh_key_new(out, user.c_str(), pub, c.ssh_key_file.c_str(),
                                    passphrase.empty() ? nullptr : passphrase.c_str());
}

int userpass_credential(RemoteContext& ctx, git_credential** out, const char* user_from_url) {
  const Credentials& c = ctx.config->credentials;
  auto token = https_token(c);
  if (!token) return ctx.refuse(token.error().message);
  std::string user = !c.username.empty()                                 ? c.username
                     : (user_from_url != nullptr && *user_from_url != 0) ? user_from_url
                                                                         : "x-access-token";
  if (++ctx.userpass_attempts > 1) {
    return ctx.refuse("the remote rejected the credentials of user '" + user + "' (token from " +
                      (c.token_file.empty() ? "environment variable '" + c.token_env + "'"
                                            : "file '" + c.token_file + "'") +
                      ")");
  }
  return git_credential_userpass_plaintext_new(out, user.c_str(), token->c_str());
}

int acquire_credential(git_credential** out, const char* /*url*/, const char* user_from_url,
                       unsigned int allowed, void* payload) {
  auto& ctx = *static_cast<RemoteContext*>(payload);
  const Credentials& c = ctx.config->credentials;
  if (allowed & GIT_CREDENTIAL_SSH_KEY) {
    return ssh_key_credential(ctx, out, ssh_user(c, user_from_url));
  }
  if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
    if (is_ssh_url(ctx.url)) {
      return ctx.refuse("the ssh server offers only password authentication; gitns uses keys");
    }
    return userpass_credential(ctx, out, user_from_url);
  }
  if (allowed & GIT_CREDENTIAL_USERNAME) {
    return git_credential_username_new(out, ssh_user(c, user_from_url).c_str());
  }
  return ctx.refuse(
      "the remote asks for an authentication method gitns does not support "
      "(libgit2 credential type mask " +
      std::to_string(allowed) + ")");
}

int check_ssh_host_key(RemoteContext& ctx, const git_cert_hostkey& key, const char* host) {
  const Credentials& c = ctx.config->credentials;
  if (!(key.type & GIT_CERT_SSH_RAW)) {
    return ctx.refuse("ssh host key of '" + std::string(host) +
                      "' not available in raw form: cannot check it against '" +
                      c.ssh_known_hosts_file + "'");
  }
  auto text = read_text_file(c.ssh_known_hosts_file, "ssh known_hosts");
  if (!text) return ctx.refuse(text.error().message);
  const std::string_view blob(key.hostkey, key.hostkey_len);
  const int port = ssh_port(ctx.url);
  const HostKeyCheck check = check_known_hosts(*text, host, port, blob);
  const std::string file = "'" + c.ssh_known_hosts_file + "'";
  switch (check.verdict) {
    case HostKeyVerdict::match:
      return 0;
    case HostKeyVerdict::revoked:
      return ctx.refuse("the ssh host key of '" + std::string(host) + "' is marked @revoked in " +
                        file);
    case HostKeyVerdict::mismatch:
      return ctx.refuse("the ssh host key (" + check.key_type + ") of '" + std::string(host) +
                        "' differs from the one in " + file +
                        ": the host key changed or someone intercepts the connection");
    case HostKeyVerdict::unknown_host:
      break;
  }
  std::string msg = "the ssh host '" + std::string(host) + "' has no " + check.key_type +
                    " entry in " + file +
                    "; after checking its fingerprint, add: " + known_hosts_line(host, port, blob);
  if (check.skipped_hashed > 0) {
    msg += " (" + std::to_string(check.skipped_hashed) +
           " hashed entries were skipped: write plain entries, ssh-keyscan without -H)";
  }
  return ctx.refuse(msg);
}

int check_certificate(git_cert* cert, int /*valid*/, const char* host, void* payload) {
  auto& ctx = *static_cast<RemoteContext*>(payload);
  if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2) return GIT_PASSTHROUGH;  // TLS: libgit2's
  const Credentials& c = ctx.config->credentials;
  if (c.ssh_insecure_skip_host_key_check) return 0;
  if (c.ssh_known_hosts_file.empty()) {
    ctx.ssh_default_host_check = true;
    return GIT_PASSTHROUGH;  // libgit2 checks ~/.ssh/known_hosts
  }
  return check_ssh_host_key(ctx, *reinterpret_cast<git_cert_hostkey*>(cert), host);
}

// ---------------------------------------------------------------------------------
// Commits.

CommitInfo commit_info(const git_commit* c) {
  CommitInfo info;
  info.id = oid_hex(git_commit_id(c));
  if (const git_signature* a = git_commit_author(c)) {
    info.author_name = a->name ? a->name : "";
    info.author_email = a->email ? a->email : "";
    info.author_time = a->when.time;
    info.author_offset_minutes = a->when.offset;
  }
  info.commit_time = git_commit_time(c);
  // git_commit_summary caches into the commit object, hence the const_cast.
  if (const char* s = git_commit_summary(const_cast<git_commit*>(c))) info.subject = s;
  if (const char* m = git_commit_message(c)) {
    info.message = m;
    git_message_trailer_array arr{};
    if (git_message_trailers(&arr, m) == 0) {
      for (size_t i = 0; i < arr.count; ++i) {
        info.trailers.push_back({arr.trailers[i].key, arr.trailers[i].value});
      }
    }
    git_message_trailer_array_free(&arr);
  }
  return info;
}

}  // namespace

std::vector<std::string> CommitInfo::trailer_values(std::string_view key) const {
  std::vector<std::string> out;
  for (const auto& t : trailers) {
    if (iequals(t.key, key)) out.push_back(t.value);
  }
  return out;
}

GitFeatures git_features() {
  GitFeatures f;
  (void)ensure_libgit2();
  int major = 0, minor = 0, rev = 0;
  git_libgit2_version(&major, &minor, &rev);
  f.version = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(rev);
  const int features = git_libgit2_features();
  f.https = (features & GIT_FEATURE_HTTPS) != 0;
  f.ssh = (features & GIT_FEATURE_SSH) != 0;
  return f;
}

// ---------------------------------------------------------------------------------

struct GitSource::Impl {
  SourceConfig config;
  RepoPtr repo;
  RemotePtr remote;       // cache mode: "origin", loaded once (see ensure_remote)
  bool local = false;     // open_local: the repository itself, no cache or remote
  std::string local_tip;  // local mode: the tip the last fetch() returned
  // Cache mode with a repository on this machine (a path or file:// URL): the source is
  // opened in place and its object database added to the cache's as an alternate (as
  // `git clone --shared` does), so a fetch reads one ref instead of building, sending
  // and indexing a pack (deflate + inflate of every new blob: ~100 ms for a 3 MiB zone
  // file). Null when the source is remote or could not be opened (then fetch_remote).
  RepoPtr shared;
  bool shared_tried = false;
  // The last blobs loaded, by id: a reconcile reads a changed zoneFile more than once
  // (fingerprint check, build), and inflating megabytes each time is the slow part.
  struct CachedBlob {
    git_oid id;
    std::string content;
  };
  std::vector<CachedBlob> blob_cache;  // newest last

  std::string where() const {
    return local ? "repository '" + config.url + "'" : "the cache of '" + config.url + "'";
  }

  Result<CommitPtr> lookup_commit(std::string_view rev);
  Result<std::string> ref_target(const std::string& name);
  std::vector<std::string> local_branches(git_branch_t kind, std::string_view strip);
  Result<Revision> fetch_remote();
  Result<Revision> fetch_local();
  git_repository* shared_source();
  Result<Revision> fetch_shared(git_repository* source);
  Result<Revision> describe_tip(std::string branch, std::string previous, std::string tip);
  Result<std::string> load_blob(const git_oid& id, const std::string& what);
  Result<std::uint64_t> blob_size(const git_oid& id);
  Status walk(const git_tree* tree, const std::string& rel, const std::string& base,
              Content content, std::vector<TreeFile>& out, int depth);
  Result<TreePtr> commit_tree(std::string_view commit, CommitPtr& holder);
};

Result<CommitPtr> GitSource::Impl::lookup_commit(std::string_view rev) {
  if (rev.empty()) {
    return base::fail(Errc::malformed,
                      "git: expected a commit id or revision, got an empty string");
  }
  const std::string spec(rev);
  git_object* raw = nullptr;
  int rc = git_revparse_single(&raw, repo.get(), spec.c_str());
  const std::string first_error = rc < 0 ? last_git_error(rc) : std::string();
  if (rc == GIT_ENOTFOUND && !local) {
    // In the cache, fetched branches live under refs/remotes/origin/.
    const std::string tracking = kTrackingPrefix + spec;
    if (git_revparse_single(&raw, repo.get(), tracking.c_str()) == 0) rc = 0;
  }
  if (rc < 0) {
    return base::fail(errc_for(rc),
                      "git: revision '" + spec + "' not found in " + where() + ": " + first_error);
  }
  ObjectPtr obj(raw);
  git_object* peeled = nullptr;
  rc = git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT);
  if (rc < 0) {
    return base::fail(Errc::malformed, "git: revision '" + spec + "' is a " +
                                           git_object_type2string(git_object_type(obj.get())) +
                                           ", expected a commit");
  }
  return CommitPtr(reinterpret_cast<git_commit*>(peeled));
}

Result<std::string> GitSource::Impl::ref_target(const std::string& name) {
  git_oid oid;
  const int rc = git_reference_name_to_id(&oid, repo.get(), name.c_str());
  if (rc == GIT_ENOTFOUND) return std::string();
  if (rc < 0) return git_failure(rc, "reading ref " + name + " in " + where());
  return oid_hex(&oid);
}

std::vector<std::string> GitSource::Impl::local_branches(git_branch_t kind,
                                                         std::string_view strip) {
  std::vector<std::string> out;
  git_branch_iterator* raw = nullptr;
  if (git_branch_iterator_new(&raw, repo.get(), kind) < 0) return out;
  BranchIterPtr it(raw);
  git_reference* ref = nullptr;
  git_branch_t type;
  while (git_branch_next(&ref, &type, it.get()) == 0) {
    std::string name = git_reference_name(ref);
    git_reference_free(ref);
    if (name.rfind(strip, 0) == 0) name.erase(0, strip.size());
    out.push_back(std::move(name));
  }
  return out;
}

namespace {

std::string join_names(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (size_t i = 0; i < names.size() && i < 20; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > 20) out += ", ... (" + std::to_string(names.size()) + " in all)";
  return out;
}

Status check_branch_name(const std::string& branch) {
  int valid = 0;
  const std::string ref = "refs/heads/" + branch;
  if (git_reference_name_is_valid(&valid, ref.c_str()) < 0 || !valid) {
    return base::fail(Errc::malformed,
                      "git: '" + branch + "' is not a valid branch name (expected e.g. main)");
  }
  return {};
}

}  // namespace

Result<Revision> GitSource::Impl::describe_tip(std::string branch, std::string previous,
                                               std::string tip) {
  GITNS_TRY(CommitPtr commit, lookup_commit(tip));
  Revision r;
  r.branch = std::move(branch);
  r.commit = commit_info(commit.get());
  r.changed = previous != r.commit.id;
  if (!previous.empty() && r.changed) {
    git_oid prev_oid;
    int rc = git_oid_fromstr(&prev_oid, previous.c_str());
    // An unknown previous commit (cache damaged or replaced) counts as rewritten history.
    if (rc == 0) rc = git_graph_descendant_of(repo.get(), git_commit_id(commit.get()), &prev_oid);
    r.forced = rc != 1;
  }
  r.previous = std::move(previous);
  return r;
}

Result<Revision> GitSource::Impl::fetch_local() {
  std::string branch = config.branch;
  std::string tip;
  if (branch.empty()) {
    git_reference* raw = nullptr;
    const int rc = git_repository_head(&raw, repo.get());
    if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) {
      return base::fail(Errc::not_found, "git: " + where() + " has no commits on its HEAD");
    }
    if (rc < 0) return git_failure(rc, "reading HEAD of " + where());
    ReferencePtr head(raw);
    // A detached HEAD has no branch; its commit is still a valid source.
    branch = git_reference_is_branch(head.get()) ? git_reference_shorthand(head.get()) : "HEAD";
    tip = oid_hex(git_reference_target(head.get()));
  } else {
    GITNS_CHECK(check_branch_name(branch));
    GITNS_TRY(tip, ref_target("refs/heads/" + branch));
    if (tip.empty()) {
      return base::fail(Errc::not_found,
                        "git: branch '" + branch + "' not found in " + where() + " (branches: " +
                            join_names(local_branches(GIT_BRANCH_LOCAL, "refs/heads/")) + ")");
    }
  }
  std::string previous = local_tip;
  GITNS_TRY(Revision r, describe_tip(std::move(branch), std::move(previous), std::move(tip)));
  local_tip = r.commit.id;
  return r;
}

namespace {

// The folder of a repository on this machine named by `url` (a path or a file:// URL
// without escapes), or "" for anything remote.
std::string local_repository_path(const std::string& url) {
  if (url.rfind("file://", 0) == 0) {
    std::string path = url.substr(7);
    if (path.empty() || path[0] != '/' || path.find('%') != std::string::npos) return {};
    return path;
  }
  if (has_scheme(url) || is_scp_like(url)) return {};
  return url;
}

}  // namespace

git_repository* GitSource::Impl::shared_source() {
  if (shared) return shared.get();
  if (shared_tried) return nullptr;
  shared_tried = true;
  const std::string path = local_repository_path(config.url);
  if (path.empty() || !std::filesystem::exists(path)) {
    shared_tried = false;  // a path that appears later is tried again
    return nullptr;
  }
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) < 0)
    return nullptr;
  RepoPtr source(raw);
  git_odb* odb_raw = nullptr;
  if (git_repository_odb(&odb_raw, repo.get()) < 0) return nullptr;
  OdbPtr odb(odb_raw);
  const std::string objects =
      (std::filesystem::path(git_repository_path(source.get())) / "objects").string();
  if (git_odb_add_disk_alternate(odb.get(), objects.c_str()) < 0) return nullptr;
  shared = std::move(source);
  return shared.get();
}

// The source's branch tip becomes the cache's tracking ref without copying objects: they
// are read through the alternate. Cases this does not model (a detached or unborn HEAD,
// a missing branch) go through fetch_remote, whose errors say what is wrong.
Result<Revision> GitSource::Impl::fetch_shared(git_repository* source) {
  std::string branch = config.branch;
  if (branch.empty()) {
    git_reference* raw = nullptr;
    if (git_repository_head(&raw, source) < 0) return fetch_remote();
    ReferencePtr head(raw);
    if (!git_reference_is_branch(head.get())) return fetch_remote();
    branch = git_reference_shorthand(head.get());
  }
  GITNS_CHECK(check_branch_name(branch));
  git_oid tip_oid;
  const std::string source_ref = "refs/heads/" + branch;
  if (git_reference_name_to_id(&tip_oid, source, source_ref.c_str()) < 0) return fetch_remote();
  // Objects written since the alternate was opened (new packs after a gc or a push into
  // a bare repository) are found by a refresh.
  git_odb* odb_raw = nullptr;
  if (git_repository_odb(&odb_raw, repo.get()) == 0) {
    OdbPtr odb(odb_raw);
    if (!git_odb_exists(odb.get(), &tip_oid)) git_odb_refresh(odb.get());
  }
  GITNS_TRY(std::string previous, ref_target(kLastFetched));
  const std::string tracking = kTrackingPrefix + branch;
  git_reference* ref = nullptr;
  int rc = git_reference_create(&ref, repo.get(), tracking.c_str(), &tip_oid, 1, "gitns: fetch");
  if (rc < 0) return git_failure(rc, "updating " + tracking + " in " + where());
  git_reference_free(ref);
  GITNS_TRY(Revision r, describe_tip(std::move(branch), std::move(previous), oid_hex(&tip_oid)));
  rc = git_reference_create(&ref, repo.get(), kLastFetched, &tip_oid, 1, "gitns: fetch");
  if (rc < 0) return git_failure(rc, "recording the fetched tip in " + where());
  git_reference_free(ref);
  return r;
}

namespace {

std::vector<std::string> remote_branches(git_remote* remote) {
  std::vector<std::string> out;
  const git_remote_head** heads = nullptr;
  size_t n = 0;
  if (git_remote_ls(&heads, &n, remote) < 0) return out;
  for (size_t i = 0; i < n; ++i) {
    const std::string_view name = heads[i]->name;
    if (name.rfind("refs/heads/", 0) == 0) out.emplace_back(name.substr(11));
  }
  return out;
}

// The remote's HEAD as a branch name. libgit2 reads the advertised symref; an old
// server without it makes libgit2 guess from the commit HEAD points to.
Result<std::string> remote_default_branch(git_remote* remote, const std::string& url) {
  BufGuard buf;
  const int rc = git_remote_default_branch(&buf.buf, remote);
  if (rc == GIT_ENOTFOUND) {
    return base::fail(Errc::not_found,
                      "git: '" + url +
                          "' has no default branch (empty repository, or HEAD "
                          "detached or pointing to a missing branch): configure a branch");
  }
  if (rc < 0) return git_failure(rc, "reading the default branch of '" + url + "'");
  std::string name(buf.buf.ptr, buf.buf.size);
  if (name.rfind("refs/heads/", 0) != 0) {
    return base::fail(Errc::not_found, "git: the HEAD of '" + url + "' points to '" + name +
                                           "', not a branch: configure a branch");
  }
  return name.substr(11);
}

}  // namespace

Result<Revision> GitSource::Impl::fetch_remote() {
  RemoteContext ctx;
  ctx.config = &config;
  ctx.url = config.url;
  git_remote_callbacks callbacks = GIT_REMOTE_CALLBACKS_INIT;
  callbacks.credentials = acquire_credential;
  callbacks.certificate_check = check_certificate;
  callbacks.payload = &ctx;
  git_proxy_options proxy = GIT_PROXY_OPTIONS_INIT;
  proxy.type = GIT_PROXY_AUTO;  // http(s)_proxy from the environment or git config

  auto remote_failure = [&](int code, const std::string& what) -> base::Failure {
    if (!ctx.error.empty()) return base::fail(Errc::io, "git: " + what + ": " + ctx.error);
    if (code == GIT_ECERTIFICATE && ctx.ssh_default_host_check) {
      return base::fail(Errc::io, "git: " + what + ": " + last_git_error(code) +
                                      " (checked against ~/.ssh/known_hosts of the user running "
                                      "gitns: add the host's key there after checking its "
                                      "fingerprint, or configure a known_hosts file)");
    }
    return git_failure(code, what);
  };

  // libgit2 calls a missing local path an "unsupported URL protocol"; say what it is.
  if (!has_scheme(config.url) && !is_scp_like(config.url) && !std::filesystem::exists(config.url)) {
    return base::fail(Errc::not_found, "git: repository '" + config.url +
                                           "' does not exist (expected a local path to a "
                                           "git repository, or a file://, https:// or ssh:// URL)");
  }
  int rc = git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &callbacks, &proxy, nullptr);
  if (rc < 0) return remote_failure(rc, "cannot connect to '" + config.url + "'");
  // The remote object outlives this call; every return below must leave it disconnected.
  struct Disconnect {
    git_remote* r;
    ~Disconnect() { git_remote_disconnect(r); }
  } disconnect{remote.get()};

  std::string branch = config.branch;
  if (branch.empty()) {
    GITNS_TRY(branch, remote_default_branch(remote.get(), config.url));
  }
  GITNS_CHECK(check_branch_name(branch));
  const auto branches = remote_branches(remote.get());
  if (std::find(branches.begin(), branches.end(), branch) == branches.end()) {
    return base::fail(Errc::not_found, "git: branch '" + branch + "' not found in '" + config.url +
                                           "' (branches: " + join_names(branches) + ")");
  }

  const std::string tracking = kTrackingPrefix + branch;
  GITNS_TRY(std::string previous, ref_target(kLastFetched));
  // '+' lets a rewritten history (force-push) replace the cached tip.
  const std::string refspec = "+refs/heads/" + branch + ":" + tracking;
  char* spec_ptr = const_cast<char*>(refspec.c_str());
  const git_strarray specs{&spec_ptr, 1};
  git_fetch_options opts = GIT_FETCH_OPTIONS_INIT;
  opts.callbacks = callbacks;
  opts.proxy_opts = proxy;
  opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  opts.update_fetchhead = 0;
  opts.prune = GIT_FETCH_NO_PRUNE;
  rc = git_remote_download(remote.get(), &specs, &opts);
  if (rc < 0)
    return remote_failure(rc, "fetching branch '" + branch + "' from '" + config.url + "'");
  rc = git_remote_update_tips(remote.get(), &callbacks, 0, GIT_REMOTE_DOWNLOAD_TAGS_NONE,
                              "gitns: fetch");
  if (rc < 0) return remote_failure(rc, "updating " + tracking + " in " + where());

  GITNS_TRY(std::string tip, ref_target(tracking));
  if (tip.empty()) {
    return base::fail(Errc::io, "git: fetched branch '" + branch + "' from '" + config.url +
                                    "' but " + tracking + " was not written");
  }
  GITNS_TRY(Revision r, describe_tip(std::move(branch), std::move(previous), std::move(tip)));
  git_oid oid;
  git_reference* ref = nullptr;
  rc = git_oid_fromstr(&oid, r.commit.id.c_str());
  if (rc == 0) rc = git_reference_create(&ref, repo.get(), kLastFetched, &oid, 1, "gitns: fetch");
  if (rc < 0) return git_failure(rc, "recording the fetched tip in " + where());
  git_reference_free(ref);
  return r;
}

Result<std::uint64_t> GitSource::Impl::blob_size(const git_oid& id) {
  git_odb* raw = nullptr;
  int rc = git_repository_odb(&raw, repo.get());
  if (rc < 0) return git_failure(rc, "opening the object database of " + where());
  OdbPtr odb(raw);
  size_t size = 0;
  git_object_t type;
  rc = git_odb_read_header(&size, &type, odb.get(), &id);
  if (rc < 0) return git_failure(rc, "reading blob " + oid_hex(&id));
  return static_cast<std::uint64_t>(size);
}

Result<std::string> GitSource::Impl::load_blob(const git_oid& id, const std::string& what) {
  for (const CachedBlob& b : blob_cache) {
    if (git_oid_equal(&b.id, &id)) return b.content;
  }
  GITNS_TRY(std::uint64_t size, blob_size(id));
  if (size > config.max_file_size) {
    return base::fail(Errc::limit, "git: " + what + " is " + std::to_string(size) +
                                       " bytes, expected at most " +
                                       std::to_string(config.max_file_size));
  }
  git_blob* raw = nullptr;
  const int rc = git_blob_lookup(&raw, repo.get(), &id);
  if (rc < 0) return git_failure(rc, "reading " + what);
  BlobPtr blob(raw);
  std::string content(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                      static_cast<size_t>(git_blob_rawsize(blob.get())));
  // Only large blobs are worth keeping (small ones inflate in microseconds); two cover
  // a changed zoneFile read twice by one reconcile (fingerprint check, then the build)
  // without holding many copies of a large zone's text.
  constexpr size_t kCacheMin = 64 * 1024, kCacheEntries = 2;
  if (content.size() >= kCacheMin) {
    if (blob_cache.size() >= kCacheEntries) blob_cache.erase(blob_cache.begin());
    blob_cache.push_back({id, content});
  }
  return content;
}

Status GitSource::Impl::walk(const git_tree* tree, const std::string& rel, const std::string& base,
                             Content content, std::vector<TreeFile>& out, int depth) {
  if (depth > 64) {
    return base::fail(Errc::limit, "git: folder '" + rel + "' is nested deeper than 64 levels");
  }
  const size_t count = git_tree_entrycount(tree);
  for (size_t i = 0; i < count; ++i) {
    const git_tree_entry* entry = git_tree_entry_byindex(tree, i);
    const std::string name = git_tree_entry_name(entry);
    if (is_hidden_name(name)) continue;
    const std::string path = join_tree_path(rel, name);
    const git_object_t type = git_tree_entry_type(entry);
    if (type == GIT_OBJECT_TREE) {
      git_tree* raw = nullptr;
      const int rc = git_tree_lookup(&raw, repo.get(), git_tree_entry_id(entry));
      if (rc < 0) return git_failure(rc, "reading folder '" + path + "'");
      TreePtr sub(raw);
      GITNS_CHECK(walk(sub.get(), path, base, content, out, depth + 1));
      continue;
    }
    const git_filemode_t mode = git_tree_entry_filemode(entry);
    if (type != GIT_OBJECT_BLOB || !is_manifest_name(name) ||
        (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE)) {
      continue;  // symlinks, submodules, other files
    }
    TreeFile f;
    f.path = path;
    f.repo_path = join_tree_path(base, path);
    f.blob_id = oid_hex(git_tree_entry_id(entry));
    if (content == Content::load) {
      GITNS_TRY(f.content, load_blob(*git_tree_entry_id(entry), "file '" + f.repo_path + "'"));
      f.size = f.content.size();
    } else {
      GITNS_TRY(f.size, blob_size(*git_tree_entry_id(entry)));
    }
    out.push_back(std::move(f));
  }
  return {};
}

Result<TreePtr> GitSource::Impl::commit_tree(std::string_view commit, CommitPtr& holder) {
  GITNS_TRY(holder, lookup_commit(commit));
  git_tree* raw = nullptr;
  const int rc = git_commit_tree(&raw, holder.get());
  if (rc < 0) return git_failure(rc, "reading the tree of commit " + std::string(commit));
  return TreePtr(raw);
}

// ---------------------------------------------------------------------------------

GitSource::GitSource(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GitSource::GitSource(GitSource&&) noexcept = default;
GitSource& GitSource::operator=(GitSource&&) noexcept = default;
GitSource::~GitSource() = default;

const SourceConfig& GitSource::config() const { return impl_->config; }

namespace {

Result<RepoPtr> open_or_init_cache(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return base::fail(Errc::io,
                      "git: cannot create the cache folder '" + dir + "': " + ec.message());
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(
      &raw, dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH | GIT_REPOSITORY_OPEN_BARE, nullptr);
  if (rc == 0) return RepoPtr(raw);
  if (!std::filesystem::is_empty(dir, ec) || ec) {
    return base::fail(Errc::io, "git: the cache folder '" + dir +
                                    "' is not empty and not a git repository (" +
                                    last_git_error(rc) +
                                    "); expected an empty folder or a "
                                    "cache made by gitns — remove it and it is rebuilt");
  }
  rc = git_repository_init(&raw, dir.c_str(), /*is_bare=*/1);
  if (rc < 0) return git_failure(rc, "creating the cache repository in '" + dir + "'");
  return RepoPtr(raw);
}

// Points the cache's "origin" at `url` and returns it. When the URL changed, the old
// tracking refs belong to another repository: they are dropped so fetch() does not call
// the switch a force-push.
// The remote object is kept for the GitSource's lifetime: libgit2 1.5 leaks ~20 KiB of
// PCRE2 match data each time it loads a remote from the config (url.*.insteadOf scan),
// which a poll loop would turn into a steady leak.
Result<RemotePtr> ensure_remote(git_repository* repo, const std::string& url) {
  git_remote* raw = nullptr;
  int rc = git_remote_lookup(&raw, repo, kRemote);
  if (rc == GIT_ENOTFOUND) {
    rc = git_remote_create(&raw, repo, kRemote, url.c_str());
    if (rc < 0) return git_failure(rc, "adding remote '" + url + "' to the cache");
    return RemotePtr(raw);
  }
  if (rc < 0) return git_failure(rc, "reading the cache's remote");
  RemotePtr remote(raw);
  const char* current = git_remote_url(remote.get());
  if (current != nullptr && url == current) return remote;
  rc = git_remote_set_url(repo, kRemote, url.c_str());
  if (rc < 0) return git_failure(rc, "setting the cache's remote to '" + url + "'");
  git_reference_iterator* it_raw = nullptr;
  rc = git_reference_iterator_new(&it_raw, repo);
  if (rc < 0) return git_failure(rc, "listing the cache's refs");
  std::unique_ptr<git_reference_iterator,
                  Deleter<git_reference_iterator, git_reference_iterator_free>>
      it(it_raw);
  git_reference* ref = nullptr;
  while (git_reference_next(&ref, it.get()) == 0) {
    ReferencePtr owned(ref);
    const std::string name = git_reference_name(ref);
    if (name.rfind(kTrackingPrefix, 0) != 0 && name != kLastFetched) continue;
    rc = git_reference_delete(owned.get());
    if (rc < 0) return git_failure(rc, "dropping the cache ref " + name);
  }
  rc = git_remote_lookup(&raw, repo, kRemote);  // reload with the new URL
  if (rc < 0) return git_failure(rc, "reading the cache's remote");
  return RemotePtr(raw);
}

}  // namespace

Result<GitSource> GitSource::open(SourceConfig config) {
  GITNS_CHECK(ensure_libgit2());
  GITNS_TRY(config.url, normalize_url(config.url));
  if (config.cache_dir.empty()) {
    return base::fail(Errc::malformed, "git: expected a cache folder for '" + config.url + "'");
  }
  GITNS_TRY(config.sub_path, normalize_tree_path(config.sub_path));
  if (!config.branch.empty()) GITNS_CHECK(check_branch_name(config.branch));
  GITNS_TRY(RepoPtr repo, open_or_init_cache(config.cache_dir));
  GITNS_TRY(RemotePtr remote, ensure_remote(repo.get(), config.url));
  auto impl = std::make_unique<Impl>();
  impl->config = std::move(config);
  impl->repo = std::move(repo);
  impl->remote = std::move(remote);
  impl->shared_source();  // objects fetched in place before are readable before a fetch
  return GitSource(std::move(impl));
}

Result<GitSource> GitSource::open_local(std::string path, std::string branch,
                                        std::string sub_path) {
  GITNS_CHECK(ensure_libgit2());
  SourceConfig config;
  GITNS_TRY(config.url, normalize_url(path));
  if (has_scheme(config.url) || is_scp_like(path)) {
    return base::fail(Errc::malformed, "git: expected a local repository path, got '" + path +
                                           "' (remote URLs need a cache: use open())");
  }
  GITNS_TRY(config.sub_path, normalize_tree_path(sub_path));
  if (!branch.empty()) GITNS_CHECK(check_branch_name(branch));
  config.branch = std::move(branch);
  git_repository* raw = nullptr;
  const int rc =
      git_repository_open_ext(&raw, config.url.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  if (rc < 0) return git_failure(rc, "opening repository '" + config.url + "'");
  auto impl = std::make_unique<Impl>();
  impl->config = std::move(config);
  impl->repo = RepoPtr(raw);
  impl->local = true;
  return GitSource(std::move(impl));
}

Result<Revision> GitSource::fetch() {
  if (impl_->local) return impl_->fetch_local();
  if (git_repository* source = impl_->shared_source()) return impl_->fetch_shared(source);
  return impl_->fetch_remote();
}

Result<CommitInfo> GitSource::resolve(std::string_view rev) {
  GITNS_TRY(CommitPtr commit, impl_->lookup_commit(rev));
  return commit_info(commit.get());
}

Result<std::vector<TreeFile>> GitSource::read_tree(std::string_view commit, Content content) {
  return read_tree(commit, impl_->config.sub_path, content);
}

Result<std::vector<TreeFile>> GitSource::read_tree(std::string_view commit,
                                                   std::string_view sub_path, Content content) {
  GITNS_TRY(std::string base, normalize_tree_path(sub_path));
  CommitPtr holder;
  GITNS_TRY(TreePtr root, impl_->commit_tree(commit, holder));
  TreePtr sub;
  const git_tree* start = root.get();
  if (!base.empty()) {
    git_tree_entry* raw = nullptr;
    int rc = git_tree_entry_bypath(&raw, root.get(), base.c_str());
    if (rc == GIT_ENOTFOUND) {
      return base::fail(Errc::not_found, "git: source folder '" + base + "' not found in commit " +
                                             short_id(oid_hex(git_commit_id(holder.get()))));
    }
    if (rc < 0) return git_failure(rc, "looking up '" + base + "'");
    TreeEntryPtr entry(raw);
    if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) {
      return base::fail(Errc::malformed, "git: source path '" + base + "' is a file in commit " +
                                             short_id(oid_hex(git_commit_id(holder.get()))) +
                                             ", expected a folder");
    }
    git_tree* tree_raw = nullptr;
    rc = git_tree_lookup(&tree_raw, impl_->repo.get(), git_tree_entry_id(entry.get()));
    if (rc < 0) return git_failure(rc, "reading folder '" + base + "'");
    sub.reset(tree_raw);
    start = sub.get();
  }
  std::vector<TreeFile> files;
  GITNS_CHECK(impl_->walk(start, "", base, content, files, 0));
  std::sort(files.begin(), files.end(),
            [](const TreeFile& a, const TreeFile& b) { return a.path < b.path; });
  return files;
}

Result<std::string> GitSource::read_file(std::string_view commit, std::string_view path) {
  GITNS_TRY(std::string rel, normalize_tree_path(path));
  if (rel.empty()) {
    return base::fail(Errc::malformed, "git: expected a file path, got '" + std::string(path) +
                                           "' (the source folder)");
  }
  const std::string full = join_tree_path(impl_->config.sub_path, rel);
  CommitPtr holder;
  GITNS_TRY(TreePtr root, impl_->commit_tree(commit, holder));
  const std::string at = " in commit " + short_id(oid_hex(git_commit_id(holder.get())));
  git_tree_entry* raw = nullptr;
  const int rc = git_tree_entry_bypath(&raw, root.get(), full.c_str());
  if (rc == GIT_ENOTFOUND) {
    return base::fail(Errc::not_found, "git: file '" + full + "' not found" + at);
  }
  if (rc < 0) return git_failure(rc, "looking up '" + full + "'" + at);
  TreeEntryPtr entry(raw);
  const git_object_t type = git_tree_entry_type(entry.get());
  if (type == GIT_OBJECT_TREE) {
    return base::fail(Errc::malformed,
                      "git: '" + full + "' is a folder" + at + ", expected a file");
  }
  if (type != GIT_OBJECT_BLOB) {
    return base::fail(Errc::unsupported,
                      "git: '" + full + "' is a submodule" + at + ", expected a file");
  }
  if (git_tree_entry_filemode(entry.get()) == GIT_FILEMODE_LINK) {
    return base::fail(Errc::unsupported, "git: '" + full + "' is a symbolic link" + at +
                                             "; links are not followed, expected a regular file");
  }
  return impl_->load_blob(*git_tree_entry_id(entry.get()), "file '" + full + "'");
}

Result<std::string> GitSource::read_blob(std::string_view blob_id) {
  git_oid oid;
  const std::string hex(blob_id);
  if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstr(&oid, hex.c_str()) < 0) {
    return base::fail(Errc::malformed,
                      "git: expected a blob id of 40 hex digits, got '" + hex + "'");
  }
  return impl_->load_blob(oid, "blob " + hex);
}

Result<std::vector<CommitInfo>> GitSource::commits_between(std::string_view from,
                                                           std::string_view to, std::size_t limit) {
  git_revwalk* raw = nullptr;
  int rc = git_revwalk_new(&raw, impl_->repo.get());
  if (rc < 0) return git_failure(rc, "starting a history walk");
  RevwalkPtr walk(raw);
  git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
  GITNS_TRY(CommitPtr to_commit, impl_->lookup_commit(to));
  rc = git_revwalk_push(walk.get(), git_commit_id(to_commit.get()));
  if (rc < 0) return git_failure(rc, "walking from " + std::string(to));
  if (!from.empty()) {
    GITNS_TRY(CommitPtr from_commit, impl_->lookup_commit(from));
    rc = git_revwalk_hide(walk.get(), git_commit_id(from_commit.get()));
    if (rc < 0) return git_failure(rc, "excluding " + std::string(from));
  }
  std::vector<CommitInfo> out;
  git_oid oid;
  while ((rc = git_revwalk_next(&oid, walk.get())) == 0) {
    if (out.size() >= limit) {
      return base::fail(Errc::limit, "git: more than " + std::to_string(limit) +
                                         " commits between " + std::string(from) + " and " +
                                         std::string(to));
    }
    git_commit* c = nullptr;
    rc = git_commit_lookup(&c, impl_->repo.get(), &oid);
    if (rc < 0) return git_failure(rc, "reading commit " + oid_hex(&oid));
    CommitPtr commit(c);
    out.push_back(commit_info(commit.get()));
  }
  if (rc != GIT_ITEROVER) return git_failure(rc, "walking the history to " + std::string(to));
  return out;
}

Result<bool> GitSource::is_ancestor(std::string_view ancestor, std::string_view descendant) {
  GITNS_TRY(CommitPtr a, impl_->lookup_commit(ancestor));
  GITNS_TRY(CommitPtr d, impl_->lookup_commit(descendant));
  if (git_oid_equal(git_commit_id(a.get()), git_commit_id(d.get()))) return true;
  const int rc =
      git_graph_descendant_of(impl_->repo.get(), git_commit_id(d.get()), git_commit_id(a.get()));
  if (rc < 0) return git_failure(rc, "comparing histories");
  return rc == 1;
}

}  // namespace gitns::git
