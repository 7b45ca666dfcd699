#pragma once
// Reads an Excel workbook (.xlsx, as downloaded from Google Sheets) sheet by sheet, streaming rows of
// typed cells. Treats the file as hostile: zip bomb limits, no DTDs, damaged parts reported by name.
#include "common/progress.h"
#include "sheets/cell.h"

#include <QString>
#include <QStringList>

#include <memory>

namespace tt {

struct XlsxLimits
{
    qint64 maxEntries = 10000;
    qint64 maxUncompressedBytes = qint64(4) << 30;
    double maxRatio = 200; // uncompressed/compressed, checked for entries over 50 MB
    qint64 maxCellChars = qint64(1) << 20; // one cell or shared text (as the CSV reader's field cap)
    // The shared-text table, in bytes of memory (2 per character + 32 per entry); -1: 64 MB + 32 x the file size.
    qint64 maxSharedStringBytes = -1;
    qint64 maxRows = 1048576; // Excel's last row; a row numbered beyond it is refused
};

class XlsxReader
{
public:
    explicit XlsxReader(const QString &path, XlsxLimits limits = {}); // opens; throws SourceError
    ~XlsxReader();
    XlsxReader(const XlsxReader &) = delete;
    XlsxReader &operator=(const XlsxReader &) = delete;

    QStringList sheetNames() const; // in workbook order
    bool date1904() const;
    // Streams rows of the named sheet (exact name match first, then case-insensitive/trimmed match).
    // Throws SourceError (missing sheet, damaged or hostile part) or Cancelled.
    void readSheet(const QString &name, const RowSink &sink, Progress *progress = nullptr);
    // Cells at or beyond this 0-based column are not kept: a row is never wider than the limit, and the values
    // left out are counted in SheetRow::cellsBeyond. May be called from the sink; applies from the next row.
    // Default and maximum: 16,384 (column XFD, the last a sheet has).
    void setColumnLimit(int columns);
    int columnLimit() const;

    // Reads the shared-text table now instead of at the first cell that needs it. False when it cannot be read:
    // the error is reported, naming the cell, when a cell needs it. Throws Cancelled.
    bool preloadSharedStrings(Progress *progress = nullptr);
    // Another reader of the same workbook (e.g. on another thread, for another sheet) uses this one's loaded
    // shared-text table instead of reading it again, and counts what it decompresses towards the same limit.
    // Call before either reads; afterwards each reader is used by one thread at a time.
    void shareSharedStrings(XlsxReader &other) const;

    // Helpers exposed for tests: is this number format (code, or built-in id when code is empty) a date?
    static bool isDateFormat(int numFmtId, const QString &formatCode);
    static int columnIndex(QStringView cellRef); // "AB12" -> 27; -1 when there are no letters

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace tt
