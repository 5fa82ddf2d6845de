// Each participant's story is drawn from a generator of its own, seeded from
// the workload's seed and the participant's number, so a phase can be built
// again at any time without keeping the earlier ones (the bench run has a
// million lines) and a participant's story never depends on the others'.
// The shares are rough guesses at an IPS caseload: most are enrolled with a
// coach and registered at Arbetsförmedlingen, fewer have
// aktivitetsersättning, a programme or a job attempt.
#include "tests/support/fault_workload.h"

#include <string_view>

#include "tests/support/gateway_fixture.h"

namespace samverkan::testing {
namespace {

std::string Date(int year, int month, int day) {
  return "{\"year\":" + std::to_string(year) +
         ",\"month\":" + std::to_string(month) +
         ",\"day\":" + std::to_string(day) + "}";
}

std::string Period(const std::string& start, const std::string& end) {
  return "{\"start\":" + start + ",\"end\":" + end + "}";
}

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

// Everything about one participant that the lines depend on; drawn once, in
// a fixed order, so the phases agree with each other.
struct FaultWorkload::Story {
  int index = 0;
  std::string id;
  ConsentShape consent = ConsentShape::kEverything;
  int birth_year = 2000, birth_month = 1;
  // Phase 2: first steps.
  bool ips = false, sysselsattning = false, forsorjningsstod = false,
       action = false;
  bool health = false, capacity_affected = false, certificate = false,
       inpatient = false;
  bool job_seeker = false, programme = false, aktivitetsstod = false;
  bool ae = false, sgi = false, sgi_zero = false, sjukpenning = false;
  // Phase 3: what follows.
  bool job_search = false, attendance = false, employment = false;
  int band = 1, hours = 8;
  bool improved = false, sickness_reported = false, wage_subsidy = false;
  bool vilande = false, se_applied = false;
  // Phase 4: endings.
  bool withdraws = false;
  bool fsd_ends = false, ips_ends = false, employment_ends = false;
  bool programme_ends = false, aktivitetsstod_stops = false,
       deregisters = false;
  bool vilande_ends = false, sjukpenning_ends = false;
  bool relapse = false, second_certificate = false;
};

FaultWorkload::FaultWorkload(uint64_t seed, int participants)
    : seed_(seed), participants_(participants) {}

int FaultWorkload::ParticipantsFor(uint64_t events) {
  constexpr uint64_t kLinesPerParticipant = 11;
  return static_cast<int>(std::max<uint64_t>(
      1, (events + kLinesPerParticipant - 1) / kLinesPerParticipant));
}

std::string FaultWorkload::ParticipantId(int index) const {
  return "p-f" + std::to_string(index);
}

bool FaultWorkload::Withdraws(int index) const {
  return StoryOf(index).withdraws;
}

ConsentShape FaultWorkload::Consent(int index) const {
  return StoryOf(index).consent;
}

FaultWorkload::Story FaultWorkload::StoryOf(int index) const {
  FaultRng rng(seed_ ^
               ((static_cast<uint64_t>(index) + 1) * 0xD1B54A32D192ED03ull));
  Story s;
  s.index = index;
  s.id = ParticipantId(index);
  const int shape = rng.Below(100);
  s.consent = shape < 70   ? ConsentShape::kEverything
              : shape < 90 ? ConsentShape::kNoHealthToAf
                           : ConsentShape::kNoSocialServicesToFk;
  // Aged 20 to 28 in 2026: aktivitetsersättning (19 until the month before
  // 30) fits every period below.
  s.birth_year = 1998 + rng.Below(8);
  s.birth_month = 1 + rng.Below(12);

  s.ips = rng.Chance(60);
  s.sysselsattning = rng.Chance(30);
  s.forsorjningsstod = rng.Chance(25);
  s.action = rng.Chance(50);
  s.health = rng.Chance(50);
  s.capacity_affected = rng.Chance(50);
  s.certificate = rng.Chance(30);
  s.inpatient = rng.Chance(10);
  s.job_seeker = rng.Chance(70);
  s.programme = rng.Chance(40);
  s.aktivitetsstod = s.programme && rng.Chance(75);
  s.ae = rng.Chance(40);
  s.sgi = rng.Chance(30);
  s.sgi_zero = s.sgi && rng.Chance(20);
  s.sjukpenning = rng.Chance(10);

  s.job_search = s.ips && rng.Chance(70);
  s.attendance = s.sysselsattning;
  s.band = 1 + rng.Below(3);
  // Mostly inside the decided band; now and then outside it (an alert).
  s.hours = 1 + rng.Below(40);
  s.employment = s.ips && rng.Chance(40);
  s.improved = s.health && rng.Chance(60);
  s.sickness_reported = s.programme && rng.Chance(30);
  s.wage_subsidy = rng.Chance(15);
  s.vilande = s.ae && rng.Chance(50);
  s.se_applied = rng.Chance(15);

  s.withdraws = rng.Chance(10);
  s.fsd_ends = s.forsorjningsstod && rng.Chance(50);
  s.ips_ends = s.ips && rng.Chance(30);
  s.employment_ends = s.employment && rng.Chance(30);
  s.programme_ends = s.programme && rng.Chance(60);
  s.aktivitetsstod_stops = s.aktivitetsstod && rng.Chance(40);
  s.deregisters = s.job_seeker && rng.Chance(20);
  s.vilande_ends = s.vilande && rng.Chance(30);
  s.sjukpenning_ends = s.sjukpenning && rng.Chance(50);
  s.relapse = rng.Chance(20);
  s.second_certificate = rng.Chance(20);
  return s;
}

std::vector<FaultLine> FaultWorkload::Phase(int phase) const {
  std::vector<FaultLine> out;
  for (int i = 0; i < participants_; ++i) {
    AppendLines(StoryOf(i), phase, &out);
  }
  return out;
}

void FaultWorkload::AppendLines(const Story& s, int phase,
                                std::vector<FaultLine>* out) const {
  auto add = [&](const std::string& organisation, const std::string& payload,
                 const std::string& body) {
    out->push_back({organisation, s.id,
                    "{\"participant_id\":" + Quoted(s.id) + ",\"" + payload +
                        "\":" + body + "}"});
  };
  const std::string programme = "\"programme_id\":\"prog-" + s.id + "\"";
  const std::string job = "\"employment_id\":\"job-" + s.id + "\"";
  switch (phase) {
    case 0: {
      std::string provisions =
          "{\"type\":\"PERMIT\",\"purposes\":[\"COORDINATION\"]}";
      if (s.consent == ConsentShape::kNoHealthToAf) {
        provisions +=
            ",{\"type\":\"DENY\",\"recipient_organisations\":[\"" +
            std::string(kArbetsformedlingen) +
            "\"],\"categories\":[\"HEALTH_DETAILS\",\"HEALTH_STATUS\"]}";
      } else if (s.consent == ConsentShape::kNoSocialServicesToFk) {
        provisions += ",{\"type\":\"DENY\",\"recipient_organisations\":[\"" +
                      std::string(kFk) +
                      "\"],\"categories\":[\"SOCIAL_SERVICES\"]}";
      }
      add(kKommun, "consent_granted",
          "{\"consent_id\":\"c-" + s.id +
              "\",\"validity\":{\"start\":" + Date(2026, 1, 1) +
              "},\"recorded_by\":\"kommun-orebro/ips-coach-" +
              std::to_string(s.index % 40) +
              "\",\"legal_basis\":\"SIP_CONSENT\",\"provisions\":[" +
              provisions + "]}");
      break;
    }
    case 1:
      add(kKommun, "plan_opened",
          "{\"plan_id\":\"sip-" + s.id +
              "\",\"parties\":[{\"organisation\":\"kommun-orebro\",\"kind\":"
              "\"MUNICIPALITY\"},{\"organisation\":\"region-orebro\","
              "\"kind\":\"REGION_PSYCHIATRY\"},{\"organisation\":"
              "\"arbetsformedlingen\",\"kind\":\"ARBETSFORMEDLINGEN\"},{"
              "\"organisation\":\"forsakringskassan\",\"kind\":"
              "\"FORSAKRINGSKASSAN\"}],\"coordinating_organisation\":"
              "\"kommun-orebro\",\"participant_goal\":\"a job of my own\","
              "\"birth_month\":{\"year\":" +
              std::to_string(s.birth_year) +
              ",\"month\":" + std::to_string(s.birth_month) + "}}");
      break;
    case 2:
      if (s.ips) {
        add(kKommun, "ips_enrolled",
            "{\"coach_organisation\":\"kommun-orebro\",\"enrolled_on\":" +
                Date(2026, 8, 3) + "}");
      }
      if (s.sysselsattning) {
        add(kKommun, "sysselsattning_decided",
            "{\"hour_band\":" + std::to_string(s.band) +
                ",\"purpose\":\"WORK_ORIENTED\",\"period\":" +
                Period(Date(2026, 8, 1), Date(2027, 1, 31)) + "}");
      }
      if (s.forsorjningsstod) {
        add(kKommun, "forsorjningsstod_granted",
            "{\"period\":" + Period(Date(2026, 8, 1), Date(2026, 12, 31)) +
                ",\"monthly_amount_sek\":\"7200\"}");
      }
      if (s.action) {
        add(kKommun, "plan_action_added",
            "{\"plan_id\":\"sip-" + s.id + "\",\"action_id\":\"act-" + s.id +
                "\",\"kind\":\"meeting with the coach\","
                "\"responsible_organisation\":\"kommun-orebro\",\"due\":" +
                Date(2026, 10, 1) + ",\"status\":\"ACTION_PLANNED\"}");
      }
      if (s.health) {
        add(kRegion, "health_deteriorated",
            "{\"observed_on\":" + Date(2026, 8, 10) +
                ",\"work_capacity_affected\":" +
                (s.capacity_affected ? "true" : "false") +
                ",\"expected_duration_days\":45,\"diagnosis_code\":\"F32.1\","
                "\"clinical_note\":\"depressive episode\"}");
      }
      if (s.certificate) {
        add(kRegion, "sick_certificate_issued",
            "{\"capacity_reduction_percent\":50,\"period\":" +
                Period(Date(2026, 8, 10), Date(2026, 9, 20)) + "}");
      }
      if (s.inpatient) {
        add(kRegion, "inpatient_admitted",
            "{\"admitted_on\":" + Date(2026, 8, 12) +
                ",\"ward\":\"ward 3\",\"reason\":\"acute care\"}");
      }
      if (s.job_seeker) {
        add(kArbetsformedlingen, "job_seeker_registered",
            "{\"registered_on\":" + Date(2026, 8, 4) + "}");
      }
      if (s.programme) {
        add(kArbetsformedlingen, "programme_started",
            "{" + programme + ",\"kind\":\"ARBETSTRANING\",\"period\":" +
                Period(Date(2026, 8, 17), Date(2027, 2, 12)) + "}");
      }
      if (s.aktivitetsstod) {
        add(kArbetsformedlingen, "aktivitetsstod_decided",
            "{\"period\":" + Period(Date(2026, 8, 17), Date(2027, 2, 12)) +
                ",\"daily_rate_sek\":\"365\"}");
      }
      if (s.ae) {
        add(kFk, "aktivitetsersattning_granted",
            "{\"grade_percent\":50,\"period\":" +
                Period(Date(2026, 7, 1), Date(2027, 6, 30)) +
                ",\"reason\":\"REDUCED_WORK_CAPACITY\","
                "\"monthly_amount_sek\":\"6100\"}");
      }
      if (s.sgi) {
        add(kFk, "sgi_status_changed",
            std::string("{\"status\":\"") +
                (s.sgi_zero ? "SGI_ZERO" : "SGI_PROTECTED") +
                "\",\"effective_on\":" + Date(2026, 8, 5) + "}");
      }
      if (s.sjukpenning) {
        add(kFk, "sjukpenning_granted",
            "{\"period\":" + Period(Date(2026, 8, 10), Date(2026, 10, 31)) +
                ",\"sgi_present\":true,\"daily_amount_sek\":\"540\"}");
      }
      break;
    case 3:
      if (s.job_search) {
        add(kKommun, "ips_job_search_started",
            "{\"started_on\":" + Date(2026, 9, 7) + "}");
      }
      if (s.attendance) {
        add(kKommun, "sysselsattning_attendance_reported",
            "{\"week_starting\":" + Date(2026, 9, 7) +
                ",\"hours\":" + std::to_string(s.hours) + "}");
      }
      if (s.action) {
        add(kKommun, "plan_action_changed",
            "{\"plan_id\":\"sip-" + s.id + "\",\"action_id\":\"act-" + s.id +
                "\",\"status\":\"ACTION_DONE\"}");
      }
      if (s.employment) {
        add(kKommun, "employment_started",
            "{" + job +
                ",\"form\":\"REGULAR\",\"sector\":\"PRIVATE_SECTOR\","
                "\"occupation_rate_percent\":25,\"start_date\":" +
                Date(2026, 10, 5) + "}");
      }
      if (s.improved) {
        add(kRegion, "health_improved",
            "{\"observed_on\":" + Date(2026, 9, 21) +
                ",\"work_capacity_affected\":false}");
      }
      if (s.inpatient) {
        add(kRegion, "inpatient_discharged",
            "{\"discharged_on\":" + Date(2026, 9, 2) +
                ",\"ward\":\"ward 3\",\"reason\":\"stable\"}");
      }
      if (s.sickness_reported) {
        add(kArbetsformedlingen, "sickness_reported_during_programme",
            "{" + programme + ",\"first_day\":" + Date(2026, 9, 14) + "}");
      }
      if (s.wage_subsidy) {
        add(kArbetsformedlingen, "wage_subsidy_decided",
            "{\"kind\":\"LONEBIDRAG\",\"employer_kind\":\"PRIVATE_EMPLOYER\","
            "\"period\":" +
                Period(Date(2026, 11, 1), Date(2027, 10, 31)) +
                ",\"occupation_rate_percent\":50}");
      }
      if (s.vilande) {
        add(kFk, "vilande_granted",
            "{\"benefit\":\"DORMANT_AKTIVITETSERSATTNING\",\"period\":" +
                Period(Date(2026, 10, 5), Date(2027, 6, 30)) + "}");
      }
      if (s.se_applied) {
        add(kFk, "sjukersattning_applied",
            "{\"applied_on\":" + Date(2026, 9, 15) +
                ",\"requested_grade_percent\":100}");
      }
      break;
    case kWithdrawalPhase:
      if (s.withdraws) {
        add(kKommun, "consent_withdrawn",
            "{\"consent_id\":\"c-" + s.id +
                "\",\"recorded_by\":\"kommun-orebro/ips-coach-" +
                std::to_string(s.index % 40) +
                "\",\"reason\":\"participant's own wish\"}");
      }
      break;
    case kEndingPhase:
      if (s.fsd_ends) {
        add(kKommun, "forsorjningsstod_ended",
            "{\"ended_on\":" + Date(2026, 11, 30) + "}");
      }
      if (s.ips_ends) {
        add(kKommun, "ips_ended",
            "{\"ended_on\":" + Date(2026, 11, 20) +
                ",\"reason\":\"goal reached\"}");
      }
      if (s.employment_ends) {
        add(kKommun, "employment_ended",
            "{" + job + ",\"end_date\":" + Date(2026, 12, 31) + "}");
      }
      if (s.withdraws) {
        // Arbetsförmedlingen is offline here in the suite: a line of its
        // own about them would race the withdrawal.
      } else if (s.programme && s.sickness_reported) {
        add(kArbetsformedlingen, "programme_interrupted",
            "{" + programme + ",\"interrupted_on\":" + Date(2026, 10, 16) +
                ",\"reason\":\"ILLNESS\"}");
      } else if (s.programme_ends) {
        add(kArbetsformedlingen, "programme_ended",
            "{" + programme + ",\"ended_on\":" + Date(2026, 11, 13) + "}");
      }
      if (s.aktivitetsstod_stops && !s.withdraws) {
        add(kArbetsformedlingen, "aktivitetsstod_stopped",
            "{\"stopped_on\":" + Date(2026, 11, 13) + "}");
      }
      if (s.deregisters && !s.withdraws) {
        add(kArbetsformedlingen, "job_seeker_deregistered",
            "{\"deregistered_on\":" + Date(2026, 11, 16) + "}");
      }
      if (s.vilande_ends) {
        add(kFk, "vilande_ended",
            "{\"benefit\":\"DORMANT_AKTIVITETSERSATTNING\",\"ended_on\":" +
                Date(2026, 12, 31) + "}");
      }
      if (s.sjukpenning_ends) {
        add(kFk, "sjukpenning_ended",
            "{\"ended_on\":" + Date(2026, 10, 31) + "}");
      }
      if (s.relapse) {
        add(kRegion, "health_deteriorated",
            "{\"observed_on\":" + Date(2026, 11, 9) +
                ",\"work_capacity_affected\":true,"
                "\"expected_duration_days\":30,\"diagnosis_code\":\"F41.1\","
                "\"clinical_note\":\"anxiety\"}");
      }
      if (s.second_certificate) {
        add(kRegion, "sick_certificate_issued",
            "{\"capacity_reduction_percent\":25,\"period\":" +
                Period(Date(2026, 11, 9), Date(2026, 12, 20)) + "}");
      }
      break;
    default:
      break;
  }
}

}  // namespace samverkan::testing
