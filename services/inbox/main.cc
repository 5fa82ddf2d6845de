// samverkan-inbox: receives one of a party's delivery streams (its event
// deliveries, or with --alerts its alert stream) into a JSON-lines file and
// resumes after a restart exactly where the file ends; with --print it also
// shows each delivery as a readable line on stdout as it arrives.
#include <CLI/CLI.hpp>
#include <iostream>

#include "common/stop_signal.h"
#include "common/transport/curve_keys.h"
#include "services/client/gateway_address.h"
#include "services/client/subscription.h"
#include "services/inbox/delivery_text.h"
#include "services/inbox/inbox_file.h"

int main(int argc, char** argv) {
  using namespace samverkan;
  CLI::App app{"Receive this party's deliveries into a JSON-lines inbox"};
  std::string gateway_file, key_file, out_path;
  bool alerts = false;
  bool print = false;
  app.add_option("--gateway", gateway_file, "The gateway's ready file")
      ->required();
  app.add_option("--key", key_file, "This party's keypair file")->required();
  app.add_option("--out", out_path, "The inbox file (JSON lines)")->required();
  // The file is its own cursor and the two streams are numbered separately,
  // so sharing one file between them would skip or repeat deliveries.
  app.add_flag("--alerts", alerts,
               "Follow this party's alert stream (alerts and handovers of "
               "plans it coordinates) instead of its event deliveries; give "
               "it an --out file of its own");
  app.add_flag("--print", print,
               "Also write each delivery as a readable line to stdout");
  CLI11_PARSE(app, argc, argv);

  const Status ready = client::CheckReadyFileAtStart(gateway_file, std::cerr);
  auto keypair = transport::LoadKeypairFile(key_file);
  auto inbox = inbox::InboxFile::Open(out_path);
  for (const Status* s : {&ready, &keypair.status(), &inbox.status()}) {
    if (!s->ok()) {
      std::cerr << s->message() << "\n";
      return 2;
    }
  }
  transport::TransportContext context;
  // The ready file was checked above only to fail fast on a wrong one; the
  // subscription reads it whenever it (re)connects, and waits for it.
  client::Subscription deliveries(
      context, gateway_file, *keypair, (*inbox)->last(),
      alerts ? v1::DELIVERY_STREAM_ALERTS : v1::DELIVERY_STREAM_EVENTS);
  const std::atomic<bool>& stop = StopOnSignals();
  while (!stop.load()) {
    auto d = deliveries.Next(std::chrono::milliseconds(200));
    bool wrote = false;
    while (d) {
      if (Status s = (*inbox)->Append(*d); !s.ok()) {
        std::cerr << s.message() << "\n";
        return 1;
      }
      if (print) std::cout << inbox::DescribeDelivery(*d) << std::endl;
      wrote = true;
      d = deliveries.Next(std::chrono::milliseconds(0));
    }
    if (wrote) (void)(*inbox)->Sync();
  }
  return 0;
}
