#include "api/rate_limit.h"

#include <algorithm>
#include <vector>

namespace jejak::api {
namespace {

double Seconds(RateLimiter::Clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

}  // namespace

void RateLimiter::Configure(double rate_per_s, double burst, size_t max_keys) {
  std::lock_guard lock(mu_);
  enabled_ = rate_per_s > 0;
  interval_s_ = rate_per_s > 0 ? 1 / rate_per_s : 0;
  span_s_ = std::max(1.0, burst) * interval_s_;
  max_keys_ = std::max<size_t>(max_keys, 16);
  full_at_.clear();
  held_ = 0;
}

double RateLimiter::FullAtLocked(std::string_view key, double now_s) {
  auto it = full_at_.find(key);
  return it == full_at_.end() ? now_s : std::max(now_s, it->second);
}

bool RateLimiter::Admit(std::string_view key, Clock::time_point now) {
  if (!enabled()) return true;
  double now_s = Seconds(now);
  std::lock_guard lock(mu_);
  double full_at = FullAtLocked(key, now_s);
  // Taking one moves the full time on by one interval; the bucket is empty
  // when that would put it more than a full bucket ahead.
  if (full_at + interval_s_ - now_s > span_s_ + 1e-9) return false;
  if (full_at_.size() >= next_sweep_) SweepLocked(now_s);
  auto it = full_at_.find(key);
  if (it == full_at_.end()) it = full_at_.emplace(std::string(key), 0).first;
  it->second = full_at + interval_s_;
  held_.store(full_at_.size(), std::memory_order_release);
  return true;
}

bool RateLimiter::Has(std::string_view key, Clock::time_point now) {
  if (!enabled()) return true;
  double now_s = Seconds(now);
  std::lock_guard lock(mu_);
  return FullAtLocked(key, now_s) + interval_s_ - now_s <= span_s_ + 1e-9;
}

bool RateLimiter::Full(std::string_view key, Clock::time_point now) {
  if (!enabled()) return true;
  double now_s = Seconds(now);
  std::lock_guard lock(mu_);
  return FullAtLocked(key, now_s) <= now_s;
}

size_t RateLimiter::keys() {
  std::lock_guard lock(mu_);
  return full_at_.size();
}

void RateLimiter::SweepLocked(double now_s) {
  std::erase_if(full_at_, [&](const auto& b) { return b.second <= now_s; });
  if (full_at_.size() >= max_keys_) {
    // Still too many keys that took something lately: forget the quarter
    // nearest to full, so that what remains costs an attacker the most.
    using Entry = decltype(full_at_)::iterator;
    std::vector<Entry> entries;
    entries.reserve(full_at_.size());
    for (auto it = full_at_.begin(); it != full_at_.end(); ++it) entries.push_back(it);
    auto cut = entries.begin() + static_cast<std::ptrdiff_t>(entries.size() / 4);
    std::nth_element(entries.begin(), cut, entries.end(),
                     [](Entry a, Entry b) { return a->second < b->second; });
    for (auto it = entries.begin(); it != cut; ++it) full_at_.erase(*it);
  }
  held_.store(full_at_.size(), std::memory_order_release);
  next_sweep_ = std::min(std::max<size_t>(2 * full_at_.size(), 1024), max_keys_);
}

}  // namespace jejak::api
