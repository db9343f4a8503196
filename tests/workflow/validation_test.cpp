// Every validation rule of the workflow loader, each with the exact 1-based
// line:column it reports.
#include <doctest/doctest.h>

#include "tests/workflow/fixture.h"

namespace jejak::workflow {
namespace {

using namespace fixture;

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

// Found by fuzz/workflow_fuzz.cpp: a byte that is not UTF-8 passed
// validation, then broke the deployment's JSON model with an exception.
TEST_CASE("workflow validation: text that is not UTF-8 is reported at its line") {
  std::string yaml = std::string(kHead) + kTail;
  size_t line3 = yaml.find('\n', yaml.find('\n') + 1) + 1;
  yaml.insert(line3 + 3, "\xed");
  CHECK(Count(yaml) == 1);
  CHECK(Has(yaml, "3:1", "the text is not valid UTF-8"));
  CHECK(Has("a: \xc3\xa9\nb: \xc3\n", "2:1", "not valid UTF-8"));
}

// Found by fuzz_workflow: a NUL inside a scalar passed validation (yaml-cpp
// turned it into bytes that are not UTF-8), then `jejak workflow deploy`
// aborted on the deployment's JSON model.
TEST_CASE("workflow validation: a control character is reported where it stands") {
  std::string yaml = std::string(kHead) + kTail;
  size_t line2 = yaml.find('\n') + 1;
  yaml.insert(line2 + 3, std::string(1, '\0'));
  CHECK(Count(yaml) == 1);
  CHECK(Has(yaml, "2:4", "the control character U+0000"));
  CHECK(Has("a: b\x7f\n", "1:5", "U+007F"));
  CHECK(Count("a: b\tc\r\n") == Count("a: bc\n"));  // tab and CR stay allowed
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

TEST_CASE("workflow validation: field types and patterns and bounds and enums") {
  auto with_field = [](const std::string& field) {
    return std::string(kHead) + "fields:\n" + field + kTail;  // field starts on line 6
  };
  CHECK(Has(with_field("  foto: {type: image, title: Foto}\n"), "6:16",
            "unknown type \"image\" of field \"foto\"; expected one of: string, integer"));
  CHECK(Has(with_field("  foto: {title: Foto}\n"), "6:3", "field \"foto\" has no type"));
  CHECK(Has(with_field("  nik: {type: string}\n"), "6:3", "field \"nik\" has no title"));
  CHECK(Has(with_field("  nik: {type: string, title: NIK, pattern: \"[0-9\"}\n"), "6:44",
            "bad pattern of field \"nik\""));
  // RE2 has no lookaround or backreferences, which could not run in linear time.
  CHECK(Has(with_field("  nik: {type: string, title: NIK, pattern: \"(?=1)[0-9]+\"}\n"), "6:44",
            "bad pattern of field \"nik\""));
  CHECK(Has(with_field("  nik: {type: string, title: NIK, pattern: \"(a)\\\\1\"}\n"), "6:44",
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
  CHECK(Has(with_field("  reason: {type: string, title: Alasan}\n"), "6:3",
            "\"reason\" is reserved: the engine writes it in events"));
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

}  // namespace
}  // namespace jejak::workflow
