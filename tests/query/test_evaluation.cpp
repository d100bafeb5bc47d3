#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "query/eval_plot.hpp"
#include "query/evaluation.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::query::eval;
using Catch::Matchers::WithinAbs;

namespace {

Qrels qrels_of(const std::string& text, QrelsFormat format = QrelsFormat::Auto,
               const GradeMap& overrides = {}) {
    std::istringstream in(text);
    return read_qrels(in, "test.qrels", format, overrides);
}

Run run_of(const std::string& text) {
    std::istringstream in(text);
    return read_run(in, "test.run");
}

std::string fixture(const std::string& name) {
    return (test::fixtures_dir() / "eval" / name).string();
}

std::vector<std::string> docids(const std::vector<Retrieved>& docs) {
    std::vector<std::string> ids;
    for (const Retrieved& d : docs) ids.push_back(d.docid);
    return ids;
}

const QueryScores& scores_of(const Evaluation& e, const std::string& qid) {
    for (const QueryScores& s : e.queries) {
        if (s.qid == qid) return s;
    }
    FAIL("query " << qid << " was not averaged");
    throw std::logic_error("unreachable");
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
}

/// A small well-formedness check for the SVG: every tag closes in order, attributes are quoted,
/// and text holds no raw '<' or '&' outside entities.
bool well_formed_xml(const std::string& xml, std::string& why) {
    std::vector<std::string> open;
    std::size_t i = 0;
    while (i < xml.size()) {
        if (xml[i] == '&') {
            const std::size_t semi = xml.find(';', i);
            const std::string entity = xml.substr(i, semi == std::string::npos ? 0 : semi - i + 1);
            if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;" &&
                entity != "&apos;") {
                why = "bad entity at " + std::to_string(i);
                return false;
            }
            i = semi + 1;
            continue;
        }
        if (xml[i] != '<') {
            ++i;
            continue;
        }
        const std::size_t end = xml.find('>', i);
        if (end == std::string::npos) {
            why = "unterminated tag";
            return false;
        }
        std::string tag = xml.substr(i + 1, end - i - 1);
        if (count_of(tag, "\"") % 2 != 0 || tag.find('<') != std::string::npos) {
            why = "bad tag <" + tag + ">";
            return false;
        }
        if (!tag.empty() && tag.front() == '/') {
            const std::string name = tag.substr(1);
            if (open.empty() || open.back() != name) {
                why = "</" + name + "> closes " + (open.empty() ? "nothing" : open.back());
                return false;
            }
            open.pop_back();
        } else if (!tag.empty() && tag.back() != '/') {
            open.push_back(tag.substr(0, tag.find_first_of(" \t\n")));
        }
        i = end + 1;
    }
    if (!open.empty()) {
        why = "<" + open.back() + "> never closed";
        return false;
    }
    return true;
}

}  // namespace

// ----------------------------------------------------------------------------------------------
// Readers

TEST_CASE("query ids are compared by integer value when they are numeric", "[query][eval]") {
    SECTION("leading zeros are dropped from numeric ids, as CACM's qrels write 01 for 1") {
        CHECK(normalise_qid("01") == "1");
        CHECK(normalise_qid("000") == "0");
        CHECK(normalise_qid("365") == "365");
    }
    SECTION("ids that are not all digits are kept as written") {
        CHECK(normalise_qid("q01") == "q01");
        CHECK(normalise_qid("1a") == "1a");
    }
    SECTION("numeric ids sort by value, before all other ids") {
        QidLess less;
        CHECK(less("2", "10"));
        CHECK_FALSE(less("10", "2"));
        CHECK(less("99", "a"));
        CHECK(less("a", "b"));
    }
}

TEST_CASE("qrels are read in the TREC, Cranfield and CACM layouts", "[query][eval]") {
    SECTION("a TREC file keeps each rel value as the grade") {
        const Qrels q = read_qrels_file(fixture("qrels.trec"), QrelsFormat::Auto);
        CHECK(q.format == QrelsFormat::Trec);
        CHECK(q.queries.size() == 4);
        CHECK(q.judgment_count == 9);
        CHECK(q.queries.at("1").at("d1") == 2);
        CHECK(q.queries.at("1").at("d3") == 0);
    }
    SECTION("a Cranfield file (CRLF, no final newline) maps codes to grades, lower code higher") {
        const Qrels q = read_qrels_file(fixture("cranqrel.small"), QrelsFormat::Auto);
        CHECK(q.format == QrelsFormat::Cranfield);
        CHECK(q.judgment_count == 6);
        // Default map: 1->4, 2->3, 3->2, 4->1, -1->0.
        CHECK(q.queries.at("1").at("184") == 3);
        CHECK(q.queries.at("1").at("29") == 4);
        CHECK(q.queries.at("1").at("31") == 0);
        CHECK(q.queries.at("2").at("12") == 1);
        CHECK(q.queries.at("2").at("13") == 2);
    }
    SECTION("--grade-map entries override the Cranfield defaults and leave the others") {
        const Qrels q = read_qrels_file(fixture("cranqrel.small"), QrelsFormat::Cranfield,
                                        parse_grade_map("4=0,1=10"));
        CHECK(q.queries.at("1").at("29") == 10);
        CHECK(q.queries.at("1").at("184") == 3);
        CHECK(q.queries.at("2").at("12") == 0);
    }
    SECTION("a CACM file makes every listed pair relevant and drops leading zeros from ids") {
        const Qrels q = read_qrels_file(fixture("cacm_qrels.small"), QrelsFormat::Auto);
        CHECK(q.format == QrelsFormat::Cacm);
        CHECK(q.queries.size() == 2);
        CHECK(q.queries.at("1").at("1410") == 1);
        CHECK(q.queries.at("2").at("1") == 1);
    }
    SECTION("an explicit format wins over detection") {
        // Detected as CACM, "01 7 0 0" says document 7 is relevant to query 1; read as TREC it
        // is query 1, iteration 7, document 0, rel 0.
        CHECK(qrels_of("01 7 0 0\n").queries.at("1").at("7") == 1);
        const Qrels q = qrels_of("01 7 0 0\n", QrelsFormat::Trec);
        CHECK(q.format == QrelsFormat::Trec);
        CHECK(q.queries.at("1").at("0") == 0);
    }
}

TEST_CASE("malformed qrels are refused with the file and line", "[query][eval]") {
    SECTION("a line with the wrong number of fields") {
        CHECK_THROWS_WITH(qrels_of("1 0 d1 1\n1 0 d2\n", QrelsFormat::Trec),
                          Catch::StartsWith("test.qrels:2: expected 4 fields"));
    }
    SECTION("a relevance value that is not an integer") {
        CHECK_THROWS_WITH(qrels_of("1 0 d1 1\n1 0 d2 high\n"),
                          Catch::StartsWith("test.qrels:2: relevance 'high'"));
    }
    SECTION("a Cranfield code outside Cleverdon's scale") {
        CHECK_THROWS_WITH(qrels_of("1 5 2\n1 6 7\n"), Catch::StartsWith("test.qrels:2: Cranfield"));
    }
    SECTION("a document judged twice for one query, which trec_eval refuses too") {
        CHECK_THROWS_WITH(qrels_of("1 0 d1 1\n01 0 d1 0\n"),
                          Catch::Contains("test.qrels:2: document 'd1' is judged twice"));
    }
    SECTION("a file with no judgments, or of an unknown layout, cannot be detected") {
        CHECK_THROWS_AS(qrels_of("# nothing\n\n"), CorpusError);
        CHECK_THROWS_WITH(qrels_of("1 2 3 4 5\n"), Catch::Contains("--qrels-format"));
    }
    SECTION("a bad --grade-map is a usage error") {
        CHECK_THROWS_AS(parse_grade_map("1=4,2"), UsageError);
        CHECK_THROWS_AS(parse_grade_map("1=4,1=3"), UsageError);
        CHECK(parse_grade_map("-1=0,1=3") == GradeMap{{-1, 0}, {1, 3}});
    }
}

TEST_CASE("runs are ordered like trec_eval: score descending, then docid descending",
          "[query][eval]") {
    SECTION("the rank column is ignored and tied scores put the larger docid first") {
        const Run r = read_run_file(fixture("run_a.trec"));
        CHECK(r.tag == "run_a");
        CHECK(r.line_count == 9);
        CHECK(docids(r.queries.at("1")) == std::vector<std::string>{"d3", "d9", "d1", "d4"});
    }
    SECTION("docids compare as bytes, so 'd10' sorts before 'd9' among ties") {
        const Run r = run_of("7 Q0 d9 1 1.0 t\n7 Q0 d10 2 1.0 t\n7 Q0 D2 3 1.0 t\n");
        CHECK(docids(r.queries.at("7")) == std::vector<std::string>{"d9", "d10", "D2"});
    }
    SECTION("scores are compared as numbers, not text") {
        const Run r = run_of("1 Q0 a 1 9 t\n1 Q0 b 2 10 t\n1 Q0 c 3 -2e1 t\n1 Q0 d 4 1e1 t\n");
        CHECK(docids(r.queries.at("1")) == std::vector<std::string>{"d", "b", "a", "c"});
    }
    SECTION("extra fields after the tag are ignored and query ids are normalised") {
        const Run r = run_of("007 Q0 a 1 1.0 tag extra words\n");
        CHECK(r.queries.count("7") == 1);
        CHECK(r.tag == "tag");
    }
    SECTION("a short line, a bad score or a repeated document is refused with its line") {
        CHECK_THROWS_WITH(run_of("1 Q0 a 1 1.0\n"), Catch::StartsWith("test.run:1: expected 6"));
        CHECK_THROWS_WITH(run_of("1 Q0 a 1 1.0 t\n1 Q0 b 2 x t\n"),
                          Catch::StartsWith("test.run:2: score 'x'"));
        CHECK_THROWS_WITH(run_of("1 Q0 a 1 1.0 t\n1 Q0 a 2 0.5 t\n"),
                          Catch::StartsWith("test.run:2: document 'a' is retrieved twice"));
        CHECK_THROWS_WITH(run_of("1 Q0 a 1 nan t\n"), Catch::Contains("not a number"));
    }
}

// ----------------------------------------------------------------------------------------------
// Measures on the fixtures, worked by hand
//
// qrels.trec / run_a.trec, in trec_eval's order:
//   q1: d3 (3.0, grade 0), d9 (2.0, unjudged), d1 (2.0, grade 2), d4 (1.0, grade 1).
//       d9 and d1 tie; "d9" > "d1", so d9 comes first. num_rel = 3 (d1, d2, d4).
//       map        = (1/3 + 2/4) / 3 = 5/18 = 0.277778
//       recip_rank = 1/3
//       P_5 = 2/5 = 0.4,  P_10 = 2/10 = 0.2 (only 4 retrieved: trec_eval still divides by 10)
//       recall_100 = recall_1000 = 2/3 (4 retrieved, fewer than 100)
//       DCG  = 2/log2(4) + 1/log2(5) = 1 + 0.430677 = 1.430677
//       IDCG = 2/log2(2) + 1/log2(3) + 1/log2(4) = 2 + 0.630930 + 0.5 = 3.130930
//       ndcg_cut_10 = ndcg_cut_1000 = 1.430677 / 3.130930 = 0.456949
//   q2: judged, nothing relevant: every measure 0, but it is averaged (num_rel = 0).
//   q3: in the qrels only: left out by default, 0 with --complete.
//   q4: d8 (grade 0), d2 (not judged for q4); d9 is relevant and not retrieved: all 0.
//   q5: in the run only: ignored.
// Means over {1, 2, 4}: map 5/54 = 0.092593, P_5 0.133333, P_10 0.066667,
//   recall 0.222222, recip_rank 0.111111, ndcg 0.152316.
// With --complete, over {1, 2, 3, 4}: map 5/72 = 0.069444, P_5 0.1, recip_rank 0.083333,
//   ndcg 0.114237.

TEST_CASE("the measures follow trec_eval's definitions on a hand-worked run", "[query][eval]") {
    const Qrels qrels = read_qrels_file(fixture("qrels.trec"), QrelsFormat::Auto);
    const Run run = read_run_file(fixture("run_a.trec"));

    SECTION("a graded query with a tie scores as worked out by hand") {
        const Evaluation e = evaluate(qrels, run, {});
        const QueryScores& q1 = scores_of(e, "1");
        CHECK(q1.num_ret == 4);
        CHECK(q1.num_rel == 3);
        CHECK(q1.num_rel_ret == 2);
        CHECK_THAT(q1.value(Metric::Map), WithinAbs(5.0 / 18.0, 1e-12));
        CHECK_THAT(q1.value(Metric::RecipRank), WithinAbs(1.0 / 3.0, 1e-12));
        CHECK_THAT(q1.value(Metric::P5), WithinAbs(0.4, 1e-12));
        CHECK_THAT(q1.value(Metric::P10), WithinAbs(0.2, 1e-12));
        CHECK_THAT(q1.value(Metric::Recall100), WithinAbs(2.0 / 3.0, 1e-12));
        CHECK_THAT(q1.value(Metric::Recall1000), WithinAbs(2.0 / 3.0, 1e-12));
        const double ndcg = (2.0 / 2.0 + 1.0 / std::log2(5.0)) / (2.0 + 1.0 / std::log2(3.0) + 0.5);
        CHECK_THAT(q1.value(Metric::NdcgCut10), WithinAbs(ndcg, 1e-12));
        CHECK_THAT(q1.value(Metric::NdcgCut10), WithinAbs(0.456949, 1e-6));
        CHECK_THAT(q1.value(Metric::NdcgCut1000), WithinAbs(ndcg, 1e-12));
    }
    SECTION("a query with no relevant documents scores 0 everywhere and is still averaged") {
        const Evaluation e = evaluate(qrels, run, {});
        const QueryScores& q2 = scores_of(e, "2");
        CHECK(q2.num_rel == 0);
        for (Metric m : kMetrics) CHECK(q2.value(m) == 0.0);
    }
    SECTION("a query whose relevant document is never retrieved has reciprocal rank 0") {
        const Evaluation e = evaluate(qrels, run, {});
        const QueryScores& q4 = scores_of(e, "4");
        CHECK(q4.num_rel == 1);
        CHECK(q4.value(Metric::RecipRank) == 0.0);
        CHECK(q4.value(Metric::Map) == 0.0);
    }
    SECTION("by default only queries both judged and retrieved are averaged") {
        const Evaluation e = evaluate(qrels, run, {});
        REQUIRE(e.num_q() == 3);
        CHECK(e.queries[0].qid == "1");
        CHECK(e.queries[1].qid == "2");
        CHECK(e.queries[2].qid == "4");
        CHECK(e.run_only_queries == 1);  // query 5
        CHECK(e.num_ret == 8);
        CHECK(e.num_rel == 4);
        CHECK(e.num_rel_ret == 2);
        CHECK_THAT(e.mean(Metric::Map), WithinAbs(5.0 / 54.0, 1e-12));
        CHECK_THAT(e.mean(Metric::P5), WithinAbs(0.4 / 3.0, 1e-12));
        CHECK_THAT(e.mean(Metric::P10), WithinAbs(0.2 / 3.0, 1e-12));
        CHECK_THAT(e.mean(Metric::Recall100), WithinAbs(2.0 / 9.0, 1e-12));
        CHECK_THAT(e.mean(Metric::RecipRank), WithinAbs(1.0 / 9.0, 1e-12));
        CHECK_THAT(e.mean(Metric::NdcgCut10), WithinAbs(0.152316, 1e-6));
    }
    SECTION("with complete averaging a judged query missing from the run counts as 0") {
        const Evaluation e = evaluate(qrels, run, {true});
        REQUIRE(e.num_q() == 4);
        const QueryScores& q3 = scores_of(e, "3");
        CHECK_FALSE(q3.in_run);
        CHECK(q3.num_ret == 0);
        CHECK(q3.num_rel == 1);
        for (Metric m : kMetrics) CHECK(q3.value(m) == 0.0);
        CHECK(e.num_rel == 5);
        CHECK_THAT(e.mean(Metric::Map), WithinAbs(5.0 / 72.0, 1e-12));
        CHECK_THAT(e.mean(Metric::P5), WithinAbs(0.1, 1e-12));
        CHECK_THAT(e.mean(Metric::RecipRank), WithinAbs(1.0 / 12.0, 1e-12));
        CHECK_THAT(e.mean(Metric::NdcgCut10), WithinAbs(0.114237, 1e-6));
    }
    SECTION("a run with no judged query is an error, as in trec_eval") {
        const Run other = run_of("9 Q0 d1 1 1.0 t\n");
        CHECK_THROWS_WITH(evaluate(qrels, other, {}), Catch::Contains("no queries"));
    }
}

TEST_CASE("each measure handles short rankings and grades like trec_eval", "[query][eval]") {
    // Grades by rank; kUnjudged (-1) is a document the qrels do not mention.
    SECTION("precision divides by the cut-off even when fewer documents were retrieved") {
        CHECK(precision_at({1, 0, 1}, 10) == 0.2);
        CHECK(precision_at({}, 5) == 0.0);
        CHECK(precision_at({1, 1, 1, 1, 1, 1}, 5) == 1.0);
    }
    SECTION("recall at a deep cut-off with a short ranking counts what was retrieved") {
        CHECK_THAT(recall_at({1, kUnjudged, 2}, 100, 4), WithinAbs(0.5, 1e-12));
        CHECK(recall_at({1}, 100, 0) == 0.0);
        // Only the first k count: 2 of the 3 relevant lie in the first 2 ranks.
        CHECK_THAT(recall_at({1, 1, 0, 1}, 2, 3), WithinAbs(2.0 / 3.0, 1e-12));
    }
    SECTION("average precision divides by all relevant documents, retrieved or not") {
        // Relevant at ranks 2 and 5, 4 relevant in all: (1/2 + 2/5) / 4 = 0.225.
        CHECK_THAT(average_precision({0, 1, kUnjudged, 0, 3}, 4), WithinAbs(0.225, 1e-12));
        CHECK(average_precision({0, 0}, 2) == 0.0);
    }
    SECTION("reciprocal rank uses the first document with grade 1 or more") {
        CHECK_THAT(reciprocal_rank({0, kUnjudged, 0, 2}), WithinAbs(0.25, 1e-12));
        CHECK(reciprocal_rank({0, kUnjudged}) == 0.0);
    }
    SECTION("nDCG uses the grade as the gain and log2(rank + 1) as the discount") {
        // Judged: a=3, b=2, c=1, z=0. Ranking c, x (unjudged), a:
        //   DCG@10  = 1/log2(2) + 3/log2(4) = 1 + 1.5 = 2.5
        //   IDCG@10 = 3/log2(2) + 2/log2(3) + 1/log2(4) = 3 + 1.261860 + 0.5 = 4.761860
        //   nDCG@10 = 0.525005
        // Cut at 2: DCG@2 = 1, IDCG@2 = 3 + 2/log2(3) = 4.261860, nDCG@2 = 0.234639.
        const Judgments judged{{"a", 3}, {"b", 2}, {"c", 1}, {"z", 0}};
        const std::vector<Retrieved> ranked{{"c", 3.0}, {"x", 2.0}, {"a", 1.0}};
        const std::vector<int> rels = relevance_by_rank(judged, ranked);
        CHECK(rels == std::vector<int>{1, kUnjudged, 3});
        CHECK_THAT(ndcg_at(rels, judged, 10), WithinAbs(2.5 / (3.5 + 2.0 / std::log2(3.0)), 1e-12));
        CHECK_THAT(ndcg_at(rels, judged, 10), WithinAbs(0.525005, 1e-6));
        CHECK_THAT(ndcg_at(rels, judged, 2), WithinAbs(1.0 / (3.0 + 2.0 / std::log2(3.0)), 1e-12));
    }
    SECTION("nDCG is 1 for the ideal order and 0 when nothing is relevant") {
        const Judgments judged{{"a", 3}, {"b", 2}, {"c", 1}};
        CHECK_THAT(ndcg_at({3, 2, 1}, judged, 10), WithinAbs(1.0, 1e-12));
        CHECK(ndcg_at({0, kUnjudged}, Judgments{{"q", 0}}, 10) == 0.0);
    }
    SECTION("a negative grade is judged but never relevant and gives no gain") {
        const Judgments judged{{"a", -2}, {"b", 1}};
        CHECK(count_relevant(judged) == 1);
        CHECK_THAT(ndcg_at({-2, 1}, judged, 10), WithinAbs(1.0 / std::log2(3.0), 1e-12));
    }
}

TEST_CASE("CACM and Cranfield judgments evaluate against runs that write plain ids",
          "[query][eval]") {
    SECTION("CACM's 01 matches a run's 1") {
        // q1: 1572 (rel), 9 (unjudged); 2 relevant in all -> map = (1/1)/2 = 0.5.
        // q2: 2434 (rel); 2 relevant in all -> map = 0.5.
        const Evaluation e =
            evaluate(read_qrels_file(fixture("cacm_qrels.small"), QrelsFormat::Auto),
                     read_run_file(fixture("run_cacm.trec")), {});
        REQUIRE(e.num_q() == 2);
        CHECK_THAT(e.mean(Metric::Map), WithinAbs(0.5, 1e-12));
    }
    SECTION("Cranfield grades drive nDCG: code 1 outranks code 2") {
        // q1 grades: 29 -> 4 (code 1), 184 -> 3 (code 2), 31 -> 0. Run: 29, 184, 31: ideal.
        // q2 grades: 12 -> 1 (code 4), 13 -> 2 (code 3). Run: 13, 12: ideal.
        const Evaluation e = evaluate(read_qrels_file(fixture("cranqrel.small"), QrelsFormat::Auto),
                                      read_run_file(fixture("run_cranfield.trec")), {});
        CHECK_THAT(e.mean(Metric::NdcgCut10), WithinAbs(1.0, 1e-12));
        CHECK_THAT(e.mean(Metric::Map), WithinAbs(1.0, 1e-12));
    }
    SECTION("the same Cranfield run under the raw codes as gains is no longer ideal") {
        // Map codes to themselves: q1 grades 29 -> 1, 184 -> 2. Ranking 29, 184:
        // DCG = 1 + 2/log2(3) = 2.261860; IDCG = 2 + 1/log2(3) = 2.630930; 0.859723.
        const Qrels raw = read_qrels_file(fixture("cranqrel.small"), QrelsFormat::Cranfield,
                                          parse_grade_map("1=1,2=2,3=3,4=4"));
        const Evaluation e = evaluate(raw, read_run_file(fixture("run_cranfield.trec")), {});
        CHECK_THAT(scores_of(e, "1").value(Metric::NdcgCut10),
                   WithinAbs((1.0 + 2.0 / std::log2(3.0)) / (2.0 + 1.0 / std::log2(3.0)), 1e-12));
    }
}

// ----------------------------------------------------------------------------------------------
// Significance tests

TEST_CASE("the t distribution's p-values match closed forms and tables", "[query][eval]") {
    SECTION("the incomplete beta function has its known special values") {
        CHECK_THAT(regularized_incomplete_beta(1.0, 1.0, 0.3), WithinAbs(0.3, 1e-14));
        // I_x(a, 1) = x^a; I_x(1, b) = 1 - (1 - x)^b.
        CHECK_THAT(regularized_incomplete_beta(3.0, 1.0, 0.6), WithinAbs(0.216, 1e-14));
        CHECK_THAT(regularized_incomplete_beta(1.0, 4.0, 0.5), WithinAbs(1.0 - 0.0625, 1e-14));
        CHECK_THAT(regularized_incomplete_beta(2.5, 2.5, 0.5), WithinAbs(0.5, 1e-14));
        CHECK(regularized_incomplete_beta(2.0, 3.0, 0.0) == 0.0);
        CHECK(regularized_incomplete_beta(2.0, 3.0, 1.0) == 1.0);
    }
    SECTION("one degree of freedom is the Cauchy distribution: p = 1 - 2 atan(|t|) / pi") {
        for (double t : {0.0, 0.5, 1.0, 3.0, 40.0}) {
            CHECK_THAT(student_t_two_sided_p(t, 1.0),
                       WithinAbs(1.0 - 2.0 * std::atan(t) / std::numbers::pi, 1e-12));
        }
    }
    SECTION("two degrees of freedom: p = 1 - |t| / sqrt(t^2 + 2)") {
        for (double t : {0.3, 2.0, 4.302653}) {
            CHECK_THAT(student_t_two_sided_p(t, 2.0),
                       WithinAbs(1.0 - t / std::sqrt(t * t + 2.0), 1e-12));
        }
        // 4.303 is the table's two-sided 5% point for df = 2.
        CHECK_THAT(student_t_two_sided_p(4.302653, 2.0), WithinAbs(0.05, 1e-6));
    }
    SECTION("the textbook table's 5% and 1% two-sided critical values come back") {
        CHECK_THAT(student_t_two_sided_p(2.228139, 10.0), WithinAbs(0.05, 1e-6));
        CHECK_THAT(student_t_two_sided_p(3.169273, 10.0), WithinAbs(0.01, 1e-6));
        CHECK_THAT(student_t_two_sided_p(2.042272, 30.0), WithinAbs(0.05, 1e-6));
        CHECK_THAT(student_t_two_sided_p(-2.042272, 30.0), WithinAbs(0.05, 1e-6));
        CHECK_THAT(student_t_two_sided_p(1.983972, 100.0), WithinAbs(0.05, 1e-6));
    }
    SECTION("extreme t values give p near 0 or exactly 1") {
        CHECK(student_t_two_sided_p(0.0, 5.0) == 1.0);
        CHECK(student_t_two_sided_p(1e6, 5.0) < 1e-20);
        CHECK(student_t_two_sided_p(INFINITY, 5.0) == 0.0);
    }
}

TEST_CASE("the paired t-test reproduces a hand-computed example", "[query][eval]") {
    SECTION("differences 0, 1, 2, 3, 4 give t = 2 sqrt(2) and the closed-form p for df 4") {
        // mean 2, sd sqrt(10/4), t = 2 / (sqrt(2.5) / sqrt(5)) = 2 sqrt(2) = 2.828427.
        // For df = 4, with x = t / sqrt(t^2 + 4): p = 1 - x (3 - x^2) / 2.
        //   x = sqrt(2/3) = 0.816497, p = 1 - 0.816497 * (7/3) / 2 = 0.047421.
        const TTest t = paired_t_test({1, 1, 1, 1, 1}, {1, 2, 3, 4, 5});
        CHECK(t.n == 5);
        CHECK(t.df == 4.0);
        CHECK_THAT(t.mean_difference, WithinAbs(2.0, 1e-12));
        CHECK_THAT(t.t, WithinAbs(2.0 * std::sqrt(2.0), 1e-12));
        const double x = std::sqrt(2.0 / 3.0);
        CHECK_THAT(t.p, WithinAbs(1.0 - x * (3.0 - x * x) / 2.0, 1e-12));
        CHECK_THAT(t.p, WithinAbs(0.047421, 1e-6));
    }
    SECTION("the sign of the difference flips t but not p") {
        const TTest up = paired_t_test({0.1, 0.2, 0.3}, {0.3, 0.2, 0.6});
        const TTest down = paired_t_test({0.3, 0.2, 0.6}, {0.1, 0.2, 0.3});
        CHECK_THAT(up.t, WithinAbs(-down.t, 1e-12));
        CHECK_THAT(up.p, WithinAbs(down.p, 1e-12));
    }
    SECTION("identical runs give p = 1, constant nonzero differences p = 0, one query NaN") {
        CHECK(paired_t_test({0.5, 0.2}, {0.5, 0.2}).p == 1.0);
        CHECK(paired_t_test({0.0, 0.25}, {0.5, 0.75}).p == 0.0);
        CHECK(std::isnan(paired_t_test({0.1}, {0.2}).p));
    }
}

TEST_CASE("the paired randomization test is exact for few queries and seeded otherwise",
          "[query][eval]") {
    SECTION("three queries are enumerated exactly: 2 of 8 sign flips are as extreme") {
        // d = 1, 2, 3: |sum| = 6 only for all + or all -; every other assignment is smaller.
        const RandomizationTest r = paired_randomization_test({0, 0, 0}, {1, 2, 3}, 1000, 7);
        CHECK(r.exact);
        CHECK(r.trials == 8);
        CHECK(r.p == 0.25);
    }
    SECTION("a zero difference and ties in |sum| are counted as at least as extreme") {
        // d = 7/18, 0, 1 (the fixture runs' map): |sum| = 25/18 for 4 of 8 -> p = 0.5.
        const RandomizationTest r =
            paired_randomization_test({5.0 / 18.0, 0.0, 0.0}, {2.0 / 3.0, 0.0, 1.0}, 100000, 1);
        CHECK(r.exact);
        CHECK(r.p == 0.5);
    }
    SECTION("identical runs give p = 1") {
        CHECK(paired_randomization_test({0.2, 0.4}, {0.2, 0.4}, 100, 1).p == 1.0);
    }
    SECTION("sampling is reproducible for a seed and close to the exact answer") {
        // 20 queries, d_i = 0.1 for 15 and -0.1 for 5: exact two-sided p = P(|S| >= 10 of
        // ±1 sums) = 2 * P(Bin(20, 1/2) >= 15) = 2 * 21700 / 1048576 = 0.041389.
        std::vector<double> base(20, 0.0), other(20, 0.1);
        for (int i = 0; i < 5; ++i) other[static_cast<std::size_t>(i)] = -0.1;
        const RandomizationTest a = paired_randomization_test(base, other, 200000, 42);
        const RandomizationTest b = paired_randomization_test(base, other, 200000, 42);
        CHECK_FALSE(a.exact);
        CHECK(a.trials == 200000);
        CHECK(a.p == b.p);
        CHECK_THAT(a.p, WithinAbs(2.0 * 21700.0 / 1048576.0, 0.003));
        const RandomizationTest exact = paired_randomization_test(base, other, 1U << 20U, 42);
        CHECK(exact.exact);
        CHECK_THAT(exact.p, WithinAbs(2.0 * 21700.0 / 1048576.0, 1e-12));
    }
}

TEST_CASE("two runs are compared per query on one metric", "[query][eval]") {
    // run_b, hand-worked against qrels.trec:
    //   q1: d1 (2), d4 (1), d3 (0): map = (1/1 + 2/2) / 3 = 2/3.   run_a: 5/18.
    //   q2: nothing relevant: 0.                                   run_a: 0.
    //   q4: d9 (1): map = 1.                                       run_a: 0.
    // Differences 7/18, 0, 1: mean 25/54 = 0.462963, sd = sqrt(741/2916) = 0.504098,
    // t = 0.462963 / (0.504098 / sqrt 3) = 1.590712, df = 2,
    // p = 1 - t / sqrt(t^2 + 2) = 0.252648.
    const Qrels qrels = read_qrels_file(fixture("qrels.trec"), QrelsFormat::Auto);
    const Evaluation a = evaluate(qrels, read_run_file(fixture("run_a.trec")), {});
    const Evaluation b = evaluate(qrels, read_run_file(fixture("run_b.trec")), {});

    SECTION("the differences, t-test and exact randomization test match the hand values") {
        const Comparison c = compare(a, b, Metric::Map, 100000, 1);
        REQUIRE(c.queries.size() == 3);
        CHECK(c.base_only == 0);
        CHECK(c.other_only == 0);
        CHECK_THAT(c.queries[0].difference(), WithinAbs(7.0 / 18.0, 1e-12));
        CHECK(c.queries[1].difference() == 0.0);
        CHECK_THAT(c.queries[2].difference(), WithinAbs(1.0, 1e-12));
        CHECK_THAT(c.t_test.mean_difference, WithinAbs(25.0 / 54.0, 1e-12));
        CHECK_THAT(c.t_test.t, WithinAbs(1.590712, 1e-6));
        CHECK_THAT(c.t_test.p, WithinAbs(0.252648, 1e-6));
        CHECK(c.randomization.exact);
        CHECK(c.randomization.p == 0.5);
    }
    SECTION("with complete averaging both runs are paired on every judged query") {
        const Evaluation ca = evaluate(qrels, read_run_file(fixture("run_a.trec")), {true});
        const Evaluation cb = evaluate(qrels, read_run_file(fixture("run_b.trec")), {true});
        const Comparison c = compare(ca, cb, Metric::Map, 100000, 1);
        CHECK(c.queries.size() == 4);
    }
    SECTION("queries averaged for only one run are counted and left out") {
        const Evaluation partial = evaluate(qrels, run_of("1 Q0 d1 1 1.0 p\n"), {});
        const Comparison c = compare(a, partial, Metric::Map, 1000, 1);
        CHECK(c.queries.size() == 1);
        CHECK(c.base_only == 2);
        CHECK(c.other_only == 0);
    }
    SECTION("the SVG has one bar per query, an axis and a zero line, and is well formed") {
        const Comparison c = compare(a, b, Metric::Map, 1000, 1);
        std::ostringstream svg;
        write_difference_svg(svg, c, {"map", "run <a> & co", "run_b"});
        const std::string text = svg.str();
        CHECK_THAT(text, Catch::StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        CHECK_THAT(text, Catch::EndsWith("</svg>\n"));
        std::string why;
        const bool ok = well_formed_xml(text, why);
        INFO(why);
        CHECK(ok);
        CHECK(count_of(text, "<rect ") == 3);
        CHECK(count_of(text, "<rect class=\"bar\"") == 3);
        CHECK(count_of(text, "class=\"zero\"") == 1);
        CHECK_THAT(text, Catch::Contains("run &lt;a&gt; &amp; co"));
        // Sorted ascending: q2 (0), q1 (+0.3889), q4 (+1).
        CHECK(text.find("query 2:") < text.find("query 1:"));
        CHECK(text.find("query 1:") < text.find("query 4:"));
    }
}

TEST_CASE("metric names are trec_eval's, with a few aliases", "[query][eval]") {
    CHECK(parse_metric("map") == Metric::Map);
    CHECK(parse_metric("ndcg_cut_10") == Metric::NdcgCut10);
    CHECK(parse_metric("P_10") == Metric::P10);
    CHECK(parse_metric("p@10") == Metric::P10);
    CHECK(parse_metric("MRR") == Metric::RecipRank);
    CHECK(parse_metric("recall_1000") == Metric::Recall1000);
    for (Metric m : kMetrics) CHECK(parse_metric(metric_name(m)) == m);
    CHECK_THROWS_AS(parse_metric("bpref"), UsageError);
}

// ----------------------------------------------------------------------------------------------
// The real test collections

TEST_CASE("the shared Cranfield, CACM and NPL qrels are read in full", "[query][eval][corpus]") {
    const auto corpora = test::shared_corpora();
    if (!corpora) {
        WARN("skipped: ../shared/corpora is absent");
        return;
    }
    SECTION("Cranfield: 225 queries, 1837 judgments (wc -l says 1836: no final newline)") {
        const Qrels q =
            read_qrels_file((*corpora / "cranfield" / "cranqrel").string(), QrelsFormat::Auto);
        CHECK(q.format == QrelsFormat::Cranfield);
        CHECK(q.queries.size() == 225);
        CHECK(q.judgment_count == 1837);
        std::map<int, std::size_t> grades;
        for (const auto& [qid, judged] : q.queries) {
            for (const auto& [docid, grade] : judged) ++grades[grade];
        }
        // Codes 1, 2, 3, 4, -1 occur 128, 387, 734, 363, 225 times.
        CHECK(grades ==
              std::map<int, std::size_t>{{0, 225}, {1, 363}, {2, 734}, {3, 387}, {4, 128}});
        CHECK(q.queries.at("1").at("184") == 3);  // "1 184 2"
    }
    SECTION("CACM: 52 judged queries, 796 judgments, ids without leading zeros") {
        const Qrels q =
            read_qrels_file((*corpora / "cacm" / "qrels.text").string(), QrelsFormat::Auto);
        CHECK(q.format == QrelsFormat::Cacm);
        CHECK(q.queries.size() == 52);
        CHECK(q.judgment_count == 796);
        CHECK(q.queries.count("1") == 1);
        CHECK(q.queries.count("01") == 0);
        CHECK(q.queries.at("1").at("1410") == 1);
    }
    SECTION("NPL: 93 queries, 2083 judgments, all relevant") {
        const Qrels q =
            read_qrels_file((*corpora / "npl-vaswani" / "qrels").string(), QrelsFormat::Auto);
        CHECK(q.format == QrelsFormat::Trec);
        CHECK(q.queries.size() == 93);
        CHECK(q.judgment_count == 2083);
        std::size_t relevant = 0;
        for (const auto& [qid, judged] : q.queries) relevant += count_relevant(judged);
        CHECK(relevant == 2083);
    }
    SECTION("a run that ranks each Cranfield query's judged documents by grade is ideal") {
        const Qrels q =
            read_qrels_file((*corpora / "cranfield" / "cranqrel").string(), QrelsFormat::Auto);
        Run run;
        run.tag = "oracle";
        for (const auto& [qid, judged] : q.queries) {
            for (const auto& [docid, grade] : judged) {
                run.queries[qid].push_back({docid, static_cast<double>(grade)});
            }
            rank_like_trec_eval(run.queries[qid]);
        }
        const Evaluation e = evaluate(q, run, {});
        CHECK(e.num_q() == 225);
        CHECK_THAT(e.mean(Metric::Map), WithinAbs(1.0, 1e-12));
        CHECK_THAT(e.mean(Metric::RecipRank), WithinAbs(1.0, 1e-12));
        CHECK_THAT(e.mean(Metric::NdcgCut10), WithinAbs(1.0, 1e-12));
        CHECK_THAT(e.mean(Metric::NdcgCut1000), WithinAbs(1.0, 1e-12));
        CHECK_THAT(e.mean(Metric::Recall1000), WithinAbs(1.0, 1e-12));
        CHECK(e.num_rel == 1837 - 225);
    }
}
