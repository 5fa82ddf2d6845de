// Reads the authority from the schema, never from a list of its own.
#include "services/agency/domain_check.h"

#include "samverkan/authority_table.h"
#include "samverkan/payload_type.h"

namespace samverkan::agency {

Status CheckDomain(const v1::Envelope& envelope, v1::PartyKind kind) {
  const std::string type = PayloadTypeName(envelope);
  if (type.empty()) {
    return InvalidArgumentError("the line carries no event (no payload set)");
  }
  if (envelope.participant_id().empty()) {
    return InvalidArgumentError("the line names no participant_id");
  }
  const AuthorityTable& table = AuthorityTable::FromSchema();
  if (!table.Publishers(type).count(kind)) {
    return InvalidArgumentError(
        v1::PartyKind_Name(kind) + " does not publish " + type +
        ": that is decided by " + table.DescribePublishers(type));
  }
  return OkStatus();
}

}  // namespace samverkan::agency
