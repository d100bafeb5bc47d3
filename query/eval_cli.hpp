#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "query/evaluation.hpp"

namespace revsearch::query::eval {

/// How results are written.
enum class ReportFormat { Text, Json };

/// The parsed command line of revsearch-eval.
struct EvalCliOptions {
    std::string qrels_path;
    std::vector<std::string> run_paths;  ///< one or two; the first is the baseline
    QrelsFormat qrels_format = QrelsFormat::Auto;
    GradeMap grade_overrides;  ///< --grade-map, over default_grade_map
    EvalOptions eval;          ///< --complete
    ReportFormat format = ReportFormat::Text;
    bool per_query = false;
    Metric metric = Metric::Map;  ///< compared and tested with two runs
    std::size_t trials = 100000;
    std::uint64_t seed = 1;
    std::string plot_path;  ///< --plot FILE.svg (two runs only)
};

/// Parses argv. Returns nullopt when the command was informational (--help, --version) and has
/// printed its answer to `out`. Throws UsageError for a bad command line (unknown option, wrong
/// number of files, bad metric, format, grade map or trial count, --plot with one run).
[[nodiscard]] std::optional<EvalCliOptions> parse_command_line(int argc, const char* const* argv,
                                                               std::ostream& out);

/// `revsearch-eval QRELS RUN [RUN2]`: the whole program. Results go to `out`, notes (queries
/// left out) and errors to `err`. Returns 0 ok, 1 error (unreadable or malformed input, no
/// query to average, unwritable plot), 2 usage. Never throws.
[[nodiscard]] int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace revsearch::query::eval
