#pragma once
// Internal: COPY … FROM STDIN behind one small class of ours, because libpqxx 7 changed the stream_to
// API (stream_to::table / raw_table, write_row). Only this file knows libpqxx 6.4's spelling.
// A field given as nullptr is written as NULL.
#include <pqxx/pqxx>

#include <array>
#include <initializer_list>
#include <string>

namespace tt {

class CopyStream
{
public:
    // table and columns must be plain lower-case identifiers (our temporary tables).
    CopyStream(pqxx::transaction_base &tx, const std::string &table, std::initializer_list<std::string> columns)
        : m_stream(tx, table, std::vector<std::string>(columns))
    {
    }
    template<std::size_t N>
    void write(const std::array<const char *, N> &row)
    {
        m_stream << row;
        ++m_rows;
    }
    void complete() { m_stream.complete(); }
    long long rows() const { return m_rows; }

private:
    pqxx::stream_to m_stream;
    long long m_rows = 0;
};

} // namespace tt
