#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

/// Retrieval evaluation with trec_eval's definitions: readers for relevance judgments (qrels) and
/// ranked runs, the per-query measures, their means, and paired significance tests between two
/// runs. docs/EVALUATION.md states every definition; the references are trec_eval 9.0.x
/// (github.com/usnistgov/trec_eval: form_res_rels.c, m_map.c, m_P.c, m_recall.c,
/// m_recip_rank.c, m_ndcg_cut.c, meas_avg.c, trec_eval.c).
///
/// Everything here is plain data and pure functions: thread-safe for concurrent calls on
/// distinct arguments, and on shared arguments that no thread modifies.
namespace revsearch::query::eval {

// ----------------------------------------------------------------------------------------------
// Query ids

/// Orders query ids the way the tool prints them: ids made only of digits by numeric value
/// (shorter first, then lexically, which is numeric order once leading zeros are gone), then all
/// other ids lexically (byte order).
struct QidLess {
    [[nodiscard]] bool operator()(const std::string& a, const std::string& b) const;
};

/// The canonical form of a query id: an id made only of ASCII digits loses its leading zeros
/// ("01" -> "1", "000" -> "0"); any other id is returned unchanged. CACM's qrels write "01"
/// where runs write "1"; trec_eval would compare the strings and find no common query.
[[nodiscard]] std::string normalise_qid(std::string_view qid);

// ----------------------------------------------------------------------------------------------
// Qrels

/// The layouts of a relevance-judgment file.
enum class QrelsFormat {
    Auto,       ///< detect from the lines (detect_qrels_format)
    Trec,       ///< `qid iter docid rel`, rel an integer grade
    Cranfield,  ///< `qid docid code`, Cleverdon's codes 1 (best) .. 4, -1 (and 5) no interest
    Cacm,       ///< `qid docid 0 0`: every listed pair is relevant (code 1)
};

/// "auto", "trec", "cranfield" or "cacm". Throws UsageError otherwise.
[[nodiscard]] QrelsFormat parse_qrels_format(std::string_view name);
[[nodiscard]] std::string_view qrels_format_name(QrelsFormat format) noexcept;

/// Maps a judgment's code (the rel column, or Cleverdon's code) to the graded relevance used by
/// the measures. Codes without an entry keep their value as the grade.
using GradeMap = std::map<int, int>;

/// The mapping applied when the user gives none. Cranfield: 1->4, 2->3, 3->2, 4->1 (lower
/// code = more relevant, and every code 1-4 stays relevant, i.e. grade >= 1), 5->0 and -1->0
/// (not relevant). Trec and Cacm: empty (the code is the grade; a CACM pair has code 1).
[[nodiscard]] GradeMap default_grade_map(QrelsFormat format);

/// Parses "CODE=GRADE,CODE=GRADE" (integers, e.g. "1=3,4=0,-1=0"). Throws UsageError on bad
/// syntax or a code given twice.
[[nodiscard]] GradeMap parse_grade_map(std::string_view spec);

/// Judgments of one query: docid -> grade. A grade >= 1 is relevant (trec_eval's default
/// relevance level); 0 or below is judged non-relevant.
using Judgments = std::map<std::string, int>;

/// A whole qrels file.
struct Qrels {
    QrelsFormat format = QrelsFormat::Trec;             ///< the format read (never Auto)
    std::map<std::string, Judgments, QidLess> queries;  ///< by normalised qid
    std::size_t judgment_count = 0;                     ///< data lines read (one judgment each)
};

/// Picks the format of a qrels file from its data lines (blank and '#' lines ignored): three
/// fields -> Cranfield; four fields with "0 0" in the last two columns on every line -> Cacm;
/// other four-field files -> Trec. Throws CorpusError(`name`, line, ...) when the first data line
/// has another field count, or when there is no data line.
[[nodiscard]] QrelsFormat detect_qrels_format(const std::vector<std::string>& lines,
                                              const std::string& name);

/// Reads qrels from `in` (`name` is used in error messages). CRLF line ends are accepted;
/// blank lines and lines starting with '#' are skipped. `overrides` entries replace the format's
/// default_grade_map entries. Throws CorpusError(name, line, reason) for a malformed line, a
/// non-integer code, a Cranfield code outside -1..5, or a (qid, docid) pair judged twice —
/// trec_eval refuses those files too, and a silently repaired file would give numbers it cannot
/// reproduce.
[[nodiscard]] Qrels read_qrels(std::istream& in, const std::string& name, QrelsFormat format,
                               const GradeMap& overrides = {});

/// read_qrels on a file. Throws CorpusError(path, 0, ...) when it cannot be opened.
[[nodiscard]] Qrels read_qrels_file(const std::string& path, QrelsFormat format,
                                    const GradeMap& overrides = {});

// ----------------------------------------------------------------------------------------------
// Runs

/// One retrieved document of a run.
struct Retrieved {
    std::string docid;
    double score = 0.0;
};

/// A whole TREC run file (`qid Q0 docid rank score tag`).
struct Run {
    std::string tag;  ///< the tag of the last line (trec_eval reports that one)
    /// Per normalised qid, the documents in evaluation order (rank_like_trec_eval).
    std::map<std::string, std::vector<Retrieved>, QidLess> queries;
    std::size_t line_count = 0;  ///< data lines read
};

/// Orders documents as trec_eval does before it assigns ranks: score descending, ties broken by
/// docid descending in byte order (strcmp(b, a) in form_res_rels.c). The file's rank column is
/// never used.
void rank_like_trec_eval(std::vector<Retrieved>& docs);

/// Reads a run from `in`: six or more whitespace-separated fields per line (fields after the
/// tag are ignored); blank and '#' lines are skipped. Every line is used (no depth cut-off).
/// Throws CorpusError(name, line, reason) for a line with fewer fields, a score that is not a
/// number (or is NaN), or a document retrieved twice for one query (trec_eval quits on that).
[[nodiscard]] Run read_run(std::istream& in, const std::string& name);

/// read_run on a file. Throws CorpusError(path, 0, ...) when it cannot be opened.
[[nodiscard]] Run read_run_file(const std::string& path);

// ----------------------------------------------------------------------------------------------
// Measures

/// The measures, named as trec_eval names them.
enum class Metric { Map, RecipRank, P5, P10, Recall100, Recall1000, NdcgCut10, NdcgCut1000 };
inline constexpr std::size_t kMetricCount = 8;
/// Every metric, in output order.
inline constexpr std::array<Metric, kMetricCount> kMetrics = {
    Metric::Map,       Metric::RecipRank,  Metric::P5,        Metric::P10,
    Metric::Recall100, Metric::Recall1000, Metric::NdcgCut10, Metric::NdcgCut1000};

/// trec_eval's name: "map", "recip_rank", "P_5", "P_10", "recall_100", "recall_1000",
/// "ndcg_cut_10", "ndcg_cut_1000".
[[nodiscard]] std::string_view metric_name(Metric metric) noexcept;

/// Accepts trec_eval's names and the aliases mrr, p@5, p@10, r@100, r@1000, ndcg@10,
/// ndcg@1000 (case-insensitive). Throws UsageError otherwise.
[[nodiscard]] Metric parse_metric(std::string_view name);

/// Relevance of each retrieved document, in rank order: its grade when judged, kUnjudged when
/// the qrels do not mention it (trec_eval's RELVALUE_NONPOOL).
inline constexpr int kUnjudged = -1;
[[nodiscard]] std::vector<int> relevance_by_rank(const Judgments& judged,
                                                 const std::vector<Retrieved>& ranked);

/// Number of judged documents with grade >= 1.
[[nodiscard]] std::size_t count_relevant(const Judgments& judged);

/// Average precision (trec_eval `map`, per query): the sum over relevant retrieved documents
/// of (relevant so far / rank), divided by `num_rel`. 0 when nothing relevant is retrieved.
[[nodiscard]] double average_precision(const std::vector<int>& rels, std::size_t num_rel);

/// Precision at k (`P_k`): relevant among the first k, divided by k even when fewer than k were
/// retrieved. REQUIRES: k > 0.
[[nodiscard]] double precision_at(const std::vector<int>& rels, std::size_t k);

/// Recall at k (`recall_k`): relevant among the first k, divided by `num_rel`; 0 when
/// num_rel is 0.
[[nodiscard]] double recall_at(const std::vector<int>& rels, std::size_t k, std::size_t num_rel);

/// Reciprocal rank (`recip_rank`): 1 / rank of the first relevant document, 0 when none.
[[nodiscard]] double reciprocal_rank(const std::vector<int>& rels);

/// nDCG at k (`ndcg_cut_k`): DCG@k / IDCG@k with gain = grade (linear, only grades > 0) and
/// discount log2(rank + 1); IDCG@k uses the judged grades > 0 sorted descending. 0 when there
/// is no grade > 0. REQUIRES: k > 0.
[[nodiscard]] double ndcg_at(const std::vector<int>& rels, const Judgments& judged, std::size_t k);

/// The measures of one query.
struct QueryScores {
    std::string qid;
    bool in_run = true;           ///< false: only in the qrels, scored 0 (complete mode)
    std::size_t num_ret = 0;      ///< documents retrieved
    std::size_t num_rel = 0;      ///< judged relevant (grade >= 1)
    std::size_t num_rel_ret = 0;  ///< relevant among the retrieved
    std::array<double, kMetricCount> values{};

    [[nodiscard]] double value(Metric m) const noexcept {
        return values[static_cast<std::size_t>(m)];
    }
};

/// Scores one query. `ranked` must already be in rank_like_trec_eval order.
[[nodiscard]] QueryScores score_query(const std::string& qid, const Judgments& judged,
                                      const std::vector<Retrieved>& ranked);

/// Which queries are averaged.
struct EvalOptions {
    /// false (trec_eval's default): queries both in the qrels and in the run. true (trec_eval
    /// -c): every query in the qrels; one missing from the run scores 0 on every measure.
    /// Queries only in the run are ignored either way.
    bool complete = false;
};

/// A run evaluated against qrels.
struct Evaluation {
    std::string run_tag;
    std::vector<QueryScores> queries;          ///< the averaged queries, in QidLess order
    std::array<double, kMetricCount> means{};  ///< arithmetic means over `queries`
    std::size_t num_ret = 0, num_rel = 0, num_rel_ret = 0;  ///< sums over `queries`
    std::size_t run_only_queries = 0;  ///< queries in the run but not in the qrels (ignored)

    [[nodiscard]] std::size_t num_q() const noexcept { return queries.size(); }
    [[nodiscard]] double mean(Metric m) const noexcept {
        return means[static_cast<std::size_t>(m)];
    }
};

/// Evaluates `run` against `qrels`. Throws Error when no query is left to average (trec_eval:
/// "No queries with both results and relevance info").
[[nodiscard]] Evaluation evaluate(const Qrels& qrels, const Run& run, const EvalOptions& options);

// ----------------------------------------------------------------------------------------------
// Significance tests

/// The regularised incomplete beta function I_x(a, b), by the continued fraction of Numerical
/// Recipes (Press et al., 3rd ed., §6.4) evaluated with the modified Lentz method. REQUIRES:
/// a > 0, b > 0, 0 <= x <= 1. Accurate to about 1e-14 relative for the arguments the t-test uses.
[[nodiscard]] double regularized_incomplete_beta(double a, double b, double x);

/// Two-sided p-value of Student's t with `df` degrees of freedom:
/// P(|T| >= |t|) = I_{df/(df+t^2)}(df/2, 1/2). REQUIRES: df > 0. An infinite t gives 0.
[[nodiscard]] double student_t_two_sided_p(double t, double df);

/// A paired two-sided t-test on differences d_i = other_i - base_i.
struct TTest {
    std::size_t n = 0;
    double mean_difference = 0.0;
    double t = 0.0;   ///< mean / (sd / sqrt(n)), sd with n - 1; +-inf when sd is 0 and mean is not
    double df = 0.0;  ///< n - 1
    double p = 1.0;   ///< NaN when n < 2; 1 when every difference is 0
};
/// REQUIRES: base.size() == other.size().
[[nodiscard]] TTest paired_t_test(const std::vector<double>& base,
                                  const std::vector<double>& other);

/// A paired two-sided randomization (sign-flip permutation) test on the mean difference
/// (Fisher; for IR: Smucker, Allan & Carterette, CIKM 2007).
struct RandomizationTest {
    std::size_t n = 0;
    std::size_t trials = 0;  ///< sign assignments drawn (or 2^n when exact)
    std::uint64_t seed = 0;
    bool exact = false;  ///< every one of the 2^n sign assignments was enumerated
    double p = 1.0;      ///< NaN when n == 0
};

/// When 2^n <= `trials` it enumerates all 2^n assignments and p = (assignments with |mean| >=
/// observed) / 2^n, exactly. Otherwise it draws `trials` assignments from std::mt19937_64
/// seeded with `seed` (one bit per query) and p = (hits + 1) / (trials + 1), which counts the
/// observed assignment and so is never 0 (Phipson & Smyth 2010). Deterministic for a given
/// seed on every platform. REQUIRES: base.size() == other.size(), trials > 0.
[[nodiscard]] RandomizationTest paired_randomization_test(const std::vector<double>& base,
                                                          const std::vector<double>& other,
                                                          std::size_t trials, std::uint64_t seed);

/// One query of a two-run comparison.
struct PairedScore {
    std::string qid;
    double base = 0.0;
    double other = 0.0;
    [[nodiscard]] double difference() const noexcept { return other - base; }
};

/// Two evaluations compared on one metric, over the queries both averaged.
struct Comparison {
    Metric metric = Metric::Map;
    std::vector<PairedScore> queries;  ///< QidLess order
    std::size_t base_only = 0;         ///< queries only `base` averaged (left out of the tests)
    std::size_t other_only = 0;        ///< queries only `other` averaged (left out of the tests)
    TTest t_test;
    RandomizationTest randomization;
};

[[nodiscard]] Comparison compare(const Evaluation& base, const Evaluation& other, Metric metric,
                                 std::size_t trials, std::uint64_t seed);

}  // namespace revsearch::query::eval
