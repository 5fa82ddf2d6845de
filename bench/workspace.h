// The benchmark's temporary folder: the gateway's keypair, one keypair per
// publisher (plus an operator key for stats), the key registry and the
// gateway config, exactly as an installation would have them.
#ifndef SAMVERKAN_BENCH_WORKSPACE_H_
#define SAMVERKAN_BENCH_WORKSPACE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/transport/curve_keys.h"

namespace samverkan::bench {

struct Publisher {
  std::string organisation;
  transport::CurveKeypair keypair;
};

class Workspace {
 public:
  // Creates a fresh folder under `parent` (the system temp folder if empty)
  // with `publishers` REGION_PSYCHIATRY publisher keys registered.
  // `extra_config` is appended to the gateway's [gateway] table.
  static StatusOr<Workspace> Create(const std::string& parent,
                                    size_t publishers,
                                    const std::string& extra_config = "");

  // Removes the folder unless Keep() was called.
  ~Workspace();
  Workspace(Workspace&& other) noexcept;
  Workspace& operator=(Workspace&&) = delete;
  Workspace(const Workspace&) = delete;

  void Keep() { keep_ = true; }
  // A new, empty subfolder of the workspace, e.g. one per round.
  StatusOr<std::string> NewFolder(const std::string& name) const;
  // Removes a subfolder and everything in it, if it exists.
  void RemoveFolder(const std::string& name) const;

  const std::string& root() const { return root_; }
  const std::string& config_file() const { return config_file_; }
  const std::vector<Publisher>& publishers() const { return publishers_; }
  const transport::CurveKeypair& operator_key() const { return operator_; }
  // The gateway's own keypair (also in gateway.key).
  const transport::CurveKeypair& gateway_key() const { return gateway_; }

 private:
  Workspace() = default;

  std::string root_;
  std::string config_file_;
  std::vector<Publisher> publishers_;
  transport::CurveKeypair operator_;
  transport::CurveKeypair gateway_;
  bool keep_ = false;
};

}  // namespace samverkan::bench

#endif  // SAMVERKAN_BENCH_WORKSPACE_H_
