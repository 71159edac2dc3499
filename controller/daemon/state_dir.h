// The --state-dir folder of repository mode: the store, the git cache and status.json.
// One gitnsd owns it at a time (an advisory lock held for the process's life), which is
// what makes it safe to clear what a killed predecessor left half-done in the git cache.
#pragma once

#include <string>
#include <vector>

#include "resolver/base/result.h"

namespace gitns::daemon {

// Holds <dir>/gitnsd.lock with flock(LOCK_EX) until destroyed (the kernel drops it when
// the process dies, kill -9 included).
class StateDirLock {
 public:
  // Creates the folder if needed. Errc::in_use when another process holds the lock,
  // Errc::io when the folder or the lock file cannot be made.
  static base::Result<StateDirLock> acquire(const std::string& dir);
  StateDirLock(StateDirLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  StateDirLock& operator=(StateDirLock&&) = delete;
  StateDirLock(const StateDirLock&) = delete;
  ~StateDirLock();

 private:
  explicit StateDirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// Removes the `*.lock` files below a git folder. git and libgit2 take a ref or config
// lock by creating NAME.lock and renaming it into place; a process killed in between
// leaves the file behind and every later update of that ref fails ("failed to lock
// file"). Only call this while holding the StateDirLock: then no one else can be
// mid-update. Returns the paths removed.
std::vector<std::string> remove_stale_git_locks(const std::string& git_dir);

}  // namespace gitns::daemon
