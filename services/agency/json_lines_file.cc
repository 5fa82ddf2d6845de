// Whole-line appends; recovery trims a torn last line.
#include "services/agency/json_lines_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace samverkan::agency {

StatusOr<std::unique_ptr<JsonLinesFile>> JsonLinesFile::Open(
    const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) {
    return FailedPreconditionError("cannot open " + path + ": " +
                                   std::strerror(errno));
  }
  // A line the previous run did not finish goes, so the next one starts on
  // a line of its own.
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) {
    off_t keep = st.st_size;
    char c = 0;
    while (keep > 0 && ::pread(fd, &c, 1, keep - 1) == 1 && c != '\n') --keep;
    if (keep != st.st_size && ::ftruncate(fd, keep) != 0) {
      ::close(fd);
      return FailedPreconditionError("cannot trim " + path);
    }
  }
  return std::unique_ptr<JsonLinesFile>(new JsonLinesFile(fd, path));
}

JsonLinesFile::~JsonLinesFile() { ::close(fd_); }

Status JsonLinesFile::Append(std::string_view line) {
  std::string whole(line);
  whole += '\n';
  if (::write(fd_, whole.data(), whole.size()) !=
      static_cast<ssize_t>(whole.size())) {
    return UnavailableError("cannot append to " + path_ + ": " +
                            std::strerror(errno));
  }
  return OkStatus();
}

Status JsonLinesFile::Sync() {
  if (::fdatasync(fd_) != 0) {
    return UnavailableError("cannot sync " + path_ + ": " +
                            std::strerror(errno));
  }
  return OkStatus();
}

std::vector<std::string> ReadJsonLines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string content = buffer.str();
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t end; (end = content.find('\n', start)) != std::string::npos;
       start = end + 1) {
    lines.push_back(content.substr(start, end - start));
  }
  return lines;
}

std::string JsonQuote(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out += escaped;
        } else {
          out += static_cast<char>(c);  // UTF-8 passes through as it is
        }
    }
  }
  return out + "\"";
}

}  // namespace samverkan::agency
