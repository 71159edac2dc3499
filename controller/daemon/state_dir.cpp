#include "controller/daemon/state_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace gitns::daemon {

namespace fs = std::filesystem;

base::Result<StateDirLock> StateDirLock::acquire(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return base::fail(base::Errc::io,
                      "cannot create the state folder " + dir + ": " + ec.message());
  std::string path = (fs::path(dir) / "gitnsd.lock").string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return base::fail(base::Errc::io, "cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      return base::fail(base::Errc::in_use, "another gitnsd is using the state folder " + dir +
                                                " (it holds " + path +
                                                "); give each gitnsd its own --state-dir");
    return base::fail(base::Errc::io, "cannot lock " + path + ": " + std::strerror(err));
  }
  return StateDirLock(fd);
}

StateDirLock::~StateDirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

std::vector<std::string> remove_stale_git_locks(const std::string& git_dir) {
  std::vector<std::string> removed;
  std::error_code ec;
  if (!fs::is_directory(git_dir, ec)) return removed;
  // objects/ holds content only (no .lock files of its own) and is by far the largest
  // part: skip it.
  fs::recursive_directory_iterator it(git_dir, fs::directory_options::skip_permission_denied, ec),
      end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (it.depth() == 0 && p.filename() == "objects") {
      it.disable_recursion_pending();
      continue;
    }
    if (p.extension() == ".lock" && it->is_regular_file(ec)) {
      std::error_code rm;
      if (fs::remove(p, rm)) removed.push_back(p.string());
    }
  }
  return removed;
}

}  // namespace gitns::daemon
