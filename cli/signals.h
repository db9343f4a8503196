// SIGINT and SIGTERM ask long-running commands to stop at the next safe
// point; they then close the ledger cleanly and exit.
#pragma once

#include <atomic>

namespace jejak::cli {

// Installs the handlers (once) and returns the flag they set.
const std::atomic<bool>& StopRequested();

}  // namespace jejak::cli
