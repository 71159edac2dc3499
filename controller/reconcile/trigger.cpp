#include "controller/reconcile/trigger.h"

namespace gitns::reconcile {

std::string_view to_string(TriggerKind k) {
  switch (k) {
    case TriggerKind::start:
      return "start";
    case TriggerKind::poll:
      return "poll";
    case TriggerKind::signal:
      return "signal";
    case TriggerKind::webhook:
      return "webhook";
    case TriggerKind::api:
      return "api";
  }
  return "?";
}

void TriggerQueue::push(Trigger t) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    pending_.push_back(std::move(t));
  }
  cv_.notify_one();
}

TriggerQueue::Wait TriggerQueue::wait_for(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, timeout, [this] { return closed_ || !pending_.empty(); });
  Wait w;
  if (closed_) {
    w.what = Wait::What::closed;
  } else if (!pending_.empty()) {
    w.what = Wait::What::triggered;
    w.triggers.assign(std::make_move_iterator(pending_.begin()),
                      std::make_move_iterator(pending_.end()));
    pending_.clear();
  }
  return w;
}

void TriggerQueue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    pending_.clear();
  }
  cv_.notify_all();
}

bool TriggerQueue::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

}  // namespace gitns::reconcile
