#include "controller/http/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace gitns::http {
namespace {

double refill_rate_per_ms(const RateLimit& limit) {
  return limit.refill.count() > 0 ? 1.0 / static_cast<double>(limit.refill.count()) : 1e9;
}

}  // namespace

RateLimiter::RateLimiter(Clock clock, std::size_t max_keys)
    : clock_(clock ? std::move(clock) : Clock([] { return std::chrono::system_clock::now(); })),
      max_keys_(std::max<std::size_t>(max_keys, 1)) {}

RateLimiter::Bucket& RateLimiter::bucket(std::string_view key, const RateLimit& limit,
                                         std::chrono::system_clock::time_point now) {
  std::string k(key);
  auto it = buckets_.find(k);
  if (it == buckets_.end()) {
    it = buckets_.emplace(k, Bucket{limit.burst, now}).first;
    limits_[k] = limit;
    return it->second;
  }
  Bucket& b = it->second;
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - b.updated).count();
  if (elapsed > 0) {
    b.tokens =
        std::min(limit.burst, b.tokens + static_cast<double>(elapsed) * refill_rate_per_ms(limit));
    b.updated = now;
  }
  return b;
}

void RateLimiter::evict(std::chrono::system_clock::time_point now) {
  // Drop every bucket that would be full by now; if none, the emptiest-refilled half goes.
  std::vector<std::string> full;
  for (const auto& [k, b] : buckets_) {
    const RateLimit& l = limits_[k];
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - b.updated).count();
    if (b.tokens + static_cast<double>(elapsed) * refill_rate_per_ms(l) >= l.burst)
      full.push_back(k);
  }
  if (full.empty()) {
    std::vector<std::pair<std::chrono::system_clock::time_point, std::string>> by_age;
    for (const auto& [k, b] : buckets_) by_age.emplace_back(b.updated, k);
    std::sort(by_age.begin(), by_age.end());
    for (std::size_t i = 0; i < by_age.size() / 2 + 1 && i < by_age.size(); ++i) {
      full.push_back(by_age[i].second);
    }
  }
  for (const auto& k : full) {
    buckets_.erase(k);
    limits_.erase(k);
  }
}

std::chrono::milliseconds RateLimiter::try_acquire(
    std::initializer_list<std::pair<std::string_view, RateLimit>> buckets) {
  std::lock_guard lock(mutex_);
  auto now = clock_();
  // Evict before taking references: eviction may drop any bucket.
  if (buckets_.size() + buckets.size() > max_keys_) evict(now);
  double wait_ms = 0;
  std::vector<Bucket*> picked;
  for (const auto& [key, limit] : buckets) {
    Bucket& b = bucket(key, limit, now);
    picked.push_back(&b);
    if (b.tokens < 1) wait_ms = std::max(wait_ms, (1 - b.tokens) / refill_rate_per_ms(limit));
  }
  if (wait_ms > 0) return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(wait_ms)));
  for (Bucket* b : picked) b->tokens -= 1;
  return std::chrono::milliseconds(0);
}

void RateLimiter::refund(std::string_view key, const RateLimit& limit) {
  std::lock_guard lock(mutex_);
  auto now = clock_();
  if (buckets_.size() + 1 > max_keys_) evict(now);
  Bucket& b = bucket(key, limit, now);
  b.tokens = std::min(limit.burst, b.tokens + 1);
}

void RateLimiter::reset(std::string_view key) {
  std::lock_guard lock(mutex_);
  buckets_.erase(std::string(key));
  limits_.erase(std::string(key));
}

}  // namespace gitns::http
