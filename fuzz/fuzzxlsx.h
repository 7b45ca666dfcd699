#pragma once
// Reads every sheet of a workbook the way the import does, checking what a reader promises.
#include "fuzzcommon.h"

#include "common/errors.h"
#include "sheets/xlsxreader.h"

namespace ttfuzz {

inline void readWorkbook(const QString &path)
{
    try {
        tt::XlsxLimits limits;
        limits.maxUncompressedBytes = qint64(64) << 20; // keep each execution small; the logic is the same
        limits.maxCellChars = 1 << 16;
        limits.maxRows = 100000;
        tt::XlsxReader reader(path, limits);
        (void)reader.date1904();
        int n = 0;
        for (const QString &name : reader.sheetNames()) {
            if (++n % 2 == 0)
                reader.setColumnLimit(12); // as the import does once the mapping is known
            qint64 last = 0;
            reader.readSheet(name, [&](tt::SheetRow &row) {
                TT_FUZZ_CHECK(row.number > last);
                last = row.number;
                TT_FUZZ_CHECK(row.cells.size() <= size_t(reader.columnLimit()));
                TT_FUZZ_CHECK(row.cellsBeyond >= 0);
                return true;
            });
        }
    } catch (const tt::SourceError &) {
    }
}

} // namespace ttfuzz
