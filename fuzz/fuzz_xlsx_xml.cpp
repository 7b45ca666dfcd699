// libFuzzer target: the XML parts of an XLSX workbook (workbook, relationships, styles, shared strings,
// sheets). The input is the parts' texts separated by a byte 0x01 (never valid in XML), in the order of
// kParts; the target zips them (stored, so libzip's checksums hold) and reads the workbook as fuzz_xlsx does.
#include "fuzzcommon.h"
#include "fuzzxlsx.h"

#include <zip.h>

#include <cstdint>
#include <iterator>

namespace {

const char *const kParts[] = {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                              "xl/styles.xml", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml",
                              "xl/worksheets/sheet2.xml"};

void writeZip(const QString &path, const QList<QByteArray> &parts)
{
    int err = 0;
    zip_t *zip = zip_open(QFile::encodeName(path).constData(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    TT_FUZZ_CHECK(zip);
    for (qsizetype i = 0; i < parts.size() && i < qsizetype(std::size(kParts)); ++i) {
        zip_source_t *src = zip_source_buffer(zip, parts[i].constData(), zip_uint64_t(parts[i].size()), 0);
        TT_FUZZ_CHECK(src);
        const zip_int64_t idx = zip_file_add(zip, kParts[i], src, ZIP_FL_OVERWRITE);
        TT_FUZZ_CHECK(idx >= 0);
        zip_set_file_compression(zip, zip_uint64_t(idx), ZIP_CM_STORE, 0);
    }
    TT_FUZZ_CHECK(zip_close(zip) == 0);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QString path = ttfuzz::scratchPath("-parts.xlsx");
    const QList<QByteArray> parts = QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)).split('\x01');
    writeZip(path, parts);
    ttfuzz::readWorkbook(path);
    return 0;
}
