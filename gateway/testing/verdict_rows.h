// Table-driven stage tests: one row per rule, each an event and the verdict
// (pass, or a code and a part of the sentence) the stage must give it.
#ifndef SAMVERKAN_GATEWAY_TESTING_VERDICT_ROWS_H_
#define SAMVERKAN_GATEWAY_TESTING_VERDICT_ROWS_H_

#include <gtest/gtest.h>

#include <vector>

#include "gateway/stage.h"

namespace samverkan::gateway::testing {

struct VerdictRow {
  const char* name;
  v1::Envelope event;
  v1::RejectionCode code;  // REJECTION_CODE_UNSPECIFIED: the event passes
  const char* sentence_part;
};

inline void ExpectVerdicts(Stage& stage, const std::vector<VerdictRow>& rows) {
  for (const VerdictRow& row : rows) {
    SCOPED_TRACE(row.name);
    Submission s;
    s.envelope = row.event;
    BatchContext batch;
    Verdict v = stage.Process(s, batch);
    if (row.code == v1::REJECTION_CODE_UNSPECIFIED) {
      EXPECT_EQ(v.kind(), Verdict::Kind::kContinue) << v.sentence();
      continue;
    }
    ASSERT_EQ(v.kind(), Verdict::Kind::kReject);
    EXPECT_EQ(v.code(), row.code);
    EXPECT_NE(v.sentence().find(row.sentence_part), std::string::npos)
        << v.sentence();
  }
}

}  // namespace samverkan::gateway::testing

#endif  // SAMVERKAN_GATEWAY_TESTING_VERDICT_ROWS_H_
