#include "query/evaluation.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <unordered_map>

#include "common/error.hpp"

namespace revsearch::query::eval {

namespace {

bool is_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

std::vector<std::string_view> split_fields(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && is_space(line[i])) ++i;
        const std::size_t start = i;
        while (i < line.size() && !is_space(line[i])) ++i;
        if (i > start) fields.push_back(line.substr(start, i - start));
    }
    return fields;
}

/// Blank lines and '#' comments carry no data (trec_eval skips '#' lines too).
bool is_data_line(std::string_view line) {
    const auto fields = split_fields(line);
    return !fields.empty() && fields.front().front() != '#';
}

std::vector<std::string> read_lines(std::istream& in) {
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
    }
    return lines;
}

bool parse_int(std::string_view s, int& value) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

bool parse_double(std::string_view s, double& value) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc() && end == s.data() + s.size() && !s.empty() && !std::isnan(value);
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::size_t index_of(Metric m) { return static_cast<std::size_t>(m); }

}  // namespace

// ----------------------------------------------------------------------------------------------
// Query ids

bool QidLess::operator()(const std::string& a, const std::string& b) const {
    const bool da = is_digits(a), db = is_digits(b);
    if (da && db) {
        // Compare by value without converting, so ids longer than 64 bits still order.
        const std::string na = normalise_qid(a), nb = normalise_qid(b);
        if (na.size() != nb.size()) return na.size() < nb.size();
        if (na != nb) return na < nb;
        return a < b;
    }
    if (da != db) return da;
    return a < b;
}

std::string normalise_qid(std::string_view qid) {
    if (!is_digits(qid)) return std::string(qid);
    const std::size_t first = qid.find_first_not_of('0');
    if (first == std::string_view::npos) return "0";
    return std::string(qid.substr(first));
}

// ----------------------------------------------------------------------------------------------
// Qrels

QrelsFormat parse_qrels_format(std::string_view name) {
    const std::string n = lower(name);
    if (n == "auto") return QrelsFormat::Auto;
    if (n == "trec") return QrelsFormat::Trec;
    if (n == "cranfield") return QrelsFormat::Cranfield;
    if (n == "cacm") return QrelsFormat::Cacm;
    throw UsageError("--qrels-format takes auto, trec, cranfield or cacm, not '" +
                     std::string(name) + "'");
}

std::string_view qrels_format_name(QrelsFormat format) noexcept {
    switch (format) {
        case QrelsFormat::Auto:
            return "auto";
        case QrelsFormat::Trec:
            return "trec";
        case QrelsFormat::Cranfield:
            return "cranfield";
        case QrelsFormat::Cacm:
            return "cacm";
    }
    return "trec";
}

GradeMap default_grade_map(QrelsFormat format) {
    if (format == QrelsFormat::Cranfield) {
        // Cleverdon's codes run from 1 (complete answer) to 4 (minimum interest); 5 (no
        // interest) never occurs in the file and -1 marks a judged non-relevant document.
        return {{1, 4}, {2, 3}, {3, 2}, {4, 1}, {5, 0}, {-1, 0}};
    }
    return {};
}

GradeMap parse_grade_map(std::string_view spec) {
    GradeMap map;
    std::size_t start = 0;
    while (start <= spec.size()) {
        const std::size_t comma = std::min(spec.find(',', start), spec.size());
        const std::string_view item = spec.substr(start, comma - start);
        const std::size_t eq = item.find('=');
        int code = 0, grade = 0;
        if (eq == std::string_view::npos || !parse_int(item.substr(0, eq), code) ||
            !parse_int(item.substr(eq + 1), grade)) {
            throw UsageError("--grade-map takes CODE=GRADE,... with integers, not '" +
                             std::string(spec) + "'");
        }
        if (!map.emplace(code, grade).second) {
            throw UsageError("--grade-map gives code " + std::to_string(code) + " twice");
        }
        start = comma + 1;
    }
    return map;
}

QrelsFormat detect_qrels_format(const std::vector<std::string>& lines, const std::string& name) {
    std::size_t first_line = 0, first_fields = 0;
    bool all_zero_zero = true;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (!is_data_line(lines[i])) continue;
        const auto fields = split_fields(lines[i]);
        if (first_line == 0) {
            first_line = i + 1;
            first_fields = fields.size();
        }
        if (fields.size() == 4 && !(fields[2] == "0" && fields[3] == "0")) all_zero_zero = false;
    }
    if (first_line == 0) throw CorpusError(name, 0, "no judgments in the qrels file");
    if (first_fields == 3) return QrelsFormat::Cranfield;
    if (first_fields == 4) return all_zero_zero ? QrelsFormat::Cacm : QrelsFormat::Trec;
    throw CorpusError(name, first_line,
                      "cannot tell the qrels format from a line of " +
                          std::to_string(first_fields) +
                          " fields (trec has 4, cranfield 3, cacm 4); see --qrels-format");
}

Qrels read_qrels(std::istream& in, const std::string& name, QrelsFormat format,
                 const GradeMap& overrides) {
    const std::vector<std::string> lines = read_lines(in);
    Qrels qrels;
    qrels.format = format == QrelsFormat::Auto ? detect_qrels_format(lines, name) : format;
    GradeMap grades = default_grade_map(qrels.format);
    for (const auto& [code, grade] : overrides) grades[code] = grade;

    const std::size_t want = qrels.format == QrelsFormat::Cranfield ? 3 : 4;
    const char* layout = qrels.format == QrelsFormat::Cranfield ? "qid docid code"
                         : qrels.format == QrelsFormat::Cacm    ? "qid docid 0 0"
                                                                : "qid iter docid rel";
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (!is_data_line(lines[i])) continue;
        const std::size_t line_no = i + 1;
        const auto fields = split_fields(lines[i]);
        if (fields.size() != want) {
            throw CorpusError(name, line_no,
                              "expected " + std::to_string(want) + " fields (" + layout +
                                  "), found " + std::to_string(fields.size()));
        }
        std::string_view docid;
        int code = 1;
        switch (qrels.format) {
            case QrelsFormat::Trec:
                docid = fields[2];
                if (!parse_int(fields[3], code)) {
                    throw CorpusError(
                        name, line_no,
                        "relevance '" + std::string(fields[3]) + "' is not an integer");
                }
                break;
            case QrelsFormat::Cranfield:
                docid = fields[1];
                if (!parse_int(fields[2], code) || code < -1 || code == 0 || code > 5) {
                    throw CorpusError(name, line_no,
                                      "Cranfield relevance code '" + std::string(fields[2]) +
                                          "' is not one of 1, 2, 3, 4, 5, -1");
                }
                break;
            case QrelsFormat::Cacm:
            case QrelsFormat::Auto:
                docid = fields[1];
                break;
        }
        const auto mapped = grades.find(code);
        const int grade = mapped == grades.end() ? code : mapped->second;
        Judgments& judged = qrels.queries[normalise_qid(fields[0])];
        if (!judged.emplace(std::string(docid), grade).second) {
            throw CorpusError(name, line_no,
                              "document '" + std::string(docid) + "' is judged twice for query " +
                                  normalise_qid(fields[0]));
        }
        ++qrels.judgment_count;
    }
    return qrels;
}

Qrels read_qrels_file(const std::string& path, QrelsFormat format, const GradeMap& overrides) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CorpusError(path, 0, "cannot open the qrels file");
    return read_qrels(in, path, format, overrides);
}

// ----------------------------------------------------------------------------------------------
// Runs

void rank_like_trec_eval(std::vector<Retrieved>& docs) {
    std::sort(docs.begin(), docs.end(), [](const Retrieved& a, const Retrieved& b) {
        if (a.score != b.score) return a.score > b.score;
        return a.docid > b.docid;  // std::string compares bytes as unsigned, like strcmp
    });
}

Run read_run(std::istream& in, const std::string& name) {
    Run run;
    std::unordered_map<std::string, std::size_t> first_seen;  // qid '\0' docid -> line
    std::string line;
    std::size_t line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (!is_data_line(line)) continue;
        const auto fields = split_fields(line);
        if (fields.size() < 6) {
            throw CorpusError(name, line_no,
                              "expected 6 fields (qid Q0 docid rank score tag), found " +
                                  std::to_string(fields.size()));
        }
        double score = 0.0;
        if (!parse_double(fields[4], score)) {
            throw CorpusError(name, line_no,
                              "score '" + std::string(fields[4]) + "' is not a number");
        }
        std::string qid = normalise_qid(fields[0]);
        std::string docid(fields[2]);
        const auto [it, fresh] = first_seen.emplace(qid + '\0' + docid, line_no);
        if (!fresh) {
            throw CorpusError(name, line_no,
                              "document '" + docid + "' is retrieved twice for query " + qid +
                                  " (first on line " + std::to_string(it->second) + ")");
        }
        run.queries[qid].push_back({std::move(docid), score});
        run.tag = std::string(fields[5]);
        ++run.line_count;
    }
    if (in.bad()) throw CorpusError(name, 0, "read error");
    for (auto& [qid, docs] : run.queries) rank_like_trec_eval(docs);
    return run;
}

Run read_run_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CorpusError(path, 0, "cannot open the run file");
    return read_run(in, path);
}

// ----------------------------------------------------------------------------------------------
// Measures

std::string_view metric_name(Metric metric) noexcept {
    switch (metric) {
        case Metric::Map:
            return "map";
        case Metric::RecipRank:
            return "recip_rank";
        case Metric::P5:
            return "P_5";
        case Metric::P10:
            return "P_10";
        case Metric::Recall100:
            return "recall_100";
        case Metric::Recall1000:
            return "recall_1000";
        case Metric::NdcgCut10:
            return "ndcg_cut_10";
        case Metric::NdcgCut1000:
            return "ndcg_cut_1000";
    }
    return "map";
}

Metric parse_metric(std::string_view name) {
    const std::string n = lower(name);
    for (Metric m : kMetrics) {
        if (n == lower(metric_name(m))) return m;
    }
    if (n == "mrr") return Metric::RecipRank;
    if (n == "p@5") return Metric::P5;
    if (n == "p@10") return Metric::P10;
    if (n == "r@100" || n == "recall@100") return Metric::Recall100;
    if (n == "r@1000" || n == "recall@1000") return Metric::Recall1000;
    if (n == "ndcg@10") return Metric::NdcgCut10;
    if (n == "ndcg@1000") return Metric::NdcgCut1000;
    std::string known;
    for (Metric m : kMetrics) known += (known.empty() ? "" : ", ") + std::string(metric_name(m));
    throw UsageError("unknown metric '" + std::string(name) + "' (known: " + known + ")");
}

std::vector<int> relevance_by_rank(const Judgments& judged, const std::vector<Retrieved>& ranked) {
    std::vector<int> rels;
    rels.reserve(ranked.size());
    for (const Retrieved& doc : ranked) {
        const auto it = judged.find(doc.docid);
        rels.push_back(it == judged.end() ? kUnjudged : it->second);
    }
    return rels;
}

std::size_t count_relevant(const Judgments& judged) {
    return static_cast<std::size_t>(
        std::count_if(judged.begin(), judged.end(), [](const auto& j) { return j.second >= 1; }));
}

// m_map.c: precision after each relevant document, summed in rank order, over all relevant.
double average_precision(const std::vector<int>& rels, std::size_t num_rel) {
    std::size_t rel_so_far = 0;
    double sum = 0.0;
    for (std::size_t i = 0; i < rels.size(); ++i) {
        if (rels[i] >= 1) {
            ++rel_so_far;
            sum += static_cast<double>(rel_so_far) / static_cast<double>(i + 1);
        }
    }
    if (rel_so_far == 0 || num_rel == 0) return 0.0;
    return sum / static_cast<double>(num_rel);
}

// m_P.c: missing ranks count as non-relevant, so the divisor is always k.
double precision_at(const std::vector<int>& rels, std::size_t k) {
    const std::size_t depth = std::min(k, rels.size());
    const auto hits = std::count_if(rels.begin(), rels.begin() + static_cast<std::ptrdiff_t>(depth),
                                    [](int r) { return r >= 1; });
    return static_cast<double>(hits) / static_cast<double>(k);
}

// m_recall.c
double recall_at(const std::vector<int>& rels, std::size_t k, std::size_t num_rel) {
    if (num_rel == 0) return 0.0;
    const std::size_t depth = std::min(k, rels.size());
    const auto hits = std::count_if(rels.begin(), rels.begin() + static_cast<std::ptrdiff_t>(depth),
                                    [](int r) { return r >= 1; });
    return static_cast<double>(hits) / static_cast<double>(num_rel);
}

// m_recip_rank.c
double reciprocal_rank(const std::vector<int>& rels) {
    for (std::size_t i = 0; i < rels.size(); ++i) {
        if (rels[i] >= 1) return 1.0 / static_cast<double>(i + 1);
    }
    return 0.0;
}

// m_ndcg_cut.c (trec_eval 9.0.x): gain = the grade itself, discount log2(i + 2) for 0-based i,
// the ideal ranking is every judged grade > 0 in descending order, cut at k as well.
double ndcg_at(const std::vector<int>& rels, const Judgments& judged, std::size_t k) {
    double dcg = 0.0;
    const std::size_t depth = std::min(k, rels.size());
    for (std::size_t i = 0; i < depth; ++i) {
        if (rels[i] > 0) dcg += rels[i] / std::log2(static_cast<double>(i + 2));
    }
    std::vector<int> ideal;
    for (const auto& [docid, grade] : judged) {
        if (grade > 0) ideal.push_back(grade);
    }
    std::sort(ideal.begin(), ideal.end(), std::greater<>());
    double idcg = 0.0;
    const std::size_t ideal_depth = std::min(k, ideal.size());
    for (std::size_t i = 0; i < ideal_depth; ++i) {
        idcg += ideal[i] / std::log2(static_cast<double>(i + 2));
    }
    return idcg > 0.0 ? dcg / idcg : 0.0;
}

QueryScores score_query(const std::string& qid, const Judgments& judged,
                        const std::vector<Retrieved>& ranked) {
    QueryScores s;
    s.qid = qid;
    const std::vector<int> rels = relevance_by_rank(judged, ranked);
    s.num_ret = ranked.size();
    s.num_rel = count_relevant(judged);
    s.num_rel_ret = static_cast<std::size_t>(
        std::count_if(rels.begin(), rels.end(), [](int r) { return r >= 1; }));
    s.values[index_of(Metric::Map)] = average_precision(rels, s.num_rel);
    s.values[index_of(Metric::RecipRank)] = reciprocal_rank(rels);
    s.values[index_of(Metric::P5)] = precision_at(rels, 5);
    s.values[index_of(Metric::P10)] = precision_at(rels, 10);
    s.values[index_of(Metric::Recall100)] = recall_at(rels, 100, s.num_rel);
    s.values[index_of(Metric::Recall1000)] = recall_at(rels, 1000, s.num_rel);
    s.values[index_of(Metric::NdcgCut10)] = ndcg_at(rels, judged, 10);
    s.values[index_of(Metric::NdcgCut1000)] = ndcg_at(rels, judged, 1000);
    return s;
}

Evaluation evaluate(const Qrels& qrels, const Run& run, const EvalOptions& options) {
    Evaluation e;
    e.run_tag = run.tag;
    for (const auto& [qid, judged] : qrels.queries) {
        const auto found = run.queries.find(qid);
        if (found != run.queries.end()) {
            e.queries.push_back(score_query(qid, judged, found->second));
        } else if (options.complete) {
            // trec_eval -c scores a missing query on a one-document non-relevant ranking and
            // then zeroes num_ret: every measure here comes out 0.
            QueryScores s;
            s.qid = qid;
            s.in_run = false;
            s.num_rel = count_relevant(judged);
            e.queries.push_back(std::move(s));
        }
    }
    for (const auto& [qid, docs] : run.queries) {
        if (qrels.queries.find(qid) == qrels.queries.end()) ++e.run_only_queries;
    }
    if (e.queries.empty()) {
        throw Error("no queries with both results and relevance judgments");
    }
    for (const QueryScores& s : e.queries) {
        for (std::size_t m = 0; m < kMetricCount; ++m) e.means[m] += s.values[m];
        e.num_ret += s.num_ret;
        e.num_rel += s.num_rel;
        e.num_rel_ret += s.num_rel_ret;
    }
    for (double& mean : e.means) mean /= static_cast<double>(e.queries.size());
    return e;
}

// ----------------------------------------------------------------------------------------------
// Significance tests

namespace {

// Numerical Recipes (3rd ed.) §6.4, Beta::betacf, with the modified Lentz method.
double beta_continued_fraction(double a, double b, double x) {
    constexpr int kMaxIterations = 10000;
    constexpr double kEps = std::numeric_limits<double>::epsilon();
    constexpr double kTiny = std::numeric_limits<double>::min() / kEps;
    const double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0;
    double d = 1.0 - qab * x / qap;
    if (std::fabs(d) < kTiny) d = kTiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= kMaxIterations; ++m) {
        const int m2 = 2 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if (std::fabs(d) < kTiny) d = kTiny;
        c = 1.0 + aa / c;
        if (std::fabs(c) < kTiny) c = kTiny;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if (std::fabs(d) < kTiny) d = kTiny;
        c = 1.0 + aa / c;
        if (std::fabs(c) < kTiny) c = kTiny;
        d = 1.0 / d;
        const double del = d * c;
        h *= del;
        if (std::fabs(del - 1.0) <= kEps) break;
    }
    return h;
}

}  // namespace

double regularized_incomplete_beta(double a, double b, double x) {
    if (x <= 0.0) return 0.0;
    if (x >= 1.0) return 1.0;
    const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                  a * std::log(x) + b * std::log1p(-x));
    // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry
    // I_x(a, b) = 1 - I_{1-x}(b, a) on the other side.
    if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_continued_fraction(a, b, x) / a;
    return 1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b;
}

double student_t_two_sided_p(double t, double df) {
    if (std::isnan(t)) return std::numeric_limits<double>::quiet_NaN();
    if (std::isinf(t)) return 0.0;
    return regularized_incomplete_beta(df / 2.0, 0.5, df / (df + t * t));
}

TTest paired_t_test(const std::vector<double>& base, const std::vector<double>& other) {
    TTest r;
    r.n = base.size();
    if (r.n == 0) {
        r.t = r.p = std::numeric_limits<double>::quiet_NaN();
        return r;
    }
    double sum = 0.0;
    for (std::size_t i = 0; i < r.n; ++i) sum += other[i] - base[i];
    r.mean_difference = sum / static_cast<double>(r.n);
    if (r.n < 2) {
        r.t = r.p = std::numeric_limits<double>::quiet_NaN();
        return r;
    }
    double squares = 0.0;
    for (std::size_t i = 0; i < r.n; ++i) {
        const double dev = (other[i] - base[i]) - r.mean_difference;
        squares += dev * dev;
    }
    r.df = static_cast<double>(r.n - 1);
    const double sd = std::sqrt(squares / r.df);
    if (sd == 0.0) {
        if (r.mean_difference == 0.0) {
            r.t = 0.0;
            r.p = 1.0;
        } else {
            r.t = std::copysign(std::numeric_limits<double>::infinity(), r.mean_difference);
            r.p = 0.0;
        }
        return r;
    }
    r.t = r.mean_difference / (sd / std::sqrt(static_cast<double>(r.n)));
    r.p = student_t_two_sided_p(r.t, r.df);
    return r;
}

RandomizationTest paired_randomization_test(const std::vector<double>& base,
                                            const std::vector<double>& other, std::size_t trials,
                                            std::uint64_t seed) {
    RandomizationTest r;
    r.n = base.size();
    r.seed = seed;
    if (r.n == 0) {
        r.p = std::numeric_limits<double>::quiet_NaN();
        return r;
    }
    std::vector<double> d(r.n);
    double observed = 0.0, magnitude = 0.0;
    for (std::size_t i = 0; i < r.n; ++i) {
        d[i] = other[i] - base[i];
        observed += d[i];
        magnitude += std::fabs(d[i]);
    }
    observed = std::fabs(observed);
    // Sums of the same terms in another order may differ in the last bits; without a tolerance
    // the observed assignment itself could fail to count as "at least as extreme".
    const double tolerance = 1e-10 * magnitude;
    auto extreme = [&](double sum) { return std::fabs(sum) >= observed - tolerance; };

    if (r.n < 63 && (std::uint64_t{1} << r.n) <= trials) {
        r.exact = true;
        const std::uint64_t assignments = std::uint64_t{1} << r.n;
        std::uint64_t hits = 0;
        for (std::uint64_t mask = 0; mask < assignments; ++mask) {
            double sum = 0.0;
            for (std::size_t i = 0; i < r.n; ++i) sum += ((mask >> i) & 1U) != 0 ? -d[i] : d[i];
            if (extreme(sum)) ++hits;
        }
        r.trials = static_cast<std::size_t>(assignments);
        r.p = static_cast<double>(hits) / static_cast<double>(assignments);
        return r;
    }
    // One raw generator bit per query: std::mt19937_64's output is fixed by the standard, unlike
    // the distributions, so a seed gives the same p-value on every platform.
    std::mt19937_64 generator(seed);
    std::uint64_t hits = 0;
    for (std::size_t trial = 0; trial < trials; ++trial) {
        double sum = 0.0;
        std::uint64_t bits = 0;
        for (std::size_t i = 0; i < r.n; ++i) {
            if (i % 64 == 0) bits = generator();
            sum += (bits & 1U) != 0 ? -d[i] : d[i];
            bits >>= 1U;
        }
        if (extreme(sum)) ++hits;
    }
    r.trials = trials;
    r.p = static_cast<double>(hits + 1) / static_cast<double>(trials + 1);
    return r;
}

Comparison compare(const Evaluation& base, const Evaluation& other, Metric metric,
                   std::size_t trials, std::uint64_t seed) {
    Comparison c;
    c.metric = metric;
    std::map<std::string, const QueryScores*, QidLess> others;
    for (const QueryScores& s : other.queries) others.emplace(s.qid, &s);
    for (const QueryScores& s : base.queries) {
        const auto it = others.find(s.qid);
        if (it == others.end()) {
            ++c.base_only;
            continue;
        }
        c.queries.push_back({s.qid, s.value(metric), it->second->value(metric)});
        others.erase(it);
    }
    c.other_only = others.size();
    std::vector<double> a, b;
    for (const PairedScore& q : c.queries) {
        a.push_back(q.base);
        b.push_back(q.other);
    }
    c.t_test = paired_t_test(a, b);
    c.randomization = paired_randomization_test(a, b, trials, seed);
    return c;
}

}  // namespace revsearch::query::eval
