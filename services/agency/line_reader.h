// Reads an agency system's JSON lines without ever blocking the service: a
// file is followed (lines appended later are read as they come) from a
// remembered byte offset; stdin is read until it closes. Only whole lines
// (ending in a newline) are handed out, so a writer caught mid-line is read
// once it has finished the line.
#ifndef SAMVERKAN_SERVICES_AGENCY_LINE_READER_H_
#define SAMVERKAN_SERVICES_AGENCY_LINE_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "services/agency/outbox.h"

namespace samverkan::agency {

struct InputLine {
  std::string text;  // without the newline
  // Where the input stands once this line is taken.
  InputPosition after;
};

class LineReader {
 public:
  // `path` "-" reads stdin from its start (a pipe cannot be rewound, so
  // `from` only numbers its lines); any other path is followed from `from`.
  // A file that does not exist yet is waited for.
  static std::unique_ptr<LineReader> Open(const std::string& path,
                                          const InputPosition& from);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The whole lines available now, at most `max_lines`.
  StatusOr<std::vector<InputLine>> ReadAvailable(size_t max_lines);
  // True when the last read found nothing more: stdin closed, or a file
  // read to its current end with no whole line left.
  bool drained() const { return drained_; }
  // An unfinished last line (text after the last newline) is waiting.
  bool partial() const { return !buffer_.empty(); }

 private:
  LineReader(std::string path, const InputPosition& from)
      : path_(std::move(path)), position_(from) {}
  Status EnsureOpen();
  // Reads what is there now into buffer_.
  Status Fill();

  std::string path_;
  int fd_ = -1;
  bool is_stdin_ = false;
  bool closed_ = false;  // stdin reached its end
  bool drained_ = false;
  InputPosition position_;  // after the last line handed out
  std::string buffer_;      // read but not yet a whole line
};

}  // namespace samverkan::agency

#endif  // SAMVERKAN_SERVICES_AGENCY_LINE_READER_H_
