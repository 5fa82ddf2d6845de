// The evaluation's three cases end to end through a real gateway process
// (DESIGN §6): the coordinator's alert stream shows the risk on its first
// sign, a handover toward the party that must act, its escalation when the
// gateway's clock passes the deadline with no event arriving, and its close
// by the successor decision. Safe paths raise nothing; impossible steps are
// refused with a sentence and audited; a shadow rule set records different
// decisions without changing what is enforced.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>

#include "gateway/log/sqlite_log_store.h"
#include "gateway/testing/rule_events.h"
#include "services/client/delivery_client.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/log_reader.h"
#include "tests/support/plan_setup.h"

namespace samverkan::testing {
namespace {

constexpr const char* kAf = kArbetsformedlingen;
constexpr auto kWait = std::chrono::seconds(10);
constexpr char kCoordinatorAlerts[] = "kommun-orebro/alerts";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every record the gateway wrote itself, as envelopes.
std::vector<v1::Envelope> GatewayRecords(const std::string& log_path) {
  auto log = OpenLogReadOnly(log_path);
  EXPECT_TRUE(log.ok()) << log.status().ToString();
  std::vector<v1::Envelope> out;
  if (!log.ok()) return out;
  std::vector<gateway::StoredRecord> records;
  EXPECT_TRUE((*log)->Read(1, 100000, &records).ok());
  for (const gateway::StoredRecord& r : records) {
    if (r.kind != v1::GATEWAY_EVENT) continue;
    EXPECT_TRUE(out.emplace_back().ParseFromString(r.body));
  }
  return out;
}

class TransitionIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override { StartGateway(""); }

  void StartGateway(const std::string& shadow_rule_set_file) {
    GatewayFixtureOptions options;
    options.parties = AllAgencyParties();
    options.clock_date = "2026-03-02";
    options.shadow_rule_set_file = shadow_rule_set_file;
    auto fixture = GatewayFixture::Create(options);
    ASSERT_TRUE(fixture.ok()) << fixture.status().ToString();
    gateway_ = std::move(*fixture);
    const Status started = gateway_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    ConnectClients();
  }

  void ConnectClients() {
    clients_.clear();
    for (const char* org : {kRegion, kKommun, kFk, kAf}) {
      auto client = gateway_->ConnectIngress(org);
      ASSERT_TRUE(client.ok());
      clients_[org] = std::move(*client);
    }
  }

  // `payload` in protobuf text form with @YYYY-MM-DD dates.
  v1::SubmitReply Submit(const std::string& org, const std::string& payload,
                         const std::string& participant,
                         const CivilDate& on = gateway::testing::kRuleToday) {
    v1::Envelope e = gateway::testing::Event(org, payload, on);
    e.set_participant_id(participant);
    auto reply = clients_[org]->SubmitAndWait(e.SerializeAsString(), kWait);
    EXPECT_TRUE(reply.ok()) << reply.status().ToString();
    return reply.ok() ? *reply : v1::SubmitReply();
  }

  uint64_t Accept(const std::string& org, const std::string& payload,
                  const std::string& participant) {
    v1::SubmitReply reply = Submit(org, payload, participant);
    EXPECT_EQ(reply.outcome(), v1::ACCEPTED)
        << payload << ": " << reply.message();
    return reply.sequence();
  }

  // Consent for the whole plan, then the plan, coordinated by the
  // municipality, for a participant born in June 2000 (25 in 2026).
  // Case 3's facts: aktivitetsersättning paid, then a job from 2026-04-01
  // with no vilande decision (a handover to FK, due 2026-03-31).
  void StartJobOnAktivitetsersattning(const std::string& participant) {
    Accept(kFk,
           "aktivitetsersattning_granted { grade_percent: 100 period { start "
           "@2026-01-01 end @2028-12-31 } reason: REDUCED_WORK_CAPACITY }",
           participant);
    Accept(kAf,
           "employment_started { employment_id: \"job-1\" form: REGULAR "
           "occupation_rate_percent: 50 start_date @2026-04-01 }",
           participant);
  }

  void OpenPlan(
      const std::string& participant,
      const std::string& consent_provisions = "provisions { type: PERMIT }") {
    Accept(kKommun,
           "consent_granted { consent_id: \"c-" + participant +
               "\" recorded_by: \"kommun-orebro\" legal_basis: SIP_CONSENT " +
               consent_provisions + " }",
           participant);
    Accept(kKommun, FourAgencyPlanText(participant), participant);
  }

  std::unique_ptr<client::DeliveryClient> Alerts(const std::string& org) {
    auto d = client::DeliveryClient::Connect(
        gateway_->context(), gateway_->address().delivery,
        gateway_->address().server_public_key, gateway_->keypair(org), 0,
        v1::DELIVERY_STREAM_ALERTS);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? std::move(*d) : nullptr;
  }

  // Reads the stream until a delivery satisfies `match` (bounded by kWait
  // per delivery); returns it, or an empty envelope after a failure.
  v1::Envelope AwaitRecord(
      client::DeliveryClient& d,
      const std::function<bool(const v1::Envelope&)>& match) {
    while (auto next = d.Next(kWait)) {
      if (match(next->envelope())) return next->envelope();
    }
    ADD_FAILURE() << "no matching record on the alert stream";
    return v1::Envelope();
  }

  static std::function<bool(const v1::Envelope&)> AlertFor(
      const std::string& rule_id) {
    return [rule_id](const v1::Envelope& e) {
      return e.has_alert() && e.alert().rule_id() == rule_id;
    };
  }

  // How many alert-stream deliveries `recipient` has, read from the log
  // file: exact once the last event submitted is acknowledged, because the
  // gateway commits an event's alerts with the event itself.
  uint64_t AlertsDeliveredTo(const std::string& recipient) {
    auto log = OpenLogReadOnly(gateway_->LogPath());
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    if (!log.ok()) return 0;
    auto head = (*log)->RecipientHead(recipient);
    EXPECT_TRUE(head.ok());
    return head.ok() ? *head : 0;
  }

  std::unique_ptr<GatewayFixture> gateway_;
  std::map<std::string, std::unique_ptr<client::GatewayClient>> clients_;
};

// Case 1: work training stopped by worse health; aktivitetsstöd would stop
// and there is no SGI to fall back on.
TEST_F(TransitionIntegrationTest,
       IllnessInProgrammeHandoverEscalatesAndCloses) {
  const std::string p = "p-3101";
  OpenPlan(p);
  auto alerts = Alerts(kKommun);
  Accept(kAf,
         "programme_started { programme_id: \"at-1\" kind: ARBETSTRANING "
         "period { start @2026-01-12 } }",
         p);
  Accept(kAf, "aktivitetsstod_decided { period { start @2026-01-12 } }", p);
  const uint64_t worse = Accept(kRegion,
                                "health_deteriorated { observed_on "
                                "@2026-03-01 work_capacity_affected: true "
                                "expected_duration_days: 60 }",
                                p);

  // On the first sign: the alert, naming the event it rests on, and the
  // handover toward försörjningsstöd.
  v1::Envelope opened = AwaitRecord(
      *alerts, [](const v1::Envelope& e) { return e.has_handover_opened(); });
  EXPECT_EQ(opened.participant_id(), p);
  EXPECT_EQ(opened.source_organisation(), "samverkan-gateway");
  EXPECT_EQ(opened.handover_opened().rule_id(), "illness_in_programme");
  EXPECT_EQ(opened.handover_opened().rule_set_version(), "2026.1");
  EXPECT_EQ(opened.handover_opened().to_organisation(), kKommun);
  EXPECT_EQ(opened.handover_opened().deadline().day(), 16);
  const std::string handover = opened.handover_opened().handover_id();
  v1::Envelope alert = AwaitRecord(*alerts, AlertFor("illness_in_programme"));
  EXPECT_EQ(alert.alert().severity(), v1::CRITICAL);
  EXPECT_EQ(alert.alert().rule_set_version(), "2026.1");
  EXPECT_EQ(alert.alert().handover_id(), handover);
  EXPECT_NE(alert.alert().sentence().find("Prepare försörjningsstöd"),
            std::string::npos)
      << alert.alert().sentence();
  EXPECT_EQ(alert.alert().deadline().day(), 16);
  EXPECT_NE(std::find(alert.alert().based_on_sequences().begin(),
                      alert.alert().based_on_sequences().end(), worse),
            alert.alert().based_on_sequences().end());

  // No event arrives; the clock passes the deadline; the idle gateway
  // escalates on its own.
  ASSERT_TRUE(gateway_->SetClock("2026-03-17").ok());
  v1::Envelope escalated = AwaitRecord(*alerts, [](const v1::Envelope& e) {
    return e.has_handover_escalated();
  });
  EXPECT_EQ(escalated.handover_escalated().handover_id(), handover);
  v1::Envelope overdue = AwaitRecord(*alerts, [&](const v1::Envelope& e) {
    return e.has_alert() && e.alert().handover_id() == handover;
  });
  EXPECT_EQ(overdue.alert().severity(), v1::CRITICAL);
  EXPECT_NE(overdue.alert().sentence().find("Overdue since 2026-03-16"),
            std::string::npos)
      << overdue.alert().sentence();

  // The municipality grants försörjningsstöd: the handover closes.
  const uint64_t granted = Accept(
      kKommun, "forsorjningsstod_granted { period { start @2026-03-17 } }", p);
  v1::Envelope closed = AwaitRecord(
      *alerts, [](const v1::Envelope& e) { return e.has_handover_closed(); });
  EXPECT_EQ(closed.handover_closed().handover_id(), handover);
  EXPECT_EQ(closed.handover_closed().closed_by_sequence(), granted);
}

// The ledger is a projection committed with the log: a gateway killed
// after the handover opened still escalates it once restarted, and only once.
TEST_F(TransitionIntegrationTest, OpenHandoverSurvivesSigkill) {
  const std::string p = "p-3110";
  OpenPlan(p);
  Accept(kFk, "sjukersattning_applied { applied_on @2026-02-01 }", p);
  Accept(kFk, "sjukersattning_refused { decided_on @2026-03-02 }", p);
  {
    auto alerts = Alerts(kKommun);
    AwaitRecord(*alerts, [](const v1::Envelope& e) {
      return e.has_handover_opened() &&
             e.handover_opened().rule_id() == "income_gap";
    });
  }
  ASSERT_TRUE(gateway_->KillHard().ok());
  ASSERT_TRUE(gateway_->SetClock("2026-03-20").ok());
  const Status restarted = gateway_->Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  ConnectClients();
  auto alerts = Alerts(kKommun);
  v1::Envelope escalated = AwaitRecord(*alerts, [](const v1::Envelope& e) {
    return e.has_handover_escalated();
  });
  EXPECT_EQ(escalated.participant_id(), p);
  // A second restart replays nothing: the escalation is in the ledger.
  const uint64_t delivered = AlertsDeliveredTo(kCoordinatorAlerts);
  ASSERT_TRUE(gateway_->Restart().ok());
  ConnectClients();
  Accept(kRegion, "health_improved { observed_on @2026-03-02 }", p);
  EXPECT_EQ(AlertsDeliveredTo(kCoordinatorAlerts), delivered);
}

// Case 2: sjukersättning applied for during an IPS job attempt.
TEST_F(TransitionIntegrationTest, SjukersattningDuringIpsRaisesConflict) {
  const std::string p = "p-3102";
  OpenPlan(p);
  auto alerts = Alerts(kKommun);
  Accept(kKommun,
         "ips_enrolled { coach_organisation: \"kommun-orebro\" enrolled_on "
         "@2026-01-15 }",
         p);
  const uint64_t applied =
      Accept(kFk, "sjukersattning_applied { applied_on @2026-03-02 }", p);
  v1::Envelope alert = AwaitRecord(*alerts, AlertFor("se_applied_during_ips"));
  EXPECT_EQ(alert.participant_id(), p);
  EXPECT_EQ(alert.alert().severity(), v1::WARNING);
  EXPECT_NE(alert.alert().sentence().find("IPS job attempt"), std::string::npos)
      << alert.alert().sentence();
  EXPECT_NE(std::find(alert.alert().based_on_sequences().begin(),
                      alert.alert().based_on_sequences().end(), applied),
            alert.alert().based_on_sequences().end());
}

// Case 3: a job starts for a participant on aktivitetsersättning with no
// vilande decision; the alert comes before the start date and FK, which
// must act, is told too (the consent covers it).
TEST_F(TransitionIntegrationTest, JobOnAktivitetsersattningNeedsVilande) {
  const std::string p = "p-3103";
  OpenPlan(p);
  auto coordinator = Alerts(kKommun);
  auto fk = Alerts(kFk);
  StartJobOnAktivitetsersattning(p);
  v1::Envelope alert =
      AwaitRecord(*coordinator, AlertFor("work_without_vilande"));
  EXPECT_NE(alert.alert().sentence().find("starts on 2026-04-01"),
            std::string::npos)
      << alert.alert().sentence();
  // Ahead of the start: the deadline is the day before.
  EXPECT_EQ(alert.alert().deadline().month(), 3);
  EXPECT_EQ(alert.alert().deadline().day(), 31);
  v1::Envelope to_fk = AwaitRecord(
      *fk, [](const v1::Envelope& e) { return e.has_handover_opened(); });
  EXPECT_EQ(to_fk.handover_opened().to_organisation(), kFk);
  const std::string handover = to_fk.handover_opened().handover_id();

  Accept(kFk,
         "vilande_granted { benefit: DORMANT_AKTIVITETSERSATTNING period { "
         "start @2026-04-01 end @2027-03-31 } }",
         p);
  v1::Envelope closed = AwaitRecord(*coordinator, [](const v1::Envelope& e) {
    return e.has_handover_closed();
  });
  EXPECT_EQ(closed.handover_closed().handover_id(), handover);

  // Closed in time: the deadline passing escalates nothing. The pipeline
  // fires the clock before the next event, so once that event is
  // acknowledged anything the clock caused is committed.
  const uint64_t before = AlertsDeliveredTo(kCoordinatorAlerts);
  ASSERT_TRUE(gateway_->SetClock("2026-04-02").ok());
  Accept(kRegion, "health_improved { observed_on @2026-03-02 }", p);
  EXPECT_EQ(AlertsDeliveredTo(kCoordinatorAlerts), before);
}

// The organisation a handover is to hears of its whole course: opened,
// escalated when its deadline passes, and closed by its own decision, so its
// case workers can settle the to-do.
TEST_F(TransitionIntegrationTest, HandoverCourseReachesTheOrganisationToAct) {
  const std::string p = "p-3112";
  OpenPlan(p);
  auto fk = Alerts(kFk);
  StartJobOnAktivitetsersattning(p);
  v1::Envelope opened = AwaitRecord(
      *fk, [](const v1::Envelope& e) { return e.has_handover_opened(); });
  const std::string handover = opened.handover_opened().handover_id();

  ASSERT_TRUE(gateway_->SetClock("2026-04-02").ok());
  v1::Envelope escalated = AwaitRecord(
      *fk, [](const v1::Envelope& e) { return e.has_handover_escalated(); });
  EXPECT_EQ(escalated.handover_escalated().handover_id(), handover);
  EXPECT_EQ(escalated.handover_escalated().to_organisation(), kFk);

  const uint64_t granted =
      Accept(kFk,
             "vilande_granted { benefit: DORMANT_AKTIVITETSERSATTNING period { "
             "start @2026-04-01 end @2027-03-31 } }",
             p);
  v1::Envelope closed = AwaitRecord(
      *fk, [](const v1::Envelope& e) { return e.has_handover_closed(); });
  EXPECT_EQ(closed.handover_closed().handover_id(), handover);
  EXPECT_EQ(closed.handover_closed().closed_by_sequence(), granted);
  EXPECT_EQ(closed.handover_closed().to_organisation(), kFk);
}

// The coordinator always gets the alert; another party only where the
// participant's consent lets it receive the plan's facts from the source.
TEST_F(TransitionIntegrationTest, AlertsReachOtherPartiesOnlyUnderConsent) {
  const std::string p = "p-3104";
  OpenPlan(p,
           "provisions { type: PERMIT recipient_organisations: "
           "\"kommun-orebro\" }");
  Accept(kFk,
         "aktivitetsersattning_granted { grade_percent: 50 period { start "
         "@2026-01-01 end @2028-12-31 } reason: REDUCED_WORK_CAPACITY }",
         p);
  Accept(kAf,
         "employment_started { employment_id: \"job-2\" form: REGULAR "
         "start_date @2026-05-01 }",
         p);
  auto coordinator = Alerts(kKommun);
  AwaitRecord(*coordinator, AlertFor("work_without_vilande"));
  EXPECT_GT(AlertsDeliveredTo(kCoordinatorAlerts), 0u);
  EXPECT_EQ(AlertsDeliveredTo("forsakringskassan/alerts"), 0u);
}

TEST_F(TransitionIntegrationTest, SafePathsRaiseNoAlert) {
  // IPS to a wage-subsidy job with no benefit from FK at all.
  const std::string ips = "p-3105";
  OpenPlan(ips);
  Accept(kKommun,
         "ips_enrolled { coach_organisation: \"kommun-orebro\" enrolled_on "
         "@2026-01-15 }",
         ips);
  Accept(kAf,
         "wage_subsidy_decided { kind: LONEBIDRAG employer_kind: "
         "PRIVATE_EMPLOYER occupation_rate_percent: 75 }",
         ips);
  Accept(kAf,
         "employment_started { employment_id: \"job-3\" form: "
         "WAGE_SUBSIDY occupation_rate_percent: 75 start_date @2026-04-01 }",
         ips);
  // A job on aktivitetsersättning, with vilande decided first.
  const std::string vilande = "p-3106";
  OpenPlan(vilande);
  Accept(kFk,
         "aktivitetsersattning_granted { grade_percent: 100 period { start "
         "@2026-01-01 end @2028-12-31 } reason: REDUCED_WORK_CAPACITY }",
         vilande);
  Accept(kFk,
         "vilande_granted { benefit: DORMANT_AKTIVITETSERSATTNING period { "
         "start @2026-04-01 end @2027-03-31 } }",
         vilande);
  Accept(kAf,
         "employment_started { employment_id: \"job-4\" form: REGULAR "
         "start_date @2026-04-01 }",
         vilande);
  // Sysselsättning attended inside its hour band; health improving.
  const std::string daily = "p-3107";
  OpenPlan(daily);
  Accept(kKommun,
         "sysselsattning_decided { hour_band: HOURS_10_24 purpose: "
         "WORK_ORIENTED }",
         daily);
  Accept(kKommun,
         "sysselsattning_attendance_reported { week_starting @2026-02-23 "
         "hours: 12 }",
         daily);
  Accept(kRegion, "health_improved { observed_on @2026-03-01 }", daily);
  EXPECT_EQ(AlertsDeliveredTo(kCoordinatorAlerts), 0u);

  // A month passes: still nothing due.
  ASSERT_TRUE(gateway_->SetClock("2026-04-15").ok());
  Accept(kRegion, "health_improved { observed_on @2026-03-02 }", daily);
  EXPECT_EQ(AlertsDeliveredTo(kCoordinatorAlerts), 0u);
  EXPECT_EQ(AlertsDeliveredTo("forsakringskassan/alerts"), 0u);
}

TEST_F(TransitionIntegrationTest, ImpossibleStepIsRefusedWithItsReason) {
  const std::string p = "p-3108";
  OpenPlan(p);
  v1::SubmitReply reply = Submit(kFk,
                                 "vilande_granted { benefit: "
                                 "DORMANT_AKTIVITETSERSATTNING period { start "
                                 "@2026-04-01 end @2027-03-31 } }",
                                 p);
  EXPECT_EQ(reply.outcome(), v1::REJECTED);
  EXPECT_EQ(reply.code(), v1::INVALID_TRANSITION);
  EXPECT_NE(reply.message().find("rule set 2026.1)"), std::string::npos)
      << reply.message();
  EXPECT_NE(reply.message().find("aktivitetsersättning"), std::string::npos)
      << reply.message();

  // Audited, nothing logged, and the gateway still serves: the grant and
  // then the vilande decision are accepted.
  {
    auto log = OpenLogReadOnly(gateway_->LogPath());
    ASSERT_TRUE(log.ok());
    auto counts = (*log)->CountRejections();
    ASSERT_TRUE(counts.ok());
    ASSERT_EQ(counts->size(), 1u);
    EXPECT_EQ((*counts)[0].code(), v1::INVALID_TRANSITION);
    EXPECT_EQ((*counts)[0].count(), 1u);
  }
  Accept(kFk,
         "aktivitetsersattning_granted { grade_percent: 100 period { start "
         "@2026-01-01 end @2028-12-31 } reason: REDUCED_WORK_CAPACITY }",
         p);
  Accept(kFk,
         "vilande_granted { benefit: DORMANT_AKTIVITETSERSATTNING period { "
         "start @2026-04-01 end @2027-03-31 } }",
         p);
}

// A new rule-set version run beside the enforced one: grade 25 dropped and
// a shorter income-gap deadline.
TEST_F(TransitionIntegrationTest, ShadowRuleSetRecordsWithoutEnforcing) {
  std::string rules = ReadFile(SAMVERKAN_RULES_DIR "/rules-2026.1.toml");
  auto replace = [&](const std::string& from, const std::string& to) {
    const size_t at = rules.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    rules.replace(at, from.size(), to);
  };
  replace("version = \"2026.1\"", "version = \"2027.1-shadow\"");
  replace("value = [25, 50, 75, 100]", "value = [50, 75, 100]");
  TempDir dir;
  const std::string shadow_file = dir.File("rules-2027.1.toml");
  std::ofstream(shadow_file) << rules;
  gateway_.reset();
  StartGateway(shadow_file);

  const std::string p = "p-3109";
  OpenPlan(p);
  const uint64_t grant = Accept(kFk,
                                "aktivitetsersattning_granted { "
                                "grade_percent: 25 period { start "
                                "@2026-01-01 end @2028-12-31 } reason: "
                                "REDUCED_WORK_CAPACITY }",
                                p);
  // Enforced: the grade-25 grant stands, so vilande on it is accepted.
  Accept(kFk,
         "vilande_granted { benefit: DORMANT_AKTIVITETSERSATTNING period { "
         "start @2026-04-01 end @2027-03-31 } }",
         p);

  std::vector<v1::ShadowDecision> shadows;
  for (const v1::Envelope& e : GatewayRecords(gateway_->LogPath())) {
    if (e.has_shadow_decision()) shadows.push_back(e.shadow_decision());
  }
  ASSERT_FALSE(shadows.empty());
  const v1::ShadowDecision& first = shadows[0];
  EXPECT_EQ(first.event_sequence(), grant);
  EXPECT_EQ(first.enforced().rule_set_version(), "2026.1");
  EXPECT_EQ(first.enforced().rejected_by_rule(), "");
  EXPECT_EQ(first.shadow().rule_set_version(), "2027.1-shadow");
  EXPECT_EQ(first.shadow().rejected_by_rule(), "ae.grade");
  // Nobody is sent a shadow decision.
  EXPECT_EQ(AlertsDeliveredTo(kCoordinatorAlerts), 0u);
}

}  // namespace
}  // namespace samverkan::testing
