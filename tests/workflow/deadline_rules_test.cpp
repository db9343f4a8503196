// Validation of what a state's deadline does (remind_before, on_deadline),
// with the exact 1-based line:column reported.
#include <doctest/doctest.h>

#include "tests/workflow/fixture.h"

namespace jejak::workflow {
namespace {

using namespace fixture;

// A workflow whose state "a" (line 8) gets the given keys from line 11 on;
// "go" leaves it for staff, "auto" for the system, "other" leaves "b".
std::string WithState(const std::string& keys) {
  return std::string(kHead) + R"(fields:
  nik: {type: string, title: NIK}
states:
  a:
    title: A
    initial: true
)" + keys +
         R"(  b: {title: B}
  c: {title: C, terminal: true}
actions:
  go: {title: Go, from: a, to: b, roles: [staff]}
  auto: {title: Auto, from: a, to: b, roles: [system]}
  other: {title: Other, from: b, to: c, roles: [system]}
)";
}

TEST_CASE("workflow validation: on_deadline and remind_before are checked where written") {
  CHECK(Count(WithState(
            "    sla: 2wd\n    remind_before: 1wd\n    on_deadline: {action: auto}\n")) == 0);
  CHECK(Count(WithState("    sla: 4h\n    on_deadline: {escalate_to: staff}\n")) == 0);
  CHECK(Has(WithState("    on_deadline: {action: auto}\n"), "11:5",
            "on_deadline of state \"a\" needs an sla"));
  CHECK(Has(WithState("    remind_before: 1wd\n"), "11:5",
            "remind_before of state \"a\" needs an sla"));
  CHECK(Has(WithState("    sla: 2wd\n    remind_before: 2wd\n"), "12:20",
            "remind_before of state \"a\" (2wd) is not shorter than its sla (2wd)"));
  CHECK(Has(WithState("    sla: 2wd\n    remind_before: soon\n"), "12:20",
            "remind_before of state \"a\""));
  CHECK(Has(WithState("    sla: 2wd\n    on_deadline: {action: nothing}\n"), "12:27",
            "on_deadline of state \"a\" names unknown action \"nothing\""));
  CHECK(Has(WithState("    sla: 2wd\n    on_deadline: {action: go}\n"), "12:27",
            "action \"go\" is not one the system may take: add system to its roles"));
  CHECK(Has(WithState("    sla: 2wd\n    on_deadline: {action: other}\n"), "12:27",
            "action \"other\" cannot be taken from \"a\""));
  CHECK(Has(WithState("    sla: 2wd\n    on_deadline: {escalate_to: kadis}\n"), "12:32",
            "escalates to \"kadis\", which no staff action leaving \"a\" allows"));
  CHECK(Has(WithState("    sla: 2wd\n    on_deadline: {escalate_to: applicant}\n"), "12:32",
            "escalates to \"applicant\""));
  CHECK(Has(WithState("    sla: 2wd\n    on_deadline: {action: auto, escalate_to: staff}\n"),
            "12:18", "gives both action and escalate_to"));
  CHECK(Has(WithState("    sla: 2wd\n    on_deadline: {}\n"), "12:18", "names nothing"));
  CHECK(Has(WithState("    sla: 2wd\n    on_deadline: {then: auto}\n"), "12:19", "then"));
}

TEST_CASE("workflow validation: a state's clock is restart or pause, where it means something") {
  CHECK(Count(WithState("    sla: 2wd\n    clock: pause\n")) == 0);
  CHECK(Count(WithState("    sla: 2wd\n    clock: restart\n")) == 0);
  CHECK(Has(WithState("    sla: 2wd\n    clock: stop\n"), "12:12",
            "clock of state \"a\" is \"stop\"; expected one of: restart, pause"));
  CHECK(Has(WithState("    clock: pause\n"), "11:5", "clock of state \"a\" needs an sla"));
  // Pausing where the applicant holds the request would never run the clock.
  std::string applicant_state = WithState("    sla: 2wd\n    clock: pause\n");
  applicant_state.replace(applicant_state.find("roles: [staff]"), 14, "roles: [applicant]");
  CHECK(Has(applicant_state, "12:12",
            "clock of state \"a\" pauses while the applicant has the request, but the "
            "applicant acts in \"a\" itself"));
  // The model handed to consumers says so only when it pauses.
  auto wf = ParseWorkflow(WithState("    sla: 2wd\n    clock: pause\n"), "t.yaml");
  CHECK(wf->FindState("a")->clock == StateSpec::Clock::kPause);
  CHECK(wf->FindState("b")->clock == StateSpec::Clock::kRestart);
}

TEST_CASE("workflow validation: deadline_at, a computed date, checked where written") {
  std::string dated = WithState(
      "    deadline_at: start_of_month(tanggal + 1 month)\n"
      "    on_deadline: {action: auto}\n");
  dated.replace(dated.find("  nik:"), 0, "  tanggal: {type: date, title: Tanggal}\n");
  CHECK(Count(dated) == 0);
  CHECK(Count(WithState("    deadline_at: today + 3 months\n    remind_before: 1wd\n")) == 0);
  CHECK(Has(WithState("    sla: 2wd\n    deadline_at: today\n"), "12:5",
            "state \"a\" has both sla and deadline_at: give one"));
  CHECK(Has(WithState("    deadline_at: today + 3\n"), "11:27", "bad deadline_at of state \"a\""));
  CHECK(Has(WithState("    deadline_at: lahir + 1 day\n"), "11:18",
            "deadline_at of state \"a\" uses unknown field \"lahir\""));
  CHECK(Has(WithState("    deadline_at: nik + 1 day\n"), "11:18",
            "uses field \"nik\" as a date, but it is of type string"));
  std::string personal = WithState("    deadline_at: lahir + 17 years\n");
  personal.replace(personal.find("  nik:"), 0, "  lahir: {type: date, title: Lahir, pii: true}\n");
  CHECK(Has(personal, "12:18", "deadline_at of state \"a\" reads personal field \"lahir\""));
  CHECK(Has(WithState("    deadline_at: today\n    clock: pause\n"), "12:5",
            "clock of state \"a\" needs an sla"));
}

}  // namespace
}  // namespace jejak::workflow
