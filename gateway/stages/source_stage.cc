// SOURCE_MISMATCH check between the envelope and the authenticated key.
#include "gateway/stages/source_stage.h"

namespace samverkan::gateway {

Verdict SourceStage::Process(Submission& s, BatchContext&) {
  if (s.envelope.source_organisation() != s.peer->organisation) {
    return Verdict::Reject(v1::SOURCE_MISMATCH,
                           "the envelope claims source_organisation '" +
                               s.envelope.source_organisation() +
                               "' but this connection is authenticated as '" +
                               s.peer->organisation + "'");
  }
  return Verdict::Continue();
}

}  // namespace samverkan::gateway
