#include "workflow/graph.h"

#include <doctest/doctest.h>

#include "base/error.h"

namespace jejak::workflow {
namespace {

constexpr char kYaml[] = R"(workflow: izin-uji
version: 2
agency: A
title: Izin "Uji"
states:
  diajukan: {title: Diajukan, initial: true, sla: 2wd}
  terbit: {title: Izin terbit, terminal: true}
  ditolak: {title: Ditolak, terminal: true}
actions:
  setujui: {title: Setujui, from: diajukan, to: terbit, roles: [kadis, sekda]}
  tolak: {title: Tolak, from: [diajukan], to: ditolak, roles: [verifikator]}
)";

TEST_CASE("graph: mermaid state diagram") {
  auto wf = ParseWorkflow(kYaml, "uji.yaml");
  std::string g = RenderGraph(*wf, GraphFormat::kMermaid);
  CHECK(g.starts_with("stateDiagram-v2\n"));
  CHECK(g.find("  state \"Diajukan (SLA 2wd)\" as diajukan\n") != std::string::npos);
  CHECK(g.find("  [*] --> diajukan\n") != std::string::npos);
  CHECK(g.find("  diajukan --> terbit : setujui [kadis, sekda]\n") != std::string::npos);
  CHECK(g.find("  diajukan --> ditolak : tolak [verifikator]\n") != std::string::npos);
  CHECK(g.find("  terbit --> [*]\n") != std::string::npos);
  CHECK(g.find("  ditolak --> [*]\n") != std::string::npos);
  CHECK(g.find("diajukan --> [*]") == std::string::npos);
  // No action leads to the built-in withdrawn state, so it is not drawn.
  CHECK(g.find("withdrawn") == std::string::npos);
}

TEST_CASE("graph: dot digraph with escaped labels") {
  auto wf = ParseWorkflow(kYaml, "uji.yaml");
  std::string g = RenderGraph(*wf, GraphFormat::kDot);
  CHECK(g.starts_with("digraph \"izin-uji\" {\n"));
  CHECK(g.find("  label=\"Izin \\\"Uji\\\" v2\";\n") != std::string::npos);
  CHECK(g.find("  __start -> diajukan;\n") != std::string::npos);
  CHECK(g.find("  diajukan [label=\"Diajukan (SLA 2wd)\"];\n") != std::string::npos);
  CHECK(g.find("  terbit [label=\"Izin terbit\", peripheries=2];\n") != std::string::npos);
  CHECK(g.find("  diajukan -> terbit [label=\"setujui\\n[kadis, sekda]\"];\n") !=
        std::string::npos);
  CHECK(g.ends_with("}\n"));
  CHECK(g.find("withdrawn") == std::string::npos);
}

TEST_CASE("graph: withdrawn is drawn when an action leads there") {
  std::string yaml = kYaml;
  yaml += "  tarik: {title: Tarik, from: diajukan, to: withdrawn, roles: [system]}\n";
  auto wf = ParseWorkflow(yaml, "uji.yaml");
  std::string m = RenderGraph(*wf, GraphFormat::kMermaid);
  CHECK(m.find("  state \"Dibatalkan oleh pemohon\" as withdrawn\n") != std::string::npos);
  CHECK(m.find("  withdrawn --> [*]\n") != std::string::npos);
  CHECK(RenderGraph(*wf, GraphFormat::kDot).find("withdrawn [label=") != std::string::npos);
}

TEST_CASE("graph: format names") {
  CHECK(ParseGraphFormat("mermaid") == GraphFormat::kMermaid);
  CHECK(ParseGraphFormat("dot") == GraphFormat::kDot);
  CHECK_THROWS_AS(ParseGraphFormat("svg"), base::Error);
}

}  // namespace
}  // namespace jejak::workflow
