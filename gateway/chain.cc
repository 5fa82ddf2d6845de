// validate → source → authorise → idempotency → consent → plan → transition
// rules; the pipeline appends, decides disclosures, runs the cross-system
// rules and acknowledges after the last stage.
#include "gateway/chain.h"

#include "gateway/stages/authorise_stage.h"
#include "gateway/stages/consent_stage.h"
#include "gateway/stages/idempotency_stage.h"
#include "gateway/stages/plan_stage.h"
#include "gateway/stages/source_stage.h"
#include "gateway/stages/transition_stage.h"
#include "gateway/stages/validate_stage.h"

namespace samverkan::gateway {

std::vector<std::unique_ptr<Stage>> BuildIngressChain(
    const GatewayConfig& config, LogStore* store, const ParticipantState* state,
    const TransitionEngine* engine) {
  std::vector<std::unique_ptr<Stage>> chain;
  chain.push_back(std::make_unique<ValidateStage>(config));
  chain.push_back(std::make_unique<SourceStage>());
  chain.push_back(
      std::make_unique<AuthoriseStage>(AuthorityTable::FromSchema()));
  chain.push_back(std::make_unique<IdempotencyStage>(store));
  chain.push_back(std::make_unique<ConsentStage>(state));
  chain.push_back(std::make_unique<PlanStage>(state));
  chain.push_back(std::make_unique<TransitionStage>(engine, state));
  return chain;
}

}  // namespace samverkan::gateway
