// Throttles guessing of tracking codes without locking the citizen out.
//
// A code that is checked and wrong is a failure. Failures are budgeted, as
// token buckets (rate_limit.h):
// - per request id: 20 at once, then one per 5 minutes (at most 308 a day),
//   from all clients together;
// - per client (address; IPv6: its /64): 100 at once, then one per
//   2 minutes (at most 820 a day), over all request ids;
// - per request id and client: a client that failed on a request is
//   remembered for a day.
// A code is checked only while its client has budget, and its request has
// budget or the client has not failed on that request within the day: so a
// guesser who spends a request's budget leaves every other client one check
// a day on it, which is what a citizen who types the right code needs.
// Otherwise the answer is "throttled" before the code is looked at, so a
// throttled answer says nothing about the code. A right code costs nothing.
//
// A guesser thus learns at most 308 + C codes of one request a day, with C
// the clients (addresses) it uses, and at most 820 a day per client. Memory
// is bounded as in RateLimiter (2^18 requests and clients, 2^20 pairs; past
// 2^20 pairs failed within a day, the oldest are forgotten, each giving its
// client one more check, still within the client's 820). Thread-safe.
#pragma once

#include <mutex>
#include <string_view>

#include "api/rate_limit.h"

namespace jejak::api {

class GuessGuard {
 public:
  GuessGuard();

  enum class Outcome { kRight, kWrong, kThrottled };
  // The outcome of presenting a code for request_id from client, where right
  // says whether the code is the request's: kThrottled if the code may not
  // be checked now (right is then ignored), else kRight or kWrong (a
  // failure, counted).
  Outcome Check(std::string_view request_id, std::string_view client, bool right);

 private:
  std::mutex mu_;  // the three budgets change together
  RateLimiter per_request_, per_client_, pairs_;
};

}  // namespace jejak::api
