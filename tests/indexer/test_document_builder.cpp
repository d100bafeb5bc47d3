#include "indexer/document_builder.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>
#include <xapian.h>

#include "common/analyzer.hpp"
#include "common/error.hpp"
#include "common/packed_positions.hpp"
#include "common/review.hpp"
#include "common/schema.hpp"
#include "tests/support/document_support.hpp"

using namespace revsearch;
using revsearch::indexer::DocumentBuilder;
using revsearch::indexer::SpellingCounts;
namespace s = revsearch::schema;

namespace {

/// Every term of a document with its positions (empty for boolean terms): Xapian's own, or
/// those packed into the document's value when it has one.
std::map<std::string, std::vector<Xapian::termpos>> terms_of(const Xapian::Document& doc) {
    const auto packed = positions::unpack(doc);
    std::map<std::string, std::vector<Xapian::termpos>> terms;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
        std::vector<Xapian::termpos>& positions = terms[*t];
        for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) {
            positions.push_back(*p);
        }
        if (const auto it = packed.find(*t); it != packed.end()) {
            REQUIRE(positions.empty());  // never both
            positions = it->second;
        }
    }
    return terms;
}

/// The wdf of `term` in `doc`, 0 when it is absent.
Xapian::termcount doc_wdf(const Xapian::Document& doc, const std::string& term) {
    auto t = doc.termlist_begin();
    t.skip_to(term);
    return t != doc.termlist_end() && *t == term ? t.get_wdf() : 0;
}

std::vector<std::string> with_prefix(const std::map<std::string, std::vector<Xapian::termpos>>& terms,
                                     const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& [term, positions] : terms) {
        if (term.compare(0, prefix.size(), prefix) != 0 || term.size() == prefix.size()) continue;
        // "X" alone would also take "XA", "XC" and "XP" terms; callers pass whole prefixes.
        const char next = term[prefix.size()];
        if (next >= 'A' && next <= 'Z') continue;
        out.push_back(term.substr(prefix.size()));
    }
    return out;
}

Review sample_review() {
    Review r;
    r.id = "Kettle-Review-7";
    r.title = "Walking Gardens of Tea";
    r.reviewer = "Mira   Okafor";
    r.date = "2016-05";
    r.rating = 4.5;
    r.rating_scale = 5;
    r.topics = {"Compassion  Fatigue", "tea rituals"};
    r.category = "Kitchen  Goods";
    r.product = "copper kettle";
    r.body = "Gardening books walked me through brewing.";
    r.source = "reviews.jsonl:3";
    r.url = "https://example.org/reviews/7";
    r.extra = {{"helpful_votes", "12"}};
    return r;
}

}  // namespace

TEST_CASE("a built document holds the schema's text terms with positions", "[indexer]") {
    AnalyzerSettings settings;
    settings.packed_positions = GENERATE(true, false);
    INFO((settings.packed_positions ? "packed positions" : "Xapian's positions"));
    DocumentBuilder builder{settings};
    const Xapian::Document doc = builder.build(sample_review());
    const auto terms = terms_of(doc);

    SECTION("body words are stemmed, unprefixed, and carry their positions in order") {
        REQUIRE(terms.count("garden") == 1);
        REQUIRE(terms.count("book") == 1);
        REQUIRE(terms.count("walk") == 1);
        REQUIRE(terms.count("brew") == 1);
        CHECK(terms.at("garden") == std::vector<Xapian::termpos>{1});
        CHECK(terms.at("book") == std::vector<Xapian::termpos>{2});
        // "walked" in the body and nothing else unprefixed: one position.
        CHECK(terms.at("walk") == std::vector<Xapian::termpos>{3});
        CHECK(terms.count("Gardening") == 0);
        CHECK(terms.count("gardening") == 0);
    }
    SECTION("title words get the S prefix, are stemmed, and carry positions") {
        const auto title = with_prefix(terms, "S");
        CHECK(std::find(title.begin(), title.end(), "walk") != title.end());
        CHECK(std::find(title.begin(), title.end(), "garden") != title.end());
        CHECK(std::find(title.begin(), title.end(), "tea") != title.end());
        REQUIRE(terms.count("Swalk") == 1);
        REQUIRE(terms.count("Sgarden") == 1);
        REQUIRE(terms.at("Swalk").size() == 1);
        REQUIRE(terms.at("Sgarden").size() == 1);
        // Title words are adjacent in the title ("Walking Gardens"), so phrases can match.
        CHECK(terms.at("Sgarden")[0] == terms.at("Swalk")[0] + 1);
    }
    SECTION("title words are also unprefixed default-field terms, without positions") {
        // Omega's layout, the default since issue 18: "tea" is only in the title, and its
        // unprefixed term has the title's wdf and no position, so no phrase can run from the
        // title into the body.
        REQUIRE(terms.count("tea") == 1);
        CHECK(terms.at("tea").empty());
        CHECK(doc_wdf(doc, "tea") == 1);
        // "Walking" in the title and "walked" in the body: two occurrences, the body's placed.
        CHECK(doc_wdf(doc, "walk") == 2);
        CHECK(terms.at("walk") == std::vector<Xapian::termpos>{3});
    }
    SECTION("with the separate title layout, title words are under S only") {
        AnalyzerSettings separate = settings;
        separate.title_in_default = false;
        DocumentBuilder separate_builder{separate};
        const Xapian::Document old_layout = separate_builder.build(sample_review());
        const auto old_terms = terms_of(old_layout);
        CHECK(old_terms.count("Stea") == 1);
        CHECK(old_terms.count("tea") == 0);
        CHECK(doc_wdf(old_layout, "walk") == 1);
    }
    SECTION("reviewer words get the A prefix and the product words the XP prefix") {
        CHECK(terms.count("Amira") == 1);
        CHECK(terms.count("Aokafor") == 1);
        CHECK(terms.count("XPcopper") == 1);
        CHECK(terms.count("XPkettl") == 1);
        CHECK_FALSE(terms.at("Amira").empty());
    }
    SECTION("hyphenated words are indexed as adjacent words") {
        Review r = sample_review();
        r.body = "Real self-compassion matters.";
        const auto t = terms_of(builder.build(r));
        REQUIRE(t.count("self") == 1);
        REQUIRE(t.count("compass") == 1);
        CHECK(t.at("compass")[0] == t.at("self")[0] + 1);
    }
}

TEST_CASE("positions go either into one packed value or into Xapian's position lists", "[indexer]") {
    AnalyzerSettings settings;
    auto xapian_positions = [](const Xapian::Document& doc) {
        Xapian::termcount n = 0;
        for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) n += t.positionlist_count();
        return n;
    };
    SECTION("a packed document has no position lists, and its value holds every word") {
        const Xapian::Document doc = DocumentBuilder{settings}.build(sample_review());
        CHECK(xapian_positions(doc) == 0);
        REQUIRE_FALSE(doc.get_value(s::kPositionsSlot).empty());
        // Body 6 words, title 4, reviewer 2, product 2.
        std::size_t words = 0;
        for (const auto& [term, where] : positions::unpack(doc)) words += where.size();
        CHECK(words == 14);
    }
    SECTION("with Xapian's positions the document has position lists and no packed value") {
        settings.packed_positions = false;
        const Xapian::Document doc = DocumentBuilder{settings}.build(sample_review());
        CHECK(xapian_positions(doc) == 14);
        CHECK(doc.get_value(s::kPositionsSlot).empty());
    }
    SECTION("a review without any words has no packed value") {
        Review r;
        r.id = "empty";
        const Xapian::Document doc = DocumentBuilder{settings}.build(r);
        CHECK(doc.get_value(s::kPositionsSlot).empty());
        CHECK(positions::unpack(doc).empty());
    }
}

TEST_CASE("a built document holds normalised boolean terms for filters", "[indexer]") {
    DocumentBuilder builder{AnalyzerSettings{}};
    const auto terms = terms_of(builder.build(sample_review()));

    SECTION("the reviewer's whole name is an exact XA term, case-folded with spaces collapsed") {
        REQUIRE(terms.count("XAmira okafor") == 1);
        CHECK(terms.at("XAmira okafor").empty());
    }
    SECTION("each topic is a K term, case-folded with spaces collapsed") {
        CHECK(terms.count("Kcompassion fatigue") == 1);
        CHECK(terms.count("Ktea rituals") == 1);
        CHECK(terms.count("KCompassion  Fatigue") == 0);
    }
    SECTION("the category is an XC term, normalised") {
        CHECK(terms.count("XCkitchen goods") == 1);
    }
    SECTION("the id is a Q term that keeps its case") {
        CHECK(terms.count("QKettle-Review-7") == 1);
        CHECK(terms.count("Qkettle-review-7") == 0);
        CHECK(terms.at("QKettle-Review-7").empty());
    }
    SECTION("the boolean terms are exactly the ones the schema helpers make") {
        CHECK(terms.count(s::boolean_term(s::kTopicPrefix, "COMPASSION FATIGUE")) == 1);
        CHECK(terms.count(s::id_term("Kettle-Review-7")) == 1);
        CHECK(terms.count(s::boolean_term(s::kReviewerExactPrefix, " mira okafor ")) == 1);
    }
}

TEST_CASE("a built document fills the schema's value slots", "[indexer]") {
    DocumentBuilder builder{AnalyzerSettings{}};

    SECTION("a partial date gets the 8-digit sort key and the year") {
        const Xapian::Document doc = builder.build(sample_review());
        CHECK(doc.get_value(s::kDateSlot) == "20160500");
        CHECK(doc.get_value(s::kYearSlot) == "2016");
    }
    SECTION("a full date gets its own sort key") {
        Review r = sample_review();
        r.date = "2019-03-14";
        const Xapian::Document doc = builder.build(r);
        CHECK(doc.get_value(s::kDateSlot) == "20190314");
        CHECK(doc.get_value(s::kYearSlot) == "2019");
    }
    SECTION("the rating is stored sortably and reads back") {
        const Xapian::Document doc = builder.build(sample_review());
        CHECK(doc.get_value(s::kRatingSlot) == Xapian::sortable_serialise(4.5));
        CHECK(s::rating_from_value(doc.get_value(s::kRatingSlot)) == 4.5);
        // Sortable: a lower rating sorts before a higher one byte-wise.
        Review low = sample_review();
        low.rating = 2;
        CHECK(builder.build(low).get_value(s::kRatingSlot) < doc.get_value(s::kRatingSlot));
    }
    SECTION("reviewer, category and id slots hold the displayed values") {
        const Xapian::Document doc = builder.build(sample_review());
        CHECK(doc.get_value(s::kReviewerSlot) == "Mira Okafor");
        CHECK(doc.get_value(s::kCategorySlot) == "Kitchen Goods");
        CHECK(doc.get_value(s::kIdSlot) == "Kettle-Review-7");
    }
    SECTION("absent fields leave their slots and terms empty") {
        Review r;
        r.id = "bare";
        r.body = "Only words here.";
        const Xapian::Document doc = builder.build(r);
        CHECK(doc.get_value(s::kDateSlot).empty());
        CHECK(doc.get_value(s::kYearSlot).empty());
        CHECK(doc.get_value(s::kRatingSlot).empty());
        CHECK(doc.get_value(s::kReviewerSlot).empty());
        CHECK(doc.get_value(s::kCategorySlot).empty());
        CHECK(doc.get_value(s::kIdSlot) == "bare");
        const auto terms = terms_of(doc);
        CHECK(with_prefix(terms, "A").empty());
        CHECK(with_prefix(terms, "XA").empty());
        CHECK(with_prefix(terms, "XC").empty());
        CHECK(with_prefix(terms, "K").empty());
        CHECK(with_prefix(terms, "S").empty());
    }
}

TEST_CASE("a built document stores the whole review as JSON", "[indexer]") {
    DocumentBuilder builder{AnalyzerSettings{}};
    const Review original = sample_review();
    const Xapian::Document doc = builder.build(original);

    SECTION("the data is a JSON object with the review's fields") {
        const auto j = nlohmann::json::parse(doc.get_data());
        REQUIRE(j.is_object());
        CHECK(j.at("id") == "Kettle-Review-7");
        CHECK(j.at("title") == "Walking Gardens of Tea");
        CHECK(j.at("body") == "Gardening books walked me through brewing.");
        CHECK(j.at("rating") == 4.5);
        CHECK(j.at("topics").size() == 2);
    }
    SECTION("the stored review reads back equal to the one built") {
        const Review back = from_stored_json(doc.get_data());
        CHECK(back.id == original.id);
        CHECK(back.title == original.title);
        CHECK(back.reviewer == original.reviewer);
        CHECK(back.date == original.date);
        CHECK(back.rating == original.rating);
        CHECK(back.rating_scale == original.rating_scale);
        CHECK(back.topics == original.topics);
        CHECK(back.category == original.category);
        CHECK(back.product == original.product);
        CHECK(back.body == original.body);
        CHECK(back.source == original.source);
        CHECK(back.url == original.url);
        CHECK(back.extra == original.extra);
    }
}

TEST_CASE("one builder makes independent documents", "[indexer]") {
    DocumentBuilder builder{AnalyzerSettings{}};
    Review first = sample_review();
    first.body = "Alpha beta gamma delta epsilon.";
    Review second = sample_review();
    second.id = "other";
    second.title = "Short";
    second.reviewer.clear();
    second.product.clear();
    second.topics.clear();
    second.body = "Zeta eta.";
    (void)builder.build(first);
    const auto terms = terms_of(builder.build(second));

    SECTION("the second document's positions start again at 1") {
        REQUIRE(terms.count("zeta") == 1);
        CHECK(terms.at("zeta") == std::vector<Xapian::termpos>{1});
        CHECK(terms.at("eta") == std::vector<Xapian::termpos>{2});
    }
    SECTION("the second document holds none of the first document's terms") {
        CHECK(terms.count("alpha") == 0);
        CHECK(terms.count("Amira") == 0);
        CHECK(terms.count("Kcompassion fatigue") == 0);
        CHECK(terms.count("QKettle-Review-7") == 0);
        CHECK(terms.count("Qother") == 1);
    }
}

TEST_CASE("stop words are left out of a document when the analyzer names them", "[indexer]") {
    AnalyzerSettings settings;
    settings.stopwords_name = "english";
    settings.stopwords = load_stopwords("english");
    DocumentBuilder builder{settings};
    Review r;
    r.id = "stop";
    r.body = "The garden and the hill";
    const auto terms = terms_of(builder.build(r));
    CHECK(terms.count("the") == 0);
    CHECK(terms.count("and") == 0);
    CHECK(terms.count("garden") == 1);
    CHECK(terms.count("hill") == 1);
    SECTION(
        "the split keeps them, marked, for the topic tagger, and the document still leaves them "
        "out") {
        indexer::ReviewWords words;
        builder.split(r, words);
        REQUIRE(words.text.size() == 5);
        CHECK(words.text[0].stop);
        CHECK_FALSE(words.text[1].stop);
        const auto from_split = terms_of(builder.build(r, words));
        CHECK(from_split == terms);
    }
}

TEST_CASE("a builder refuses an unknown language", "[indexer]") {
    AnalyzerSettings settings;
    settings.language = "klingon";
    CHECK_THROWS_AS(DocumentBuilder{settings}, UsageError);
}

namespace {

/// A random review text from pieces that exercise every rule of the word splitter.
class TextMaker {
public:
    std::string text(std::size_t max_pieces) {
        static const std::vector<std::string> pieces = {
            "word", "Words", "WALKING", "the", "and", "of", "a", "I", "x", "42", "3.14", "1,000",
            " ", " ", " ", "  ", "\n", ".", ",", "!", "-", "'", "don't", "\xE2\x80\x99s", "AT&T",
            "C++", "c#", "fish+chips", "U.S.A.", "P.T.O", "self\xE2\x80\x8B" "care", "caf\xC3\xA9",
            "\xC3\x89MOTIONS", "\xE6\x97\xA5\xE6\x9C\xAC", "\xF0\x9F\x98\x80", "\xFF", "\xC3",
            "running", "runs", "ran", "connection", "connected", "gardens", "garden", "mindfulness",
            std::string(70, 'z'), "snake_case", "<br />", "&amp;", "\t",
        };
        std::string out;
        const std::size_t n = next() % (max_pieces + 1);
        for (std::size_t i = 0; i < n; ++i) out += pieces[next() % pieces.size()];
        return out;
    }

private:
    std::uint64_t next() {
        state_ += 0x9E3779B97F4A7C15ull;  // SplitMix64
        std::uint64_t z = state_;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::uint64_t state_ = 20261203;
};

AnalyzerSettings analyzer_settings(const std::string& language, const std::string& stopwords, bool packed) {
    AnalyzerSettings settings;
    settings.language = language;
    settings.stopwords_name = stopwords;
    settings.stopwords = load_stopwords(stopwords);
    settings.packed_positions = packed;
    return settings;
}

}  // namespace

TEST_CASE("a built document is exactly the one Xapian's TermGenerator makes", "[indexer][regression]") {
    // Issue 5: the builder makes the text terms from the analyzer's words and a stem cache
    // instead of running a TermGenerator; every term, wdf, position and value must agree.
    struct Setup {
        std::string language, stopwords;
        bool packed;
    };
    const Setup setup = GENERATE(values({Setup{"english", "english", true}, Setup{"english", "", false},
                                         Setup{"none", "english", true}, Setup{"french", "", true}}));
    INFO("language " << setup.language << ", stop words '" << setup.stopwords << "', "
                     << (setup.packed ? "packed" : "xapian") << " positions");
    DocumentBuilder builder(analyzer_settings(setup.language, setup.stopwords, setup.packed));
    SECTION("for a sample review") {
        const Review r = sample_review();
        CHECK(test::describe_document(builder.build(r)) ==
              test::describe_document(builder.build_with_term_generator(r)));
    }
    SECTION("for random reviews, one builder after another") {
        TextMaker maker;
        for (int i = 0; i < 3000; ++i) {
            Review r = sample_review();
            r.id = "random-" + std::to_string(i);
            r.body = maker.text(60);
            r.title = maker.text(6);
            r.reviewer = maker.text(3);
            r.product = maker.text(4);
            INFO("body: " << r.body << "\ntitle: " << r.title << "\nreviewer: " << r.reviewer
                          << "\nproduct: " << r.product);
            REQUIRE(test::describe_document(builder.build(r)) ==
                    test::describe_document(builder.build_with_term_generator(r)));
        }
    }
    SECTION("for a review with no text at all") {
        Review r;
        r.id = "empty";
        CHECK(test::describe_document(builder.build(r)) ==
              test::describe_document(builder.build_with_term_generator(r)));
    }
}

TEST_CASE("documents stay the same when the builder's stem cache starts again", "[indexer]") {
    DocumentBuilder builder(analyzer_settings("english", "english", true));
    // More distinct words than the cache holds (2^18), so it is emptied between documents.
    Review huge;
    huge.id = "huge";
    for (std::uint32_t i = 0; i < 300000; ++i) {
        std::string word;
        for (std::uint32_t v = i; ; v /= 26) {
            word += static_cast<char>('a' + v % 26);
            if (v < 26) break;
        }
        huge.body += word;
        huge.body += ' ';
    }
    Review small = sample_review();
    const std::string before = test::describe_document(builder.build(small));
    CHECK(test::describe_document(builder.build(huge)) ==
          test::describe_document(builder.build_with_term_generator(huge)));
    CHECK(test::describe_document(builder.build(small)) == before);
    CHECK(test::describe_document(builder.build(small)) ==
          test::describe_document(builder.build_with_term_generator(small)));
}

TEST_CASE("a builder counts the title and body words that make spelling suggestions", "[indexer]") {
    DocumentBuilder builder(analyzer_settings("english", "english", true));
    builder.count_spelling(true);
    Review r = sample_review();
    r.title = "Gardens and gardens";
    r.body = "Gardens, tea: the gardens of 2016 teach C++ and caf\xC3\xA9 caf\xC3\xA9 " + std::string(30, 'w');
    r.reviewer = "Gardens Okafor";
    r.product = "garden teapot";
    (void)builder.build(r);
    SpellingCounts counts;
    builder.take_spelling(counts);

    SECTION("each word is counted as often as the title and body hold it, stop words not at all") {
        CHECK(counts == SpellingCounts{{"gardens", 4}, {"tea", 1}, {"teach", 1}, {"caf\xC3\xA9", 2}});
    }
    SECTION("taking the counts starts them again from zero") {
        SpellingCounts again;
        builder.take_spelling(again);
        CHECK(again.empty());
        (void)builder.build(r);
        builder.take_spelling(again);
        CHECK(again == counts);
    }
    SECTION("counts survive the stem cache starting again") {
        Review huge;
        huge.id = "huge";
        for (std::uint32_t i = 0; i < 300000; ++i) huge.body += "zz" + std::to_string(i) + " ";
        huge.body += "gardens";
        (void)builder.build(r);
        (void)builder.build(huge);  // the cache is now full: the next build empties it
        (void)builder.build(r);
        SpellingCounts after;
        builder.take_spelling(after);
        CHECK(after.at("gardens") == 9);
        CHECK(after.at("tea") == 2);
        CHECK(after.count("zz1") == 0);  // a number in it: not a suggestion
    }
    SECTION("without counting, nothing is counted") {
        builder.count_spelling(false);
        (void)builder.build(r);
        SpellingCounts none;
        builder.take_spelling(none);
        CHECK(none.empty());
    }
}
