// The last statements run, for divergence and error reports.
#pragma once

#include <cstddef>
#include <deque>
#include <string>

namespace fuzz {

class History {
   public:
    explicit History(std::size_t capacity) : capacity_(capacity) {}

    void Add(long number, std::string text, std::string outcome)
    {
        entries_.push_back(Entry{number, std::move(text), std::move(outcome)});
        if (entries_.size() > capacity_) entries_.pop_front();
    }

    // One line per statement, oldest first, each prefixed with indent.
    std::string Format(const std::string &indent) const
    {
        std::string out;
        for (const auto &entry : entries_)
            out += indent + "#" + std::to_string(entry.number) + " [" + entry.outcome + "] " +
                   entry.text + "\n";
        return out;
    }

   private:
    struct Entry {
        long number;
        std::string text;
        std::string outcome;
    };
    std::size_t capacity_;
    std::deque<Entry> entries_;
};

}  // namespace fuzz
