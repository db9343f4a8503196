// Commands of the verifiable ledger: jejak keys generate, jejak checkpoint
// [verify], jejak receipt verify|show, jejak ledger prove|export|verify-export.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>

#include "base/error.h"
#include "base/files.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/proof_files.h"
#include "ledger/checkpoint.h"
#include "ledger/ledger.h"
#include "ledger/receipt.h"
#include "privacy/kek.h"
#include "witness/cosigner.h"

namespace jejak::cli {
namespace {

using base::Error;
using base::ErrorCode;

struct ProofOptions {
  std::string out, name = "jejak.go.id/ledger", key, subject = "admin";
  std::string kek_out;  // keys generate --kek
  std::string file, old_checkpoint, new_checkpoint, proof, checkpoint_out;
  std::optional<uint64_t> from, to, seq;
  bool witness = false;
  std::vector<std::string> witnesses;  // jejak checkpoint: NAME=KEY@URL
  std::optional<size_t> quorum;
  std::vector<std::string> witness_keys;  // verifiers: trusted witnesses
};

// The witnesses a verify command trusts, and how many must have cosigned
// (default: all of them).
ledger::WitnessQuorum TrustedWitnesses(const ProofOptions& o) {
  ledger::WitnessQuorum q;
  for (const auto& k : o.witness_keys) {
    q.keys.push_back(ledger::LoadVerifierKey(k));
    if (q.keys.back().type != ledger::kCosigner) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("--witness-key {}: not a witness's cosigning key", k));
    }
  }
  q.quorum = o.quorum.value_or(q.keys.size());
  if (q.quorum > q.keys.size()) {
    throw Error(
        ErrorCode::kInvalidArgument,
        fmt::format("--quorum {} exceeds the {} --witness-key given", q.quorum, q.keys.size()));
  }
  return q;
}

int RunKeysGenerate(const Context& ctx, const ProofOptions& o) {
  if (!o.kek_out.empty()) {
    if (!o.out.empty() || o.witness) {
      throw Error(ErrorCode::kInvalidArgument, "--kek makes a key-encryption key alone: no --out");
    }
    privacy::KeyEncryptionKey::Generate(o.kek_out);
    if (ctx.json) {
      std::cout << nlohmann::json{{"kek", o.kek_out}}.dump() << std::endl;
    } else {
      fmt::print(
          "Key-encryption key written to {} (mode 0600). Keep it outside the data "
          "directory, and back it up: without it no personal field can be read.\n",
          o.kek_out);
    }
    return kExitOk;
  }
  if (o.out.empty())
    throw Error(ErrorCode::kInvalidArgument, "--out DIR (or --kek FILE) is required");
  if (o.witness && o.name == ProofOptions().name) {
    throw Error(ErrorCode::kInvalidArgument,
                "a witness key needs its own --name, e.g. ombudsman.go.id/saksi");
  }
  std::filesystem::create_directories(o.out);
  std::string base = o.out + (o.witness ? "/witness" : "/jejak");
  std::string skey = base + ".key", vkey = base + ".pub";
  if (std::filesystem::exists(skey)) {
    throw Error(ErrorCode::kConflict, fmt::format("{} exists; refusing to overwrite a key", skey));
  }
  ledger::SigningKey key =
      ledger::GenerateSigningKey(o.name, o.witness ? ledger::kCosigner : ledger::kNoteSigner);
  // 0600 from its creation; kFail keeps a key made meanwhile by another run.
  base::WriteFileAtomically(skey, ledger::FormatSigningKey(key) + "\n", 0600,
                            base::IfExists::kFail);
  std::string pub = ledger::FormatVerifierKey(key.verifier);
  base::WriteFileAtomically(vkey, pub + "\n", kOutputFileMode);
  if (ctx.json) {
    std::cout << nlohmann::json{{"signing_key", skey},
                                {"verifier_key", vkey},
                                {"vkey", pub},
                                {"key_id", fmt::format("{:08x}", key.verifier.id)}}
                     .dump()
              << std::endl;
  } else {
    fmt::print("Signing key: {} (keep it secret)\nVerifier key: {}\n  {}\n", skey, vkey, pub);
  }
  return kExitOk;
}

int RunCheckpoint(const Context& ctx, const ProofOptions& o) {
  ctx.RequireData();
  auto key_path = SigningKeyPath(ctx, o.key);
  if (!key_path) throw Error(ErrorCode::kInvalidArgument, "--key FILE is required");
  ledger::SigningKey key = ledger::LoadSigningKey(*key_path);
  std::vector<witness::WitnessConfig> witnesses;
  for (const auto& w : o.witnesses) witnesses.push_back(witness::ParseWitnessOption(w));
  size_t quorum = o.quorum.value_or(witnesses.size());
  if (quorum > witnesses.size()) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("--witness-quorum {} exceeds the {} witnesses given", quorum,
                            witnesses.size()));
  }
  auto ledger = ledger::Ledger::Open(ctx.LedgerDir());
  std::string note = ledger::AnnounceAndCheckpoint(*ledger, key, {o.subject, "admin", ""});
  witness::CosignResult cosigned{note, 0, {}};
  if (!witnesses.empty()) {
    witness::Cosigner cosigner(std::move(witnesses), [&](uint64_t m, uint64_t n) {
      return ledger->ConsistencyProof(m, n);
    });
    cosigned = cosigner.Cosign(note);
    ledger::Checkpoint c = ledger::ParseCheckpoint(note);
    if (cosigned.note.size() > note.size()) {
      ledger->AddCosignatures(c.size, cosigned.note.substr(note.size()));
    }
    for (const auto& refusal : cosigned.refusals) fmt::print(stderr, "jejak: {}\n", refusal);
  }
  note = ledger::WithCosignatures(*ledger, note);
  if (!o.out.empty()) base::WriteFileAtomically(o.out, note, kOutputFileMode);
  if (ctx.json) {
    ledger::Checkpoint c = ledger::ParseCheckpoint(note);
    std::cout << nlohmann::json{{"size", c.size},
                                {"root", ledger::HashToHex(c.root)},
                                {"checkpoint", note},
                                {"cosignatures", cosigned.cosignatures},
                                {"refusals", cosigned.refusals}}
                     .dump()
              << std::endl;
  } else {
    fmt::print("{}", note);
  }
  // A refusal is a finding: the log may have been rewritten, or a witness
  // saw a fork.
  if (!cosigned.refusals.empty() || cosigned.cosignatures < quorum) return kExitCheckFailed;
  return kExitOk;
}

int Report(const Context& ctx, const ledger::OfflineCheck& check, const std::string& what) {
  if (ctx.json) {
    nlohmann::json j = {{"ok", check.ok}, {"tree_size", check.tree_size}};
    if (!check.ok) j["problem"] = check.problem;
    std::cout << j.dump() << std::endl;
  } else if (check.ok) {
    fmt::print("OK {} (checkpoint of {} entries)\n", what, check.tree_size);
  } else {
    fmt::print("FAILED {}\n", check.problem);
  }
  return check.ok ? kExitOk : kExitCheckFailed;
}

int RunCheckpointVerify(const Context& ctx, const ProofOptions& o) {
  auto check = ledger::VerifyConsistencyDoc(base::ReadFile(o.old_checkpoint),
                                            base::ReadFile(o.new_checkpoint), ReadJsonFile(o.proof),
                                            ledger::LoadVerifierKey(o.key), TrustedWitnesses(o));
  return Report(ctx, check, "the new checkpoint's ledger extends the old one's");
}

int RunReceiptVerify(const Context& ctx, const ProofOptions& o) {
  auto check = ledger::VerifyReceipt(ReadJsonFile(o.file), ledger::LoadVerifierKey(o.key),
                                     TrustedWitnesses(o));
  return Report(ctx, check, "the entry is in the ledger");
}

// The newest stored checkpoint; read-only, so it works beside a writer.
std::string LatestCheckpoint(const ledger::Ledger& ledger) {
  auto note = ledger.LatestCheckpoint();
  if (!note) {
    throw Error(ErrorCode::kNotFound,
                "the ledger has no checkpoint yet: make one with 'jejak checkpoint --key KEY'");
  }
  return *note;
}

void Output(const Context& ctx, const std::string& out, const nlohmann::json& doc) {
  if (!out.empty()) base::WriteFileAtomically(out, doc.dump(2) + "\n", kOutputFileMode);
  if (out.empty() || ctx.json) std::cout << doc.dump(out.empty() && !ctx.json ? 2 : -1) << "\n";
}

int RunReceiptShow(const Context& ctx, const ProofOptions& o) {
  ctx.RequireData();
  auto ledger = ledger::Ledger::OpenReadOnly(ctx.LedgerDir());
  Output(ctx, o.out, ledger::MakeReceipt(*ledger, *o.seq, LatestCheckpoint(*ledger)));
  return kExitOk;
}

int RunProve(const Context& ctx, const ProofOptions& o) {
  ctx.RequireData();
  ledger::Checkpoint old_cp = ledger::ParseCheckpoint(base::ReadFile(o.old_checkpoint));
  auto ledger = ledger::Ledger::OpenReadOnly(ctx.LedgerDir());
  std::string latest = LatestCheckpoint(*ledger);
  if (old_cp.size > ledger->size()) {
    // A tamper finding like a wrong root, not bad input: a script that checks for 1 sees it.
    fmt::print(stderr,
               "jejak: the old checkpoint has {} entries, more than the ledger's {}: this ledger "
               "was rolled back, or the checkpoint is from another ledger\n",
               old_cp.size, ledger->size());
    return kExitCheckFailed;
  }
  if (ledger->MerkleRoot(old_cp.size) != old_cp.root) {
    fmt::print(stderr,
               "jejak: the ledger's root at size {} is not the old checkpoint's: this ledger was "
               "rewritten, or the checkpoint is from another ledger\n",
               old_cp.size);
    return kExitCheckFailed;
  }
  if (!o.checkpoint_out.empty()) {
    base::WriteFileAtomically(o.checkpoint_out, ledger::WithCosignatures(*ledger, latest),
                              kOutputFileMode);
  }
  Output(ctx, o.out, ledger::MakeConsistency(*ledger, old_cp.size, latest));
  return kExitOk;
}

int RunExport(const Context& ctx, const ProofOptions& o) {
  ctx.RequireData();
  auto ledger = ledger::Ledger::OpenReadOnly(ctx.LedgerDir());
  std::string latest = LatestCheckpoint(*ledger);
  uint64_t to = o.to ? *o.to : ledger::ParseCheckpoint(latest).size;
  nlohmann::json doc = ledger::MakeExport(*ledger, o.from.value_or(0), to, latest);
  base::WriteFileAtomically(o.out, doc.dump(1) + "\n", kOutputFileMode);
  if (ctx.json) {
    std::cout << nlohmann::json{{"file", o.out}, {"from", doc["from"]}, {"to", to}}.dump()
              << std::endl;
  } else {
    fmt::print("Exported entries {}..{} to {}\n", o.from.value_or(0), to, o.out);
  }
  return kExitOk;
}

int RunVerifyExport(const Context& ctx, const ProofOptions& o) {
  auto check = ledger::VerifyExport(ReadJsonFile(o.file), ledger::LoadVerifierKey(o.key),
                                    TrustedWitnesses(o));
  return Report(ctx, check, "every exported entry is in the ledger");
}

// Sets ctx.run to fn when cmd is chosen.
template <typename Fn>
void OnRun(CLI::App* cmd, Context& ctx, Fn fn) {
  cmd->callback([&ctx, fn] { ctx.run = [&ctx, fn] { return fn(ctx); }; });
}

}  // namespace

void AddProofCommands(CLI::App& app, Context& ctx) {
  static ProofOptions o;  // lives as long as the parsed command line
  const char* pub_help = "Verifier key: the .pub file made by 'jejak keys generate', or its text";
  auto AddWitnessFlags = [](CLI::App* cmd) {
    cmd->add_option("--witness-key", o.witness_keys,
                    "A trusted witness's key (.pub file or text, repeatable): the checkpoint "
                    "must be cosigned by --quorum of them");
    cmd->add_option("--quorum", o.quorum, "Cosignatures needed (default: every --witness-key)");
  };

  auto* keys =
      app.add_subcommand("keys", "Signing keys for checkpoints, and the key-encryption key");
  keys->require_subcommand(1);
  auto* gen = keys->add_subcommand(
      "generate",
      "Make an Ed25519 key pair: DIR/jejak.key (secret) and DIR/jejak.pub; or, with "
      "--kek FILE, a key-encryption key for personal data (docs/PRIVACY.md)");
  gen->add_option("--out", o.out, "Directory for the key files (e.g. DATA/keys)");
  gen->add_option("--kek", o.kek_out,
                  "Make a key-encryption key at FILE instead (32 random bytes, mode 0600; kept "
                  "outside the data directory)");
  gen->add_option("--name", o.name, "Key name, also the checkpoints' origin line")
      ->capture_default_str();
  gen->add_flag("--witness", o.witness,
                "A witness's cosigning key instead (DIR/witness.key and .pub; needs --name)");
  AddCommonFlags(gen, ctx, false);
  OnRun(gen, ctx, [](const Context& c) { return RunKeysGenerate(c, o); });

  auto* cp = app.add_subcommand(
      "checkpoint",
      "Sign and store a checkpoint of the ledger now (announcing a new key in the ledger first)");
  cp->require_subcommand(0, 1);
  cp->add_option("--key", o.key,
                 "Signing key: a key file kept off the data host, or a pkcs11: URI naming a key "
                 "on a token (default: DATA/keys/jejak.key, with a warning)");
  cp->add_option("--out", o.out, "Also write the checkpoint to FILE");
  cp->add_option("--as", o.subject, "Who announces a new key (recorded as the actor)");
  cp->add_option("--witness", o.witnesses,
                 "Have the checkpoint cosigned by a witness: NAME=VERIFIER_KEY@URL (repeatable; "
                 "the key as text or its .pub file). A refusal exits 1");
  cp->add_option("--witness-quorum", o.quorum,
                 "Cosignatures needed, else exit 1 (default: every --witness)");
  AddCommonFlags(cp, ctx);
  cp->callback([&ctx, cp] {
    if (cp->get_subcommands().empty()) ctx.run = [&ctx] { return RunCheckpoint(ctx, o); };
  });
  auto* cpv = cp->add_subcommand(
      "verify", "Check that NEW's ledger extends OLD's: both signatures and the proof");
  cpv->add_option("OLD", o.old_checkpoint, "The older checkpoint file")->required();
  cpv->add_option("NEW", o.new_checkpoint, "The newer checkpoint file")->required();
  cpv->add_option("--proof", o.proof, "Consistency proof from 'jejak ledger prove'")->required();
  cpv->add_option("--key", o.key, pub_help)->required();
  AddWitnessFlags(cpv);
  AddCommonFlags(cpv, ctx, false);
  OnRun(cpv, ctx, [](const Context& c) { return RunCheckpointVerify(c, o); });

  auto* receipt = app.add_subcommand("receipt", "Receipts: proofs that one entry is in the ledger");
  receipt->require_subcommand(1);
  auto* rv = receipt->add_subcommand(
      "verify", "Check a receipt offline: event and bytes, chain hash, inclusion, signature");
  rv->add_option("FILE", o.file, "Receipt JSON file")->required();
  rv->add_option("--key", o.key, pub_help)->required();
  AddWitnessFlags(rv);
  AddCommonFlags(rv, ctx, false);
  OnRun(rv, ctx, [](const Context& c) { return RunReceiptVerify(c, o); });
  auto* rs = receipt->add_subcommand(
      "show", "The receipt of entry SEQ against the latest checkpoint (read-only)");
  rs->add_option("SEQ", o.seq, "Ledger entry")->required();
  rs->add_option("--out", o.out, "Write it to FILE");
  AddCommonFlags(rs, ctx);
  OnRun(rs, ctx, [](const Context& c) { return RunReceiptShow(c, o); });

  CLI::App* ledger = app.get_subcommand("ledger");
  auto* prove = ledger->add_subcommand(
      "prove", "Consistency proof from an old checkpoint to the newest one (for auditors)");
  prove->add_option("--since", o.old_checkpoint, "The old checkpoint file")->required();
  prove->add_option("--out", o.out, "Write the proof to FILE (default: stdout)");
  prove->add_option("--checkpoint-out", o.checkpoint_out, "Write the newest checkpoint to FILE");
  AddCommonFlags(prove, ctx);
  OnRun(prove, ctx, [](const Context& c) { return RunProve(c, o); });

  auto* exp = ledger->add_subcommand(
      "export", "Write entries FROM..TO-1 with a checkpoint and proofs, verifiable offline");
  exp->add_option("--from", o.from, "First entry (default 0)");
  exp->add_option("--to", o.to, "One past the last entry (default: the latest checkpoint's size)");
  exp->add_option("--out", o.out, "Output file")->required();
  AddCommonFlags(exp, ctx);
  OnRun(exp, ctx, [](const Context& c) { return RunExport(c, o); });

  auto* ve = ledger->add_subcommand("verify-export", "Check an export file offline");
  ve->add_option("FILE", o.file, "Export file")->required();
  ve->add_option("--key", o.key, pub_help)->required();
  AddWitnessFlags(ve);
  AddCommonFlags(ve, ctx, false);
  OnRun(ve, ctx, [](const Context& c) { return RunVerifyExport(c, o); });
}

}  // namespace jejak::cli
