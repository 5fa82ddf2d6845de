// poll() with no wait on stdin, plain reads to the end on a file.
#include "services/agency/line_reader.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace samverkan::agency {

std::unique_ptr<LineReader> LineReader::Open(const std::string& path,
                                             const InputPosition& from) {
  return std::unique_ptr<LineReader>(new LineReader(path, from));
}

LineReader::~LineReader() {
  if (fd_ >= 0 && !is_stdin_) ::close(fd_);
}

Status LineReader::EnsureOpen() {
  if (fd_ >= 0) return OkStatus();
  if (path_ == "-") {
    fd_ = STDIN_FILENO;
    is_stdin_ = true;
    return OkStatus();
  }
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    if (errno == ENOENT) return OkStatus();  // not written yet
    return FailedPreconditionError("cannot read " + path_ + ": " +
                                   std::strerror(errno));
  }
  if (::lseek(fd_, static_cast<off_t>(position_.byte_offset), SEEK_SET) < 0) {
    return FailedPreconditionError("cannot seek in " + path_);
  }
  return OkStatus();
}

Status LineReader::Fill() {
  // Bounded, so a huge file is taken in slices, never all in memory.
  constexpr size_t kMaxBuffered = 1 << 20;
  char chunk[65536];
  while (buffer_.size() < kMaxBuffered) {
    if (is_stdin_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 0) <= 0) return OkStatus();
    }
    const ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return UnavailableError("cannot read " + path_ + ": " +
                              std::strerror(errno));
    }
    if (n == 0) {
      closed_ = is_stdin_;  // a followed file may still grow
      return OkStatus();
    }
    buffer_.append(chunk, static_cast<size_t>(n));
  }
  return OkStatus();
}

StatusOr<std::vector<InputLine>> LineReader::ReadAvailable(size_t max_lines) {
  if (Status s = EnsureOpen(); !s.ok()) return s;
  if (fd_ >= 0 && !closed_) {
    if (Status s = Fill(); !s.ok()) return s;
  }
  std::vector<InputLine> lines;
  auto hand_out = [&](size_t start, size_t length, size_t consumed) {
    position_.byte_offset += consumed;
    ++position_.line_number;
    lines.push_back({buffer_.substr(start, length), position_});
  };
  size_t start = 0;
  for (size_t end; lines.size() < max_lines &&
                   (end = buffer_.find('\n', start)) != std::string::npos;
       start = end + 1) {
    hand_out(start, end - start, end + 1 - start);
  }
  buffer_.erase(0, start);
  if (closed_ && !buffer_.empty() && lines.size() < max_lines) {
    // stdin ended without a final newline: the rest is still a line.
    hand_out(0, buffer_.size(), buffer_.size());
    buffer_.clear();
  }
  drained_ = lines.empty();
  return lines;
}

}  // namespace samverkan::agency
