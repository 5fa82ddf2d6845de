// An append-only JSON-lines file the service writes for the agency system
// (the replies, the rejected lines): one write per line so a kill cannot
// split one, a last line cut short by a crash removed on open, fsync on
// demand.
#ifndef SAMVERKAN_SERVICES_AGENCY_JSON_LINES_FILE_H_
#define SAMVERKAN_SERVICES_AGENCY_JSON_LINES_FILE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace samverkan::agency {

class JsonLinesFile {
 public:
  // Opens (creating) `path` for appending.
  static StatusOr<std::unique_ptr<JsonLinesFile>> Open(const std::string& path);
  ~JsonLinesFile();
  JsonLinesFile(const JsonLinesFile&) = delete;
  JsonLinesFile& operator=(const JsonLinesFile&) = delete;

  // Appends `line` (no newline) and a newline.
  Status Append(std::string_view line);
  // Makes what was appended durable (fdatasync).
  Status Sync();
  const std::string& path() const { return path_; }

 private:
  JsonLinesFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

// The whole lines of a file (an unfinished last line left out); empty when
// the file does not exist.
std::vector<std::string> ReadJsonLines(const std::string& path);

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(std::string_view text);

}  // namespace samverkan::agency

#endif  // SAMVERKAN_SERVICES_AGENCY_JSON_LINES_FILE_H_
