// Upserts keyed by plan id; a plan re-opened after closing is open again.
#include "services/agency/plan_projection.h"

namespace samverkan::agency {
namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS plans(
  plan_id TEXT PRIMARY KEY,
  participant_id TEXT NOT NULL,
  coordinating_organisation TEXT NOT NULL,
  parties TEXT NOT NULL,
  open INTEGER NOT NULL,
  closed_reason TEXT NOT NULL DEFAULT '',
  opened_at_log_sequence INTEGER NOT NULL,
  updated_at_log_sequence INTEGER NOT NULL
) STRICT;
)sql";

}  // namespace

StatusOr<std::unique_ptr<PlanProjection>> PlanProjection::Open(SqliteDb& db) {
  if (Status s = db.Exec(kSchema); !s.ok()) return s;
  return std::unique_ptr<PlanProjection>(new PlanProjection(db));
}

Status PlanProjection::Apply(const v1::Delivery& delivery) {
  const v1::Envelope& e = delivery.envelope();
  const auto sequence = static_cast<int64_t>(delivery.log_sequence());
  if (e.payload_case() == v1::Envelope::kPlanOpened &&
      !e.plan_opened().plan_id().empty()) {
    const v1::PlanOpened& p = e.plan_opened();
    std::string parties;
    for (const v1::PlanParty& party : p.parties()) {
      if (!parties.empty()) parties += ", ";
      parties += party.organisation();
    }
    auto st = db_.Prepare(
        "INSERT INTO plans(plan_id, participant_id, coordinating_organisation,"
        " parties, open, opened_at_log_sequence, updated_at_log_sequence) "
        "VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5) ON CONFLICT(plan_id) DO UPDATE "
        "SET participant_id = excluded.participant_id, "
        "coordinating_organisation = excluded.coordinating_organisation, "
        "parties = excluded.parties, open = 1, closed_reason = '', "
        "updated_at_log_sequence = excluded.updated_at_log_sequence");
    if (!st.ok()) return st.status();
    st->Bind(1, p.plan_id())
        .Bind(2, e.participant_id())
        .Bind(3, p.coordinating_organisation())
        .Bind(4, parties)
        .Bind(5, sequence);
    return st->Run();
  }
  if (e.payload_case() == v1::Envelope::kPlanClosed) {
    auto st = db_.Prepare(
        "UPDATE plans SET open = 0, closed_reason = ?2, "
        "updated_at_log_sequence = ?3 WHERE plan_id = ?1");
    if (!st.ok()) return st.status();
    st->Bind(1, e.plan_closed().plan_id())
        .Bind(2, e.plan_closed().reason())
        .Bind(3, sequence);
    return st->Run();
  }
  return OkStatus();
}

StatusOr<std::vector<PlanRow>> PlanProjection::List() {
  auto st = db_.Prepare(
      "SELECT plan_id, participant_id, coordinating_organisation, parties, "
      "open, closed_reason, opened_at_log_sequence, updated_at_log_sequence "
      "FROM plans ORDER BY open DESC, plan_id");
  if (!st.ok()) return st.status();
  std::vector<PlanRow> rows;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) return rows;
    rows.push_back({st->Text(0), st->Text(1), st->Text(2), st->Text(3),
                    st->Int(4) != 0, st->Text(5),
                    static_cast<uint64_t>(st->Int(6)),
                    static_cast<uint64_t>(st->Int(7))});
  }
}

std::string DescribePlan(const PlanRow& plan) {
  return plan.plan_id + "  " + plan.participant_id + "  " +
         (plan.open ? "open" : "closed (" + plan.closed_reason + ")") +
         "  coordinator " + plan.coordinating_organisation + "  parties " +
         plan.parties + "  (log #" +
         std::to_string(plan.opened_at_log_sequence) + ")";
}

}  // namespace samverkan::agency
