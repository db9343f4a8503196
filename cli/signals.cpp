#include "cli/signals.h"

#include <csignal>

namespace jejak::cli {
namespace {

std::atomic<bool> stop{false};

extern "C" void OnSignal(int) { stop.store(true); }

}  // namespace

const std::atomic<bool>& StopRequested() {
  static bool installed = [] {
    struct sigaction sa {};
    sa.sa_handler = OnSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    return true;
  }();
  (void)installed;
  return stop;
}

}  // namespace jejak::cli
