// libFuzzer target: the XLSX reader (core/sheets/xlsxreader.cpp) on an arbitrary file: the zip container
// (libzip), its directory and the limits. fuzz_xlsx_xml fuzzes the XML parts inside a valid zip.
// Invariants: only SourceError escapes; row numbers rise; no row is wider than the column limit.
#include "fuzzcommon.h"
#include "fuzzxlsx.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QString path = ttfuzz::scratchPath(".xlsx");
    ttfuzz::writeFile(path, QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)));
    ttfuzz::readWorkbook(path);
    return 0;
}
