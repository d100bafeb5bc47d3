#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace revsearch {

/// Reports the progress of a long job. As a bar (on a terminal) it redraws one line: the share
/// of the input read, records, MB read of the total, rates and an ETA. As log lines (server
/// logs, CI) it writes a plain line every few seconds. Messages (rejects, notes) always get
/// lines of their own: the bar is cleared before one is written and drawn again after.
/// Not thread-safe: call from one thread.
class Progress {
public:
    enum class Style {
        Bar,   ///< one line redrawn in place (`\r`, then `ESC [K` to clear what is left of it)
        Log,   ///< a line now and then
        None,  ///< nothing but the messages
    };

    /// `out` must outlive this object. `total_bytes` of 0 means unknown (no share, no ETA).
    /// `interval_seconds` is the least time between two draws (0: every update); a negative
    /// value picks 0.2 s for the bar and 5 s for log lines.
    Progress(std::ostream& out, Style style, std::uint64_t total_bytes,
             double interval_seconds = -1.0);

    /// Records the running totals: records seen and bytes of input read (compressed bytes for
    /// compressed files, as they count in the total). Redraws when the interval has passed.
    /// Cheap to call often.
    void update(std::uint64_t records, std::uint64_t bytes);

    /// Writes `line` (without its newline) on a line of its own. On a bar, the bar's line is
    /// cleared first, and the bar comes back at the next draw.
    void message(std::string_view line);

    /// Draws the final state and ends the bar line. Idempotent.
    void finish();

    void set_total_bytes(std::uint64_t total) noexcept { total_bytes_ = total; }

    /// The share of the total read at the last update, from 0 to 1 (0 while the total is
    /// unknown).
    [[nodiscard]] double fraction() const noexcept;

private:
    void draw(bool final);

    using Clock = std::chrono::steady_clock;
    std::ostream& out_;
    Style style_;
    std::uint64_t total_bytes_;
    double interval_;
    Clock::time_point start_;
    Clock::time_point last_draw_;
    std::uint64_t records_ = 0;
    std::uint64_t bytes_ = 0;
    bool drawn_ = false;      ///< a draw has happened
    bool bar_shown_ = false;  ///< the bar is on the current line
    bool finished_ = false;
};

/// An output stream whose lines go to Progress::message(), so that whatever a job logs while
/// its bar is shown lands on lines of its own. A line is passed on when its newline is
/// written; a last line without one is passed on at destruction. `progress` must outlive it.
///
/// Repeated messages are summarised: of the lines `SOURCE: KIND: text` (KIND being rejected,
/// note, skipped or warning) only the first kShownPerKind of each kind are passed on, where a
/// kind is KIND and the text with its quoted parts and numbers set aside ("note: id '…'
/// repeats ..."), and the rest are counted for write_held_back(). One repeated id in a 1 GB
/// file would otherwise print a million notes (issue 22). Other lines always pass.
class ProgressLog : public std::ostream {
public:
    explicit ProgressLog(Progress& progress);
    ~ProgressLog() override;

    /// Lines of one kind passed on before the rest are only counted.
    static constexpr std::uint64_t kShownPerKind = 10;

    /// Writes, for each kind with lines held back, how many and the total; then forgets them.
    void write_held_back();

    /// The kind a log line counts under ("rejected: expected N columns, found N"), or "" for a
    /// line that is not `SOURCE: KIND: text`.
    [[nodiscard]] static std::string kind_of(std::string_view line);

private:
    class Buffer;
    std::unique_ptr<Buffer> buffer_;
};

/// Formats a duration in seconds as `1h02m`, `3m07s` or `12.3s`.
[[nodiscard]] std::string format_duration(double seconds);

}  // namespace revsearch
