#include "workflow/graph.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/error.h"

namespace jejak::workflow {
namespace {

std::string Roles(const ActionSpec& a) {
  std::string out;
  for (const auto& r : a.roles) out += (out.empty() ? "" : ", ") + r;
  return out;
}

std::string StateLabel(const StateSpec& s) {
  if (s.deadline_at) return fmt::format("{} (tenggat {})", s.title, s.deadline_at->text());
  return s.sla ? fmt::format("{} (SLA {})", s.title, s.sla->ToString()) : s.title;
}

bool Drawn(const Workflow& wf, const StateSpec& s) {
  if (s.name != kWithdrawnState) return true;
  return std::any_of(wf.actions.begin(), wf.actions.end(),
                     [](const ActionSpec& a) { return a.to == kWithdrawnState; });
}

// Mermaid labels end at a newline and treat '"' and ':' specially; its
// #quot; style entity codes keep them.
std::string MermaidText(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"') {
      out += "#quot;";
    } else if (c == ':') {
      out += "#58;";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string DotText(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";  // DOT's own line break inside a label
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string Mermaid(const Workflow& wf) {
  std::string out =
      fmt::format("stateDiagram-v2\n  %% {} v{}: {}\n", wf.name, wf.version, MermaidText(wf.title));
  for (const StateSpec& s : wf.states) {
    if (Drawn(wf, s))
      out += fmt::format("  state \"{}\" as {}\n", MermaidText(StateLabel(s)), s.name);
  }
  out += fmt::format("  [*] --> {}\n", wf.InitialState().name);
  for (const ActionSpec& a : wf.actions) {
    for (const std::string& from : a.from) {
      out += fmt::format("  {} --> {} : {} [{}]\n", from, a.to, a.name, MermaidText(Roles(a)));
    }
  }
  for (const StateSpec& s : wf.states) {
    if (s.terminal && Drawn(wf, s)) out += fmt::format("  {} --> [*]\n", s.name);
  }
  return out;
}

std::string Dot(const Workflow& wf) {
  std::string out = fmt::format(
      "digraph {} {{\n  label={};\n  rankdir=LR;\n"
      "  node [shape=box, style=rounded];\n"
      "  __start [shape=point, label=\"\"];\n",
      DotText(wf.name), DotText(fmt::format("{} v{}", wf.title, wf.version)));
  for (const StateSpec& s : wf.states) {
    if (!Drawn(wf, s)) continue;
    out += fmt::format("  {} [label={}{}];\n", s.name, DotText(StateLabel(s)),
                       s.terminal ? ", peripheries=2" : "");
  }
  out += fmt::format("  __start -> {};\n", wf.InitialState().name);
  for (const ActionSpec& a : wf.actions) {
    for (const std::string& from : a.from) {
      out += fmt::format("  {} -> {} [label={}];\n", from, a.to,
                         DotText(fmt::format("{}\n[{}]", a.name, Roles(a))));
    }
  }
  return out + "}\n";
}

}  // namespace

GraphFormat ParseGraphFormat(std::string_view name) {
  if (name == "mermaid") return GraphFormat::kMermaid;
  if (name == "dot") return GraphFormat::kDot;
  throw base::Error(base::ErrorCode::kInvalidArgument,
                    fmt::format("unknown graph format \"{}\": use mermaid or dot", name));
}

std::string RenderGraph(const Workflow& wf, GraphFormat format) {
  return format == GraphFormat::kDot ? Dot(wf) : Mermaid(wf);
}

}  // namespace jejak::workflow
