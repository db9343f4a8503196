// The witness's add-checkpoint requests (witness/witness.h,
// add_checkpoint.h): what anyone on the internet may POST to
// `jejak witness serve`.
//
// Input: one or two request bodies separated by a NUL byte, sent in order
// to a fresh witness of the log whose key is the targets' key
// (fuzz/fuzz_util.h), so that a second request meets the state the first
// left.
//
// Promises: AddCheckpoint never throws and answers one of the spec's
// statuses; a 200 carries a cosignature that verifies over the submitted
// checkpoint, which is then the witness's state; a 409 says the size the
// witness holds, as text/x.tlog.size; a body that parses formats back to
// one that parses the same.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

#include "fuzz/fuzz_util.h"
#include "ledger/checkpoint.h"
#include "ledger/note.h"
#include "witness/add_checkpoint.h"
#include "witness/witness.h"

namespace ledger = jejak::ledger;
namespace witness = jejak::witness;
namespace fs = std::filesystem;

namespace {

const ledger::SigningKey& LogKey() {
  static const ledger::SigningKey key = ledger::ParseSigningKey(jejak::fuzz::kSigningKey);
  return key;
}

const ledger::SigningKey& WitnessKey() {
  static const ledger::SigningKey key =
      ledger::GenerateSigningKey("saksi.fuzz.jejak.example", ledger::kCosigner);
  return key;
}

// A directory of its own per input, in memory where the system has it.
std::string FreshDir() {
  static std::atomic<uint64_t> n{0};
  fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
  return (base / ("jejak-fuzz-witness-" + std::to_string(::getpid()) + "-" +
                  std::to_string(n.fetch_add(1))))
      .string();
}

void CheckParse(std::string_view body) {
  std::string problem;
  auto r = witness::ParseAddCheckpoint(body, &problem);
  JEJAK_REQUIRE(r.has_value() == problem.empty());
  if (!r) return;
  auto again = witness::ParseAddCheckpoint(witness::FormatAddCheckpoint(*r), &problem);
  JEJAK_REQUIRE(again && again->old_size == r->old_size && again->proof == r->proof &&
                again->checkpoint == r->checkpoint);
}

void Send(witness::Witness& w, std::string_view body) {
  CheckParse(body);
  witness::WitnessResponse a = w.AddCheckpoint(body);
  switch (a.status) {
    case 200: {
      std::string problem;
      auto r = witness::ParseAddCheckpoint(body, &problem);
      JEJAK_REQUIRE(r.has_value());
      std::string text;
      JEJAK_REQUIRE(
          ledger::OpenNote(r->checkpoint + a.body, WitnessKey().verifier, &text, &problem));
      JEJAK_REQUIRE(ledger::NoteSignedBy(r->checkpoint, LogKey().verifier));
      std::string origin_hash = ledger::HashToHex(ledger::Sha256Of(LogKey().verifier.name));
      JEJAK_REQUIRE(w.Latest(origin_hash) == r->checkpoint + a.body);
      break;
    }
    case 409:
      JEJAK_REQUIRE(a.content_type == "text/x.tlog.size" && !a.body.empty() &&
                    a.body.back() == '\n');
      break;
    case 400:
    case 403:
    case 404:
    case 422:
      break;
    default:
      JEJAK_REQUIRE(false && "an answer the spec does not have");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = jejak::fuzz::AsText(data, size);
  std::string dir = FreshDir();
  {
    witness::WitnessOptions o;
    o.data_dir = dir;
    o.key = WitnessKey();
    o.logs = {LogKey().verifier};
    o.clock = [] { return uint64_t{1700000000}; };
    auto w = witness::Witness::Open(std::move(o));
    std::string_view first = jejak::fuzz::Take(&in, '\0');
    Send(*w, first);
    if (!in.empty()) Send(*w, in);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
