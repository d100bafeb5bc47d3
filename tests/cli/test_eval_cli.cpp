#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "query/eval_cli.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch::test;
namespace ev = revsearch::query::eval;
using Catch::Matchers::WithinAbs;

namespace {

/// revsearch-eval is built next to revsearch-query.
std::string eval_bin() {
    return (std::filesystem::path(query_bin()).parent_path() / "revsearch-eval").string();
}

std::string fixture(const std::string& name) { return (fixtures_dir() / "eval" / name).string(); }

ProcessResult eval(const std::vector<std::string>& args) {
    std::vector<std::string> argv{eval_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
}

/// The value column of the trec_eval-style line "measure<pad>\tqid\tvalue".
std::map<std::string, std::string> summary_of(const std::string& out, const std::string& qid) {
    std::map<std::string, std::string> values;
    for (const std::string& line : lines_of(out)) {
        const auto tab1 = line.find('\t');
        const auto tab2 = line.find('\t', tab1 + 1);
        if (tab1 == std::string::npos || tab2 == std::string::npos) continue;
        if (line.substr(tab1 + 1, tab2 - tab1 - 1) != qid) continue;
        std::string name = line.substr(0, tab1);
        while (!name.empty() && name.back() == ' ') name.pop_back();
        values[name] = line.substr(tab2 + 1);
    }
    return values;
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
}

std::optional<ev::EvalCliOptions> parse(std::vector<std::string> args) {
    args.insert(args.begin(), "revsearch-eval");
    std::vector<const char*> argv;
    for (const std::string& a : args) argv.push_back(a.c_str());
    std::ostringstream out;
    return ev::parse_command_line(static_cast<int>(argv.size()), argv.data(), out);
}

}  // namespace

TEST_CASE("revsearch-eval's command line fills its options", "[cli]") {
    SECTION("two files give one run with trec_eval's defaults") {
        const auto o = parse({"q.txt", "a.run"});
        REQUIRE(o);
        CHECK(o->qrels_path == "q.txt");
        CHECK(o->run_paths == std::vector<std::string>{"a.run"});
        CHECK(o->qrels_format == ev::QrelsFormat::Auto);
        CHECK_FALSE(o->eval.complete);
        CHECK_FALSE(o->per_query);
        CHECK(o->format == ev::ReportFormat::Text);
        CHECK(o->metric == ev::Metric::Map);
        CHECK(o->trials == 100000);
    }
    SECTION("every option is read into its field") {
        const auto o = parse({"--qrels-format", "cranfield", "--grade-map", "1=3,4=0", "-c", "-q",
                              "--format", "json", "--metric", "ndcg@10", "--trials", "500",
                              "--seed", "9", "--plot", "d.svg", "q", "a", "b"});
        REQUIRE(o);
        CHECK(o->qrels_format == ev::QrelsFormat::Cranfield);
        CHECK(o->grade_overrides == ev::GradeMap{{1, 3}, {4, 0}});
        CHECK(o->eval.complete);
        CHECK(o->per_query);
        CHECK(o->format == ev::ReportFormat::Json);
        CHECK(o->metric == ev::Metric::NdcgCut10);
        CHECK(o->trials == 500);
        CHECK(o->seed == 9);
        CHECK(o->plot_path == "d.svg");
        CHECK(o->run_paths.size() == 2);
    }
    SECTION("--help prints the usage and asks for nothing else") {
        std::ostringstream out;
        const char* argv[] = {"revsearch-eval", "--help"};
        CHECK_FALSE(ev::parse_command_line(2, argv, out));
        CHECK_THAT(out.str(), Catch::StartsWith("Usage: revsearch-eval"));
        CHECK_THAT(out.str(), Catch::Contains("--grade-map"));
    }
    SECTION("a wrong command line is a usage error") {
        CHECK_THROWS_AS(parse({"q"}), revsearch::UsageError);
        CHECK_THROWS_AS(parse({"q", "a", "b", "c"}), revsearch::UsageError);
        CHECK_THROWS_AS(parse({"--metric", "bpref", "q", "a"}), revsearch::UsageError);
        CHECK_THROWS_AS(parse({"--format", "xml", "q", "a"}), revsearch::UsageError);
        CHECK_THROWS_AS(parse({"--plot", "x.svg", "q", "a"}), revsearch::UsageError);
        CHECK_THROWS_AS(parse({"--trials", "0", "q", "a", "b"}), revsearch::UsageError);
        CHECK_THROWS_AS(parse({"--trials", "-1", "q", "a", "b"}), revsearch::UsageError);
        CHECK_THROWS_AS(parse({"--grade-map", "1:3", "q", "a"}), revsearch::UsageError);
        CHECK_THROWS_AS(parse({"--qrels-format", "smart", "q", "a"}), revsearch::UsageError);
    }
}

TEST_CASE("revsearch-eval answers --help and --version with exit 0", "[cli]") {
    const ProcessResult help = eval({"--help"});
    CHECK(help.exit_code == 0);
    CHECK_THAT(help.out, Catch::StartsWith("Usage: revsearch-eval [options] QRELS RUN [RUN2]"));
    const ProcessResult version = eval({"--version"});
    CHECK(version.exit_code == 0);
    CHECK_THAT(version.out, Catch::StartsWith("revsearch-eval "));
}

TEST_CASE("revsearch-eval exits 2 on a bad command line and 1 on bad input", "[cli]") {
    TempDir dir;
    SECTION("one file, an unknown option, or --plot with one run is a usage error") {
        for (const auto& args : std::vector<std::vector<std::string>>{
                 {fixture("qrels.trec")},
                 {"--frobnicate", fixture("qrels.trec"), fixture("run_a.trec")},
                 {"--plot", dir.file("x.svg"), fixture("qrels.trec"), fixture("run_a.trec")}}) {
            const ProcessResult r = eval(args);
            CHECK(r.exit_code == 2);
            CHECK_THAT(r.err, Catch::StartsWith("revsearch-eval: "));
            CHECK(r.out.empty());
        }
    }
    SECTION("a missing run file") {
        const ProcessResult r = eval({fixture("qrels.trec"), dir.file("absent.run")});
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Catch::Contains("absent.run: cannot open"));
    }
    SECTION("a malformed qrels line is reported with its file and line") {
        const std::string qrels = dir.write("bad.qrels", "1 0 d1 1\n1 0 d2\n");
        const ProcessResult r = eval({qrels, fixture("run_a.trec")});
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Catch::Contains("bad.qrels:2: expected 4 fields"));
    }
    SECTION("a document retrieved twice for a query") {
        const std::string run = dir.write("dup.run", "1 Q0 d1 1 2 t\n1 Q0 d1 2 1 t\n");
        const ProcessResult r = eval({fixture("qrels.trec"), run});
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Catch::Contains("dup.run:2: document 'd1' is retrieved twice"));
    }
    SECTION("a run that shares no query with the qrels") {
        const std::string run = dir.write("other.run", "77 Q0 d1 1 2 t\n");
        const ProcessResult r = eval({fixture("qrels.trec"), run});
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Catch::Contains("no queries with both results and relevance"));
    }
}

TEST_CASE("revsearch-eval prints trec_eval's lines for one run", "[cli]") {
    // The values are worked by hand in tests/query/test_evaluation.cpp.
    SECTION("by default it averages the 3 queries both judged and retrieved") {
        const ProcessResult r = eval({fixture("qrels.trec"), fixture("run_a.trec")});
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("map                   \tall\t0.0926\n"));
        const auto all = summary_of(r.out, "all");
        CHECK(all.at("runid") == "run_a");
        CHECK(all.at("num_q") == "3");
        CHECK(all.at("num_ret") == "8");
        CHECK(all.at("num_rel") == "4");
        CHECK(all.at("num_rel_ret") == "2");
        CHECK(all.at("map") == "0.0926");
        CHECK(all.at("recip_rank") == "0.1111");
        CHECK(all.at("P_5") == "0.1333");
        CHECK(all.at("P_10") == "0.0667");
        CHECK(all.at("recall_100") == "0.2222");
        CHECK(all.at("recall_1000") == "0.2222");
        CHECK(all.at("ndcg_cut_10") == "0.1523");
        CHECK(all.at("ndcg_cut_1000") == "0.1523");
        CHECK(summary_of(r.out, "1").empty());
        // The notes name what was left out, on stderr only.
        CHECK_THAT(r.err, Catch::Contains("1 query is not in the qrels"));
        CHECK_THAT(r.err, Catch::Contains("1 judged query has no results"));
    }
    SECTION("--complete averages over all 4 judged queries, the missing one as 0") {
        const ProcessResult r = eval({"--complete", fixture("qrels.trec"), fixture("run_a.trec")});
        REQUIRE(r.exit_code == 0);
        const auto all = summary_of(r.out, "all");
        CHECK(all.at("num_q") == "4");
        CHECK(all.at("num_rel") == "5");
        CHECK(all.at("map") == "0.0694");
        CHECK(all.at("P_5") == "0.1000");
        CHECK(all.at("recip_rank") == "0.0833");
        CHECK(all.at("ndcg_cut_10") == "0.1142");
        CHECK(summary_of(r.out, "3").empty());
    }
    SECTION("--per-query adds each query's lines before the summary") {
        const ProcessResult r = eval({"-q", fixture("qrels.trec"), fixture("run_a.trec")});
        REQUIRE(r.exit_code == 0);
        const auto q1 = summary_of(r.out, "1");
        CHECK(q1.at("map") == "0.2778");
        CHECK(q1.at("P_10") == "0.2000");
        CHECK(q1.at("ndcg_cut_10") == "0.4569");
        CHECK(q1.at("num_ret") == "4");
        CHECK(summary_of(r.out, "4").at("recip_rank") == "0.0000");
        CHECK(summary_of(r.out, "5").empty());
        CHECK(r.out.find("\t1\t") < r.out.find("\tall\t"));
    }
    SECTION("--format json is one object with the means and, when asked, each query") {
        const ProcessResult r =
            eval({"--format", "json", "-q", fixture("qrels.trec"), fixture("run_a.trec")});
        REQUIRE(r.exit_code == 0);
        REQUIRE(lines_of(r.out).size() == 1);
        const auto j = nlohmann::json::parse(r.out);
        CHECK(j["qrels"]["format"] == "trec");
        CHECK(j["qrels"]["judgments"] == 9);
        CHECK(j["complete"] == false);
        REQUIRE(j["runs"].size() == 1);
        const auto& run = j["runs"][0];
        CHECK(run["tag"] == "run_a");
        CHECK(run["num_q"] == 3);
        CHECK_THAT(run["means"]["map"].get<double>(), WithinAbs(5.0 / 54.0, 1e-12));
        REQUIRE(run["per_query"].size() == 3);
        CHECK(run["per_query"][0]["qid"] == "1");
        CHECK_THAT(run["per_query"][0]["P_5"].get<double>(), WithinAbs(0.4, 1e-12));
        CHECK_FALSE(j.contains("comparison"));
    }
}

TEST_CASE("revsearch-eval compares two runs and tests the difference", "[cli]") {
    // map differences run_b - run_a: q1 +7/18, q2 0, q4 +1 (hand-worked in
    // tests/query/test_evaluation.cpp): t = 1.5907, df = 2, p = 0.2526; exact randomization
    // p = 4/8.
    SECTION("text shows both runs' means, the differences and both tests") {
        const ProcessResult r =
            eval({"-q", fixture("qrels.trec"), fixture("run_a.trec"), fixture("run_b.trec")});
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("map                  0.0926     0.5556    +0.4630"));
        CHECK_THAT(r.out, Catch::Contains("1                    0.2778     0.6667    +0.3889"));
        CHECK_THAT(r.out, Catch::Contains("paired t-test       t = 1.5907, df = 2, p = 0.2526"));
        CHECK_THAT(r.out, Catch::Contains(
                              "randomization test  p = 0.5000 (exact, all 8 sign assignments)"));
    }
    SECTION("json carries the comparison with its per-query differences") {
        const ProcessResult r =
            eval({"--format", "json", "-q", "--metric", "P_5", fixture("qrels.trec"),
                  fixture("run_a.trec"), fixture("run_b.trec")});
        REQUIRE(r.exit_code == 0);
        const auto j = nlohmann::json::parse(r.out);
        REQUIRE(j["runs"].size() == 2);
        const auto& c = j["comparison"];
        CHECK(c["metric"] == "P_5");
        CHECK(c["num_q"] == 3);
        // P_5: q1 0.4 -> 0.4, q2 0 -> 0, q4 0 -> 0.2.
        REQUIRE(c["per_query"].size() == 3);
        CHECK_THAT(c["per_query"][2]["difference"].get<double>(), WithinAbs(0.2, 1e-12));
        CHECK(c["randomization"]["exact"] == true);
        CHECK(c["randomization"]["p"] == 1.0);
        CHECK(c["t_test"]["df"] == 2.0);
    }
    SECTION("--plot writes an SVG with one bar per compared query") {
        TempDir dir;
        const std::string svg = dir.file("diff.svg");
        const ProcessResult r = eval(
            {"--plot", svg, fixture("qrels.trec"), fixture("run_a.trec"), fixture("run_b.trec")});
        REQUIRE(r.exit_code == 0);
        const std::string text = read_file(svg);
        CHECK_THAT(text, Catch::StartsWith("<svg "));
        CHECK_THAT(text, Catch::EndsWith("</svg>\n"));
        CHECK(count_of(text, "<rect class=\"bar\"") == 3);
        CHECK(count_of(text, "<rect") == 3);
        CHECK(count_of(text, "<svg") == 1);
        CHECK(count_of(text, "<script") == 0);
    }
    SECTION("an unwritable plot is an error, after nothing was printed") {
        const ProcessResult r = eval({"--plot", "/nonexistent/dir/x.svg", fixture("qrels.trec"),
                                      fixture("run_a.trec"), fixture("run_b.trec")});
        CHECK(r.exit_code == 1);
        CHECK(r.out.empty());
        CHECK_THAT(r.err, Catch::Contains("cannot write the plot"));
    }
}

TEST_CASE("revsearch-eval reads the real Cranfield and CACM judgments", "[cli][corpus]") {
    const auto corpora = shared_corpora();
    if (!corpora) {
        WARN("skipped: ../shared/corpora is absent");
        return;
    }
    TempDir dir;
    SECTION("a Cranfield run listing each query's code-1 and code-2 documents first") {
        // Graded by the default map (code 1 -> 4, 2 -> 3, ...): a run scored 5 - code puts the
        // best documents first, so map and nDCG are 1 on all 225 queries.
        std::ostringstream run;
        for (const std::string& line : lines_of(read_file(*corpora / "cranfield" / "cranqrel"))) {
            std::istringstream in(line);
            std::string qid, docid;
            int code = 0;
            if (!(in >> qid >> docid >> code)) continue;
            run << qid << " Q0 " << docid << " 0 " << (code < 0 ? 0 : 5 - code) << " oracle\n";
        }
        const std::string path = dir.write("cran.run", run.str());
        const ProcessResult r = eval({(*corpora / "cranfield" / "cranqrel").string(), path});
        REQUIRE(r.exit_code == 0);
        const auto all = summary_of(r.out, "all");
        CHECK(all.at("num_q") == "225");
        CHECK(all.at("num_rel") == "1612");
        CHECK(all.at("map") == "1.0000");
        CHECK(all.at("ndcg_cut_10") == "1.0000");
    }
    SECTION("a CACM run with plain query ids matches the qrels' zero-padded ones") {
        const std::string path = dir.write("cacm.run", "1 Q0 1410 1 2 t\n1 Q0 5 2 1 t\n");
        const ProcessResult r = eval({(*corpora / "cacm" / "qrels.text").string(), path});
        REQUIRE(r.exit_code == 0);
        const auto all = summary_of(r.out, "all");
        CHECK(all.at("num_q") == "1");
        CHECK(all.at("recip_rank") == "1.0000");
        CHECK_THAT(r.err, Catch::Contains("51 judged queries have no results"));
    }
}
