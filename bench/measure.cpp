#include "bench/measure.hpp"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numeric>
#include <sstream>

#include "common/error.hpp"

namespace revsearch::bench {

namespace {

double seconds(const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

void write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // the parent went away; nothing left to tell
        done += static_cast<std::size_t>(n);
    }
}

std::string read_all(int fd) {
    std::string text;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        text.append(buf, static_cast<std::size_t>(n));
    }
    return text;
}

/// The child's side: runs the work and reports `key=value` lines; `error=` on failure.
[[noreturn]] void child_main(int fd, const std::function<void(PhaseValues&)>& work) {
    std::ostringstream report;
    report.precision(17);
    int code = 0;
    rusage before{}, after{};
    getrusage(RUSAGE_SELF, &before);
    const auto start = std::chrono::steady_clock::now();
    try {
        PhaseValues values;
        work(values);
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        getrusage(RUSAGE_SELF, &after);
        report << "wall=" << wall << '\n'
               << "user=" << seconds(after.ru_utime) - seconds(before.ru_utime) << '\n'
               << "sys=" << seconds(after.ru_stime) - seconds(before.ru_stime) << '\n';
        for (const auto& [key, value] : values) report << "value." << key << '=' << value << '\n';
    } catch (const std::exception& e) {
        std::string message = e.what();
        std::replace(message.begin(), message.end(), '\n', ' ');
        report << "error=" << message << '\n';
        code = 1;
    }
    std::cout.flush();
    std::cerr.flush();
    write_all(fd, report.str());
    ::close(fd);
    _exit(code);  // not exit(): the parent's static destructors and atexit handlers are its own
}

}  // namespace

PhaseResult run_in_child(const std::function<void(PhaseValues&)>& work) {
    int fds[2];
    if (::pipe(fds) != 0) throw Error(std::string("pipe: ") + std::strerror(errno));
    std::cout.flush();
    std::cerr.flush();
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        throw Error(std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        ::close(fds[0]);
        child_main(fds[1], work);
    }
    ::close(fds[1]);
    const std::string report = read_all(fds[0]);
    ::close(fds[0]);
    int status = 0;
    rusage usage{};
    while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
    }

    PhaseResult result;
    result.max_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux: KiB
    std::istringstream lines(report);
    std::string line;
    while (std::getline(lines, line)) {
        const std::size_t eq = line.find('=');
        if (eq == std::string::npos) continue;
        const std::string key = line.substr(0, eq);
        const std::string value = line.substr(eq + 1);
        if (key == "error") {
            result.error = value;
        } else if (key == "wall") {
            result.wall_seconds = std::stod(value);
        } else if (key == "user") {
            result.user_seconds = std::stod(value);
        } else if (key == "sys") {
            result.system_seconds = std::stod(value);
        } else if (key.rfind("value.", 0) == 0) {
            result.values[key.substr(6)] = std::stod(value);
        }
    }
    result.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && result.error.empty();
    if (!result.ok && result.error.empty()) {
        result.error = WIFSIGNALED(status)
                           ? std::string("killed by signal ") + strsignal(WTERMSIG(status))
                           : "exited with status " + std::to_string(WEXITSTATUS(status));
    }
    return result;
}

LatencySummary summarize_latencies(std::vector<double> ms) {
    LatencySummary s;
    s.count = ms.size();
    if (ms.empty()) return s;
    std::sort(ms.begin(), ms.end());
    const auto rank = [&](double p) {
        const auto r =
            static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(ms.size())));
        return ms[std::clamp<std::size_t>(r, 1, ms.size()) - 1];
    };
    s.p50_ms = rank(50);
    s.p95_ms = rank(95);
    s.p99_ms = rank(99);
    const double total = std::accumulate(ms.begin(), ms.end(), 0.0);
    s.mean_ms = total / static_cast<double>(ms.size());
    s.max_ms = ms.back();
    s.per_second = total > 0 ? static_cast<double>(ms.size()) / (total / 1000.0) : 0;
    return s;
}

std::uint64_t bytes_on_disk(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) return fs::file_size(path, ec);
    if (!fs::is_directory(path, ec)) return 0;
    std::uint64_t total = 0;
    for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec)) total += it->file_size(ec);
    }
    return total;
}

MachineInfo machine_info() {
    MachineInfo m;
    const long cores = ::sysconf(_SC_NPROCESSORS_ONLN);
    m.cores = cores > 0 ? static_cast<unsigned>(cores) : 0;
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    double kib = 0;
    while (meminfo >> key >> kib) {
        if (key == "MemTotal:") {
            m.memory_gib = kib / (1024.0 * 1024.0);
            break;
        }
        meminfo.ignore(256, '\n');
    }
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line)) {
        if (line.rfind("model name", 0) == 0) {
            const std::size_t colon = line.find(':');
            if (colon != std::string::npos) m.cpu = line.substr(colon + 2);
            break;
        }
    }
    std::ifstream loadavg("/proc/loadavg");
    loadavg >> m.load_average;
    utsname u{};
    if (::uname(&u) == 0) m.kernel = std::string(u.sysname) + " " + u.release;
    const std::time_t now = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    m.date = buf;
    return m;
}

double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[(v.size() - 1) / 2];
}

}  // namespace revsearch::bench
