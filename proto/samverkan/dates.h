// The contract's dates (samverkan.v1.Date, YearMonth) as the civil dates the
// gateway computes with, and back: one conversion for validation, consent
// and the transition rules alike.
#ifndef SAMVERKAN_PROTO_SAMVERKAN_DATES_H_
#define SAMVERKAN_PROTO_SAMVERKAN_DATES_H_

#include "common/civil_date.h"
#include "samverkan/v1/options.pb.h"

namespace samverkan {

inline CivilDate ToCivil(const v1::Date& d) {
  return {d.year(), d.month(), d.day()};
}
// A month as its first day.
inline CivilDate ToCivil(const v1::YearMonth& m) {
  return {m.year(), m.month(), 1};
}
inline v1::Date ToDate(const CivilDate& c) {
  v1::Date d;
  d.set_year(c.year);
  d.set_month(c.month);
  d.set_day(c.day);
  return d;
}

}  // namespace samverkan

#endif  // SAMVERKAN_PROTO_SAMVERKAN_DATES_H_
