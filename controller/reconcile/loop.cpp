#include "controller/reconcile/loop.h"

namespace gitns::reconcile {

ReconcileLoop::ReconcileLoop(Reconciler& reconciler, std::chrono::milliseconds poll)
    : reconciler_(reconciler), poll_(poll) {}

void ReconcileLoop::run() {
  const auto forever = std::chrono::hours(24);
  Trigger next{TriggerKind::start, ""};
  for (;;) {
    {
      // Numbered under the lock trigger_and_wait() holds while pushing: a waiter's
      // target is always a reconcile that starts after its push.
      std::lock_guard lock(mutex_);
      ++started_;
    }
    ReconcileOutcome o = reconciler_.reconcile(next);  // catches everything itself
    {
      std::lock_guard lock(mutex_);
      ++finished_;
      last_ = std::move(o.record);
    }
    done_cv_.notify_all();
    bool have_next = false;
    while (!have_next) {
      TriggerQueue::Wait w = queue_.wait_for(
          poll_.count() > 0 ? poll_ : std::chrono::duration_cast<std::chrono::milliseconds>(forever));
      if (w.what == TriggerQueue::Wait::What::closed) {
        {
          std::lock_guard lock(mutex_);
          stopped_ = true;
        }
        done_cv_.notify_all();
        return;
      }
      if (w.what == TriggerQueue::Wait::What::triggered) {
        next = w.triggers.front();
        have_next = true;
      } else if (poll_.count() > 0) {
        next = {TriggerKind::poll, ""};
        have_next = true;
      }
    }
  }
}

void ReconcileLoop::stop() {
  queue_.close();
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  done_cv_.notify_all();
}

void ReconcileLoop::trigger(Trigger t) { queue_.push(std::move(t)); }

ReconcileLoop::Waited ReconcileLoop::trigger_and_wait(Trigger t,
                                                      std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const uint64_t target = started_ + 1;
  queue_.push(std::move(t));
  Waited out;
  bool done = done_cv_.wait_for(lock, timeout, [&] { return finished_ >= target || stopped_; });
  if (finished_ >= target) {
    out.what = Waited::What::done;
    out.record = last_;
  } else {
    out.what = done ? Waited::What::stopped : Waited::What::timeout;
  }
  return out;
}

uint64_t ReconcileLoop::finished() const {
  std::lock_guard lock(mutex_);
  return finished_;
}

}  // namespace gitns::reconcile
