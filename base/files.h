// Whole files read and written through the operating system, and its
// errors as base::Error. Every file jejak writes outside RocksDB (keys,
// secrets, the relay's position, proofs and exports) goes through
// WriteFileAtomically, so a crash leaves the old content or the new, never a
// mix or an empty file. Every error names the path and says why the system
// refused (strerror).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "base/error.h"

namespace jejak::base {

// An Error(code) "<what>: <the system's reason for errnum>".
Error SystemError(const std::string& what, int errnum, ErrorCode code = ErrorCode::kIoError);

// The content of the file at path. Throws Error(kNotFound) if there is none,
// else Error(kIoError) if it cannot be read (a directory, say). what names the
// file's role in the message ("key file"); empty: just "cannot read <path>".
std::string ReadFile(const std::string& path, std::string_view what = {});

// fsyncs the directory that holds path, so that a rename or link in it lasts.
// Throws Error(kIoError) naming the directory.
void SyncDirectoryOf(const std::string& path);

enum class IfExists {
  kReplace,  // path gets the new content
  kFail,     // Error(kConflict): a file created once, such as a key, stays
};

// Writes bytes to path, created with mode (less the umask), so that a crash
// leaves the old file or the new one, whole: a temporary file in path's
// directory, created with that mode (a secret is never readable by others,
// not even for a moment), written, fsync'd, then renamed (or, for kFail,
// linked) to path, and the directory fsync'd. path names a regular file or
// nothing (else Error(kInvalidArgument)); a symbolic link at path is replaced,
// not followed. Throws Error(kIoError) naming path and the system's reason;
// the temporary file is gone then, and path holds what it held before.
void WriteFileAtomically(const std::string& path, std::string_view bytes, mode_t mode,
                         IfExists if_exists = IfExists::kReplace);

}  // namespace jejak::base
