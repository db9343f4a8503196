// The jejak command's exit codes, documented in README.md and in --help.
#pragma once

#include "base/error.h"

namespace jejak::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitCheckFailed = 1,  // a verification found a problem
  kExitBadInput = 2,     // bad arguments, file, YAML or data directory
  kExitRefused = 3,      // a command was refused by a workflow rule
  kExitConflict = 4,     // expected version did not match
  kExitBusy = 5,         // the data directory is open in another process
  kExitIoError = 6,      // disk, RocksDB or corruption met while working
  kExitUnavailable = 7,  // Kafka or another service cannot be reached
  kExitStreamGap = 8,    // jejak project: the Kafka stream lacks an event
};

inline constexpr char kExitCodesHelp[] =
    "Exit codes: 0 ok, 1 verification failed, 2 bad input, 3 refused (rule or permission),\n"
    "4 version conflict, 5 data directory busy, 6 I/O error or corruption,\n"
    "7 service unavailable, 8 a Kafka stream misses an event (jejak project).";

ExitCode ExitCodeFor(base::ErrorCode code);
// As above, but a gap in a Kafka stream (reason "stream_gap") has its own code.
ExitCode ExitCodeFor(const base::Error& e);

}  // namespace jejak::cli
