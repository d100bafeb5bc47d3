#include "common/progress.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <streambuf>

namespace revsearch {

namespace {

/// Clears the terminal line the cursor is on: back to its start, then erase to its end.
constexpr std::string_view kClearLine = "\r\x1b[K";

}  // namespace

Progress::Progress(std::ostream& out, Style style, std::uint64_t total_bytes,
                   double interval_seconds)
    : out_(out),
      style_(style),
      total_bytes_(total_bytes),
      interval_(interval_seconds >= 0 ? interval_seconds
                : style == Style::Bar ? 0.2
                                      : 5.0),
      start_(Clock::now()),
      last_draw_(start_) {}

void Progress::update(std::uint64_t records, std::uint64_t bytes) {
    records_ = records;
    bytes_ = bytes;
    if (style_ == Style::None) return;
    const auto now = Clock::now();
    if (std::chrono::duration<double>(now - last_draw_).count() >= interval_) {
        last_draw_ = now;
        draw(false);
    }
}

void Progress::message(std::string_view line) {
    if (bar_shown_) out_ << kClearLine;
    bar_shown_ = false;
    out_ << line << '\n' << std::flush;
}

void Progress::finish() {
    if (finished_) return;
    finished_ = true;
    if (style_ == Style::Bar && drawn_) {
        draw(true);
        out_ << '\n' << std::flush;
        bar_shown_ = false;
    }
}

double Progress::fraction() const noexcept {
    if (total_bytes_ == 0) return 0.0;
    return std::min(1.0, static_cast<double>(bytes_) / static_cast<double>(total_bytes_));
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
    const double fraction = this->fraction();
    // The share is shown rounded down, so 100% means every input byte has been read.
    const int percent = static_cast<int>(fraction * 100.0);
    char of_total[64] = "";
    if (total_bytes_ > 0) {
        std::snprintf(of_total, sizeof of_total, " of %.1f",
                      static_cast<double>(total_bytes_) / 1e6);
    }
    char line[320];
    if (style_ == Style::Bar) {
        std::string bar;
        std::string eta;
        if (total_bytes_ > 0) {
            constexpr int kWidth = 24;
            const int filled = static_cast<int>(fraction * kWidth);
            bar = "[" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "] " +
                  std::to_string(percent) + "% ";
            if (!final && fraction > 0.0 && fraction < 1.0) {
                eta = " ETA " + format_duration(elapsed * (1.0 - fraction) / fraction);
            }
        }
        std::snprintf(line, sizeof line, "%s%llu reviews, %.1f%s MB, %.0f reviews/s, %.1f MB/s%s",
                      bar.c_str(), static_cast<unsigned long long>(records_), mb, of_total, rate,
                      mbps, eta.c_str());
        out_ << '\r' << line << "\x1b[K" << std::flush;
        bar_shown_ = true;
    } else {
        char share[16] = "";
        if (total_bytes_ > 0) std::snprintf(share, sizeof share, " (%d%%)", percent);
        std::snprintf(line, sizeof line,
                      "progress: %llu reviews, %.1f%s MB%s, %.0f reviews/s, %s\n",
                      static_cast<unsigned long long>(records_), mb, of_total, share, rate,
                      format_duration(elapsed).c_str());
        out_ << line << std::flush;
    }
    drawn_ = true;
}

// ---------------------------------------------------------------- ProgressLog

class ProgressLog::Buffer : public std::streambuf {
public:
    explicit Buffer(Progress& progress) : progress_(progress) {}
    ~Buffer() override {
        if (!line_.empty()) progress_.message(line_);
    }

protected:
    int_type overflow(int_type c) override {
        if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
        put(traits_type::to_char_type(c));
        return c;
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        for (std::streamsize i = 0; i < n; ++i) put(s[i]);
        return n;
    }

public:
    void write_held_back() {
        for (const auto& [kind, count] : counts_) {
            if (count <= ProgressLog::kShownPerKind) continue;
            progress_.message("revsearch-index: " + std::to_string(count - ProgressLog::kShownPerKind) +
                              " more lines like \"" + kind + "\" not shown (" +
                              std::to_string(count) + " in all" +
                              (kind.rfind("rejected:", 0) == 0 ? "; --rejects FILE keeps each one)"
                                                               : ")"));
        }
        counts_.clear();
    }

private:
    void put(char c) {
        if (c != '\n') {
            line_ += c;
            return;
        }
        const std::string kind = ProgressLog::kind_of(line_);
        if (kind.empty() || ++counts_[kind] <= ProgressLog::kShownPerKind) progress_.message(line_);
        line_.clear();
    }

    Progress& progress_;
    std::string line_;
    std::map<std::string, std::uint64_t> counts_;  ///< lines seen of each kind
};

std::string ProgressLog::kind_of(std::string_view line) {
    std::size_t at = std::string_view::npos;
    std::string_view marker;
    for (const std::string_view m : {": rejected: ", ": note: ", ": skipped: ", ": warning: "}) {
        const std::size_t p = line.find(m);
        if (p < at) {
            at = p;
            marker = m;
        }
    }
    if (at == std::string_view::npos) return "";
    std::string kind(marker.substr(2, marker.size() - 3));  // "note:"
    kind += ' ';
    const std::string_view text = line.substr(at + marker.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\'') {  // a quoted part: an id, a name, a column
            const std::size_t close = text.find('\'', i + 1);
            if (close != std::string_view::npos) {
                kind += "'\xE2\x80\xA6'";  // '…'
                i = close;
                continue;
            }
        }
        if (c >= '0' && c <= '9') {
            while (i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9') ++i;
            kind += 'N';
            continue;
        }
        kind += c;
    }
    return kind;
}

void ProgressLog::write_held_back() {
    flush();
    buffer_->write_held_back();
}

ProgressLog::ProgressLog(Progress& progress)
    : std::ostream(nullptr), buffer_(std::make_unique<Buffer>(progress)) {
    rdbuf(buffer_.get());
}

ProgressLog::~ProgressLog() {
    rdbuf(nullptr);
    buffer_.reset();
}

}  // namespace revsearch
