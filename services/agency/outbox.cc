// Tables and states in docs/agency-services.md: pending → accepted | rejected.
#include "services/agency/outbox.h"

namespace samverkan::agency {
namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS outbox(
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  line_number INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  envelope BLOB NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'accepted', 'rejected')),
  code TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL DEFAULT '',
  log_sequence INTEGER NOT NULL DEFAULT 0,
  done_at_us INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(id)
  WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS outbox_by_event ON outbox(event_id);
CREATE TABLE IF NOT EXISTS input_position(
  source TEXT PRIMARY KEY,
  byte_offset INTEGER NOT NULL,
  line_number INTEGER NOT NULL
) STRICT;
)sql";

}  // namespace

StatusOr<std::unique_ptr<Outbox>> Outbox::Open(SqliteDb& db) {
  if (Status s = db.Exec(kSchema); !s.ok()) return s;
  return std::unique_ptr<Outbox>(new Outbox(db));
}

Status Outbox::Add(const std::string& source,
                   const std::vector<OutboxLine>& lines,
                   const InputPosition& through) {
  Transaction tx(db_);
  if (!tx.begun().ok()) return tx.begun();
  auto insert = db_.Prepare(
      "INSERT INTO outbox(source, line_number, event_id, envelope) "
      "VALUES (?1, ?2, ?3, ?4)");
  if (!insert.ok()) return insert.status();
  for (const OutboxLine& line : lines) {
    auto& st = *insert;
    st.Bind(1, source)
        .Bind(2, static_cast<int64_t>(line.line_number))
        .Bind(3, line.event_id)
        .BindBlob(4, line.envelope_bytes);
    if (Status s = st.Run(); !s.ok()) return s;
    st.Reset();
  }
  auto position = db_.Prepare(
      "INSERT INTO input_position(source, byte_offset, line_number) "
      "VALUES (?1, ?2, ?3) ON CONFLICT(source) DO UPDATE SET "
      "byte_offset = excluded.byte_offset, line_number = "
      "excluded.line_number");
  if (!position.ok()) return position.status();
  position->Bind(1, source)
      .Bind(2, static_cast<int64_t>(through.byte_offset))
      .Bind(3, static_cast<int64_t>(through.line_number));
  if (Status s = position->Run(); !s.ok()) return s;
  return tx.Commit();
}

StatusOr<InputPosition> Outbox::Position(const std::string& source) {
  auto st = db_.Prepare(
      "SELECT byte_offset, line_number FROM input_position WHERE source = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, source);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return InputPosition{};
  return InputPosition{static_cast<uint64_t>(st->Int(0)),
                       static_cast<uint64_t>(st->Int(1))};
}

StatusOr<std::vector<PendingEntry>> Outbox::Pending(size_t limit) {
  auto st = db_.Prepare(
      "SELECT id, source, line_number, event_id, envelope FROM outbox "
      "WHERE state = 'pending' ORDER BY id LIMIT ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, static_cast<int64_t>(limit));
  std::vector<PendingEntry> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back({st->Int(0), st->Text(1), static_cast<uint64_t>(st->Int(2)),
                   st->Text(3), st->Text(4)});
  }
  return out;
}

StatusOr<uint64_t> Outbox::PendingCount() {
  auto st = db_.Prepare("SELECT count(*) FROM outbox WHERE state = 'pending'");
  if (!st.ok()) return st.status();
  auto row = st->Step();
  if (!row.ok()) return row.status();
  return static_cast<uint64_t>(st->Int(0));
}

Status Outbox::Finish(const std::vector<FinalAnswer>& answers, int64_t now_us) {
  Transaction tx(db_);
  if (!tx.begun().ok()) return tx.begun();
  auto st = db_.Prepare(
      "UPDATE outbox SET state = ?2, code = ?3, message = ?4, "
      "log_sequence = ?5, done_at_us = ?6 WHERE id = ?1");
  if (!st.ok()) return st.status();
  for (const FinalAnswer& answer : answers) {
    const v1::SubmitReply& reply = answer.reply;
    const bool accepted = reply.outcome() == v1::ACCEPTED;
    st->Bind(1, answer.id)
        .Bind(2, accepted ? "accepted" : "rejected")
        .Bind(3,
              accepted ? std::string() : v1::RejectionCode_Name(reply.code()))
        .Bind(4, reply.message())
        .Bind(5, static_cast<int64_t>(reply.sequence()))
        .Bind(6, now_us);
    if (Status s = st->Run(); !s.ok()) return s;
    st->Reset();
  }
  return tx.Commit();
}

}  // namespace samverkan::agency
