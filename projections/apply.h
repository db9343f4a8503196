// Internal: how each event type changes the projections. Called by the
// Projector in ledger order, inside one batch (view_state.h).
#pragma once

#include "events/event.h"
#include "projections/model.h"
#include "projections/store.h"
#include "projections/view_state.h"

namespace jejak::projections::apply {

// What the apply functions work on: anomalies go straight to the store,
// everything else through the batch's records.
struct Target {
  Store& store;
  ViewState& state;
};

void Submitted(Target& t, const WorkflowModel& m, const events::Event& e);
// An action or a withdrawal: the request moves from one state to another.
void Transition(Target& t, const WorkflowModel& m, const events::Event& e);
// One officer's approval of an action with a quorum: staff work and a step
// of the history; the request stays where it is.
void Approval(Target& t, const WorkflowModel& m, const events::Event& e);
void SlaBreached(Target& t, const WorkflowModel& m, const events::Event& e);
void SlaEscalated(Target& t, const WorkflowModel& m, const events::Event& e);
void SlaReminder(Target& t, const WorkflowModel& m, const events::Event& e);
void CommandRejected(Target& t, const WorkflowModel& m, const events::Event& e);

}  // namespace jejak::projections::apply
