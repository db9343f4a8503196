// jejak workflow validate / graph, run as the built binary.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>

#include "tests/testutil.h"

namespace jejak::cli {
namespace {

std::string Example(const std::string& name) {
  return testing::SourceDir() + "/examples/workflows/" + name;
}

testing::RunResult Jejak(std::vector<std::string> args) {
  return testing::RunJejak(std::move(args));
}

constexpr char kBad[] = R"(workflow: uji
version: 1
agency: A
title: T
states:
  a: {title: A, initial: true}
  b: {title: B, terminal: true, colour: red}
actions:
  go: {title: Go, from: a, to: b, roles: [staff]}
  back: {title: Back, from: zz, to: a, roles: [staff]}
)";

struct Files {
  testing::TempDir dir;
  std::string bad = dir.Sub("bad.yaml");
  Files() { std::ofstream(bad) << kBad; }
};

TEST_CASE("cli workflow validate: valid examples exit 0") {
  auto r = Jejak({"workflow", "validate", Example("oss-izin-usaha.yaml"),
                  Example("lapor-pengaduan.yaml"), Example("pbg-persetujuan-bangunan.yaml")});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("OK " + Example("oss-izin-usaha.yaml") + " (oss-izin-usaha v3)\n") !=
        std::string::npos);
  CHECK(r.out.find("(lapor-pengaduan v3)") != std::string::npos);
  CHECK(r.out.find("(pbg-persetujuan-bangunan v4)") != std::string::npos);
}

TEST_CASE("cli workflow validate: problems as file line column and exit 2") {
  Files f;
  auto r = Jejak({"workflow", "validate", f.bad, Example("oss-izin-usaha.yaml")});
  CHECK(r.exit_code == 2);
  CHECK(r.out.find(f.bad + ":7:33: unknown key \"colour\" in state \"b\"") != std::string::npos);
  CHECK(r.out.find(f.bad + ":10:29: action \"back\" starts from unknown state \"zz\"") !=
        std::string::npos);
  // The other file is still checked.
  CHECK(r.out.find("OK " + Example("oss-izin-usaha.yaml")) != std::string::npos);
  auto missing = Jejak({"workflow", "validate", f.dir.Sub("hilang.yaml")});
  CHECK(missing.exit_code == 2);
  CHECK(missing.out.find("cannot read workflow file") != std::string::npos);
  CHECK(Jejak({"workflow", "validate"}).exit_code == 2);  // no file given
}

TEST_CASE("cli workflow validate: json report shape") {
  Files f;
  // --json is a global option: before the command or after it.
  for (const auto& args : {std::vector<std::string>{"--json", "workflow", "validate", f.bad,
                                                    Example("lapor-pengaduan.yaml")},
                           std::vector<std::string>{"workflow", "validate", "--json", f.bad,
                                                    Example("lapor-pengaduan.yaml")}}) {
    auto r = Jejak(args);
    CHECK(r.exit_code == 2);
    nlohmann::json j = nlohmann::json::parse(r.out);
    REQUIRE(j.is_array());
    REQUIRE(j.size() == 2);
    CHECK(j[0]["file"] == f.bad);
    CHECK(j[0]["ok"] == false);
    REQUIRE(j[0]["errors"].size() == 2);
    CHECK(j[0]["errors"][0]["line"] == 7);
    CHECK(j[0]["errors"][0]["column"] == 33);
    CHECK(j[0]["errors"][0]["message"].get<std::string>().starts_with("unknown key \"colour\""));
    CHECK(j[0]["errors"][1]["line"] == 10);
    CHECK(j[1]["ok"] == true);
    CHECK(j[1]["errors"].empty());
    CHECK(j[1]["workflow"] == "lapor-pengaduan");
    CHECK(j[1]["sha256"].get<std::string>().size() == 64);
  }
  auto ok = Jejak({"--json", "workflow", "validate", Example("oss-izin-usaha.yaml")});
  CHECK(ok.exit_code == 0);
  CHECK(nlohmann::json::parse(ok.out)[0]["ok"] == true);
}

TEST_CASE("cli workflow graph: mermaid and dot") {
  auto m = Jejak({"workflow", "graph", Example("oss-izin-usaha.yaml")});
  CHECK(m.exit_code == 0);
  CHECK(m.out.starts_with("stateDiagram-v2\n"));
  CHECK(m.out.find("menunggu_persetujuan --> disetujui : setujui [kepala_dinas]") !=
        std::string::npos);
  auto d = Jejak({"workflow", "graph", Example("lapor-pengaduan.yaml"), "--format", "dot"});
  CHECK(d.exit_code == 0);
  CHECK(d.out.starts_with("digraph \"lapor-pengaduan\" {"));
  CHECK(d.out.find("selesai [label=\"Laporan selesai\", peripheries=2];") != std::string::npos);
  CHECK(
      Jejak({"workflow", "graph", Example("lapor-pengaduan.yaml"), "--format", "svg"}).exit_code ==
      2);
  Files f;
  auto bad = Jejak({"workflow", "graph", f.bad});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find(f.bad + ":7:33:") != std::string::npos);
}

TEST_CASE("cli workflow: help on every command") {
  for (const auto& args : {std::vector<std::string>{"workflow", "--help"},
                           std::vector<std::string>{"workflow", "validate", "--help"},
                           std::vector<std::string>{"workflow", "graph", "--help"}}) {
    auto r = Jejak(args);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Usage:") != std::string::npos);
  }
  CHECK(Jejak({"workflow", "validate", "--help"}).out.find("Exits 0 if all files are valid") !=
        std::string::npos);
}

}  // namespace
}  // namespace jejak::cli
