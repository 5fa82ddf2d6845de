// The case workers' file: one JSON line per delivery on either stream, with
// what the agency has to do about it ("action") or "for information". It
// knows the last sequence it holds per stream, so a delivery handed to it
// again after a crash (the stream's cursor is moved only after this file
// has the line) is written once, not twice.
#ifndef SAMVERKAN_SERVICES_AGENCY_CASEWORKER_FILE_H_
#define SAMVERKAN_SERVICES_AGENCY_CASEWORKER_FILE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "common/status.h"
#include "samverkan/v1/delivery.pb.h"
#include "services/agency/caseworker_action.h"
#include "services/agency/json_lines_file.h"

namespace samverkan::agency {

inline constexpr char kForInformation[] = "for information";

class CaseworkerFile {
 public:
  // Opens (creating) `path` and reads the last sequence of each stream.
  static StatusOr<std::unique_ptr<CaseworkerFile>> Open(
      const std::string& path);
  CaseworkerFile(const CaseworkerFile&) = delete;
  CaseworkerFile& operator=(const CaseworkerFile&) = delete;

  // Appends and syncs the line for `delivery` unless this file already has
  // its sequence on `stream`. `action` is the sentence ("" = for
  // information).
  Status Append(v1::DeliveryStream stream, const v1::Delivery& delivery,
                const std::string& action);
  uint64_t last(v1::DeliveryStream stream) const;

 private:
  CaseworkerFile(std::unique_ptr<JsonLinesFile> file,
                 std::map<v1::DeliveryStream, uint64_t> last)
      : file_(std::move(file)), last_(std::move(last)) {}
  std::unique_ptr<JsonLinesFile> file_;
  std::map<v1::DeliveryStream, uint64_t> last_;
};

// The handover a delivery is about (opened, escalated, closed, or an alert
// raised with it), or "": the "handover_id" field of a line. A to-do with an
// id is settled by a later "handover_closed" line with the same id.
std::string HandoverIdOf(const v1::Envelope& e);

// "events" or "alerts": the "stream" field of a line.
std::string StreamName(v1::DeliveryStream stream);

// One line (no newline), e.g. {"stream":"alerts","recipient_sequence":4,
// "log_sequence":17,"participant_id":"p-anna","event":"handover_opened",
// "from":"samverkan-gateway","handover_id":"ho-…","to_do":true,
// "action":"A vilande decision ...","summary":"#4 p-anna handover ..."}.
std::string CaseworkerLine(v1::DeliveryStream stream,
                           const v1::Delivery& delivery,
                           const std::string& action);

}  // namespace samverkan::agency

#endif  // SAMVERKAN_SERVICES_AGENCY_CASEWORKER_FILE_H_
