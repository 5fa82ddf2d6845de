// May this party decide this? The publisher role, then the authority table:
// only Försäkringskassan grants aktivitetsersättning, and so on.
#ifndef SAMVERKAN_GATEWAY_STAGES_AUTHORISE_STAGE_H_
#define SAMVERKAN_GATEWAY_STAGES_AUTHORISE_STAGE_H_

#include "gateway/stage.h"
#include "samverkan/authority_table.h"

namespace samverkan::gateway {

class AuthoriseStage final : public Stage {
 public:
  // `table` must outlive the stage.
  explicit AuthoriseStage(const AuthorityTable& table) : table_(table) {}

  std::string_view Name() const override { return "authorise"; }
  Verdict Process(Submission& submission, BatchContext& batch) override;

 private:
  const AuthorityTable& table_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_STAGES_AUTHORISE_STAGE_H_
