// Keys, checkpoints, receipts, consistency proofs and exports through the
// jejak executable, and the independent Python verifier on the same files.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/format_vectors.h"
#include "tests/testutil.h"

namespace jejak::cli {
namespace {

using testing::JejakBin;
using testing::Run;
using testing::RunResult;
using testing::TempDir;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteAll(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

struct Signed {
  TempDir dir;
  std::string data = dir.Sub("data"), pub = dir.Sub("data/keys/jejak.pub");

  Signed() {
    REQUIRE(
        J({"keys", "generate", "--out", data + "/keys", "--name", "jejak.go.id/uji"}).exit_code ==
        0);
    REQUIRE(J({"workflow", "deploy", testing::SourcePath("examples/workflows/oss-izin-usaha.yaml"),
               "--data", data})
                .exit_code == 0);
  }

  RunResult J(std::vector<std::string> args) { return testing::RunJejak(std::move(args)); }

  RunResult Submit(const std::string& nik, const std::string& receipt) {
    std::vector<std::string> args = testing::OssSubmitArgs(nik);
    args.insert(args.end(), {"--data", data, "--receipt", receipt});
    return J(args);
  }

  RunResult Python(const std::string& kind, const std::string& file) {
    return Run(
        {"python3", testing::SourcePath("scripts/jejak_verify.py"), kind, file, "--key", pub});
  }
};

TEST_CASE("proof cli: a receipt verifies in jejak and in the Python verifier") {
  Signed s;
  std::string receipt = s.dir.Sub("r.json");
  RunResult sub = s.Submit("3273010101900001", receipt);
  REQUIRE(sub.exit_code == 0);
  CHECK(sub.out.find("Receipt written to") != std::string::npos);
  RunResult v = s.J({"receipt", "verify", receipt, "--key", s.pub});
  CHECK(v.exit_code == 0);
  CHECK(v.out.find("OK") == 0);
  RunResult py = s.Python("receipt", receipt);
  CHECK(py.exit_code == 0);
  CHECK(py.out.find("OK entry 1 is in the ledger") == 0);

  auto good = nlohmann::json::parse(ReadAll(receipt));
  // Each change must fail in both verifiers, naming the member.
  std::vector<std::pair<std::string, std::function<void(nlohmann::json&)>>> changes = {
      {"event:", [](auto& j) { j["event"]["fields"]["nama_usaha"]["value"] = "Kopi Lain"; }},
      {"bytes:", [](auto& j) { j["bytes"] = j["bytes"].template get<std::string>() + "00"; }},
      {"chain:", [](auto& j) { j["chain"] = std::string(64, 'f'); }},
      {"checkpoint:",
       [](auto& j) {
         std::string c = j["checkpoint"];
         size_t origin_end = c.find("uji\n");
         REQUIRE(origin_end != std::string::npos);
         c.at(origin_end + 4) = '9';  // the tree size's first digit
         j["checkpoint"] = c;
       }},
      {"inclusion_proof:", [](auto& j) { j["inclusion_proof"][0] = std::string(64, '0'); }},
  };
  for (const auto& c : changes) {
    const auto& member = c.first;
    const auto& change = c.second;
    CAPTURE(member);
    nlohmann::json bad = good;
    change(bad);
    std::string path = s.dir.Sub("bad.json");
    WriteAll(path, bad.dump());
    RunResult jv = s.J({"receipt", "verify", path, "--key", s.pub});
    CHECK(jv.exit_code == 1);
    CHECK(jv.out.find("FAILED " + member) == 0);
    RunResult pv = s.Python("receipt", path);
    CHECK(pv.exit_code == 1);
    CHECK(pv.out.find("FAILED " + member) == 0);
  }
  // Another key: refused.
  TempDir other;
  REQUIRE(s.J({"keys", "generate", "--out", other.path(), "--name", "jejak.go.id/uji"}).exit_code ==
          0);
  CHECK(s.J({"receipt", "verify", receipt, "--key", other.Sub("jejak.pub")}).exit_code == 1);
}

TEST_CASE("proof cli: a signing key is private from its creation and never replaced") {
  TempDir dir;
  mode_t old_mask = ::umask(022);  // the child inherits it
  RunResult r = testing::RunJejak({"keys", "generate", "--out", dir.path()});
  ::umask(old_mask);
  REQUIRE(r.exit_code == 0);
  auto mode = [](const std::string& path) {
    struct stat st;
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
  };
  CHECK(mode(dir.Sub("jejak.key")) == 0600);
  CHECK(mode(dir.Sub("jejak.pub")) == 0644);
  std::string key = ReadAll(dir.Sub("jejak.key"));
  CHECK(key.starts_with("PRIVATE+KEY+"));
  RunResult again = testing::RunJejak({"keys", "generate", "--out", dir.path()});
  CHECK(again.exit_code == 4);  // conflict
  CHECK(ReadAll(dir.Sub("jejak.key")) == key);
  std::vector<std::string> names;
  for (const auto& f : std::filesystem::directory_iterator(dir.path())) {
    names.push_back(f.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"jejak.key", "jejak.pub"});  // no temporary file
}

TEST_CASE("proof cli: consistency from an old checkpoint and an export") {
  Signed s;
  std::string old_cp = s.dir.Sub("old.txt"), new_cp = s.dir.Sub("new.txt");
  std::string proof = s.dir.Sub("proof.json"), exp = s.dir.Sub("export.json");
  REQUIRE(s.Submit("3273010101900001", s.dir.Sub("r1.json")).exit_code == 0);
  RunResult first = s.J({"checkpoint", "--data", s.data, "--out", old_cp});
  REQUIRE(first.exit_code == 0);
  // The fixture keeps its key in DATA/keys, which jejak warns about.
  CHECK(first.err.find("lies inside the data directory") != std::string::npos);
  std::string rolled = s.dir.Sub("rolled-back");  // the ledger as it was then
  std::filesystem::copy(s.data, rolled, std::filesystem::copy_options::recursive);
  REQUIRE(s.Submit("3273010101900002", s.dir.Sub("r2.json")).exit_code == 0);
  REQUIRE(s.Submit("3273010101900003", s.dir.Sub("r3.json")).exit_code == 0);
  RunResult p = s.J({"ledger", "prove", "--since", old_cp, "--data", s.data, "--out", proof,
                     "--checkpoint-out", new_cp});
  REQUIRE(p.exit_code == 0);
  RunResult v =
      s.J({"checkpoint", "verify", old_cp, new_cp, "--proof", proof, "--key", s.pub, "--json"});
  CHECK(v.exit_code == 0);
  CHECK(nlohmann::json::parse(v.out)["ok"] == true);
  // A forged old checkpoint (another root, even correctly formed) fails.
  std::string forged = ReadAll(old_cp);
  forged[forged.find('\n', forged.find('\n') + 1) + 1] ^= 1;
  WriteAll(s.dir.Sub("forged.txt"), forged);
  CHECK(s.J({"checkpoint", "verify", s.dir.Sub("forged.txt"), new_cp, "--proof", proof, "--key",
             s.pub})
            .exit_code == 1);
  // A ledger rolled back behind a checkpoint its auditor holds is a tamper
  // finding (exit 1), not bad input.
  RunResult rollback = s.J({"ledger", "prove", "--since", new_cp, "--data", rolled});
  CHECK(rollback.exit_code == 1);
  CHECK(rollback.err.find("rolled back") != std::string::npos);
  CHECK(s.J({"checkpoint", "verify", new_cp, old_cp, "--proof", proof, "--key", s.pub}).exit_code ==
        1);

  REQUIRE(s.J({"ledger", "export", "--from", "1", "--out", exp, "--data", s.data}).exit_code == 0);
  CHECK(s.J({"ledger", "verify-export", exp, "--key", s.pub}).exit_code == 0);
  RunResult py = s.Python("export", exp);
  CHECK(py.exit_code == 0);
  CHECK(py.out.find("OK entries 1..") == 0);
  auto doc = nlohmann::json::parse(ReadAll(exp));
  doc["entries"][1]["event"]["actor"]["role"] = "kepala_dinas";
  WriteAll(exp, doc.dump());
  CHECK(s.J({"ledger", "verify-export", exp, "--key", s.pub}).exit_code == 1);
  RunResult bad = s.Python("export", exp);
  CHECK(bad.exit_code == 1);
  CHECK(bad.out.find("FAILED entries[1].event") == 0);

  RunResult lv = s.J({"ledger", "verify", "--data", s.data, "--json"});
  CHECK(lv.exit_code == 0);
  CHECK(nlohmann::json::parse(lv.out)["checkpoints"].get<int>() ==
        3);  // old.txt is r1.json's checkpoint
}

TEST_CASE("proof cli: every new command has --help") {
  for (std::vector<std::string> cmd : {std::vector<std::string>{"keys", "generate"},
                                       {"checkpoint"},
                                       {"checkpoint", "verify"},
                                       {"receipt", "verify"},
                                       {"receipt", "show"},
                                       {"ledger", "prove"},
                                       {"ledger", "export"},
                                       {"ledger", "verify-export"}}) {
    cmd.insert(cmd.begin(), JejakBin());
    cmd.push_back("--help");
    RunResult r = Run(cmd);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("--json") != std::string::npos);
  }
}

}  // namespace
}  // namespace jejak::cli
