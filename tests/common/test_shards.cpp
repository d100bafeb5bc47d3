#include <xapian.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/shards.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using shards::StubEntry;

namespace {

StubEntry local(const std::string& path, const std::string& backend = "glass") {
    StubEntry e;
    e.kind = StubEntry::Kind::Local;
    e.backend = backend;
    e.path = path;
    return e;
}

StubEntry remote(const std::string& host, unsigned port) {
    StubEntry e;
    e.kind = StubEntry::Kind::Remote;
    e.backend = "remote";
    e.host = host;
    e.port = port;
    return e;
}

}  // namespace

TEST_CASE("a stub file is parsed line by line in Xapian's syntax", "[common]") {
    test::TempDir dir;
    const std::string stub = dir.write("XAPIANDB",
                                       "# two local shards and a remote one\n"
                                       "\n"
                                       "glass shard-000\n"
                                       "auto   /abs/shard-001  \n"
                                       "chert\told\n"
                                       "remote search-2.example:33333\n"
                                       "inmemory\n");
    const std::vector<StubEntry> entries = shards::read_stub(stub);
    REQUIRE(entries.size() == 5);

    SECTION("local lines keep their backend word, their path and their line number") {
        CHECK(entries[0].kind == StubEntry::Kind::Local);
        CHECK(entries[0].backend == "glass");
        CHECK(entries[0].path == "shard-000");
        CHECK(entries[0].line == 3);
        CHECK(entries[1].backend == "auto");
        CHECK(entries[1].path == "/abs/shard-001");
        CHECK(entries[2].backend == "chert");
        CHECK(entries[2].path == "old");
    }
    SECTION("a remote line gives its host and port") {
        CHECK(entries[3].kind == StubEntry::Kind::Remote);
        CHECK(entries[3].host == "search-2.example");
        CHECK(entries[3].port == 33333);
        CHECK(entries[3].line == 6);
    }
    SECTION("an inmemory line is a local entry without a path") {
        CHECK(entries[4].kind == StubEntry::Kind::Local);
        CHECK(entries[4].backend == "inmemory");
        CHECK(entries[4].path.empty());
    }
    SECTION("relative paths resolve against the stub's folder and absolute ones stay") {
        CHECK(shards::resolve(entries[0], stub) == (dir.path() / "shard-000").string());
        CHECK(shards::resolve(entries[1], stub) == "/abs/shard-001");
        CHECK(shards::resolve(entries[3], stub) == "search-2.example:33333");
    }
    SECTION("a description names the stub line and what it points to") {
        CHECK(shards::describe(entries[3], stub) == stub + ":6 (search-2.example:33333)");
        CHECK(shards::describe(entries[0], stub) ==
              stub + ":3 (" + (dir.path() / "shard-000").string() + ")");
    }
}

TEST_CASE("a bad stub line is refused with its file and line", "[common]") {
    test::TempDir dir;
    const auto refused = [&](const std::string& line, const std::string& why) {
        const std::string stub = dir.write("stub", "glass a\n" + line + "\n");
        try {
            (void)shards::read_stub(stub);
            FAIL("no error for '" << line << "'");
        } catch (const IndexError& e) {
            const std::string msg = e.what();
            CHECK_THAT(msg, Catch::Contains(stub + ":2"));
            CHECK_THAT(msg, Catch::Contains(why));
        }
    };
    SECTION("an unknown backend word is refused") { refused("flint db", "bad stub line"); }
    SECTION("a local line without a path is refused") { refused("glass", "without a path"); }
    SECTION("a remote line without a port is refused") { refused("remote host", "no port"); }
    SECTION("a remote port out of range is refused") {
        refused("remote host:0", "bad port");
        refused("remote host:65536", "bad port");
        refused("remote host:80x", "bad port");
    }
    SECTION("the program variant of the remote backend is refused as unsupported") {
        refused("remote :ssh box xapian-progsrv /srv/db", "not supported");
    }
    SECTION("a stub that cannot be read is an index error naming it") {
        CHECK_THROWS_AS(shards::read_stub(dir.file("missing")), IndexError);
    }
}

TEST_CASE("the stub a database path names is found", "[common]") {
    test::TempDir dir;
    SECTION("a folder holding XAPIANDB names that file") {
        dir.write("sharded/XAPIANDB", "glass shard-000\n");
        CHECK(shards::stub_file(dir.file("sharded")) == dir.file("sharded/XAPIANDB"));
    }
    SECTION("a text file is itself a stub") {
        const std::string stub = dir.write("remote.stub", "remote localhost:1234\n");
        CHECK(shards::stub_file(stub) == stub);
    }
    SECTION("an ordinary glass database is not a stub") {
        { Xapian::WritableDatabase db(dir.file("plain"), Xapian::DB_CREATE_OR_OPEN); }
        CHECK_FALSE(shards::stub_file(dir.file("plain")).has_value());
    }
    SECTION("a binary file is not a stub") {
        dir.write("single", std::string("\x0f\x0dXapian Glass\0\0", 16));
        CHECK_FALSE(shards::stub_file(dir.file("single")).has_value());
    }
    SECTION("a path that does not exist is not a stub") {
        CHECK_FALSE(shards::stub_file(dir.file("nothing")).has_value());
    }
}

TEST_CASE("a written stub reads back the same and Xapian accepts it", "[common]") {
    test::TempDir dir;
    const std::string stub = dir.file("XAPIANDB");
    std::vector<StubEntry> entries = {local(shards::shard_name(0)), local(shards::shard_name(1)),
                                      remote("127.0.0.1", 40001)};
    shards::write_stub(stub, entries, "written by a test\nsecond line");

    SECTION("the entries come back in order, with the comment skipped") {
        const auto back = shards::read_stub(stub);
        REQUIRE(back.size() == 3);
        CHECK(back[0].path == "shard-000");
        CHECK(back[0].backend == "glass");
        CHECK(back[0].line == 3);
        CHECK(back[1].path == "shard-001");
        CHECK(back[2].host == "127.0.0.1");
        CHECK(back[2].port == 40001);
        CHECK(test::read_file(stub).rfind("# written by a test\n# second line\n", 0) == 0);
    }
    SECTION("rewriting replaces the file whole and leaves no temporary behind") {
        shards::write_stub(stub, {local("only")});
        CHECK(test::read_file(stub) == "glass only\n");
        std::size_t files = 0;
        for ([[maybe_unused]] const auto& f : std::filesystem::directory_iterator(dir.path())) {
            ++files;
        }
        CHECK(files == 1);
    }
    SECTION("Xapian opens the folder as a stub over the listed local shards") {
        for (int i = 0; i < 2; ++i) {
            Xapian::WritableDatabase db(dir.file(shards::shard_name(i)),
                                        Xapian::DB_CREATE_OR_OPEN);
            Xapian::Document doc;
            doc.add_term("Qdoc" + std::to_string(i));
            db.add_document(doc);
            db.commit();
        }
        shards::write_stub(stub, {local(shards::shard_name(0)), local(shards::shard_name(1))});
        Xapian::Database db(dir.path().string());
        CHECK(db.get_doccount() == 2);
        CHECK(db.term_exists("Qdoc1"));
    }
    SECTION("entries that cannot be written are refused") {
        CHECK_THROWS_AS(shards::write_stub(stub, {local("")}), UsageError);
        CHECK_THROWS_AS(shards::write_stub(stub, {local("a\nb")}), UsageError);
        CHECK_THROWS_AS(shards::write_stub(stub, {remote("", 1)}), UsageError);
        CHECK_THROWS_AS(shards::write_stub(stub, {remote("host", 0)}), UsageError);
    }
}

TEST_CASE("shard names are zero-padded and sort in shard order", "[common]") {
    CHECK(shards::shard_name(0) == "shard-000");
    CHECK(shards::shard_name(7) == "shard-007");
    CHECK(shards::shard_name(123) == "shard-123");
    CHECK(shards::shard_name(1234) == "shard-1234");
}

TEST_CASE("reviews route to shards by a stable hash of their id", "[common]") {
    SECTION("the hash is FNV-1a 64-bit, so known ids land on known shards on every platform") {
        // FNV-1a 64 of "" is the offset basis 0xcbf29ce484222325; of "a" it is
        // 0xaf63dc4c8601ec8c (published test vectors).
        CHECK(shards::shard_for("", 1000) == 0xcbf29ce484222325ULL % 1000);
        CHECK(shards::shard_for("a", 1000) == 0xaf63dc4c8601ec8cULL % 1000);
        CHECK(shards::shard_for("foobar", 1000) == 0x85944171f73967e8ULL % 1000);
    }
    SECTION("the same id always lands on the same shard") {
        CHECK(shards::shard_for("review-42", 3) == shards::shard_for("review-42", 3));
    }
    SECTION("one shard takes everything") { CHECK(shards::shard_for("anything", 1) == 0); }
    SECTION("ids spread over all shards roughly evenly") {
        std::map<std::size_t, int> counts;
        for (int i = 0; i < 3000; ++i) {
            std::string id = "r";  // appended, not "r" + ...: g++ 12 warns falsely on that
            id += std::to_string(i);
            ++counts[shards::shard_for(id, 3)];
        }
        REQUIRE(counts.size() == 3);
        for (const auto& [shard, n] : counts) {
            CHECK(shard < 3);
            CHECK(n > 800);
            CHECK(n < 1200);
        }
    }
    SECTION("a shard count of zero is a usage error") {
        CHECK_THROWS_AS(shards::shard_for("x", 0), UsageError);
    }
}
