#include "indexer/writer.hpp"

#include <xapian.h>

#include "common/error.hpp"
#include "common/schema.hpp"

namespace revsearch::indexer {

namespace {

class DatabaseWriter final : public IndexWriter {
public:
    DatabaseWriter(Xapian::WritableDatabase db, std::string name)
        : db_(std::move(db)), name_(std::move(name)) {}

    ~DatabaseWriter() override {
        // Xapian's destructor would commit and swallow any error; the job commits explicitly,
        // so anything still pending here belongs to a failed run and is dropped on purpose.
        try {
            db_.close();
        } catch (const Xapian::Error&) {
        }
    }

    bool put(const std::string& id_term, const Xapian::Document& doc) override {
        return guard([&] {
            const Xapian::doccount before = db_.get_doccount();
            db_.replace_document(id_term, doc);
            return db_.get_doccount() == before;
        });
    }

    bool remove(const std::string& id_term) override {
        return guard([&] {
            if (!db_.term_exists(id_term)) return false;
            db_.delete_document(id_term);
            return true;
        });
    }

    bool contains(const std::string& id_term) override {
        return guard([&] { return db_.term_exists(id_term); });
    }

    void set_metadata(const std::string& key, const std::string& value) override {
        guard([&] {
            db_.set_metadata(key, value);
            return true;
        });
    }

    std::string get_metadata(const std::string& key) override {
        return guard([&] { return db_.get_metadata(key); });
    }

    void commit() override {
        guard([&] {
            db_.commit();
            return true;
        });
    }

    void add_spelling(const std::string& word, Xapian::termcount freq) override {
        if (!spelling_supported_) return;
        try {
            db_.add_spelling(word, freq);
        } catch (const Xapian::UnimplementedError&) {
            spelling_supported_ = false;  // the in-memory backend has no spelling table
        } catch (const Xapian::Error& e) {
            throw IndexError(name_, e.get_description());
        }
    }

    std::vector<std::string> ids_with_term(const std::string& term) override {
        return guard([&] {
            std::vector<std::string> ids;
            for (auto it = db_.postlist_begin(term); it != db_.postlist_end(term); ++it) {
                ids.push_back(db_.get_document(*it).get_value(schema::kIdSlot));
            }
            return ids;
        });
    }

    Xapian::doccount doc_count() override {
        return guard([&] { return db_.get_doccount(); });
    }

private:
    template <typename F>
    auto guard(F&& f) -> decltype(f()) {
        try {
            return f();
        } catch (const Xapian::Error& e) {
            throw IndexError(name_, e.get_description());
        }
    }

    Xapian::WritableDatabase db_;
    std::string name_;
    bool spelling_supported_ = true;
};

}  // namespace

std::unique_ptr<IndexWriter> open_database_writer(const std::string& path) {
    try {
        return std::make_unique<DatabaseWriter>(
            Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS),
            path);
    } catch (const Xapian::DatabaseLockError& e) {
        throw IndexError(path, "another process is writing this database (" + e.get_msg() + ")");
    } catch (const Xapian::Error& e) {
        throw IndexError(path, "cannot open for writing: " + e.get_description());
    }
}

std::unique_ptr<IndexWriter> wrap_database_writer(Xapian::WritableDatabase db, std::string name) {
    return std::make_unique<DatabaseWriter>(std::move(db), std::move(name));
}

}  // namespace revsearch::indexer
