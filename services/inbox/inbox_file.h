// A party's inbox as an append-only JSON-lines file, one delivery per line.
// The file is its own cursor: the last whole line holds the last recipient
// sequence received, so a restart resumes exactly there, with nothing lost and
// nothing twice, and no second file to keep in step.
#ifndef SAMVERKAN_SERVICES_INBOX_INBOX_FILE_H_
#define SAMVERKAN_SERVICES_INBOX_INBOX_FILE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "samverkan/v1/delivery.pb.h"

namespace samverkan::inbox {

class InboxFile {
 public:
  // Opens (creating) `path`; a last line cut short by a crash is removed.
  static StatusOr<std::unique_ptr<InboxFile>> Open(const std::string& path);
  ~InboxFile();
  InboxFile(const InboxFile&) = delete;
  InboxFile& operator=(const InboxFile&) = delete;

  // The last recipient sequence in the file; 0 when empty.
  uint64_t last() const { return last_; }
  // Appends one delivery as a line, in one write so a kill cannot split it.
  Status Append(const v1::Delivery& delivery);
  // Makes what was appended durable (fdatasync).
  Status Sync();

 private:
  InboxFile(int fd, uint64_t last) : fd_(fd), last_(last) {}
  int fd_;
  uint64_t last_;
};

// One line of the file (no newline) and back.
std::string DeliveryToJsonLine(const v1::Delivery& delivery);
StatusOr<v1::Delivery> DeliveryFromJsonLine(const std::string& line);

}  // namespace samverkan::inbox

#endif  // SAMVERKAN_SERVICES_INBOX_INBOX_FILE_H_
