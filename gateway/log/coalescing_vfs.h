// An SQLite VFS that gathers the writer's WAL appends into one write per
// commit.
//
// SQLite writes a WAL frame as two pwrite calls, its 24-byte header and its
// page, so a commit of one event (about eight pages) made 15-17 system
// calls before its fsync, and a commit under full load about 450
// (docs/BENCHMARKS.md). This VFS wraps the default one; for a WAL file it
// keeps consecutive writes in memory and hands them to the file as one
// write when SQLite syncs, reads, truncates, asks the size, closes, writes
// elsewhere, or has buffered kMaxWriteBytes. Every other file is the
// default VFS's own, untouched.
//
// Only for connections with synchronous=FULL (or EXTRA), where a commit
// returns only after SQLite's sync of the WAL: the sync first writes out
// everything buffered, so what is acknowledged is on disk exactly as
// before. With NORMAL a commit does not sync, and frames still buffered
// here would die with the process (a test of the store showed it). What a crash
// loses is what an unsynced write could lose anyway: frames of a transaction
// that had not committed, which recovery ignores by their checksums. Readers on
// other connections only read frames the wal-index lists, which it lists after
// the sync. A write that fails is reported by the call that flushed it
// (often the sync), so the commit fails and rolls back as it would have.
#ifndef SAMVERKAN_GATEWAY_LOG_COALESCING_VFS_H_
#define SAMVERKAN_GATEWAY_LOG_COALESCING_VFS_H_

#include <cstddef>
#include <cstdint>

namespace samverkan::gateway {

class CoalescingVfs {
 public:
  // The unix VFS writes at most 128 KiB - 1 bytes a call and reports the
  // rest as a full disk, so writes are handed over in pieces of this.
  static constexpr size_t kMaxWriteBytes = size_t{64} << 10;

  // Registers the VFS on first use (thread-safe) and returns its name, for
  // sqlite3_open_v2; nullptr if SQLite has no default VFS to wrap.
  static const char* Name();

  // Counted over every file of the process: WAL writes SQLite asked for,
  // and the writes the files got. For tests and the bench.
  struct Counts {
    uint64_t writes_asked = 0;
    uint64_t writes_made = 0;
  };
  static Counts counts();
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_LOG_COALESCING_VFS_H_
