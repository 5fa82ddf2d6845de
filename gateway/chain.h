// The ingress chain, in order. The order is the contract: validate before
// anything reads fields, authenticate the source before authorising, dedupe
// before consent so a resubmission after a withdrawal still gets its original
// ACCEPTED.
#ifndef SAMVERKAN_GATEWAY_CHAIN_H_
#define SAMVERKAN_GATEWAY_CHAIN_H_

#include <memory>
#include <vector>

#include "gateway/config.h"
#include "gateway/log/log_store.h"
#include "gateway/participant_state.h"
#include "gateway/rules/transition_engine.h"
#include "gateway/stage.h"

namespace samverkan::gateway {

// `config`, `store`, `state` and `engine` must outlive the returned stages.
std::vector<std::unique_ptr<Stage>> BuildIngressChain(
    const GatewayConfig& config, LogStore* store, const ParticipantState* state,
    const TransitionEngine* engine);

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_CHAIN_H_
