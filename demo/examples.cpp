#include "demo/examples.h"

namespace jejak::demo {
namespace {

constexpr ExampleWorkflow kExamples[] = {
#include "example_workflows.inc"
};

}  // namespace

std::span<const ExampleWorkflow> ExampleWorkflows() { return kExamples; }

}  // namespace jejak::demo
