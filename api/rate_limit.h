// Token buckets per key (a client address, a verified token's subject, a
// request id): rate per second on average, burst at once. Each bucket is one
// time (GCRA: when it will be full again), and a bucket that has refilled
// carries no information, so it is forgotten: memory holds only the keys
// that took something within one refill time. Past max_keys, the buckets
// nearest to full are forgotten first (a forgotten key starts full), never
// all at once. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace jejak::api {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // rate 0 admits everything.
  void Configure(double rate_per_s, double burst, size_t max_keys = size_t{1} << 18);
  bool enabled() const { return enabled_.load(std::memory_order_relaxed); }

  // Takes one from key's bucket; false, taking nothing, if it is empty.
  bool Admit(std::string_view key, Clock::time_point now = Clock::now());
  // Whether key's bucket holds at least one (takes nothing).
  bool Has(std::string_view key, Clock::time_point now = Clock::now());
  // Whether key's bucket is full (never taken from, or refilled).
  bool Full(std::string_view key, Clock::time_point now = Clock::now());
  size_t keys();  // buckets held
  // No bucket held: every bucket is full (no lock taken).
  bool Idle() const { return held_.load(std::memory_order_acquire) == 0; }

 private:
  // Where key's bucket stands: when it is full again (<= now_s: full).
  double FullAtLocked(std::string_view key, double now_s);
  void SweepLocked(double now_s);

  std::atomic<bool> enabled_ = false;  // rate_ > 0: read without mu_
  std::atomic<size_t> held_ = 0;       // full_at_.size()
  std::mutex mu_;
  double interval_s_ = 0;  // 1 / rate: what one request costs
  double span_s_ = 0;      // burst * interval: a full bucket
  size_t max_keys_ = 0;
  size_t next_sweep_ = 1024;
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  // Per key, when its bucket is full again (seconds, steady clock); absent
  // or in the past: full.
  std::unordered_map<std::string, double, Hash, std::equal_to<>> full_at_;
};

}  // namespace jejak::api
