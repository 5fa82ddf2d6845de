// Hash-chain verification; the procedure is described in log_format.md.
#include "gateway/log/verifier.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "gateway/log/chain.h"
#include "samverkan/payload_type.h"
#include "samverkan/v1/envelope.pb.h"

namespace samverkan::gateway {
namespace {

// Records per Read: bounds memory however long the slice is.
constexpr size_t kReadChunk = 512;

std::string Seq(uint64_t sequence) {
  return "record " + std::to_string(sequence);
}

Digest Recompute(const Digest& prev_hash, const StoredRecord& r) {
  return ChainHash(prev_hash, r.sequence, r.recorded_at_us, r.kind, r.body);
}

// The first metadata column that disagrees with the envelope in the body,
// as a sentence fragment; "" when all agree.
std::string CheckMetadata(const StoredRecord& r) {
  v1::Envelope envelope;
  if (!envelope.ParseFromString(r.body)) {
    return "its body does not parse as an Envelope";
  }
  const std::string payload_type = PayloadTypeName(envelope);
  const struct {
    const char* column;
    const std::string& stored;
    const std::string& in_body;
  } fields[] = {
      {"event_id", r.event_id, envelope.event_id()},
      {"participant_id", r.participant_id, envelope.participant_id()},
      {"source_organisation", r.source_organisation,
       envelope.source_organisation()},
      {"payload_type", r.payload_type, payload_type},
  };
  for (const auto& f : fields) {
    if (f.stored != f.in_body) {
      return std::string("its ") + f.column + " column \"" + f.stored +
             "\" does not match the envelope's \"" + f.in_body + "\"";
    }
  }
  return "";
}

// Walks one slice, carrying the link from record to record.
class SliceVerifier {
 public:
  SliceVerifier(LogStore& store, uint64_t first, uint64_t last,
                const LogHead& head)
      : store_(store), first_(first), last_(last), head_(head) {
    result_.verified_through = first - 1;
  }

  StatusOr<VerifyResult> Run() {
    Digest link = kGenesisHash;
    if (first_ > 1) {
      StatusOr<bool> anchored = Anchor(&link);
      if (!anchored.ok()) return anchored.status();
      if (!*anchored) return result_;
    }
    uint64_t next = first_;
    // After a DataLoss from a multi-record read, read one at a time so that
    // the unreadable record can be named.
    bool one_by_one = false;
    std::vector<StoredRecord> records;
    while (next <= last_) {
      const size_t want =
          one_by_one ? 1 : std::min<uint64_t>(kReadChunk, last_ - next + 1);
      Status s = store_.Read(next, want, &records);
      if (s.code() == StatusCode::kDataLoss) {
        if (!one_by_one) {
          one_by_one = true;
          continue;
        }
        return Bad(next, "cannot be read (" + s.message() + ")");
      }
      if (!s.ok()) return s;
      if (records.empty()) {
        return Bad(next, "is missing: the log ends at " +
                             std::to_string(next - 1) + " but its head is " +
                             std::to_string(head_.sequence));
      }
      for (const StoredRecord& r : records) {
        if (next > last_) break;
        if (!Check(r, next, link)) return result_;
        link = r.hash;
        result_.verified_through = next;
        ++next;
      }
    }
    return result_;
  }

 private:
  // Reads record first_ - 1, checks it against its own prev_hash, and makes
  // its stored hash the link. False (with result_ set) when it is bad.
  StatusOr<bool> Anchor(Digest* link) {
    const uint64_t anchor = first_ - 1;
    std::vector<StoredRecord> records;
    Status s = store_.Read(anchor, 1, &records);
    if (s.code() == StatusCode::kDataLoss) {
      Bad(anchor, "cannot be read (" + s.message() + ")");
      return false;
    }
    if (!s.ok()) return s;
    if (records.empty() || records[0].sequence != anchor) {
      Bad(anchor, "is missing, so " + Seq(first_) + " cannot be linked");
      return false;
    }
    const StoredRecord& r = records[0];
    if (Recompute(r.prev_hash, r) != r.hash) {
      Bad(anchor, "does not match its own hash (body, time or kind changed)");
      return false;
    }
    *link = r.hash;
    return true;
  }

  bool Check(const StoredRecord& r, uint64_t expected, const Digest& link) {
    if (r.sequence != expected) {
      Bad(expected, "is missing: the log jumps from " +
                        std::to_string(expected - 1) + " to " +
                        std::to_string(r.sequence));
      return false;
    }
    if (r.kind != v1::EVENT && r.kind != v1::GATEWAY_EVENT) {
      Bad(expected, "has unknown kind " + std::to_string(r.kind));
      return false;
    }
    if (r.prev_hash != link) {
      Bad(expected, expected == 1
                        ? "has a prev_hash that is not the genesis hash"
                        : "has a prev_hash that does not link to the hash "
                          "of " +
                              Seq(expected - 1));
      return false;
    }
    if (Recompute(link, r) != r.hash) {
      Bad(expected,
          "does not match its stored hash (body, time, kind or hash changed)");
      return false;
    }
    if (std::string wrong = CheckMetadata(r); !wrong.empty()) {
      Bad(expected, "is inconsistent: " + wrong);
      return false;
    }
    if (r.sequence == head_.sequence && r.hash != head_.hash) {
      Bad(expected, "is the head but its hash is not the head the store holds");
      return false;
    }
    return true;
  }

  VerifyResult Bad(uint64_t sequence, const std::string& what) {
    result_.ok = false;
    result_.first_bad_sequence = sequence;
    result_.verified_through = std::min(result_.verified_through, sequence - 1);
    result_.message = Seq(sequence) + " " + what + ".";
    return result_;
  }

  LogStore& store_;
  const uint64_t first_;
  const uint64_t last_;
  const LogHead head_;
  VerifyResult result_;
};

}  // namespace

StatusOr<VerifyResult> VerifyChain(LogStore& store, uint64_t from_sequence,
                                   uint64_t limit) {
  // The head bounds the walk: a record missing at the end is then a gap, not
  // the end of the log (as long as the head itself is trustworthy, e.g. the
  // writer's in-memory head).
  StatusOr<LogHead> head = store.Head();
  if (!head.ok()) return head.status();
  const uint64_t first = std::max<uint64_t>(from_sequence, 1);
  const uint64_t end_exclusive =
      limit > std::numeric_limits<uint64_t>::max() - first
          ? std::numeric_limits<uint64_t>::max()
          : first + limit;
  const uint64_t last = std::min(end_exclusive - 1, head->sequence);
  if (limit == 0 || first > last) {
    VerifyResult nothing;
    nothing.verified_through = std::min(first - 1, head->sequence);
    return nothing;
  }
  return SliceVerifier(store, first, last, *head).Run();
}

}  // namespace samverkan::gateway
