// http(s) remotes: `git http-backend` (git's smart-HTTP CGI) behind a tiny loopback HTTP
// server in Python, optionally demanding basic authentication. TLS is not exercised
// (libgit2 uses the system CA store through mbedTLS); the transport, the smart protocol,
// the default branch over HTTP and the credential callbacks are.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "controller/git/git_source.h"
#include "tests/unit/git/git_test_util.h"

extern char** environ;

namespace gitns::git {
namespace {

using testing::Repo;
using testing::TempDir;

constexpr const char* kServer = R"PY(
import base64, http.server, os, subprocess, sys

root, port_file, auth = sys.argv[1], sys.argv[2], sys.argv[3]

class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        self.cgi()

    def do_POST(self):
        self.cgi()

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def cgi(self):
        if auth:
            want = "Basic " + base64.b64encode(auth.encode()).decode()
            if self.headers.get("Authorization") != want:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="git"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        path, _, query = self.path.partition("?")
        data = self.body()
        env = dict(os.environ, GIT_PROJECT_ROOT=root, GIT_HTTP_EXPORT_ALL="1",
                   PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD=self.command,
                   CONTENT_TYPE=self.headers.get("Content-Type", ""),
                   CONTENT_LENGTH=str(len(data)), REMOTE_ADDR="127.0.0.1",
                   GATEWAY_INTERFACE="CGI/1.1", SERVER_PROTOCOL="HTTP/1.1")
        if self.headers.get("Content-Encoding"):
            env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
        out = subprocess.run(["git", "http-backend"], input=data, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
        head, _, payload = out.partition(b"\r\n\r\n")
        status, headers = 200, []
        for line in head.split(b"\r\n"):
            key, _, value = line.decode().partition(":")
            if key.lower() == "status":
                status = int(value.split()[0])
            elif key:
                headers.append((key, value.strip()))
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
)PY";

// One server process for the lifetime of a test.
class HttpBackend {
 public:
  HttpBackend(const TempDir& tmp, const std::string& root, const std::string& auth) {
    const std::string script = tmp / "server.py";
    const std::string port_file = tmp / ("port-" + std::to_string(counter_++));
    testing::write_file(script, kServer);
    std::vector<std::string> args = {"/usr/bin/python3", script, root, port_file, auth};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) pid_ = -1;
    for (int i = 0; i < 200 && pid_ > 0; ++i) {
      std::ifstream in(port_file);
      if (in >> port_) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  ~HttpBackend() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool ok() const { return pid_ > 0 && port_ > 0; }
  std::string url(const std::string& repo) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/" + repo;
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  static inline int counter_ = 0;
};

bool backend_available() {
  return std::filesystem::exists("/usr/bin/python3") &&
         std::filesystem::exists("/usr/lib/git-core/git-http-backend");
}

class HttpSource : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!backend_available()) GTEST_SKIP() << "needs /usr/bin/python3 and git-http-backend";
    // A proxy from the environment would swallow loopback requests.
    for (const char* v : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"}) {
      unsetenv(v);
    }
    bare_ = std::make_unique<Repo>(Repo::init(tmp_ / "root/dns.git", "trunk", /*bare=*/true));
    Repo work = Repo::init(tmp_ / "work", "trunk");
    work.write("zones/a.yaml", "served: over http\n");
    tip_ = work.commit("over http");
    work.git("push -q " + testing::quote(bare_->dir()) + " trunk");
  }

  SourceConfig config(const std::string& url) {
    SourceConfig c;
    c.url = url;
    c.cache_dir = tmp_ / ("cache-" + std::to_string(caches_++));
    return c;
  }

  TempDir tmp_;
  std::unique_ptr<Repo> bare_;
  std::string tip_;
  int caches_ = 0;
};

TEST_F(HttpSource, AnonymousFetchFollowsTheAdvertisedHead) {
  HttpBackend server(tmp_, tmp_ / "root", "");
  ASSERT_TRUE(server.ok());
  auto src = GitSource::open(config(server.url("dns.git")));
  ASSERT_TRUE(src.ok()) << src.error().message;
  auto rev = src->fetch();
  ASSERT_TRUE(rev.ok()) << rev.error().message;
  EXPECT_EQ(rev->branch, "trunk");
  EXPECT_EQ(rev->commit.id, tip_);
  auto files = src->read_tree(rev->commit.id);
  ASSERT_TRUE(files.ok()) << files.error().message;
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].content, "served: over http\n");

  auto missing = GitSource::open(config(server.url("nope.git")));
  ASSERT_TRUE(missing.ok());
  auto mr = missing->fetch();
  ASSERT_FALSE(mr.ok());
  EXPECT_NE(mr.error().message.find("nope.git"), std::string::npos) << mr.error().message;
}

TEST_F(HttpSource, TokenFromFileOrEnvironment) {
  HttpBackend server(tmp_, tmp_ / "root", "deploy:s3cret-token");
  ASSERT_TRUE(server.ok());

  SourceConfig from_file = config(server.url("dns.git"));
  from_file.credentials.username = "deploy";
  from_file.credentials.token_file = tmp_ / "token";
  testing::write_file(from_file.credentials.token_file, "s3cret-token\n");
  auto a = GitSource::open(from_file);
  ASSERT_TRUE(a.ok());
  auto ra = a->fetch();
  ASSERT_TRUE(ra.ok()) << ra.error().message;
  EXPECT_EQ(ra->commit.id, tip_);

  SourceConfig from_env = config(server.url("dns.git"));
  from_env.credentials.username = "deploy";
  from_env.credentials.token_env = "GITNS_TEST_GIT_TOKEN";
  setenv("GITNS_TEST_GIT_TOKEN", "s3cret-token", 1);
  auto b = GitSource::open(from_env);
  ASSERT_TRUE(b.ok());
  auto rb = b->fetch();
  unsetenv("GITNS_TEST_GIT_TOKEN");
  ASSERT_TRUE(rb.ok()) << rb.error().message;
  EXPECT_EQ(rb->commit.id, tip_);
}

TEST_F(HttpSource, AuthenticationFailuresSayWhy) {
  HttpBackend server(tmp_, tmp_ / "root", "deploy:s3cret-token");
  ASSERT_TRUE(server.ok());

  auto none = GitSource::open(config(server.url("dns.git")));
  ASSERT_TRUE(none.ok());
  auto rn = none->fetch();
  ASSERT_FALSE(rn.ok());
  EXPECT_NE(rn.error().message.find("asks for credentials"), std::string::npos)
      << rn.error().message;

  SourceConfig wrong = config(server.url("dns.git"));
  wrong.credentials.username = "deploy";
  wrong.credentials.token_file = tmp_ / "wrong-token";
  testing::write_file(wrong.credentials.token_file, "not-the-token\n");
  auto w = GitSource::open(wrong);
  ASSERT_TRUE(w.ok());
  auto rw = w->fetch();
  ASSERT_FALSE(rw.ok());
  EXPECT_NE(rw.error().message.find("rejected the credentials of user 'deploy'"), std::string::npos)
      << rw.error().message;
  EXPECT_EQ(rw.error().message.find("not-the-token"), std::string::npos)
      << "the secret must not appear in messages";

  SourceConfig unset = config(server.url("dns.git"));
  unset.credentials.token_env = "GITNS_TEST_UNSET_TOKEN";
  unsetenv("GITNS_TEST_UNSET_TOKEN");
  auto u = GitSource::open(unset);
  ASSERT_TRUE(u.ok());
  auto ru = u->fetch();
  ASSERT_FALSE(ru.ok());
  EXPECT_NE(ru.error().message.find("'GITNS_TEST_UNSET_TOKEN' is not set"), std::string::npos)
      << ru.error().message;

  SourceConfig missing_file = config(server.url("dns.git"));
  missing_file.credentials.token_file = tmp_ / "no-such-token";
  auto m = GitSource::open(missing_file);
  ASSERT_TRUE(m.ok());
  auto rm = m->fetch();
  ASSERT_FALSE(rm.ok());
  EXPECT_NE(rm.error().message.find("cannot read the token file"), std::string::npos)
      << rm.error().message;
}

}  // namespace
}  // namespace gitns::git
