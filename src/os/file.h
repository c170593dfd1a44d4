/* os/file.h -- the file calls persistence needs (snapshots, later the AOF):
 * open, write everything, fsync, rename, fsync a directory. Errors are
 * negative errno values, as every os/ wrapper returns them.
 *
 * Test builds (-DKILAT_CHECKS) carry a fault-injection hook: file_fault_set
 * makes one kind of call fail with a chosen errno (after a number of bytes,
 * for writes), so tests can play a full disk or a dying device. Release
 * builds have no hook and no cost. */
#ifndef KILAT_FILE_H
#define KILAT_FILE_H

#include "../base.h"

/* Creates/truncates path for writing (mode 0644). fd or -errno. */
int file_create(const char *path);
/* Opens path for appending (created 0644 if missing). fd or -errno. */
int file_open_append(const char *path);
/* Opens path for reading. fd or -errno. */
int file_open_read(const char *path);
/* Writes all n bytes (retrying short writes and EINTR). 0 or -errno. */
int file_write_all(int fd, const void *buf, size_t n);
/* As file_write_all, and *written tells how much went out before an
 * error (an AOF cuts a partial write off again). */
int file_write_counted(int fd, const void *buf, size_t n, size_t *written);
/* Reads up to n bytes. Bytes read (0 at end) or -errno. */
long file_read(int fd, void *buf, size_t n);
int file_fsync(int fd);
/* fdatasync: the data, not the metadata (the AOF's fsync, as Redis's). */
int file_datasync(int fd);
int file_ftruncate(int fd, int64_t size);
int file_close(int fd);
/* Creates a directory (0755); an existing directory is fine. */
int file_mkdir(const char *path);
/* 1 directory, 0 missing or not a directory, -errno. */
int file_is_dir(const char *path);
/* Size of the file at path, or -errno. */
int64_t file_size_of(const char *path);
/* Renames from -> to atomically (replacing to). 0 or -errno. */
int file_rename(const char *from, const char *to);
/* fsyncs the directory holding path, so a rename in it survives a crash. */
int file_fsync_dir_of(const char *path);
int file_unlink(const char *path);
/* Size of an open file, or -errno. */
int64_t file_size(int fd);
/* 1 if path exists, 0 if not, -errno on another error. */
int file_exists(const char *path);
/* Moves fd's position to off from the start. 0 or -errno. */
int file_seek(int fd, uint64_t off);
/* Cuts (or extends) the file at path to size bytes. 0 or -errno. */
int file_truncate(const char *path, uint64_t size);

typedef enum { FAULT_NONE = 0, FAULT_CREATE, FAULT_WRITE, FAULT_FSYNC, FAULT_RENAME, FAULT_READ } FileFault;
/* Test builds: the next calls of kind `op` fail with -err (FAULT_WRITE,
 * FAULT_READ: once `after` more bytes have been written / read). FAULT_NONE clears. Returns
 * false in release builds (no hook compiled in). */
bool file_fault_set(FileFault op, int err, uint64_t after);

#endif
