// The controller thread's reconcile loop, with a way for other threads (the HTTP API) to
// ask for a reconcile and wait for it: run_loop (reconciler.h) plus a completion count.
//
// trigger_and_wait() returns the outcome of a reconcile that STARTED after the request
// was queued (one already running when it arrived does not count: it may have fetched
// before the push it was asked for).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

#include "controller/reconcile/reconciler.h"
#include "controller/reconcile/trigger.h"

namespace gitns::reconcile {

class ReconcileLoop {
 public:
  // poll 0: reconciles on triggers only.
  ReconcileLoop(Reconciler& reconciler, std::chrono::milliseconds poll);

  // Runs reconciles until stop(): one at once, then one per trigger or poll interval.
  void run();
  // Thread-safe; a reconcile in progress finishes, no new one starts.
  void stop();

  void trigger(Trigger t);  // thread-safe, never blocks

  struct Waited {
    enum class What { done, timeout, stopped } what = What::timeout;
    ReconcileRecord record;  // done: the record of the reconcile that ran
  };
  Waited trigger_and_wait(Trigger t, std::chrono::milliseconds timeout);

  // Reconciles started and finished so far (tests, metrics).
  uint64_t finished() const;

 private:
  Reconciler& reconciler_;
  std::chrono::milliseconds poll_;
  TriggerQueue queue_;
  mutable std::mutex mutex_;
  std::condition_variable done_cv_;
  uint64_t started_ = 0;   // guarded by mutex_
  uint64_t finished_ = 0;  // guarded by mutex_
  ReconcileRecord last_;   // guarded by mutex_: the record of reconcile number finished_
  bool stopped_ = false;   // guarded by mutex_
};

}  // namespace gitns::reconcile
