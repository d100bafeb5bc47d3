// Crash safety: a real indexing run is killed with SIGKILL at several random moments. After
// each kill the database must open and hold exactly the batches committed so far; running the
// same command again must finish the job with the exact final count and no duplicates.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <filesystem>
#include <random>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <vector>
#include <xapian.h>

#include "common/schema.hpp"
#include "tests/support/test_support.hpp"

extern char** environ;

using namespace revsearch;
using namespace revsearch::test;

namespace {

constexpr int kFiles = 4;
constexpr int kPerFile = 750;
constexpr int kSeedReviews = 20;  ///< indexed first in the update-in-place case

void write_corpus(const TempDir& dir) {
    for (int f = 0; f < kFiles; ++f) {
        std::string content;
        for (int i = 0; i < kPerFile; ++i) {
            content += R"({"id":"f)" + std::to_string(f) + "-" + std::to_string(i) +
                       R"(","title":"Notes on patience )" + std::to_string(i) +
                       R"(","reviewer":"Reader )" + std::to_string(i % 17) +
                       R"(","body":"Every careful reader learns patience from this book; chapter )" +
                       std::to_string(i) + R"( on mindfulness and burnout is the heart of it."})" + "\n";
        }
        dir.write("corpus/part" + std::to_string(f) + ".jsonl", content);
    }
}

std::vector<std::string> index_command(const TempDir& dir) {
    return {index_bin(), "--db", dir.file("db"), "--progress", "none", "--batch-records", "50",
            dir.file("corpus")};
}

/// Starts the indexer with its output thrown away. Returns its process id.
pid_t spawn_quietly(const std::vector<std::string>& argv) {
    std::vector<std::string> args = argv;
    std::vector<char*> c_args;
    for (auto& a : args) c_args.push_back(a.data());
    c_args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    REQUIRE(posix_spawn(&pid, c_args[0], &actions, nullptr, c_args.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    return pid;
}

/// Kills `pid` with SIGKILL and reaps it.
void kill_now(pid_t pid) {
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
}

/// Starts the indexer, lets it run for `delay`, then kills it with SIGKILL.
void run_and_kill(const std::vector<std::string>& argv, std::chrono::milliseconds delay) {
    const pid_t pid = spawn_quietly(argv);
    std::this_thread::sleep_for(delay);
    kill_now(pid);
}

/// Starts the indexer and kills it with SIGKILL as soon as `path` exists. Returns false if
/// the indexer ended first.
bool run_and_kill_when(const std::vector<std::string>& argv, const std::string& path) {
    const pid_t pid = spawn_quietly(argv);
    int status = 0;
    while (!std::filesystem::exists(path)) {
        if (waitpid(pid, &status, WNOHANG) == pid) return false;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    kill_now(pid);
    return true;
}

/// How often the spelling data of the index at `db` counts `word`.
Xapian::termcount spelling_count(const std::string& db, const std::string& word) {
    Xapian::Database d(db);
    for (auto w = d.spellings_begin(); w != d.spellings_end(); ++w) {
        if (*w == word) return w.get_termfreq();
    }
    return 0;
}

/// Records the checkpoint says are committed, summed over files.
std::uint64_t committed_records(const Xapian::Database& db) {
    const std::string stored = db.get_metadata(std::string(schema::kMetaSources));
    if (stored.empty()) return 0;
    std::uint64_t total = 0;
    const nlohmann::json sources = nlohmann::json::parse(stored);
    for (auto it = sources.begin(); it != sources.end(); ++it) {
        total += it.value().value("records", std::uint64_t{0});
    }
    return total;
}

/// What a killed run left must be consistent: for a fresh parallel build, each lane's complete
/// parts together hold exactly what the lane's last checkpoint counts; a database updated in
/// place holds at least what its checkpoint counts, and never more reviews than exist.
void check_consistent(const TempDir& dir) {
    namespace fs = std::filesystem;
    const fs::path parts = dir.file("db.parts");
    if (fs::exists(parts)) {
        for (const auto& lane : fs::directory_iterator(parts)) {
            std::vector<fs::path> complete;
            for (const auto& part : fs::directory_iterator(lane.path())) {
                try {
                    if (!Xapian::Database(part.path().string()).get_metadata(std::string(schema::kMetaSources)).empty()) {
                        complete.push_back(part.path());
                    }
                } catch (const Xapian::DatabaseOpeningError&) {
                    // killed while creating it: an incomplete part, which the next run removes
                }
            }
            std::sort(complete.begin(), complete.end());
            if (complete.empty()) continue;
            Xapian::doccount docs = 0;
            for (const auto& part : complete) docs += Xapian::Database(part.string()).get_doccount();
            INFO("lane " << lane.path().filename().string());
            CHECK(docs == committed_records(Xapian::Database(complete.back().string())));
        }
    }
    const fs::path db = dir.file("db");
    if (!fs::exists(db) || fs::exists(db / "XAPIANDB") || fs::exists(parts)) return;
    // Killed while creating the shards, before their stub: no database yet (the next run
    // starts the build again).
    if (!fs::exists(db / "iamglass")) return;
    // A database updated in place holds every committed record; it may also hold reviews that
    // a later run (one that found the build finished and re-reads the inputs) is replacing.
    Xapian::Database single(db.string());
    CHECK(single.get_doccount() >= committed_records(single));
    CHECK(single.get_doccount() <= static_cast<Xapian::doccount>(kFiles * kPerFile + kSeedReviews));
}

/// Kills `argv` at four seeded random moments, checking what each kill left, then runs it to
/// the end and checks the exact count, that no review is indexed twice, and a query.
void kill_and_resume(const TempDir& dir, const std::vector<std::string>& argv,
                     std::uint64_t baseline = 0, bool fresh = true) {
    std::mt19937 rng(20261127);  // fixed seed: the same moments on every run
    std::uniform_int_distribution<int> delay_ms(30, 700);
    for (int round = 0; round < 4; ++round) {
        const int delay = delay_ms(rng);
        run_and_kill(argv, std::chrono::milliseconds(delay));
        INFO("after kill " << round + 1 << " at " << delay << " ms");
        check_consistent(dir);
    }

    // A kill that came after the build had finished leaves an index that the next run updates
    // in place, and an update adds the words of every review it re-reads to the spelling data
    // again (Xapian's spelling table is not kept per document).
    const bool build_unfinished = std::filesystem::exists(dir.file("db.parts")) ||
                                  !std::filesystem::exists(dir.file("db"));
    const ProcessResult finish = run_process(argv);
    INFO(finish.err);
    CHECK(finish.exit_code == 0);
    CHECK_FALSE(std::filesystem::exists(dir.file("db.parts")));
    Xapian::Database db(dir.file("db"));
    CHECK(db.get_doccount() == static_cast<Xapian::doccount>(kFiles * kPerFile + baseline));
    // No duplicates: every id term indexes exactly one document.
    int once = 0;
    for (int f = 0; f < kFiles; ++f) {
        for (int i = 0; i < kPerFile; ++i) {
            std::string id = "f";
            id += std::to_string(f);
            id += '-';
            id += std::to_string(i);
            once += db.get_termfreq(schema::id_term(id)) == 1;
        }
    }
    CHECK(once == kFiles * kPerFile);
    if (fresh && build_unfinished) {
        // Spelling data counts every review once, however often the build was stopped: each
        // review has "patience" in its title and its body.
        CHECK(spelling_count(dir.file("db"), "patience") == 2 * kFiles * kPerFile);
    }
    // And a query sees them all.
    const ProcessResult q = run_process({query_bin(), "--db", dir.file("db"), "--format", "trec",
                                         "--top", "10000", "patience"});
    CHECK(lines_of(q.out).size() == static_cast<std::size_t>(kFiles * kPerFile + baseline));
}

}  // namespace

TEST_CASE("an indexing run killed at random moments resumes to the exact count", "[cli][slow]") {
    TempDir dir;
    write_corpus(dir);
    SECTION("a fresh build with two threads resumes its parts and compacts them once") {
        auto argv = index_command(dir);
        argv.insert(argv.begin() + 1, {"--threads", "2"});
        kill_and_resume(dir, argv);
    }
    SECTION("a fresh build into three shards resumes each shard's parts") {
        auto argv = index_command(dir);
        argv.insert(argv.begin() + 1, {"--shards", "3"});
        kill_and_resume(dir, argv);
        CHECK(std::filesystem::exists(dir.file("db/shard-002")));
    }
    SECTION("an update of an existing index commits in place and resumes from its checkpoint") {
        const std::string seed = dir.write("seed/seed.jsonl", jsonl_reviews(kSeedReviews, "seed"));
        REQUIRE(run_index({"--db", dir.file("db"), seed}).exit_code == 0);
        kill_and_resume(dir, index_command(dir), kSeedReviews, false);
    }
}

TEST_CASE("a fresh build stopped after some parts counts their words once in its spelling data",
          "[cli][slow]") {
    TempDir dir;
    write_corpus(dir);
    std::vector<std::string> argv = index_command(dir);
    std::string lane_dir = dir.file("db.parts/lane-000");
    SECTION("one database built by two threads") { argv.insert(argv.begin() + 1, {"--threads", "2"}); }
    SECTION("two shards") { argv.insert(argv.begin() + 1, {"--shards", "2"}); }
    // Stopped twice: once with parts committed, once more after the resumed run committed
    // more parts (part-0004 opens only once part-0003 is committed).
    REQUIRE(run_and_kill_when(argv, lane_dir + "/part-0004"));
    REQUIRE(std::filesystem::exists(dir.file("db.parts")));
    REQUIRE(run_and_kill_when(argv, lane_dir + "/part-0009"));
    REQUIRE(std::filesystem::exists(dir.file("db.parts")));
    const ProcessResult finish = run_process(argv);
    INFO(finish.err);
    REQUIRE(finish.exit_code == 0);
    // Each review has "patience" in its title and its body; "chapter" once.
    CHECK(spelling_count(dir.file("db"), "patience") == 2 * kFiles * kPerFile);
    CHECK(spelling_count(dir.file("db"), "chapter") == kFiles * kPerFile);
    // The parts' bookkeeping stays out of the finished index.
    const std::string first = std::filesystem::exists(dir.file("db/shard-000"))
                                  ? dir.file("db/shard-000") : dir.file("db");
    Xapian::Database db(first);
    CHECK(db.get_metadata("revsearch:part-spelling").empty());
    CHECK(db.get_metadata("revsearch:spelling-part").empty());
}

TEST_CASE("a run killed while compacting resumes saying every record was already committed",
          "[cli][slow]") {
    TempDir dir;
    write_corpus(dir);
    std::vector<std::string> argv = index_command(dir);
    argv.insert(argv.begin() + 1, {"--threads", "2"});
    // Every part is committed before the compaction starts writing db.compacting.
    REQUIRE(run_and_kill_when(argv, dir.file("db.compacting")));
    REQUIRE(std::filesystem::exists(dir.file("db.parts")));
    const ProcessResult finish = run_process(argv);
    INFO(finish.err);
    REQUIRE(finish.exit_code == 0);
    CHECK(finish.err.find("resumed an interrupted run (" + std::to_string(kFiles * kPerFile) +
                          " records were already committed)") != std::string::npos);
    CHECK(finish.err.find("(0 records were already committed)") == std::string::npos);
    CHECK(Xapian::Database(dir.file("db")).get_doccount() ==
          static_cast<Xapian::doccount>(kFiles * kPerFile));
    // The run after it has nothing to resume.
    const ProcessResult again = run_process(argv);
    CHECK(again.exit_code == 0);
    CHECK(again.err.find("resumed") == std::string::npos);
}

TEST_CASE(
    "revsearch-query --stats on an index still being built reports the analyzer of the build and "
    "says it is unfinished",
    "[cli][slow]") {
    TempDir dir;
    write_corpus(dir);
    std::vector<std::string> argv = index_command(dir);
    argv.insert(argv.begin() + 1, {"--threads", "2", "--language", "french"});
    REQUIRE(run_and_kill_when(argv, dir.file("db.parts/lane-000/part-0004")));
    const ProcessResult during = run_process({query_bin(), "--db", dir.file("db"), "--stats"});
    INFO(during.out << during.err);
    CHECK(during.exit_code == 0);
    CHECK(during.out.find("analyzer: language french") != std::string::npos);
    CHECK(during.out.find("analyzer: language english") == std::string::npos);
    CHECK(during.out.find("state: an indexing run is under way or was interrupted") !=
          std::string::npos);
    // Finished, it no longer says so.
    REQUIRE(run_process(argv).exit_code == 0);
    const ProcessResult after = run_process({query_bin(), "--db", dir.file("db"), "--stats"});
    CHECK(after.out.find("analyzer: language french") != std::string::npos);
    CHECK(after.out.find("state:") == std::string::npos);
}
