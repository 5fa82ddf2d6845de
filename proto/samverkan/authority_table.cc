// Reads published_by from every payload message once, at start-up.
#include "samverkan/authority_table.h"

#include "samverkan/v1/envelope.pb.h"

namespace samverkan {

const AuthorityTable& AuthorityTable::FromSchema() {
  static const AuthorityTable* table = [] {
    auto* t = new AuthorityTable;
    const auto* oneof = v1::Envelope::descriptor()->FindOneofByName("payload");
    for (int i = 0; i < oneof->field_count(); ++i) {
      const auto* field = oneof->field(i);
      const auto& options = field->message_type()->options();
      auto& kinds = t->publishers_[field->name()];
      for (int k = 0; k < options.ExtensionSize(v1::published_by); ++k) {
        kinds.insert(options.GetExtension(v1::published_by, k));
      }
    }
    return t;
  }();
  return *table;
}

const std::set<v1::PartyKind>& AuthorityTable::Publishers(
    std::string_view payload_type) const {
  static const std::set<v1::PartyKind> kNobody;
  auto it = publishers_.find(payload_type);
  return it == publishers_.end() ? kNobody : it->second;
}

std::string AuthorityTable::DescribePublishers(
    std::string_view payload_type) const {
  const auto& kinds = Publishers(payload_type);
  if (kinds.empty()) return "only the gateway itself";
  std::string out;
  for (v1::PartyKind k : kinds) {
    if (!out.empty()) out += " or ";
    out += v1::PartyKind_Name(k);
  }
  return out;
}

}  // namespace samverkan
