#include "witness/witness.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>

#include "base/error.h"
#include "base/files.h"
#include "ledger/checkpoint.h"
#include "ledger/hash.h"
#include "ledger/merkle.h"
#include "witness/add_checkpoint.h"

namespace jejak::witness {
namespace {

namespace fs = std::filesystem;
using base::Error;
using base::ErrorCode;

constexpr mode_t kStateMode = 0644;

// The latest cosigned checkpoint of one log.
struct LogState {
  uint64_t size = 0;
  ledger::Hash root{};
  std::string note;  // empty if the witness never cosigned one
};

WitnessResponse Answer(int status, std::string body) {
  WitnessResponse r;
  r.status = status;
  r.body = std::move(body);
  if (!r.body.empty() && r.body.back() != '\n') r.body += '\n';
  return r;
}

class WitnessImpl final : public Witness {
 public:
  explicit WitnessImpl(WitnessOptions o) : o_(std::move(o)) {
    if (o_.key.verifier.type != ledger::kCosigner) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("{} is not a witness key (make one with 'jejak keys generate "
                              "--witness')",
                              o_.key.verifier.name));
    }
    if (o_.logs.empty())
      throw Error(ErrorCode::kInvalidArgument, "a witness needs a log to follow");
    if (!o_.clock) {
      o_.clock = [] {
        return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count());
      };
    }
    std::error_code ec;
    fs::create_directories(fs::path(o_.data_dir) / "logs", ec);
    fs::create_directories(fs::path(o_.data_dir) / "evidence", ec);
    for (const auto& key : o_.logs) {
      if (key.type != ledger::kNoteSigner) {
        throw Error(ErrorCode::kInvalidArgument,
                    fmt::format("{} is a witness key, not a log's key", key.name));
      }
      if (logs_.count(key.name)) continue;
      logs_[key.name] = Load(key.name);
    }
  }

  WitnessResponse AddCheckpoint(std::string_view body) override {
    std::string problem;
    std::optional<AddCheckpointRequest> request = ParseAddCheckpoint(body, &problem);
    if (!request) return Answer(400, problem);
    std::string_view note = request->checkpoint;
    std::string origin(note.substr(0, note.find('\n')));
    auto log = logs_.find(origin);
    if (log == logs_.end()) return Answer(404, fmt::format("unknown log origin \"{}\"", origin));
    ledger::Checkpoint c;
    if (!SignedByLog(note, origin, &c, &problem)) return Answer(403, problem);

    std::lock_guard lock(mu_);
    LogState& state = log->second;
    auto refuse = [&](int status, std::string why) {
      KeepEvidence(origin, c.size, status, why, body);
      return Answer(status, std::move(why));
    };
    if (request->old_size > c.size) {
      return refuse(400, fmt::format("the old size {} exceeds the checkpoint's size {}",
                                     request->old_size, c.size));
    }
    if (request->old_size != state.size) {
      KeepEvidence(origin, c.size, 409,
                   fmt::format("old size {}, but the latest cosigned size is {}", request->old_size,
                               state.size),
                   body);
      WitnessResponse r = Answer(409, fmt::format("{}\n", state.size));
      r.content_type = "text/x.tlog.size";
      return r;
    }
    if (c.size == 0 && c.root != ledger::MerkleEmptyRoot()) {
      return refuse(422, "a checkpoint of size 0 must have the empty tree's root");
    }
    if (request->old_size == 0 && !request->proof.empty()) {
      return refuse(422, "a proof from size 0 must be empty");
    }
    if (request->old_size == c.size && c.root != state.root && state.size != 0) {
      return refuse(422, fmt::format("the checkpoint of size {} has another root than the one "
                                     "this witness cosigned: the log forked",
                                     c.size));
    }
    if (request->old_size != 0 && request->old_size != c.size &&
        !ledger::VerifyConsistency(request->old_size, c.size, state.root, c.root, request->proof)) {
      return refuse(422, fmt::format("the consistency proof from size {} to {} does not verify",
                                     request->old_size, c.size));
    }
    std::string line;
    try {
      line = ledger::CosignatureLine(ledger::CheckpointText(c), o_.key, o_.clock());
      base::WriteFileAtomically(StatePath(origin), std::string(note) + line, kStateMode);
    } catch (const Error& e) {
      return Answer(500, fmt::format("the witness cannot record its state, so it cosigns "
                                     "nothing: {}",
                                     e.what()));
    }
    state = LogState{c.size, c.root, std::string(note) + line};
    return Answer(200, line);
  }

  std::optional<std::string> Latest(std::string_view origin_hash) const override {
    std::lock_guard lock(mu_);
    for (const auto& [origin, state] : logs_) {
      if (OriginHash(origin) == origin_hash && !state.note.empty()) return state.note;
    }
    return std::nullopt;
  }

 private:
  static std::string OriginHash(std::string_view origin) {
    return ledger::HashToHex(ledger::Sha256Of(origin));
  }

  std::string StatePath(std::string_view origin) const {
    return (fs::path(o_.data_dir) / "logs" / OriginHash(origin)).string();
  }

  // Whether note carries a valid signature by one of the keys of origin.
  bool SignedByLog(std::string_view note, const std::string& origin, ledger::Checkpoint* c,
                   std::string* problem) const {
    *problem = fmt::format("no valid signature by a key of {}", origin);
    for (const auto& key : o_.logs) {
      std::string why;
      if (key.name == origin && ledger::VerifyCheckpoint(note, key, c, &why)) return true;
    }
    return false;
  }

  LogState Load(const std::string& origin) const {
    std::string path = StatePath(origin);
    std::error_code ec;
    if (!fs::exists(path, ec)) return {};
    std::string note = base::ReadFile(path, "witness state");
    ledger::Checkpoint c;
    std::string problem, text;
    if (!SignedByLog(note, origin, &c, &problem) ||
        !ledger::OpenNote(note, o_.key.verifier, &text, &problem)) {
      throw Error(ErrorCode::kCorruption,
                  fmt::format("the witness state {} is not a checkpoint of {} cosigned by this "
                              "witness: {}",
                              path, origin, problem));
    }
    return LogState{c.size, c.root, note};
  }

  // Best effort: a refusal stands whether or not its evidence is written.
  void KeepEvidence(const std::string& origin, uint64_t size, int status, const std::string& why,
                    std::string_view body) const {
    static std::atomic<uint64_t> counter{0};
    auto now = std::chrono::system_clock::now().time_since_epoch();
    std::string path =
        (fs::path(o_.data_dir) / "evidence" /
         fmt::format("{}-{}-{}-{}-{}.txt", OriginHash(origin).substr(0, 16), size, status,
                     std::chrono::duration_cast<std::chrono::nanoseconds>(now).count(),
                     counter.fetch_add(1)))
            .string();
    try {
      base::WriteFileAtomically(
          path, fmt::format("origin: {}\nanswer: {} {}\n\n{}", origin, status, why, body),
          kStateMode);
    } catch (const Error&) {
    }
  }

  WitnessOptions o_;
  mutable std::mutex mu_;                 // one request at a time changes a state
  std::map<std::string, LogState> logs_;  // by origin; the set is fixed at Open()
};

}  // namespace

std::unique_ptr<Witness> Witness::Open(WitnessOptions options) {
  return std::make_unique<WitnessImpl>(std::move(options));
}

}  // namespace jejak::witness
