// A child process for the relay crash test: a writer with a relay beside it,
// which a test can kill with SIGKILL in the middle of publishing.
//   relay_helper DATA BOOTSTRAP TOPIC TOTAL
// opens DATA/ledger, starts a relay to TOPIC, appends SampleEvent(n) for
// n = size .. TOTAL-1 in small batches, printing "appended <size>" and
// "published <position>" as they grow; then drains and prints "drained"
// (exit 0), or "not drained" (exit 1) after a minute.
#include <fmt/format.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "base/error.h"
#include "events/encoding.h"
#include "kafka/relay.h"
#include "ledger/ledger.h"
#include "tests/testutil.h"

namespace {

void Say(const std::string& line) {
  std::string l = line + "\n";
  if (write(STDOUT_FILENO, l.data(), l.size()) != static_cast<ssize_t>(l.size())) _exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace jejak;
  if (argc != 5) {
    fmt::print(stderr, "usage: relay_helper DATA BOOTSTRAP TOPIC TOTAL\n");
    return 2;
  }
  try {
    std::string data = argv[1];
    auto ledger = ledger::Ledger::Open(data + "/ledger");
    kafka::RelayOptions o;
    o.data_dir = data;
    o.bootstrap = argv[2];
    o.topic = argv[3];
    o.save_interval = std::chrono::milliseconds(20);  // many saves: more chances to die in one
    uint64_t total = std::stoull(argv[4]);
    auto relay = kafka::Relay::Start(*ledger, o);
    uint64_t published = 0;
    while (ledger->size() < total) {
      std::vector<std::string> batch;
      for (uint64_t n = ledger->size(); n < total && batch.size() < 10; ++n) {
        batch.push_back(events::Encode(testing::SampleEvent(n)));
      }
      ledger->AppendBatch(std::move(batch));
      Say(fmt::format("appended {}", ledger->size()));
      if (uint64_t p = relay->status().published; p != published) {
        published = p;
        Say(fmt::format("published {}", p));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    bool drained = relay->Drain(std::chrono::seconds(60));
    Say(fmt::format("published {}", relay->status().published));
    Say(drained ? "drained" : "not drained");
    return drained ? 0 : 1;
  } catch (const base::Error& e) {
    Say(fmt::format("{} {}", base::ErrorCodeName(e.code()), e.what()));
    return 3;
  }
}
