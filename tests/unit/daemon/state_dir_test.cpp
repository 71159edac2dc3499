#include "controller/daemon/state_dir.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace gitns::daemon {
namespace {

namespace fs = std::filesystem;

struct Tmp {
  Tmp() {
    std::string t = (fs::temp_directory_path() / "gitns-state-XXXXXX").string();
    if (!::mkdtemp(t.data())) ADD_FAILURE() << "mkdtemp";
    path = t;
  }
  ~Tmp() { fs::remove_all(path); }
  fs::path path;
};

TEST(StateDir, OneOwnerAtATime) {
  Tmp tmp;
  std::string dir = (tmp.path / "state").string();
  auto first = StateDirLock::acquire(dir);
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  EXPECT_TRUE(fs::exists(fs::path(dir) / "gitnsd.lock"));
  // flock is per open file description: a second acquire in this process conflicts too,
  // as a second gitnsd would.
  auto second = StateDirLock::acquire(dir);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, base::Errc::in_use);
  EXPECT_NE(second.error().message.find("another gitnsd"), std::string::npos);
  { StateDirLock released = std::move(first).value(); }
  EXPECT_TRUE(StateDirLock::acquire(dir).ok());
}

TEST(StateDir, ALockOfAKilledProcessIsGone) {
  Tmp tmp;
  std::string dir = tmp.path.string();
  pid_t child = ::fork();
  if (child == 0) {
    auto held = StateDirLock::acquire(dir);
    ::kill(::getpid(), SIGKILL);
    _exit(0);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_TRUE(StateDirLock::acquire(dir).ok());
}

TEST(StateDir, StaleGitLocksAreRemoved) {
  Tmp tmp;
  fs::path git = tmp.path / "git-cache";
  fs::create_directories(git / "refs/remotes/origin");
  fs::create_directories(git / "objects/pack");
  std::ofstream(git / "refs/remotes/origin/main.lock") << "x";
  std::ofstream(git / "packed-refs.lock") << "x";
  std::ofstream(git / "refs/remotes/origin/main") << "0123";
  std::ofstream(git / "objects/pack/keep.lock") << "x";  // objects/ is not walked
  auto removed = remove_stale_git_locks(git.string());
  EXPECT_EQ(removed.size(), 2u);
  EXPECT_FALSE(fs::exists(git / "refs/remotes/origin/main.lock"));
  EXPECT_FALSE(fs::exists(git / "packed-refs.lock"));
  EXPECT_TRUE(fs::exists(git / "refs/remotes/origin/main"));
  EXPECT_TRUE(fs::exists(git / "objects/pack/keep.lock"));
  EXPECT_TRUE(remove_stale_git_locks((tmp.path / "absent").string()).empty());
}

}  // namespace
}  // namespace gitns::daemon
