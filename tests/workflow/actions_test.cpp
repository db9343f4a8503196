// Validation of actions and guards, and the whole-file report, each with the
// exact 1-based line:column reported.
#include <doctest/doctest.h>

#include "tests/workflow/fixture.h"

namespace jejak::workflow {
namespace {

using namespace fixture;

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

TEST_CASE("workflow validation: action roles and fields and requires and four_eyes and reason") {
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

TEST_CASE("workflow validation: a field used as a date in a guard must be a date field") {
  // Column 52 is where the guard's text begins (after its quote, 53).
  CHECK(Has(WithAction("  x: {title: X, from: a, to: b, roles: [s], guard: \"modal <= today\"}\n"),
            "13:53",
            "guard of action \"x\" uses field \"modal\" as a date, but it is of type "
            "decimal"));
  CHECK(Has(WithAction("  x:\n    title: X\n    from: a\n    to: b\n    roles: [s]\n"
                       "    guard: today - 3 months > nik + 1 day\n"),
            "18:31", "uses field \"nik\" as a date, but it is of type string"));
  std::string dated = WithAction(
      "  x: {title: X, from: a, to: b, roles: [s], guard: "
      "\"mulai <= today - 3 months\"}\n");
  dated.replace(dated.find("  modal:"), 0, "  mulai: {type: date, title: Mulai}\n");
  CHECK(Count(dated) == 0);
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
}  // namespace jejak::workflow
