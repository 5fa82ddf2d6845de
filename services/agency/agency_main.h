// The command line all four agency binaries share; each main() passes its
// party kind, default organisation and case-worker wording, nothing else.
#ifndef SAMVERKAN_SERVICES_AGENCY_AGENCY_MAIN_H_
#define SAMVERKAN_SERVICES_AGENCY_AGENCY_MAIN_H_

#include <string>

#include "samverkan/v1/options.pb.h"
#include "services/agency/caseworker_action.h"

namespace samverkan::agency {

struct AgencyProfile {
  std::string description;  // one line for --help
  v1::PartyKind kind = v1::PARTY_KIND_UNSPECIFIED;
  std::string organisation;  // default for --organisation
  ActionFn actions;
};

// Parses the options, runs the service until SIGTERM/SIGINT (or --once),
// and returns the exit code: 0 done, 1 a local failure, 2 bad options.
int AgencyMain(int argc, char** argv, const AgencyProfile& profile);

}  // namespace samverkan::agency

#endif  // SAMVERKAN_SERVICES_AGENCY_AGENCY_MAIN_H_
