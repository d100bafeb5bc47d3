#include "common/record_codec.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/schema.hpp"

using revsearch::RecordCodec;

namespace {

const char* const kWords[] = {"patience", "garden", "kettle", "nurse", "winter", "letters",
                              "quiet", "harbor", "violin", "burnout", "chapter", "reader"};

/// Review-like JSON records that share their structure and vocabulary, as a corpus does.
std::vector<std::string> records(int n, int seed) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) {
        std::string body;
        for (int w = 0; w < 40 + (i + seed) % 30; ++w) body += std::string(kWords[(i * 5 + w * 7 + seed) % 12]) + " ";
        out.push_back(R"({"id":"r)" + std::to_string(seed * 100000 + i) + R"(","title":"On )" +
                      kWords[i % 12] + R"(","reviewer":"Reader )" + std::to_string(i % 9) +
                      R"(","rating":4,"body":")" + body + R"("})");
    }
    return out;
}

}  // namespace

TEST_CASE("stored records compress with a dictionary trained on the corpus and decode exactly",
          "[common]") {
    const std::string dictionary = RecordCodec::train(records(500, 1));
    REQUIRE_FALSE(dictionary.empty());
    RecordCodec codec(dictionary);
    std::size_t raw = 0;
    std::size_t packed = 0;
    for (const std::string& record : records(200, 2)) {
        const std::string stored = codec.encode(record);
        CHECK(stored.front() != '{');
        CHECK(codec.decode(stored) == record);
        raw += record.size();
        packed += stored.size();
    }
    CHECK(packed * 3 < raw);

    SECTION("plain JSON records, as older indexes hold them, pass through unchanged") {
        const std::string plain = records(1, 3).front();
        CHECK(codec.decode(plain) == plain);
        CHECK(RecordCodec().decode(plain) == plain);
        CHECK(RecordCodec().encode(plain) == plain);
    }
    SECTION("a record of another dictionary, or damaged, is an error, not garbage") {
        RecordCodec other(RecordCodec::train(records(500, 7)));
        const std::string stored = other.encode(records(1, 4).front());
        CHECK_THROWS_AS(codec.decode(stored), revsearch::Error);
        std::string damaged = codec.encode(records(1, 5).front());
        damaged.resize(damaged.size() / 2);
        CHECK_THROWS_AS(codec.decode(damaged), revsearch::Error);
    }
}

TEST_CASE("a dictionary trained on several threads is the one a single thread trains",
          "[common]") {
    const std::vector<std::string> samples = records(800, 4);
    const std::string one = RecordCodec::train(samples, RecordCodec::kDictionaryBytes, 1);
    REQUIRE_FALSE(one.empty());
    CHECK(RecordCodec::train(samples, RecordCodec::kDictionaryBytes, 2) == one);
    CHECK(RecordCodec::train(samples, RecordCodec::kDictionaryBytes, 4) == one);
}

TEST_CASE("too few samples give no dictionary, and the codec then stores records plainly",
          "[common]") {
    CHECK(RecordCodec::train(records(10, 1)).empty());
    CHECK_THROWS_AS(RecordCodec("not a dictionary"), revsearch::Error);
}

TEST_CASE("a decoder reads records made with any of several shards' dictionaries", "[common]") {
    RecordCodec first(RecordCodec::train(records(500, 1)));
    RecordCodec second(RecordCodec::train(records(500, 9)));
    REQUIRE(first.id() != second.id());
    revsearch::RecordDecoder decoder;
    decoder.add(first.dictionary());
    decoder.add(second.dictionary());
    decoder.add(first.dictionary());  // known already: ignored
    decoder.add("");
    const std::string a = records(1, 2).front();
    const std::string b = records(1, 3).front();
    CHECK(RecordCodec::frame_id(first.encode(a)) == first.id());
    CHECK(decoder.decode(first.encode(a)) == a);
    CHECK(decoder.decode(second.encode(b)) == b);
    CHECK(decoder.decode(a) == a);
    revsearch::RecordDecoder only_first;
    only_first.add(first.dictionary());
    CHECK_THROWS_AS(only_first.decode(second.encode(b)), revsearch::Error);
}

TEST_CASE("a compressed record is kept in its value slot, a plain one as the document data, and "
          "both read back from either place",
          "[common]") {
    RecordCodec codec(RecordCodec::train(records(500, 1)));
    const std::string record = records(1, 6).front();

    Xapian::Document packed;
    revsearch::store_record(packed, codec.encode(record));
    CHECK(packed.get_data().empty());
    CHECK(codec.decode(packed.get_value(revsearch::schema::kRecordSlot)) == record);
    CHECK(codec.decode(revsearch::stored_record(packed)) == record);

    Xapian::Document plain;
    revsearch::store_record(plain, RecordCodec().encode(record));
    CHECK(plain.get_data() == record);
    CHECK(plain.get_value(revsearch::schema::kRecordSlot).empty());
    CHECK(revsearch::stored_record(plain) == record);

    // Indexes made before the value slot kept compressed frames as the document data.
    Xapian::Document older;
    older.set_data(codec.encode(record));
    CHECK(codec.decode(revsearch::stored_record(older)) == record);
}
