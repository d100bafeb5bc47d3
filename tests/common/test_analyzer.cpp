#include <xapian.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/analyzer.hpp"
#include "common/error.hpp"
#include "common/schema.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;

namespace {

AnalyzerSettings settings_for(const std::string& language, const std::string& stopwords = "") {
    AnalyzerSettings s;
    s.language = language;
    s.stopwords_name = stopwords;
    s.stopwords = load_stopwords(stopwords);
    return s;
}

std::vector<std::string> terms_of(const std::vector<Token>& tokens) {
    std::vector<std::string> terms;
    for (const auto& t : tokens) terms.push_back(t.term);
    return terms;
}

std::vector<std::string> tokenize_terms(const Analyzer& analyzer, std::string_view text,
                                        bool stem = true) {
    std::vector<Token> tokens;
    analyzer.tokenize(text, tokens, stem);
    return terms_of(tokens);
}

Xapian::WritableDatabase in_memory_db() {
    return Xapian::WritableDatabase(std::string(), Xapian::DB_BACKEND_INMEMORY);
}

// Indexes `text` as one document with a TermGenerator configured by `analyzer`.
Xapian::docid index_text(Xapian::WritableDatabase& db, const Analyzer& analyzer,
                         const std::string& text) {
    Xapian::TermGenerator generator;
    analyzer.configure(generator);
    Xapian::Document doc;
    generator.set_document(doc);
    generator.index_text(text);
    return db.add_document(doc);
}

std::vector<std::string> doc_terms(const Xapian::Database& db, Xapian::docid did) {
    std::vector<std::string> terms;
    for (auto t = db.termlist_begin(did); t != db.termlist_end(did); ++t) terms.push_back(*t);
    return terms;
}

// The docids matching `query_text` parsed by a QueryParser configured by `analyzer`.
std::vector<Xapian::docid> search(const Xapian::Database& db, const Analyzer& analyzer,
                                  const std::string& query_text) {
    Xapian::QueryParser parser;
    analyzer.configure(parser);
    parser.set_database(db);
    parser.set_default_op(Xapian::Query::OP_AND);
    const Xapian::Query query = parser.parse_query(query_text, Xapian::QueryParser::FLAG_DEFAULT);
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    std::vector<Xapian::docid> ids;
    const Xapian::MSet mset = enquire.get_mset(0, 100);
    for (auto m = mset.begin(); m != mset.end(); ++m) ids.push_back(*m);
    std::sort(ids.begin(), ids.end());
    return ids;
}

}  // namespace

TEST_CASE("the stemmer is Snowball's, from libstemmer, chosen by language", "[common]") {
    SECTION("english stems inflected words to their Snowball stems") {
        const Xapian::Stem stem = make_stemmer("english");
        CHECK(stem("running") == "run");
        CHECK(stem("cats") == "cat");
        CHECK(stem("connection") == "connect");
        CHECK(stem("happiness") == "happi");
        CHECK(stem("generously") == "generous");
        CHECK(stem.get_description().find("libstemmer:english") != std::string::npos);
    }
    SECTION("another language uses its own algorithm") {
        const Xapian::Stem stem = make_stemmer("german");
        CHECK(stem("h\xC3\xA4user") == "haus");  // häuser
    }
    SECTION("\"none\" leaves every word as it is") {
        const Xapian::Stem stem = make_stemmer("none");
        CHECK(stem("running") == "running");
        CHECK(stem("happiness") == "happiness");
    }
    SECTION("an unknown language throws UsageError naming it") {
        CHECK_THROWS_AS(make_stemmer("klingon"), UsageError);
        CHECK_THROWS_WITH(make_stemmer("klingon"), Catch::Contains("klingon"));
        CHECK_THROWS_AS(make_stemmer(""), UsageError);
        CHECK_THROWS_AS(Analyzer(settings_for("klingon")), UsageError);
    }
    SECTION("each call makes an independent stemmer") {
        const Xapian::Stem a = make_stemmer("english");
        const Xapian::Stem b = make_stemmer("english");
        CHECK(a("walking") == "walk");
        CHECK(b("walked") == "walk");
        CHECK(a("walks") == b("walks"));
    }
}

TEST_CASE("the available languages are sorted and include english and none", "[common]") {
    const std::vector<std::string> languages = available_languages();
    CHECK(std::is_sorted(languages.begin(), languages.end()));
    CHECK(std::count(languages.begin(), languages.end(), "english") == 1);
    CHECK(std::count(languages.begin(), languages.end(), "none") == 1);
    SECTION("every listed language can make a stemmer") {
        for (const auto& language : languages) {
            INFO(language);
            CHECK_NOTHROW(make_stemmer(language));
        }
    }
}

TEST_CASE("tokenizing finds words with their byte spans in UTF-8 text", "[common]") {
    const Analyzer analyzer(settings_for("english"));
    // "It<NBSP>wasn’t self-compassion — café" with a curly apostrophe and an em dash.
    const std::string text =
        "It\xC2\xA0wasn\xE2\x80\x99t self-compassion \xE2\x80\x94 caf\xC3\xA9.";
    std::vector<Token> tokens;
    analyzer.tokenize(text, tokens, false);

    SECTION("the words are found, lower-cased, with the curly apostrophe made straight") {
        CHECK(terms_of(tokens) ==
              std::vector<std::string>{"it", "wasn't", "self", "compassion", "caf\xC3\xA9"});
    }
    SECTION("each span covers exactly the word as written") {
        REQUIRE(tokens.size() == 5);
        const std::vector<std::string> surfaces = {"It", "wasn\xE2\x80\x99t", "self", "compassion",
                                                   "caf\xC3\xA9"};
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            INFO("token " << i);
            REQUIRE(tokens[i].begin <= tokens[i].end);
            REQUIRE(tokens[i].end <= text.size());
            CHECK(text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin) == surfaces[i]);
        }
        CHECK(tokens[0].begin == 0);
        CHECK(tokens[1].begin == 4);  // after the two-byte NBSP
        CHECK(tokens[1].end == 12);   // the apostrophe is three bytes
        CHECK(tokens[4].end == 38);   // é is two bytes
    }
    SECTION("a word at the very end of the text ends at the text's size") {
        std::vector<Token> end_tokens;
        analyzer.tokenize("ends with caf\xC3\xA9", end_tokens, false);
        REQUIRE_FALSE(end_tokens.empty());
        CHECK(end_tokens.back().end == std::string("ends with caf\xC3\xA9").size());
        CHECK(end_tokens.back().term == "caf\xC3\xA9");
    }
    SECTION("an apostrophe not followed by a letter ends the word and is not part of it") {
        const std::string s = "the therapists\xE2\x80\x99 notes 'quoted'";
        std::vector<Token> t;
        analyzer.tokenize(s, t, false);
        CHECK(terms_of(t) == std::vector<std::string>{"the", "therapists", "notes", "quoted"});
        REQUIRE(t.size() == 4);
        CHECK(s.substr(t[1].begin, t[1].end - t[1].begin) == "therapists");
        CHECK(s.substr(t[3].begin, t[3].end - t[3].begin) == "quoted");
    }
    SECTION("text without words gives no tokens") {
        std::vector<Token> none;
        analyzer.tokenize(" \xE2\x80\x94 ... \xC2\xA0 !!", none);
        CHECK(none.empty());
    }
    SECTION("tokens are appended to what the vector already holds") {
        std::vector<Token> more = {Token{0, 1, "existing"}};
        analyzer.tokenize("two words", more, false);
        CHECK(terms_of(more) == std::vector<std::string>{"existing", "two", "words"});
    }
}

TEST_CASE("a hyphenated compound is two words", "[common]") {
    const Analyzer analyzer(settings_for("english"));
    CHECK(tokenize_terms(analyzer, "self-compassion", false) ==
          std::vector<std::string>{"self", "compassion"});
    CHECK(tokenize_terms(analyzer, "Self-Compassion", false) ==
          std::vector<std::string>{"self", "compassion"});
}

TEST_CASE("tokenizing folds case and stems unless asked not to", "[common]") {
    const Analyzer analyzer(settings_for("english"));
    SECTION("upper-case letters are folded, including non-ASCII ones") {
        CHECK(tokenize_terms(analyzer,
                             "\xC3\x89"
                             "COLE STRESS",
                             false) == std::vector<std::string>{"\xC3\xA9"
                                                                "cole",
                                                                "stress"});
    }
    SECTION("with stemming the terms are the stems") {
        CHECK(tokenize_terms(analyzer, "Running Connections") ==
              std::vector<std::string>{"run", "connect"});
    }
    SECTION("without stemming the words are kept whole") {
        CHECK(tokenize_terms(analyzer, "Running Connections", false) ==
              std::vector<std::string>{"running", "connections"});
    }
    SECTION("term() analyses one word the way tokenize() does") {
        CHECK(analyzer.term("Running") == "run");
        CHECK(analyzer.term("MINDFULNESS") == tokenize_terms(analyzer, "mindfulness").at(0));
    }
}

TEST_CASE("term() gives the term the index holds, also for a curly apostrophe", "[common]") {
    const Analyzer analyzer(settings_for("english"));
    Xapian::WritableDatabase db = in_memory_db();
    const Xapian::docid did = index_text(db, analyzer, "don\xE2\x80\x99t");
    REQUIRE(doc_terms(db, did).size() == 1);
    CHECK(analyzer.term("don\xE2\x80\x99t") == doc_terms(db, did).front());
    CHECK(analyzer.term("don\xE2\x80\x99t") == analyzer.term("don't"));
}

TEST_CASE("stop words come from the shipped English list or from a file", "[common]") {
    SECTION("no name means no stop words") { CHECK(load_stopwords("").empty()); }
    SECTION("the English list has function words but keeps words that carry sentiment") {
        const auto english = load_stopwords("english");
        CHECK(std::is_sorted(english.begin(), english.end()));
        for (const char* w : {"the", "a", "and", "of", "is"}) {
            INFO(w);
            CHECK(std::binary_search(english.begin(), english.end(), w));
        }
        for (const char* w : {"not", "no", "against", "compassion"}) {
            INFO(w);
            CHECK_FALSE(std::binary_search(english.begin(), english.end(), w));
        }
    }
    SECTION("a file gives one word per line, lower-cased, without comments, sorted, unique") {
        test::TempDir dir;
        const std::string path = dir.write("stop.txt",
                                           "# my stop words\n"
                                           "The\n"
                                           "  and  \n"
                                           "\n"
                                           "over # a trailing comment\n"
                                           "and\n"
                                           "\xC3\x9C"
                                           "BER\r\n");  // ÜBER, with a CRLF ending
        CHECK(load_stopwords(path) == std::vector<std::string>{"and", "over", "the",
                                                               "\xC3\xBC"
                                                               "ber"});
    }
    SECTION("the fixture stop-word file loads") {
        const auto words =
            load_stopwords((test::fixtures_dir() / "unit" / "stopwords.txt").string());
        CHECK(words == std::vector<std::string>{"book", "chapter", "the"});
    }
    SECTION("a file that cannot be read throws UsageError naming it") {
        CHECK_THROWS_AS(load_stopwords("/nonexistent/stop-words.txt"), UsageError);
        CHECK_THROWS_WITH(load_stopwords("/nonexistent/stop-words.txt"),
                          Catch::Contains("/nonexistent/stop-words.txt"));
    }
    SECTION("an analyzer with stop words drops them when tokenizing") {
        const Analyzer analyzer(settings_for("english", "english"));
        CHECK(analyzer.is_stopword("the"));
        CHECK_FALSE(analyzer.is_stopword("not"));
        CHECK(tokenize_terms(analyzer, "The book is not bad", false) ==
              std::vector<std::string>{"book", "not", "bad"});
    }
    SECTION("with StopWords::Mark it keeps stop words, marked, with their spans") {
        const Analyzer analyzer(settings_for("english", "english"));
        std::vector<Token> words;
        analyzer.tokenize("Burned out, kind to yourself", words, false, StopWords::Mark);
        REQUIRE(words.size() == 5);
        CHECK(words[1].term == "out");
        CHECK(words[1].stop);
        CHECK(words[1].begin == 7);
        CHECK(words[3].term == "to");
        CHECK(words[3].stop);
        CHECK_FALSE(words[0].stop);
        CHECK_FALSE(words[2].stop);
        std::vector<Token> dropped;
        analyzer.tokenize("Burned out, kind to yourself", dropped, false);
        CHECK(dropped.size() == 3);  // burned, kind, yourself
        for (const Token& t : dropped) CHECK_FALSE(t.stop);
    }
    SECTION("an analyzer without stop words keeps every word") {
        const Analyzer analyzer(settings_for("english"));
        CHECK_FALSE(analyzer.is_stopword("the"));
        CHECK(tokenize_terms(analyzer, "The book is not bad", false).size() == 5);
    }
}

TEST_CASE("analyzer settings round-trip through JSON and the database metadata", "[common]") {
    const AnalyzerSettings custom = settings_for("french", "english");

    SECTION("to_json and from_json give back equal settings") {
        CHECK(AnalyzerSettings::from_json(custom.to_json()) == custom);
        CHECK(AnalyzerSettings::from_json(AnalyzerSettings{}.to_json()) == AnalyzerSettings{});
        AnalyzerSettings xapian_positions;
        xapian_positions.packed_positions = false;
        CHECK(AnalyzerSettings::from_json(xapian_positions.to_json()) == xapian_positions);
    }
    SECTION("settings written before positions were packed mean Xapian's positions") {
        CHECK_FALSE(AnalyzerSettings::from_json("{\"language\": \"english\"}").packed_positions);
        CHECK_THROWS_AS(AnalyzerSettings::from_json("{\"language\": \"english\", \"positions\": \"zip\"}"),
                        Error);
    }
    SECTION("malformed settings throw revsearch::Error") {
        CHECK_THROWS_AS(AnalyzerSettings::from_json("not json"), Error);
        CHECK_THROWS_AS(AnalyzerSettings::from_json("{}"), Error);
        CHECK_THROWS_AS(AnalyzerSettings::from_json("{\"language\": 5}"), Error);
        CHECK_THROWS_AS(AnalyzerSettings::from_json("[\"english\"]"), Error);
        CHECK_THROWS_AS(
            AnalyzerSettings::from_json("{\"language\": \"english\", \"stopwords\": \"the\"}"),
            Error);
    }
    SECTION("settings stored in an in-memory database's metadata are read back") {
        Xapian::WritableDatabase db = in_memory_db();
        db.set_metadata(std::string(schema::kMetaAnalyzer), custom.to_json());
        db.commit();
        CHECK(AnalyzerSettings::from_database(db) == custom);
    }
    SECTION("a database without recorded settings gets the defaults") {
        Xapian::WritableDatabase db = in_memory_db();
        const AnalyzerSettings settings = AnalyzerSettings::from_database(db);
        AnalyzerSettings expected;
        expected.packed_positions = false;  // another tool's index has Xapian's positions
        expected.range_terms = false;       // and no range terms
        expected.title_in_default = false;  // and its titles, if any, in a field of their own
        CHECK(settings == expected);
        CHECK(AnalyzerSettings{}.title_in_default);  // while revsearch's own indexes have it
        CHECK(settings.language == "english");
        CHECK(settings.stopwords.empty());
    }
    SECTION("a database with garbage recorded throws revsearch::Error") {
        Xapian::WritableDatabase db = in_memory_db();
        db.set_metadata(std::string(schema::kMetaAnalyzer), "{garbage");
        CHECK_THROWS_AS(AnalyzerSettings::from_database(db), Error);
    }
}

TEST_CASE("index-time and query-time analysis give the same terms for the same word", "[common]") {
    const std::vector<std::string> words = {"Mindfulness",
                                            "Traumatized",
                                            "running",
                                            "caf\xC3\xA9",
                                            "don\xE2\x80\x99t",
                                            "compassionate",
                                            "\xC3\x89"
                                            "MOTIONS"};
    for (const std::string backend : {"in-memory", "glass"}) {
        for (const std::string language : {"english", "none"}) {
            for (const std::string stopwords : {"", "english"}) {
                DYNAMIC_SECTION("on the " << backend << " backend with language " << language
                                          << " and stop words '" << stopwords << "'") {
                    const Analyzer analyzer(settings_for(language, stopwords));
                    test::TempDir dir;
                    auto open = [&](const std::string& name) {
                        return backend == "glass"
                                   ? Xapian::WritableDatabase(
                                         dir.file(name),
                                         Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS)
                                   : in_memory_db();
                    };
                    Xapian::WritableDatabase db = open("words");
                    std::vector<Xapian::docid> ids;
                    for (const auto& w : words) ids.push_back(index_text(db, analyzer, w));
                    db.commit();
                    for (std::size_t i = 0; i < words.size(); ++i) {
                        INFO("word: " << words[i]);
                        CHECK(doc_terms(db, ids[i]) == tokenize_terms(analyzer, words[i]));
                        CHECK_FALSE(doc_terms(db, ids[i]).empty());
                        CHECK(search(db, analyzer, words[i]) == std::vector<Xapian::docid>{ids[i]});
                    }

                    // A hyphenated compound matches as a phrase and as written.
                    Xapian::WritableDatabase phrases = open("phrases");
                    const Xapian::docid compound =
                        index_text(phrases, analyzer, "she practised self-compassion daily");
                    const Xapian::docid apart =
                        index_text(phrases, analyzer, "compassion for the self");
                    phrases.commit();
                    CHECK(search(phrases, analyzer, "self-compassion") ==
                          std::vector<Xapian::docid>{compound});
                    CHECK(search(phrases, analyzer, "\"self compassion\"") ==
                          std::vector<Xapian::docid>{compound});
                    CHECK(search(phrases, analyzer, "Self-Compassion") ==
                          std::vector<Xapian::docid>{compound});
                    CHECK(search(phrases, analyzer, "self compassion") ==
                          std::vector<Xapian::docid>{compound, apart});
                }
            }
        }
    }
}

TEST_CASE("tokenize() gives the terms the TermGenerator indexes for ordinary prose", "[common]") {
    const std::string prose =
        "The therapists\xE2\x80\x99 notes weren\xE2\x80\x99t kind: self-compassion, "
        "MINDFULNESS and caf\xC3\xA9 conversations\xC2\xA0helped \xE2\x80\x94 twice in 2016.";
    for (const std::string stopwords : {"", "english"}) {
        DYNAMIC_SECTION("with stop words '" << stopwords << "'") {
            const Analyzer analyzer(settings_for("english", stopwords));
            Xapian::WritableDatabase db = in_memory_db();
            const Xapian::docid did = index_text(db, analyzer, prose);
            std::vector<std::string> expected = tokenize_terms(analyzer, prose);
            std::sort(expected.begin(), expected.end());
            expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
            CHECK(doc_terms(db, did) == expected);
        }
    }
}

namespace {

/// The terms Xapian's TermGenerator makes of `text` with the analyzer's settings, in position
/// order, with "<gap>" wherever a position is skipped (tokenize() has no gaps).
std::vector<std::string> term_generator_terms(const Analyzer& analyzer, const std::string& text) {
    Xapian::TermGenerator generator;
    analyzer.configure(generator);
    Xapian::Document doc;
    generator.set_document(doc);
    generator.index_text(text);
    std::map<Xapian::termpos, std::string> by_position;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
        for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) by_position[*p] = *t;
    }
    std::vector<std::string> terms;
    Xapian::termpos expected = 1;
    for (const auto& [position, term] : by_position) {
        if (position != expected) terms.emplace_back("<gap>");
        terms.push_back(term);
        expected = position + 1;
    }
    return terms;
}

/// Each token's span, split on its own, gives back exactly that token.
bool spans_hold_their_words(const Analyzer& analyzer, const std::string& text, const std::vector<Token>& tokens) {
    for (const Token& t : tokens) {
        if (t.begin >= t.end || t.end > text.size()) return false;
        std::vector<Token> alone;
        analyzer.tokenize(text.substr(t.begin, t.end - t.begin), alone, false);
        if (alone.size() != 1 || alone[0].term != t.term || alone[0].begin != 0 || alone[0].end != t.end - t.begin) {
            return false;
        }
    }
    return true;
}

}  // namespace

TEST_CASE("tokenize() gives exactly the words of Xapian's TermGenerator", "[common][regression]") {
    // The indexer builds documents from tokenize()'s words instead of running a TermGenerator
    // (issue 5), so the two must never differ: random text is split both ways.
    for (const std::string stopwords : {"", "english"}) {
        const Analyzer analyzer(settings_for("english", stopwords));
        const std::vector<std::string> pieces = {
            "word", "Word", "WORDS", "the", "a", "x", "A", "U", "S", "42", "7", "3.14", "1,000", "snake_case",
            " ", "  ", "\t", "\n", ".", ",", ";", "!", "?", "-", "--", "'", "''", "'s", "don't", "rock'n'roll",
            "\"", "(", ")", "<br />", "&", "&amp;", "AT&T", "#", "+", "++", "C++", "c#", "@", "\x7f", "\x01",
            "U.S.A.", "P.T.O", "M&S",
            "caf\xC3\xA9", "\xC3\x89MOTIONS", "na\xC3\xAFve", "\xE2\x80\x99", "\xE2\x80\x9B",  // é, É, ï, ’, ‛
            "it\xE2\x80\x99s", "\xE2\x80\x94", "\xE2\x80\xA6",                                  // it's — …
            "\xC2\xB7", "\xD7\xB4", "\xE2\x80\xA7", "\xCD\xBE", "\xE2\x81\x84", "\xD9\xA3",  // · ״ ‧ ; ⁄ ٣
            "\xE2\x80\x8B", "\xE2\x80\x8D", "\xE2\x81\xA0", "\xEF\xBB\xBF",                  // zero-width
            "\xE6\x97\xA5\xE6\x9C\xAC",                                                       // 日本
            "e\xCC\x81", "\xF0\x9F\x98\x80",  // e + combining acute, an emoji
            "\xE9", "\xC3", "\xE2\x80", "\xFF\xFE", "\xC0\xAF", "\xED\xA0\x80",  // invalid UTF-8
            std::string(63, 'q'), std::string(64, 'q'), std::string(65, 'q'),
        };
        std::uint64_t state = 20240501;
        const auto next = [&]() {
            state += 0x9E3779B97F4A7C15ull;
            std::uint64_t z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            return z ^ (z >> 31);
        };
        INFO("stop words: '" << stopwords << "'");
        SECTION("on random mixes of ASCII, joiners, suffixes, other scripts and invalid bytes") {
            for (int round = 0; round < 20000; ++round) {
                std::string text;
                const std::size_t n = next() % 24;
                for (std::size_t i = 0; i < n; ++i) text += pieces[next() % pieces.size()];
                std::vector<Token> stems;
                analyzer.tokenize(text, stems, true);
                INFO("text: " << text);
                REQUIRE(terms_of(stems) == term_generator_terms(analyzer, text));
                std::vector<Token> words;
                analyzer.tokenize(text, words, false);
                REQUIRE(words.size() == stems.size());
                REQUIRE(spans_hold_their_words(analyzer, text, words));
            }
        }
        SECTION("on every single byte, and every pair of bytes inside and between words") {
            for (unsigned a = 0; a < 256; ++a) {
                const std::string one(1, static_cast<char>(a));
                std::vector<Token> stems;
                analyzer.tokenize(one, stems, true);
                REQUIRE(terms_of(stems) == term_generator_terms(analyzer, one));
                for (unsigned b = 0; b < 256; ++b) {
                    for (const std::string& around : {std::string("ab"), std::string("A"), std::string("12")}) {
                        const std::string two = around + one + static_cast<char>(b) + around;
                        stems.clear();
                        analyzer.tokenize(two, stems, true);
                        INFO("text: " << two);
                        REQUIRE(terms_of(stems) == term_generator_terms(analyzer, two));
                    }
                }
            }
        }
    }
}

TEST_CASE("tokenize() keeps initials, joined words and suffixes as TermGenerator does", "[common]") {
    const Analyzer analyzer(settings_for("english"));
    SECTION("initials with dots are one word, unless a letter follows them") {
        CHECK(tokenize_terms(analyzer, "the U.S.A. and P.T.O", false) ==
              std::vector<std::string>{"the", "usa", "and", "pto"});
        CHECK(tokenize_terms(analyzer, "U.S.Army", false) == std::vector<std::string>{"u", "s", "army"});
    }
    SECTION("an apostrophe, '&' or a middle dot between letters joins them; '.' or ',' between digits") {
        CHECK(tokenize_terms(analyzer, "AT&T l\xC2\xB7l rock\xE2\x80\x99n 3.14 1,000.5 3.x", false) ==
              std::vector<std::string>{"at&t", "l\xC2\xB7l", "rock'n", "3.14", "1,000.5", "3", "x"});
    }
    SECTION("up to three '+' or '#' end a word, but not when a word follows them") {
        CHECK(tokenize_terms(analyzer, "C++ C# g++++ fish+chips", false) ==
              std::vector<std::string>{"c++", "c#", "g", "fish", "chips"});
    }
    SECTION("a zero-width space inside a word is left out, and a word over 64 bytes is not a word") {
        CHECK(tokenize_terms(analyzer, "self\xE2\x80\x8B" "care " + std::string(65, 'z') + " ok", false) ==
              std::vector<std::string>{"selfcare", "ok"});
    }
}
