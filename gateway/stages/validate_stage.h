// First stage: is this a well-formed envelope this gateway can handle? Size,
// parse, identifiers, schema version, exactly one payload, valid dates.
#ifndef SAMVERKAN_GATEWAY_STAGES_VALIDATE_STAGE_H_
#define SAMVERKAN_GATEWAY_STAGES_VALIDATE_STAGE_H_

#include "gateway/config.h"
#include "gateway/stage.h"

namespace samverkan::gateway {

class ValidateStage final : public Stage {
 public:
  // `config` must outlive the stage.
  explicit ValidateStage(const GatewayConfig& config) : config_(config) {}

  std::string_view Name() const override { return "validate"; }
  Verdict Process(Submission& submission, BatchContext& batch) override;

 private:
  const GatewayConfig& config_;
};

// Exposed for the agency services, which validate before sending.
bool IsUuid(std::string_view s);
// A pseudonym: 1-64 of [A-Za-z0-9._-], and never shaped like a personnummer.
bool IsPseudonym(std::string_view s);
bool LooksLikePersonnummer(std::string_view s);

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_STAGES_VALIDATE_STAGE_H_
