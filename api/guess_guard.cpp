#include "api/guess_guard.h"

#include <string>

namespace jejak::api {
namespace {

constexpr double kDay = 86'400;

std::string PairKey(std::string_view request_id, std::string_view client) {
  std::string key(request_id);
  key += '\n';
  key += client;
  return key;
}

}  // namespace

GuessGuard::GuessGuard() {
  per_request_.Configure(1.0 / 300, 20);
  per_client_.Configure(1.0 / 120, 100);
  pairs_.Configure(1.0 / kDay, 1, size_t{1} << 20);
}

GuessGuard::Outcome GuessGuard::Check(std::string_view request_id, std::string_view client,
                                      bool right) {
  // No failure lately: every budget is full (the citizens' hot path).
  if (right && per_client_.Idle() && per_request_.Idle()) return Outcome::kRight;
  auto now = RateLimiter::Clock::now();
  std::lock_guard lock(mu_);
  if (!per_client_.Has(client, now)) return Outcome::kThrottled;
  bool request_has = per_request_.Has(request_id, now);
  if (!request_has && !pairs_.Full(PairKey(request_id, client), now)) return Outcome::kThrottled;
  if (right) return Outcome::kRight;
  per_client_.Admit(client, now);
  if (request_has) per_request_.Admit(request_id, now);
  pairs_.Admit(PairKey(request_id, client), now);
  return Outcome::kWrong;
}

}  // namespace jejak::api
