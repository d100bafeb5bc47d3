// The parallel and sharded write paths: several lanes writing parts that are compacted into
// one database, shards routed by the id hash, and updates in place. Each test compares with
// what the one-thread path gives, on real glass databases in temporary folders.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>
#include <xapian.h>

#include "common/error.hpp"
#include "common/record_codec.hpp"
#include "common/schema.hpp"
#include "common/shards.hpp"
#include "indexer/index_job.hpp"
#include "indexer/lane.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::indexer;
using revsearch::test::TempDir;
namespace s = revsearch::schema;
namespace fs = std::filesystem;

namespace {

const char* const kWords[] = {"garden", "kettle", "patience", "burnout", "mindful", "nurse",
                              "winter", "quiet",  "ward",     "letters", "harbor",  "violin"};

/// `n` reviews whose bodies vary, so terms have different frequencies and lengths differ.
std::string varied_reviews(int n, const std::string& tag) {
    std::string out;
    for (int i = 1; i <= n; ++i) {
        std::string body;
        for (int w = 0; w < 3 + i % 7; ++w) body += std::string(kWords[(i * 7 + w * 3) % 12]) + " ";
        out += R"({"id":")" + tag + std::to_string(i) + R"(","title":"Review )" + std::to_string(i) +
               R"(","reviewer":"Reader )" + std::to_string(i % 5) + R"(","rating":)" +
               std::to_string(1 + i % 5) + R"(,"date":"2019-0)" + std::to_string(1 + i % 9) +
               R"(-11","body":")" + body + R"(self-compassion and mindfulness."})" + "\n";
    }
    return out;
}

IndexOptions options(const std::string& db, const std::vector<std::string>& inputs) {
    IndexOptions o;
    o.db_path = db;
    o.inputs = inputs;
    o.progress = ProgressMode::None;
    return o;
}

IndexSummary run(IndexOptions o) {
    std::ostringstream log;
    IndexJob job(std::move(o), log);
    const IndexSummary summary = job.run();
    INFO(log.str());
    return summary;
}

/// Every review's id with its BM25 score for `query`, sorted by id.
std::map<std::string, double> scores(const Xapian::Database& db, const std::string& query) {
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_OR, Xapian::Query(query), Xapian::Query("Squiet")));
    std::map<std::string, double> out;
    const Xapian::MSet mset = enquire.get_mset(0, db.get_doccount());
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        out[it.get_document().get_value(s::kIdSlot)] = it.get_weight();
    }
    return out;
}

/// Stored record of every review, by id: as stored (`decode` false) or decoded.
std::map<std::string, std::string> records(const Xapian::Database& db, bool decode = true) {
    RecordCodec codec(db.get_metadata(std::string(s::kMetaDictionary)));
    std::map<std::string, std::string> out;
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
        const Xapian::Document doc = db.get_document(*it);
        const std::string stored = stored_record(doc);
        out[doc.get_value(s::kIdSlot)] = decode ? codec.decode(stored) : stored;
    }
    return out;
}

/// How often `word` is in the spelling data.
Xapian::doccount spelling_frequency(const Xapian::Database& db, const std::string& word) {
    for (auto it = db.spellings_begin(); it != db.spellings_end(); ++it) {
        if (*it == word) return it.get_termfreq();
    }
    return 0;
}

}  // namespace

TEST_CASE("a fresh build with several threads gives the index a one-thread build gives",
          "[indexer]") {
    TempDir dir;
    const std::string input = dir.write("reviews.jsonl", varied_reviews(700, "v"));

    IndexOptions one = options(dir.file("one"), {input});
    one.threads = 1;
    IndexOptions three = options(dir.file("three"), {input});
    three.threads = 3;
    three.batch_records = 40;  // many small parts per lane
    const IndexSummary a = run(one);
    const IndexSummary b = run(three);

    CHECK(b.lanes == 3);
    CHECK(a.added == 700);
    CHECK(b.added == 700);
    CHECK(b.doc_count == 700);
    CHECK_FALSE(fs::exists(dir.file("three.parts")));
    Xapian::Database da(dir.file("one"));
    Xapian::Database db(dir.file("three"));
    CHECK(db.get_doccount() == 700);
    CHECK(db.get_total_length() == da.get_total_length());
    for (const char* word : kWords) {
        INFO(word);
        CHECK(db.get_termfreq(word) == da.get_termfreq(word));
    }
    CHECK(records(db) == records(da));
    // The same statistics give the same scores, review by review.
    const auto sa = scores(da, "garden");
    const auto sb = scores(db, "garden");
    REQUIRE(sa.size() == sb.size());
    for (const auto& [id, score] : sa) CHECK(sb.at(id) == Approx(score).epsilon(1e-12));
    // Spelling data from every lane is merged.
    CHECK(spelling_frequency(db, "harbor") == spelling_frequency(da, "harbor"));
    CHECK(spelling_frequency(db, "harbor") > 0);
    // The compacted database records the run like a one-thread build does.
    const auto sources = nlohmann::json::parse(db.get_metadata(std::string(s::kMetaSources)));
    CHECK(sources.begin().value()["records"] == 700);
    CHECK(sources.begin().value()["done"] == true);
    CHECK(nlohmann::json::parse(db.get_metadata(std::string(s::kMetaRun)))["state"] == "finished");
    CHECK(db.get_metadata(std::string(s::kMetaAnalyzer)) == da.get_metadata(std::string(s::kMetaAnalyzer)));
}

TEST_CASE("a fresh build's spelling data keeps the words counted at least twice in the whole "
          "corpus, across lanes and shards",
          "[indexer]") {
    TempDir dir;
    // Two reviews in different lanes share a rare word; another word occurs once only.
    std::string a_id = "w-a";
    std::string b_id = "w-b0";
    for (int i = 1; shards::shard_for(b_id, 2) == shards::shard_for(a_id, 2); ++i) b_id = "w-b" + std::to_string(i);
    std::string extra = R"({"id":")" + a_id + R"(","title":"Moss","body":"A field guide to quillwort."})" "\n";
    extra += R"({"id":")" + b_id + R"(","title":"Ferns","body":"Quillwort and a zephyrine sky."})" "\n";
    const std::string input = dir.write("reviews.jsonl", varied_reviews(300, "p") + extra);

    IndexOptions o = options(dir.file("db"), {input});
    o.threads = 2;
    o.batch_records = 40;
    run(o);
    Xapian::Database db(dir.file("db"));
    CHECK(spelling_frequency(db, "quillwort") == 2);
    CHECK(spelling_frequency(db, "zephyrine") == 0);
    CHECK(spelling_frequency(db, "harbor") > 2);
    CHECK_FALSE(fs::exists(dir.file("db.parts")));

    SECTION("each shard keeps the words its own reviews use at least twice") {
        IndexOptions sharded = options(dir.file("sharded"), {input});
        sharded.shards = 2;
        run(sharded);
        Xapian::Database all(dir.file("sharded"));
        CHECK(all.get_doccount() == 302);
        const auto entries = shards::read_stub(*shards::stub_file(dir.file("sharded")));
        for (const auto& entry : entries) {
            Xapian::Database shard(shards::resolve(entry, *shards::stub_file(dir.file("sharded"))));
            CHECK(spelling_frequency(shard, "quillwort") == 0);  // once in each shard
            CHECK(spelling_frequency(shard, "harbor") > 2);
        }
    }
}

TEST_CASE("spelling data split over pieces written side by side compacts into the whole table",
          "[indexer]") {
    TempDir dir;
    // 60,000 made-up words of five letters; every third is counted once and so left out.
    SpellingCounts counts;
    std::vector<std::string> words;
    for (int i = 0; i < 60000; ++i) {
        std::string w;
        for (int n = i, k = 0; k < 5; ++k, n /= 26) w += static_cast<char>('a' + n % 26);
        words.push_back(w);
        counts[w] = static_cast<Xapian::termcount>(1 + i % 3);
    }
    const std::vector<std::string> pieces = write_spelling_parts(dir.path().string(), counts, 2, 8);
    // 40,000 words kept, at least 20,000 a piece: two pieces, in sorted runs of words.
    REQUIRE(pieces.size() == 2);
    CHECK(spelling_parts(dir.path().string()) == pieces);
    std::string last_of_first;
    std::string first_of_second;
    {
        Xapian::Database first(pieces[0]);
        Xapian::Database second(pieces[1]);
        for (auto it = first.spellings_begin(); it != first.spellings_end(); ++it) last_of_first = *it;
        first_of_second = *second.spellings_begin();
        CHECK(first_of_second > last_of_first);
    }

    Xapian::Database sources;
    for (const std::string& p : pieces) sources.add_database(Xapian::Database(p));
    sources.compact(dir.file("whole"), Xapian::DBCOMPACT_SINGLE_FILE);
    Xapian::Database whole(dir.file("whole"));
    Xapian::doccount n = 0;
    for (auto it = whole.spellings_begin(); it != whole.spellings_end(); ++it) ++n;
    CHECK(n == 40000);
    for (std::size_t i = 0; i < words.size(); i += 997) {
        INFO(words[i]);
        CHECK(spelling_frequency(whole, words[i]) == static_cast<Xapian::doccount>(i % 3 == 0 ? 0 : 1 + i % 3));
    }
    // Misspellings are corrected from either piece's words. Every made-up word ends in 'a',
    // so one ending in 'z' is one edit from a single word.
    for (std::string word : {last_of_first, first_of_second}) {
        INFO(word);
        std::string typo = word;
        typo.back() = 'z';
        CHECK(whole.get_spelling_suggestion(typo, 1) == word);
    }
}

TEST_CASE("an id repeated across a parallel build's parts keeps only its last record",
          "[indexer]") {
    TempDir dir;
    std::string content = varied_reviews(300, "d");
    content += R"({"id":"d5","title":"Rewritten","body":"The last word on violin practice."})" "\n";
    content += varied_reviews(3, "d");  // d1..d3 again, after many parts
    const std::string input = dir.write("dups.jsonl", content);
    IndexOptions o = options(dir.file("db"), {input});
    o.threads = 2;
    o.batch_records = 10;
    const IndexSummary summary = run(o);

    CHECK(summary.read == 304);
    CHECK(summary.added == 300);
    CHECK(summary.duplicates == 4);
    Xapian::Database db(dir.file("db"));
    CHECK(db.get_doccount() == 300);
    for (const char* id : {"d1", "d2", "d3", "d5"}) CHECK(db.get_termfreq(s::id_term(id)) == 1);
    const auto stored = records(db);
    CHECK(stored.at("d5").find("Rewritten") != std::string::npos);
}

TEST_CASE("a sharded build routes each review to the shard of its id hash and lists the shards in a stub",
          "[indexer]") {
    TempDir dir;
    const std::string input = dir.write("reviews.jsonl", varied_reviews(500, "s"));
    IndexOptions o = options(dir.file("db"), {input});
    o.shards = 3;
    o.batch_records = 50;
    const IndexSummary summary = run(o);
    CHECK(summary.doc_count == 500);

    const auto stub = shards::stub_file(dir.file("db"));
    REQUIRE(stub);
    const auto entries = shards::read_stub(*stub);
    REQUIRE(entries.size() == 3);
    std::uint64_t read_total = 0;
    std::uint64_t files_total = 0;
    for (std::size_t i = 0; i < 3; ++i) {
        INFO("shard " << i);
        Xapian::Database shard(shards::resolve(entries[i], *stub));
        CHECK(shard.get_doccount() > 100);
        for (const auto& [id, data] : records(shard)) CHECK(shards::shard_for(id, 3) == i);
        const auto stats = nlohmann::json::parse(shard.get_metadata(std::string(s::kMetaStats)));
        read_total += stats["last_run"]["read"].get<std::uint64_t>();
        files_total += stats["last_run"]["files"].get<std::uint64_t>();
        CHECK(stats["last_run"]["doc_count"] == shard.get_doccount());
    }
    // The shards' counts add up to the run's.
    CHECK(read_total == 500);
    CHECK(files_total == 1);
    // Xapian opens the folder as one database.
    CHECK(Xapian::Database(dir.file("db")).get_doccount() == 500);

    SECTION("a second run updates the shards in place, replacing by id") {
        std::string update = varied_reviews(10, "s");  // s1..s10 again
        update += R"({"id":"new-review","title":"Fresh","body":"A new review of a quiet harbor."})" "\n";
        const std::string more = dir.write("update.jsonl", update);
        const IndexSummary second = run(options(dir.file("db"), {more}));
        CHECK(second.replaced == 10);
        CHECK(second.added == 1);
        CHECK(Xapian::Database(dir.file("db")).get_doccount() == 501);
        const std::size_t home = shards::shard_for("new-review", 3);
        CHECK(Xapian::Database(shards::resolve(entries[home], *stub)).get_termfreq(s::id_term("new-review")) == 1);
    }
    SECTION("asking for another shard count is refused") {
        IndexOptions other = options(dir.file("db"), {input});
        other.shards = 4;
        std::ostringstream log;
        IndexJob job(other, log);
        CHECK_THROWS_AS(job.run(), UsageError);
    }
}

TEST_CASE("without compaction a fresh parallel build keeps its databases apart behind a stub",
          "[indexer]") {
    TempDir dir;
    const std::string input = dir.write("reviews.jsonl", varied_reviews(200, "n"));
    IndexOptions o = options(dir.file("db"), {input});
    o.threads = 2;
    o.compact = false;
    const IndexSummary summary = run(o);
    CHECK(summary.doc_count == 200);
    REQUIRE(shards::stub_file(dir.file("db")));
    CHECK(shards::read_stub(*shards::stub_file(dir.file("db"))).size() == 2);
    CHECK(Xapian::Database(dir.file("db")).get_doccount() == 200);
}

TEST_CASE("a run into an index that already holds reviews updates it in place", "[indexer]") {
    TempDir dir;
    const std::string first = dir.write("a.jsonl", varied_reviews(50, "a"));
    const std::string second = dir.write("b.jsonl", varied_reviews(30, "a"));  // a1..a30 again
    IndexOptions o = options(dir.file("db"), {first});
    o.threads = 2;
    CHECK(run(o).added == 50);
    IndexOptions update = options(dir.file("db"), {second});
    update.threads = 2;
    const IndexSummary summary = run(update);
    CHECK(summary.lanes == 1);
    CHECK(summary.replaced == 30);
    CHECK(Xapian::Database(dir.file("db")).get_doccount() == 50);
}

TEST_CASE("a fresh build compresses stored records with a dictionary it keeps in the metadata",
          "[indexer]") {
    TempDir dir;
    const std::string input = dir.write("reviews.jsonl", varied_reviews(400, "z"));
    run(options(dir.file("packed"), {input}));
    IndexOptions plain_options = options(dir.file("plain"), {input});
    plain_options.compress_records = false;
    run(plain_options);

    Xapian::Database packed(dir.file("packed"));
    Xapian::Database plain(dir.file("plain"));
    const std::string dictionary = packed.get_metadata(std::string(s::kMetaDictionary));
    REQUIRE_FALSE(dictionary.empty());
    CHECK(plain.get_metadata(std::string(s::kMetaDictionary)).empty());
    RecordCodec codec(dictionary);
    const auto plain_records = records(plain, false);
    for (const auto& [id, stored] : records(packed, false)) {
        CHECK(stored.front() != '{');
        CHECK(codec.decode(stored) == plain_records.at(id));
    }
    // Compressed records live in their value slot, plain ones in the document data.
    for (auto it = packed.postlist_begin(""); it != packed.postlist_end(""); ++it) {
        CHECK(packed.get_document(*it).get_data().empty());
    }
    for (auto it = plain.postlist_begin(""); it != plain.postlist_end(""); ++it) {
        const Xapian::Document doc = plain.get_document(*it);
        CHECK(doc.get_data().front() == '{');
        CHECK(doc.get_value(s::kRecordSlot).empty());
    }

    SECTION("an update of the index uses the same dictionary") {
        const std::string more = dir.write("more.jsonl", varied_reviews(5, "later"));
        run(options(dir.file("packed"), {more}));
        Xapian::Database updated(dir.file("packed"));
        CHECK(updated.get_metadata(std::string(s::kMetaDictionary)) == dictionary);
        const Xapian::docid id = *updated.postlist_begin(s::id_term("later3"));
        CHECK(codec.decode(stored_record(updated.get_document(id))).find("later3") != std::string::npos);
    }
}
