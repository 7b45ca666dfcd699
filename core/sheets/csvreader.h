#pragma once
// Reads one CSV file (a Google Sheets tab downloaded as CSV) into rows of text cells.
// RFC 4180 with the usual tolerances; fast (memory-mapped, byte state machine).
#include "common/progress.h"
#include "sheets/cell.h"

#include <QByteArray>
#include <QString>

#include <limits>

namespace tt {

class CsvReader
{
public:
    explicit CsvReader(const QString &path);                                        // a file
    static CsvReader fromData(const QByteArray &data, const QString &displayName); // tests/embedded data

    // One part of the text, for reading a file on two threads: the records that start at or after `from` and
    // before `to` (byte offsets in the UTF-8 text, after any BOM; a UTF-16 file's converted text). The record
    // boundaries and row numbers are those of the whole file: a part after the first scans the text before it
    // for quotes and line ends (quickly, by the same rules as the parse) to find its first record and number.
    struct Part
    {
        qint64 from = 0;
        qint64 to = std::numeric_limits<qint64>::max();
    };

    // Streams every record (of the part) to the sink; row numbers are 1-based record numbers (a header is
    // record 1). Throws SourceError (unreadable, not text, unterminated quote, oversized field, more than
    // MaxColumns columns) or Cancelled.
    void read(const RowSink &sink, Progress *progress = nullptr);
    void read(const RowSink &sink, Progress *progress, Part part);

    char delimiter() const { return m_delimiter; } // ',' ';' or '\t' (valid after read() or detect())
    QString encoding() const { return m_encoding; } // "UTF-8", "UTF-8 (BOM)", "UTF-16LE (BOM)", "UTF-16BE (BOM)"
    void detect();                                  // sniffs encoding and delimiter without reading all rows
    void setDelimiter(char d);                      // overrides detection

    QString displayName() const { return m_displayName; }

    static constexpr qint64 MaxFieldBytes = 1 << 20; // a larger field -> SourceError naming row and column
    static constexpr int MaxColumns = 16384;          // a wider row (beyond column XFD) -> SourceError
    static constexpr qint64 SampleBytes = 64 * 1024;  // what detection looks at

private:
    CsvReader() = default;
    // The text as UTF-8 bytes: the mapped file or data (after any BOM), or a converted copy (UTF-16).
    struct Text;
    Text load(bool sampleOnly);
    void sniff(const char *begin, const char *end, bool atEof);

    QString m_path;
    QString m_displayName;
    QByteArray m_data;
    bool m_fromData = false;
    char m_delimiter = ',';
    bool m_delimiterOverridden = false;
    bool m_lfcr = false; // the file ends its lines with LF CR (one line end, not two)
    QString m_encoding = QStringLiteral("UTF-8");
};

} // namespace tt
