#pragma once
// Internal: COPY … FROM STDIN behind one small class of ours, because libpqxx 7 changed the stream_to
// API (stream_to::table / raw_table, write_row). Only this file knows libpqxx 6.4's spelling.
// A field given as nullptr is written as NULL.
#include <QStringView>
#include <pqxx/pqxx>
#include <pqxx/tablewriter>

#include <array>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

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

// COPY … FROM STDIN in text format, its rows built by the caller straight into one large buffer (UTF-8 and
// COPY's escapes written in one pass, no per-field string) and sent in chunks of about a megabyte: a few
// hundred libpq calls for a quarter of a million rows. table and columns go into the statement as given
// (quote them: "Incident").
class RawCopy
{
public:
    RawCopy(pqxx::transaction_base &tx, const std::string &table, const std::vector<std::string> &columns)
        : m_writer(open(tx, table, columns))
    {
        m_buffer.reserve(kChunk + (kChunk >> 2));
    }
    // A field of text (escaped); a NUL character is left out (COPY cannot carry one).
    void text(QStringView value)
    {
        separate();
        appendEscaped(value);
    }
    // Empty is written as NULL.
    void nullable(QStringView value) { value.isEmpty() ? null() : text(value); }
    // Bytes that need no escaping (ids, timestamps, keywords).
    void plain(const char *bytes, size_t size)
    {
        separate();
        m_buffer.append(bytes, size);
    }
    void null()
    {
        separate();
        m_buffer += "\\N";
    }
    void endRow()
    {
        m_buffer += '\n';
        m_first = true;
        ++m_rows;
        if (m_buffer.size() >= kChunk)
            flush();
    }
    // Sends what has been built so far.
    void flush()
    {
        if (m_buffer.empty())
            return;
        m_writer->write_raw_line(m_buffer); // libpqxx takes off the last newline and puts it back
        m_buffer.clear();
    }
    void complete()
    {
        flush();
        m_writer->complete();
    }
    long long rows() const { return m_rows; }

private:
    static constexpr size_t kChunk = size_t(1) << 20;
    // libpqxx 6.4's only public way to send pre-built COPY text is its deprecated tablewriter; stream_to's
    // write_raw_line is private there (public in libpqxx 7).
    static std::unique_ptr<pqxx::tablewriter> open(pqxx::transaction_base &tx, const std::string &table,
                                                   const std::vector<std::string> &columns)
    {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
        return std::make_unique<pqxx::tablewriter>(tx, table, columns.begin(), columns.end());
#pragma GCC diagnostic pop
    }
    void separate()
    {
        if (!m_first)
            m_buffer += '\t';
        m_first = false;
    }
    void appendEscaped(QStringView value)
    {
        const size_t start = m_buffer.size();
        m_buffer.resize(start + 3 * size_t(value.size())); // the most one UTF-16 unit can become
        char *out = m_buffer.data() + start;
        const char16_t *p = value.utf16(), *end = p + value.size();
        while (p < end) {
            const char32_t c = *p++;
            if (c < 0x80) {
                const char esc = c == '\\' ? '\\' : c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : 0;
                if (esc) {
                    *out++ = '\\';
                    *out++ = esc;
                } else if (c != 0) {
                    *out++ = char(c);
                }
            } else if (c < 0x800) {
                *out++ = char(0xC0 | (c >> 6));
                *out++ = char(0x80 | (c & 0x3F));
            } else if (QChar::isHighSurrogate(c) && p < end && QChar::isLowSurrogate(*p)) {
                const char32_t u = QChar::surrogateToUcs4(char16_t(c), *p++);
                *out++ = char(0xF0 | (u >> 18));
                *out++ = char(0x80 | ((u >> 12) & 0x3F));
                *out++ = char(0x80 | ((u >> 6) & 0x3F));
                *out++ = char(0x80 | (u & 0x3F));
            } else {
                const char32_t u = QChar::isSurrogate(c) ? 0xFFFD : c; // a lone surrogate: the replacement character
                *out++ = char(0xE0 | (u >> 12));
                *out++ = char(0x80 | ((u >> 6) & 0x3F));
                *out++ = char(0x80 | (u & 0x3F));
            }
        }
        m_buffer.resize(size_t(out - m_buffer.data()));
    }

    std::unique_ptr<pqxx::tablewriter> m_writer;
    std::string m_buffer;
    bool m_first = true;
    long long m_rows = 0;
};

} // namespace tt
