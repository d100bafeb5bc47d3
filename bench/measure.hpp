#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

/// Measuring a benchmark phase: time, CPU, peak memory, and latency percentiles.
namespace revsearch::bench {

/// Figures a phase reports about itself, by name (for example "reviews" or "query.p50_ms").
using PhaseValues = std::map<std::string, double>;

/// What running a phase cost.
struct PhaseResult {
    double wall_seconds = 0;  ///< measured in the child around the work
    double user_seconds = 0;  ///< getrusage(RUSAGE_SELF) delta in the child: all its threads
    double system_seconds = 0;
    double max_rss_mb = 0;  ///< the child's peak RSS (ru_maxrss from wait4), in MiB
    PhaseValues values;     ///< what the work reported
    bool ok = false;
    std::string error;  ///< why it failed, when !ok
};

/// Runs `work` in a forked child process, so that each phase's peak RSS is its own (ru_maxrss
/// is a high-water mark: measured in one process, the second phase would inherit the first's
/// peak) and a crash in one phase cannot take the benchmark down. The child measures wall time
/// and RUSAGE_SELF CPU deltas around `work` and sends them, with the values `work` fills in,
/// through a pipe; the parent reads the peak RSS from wait4(). An exception escaping `work`
/// makes the result !ok with its message. The child ends with _exit(), never returning into
/// the caller's stack. REQUIRES: the calling process has a single thread (fork() copies only
/// the caller's thread). Throws revsearch::Error if fork() or pipe() fail.
[[nodiscard]] PhaseResult run_in_child(const std::function<void(PhaseValues&)>& work);

/// Latency figures of a batch of timed operations.
struct LatencySummary {
    std::size_t count = 0;
    double p50_ms = 0;
    double p95_ms = 0;
    double p99_ms = 0;
    double mean_ms = 0;
    double max_ms = 0;
    double per_second = 0;  ///< count / the sum of the latencies (single-threaded throughput)
};

/// Summarises latencies given in milliseconds. Percentiles use the nearest-rank method
/// (the smallest value with at least p% of the values at or below it, NIST's definition),
/// so every reported percentile is a latency that was observed. Empty input gives zeros.
[[nodiscard]] LatencySummary summarize_latencies(std::vector<double> ms);

/// CPU time of the calling thread, in milliseconds: unlike wall time it does not grow when other
/// processes compete for the cores, so it stays comparable on a busy machine.
[[nodiscard]] double thread_cpu_ms();

/// The median of `v` (the lower of the two middle values for an even count); 0 when empty.
[[nodiscard]] double median(std::vector<double> v);

/// The bytes a file holds, or all regular files below a directory (apparent sizes, as `du -b`
/// reports them). 0 when the path does not exist.
[[nodiscard]] std::uint64_t bytes_on_disk(const std::string& path);

/// The machine the benchmark ran on.
struct MachineInfo {
    unsigned cores = 0;       ///< online processors (nproc)
    double memory_gib = 0;    ///< MemTotal
    std::string cpu;          ///< model name
    std::string kernel;       ///< uname -sr
    double load_average = 0;  ///< 1-minute load average when the run started
    std::string date;         ///< now, ISO 8601 UTC
};

/// Reads /proc and uname. Missing pieces stay empty or zero.
[[nodiscard]] MachineInfo machine_info();

}  // namespace revsearch::bench
