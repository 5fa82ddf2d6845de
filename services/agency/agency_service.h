// One agency service: its input (a followed file or stdin) through the
// ingestor into the outbox, the sender emptying the outbox to the gateway,
// and its two delivery streams into the case workers' file and the plan
// projection. Everything lives in one data folder (docs/agency-services.md).
#ifndef SAMVERKAN_SERVICES_AGENCY_AGENCY_SERVICE_H_
#define SAMVERKAN_SERVICES_AGENCY_AGENCY_SERVICE_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "common/status.h"
#include "samverkan/v1/options.pb.h"
#include "services/agency/caseworker_action.h"

namespace samverkan::agency {

struct ServiceOptions {
  std::string ready_file;  // the gateway's ready file
  std::string key_file;
  std::string organisation;
  v1::PartyKind kind = v1::PARTY_KIND_UNSPECIFIED;
  std::string data_dir;
  std::string input;  // a file to follow, "-" for stdin, "" for none
  // Return once the input is drained and every line has a final answer.
  bool once = false;
  bool inbox = true;       // follow the delivery streams
  std::string clock_file;  // stamps lines without occurred_at, if set
  std::chrono::milliseconds reply_timeout{3000};
  ActionFn actions;
};

// The files in the data folder.
struct DataFiles {
  explicit DataFiles(const std::string& dir);
  std::string database;    // agency.sqlite: outbox, input position, plans
  std::string replies;     // replies.jsonl: the gateway's answers
  std::string rejected;    // rejected.jsonl: lines never sent, with why
  std::string caseworker;  // caseworker.jsonl
  std::string events_inbox;
  std::string alerts_inbox;
};

// Runs until `stop` is set (or, with options.once, until done). Errors are
// local failures (files, the database); the gateway being away is not one.
Status RunAgencyService(const ServiceOptions& options,
                        const std::atomic<bool>& stop);

// The plans in `data_dir`'s projection, one readable line each.
StatusOr<std::string> DescribePlans(const std::string& data_dir);

}  // namespace samverkan::agency

#endif  // SAMVERKAN_SERVICES_AGENCY_AGENCY_SERVICE_H_
