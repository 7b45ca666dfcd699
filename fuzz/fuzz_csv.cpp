// libFuzzer target: the CSV reader (core/sheets/csvreader.cpp) on arbitrary bytes.
// Invariants: only SourceError escapes; record numbers rise by one from 1; no row is wider than MaxColumns;
// no field longer than MaxFieldBytes; a forced delimiter reads the same number of bytes without crashing.
#include "fuzzcommon.h"

#include "common/errors.h"
#include "sheets/csvreader.h"

#include <cstdint>

using namespace tt;

namespace {

void readAll(CsvReader &reader)
{
    qint64 last = 0;
    reader.read([&](SheetRow &row) {
        TT_FUZZ_CHECK(row.number == last + 1);
        last = row.number;
        TT_FUZZ_CHECK(row.cells.size() <= size_t(CsvReader::MaxColumns));
        for (const Cell &c : row.cells)
            TT_FUZZ_CHECK(c.text.size() <= CsvReader::MaxFieldBytes);
        return true;
    });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    try {
        CsvReader reader = CsvReader::fromData(bytes, QStringLiteral("fuzz.csv"));
        readAll(reader);
        const char d = reader.delimiter();
        TT_FUZZ_CHECK(d == ',' || d == ';' || d == '\t');
    } catch (const SourceError &) {
    }
    // The same bytes with the delimiter chosen by the user (the column-mapping page lets them).
    if (size > 0) {
        try {
            CsvReader reader = CsvReader::fromData(bytes, QStringLiteral("fuzz.csv"));
            reader.setDelimiter(";\t,"[data[0] % 3]);
            readAll(reader);
        } catch (const SourceError &) {
        }
    }
    return 0;
}
