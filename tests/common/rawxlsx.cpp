#include "rawxlsx.h"

#include <QFile>

#include <zip.h>

namespace tt::test {

namespace {

const QByteArray kMain = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                         "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";
const QByteArray kRelType = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";

QByteArray escaped(const QString &text)
{
    return text.toHtmlEscaped().toUtf8();
}

} // namespace

bool writeZip(const QString &path, const QList<ZipPart> &parts, QString *error)
{
    int err = 0;
    zip_t *za = zip_open(QFile::encodeName(path).constData(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!za) {
        if (error)
            *error = QStringLiteral("cannot create %1 (libzip error %2)").arg(path).arg(err);
        return false;
    }
    for (const ZipPart &p : parts) {
        zip_source_t *src = zip_source_buffer(za, p.second.constData(), zip_uint64_t(p.second.size()), 0);
        if (!src || zip_file_add(za, p.first.toUtf8().constData(), src, ZIP_FL_ENC_UTF_8) < 0) {
            if (error)
                *error = QString::fromUtf8(zip_strerror(za));
            zip_source_free(src);
            zip_discard(za);
            return false;
        }
    }
    if (zip_close(za) != 0) {
        if (error)
            *error = QString::fromUtf8(zip_strerror(za));
        zip_discard(za);
        return false;
    }
    return true;
}

QList<ZipPart> workbookParts(const QByteArray &sheetData, const QByteArray &sharedItems, const QByteArray &sheetName)
{
    const QByteArray xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    return {
        {QStringLiteral("xl/workbook.xml"),
         xml + "<workbook " + kMain + "><workbookPr/><sheets><sheet name=\"" + sheetName
             + "\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
        {QStringLiteral("xl/_rels/workbook.xml.rels"),
         xml + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
               "<Relationship Id=\"rId1\" Type=\"" + kRelType + "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
               "<Relationship Id=\"rId2\" Type=\"" + kRelType + "sharedStrings\" Target=\"sharedStrings.xml\"/>"
               "<Relationship Id=\"rId3\" Type=\"" + kRelType + "styles\" Target=\"styles.xml\"/></Relationships>"},
        {QStringLiteral("xl/worksheets/sheet1.xml"),
         xml + "<worksheet " + kMain + "><sheetData>" + sheetData + "</sheetData></worksheet>"},
        {QStringLiteral("xl/sharedStrings.xml"), xml + "<sst " + kMain + ">" + sharedItems + "</sst>"},
        {QStringLiteral("xl/styles.xml"),
         xml + "<styleSheet " + kMain + "><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"22\"/></cellXfs></styleSheet>"},
    };
}

QByteArray columnLetters(int column)
{
    QByteArray name;
    for (int n = column + 1; n > 0; n = (n - 1) / 26)
        name.prepend(char('A' + (n - 1) % 26));
    return name;
}

QByteArray inlineCell(int column, qint64 row, const QString &text)
{
    return "<c r=\"" + columnLetters(column) + QByteArray::number(row) + "\" t=\"inlineStr\"><is><t>" + escaped(text)
           + "</t></is></c>";
}

QByteArray sharedCell(int column, qint64 row, qint64 index)
{
    return "<c r=\"" + columnLetters(column) + QByteArray::number(row) + "\" t=\"s\"><v>" + QByteArray::number(index)
           + "</v></c>";
}

} // namespace tt::test
