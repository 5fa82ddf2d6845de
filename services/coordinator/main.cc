// samverkan-coordinator: a coordinating organisation's alert stream into a
// JSON-lines file (resumed exactly after a restart), shown as readable lines
// on a terminal; --handovers prints the open handovers by deadline.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "common/stop_signal.h"
#include "common/transport/curve_keys.h"
#include "services/client/gateway_address.h"
#include "services/coordinator/coordinator.h"
#include "services/coordinator/handover_table.h"

int main(int argc, char** argv) {
  using namespace samverkan;
  CLI::App app{
      "Follow this organisation's alerts and handovers (plans it "
      "coordinates) into a JSON-lines file"};
  std::string gateway_file, key_file, out_path;
  bool until_idle = false, text = false, handovers = false, json = false;
  app.add_option("--gateway", gateway_file, "The gateway's ready file");
  app.add_option("--key", key_file, "This organisation's keypair file");
  app.add_option("--out", out_path,
                 "The alert file (JSON lines); it is also where a restart "
                 "resumes, so give each organisation its own")
      ->required();
  app.add_flag("--once,--until-idle", until_idle,
               "Exit once everything the gateway has is received");
  app.add_flag("--text", text,
               "Readable lines on stdout even when it is not a terminal");
  app.add_flag("--handovers", handovers,
               "Print the open handovers by deadline and exit (after "
               "catching up first when --gateway is given)");
  app.add_flag("--json", json, "With --handovers: JSON lines, not a table");
  CLI11_PARSE(app, argc, argv);

  if (!handovers && (gateway_file.empty() || key_file.empty())) {
    std::cerr << "give --gateway and --key (or --handovers to read --out)\n";
    return 2;
  }
  if (handovers && gateway_file.empty()) {
    // Read only: another coordinator may be appending to the file.
    coordinator::HandoverBook book;
    Status s = coordinator::ReadAlertFile(
        out_path, [&](const v1::Delivery& d) { book.Apply(d); });
    if (!s.ok()) {
      std::cerr << s.message() << "\n";
      return 2;
    }
    std::cout << coordinator::FormatHandovers(book.Open(), json);
    return 0;
  }

  const Status ready = client::CheckReadyFileAtStart(gateway_file, std::cerr);
  auto keypair = transport::LoadKeypairFile(key_file);
  auto opened = coordinator::Coordinator::Open(out_path);
  for (const Status* s : {&ready, &keypair.status(), &opened.status()}) {
    if (!s->ok()) {
      std::cerr << s->message() << "\n";
      return 2;
    }
  }
  coordinator::Coordinator& coordinator = **opened;
  transport::TransportContext context;
  // The ready file was checked above only to fail fast on a wrong one; the
  // subscription reads it whenever it (re)connects, and waits for it.
  client::Subscription deliveries(context, gateway_file, *keypair,
                                  coordinator.last(),
                                  v1::DELIVERY_STREAM_ALERTS);
  const std::atomic<bool>& stop = StopOnSignals();
  coordinator::FollowOptions options;
  options.until_idle = until_idle || handovers;
  if (!handovers && (text || isatty(STDOUT_FILENO))) {
    options.text = &std::cout;
    // A status, not an alert: stdout carries only the alerts themselves.
    std::cerr << "resuming after alert #" << coordinator.last() << ", "
              << coordinator.handovers().size() << " handover(s) open"
              << std::endl;
  }
  if (Status s = coordinator::Follow(deliveries, coordinator, options, stop);
      !s.ok()) {
    std::cerr << s.message() << "\n";
    return s.code() == StatusCode::kDeadlineExceeded ? 3 : 1;
  }
  if (handovers) {
    std::cout << coordinator::FormatHandovers(coordinator.handovers().Open(),
                                              json);
  }
  return 0;
}
