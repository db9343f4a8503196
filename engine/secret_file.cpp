#include "engine/secret_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "base/error.h"

namespace jejak::engine {

using base::Error;
using base::ErrorCode;

std::string LoadOrCreateSecret(const std::string& path, size_t size, bool create,
                               const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (key.size() != size) {
      throw Error(ErrorCode::kCorruption,
                  fmt::format("{} should hold a {}-byte {} but holds {} bytes", path, size, what,
                              key.size()));
    }
    return key;
  }
  if (!create) throw Error(ErrorCode::kNotFound, fmt::format("no {} at {}", what, path));
  std::string key(size, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(size)) != 1) {
    throw Error(ErrorCode::kIoError, fmt::format("no randomness for the {}", what));
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) throw Error(ErrorCode::kIoError, fmt::format("cannot create {}", path));
  bool ok =
      ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw Error(ErrorCode::kIoError, fmt::format("cannot write {}", path));
  return key;
}

}  // namespace jejak::engine
