// samverkan-municipality: the municipality's agency service (JSON lines in
// through a durable outbox, deliveries out to its case workers); options in
// services/agency/agency_main.cc, files in docs/agency-services.md.
#include "services/agency/agency_main.h"
#include "services/municipality/actions.h"

int main(int argc, char** argv) {
  using namespace samverkan;
  return agency::AgencyMain(
      argc, argv,
      {"Samverkan agency service: municipality", v1::MUNICIPALITY,
       "kommun-orebro", municipality::MunicipalityAction});
}
