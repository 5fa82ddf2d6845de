// The operator CLI's commands as functions over a QueryClient and an output
// stream, so they are tested without a terminal.
#ifndef SAMVERKAN_SERVICES_OPERATOR_OPERATOR_COMMANDS_H_
#define SAMVERKAN_SERVICES_OPERATOR_OPERATOR_COMMANDS_H_

#include <atomic>
#include <cstdint>
#include <ostream>
#include <string>

#include "services/client/query_client.h"

namespace samverkan::operator_cli {

struct OutputOptions {
  bool json = false;
  // Progress bar for long operations, written to `progress` when set.
  std::ostream* progress = nullptr;
};

// Prints record metadata from `from_sequence`; with `follow`, keeps polling
// for new records until `stop` is set. Returns the process exit code.
int Tail(client::QueryClient& client, uint64_t from_sequence, bool follow,
         const std::atomic<bool>& stop, const OutputOptions& options,
         std::ostream& out);

int Stats(client::QueryClient& client, const OutputOptions& options,
          std::ostream& out);

// Walks the whole chain in slices. Exit code 0 if intact, 1 if broken (the
// first bad sequence is printed), 2 if the gateway could not be asked.
int Verify(client::QueryClient& client, const OutputOptions& options,
           std::ostream& out);

// Prints every disclosure decision about a participant, oldest first: who
// received which event type with which categories, when, under which consent,
// and what was withheld.
int DisclosureReport(client::QueryClient& client,
                     const std::string& participant,
                     const OutputOptions& options, std::ostream& out);

// Prints the metadata (sequence, time, kind, source, payload type) of every
// record about a participant, the gateway's own included, oldest first.
int Timeline(client::QueryClient& client, const std::string& participant,
             const OutputOptions& options, std::ostream& out);

// Prints the open handovers across participants (only escalated ones with
// `escalated_only`), earliest deadline first, from the gateway's ledgers.
int Handovers(client::QueryClient& client, bool escalated_only,
              const OutputOptions& options, std::ostream& out);

}  // namespace samverkan::operator_cli

#endif  // SAMVERKAN_SERVICES_OPERATOR_OPERATOR_COMMANDS_H_
