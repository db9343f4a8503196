// Signed notes, keys and checkpoints (ledger/note.h, checkpoint.h): what an
// auditor's `jejak checkpoint verify` reads, and the verifier keys anyone
// may hand it.
//
// Input: a first byte choosing what the rest is:
//   'n' a signed note (opened with the target's key, read as a checkpoint),
//   's' a note's text, which the target signs and then opens (a checkpoint's
//       text, extension lines included, reads back byte for byte),
//   'k' a key in its text form,
//   anything else: base64 text.
//
// Promises: nothing throws but Error(kInvalidArgument) from the parsers; a
// note opens only if the target's key signed exactly its text, and opening
// what SignNote made gives the text back; keys and base64 read back to what
// they were written from.
#include <string>

#include "base/base64.h"
#include "base/error.h"
#include "fuzz/fuzz_util.h"
#include "ledger/checkpoint.h"
#include "ledger/note.h"

using jejak::base::Error;
using jejak::base::ErrorCode;
namespace ledger = jejak::ledger;

namespace {

const ledger::SigningKey& Key() {
  static const ledger::SigningKey key = ledger::ParseSigningKey(jejak::fuzz::kSigningKey);
  return key;
}

void Note(std::string_view note) {
  std::string text, problem;
  bool opened = ledger::OpenNote(note, Key().verifier, &text, &problem);
  JEJAK_REQUIRE(opened == problem.empty());
  JEJAK_REQUIRE(ledger::NoteSignedBy(note, Key().verifier) == opened);
  if (opened) JEJAK_REQUIRE(note.starts_with(text) && note.substr(text.size()).starts_with("\n"));
  ledger::Checkpoint c;
  std::string why;
  bool verified = ledger::VerifyCheckpoint(note, Key().verifier, &c, &why);
  JEJAK_REQUIRE(verified == why.empty());
  if (verified) {
    JEJAK_REQUIRE(opened && c.origin == Key().verifier.name);
    JEJAK_REQUIRE(ledger::CheckpointText(c) == text);
  }
  try {
    ledger::Checkpoint parsed = ledger::ParseCheckpoint(note);
    if (verified) JEJAK_REQUIRE(parsed.size == c.size && parsed.root == c.root);
  } catch (const Error& e) {
    JEJAK_REQUIRE(e.code() == ErrorCode::kInvalidArgument && !verified);
  }
}

void SignAndOpen(std::string_view text) {
  std::string note;
  try {
    note = ledger::SignNote(text, Key());
  } catch (const Error& e) {
    JEJAK_REQUIRE(e.code() == ErrorCode::kInvalidArgument);
    return;
  }
  std::string opened, problem;
  JEJAK_REQUIRE(ledger::OpenNote(note, Key().verifier, &opened, &problem));
  JEJAK_REQUIRE(opened == text);
  Note(note);
}

void KeyText(std::string_view text) {
  try {
    ledger::VerifierKey v = ledger::ParseVerifierKey(text);
    ledger::VerifierKey back = ledger::ParseVerifierKey(ledger::FormatVerifierKey(v));
    JEJAK_REQUIRE(back.name == v.name && back.id == v.id && back.public_key == v.public_key);
  } catch (const Error& e) {
    JEJAK_REQUIRE(e.code() == ErrorCode::kInvalidArgument);
  }
  try {
    ledger::SigningKey s = ledger::ParseSigningKey(text);
    ledger::SigningKey back = ledger::ParseSigningKey(ledger::FormatSigningKey(s));
    JEJAK_REQUIRE(back.seed == s.seed && back.verifier.public_key == s.verifier.public_key);
  } catch (const Error& e) {
    JEJAK_REQUIRE(e.code() == ErrorCode::kInvalidArgument);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view in = jejak::fuzz::AsText(data + 1, size - 1);
  switch (data[0]) {
    case 'n':
      Note(in);
      break;
    case 's':
      SignAndOpen(in);
      break;
    case 'k':
      KeyText(in);
      break;
    default: {
      std::string bytes;
      if (jejak::base::Base64Decode(in, &bytes))
        JEJAK_REQUIRE(jejak::base::Base64Encode(bytes) == in);
    }
  }
  return 0;
}
