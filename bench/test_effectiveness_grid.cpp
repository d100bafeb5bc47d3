// bench/effectiveness's inner loop: the settings reader, and a grid line checked against what
// the real revsearch-query --queries and revsearch-eval print for the same setting on the
// retrieval fixture (tests/fixtures/retrieval).

#include <unistd.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "bench/effectiveness_grid.hpp"
#include "common/error.hpp"
#include "indexer/index_job.hpp"

namespace fs = std::filesystem;
using namespace revsearch;

namespace {

fs::path fixture(const std::string& name) {
    return fs::path(REVSEARCH_SOURCE_DIR) / "tests/fixtures/retrieval" / name;
}

/// The standard output of a shell command (the arguments are paths without quotes).
std::string output_of(const std::string& command) {
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::array<char, 4096> buf{};
    for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0;)
        out.append(buf.data(), n);
    REQUIRE(pclose(pipe) == 0);
    return out;
}

/// revsearch-eval's `all` value of `measure` in its text output.
std::string measure_of(const std::string& eval_out, const std::string& measure) {
    std::istringstream in(eval_out);
    std::string name, scope, value;
    while (in >> name >> scope >> value) {
        if (name == measure && scope == "all") return value;
    }
    return "";
}

}  // namespace

TEST_CASE("grid settings are read line by line, and a bad line is refused with its number",
          "[bench]") {
    std::istringstream good("# a comment\n\nbm25:k1=1.2,b=0.75 off\nbm25 bo1:10:20:0.3\n");
    const auto settings = bench::read_grid_settings(good, "grid");
    REQUIRE(settings.size() == 2);
    CHECK(settings[0].weighting == "bm25:k1=1.2,b=0.75");
    CHECK(settings[0].prf == "off");
    CHECK(settings[1].prf == "bo1:10:20:0.3");

    std::istringstream one_field("bm25 off\nbm25\n");
    CHECK_THROWS_WITH(bench::read_grid_settings(one_field, "grid"), Catch::Contains("grid:2"));
    std::istringstream three_fields("bm25 off extra\n");
    CHECK_THROWS_AS(bench::read_grid_settings(three_fields, "grid"), UsageError);
    std::istringstream bad_prf("bm25 bo2:10:20\n");
    CHECK_THROWS_AS(bench::read_grid_settings(bad_prf, "grid"), UsageError);
    std::istringstream bad_weighting("nosuch off\n");
    CHECK_THROWS_AS(bench::read_grid_settings(bad_weighting, "grid"), UsageError);
}

TEST_CASE("a grid line scores a setting as revsearch-query --queries and revsearch-eval do",
          "[bench]") {
    const fs::path dir =
        fs::temp_directory_path() / ("revsearch-grid-test-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string db = (dir / "db").string();
    {
        indexer::IndexOptions o;
        o.db_path = db;
        o.inputs = {fixture("reviews.jsonl").string()};
        o.progress = indexer::ProgressMode::None;
        std::ostringstream log;
        indexer::IndexJob job(o, log);
        REQUIRE(job.run().doc_count == 30);
    }
    bench::EffectivenessGridOptions options;
    options.db = db;
    options.queries_file = fixture("topics.trec").string();
    options.qrels_file = fixture("qrels.trec").string();
    options.label = "fixture";
    const std::vector<bench::GridSetting> settings{{"bm25:k1=1.2,b=0.75", "off"},
                                                   {"bm25", "rm3:3:8:0.5"}};
    std::ostringstream grid;
    REQUIRE(bench::run_effectiveness_grid(options, settings, grid) == 0);
    std::istringstream lines(grid.str());
    std::string line;
    for (const bench::GridSetting& s : settings) {
        INFO(s.weighting << " " << s.prf);
        REQUIRE(std::getline(lines, line));
        std::vector<std::string> f;
        std::istringstream fields(line);
        for (std::string x; std::getline(fields, x, '\t');) f.push_back(x);
        REQUIRE(f.size() == 7);
        CHECK(f[0] == "fixture");
        CHECK(f[1] == s.weighting);
        CHECK(f[2] == s.prf);
        const std::string run = (dir / "run").string();
        output_of(std::string(REVSEARCH_QUERY_BIN) + " --db " + db + " --queries " +
                  options.queries_file + " --weighting " + s.weighting + " --prf " + s.prf + " > " +
                  run);
        const std::string eval =
            output_of(std::string(REVSEARCH_EVAL_BIN) + " " + options.qrels_file + " " + run);
        CHECK(f[3] == measure_of(eval, "map"));
        CHECK(f[4] == measure_of(eval, "ndcg_cut_1000"));
        CHECK(f[5] == measure_of(eval, "P_10"));
        CHECK(f[6] == measure_of(eval, "recall_1000"));
    }
    CHECK_FALSE(std::getline(lines, line));  // one line per setting, no more
    fs::remove_all(dir);
}
