#include "api/problem.h"
#include "base/reason.h"

#include <nlohmann/json.hpp>

#include <string>

namespace jejak::api {
namespace {

using base::ErrorCode;

const char* Title(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 503:
      return "Service Unavailable";
    default:
      return "Internal Server Error";
  }
}

}  // namespace

int HttpStatusFor(const base::Error& error) {
  // Rule violations in the request's content (422) versus malformed input (400).
  namespace r = base::reason;
  auto is = [&error](std::initializer_list<base::Reason> reasons) {
    for (const base::Reason& r : reasons)
      if (error.reason() == r.name) return true;
    return false;
  };
  switch (error.code()) {
    case ErrorCode::kInvalidArgument:
      if (is({r::kMethodNotAllowed})) return 405;
      if (is({r::kBodyTooLarge})) return 413;
      return is({r::kUnknownAction, r::kUnknownField, r::kInvalidField, r::kMissingField,
                 r::kReasonRequired, r::kMissingApplicant, r::kBadRange})
                 ? 422
                 : 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kPermissionDenied:
      return is({r::kMissingToken, r::kBadToken, r::kTokenExpired}) ? 401 : 403;
    case ErrorCode::kRefused:
      return 422;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kUnavailable:
      return is({r::kRateLimited, r::kTooManyGuesses}) ? 429 : 503;
    case ErrorCode::kBusy:
    case ErrorCode::kIoError:  // a storage fault: the server goes on, retry later
      return 503;
    case ErrorCode::kCorruption:
      return 500;
  }
  return 500;
}

Response ProblemResponse(const base::Error& error) {
  int status = HttpStatusFor(error);
  std::string code(base::ErrorCodeName(error.code()));
  std::string slug = error.reason().empty() ? code : error.reason();
  nlohmann::json doc = {{"type", "https://jejak.go.id/problems/" + slug},
                        {"title", Title(status)},
                        {"status", status},
                        {"detail", error.what()},
                        {"code", code},
                        {"reason", error.reason()}};
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  // The detail may echo what the client sent.
  r.body = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (status == 401) r.headers["WWW-Authenticate"] = "Bearer realm=\"jejak\"";
  // A guess budget refills one check per 5 minutes (guess_guard.h).
  if (status == 429)
    r.headers["Retry-After"] = error.reason() == base::reason::kTooManyGuesses.name ? "300" : "1";
  return r;
}

}  // namespace jejak::api
