/* An I/O fault injector for tests, loaded into a real process with LD_PRELOAD (in the manner
 * of SQLite's fault-injection tests). It counts the process's calls of write, pwrite, fsync,
 * fdatasync and rename (write and pwrite only on regular files, so a failure never silences
 * the process's own messages on a terminal or pipe), and fails the Nth of them.
 *
 *   REVSEARCH_FAULT_AT=N        fail the Nth counted call (1-based); unset or 0: only count
 *   REVSEARCH_FAULT_ERRNO=E     ENOSPC (default) or EIO
 *   REVSEARCH_FAULT_PERSIST=1   fail every counted call after the Nth too (a disk that stays full)
 *   REVSEARCH_FAULT_CALLS=LIST  which calls count, e.g. "write,pwrite" (default: all five)
 *   REVSEARCH_FAULT_REPORT=F    at exit, write "calls C\nfailed F\n" to file F
 *
 * Built for the tests only; never linked into revsearch's programs. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

enum { kWrite = 1, kPwrite = 2, kFsync = 4, kFdatasync = 8, kRename = 16, kAll = 31 };

static atomic_long calls;
static atomic_long failed;
static long fault_at;
static int fault_errno = ENOSPC;
static int persist;
static int counted = kAll;
static const char* report_path;

static void read_settings(void) __attribute__((constructor));
static void read_settings(void) {
    const char* at = getenv("REVSEARCH_FAULT_AT");
    fault_at = at != NULL ? atol(at) : 0;
    const char* e = getenv("REVSEARCH_FAULT_ERRNO");
    if (e != NULL && strcmp(e, "EIO") == 0) fault_errno = EIO;
    const char* p = getenv("REVSEARCH_FAULT_PERSIST");
    persist = p != NULL && strcmp(p, "1") == 0;
    const char* list = getenv("REVSEARCH_FAULT_CALLS");
    if (list != NULL && *list != '\0') {
        counted = 0;
        if (strstr(list, "pwrite") != NULL) counted |= kPwrite;
        /* "write" on its own, not as part of "pwrite" */
        for (const char* w = strstr(list, "write"); w != NULL; w = strstr(w + 1, "write")) {
            if (w == list || w[-1] == ',') counted |= kWrite;
        }
        if (strstr(list, "fsync") != NULL) counted |= kFsync;
        if (strstr(list, "fdatasync") != NULL) counted |= kFdatasync;
        if (strstr(list, "rename") != NULL) counted |= kRename;
    }
    report_path = getenv("REVSEARCH_FAULT_REPORT");
}

static void write_report(void) __attribute__((destructor));
static void write_report(void) {
    if (report_path == NULL) return;
    FILE* f = fopen(report_path, "w");
    if (f == NULL) return;
    fprintf(f, "calls %ld\nfailed %ld\n", atomic_load(&calls), atomic_load(&failed));
    fclose(f);
}

/* Counts a call of kind `kind`; returns nonzero (with errno set) when it must fail. */
static int should_fail(int kind) {
    if ((counted & kind) == 0) return 0;
    const long n = atomic_fetch_add(&calls, 1) + 1;
    if (fault_at <= 0 || n < fault_at || (n > fault_at && !persist)) return 0;
    atomic_fetch_add(&failed, 1);
    errno = fault_errno;
    return 1;
}

static int is_regular(int fd) {
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

typedef ssize_t (*write_fn)(int, const void*, size_t);
typedef ssize_t (*pwrite_fn)(int, const void*, size_t, off_t);
typedef int (*sync_fn)(int);
typedef int (*rename_fn)(const char*, const char*);

/* The next definition of `name` (libc's, or a sanitizer's interceptor). */
static void* next(const char* name) { return dlsym(RTLD_NEXT, name); }

ssize_t write(int fd, const void* buf, size_t n) {
    static write_fn real;
    if (real == NULL) real = (write_fn)next("write");
    if (is_regular(fd) && should_fail(kWrite)) return -1;
    return real(fd, buf, n);
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) {
    static pwrite_fn real;
    if (real == NULL) real = (pwrite_fn)next("pwrite");
    if (is_regular(fd) && should_fail(kPwrite)) return -1;
    return real(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void* buf, size_t n, off_t off) {
    static pwrite_fn real;
    if (real == NULL) real = (pwrite_fn)next("pwrite64");
    if (is_regular(fd) && should_fail(kPwrite)) return -1;
    return real(fd, buf, n, off);
}

int fsync(int fd) {
    static sync_fn real;
    if (real == NULL) real = (sync_fn)next("fsync");
    if (should_fail(kFsync)) return -1;
    return real(fd);
}

int fdatasync(int fd) {
    static sync_fn real;
    if (real == NULL) real = (sync_fn)next("fdatasync");
    if (should_fail(kFdatasync)) return -1;
    return real(fd);
}

int rename(const char* from, const char* to) {
    static rename_fn real;
    if (real == NULL) real = (rename_fn)next("rename");
    if (should_fail(kRename)) return -1;
    return real(from, to);
}
