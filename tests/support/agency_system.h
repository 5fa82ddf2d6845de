// The agency side of the whole system as process-level tests run it, beside
// a GatewayFixture: the four agency services and the municipality's
// coordinator client as processes, each with its data folder and the input
// file its agency's own system appends JSON lines to (as deploy/demo.sh
// does). Services find the gateway through its ready file, so they follow it
// across restarts.
#ifndef SAMVERKAN_TESTS_SUPPORT_AGENCY_SYSTEM_H_
#define SAMVERKAN_TESTS_SUPPORT_AGENCY_SYSTEM_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "samverkan/v1/delivery.pb.h"
#include "tests/support/child_process.h"
#include "tests/support/gateway_fixture.h"

namespace samverkan::testing {

// The service binary (samverkan-<name>) that speaks for each organisation.
const std::map<std::string, std::string>& AgencyServiceNames();

class AgencySystem {
 public:
  // `gateway` must outlive this.
  explicit AgencySystem(GatewayFixture& gateway) : gateway_(gateway) {}

  // Creates every service's data folder and empty input file.
  Status Prepare();
  // Prepare(), then every service and the coordinator.
  Status StartAll();
  // Starts (or, after a kill, starts again) the organisation's service.
  Status StartService(const std::string& organisation);
  // The municipality's coordinator client following its alert stream into
  // AlertFile().
  Status StartCoordinator();

  std::string DataDir(const std::string& organisation) const;
  // The file the agency's own system appends its lines to.
  std::string Input(const std::string& organisation) const;
  std::string AlertFile() const;
  // Null before the first start.
  ChildProcess* service(const std::string& organisation);
  ChildProcess* coordinator() { return coordinator_.get(); }
  // Lines the service has answered: replies.jsonl plus rejected.jsonl.
  size_t Answered(const std::string& organisation) const;

 private:
  GatewayFixture& gateway_;
  std::map<std::string, std::unique_ptr<ChildProcess>> services_;
  std::unique_ptr<ChildProcess> coordinator_;
};

// A gateway for the whole system: every agency a publisher, the
// municipality also coordinating, an operator key, "now" read from a clock
// file set to `clock_date`; started. `index_lag` unset: the gateway's own.
StatusOr<std::unique_ptr<GatewayFixture>> StartSystemGateway(
    const std::string& clock_date,
    std::optional<uint32_t> index_lag = std::nullopt);

// The deliveries of an inbox file (samverkan-inbox's format), in file order.
std::vector<v1::Delivery> ReadInbox(const std::string& path);

}  // namespace samverkan::testing

#endif  // SAMVERKAN_TESTS_SUPPORT_AGENCY_SYSTEM_H_
