// samverkan-arbetsformedlingen: the Arbetsförmedlingen's agency service (JSON
// lines in through a durable outbox, deliveries out to its case workers);
// options in services/agency/agency_main.cc, files in docs/agency-services.md.
#include "services/agency/agency_main.h"
#include "services/arbetsformedlingen/actions.h"

int main(int argc, char** argv) {
  using namespace samverkan;
  return agency::AgencyMain(
      argc, argv,
      {"Samverkan agency service: Arbetsförmedlingen", v1::ARBETSFORMEDLINGEN,
       "arbetsformedlingen", arbetsformedlingen::ArbetsformedlingenAction});
}
