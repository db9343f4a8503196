// Every validation rule of the workflow loader, each with the exact 1-based
// line:column it reports.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "engine/workflow.h"

namespace jejak::engine {
namespace {

// Lines 1-4 of every test workflow.
constexpr char kHead[] = "workflow: uji\nversion: 1\nagency: A\ntitle: T\n";
// A valid states-and-actions tail.
constexpr char kTail[] = R"(states:
  a:
    title: A
    initial: true
  b:
    title: B
    terminal: true
actions:
  go:
    title: Go
    from: a
    to: b
    roles: [staff]
)";

// The problems of yaml as "line:column: message".
std::vector<std::string> Problems(const std::string& yaml) {
  std::vector<std::string> out;
  for (const WorkflowProblem& p : CheckWorkflow(yaml).problems) {
    out.push_back(fmt::format("{}:{}: {}", p.pos.line, p.pos.column, p.message));
  }
  return out;
}

// Whether yaml has a problem at position ("line:column") whose message
// contains text; prints all problems when not, to show what was found.
bool Has(const std::string& yaml, const std::string& position, const std::string& text) {
  std::vector<std::string> found = Problems(yaml);
  for (const std::string& p : found) {
    if (p.starts_with(position + ": ") && p.find(text) != std::string::npos) return true;
  }
  std::string all;
  for (const std::string& p : found) all += "\n  " + p;
  MESSAGE("expected " << position << " \"" << text << "\", found:" << all);
  return false;
}

size_t Count(const std::string& yaml) { return Problems(yaml).size(); }

TEST_CASE("workflow validation: the fixtures themselves are valid") {
  CHECK(Problems(std::string(kHead) + kTail).empty());
}

TEST_CASE("workflow validation: malformed YAML is reported at its mark") {
  std::string yaml = "workflow: [uji, 2\nversion: 1\n";
  CHECK(Count(yaml) == 1);
  CHECK(Has(yaml, "2:8", "malformed YAML"));
  CHECK(Has("workflow: uji: 2\n", "1:14", "malformed YAML: illegal map value"));
  CHECK(Has("- just\n- a list\n", "1:1", "the workflow must be a mapping"));
  CHECK(Has("", "1:1", "the workflow must be a mapping"));
}

TEST_CASE("workflow validation: missing and mistyped header keys") {
  std::string missing = std::string("workflow: uji\nversion: 1\n") + kTail;
  CHECK(Count(missing) == 2);
  CHECK(Has(missing, "1:1", "missing required key \"agency\""));
  CHECK(Has(missing, "1:1", "missing required key \"title\""));
  CHECK(Has("workflow: uji\nversion: 1\nagency: A\ntitle: T\n", "1:1",
            "missing required key \"states\""));
  std::string tail = kTail;
  CHECK(Has("workflow: uji\nversion: satu\nagency: A\ntitle: T\n" + tail, "2:10",
            "version \"satu\" must be a whole number"));
  CHECK(Has("workflow: uji\nversion: 0\nagency: A\ntitle: T\n" + tail, "2:10", "version \"0\""));
  CHECK(Has("workflow: uji\nversion: 4294967296\nagency: A\ntitle: T\n" + tail, "2:10",
            "version \"4294967296\""));
  CHECK(Has("workflow: uji\nversion: [1]\nagency: A\ntitle: T\n" + tail, "2:10",
            "version must be non-empty text"));
  CHECK(Has("workflow: uji\nversion: 1\nagency: A\ntitle:\n" + tail, "4:1",
            "title must be non-empty text"));
  CHECK(Has("workflow: Izin Uji\nversion: 1\nagency: A\ntitle: T\n" + tail, "1:11",
            "workflow name \"Izin Uji\" must be lowercase"));
  CHECK(Has(std::string(kHead) + "states: [a, b]\nactions: {}\n", "5:9",
            "states must be a mapping of states"));
}

TEST_CASE("workflow validation: unknown keys anywhere are errors with a suggestion") {
  std::string tail = kTail;
  CHECK(Has(std::string(kHead) + "titel: X\n" + tail, "5:1",
            "unknown key \"titel\" in the workflow (did you mean \"title\"?)"));
  CHECK(Has(std::string(kHead) + "calendar:\n  utc_ofset: \"+07:00\"\n" + tail, "6:3",
            "unknown key \"utc_ofset\" in calendar (did you mean \"utc_offset\"?)"));
  CHECK(Has(std::string(kHead) +
                "fields:\n  nik:\n    type: string\n    title: NIK\n"
                "    requred: true\n" +
                tail,
            "9:5", "unknown key \"requred\" in field \"nik\" (did you mean \"required\"?)"));
  CHECK(Has(std::string(kHead) + R"(states:
  a: {title: A, initial: true, deadline: 3d}
  b: {title: B, terminal: true}
actions:
  go: {title: Go, from: a, to: b, roles: [staff]}
)",
            "6:32", "unknown key \"deadline\" in state \"a\"; expected one of: title, initial"));
  std::string action = std::string(kHead) + R"(states:
  a: {title: A, initial: true}
  b: {title: B, terminal: true}
actions:
  go:
    title: Go
    from: a
    to: b
    rolse: [staff]
)";
  CHECK(Count(action) == 2);
  CHECK(Has(action, "13:5", "unknown key \"rolse\" in action \"go\" (did you mean \"roles\"?)"));
  CHECK(Has(action, "9:3", "action \"go\" has no roles"));
}

TEST_CASE("workflow validation: duplicate keys in any mapping") {
  std::string tail = kTail;
  CHECK(Has(std::string(kHead) + "version: 2\n" + tail, "5:1",
            "duplicate key \"version\" in the workflow (first at line 2)"));
  std::string fields = std::string(kHead) +
                       "fields:\n  nik: {type: string, title: NIK}\n"
                       "  nik: {type: integer, title: NIK lagi}\n" +
                       tail;
  CHECK(Count(fields) == 1);
  CHECK(Has(fields, "7:3", "duplicate field \"nik\" in fields (first at line 6)"));
  std::string states = std::string(kHead) + R"(states:
  a: {title: A, initial: true}
  b: {title: B, terminal: true}
  a: {title: A lagi}
actions:
  go: {title: Go, from: a, to: b, roles: [staff]}
)";
  CHECK(Count(states) == 1);
  CHECK(Has(states, "8:3", "duplicate state \"a\" in states (first at line 6)"));
  std::string actions = std::string(kHead) + R"(states:
  a: {title: A, initial: true}
  b: {title: B, terminal: true}
actions:
  go: {title: Go, from: a, to: b, roles: [staff]}
  go: {title: Go lagi, from: a, to: b, roles: [other]}
)";
  CHECK(Count(actions) == 1);
  CHECK(Has(actions, "10:3", "duplicate action \"go\" in actions (first at line 9)"));
  CHECK(Has(std::string(kHead) + R"(states:
  a: {title: A, initial: true, title: A2}
  b: {title: B, terminal: true}
actions:
  go: {title: Go, from: a, to: b, roles: [staff]}
)",
            "6:32", "duplicate key \"title\" in state \"a\" (first at line 6)"));
}

TEST_CASE("workflow validation: field types, patterns, bounds and enums") {
  auto with_field = [](const std::string& field) {
    return std::string(kHead) + "fields:\n" + field + kTail;  // field starts on line 6
  };
  CHECK(Has(with_field("  foto: {type: image, title: Foto}\n"), "6:16",
            "unknown type \"image\" of field \"foto\"; expected one of: string, integer"));
  CHECK(Has(with_field("  foto: {title: Foto}\n"), "6:3", "field \"foto\" has no type"));
  CHECK(Has(with_field("  nik: {type: string}\n"), "6:3", "field \"nik\" has no title"));
  CHECK(Has(with_field("  nik: {type: string, title: NIK, pattern: \"[0-9\"}\n"), "6:44",
            "bad pattern of field \"nik\""));
  CHECK(Has(with_field("  umur: {type: integer, title: Umur, min: 70, max: 17}\n"), "6:52",
            "max 17 of field \"umur\" is less than its min 70"));
  // Numerically, not as text: "9" > "10" as text, 9 < 10 as numbers.
  CHECK(Count(with_field("  n: {type: decimal, title: N, min: 9.5, max: 10}\n")) == 0);
  CHECK(Has(with_field("  nama: {type: string, title: Nama, min: 100, max: 20}\n"), "6:52",
            "max 20 of field \"nama\" is less than its min 100"));
  CHECK(Has(with_field("  umur: {type: integer, title: Umur, min: 1.5}\n"), "6:43",
            "min of field \"umur\" must be a whole number"));
  CHECK(Has(with_field("  umur: {type: integer, title: Umur, max: banyak}\n"), "6:43",
            "max of field \"umur\" must be a number, not \"banyak\""));
  CHECK(Has(with_field("  nama: {type: string, title: Nama, min: -1}\n"), "6:42",
            "is a length for a string field"));
  CHECK(Has(with_field("  ok: {type: boolean, title: OK, min: 0}\n"), "6:34",
            "min applies only to integer, decimal and string fields"));
  CHECK(Has(with_field("  n: {type: integer, title: N, pattern: \"[0-9]+\"}\n"), "6:32",
            "pattern applies only to string fields"));
  CHECK(Has(with_field("  skala: {type: enum, title: Skala}\n"), "6:3",
            "enum field \"skala\" has no values"));
  CHECK(Has(with_field("  skala: {type: enum, title: Skala, values: []}\n"), "6:45",
            "values of field \"skala\" must list at least one choice"));
  CHECK(Has(with_field("  skala: {type: enum, title: Skala, values: [mikro, mikro]}\n"), "6:53",
            "\"mikro\" is listed twice in values of field \"skala\""));
  CHECK(Has(with_field("  nama: {type: string, title: Nama, values: [a]}\n"), "6:37",
            "values apply only to enum fields"));
  CHECK(Has(with_field("  nama: {type: string, title: Nama, pii_roles: [kadis]}\n"), "6:37",
            "pii_roles of field \"nama\" need pii: true"));
  CHECK(Has(with_field("  nama: {type: string, title: Nama, pii: ya}\n"), "6:42",
            "pii of field \"nama\" must be true or false"));
  CHECK(Has(with_field("  in: {type: string, title: Masuk}\n"), "6:3",
            "\"in\" is a word of the guard language"));
  CHECK(Has(with_field("  Nama: {type: string, title: Nama}\n"), "6:3",
            "field name \"Nama\" must be lowercase"));
  CHECK(Has(std::string(kHead) + "fields: [nik]\n" + kTail, "5:9",
            "fields must be a mapping of fields"));
}

TEST_CASE("workflow validation: initial and terminal states") {
  auto with_states = [](const std::string& states) {
    return std::string(kHead) + "states:\n" + states +
           "actions:\n  go: {title: Go, from: a, to: b, roles: [staff]}\n";
  };
  std::string none = with_states("  a: {title: A}\n  b: {title: B, terminal: true}\n");
  CHECK(Has(none, "5:1", "no initial state"));
  std::string several = with_states(
      "  a: {title: A, initial: true}\n  b: {title: B, terminal: true}\n"
      "  c: {title: C, initial: true}\n");
  CHECK(Has(several, "8:17", "several initial states: \"a\" and \"c\""));
  std::string no_end = with_states("  a: {title: A, initial: true}\n  b: {title: B}\n");
  CHECK(Has(no_end, "5:1", "no terminal state"));
  CHECK(Has(with_states("  a: {title: A, initial: true, terminal: true}\n"
                        "  b: {title: B, terminal: true}\n"),
            "6:3", "initial state \"a\" cannot be terminal"));
  CHECK(Has(with_states("  a: {title: A, initial: yes}\n  b: {title: B, terminal: true}\n"), "6:26",
            "initial of state \"a\" must be true or false"));
  CHECK(Has(with_states("  a: {title: A, initial: true}\n  b: {title: B, terminal: true}\n"
                        "  withdrawn: {title: Ditarik, terminal: true}\n"),
            "8:3", "\"withdrawn\" is a built-in terminal state"));
  CHECK(Has(with_states("  a: {title: A, initial: true, sla: 3 days}\n"
                        "  b: {title: B, terminal: true}\n"),
            "6:37", "sla of state \"a\": bad duration \"3 days\""));
  CHECK(Has(with_states("  a: {title: A, initial: true, sla: 0wd}\n"
                        "  b: {title: B, terminal: true}\n"),
            "6:37", "bad duration \"0wd\""));
  CHECK(
      Has(with_states("  a: {title: A, initial: true}\n  b: {title: B, terminal: true, sla: 1d}\n"),
          "7:33", "state \"b\" is terminal: nothing waits there, so it has no sla"));
  CHECK(Has(with_states("  a: {initial: true}\n  b: {title: B, terminal: true}\n"), "6:3",
            "state \"a\" has no title"));
}

TEST_CASE("workflow validation: the state graph") {
  std::string unreachable = std::string(kHead) + R"(states:
  a: {title: A, initial: true}
  b: {title: B, terminal: true}
  yatim: {title: Tidak terjangkau}
actions:
  go: {title: Go, from: a, to: b, roles: [staff]}
  lanjut: {title: Lanjut, from: yatim, to: b, roles: [staff]}
)";
  CHECK(Count(unreachable) == 1);
  CHECK(Has(unreachable, "8:3", "state \"yatim\" cannot be reached from the initial state \"a\""));

  std::string trap = std::string(kHead) + R"(states:
  a: {title: A, initial: true}
  b: {title: B, terminal: true}
  c: {title: C}
  d: {title: D}
actions:
  go: {title: Go, from: a, to: b, roles: [staff]}
  ke_c: {title: Ke C, from: a, to: c, roles: [staff]}
  ke_d: {title: Ke D, from: c, to: d, roles: [staff]}
  balik: {title: Balik, from: d, to: c, roles: [staff]}
)";
  CHECK(Count(trap) == 2);
  CHECK(Has(trap, "8:3", "state \"c\" has no path to a terminal state"));
  CHECK(Has(trap, "9:3", "state \"d\" has no path to a terminal state"));

  std::string leaves = std::string(kHead) + R"(states:
  a: {title: A, initial: true}
  b: {title: B, terminal: true}
actions:
  go: {title: Go, from: a, to: b, roles: [staff]}
  buka: {title: Buka, from: [b], to: a, roles: [staff]}
  batal: {title: Batal, from: withdrawn, to: a, roles: [staff]}
)";
  CHECK(Count(leaves) == 2);
  CHECK(Has(leaves, "10:30", "action \"buka\" leaves terminal state \"b\""));
  CHECK(Has(leaves, "11:31", "action \"batal\" leaves terminal state \"withdrawn\""));

  std::string unknown = std::string(kHead) + R"(states:
  a: {title: A, initial: true}
  b: {title: B, terminal: true}
actions:
  go: {title: Go, from: [a, x], to: b, roles: [staff]}
  ke: {title: Ke, from: a, to: y, roles: [staff]}
)";
  CHECK(Count(unknown) == 2);
  CHECK(Has(unknown, "9:29", "action \"go\" starts from unknown state \"x\""));
  CHECK(Has(unknown, "10:32", "action \"ke\" leads to unknown state \"y\""));
  // An action may lead to the built-in withdrawn state.
  CHECK(Count(std::string(kHead) + R"(states:
  a: {title: A, initial: true}
  b: {title: B, terminal: true}
actions:
  go: {title: Go, from: a, to: b, roles: [staff]}
  tarik: {title: Tarik, from: a, to: withdrawn, roles: [system]}
)") == 0);
}

// Actions of one workflow with fields nik and modal; the action starts on line 13.
std::string WithAction(const std::string& action) {
  return std::string(kHead) + R"(fields:
  nik: {type: string, title: NIK}
  modal: {type: decimal, title: Modal}
states:
  a: {title: A, initial: true}
  b: {title: B, terminal: true}
actions:
  go: {title: Go, from: a, to: b, roles: [staff]}
)" + action;
}

TEST_CASE("workflow validation: action roles, fields, requires, four_eyes and reason") {
  CHECK(Has(WithAction("  x: {title: X, from: a, to: b, roles: []}\n"), "13:40",
            "roles of action \"x\" must list at least one role"));
  CHECK(Has(WithAction("  x: {title: X, from: a, to: b, roles: staff}\n"), "13:40",
            "roles of action \"x\" must be a list"));
  CHECK(Has(WithAction("  x: {title: X, from: a, to: b, roles: [Kadis]}\n"), "13:41",
            "role name \"Kadis\" must be lowercase"));
  CHECK(Has(WithAction("  x: {title: X, from: a, to: b, roles: [s], fields: [nik, alamat]}\n"),
            "13:59", "action \"x\" lists unknown field \"alamat\" in fields"));
  CHECK(Has(WithAction("  x: {title: X, from: a, to: b, roles: [s], fields: [nik], "
                       "requires: [npwp]}\n"),
            "13:71", "action \"x\" lists unknown field \"npwp\" in requires"));
  CHECK(Has(WithAction("  x: {title: X, from: a, to: b, roles: [s], fields: [nik], "
                       "requires: [nik, modal]}\n"),
            "13:76", "action \"x\" requires field \"modal\" but does not list it in fields"));
  CHECK(Has(WithAction("  x: {title: X, from: a, to: b, roles: [s], four_eyes: [go, periksa]}\n"),
            "13:61", "four_eyes of action \"x\" names unknown action \"periksa\""));
  CHECK(Has(WithAction("  x: {title: X, from: a, to: b, roles: [s], reason: wajib}\n"), "13:53",
            "reason of action \"x\" must be \"required\" or \"optional\""));
  CHECK(Has(WithAction("  x: {title: X, from: [a, a], to: b, roles: [s]}\n"), "13:27",
            "\"a\" is listed twice in from of action \"x\""));
  CHECK(
      Has(WithAction("  x: {from: a, to: b, roles: [s]}\n"), "13:3", "action \"x\" has no title"));
  // A reason on an action that does not reject is fine.
  CHECK(Count(WithAction("  x: {title: X, from: a, to: b, roles: [s], reason: required, "
                         "four_eyes: [go, x], fields: [nik], requires: [nik]}\n")) == 0);
  CHECK(Count(WithAction("  x: {title: X, from: a, to: b, roles: [s], reason: optional}\n")) == 0);
}

TEST_CASE("workflow validation: guards are parsed and their columns mapped into the file") {
  // Double-quoted: the guard starts at column 13, after the quote at 12.
  std::string quoted = WithAction(
      "  x:\n    title: X\n    from: a\n    to: b\n    roles: [s]\n"
      "    guard: \"modal > = 5\"\n");
  CHECK(Count(quoted) == 1);
  CHECK(Has(quoted, "18:21",
            "bad guard of action \"x\" at column 9 of the guard: use '==' to compare, not '='"));
  // Single-quoted and plain scalars map the same way.
  CHECK(Has(WithAction("  x: {title: X, from: a, to: b, roles: [s], guard: 'nik == \"1'}\n"),
            "13:60", "at column 8 of the guard: text is not closed"));
  CHECK(Has(WithAction("  x:\n    title: X\n    from: a\n    to: b\n    roles: [s]\n"
                       "    guard: modal >= 5 and\n"),
            "18:26", "at column 15 of the guard: expected a field name"));
  // A block scalar is not on one line as written: the scalar's own position.
  CHECK(Has(WithAction("  x:\n    title: X\n    from: a\n    to: b\n    roles: [s]\n"
                       "    guard: >-\n      modal >= 5 and\n      (nik == '1'\n"),
            "18:12", "at column 27 of the guard: expected ')'"));
  CHECK(Has(WithAction("  x: {title: X, from: a, to: b, roles: [s], guard: \"npwp != null\"}\n"),
            "13:52", "guard of action \"x\" uses unknown field \"npwp\""));
  CHECK(Count(WithAction("  x: {title: X, from: a, to: b, roles: [s], "
                         "guard: \"modal >= 10000000000 and nik != null\"}\n")) == 0);
}

TEST_CASE("workflow validation: calendar values") {
  auto with_calendar = [](const std::string& cal) {
    return std::string(kHead) + "calendar:\n" + cal + kTail;  // calendar lines start at 6
  };
  CHECK(Has(with_calendar("  utc_offset: \"7\"\n"), "6:15",
            "utc_offset \"7\" must look like \"+07:00\""));
  CHECK(Has(with_calendar("  utc_offset: \"+15:00\"\n"), "6:15", "utc_offset \"+15:00\""));
  CHECK(Has(with_calendar("  working_days: [mon, jumat]\n"), "6:23",
            "unknown day \"jumat\" in working_days"));
  CHECK(Has(with_calendar("  working_days: []\n"), "6:17", "working_days must list at least one"));
  CHECK(Has(with_calendar("  working_hours: \"16:00-08:00\"\n"), "6:18",
            "working_hours \"16:00-08:00\" must look like \"08:00-16:00\""));
  CHECK(Has(with_calendar("  working_hours: \"08:00\"\n"), "6:18", "working_hours \"08:00\""));
  CHECK(Has(with_calendar("  holidays: [2026-08-17, 2026-02-30]\n"), "6:26",
            "holiday \"2026-02-30\" is not a YYYY-MM-DD date"));
  CHECK(Has(std::string(kHead) + "calendar: WIB\n" + kTail, "5:11",
            "calendar must be a mapping of keys"));
  CHECK(Count(with_calendar("  utc_offset: \"-03:30\"\n  working_hours: \"00:00-24:00\"\n")) == 0);
}

TEST_CASE("workflow validation: every problem is reported in one pass") {
  std::string yaml = R"(workflow: uji
version: nol
agency: A
title: T
fields:
  umur: {type: integer, title: Umur, min: 5, max: 1}
states:
  a: {title: A, initial: true, sla: kemarin}
  b: {title: B, terminal: true}
actions:
  go: {title: Go, from: a, to: c, roles: [], guard: "umur >"}
  ok: {title: OK, from: a, to: b, roles: [staff]}
)";
  std::vector<std::string> found = Problems(yaml);
  REQUIRE(found.size() == 6);
  CHECK(found[0].starts_with("2:10: version"));
  CHECK(found[1].starts_with("6:51: max 1"));
  CHECK(found[2].starts_with("8:37: sla of state \"a\""));
  CHECK(found[3].starts_with("11:32: action \"go\" leads to unknown state \"c\""));
  CHECK(found[4].starts_with("11:42: roles of action \"go\" must list at least one role"));
  CHECK(found[5].starts_with("11:60: bad guard"));
}

}  // namespace
}  // namespace jejak::engine
