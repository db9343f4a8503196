// The --listen HOST:PORT option of the commands that serve HTTP.
#pragma once

#include <string>

#include "api/http_server.h"

namespace jejak::cli {

// Sets options->host and ->port from "HOST:PORT" (port 0: any free port).
// Throws Error(kInvalidArgument) naming the option otherwise.
void ParseListen(const std::string& text, api::HttpOptions* options);

}  // namespace jejak::cli
