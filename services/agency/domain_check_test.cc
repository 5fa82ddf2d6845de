// The agency's domain is the contract's published_by, per party kind.
#include "services/agency/domain_check.h"

#include <gtest/gtest.h>

namespace samverkan::agency {
namespace {

v1::Envelope About(const std::string& participant) {
  v1::Envelope e;
  e.set_participant_id(participant);
  return e;
}

TEST(DomainCheckTest, EachKindSendsWhatItDecides) {
  v1::Envelope ips = About("p-1");
  ips.mutable_ips_enrolled();
  EXPECT_TRUE(CheckDomain(ips, v1::MUNICIPALITY).ok());
  v1::Envelope sjukpenning = About("p-1");
  sjukpenning.mutable_sjukpenning_granted();
  EXPECT_TRUE(CheckDomain(sjukpenning, v1::FORSAKRINGSKASSAN).ok());
  v1::Envelope action = About("p-1");
  action.mutable_plan_action_added();
  for (v1::PartyKind kind : {v1::MUNICIPALITY, v1::REGION_PSYCHIATRY,
                             v1::ARBETSFORMEDLINGEN, v1::FORSAKRINGSKASSAN}) {
    EXPECT_TRUE(CheckDomain(action, kind).ok()) << v1::PartyKind_Name(kind);
  }
}

TEST(DomainCheckTest, AnotherPartysDecisionNamesWhoDecides) {
  v1::Envelope e = About("p-1");
  e.mutable_sjukpenning_granted();
  Status s = CheckDomain(e, v1::MUNICIPALITY);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "MUNICIPALITY does not publish sjukpenning_granted: that is "
            "decided by FORSAKRINGSKASSAN");
}

TEST(DomainCheckTest, GatewayRecordsAndEmptyLinesAreRefused) {
  v1::Envelope alert = About("p-1");
  alert.mutable_alert();
  EXPECT_NE(CheckDomain(alert, v1::MUNICIPALITY)
                .message()
                .find("only the gateway itself"),
            std::string::npos);
  EXPECT_FALSE(CheckDomain(About("p-1"), v1::MUNICIPALITY).ok());
  v1::Envelope nobody;
  nobody.mutable_ips_enrolled();
  EXPECT_FALSE(CheckDomain(nobody, v1::MUNICIPALITY).ok());
}

}  // namespace
}  // namespace samverkan::agency
