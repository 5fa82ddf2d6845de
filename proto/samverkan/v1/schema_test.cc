// The schema's own invariants: every payload field declares a data category
// (the consent stage redacts by it), and the catalogue is wired into the
// envelope exactly once per event type.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "samverkan/v1/envelope.pb.h"
#include "samverkan/v1/options.pb.h"

namespace samverkan::v1 {
namespace {

const google::protobuf::OneofDescriptor* PayloadOneof() {
  return Envelope::descriptor()->FindOneofByName("payload");
}

TEST(SchemaTest, EveryPayloadFieldDeclaresACategory) {
  const auto* oneof = PayloadOneof();
  ASSERT_NE(oneof, nullptr);
  for (int i = 0; i < oneof->field_count(); ++i) {
    const auto* payload = oneof->field(i)->message_type();
    for (int f = 0; f < payload->field_count(); ++f) {
      const auto* field = payload->field(f);
      EXPECT_GT(field->options().ExtensionSize(category), 0)
          << field->full_name() << " has no data category";
      for (int c = 0; c < field->options().ExtensionSize(category); ++c) {
        EXPECT_NE(field->options().GetExtension(category, c),
                  DATA_CATEGORY_UNSPECIFIED)
            << field->full_name();
      }
    }
  }
}

TEST(SchemaTest, EachEventTypeAppearsOnceInTheEnvelope) {
  const auto* oneof = PayloadOneof();
  std::set<std::string> types;
  for (int i = 0; i < oneof->field_count(); ++i) {
    ASSERT_EQ(oneof->field(i)->type(),
              google::protobuf::FieldDescriptor::TYPE_MESSAGE);
    EXPECT_TRUE(
        types.insert(oneof->field(i)->message_type()->full_name()).second)
        << oneof->field(i)->name();
  }
}

TEST(SchemaTest, BirthMonthIsIdentityNotPlan) {
  const auto* field = PlanOpened::descriptor()->FindFieldByName("birth_month");
  ASSERT_NE(field, nullptr);
  ASSERT_EQ(field->options().ExtensionSize(category), 1);
  EXPECT_EQ(field->options().GetExtension(category, 0), IDENTITY);
}

}  // namespace
}  // namespace samverkan::v1
