// CLI11 options → ServiceOptions; signals → the stop flag.
#include "services/agency/agency_main.h"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <iostream>

#include "common/stop_signal.h"
#include "services/agency/agency_service.h"

namespace samverkan::agency {
int AgencyMain(int argc, char** argv, const AgencyProfile& profile) {
  CLI::App app{profile.description};
  ServiceOptions options;
  options.kind = profile.kind;
  options.organisation = profile.organisation;
  options.actions = profile.actions;
  bool plans = false;
  bool no_inbox = false;
  int reply_timeout_ms = 3000;
  app.add_option("--gateway", options.ready_file, "The gateway's ready file");
  app.add_option("--key", options.key_file, "This agency's keypair file");
  app.add_option("--organisation", options.organisation,
                 "This agency's organisation id (as in the registry)")
      ->capture_default_str();
  app.add_option("--data", options.data_dir,
                 "Folder for the outbox database, replies, rejected lines, "
                 "inboxes and the case workers' file")
      ->required();
  app.add_option("--input", options.input,
                 "JSON lines to send: a file to follow, or - for stdin");
  app.add_flag("--once", options.once,
               "Exit once the input is drained and every line is answered");
  app.add_flag("--no-inbox", no_inbox, "Do not follow the delivery streams");
  app.add_option("--clock-file", options.clock_file,
                 "Stamp lines without occurred_at from this clock file");
  app.add_option("--reply-timeout-ms", reply_timeout_ms,
                 "How long to wait for the gateway's answers before resending")
      ->capture_default_str();
  app.add_flag("--plans", plans,
               "Print the plans this agency takes part in, and exit");
  CLI11_PARSE(app, argc, argv);

  if (plans) {
    auto text = DescribePlans(options.data_dir);
    if (!text.ok()) {
      std::cerr << text.status().message() << "\n";
      return 1;
    }
    std::cout << *text;
    return 0;
  }
  if (options.ready_file.empty() || options.key_file.empty()) {
    std::cerr << "--gateway and --key are required\n";
    return 2;
  }
  options.inbox = !no_inbox;
  options.reply_timeout = std::chrono::milliseconds(reply_timeout_ms);
  const std::atomic<bool>& stop = StopOnSignals();
  spdlog::info("{} ({}) starting, data in {}", options.organisation,
               v1::PartyKind_Name(options.kind), options.data_dir);
  Status s = RunAgencyService(options, stop);
  if (!s.ok()) {
    spdlog::error("{}", s.message());
    return 1;
  }
  spdlog::info("{} stopped", options.organisation);
  return 0;
}

}  // namespace samverkan::agency
