// Witnesses through the jejak executable: `jejak witness serve` cosigns what
// `jejak checkpoint --witness` sends; receipts carry the cosignatures, and
// `receipt verify`, `ledger verify-export`, `checkpoint verify` and the
// Python verifier hold them to a quorum of trusted witnesses. A rewritten
// ledger, re-signed with the log's own key, gets no cosignature: the
// checkpoint command exits 1 and says why.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>

#include "tests/testutil.h"

namespace jejak::cli {
namespace {

using namespace std::chrono_literals;
using testing::Run;
using testing::RunResult;
using testing::TempDir;

struct WitnessedLog {
  TempDir dir;
  std::string data = dir.Sub("data"), pub = dir.Sub("data/keys/jejak.pub");
  std::string wpub = dir.Sub("witness-keys/witness.pub");
  std::unique_ptr<testing::Subprocess> witness;
  std::string url;

  WitnessedLog() {
    REQUIRE(
        J({"keys", "generate", "--out", data + "/keys", "--name", "jejak.go.id/uji"}).exit_code ==
        0);
    REQUIRE(J({"keys", "generate", "--witness", "--out", dir.Sub("witness-keys"), "--name",
               "ombudsman.go.id/saksi"})
                .exit_code == 0);
    REQUIRE(J({"workflow", "deploy", testing::SourcePath("examples/workflows/oss-izin-usaha.yaml"),
               "--data", data})
                .exit_code == 0);
    witness = std::make_unique<testing::Subprocess>(std::vector<std::string>{
        testing::JejakBin(), "witness", "serve", "--data", dir.Sub("witness"), "--key",
        dir.Sub("witness-keys/witness.key"), "--log", "jejak.go.id/uji=" + pub, "--listen",
        "127.0.0.1:0", "--json"});
    REQUIRE_MESSAGE(witness->ReadUntil("\n", 30s), witness->err());
    url = nlohmann::json::parse(witness->out())["url"];
  }
  ~WitnessedLog() {
    witness->Kill(SIGTERM);
    witness->Wait();
  }

  RunResult J(std::vector<std::string> args) { return testing::RunJejak(std::move(args)); }
  std::string WitnessOption() const { return "ombudsman=" + wpub + "@" + url; }
  RunResult Checkpoint(const std::string& out) {
    return J({"checkpoint", "--data", data, "--witness", WitnessOption(), "--out", out, "--json"});
  }
  RunResult Python(const std::string& kind, const std::string& file,
                   std::vector<std::string> extra) {
    std::vector<std::string> args = {
        "python3", testing::SourcePath("scripts/jejak_verify.py"), kind, file, "--key", pub};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(args);
  }
};

TEST_CASE("witness cli: checkpoints cosigned, and receipts held to a witness quorum") {
  WitnessedLog t;
  std::vector<std::string> submit = testing::OssSubmitArgs("3273010101900001");
  submit.insert(submit.end(), {"--data", t.data});
  REQUIRE(t.J(submit).exit_code == 0);
  RunResult cp = t.Checkpoint(t.dir.Sub("cp1.txt"));
  CAPTURE(cp.err);
  REQUIRE(cp.exit_code == 0);
  auto j = nlohmann::json::parse(cp.out);
  CHECK(j["cosignatures"] == 1);
  CHECK(j["checkpoint"].get<std::string>().find("\xE2\x80\x94 ombudsman.go.id/saksi ") !=
        std::string::npos);

  // A receipt made afterwards carries the cosignature of its checkpoint.
  std::string receipt = t.dir.Sub("r.json");
  RunResult show = t.J({"receipt", "show", "1", "--data", t.data, "--out", receipt});
  REQUIRE(show.exit_code == 0);
  CHECK(t.J({"receipt", "verify", receipt, "--key", t.pub, "--witness-key", t.wpub}).exit_code ==
        0);
  CHECK(t.Python("receipt", receipt, {"--witness-key", t.wpub}).exit_code == 0);
  // A witness the checkpoint lacks: below a quorum of 2, both verifiers fail.
  REQUIRE(t.J({"keys", "generate", "--witness", "--out", t.dir.Sub("other"), "--name",
               "bpkp.go.id/saksi"})
              .exit_code == 0);
  std::string other = t.dir.Sub("other/witness.pub");
  RunResult two = t.J({"receipt", "verify", receipt, "--key", t.pub, "--witness-key", t.wpub,
                       "--witness-key", other, "--json"});
  CHECK(two.exit_code == 1);
  CHECK(nlohmann::json::parse(two.out)["problem"].get<std::string>().find(
            "1 of the 2 trusted witnesses") != std::string::npos);
  RunResult py2 = t.Python("receipt", receipt, {"--witness-key", t.wpub, "--witness-key", other});
  CHECK(py2.exit_code == 1);
  CHECK(py2.out.find("fewer than the quorum of 2") != std::string::npos);
  CHECK(t.J({"receipt", "verify", receipt, "--key", t.pub, "--witness-key", t.wpub, "--witness-key",
             other, "--quorum", "1"})
            .exit_code == 0);
  CHECK(t.J({"receipt", "verify", receipt, "--key", t.pub, "--witness-key", t.pub}).exit_code ==
        2);  // a log key is no witness key

  // The log grows; the witness checks the consistency proof from its size.
  submit = testing::OssSubmitArgs("3273010101900002");
  submit.insert(submit.end(), {"--data", t.data});
  REQUIRE(t.J(submit).exit_code == 0);
  REQUIRE(t.Checkpoint(t.dir.Sub("cp2.txt")).exit_code == 0);
  std::string proof = t.dir.Sub("proof.json");
  REQUIRE(
      t.J({"ledger", "prove", "--since", t.dir.Sub("cp1.txt"), "--data", t.data, "--out", proof})
          .exit_code == 0);
  CHECK(t.J({"checkpoint", "verify", t.dir.Sub("cp1.txt"), t.dir.Sub("cp2.txt"), "--proof", proof,
             "--key", t.pub, "--witness-key", t.wpub})
            .exit_code == 0);
  std::string exp = t.dir.Sub("export.json");
  REQUIRE(t.J({"ledger", "export", "--out", exp, "--data", t.data}).exit_code == 0);
  CHECK(t.J({"ledger", "verify-export", exp, "--key", t.pub, "--witness-key", t.wpub}).exit_code ==
        0);
  CHECK(t.Python("export", exp, {"--witness-key", t.wpub}).exit_code == 0);
}

TEST_CASE("witness cli: a rewritten ledger re-signed with the log's key is refused, loudly") {
  WitnessedLog t;
  std::string before = t.dir.Sub("before");  // the ledger before the submission
  std::filesystem::copy(t.data + "/ledger", before, std::filesystem::copy_options::recursive);
  std::vector<std::string> submit = testing::OssSubmitArgs("3273010101900001");
  submit.insert(submit.end(), {"--data", t.data});
  REQUIRE(t.J(submit).exit_code == 0);
  REQUIRE(t.Checkpoint(t.dir.Sub("cp1.txt")).exit_code == 0);  // the witness saw it

  // The insider's rewrite below the cosigned size: the submission replaced
  // by others, every hash recomputed, signed with the same key file.
  std::filesystem::remove_all(t.data + "/ledger");
  std::filesystem::copy(before, t.data + "/ledger", std::filesystem::copy_options::recursive);
  submit = testing::OssSubmitArgs("3273010101900099");
  submit.insert(submit.end(), {"--data", t.data});
  REQUIRE(t.J(submit).exit_code == 0);
  REQUIRE(t.J(submit).exit_code == 0);
  RunResult forged = t.Checkpoint(t.dir.Sub("forged.txt"));
  CAPTURE(forged.out);
  CAPTURE(forged.err);
  CHECK(forged.exit_code == 1);
  CHECK(forged.err.find("witness ombudsman refused the checkpoint") != std::string::npos);
  CHECK(forged.err.find("HTTP 422") != std::string::npos);
  auto j = nlohmann::json::parse(forged.out);
  CHECK(j["cosignatures"] == 0);
  // Its receipts do not pass a verifier that trusts the witness.
  std::string receipt = t.dir.Sub("forged-receipt.json");
  REQUIRE(t.J({"receipt", "show", "2", "--data", t.data, "--out", receipt}).exit_code == 0);
  CHECK(t.J({"receipt", "verify", receipt, "--key", t.pub}).exit_code == 0);  // the log key alone
  CHECK(t.J({"receipt", "verify", receipt, "--key", t.pub, "--witness-key", t.wpub}).exit_code ==
        1);
  // The witness kept the refused checkpoint as evidence.
  size_t evidence = 0;
  for ([[maybe_unused]] const auto& f :
       std::filesystem::directory_iterator(t.dir.Sub("witness/evidence"))) {
    ++evidence;
  }
  CHECK(evidence >= 1);
}

}  // namespace
}  // namespace jejak::cli
