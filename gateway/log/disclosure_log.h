// The disclosure decisions of the log (DESIGN §5) and the delivery runs over
// them: numbering each recipient's deliveries without holes, recording the
// decisions inside the append transaction, and reading them back by
// recipient (deliveries) or by participant (the disclosure report). The
// tables and the id layout are in log_format.md.
#ifndef SAMVERKAN_GATEWAY_LOG_DISCLOSURE_LOG_H_
#define SAMVERKAN_GATEWAY_LOG_DISCLOSURE_LOG_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "gateway/log/log_store.h"
#include "gateway/log/sqlite_statement.h"

struct sqlite3;
struct sqlite3_stmt;

namespace samverkan::gateway {

// Not thread-safe: the store that owns it serialises the calls.
class DisclosureLog {
 public:
  // `db` is the store's connection; not owned, it must outlive this object.
  // Only a writer records decisions and remembers recipients' heads: a
  // reader cannot know when the writer commits, so it asks the file each
  // time.
  DisclosureLog(sqlite3* db, bool writer);
  DisclosureLog(const DisclosureLog&) = delete;
  DisclosureLog& operator=(const DisclosureLog&) = delete;
  ~DisclosureLog();

  Status Prepare();

  // Inside the open append transaction: numbers and inserts the batch's
  // decisions, `first` being the sequence of its first record, and the
  // delivery runs they make. (*recipient_sequences)[i], when given, is
  // decision i's number for its recipient, 0 when withheld.
  // InvalidArgument for a decision naming a record outside the batch or
  // one record with more decisions than log_schema::kSlotsPerRecord.
  Status Stage(const Batch& batch, uint64_t first,
               std::vector<uint64_t>* recipient_sequences);
  // After COMMIT the staged numbers are the recipients' heads.
  void Commit();
  // After any failure: whether a failed COMMIT reached the disk is unknown,
  // so every head is read from the file again.
  void Discard();

  // The last number given to `recipient`, 0 before its first delivery.
  StatusOr<uint64_t> RecipientHead(std::string_view recipient);
  // Replace *out: `recipient`'s deliveries numbered after `after`, in order;
  // the decisions about `participant`'s records with ids after `after_id`.
  Status ReadDeliveries(std::string_view recipient, uint64_t after,
                        size_t limit, std::vector<StoredDisclosure>* out);
  Status ReadDisclosures(std::string_view participant, uint64_t after_id,
                         size_t limit, std::vector<StoredDisclosure>* out);

 private:
  // Consecutive deliveries to one recipient within one batch and one block
  // of records; log_format.md.
  struct DeliveryRun {
    uint64_t first_sequence = 0;
    uint64_t last_sequence = 0;
    uint64_t first_id = 0;
    uint64_t last_id = 0;
  };
  using Heads = std::map<std::string, uint64_t, std::less<>>;

  Status InsertDeliveryRun(std::string_view recipient, const DeliveryRun& run);
  Status ReadRows(sqlite3_stmt* stmt, std::vector<StoredDisclosure>* out);

  sqlite3* const db_;
  const bool writer_;
  sqlite::Statement insert_;
  // sqlite::kRowsPerStep decisions a step (row_inserter.h).
  sqlite::Statement insert_rows_;
  sqlite::Statement insert_run_;
  sqlite::Statement read_deliveries_;
  sqlite::Statement read_disclosures_;
  sqlite::Statement read_head_;
  // Each recipient's last number as committed, loaded on first use.
  Heads heads_;
  // The numbers the open transaction gave; heads_ once it commits.
  Heads staged_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_LOG_DISCLOSURE_LOG_H_
