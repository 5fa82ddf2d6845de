// samverkan-submit: feeds JSON lines (one Envelope each) from a file or stdin
// to the gateway with a party's key and prints one answer per line. Bad lines
// are answered and skipped; nothing after them is lost.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>

#include "common/clock.h"
#include "common/file_clock.h"
#include "common/transport/curve_keys.h"
#include "services/agency/json_events.h"
#include "services/client/gateway_address.h"
#include "services/client/gateway_client.h"

int main(int argc, char** argv) {
  using namespace samverkan;
  CLI::App app{"Submit JSON-line events to the Samverkan gateway"};
  std::string gateway_file, key_file, organisation, input = "-";
  std::string clock_file;
  bool json = false;
  app.add_option("--gateway", gateway_file, "The gateway's ready file")
      ->required();
  app.add_option("--key", key_file, "This party's keypair file")->required();
  app.add_option("--organisation", organisation,
                 "Default source_organisation for lines without one")
      ->required();
  app.add_option("--file", input, "JSON-lines file; - for stdin");
  app.add_flag("--json", json, "Answer with JSON lines");
  // A simulation plays weeks in a minute; its events must say they occurred
  // on the simulated day, or day-counting rules (day-1 reporting) misread.
  app.add_option("--clock-file", clock_file,
                 "Stamp lines without occurred_at from this clock file (as "
                 "the gateway's clock_file) instead of the system clock");
  CLI11_PARSE(app, argc, argv);

  auto address = client::LoadGatewayAddress(gateway_file);
  auto keypair = transport::LoadKeypairFile(key_file);
  if (!address.ok() || !keypair.ok()) {
    std::cerr << (address.ok() ? keypair.status() : address.status()).message()
              << "\n";
    return 2;
  }
  std::ifstream file;
  if (input != "-") {
    file.open(input);
    if (!file) {
      std::cerr << "cannot read " << input << "\n";
      return 2;
    }
  }
  std::istream& in = input == "-" ? std::cin : file;
  transport::TransportContext context;
  auto gateway = client::GatewayClient::Connect(
      context, address->ingress, address->server_public_key, *keypair);
  if (!gateway.ok()) {
    std::cerr << gateway.status().message() << "\n";
    return 2;
  }

  int64_t now_us = SystemClock().NowMicros();
  if (!clock_file.empty()) {
    auto clock = FileClock::Open(clock_file);
    if (!clock.ok()) {
      std::cerr << clock.status().message() << "\n";
      return 2;
    }
    now_us = (*clock)->NowMicros();
  }
  agency::LineDefaults defaults{organisation, now_us, 1};
  std::string line;
  uint64_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    auto envelope = agency::ParseEventLine(line, defaults);
    if (!envelope.ok()) {
      v1::SubmitReply bad;
      bad.set_outcome(v1::REJECTED);
      bad.set_code(v1::MALFORMED);
      bad.set_message(envelope.status().message());
      if (json) {
        std::cout << agency::ReplyToJson(line_number, bad) << std::endl;
      } else {
        std::cout << "line " << line_number << "  NOT SENT  "
                  << envelope.status().message() << std::endl;
      }
      continue;
    }
    auto reply = (*gateway)->SubmitAndWait(envelope->SerializeAsString(),
                                           std::chrono::seconds(10));
    if (!reply.ok()) {
      std::cerr << "line " << line_number << ": " << reply.status().message()
                << "\n";
      return 3;
    }
    if (json) {
      std::cout << agency::ReplyToJson(line_number, *reply) << std::endl;
    } else if (reply->outcome() == v1::ACCEPTED) {
      std::cout << "line " << line_number << "  ACCEPTED  #"
                << reply->sequence()
                << (reply->duplicate() ? " (duplicate: already in the log)"
                                       : "")
                << std::endl;
    } else {
      std::cout << "line " << line_number << "  REJECTED  "
                << v1::RejectionCode_Name(reply->code()) << ": "
                << reply->message() << std::endl;
    }
  }
  return 0;
}
