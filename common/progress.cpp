#include "common/progress.hpp"

#include <cstdio>

namespace revsearch {

Progress::Progress(std::ostream& out, bool terminal, std::uint64_t total_bytes,
                   double log_interval_seconds)
    : out_(out),
      terminal_(terminal),
      total_bytes_(total_bytes),
      interval_(terminal ? 0.2 : log_interval_seconds),
      start_(Clock::now()),
      last_draw_(start_) {}

void Progress::update(std::uint64_t records, std::uint64_t bytes) {
    records_ = records;
    bytes_ = bytes;
    const auto now = Clock::now();
    if (std::chrono::duration<double>(now - last_draw_).count() >= interval_) {
        last_draw_ = now;
        draw(false);
    }
}

void Progress::finish() {
    if (finished_) return;
    finished_ = true;
    if (terminal_ && drawn_) {
        draw(true);
        out_ << '\n' << std::flush;
    }
}

std::string format_duration(double seconds) {
    char buf[32];
    if (seconds < 60) {
        std::snprintf(buf, sizeof buf, "%.1fs", seconds);
    } else if (seconds < 3600) {
        std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(seconds) / 60,
                      static_cast<int>(seconds) % 60);
    } else {
        std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(seconds) / 3600,
                      (static_cast<int>(seconds) % 3600) / 60);
    }
    return buf;
}

void Progress::draw(bool final) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    const double mb = static_cast<double>(bytes_) / 1e6;
    const double rate = elapsed > 0 ? static_cast<double>(records_) / elapsed : 0.0;
    const double mbps = elapsed > 0 ? mb / elapsed : 0.0;
    char line[256];
    if (terminal_) {
        std::string bar;
        std::string eta;
        if (total_bytes_ > 0) {
            const double fraction =
                std::min(1.0, static_cast<double>(bytes_) / static_cast<double>(total_bytes_));
            constexpr int kWidth = 24;
            const int filled = static_cast<int>(fraction * kWidth);
            bar = "[" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "] ";
            if (!final && fraction > 0.0 && fraction < 1.0) {
                eta = " ETA " + format_duration(elapsed * (1.0 - fraction) / fraction);
            }
        }
        std::snprintf(line, sizeof line, "\r%s%llu reviews, %.1f MB, %.0f reviews/s, %.1f MB/s%s\x1b[K",
                      bar.c_str(), static_cast<unsigned long long>(records_), mb, rate, mbps,
                      eta.c_str());
        out_ << line << std::flush;
    } else {
        std::snprintf(line, sizeof line, "progress: %llu reviews, %.1f MB, %.0f reviews/s, %s\n",
                      static_cast<unsigned long long>(records_), mb, rate,
                      format_duration(elapsed).c_str());
        out_ << line << std::flush;
    }
    drawn_ = true;
}

}  // namespace revsearch
