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

    // Helpers exposed for tests: is this number format (code, or built-in id when code is empty) a date?
    static bool isDateFormat(int numFmtId, const QString &formatCode);
    static int columnIndex(QStringView cellRef); // "AB12" -> 27; -1 when there are no letters

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace tt
