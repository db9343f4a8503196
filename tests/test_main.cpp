// The doctest main of every test binary. ctest runs one test case per
// process, by name (-tc=NAME); a name that matches no test case must fail,
// not pass with nothing checked: ctest cuts names at ';', for one.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "tests/helpers/samples.h"

namespace {

int g_started = 0;

struct StartedCounter : doctest::IReporter {
  explicit StartedCounter(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats&) override {}
  void test_case_start(const doctest::TestCaseData&) override { ++g_started; }
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};
REGISTER_LISTENER("started_counter", 1, StartedCounter);

}  // namespace

int main(int argc, char** argv) {
  // Every jejak a test starts has the tests' key-encryption key, as a
  // deployment has its own; a test about its absence unsets it.
  setenv("JEJAK_KEK", jejak::testing::TestKekFile().c_str(), 1);
  doctest::Context context(argc, argv);
  int rc = context.run();
  if (context.shouldExit()) return rc;
  bool filtered = false;
  for (int i = 1; i < argc; ++i) {
    filtered |=
        std::strncmp(argv[i], "-tc=", 4) == 0 || std::strncmp(argv[i], "--test-case=", 12) == 0;
  }
  if (rc == 0 && filtered && g_started == 0) {
    std::fprintf(stderr, "no test case matches the name given (-tc)\n");
    return 1;
  }
  return rc;
}
