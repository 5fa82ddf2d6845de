// Poller: zmq_poll over the added sockets and descriptors.
#include "common/transport/poller.h"

#include "common/transport/zmq_internal.h"

namespace samverkan::transport {

size_t Poller::Add(const CurveRouter& socket) {
  items_.push_back({socket.handle(), -1});
  readable_.push_back(false);
  return items_.size() - 1;
}

size_t Poller::Add(const CurveDealer& socket) {
  items_.push_back({socket.handle(), -1});
  readable_.push_back(false);
  return items_.size() - 1;
}

size_t Poller::AddFd(int fd) {
  items_.push_back({nullptr, fd});
  readable_.push_back(false);
  return items_.size() - 1;
}

StatusOr<int> Poller::Wait(std::chrono::milliseconds timeout) {
  std::vector<zmq::pollitem_t> items;
  items.reserve(items_.size());
  for (const Item& i : items_) {
    items.push_back({i.socket, i.fd, ZMQ_POLLIN, 0});
  }
  std::fill(readable_.begin(), readable_.end(), false);
  if (timeout.count() < 0) timeout = std::chrono::milliseconds(-1);
  int ready = 0;
  try {
    ready = zmq::poll(items, timeout);
  } catch (const zmq::error_t& e) {
    if (e.num() == EINTR) return 0;
    return internal::ZmqError("poll failed", e);
  }
  for (size_t i = 0; i < items.size(); ++i) {
    readable_[i] = (items[i].revents & ZMQ_POLLIN) != 0;
  }
  return ready;
}

bool Poller::IsReadable(size_t index) const {
  return index < readable_.size() && readable_[index];
}

}  // namespace samverkan::transport
