#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "query/evaluation.hpp"

namespace revsearch::query::eval {

/// What the difference chart shows.
struct PlotLabels {
    std::string metric;  ///< e.g. "map"
    std::string base;    ///< the first run's name (the baseline)
    std::string other;   ///< the second run's name
};

/// Writes a self-contained SVG bar chart of the per-query differences (other - base) of
/// `comparison`: one `<rect class="bar">` per query, sorted by difference ascending (ties by
/// query id), green above the zero line and red below, with a y axis with ticks, the zero line,
/// a title, axis labels, and each bar's query id and value in its `<title>` tooltip (and under
/// the bar when there are at most 60 queries). Text is XML-escaped. No scripts, fonts or
/// external references. Writes nothing else to `out`; never throws except from the stream.
void write_difference_svg(std::ostream& out, const Comparison& comparison,
                          const PlotLabels& labels);

/// write_difference_svg into the file `path`. Throws Error when it cannot be written.
void write_difference_svg_file(const std::string& path, const Comparison& comparison,
                               const PlotLabels& labels);

}  // namespace revsearch::query::eval
