#include "cli/listen.h"

#include <charconv>

#include "base/error.h"

namespace jejak::cli {

void ParseListen(const std::string& text, api::HttpOptions* options) {
  size_t colon = text.rfind(':');
  uint32_t port = 0;
  const char* begin = text.data() + (colon == std::string::npos ? 0 : colon + 1);
  const char* end = text.data() + text.size();
  auto [at, ec] = std::from_chars(begin, end, port);
  if (colon == std::string::npos || colon == 0 || ec != std::errc() || at != end || port > 65535) {
    throw base::Error(base::ErrorCode::kInvalidArgument,
                      "--listen must look like HOST:PORT, e.g. 127.0.0.1:8080");
  }
  options->host = text.substr(0, colon);
  options->port = static_cast<uint16_t>(port);
}

}  // namespace jejak::cli
