/* os/file.c -- POSIX file calls with negative-errno results, and the fault
 * hook of test builds (see file.h). */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef KILAT_CHECKS
/* The background thread writes snapshots, so the hook's state is atomic. */
static _Atomic int fault_op, fault_err;
static _Atomic uint64_t fault_after;

bool file_fault_set(FileFault op, int err, uint64_t after) {
    atomic_store(&fault_err, err);
    atomic_store(&fault_after, after);
    atomic_store(&fault_op, (int)op);
    return true;
}

/* -errno if a fault of kind op is armed (writes: once its byte budget is
 * spent; *n is cut to what still fits, so a write can end short). */
static int fault_check(FileFault op, size_t *n) {
    if (LIKELY(atomic_load(&fault_op) != (int)op)) return 0;
    if ((op == FAULT_WRITE || op == FAULT_READ) && n) {
        uint64_t left = atomic_load(&fault_after);
        if (left > 0) {
            if (*n > left) *n = (size_t)left;
            atomic_store(&fault_after, left - *n);
            return 0;
        }
    }
    return -atomic_load(&fault_err);
}
#else
bool file_fault_set(FileFault op, int err, uint64_t after) {
    UNUSED(op);
    UNUSED(err);
    UNUSED(after);
    return false;
}
#define fault_check(op, n) 0
#endif

int file_create(const char *path) {
    int f = fault_check(FAULT_CREATE, NULL);
    if (f) return f;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    return fd < 0 ? -errno : fd;
}

int file_open_append(const char *path) {
    int f = fault_check(FAULT_CREATE, NULL);
    if (f) return f;
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    return fd < 0 ? -errno : fd;
}

int file_open_read(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int file_write_all(int fd, const void *buf, size_t n) {
    size_t written;
    return file_write_counted(fd, buf, n, &written);
}

int file_write_counted(int fd, const void *buf, size_t n, size_t *written) {
    const char *p = buf;
    *written = 0;
    while (n > 0) {
        size_t chunk = n;
        int f = fault_check(FAULT_WRITE, &chunk);
        if (f) return f;
        ssize_t w = write(fd, p, chunk);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        p += w;
        n -= (size_t)w;
        *written += (size_t)w;
    }
    return 0;
}

long file_read(int fd, void *buf, size_t n) {
    int f = fault_check(FAULT_READ, &n);
    if (f) return f;
    for (;;) {
        ssize_t r = read(fd, buf, n);
        if (r >= 0) return (long)r;
        if (errno != EINTR) return -errno;
    }
}

int file_fsync(int fd) {
    int f = fault_check(FAULT_FSYNC, NULL);
    if (f) return f;
    return fsync(fd) < 0 ? -errno : 0;
}

int file_datasync(int fd) {
    int f = fault_check(FAULT_FSYNC, NULL);
    if (f) return f;
    return fdatasync(fd) < 0 ? -errno : 0;
}

int file_ftruncate(int fd, int64_t size) { return ftruncate(fd, (off_t)size) < 0 ? -errno : 0; }

int file_mkdir(const char *path) {
    if (mkdir(path, 0755) == 0) return 0;
    if (errno == EEXIST) {
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
        return -ENOTDIR;
    }
    return -errno;
}

int file_is_dir(const char *path) {
    struct stat st;
    if (stat(path, &st) < 0) return errno == ENOENT ? 0 : -errno;
    return S_ISDIR(st.st_mode) ? 1 : 0;
}

int64_t file_size_of(const char *path) {
    struct stat st;
    return stat(path, &st) < 0 ? -errno : (int64_t)st.st_size;
}

int file_close(int fd) { return close(fd) < 0 ? -errno : 0; }

int file_rename(const char *from, const char *to) {
    int f = fault_check(FAULT_RENAME, NULL);
    if (f) return f;
    return rename(from, to) < 0 ? -errno : 0;
}

int file_fsync_dir_of(const char *path) {
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (!slash) {
        strcpy(dir, ".");
    } else {
        size_t n = slash == path ? 1 : (size_t)(slash - path);
        if (n >= sizeof(dir)) return -ENAMETOOLONG;
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -errno;
    int r = fsync(fd) < 0 ? -errno : 0;
    close(fd);
    return r;
}

int file_unlink(const char *path) { return unlink(path) < 0 ? -errno : 0; }

int64_t file_size(int fd) {
    struct stat st;
    return fstat(fd, &st) < 0 ? -errno : (int64_t)st.st_size;
}

int file_exists(const char *path) {
    struct stat st;
    if (stat(path, &st) == 0) return 1;
    return errno == ENOENT ? 0 : -errno;
}

int file_seek(int fd, uint64_t off) {
    if (off > (uint64_t)INT64_MAX) return -EINVAL;
    return lseek(fd, (off_t)off, SEEK_SET) < 0 ? -errno : 0;
}

int file_truncate(const char *path, uint64_t size) {
    if (size > (uint64_t)INT64_MAX) return -EINVAL;
    return truncate(path, (off_t)size) < 0 ? -errno : 0;
}
