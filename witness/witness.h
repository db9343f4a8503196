// A witness (c2sp.org/tlog-witness v1.0.0, docs/FORMAT.md "Witnesses"): for
// each log it knows, by origin, it keeps the latest checkpoint it cosigned,
// and cosigns a new one (tlog-cosignature, cosignature/v1) only if a
// consistency proof shows it extends that one. Another institution runs it
// ('jejak witness serve'), so a log that rewrites or forks its history
// cannot get it cosigned.
//
// Contract:
// - The state of a log is the latest checkpoint the witness cosigned, with
//   the log's signature and the cosignature, in DIR/logs/<hex SHA-256 of the
//   origin>. AddCheckpoint() checks the old size and writes the new state
//   (base::WriteFileAtomically) under one lock, before it answers 200, so
//   that no two requests can roll it back and a SIGKILL leaves the old state
//   or the new.
// - A checkpoint validly signed by a known log but refused (400, 409, 422)
//   is kept as evidence in DIR/evidence/, with the request and the reason.
// - AddCheckpoint() never throws: every request gets a status and a body.
//   If the state cannot be written it answers 500 and cosigns nothing.
// - Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/note.h"

namespace jejak::witness {

struct WitnessOptions {
  std::string data_dir;
  ledger::SigningKey key;                 // the witness's cosigner key (type 0x04)
  std::vector<ledger::VerifierKey> logs;  // the logs' keys; a log's origin is its key's name
  std::function<uint64_t()> clock;        // POSIX seconds, for cosignatures; default: now
};

struct WitnessResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class Witness {
 public:
  // Reads every known log's state. Throws Error(kInvalidArgument) if the key
  // is not a cosigner key or no log is given, Error(kCorruption) if a state
  // file is not a checkpoint signed by its log and cosigned by this witness.
  static std::unique_ptr<Witness> Open(WitnessOptions options);
  virtual ~Witness() = default;

  // POST <prefix>/add-checkpoint with this body: the answer, per the spec.
  virtual WitnessResponse AddCheckpoint(std::string_view body) = 0;
  // GET <prefix>/<origin hash>/checkpoint (monitoring): the latest cosigned
  // checkpoint of the log whose origin hashes (SHA-256, lowercase hex) to
  // origin_hash, or nullopt if there is none.
  virtual std::optional<std::string> Latest(std::string_view origin_hash) const = 0;
};

}  // namespace jejak::witness
