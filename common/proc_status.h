// One field of a process's /proc/<pid>/status (VmRSS, VmHWM, ...), the
// memory figures the gateway's /metrics, the fault suite and the bench
// report. Linux only, as the deployment is.
#ifndef SAMVERKAN_COMMON_PROC_STATUS_H_
#define SAMVERKAN_COMMON_PROC_STATUS_H_

#include <cstdint>
#include <string_view>

namespace samverkan {

// The value of `field` in kB (as /proc gives VmRSS and the like) for the
// process `pid` ("self" for this one); 0 when the process or the field is
// not there.
uint64_t ProcStatusKib(std::string_view pid, std::string_view field);

}  // namespace samverkan

#endif  // SAMVERKAN_COMMON_PROC_STATUS_H_
