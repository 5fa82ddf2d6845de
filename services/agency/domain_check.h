// An agency's own domain: it sends only what its kind of party may publish
// (the contract's published_by, the same table the gateway enforces), about
// a participant, so a line the gateway would refuse as NOT_AUTHORISED is
// caught and kept locally with a reason instead of being sent.
#ifndef SAMVERKAN_SERVICES_AGENCY_DOMAIN_CHECK_H_
#define SAMVERKAN_SERVICES_AGENCY_DOMAIN_CHECK_H_

#include "common/status.h"
#include "samverkan/v1/envelope.pb.h"
#include "samverkan/v1/options.pb.h"

namespace samverkan::agency {

// InvalidArgument with a sentence naming who does decide, e.g.
// "MUNICIPALITY does not publish sjukpenning_granted: that is decided by
// FORSAKRINGSKASSAN".
Status CheckDomain(const v1::Envelope& envelope, v1::PartyKind kind);

}  // namespace samverkan::agency

#endif  // SAMVERKAN_SERVICES_AGENCY_DOMAIN_CHECK_H_
