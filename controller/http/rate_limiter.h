// Token buckets keyed by strings ("user:alice", "addr:192.0.2.7"), for login attempts.
// Each key starts with `burst` tokens and regains one every `refill` interval. Memory
// is bounded: at most `max_keys` buckets are kept, and a full bucket is forgotten first
// (it holds nothing a fresh bucket would not).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gitns::http {

using Clock = std::function<std::chrono::system_clock::time_point()>;

struct RateLimit {
  double burst = 5;                         // attempts allowed at once
  std::chrono::milliseconds refill{60000};  // one more attempt per interval
};

class RateLimiter {
 public:
  RateLimiter(Clock clock, std::size_t max_keys = 100000);

  // Takes one token from the bucket of every (key, limit) pair, or none at all when any is
  // empty; then returns how long until all of them have a token again (zero: taken).
  std::chrono::milliseconds try_acquire(
      std::initializer_list<std::pair<std::string_view, RateLimit>> buckets);

  // Gives one token back to a key (an attempt that turned out not to count).
  void refund(std::string_view key, const RateLimit& limit);
  // Forgets a key: its next attempt starts with a full bucket.
  void reset(std::string_view key);

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::system_clock::time_point updated;
  };
  Bucket& bucket(std::string_view key, const RateLimit& limit,
                 std::chrono::system_clock::time_point now);
  void evict(std::chrono::system_clock::time_point now);

  Clock clock_;
  std::size_t max_keys_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::unordered_map<std::string, RateLimit> limits_;  // per key, for eviction
};

}  // namespace gitns::http
