// Redact: a recipient gets the header, the event type, and only the fields
// whose every category it is permitted; set fields alone count.
#include "gateway/consent/redactor.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace samverkan::gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::util::MessageDifferencer;
using Categories = std::set<v1::DataCategory>;

v1::Envelope Header() {
  v1::Envelope e;
  e.set_event_id("00000000-0000-4000-8000-000000000001");
  e.set_participant_id("p-1001");
  e.set_source_organisation("region-orebro");
  e.mutable_occurred_at()->set_seconds(1795000000);
  e.mutable_occurred_at()->set_nanos(17);
  e.set_schema_version(1);
  return e;
}

void SetDate(v1::Date* d, int y, int m, int day) {
  d->set_year(y);
  d->set_month(m);
  d->set_day(day);
}

v1::Envelope HealthDeteriorated() {
  v1::Envelope e = Header();
  auto* h = e.mutable_health_deteriorated();
  SetDate(h->mutable_observed_on(), 2026, 11, 2);
  h->set_work_capacity_affected(true);
  h->set_expected_duration_days(30);
  h->set_diagnosis_code("F32.1");
  h->set_clinical_note("sleeps badly, low mood");
  return e;
}

v1::Envelope ForsorjningsstodGranted() {
  v1::Envelope e = Header();
  auto* f = e.mutable_forsorjningsstod_granted();
  SetDate(f->mutable_period()->mutable_start(), 2026, 1, 1);
  f->set_monthly_amount_sek(9500);
  return e;
}

TEST(RedactorTest, HealthStatusOnlyKeepsStatusFields) {
  v1::Envelope out;
  RedactionResult r = Redact(HealthDeteriorated(), {v1::HEALTH_STATUS}, &out);
  EXPECT_TRUE(r.any_payload_field);
  EXPECT_EQ(r.disclosed, Categories{v1::HEALTH_STATUS});
  EXPECT_EQ(r.withheld, Categories{v1::HEALTH_DETAILS});
  ASSERT_TRUE(out.has_health_deteriorated());
  const auto& h = out.health_deteriorated();
  EXPECT_TRUE(h.has_observed_on());
  EXPECT_EQ(h.observed_on().day(), 2);
  EXPECT_TRUE(h.work_capacity_affected());
  EXPECT_EQ(h.expected_duration_days(), 30u);
  EXPECT_EQ(h.diagnosis_code(), "");
  EXPECT_EQ(h.clinical_note(), "");
}

TEST(RedactorTest, HealthDetailsWithoutStatusKeepsOnlyDetails) {
  v1::Envelope out;
  RedactionResult r = Redact(HealthDeteriorated(), {v1::HEALTH_DETAILS}, &out);
  EXPECT_TRUE(r.any_payload_field);
  EXPECT_EQ(r.disclosed, Categories{v1::HEALTH_DETAILS});
  EXPECT_EQ(r.withheld, Categories{v1::HEALTH_STATUS});
  const auto& h = out.health_deteriorated();
  EXPECT_FALSE(h.has_observed_on());
  EXPECT_FALSE(h.work_capacity_affected());
  EXPECT_EQ(h.diagnosis_code(), "F32.1");
}

TEST(RedactorTest, FieldWithTwoCategoriesNeedsBoth) {
  v1::Envelope out;

  RedactionResult social =
      Redact(ForsorjningsstodGranted(), {v1::SOCIAL_SERVICES}, &out);
  EXPECT_TRUE(social.any_payload_field);
  EXPECT_TRUE(out.forsorjningsstod_granted().has_period());
  EXPECT_EQ(out.forsorjningsstod_granted().monthly_amount_sek(), 0);
  EXPECT_EQ(social.disclosed, Categories{v1::SOCIAL_SERVICES});
  // The dropped amount withholds both of its categories.
  EXPECT_EQ(social.withheld, (Categories{v1::SOCIAL_SERVICES, v1::INCOME}));

  RedactionResult income =
      Redact(ForsorjningsstodGranted(), {v1::INCOME}, &out);
  EXPECT_FALSE(income.any_payload_field);
  EXPECT_TRUE(out.has_forsorjningsstod_granted());
  EXPECT_EQ(out.forsorjningsstod_granted().ByteSizeLong(), 0u);
  EXPECT_TRUE(income.disclosed.empty());

  RedactionResult both = Redact(ForsorjningsstodGranted(),
                                {v1::SOCIAL_SERVICES, v1::INCOME}, &out);
  EXPECT_TRUE(both.any_payload_field);
  EXPECT_EQ(out.forsorjningsstod_granted().monthly_amount_sek(), 9500);
  EXPECT_EQ(both.disclosed, (Categories{v1::SOCIAL_SERVICES, v1::INCOME}));
  EXPECT_TRUE(both.withheld.empty());
}

TEST(RedactorTest, NothingPermittedLeavesAnEmptyPayloadOfTheSameType) {
  v1::Envelope out;
  RedactionResult r = Redact(HealthDeteriorated(), {}, &out);
  EXPECT_FALSE(r.any_payload_field);
  EXPECT_TRUE(r.disclosed.empty());
  EXPECT_EQ(r.withheld, (Categories{v1::HEALTH_STATUS, v1::HEALTH_DETAILS}));
  ASSERT_EQ(out.payload_case(), v1::Envelope::kHealthDeteriorated);
  EXPECT_EQ(out.health_deteriorated().ByteSizeLong(), 0u);
}

TEST(RedactorTest, UnspecifiedIsNeverAPermission) {
  v1::Envelope out;
  RedactionResult r =
      Redact(HealthDeteriorated(), {v1::DATA_CATEGORY_UNSPECIFIED}, &out);
  EXPECT_FALSE(r.any_payload_field);
}

TEST(RedactorTest, HeaderIsKeptWhateverThePermission) {
  const v1::Envelope in = HealthDeteriorated();
  for (const Categories& permitted :
       {Categories{}, Categories{v1::HEALTH_STATUS}}) {
    v1::Envelope out;
    Redact(in, permitted, &out);
    EXPECT_EQ(out.event_id(), in.event_id());
    EXPECT_EQ(out.participant_id(), in.participant_id());
    EXPECT_EQ(out.source_organisation(), in.source_organisation());
    EXPECT_TRUE(
        MessageDifferencer::Equals(out.occurred_at(), in.occurred_at()));
    EXPECT_EQ(out.schema_version(), in.schema_version());
  }
}

TEST(RedactorTest, UnsetFieldsNeverCount) {
  v1::Envelope only_details = Header();
  only_details.mutable_health_deteriorated()->set_diagnosis_code("F32.1");
  v1::Envelope out;
  RedactionResult r = Redact(only_details, {v1::HEALTH_STATUS}, &out);
  // The permitted status fields are all unset: nothing to deliver.
  EXPECT_FALSE(r.any_payload_field);
  EXPECT_TRUE(r.disclosed.empty());
  EXPECT_EQ(r.withheld, Categories{v1::HEALTH_DETAILS});

  v1::Envelope only_status = Header();
  SetDate(only_status.mutable_health_deteriorated()->mutable_observed_on(),
          2026, 11, 2);
  r = Redact(only_status, {v1::HEALTH_STATUS}, &out);
  EXPECT_TRUE(r.any_payload_field);
  EXPECT_EQ(r.disclosed, Categories{v1::HEALTH_STATUS});
  // Unset detail fields are not "withheld": there was nothing to withhold.
  EXPECT_TRUE(r.withheld.empty());

  // proto3 scalars at their default are unset too.
  v1::Envelope zero = Header();
  zero.mutable_health_deteriorated()->set_work_capacity_affected(false);
  zero.mutable_health_deteriorated()->set_expected_duration_days(0);
  r = Redact(zero, {v1::HEALTH_STATUS}, &out);
  EXPECT_FALSE(r.any_payload_field);
  EXPECT_TRUE(r.withheld.empty());
}

TEST(RedactorTest, EnvelopeWithoutPayloadStaysWithout) {
  v1::Envelope out;
  out.mutable_plan_closed()->set_plan_id("stale");
  RedactionResult r = Redact(Header(), {v1::PLAN}, &out);
  EXPECT_FALSE(r.any_payload_field);
  EXPECT_EQ(out.payload_case(), v1::Envelope::PAYLOAD_NOT_SET);
  EXPECT_EQ(out.event_id(), Header().event_id());
}

TEST(RedactorTest, OutIsClearedFirst) {
  v1::Envelope out;
  out.mutable_plan_closed()->set_plan_id("stale");
  Redact(HealthDeteriorated(), {v1::HEALTH_STATUS}, &out);
  EXPECT_EQ(out.payload_case(), v1::Envelope::kHealthDeteriorated);
}

TEST(RedactorTest, RepeatedFieldsAreKeptWhole) {
  v1::Envelope in = Header();
  auto* g = in.mutable_consent_granted();
  g->set_consent_id("c-1");
  g->add_provisions()->set_type(v1::PERMIT);
  g->add_provisions()->set_type(v1::DENY);
  v1::Envelope out;
  RedactionResult r = Redact(in, {v1::PLAN}, &out);
  EXPECT_TRUE(r.any_payload_field);
  EXPECT_EQ(out.consent_granted().provisions_size(), 2);
  EXPECT_TRUE(MessageDifferencer::Equals(out, in));
}

TEST(RedactorTest, UnknownFieldsAreDropped) {
  // A newer publisher's field 99 (varint 1) inside the payload and inside a
  // nested Date: nobody declared their category, so nobody receives them.
  v1::HealthDeteriorated with_unknown;
  with_unknown.set_work_capacity_affected(true);
  std::string bytes = with_unknown.SerializeAsString();
  bytes += std::string("\x98\x06\x01", 3);
  v1::Date date;
  date.set_year(2026);
  std::string date_bytes =
      date.SerializeAsString() + std::string("\x98\x06\x01", 3);
  bytes += std::string("\x0a", 1) + static_cast<char>(date_bytes.size()) +
           date_bytes;

  v1::Envelope in = Header();
  ASSERT_TRUE(in.mutable_health_deteriorated()->ParseFromString(bytes));
  ASSERT_FALSE(in.health_deteriorated()
                   .GetReflection()
                   ->GetUnknownFields(in.health_deteriorated())
                   .empty());

  v1::Envelope out;
  RedactionResult r = Redact(in, {v1::HEALTH_STATUS}, &out);
  EXPECT_TRUE(r.any_payload_field);
  const auto& h = out.health_deteriorated();
  EXPECT_TRUE(h.GetReflection()->GetUnknownFields(h).empty());
  EXPECT_TRUE(h.observed_on()
                  .GetReflection()
                  ->GetUnknownFields(h.observed_on())
                  .empty());
  EXPECT_EQ(h.observed_on().year(), 2026);
}

// Sets every field of `m` (recursively, repeated fields twice) to a non-
// default value, so a test can cover every event type without naming any.
void FillEverything(Message* m, int depth = 0) {
  const auto* d = m->GetDescriptor();
  const auto* r = m->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    const int n = f->is_repeated() ? 2 : 1;
    for (int k = 0; k < n; ++k) {
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING:
          f->is_repeated() ? r->AddString(m, f, "s") : r->SetString(m, f, "s");
          break;
        case FieldDescriptor::CPPTYPE_INT32:
          f->is_repeated() ? r->AddInt32(m, f, 7) : r->SetInt32(m, f, 7);
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          f->is_repeated() ? r->AddInt64(m, f, 7) : r->SetInt64(m, f, 7);
          break;
        case FieldDescriptor::CPPTYPE_UINT32:
          f->is_repeated() ? r->AddUInt32(m, f, 7) : r->SetUInt32(m, f, 7);
          break;
        case FieldDescriptor::CPPTYPE_UINT64:
          f->is_repeated() ? r->AddUInt64(m, f, 7) : r->SetUInt64(m, f, 7);
          break;
        case FieldDescriptor::CPPTYPE_BOOL:
          f->is_repeated() ? r->AddBool(m, f, true) : r->SetBool(m, f, true);
          break;
        case FieldDescriptor::CPPTYPE_ENUM: {
          const auto* v =
              f->enum_type()->value(f->enum_type()->value_count() - 1);
          f->is_repeated() ? r->AddEnum(m, f, v) : r->SetEnum(m, f, v);
          break;
        }
        case FieldDescriptor::CPPTYPE_MESSAGE:
          if (depth < 3) {
            FillEverything(f->is_repeated() ? r->AddMessage(m, f)
                                            : r->MutableMessage(m, f),
                           depth + 1);
          }
          break;
        default:
          ADD_FAILURE() << "no filler for " << f->full_name();
      }
    }
  }
}

// Every payload type, without naming any: all permitted → the event as is;
// nothing permitted → an empty payload of the same type.
TEST(RedactorTest, EveryPayloadTypeIsRedactedBySchemaAlone) {
  Categories all;
  for (int c = 1; c <= v1::DataCategory_MAX; ++c) {
    all.insert(static_cast<v1::DataCategory>(c));
  }
  const auto* oneof = v1::Envelope::descriptor()->FindOneofByName("payload");
  for (int i = 0; i < oneof->field_count(); ++i) {
    const FieldDescriptor* payload = oneof->field(i);
    SCOPED_TRACE(payload->name());
    v1::Envelope in = Header();
    FillEverything(in.GetReflection()->MutableMessage(&in, payload));

    v1::Envelope out;
    RedactionResult r = Redact(in, all, &out);
    EXPECT_TRUE(r.any_payload_field);
    EXPECT_TRUE(r.withheld.empty());
    EXPECT_FALSE(r.disclosed.empty());
    EXPECT_TRUE(MessageDifferencer::Equals(out, in));

    r = Redact(in, {}, &out);
    EXPECT_FALSE(r.any_payload_field);
    EXPECT_TRUE(r.disclosed.empty());
    ASSERT_EQ(out.GetReflection()->GetOneofFieldDescriptor(out, oneof),
              payload);
    EXPECT_EQ(out.GetReflection()->GetMessage(out, payload).ByteSizeLong(), 0u);
  }
}

// RedactToBytes serialises the event itself when nothing is dropped: its
// bytes must be exactly those of redacting and serialising, for every payload
// type and permission, with and without unknown fields at any depth.
TEST(RedactorTest, RedactToBytesIsRedactThenSerialise) {
  const auto* oneof = v1::Envelope::descriptor()->FindOneofByName("payload");
  std::vector<CategoryMask> permissions = {0, kAllCategories};
  for (int c = 1; c <= v1::DataCategory_MAX; ++c) {
    permissions.push_back(CategoryBit(c));
    permissions.push_back(kAllCategories & ~CategoryBit(c));
  }
  const std::string unknown("\x98\x06\x01", 3);  // field 99, varint 1
  for (int i = 0; i < oneof->field_count(); ++i) {
    const FieldDescriptor* payload = oneof->field(i);
    SCOPED_TRACE(payload->name());
    v1::Envelope plain = Header();
    Message* filled = plain.GetReflection()->MutableMessage(&plain, payload);
    FillEverything(filled);
    // The same event with an unknown field in the payload, in the first
    // message inside it, and in the envelope.
    std::vector<v1::Envelope> variants = {plain, plain, plain, plain};
    Message* p1 =
        variants[1].GetReflection()->MutableMessage(&variants[1], payload);
    ASSERT_TRUE(p1->MergeFromString(unknown));
    Message* p2 =
        variants[2].GetReflection()->MutableMessage(&variants[2], payload);
    for (int f = 0; f < p2->GetDescriptor()->field_count(); ++f) {
      const FieldDescriptor* field = p2->GetDescriptor()->field(f);
      if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
      Message* inner =
          field->is_repeated()
              ? p2->GetReflection()->MutableRepeatedMessage(p2, field, 0)
              : p2->GetReflection()->MutableMessage(p2, field);
      ASSERT_TRUE(inner->MergeFromString(unknown));
      break;
    }
    ASSERT_TRUE(variants[3].MergeFromString(unknown));
    for (size_t v = 0; v < variants.size(); ++v) {
      for (CategoryMask permitted : permissions) {
        SCOPED_TRACE("variant " + std::to_string(v) + ", permission " +
                     std::to_string(permitted));
        v1::Envelope redacted;
        const RedactionMasks expected =
            RedactByMask(variants[v], permitted, &redacted);
        v1::Envelope scratch;
        std::string bytes;
        const RedactionMasks got =
            RedactToBytes(variants[v], permitted, &scratch, &bytes);
        EXPECT_EQ(bytes, redacted.SerializeAsString());
        EXPECT_EQ(got.any_payload_field, expected.any_payload_field);
        EXPECT_EQ(got.disclosed, expected.disclosed);
        EXPECT_EQ(got.withheld, expected.withheld);
      }
    }
  }
}

}  // namespace
}  // namespace samverkan::gateway
