// Issue 17, point 3: Snowball stems "compassion" to "compass" and "mindfulness" to "mind".
// Stem overrides fix some words' stems before Snowball sees them; these tests hold every
// path that stems to them, and an index built without them to its old behaviour.
#include <xapian.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "common/analyzer.hpp"
#include "common/error.hpp"
#include "common/schema.hpp"
#include "common/stem_overrides.hpp"
#include "common/text.hpp"
#include "indexer/document_builder.hpp"
#include "query/highlighter.hpp"
#include "query/query_builder.hpp"
#include "query/searcher.hpp"
#include "tests/support/document_support.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;

namespace {

AnalyzerSettings english(const std::string& overrides) {
    AnalyzerSettings s;
    s.language = "english";
    s.stopwords_name = "english";
    s.stopwords = load_stopwords("english");
    s.stem_overrides = load_stem_overrides(overrides, "english", s.stem_overrides_name);
    return s;
}

/// The ids of the documents a QueryParser configured by `analyzer` finds for `text`.
std::vector<std::string> parsed_matches(const Xapian::Database& db, const Analyzer& analyzer,
                                        const std::string& text) {
    Xapian::QueryParser parser;
    analyzer.configure(parser);
    parser.set_database(db);
    Xapian::Enquire enquire(db);
    enquire.set_query(parser.parse_query(text));
    std::vector<std::string> ids;
    const Xapian::MSet mset = enquire.get_mset(0, 100);
    for (auto m = mset.begin(); m != mset.end(); ++m) ids.push_back(m.get_document().get_data());
    std::sort(ids.begin(), ids.end());
    return ids;
}

/// An in-memory database of short texts indexed by a TermGenerator configured by `analyzer`;
/// each document's data is its id.
Xapian::WritableDatabase generated(const Analyzer& analyzer,
                                   const std::vector<std::pair<std::string, std::string>>& docs) {
    Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
    Xapian::TermGenerator generator;
    analyzer.configure(generator);
    for (const auto& [id, text] : docs) {
        Xapian::Document doc;
        generator.set_document(doc);
        generator.index_text(text);
        doc.set_data(id);
        db.add_document(doc);
    }
    return db;
}

const std::vector<std::pair<std::string, std::string>> kTexts = {
    {"care", "Compassion fatigue wore the nurses down."},
    {"kind", "A compassionate doctor listened."},
    {"ethics", "He kept a moral compass through the war."},
    {"practice", "Mindfulness practice, done mindfully."},
    {"thought", "Her mind wandered while she read."},
};

}  // namespace

TEST_CASE("stem overrides keep compassion apart from compass on every path that stems",
          "[common][regression]") {
    const Analyzer with(english("english"));
    const Analyzer without(english("none"));

    SECTION(
        "the stemmer gives overridden words their own stem and leaves other words to Snowball") {
        CHECK(with.term("compassion") == "compassion");
        CHECK(with.term("Compassionate") == "compassion");
        CHECK(with.term("compass") == "compass");
        CHECK(with.term("mindfulness") == "mindful");
        CHECK(with.term("mind") == "mind");
        CHECK(with.term("walking") == "walk");
        CHECK(with.stemmer().get_description().find("overrides") != std::string::npos);
    }
    SECTION("without overrides Snowball's own stems stand, collisions included") {
        CHECK(without.term("compassion") == "compass");
        CHECK(without.term("mindfulness") == "mind");
    }
    SECTION("the tokenizer stems with the overrides") {
        std::vector<Token> tokens;
        with.tokenize("Compassion and a compass.", tokens);
        REQUIRE(tokens.size() == 2);
        CHECK(tokens[0].term == "compassion");
        CHECK(tokens[1].term == "compass");
    }
    SECTION("TermGenerator and QueryParser agree: compassion finds compassionate and not compass") {
        const Xapian::WritableDatabase db = generated(with, kTexts);
        CHECK(parsed_matches(db, with, "compassion") == std::vector<std::string>{"care", "kind"});
        CHECK(parsed_matches(db, with, "compassionate") ==
              std::vector<std::string>{"care", "kind"});
        CHECK(parsed_matches(db, with, "compass") == std::vector<std::string>{"ethics"});
        CHECK(parsed_matches(db, with, "mindfulness") == std::vector<std::string>{"practice"});
        CHECK(parsed_matches(db, with, "mind") == std::vector<std::string>{"thought"});
    }
    SECTION("without overrides the same texts collide, which is what the overrides fix") {
        const Xapian::WritableDatabase db = generated(without, kTexts);
        CHECK(parsed_matches(db, without, "compass") == std::vector<std::string>{"care", "ethics"});
        CHECK(parsed_matches(db, without, "mind") ==
              std::vector<std::string>{"practice", "thought"});
    }
    SECTION("the document builder's stem cache writes the TermGenerator's terms") {
        indexer::DocumentBuilder builder(with.settings());
        Review r;
        r.id = "r1";
        r.title = "Mindful compassion";
        r.body = "Compassion and a compass; mindfulness of mind. Compassion again.";
        const Xapian::Document doc = builder.build(r);
        CHECK(test::describe_document(doc) ==
              test::describe_document(builder.build_with_term_generator(r)));
        std::vector<std::string> terms;
        for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) terms.push_back(*t);
        for (const char* term :
             {"compassion", "compass", "mindful", "mind", "Scompassion", "Smindful"}) {
            CHECK(std::count(terms.begin(), terms.end(), term) == 1);
        }
        CHECK(std::count(terms.begin(), terms.end(), "Scompass") == 0);
        CHECK(std::count(terms.begin(), terms.end(), "Smind") == 0);
    }
    SECTION("the highlighter marks compassion and compassionate but not compass") {
        const Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
        query::QueryBuilder builder(with, db);
        const query::Highlighter h(with,
                                   query::highlight_terms(builder.parse("compassion fatigue")));
        CHECK(query::render(h.snippet("Compassionate care, a moral compass, and fatigue.", 240),
                            query::Highlight::Plain) ==
              "[Compassionate] care, a moral compass, and [fatigue].");
        const query::Highlighter m(with, query::highlight_terms(builder.parse("mindfulness")));
        CHECK(query::render(m.snippet("Mindful breathing calms the mind.", 240),
                            query::Highlight::Plain) == "[Mindful] breathing calms the mind.");
    }
}

TEST_CASE("every built-in English override separates words that Snowball alone joins", "[common]") {
    // Each group exists because Porter2 gives one of its words the stem of the unrelated word it
    // names; with the overrides every word of the group gets the group's stem and that word not.
    const Analyzer with(english("english"));
    const Xapian::Stem snowball = make_stemmer("english");
    std::size_t words = 0;
    for (const StemOverrideGroup& group : kEnglishStemOverrides) {
        INFO("group " << group.stem << " apart from " << group.apart_from);
        bool collided = false;
        for (const std::string& word : text::split(group.words, ' ')) {
            CHECK(with.term(word) == group.stem);
            collided = collided || snowball(word) == snowball(std::string(group.apart_from));
            ++words;
        }
        CHECK(collided);
        CHECK(with.term(std::string(group.apart_from)) != group.stem);
        CHECK(with.term(std::string(group.apart_from)) == snowball(std::string(group.apart_from)));
    }
    CHECK(with.settings().stem_overrides.size() == words);
    SECTION("no word is in two groups") {
        std::vector<std::string> all;
        for (const StemOverrideGroup& group : kEnglishStemOverrides) {
            for (const std::string& w : text::split(group.words, ' ')) all.push_back(w);
        }
        std::sort(all.begin(), all.end());
        CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());
    }
}

TEST_CASE("the default overrides are revsearch's list for English and none for other languages",
          "[common]") {
    std::string name;
    CHECK(load_stem_overrides("default", "english", name).count("compassion") == 1);
    CHECK(name == "english");
    CHECK(load_stem_overrides("default", "german", name).empty());
    CHECK(name.empty());
    CHECK(load_stem_overrides("none", "english", name).empty());
    CHECK(name.empty());
    SECTION("overrides with language none are a usage error, since nothing is stemmed") {
        CHECK_THROWS_AS(make_stemmer("none", {{"compassion", "compassion"}}), UsageError);
        CHECK_NOTHROW(make_stemmer("none", {}));
    }
}

TEST_CASE("a stem-override file replaces the list, in Lucene's word and stem form", "[common]") {
    test::TempDir dir;
    std::string name;

    SECTION(
        "WORD STEM fixes a stem, a lone WORD keeps the word, and comments and case are ignored") {
        const std::string path = dir.write("overrides.txt",
                                           "# our own list\n"
                                           "Running\trunner   # odd on purpose\n"
                                           "\n"
                                           "compassion\n");
        const auto overrides = load_stem_overrides(path, "english", name);
        CHECK(name == path);
        CHECK(overrides == std::map<std::string, std::string>{{"compassion", "compassion"},
                                                              {"running", "runner"}});
        AnalyzerSettings s = english("none");
        s.stem_overrides = overrides;
        s.stem_overrides_name = name;
        const Analyzer a(s);
        CHECK(a.term("running") == "runner");
        CHECK(a.term("runs") == "run");
        CHECK(a.term("compassion") == "compassion");
        // The file replaces the built-in list rather than adding to it.
        CHECK(a.term("mindfulness") == "mind");
    }
    SECTION("a line of three words is refused with the file and line") {
        const std::string path = dir.write("bad.txt", "compassion compassion\na b c\n");
        CHECK_THROWS_AS(load_stem_overrides(path, "english", name), UsageError);
        CHECK_THROWS_WITH(load_stem_overrides(path, "english", name),
                          Catch::Contains("bad.txt:2:"));
    }
    SECTION("a word the analyzer would split is refused, since it could never match") {
        const std::string path = dir.write("split.txt", "self-compassion kindness\n");
        CHECK_THROWS_WITH(load_stem_overrides(path, "english", name),
                          Catch::Contains("split.txt:1:") && Catch::Contains("not one word"));
    }
    SECTION("a file that cannot be read is a usage error naming it") {
        CHECK_THROWS_WITH(load_stem_overrides(dir.file("absent.txt"), "english", name),
                          Catch::Contains("absent.txt"));
    }
}

TEST_CASE(
    "stem overrides are stored with the analyzer settings and an index without them keeps "
    "Snowball's stems",
    "[common]") {
    SECTION("the settings round-trip through the metadata form") {
        const AnalyzerSettings s = english("english");
        const AnalyzerSettings back = AnalyzerSettings::from_json(s.to_json());
        CHECK(back == s);
        CHECK(back.stem_overrides_name == "english");
        CHECK(back.stem_overrides.at("mindfulness") == "mindful");
    }
    SECTION("settings written before overrides existed read as none") {
        const AnalyzerSettings old = AnalyzerSettings::from_json(
            R"({"language":"english","stopwords_name":"english","stopwords":["the"],"positions":"packed",)"
            R"("range_terms":true,"schema":1})");
        CHECK(old.stem_overrides.empty());
        CHECK(Analyzer(old).term("compassion") == "compass");
    }
    SECTION("settings without overrides are written as an older revsearch wrote them") {
        const std::string json = english("none").to_json();
        CHECK(json.find("stem_overrides") == std::string::npos);
    }
    SECTION(
        "a searcher over an index built without overrides finds compass for compassion, as "
        "before") {
        test::TempDir dir;
        const std::string path = dir.file("old");
        {
            Xapian::WritableDatabase db(path, Xapian::DB_CREATE);
            const AnalyzerSettings old = english("none");
            indexer::DocumentBuilder builder(old);
            for (const auto& [id, text] : kTexts) {
                Review r;
                r.id = id;
                r.body = text;
                db.add_document(builder.build(r));
            }
            db.set_metadata(std::string(schema::kMetaAnalyzer), old.to_json());
            db.set_metadata(std::string(schema::kMetaSchema),
                            std::to_string(schema::kSchemaVersion));
            db.commit();
        }
        query::Searcher searcher(path);
        CHECK(searcher.analyzer().settings().stem_overrides.empty());
        query::SearchRequest r;
        r.query = "compassion";
        std::vector<std::string> ids;
        for (const query::Hit& h : searcher.search(r).hits) ids.push_back(h.review.id);
        std::sort(ids.begin(), ids.end());
        CHECK(ids == std::vector<std::string>{"care", "ethics"});
    }
}
