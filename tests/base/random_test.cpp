#include "base/random.h"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <string>

namespace jejak::base {
namespace {

TEST_CASE("random: no two draws repeat") {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {  // as many nonces as 2000 sealed fields
    std::string b = RandomBytes(12);
    CHECK(b.size() == 12);
    CHECK(seen.insert(b).second);
  }
  CHECK(RandomBytes(5000).size() == 5000);
  CHECK(RandomBytes(0).empty());
}

TEST_CASE("random: a forked child does not repeat its parent's bytes") {
  RandomBytes(12);  // the parent has drawn before it forks
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::string b = RandomBytes(32);
    _exit(write(pipe_fds[1], b.data(), b.size()) == 32 ? 0 : 1);
  }
  std::string mine = RandomBytes(32);
  std::string theirs(32, '\0');
  close(pipe_fds[1]);
  REQUIRE(read(pipe_fds[0], theirs.data(), 32) == 32);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(mine != theirs);
}

}  // namespace
}  // namespace jejak::base
