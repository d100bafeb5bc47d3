#include <xapian.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/analyzer.hpp"
#include "common/error.hpp"
#include "common/review.hpp"
#include "common/schema.hpp"
#include "corpus/inputs.hpp"
#include "indexer/index_job.hpp"
#include "indexer/writer.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::indexer;
using revsearch::test::TempDir;
namespace s = revsearch::schema;

namespace {

// Three good records (lines 1, 3, 5) and two bad ones: broken JSON (line 2) and a record with
// neither title nor body (line 4).
const char* const kMixedJsonl =
    R"({"id":"r1","title":"Quiet Garden Kettle","reviewer":"Mira Okafor","date":"2019-03-14","rating":4,"rating_scale":5,"body":"The kettle whistles softly and boils fast."})"
    "\n"
    R"({"id":"r2","title":"Broken line", "body":"never closed")"
    "\n"
    R"({"id":"r3","title":"Night Shift Notes","reviewer":"Daniel Reyes","date":"2016","rating":10,"rating_scale":10,"body":"A nurse writes about long nights on the ward."})"
    "\n"
    R"({"id":"r4","reviewer":"Nobody","rating":3})"
    "\n"
    R"({"id":"r5","title":"Airtight Tin","reviewer":"Mira Okafor","date":"2021-11","body":"Loose leaf stays fresh for weeks."})"
    "\n";

const char* const kGoodJsonl =
    R"({"id":"g1","title":"First","body":"Alpha words about gardens."})"
    "\n"
    R"({"id":"g2","title":"Second","body":"Beta words about kettles."})"
    "\n"
    R"({"id":"g3","title":"Third","body":"Gamma words about tins."})"
    "\n";

enum class Backend { OnDisk, InMemory };

const char* name_of(Backend b) { return b == Backend::OnDisk ? "on-disk glass" : "in-memory"; }

/// The database under test: a real glass database in a temp dir, or an in-memory one.
class TestIndex {
public:
    TestIndex(Backend backend, const TempDir& dir) : backend_(backend), path_(dir.file("db")) {
        open();
    }

    [[nodiscard]] IndexWriter& writer() { return *writer_; }
    [[nodiscard]] const std::string& path() const { return path_; }

    /// Closes and reopens the writer, as a second command run would (in-memory: kept open,
    /// since closing would lose it).
    void reopen() {
        if (backend_ == Backend::InMemory) return;
        writer_.reset();
        open();
    }

    /// A reader of what is committed (in-memory: the database itself).
    [[nodiscard]] Xapian::Database reader() const {
        if (backend_ == Backend::InMemory) return memory_;
        return Xapian::Database(path_);
    }

private:
    void open() {
        if (backend_ == Backend::OnDisk) {
            writer_ = open_database_writer(path_);
        } else {
            memory_ = Xapian::WritableDatabase(std::string(), Xapian::DB_BACKEND_INMEMORY);
            writer_ = wrap_database_writer(memory_, "in-memory");
        }
    }

    Backend backend_;
    std::string path_;
    Xapian::WritableDatabase memory_;
    std::unique_ptr<IndexWriter> writer_;
};

IndexOptions options_for(const std::vector<std::string>& inputs) {
    IndexOptions o;
    o.db_path = "test-db";
    o.inputs = inputs;
    o.progress = ProgressMode::None;
    return o;
}

/// Runs one job against `writer`, returning its summary; the log goes to `log`.
IndexSummary run_job(IndexWriter& writer, const IndexOptions& options, std::ostream& log) {
    IndexJob job(options, log);
    return job.run(writer);
}

void check_counts_add_up(const IndexSummary& s) {
    INFO(s.to_json());
    CHECK(s.read == s.added + s.replaced + s.rejected);
    CHECK(s.duplicates <= s.replaced);
}

std::optional<Review> stored_review(const Xapian::Database& db, const std::string& id) {
    const std::string term = s::id_term(id);
    auto p = db.postlist_begin(term);
    if (p == db.postlist_end(term)) return std::nullopt;
    return from_stored_json(db.get_document(*p).get_data());
}

std::vector<std::string> terms_of(const Xapian::Database& db, const std::string& id) {
    std::vector<std::string> terms;
    const std::string term = s::id_term(id);
    auto p = db.postlist_begin(term);
    if (p == db.postlist_end(term)) return terms;
    for (auto t = db.termlist_begin(*p); t != db.termlist_end(*p); ++t) terms.push_back(*t);
    return terms;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

/// A real writer, wrapped to record each commit and what a fresh reader sees right after it.
class CommitRecorder final : public IndexWriter {
public:
    CommitRecorder(IndexWriter& inner, const TestIndex& index) : inner_(inner), index_(index) {}
    bool put(const std::string& id_term, const Xapian::Document& doc) override {
        return inner_.put(id_term, doc);
    }
    bool remove(const std::string& id_term) override { return inner_.remove(id_term); }
    bool contains(const std::string& id_term) override { return inner_.contains(id_term); }
    void set_metadata(const std::string& k, const std::string& v) override {
        inner_.set_metadata(k, v);
    }
    std::string get_metadata(const std::string& k) override { return inner_.get_metadata(k); }
    void commit() override {
        inner_.commit();
        seen_after_commit.push_back(index_.reader().get_doccount());
    }
    Xapian::doccount doc_count() override { return inner_.doc_count(); }
    void add_spelling(const std::string& word, Xapian::termcount freq) override {
        inner_.add_spelling(word, freq);
    }
    std::vector<std::string> ids_with_term(const std::string& term) override {
        return inner_.ids_with_term(term);
    }

    std::vector<Xapian::doccount> seen_after_commit;

private:
    IndexWriter& inner_;
    const TestIndex& index_;
};

}  // namespace

TEST_CASE("an index job counts good and bad records and keeps going", "[indexer]") {
    const Backend backend = GENERATE(Backend::OnDisk, Backend::InMemory);
    INFO("backend: " << name_of(backend));
    TempDir dir;
    TestIndex index(backend, dir);
    const std::string input = dir.write("in/reviews.jsonl", kMixedJsonl);
    std::ostringstream log;
    const IndexSummary summary = run_job(index.writer(), options_for({input}), log);
    INFO("log:\n" << log.str());

    SECTION("three good records are indexed and two bad ones rejected") {
        CHECK(summary.files == 1);
        CHECK(summary.read == 5);
        CHECK(summary.added == 3);
        CHECK(summary.replaced == 0);
        CHECK(summary.duplicates == 0);
        CHECK(summary.rejected == 2);
        CHECK(summary.doc_count == 3);
        CHECK(index.reader().get_doccount() == 3);
        check_counts_add_up(summary);
    }
    SECTION("the rejects are counted by their reason") {
        CHECK(summary.rejects_by_reason.size() == 2);
        CHECK(summary.rejects_by_reason.count("malformed JSON") == 1);
        CHECK(summary.rejects_by_reason.count("nothing to index (no title and no body)") == 1);
    }
    SECTION("each reject is logged with its file and line") {
        CHECK_THAT(log.str(), Catch::Contains(input + ":2: rejected: malformed JSON"));
        CHECK_THAT(log.str(), Catch::Contains(input + ":4: rejected: nothing to index"));
        CHECK_THAT(log.str(), !Catch::Contains(":1: rejected"));
        CHECK_THAT(log.str(), !Catch::Contains(":3: rejected"));
        CHECK_THAT(log.str(), !Catch::Contains(":5: rejected"));
    }
    SECTION("the good records are in the index and the bad ones are not") {
        const Xapian::Database db = index.reader();
        CHECK(stored_review(db, "r1"));
        CHECK(stored_review(db, "r3"));
        CHECK(stored_review(db, "r5"));
        CHECK_FALSE(stored_review(db, "r2"));
        CHECK_FALSE(stored_review(db, "r4"));
        CHECK(stored_review(db, "r3")->source == input + ":3");
    }
    SECTION("a run with rejects exits with 3") { CHECK(summary.exit_code() == 3); }
}

TEST_CASE("an index job without rejects exits with 0", "[indexer]") {
    const Backend backend = GENERATE(Backend::OnDisk, Backend::InMemory);
    INFO("backend: " << name_of(backend));
    TempDir dir;
    TestIndex index(backend, dir);
    std::ostringstream log;
    const IndexSummary summary =
        run_job(index.writer(), options_for({dir.write("good.jsonl", kGoodJsonl)}), log);
    CHECK(summary.rejected == 0);
    CHECK(summary.added == 3);
    CHECK(summary.exit_code() == 0);
    CHECK_THAT(log.str(), !Catch::Contains("rejected"));
    check_counts_add_up(summary);
}

TEST_CASE("re-indexing the same input replaces reviews instead of adding copies", "[indexer]") {
    const Backend backend = GENERATE(Backend::OnDisk, Backend::InMemory);
    INFO("backend: " << name_of(backend));
    TempDir dir;
    TestIndex index(backend, dir);
    const std::string input = dir.write("good.jsonl", kGoodJsonl);
    std::ostringstream log;
    const IndexSummary first = run_job(index.writer(), options_for({input}), log);
    index.reopen();
    const IndexSummary second = run_job(index.writer(), options_for({input}), log);

    SECTION("the document count is the same after the second run") {
        CHECK(first.doc_count == 3);
        CHECK(second.doc_count == 3);
        CHECK(index.reader().get_doccount() == 3);
    }
    SECTION("the second run reports every record as replaced, none as added") {
        CHECK(second.read == 3);
        CHECK(second.added == 0);
        CHECK(second.replaced == 3);
        CHECK(second.duplicates == 0);
        check_counts_add_up(first);
        check_counts_add_up(second);
    }
}

TEST_CASE("an id repeated within one run counts as a duplicate and the last record wins",
          "[indexer]") {
    const Backend backend = GENERATE(Backend::OnDisk, Backend::InMemory);
    INFO("backend: " << name_of(backend));
    TempDir dir;
    TestIndex index(backend, dir);
    const std::string input = dir.write(
        "dups.jsonl",
        R"({"id":"same","title":"Early version","body":"first words"})"
        "\n"
        R"({"id":"other","title":"Unrelated","body":"other words"})"
        "\n"
        R"({"id":"same","title":"Late version","body":"second words"})"
        "\n");
    std::ostringstream log;
    const IndexSummary summary = run_job(index.writer(), options_for({input}), log);
    INFO("log:\n" << log.str());

    SECTION("the repeat is counted as replaced and as a duplicate") {
        CHECK(summary.read == 3);
        CHECK(summary.added == 2);
        CHECK(summary.replaced == 1);
        CHECK(summary.duplicates == 1);
        CHECK(summary.doc_count == 2);
        check_counts_add_up(summary);
    }
    SECTION("the index holds the last record with that id") {
        const auto review = stored_review(index.reader(), "same");
        REQUIRE(review);
        CHECK(review->title == "Late version");
        CHECK(review->source == input + ":3");
        const auto terms = terms_of(index.reader(), "same");
        CHECK(contains(terms, "second"));
        CHECK_FALSE(contains(terms, "first"));
    }
    SECTION("the log notes the repeat with its line") {
        CHECK_THAT(log.str(), Catch::Contains(input + ":3: note: id 'same' repeats"));
    }
    SECTION("a second run over the same file counts the repeat again, but only once") {
        index.reopen();
        std::ostringstream log2;
        const IndexSummary again = run_job(index.writer(), options_for({input}), log2);
        CHECK(again.added == 0);
        CHECK(again.replaced == 3);
        CHECK(again.duplicates == 1);
        CHECK(again.doc_count == 2);
    }
}

TEST_CASE("rejected records are appended to the rejects file as JSON lines", "[indexer]") {
    const Backend backend = GENERATE(Backend::OnDisk, Backend::InMemory);
    INFO("backend: " << name_of(backend));
    TempDir dir;
    TestIndex index(backend, dir);
    const std::string input = dir.write("mixed.jsonl", kMixedJsonl);
    IndexOptions options = options_for({input});
    options.rejects_file = dir.file("rejects.jsonl");
    std::ostringstream log;
    const IndexSummary summary = run_job(index.writer(), options, log);
    REQUIRE(summary.rejected == 2);

    const auto lines = test::lines_of(test::read_file(options.rejects_file));
    REQUIRE(lines.size() == 2);
    const auto first = nlohmann::json::parse(lines[0]);
    const auto second = nlohmann::json::parse(lines[1]);

    SECTION("each record names its source, its reason and the raw input") {
        CHECK(first.at("source") == input + ":2");
        CHECK(first.at("reason") == "malformed JSON");
        CHECK(first.at("raw") == R"({"id":"r2","title":"Broken line", "body":"never closed")");
        CHECK(second.at("source") == input + ":4");
        CHECK(second.at("reason") == "nothing to index (no title and no body)");
        CHECK(second.at("raw") == R"({"id":"r4","reviewer":"Nobody","rating":3})");
    }
    SECTION("a second run appends to the file rather than replacing it") {
        index.reopen();
        const IndexSummary again = run_job(index.writer(), options, log);
        CHECK(again.rejected == 2);
        CHECK(test::lines_of(test::read_file(options.rejects_file)).size() == 4);
    }
}

TEST_CASE("an index job records its analyzer and refuses a different one later", "[indexer]") {
    const Backend backend = GENERATE(Backend::OnDisk, Backend::InMemory);
    INFO("backend: " << name_of(backend));
    TempDir dir;
    TestIndex index(backend, dir);
    const std::string input = dir.write("mixed.jsonl", kMixedJsonl);
    std::ostringstream log;
    const IndexSummary summary = run_job(index.writer(), options_for({input}), log);

    SECTION("the analyzer settings and schema version are stored in the metadata") {
        const Xapian::Database db = index.reader();
        const AnalyzerSettings stored =
            AnalyzerSettings::from_json(db.get_metadata(std::string(s::kMetaAnalyzer)));
        CHECK(stored.language == "english");
        CHECK(AnalyzerSettings::from_database(db) == AnalyzerSettings{});
        CHECK(db.get_metadata(std::string(s::kMetaSchema)) == std::to_string(s::kSchemaVersion));
    }
    SECTION("the run's counts and the inputs read are stored in the metadata") {
        const Xapian::Database db = index.reader();
        const auto stats = nlohmann::json::parse(db.get_metadata(std::string(s::kMetaStats)));
        CHECK(stats.is_object());
        const std::string manifest = db.get_metadata(std::string(s::kMetaManifest));
        CHECK(nlohmann::json::parse(manifest).is_object());
        CHECK_THAT(manifest, Catch::Contains(input));
    }
    SECTION("an explicit different language on a non-empty index throws UsageError") {
        index.reopen();
        IndexOptions options = options_for({input});
        options.analyzer.language = "french";
        options.analyzer_explicit = true;
        CHECK_THROWS_AS(run_job(index.writer(), options, log), UsageError);
        CHECK(index.reader().get_doccount() == summary.doc_count);
        CHECK(AnalyzerSettings::from_database(index.reader()).language == "english");
    }
    SECTION("explicitly naming the language the index already has is accepted") {
        index.reopen();
        IndexOptions options = options_for({input});
        options.analyzer_explicit = true;
        CHECK_NOTHROW(run_job(index.writer(), options, log));
    }
    SECTION("a different language that was not asked for keeps the index's own analyzer") {
        index.reopen();
        IndexOptions options = options_for({input});
        options.analyzer.language = "french";
        options.analyzer_explicit = false;
        CHECK_NOTHROW(run_job(index.writer(), options, log));
        CHECK(AnalyzerSettings::from_database(index.reader()).language == "english");
    }
}

TEST_CASE("the manifest holds the content hash of every input, large files too", "[indexer]") {
    TempDir dir;
    TestIndex index(Backend::OnDisk, dir);
    const std::string small = dir.write("small.jsonl", kMixedJsonl);
    // Past 8 MB a file is hashed on a thread of its own while it is read: blank space pads
    // this one past that.
    const std::string large = dir.write(
        "large.jsonl", "{\"id\": \"big-1\", \"body\": \"a large file\"}\n" + std::string(9u << 20, ' ') +
                           "\n{\"id\": \"big-2\", \"body\": \"its last review\"}\n");
    std::ostringstream log;
    (void)run_job(index.writer(), options_for({small, large}), log);
    const auto manifest =
        nlohmann::json::parse(index.reader().get_metadata(std::string(s::kMetaManifest)));
    std::map<std::string, std::string> hashes;
    for (const auto& input : manifest.at("inputs")) {
        hashes[input.at("path").get<std::string>()] = input.at("hash").get<std::string>();
    }
    REQUIRE(hashes.size() == 2);
    CHECK(hashes.at(small) == corpus::file_hash(small));
    CHECK(hashes.at(large) == corpus::file_hash(large));
    CHECK(hashes.at(large).size() == 16);
    CHECK(hashes.at(small) != hashes.at(large));
}

TEST_CASE("a new index has range terms, and an index made without them gets none", "[indexer]") {
    const Backend backend = GENERATE(Backend::OnDisk, Backend::InMemory);
    INFO("backend: " << name_of(backend));
    TempDir dir;
    TestIndex index(backend, dir);
    const std::string input = dir.write("mixed.jsonl", kMixedJsonl);
    std::ostringstream log;
    SECTION("a fresh index records them, and its reviews hold their year, month, day and rating") {
        (void)run_job(index.writer(), options_for({input}), log);
        CHECK(AnalyzerSettings::from_database(index.reader()).range_terms);
        const auto r1 = terms_of(index.reader(), "r1");
        for (const char* t : {"Y2019", "M201903", "D20190314", "XR4"}) CHECK(contains(r1, t));
        const auto r3 = terms_of(index.reader(), "r3");  // dated 2016 only
        for (const char* t : {"Y2016", "M201600", "D20160000", "XR5"}) CHECK(contains(r3, t));
    }
    SECTION("an index whose settings do not name them keeps searching by values") {
        // As an index written before range terms: its analyzer settings lack the key.
        AnalyzerSettings old;
        nlohmann::json settings = nlohmann::json::parse(old.to_json());
        settings.erase("range_terms");
        index.writer().set_metadata(std::string(s::kMetaAnalyzer), settings.dump());
        index.writer().commit();
        IndexOptions options = options_for({input});
        options.analyzer_explicit = true;  // naming the same analyzer is still accepted
        (void)run_job(index.writer(), options, log);
        CHECK_FALSE(AnalyzerSettings::from_database(index.reader()).range_terms);
        CHECK_FALSE(contains(terms_of(index.reader(), "r1"), "Y2019"));
        CHECK_FALSE(contains(terms_of(index.reader(), "r1"), "XR4"));
    }
}

TEST_CASE("an explicit language is used when the index holds no documents yet", "[indexer]") {
    const Backend backend = GENERATE(Backend::OnDisk, Backend::InMemory);
    INFO("backend: " << name_of(backend));
    TempDir dir;
    TestIndex index(backend, dir);
    // A first run, and a second that deletes its reviews, leave analyzer metadata but no
    // documents.
    std::ostringstream log;
    (void)run_job(index.writer(), options_for({dir.write("first.jsonl", kGoodJsonl)}), log);
    index.reopen();
    IndexOptions deleting = options_for({});
    deleting.delete_ids = {"g1", "g2", "g3"};
    const IndexSummary empty = run_job(index.writer(), deleting, log);
    REQUIRE(empty.doc_count == 0);
    REQUIRE(AnalyzerSettings::from_database(index.reader()).language == "english");

    index.reopen();
    IndexOptions options = options_for({dir.write("good.jsonl", kGoodJsonl)});
    options.analyzer.language = "french";
    options.analyzer_explicit = true;
    IndexSummary summary;
    REQUIRE_NOTHROW(summary = run_job(index.writer(), options, log));
    CHECK(summary.doc_count == 3);
    // The user named French and nothing was indexed in English: the index must say French,
    // or the query side would stem with the wrong language.
    CHECK(AnalyzerSettings::from_database(index.reader()).language == "french");
}

TEST_CASE("README.md and PROVENANCE.md in an input directory are skipped, not read",
          "[indexer]") {
    const Backend backend = GENERATE(Backend::OnDisk, Backend::InMemory);
    INFO("backend: " << name_of(backend));
    TempDir dir;
    TestIndex index(backend, dir);
    dir.write("corpus/reviews.jsonl", kGoodJsonl);
    dir.write("corpus/README.md", "# About this folder\n\nThese are sample reviews.\n");
    dir.write("corpus/PROVENANCE.md", "Written for the revsearch tests.\n");
    std::ostringstream log;
    const IndexSummary summary =
        run_job(index.writer(), options_for({dir.file("corpus")}), log);
    INFO("log:\n" << log.str());

    CHECK(summary.files == 1);
    CHECK(summary.skipped_files == 2);
    CHECK(summary.read == 3);
    CHECK(summary.rejected == 0);
    CHECK(summary.doc_count == 3);
    CHECK(summary.exit_code() == 0);
    CHECK_THAT(log.str(), Catch::Contains("README.md: skipped"));
    CHECK_THAT(log.str(), Catch::Contains("PROVENANCE.md: skipped"));
}

TEST_CASE("an index job commits in batches and ends with everything committed", "[indexer]") {
    const Backend backend = GENERATE(Backend::OnDisk, Backend::InMemory);
    INFO("backend: " << name_of(backend));
    TempDir dir;
    TestIndex index(backend, dir);
    std::string jsonl;
    for (int i = 1; i <= 5; ++i) {
        jsonl += R"({"id":"b)" + std::to_string(i) + R"(","title":"Batch","body":"Words number )" +
                 std::to_string(i) + "\"}\n";
    }
    const std::string input = dir.write("batch.jsonl", jsonl);

    SECTION("with batches of two records, readers see 2, then 4, then all 5 documents") {
        IndexOptions options = options_for({input});
        options.batch_records = 2;
        CommitRecorder recorder(index.writer(), index);
        std::ostringstream log;
        const IndexSummary summary = run_job(recorder, options, log);
        CHECK(summary.added == 5);
        CHECK(recorder.seen_after_commit == std::vector<Xapian::doccount>{2, 4, 5});
        CHECK(Xapian::Database(index.reader()).get_doccount() == 5);
    }
    SECTION("with a tiny byte budget, every record is committed on its own") {
        IndexOptions options = options_for({input});
        options.batch_bytes = 1;
        CommitRecorder recorder(index.writer(), index);
        std::ostringstream log;
        (void)run_job(recorder, options, log);
        CHECK(recorder.seen_after_commit == std::vector<Xapian::doccount>{1, 2, 3, 4, 5, 5});
    }
}

TEST_CASE("an index job tags topics from the built-in lexicon", "[indexer]") {
    const Backend backend = GENERATE(Backend::OnDisk, Backend::InMemory);
    INFO("backend: " << name_of(backend));
    TempDir dir;
    TestIndex index(backend, dir);
    const std::string input = dir.write(
        "topics.jsonl",
        R"({"id":"t1","title":"After the Burnout","topics":["Gardening"],"body":"Daily mindfulness practice helped me rest."})"
        "\n");

    SECTION("lexicon topics are added after the record's own, as terms and stored data") {
        std::ostringstream log;
        (void)run_job(index.writer(), options_for({input}), log);
        const auto review = stored_review(index.reader(), "t1");
        REQUIRE(review);
        REQUIRE_FALSE(review->topics.empty());
        CHECK(review->topics.front() == "Gardening");
        CHECK(contains(review->topics, "burnout"));
        CHECK(contains(review->topics, "mindfulness"));
        const auto terms = terms_of(index.reader(), "t1");
        CHECK(contains(terms, "Kgardening"));
        CHECK(contains(terms, "Kburnout"));
        CHECK(contains(terms, "Kmindfulness"));
    }
    SECTION("with topic tagging off, only the record's own topics are kept") {
        IndexOptions options = options_for({input});
        options.tag_topics = false;
        std::ostringstream log;
        (void)run_job(index.writer(), options, log);
        const auto terms = terms_of(index.reader(), "t1");
        CHECK(contains(terms, "Kgardening"));
        CHECK_FALSE(contains(terms, "Kburnout"));
        CHECK_FALSE(contains(terms, "Kmindfulness"));
    }
}

TEST_CASE("an index job refuses inputs that do not exist", "[indexer]") {
    const Backend backend = GENERATE(Backend::OnDisk, Backend::InMemory);
    INFO("backend: " << name_of(backend));
    TempDir dir;
    TestIndex index(backend, dir);
    std::ostringstream log;
    CHECK_THROWS_AS(run_job(index.writer(), options_for({dir.file("missing.jsonl")}), log),
                    UsageError);
}

TEST_CASE("an index job opens the on-disk database named in its options", "[indexer]") {
    TempDir dir;
    IndexOptions options = options_for({dir.write("good.jsonl", kGoodJsonl)});
    options.db_path = dir.file("db");
    std::ostringstream log;

    SECTION("the database is created and holds the reviews") {
        IndexJob job(options, log);
        const IndexSummary summary = job.run();
        CHECK(summary.doc_count == 3);
        CHECK(Xapian::Database(options.db_path).get_doccount() == 3);
    }
    SECTION("a database another writer holds is refused with IndexError") {
        const auto holder = open_database_writer(options.db_path);
        IndexJob job(options, log);
        CHECK_THROWS_AS(job.run(), IndexError);
    }
}

// Issue 17, point 5: a run that finds no review says so, and creates nothing.
TEST_CASE("a run whose inputs hold no review fails and creates no database", "[indexer]") {
    TempDir dir;
    std::ostringstream log;
    SECTION("a new database is not left behind, with the reason in the error") {
        IndexOptions options = options_for({dir.write("notes.xyz", "no review format here\n")});
        options.db_path = dir.file("db");
        IndexJob job(options, log);
        try {
            (void)job.run();
            FAIL("the run did not throw");
        } catch (const NoReviewsError& e) {
            CHECK_THAT(e.what(), Catch::Contains("notes.xyz"));
            CHECK_THAT(e.what(), Catch::Contains("nothing was written"));
        }
        CHECK_FALSE(std::filesystem::exists(options.db_path));
        CHECK_FALSE(std::filesystem::exists(options.db_path + ".parts"));
    }
    SECTION("a folder made for the database is left as it was: empty") {
        std::filesystem::create_directories(dir.file("made"));
        IndexOptions options = options_for({dir.write("empty.jsonl", "")});
        options.db_path = dir.file("made");
        IndexJob job(options, log);
        CHECK_THROWS_AS(job.run(), NoReviewsError);
        CHECK(std::filesystem::is_empty(dir.file("made")));
    }
    SECTION("an index that had reviews keeps them, and the run reports what it saw") {
        IndexOptions options = options_for({dir.write("good.jsonl", kGoodJsonl)});
        options.db_path = dir.file("db");
        REQUIRE(IndexJob(options, log).run().doc_count == 3);
        options.inputs = {dir.write("bad.jsonl", "{\"id\":\"x\"}\n")};
        const IndexSummary summary = IndexJob(options, log).run();
        CHECK(summary.exit_code() == 1);
        CHECK_THAT(summary.no_reviews, Catch::Contains("1 record read, all rejected"));
        CHECK(summary.doc_count == 3);
    }
    SECTION("a run that reads reviews is not such a run") {
        IndexOptions options =
            options_for({dir.write("good.jsonl", kGoodJsonl), dir.write("e.jsonl", "")});
        options.db_path = dir.file("db");
        const IndexSummary summary = IndexJob(options, log).run();
        CHECK(summary.no_reviews.empty());
        CHECK(summary.exit_code() == 0);
    }
}

namespace {

/// Every share drawn by a progress bar in `log`, in order ("[###...] 42% ...").
std::vector<int> drawn_shares(const std::string& log) {
    std::vector<int> shares;
    for (std::size_t at = log.find("\r["); at != std::string::npos; at = log.find("\r[", at + 1)) {
        const std::size_t close = log.find("] ", at);
        REQUIRE(close != std::string::npos);
        shares.push_back(std::stoi(log.substr(close + 2)));
    }
    return shares;
}

/// A file of reviews whose words compress poorly, so that compressed it spans many blocks.
std::string varied_reviews(int n, const std::string& tag, unsigned seed) {
    std::string out;
    std::uint32_t x = seed;
    for (int i = 0; i < n; ++i) {
        std::string body;
        for (int w = 0; w < 30; ++w) {
            x = x * 1103515245u + 12345u;
            body += "w" + std::to_string(x % 1000003) + " ";
        }
        out +=
            R"({"id":")" + tag + std::to_string(i) + R"(","title":"T","body":")" + body + "\"}\n";
    }
    return out;
}

}  // namespace

// Issue 17, point 9: the bar stayed at 0% through a .tar.zst and ended at 50%.
TEST_CASE("progress counts compressed bytes, never goes back, and reaches 100%", "[indexer]") {
    TempDir dir;
    dir.write("pack/one.jsonl", varied_reviews(3000, "a", 1));
    dir.write("pack/two.jsonl", varied_reviews(3000, "b", 2));
    const std::string plain = dir.write("in/plain.jsonl", varied_reviews(2000, "c", 3));
    REQUIRE(
        test::run_process({"/bin/sh", "-c",
                           "cd '" + dir.file("pack") + "' && tar --zstd -cf '" +
                               dir.file("in/both.tar.zst") + "' one.jsonl two.jsonl && gzip -c '" +
                               plain + "' > '" + dir.file("in/again.jsonl.gz") + "'"})
            .exit_code == 0);
    IndexOptions options = options_for({dir.file("in")});
    options.db_path = dir.file("db");
    options.progress = ProgressMode::Bar;
    options.progress_interval = 0;  // draw on every update
    options.threads = 1;
    std::ostringstream log;
    const IndexSummary summary = IndexJob(options, log).run();
    REQUIRE(summary.read == 10000);
    const std::vector<int> shares = drawn_shares(log.str());
    INFO(shares.size() << " draws");
    REQUIRE(shares.size() > 100);
    CHECK(std::is_sorted(shares.begin(), shares.end()));
    CHECK(shares.back() == 100);
    // Inside the archive, which is read first, the share moves: it is not stuck at 0%.
    std::set<int> inside(shares.begin(), shares.begin() + static_cast<long>(shares.size() / 3));
    CHECK(inside.size() >= 5);

    SECTION("a second run that passes over unchanged files still ends at 100%") {
        dir.write("in/new.jsonl", varied_reviews(500, "d", 4));
        options.skip_unchanged = true;
        std::ostringstream again;
        const IndexSummary second = IndexJob(options, again).run();
        CHECK(second.unchanged_files == 3);
        const std::vector<int> later = drawn_shares(again.str());
        REQUIRE_FALSE(later.empty());
        CHECK(std::is_sorted(later.begin(), later.end()));
        CHECK(later.back() == 100);
    }
}

// Issue 17, point 1: records transcoded are counted in the summary and, per file, in the
// manifest, where they stay while the file is unchanged.
TEST_CASE("records decoded from other encodings are counted by encoding and by file", "[indexer]") {
    TempDir dir;
    const std::string legacy = dir.write(
        "legacy.jsonl",
        "{\"id\":\"w1\",\"title\":\"Caf\xE9\"}\n{\"id\":\"w2\",\"title\":\"\x93Quoted\x94\"}\n"
        "{\"id\":\"u1\",\"title\":\"UTF-8 caf\xC3\xA9\"}\n");
    IndexOptions options = options_for({legacy});
    options.db_path = dir.file("db");
    std::ostringstream log;
    const IndexSummary summary = IndexJob(options, log).run();
    CHECK(summary.transcoded == 2);
    CHECK(summary.transcoded_by_encoding ==
          std::map<std::string, std::uint64_t>{{"windows-1252", 2}});
    CHECK(summary.transcoded_by_file.at(legacy).at("windows-1252") == 2);
    const auto stored = stored_review(Xapian::Database(options.db_path), "w2");
    REQUIRE(stored);
    CHECK(stored->title == "\xE2\x80\x9CQuoted\xE2\x80\x9D");

    auto transcoded_in_manifest = [&] {
        const auto manifest = nlohmann::json::parse(
            Xapian::Database(options.db_path).get_metadata(std::string(s::kMetaManifest)));
        std::map<std::string, nlohmann::json> per_file;
        for (const auto& in : manifest.at("inputs")) {
            per_file[in.at("path").get<std::string>()] =
                in.value("transcoded", nlohmann::json::object());
        }
        return per_file;
    };
    CHECK(transcoded_in_manifest().at(legacy) == nlohmann::json({{"windows-1252", 2}}));

    const std::string plain = dir.write("plain.jsonl", kGoodJsonl);
    options.inputs = {legacy, plain};
    options.skip_unchanged = true;
    const IndexSummary second = IndexJob(options, log).run();
    CHECK(second.transcoded == 0);
    const auto per_file = transcoded_in_manifest();
    CHECK(per_file.at(legacy) == nlohmann::json({{"windows-1252", 2}}));
    CHECK(per_file.at(plain).empty());
}
