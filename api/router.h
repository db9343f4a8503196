// HTTP requests and responses as handlers see them (no Beast types), and a
// router from method + path pattern ("/v1/requests/{id}") to handlers. The
// route table can be listed, so a test can compare it with docs/openapi.yaml.
//
// A handler answers by returning a response, or, if it waits for something
// (a command waits for the engine's group commit), later through a Reply,
// without holding a server thread meanwhile. Either kind may throw
// base::Error before it answers; the server turns it into a problem.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jejak::api {

struct Request {
  std::string method;                          // "GET", "POST", ...
  std::string path;                            // without the query
  std::map<std::string, std::string> query;    // decoded
  std::map<std::string, std::string> params;   // {name} segments of the route
  std::map<std::string, std::string> headers;  // names lower-cased; repeats joined by ", "
  std::string body;
  std::string remote;  // the client: an IPv4 address, or an IPv6 /64 ("2001:db8::/64")

  // The header's value, or "" when absent.
  std::string Header(const std::string& lower_name) const;
  // The query parameter's value, or nullopt when absent.
  std::optional<std::string> Query(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
};

using Handler = std::function<Response(const Request&)>;
// Answers a request; call it exactly once, from any thread.
using Reply = std::function<void(Response)>;
// req is valid only during the call: copy what the answer needs.
using AsyncHandler = std::function<void(const Request& req, Reply reply)>;

struct Route {
  std::string method;
  std::string pattern;  // e.g. "/v1/requests/{id}/actions"
};

class Router {
 public:
  void Add(std::string method, std::string pattern, Handler handler);
  void AddAsync(std::string method, std::string pattern, AsyncHandler handler);
  // Finds the route for req.method and req.path and fills req.params
  // (percent-decoded). Throws Error(kNotFound, reason "no_route") if no
  // pattern matches the path, Error(kInvalidArgument, reason
  // "method_not_allowed") if patterns match but none for this method, and
  // Error(kInvalidArgument, reason "bad_url") if a parameter is not UTF-8.
  const AsyncHandler& Match(Request& req) const;
  // The methods of the routes whose pattern matches path, as an Allow
  // header lists them ("GET, POST"); empty if none does.
  std::string Allowed(std::string_view path) const;
  // Every route, in the order added.
  std::vector<Route> Routes() const;

 private:
  struct Entry {
    Route route;
    std::vector<std::string> segments;
    AsyncHandler handler;
    bool Fits(const std::vector<std::string_view>& segs) const;  // the pattern matches
  };
  std::vector<Entry> entries_;
};

// Splits "a=1&b=x%20y" into decoded pairs. Throws Error(kInvalidArgument,
// reason "bad_url") on a bad percent escape, text that is not UTF-8, or a
// name given twice.
std::map<std::string, std::string> ParseQuery(std::string_view query);
// Decodes %XX escapes; throws Error(kInvalidArgument, "bad_url") on a bad
// one. '+' is a space only in a query (HTML form encoding); in a path it is
// itself (RFC 3986).
enum class PlusMeans { kPlus, kSpace };
std::string PercentDecode(std::string_view text, PlusMeans plus = PlusMeans::kPlus);

}  // namespace jejak::api
