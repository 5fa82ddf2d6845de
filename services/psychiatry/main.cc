// samverkan-psychiatry: the region's psychiatry's agency service (JSON lines in
// through a durable outbox, deliveries out to its case workers); options in
// services/agency/agency_main.cc, files in docs/agency-services.md.
#include "services/agency/agency_main.h"
#include "services/psychiatry/actions.h"

int main(int argc, char** argv) {
  using namespace samverkan;
  return agency::AgencyMain(
      argc, argv,
      {"Samverkan agency service: region's psychiatry", v1::REGION_PSYCHIATRY,
       "region-orebro", psychiatry::PsychiatryAction});
}
