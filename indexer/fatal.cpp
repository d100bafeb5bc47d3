#include "indexer/fatal.hpp"

#include <unistd.h>
#include <xapian.h>

#include <exception>
#include <string>

namespace revsearch::indexer {

namespace {

void write_stderr(const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(2, text.data() + done, text.size() - done);
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
}

[[noreturn]] void on_terminate() {
    std::string what = "an unrecoverable error inside the database library";
    if (const std::exception_ptr current = std::current_exception()) {
        try {
            std::rethrow_exception(current);
        } catch (const Xapian::Error& e) {
            what = e.get_description();
        } catch (const std::exception& e) {
            what = e.what();
        } catch (...) {
        }
    }
    write_stderr("revsearch-index: stopped: " + what +
                 " (a write failed while Xapian committed: is the disk full or failing?). The "
                 "index keeps the batches committed before it; free space, then run the same "
                 "command again to resume.\n");
    ::_exit(1);
}

}  // namespace

void install_terminate_handler() { std::set_terminate(on_terminate); }

}  // namespace revsearch::indexer
