// Tamper evidence end to end: events written through a real gateway, one
// byte of one stored record changed behind its back with raw SQLite while it
// is stopped, and after a restart `samverkan-operator verify` must name
// exactly that record and exit 1. The gateway itself keeps serving: a broken
// chain is for an operator to investigate, not a reason to refuse events.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <string>
#include <vector>

#include "gateway/log/sqlite_log_store.h"
#include "gateway/log/verifier.h"
#include "gateway/testing/test_envelopes.h"
#include "samverkan/v1/envelope.pb.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/log_reader.h"
#include "tests/support/plan_setup.h"

namespace samverkan::testing {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

// Records 1 and 2 are the participant's consent and plan; 3-14 the events.
constexpr int kEvents = 12;
constexpr uint64_t kRecords = kEvents + 2;
constexpr uint64_t kTampered = 7;

// The clinical note of the event stored at `sequence`.
std::string Note(uint64_t sequence) {
  return "anteckning vid sekvens " + std::to_string(sequence);
}

// Flips one bit of the first byte of `needle` inside the body of record
// `sequence`, directly in the SQLite file. Returns what went wrong, or "".
std::string FlipByteInBody(const std::string& path, uint64_t sequence,
                           const std::string& needle) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) !=
      SQLITE_OK) {
    std::string error = sqlite3_errmsg(db);
    sqlite3_close(db);
    return "open: " + error;
  }
  std::string problem;
  std::string body;
  sqlite3_stmt* select = nullptr;
  sqlite3_prepare_v2(db, "SELECT body FROM records WHERE sequence = ?", -1,
                     &select, nullptr);
  sqlite3_bind_int64(select, 1, static_cast<sqlite3_int64>(sequence));
  if (sqlite3_step(select) == SQLITE_ROW) {
    body.assign(static_cast<const char*>(sqlite3_column_blob(select, 0)),
                static_cast<size_t>(sqlite3_column_bytes(select, 0)));
  } else {
    problem = "no record " + std::to_string(sequence);
  }
  sqlite3_finalize(select);

  const size_t at = body.find(needle);
  if (problem.empty() && at == std::string::npos) {
    problem = "'" + needle + "' is not in the body";
  }
  if (problem.empty()) {
    body[at] ^= 0x01;
    sqlite3_stmt* update = nullptr;
    sqlite3_prepare_v2(db, "UPDATE records SET body = ? WHERE sequence = ?", -1,
                       &update, nullptr);
    sqlite3_bind_blob(update, 1, body.data(), static_cast<int>(body.size()),
                      SQLITE_TRANSIENT);
    sqlite3_bind_int64(update, 2, static_cast<sqlite3_int64>(sequence));
    if (sqlite3_step(update) != SQLITE_DONE) {
      problem = std::string("update: ") + sqlite3_errmsg(db);
    } else if (sqlite3_changes(db) != 1) {
      problem =
          "update changed " + std::to_string(sqlite3_changes(db)) + " rows";
    }
    sqlite3_finalize(update);
  }
  if (sqlite3_close(db) != SQLITE_OK && problem.empty()) problem = "close";
  return problem;
}

// The words of `text` that are all digits; digits inside a longer word (a
// hex hash, say) are not numbers a reader would take for a sequence.
std::vector<std::string> Numbers(const std::string& text) {
  std::vector<std::string> out;
  auto word_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  };
  for (size_t i = 0; i < text.size();) {
    if (!word_char(text[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && word_char(text[end])) ++end;
    const std::string word = text.substr(i, end - i);
    if (std::all_of(word.begin(), word.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        })) {
      out.push_back(word);
    }
    i = end;
  }
  return out;
}

TEST(TamperTest, OperatorVerifyNamesTheAlteredRecord) {
  GatewayFixtureOptions options;
  options.parties = {{kRegion, v1::REGION_PSYCHIATRY, {v1::PUBLISHER}},
                     {kOperator, v1::PARTY_KIND_UNSPECIFIED, {v1::OPERATOR}}};
  auto created = GatewayFixture::Create(options);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  GatewayFixture& gateway = **created;
  Status started = gateway.Start();
  ASSERT_TRUE(started.ok()) << started.ToString();

  // Events stored at sequences [first, first + count).
  auto submit_all = [&](uint64_t first, uint64_t count) {
    auto client = gateway.ConnectIngress(kRegion);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    for (uint64_t sequence = first; sequence < first + count; ++sequence) {
      v1::Envelope e = gateway::testing::MakeEnvelope(kRegion);
      e.mutable_health_deteriorated()->set_clinical_note(Note(sequence));
      auto reply = (*client)->SubmitAndWait(e.SerializeAsString(), 15s);
      ASSERT_TRUE(reply.ok()) << reply.status().ToString();
      ASSERT_EQ(reply->outcome(), v1::ACCEPTED) << reply->ShortDebugString();
      ASSERT_EQ(reply->sequence(), sequence);
    }
  };
  {
    auto client = gateway.ConnectIngress(kRegion);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    auto setup =
        OpenPlanWithConsent(**client, kRegion, "p-1001", options.parties);
    ASSERT_TRUE(setup.ok()) << setup.status().ToString();
    ASSERT_EQ(setup->sequences.back(), kRecords - kEvents);
  }
  submit_all(kRecords - kEvents + 1, kEvents);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());

  // Intact before anyone touches it: the finding below is the tampering.
  auto before = gateway.RunOperator(kOperator, {"verify"});
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  ASSERT_EQ(before->exit.code, 0) << before->out << before->err;
  ASSERT_THAT(before->out,
              HasSubstr("chain intact: " + std::to_string(kRecords) +
                        " records verified"));

  Status stopped = gateway.Stop();
  ASSERT_TRUE(stopped.ok()) << stopped.ToString();
  const std::string problem =
      FlipByteInBody(gateway.LogPath(), kTampered, Note(kTampered));
  ASSERT_EQ(problem, "");

  Status restarted = gateway.Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  auto after = gateway.RunOperator(kOperator, {"verify"});
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->exit.code, 1) << after->exit.ToString();
  const std::string named =
      "chain BROKEN at sequence " + std::to_string(kTampered) + ":";
  EXPECT_THAT(after->out, HasSubstr(named)) << after->err;
  // Only that record is accused: no other number is printed.
  const std::vector<std::string> numbers = Numbers(after->out);
  EXPECT_FALSE(numbers.empty());
  for (const std::string& n : numbers) {
    EXPECT_EQ(n, std::to_string(kTampered))
        << "verify also names " << n << ": " << after->out;
  }

  // The same finding from the file directly, read-only.
  auto log = OpenLogReadOnly(gateway.LogPath());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  auto direct = gateway::VerifyChain(**log, 1, kRecords);
  ASSERT_TRUE(direct.ok()) << direct.status().ToString();
  EXPECT_FALSE(direct->ok);
  EXPECT_EQ(direct->first_bad_sequence, kTampered) << direct->message;
  EXPECT_EQ(direct->verified_through, kTampered - 1);

  // Appending continues after the altered record; the finding stays.
  submit_all(kRecords + 1, 1);
  auto still = gateway.RunOperator(kOperator, {"verify"});
  ASSERT_TRUE(still.ok()) << still.status().ToString();
  EXPECT_EQ(still->exit.code, 1);
  EXPECT_THAT(still->out, HasSubstr("chain BROKEN at sequence 7:"));
}

}  // namespace
}  // namespace samverkan::testing
