// NOT_AUTHORISED with a sentence naming who does decide.
#include "gateway/stages/authorise_stage.h"

namespace samverkan::gateway {

Verdict AuthoriseStage::Process(Submission& s, BatchContext&) {
  if (!s.peer->HasRole(v1::PUBLISHER)) {
    return Verdict::Reject(v1::NOT_AUTHORISED,
                           "the key of '" + s.peer->organisation +
                               "' does not have the PUBLISHER role");
  }
  if (!table_.Publishers(s.payload_type).count(s.peer->kind)) {
    return Verdict::Reject(v1::NOT_AUTHORISED,
                           v1::PartyKind_Name(s.peer->kind) +
                               " may not publish " + s.payload_type +
                               ": that is decided by " +
                               table_.DescribePublishers(s.payload_type));
  }
  return Verdict::Continue();
}

}  // namespace samverkan::gateway
