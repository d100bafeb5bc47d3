#include "query/eval_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "common/error.hpp"

namespace revsearch::query::eval {

namespace {

constexpr double kLeft = 72.0, kRight = 24.0, kTop = 56.0, kPlotHeight = 300.0;
constexpr std::size_t kMaxLabelledBars = 60;

std::string escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

/// Fixed-point text independent of the stream's state.
std::string num(double v, int decimals = 2) {
    if (v == 0.0) v = 0.0;  // no "-0.00"
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string signed_num(double v, int decimals) { return (v > 0.0 ? "+" : "") + num(v, decimals); }

/// 1, 2 or 5 times a power of ten, at least `raw`.
double nice_step(double raw) {
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        if (m * power >= raw * (1.0 - 1e-9)) return m * power;
    }
    return 10.0 * power;
}

}  // namespace

void write_difference_svg(std::ostream& out, const Comparison& comparison,
                          const PlotLabels& labels) {
    std::vector<PairedScore> bars = comparison.queries;
    std::stable_sort(bars.begin(), bars.end(), [](const PairedScore& a, const PairedScore& b) {
        if (a.difference() != b.difference()) return a.difference() < b.difference();
        return QidLess()(a.qid, b.qid);
    });
    const std::size_t n = bars.size();
    const bool labelled = n > 0 && n <= kMaxLabelledBars;
    const double plot_width = std::clamp(5.0 * static_cast<double>(n), 600.0, 1500.0);
    const double slot = n == 0 ? plot_width : plot_width / static_cast<double>(n);
    const double bar_width = std::min(slot * 0.8, 40.0);
    const double bottom = labelled ? 96.0 : 56.0;
    const double width = kLeft + plot_width + kRight;
    const double height = kTop + kPlotHeight + bottom;

    double lo = 0.0, hi = 0.0;
    for (const PairedScore& b : bars) {
        lo = std::min(lo, b.difference());
        hi = std::max(hi, b.difference());
    }
    if (hi - lo <= 0.0) {
        lo = -0.05;
        hi = 0.05;
    }
    const double step = nice_step((hi - lo) / 5.0);
    // The tolerance keeps an exact multiple of the step (as 1.0 for step 0.5) where it is.
    lo = std::floor(lo / step + 1e-9) * step;
    hi = std::ceil(hi / step - 1e-9) * step;
    const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
    auto y_of = [&](double v) { return kTop + (hi - v) / (hi - lo) * kPlotHeight; };
    const double zero_y = y_of(0.0);

    const std::string metric = escape(labels.metric);
    out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << num(width, 0) << "\" height=\""
        << num(height, 0) << "\" viewBox=\"0 0 " << num(width, 0) << ' ' << num(height, 0)
        << "\" font-family=\"sans-serif\" font-size=\"12\">\n";
    out << "<title>Per-query difference in " << metric << "</title>\n";
    out << "<text x=\"" << num(width / 2) << "\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">"
        << "Per-query difference in " << metric << ": " << escape(labels.other) << " minus "
        << escape(labels.base) << "</text>\n";
    out << "<text x=\"" << num(width / 2) << "\" y=\"42\" text-anchor=\"middle\" fill=\"#555\">"
        << n << " queries, sorted by difference; above zero the second run is better</text>\n";

    // Y axis with ticks and grid lines.
    out << "<g stroke=\"#000\" stroke-width=\"1\">\n";
    out << "<line x1=\"" << num(kLeft) << "\" y1=\"" << num(kTop) << "\" x2=\"" << num(kLeft)
        << "\" y2=\"" << num(kTop + kPlotHeight) << "\"/>\n";
    out << "<line x1=\"" << num(kLeft) << "\" y1=\"" << num(kTop + kPlotHeight) << "\" x2=\""
        << num(kLeft + plot_width) << "\" y2=\"" << num(kTop + kPlotHeight) << "\"/>\n";
    out << "</g>\n<g font-size=\"11\" text-anchor=\"end\">\n";
    const int ticks = static_cast<int>(std::lround((hi - lo) / step));
    for (int i = 0; i <= ticks; ++i) {
        const double v = lo + i * step;
        const double y = y_of(v);
        out << "<line x1=\"" << num(kLeft - 5) << "\" y1=\"" << num(y) << "\" x2=\""
            << num(kLeft + plot_width) << "\" y2=\"" << num(y)
            << "\" stroke=\"#ddd\" stroke-width=\"1\"/>\n";
        out << "<text x=\"" << num(kLeft - 8) << "\" y=\"" << num(y + 4) << "\">"
            << signed_num(v, decimals) << "</text>\n";
    }
    out << "</g>\n";
    out << "<text x=\"16\" y=\"" << num(kTop + kPlotHeight / 2) << "\" text-anchor=\"middle\" "
        << "transform=\"rotate(-90 16 " << num(kTop + kPlotHeight / 2) << ")\">difference in "
        << metric << "</text>\n";
    out << "<text x=\"" << num(kLeft + plot_width / 2) << "\" y=\"" << num(height - 12)
        << "\" text-anchor=\"middle\">queries</text>\n";

    // One bar per query.
    out << "<g stroke=\"none\">\n";
    for (std::size_t i = 0; i < n; ++i) {
        const double d = bars[i].difference();
        const double x = kLeft + (static_cast<double>(i) + 0.5) * slot - bar_width / 2;
        double y = std::min(y_of(d), zero_y);
        double h = std::fabs(y_of(d) - zero_y);
        const char* fill = d > 0.0 ? "#2e7d32" : d < 0.0 ? "#c62828" : "#888";
        if (h < 1.0) {  // a tie still shows as a thin mark on the zero line
            h = 1.0;
            y = zero_y - 0.5;
        }
        out << "<rect class=\"bar\" x=\"" << num(x) << "\" y=\"" << num(y) << "\" width=\""
            << num(bar_width) << "\" height=\"" << num(h) << "\" fill=\"" << fill
            << "\"><title>query " << escape(bars[i].qid) << ": " << signed_num(d, 4) << " ("
            << num(bars[i].base, 4) << " to " << num(bars[i].other, 4) << ")</title></rect>\n";
    }
    out << "</g>\n";
    if (labelled) {
        out << "<g font-size=\"10\" text-anchor=\"end\">\n";
        for (std::size_t i = 0; i < n; ++i) {
            const double x = kLeft + (static_cast<double>(i) + 0.5) * slot + 3;
            const double y = kTop + kPlotHeight + 8;
            out << "<text x=\"" << num(x) << "\" y=\"" << num(y) << "\" transform=\"rotate(-90 "
                << num(x) << ' ' << num(y) << ")\">" << escape(bars[i].qid) << "</text>\n";
        }
        out << "</g>\n";
    }
    out << "<line class=\"zero\" x1=\"" << num(kLeft) << "\" y1=\"" << num(zero_y) << "\" x2=\""
        << num(kLeft + plot_width) << "\" y2=\"" << num(zero_y)
        << "\" stroke=\"#000\" stroke-width=\"1.5\"/>\n";
    out << "</svg>\n";
}

void write_difference_svg_file(const std::string& path, const Comparison& comparison,
                               const PlotLabels& labels) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(path + ": cannot write the plot");
    write_difference_svg(out, comparison, labels);
    out.flush();
    if (!out) throw Error(path + ": cannot write the plot");
}

}  // namespace revsearch::query::eval
