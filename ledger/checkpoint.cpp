#include "ledger/checkpoint.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <cstring>

#include "base/background_thread.h"
#include "base/base64.h"
#include "base/error.h"
#include "events/encoding.h"
#include "events/time.h"
#include "events/vocabulary.h"

namespace jejak::ledger {
namespace {

using base::Error;
using base::ErrorCode;

// Splits the first line off *text; false if there is no newline.
bool NextLine(std::string_view* text, std::string_view* line) {
  size_t nl = text->find('\n');
  if (nl == std::string_view::npos) return false;
  *line = text->substr(0, nl);
  text->remove_prefix(nl + 1);
  return true;
}

bool ParseText(std::string_view text, Checkpoint* c, std::string* problem) {
  std::string_view origin, size, root;
  if (!NextLine(&text, &origin) || !NextLine(&text, &size) || !NextLine(&text, &root) ||
      origin.empty()) {
    *problem = "a checkpoint must have an origin line, a size line and a root hash line";
    return false;
  }
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), n);
  if (ec != std::errc() || end != size.data() + size.size() || size.empty() ||
      (size.size() > 1 && size[0] == '0')) {
    *problem = fmt::format("the checkpoint's size line \"{}\" is not a decimal number", size);
    return false;
  }
  std::string raw;
  if (!base::Base64Decode(root, &raw) || raw.size() != 32) {
    *problem = "the checkpoint's root hash line is not the base64 of 32 bytes";
    return false;
  }
  // What follows are extension lines, which C2SP requires to be non-empty.
  if (text.starts_with('\n') || text.find("\n\n") != std::string_view::npos) {
    *problem = "the checkpoint has an empty extension line";
    return false;
  }
  c->origin = std::string(origin);
  c->size = n;
  std::memcpy(c->root.data(), raw.data(), 32);
  c->extensions = std::string(text);
  return true;
}

}  // namespace

std::string CheckpointText(const Checkpoint& c) {
  return fmt::format("{}\n{}\n{}\n{}", c.origin, c.size, base::Base64Encode(AsBytes(c.root)),
                     c.extensions);
}

std::string SignCheckpoint(const Checkpoint& c, const SigningKey& key) {
  return SignNote(CheckpointText(c), key);
}

Checkpoint ParseCheckpoint(std::string_view note) {
  size_t split = note.rfind("\n\n");
  Checkpoint c;
  std::string problem;
  if (split == std::string_view::npos) problem = "not a signed note (no signature lines)";
  if (problem.empty() && ParseText(note.substr(0, split + 1), &c, &problem)) return c;
  throw Error(ErrorCode::kInvalidArgument, fmt::format("malformed checkpoint: {}", problem));
}

bool VerifyCheckpoint(std::string_view note, const VerifierKey& key, Checkpoint* out,
                      std::string* problem) {
  std::string text;
  if (!OpenNote(note, key, &text, problem)) return false;
  if (!ParseText(text, out, problem)) return false;
  if (out->origin != key.name) {
    *problem = fmt::format("the checkpoint's origin \"{}\" is not the key's name \"{}\"",
                           out->origin, key.name);
    return false;
  }
  return true;
}

events::Event SigningKeyEvent(const VerifierKey& key, const events::Actor& actor, int64_t time_us) {
  namespace f = events::fields;
  events::Event e;
  e.id = events::EventId::New();
  e.type = events::types::kSigningKeyAdded;
  e.actor = actor;
  e.time_us = time_us;
  char id[4] = {static_cast<char>(key.id >> 24), static_cast<char>(key.id >> 16),
                static_cast<char>(key.id >> 8), static_cast<char>(key.id)};
  e.fields.emplace(f::kKeyName, events::FieldValue::String(key.name));
  e.fields.emplace(f::kKeyId, events::FieldValue::Bytes(std::string(id, 4)));
  e.fields.emplace(f::kPublicKey, events::FieldValue::Bytes(std::string(
                                      reinterpret_cast<const char*>(key.public_key.data()), 32)));
  e.fields.emplace(f::kVerifierKey, events::FieldValue::String(FormatVerifierKey(key)));
  return e;
}

events::Event CheckpointEvent(std::string note, uint64_t index_mark, const events::Actor& actor,
                              int64_t time_us) {
  events::Event e;
  e.id = events::EventId::New();
  e.type = events::types::kCheckpointSigned;
  e.actor = actor;
  e.time_us = time_us;
  e.fields.emplace(events::fields::kCheckpoint, events::FieldValue::String(std::move(note)));
  e.fields.emplace(events::fields::kIndexMark,
                   events::FieldValue::Integer(static_cast<int64_t>(index_mark)));
  return e;
}

std::string RecordedCheckpoint(const events::Event& e) {
  auto it = e.fields.find(events::fields::kCheckpoint);
  if (e.type != events::types::kCheckpointSigned || it == e.fields.end() ||
      it->second.type() != events::FieldType::kString) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("a {} event with a string field \"{}\" was expected",
                            events::types::kCheckpointSigned, events::fields::kCheckpoint));
  }
  return it->second.text();
}

events::Actor SystemActor() { return events::Actor{"system", "system", ""}; }

namespace {

// Signs a checkpoint of the ledger's size and records it.
std::string SignAndRecord(Ledger& ledger, const SigningKey& key, const events::Actor& actor,
                          const RecordFn& record) {
  uint64_t n = ledger.size();
  std::string note = SignCheckpoint({key.verifier.name, n, ledger.MerkleRoot(n), ""}, key);
  events::Event e = CheckpointEvent(note, ledger.indexed(), actor, events::NowMicros());
  if (record) {
    record(std::move(e));
  } else {
    ledger.Append(events::Encode(e));
  }
  return note;
}

// Whether entries n.. are only the checkpoint_signed event of the checkpoint
// of size n: then a new checkpoint would cover nothing new.
bool OnlyItsRecordFollows(const Ledger& ledger, uint64_t n) {
  uint64_t size = ledger.size();
  if (size == n) return true;
  if (size != n + 1) return false;
  std::optional<Entry> next = ledger.Get(n);
  if (!next) return false;
  try {
    return ParseCheckpoint(RecordedCheckpoint(events::Decode(next->bytes))).size == n;
  } catch (const Error&) {
    return false;  // another event
  }
}

std::string CheckpointBy(Ledger& ledger, const SigningKey& key, const events::Actor& actor,
                         const RecordFn& record) {
  std::optional<std::string> latest = ledger.LatestCheckpoint();
  if (!latest || !NoteSignedBy(*latest, key.verifier)) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("signing key {:08x} ({}) has not been announced in this ledger; "
                            "'jejak checkpoint --key' announces it",
                            key.verifier.id, key.verifier.name));
  }
  if (OnlyItsRecordFollows(ledger, ParseCheckpoint(*latest).size)) return *latest;
  return SignAndRecord(ledger, key, actor, record);
}

}  // namespace

std::string MakeCheckpoint(Ledger& ledger, const SigningKey& key, const RecordFn& record) {
  return CheckpointBy(ledger, key, SystemActor(), record);
}

std::string AnnounceAndCheckpoint(Ledger& ledger, const SigningKey& key,
                                  const events::Actor& actor) {
  std::optional<std::string> latest = ledger.LatestCheckpoint();
  if (!latest || !NoteSignedBy(*latest, key.verifier)) {
    ledger.Append(events::Encode(SigningKeyEvent(key.verifier, actor, events::NowMicros())));
    return SignAndRecord(ledger, key, actor, {});
  }
  return CheckpointBy(ledger, key, actor, {});
}

bool CheckCosignatures(std::string_view note, const WitnessQuorum& q, std::string* problem) {
  size_t cosigned = 0;
  std::vector<std::string> missing;
  for (const auto& key : q.keys) {
    std::string text, why;
    if (OpenNote(note, key, &text, &why)) {
      ++cosigned;
    } else {
      missing.push_back(key.name);
    }
  }
  if (cosigned >= q.quorum) return true;
  *problem = fmt::format("{} of the {} trusted witnesses cosigned it, fewer than the quorum of {} "
                         "(missing: {})",
                         cosigned, q.keys.size(), q.quorum, fmt::join(missing, ", "));
  return false;
}

std::string WithCosignatures(const Ledger& ledger, const std::string& note) {
  return note + ledger.Cosignatures(ParseCheckpoint(note).size);
}

struct PeriodicCheckpointer::State {
  State(Ledger& l, SigningKey k, std::chrono::milliseconds i, RecordFn r)
      : ledger(l), key(std::move(k)), interval(i), record(std::move(r)) {}
  Ledger& ledger;
  SigningKey key;
  std::chrono::milliseconds interval;
  RecordFn record;
  base::BackgroundThread thread;
};

PeriodicCheckpointer::PeriodicCheckpointer(Ledger& ledger, SigningKey key,
                                           std::chrono::milliseconds interval, RecordFn record)
    : state_(std::make_unique<State>(ledger, std::move(key), interval, std::move(record))) {
  MakeCheckpoint(ledger, state_->key, state_->record);  // fails now if the key is not announced
  state_->thread.Start("jejak-checkpts", [s = state_.get()] {
    while (s->thread.WaitFor(s->interval)) {
      try {
        MakeCheckpoint(s->ledger, s->key, s->record);
      } catch (const Error&) {
        // A failed write is retried at the next interval.
      }
    }
  });
}

PeriodicCheckpointer::~PeriodicCheckpointer() { state_->thread.Stop(); }

}  // namespace jejak::ledger
