// The readers of the real corpora's own formats (Amazon 2018 JSON lines, Blitzer's .review,
// TREC, SMART, CSV/TSV, one-review-per-file text), format detection, path templates, side files
// and the walker that reads them plain, compressed or archived. The fixtures in
// tests/fixtures/formats/ are invented records in the real formats' shapes.

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "common/text.hpp"
#include "corpus/archive.hpp"
#include "corpus/csv_reader.hpp"
#include "corpus/inputs.hpp"
#include "corpus/path_template.hpp"
#include "corpus/reader.hpp"
#include "corpus/side_files.hpp"
#include "corpus/text_reader.hpp"
#include "corpus/walker.hpp"
#include "tests/support/corpus_support.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::corpus;
using namespace std::string_literals;

namespace fs = std::filesystem;

namespace {

using revsearch::test::CollectingSink;
using revsearch::test::make_info;

// Collects what the walker says besides records.
class CollectingObserver : public WalkObserver {
  public:
    void on_skipped(const std::string& display, const std::string& reason) override {
        skipped.emplace_back(display, reason);
    }
    void on_read(const std::string& display, Format format, std::uint64_t) override {
        read.emplace_back(display, format);
    }

    std::vector<std::pair<std::string, std::string>> skipped;
    std::vector<std::pair<std::string, Format>> read;
};

fs::path fixture(const std::string& name) { return test::fixtures_dir() / "formats" / name; }

std::string fixture_text(const std::string& name) { return test::read_file(fixture(name)); }

CollectingSink read_as(Reader& reader, const std::string& content, const InputInfo& info) {
    CollectingSink sink;
    std::istringstream in(content);
    reader.read(in, info, sink);
    return sink;
}

CollectingSink read_as(Format format, const std::string& content, const InputInfo& info) {
    const auto reader = make_reader(format);
    return read_as(*reader, content, info);
}

const Review* find_id(const std::vector<Review>& reviews, const std::string& id) {
    for (const Review& r : reviews) {
        if (r.id == id) return &r;
    }
    return nullptr;
}

std::vector<std::string> ids_of(const std::vector<Review>& reviews) {
    std::vector<std::string> ids;
    for (const Review& r : reviews) ids.push_back(r.id);
    return ids;
}

bool has_extra(const Review& r, const std::string& key) {
    return std::any_of(r.extra.begin(), r.extra.end(),
                       [&](const auto& kv) { return kv.first == key; });
}

// Runs a shell command line and requires it to succeed.
void shell(const std::string& command) {
    const test::ProcessResult r = test::run_process({"/bin/sh", "-c", command});
    INFO(command << "\n" << r.err);
    REQUIRE(r.exit_code == 0);
}

std::string sh_quote(const fs::path& p) { return "'" + p.string() + "'"; }

struct WalkResult {
    CollectingSink sink;
    CollectingObserver observer;
};

// Expands `path` as the indexer does and walks every file it stands for.
WalkResult walk_all(const std::string& path, WalkOptions options = {}) {
    std::vector<InputProblem> problems;
    const std::vector<InputFile> files = expand_inputs({path}, problems);
    REQUIRE(problems.empty());
    Walker walker(std::move(options));
    WalkResult out;
    for (const InputFile& f : files) walker.walk(f, out.sink, out.observer);
    return out;
}

// One Blitzer record, tag lines as the real files have them.
std::string blitzer_record(const std::string& id, const std::string& title, const std::string& body,
                           const std::string& rating = "4.0") {
    return "<review>\n<unique_id>\n" + id + "\n</unique_id>\n<rating>\n" + rating +
           "\n</rating>\n<title>\n" + title + "\n</title>\n<review_text>\n" + body +
           "\n</review_text>\n</review>\n";
}

// The text members of the textdir fixture, urls file last, so a one-pass reader would read
// the reviews before their lookup table.
const char* const kTextdirMembersUrlsLast =
    "textdir/aclImdb-like/train/pos/3_8.txt textdir/aclImdb-like/train/pos/0_10.txt "
    "textdir/Jane+Doe/books/17.txt textdir/aclImdb-like/train/urls_pos.txt";

const std::string kUrl3 = "http://www.imdb.com/title/tt9900003/usercomments";
const std::string kUrl0 = "http://www.imdb.com/title/tt9900000/usercomments";

}  // namespace

// ---------------------------------------------------------------- Amazon 2018

TEST_CASE("Amazon 2018 review lines are read field by field", "[corpus]") {
    const InputInfo info = make_info("data/sample.amazon.jsonl", "sample.amazon.jsonl");
    const CollectingSink sink = read_as(Format::Amazon, fixture_text("sample.amazon.jsonl"), info);
    REQUIRE(sink.rejects.empty());
    REQUIRE(sink.reviews.size() == 3);
    const Review& first = sink.reviews[0];

    SECTION("reviewerName, summary, overall, unixReviewTime, asin and reviewText fill the review") {
        CHECK(first.reviewer == "Marta Quill");
        CHECK(first.title == "Quick and quiet");
        REQUIRE(first.rating.has_value());
        CHECK(*first.rating == 4.0);
        REQUIRE(first.rating_scale.has_value());
        CHECK(*first.rating_scale == 5.0);
        CHECK(first.date == "2017-03-07");
        CHECK(first.product == "B0TESTKTL1");
        CHECK(first.body == "Boils a full pot in about four minutes and the handle stays cool.");
    }
    SECTION("keys with no review field are kept in extra, structured values as JSON") {
        CHECK(first.extra_value("verified") == "true");
        CHECK(first.extra_value("reviewerID") == "AZX1TESTER01");
        CHECK(first.extra_value("style") == R"({"Color:":" Slate Grey","Size:":" 1.7 L"})");
        CHECK(first.extra_value("vote") == "3");
        CHECK(sink.reviews[2].extra_value("image") ==
              R"(["https://images.example.com/kettle-side.jpg"])");
    }
    SECTION("keys that became review fields are not repeated in extra") {
        for (const char* key : {"asin", "overall", "summary", "reviewText", "reviewerName",
                                "unixReviewTime", "reviewTime"}) {
            INFO(key);
            CHECK_FALSE(has_extra(first, key));
        }
    }
    SECTION("a record without reviewText is kept, with its summary as the only text") {
        const Review& r = sink.reviews[1];
        CHECK(r.body.empty());
        CHECK(r.title == "Flickers after a week");
        CHECK(r.extra_value("verified") == "false");
    }
    SECTION("ids are the relative path and line, and sources the displayed path and line") {
        CHECK(ids_of(sink.reviews) == std::vector<std::string>{"sample.amazon.jsonl:1",
                                                               "sample.amazon.jsonl:2",
                                                               "sample.amazon.jsonl:4"});
        CHECK(sink.reviews[2].source == "data/sample.amazon.jsonl:4");
    }
    SECTION("without unixReviewTime the date comes from reviewTime, written MM D, YYYY") {
        CHECK(sink.reviews[2].date == "2018-06-30");
    }
    SECTION("a null reviewerName is an absent reviewer") {
        CHECK(sink.reviews[2].reviewer.empty());
        CHECK_FALSE(has_extra(sink.reviews[2], "reviewerName"));
    }
}

TEST_CASE("an Amazon reviewTime that names no real day leaves the date empty", "[corpus]") {
    const CollectingSink sink = read_as(
        Format::Amazon,
        R"({"overall": 3.0, "asin": "B0X", "summary": "Odd date", "reviewTime": "13 45, 2016"})"
        "\n",
        make_info("x.json", "x.json"));
    REQUIRE(sink.reviews.size() == 1);
    CHECK(sink.reviews[0].date.empty());
}

TEST_CASE("Amazon lines that cannot be reviews are rejected with the reason and their line",
          "[corpus]") {
    const std::string good =
        R"({"overall": 5.0, "asin": "B0GOOD", "reviewerID": "AGOOD", "summary": "Fine"})";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {R"({"overall": 5.0, "asin": "B0CUT", "summary": "cut in ha)", "malformed JSON"},
        {R"({"overall": 5.0, "asin": "B0BIG", "summary": "Far", "unixReviewTime": 1E488844800})",
         "malformed JSON: a number out of range"},
        {R"([1, 2, 3])", "not a JSON object"},
        {R"({"overall": "five", "asin": "B0X", "summary": "Words"})",
         "wrong type for 'overall': expected number, got string"},
        {R"({"overall": 3.0, "asin": "B0X", "reviewText": 42})",
         "wrong type for 'reviewText': expected string, got number"},
        {"{\"overall\": 3.0, \"asin\": \"B0X\", \"summary\": \"bad \xC3\x28\x01\x02\x03 bytes\"}",
         "binary data, not text in any encoding"},
        {R"({"overall": 3.0, "asin": "B0X", "reviewerID": "A1", "summary": "  "})",
         "nothing to index (no title and no body)"},
        {R"({"overall": 3.0, "asin": "B0X", "summary": "Deep", "style": )" +
             std::string(5000, '[') + std::string(5000, ']') + "}",
         "JSON nested deeper than 64 levels"},
    };
    for (const auto& [line, reason] : cases) {
        DYNAMIC_SECTION("a line like " << line << " is rejected as: " << reason) {
            const CollectingSink sink =
                read_as(Format::Amazon, good + "\n" + line + "\n" + good + "\n",
                        make_info("in/x.json", "x.json"));
            REQUIRE(sink.reviews.size() == 2);
            REQUIRE(sink.rejects.size() == 1);
            CHECK(sink.rejects[0].reason == reason);
            CHECK(sink.rejects[0].source == "in/x.json:2");
            CHECK_FALSE(sink.rejects[0].raw.empty());
            CHECK(text::is_valid_utf8(sink.rejects[0].raw));
            CHECK(sink.reviews[1].id == "x.json:3");
        }
    }
}

// ---------------------------------------------------------------- Blitzer .review

TEST_CASE("Blitzer .review records are read tag by tag", "[corpus]") {
    const InputInfo info = make_info("sorted/books/sample.review", "books/sample.review");
    const CollectingSink sink = read_as(Format::Review, fixture_text("sample.review"), info);
    REQUIRE(sink.rejects.empty());
    REQUIRE(sink.reviews.size() == 3);
    const Review& book = sink.reviews[0];
    const Review& nozzle = sink.reviews[1];
    const Review& guide = sink.reviews[2];

    SECTION("unique_id is the id and the source is the line of <review>") {
        CHECK(ids_of(sink.reviews) ==
              std::vector<std::string>{"B0TESTBK01:a_quiet_triumph:lena_park",
                                       "B0TESTHS02:drips_a_little:ray",
                                       "B0TESTBK03:useful_primer:sam_o"});
        CHECK(book.source == "sorted/books/sample.review:1");
        CHECK(nozzle.source == "sorted/books/sample.review:39");
        CHECK(guide.source == "sorted/books/sample.review:73");
    }
    SECTION("title, reviewer, rating on a scale of 5 and a date like July 1, 2006 are read") {
        CHECK(book.title == "A quiet triumph");
        CHECK(book.reviewer == "Lena Park");
        REQUIRE(book.rating.has_value());
        CHECK(*book.rating == 5.0);
        REQUIRE(book.rating_scale.has_value());
        CHECK(*book.rating_scale == 5.0);
        CHECK(book.date == "2006-07-01");
        CHECK(nozzle.date == "2005-03-14");
    }
    SECTION("a product_name 'Title: Category: Author' gives product, category and author") {
        CHECK(book.product == "The Lantern Keeper");
        CHECK(book.category == "Books");
        CHECK(book.extra_value("author") == "Ada Whitlow");
    }
    SECTION("a product_name 'Title: Category' gives product and category and no author") {
        CHECK(nozzle.product == "Brass Garden Hose Nozzle");
        CHECK(nozzle.category == "Kitchen & Housewares");
        CHECK_FALSE(has_extra(nozzle, "author"));
    }
    SECTION("a title that contains ': ' is kept whole") {
        CHECK(guide.product == "Mindful Eating: A Beginner's Guide");
        CHECK(guide.category == "Books");
        CHECK(guide.extra_value("author") == "Rosa Delgado");
    }
    SECTION(
        "asin, product_type, helpful and reviewer_location go to extra, empty ones are left out") {
        CHECK(book.extra_value("asin") == "B0TESTBK01");
        CHECK(book.extra_value("product_type") == "books");
        CHECK(book.extra_value("helpful") == "7 of 9");
        CHECK(book.extra_value("reviewer_location") == "Portland, OR");
        CHECK(nozzle.extra_value("product_type") == "kitchen_&_housewares");
        CHECK_FALSE(has_extra(nozzle, "reviewer_location"));
    }
    SECTION("raw & and < stay in the body, and a blank line separates its paragraphs") {
        CHECK(book.body ==
              "Whitlow writes about grief & memory the way Q&A columns never can: plainly. "
              "Anything < five stars would be unfair.\n\n"
              "By the end I was glad I had stayed with it.");
        CHECK(nozzle.body == "The seal leaks after a month.");
    }
}

TEST_CASE("a <data> wrapper around .review records is passed over", "[corpus]") {
    const CollectingSink sink = read_as(Format::Review, fixture_text("sample-wrapped.review"),
                                        make_info("w.review", "w.review"));
    REQUIRE(sink.rejects.empty());
    REQUIRE(sink.reviews.size() == 2);
    CHECK(sink.reviews[0].id == "B0TESTDV04:worth_a_rewatch:kit");
    CHECK(sink.reviews[0].source == "w.review:2");
    CHECK(sink.reviews[0].product == "Harbour Lights");
    CHECK(sink.reviews[0].category == "DVD");
    CHECK(sink.reviews[0].extra_value("author") == "Mara Venn,Tom Aske");
    CHECK(sink.reviews[1].source == "w.review:36");
    CHECK(sink.reviews[1].product == "Long Winter");
    CHECK(sink.reviews[1].category == "DVD");
}

TEST_CASE("damaged .review records are rejected with the reason and the line of their <review>",
          "[corpus]") {
    const InputInfo info = make_info("d.review", "d.review");
    const std::string good = blitzer_record("good-1", "Good", "Fine text.");  // 14 lines

    SECTION("a record cut off by the end of the input is an unterminated record") {
        const CollectingSink sink =
            read_as(Format::Review,
                    good +
                        "<review>\n<unique_id>\ncut\n</unique_id>\n<title>\n"
                        "Half a record\n",
                    info);
        REQUIRE(sink.reviews.size() == 1);
        REQUIRE(sink.rejects.size() == 1);
        CHECK(sink.rejects[0].reason == "unterminated record");
        CHECK(sink.rejects[0].source == "d.review:15");
        CHECK_THAT(sink.rejects[0].raw, Catch::Contains("Half a record"));
    }
    SECTION(
        "a record followed by another <review> before </review> is unterminated, and the "
        "next one is still read") {
        const CollectingSink sink =
            read_as(Format::Review, "<review>\n<unique_id>\nlost\n</unique_id>\n" + good, info);
        REQUIRE(sink.rejects.size() == 1);
        CHECK(sink.rejects[0].reason == "unterminated record");
        CHECK(sink.rejects[0].source == "d.review:1");
        REQUIRE(sink.reviews.size() == 1);
        CHECK(sink.reviews[0].id == "good-1");
        CHECK(sink.reviews[0].source == "d.review:5");
    }
    SECTION("a rating that is not a number is rejected") {
        const CollectingSink sink =
            read_as(Format::Review, good + blitzer_record("r2", "T", "B", "five stars"), info);
        REQUIRE(sink.rejects.size() == 1);
        CHECK(sink.rejects[0].reason == "rating is not a number");
        CHECK(sink.rejects[0].source == "d.review:15");
    }
    SECTION("a record in windows-1252 is decoded, and the UTF-8 record before it is not touched") {
        const CollectingSink sink = read_as(Format::Review,
                                            blitzer_record("u1", "Caf\xC3\xA9", "cr\xC3\xA8me") +
                                                blitzer_record("w2", "Caf\xE9 \x96 bar",
                                                               "\x93"
                                                               "Fine\x94 \xA9 2006"),
                                            info);
        REQUIRE(sink.rejects.empty());
        REQUIRE(sink.reviews.size() == 2);
        CHECK(sink.reviews[0].title == "Caf\xC3\xA9");
        CHECK(sink.reviews[0].source_encoding.empty());
        CHECK(sink.reviews[1].title == "Caf\xC3\xA9 \xE2\x80\x93 bar");
        CHECK(sink.reviews[1].body ==
              "\xE2\x80\x9C"
              "Fine\xE2\x80\x9D \xC2\xA9 2006");
        CHECK(sink.reviews[1].source_encoding == "windows-1252");
    }
    SECTION("binary data in a record is rejected") {
        const CollectingSink sink = read_as(
            Format::Review, good + blitzer_record("r2", "T", "bad \xFF\x01\x02\x00 bytes"s), info);
        REQUIRE(sink.rejects.size() == 1);
        CHECK(sink.rejects[0].reason == "binary data, not text in any encoding");
        CHECK(sink.rejects[0].source == "d.review:15");
        CHECK(text::is_valid_utf8(sink.rejects[0].raw));
    }
    SECTION("a record with no title and no review_text has nothing to index") {
        const CollectingSink sink =
            read_as(Format::Review, good + blitzer_record("r2", "  ", "\n  \n"), info);
        REQUIRE(sink.reviews.size() == 1);
        REQUIRE(sink.rejects.size() == 1);
        CHECK(sink.rejects[0].reason == "nothing to index (no title and no body)");
        CHECK(sink.rejects[0].source == "d.review:15");
    }
    SECTION("a record without unique_id gets the file and line as id") {
        const CollectingSink sink = read_as(
            Format::Review, good + "<review>\n<title>\nNo id here\n</title>\n</review>\n", info);
        REQUIRE(sink.reviews.size() == 2);
        CHECK(sink.reviews[1].id == "d.review:15");
    }
}

// ---------------------------------------------------------------- TREC

TEST_CASE("TREC documents are read with DOCNO as id, TITLE or HEAD as title and TEXT as body",
          "[corpus]") {
    const CollectingSink sink = read_as(Format::Trec, fixture_text("sample.trec"),
                                        make_info("npl/sample.trec", "sample.trec"));
    REQUIRE(sink.rejects.empty());
    REQUIRE(sink.reviews.size() == 4);

    SECTION("a document with TITLE and TEXT gives both, tags stripped and entities decoded") {
        const Review& r = sink.reviews[0];
        CHECK(r.id == "TST-001");
        CHECK(r.title == "Tidal currents in narrow estuaries");
        CHECK(r.body == "measurements of tidal range & flow were taken at three sites");
        CHECK(r.source == "npl/sample.trec:1");
    }
    SECTION("a document without TITLE or TEXT has all its other text as body") {
        const Review& r = sink.reviews[1];
        CHECK(r.id == "TST-002");
        CHECK(r.title.empty());
        CHECK(r.body == "a record with no title whose whole text is the body");
        CHECK(r.source == "npl/sample.trec:9");
    }
    SECTION("lower-case tags are read and HEAD stands in for TITLE") {
        const Review& r = sink.reviews[2];
        CHECK(r.id == "TST-003");
        CHECK(r.title == "Lower-case tags and a HEAD line");
        CHECK(r.body == "salt wedge intrusion during neap tides");
        CHECK(r.source == "npl/sample.trec:10");
    }
    SECTION("an empty document with a DOCNO is kept, since test collections count it") {
        const Review& r = sink.reviews[3];
        CHECK(r.id == "TST-004");
        CHECK(r.title.empty());
        CHECK(r.body.empty());
        CHECK(r.source == "npl/sample.trec:15");
    }
}

TEST_CASE("TREC input that cannot be documents is rejected with the reason and line", "[corpus]") {
    const InputInfo info = make_info("t.trec", "t.trec");
    const std::string good = "<DOC>\n<DOCNO>1</DOCNO>\nsome text\n</DOC>\n";

    SECTION("a document cut off by the end of the input is an unterminated record") {
        const CollectingSink sink =
            read_as(Format::Trec, good + "<DOC>\n<DOCNO>2</DOCNO>\nthe rest is mis", info);
        REQUIRE(sink.reviews.size() == 1);
        REQUIRE(sink.rejects.size() == 1);
        CHECK(sink.rejects[0].reason == "unterminated record");
        CHECK(sink.rejects[0].source == "t.trec:5");
    }
    SECTION("a document in windows-1252 is decoded") {
        const CollectingSink sink =
            read_as(Format::Trec, good + "<DOC><DOCNO>2</DOCNO> caf\xE9 \xA9 </DOC>\n", info);
        REQUIRE(sink.rejects.empty());
        REQUIRE(sink.reviews.size() == 2);
        CHECK(sink.reviews[1].body == "caf\xC3\xA9 \xC2\xA9");
        CHECK(sink.reviews[1].source_encoding == "windows-1252");
        CHECK(sink.reviews[0].source_encoding.empty());
    }
    SECTION("binary data in a document is rejected") {
        const CollectingSink sink = read_as(
            Format::Trec, good + "<DOC><DOCNO>2</DOCNO> caf\xE9\x00\x01\x02 </DOC>\n"s, info);
        REQUIRE(sink.rejects.size() == 1);
        CHECK(sink.rejects[0].reason == "binary data, not text in any encoding");
        CHECK(sink.rejects[0].source == "t.trec:5");
    }
    SECTION("a document with neither DOCNO nor text has nothing to index") {
        const CollectingSink sink = read_as(Format::Trec, good + "<DOC>\n  \n</DOC>\n", info);
        REQUIRE(sink.rejects.size() == 1);
        CHECK(sink.rejects[0].reason == "nothing to index (no title and no body)");
        CHECK(sink.rejects[0].source == "t.trec:5");
    }
    SECTION("entities in a title are decoded as in the body") {
        const CollectingSink sink = read_as(
            Format::Trec,
            "<DOC><DOCNO>5</DOCNO><TITLE>R&amp;D in &quot;tides&quot;</TITLE></DOC>\n", info);
        REQUIRE(sink.reviews.size() == 1);
        CHECK(sink.reviews[0].title == "R&D in \"tides\"");
    }
    SECTION("a document with an empty DOCNO gets the file and line as id, not an empty one") {
        const CollectingSink sink =
            read_as(Format::Trec, good + "<DOC><DOCNO>  </DOCNO> some words </DOC>\n", info);
        REQUIRE(sink.reviews.size() == 2);
        CHECK(sink.reviews[1].id == "t.trec:5");
    }
    SECTION("a document without DOCNO gets the file and line as id") {
        const CollectingSink sink =
            read_as(Format::Trec, good + "<DOC> orphan text </DOC>\n", info);
        REQUIRE(sink.reviews.size() == 2);
        CHECK(sink.reviews[1].id == "t.trec:5");
    }
}

// ---------------------------------------------------------------- SMART

TEST_CASE("SMART documents with CRLF line endings are read field by field", "[corpus]") {
    const std::string content = fixture_text("sample.smart");
    REQUIRE(content.find("\r\n") != std::string::npos);  // the fixture must keep its CRLFs
    const CollectingSink sink =
        read_as(Format::Smart, content, make_info("cacm/sample.smart", "sample.smart"));
    REQUIRE(sink.rejects.empty());
    REQUIRE(sink.reviews.size() == 3);
    const Review& r = sink.reviews[0];

    SECTION(".I is the id, .T the title and .W the body, lines joined without carriage returns") {
        CHECK(r.id == "1");
        CHECK(r.title == "Adaptive sampling of tide gauge records");
        CHECK(r.body ==
              "a method is described for choosing sampling intervals from the record itself.");
        CHECK(r.source == "cacm/sample.smart:1");
    }
    SECTION("the .A authors are the reviewer, joined by semicolons") {
        CHECK(r.reviewer == "Okafor, N. B.; Lindqvist,E.");
    }
    SECTION(".B is kept as source and gives the month and year it names") {
        CHECK(r.extra_value("source") == "CACM December, 1958");
        CHECK(r.date == "1958-12");
    }
    SECTION("a .B with only a year gives the year") {
        CHECK(sink.reviews[2].extra_value("source") == "j. hydr. eng. 31, 1961, 77.");
        CHECK(sink.reviews[2].date == "1961");
        CHECK(sink.reviews[2].title == "Wave loads on piles");
        CHECK(sink.reviews[2].source == "cacm/sample.smart:24");
    }
    SECTION("other fields go to extra under their lower-case letter, one line per line") {
        CHECK(r.extra_value("n") == "XX581201 JB March 3, 1978  9:15 AM");
        CHECK(r.extra_value("x") == "2\t5\t1\n7\t5\t1");
    }
    SECTION("nothing keeps a carriage return") {
        for (const Review& each : sink.reviews) {
            CHECK(each.title.find('\r') == std::string::npos);
            CHECK(each.body.find('\r') == std::string::npos);
            for (const auto& [k, v] : each.extra) CHECK(v.find('\r') == std::string::npos);
        }
    }
    SECTION("a document with only .I and empty fields is kept, with no text and no extra") {
        const Review& empty = sink.reviews[1];
        CHECK(empty.id == "2");
        CHECK(empty.title.empty());
        CHECK(empty.body.empty());
        CHECK(empty.reviewer.empty());
        CHECK(empty.extra.empty());
        CHECK(empty.source == "cacm/sample.smart:18");
    }
}

TEST_CASE("SMART records without an id and without text, or with bad bytes, are rejected",
          "[corpus]") {
    const InputInfo info = make_info("s.all", "s.all");
    const std::string good = ".I 1\n.T\nA title\n";

    SECTION("a record with no id and no text has nothing to index") {
        const CollectingSink sink = read_as(Format::Smart, good + ".I\n.T\n.W\n\n", info);
        REQUIRE(sink.reviews.size() == 1);
        REQUIRE(sink.rejects.size() == 1);
        CHECK(sink.rejects[0].reason == "nothing to index (no title and no body)");
        CHECK(sink.rejects[0].source == "s.all:4");
    }
    SECTION("a record in windows-1252 is decoded, its title and body alike") {
        const CollectingSink sink =
            read_as(Format::Smart, good + ".I 2\n.T\nNa\xEFve\n.W\ncaf\xE9 \x96 cr\xE8me\n", info);
        REQUIRE(sink.rejects.empty());
        REQUIRE(sink.reviews.size() == 2);
        CHECK(sink.reviews[1].title == "Na\xC3\xAFve");
        CHECK(sink.reviews[1].body == "caf\xC3\xA9 \xE2\x80\x93 cr\xC3\xA8me");
        CHECK(sink.reviews[1].source_encoding == "windows-1252");
    }
    SECTION("a record with binary data is rejected") {
        const CollectingSink sink =
            read_as(Format::Smart, good + ".I 2\n.W\nbad \xC0\xAF\x01\x02\x03\n"s, info);
        REQUIRE(sink.reviews.size() == 1);
        REQUIRE(sink.rejects.size() == 1);
        CHECK(sink.rejects[0].reason == "binary data, not text in any encoding");
        CHECK(sink.rejects[0].source == "s.all:4");
    }
    SECTION("a record without an id but with text gets the file and line as id") {
        const CollectingSink sink = read_as(Format::Smart, good + ".I\n.W\nsome words\n", info);
        REQUIRE(sink.reviews.size() == 2);
        CHECK(sink.reviews[1].id == "s.all:4");
    }
}

// ---------------------------------------------------------------- CSV and TSV

TEST_CASE("CSV rows are read by header name with RFC 4180 quoting", "[corpus]") {
    const CollectingSink sink =
        read_as(Format::Csv, fixture_text("sample.csv"), make_info("in/sample.csv", "sample.csv"));
    REQUIRE(sink.reviews.size() == 3);
    REQUIRE(sink.rejects.size() == 2);

    SECTION("columns named like review fields fill them, and a quoted comma stays in its field") {
        const Review& r = sink.reviews[0];
        CHECK(r.id == "c-1");
        CHECK(r.title == "Sturdy and light");
        CHECK(r.reviewer == "Ines Moreau");
        CHECK(r.date == "2019-04-02");
        REQUIRE(r.rating.has_value());
        CHECK(*r.rating == 4.0);
        REQUIRE(r.rating_scale.has_value());
        CHECK(*r.rating_scale == 5.0);
        CHECK(r.category == "Outdoor");
        CHECK(r.product == "Trail Pole");
        CHECK(r.body == "Folds small, weighs little.");
        CHECK(r.source == "in/sample.csv:2");
    }
    SECTION("other columns are kept in extra, empty ones left out") {
        CHECK(sink.reviews[0].extra_value("helpful") == "12");
        CHECK_FALSE(has_extra(sink.reviews[1], "helpful"));
        CHECK(sink.reviews[2].extra_value("helpful") == "0");
    }
    SECTION("a doubled quote is one quote and a quoted line break stays in the body") {
        const Review& r = sink.reviews[1];
        CHECK(r.id == "c-2");
        CHECK(r.title == "He said \"buy it\"");
        CHECK(r.date == "2020-03-03");
        CHECK(r.body == "First line of the body.\nSecond line, after an embedded newline.");
        CHECK(r.source == "in/sample.csv:3");
    }
    SECTION("line numbers count the lines a quoted field spans") {
        CHECK(sink.reviews[2].id == "c-5");
        CHECK(sink.reviews[2].source == "in/sample.csv:7");
    }
    SECTION("a date that cannot be read is kept in extra as date_raw") {
        CHECK(sink.reviews[2].date.empty());
        CHECK(sink.reviews[2].extra_value("date_raw") == "sometime in spring");
    }
    SECTION("a row with the wrong number of columns is rejected with both counts") {
        CHECK(sink.rejects[0].source == "in/sample.csv:5");
        CHECK(sink.rejects[0].reason == "expected 10 columns, found 11");
        CHECK_THAT(sink.rejects[0].raw, Catch::StartsWith("c-3,Too many columns"));
    }
    SECTION("a row with no title and no body has nothing to index") {
        CHECK(sink.rejects[1].source == "in/sample.csv:6");
        CHECK(sink.rejects[1].reason == "nothing to index (no title and no body)");
    }
}

TEST_CASE("CSV rows that cannot be read are rejected with the reason and line", "[corpus]") {
    const InputInfo info = make_info("dir/f.csv", "sub/f.csv");

    SECTION("a quote left open to the end of the input rejects its record, not the next") {
        const CollectingSink sink =
            read_as(Format::Csv, "id,title\n1,fine\n2,\"never closed\n3,more\n", info);
        REQUIRE(sink.rejects.size() == 1);
        CHECK(sink.rejects[0].reason == "unterminated quoted field: open to the end of the input");
        CHECK(sink.rejects[0].source == "dir/f.csv:3");
        CHECK(sink.rejects[0].raw == "2,\"never closed");
        CHECK(ids_of(sink.reviews) == std::vector<std::string>{"1", "3"});
        CHECK(sink.reviews[1].source == "dir/f.csv:4");
    }
    SECTION("a row in windows-1252 is decoded, and the UTF-8 row after it kept") {
        const CollectingSink sink =
            read_as(Format::Csv, "id,title\n1,\"caf\xE9, \x93quoted\x94\"\n2,cr\xC3\xA8me\n", info);
        REQUIRE(sink.rejects.empty());
        REQUIRE(sink.reviews.size() == 2);
        CHECK(sink.reviews[0].title == "caf\xC3\xA9, \xE2\x80\x9Cquoted\xE2\x80\x9D");
        CHECK(sink.reviews[0].source_encoding == "windows-1252");
        CHECK(sink.reviews[1].title == "cr\xC3\xA8me");
        CHECK(sink.reviews[1].source_encoding.empty());
    }
    SECTION("a row of binary data is rejected and the next row is read") {
        const CollectingSink sink =
            read_as(Format::Csv, "id,title\n1,caf\xE9\x01\x02\x03\n2,fine\n"s, info);
        REQUIRE(sink.rejects.size() == 1);
        CHECK(sink.rejects[0].reason == "binary data, not text in any encoding");
        CHECK(sink.rejects[0].source == "dir/f.csv:2");
        REQUIRE(sink.reviews.size() == 1);
        CHECK(sink.reviews[0].id == "2");
    }
    SECTION("a rating that is not a number is rejected with the value") {
        const CollectingSink sink = read_as(Format::Csv, "title,rating\nGood,five\n", info);
        REQUIRE(sink.rejects.size() == 1);
        CHECK(sink.rejects[0].reason == "wrong value for 'rating': not a number: five");
        CHECK(sink.rejects[0].source == "dir/f.csv:2");
    }
    SECTION("a row without an id column gets the relative path and line as id") {
        const CollectingSink sink = read_as(Format::Csv, "title\nOne\n\nTwo\n", info);
        CHECK(ids_of(sink.reviews) == std::vector<std::string>{"sub/f.csv:2", "sub/f.csv:4"});
    }
    SECTION("a header with a byte-order mark still names its first column") {
        const CollectingSink sink =
            read_as(Format::Csv, "\xEF\xBB\xBFid,title\nx-1,Marked\n", info);
        REQUIRE(sink.reviews.size() == 1);
        CHECK(sink.reviews[0].id == "x-1");
    }
}

// Issue 22: record 2's open quote swallowed record 3 and the run said nothing (3 documents,
// 0 rejects, exit 0).
TEST_CASE("a CSV quote that never closes costs its own record only: records 1, 3 and 4 are read",
          "[corpus]") {
    const InputInfo info = make_info("dir/q.csv", "q.csv");
    const CollectingSink sink = read_as(Format::Csv,
                                        "id,title,body\n"
                                        "1,ok,\"fine body\"\n"
                                        "2,broken,\"this quote never closes\n"
                                        "3,next,\"another body\"\n"
                                        "4,last,last body\n",
                                        info);
    REQUIRE(sink.rejects.size() == 1);
    CHECK(sink.rejects[0].source == "dir/q.csv:3");
    CHECK(sink.rejects[0].reason ==
          "unterminated quoted field: a later line's quote closes it inside a field");
    CHECK(ids_of(sink.reviews) == std::vector<std::string>{"1", "3", "4"});
    REQUIRE(sink.reviews.size() == 3);
    CHECK(sink.reviews[1].body == "another body");
    CHECK(sink.reviews[1].source == "dir/q.csv:4");
    CHECK(sink.reviews[2].body == "last body");
}

TEST_CASE(
    "a quoted CSV field may span lines up to the limit, and one past it is rejected at its first "
    "line",
    "[corpus]") {
    const InputInfo info = make_info("dir/long.csv", "long.csv");
    const auto spanning = [](std::size_t later_lines) {
        std::string csv = "id,title\n1,\"start";
        for (std::size_t i = 1; i < later_lines; ++i) csv += "\nmore";
        return csv + "\nend\"\n2,after\n";
    };
    SECTION("a field over kMaxQuotedLines lines after its first is one review") {
        const CollectingSink sink = read_as(Format::Csv, spanning(kMaxQuotedLines), info);
        REQUIRE(sink.rejects.empty());
        CHECK(ids_of(sink.reviews) == std::vector<std::string>{"1", "2"});
        CHECK_THAT(sink.reviews[0].title, Catch::StartsWith("start more more"));
        CHECK_THAT(sink.reviews[0].title, Catch::EndsWith("more end"));
    }
    SECTION("one line more is a reject naming line 2, and the lines after it are read again") {
        const CollectingSink sink = read_as(Format::Csv, spanning(kMaxQuotedLines + 1), info);
        REQUIRE_FALSE(sink.rejects.empty());
        CHECK(sink.rejects[0].source == "dir/long.csv:2");
        CHECK_THAT(sink.rejects[0].reason,
                   Catch::StartsWith("unterminated quoted field: open past 1000 lines"));
        // "more" and "end\"" lines are rows of one column now; the record after them survives.
        CHECK(sink.rejects.size() == 1 + kMaxQuotedLines + 1);
        CHECK(ids_of(sink.reviews) == std::vector<std::string>{"2"});
        CHECK(sink.reviews[0].source == "dir/long.csv:" + std::to_string(kMaxQuotedLines + 4));
    }
}

TEST_CASE("TSV rows are split on tabs with quotes kept as written", "[corpus]") {
    const std::string content = fixture_text("sample.tsv");
    const InputInfo info = make_info("sample.tsv", "sample.tsv");

    SECTION("quotes and commas are ordinary characters") {
        const CollectingSink sink = read_as(Format::Tsv, content, info);
        REQUIRE(sink.reviews.size() == 2);
        const Review& r = sink.reviews[0];
        CHECK(r.id == "t-1");
        CHECK(r.title == "Good \"value\"");
        CHECK(r.body == "Tab separated, quotes \"kept\" as written.");
        CHECK(r.reviewer == "Kim Ode");
        CHECK(r.extra_value("stars") == "4");
        CHECK_FALSE(r.rating.has_value());
    }
    SECTION("a short row is rejected with both column counts") {
        const CollectingSink sink = read_as(Format::Tsv, content, info);
        REQUIRE(sink.rejects.size() == 1);
        CHECK(sink.rejects[0].reason == "expected 5 columns, found 3");
        CHECK(sink.rejects[0].source == "sample.tsv:4");
    }
    SECTION("a mapping names the column a field comes from, which then leaves extra") {
        CsvReader reader('\t', {{"rating", "stars"}});
        const CollectingSink sink = read_as(reader, content, info);
        REQUIRE(sink.reviews.size() == 2);
        REQUIRE(sink.reviews[0].rating.has_value());
        CHECK(*sink.reviews[0].rating == 4.0);
        CHECK_FALSE(has_extra(sink.reviews[0], "stars"));
    }
    SECTION("a mapping naming a column the header lacks fails the whole input") {
        CsvReader reader('\t', {{"body", "text"}});
        CollectingSink sink;
        std::istringstream in(content);
        CHECK_THROWS_AS(reader.read(in, info, sink), CorpusError);
    }
}

TEST_CASE("a --map specification is parsed into field=column pairs or refused", "[corpus]") {
    SECTION("pairs separated by commas map fields to columns, spaces trimmed") {
        const auto m = CsvReader::parse_mapping("body=text, reviewer = author");
        CHECK(m == std::map<std::string, std::string>{{"body", "text"}, {"reviewer", "author"}});
    }
    SECTION("an empty specification maps nothing") { CHECK(CsvReader::parse_mapping("").empty()); }
    SECTION("a pair without '=' or with an empty side is refused") {
        for (const char* spec : {"body", "=text", "body=", "body=text,,title=t"}) {
            INFO(spec);
            CHECK_THROWS_WITH(CsvReader::parse_mapping(spec),
                              Catch::Contains("--map takes field=column pairs"));
        }
    }
    SECTION("a field revsearch does not have is refused by name") {
        CHECK_THROWS_WITH(CsvReader::parse_mapping("colour=c"),
                          Catch::Contains("unknown review field 'colour'"));
        CHECK_THROWS_AS(CsvReader::parse_mapping("colour=c"), UsageError);
    }
}

// ---------------------------------------------------------------- Text

TEST_CASE("a text file is one review whose <br /> tags mark paragraphs", "[corpus]") {
    TextReader reader(nullptr, nullptr);

    SECTION("the id is the relative path without extension and the body keeps its paragraphs") {
        const CollectingSink sink =
            read_as(reader, fixture_text("textdir/Jane+Doe/books/17.txt"),
                    make_info("in/Jane+Doe/books/17.txt", "Jane+Doe/books/17.txt"));
        REQUIRE(sink.reviews.size() == 1);
        const Review& r = sink.reviews[0];
        CHECK(r.id == "Jane+Doe/books/17");
        CHECK(r.source == "in/Jane+Doe/books/17.txt");
        CHECK(r.body ==
              "A patient, generous book about learning to cook for one person.\n\n"
              "The recipes are simple and the tone is warm throughout.");
        CHECK(r.reviewer.empty());
    }
    SECTION("hard-wrapped lines are joined and a blank line or <br /><br /> starts a paragraph") {
        const CollectingSink sink = read_as(
            reader,
            "The first paragraph is wrapped\r\nat a narrow width, as plain text often is.\n\n"
            "The second one<br />has a single break.<br /><br />The third.\n",
            make_info("r.txt", "r.txt"));
        REQUIRE(sink.reviews.size() == 1);
        CHECK(sink.reviews[0].body ==
              "The first paragraph is wrapped at a narrow width, as plain text often is.\n\n"
              "The second one has a single break.\n\nThe third.");
    }
    SECTION("a file in windows-1252 is decoded as a whole") {
        const CollectingSink sink =
            read_as(reader, "caf\xE9 au lait \x96 \xA9 1999", make_info("x.txt", "x.txt"));
        REQUIRE(sink.reviews.size() == 1);
        CHECK(sink.reviews[0].body == "caf\xC3\xA9 au lait \xE2\x80\x93 \xC2\xA9 1999");
        CHECK(sink.reviews[0].source_encoding == "windows-1252");
    }
    SECTION("a file of binary data is rejected by its path") {
        const CollectingSink sink =
            read_as(reader, "caf\xE9\x00\x01 au lait"s, make_info("x.txt", "x.txt"));
        REQUIRE(sink.rejects.size() == 1);
        CHECK(sink.rejects[0].reason == "binary data, not text in any encoding");
        CHECK(sink.rejects[0].source == "x.txt");
    }
    SECTION("a blank file has nothing to index") {
        const CollectingSink sink =
            read_as(reader, " <br /><br />\n\n", make_info("x.txt", "x.txt"));
        REQUIRE(sink.rejects.size() == 1);
        CHECK(sink.rejects[0].reason == "nothing to index (no title and no body)");
    }
}

TEST_CASE("a text file takes fields from its path and side files", "[corpus]") {
    const PathTemplate aclimdb = PathTemplate::aclimdb();
    SideFiles side_files;
    TextReader reader(&aclimdb, &side_files);
    const fs::path file = fixture("textdir/aclImdb-like/train/pos/3_8.txt");

    SECTION("the aclImdb template gives id, rating of 10, category and the URL from line id") {
        const CollectingSink sink =
            read_as(reader, test::read_file(file),
                    make_info(file.string(), "aclImdb-like/train/pos/3_8.txt"));
        REQUIRE(sink.reviews.size() == 1);
        const Review& r = sink.reviews[0];
        CHECK(r.id == "train/pos/3");
        REQUIRE(r.rating.has_value());
        CHECK(*r.rating == 8.0);
        REQUIRE(r.rating_scale.has_value());
        CHECK(*r.rating_scale == 10.0);
        CHECK(r.category == "train/pos");
        CHECK(r.product == kUrl3);
        CHECK(r.body ==
              "The harbour scenes look wonderful and the score never gets in the way.\n\n"
              "The last act drags, but the two leads carry it.");
    }
    SECTION("a missing side file leaves the field empty but the review is still read") {
        const CollectingSink sink =
            read_as(reader, "A fine film with a lot of heart.",
                    make_info("/nowhere/train/pos/3_8.txt", "train/pos/3_8.txt"));
        REQUIRE(sink.reviews.size() == 1);
        CHECK(sink.reviews[0].product.empty());
        CHECK(sink.reviews[0].id == "train/pos/3");
    }
    SECTION("a file the template does not match keeps its path as id") {
        const CollectingSink sink =
            read_as(reader, "Some words of review here.", make_info("notes/a.txt", "notes/a.txt"));
        REQUIRE(sink.reviews.size() == 1);
        CHECK(sink.reviews[0].id == "notes/a");
        CHECK_FALSE(sink.reviews[0].rating.has_value());
    }
}

// ---------------------------------------------------------------- detection

TEST_CASE("formats are detected from the name and the first bytes", "[corpus]") {
    SECTION("each fixture is detected as its own format") {
        const std::vector<std::pair<std::string, Format>> expected = {
            {"sample.amazon.jsonl", Format::Amazon},
            {"sample.review", Format::Review},
            {"sample-wrapped.review", Format::Review},
            {"sample.trec", Format::Trec},
            {"sample.smart", Format::Smart},
            {"sample.csv", Format::Csv},
            {"sample.tsv", Format::Tsv},
            {"textdir/Jane+Doe/books/17.txt", Format::Text},
        };
        for (const auto& [name, format] : expected) {
            INFO(name);
            CHECK(detect_format(name, read_head(fixture(name).string())) == format);
        }
    }
    SECTION("content is recognised under names that say nothing") {
        CHECK(detect_format("books/positive", fixture_text("sample.review")) == Format::Review);
        CHECK(detect_format("wrapped.dat", fixture_text("sample-wrapped.review")) ==
              Format::Review);
        CHECK(detect_format("corpus/doc-text", fixture_text("sample.trec")) == Format::Trec);
        CHECK(detect_format("cran.all.1400", fixture_text("sample.smart")) == Format::Smart);
        CHECK(detect_format("All_Beauty_5.json", fixture_text("sample.amazon.jsonl")) ==
              Format::Amazon);
    }
    SECTION("a JSON object without Amazon's keys is canonical JSONL, whatever the name") {
        CHECK(detect_format("reviews.data", "{\"title\": \"x\", \"asin\": \"B0\"}\n") ==
              Format::Jsonl);
        CHECK(detect_format("reviews.jsonl", "{\"title\": \"x\"}\n") == Format::Jsonl);
    }
    SECTION("a .jsonl whose content is garbage is still JSONL, so its lines are rejected") {
        CHECK(detect_format("broken.jsonl", "@@ not json at all @@\n\x01\x02") == Format::Jsonl);
        CHECK(detect_format("broken.ndjson", "") == Format::Jsonl);
    }
    SECTION(".md files are never formats, even when they quote records") {
        const std::string amazon = fixture_text("sample.amazon.jsonl");
        CHECK(detect_format("amazon/PROVENANCE.md", amazon) == Format::Auto);
        CHECK(detect_format("README.md", fixture_text("sample.trec")) == Format::Auto);
        CHECK(detect_format("NOTES.MD", fixture_text("sample.review")) == Format::Auto);
        CHECK(detect_format("guide.markdown", amazon) == Format::Auto);
    }
    SECTION("SMART query files, with .W but no .T, are not documents") {
        const std::string queries =
            ".I 001\r\n.W\r\nwhat similarity laws must be obeyed\r\n.I 002\r\n.W\r\nwhat are "
            "the structural loads\r\n";
        CHECK(detect_format("cran.qry", queries) == Format::Auto);
        CHECK(detect_format("query.text",
                            ".I 1\n.W\n what articles exist on time sharing\n.N\n"
                            " 1. Richard Alexander\n") == Format::Auto);
    }
    SECTION("TREC topic files are not documents") {
        const std::string topics =
            "<top>\n<num>1</num><title> MEASURING THE FLOW OF SAND </title>\n</top>\n";
        CHECK(detect_format("query-text.trec", topics) == Format::Auto);
        CHECK(detect_format("topics.txt", topics) == Format::Auto);
    }
    SECTION("a list of URLs named urls_*.txt is a lookup table, not a review") {
        CHECK(detect_format("aclImdb/train/urls_pos.txt",
                            fixture_text("textdir/aclImdb-like/train/urls_pos.txt")) ==
              Format::Auto);
        CHECK(detect_format("train/urls_neg.txt",
                            "look at these pages for the reviews of the movies\n") == Format::Auto);
    }
    SECTION("a .txt of numbers is not prose and a .txt of prose is text") {
        CHECK(detect_format("imdbEr.txt", "0.0490972\n0.2013635\n-0.0314\n1.5e-05\n") ==
              Format::Auto);
        CHECK(detect_format("review.txt",
                            "I watched this twice and liked it more the second "
                            "time, which is rare for me.") == Format::Text);
    }
    SECTION("CSV and TSV are known by their names") {
        CHECK(detect_format("x.CSV", "a,b\n1,2\n") == Format::Csv);
        CHECK(detect_format("x.tab", "a\tb\n1\t2\n") == Format::Tsv);
    }
    SECTION("binary data and unknown names are not a format") {
        CHECK(detect_format("image.png", "\x89PNG\r\n\x1a\n\0\0"s) == Format::Auto);
        CHECK(detect_format("cranqrel", "1 184 2\n1 29 2\n") == Format::Auto);
    }
}

TEST_CASE("format names are parsed and printed", "[corpus]") {
    for (const std::string_view name : format_names()) {
        CHECK(format_name(parse_format(name)) == name);
    }
    CHECK(parse_format("auto") == Format::Auto);
    CHECK_THROWS_WITH(parse_format("xml"), Catch::Contains("unknown format 'xml'"));
    CHECK_THROWS_AS(make_reader(Format::Auto), UsageError);
}

// ---------------------------------------------------------------- path templates

TEST_CASE("a path template is parsed or refused with the reason", "[corpus]") {
    SECTION("malformed templates are refused, saying what is wrong") {
        const std::vector<std::pair<std::string, std::string>> bad = {
            {"{reviewer/{id}.txt", "field names are lower-case words"},
            {"{id", "unclosed '{'"},
            {"books}/{id}.txt", "stray '}'"},
            {"{Reviewer}/{id}.txt", "field names are lower-case words"},
            {"{}/x.txt", "field names are lower-case words"},
            {"plain/path.txt", "no {fields}"},
        };
        for (const auto& [spec, reason] : bad) {
            INFO(spec);
            CHECK_THROWS_WITH(PathTemplate::parse(spec), Catch::Contains(reason));
            CHECK_THROWS_AS(PathTemplate::parse(spec), UsageError);
        }
    }
    SECTION("the name aclimdb gives the built-in template") {
        const PathTemplate t = PathTemplate::parse("aclimdb");
        CHECK(t.spec() == "aclimdb");
        CHECK(t.rating_scale == 10);
        CHECK(t.zero_rating_is_none);
        REQUIRE(t.lookups().size() == 1);
        CHECK(t.lookups()[0].field == "product");
        CHECK(t.lookups()[0].file_pattern == "../urls_{label}.txt");
        CHECK(t.lookups()[0].line_field == "id");
    }
    SECTION("lookups must be written field=file#{field}") {
        PathTemplate t = PathTemplate::parse("{id}.txt");
        for (const char* spec :
             {"product", "product=urls.txt", "product=urls.txt#id", "product=urls.txt#{}",
              "urls.txt#{id}", "=urls.txt#{id}", "product=#{id}"}) {
            INFO(spec);
            CHECK_THROWS_WITH(t.add_lookup(spec), Catch::Contains("expected field=file#{field}"));
        }
        t.add_lookup("url=../links.txt#{id}");
        REQUIRE(t.lookups().size() == 1);
        CHECK(t.lookups()[0].field == "url");
        CHECK(t.lookups()[0].file_pattern == "../links.txt");
        CHECK(t.lookups()[0].line_field == "id");
    }
}

TEST_CASE("a path template matches the last components of a path and fills fields", "[corpus]") {
    const PathTemplate t = PathTemplate::parse("{reviewer}/{category}/{id}.txt");

    SECTION("the trailing components match, whatever comes before them") {
        const auto m = t.match("corpus/textdir/Jane+Doe/books/17.txt");
        REQUIRE(m.has_value());
        CHECK(m->matched == "Jane+Doe/books/17.txt");
        CHECK(m->values == std::vector<std::pair<std::string, std::string>>{
                               {"reviewer", "Jane+Doe"}, {"category", "books"}, {"id", "17"}});
    }
    SECTION("a path with too few components or another extension does not match") {
        CHECK_FALSE(t.match("books/17.txt").has_value());
        CHECK_FALSE(t.match("Jane+Doe/books/17.md").has_value());
        CHECK_FALSE(t.match("Jane+Doe/books/17.txt.bak").has_value());
    }
    SECTION("{reviewer} is decoded and the id is the matched folders plus {id}") {
        const auto m = t.match("x/Jane+Doe/books/17.txt");
        REQUIRE(m.has_value());
        Review r;
        t.apply(*m, r);
        CHECK(r.reviewer == "Jane Doe");
        CHECK(r.category == "books");
        CHECK(r.id == "Jane+Doe/books/17");
    }
    SECTION("without {id} the id is the matched path without its extension") {
        const PathTemplate no_id = PathTemplate::parse("{category}/{title}.txt");
        const auto m = no_id.match("root/books/Good_Read.txt");
        REQUIRE(m.has_value());
        Review r;
        no_id.apply(*m, r);
        CHECK(r.id == "books/Good_Read");
        CHECK(r.title == "Good Read");
        CHECK(r.category == "books");
    }
    SECTION("{date}, {rating} and {product} are parsed and other names go to extra") {
        const PathTemplate rich = PathTemplate::parse("{shelf}/{date}/{product}-{rating}.txt");
        const auto m = rich.match("home/2016-05-17/Blue+Lamp-4.5.txt");
        REQUIRE(m.has_value());
        Review r;
        rich.apply(*m, r);
        CHECK(r.date == "2016-05-17");
        CHECK(r.product == "Blue Lamp");
        REQUIRE(r.rating.has_value());
        CHECK(*r.rating == 4.5);
        CHECK_FALSE(r.rating_scale.has_value());
        CHECK(r.extra_value("shelf") == "home");
        CHECK(r.id == "home/2016-05-17/Blue+Lamp-4.5");
    }
    SECTION("the aclImdb template reads split, label, id and rating, and 0 means no rating") {
        const PathTemplate acl = PathTemplate::aclimdb();
        const auto m = acl.match("aclImdb/train/pos/3_8.txt");
        REQUIRE(m.has_value());
        Review r;
        acl.apply(*m, r);
        CHECK(r.id == "train/pos/3");
        CHECK(r.category == "train/pos");
        REQUIRE(r.rating.has_value());
        CHECK(*r.rating == 8.0);
        CHECK(*r.rating_scale == 10.0);
        CHECK(r.extra_value("split") == "train");
        CHECK(r.extra_value("label") == "pos");

        const auto unsup = acl.match("aclImdb/train/unsup/41_0.txt");
        REQUIRE(unsup.has_value());
        Review u;
        acl.apply(*unsup, u);
        CHECK_FALSE(u.rating.has_value());
        CHECK(u.category == "train/unsup");
    }
    SECTION("a lookup's file is found relative to the review's folder") {
        const PathTemplate acl = PathTemplate::aclimdb();
        const auto m = acl.match("data/aclImdb/test/neg/12_2.txt");
        REQUIRE(m.has_value());
        CHECK(acl.lookup_path(acl.lookups()[0], "data/aclImdb/test/neg/12_2.txt", *m) ==
              "data/aclImdb/test/urls_neg.txt");
    }
}

TEST_CASE("path components decode +, _ and %XX", "[corpus]") {
    CHECK(decode_path_component("Jane+Doe") == "Jane Doe");
    CHECK(decode_path_component("Ana%20Mar%C3%ADa_Ruiz") ==
          "Ana Mar\xC3\xAD"
          "a Ruiz");
    CHECK(decode_path_component("100%_sure") == "100% sure");
    CHECK(decode_path_component("__a++b__") == "a b");
    // A Latin-1 byte is not UTF-8: it is replaced, so fields stay valid UTF-8.
    CHECK(decode_path_component("caf%E9") == "caf\xEF\xBF\xBD");
}

// ---------------------------------------------------------------- side files

TEST_CASE("side files give a line by its 0-based number", "[corpus]") {
    SideFiles side;
    SECTION("a file on disk is read on first use") {
        const std::string urls = fixture("textdir/aclImdb-like/train/urls_pos.txt").string();
        CHECK(side.line(urls, 0) == kUrl0);
        CHECK(side.line(urls, 3) == kUrl3);
        CHECK_FALSE(side.line(urls, 5).has_value());
    }
    SECTION("a missing file gives nothing") {
        CHECK_FALSE(side.line("/no/such/urls_pos.txt", 0).has_value());
    }
    SECTION("added content is split into trimmed lines without carriage returns") {
        side.add("a/urls.txt", "first\r\n  second  \nthird");
        CHECK(side.line("a/urls.txt", 0) == "first");
        CHECK(side.line("a/urls.txt", 1) == "second");
        CHECK(side.line("a/urls.txt", 2) == "third");
        CHECK_FALSE(side.line("a/urls.txt", 3).has_value());
    }
    SECTION("added content stands in for a file of the same path on disk") {
        const std::string urls = fixture("textdir/aclImdb-like/train/urls_pos.txt").string();
        side.add(urls, "replaced\n");
        CHECK(side.line(urls, 0) == "replaced");
        CHECK_FALSE(side.line(urls, 3).has_value());
    }
}

// ---------------------------------------------------------------- walker

TEST_CASE("the walker reads a JSON lines file plain, gzip- or zstd-compressed alike", "[corpus]") {
    test::TempDir dir;
    const fs::path plain = fixture("sample.amazon.jsonl");
    std::string input;
    SECTION("a plain file is read in place") { input = plain.string(); }
    SECTION("a .gz file is decompressed on the fly") {
        input = dir.file("sample.amazon.jsonl.gz");
        shell("gzip -c " + sh_quote(plain) + " > " + sh_quote(input));
    }
    SECTION("a .zst file is decompressed on the fly") {
        input = dir.file("sample.amazon.jsonl.zst");
        shell("zstd -q -c " + sh_quote(plain) + " > " + sh_quote(input));
    }
    const std::string name = fs::path(input).filename().string();
    const WalkResult w = walk_all(input);
    CHECK(w.sink.rejects.empty());
    REQUIRE(w.sink.reviews.size() == 3);
    CHECK(ids_of(w.sink.reviews) ==
          std::vector<std::string>{name + ":1", name + ":2", name + ":4"});
    CHECK(w.sink.reviews[0].reviewer == "Marta Quill");
    CHECK(w.sink.reviews[2].source == input + ":4");
    REQUIRE(w.observer.read.size() == 1);
    CHECK(w.observer.read[0] == std::make_pair(input, Format::Amazon));
}

TEST_CASE("the walker tells the sink how far into a plain file it has read, as it reads",
          "[corpus]") {
    // Records the position reports, with how many reviews had arrived at each.
    struct PositionSink : CollectingSink {
        void on_position(std::uint64_t bytes) override {
            reports.emplace_back(bytes, reviews.size());
        }
        std::vector<std::pair<std::uint64_t, std::size_t>> reports;
    };
    test::TempDir dir;
    const std::string path = dir.file("many.jsonl");
    std::vector<std::uint64_t> ends;  // the byte offset at which each line ends
    {
        std::ofstream out(path, std::ios::binary);
        for (int i = 0; i < 3000; ++i) {
            out << R"({"id":"m)" << i << R"(","title":"Kettle )" << i
                << R"(","body":"The garden kettle whistles in winter, a note for every reader."})"
                << '\n';
            ends.push_back(static_cast<std::uint64_t>(out.tellp()));
        }
    }
    std::vector<InputProblem> problems;
    const std::vector<InputFile> files = expand_inputs({path}, problems);
    REQUIRE(files.size() == 1);
    Walker walker(WalkOptions{});
    PositionSink sink;
    CollectingObserver observer;
    walker.walk(files[0], sink, observer);
    REQUIRE(sink.reviews.size() == 3000);
    REQUIRE(sink.reports.size() >= 10);
    for (std::size_t i = 0; i < sink.reports.size(); ++i) {
        const auto [bytes, seen] = sink.reports[i];
        INFO("report " << i << ": " << bytes << " bytes after " << seen << " reviews");
        REQUIRE(seen > 0);
        CHECK(bytes >= ends[seen - 1]);  // never behind what has been read
        CHECK(bytes <= ends.back());
        if (i > 0) CHECK(bytes >= sink.reports[i - 1].first);
    }
    CHECK(sink.reports.back().first > ends.back() / 2);
}

TEST_CASE("a truncated .gz gives the records before the damage and a reject", "[corpus]") {
    test::TempDir dir;
    std::string lines;
    for (int i = 1; i <= 3000; ++i) {
        lines += R"({"overall": 4.0, "asin": "B0)" + std::to_string(100000 + i) +
                 R"(", "reviewerID": "A)" + std::to_string(i * 7919) + R"(", "summary": "Number )" +
                 std::to_string(i) + R"(", "reviewText": "Record )" + std::to_string(i * 104729) +
                 " of a long file.\"}\n";
    }
    const std::string plain = dir.write("big.json", lines);
    shell("gzip -c " + sh_quote(plain) + " > " + sh_quote(plain + ".gz"));
    const std::string packed = test::read_file(plain + ".gz");
    const std::string cut = dir.write("cut.json.gz", packed.substr(0, packed.size() / 2));

    const WalkResult w = walk_all(cut);
    const auto& reviews = w.sink.reviews;
    INFO("reviews: " << reviews.size());
    CHECK(reviews.size() > 100);
    CHECK(reviews.size() < 3000);
    REQUIRE(w.sink.rejects.size() == 1);
    CHECK(w.sink.rejects[0].source == cut);
    CHECK_THAT(w.sink.rejects[0].reason, Catch::StartsWith("truncated or corrupt compressed data"));
    // Only whole records before the cut: the line the damage fell in is not read as a record.
    for (std::size_t i = 0; i < reviews.size(); ++i) {
        CHECK(reviews[i].id == "cut.json.gz:" + std::to_string(i + 1));
    }
}

TEST_CASE("a one-review file cut off inside its compressed data is one reject for the damage",
          "[corpus]") {
    test::TempDir dir;
    static const char* const kWords[] = {"quiet",   "harbour", "patient", "story",  "light",
                                         "careful", "reader",  "winter",  "garden", "music",
                                         "simple",  "warm",    "river",   "stone",  "morning"};
    // Words in a pseudo-random order, so that the compressed stream is long enough for the
    // cut to fall well after the first decompressed block.
    std::minstd_rand random(7);
    std::string body;
    for (int i = 1; i <= 60000; ++i)
        body += std::string(kWords[random() % 15]) + (i % 13 ? " " : ". ");
    const std::string plain = dir.write("long.txt", body);
    shell("gzip -c " + sh_quote(plain) + " > " + sh_quote(plain + ".gz"));
    const std::string packed = test::read_file(plain + ".gz");
    REQUIRE(packed.size() > 20000);
    const std::string cut = dir.write("cut/long.txt.gz", packed.substr(0, packed.size() / 2));
    WalkOptions options;
    SECTION("when it is read as text, the damage is reported for the file") {
        options.format = Format::Auto;
    }
    SECTION(
        "when it is read as a page, whose reader reads the stream buffer directly, the "
        "damage is reported for the file all the same") {
        options.format = Format::Page;
    }
    const WalkResult w = walk_all(cut, options);
    CHECK(w.sink.reviews.empty());
    REQUIRE(w.sink.rejects.size() == 1);
    CHECK(w.sink.rejects[0].source == cut);
    CHECK_THAT(w.sink.rejects[0].reason, Catch::StartsWith("truncated or corrupt compressed data"));
    REQUIRE(w.observer.read.size() == 1);
}

TEST_CASE("a compressed file cut inside its first block is rejected as truncated", "[corpus]") {
    test::TempDir dir;
    const std::string plain = fixture("sample.amazon.jsonl").string();
    std::string input;
    SECTION("a .gz cut after its header is truncated data") {
        input = dir.file("cut.json.gz");
        shell("gzip -c " + sh_quote(plain) + " | head -c 40 > " + sh_quote(input));
    }
    SECTION("a .zst cut after its header is truncated data") {
        input = dir.file("cut.json.zst");
        shell("zstd -q -c " + sh_quote(plain) + " | head -c 40 > " + sh_quote(input));
    }
    const WalkResult w = walk_all(input);
    CHECK(w.sink.reviews.empty());
    REQUIRE_FALSE(w.sink.rejects.empty());
    const Reject& last = w.sink.rejects.back();
    CHECK(last.source == input);
    CHECK_THAT(last.reason, Catch::StartsWith("truncated or corrupt compressed data"));
    // The source names the file; the reason, by which rejects are counted, must not.
    CHECK_THAT(last.reason, !Catch::Contains(dir.path().string()));
}

TEST_CASE("archives of text files are read member by member with the aclImdb template",
          "[corpus]") {
    test::TempDir dir;
    const std::string formats = sh_quote(test::fixtures_dir() / "formats");
    std::string archive;
    SECTION("a .tar.gz is read in place, without unpacking") {
        archive = dir.file("textdir.tar.gz");
        shell("tar -C " + formats + " -cf - " + kTextdirMembersUrlsLast + " | gzip -c > " +
              sh_quote(archive));
    }
    SECTION("a .tar.zst is read in place, without unpacking") {
        archive = dir.file("textdir.tar.zst");
        shell("tar -C " + formats + " -cf - " + kTextdirMembersUrlsLast + " | zstd -q -c > " +
              sh_quote(archive));
    }
    // The lookup table must come after the reviews for this test to mean anything.
    std::vector<std::string> members;
    for_each_entry(archive, [&](ArchiveEntry& e) { members.push_back(e.path); });
    REQUIRE(members.size() == 4);
    REQUIRE(members.back() == "textdir/aclImdb-like/train/urls_pos.txt");

    const WalkResult w = walk_all(archive);
    CHECK(w.sink.rejects.empty());
    REQUIRE(w.sink.reviews.size() == 3);

    const Review* three = find_id(w.sink.reviews, "train/pos/3");
    REQUIRE(three != nullptr);
    CHECK(three->product == kUrl3);
    REQUIRE(three->rating.has_value());
    CHECK(*three->rating == 8.0);
    CHECK(*three->rating_scale == 10.0);
    CHECK(three->category == "train/pos");
    CHECK(three->source == archive + "!/textdir/aclImdb-like/train/pos/3_8.txt");
    CHECK(three->body ==
          "The harbour scenes look wonderful and the score never gets in the way.\n\n"
          "The last act drags, but the two leads carry it.");

    const Review* zero = find_id(w.sink.reviews, "train/pos/0");
    REQUIRE(zero != nullptr);
    CHECK(zero->product == kUrl0);
    CHECK(*zero->rating == 10.0);

    // Without a template of the user's, a plain folder of .txt files is read with path ids.
    const Review* jane = find_id(w.sink.reviews, "textdir/Jane+Doe/books/17");
    REQUIRE(jane != nullptr);
    CHECK(jane->reviewer.empty());

    REQUIRE(w.observer.skipped.size() == 1);
    CHECK(w.observer.skipped[0].first == archive + "!/textdir/aclImdb-like/train/urls_pos.txt");
    CHECK(w.observer.read.size() == 3);
}

TEST_CASE("the aclImdb template applies by itself to a folder on disk", "[corpus]") {
    const WalkResult w = walk_all((test::fixtures_dir() / "formats" / "textdir").string());
    CHECK(w.sink.rejects.empty());
    REQUIRE(w.sink.reviews.size() == 3);
    const Review* three = find_id(w.sink.reviews, "train/pos/3");
    REQUIRE(three != nullptr);
    CHECK(three->product == kUrl3);
    CHECK(find_id(w.sink.reviews, "Jane+Doe/books/17") != nullptr);
    REQUIRE(w.observer.skipped.size() == 1);
    CHECK_THAT(w.observer.skipped[0].first, Catch::EndsWith("train/urls_pos.txt"));
}

TEST_CASE("a user path template gives fields from folders, in an archive and on disk", "[corpus]") {
    test::TempDir dir;
    WalkOptions options;
    options.path_template = PathTemplate::parse("{reviewer}/{category}/{id}.txt");
    std::string input;
    SECTION("members of a .tar.gz are matched by their last components") {
        input = dir.file("textdir.tar.gz");
        shell("tar -C " + sh_quote(test::fixtures_dir() / "formats") + " -czf " + sh_quote(input) +
              " " + kTextdirMembersUrlsLast);
    }
    SECTION("files in a folder are matched by their last components") {
        input = (test::fixtures_dir() / "formats" / "textdir").string();
    }
    const WalkResult w = walk_all(input, std::move(options));
    CHECK(w.sink.rejects.empty());
    const Review* jane = find_id(w.sink.reviews, "Jane+Doe/books/17");
    REQUIRE(jane != nullptr);
    CHECK(jane->reviewer == "Jane Doe");
    CHECK(jane->category == "books");
    // The user's template replaces the built-in one, so aclImdb names get no rating from it.
    const Review* acl = find_id(w.sink.reviews, "train/pos/3_8");
    REQUIRE(acl != nullptr);
    CHECK(acl->reviewer == "train");
    CHECK_FALSE(acl->rating.has_value());
}

TEST_CASE("damaged archives are rejected by name, keeping the members read before the damage",
          "[corpus]") {
    test::TempDir dir;

    SECTION("an archive that is not one is a corrupt archive") {
        const std::string garbage = dir.write("plain.txt", "this is not a tar archive at all\n");
        const std::string archive = dir.file("broken.tar.gz");
        shell("gzip -c " + sh_quote(garbage) + " > " + sh_quote(archive));
        const WalkResult w = walk_all(archive);
        CHECK(w.sink.reviews.empty());
        REQUIRE(w.sink.rejects.size() == 1);
        CHECK(w.sink.rejects[0].source == archive);
        CHECK_THAT(w.sink.rejects[0].reason, Catch::StartsWith("corrupt archive: "));
        CHECK_THAT(w.sink.rejects[0].reason, !Catch::Contains(archive));
        CHECK_THAT(w.sink.rejects[0].reason, !Catch::Contains("corrupt archive: corrupt archive"));
    }
    SECTION("a truncated archive keeps the reviews before the cut and rejects the archive") {
        std::string names;
        for (int i = 0; i < 300; ++i) {
            std::string body;
            for (int k = 0; k < 60; ++k)
                body += "w" + std::to_string((i * 131 + k * 7919) % 99991) + " ";
            dir.write("src/train/pos/" + std::to_string(i) + "_7.txt", body);
            names += " train/pos/" + std::to_string(i) + "_7.txt";
        }
        dir.write("src/train/urls_pos.txt", "http://example.org/only-one\n");
        const std::string whole = dir.file("whole.tar.gz");
        shell("tar -C " + sh_quote(dir.path() / "src") + " -czf " + sh_quote(whole) + names +
              " train/urls_pos.txt");
        const std::string packed = test::read_file(whole);
        const std::string cut = dir.write("cut.tar.gz", packed.substr(0, packed.size() / 2));

        const WalkResult w = walk_all(cut);
        INFO("reviews: " << w.sink.reviews.size());
        CHECK(w.sink.reviews.size() > 10);
        CHECK(w.sink.reviews.size() < 300);
        REQUIRE(w.sink.rejects.size() == 1);
        CHECK(w.sink.rejects[0].source == cut);
        CHECK_THAT(w.sink.rejects[0].reason, Catch::StartsWith("corrupt archive"));
        CHECK_THAT(w.sink.rejects[0].reason, !Catch::Contains(cut));
    }
}

TEST_CASE("a one-review-per-file input larger than --max-record-bytes is rejected", "[corpus]") {
    const std::string file = fixture("textdir/Jane+Doe/books/17.txt").string();
    const auto size = fs::file_size(file);
    WalkOptions options;

    SECTION("a file over the limit is rejected by name with both sizes, and nothing is read") {
        options.max_record_bytes = 40;
        const WalkResult w = walk_all(file, options);
        CHECK(w.sink.reviews.empty());
        REQUIRE(w.sink.rejects.size() == 1);
        CHECK(w.sink.rejects[0].source == file);
        CHECK(w.sink.rejects[0].reason ==
              "record larger than --max-record-bytes (" + std::to_string(size) + " > 40 bytes)");
    }
    SECTION("a file exactly at the limit is read") {
        options.max_record_bytes = size;
        const WalkResult w = walk_all(file, options);
        CHECK(w.sink.rejects.empty());
        CHECK(w.sink.reviews.size() == 1);
    }
    SECTION("a limit of 0 means no limit") {
        options.max_record_bytes = 0;
        const WalkResult w = walk_all(file, options);
        CHECK(w.sink.rejects.empty());
        CHECK(w.sink.reviews.size() == 1);
    }
    SECTION("an archive member over the limit is rejected by its member name") {
        test::TempDir dir;
        const std::string archive = dir.file("t.tar");
        shell("tar -C " + sh_quote(test::fixtures_dir() / "formats") + " -cf " + sh_quote(archive) +
              " textdir/Jane+Doe/books/17.txt");
        options.max_record_bytes = 40;
        const WalkResult w = walk_all(archive, options);
        CHECK(w.sink.reviews.empty());
        REQUIRE(w.sink.rejects.size() == 1);
        CHECK(w.sink.rejects[0].source == archive + "!/textdir/Jane+Doe/books/17.txt");
        CHECK_THAT(w.sink.rejects[0].reason,
                   Catch::StartsWith("record larger than --max-record-bytes"));
    }
}

TEST_CASE("the walker passes over files that are not reviews and obeys a forced format",
          "[corpus]") {
    test::TempDir dir;
    SECTION("a PROVENANCE.md quoting records is skipped, not read") {
        const std::string md = dir.write(
            "PROVENANCE.md", "Sample:\n```\n" + fixture_text("sample.amazon.jsonl") + "```\n");
        const WalkResult w = walk_all(md);
        CHECK(w.sink.reviews.empty());
        CHECK(w.sink.rejects.empty());
        REQUIRE(w.observer.skipped.size() == 1);
        CHECK(w.observer.skipped[0].first == md);
    }
    SECTION("a forced format reads a file whose name says nothing") {
        const std::string file = dir.write("cacm.all", fixture_text("sample.trec"));
        WalkOptions options;
        options.format = Format::Trec;
        const WalkResult w = walk_all(file, options);
        CHECK(w.sink.reviews.size() == 4);
        REQUIRE(w.observer.read.size() == 1);
        CHECK(w.observer.read[0].second == Format::Trec);
    }
}

// Issue 22: links inside a tar were dropped without a word, and member names climbing out of
// the archive or starting at / became ids as written.
TEST_CASE("tar members that are links are reported as skipped, and member paths never leave the archive",
          "[corpus]") {
    test::TempDir dir;
    const std::string src = dir.file("src");
    dir.write("src/a.txt", "The first review, about a lighthouse keeper.");
    dir.write("src/b.txt", "The second review, about a ferry crossing.");
    dir.write("src/c.txt", "The third review, an ordinary member.");
    const std::string archive = dir.file("links.tar");
    // GNU tar keeps ../ and / in names only with -P; the links come after their targets.
    shell("cd " + sh_quote(src) + " && ln -s a.txt soft.txt && ln b.txt hard.txt && tar -P " +
          "--transform='s,^a\\.txt$,../../x.txt,;s,^b\\.txt$,/abs/y.txt,' -cf " + sh_quote(archive) +
          " a.txt b.txt c.txt soft.txt hard.txt 2>/dev/null");

    const WalkResult w = walk_all(archive);
    CHECK(w.sink.rejects.empty());
    std::vector<std::string> sources;
    for (const Review& r : w.sink.reviews) sources.push_back(r.source);
    CHECK(sources == std::vector<std::string>{archive + "!/x.txt", archive + "!/abs/y.txt",
                                              archive + "!/c.txt"});
    CHECK(find_id(w.sink.reviews, "x") != nullptr);
    CHECK(find_id(w.sink.reviews, "abs/y") != nullptr);
    for (const Review& r : w.sink.reviews) {
        CHECK_THAT(r.id, !Catch::Contains(".."));
        CHECK_THAT(r.id, !Catch::StartsWith("/"));
    }
    REQUIRE(w.observer.skipped.size() == 2);
    CHECK(w.observer.skipped[0].first == archive + "!/soft.txt");
    CHECK(w.observer.skipped[0].second == "symbolic link to '../../x.txt', not followed");
    CHECK(w.observer.skipped[1].first == archive + "!/hard.txt");
    CHECK_THAT(w.observer.skipped[1].second, Catch::StartsWith("hard link to '"));
}

TEST_CASE("member paths are normalised without . or .., and ordinary paths are kept as they are",
          "[corpus]") {
    CHECK(normalise_member_path("../../x.txt") == "x.txt");
    CHECK(normalise_member_path("/abs/x.txt") == "abs/x.txt");
    CHECK(normalise_member_path("a/./b/../c.txt") == "a/c.txt");
    CHECK(normalise_member_path("a//b.txt") == "a/b.txt");
    CHECK(normalise_member_path("../..") == "unnamed");
    // Negative: names that are already plain are not changed, dots inside names included.
    CHECK(normalise_member_path("train/pos/3_8.txt") == "train/pos/3_8.txt");
    CHECK(normalise_member_path("a..b/..c.txt") == "a..b/..c.txt");
}

// Issue 22: the size on disk of a compressed one-review file says nothing of its text.
TEST_CASE("a gzipped one-review file over --max-record-bytes is rejected after reading only the limit",
          "[corpus]") {
    test::TempDir dir;
    const std::string big = dir.write("big/r.txt", std::string(50000, 'w') + " end");
    const std::string small = dir.write("small/r.txt", "A short review of a quiet film.");
    shell("gzip " + sh_quote(big) + " " + sh_quote(small));
    WalkOptions options;
    options.format = Format::Text;
    options.max_record_bytes = 1000;
    const WalkResult w = walk_all(dir.file("big/r.txt.gz"), options);
    CHECK(w.sink.reviews.empty());
    REQUIRE(w.sink.rejects.size() == 1);
    CHECK(w.sink.rejects[0].reason == "record larger than --max-record-bytes (50004 > 1000 bytes)");
    CHECK(w.sink.rejects[0].source == dir.file("big/r.txt.gz"));
    // Negative: a compressed review within the limit is read whole.
    const WalkResult ok = walk_all(dir.file("small/r.txt.gz"), options);
    CHECK(ok.sink.rejects.empty());
    REQUIRE(ok.sink.reviews.size() == 1);
    CHECK(ok.sink.reviews[0].body == "A short review of a quiet film.");
}
