// HTTP requests and responses as handlers see them (no Beast types), and a
// router from method + path pattern ("/v1/requests/{id}") to handlers. The
// route table can be listed, so a test can compare it with docs/openapi.yaml.
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
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string remote;  // the client's address

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

struct Route {
  std::string method;
  std::string pattern;  // e.g. "/v1/requests/{id}/actions"
};

class Router {
 public:
  void Add(std::string method, std::string pattern, Handler handler);
  // Finds the route for req.method and req.path and fills req.params.
  // Throws Error(kNotFound, reason "no_route") if no pattern matches the path,
  // and Error(kInvalidArgument, reason "method_not_allowed") if patterns match
  // but none for this method.
  const Handler& Match(Request& req) const;
  // Every route, in the order added.
  std::vector<Route> Routes() const;

 private:
  struct Entry {
    Route route;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Entry> entries_;
};

// Splits "a=1&b=x%20y" into decoded pairs. Throws Error(kInvalidArgument) on
// a bad percent escape.
std::map<std::string, std::string> ParseQuery(std::string_view query);
std::string PercentDecode(std::string_view text);

}  // namespace jejak::api
