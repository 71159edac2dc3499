// ssh:// remotes against a real OpenSSH sshd on loopback (Debian package
// openssh-server), running as the test's own user with throw-away ed25519 keys.
// Skipped when sshd is not installed.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "controller/git/git_source.h"
#include "tests/unit/git/git_test_util.h"

extern char** environ;

namespace gitns::git {
namespace {

using testing::Repo;
using testing::TempDir;

constexpr const char* kSshd = "/usr/sbin/sshd";

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

bool port_open(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

std::string keygen(const std::string& path, const std::string& passphrase = {}) {
  int status = 0;
  std::string out = testing::run("ssh-keygen -q -t ed25519 -N " + testing::quote(passphrase) +
                                     " -C test -f " + testing::quote(path) + " 2>&1",
                                 &status);
  EXPECT_EQ(status, 0) << out;
  std::ifstream in(path + ".pub");
  std::string type, key;
  in >> type >> key;
  return type + " " + key;  // without the comment
}

class SshSource : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kSshd)) GTEST_SKIP() << "openssh-server is not installed";
    const passwd* pw = getpwuid(geteuid());
    if (pw == nullptr) GTEST_SKIP() << "no passwd entry for the test user";
    user_ = pw->pw_name;
    const std::string shell = pw->pw_shell ? pw->pw_shell : "";
    if (contains(shell, "nologin") || contains(shell, "false")) {
      GTEST_SKIP() << "the test user has no login shell";
    }
    // As root, sshd insists on its privilege-separation folder (the service creates it).
    if (geteuid() == 0) mkdir("/run/sshd", 0755);

    host_key_line_ = keygen(tmp_ / "host_key");
    client_key_ = tmp_ / "client_key";
    testing::write_file(tmp_ / "authorized_keys", keygen(client_key_) + "\n");
    port_ = free_port();
    ASSERT_GT(port_, 0);
    testing::write_file(tmp_ / "sshd_config",
                        "Port " + std::to_string(port_) +
                            "\nListenAddress 127.0.0.1\n"
                            "HostKey " +
                            tmp_ / "host_key" +
                            "\n"
                            "PidFile " +
                            tmp_ / "sshd.pid" +
                            "\n"
                            "AuthorizedKeysFile " +
                            tmp_ / "authorized_keys" +
                            "\n"
                            "StrictModes no\nPasswordAuthentication no\n"
                            "KbdInteractiveAuthentication no\nUsePAM no\n"
                            "PermitRootLogin prohibit-password\nLogLevel ERROR\n");
    std::string config = tmp_ / "sshd_config";
    std::string log = tmp_ / "sshd.log";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> args = {kSshd, "-D", "-e", "-f", config};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, kSshd, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ASSERT_EQ(rc, 0);
    for (int i = 0; i < 200 && !port_open(port_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ASSERT_TRUE(port_open(port_)) << "sshd did not start; its log is " << log;

    Repo bare = Repo::init(tmp_ / "remote.git", "main", true);
    Repo work = Repo::init(tmp_ / "work");
    work.write("zones/a.yaml", "served: over ssh\n");
    tip_ = work.commit("over ssh");
    work.git("push -q " + testing::quote(bare.dir()) + " main");
    url_ = "ssh://" + user_ + "@127.0.0.1:" + std::to_string(port_) + bare.dir();
    known_hosts_ = tmp_ / "known_hosts";
    testing::write_file(known_hosts_,
                        "[127.0.0.1]:" + std::to_string(port_) + " " + host_key_line_ + "\n");
  }

  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }

  SourceConfig config() {
    SourceConfig c;
    c.url = url_;
    c.cache_dir = tmp_ / ("cache-" + std::to_string(caches_++));
    c.credentials.ssh_key_file = client_key_;
    c.credentials.ssh_known_hosts_file = known_hosts_;
    return c;
  }

  base::Result<Revision> fetch(const SourceConfig& c) {
    auto src = GitSource::open(c);
    if (!src.ok()) return src.failure();
    return src->fetch();
  }

  TempDir tmp_;
  pid_t pid_ = -1;
  int port_ = 0;
  int caches_ = 0;
  std::string user_, host_key_line_, client_key_, known_hosts_, url_, tip_;
};

TEST_F(SshSource, KeyAuthenticationWithKnownHostsFile) {
  auto src = GitSource::open(config());
  ASSERT_TRUE(src.ok()) << src.error().message;
  auto rev = src->fetch();
  ASSERT_TRUE(rev.ok()) << rev.error().message;
  EXPECT_EQ(rev->branch, "main");  // the remote's HEAD, over ssh
  EXPECT_EQ(rev->commit.id, tip_);
  auto file = src->read_file(rev->commit.id, "zones/a.yaml");
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(*file, "served: over ssh\n");
}

TEST_F(SshSource, UnknownHostIsRefusedWithTheLineToAdd) {
  SourceConfig c = config();
  c.credentials.ssh_known_hosts_file = tmp_ / "empty_known_hosts";
  testing::write_file(c.credentials.ssh_known_hosts_file, "# nothing yet\n");
  auto rev = fetch(c);
  ASSERT_FALSE(rev.ok());
  EXPECT_TRUE(contains(rev.error().message, "has no ssh-ed25519 entry")) << rev.error().message;
  EXPECT_TRUE(
      contains(rev.error().message, "[127.0.0.1]:" + std::to_string(port_) + " " + host_key_line_))
      << rev.error().message;
}

TEST_F(SshSource, ChangedHostKeyIsRefused) {
  SourceConfig c = config();
  c.credentials.ssh_known_hosts_file = tmp_ / "stale_known_hosts";
  testing::write_file(
      c.credentials.ssh_known_hosts_file,
      "[127.0.0.1]:" + std::to_string(port_) + " " + keygen(tmp_ / "old_host_key") + "\n");
  auto rev = fetch(c);
  ASSERT_FALSE(rev.ok());
  EXPECT_TRUE(contains(rev.error().message, "differs from the one in")) << rev.error().message;
}

TEST_F(SshSource, DefaultHostCheckUsesHomeKnownHosts) {
  SourceConfig c = config();
  c.credentials.ssh_known_hosts_file.clear();
  auto rev = fetch(c);
  // A random loopback port is in nobody's ~/.ssh/known_hosts.
  ASSERT_FALSE(rev.ok());
  EXPECT_TRUE(contains(rev.error().message, "~/.ssh/known_hosts")) << rev.error().message;

  c.credentials.ssh_insecure_skip_host_key_check = true;
  c.cache_dir = tmp_ / "cache-insecure";
  auto insecure = fetch(c);
  ASSERT_TRUE(insecure.ok()) << insecure.error().message;
  EXPECT_EQ(insecure->commit.id, tip_);
}

TEST_F(SshSource, RejectedKeyAndMissingKeySayWhy) {
  SourceConfig stranger = config();
  stranger.credentials.ssh_key_file = tmp_ / "stranger_key";
  keygen(stranger.credentials.ssh_key_file);
  auto rs = fetch(stranger);
  ASSERT_FALSE(rs.ok());
  EXPECT_TRUE(contains(rs.error().message, "rejected the key")) << rs.error().message;
  EXPECT_TRUE(contains(rs.error().message, "for user '" + user_ + "'")) << rs.error().message;

  SourceConfig nokey = config();
  nokey.credentials.ssh_key_file.clear();
  auto rn = fetch(nokey);
  ASSERT_FALSE(rn.ok());
  EXPECT_TRUE(contains(rn.error().message, "configure an ssh private key")) << rn.error().message;
}

TEST_F(SshSource, PassphraseProtectedKey) {
  const std::string key = tmp_ / "locked_key";
  const std::string pub = keygen(key, "correct horse");
  testing::write_file(tmp_ / "authorized_keys", pub + "\n");
  SourceConfig c = config();
  c.credentials.ssh_key_file = key;
  c.credentials.ssh_passphrase_file = tmp_ / "passphrase";
  testing::write_file(c.credentials.ssh_passphrase_file, "correct horse\n");
  auto ok = fetch(c);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->commit.id, tip_);

  testing::write_file(c.credentials.ssh_passphrase_file, "wrong\n");
  c.cache_dir = tmp_ / "cache-wrong-passphrase";
  auto bad = fetch(c);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(contains(bad.error().message, "passphrase")) << bad.error().message;
}

}  // namespace
}  // namespace gitns::git
