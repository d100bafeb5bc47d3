#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

/// bench/effectiveness's inner loop: many ranking settings over one index and one judged query
/// set, in one process. Each setting is run exactly as `revsearch-query --queries` runs a batch
/// (plain parsing, depth 1000, the same TREC lines) and scored as `revsearch-eval` scores the
/// run, so a grid line equals what the two programs print for that setting, without starting
/// them, opening the index and reading the topics and qrels once per setting.
namespace revsearch::bench {

/// One ranking setting: a weighting (query::WeightingSpec's form) and an expansion
/// (query::PrfParams's form, or `off`).
struct GridSetting {
    std::string weighting;
    std::string prf;
};

struct EffectivenessGridOptions {
    std::string db;                   ///< a revsearch index
    std::string queries_file;         ///< TREC topics, SMART queries or qid<TAB>text lines
    bool number_by_position = false;  ///< SMART queries numbered 1, 2, ... (Cranfield)
    std::string qrels_file;           ///< judgments in any layout revsearch-eval reads
    std::string label;                ///< first column of every output line
    std::string settings_file;        ///< `WEIGHTING PRF` lines; "-" reads stdin
    std::string per_query;            ///< also append each query's AP here ("": do not)
    std::size_t depth = 1000;         ///< results per query
};

/// Reads `WEIGHTING PRF` lines (blank lines and `#` comments skipped). Throws UsageError for a
/// line that is not two fields, naming the line, or a weighting or expansion that does not
/// parse.
[[nodiscard]] std::vector<GridSetting> read_grid_settings(std::istream& in,
                                                          const std::string& name);

/// Runs every setting and writes one line each to `out`, in input order:
/// `LABEL TAB WEIGHTING TAB PRF TAB map TAB ndcg_cut_1000 TAB P_10 TAB recall_1000` (means over
/// the queries both judged and run, four decimals, as revsearch-eval prints them). With
/// `per_query`, appends `LABEL TAB WEIGHTING TAB PRF TAB QID TAB AP` lines (AP with 6
/// decimals) to that file. Returns 0. Throws UsageError, IndexError or CorpusError for bad
/// options, an index that cannot be opened, or unreadable topics or qrels.
[[nodiscard]] int run_effectiveness_grid(const EffectivenessGridOptions& options,
                                         const std::vector<GridSetting>& settings,
                                         std::ostream& out);

/// Parses `revsearch-effectiveness-grid` arguments. Returns nullopt when --help was printed.
/// Throws UsageError for a bad command line.
[[nodiscard]] std::optional<EffectivenessGridOptions> parse_effectiveness_grid_args(
    int argc, const char* const* argv, std::ostream& out);

/// `revsearch-effectiveness-grid`: the whole program. Returns 0, 1 (error) or 2 (usage). Never
/// throws.
[[nodiscard]] int effectiveness_grid_main(int argc, const char* const* argv, std::istream& in,
                                          std::ostream& out, std::ostream& err);

}  // namespace revsearch::bench
