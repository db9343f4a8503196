#include "api/rate_limit.h"

#include <algorithm>

namespace jejak::api {

void RateLimiter::Configure(double rate_per_s, double burst) {
  std::lock_guard lock(mu_);
  rate_ = rate_per_s;
  burst_ = std::max(1.0, burst);
  enabled_ = rate_ > 0;
}

bool RateLimiter::Admit(const std::string& key) {
  if (!enabled_.load(std::memory_order_relaxed)) return true;
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  if (rate_ <= 0) return true;
  // Bounded memory: forget every bucket now and then; a forgotten client
  // only gets a full bucket again.
  if (buckets_.size() > 100'000) buckets_.clear();
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) {
    b.tokens =
        std::min(burst_, b.tokens + rate_ * std::chrono::duration<double>(now - b.last).count());
    b.last = now;
  }
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

}  // namespace jejak::api
