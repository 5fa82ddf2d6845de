// Recovery on open, whole-line appends, explicit sync.
#include "services/inbox/inbox_file.h"

#include <fcntl.h>
#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace samverkan::inbox {

std::string DeliveryToJsonLine(const v1::Delivery& delivery) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(delivery, &json, options);
  return json;
}

StatusOr<v1::Delivery> DeliveryFromJsonLine(const std::string& line) {
  v1::Delivery d;
  auto s = google::protobuf::util::JsonStringToMessage(line, &d);
  if (!s.ok()) {
    return InvalidArgumentError("not a delivery line: " +
                                std::string(s.message()));
  }
  return d;
}

StatusOr<std::unique_ptr<InboxFile>> InboxFile::Open(const std::string& path) {
  std::string content;
  {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    content = buffer.str();
  }
  // Everything after the last newline is a line the previous run did not
  // finish; it was never counted as received, so it goes.
  const size_t end = content.rfind('\n');
  const size_t keep = end == std::string::npos ? 0 : end + 1;
  uint64_t last = 0;
  if (keep > 0) {
    const size_t start = content.rfind('\n', keep - 2);
    const std::string line =
        content.substr(start == std::string::npos ? 0 : start + 1,
                       keep - 1 - (start == std::string::npos ? 0 : start + 1));
    auto d = DeliveryFromJsonLine(line);
    if (!d.ok()) {
      return DataLossError(
          path + ": last line is not a delivery: " + d.status().message());
    }
    last = d->recipient_sequence();
  }
  int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) {
    return FailedPreconditionError("cannot open " + path + ": " +
                                   std::strerror(errno));
  }
  if (::ftruncate(fd, static_cast<off_t>(keep)) != 0) {
    ::close(fd);
    return FailedPreconditionError("cannot trim " + path + ": " +
                                   std::strerror(errno));
  }
  return std::unique_ptr<InboxFile>(new InboxFile(fd, last));
}

InboxFile::~InboxFile() { ::close(fd_); }

Status InboxFile::Append(const v1::Delivery& delivery) {
  const std::string line = DeliveryToJsonLine(delivery) + "\n";
  const ssize_t n = ::write(fd_, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) {
    return UnavailableError(std::string("cannot append to the inbox: ") +
                            std::strerror(errno));
  }
  last_ = delivery.recipient_sequence();
  return OkStatus();
}

Status InboxFile::Sync() {
  if (::fdatasync(fd_) != 0) {
    return UnavailableError(std::string("cannot sync the inbox: ") +
                            std::strerror(errno));
  }
  return OkStatus();
}

}  // namespace samverkan::inbox
