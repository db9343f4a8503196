// A token bucket per client key (a bearer token, or the client address):
// rate requests per second on average, burst at once.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace jejak::api {

class RateLimiter {
 public:
  // rate 0 admits everything.
  void Configure(double rate_per_s, double burst);
  // Takes one request from key's bucket; false if it is empty.
  bool Admit(const std::string& key);

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point last;
  };
  std::atomic<bool> enabled_ = false;  // rate_ > 0: read without mu_
  std::mutex mu_;
  double rate_ = 0, burst_ = 0;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace jejak::api
