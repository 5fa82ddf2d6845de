// Helpers for the event log's tests: a scratch directory per test and
// well-formed records whose metadata matches their envelope.
#ifndef SAMVERKAN_GATEWAY_LOG_TEST_UTIL_H_
#define SAMVERKAN_GATEWAY_LOG_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/testing/temp_dir.h"
#include "gateway/log/log_store.h"
#include "samverkan/payload_type.h"
#include "samverkan/v1/envelope.pb.h"

namespace samverkan::gateway::testing {

using ::samverkan::testing::TempDir;

// Record number `n`: event_id "evt-<n>", one of a few participants.
inline NewRecord MakeRecord(int n, v1::RecordKind kind = v1::EVENT) {
  v1::Envelope e;
  e.set_event_id("evt-" + std::to_string(n));
  e.set_participant_id("p-" + std::to_string(1000 + n % 7));
  e.set_source_organisation(kind == v1::EVENT ? "kommun-a" : "gateway");
  e.mutable_occurred_at()->set_seconds(1795000000 + n);
  e.set_schema_version(1);
  if (kind == v1::EVENT) {
    auto* h = e.mutable_health_deteriorated();
    h->mutable_observed_on()->set_year(2026);
    h->mutable_observed_on()->set_month(11);
    h->mutable_observed_on()->set_day(1 + n % 28);
    h->set_work_capacity_affected(n % 2 == 0);
  } else {
    e.mutable_alert();
  }
  NewRecord r;
  r.kind = kind;
  r.event_id = e.event_id();
  r.participant_id = e.participant_id();
  r.source_organisation = e.source_organisation();
  r.payload_type = PayloadTypeName(e);
  r.body = e.SerializeAsString();
  return r;
}

// Records first .. first + count - 1.
inline Batch MakeBatch(int first, int count) {
  Batch b;
  for (int i = 0; i < count; ++i) b.records.push_back(MakeRecord(first + i));
  return b;
}

}  // namespace samverkan::gateway::testing

#endif  // SAMVERKAN_GATEWAY_LOG_TEST_UTIL_H_
