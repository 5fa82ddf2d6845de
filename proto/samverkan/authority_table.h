// Who may publish which event (DESIGN §6, "Authority"), read once from the
// schema's published_by options so the table and the contract cannot drift.
// Beside the contract because both sides use it: the gateway refuses what a
// party may not publish, and an agency service refuses to send it at all.
#ifndef SAMVERKAN_PROTO_AUTHORITY_TABLE_H_
#define SAMVERKAN_PROTO_AUTHORITY_TABLE_H_

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "samverkan/v1/options.pb.h"

namespace samverkan {

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

}  // namespace samverkan

#endif  // SAMVERKAN_PROTO_AUTHORITY_TABLE_H_
