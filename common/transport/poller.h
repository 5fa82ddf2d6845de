// Waits on several transport sockets (and plain file descriptors, e.g. an
// eventfd another thread writes to wake a loop) at once, without the caller
// including ZeroMQ.
#ifndef SAMVERKAN_COMMON_TRANSPORT_POLLER_H_
#define SAMVERKAN_COMMON_TRANSPORT_POLLER_H_

#include <chrono>
#include <cstddef>
#include <vector>

#include "common/status.h"
#include "common/transport/client_socket.h"
#include "common/transport/server_socket.h"

namespace samverkan::transport {

// Holds non-owning references: the sockets must outlive the Poller (moving a
// socket object is fine; its ZeroMQ socket stays put). Use from the sockets'
// thread.
class Poller {
 public:
  // Each returns the item's index for IsReadable().
  size_t Add(const CurveRouter& socket);
  size_t Add(const CurveDealer& socket);
  size_t AddFd(int fd);

  // Waits until at least one item is readable or `timeout` passes (negative:
  // forever); returns how many are readable (0 on timeout or interruption).
  StatusOr<int> Wait(std::chrono::milliseconds timeout);
  // After Wait(): whether item `index` had something to read. A readable
  // socket may still yield nothing from TryReceive (a discarded message).
  bool IsReadable(size_t index) const;

 private:
  struct Item {
    void* socket;
    int fd;
  };
  std::vector<Item> items_;
  std::vector<bool> readable_;
};

}  // namespace samverkan::transport

#endif  // SAMVERKAN_COMMON_TRANSPORT_POLLER_H_
