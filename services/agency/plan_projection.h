// The plans this agency takes part in, as its deliveries tell them: opened
// (parties, coordinator), closed (reason). A table in the service's SQLite
// file; applying the same delivery twice changes nothing, so a delivery
// handed out again after a crash is harmless.
#ifndef SAMVERKAN_SERVICES_AGENCY_PLAN_PROJECTION_H_
#define SAMVERKAN_SERVICES_AGENCY_PLAN_PROJECTION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "samverkan/v1/delivery.pb.h"
#include "services/agency/sqlite_db.h"

namespace samverkan::agency {

struct PlanRow {
  std::string plan_id;
  std::string participant_id;
  std::string coordinating_organisation;
  std::string parties;  // "kommun-orebro, forsakringskassan"
  bool open = true;
  std::string closed_reason;
  uint64_t opened_at_log_sequence = 0;
  uint64_t updated_at_log_sequence = 0;
};

class PlanProjection {
 public:
  // Creates the table in `db` if needed; `db` must outlive the projection.
  static StatusOr<std::unique_ptr<PlanProjection>> Open(SqliteDb& db);
  PlanProjection(const PlanProjection&) = delete;
  PlanProjection& operator=(const PlanProjection&) = delete;

  // Updates from plan_opened / plan_closed; anything else is ignored.
  Status Apply(const v1::Delivery& delivery);
  // Every plan known, open ones first, by plan id.
  StatusOr<std::vector<PlanRow>> List();

 private:
  explicit PlanProjection(SqliteDb& db) : db_(db) {}
  SqliteDb& db_;
};

// One readable line per plan, for --plans.
std::string DescribePlan(const PlanRow& plan);

}  // namespace samverkan::agency

#endif  // SAMVERKAN_SERVICES_AGENCY_PLAN_PROJECTION_H_
