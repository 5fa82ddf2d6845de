// A one-second reply timeout, not the services' default three: tests kill
// the gateway, and a shorter timeout makes the services notice sooner.
#include "tests/support/agency_system.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "services/agency/json_lines_file.h"
#include "services/inbox/inbox_file.h"

namespace samverkan::testing {

const std::map<std::string, std::string>& AgencyServiceNames() {
  static const auto* names = new std::map<std::string, std::string>{
      {kKommun, "municipality"},
      {kRegion, "psychiatry"},
      {kArbetsformedlingen, "arbetsformedlingen"},
      {kFk, "forsakringskassan"},
  };
  return *names;
}

Status AgencySystem::Prepare() {
  for (const auto& [org, name] : AgencyServiceNames()) {
    std::error_code ec;
    std::filesystem::create_directories(DataDir(org), ec);
    std::ofstream input(Input(org), std::ios::app);
    if (ec || !input) {
      return FailedPreconditionError("cannot prepare " + DataDir(org));
    }
  }
  return OkStatus();
}

Status AgencySystem::StartAll() {
  if (Status s = Prepare(); !s.ok()) return s;
  for (const auto& [org, name] : AgencyServiceNames()) {
    if (Status s = StartService(org); !s.ok()) return s;
  }
  return StartCoordinator();
}

StatusOr<std::unique_ptr<GatewayFixture>> StartSystemGateway(
    const std::string& clock_date, std::optional<uint32_t> index_lag) {
  GatewayFixtureOptions options;
  options.parties = AllAgencyParties();
  options.clock_date = clock_date;
  options.index_lag = index_lag;
  auto fixture = GatewayFixture::Create(options);
  if (!fixture.ok()) return fixture.status();
  if (Status s = (*fixture)->Start(); !s.ok()) return s;
  return std::move(*fixture);
}

std::string AgencySystem::DataDir(const std::string& organisation) const {
  return gateway_.dir() + "/agencies/" + AgencyServiceNames().at(organisation);
}

std::string AgencySystem::Input(const std::string& organisation) const {
  return DataDir(organisation) + "/incoming.jsonl";
}

std::string AgencySystem::AlertFile() const {
  return gateway_.dir() + "/coordinator-alerts.jsonl";
}

ChildProcess* AgencySystem::service(const std::string& organisation) {
  auto it = services_.find(organisation);
  return it == services_.end() ? nullptr : it->second.get();
}

Status AgencySystem::StartService(const std::string& organisation) {
  const std::string dir = DataDir(organisation);
  auto child = ChildProcess::Start(
      "samverkan-" + AgencyServiceNames().at(organisation),
      {"--gateway", gateway_.ReadyFile(), "--key",
       gateway_.KeyFile(organisation), "--organisation", organisation, "--data",
       dir, "--input", Input(organisation), "--clock-file",
       gateway_.ClockFile(), "--reply-timeout-ms", "1000"},
      {dir + ".out", dir + ".err"});
  if (!child.ok()) return child.status();
  services_[organisation] = std::move(*child);
  return OkStatus();
}

Status AgencySystem::StartCoordinator() {
  auto child =
      ChildProcess::Start("samverkan-coordinator",
                          {"--gateway", gateway_.ReadyFile(), "--key",
                           gateway_.KeyFile(kKommun), "--out", AlertFile()},
                          {gateway_.dir() + "/coordinator.out",
                           gateway_.dir() + "/coordinator.err"});
  if (!child.ok()) return child.status();
  coordinator_ = std::move(*child);
  return OkStatus();
}

size_t AgencySystem::Answered(const std::string& organisation) const {
  return agency::ReadJsonLines(DataDir(organisation) + "/replies.jsonl")
             .size() +
         agency::ReadJsonLines(DataDir(organisation) + "/rejected.jsonl")
             .size();
}

std::vector<v1::Delivery> ReadInbox(const std::string& path) {
  std::vector<v1::Delivery> out;
  for (const std::string& line : agency::ReadJsonLines(path)) {
    auto d = inbox::DeliveryFromJsonLine(line);
    EXPECT_TRUE(d.ok()) << line;
    if (d.ok()) out.push_back(*d);
  }
  return out;
}

}  // namespace samverkan::testing
