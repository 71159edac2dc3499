// What asks for a reconcile. Reconciles are level-based: a request says "look now",
// never what changed, so requests that arrive while one runs collapse into one more
// reconcile. The poll timer, SIGHUP, and later the webhook and the API all push here.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace gitns::reconcile {

enum class TriggerKind { start, poll, signal, webhook, api };
std::string_view to_string(TriggerKind k);

struct Trigger {
  TriggerKind kind = TriggerKind::api;
  std::string detail;  // e.g. "SIGHUP", a webhook's delivery id; for logs
};

class TriggerQueue {
 public:
  struct Wait {
    enum class What { triggered, timeout, closed } what = What::timeout;
    std::vector<Trigger> triggers;  // everything pushed since the last wait, oldest first
  };

  // Thread-safe; wakes the waiter. Ignored after close().
  void push(Trigger t);
  // Waits until a push, the timeout, or close(). close() wins over pending triggers,
  // so a shutdown never starts one more reconcile.
  Wait wait_for(std::chrono::milliseconds timeout);
  void close();
  bool closed() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Trigger> pending_;
  bool closed_ = false;
};

}  // namespace gitns::reconcile
