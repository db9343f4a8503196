#include "ledger/receipt.h"

#include <fmt/format.h>

#include <bit>

#include "base/error.h"
#include "base/hex.h"
#include "events/encoding.h"
#include "events/json.h"
#include "ledger/chain.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"

namespace jejak::ledger {
namespace {

using base::Error;
using base::ErrorCode;
using nlohmann::json;

json HashesJson(const std::vector<Hash>& hashes) {
  json out = json::array();
  for (const Hash& h : hashes) out.push_back(HashToHex(h));
  return out;
}

Entry GetEntry(const Ledger& ledger, uint64_t seq) {
  auto e = ledger.Get(seq);
  if (!e) throw Error(ErrorCode::kNotFound, fmt::format("no entry {} in the ledger", seq));
  return *e;
}

Hash PreviousChain(const Ledger& ledger, uint64_t seq) {
  return seq == 0 ? kGenesisChain : GetEntry(ledger, seq - 1).chain;
}

// The entry members shared by receipts and exports.
json EntryJson(const Entry& e) {
  events::Event event = events::Decode(e.bytes);
  event.seq = e.seq;
  return {{"seq", e.seq},
          {"chain", HashToHex(e.chain)},
          {"event", events::ToJson(event)},
          {"bytes", base::ToHex(e.bytes)}};
}

Checkpoint CheckpointCovering(const std::string& note, uint64_t size) {
  Checkpoint c = ParseCheckpoint(note);
  if (c.size < size) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("the checkpoint of size {} does not cover {} entries", c.size, size));
  }
  return c;
}

// Offline checks: each returns false and sets *problem naming the member.
struct Checker {
  std::string problem;

  bool Fail(std::string p) {
    problem = std::move(p);
    return false;
  }

  bool Member(const json& doc, const char* name, json::value_t type, const json** out) {
    auto it = doc.find(name);
    bool ok = it != doc.end() &&
              (it->type() == type ||
               (type == json::value_t::number_unsigned &&
                it->type() == json::value_t::number_integer && it->get<int64_t>() >= 0));
    if (!ok) return Fail(fmt::format("{}: missing or of the wrong type", name));
    *out = &*it;
    return true;
  }

  bool Uint(const json& doc, const char* name, uint64_t* v) {
    const json* j;
    if (!Member(doc, name, json::value_t::number_unsigned, &j)) return false;
    *v = j->get<uint64_t>();
    return true;
  }

  bool String(const json& doc, const char* name, std::string* v) {
    const json* j;
    if (!Member(doc, name, json::value_t::string, &j)) return false;
    *v = j->get<std::string>();
    return true;
  }

  bool HashMember(const json& doc, const char* name, Hash* h) {
    std::string hex;
    if (!String(doc, name, &hex)) return false;
    try {
      *h = HashFromHex(hex);
    } catch (const Error&) {
      return Fail(fmt::format("{}: not 64 hex digits", name));
    }
    return true;
  }

  bool Hashes(const json& doc, const char* name, std::vector<Hash>* out) {
    const json* j;
    if (!Member(doc, name, json::value_t::array, &j)) return false;
    for (const auto& h : *j) {
      try {
        out->push_back(HashFromHex(h.get<std::string>()));
      } catch (const std::exception&) {
        return Fail(fmt::format("{}: every element must be 64 hex digits", name));
      }
    }
    return true;
  }

  bool Format(const json& doc, const char* want) {
    std::string format;
    if (!String(doc, "format", &format)) return false;
    if (format != want) {
      return Fail(fmt::format("format: \"{}\", expected \"{}\"", format, want));
    }
    return true;
  }

  // The entry members of doc (seq expected): bytes are a canonical event
  // equal to the event JSON, and chain links them to previous. Sets *bytes.
  bool EntryMembers(const json& doc, uint64_t seq, const Hash& previous, Hash* chain,
                    std::string* bytes, const std::string& where) {
    uint64_t got_seq;
    std::string hex;
    const json* event_json;
    if (!Uint(doc, "seq", &got_seq) || !String(doc, "bytes", &hex) ||
        !Member(doc, "event", json::value_t::object, &event_json) ||
        !HashMember(doc, "chain", chain)) {
      return Fail(where + problem);
    }
    if (got_seq != seq) return Fail(fmt::format("{}seq: {}, expected {}", where, got_seq, seq));
    events::Event event;
    try {
      *bytes = base::FromHex(hex);
      event = events::Decode(*bytes);
    } catch (const Error& e) {
      return Fail(fmt::format("{}bytes: not a canonical event encoding: {}", where, e.what()));
    }
    event.seq = seq;
    json derived = events::ToJson(event);
    if (derived != *event_json) {
      for (auto& [name, value] : derived.items()) {
        if (!event_json->contains(name) || (*event_json)[name] != value) {
          return Fail(fmt::format("{}event: member \"{}\" does not match the bytes", where, name));
        }
      }
      return Fail(where + "event: holds members that are not in the bytes");
    }
    if (ChainHash(seq, previous, *bytes) != *chain) {
      return Fail(where + "chain: not the chain hash of the previous chain hash, seq and bytes");
    }
    return true;
  }

  bool SignedCheckpoint(const json& doc, const VerifierKey& key, const WitnessQuorum& witnesses,
                        Checkpoint* c) {
    std::string note, why;
    if (!String(doc, "checkpoint", &note)) return false;
    if (!VerifyCheckpoint(note, key, c, &why)) return Fail("checkpoint: " + why);
    if (!CheckCosignatures(note, witnesses, &why)) return Fail("checkpoint: " + why);
    return true;
  }
};

OfflineCheck Result(const Checker& c, bool ok, uint64_t tree_size) {
  return OfflineCheck{ok, ok ? "" : c.problem, tree_size};
}

}  // namespace

json MakeReceipt(const Ledger& ledger, uint64_t seq, const std::string& checkpoint) {
  Checkpoint c = CheckpointCovering(checkpoint, seq + 1);
  json r = {{"format", kReceiptFormat}};
  r.update(EntryJson(GetEntry(ledger, seq)));
  r["previous_chain"] = HashToHex(PreviousChain(ledger, seq));
  r["checkpoint"] = WithCosignatures(ledger, checkpoint);
  r["inclusion_proof"] = HashesJson(ledger.InclusionProof(seq, c.size));
  return r;
}

json MakeExport(const Ledger& ledger, uint64_t from, uint64_t to, const std::string& checkpoint) {
  if (from > to) {
    throw Error(ErrorCode::kInvalidArgument, fmt::format("--from {} is after --to {}", from, to));
  }
  Checkpoint c = CheckpointCovering(checkpoint, to);
  NodeSource nodes = [&](int level, uint64_t index) { return ledger.MerkleNode(level, index); };
  std::vector<Hash> left;
  MerkleFrontier before = MerkleFrontier::Load(nodes, from);
  for (const auto& t : before.subtrees()) left.push_back(t.hash);
  json entries = json::array();
  ledger.Scan(from, to, [&](const Entry& e) {
    entries.push_back(EntryJson(e));
    return true;
  });
  if (entries.size() != to - from) {
    throw Error(ErrorCode::kNotFound, fmt::format("the ledger lacks entries in {}..{}", from, to));
  }
  return {{"format", kExportFormat},
          {"from", from},
          {"to", to},
          {"previous_chain", HashToHex(PreviousChain(ledger, from))},
          {"left_subtrees", HashesJson(left)},
          {"entries", std::move(entries)},
          {"checkpoint", WithCosignatures(ledger, checkpoint)},
          {"consistency_proof", HashesJson(ledger.ConsistencyProof(to, c.size))}};
}

json MakeConsistency(const Ledger& ledger, uint64_t old_size, const std::string& checkpoint) {
  Checkpoint c = CheckpointCovering(checkpoint, old_size);
  return {{"format", kConsistencyFormat},
          {"old_size", old_size},
          {"new_size", c.size},
          {"new_checkpoint", WithCosignatures(ledger, checkpoint)},
          {"proof", HashesJson(ledger.ConsistencyProof(old_size, c.size))}};
}

OfflineCheck VerifyReceipt(const json& r, const VerifierKey& key, const WitnessQuorum& witnesses) {
  Checker c;
  uint64_t seq;
  Hash previous, chain;
  std::string bytes;
  Checkpoint cp;
  std::vector<Hash> proof;
  if (!r.is_object()) return Result(c, c.Fail("the receipt is not a JSON object"), 0);
  bool ok = c.Format(r, kReceiptFormat) && c.Uint(r, "seq", &seq) &&
            c.HashMember(r, "previous_chain", &previous) &&
            c.EntryMembers(r, seq, previous, &chain, &bytes, "") &&
            c.SignedCheckpoint(r, key, witnesses, &cp) && c.Hashes(r, "inclusion_proof", &proof);
  if (ok && seq >= cp.size) {
    ok = c.Fail(
        fmt::format("checkpoint: its tree of {} entries does not include entry {}", cp.size, seq));
  }
  if (ok && !VerifyInclusion(seq, cp.size, MerkleLeafHash(bytes), proof, cp.root)) {
    ok = c.Fail(
        "inclusion_proof: does not lead from the entry's leaf hash to the checkpoint's "
        "root");
  }
  return Result(c, ok, cp.size);
}

OfflineCheck VerifyExport(const json& doc, const VerifierKey& key, const WitnessQuorum& witnesses) {
  Checker c;
  uint64_t from, to;
  Hash chain;
  std::vector<Hash> left, proof;
  Checkpoint cp;
  const json* entries;
  if (!doc.is_object()) return Result(c, c.Fail("the export is not a JSON object"), 0);
  bool ok = c.Format(doc, kExportFormat) && c.Uint(doc, "from", &from) && c.Uint(doc, "to", &to) &&
            c.HashMember(doc, "previous_chain", &chain) && c.Hashes(doc, "left_subtrees", &left) &&
            c.Member(doc, "entries", json::value_t::array, &entries) &&
            c.SignedCheckpoint(doc, key, witnesses, &cp) &&
            c.Hashes(doc, "consistency_proof", &proof);
  if (!ok) return Result(c, false, 0);
  if (from > to || entries->size() != to - from) {
    return Result(c, c.Fail("entries: there must be exactly to - from of them"), cp.size);
  }
  if (left.size() != static_cast<size_t>(std::popcount(from))) {
    return Result(c, c.Fail("left_subtrees: there must be one per set bit of from"), cp.size);
  }
  // The tree of the first `from` entries, as its complete subtrees; Load() asks for them in order,
  // largest first.
  size_t next = 0;
  NodeSource given = [&](int, uint64_t) { return left[next++]; };
  MerkleFrontier frontier = MerkleFrontier::Load(given, from);
  for (uint64_t k = 0; k < entries->size(); ++k) {
    std::string bytes;
    Hash next;
    if (!(*entries)[k].is_object()) return Result(c, c.Fail("entries: not objects"), cp.size);
    if (!c.EntryMembers((*entries)[k], from + k, chain, &next, &bytes,
                        fmt::format("entries[{}].", k))) {
      return Result(c, false, cp.size);
    }
    chain = next;
    frontier.Append(MerkleLeafHash(bytes), nullptr);
  }
  if (to > cp.size) {
    return Result(
        c, c.Fail(fmt::format("checkpoint: its {} entries do not cover the export", cp.size)),
        cp.size);
  }
  if (!VerifyConsistency(to, cp.size, frontier.Root(), cp.root, proof)) {
    return Result(c,
                  c.Fail("consistency_proof: the tree of the entries (with left_subtrees) does "
                         "not lead to the checkpoint's root"),
                  cp.size);
  }
  return Result(c, true, cp.size);
}

OfflineCheck VerifyConsistencyDoc(const std::string& old_checkpoint,
                                  const std::string& new_checkpoint, const json& proof_doc,
                                  const VerifierKey& key, const WitnessQuorum& witnesses) {
  Checker c;
  Checkpoint old_cp, new_cp;
  std::string why;
  uint64_t old_size, new_size;
  std::vector<Hash> proof;
  if (!VerifyCheckpoint(old_checkpoint, key, &old_cp, &why)) {
    return Result(c, c.Fail("old checkpoint: " + why), 0);
  }
  if (!VerifyCheckpoint(new_checkpoint, key, &new_cp, &why) ||
      !CheckCosignatures(new_checkpoint, witnesses, &why)) {
    return Result(c, c.Fail("new checkpoint: " + why), 0);
  }
  bool ok = proof_doc.is_object() && c.Format(proof_doc, kConsistencyFormat) &&
            c.Uint(proof_doc, "old_size", &old_size) && c.Uint(proof_doc, "new_size", &new_size) &&
            c.Hashes(proof_doc, "proof", &proof);
  if (!ok)
    return Result(c, c.Fail(c.problem.empty() ? "the proof is not a JSON object" : c.problem),
                  new_cp.size);
  if (old_size != old_cp.size || new_size != new_cp.size) {
    return Result(c, c.Fail("proof: its sizes are not those of the two checkpoints"), new_cp.size);
  }
  if (!VerifyConsistency(old_cp.size, new_cp.size, old_cp.root, new_cp.root, proof)) {
    return Result(c,
                  c.Fail(fmt::format("proof: the tree of {} entries is not a prefix of the "
                                     "tree of {}: the ledger was rewritten, or the proof is "
                                     "wrong",
                                     old_cp.size, new_cp.size)),
                  new_cp.size);
  }
  return Result(c, true, new_cp.size);
}

}  // namespace jejak::ledger
