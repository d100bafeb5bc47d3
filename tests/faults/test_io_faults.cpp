// I/O faults injected into real indexing runs, in the manner of SQLite's fault tests: the
// shim (io_fault_shim.c, loaded with LD_PRELOAD) fails the Nth write, pwrite, fsync,
// fdatasync or rename of a run of revsearch-index with ENOSPC (and every call after it: a disk
// that stays full) or EIO (that call only). N sweeps each build mode's whole run. Every run
// must end with exit 0 and an exact index, or exit 1 with a message (never a signal); what it
// leaves must open and hold exactly its committed batches; the same command without faults
// must then finish with the exact index.
#include <xapian.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/schema.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::test;
namespace fs = std::filesystem;

namespace {

constexpr int kFiles = 3;
constexpr int kPerFile = 80;
constexpr int kSeed = 5;

#if defined(__SANITIZE_ADDRESS__)
constexpr std::size_t kMaxPoints = 6;  // each run is slow under the sanitizers
#else
constexpr std::size_t kMaxPoints = 36;
#endif

void write_corpus(const TempDir& dir) {
    for (int f = 0; f < kFiles; ++f) {
        std::string content;
        for (int i = 0; i < kPerFile; ++i) {
            content += R"({"id":"f)" + std::to_string(f) + "-" + std::to_string(i) +
                       R"(","title":"Patience, chapter )" + std::to_string(i) +
                       R"(","body":"A careful reader learns patience and calm from part )" +
                       std::to_string(f) + R"(; the garden chapter stays with you."})" + "\n";
        }
        dir.write("corpus/part" + std::to_string(f) + ".jsonl", content);
    }
}

/// Records the checkpoint (kMetaSources) of `db` counts as committed.
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

/// A build mode: the extra arguments of its run, and whether it updates a seeded index.
struct Mode {
    std::string name;
    std::vector<std::string> args;
    bool update = false;
};

std::vector<std::string> command(const TempDir& dir, const Mode& mode, const std::string& db) {
    std::vector<std::string> argv{index_bin(),       "--db", db, "--progress", "none",
                                  "--batch-records", "20"};
    argv.insert(argv.end(), mode.args.begin(), mode.args.end());
    argv.push_back(dir.file("corpus"));
    return argv;
}

/// A new database for one run: absent for a fresh build, a copy of the seeded index for an update.
std::string prepare(const TempDir& dir, const Mode& mode, const std::string& name) {
    const std::string db = dir.file(name);
    fs::remove_all(db);
    fs::remove_all(db + ".parts");
    if (mode.update) fs::copy(dir.file("seed-db"), db, fs::copy_options::recursive);
    return db;
}

std::vector<std::string> shim_env(long at, bool enospc, const std::string& report) {
    std::vector<std::string> env{
        "LD_PRELOAD=" REVSEARCH_FAULT_SHIM, "REVSEARCH_FAULT_AT=" + std::to_string(at),
        std::string("REVSEARCH_FAULT_ERRNO=") + (enospc ? "ENOSPC" : "EIO"),
        std::string("REVSEARCH_FAULT_PERSIST=") + (enospc ? "1" : "0"),
        // an ASan build's runtime need not come first
        "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0"};
    if (!report.empty()) env.push_back("REVSEARCH_FAULT_REPORT=" + report);
    return env;
}

/// The documents the index at `db` holds (0 when there is no database there yet).
long documents(const std::string& db) {
    // A folder that a failed creation left without a version file holds no database yet.
    if (!fs::exists(fs::path(db) / "iamglass") && !fs::exists(fs::path(db) / "XAPIANDB")) return 0;
    return static_cast<long>(Xapian::Database(db).get_doccount());
}

/// What a faulted run left must hold exactly its committed batches.
void check_committed(const std::string& db, const Mode& mode) {
    const fs::path parts = db + ".parts";
    if (fs::exists(parts)) {
        // A fresh build stopped: each lane's complete parts hold exactly what its last
        // checkpoint counts.
        for (const auto& lane : fs::directory_iterator(parts)) {
            if (!lane.is_directory()) continue;
            std::vector<fs::path> complete;
            for (const auto& part : fs::directory_iterator(lane.path())) {
                if (part.path().filename().string().rfind("part-", 0) != 0) continue;
                try {
                    if (!Xapian::Database(part.path().string())
                             .get_metadata(std::string(schema::kMetaSources))
                             .empty()) {
                        complete.push_back(part.path());
                    }
                } catch (const Xapian::Error&) {
                    // a part being created when the fault came: incomplete, removed next run
                }
            }
            std::sort(complete.begin(), complete.end());
            if (complete.empty()) continue;
            Xapian::doccount docs = 0;
            for (const auto& part : complete)
                docs += Xapian::Database(part.string()).get_doccount();
            INFO("lane " << lane.path().filename().string());
            CHECK(docs == committed_records(Xapian::Database(complete.back().string())));
        }
        return;
    }
    const long docs = documents(db);
    if (mode.update) {
        // The seed and every committed batch: the checkpoint counts the seed's records too.
        Xapian::Database d(db);
        CHECK(docs == static_cast<long>(committed_records(d)));
        CHECK(docs >= kSeed);
    } else {
        // Absent, the empty database a build locks, or the finished build.
        CHECK((docs == 0 || docs == kFiles * kPerFile));
    }
}

/// The exact index: every review once, and a query finds them all.
void check_exact(const std::string& db, long expected) {
    Xapian::Database d(db);
    CHECK(static_cast<long>(d.get_doccount()) == expected);
    int once = 0;
    for (int f = 0; f < kFiles; ++f) {
        for (int i = 0; i < kPerFile; ++i) {
            once += d.get_termfreq(
                        schema::id_term("f" + std::to_string(f) + "-" + std::to_string(i))) == 1;
        }
    }
    CHECK(once == kFiles * kPerFile);
}

/// Up to kMaxPoints fault points spread evenly over 1..calls (all of them when fewer).
std::vector<long> sample_points(long calls) {
    std::vector<long> points;
    const long n = std::min<long>(calls, static_cast<long>(kMaxPoints));
    for (long k = 0; k < n; ++k) points.push_back(1 + (calls - 1) * k / std::max<long>(n - 1, 1));
    points.erase(std::unique(points.begin(), points.end()), points.end());
    return points;
}

}  // namespace

TEST_CASE(
    "a write, sync or rename that fails anywhere in an indexing run ends it with exit 1 and "
    "a message, leaves exactly the committed batches, and a re-run ends exact",
    "[cli][faults]") {
    TempDir dir;
    write_corpus(dir);
    dir.write("seed/seed.jsonl", jsonl_reviews(kSeed, "seed"));
    const Mode mode =
        GENERATE(Mode{"one database", {"--threads", "1"}, false},
                 Mode{"parts compacted", {"--threads", "2"}, false},
                 Mode{"shards", {"--shards", "2"}, false}, Mode{"update in place", {}, true});
    INFO("mode: " << mode.name);
    if (mode.update) {
        REQUIRE(run_index({"--db", dir.file("seed-db"), dir.file("seed")}).exit_code == 0);
    }
    const long expected = kFiles * kPerFile + (mode.update ? kSeed : 0);

    // A run without faults counts the calls the shim sees.
    const std::string clean = prepare(dir, mode, "clean");
    const ProcessResult counted =
        run_process(command(dir, mode, clean), "", shim_env(0, true, dir.file("report")));
    INFO(counted.err);
    REQUIRE(counted.exit_code == 0);
    check_exact(clean, expected);
    const std::string report = read_file(dir.file("report"));
    const long calls = std::stol(report.substr(report.find("calls ") + 6));
    REQUIRE(calls > 10);

    std::size_t failed_cleanly = 0;
    std::size_t absorbed = 0;
    const std::vector<long> points = sample_points(calls);
    for (std::size_t k = 0; k < points.size(); ++k) {
        const long at = points[k];
        const bool enospc = k % 2 == 0;
        INFO("fault at call " << at << " of " << calls << " ("
                              << (enospc ? "ENOSPC, persistent" : "EIO, once") << ")");
        const std::string db = prepare(dir, mode, "db");
        const std::vector<std::string> argv = command(dir, mode, db);
        const ProcessResult faulted = run_process(argv, "", shim_env(at, enospc, ""));
        INFO(faulted.err);
        REQUIRE((faulted.exit_code == 0 || faulted.exit_code == 1));  // never a signal (128+)
        CHECK(faulted.err.find("terminate called") == std::string::npos);
        if (faulted.exit_code == 1) {
            ++failed_cleanly;
            CHECK(faulted.err.find("revsearch-index: ") != std::string::npos);
            check_committed(db, mode);
        } else {
            ++absorbed;  // a fault the run survived: the index must be exact all the same
            check_exact(db, expected);
        }
        const ProcessResult rerun = run_process(argv);
        INFO(rerun.err);
        REQUIRE(rerun.exit_code == 0);
        CHECK_FALSE(fs::exists(db + ".parts"));
        check_exact(db, expected);
    }
    std::cout << "faults: " << mode.name << ": " << points.size() << " fault points of " << calls
              << " calls: " << failed_cleanly << " exit 1, " << absorbed << " survived\n";
    CHECK(failed_cleanly > 0);
}

TEST_CASE("a run under the fault shim with no fault point set indexes exactly and fails no call",
          "[cli][faults]") {
    // The negative: the shim alone changes nothing, so the failures above are the faults'.
    TempDir dir;
    write_corpus(dir);
    const ProcessResult r = run_process({index_bin(), "--db", dir.file("db"), "--progress", "none",
                                         "--batch-records", "20", dir.file("corpus")},
                                        "", shim_env(0, true, dir.file("report")));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    check_exact(dir.file("db"), kFiles * kPerFile);
    CHECK(read_file(dir.file("report")).find("failed 0") != std::string::npos);
}
