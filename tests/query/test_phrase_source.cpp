#include "query/phrase_source.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <unordered_map>
#include <string>
#include <utility>
#include <vector>
#include <xapian.h>

#include "common/analyzer.hpp"
#include "common/error.hpp"
#include "common/packed_positions.hpp"
#include "common/review.hpp"
#include "common/schema.hpp"
#include "indexer/document_builder.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using revsearch::query::rewrite_positional;
using revsearch::test::TempDir;

namespace {

// A small vocabulary, two of them stop words, so that phrases recur and stop-word gaps occur.
const std::vector<std::string> kWords = {"tea", "garden", "walk", "book", "calm", "rain",
                                         "the", "of", "kettle", "mind"};
const std::vector<std::string> kContentWords = {"tea", "garden", "walk", "book", "calm",
                                                "rain", "kettle", "mind"};

AnalyzerSettings settings(bool packed) {
    AnalyzerSettings s;
    s.stopwords_name = "english";
    s.stopwords = load_stopwords("english");
    s.packed_positions = packed;
    // Titles under S only on both sides: this compares the phrase matchers term by term, and
    // Xapian's matcher cannot take title words without positions among the unprefixed terms
    // (query/title_layout and its tests deal with that layout above this level).
    s.title_in_default = false;
    return s;
}

std::string random_text(std::mt19937& rng, int min_words, int max_words) {
    std::uniform_int_distribution<int> length(min_words, max_words);
    std::uniform_int_distribution<std::size_t> word(0, kWords.size() - 1);
    std::string text;
    for (int i = length(rng); i > 0; --i) text += kWords[word(rng)] + (i > 1 ? " " : ".");
    return text;
}

/// The same reviews indexed twice, into `packed` and `xapian`, in the same order.
void fill(Xapian::WritableDatabase& packed, Xapian::WritableDatabase& xapian) {
    std::mt19937 rng(20261127);
    indexer::DocumentBuilder with_packed(settings(true));
    indexer::DocumentBuilder with_xapian(settings(false));
    for (int i = 0; i < 400; ++i) {
        Review r;
        r.id = "r" + std::to_string(i);
        r.body = random_text(rng, 0, 30);
        r.title = random_text(rng, 0, 6);
        packed.add_document(with_packed.build(r));
        xapian.add_document(with_xapian.build(r));
    }
    packed.commit();
    xapian.commit();
}

std::vector<std::pair<Xapian::docid, double>> run(const Xapian::Database& db, const Xapian::Query& q) {
    Xapian::Enquire enquire(db);
    enquire.set_query(q);
    std::vector<std::pair<Xapian::docid, double>> out;
    const Xapian::MSet mset = enquire.get_mset(0, db.get_doccount());
    for (auto it = mset.begin(); it != mset.end(); ++it) out.emplace_back(*it, it.get_weight());
    return out;
}

/// A random phrase or NEAR query over body or title terms, some positions with alternatives.
Xapian::Query random_query(std::mt19937& rng, const Analyzer& analyzer) {
    const bool title = rng() % 3 == 0;
    const std::string prefix = title ? "S" : "";
    const bool near = rng() % 3 == 0;
    const std::size_t n = 2 + rng() % 3;
    std::vector<Xapian::Query> subs;
    // NEAR gets distinct words: with a word repeated, Xapian's NEAR follows its own search
    // order, while the packed matcher looks for distinct positions for the repeats.
    std::vector<std::string> words = kContentWords;
    std::shuffle(words.begin(), words.end(), rng);
    std::size_t next_word = 0;
    for (std::size_t i = 0; i < n; ++i) {
        auto term = [&] {
            const std::string& word = near ? words[next_word++] : words[rng() % words.size()];
            return Xapian::Query(prefix + analyzer.term(word));
        };
        if (rng() % 5 == 0) {
            subs.emplace_back(Xapian::Query::OP_OR, term(), term());
        } else {
            subs.push_back(term());
        }
    }
    const auto window = static_cast<Xapian::termcount>(n + (near ? rng() % 6 : rng() % 3 == 0 ? rng() % 4 : 0));
    return Xapian::Query(near ? Xapian::Query::OP_NEAR : Xapian::Query::OP_PHRASE, subs.begin(), subs.end(), window);
}

}  // namespace

TEST_CASE("phrase and NEAR searches on packed positions find what Xapian's position lists find",
          "[query]") {
    const bool on_disk = GENERATE(false, true);
    INFO((on_disk ? "glass databases" : "in-memory databases"));
    TempDir dir;
    Xapian::WritableDatabase packed = on_disk ? Xapian::WritableDatabase(dir.file("packed"), Xapian::DB_CREATE)
                                              : Xapian::WritableDatabase(std::string(), Xapian::DB_BACKEND_INMEMORY);
    Xapian::WritableDatabase xapian = on_disk ? Xapian::WritableDatabase(dir.file("xapian"), Xapian::DB_CREATE)
                                              : Xapian::WritableDatabase(std::string(), Xapian::DB_BACKEND_INMEMORY);
    fill(packed, xapian);
    const Analyzer analyzer(settings(true));

    SECTION("600 random phrases and NEARs, with windows and alternatives, match the same "
            "reviews with the same weights") {
        std::mt19937 rng(7);
        std::size_t matched = 0;
        for (int i = 0; i < 600; ++i) {
            const Xapian::Query original = random_query(rng, analyzer);
            unsigned count = 0;
            const Xapian::Query rewritten = rewrite_positional(original, count);
            INFO(original.get_description());
            REQUIRE(count == 1);
            const auto expected = run(xapian, original);
            const auto got = run(packed, rewritten);
            REQUIRE(got.size() == expected.size());
            for (std::size_t k = 0; k < got.size(); ++k) {
                CHECK(got[k].first == expected[k].first);
                CHECK(got[k].second == Approx(expected[k].second));
            }
            matched += got.empty() ? 0 : 1;
        }
        CHECK(matched > 300);  // the comparison is not between empty results
    }
    SECTION("a phrase inside OR, AND_NOT and FILTER is rewritten where it stands") {
        const Xapian::Query phrase(Xapian::Query::OP_PHRASE, Xapian::Query("tea"), Xapian::Query("garden"));
        const Xapian::Query query(Xapian::Query::OP_AND_NOT,
                                  Xapian::Query(Xapian::Query::OP_OR, phrase, Xapian::Query("kettl")),
                                  Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query("mind"), phrase));
        unsigned count = 0;
        const Xapian::Query rewritten = rewrite_positional(query, count);
        CHECK(count == 2);
        CHECK(run(packed, rewritten) == run(xapian, query));
        CHECK_FALSE(run(packed, rewritten).empty());
    }
    SECTION("a query without phrases comes back unchanged") {
        const Xapian::Query query(Xapian::Query::OP_OR, Xapian::Query("tea"), Xapian::Query("Sgarden"));
        unsigned count = 0;
        CHECK(rewrite_positional(query, count).get_description() == query.get_description());
        CHECK(count == 0);
    }
    SECTION("the source alone (no AND around it) finds the phrase's reviews by itself") {
        const Xapian::Query phrase(Xapian::Query::OP_PHRASE, Xapian::Query("walk"), Xapian::Query("book"));
        auto* source = new query::PackedPhraseSource({{"walk"}, {"book"}}, 2, true);
        auto alone = run(packed, Xapian::Query(source->release()));
        auto expected = run(xapian, phrase);
        REQUIRE_FALSE(expected.empty());
        // The source weighs nothing, so its matches come in docid order: compare as sets.
        std::sort(alone.begin(), alone.end());
        std::sort(expected.begin(), expected.end());
        REQUIRE(alone.size() == expected.size());
        for (std::size_t k = 0; k < alone.size(); ++k) CHECK(alone[k].first == expected[k].first);
    }
}

TEST_CASE("packed positions decode as they were packed, and refuse to decode garbage", "[query]") {
    SECTION("the terms of the free-text fields are positional, boolean terms are not") {
        CHECK(positions::is_positional_term("garden"));
        CHECK(positions::is_positional_term("2016"));
        CHECK(positions::is_positional_term("Sgarden"));
        CHECK(positions::is_positional_term("Amira"));
        CHECK(positions::is_positional_term("XPkettl"));
        CHECK_FALSE(positions::is_positional_term("XAmira okafor"));
        CHECK_FALSE(positions::is_positional_term("Kcompassion fatigue"));
        CHECK_FALSE(positions::is_positional_term("QReview-1"));
        CHECK_FALSE(positions::is_positional_term("XCkitchen"));
        CHECK_FALSE(positions::is_positional_term("XFreviews.jsonl"));
        CHECK_FALSE(positions::is_positional_term(""));
    }
    SECTION("a document with more than 255 distinct words packs two bytes per word") {
        Xapian::Document source;
        Xapian::TermGenerator generator;
        generator.set_document(source);
        std::string text;
        for (int i = 0; i < 300; ++i) text += "w" + std::to_string(i) + " ";
        generator.index_text(text);
        Xapian::Document target;
        const std::string packed = positions::pack(source, target);
        CHECK((packed[0] & 0x0f) == 2);
        const positions::PackedDocument words(packed);
        CHECK(words.term_count() == 300);
        CHECK(words.length() == 300);
        target.add_value(schema::kPositionsSlot, packed);
        const auto back = positions::unpack(target);
        CHECK(back.at("w0") == std::vector<Xapian::termpos>{1});
        CHECK(back.at("w299") == std::vector<Xapian::termpos>{300});
    }
    SECTION("a malformed value throws revsearch::Error") {
        CHECK_THROWS_AS(positions::PackedDocument(std::string("\x07\x01\x01", 3)), Error);
        CHECK_THROWS_AS(positions::PackedDocument(std::string("\x02\x05\x01", 3)), Error);
        CHECK_THROWS_AS(positions::PackedDocument(std::string("\x11\x80", 2)), Error);  // cut varint
        CHECK_THROWS_AS(positions::PackedDocument(std::string("\x11\x02\x01\x02\x03", 5)), Error);  // cut table
    }
    SECTION("two terms at one position cannot be packed") {
        Xapian::Document source;
        source.add_posting("tea", 1);
        source.add_posting("garden", 1);
        Xapian::Document target;
        CHECK_THROWS_AS(positions::pack(source, target), Error);
    }
}

namespace {

/// Two different words with the same word_hash(), found by search.
std::pair<std::string, std::string> colliding_words() {
    std::unordered_map<std::uint32_t, std::string> seen;
    for (int i = 0;; ++i) {
        std::string word = "w" + std::to_string(i);
        const auto [it, fresh] = seen.emplace(positions::word_hash(word), word);
        if (!fresh) return {it->second, word};
    }
}

}  // namespace

TEST_CASE("phrases stay exact when words share a hash", "[query]") {
    const auto [x, y] = colliding_words();
    REQUIRE(x != y);
    REQUIRE(positions::word_hash(x) == positions::word_hash(y));
    INFO(x << " and " << y << " share a hash");
    Xapian::WritableDatabase packed(std::string(), Xapian::DB_BACKEND_INMEMORY);
    Xapian::WritableDatabase xapian(std::string(), Xapian::DB_BACKEND_INMEMORY);
    AnalyzerSettings none;
    none.language = "none";
    AnalyzerSettings none_xapian = none;
    none_xapian.packed_positions = false;
    indexer::DocumentBuilder with_packed(none);
    indexer::DocumentBuilder with_xapian(none_xapian);
    const std::vector<std::string> bodies = {x + " tea " + y, x + " tea", y + " tea", "tea " + x,
                                             "mind",           "tea " + y, "tea " + x};
    for (std::size_t i = 0; i < bodies.size(); ++i) {
        Review r;
        r.id = "r" + std::to_string(i);
        r.body = bodies[i];
        packed.add_document(with_packed.build(r));
        xapian.add_document(with_xapian.build(r));
    }
    packed.commit();
    xapian.commit();

    SECTION("a document holding both words is flagged, and the others are not") {
        CHECK(positions::PackedDocument(packed.get_document(1).get_value(schema::kPositionsSlot)).has_hash_collision());
        CHECK_FALSE(positions::PackedDocument(packed.get_document(2).get_value(schema::kPositionsSlot)).has_hash_collision());
    }
    SECTION("phrases of either word match what Xapian's positions match, by source and alone") {
        for (const auto& [first, second] : std::vector<std::pair<std::string, std::string>>{
                 {x, "tea"}, {y, "tea"}, {"tea", x}, {"tea", y}}) {
            const Xapian::Query phrase(Xapian::Query::OP_PHRASE, Xapian::Query(first), Xapian::Query(second));
            unsigned count = 0;
            CHECK(run(packed, rewrite_positional(phrase, count)) == run(xapian, phrase));
            auto* source = new query::PackedPhraseSource({{first}, {second}}, 2, true);
            auto alone = run(packed, Xapian::Query(source->release()));
            auto expected = run(xapian, phrase);
            std::sort(alone.begin(), alone.end());
            std::sort(expected.begin(), expected.end());
            REQUIRE(alone.size() == expected.size());
            for (std::size_t k = 0; k < alone.size(); ++k) CHECK(alone[k].first == expected[k].first);
        }
    }
    SECTION("a decider does not take a missing word for a present one that shares its hash") {
        // Document 2 holds "x tea"; the phrase "y tea" must not match it, nor "tea y" document 4.
        query::PackedPhraseDecider decider({query::PhraseChoice{query::PhraseSpec{{{y}, {"tea"}}, 2, true},
                                                               query::PhraseSpec{{{"Sno"}, {"Smatch"}}, 2, true}}},
                                           packed);
        CHECK_FALSE(decider(packed.get_document(2)));
        CHECK(decider(packed.get_document(3)));
        query::PackedPhraseDecider after({query::PhraseChoice{query::PhraseSpec{{{"tea"}, {y}}, 2, true},
                                                             query::PhraseSpec{{{"Sno"}, {"Smatch"}}, 2, true}}},
                                         packed);
        CHECK_FALSE(after(packed.get_document(4)));
        // Asked out of docid order (a sharded search takes one shard after another), it
        // reads the postings again: document 6 holds "tea y", after 7 moved past it.
        CHECK_FALSE(after(packed.get_document(7)));
        CHECK(after(packed.get_document(6)));
    }
}
