// GET /track: the citizen's tracking page (api/track_page.html), a plain page
// that calls the JSON API from the browser and checks the receipt there.
#include <string_view>
#include <utility>

#include "api/server_core.h"

namespace jejak::api {
namespace {

constexpr std::pair<std::string_view, std::string_view> kTrackPage[] = {
#include "track_page.inc"
};

}  // namespace

void AddTrackPage(ServerCore& core) {
  core.router.Add("GET", "/track", [](const Request&) {
    Response r;
    r.content_type = "text/html; charset=utf-8";
    r.body = kTrackPage[0].second;
    // Only this server's API and the page's own script and style; the URL
    // may carry a tracking code, so no Referer leaves the page.
    r.headers["Content-Security-Policy"] =
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'";
    r.headers["Referrer-Policy"] = "no-referrer";
    r.headers["X-Content-Type-Options"] = "nosniff";
    return r;
  });
}

}  // namespace jejak::api
