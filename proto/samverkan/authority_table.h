// Who may publish which event (DESIGN §6, "Authority"), read once from the
// schema's published_by options so the table and the contract cannot drift.
#ifndef SAMVERKAN_GATEWAY_STAGES_AUTHORITY_TABLE_H_
#define SAMVERKAN_GATEWAY_STAGES_AUTHORITY_TABLE_H_

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "samverkan/v1/options.pb.h"

namespace samverkan::gateway {

class AuthorityTable {
 public:
  // Built from samverkan.v1.Envelope's payload oneof.
  static const AuthorityTable& FromSchema();

  // Party kinds allowed to publish `payload_type` (a payload field name such
  // as "aktivitetsersattning_granted"); empty for gateway-only events.
  const std::set<v1::PartyKind>& Publishers(
      std::string_view payload_type) const;
  // "FORSAKRINGSKASSAN" or "ARBETSFORMEDLINGEN or MUNICIPALITY".
  std::string DescribePublishers(std::string_view payload_type) const;

 private:
  std::map<std::string, std::set<v1::PartyKind>, std::less<>> publishers_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_STAGES_AUTHORITY_TABLE_H_
