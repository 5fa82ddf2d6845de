// Identity comes from the CURVE key, never from the message: an envelope that
// claims another organisation than the authenticated one is refused.
#ifndef SAMVERKAN_GATEWAY_STAGES_SOURCE_STAGE_H_
#define SAMVERKAN_GATEWAY_STAGES_SOURCE_STAGE_H_

#include "gateway/stage.h"

namespace samverkan::gateway {

class SourceStage final : public Stage {
 public:
  std::string_view Name() const override { return "source"; }
  Verdict Process(Submission& submission, BatchContext& batch) override;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_STAGES_SOURCE_STAGE_H_
