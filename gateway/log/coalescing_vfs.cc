// The WAL-gathering VFS of coalescing_vfs.h. SQLite's C interface: every
// callback returns an SQLite result code and never throws.
#include "gateway/log/coalescing_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>

namespace samverkan::gateway {
namespace {

constexpr char kName[] = "samverkan-coalescing";

std::atomic<uint64_t> writes_asked{0};
std::atomic<uint64_t> writes_made{0};

sqlite3_vfs* base_vfs = nullptr;
sqlite3_vfs coalescing_vfs;

// SQLite allocates the VFS's szOsFile bytes per file: this header, then
// the default VFS's own file at kRealOffset.
struct WalFile {
  sqlite3_file base;  // first: SQLite's pointer to the file is this
  sqlite3_file* real;
  std::string* buffer;  // consecutive writes not handed to `real` yet
  sqlite3_int64 start;  // the file offset of buffer's first byte
};
constexpr size_t kRealOffset = (sizeof(WalFile) + 15) & ~size_t{15};

WalFile* Wal(sqlite3_file* f) { return reinterpret_cast<WalFile*>(f); }
const sqlite3_io_methods& RealMethods(WalFile* w) { return *w->real->pMethods; }

int Flush(WalFile* w) {
  if (w->buffer->empty()) return SQLITE_OK;
  const std::string& bytes = *w->buffer;
  int rc = SQLITE_OK;
  for (size_t done = 0; done < bytes.size() && rc == SQLITE_OK;) {
    const size_t n =
        std::min(bytes.size() - done, CoalescingVfs::kMaxWriteBytes);
    writes_made.fetch_add(1, std::memory_order_relaxed);
    rc =
        RealMethods(w).xWrite(w->real, bytes.data() + done, static_cast<int>(n),
                              w->start + static_cast<sqlite3_int64>(done));
    done += n;
  }
  // Kept or not, the bytes are SQLite's to write again: after a failure it
  // rolls back and starts the frames over.
  w->buffer->clear();
  return rc;
}

int Close(sqlite3_file* f) {
  WalFile* w = Wal(f);
  const int flushed = Flush(w);
  const int closed = RealMethods(w).xClose(w->real);
  delete w->buffer;
  w->buffer = nullptr;
  return flushed != SQLITE_OK ? flushed : closed;
}

int Read(sqlite3_file* f, void* out, int amount, sqlite3_int64 offset) {
  WalFile* w = Wal(f);
  if (const int rc = Flush(w); rc != SQLITE_OK) return rc;
  return RealMethods(w).xRead(w->real, out, amount, offset);
}

int Write(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
  WalFile* w = Wal(f);
  writes_asked.fetch_add(1, std::memory_order_relaxed);
  std::string& buffer = *w->buffer;
  // Written in the order asked: whatever is buffered reaches the file
  // before a write anywhere else does.
  if (!buffer.empty() &&
      offset != w->start + static_cast<sqlite3_int64>(buffer.size())) {
    if (const int rc = Flush(w); rc != SQLITE_OK) return rc;
  }
  if (buffer.empty()) w->start = offset;
  try {
    buffer.append(static_cast<const char*>(data), static_cast<size_t>(amount));
  } catch (...) {
    return SQLITE_IOERR_NOMEM;
  }
  return buffer.size() >= CoalescingVfs::kMaxWriteBytes ? Flush(w) : SQLITE_OK;
}

int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  WalFile* w = Wal(f);
  if (const int rc = Flush(w); rc != SQLITE_OK) return rc;
  return RealMethods(w).xTruncate(w->real, size);
}

int Sync(sqlite3_file* f, int flags) {
  WalFile* w = Wal(f);
  if (const int rc = Flush(w); rc != SQLITE_OK) return rc;
  return RealMethods(w).xSync(w->real, flags);
}

int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  WalFile* w = Wal(f);
  if (const int rc = Flush(w); rc != SQLITE_OK) return rc;
  return RealMethods(w).xFileSize(w->real, size);
}

int Lock(sqlite3_file* f, int level) {
  return RealMethods(Wal(f)).xLock(Wal(f)->real, level);
}
int Unlock(sqlite3_file* f, int level) {
  return RealMethods(Wal(f)).xUnlock(Wal(f)->real, level);
}
int CheckReservedLock(sqlite3_file* f, int* out) {
  return RealMethods(Wal(f)).xCheckReservedLock(Wal(f)->real, out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return RealMethods(Wal(f)).xFileControl(Wal(f)->real, op, arg);
}
int SectorSize(sqlite3_file* f) {
  return RealMethods(Wal(f)).xSectorSize(Wal(f)->real);
}
int DeviceCharacteristics(sqlite3_file* f) {
  return RealMethods(Wal(f)).xDeviceCharacteristics(Wal(f)->real);
}

// Shared memory belongs to the database file, never to its WAL; these only
// keep the method table whole.
int ShmMap(sqlite3_file* f, int region, int size, int extend,
           void volatile** out) {
  const sqlite3_io_methods& m = RealMethods(Wal(f));
  if (m.iVersion < 2) return SQLITE_IOERR_SHMMAP;
  return m.xShmMap(Wal(f)->real, region, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  const sqlite3_io_methods& m = RealMethods(Wal(f));
  if (m.iVersion < 2) return SQLITE_IOERR_SHMLOCK;
  return m.xShmLock(Wal(f)->real, offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) {
  const sqlite3_io_methods& m = RealMethods(Wal(f));
  if (m.iVersion >= 2) m.xShmBarrier(Wal(f)->real);
}
int ShmUnmap(sqlite3_file* f, int remove) {
  const sqlite3_io_methods& m = RealMethods(Wal(f));
  if (m.iVersion < 2) return SQLITE_OK;
  return m.xShmUnmap(Wal(f)->real, remove);
}

int Fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
  WalFile* w = Wal(f);
  *out = nullptr;
  if (const int rc = Flush(w); rc != SQLITE_OK) return rc;
  if (RealMethods(w).iVersion < 3) return SQLITE_OK;
  return RealMethods(w).xFetch(w->real, offset, amount, out);
}
int Unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) {
  const sqlite3_io_methods& m = RealMethods(Wal(f));
  if (m.iVersion < 3) return SQLITE_OK;
  return m.xUnfetch(Wal(f)->real, offset, page);
}

constexpr sqlite3_io_methods kWalMethods = {
    3,
    Close,
    Read,
    Write,
    Truncate,
    Sync,
    FileSize,
    Lock,
    Unlock,
    CheckReservedLock,
    FileControl,
    SectorSize,
    DeviceCharacteristics,
    ShmMap,
    ShmLock,
    ShmBarrier,
    ShmUnmap,
    Fetch,
    Unfetch,
};

int Open(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags,
         int* out_flags) {
  // Anything but a WAL is the default VFS's file, in the same memory.
  if ((flags & SQLITE_OPEN_WAL) == 0) {
    return base_vfs->xOpen(base_vfs, name, f, flags, out_flags);
  }
  WalFile* w = Wal(f);
  w->base.pMethods = nullptr;
  w->real =
      reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + kRealOffset);
  w->real->pMethods = nullptr;
  int rc = base_vfs->xOpen(base_vfs, name, w->real, flags, out_flags);
  if (rc == SQLITE_OK) {
    w->buffer = new (std::nothrow) std::string();
    if (w->buffer == nullptr) rc = SQLITE_NOMEM;
  }
  if (rc != SQLITE_OK) {
    // A file the default VFS set up is closed here: SQLite only closes
    // what our own pMethods says is open.
    if (w->real->pMethods != nullptr) w->real->pMethods->xClose(w->real);
    return rc;
  }
  w->start = 0;
  w->base.pMethods = &kWalMethods;
  return SQLITE_OK;
}

}  // namespace

const char* CoalescingVfs::Name() {
  static std::once_flag once;
  static bool registered = false;
  std::call_once(once, [] {
    base_vfs = sqlite3_vfs_find(nullptr);
    if (base_vfs == nullptr) return;
    // The default VFS's other methods take the VFS only for its app data
    // and path length, which the copy keeps.
    coalescing_vfs = *base_vfs;
    coalescing_vfs.pNext = nullptr;
    coalescing_vfs.zName = kName;
    coalescing_vfs.szOsFile =
        static_cast<int>(kRealOffset) + base_vfs->szOsFile;
    coalescing_vfs.xOpen = Open;
    registered = sqlite3_vfs_register(&coalescing_vfs, 0) == SQLITE_OK;
  });
  return registered ? kName : nullptr;
}

CoalescingVfs::Counts CoalescingVfs::counts() {
  return {writes_asked.load(std::memory_order_relaxed),
          writes_made.load(std::memory_order_relaxed)};
}

}  // namespace samverkan::gateway
