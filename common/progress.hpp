#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace revsearch {

/// Reports the progress of a long job. On a terminal it redraws one bar line (records, MB,
/// rate, and an ETA when the total size is known); otherwise it writes a plain log line every
/// few seconds, which suits server logs and CI. Not thread-safe: call from one thread.
class Progress {
public:
    /// `out` must outlive this object. `total_bytes` of 0 means unknown (no ETA).
    Progress(std::ostream& out, bool terminal, std::uint64_t total_bytes,
             double log_interval_seconds = 5.0);

    /// Records the running totals; redraws at most a few times a second. Cheap to call often.
    void update(std::uint64_t records, std::uint64_t bytes);

    /// Draws the final state and ends the bar line. Idempotent.
    void finish();

    void set_total_bytes(std::uint64_t total) noexcept { total_bytes_ = total; }

private:
    void draw(bool final);

    using Clock = std::chrono::steady_clock;
    std::ostream& out_;
    bool terminal_;
    std::uint64_t total_bytes_;
    double interval_;
    Clock::time_point start_;
    Clock::time_point last_draw_;
    std::uint64_t records_ = 0;
    std::uint64_t bytes_ = 0;
    bool drawn_ = false;
    bool finished_ = false;
};

/// Formats a duration in seconds as `1h02m`, `3m07s` or `12.3s`.
[[nodiscard]] std::string format_duration(double seconds);

}  // namespace revsearch
