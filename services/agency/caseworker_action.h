// What a case worker at an agency has to do about one delivery, as a plain
// sentence; each agency words its own (services/<agency>/actions.cc) on
// these shared pieces. An empty sentence means "for information".
#ifndef SAMVERKAN_SERVICES_AGENCY_CASEWORKER_ACTION_H_
#define SAMVERKAN_SERVICES_AGENCY_CASEWORKER_ACTION_H_

#include <functional>
#include <string>

#include "samverkan/v1/envelope.pb.h"

namespace samverkan::agency {

// (the delivered envelope, this agency's organisation) → the sentence.
using ActionFn =
    std::function<std::string(const v1::Envelope&, const std::string&)>;

// "2026-11-16"; "" when the date is unset.
std::string DateText(const v1::Date& date);

// The handover opened to `organisation`, or null when the envelope is not
// one (a handover to another party is for information).
const v1::HandoverOpened* HandoverTo(const v1::Envelope& envelope,
                                     const std::string& organisation);

// The actions every party has, in words that fit any of them: a handover
// given to it ("Handover <rule> to you for <participant>, by <date>:
// <sentence>"), a plan action it is responsible for, a handover that passed
// its deadline. "" when none applies. Agencies word their own cases first.
std::string CommonAction(const v1::Envelope& envelope,
                         const std::string& organisation);

}  // namespace samverkan::agency

#endif  // SAMVERKAN_SERVICES_AGENCY_CASEWORKER_ACTION_H_
