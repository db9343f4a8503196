// Signed checkpoints in the C2SP tlog-checkpoint form (c2sp.org/tlog-checkpoint):
// a signed note (note.h) whose text is
//   <origin>\n<tree size, decimal>\n<base64 of the Merkle root>\n
// followed by optional non-empty extension lines, which jejak keeps but
// does not interpret.
// The origin is the signing key's name, so a rotated key keeps the origin.
//
// A key signs checkpoints only after the ledger announced it with a
// signing_key_added event (docs/FORMAT.md, "Event types"), so that anyone
// reading the ledger can follow a key rotation. Every checkpoint the ledger
// signs is then recorded in it by a checkpoint_signed event, which the ledger
// also stores by tree size (ledger.h): deleting a stored checkpoint, or one
// signed by a key never announced, is a finding of 'jejak ledger verify'.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "events/event.h"
#include "ledger/hash.h"
#include "ledger/ledger.h"
#include "ledger/note.h"

namespace jejak::ledger {

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  std::string extensions;  // zero or more lines, each ending in '\n'
};

std::string CheckpointText(const Checkpoint& c);
std::string SignCheckpoint(const Checkpoint& c, const SigningKey& key);
// Parses the note's text without checking any signature (to learn the size
// of an old checkpoint). Throws Error(kInvalidArgument) if malformed.
Checkpoint ParseCheckpoint(std::string_view note);
// Checks the signature by key, then parses; false with *problem otherwise.
bool VerifyCheckpoint(std::string_view note, const VerifierKey& key, Checkpoint* out,
                      std::string* problem);

// The signing_key_added event announcing key, by actor at time_us.
events::Event SigningKeyEvent(const VerifierKey& key, const events::Actor& actor, int64_t time_us);
// The checkpoint_signed event recording note, signed when the ledger's index
// mark was index_mark (Ledger::indexed()), by actor at time_us. The mark is
// recorded so that lowering the stored one cannot excuse missing index keys
// below it ('jejak ledger verify').
events::Event CheckpointEvent(std::string note, uint64_t index_mark, const events::Actor& actor,
                              int64_t time_us);
// The note a checkpoint_signed event records. Throws Error(kInvalidArgument)
// if e is another type or has no note.
std::string RecordedCheckpoint(const events::Event& e);
// Who checkpoints on its own: actor "system", role "system".
events::Actor SystemActor();

// Appends a checkpoint_signed event durably. Empty: Ledger::Append; where
// an engine writes the ledger, engine::Engine::Record, which orders it among
// the commands.
using RecordFn = std::function<void(events::Event)>;

// Makes, records and returns a checkpoint of the ledger's current size, or
// returns the latest stored one if it is signed by key and nothing but its
// own checkpoint_signed event was appended after it.
// Throws Error(kInvalidArgument) if the latest checkpoint is not signed by
// key (the key was not announced: use AnnounceAndCheckpoint).
std::string MakeCheckpoint(Ledger& ledger, const SigningKey& key, const RecordFn& record = {});
// Appends a signing_key_added event for key unless the latest checkpoint is
// already signed by it, then checkpoints; actor is recorded as who did both.
// It appends to the ledger directly: call it where no engine writes it.
std::string AnnounceAndCheckpoint(Ledger& ledger, const SigningKey& key,
                                  const events::Actor& actor);

// Witnesses a verifier trusts: at least quorum of them, distinct keys, must
// have cosigned a checkpoint (c2sp.org/tlog-cosignature).
struct WitnessQuorum {
  std::vector<VerifierKey> keys;  // cosigner keys
  size_t quorum = 0;
};
// Counts the keys of q with a valid cosignature in note; false, with
// *problem naming the count and the quorum, if it is below the quorum.
bool CheckCosignatures(std::string_view note, const WitnessQuorum& q, std::string* problem);

// note (a stored checkpoint) followed by the cosignatures kept for it.
std::string WithCosignatures(const Ledger& ledger, const std::string& note);

// A thread that checkpoints the ledger every interval while it grew. The key
// must be announced already. Errors are retried at the next interval.
class PeriodicCheckpointer {
 public:
  PeriodicCheckpointer(Ledger& ledger, SigningKey key, std::chrono::milliseconds interval,
                       RecordFn record = {});
  ~PeriodicCheckpointer();  // stops the thread
  PeriodicCheckpointer(const PeriodicCheckpointer&) = delete;
  PeriodicCheckpointer& operator=(const PeriodicCheckpointer&) = delete;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace jejak::ledger
