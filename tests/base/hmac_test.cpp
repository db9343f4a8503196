#include "base/hmac.h"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "base/hex.h"

namespace jejak::base {
namespace {

TEST_CASE("HMAC-SHA256 matches RFC 4231's test cases") {
  // Test case 2: a short key.
  HmacSha256 jefe("Jefe");
  CHECK(ToHex(jefe.MacString("what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block, hashed first.
  HmacSha256 longer(std::string(131, '\xaa'));
  CHECK(ToHex(longer.MacString("Test Using Larger Than Block-Size Key - Hash Key First")) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  // The keyed context is never changed by a call.
  CHECK(ToHex(jefe.MacString("what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("HMAC-SHA256 gives the same MAC from several threads at once") {
  HmacSha256 mac("kunci bersama");
  std::string expected = mac.MacString("pesan");
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) wrong[t] += mac.MacString("pesan") != expected;
    });
  }
  for (auto& t : threads) t.join();
  for (int w : wrong) CHECK(w == 0);
}

}  // namespace
}  // namespace jejak::base
